package workspace

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/internal/redact"
)

// HeartbeatEvery is how often a running live test marks its run alive, so
// another process can tell it from one whose owner died.
const HeartbeatEvery = time.Minute

// RunOptions are what a front adds to a live test: how keys are found and
// where progress goes. Everything else (store, prices, images folder,
// heartbeat, final status) the workspace decides.
type RunOptions struct {
	// Keys finds an endpoint's API key (default livetest.LookupKey).
	Keys func(advisor.Endpoint) (string, error)
	// OnProgress is called after each result (from the runner's goroutines).
	OnProgress func(livetest.Progress)
	// OnNote gets the runner's remarks (skipped files, a failed re-ranking).
	OnNote func(string)
	// Heartbeat overrides HeartbeatEvery (tests).
	Heartbeat time.Duration
	// Runner runs the plan (default livetest.Run); the strategy ladder
	// wraps it (advisor/ladder).
	Runner func(ctx context.Context, p advisor.Plan, runID int64, opt livetest.Options) (livetest.Progress, error)

	// Redactor hides every key of the run in what is stored and noted
	// (livetest.Options.Redactor); AllowKeyEnvs are the unusual key variables
	// the user confirmed (livetest.Options.AllowKeyEnvs).
	Redactor     *redact.Redactor
	AllowKeyEnvs []string

	// Interrupted reports, once the run stopped, whether it stopped because
	// the program is closing (the GUI's window closed) rather than by the
	// user's cancel: the run is then marked interrupted, to be finished later.
	Interrupted func() bool

	// Batch API mode (issue 17), for a plan with batch: true. OnBatch gets
	// the batches' state after every poll. CancelBatches says, once the
	// context ended, whether the user cancelled (the provider's batches are
	// cancelled too); nil or false leaves them running, the run marked
	// interrupted, to be resumed (the command line's Ctrl+C, a closed
	// window). BatchPoll overrides the time between polls (tests).
	OnBatch       func(livetest.BatchState)
	CancelBatches func() bool
	BatchPoll     time.Duration
}

// Outcome is how a run ended.
type Outcome struct {
	Progress livetest.Progress
	Status   string // advisor.RunDone, RunCancelled or RunFailed (FinalStatus)
	// Err is the runner's error, nil when it ran to the end (even when every
	// request failed: then Status is failed and AllFailed is set).
	Err       error
	AllFailed bool // there were results and every one is an error
	// Failed and Measured count the run's failed and all its measured
	// requests (warm-ups left out); more than half failed makes the run
	// failed (MostlyFailed) even when the runner went to the end.
	Failed, Measured int
	Results          []advisor.Result // every result of the run, as stored
}

// NewRun is the run a plan makes, not yet stored: its name, decision,
// templates and number of requests.
func NewRun(p advisor.Plan) *data.Run {
	return &data.Run{DecisionID: p.DecisionID, Name: p.Name, Plan: p, Templates: livetest.Templates(p), Total: len(livetest.Cells(p))}
}

// CreateRun checks the plan (after livetest.Defaults) and stores a new run
// of it, marked running by this process.
func (w *Workspace) CreateRun(ctx context.Context, p advisor.Plan) (*data.Run, error) {
	livetest.Defaults(&p)
	if err := livetest.ValidatePlan(p); err != nil {
		return nil, err
	}
	run := NewRun(p)
	if err := w.store.CreateRun(ctx, run); err != nil {
		return nil, err
	}
	return run, nil
}

// ErrStalePlan wraps why a stored plan can no longer run (resume).
var ErrStalePlan = errors.New("the stored plan can no longer run")

// Resume claims run id for this process and returns it with the cells
// Execute then skips, one rule for both fronts: the cells that succeeded, so
// failed requests are sent again; with keepFailed (the command line's
// --keep-failed) every cell that has a result, failed or not. A run that is
// running in another live process is refused (data.ClaimRun). Each check may
// refuse the stored plan before the run is claimed (its error is returned as
// it is).
func (w *Workspace) Resume(ctx context.Context, id int64, keepFailed bool, checks ...func(advisor.Plan) error) (*data.Run, map[advisor.Cell]bool, error) {
	run, err := w.store.Run(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	livetest.Defaults(&run.Plan)
	if err := livetest.ValidatePlan(run.Plan); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrStalePlan, err)
	}
	for _, check := range checks {
		if err := check(run.Plan); err != nil {
			return nil, nil, err
		}
	}
	if err := w.store.ClaimRun(ctx, run.ID); err != nil {
		return nil, nil, err
	}
	skip, err := w.store.SucceededCells(ctx, run.ID)
	if keepFailed {
		skip, err = w.store.DoneCells(ctx, run.ID)
	}
	if err != nil {
		return nil, nil, err
	}
	return run, skip, nil
}

