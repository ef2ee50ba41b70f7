package app

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/ladder"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// runScreen shows a live test running: progress, ETA, errors, Cancel, and
// the results as they arrive (each one is already in the database).
type runScreen struct {
	a    *App
	view fyne.CanvasObject
	run  *data.Run

	progress *widget.ProgressBar
	counts   *widget.Label
	eta      *widget.Label
	errors   *widget.Label
	status   *widget.Label
	cancel   *widget.Button
	results  *widget.Button
	list     *widget.List

	got       []advisor.Result // in arrival order; the list shows the newest first
	last      livetest.Progress
	pending   bool // a redraw is scheduled
	done      int
	errCount  int // errors of this session
	errBefore int // errors of the run's earlier sessions (resume)
	finished  bool
	state     string // final run state
	notes     []string
	noteLabel *widget.Label
	stop      context.CancelFunc
	skip      map[advisor.Cell]bool // cells already done (resume)
	title     *widget.Label

	// The Batch API (issue 17): the batches' state, and whether the user
	// pressed Cancel (which cancels the provider's batches; a closed window
	// leaves them running).
	batch      *widget.Label
	batchState livetest.BatchState
	userCancel atomic.Bool
}

func newRunScreen(a *App, run *data.Run) *runScreen {
	r := &runScreen{a: a, run: run}
	r.progress = widget.NewProgressBar()
	r.progress.TextFormatter = func() string { return "" } // "N of M done" is beside it, readable on both themes
	r.counts = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.eta = widget.NewLabel("")
	r.errors = widget.NewLabel("")
	r.status = wrapped(lang.L("run.running"))
	r.noteLabel = wrapped("")
	r.noteLabel.Importance = widget.WarningImportance
	r.noteLabel.Hide()
	r.batch = wrapped("")
	r.batch.Hide()
	r.cancel = widget.NewButtonWithIcon(lang.L("btn.cancel"), theme.CancelIcon(), r.onCancel)
	r.cancel.Importance = widget.DangerImportance
	r.results = widget.NewButtonWithIcon(lang.L("run.see_results"), theme.GridIcon(), func() { a.show(screenResults) })
	r.results.Importance = widget.HighImportance
	r.results.Disable()
	r.list = widget.NewList(func() int { return len(r.got) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		res := r.got[len(r.got)-1-i] // newest first
		l := o.(*widget.Label)
		// Rows are recycled: the colour is set before SetText, which redraws
		// the row, so a row never keeps the colour of the result it showed before.
		l.Importance = widget.MediumImportance
		if res.ErrorClass != "" {
			l.Importance = widget.DangerImportance
		}
		l.SetText(resultLine(res))
	})
	r.updateCounts(livetest.Progress{Total: run.Total})
	top := container.NewVBox(hint(run.Name), r.progress, container.NewHBox(r.counts, r.eta, r.errors), r.status, r.batch, r.noteLabel,
		widget.NewLabelWithStyle(lang.L("run.latest"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	r.title = heading(lang.L("run.title"))
	head := container.NewBorder(nil, nil, nil, container.NewHBox(r.cancel, r.results), r.title)
	r.view = container.NewPadded(container.NewBorder(container.NewVBox(head, widget.NewSeparator(), top), nil, nil, nil, r.list))
	return r
}

// serverWords finds the server's own message in a live-test error: the
// text after the HTTP status, "(401: Incorrect API key provided)" or
// "(429): slow down".
var serverWords = regexp.MustCompile(`\((\d{3})(?:: ([^)]*)\)|\): (.+))`)

// notSent is the runner's note on a request it did not send because the
// endpoint's first requests all failed the same way.
var notSent = regexp.MustCompile(`^not sent: the first (\d+) requests`)

// errorDetail says what went wrong with a request in the user's language.
// The live test writes its messages in English (they are the command line's
// and the raw exports'); in Portuguese the screen says what the error class
// means and quotes the server's own words, which are not ours to translate.
func errorDetail(res advisor.Result) string {
	if !strings.HasPrefix(lang.L("app.locale"), "pt") {
		return res.ErrorMessage
	}
	if m := notSent.FindStringSubmatch(res.ErrorMessage); m != nil {
		return lang.L("error.not_sent", map[string]any{"N": m[1]})
	}
	s := labelOr("error."+res.ErrorClass+".why", lang.L("error.other.why"))
	if m := serverWords.FindStringSubmatch(res.ErrorMessage); m != nil {
		words := strings.TrimSpace(m[2] + m[3])
		if words != "" {
			return s + " " + lang.L("error.server_said", map[string]any{"Status": m[1], "Words": words})
		}
		return s + " (HTTP " + m[1] + ")"
	}
	return s
}

// resultLine is one result in a line: who, how, and how well.
func resultLine(res advisor.Result) string {
	head := fmt.Sprintf("#%d · %s · %s", res.Case+1, res.Endpoint, strategyLabel(res.Strategy))
	if res.ErrorClass != "" {
		return "⚠ " + head + " · " + labelOr("error."+res.ErrorClass, res.ErrorClass) + " — " + oneLine(errorDetail(res), 120)
	}
	took := numbers().Number(res.LatencyMs, 0) + " ms"
	if res.Batch {
		took = lang.L("run.batch.result") // no latency through the Batch API
	}
	return fmt.Sprintf("%s · %s · %s %s · %s", head, took, lang.L("run.score"), numbers().Number(res.Score, 2), oneLine(res.Output, 80))
}

// begin runs the test off the UI goroutine through the workspace (the same
// prices, heartbeat and final status as the command line); each progress
// report becomes one UI update.
func (r *runScreen) begin() {
	a := r.a
	ctx, stop := context.WithCancel(a.ctx)
	r.stop = stop
	ws := a.ws
	run, skip := r.run, r.skip
	opts := workspace.RunOptions{
		Keys:         a.keyLookup(),
		AllowKeyEnvs: a.allowedKeyEnvList(),
		OnNote:       func(n string) { a.ui(func() { r.onNote(n) }) },
		OnProgress: func(p livetest.Progress) {
			var last *advisor.Result
			if p.Last != nil {
				c := *p.Last
				last = &c
			}
			a.ui(func() { r.onProgress(p, last) })
		},
		Heartbeat: a.runHeartbeat,
		// The strategy ladder (when the plan asks for it) runs later
		// strategies only for the endpoints that missed the bar.
		Runner: func(ctx context.Context, plan advisor.Plan, id int64, opt livetest.Options) (livetest.Progress, error) {
			return ladder.Run(ctx, plan, id, opt,
				func(ctx context.Context) ([]advisor.Result, error) { return ws.Results(ctx, id) },
				func(rs []advisor.Result) verdict.Verdict { return planVerdict(a, plan, id, rs, plan.Acceptance) })
		},
		// The window closed mid-run: the run was interrupted, not cancelled
		// by the user, and Home offers to finish it.
		Interrupted:   func() bool { return a.ctx.Err() != nil },
		OnBatch:       func(s livetest.BatchState) { a.ui(func() { r.onBatch(s) }) },
		CancelBatches: r.userCancel.Load,
		BatchPoll:     a.batchPoll,
	}
	if run.Plan.Batch {
		opts.Runner = nil // the workspace sends it through the Batch API
	}
	a.goWork(func(context.Context) {
		defer stop()
		// The final state is written even after the window closed.
		out, serr := ws.Execute(ctx, run, skip, opts)
		if a.ctx.Err() != nil {
			return
		}
		a.ui(func() {
			r.finish(out.Progress, out.Status, out.Err)
			if out.Status == advisor.RunFailed && out.Err == nil && !out.AllFailed {
				// More than half failed: say how many, not "every request".
				r.status.SetText(lang.L("run.mostly_failed", map[string]any{"Failed": out.Failed, "Measured": out.Measured}))
			}
			if serr != nil {
				a.showError(fail("err.save_run", serr))
			}
		})
	})
}

// redrawEvery bounds how often the run screen redraws: results can arrive
// hundreds of times a second and laying out text for each would slow the run.
const redrawEvery = 100 * time.Millisecond

func (r *runScreen) onProgress(p livetest.Progress, last *advisor.Result) {
	if last != nil && last.Warmup {
		// The warm-up is no result: it shows as the endpoint's model load.
		if last.ErrorClass != "" {
			r.onNote(lang.L("run.model_load_failed", map[string]any{"Endpoint": last.Endpoint, "Error": labelOr("error."+last.ErrorClass, last.ErrorClass)}))
		} else {
			r.onNote(lang.L("run.model_load", map[string]any{"Endpoint": last.Endpoint, "Seconds": numbers().Number(last.LatencyMs/1000, 1)}))
		}
		return
	}
	if last != nil {
		r.got = append(r.got, *last)
	}
	r.count(p)
	if r.pending || r.finished {
		return
	}
	r.pending = true
	time.AfterFunc(redrawEvery, func() {
		r.a.ui(func() {
			r.pending = false
			r.redraw()
		})
	})
}

// count keeps the highest figures seen (reports may arrive out of order).
func (r *runScreen) count(p livetest.Progress) {
	if p.Done > r.done {
		r.done = p.Done
	}
	if p.Errors > r.errCount {
		r.errCount = p.Errors
	}
	if p.Total > 0 {
		r.last.Total = p.Total
	}
	r.last.ETA = p.ETA
}

func (r *runScreen) redraw() {
	r.list.Refresh()
	r.updateCounts(r.last)
}

func (r *runScreen) updateCounts(p livetest.Progress) {
	total := p.Total
	if total == 0 {
		total = r.run.Total
	}
	if total > 0 {
		r.progress.SetValue(float64(r.done) / float64(total))
	}
	r.counts.SetText(lang.L("run.done_of", map[string]any{"Done": r.done, "Total": total}))
	if p.ETA > 0 && !r.finished {
		r.eta.SetText(etaText(p.ETA))
	} else {
		r.eta.SetText("")
	}
	// The counter is of the whole run: a resumed run counts the errors of
	// its earlier sessions too (the runner counts only its own).
	n := r.errBefore + r.errCount
	if n > 0 {
		r.errors.Importance = widget.DangerImportance
	}
	r.errors.SetText(countText("run.errors", n))
}

// onNote shows a remark of the runner (skipped files, a failed re-ranking).
func (r *runScreen) onNote(n string) {
	r.notes = append(r.notes, n)
	r.noteLabel.SetText(strings.Join(r.notes, "\n"))
	r.noteLabel.Show()
}

func (r *runScreen) onCancel() {
	r.userCancel.Store(true)
	if r.stop != nil {
		r.stop()
	}
	r.cancel.Disable()
	r.status.SetText(lang.L("run.cancelling"))
}

func (r *runScreen) finish(p livetest.Progress, state string, err error) {
	r.finished = true
	r.state = state
	r.count(p)
	r.redraw()
	r.cancel.Disable()
	r.results.Enable()
	r.title.SetText(lang.L("run.title_done"))
	switch state {
	case advisor.RunDone:
		r.status.SetText(lang.L("run.finished"))
	case advisor.RunCancelled:
		r.status.SetText(lang.L("run.cancelled"))
	default:
		r.status.Importance = widget.DangerImportance
		if err == nil {
			// Nothing stopped the run, but no request succeeded: it can be
			// resumed from Results once the cause is fixed.
			r.status.SetText(lang.L("run.all_failed"))
			return
		}
		r.status.SetText(lang.L("run.failed"))
		r.status.Refresh()
		r.a.showError(fail("err.run", err))
	}
}

// keyLookup finds an endpoint's key: typed this session, else the OS keyring
// or the environment (livetest.LookupKey). The embedding endpoint of a plan is
// made from a candidate (advisor.EmbeddingEndpoint) and uses that candidate's key.
func (a *App) keyLookup() func(advisor.Endpoint) (string, error) {
	keys := map[string]string{}
	for k, v := range a.sessionKeys {
		keys[k] = v
	}
	return func(ep advisor.Endpoint) (string, error) {
		base, ok := advisor.EmbeddingCandidate(ep.Name)
		if !ok {
			base = ep.Name
		}
		if k := keys[ep.Name]; k != "" {
			return k, nil
		}
		if k := keys[base]; k != "" {
			return k, nil
		}
		k, err := livetest.LookupKey(ep)
		if err != nil && base != ep.Name {
			ep.Name = base
			return livetest.LookupKey(ep)
		}
		return k, err
	}
}

// resumeRun finishes the missing cells of an interrupted, cancelled or
// failed run, with the run screen showing progress.
func resumeRun(a *App, run data.Run) {
	// Home offers it, before anything built the engine that prices it.
	a.withEngine(func() { a.confirmKeyEnvs(run.Plan, func() { resumeConfirmed(a, run) }, nil) })
}

func resumeConfirmed(a *App, run data.Run) {
	ws := a.ws
	a.goWork(func(ctx context.Context) {
		// Failed requests are sent again, as the command line's resume
		// does (its --keep-failed keeps them): one rule, in the workspace.
		claimed, done, err := ws.Resume(ctx, run.ID, false)
		var earlier []advisor.Result
		if err == nil {
			earlier, err = ws.Results(ctx, run.ID)
		}
		normal := false
		if err == nil && claimed.Plan.Batch {
			// Once the provider holds none of its batches, what a batch run
			// still lacks (expired or failed requests) goes out normally.
			st, berr := ws.BatchState(ctx, run.ID)
			if berr == nil && len(st.Jobs) > 0 && st.State == "done" {
				claimed.Plan.Batch, normal = false, true
			}
		}
		a.ui(func() {
			if err != nil {
				a.showError(fail("err.resume", err))
				return
			}
			a.lastRun = claimed.ID
			a.run = newRunScreen(a, claimed)
			a.run.skip = done
			a.run.resumeFrom(earlier)
			a.show(screenRun)
			if normal {
				a.run.onNote(lang.L("run.batch.rest_normal"))
			}
			a.run.begin()
		})
	})
}

// resumeFrom shows the results a resumed run already has: they are listed,
// and their errors counted, as part of the whole run. Cancelled and failed
// cells are sent again, so they are neither listed nor counted.
func (r *runScreen) resumeFrom(earlier []advisor.Result) {
	r.done = len(r.skip)
	for _, res := range earlier {
		if res.ErrorClass == advisor.ErrCancelled || !res.Warmup && !r.skip[res.Cell()] {
			continue
		}
		r.got = append(r.got, res)
		if res.ErrorClass != "" {
			r.errBefore++
		}
	}
	r.redraw()
}

// etaText is the time left, in whole seconds and never "0s" while work is
// still going on.
func etaText(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Second {
		d = time.Second
	}
	return lang.L("run.eta", map[string]any{"ETA": d.String()})
}