// Execute runs the live test of a stored run, skipping the cells in skip,
// with the catalog's token and unit prices, generated images beside the
// database and a heartbeat while it runs; then it writes the final status
// (FinalStatus), even when ctx was cancelled. Every result is committed as it
// arrives. The returned error is only about the store; how the run went is in
// the Outcome.
func (w *Workspace) Execute(ctx context.Context, run *data.Run, skip map[advisor.Cell]bool, o RunOptions) (Outcome, error) {
	if err := w.begin(); err != nil {
		return Outcome{}, err
	}
	defer w.end()
	keys := o.Keys
	if keys == nil {
		keys = livetest.LookupKey
	}
	prices := w.Prices()
	opt := livetest.Options{
		Sink:         w.store,
		Index:        w.store,
		Skip:         skip,
		Keys:         keys,
		OnNote:       o.OnNote,
		OnProgress:   o.OnProgress,
		Prices:       prices.Tokens,
		UnitPrices:   prices.Units,
		CachedPrices: prices.Cached,
		ArtifactDir:  w.ImagesDir(),

		Redactor:     o.Redactor,
		AllowKeyEnvs: o.AllowKeyEnvs,

		Batches:       w.store,
		OnBatch:       o.OnBatch,
		BatchPoll:     o.BatchPoll,
		BatchPrices:   prices.Batch,
		CancelBatches: o.userCancelled,
	}
	every := o.Heartbeat
	if every <= 0 {
		every = HeartbeatEvery
	}
	stopBeat := heartbeat(ctx, w.store, run.ID, every)
	runner := o.Runner
	if runner == nil {
		runner = livetest.Run
		if run.Plan.Batch {
			runner = livetest.RunBatch
		}
	}
	final, runErr := runner(ctx, run.Plan, run.ID, opt)
	stopBeat()

	// The status is written even after a cancel or a closed window.
	bg := context.Background()
	results, err := w.store.Results(bg, run.ID)
	if err != nil {
		return Outcome{Progress: final, Err: runErr}, err
	}
	out := Outcome{Progress: final, Results: results}
	out.Status, out.Err = FinalStatus(ctx.Err() != nil, final, runErr, results)
	out.AllFailed = allFailed(results)
	out.Failed, out.Measured = failedCount(results)
	if out.Status == advisor.RunCancelled && ((o.Interrupted != nil && o.Interrupted()) || (run.Plan.Batch && !o.userCancelled())) {
		out.Status = advisor.RunInterrupted // batches left at the provider are polled again on resume
	}
	if err := w.store.SetRunStatus(bg, run.ID, out.Status); err != nil {
		return out, err
	}
	run.Status = out.Status
	return out, nil
}

// userCancelled: the run stopped by the user's cancel (not a closing
// program), which cancels a batch run's batches at the provider.
func (o RunOptions) userCancelled() bool {
	if o.Interrupted != nil && o.Interrupted() {
		return false
	}
	return o.CancelBatches != nil && o.CancelBatches()
}

// FinalStatus is the one rule for how a run ended, for both fronts:
//   - cancelled: the context was cancelled before every request was done
//     (a cancel after the last request does not count);
//   - failed: the runner stopped with an error, or more than half of the
//     measured requests failed (a run that measured little or nothing is not
//     done; resuming it sends the failed requests again);
//   - done otherwise.
//
// It returns the status and the runner's error as it still matters (nil
// when the only error was a cancel that came too late to stop anything).
func FinalStatus(cancelled bool, final livetest.Progress, runErr error, results []advisor.Result) (string, error) {
	if errors.Is(runErr, context.Canceled) && final.Done >= final.Total {
		runErr = nil // Ctrl+C or Cancel came after the last request
	}
	switch {
	case (cancelled || errors.Is(runErr, context.Canceled)) && final.Done < final.Total:
		return advisor.RunCancelled, runErr
	case runErr != nil:
		return advisor.RunFailed, runErr
	case mostlyFailed(results):
		return advisor.RunFailed, nil
	}
	return advisor.RunDone, nil
}

// MostlyFailed tells whether more than half of the measured requests failed.
func (o Outcome) MostlyFailed() bool { return o.Measured > 0 && 2*o.Failed > o.Measured }

func mostlyFailed(results []advisor.Result) bool {
	failed, measured := failedCount(results)
	return measured > 0 && 2*failed > measured
}

// failedCount counts the failed and all measured results (warm-ups are no
// measurement); a result of the documents' indexing counts as one request.
func failedCount(results []advisor.Result) (failed, measured int) {
	for _, r := range results {
		if r.Warmup {
			continue
		}
		measured++
		if r.ErrorClass != "" {
			failed++
		}
	}
	return failed, measured
}

// allFailed: there are results and every one is an error.
func allFailed(results []advisor.Result) bool {
	for _, r := range results {
		if r.ErrorClass == "" {
			return false
		}
	}
	return len(results) > 0
}

// heartbeat marks the run alive every interval until stopped.
func heartbeat(ctx context.Context, store *data.Store, id int64, every time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_ = store.Heartbeat(ctx, id) // a missed beat only delays "interrupted"
			}
		}
	}()
	return func() { cancel(); <-done }
}

// BatchState is the state of a run's batches at the providers, as last
// polled (nothing is asked here).
func (w *Workspace) BatchState(ctx context.Context, runID int64) (livetest.BatchState, error) {
	jobs, err := w.store.Batches(ctx, runID)
	if err != nil {
		return livetest.BatchState{}, err
	}
	return livetest.SummarizeBatches(jobs), nil
}

// WaitingBatchRuns are the runs whose batches a provider still holds: the
// ones to resume (polling) when the program opens.
func (w *Workspace) WaitingBatchRuns(ctx context.Context) ([]int64, error) {
	return w.store.WaitingBatchRuns(ctx)
}

// CancelBatches cancels, at the providers, the batches of run id that are
// still running (the command line's test --cancel-batch); what they finished
// is collected when the run is resumed.
func (w *Workspace) CancelBatches(ctx context.Context, id int64, o RunOptions) error {
	run, err := w.store.Run(ctx, id)
	if err != nil {
		return err
	}
	keys := o.Keys
	if keys == nil {
		keys = livetest.LookupKey
	}
	err = livetest.CancelRunBatches(ctx, run.Plan, id, livetest.Options{Sink: w.store, Batches: w.store, Keys: keys, OnNote: o.OnNote,
		Redactor: o.Redactor, AllowKeyEnvs: o.AllowKeyEnvs})
	if err != nil {
		return err
	}
	return w.store.SetRunStatus(ctx, id, advisor.RunCancelled)
}
