package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/ladder"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/locale"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// testSummary is what `test --json` prints.
type testSummary struct {
	RunID  int64        `json:"run_id"`
	Status string       `json:"status"`
	Total  int          `json:"total"`
	Done   int          `json:"done"`
	Errors int          `json:"errors"`
	Rows   []summaryRow `json:"summary"`
	Notes  []string     `json:"notes,omitempty"`
	// Images are the generated images, to be accepted or rejected with
	// `llm-advisor verdict --result ID --accept|--reject`.
	Images []imageRef `json:"images,omitempty"`
	// Verdict is the run's verdict, the object `compare --json` prints;
	// Ladder what the strategy ladder did per endpoint (strategy_ladder).
	Verdict *verdict.Verdict `json:"verdict,omitempty"`
	Ladder  []ladder.Step    `json:"ladder,omitempty"`
}

// imageRef is one generated image of a run.
type imageRef struct {
	ResultID int64  `json:"result_id"`
	Endpoint string `json:"endpoint"`
	Case     int    `json:"case"`
	Repeat   int    `json:"repeat"`
	Path     string `json:"path"`
	Verdict  *bool  `json:"verdict,omitempty"`
}

// summaryRow is advisor's summary row plus what the table needs to be honest
// about: whether the cost is known and which errors occurred.
type summaryRow struct {
	advisor.SummaryRow
	PriceKnown   bool           `json:"price_known"`
	ErrorClasses map[string]int `json:"error_classes,omitempty"`
}

const testUsage = "test --plan FILE [--answers FILE] [--dry-run] [--db FILE] [--resume RUN [--no-batch]] [--cancel-batch RUN] [--poll DURATION] [--json] [--allow-key-env NAME]"

// testFlags are the flags of `test`.
type testFlags struct {
	planPath, dbPath, answersPath string
	resume, cancelBatch           int64
	asJSON, dryRun                bool
	keepFailed, noBatch           bool
	poll                          time.Duration
	allowEnv                      listFlag
}

// parseTestFlags reads and checks the flags of `test`: which go together
// and which go alone.
func parseTestFlags(args []string) (testFlags, error) {
	var f testFlags
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.planPath, "plan", "", "plan file (YAML or JSON)")
	fs.StringVar(&f.dbPath, "db", "", "database file (default: the user's data folder; LLM_ADVISOR_DB overrides)")
	fs.Int64Var(&f.resume, "resume", 0, "finish the missing requests of run RUN")
	fs.BoolVar(&f.asJSON, "json", false, "print one JSON object")
	fs.StringVar(&f.answersPath, "answers", "", "answers file (JSON): fills the acceptance criteria the plan leaves out")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the pre-flight estimate (requests, tokens, cost, duration) and send nothing")
	fs.BoolVar(&f.keepFailed, "keep-failed", false, "with --resume: keep the failed requests instead of sending them again")
	fs.BoolVar(&f.noBatch, "no-batch", false, "with --resume: send the run's remaining requests normally, not through the Batch API")
	fs.DurationVar(&f.poll, "poll", livetest.DefaultBatchPoll, "batch plans: how often to ask the provider for the batches' state")
	fs.Int64Var(&f.cancelBatch, "cancel-batch", 0, "cancel, at the providers, the batches of run RUN that are still running")
	fs.Var(&f.allowEnv, "allow-key-env", "confirm an api_key_env whose name does not say API key (repeat or comma-separate)")
	if err := fs.Parse(args); err != nil {
		return f, usagef("%v; usage: %s", err, testUsage)
	}
	if fs.NArg() > 0 {
		return f, usagef("unexpected argument %q; usage: %s", fs.Arg(0), testUsage)
	}
	if f.cancelBatch != 0 {
		if f.planPath != "" || f.resume != 0 {
			return f, usagef("--cancel-batch RUN goes alone (with --db)")
		}
		return f, nil
	}
	if (f.planPath == "") == (f.resume == 0) {
		return f, usagef("give either --plan FILE or --resume RUN")
	}
	if err := checkBatchFlags(f.poll, f.noBatch, f.resume); err != nil {
		return f, err
	}
	if f.dryRun && f.planPath == "" {
		return f, usagef("--dry-run needs --plan FILE")
	}
	if f.answersPath != "" && f.planPath == "" {
		return f, usagef("--answers goes with --plan FILE (a resumed run keeps its stored acceptance)")
	}
	return f, nil
}

// runTest is `test --plan FILE [--answers FILE] [--dry-run] [--db FILE] [--resume RUN] [--json]`.
func runTest(env Env) error {
	f, err := parseTestFlags(env.Args)
	if err != nil {
		return err
	}
	if f.cancelBatch != 0 {
		return cancelBatches(env, f.dbPath, f.cancelBatch, f.allowEnv)
	}
	plan, err := loadTestPlan(f.planPath, f.answersPath, f.allowEnv)
	if err != nil {
		return err
	}
	if f.dryRun {
		return printEstimate(env, plan, f.asJSON)
	}
	path := f.dbPath
	if path == "" {
		p, err := data.DefaultPath()
		if err != nil {
			return err
		}
		path = p
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ws, err := workspace.Open(context.Background(), path)
	if err != nil {
		return err
	}
	defer ws.Close()

	run, skip, err := openTestRun(ctx, env, ws, path, testRunArgs{resume: f.resume, keepFailed: f.keepFailed, noBatch: f.noBatch,
		plan: plan, planPath: f.planPath, allowEnv: f.allowEnv})
	if err != nil {
		return err
	}
	announceRun(env, run.ID, run.Plan, len(skip))
	out, notes, lastState, err := executeTest(ctx, env, ws, run, skip, f)
	if err != nil {
		return err
	}
	if err := printTestOutcome(env, run, out, notes, ws.Prices(), f.asJSON); err != nil {
		return err
	}
	return testExit(run, out, *lastState)
}

// executeTest sends the run's requests through the workspace (a batch plan
// through the Batch API, any other through the strategy ladder's runner),
// printing notes and progress on stderr. It returns the outcome, the notes
// and the last batch state printed.
func executeTest(ctx context.Context, env Env, ws *workspace.Workspace, run *data.Run, skip map[advisor.Cell]bool, f testFlags) (workspace.Outcome, []string, *string, error) {
	plan := run.Plan
	prices := ws.Prices()
	store := ws.Store()
	var notesMu sync.Mutex
	var notes []string
	prog := newProgressPrinter(env.Stderr)
	lang := Lang()
	cr := verdict.FromAcceptance(plan.Acceptance)
	var runner func(context.Context, advisor.Plan, int64, livetest.Options) (livetest.Progress, error)
	if !plan.Batch { // a batch plan: the workspace runs it through the Batch API
		runner = func(ctx context.Context, p advisor.Plan, id int64, opt livetest.Options) (livetest.Progress, error) {
			return ladder.Run(ctx, p, id, opt,
				func(ctx context.Context) ([]advisor.Result, error) { return store.Results(ctx, id) },
				func(rs []advisor.Result) verdict.Verdict { return computeVerdict(id, p, rs, cr, lang, prices) })
		}
	}
	onBatch, lastState := batchPrinter(env)
	out, err := ws.Execute(ctx, run, skip, workspace.RunOptions{
		OnBatch: onBatch,
		OnNote: func(s string) {
			notesMu.Lock()
			notes = append(notes, s)
			notesMu.Unlock()
			fmt.Fprintln(env.Stderr, "note: "+termSafe(s))
		},
		OnProgress:   prog.update,
		Redactor:     env.red,
		AllowKeyEnvs: f.allowEnv,
		Runner:       runner,
		BatchPoll:    f.poll,
	})
	prog.finish(out.Progress)
	notesMu.Lock()
	defer notesMu.Unlock()
	return out, notes, lastState, err
}

// printTestOutcome prints the run's summary, verdict and ladder, as text
// or as one JSON object.
func printTestOutcome(env Env, run *data.Run, out workspace.Outcome, notes []string, prices workspace.Prices, asJSON bool) error {
	plan := run.Plan
	sum := summarize(run.ID, out.Status, out.Progress, plan, out.Results, prices)
	sum.Notes = notes
	v := computeVerdict(run.ID, plan, out.Results, verdict.FromAcceptance(plan.Acceptance), Lang(), prices)
	sum.Verdict = &v
	if plan.StrategyLadder {
		sum.Ladder = ladder.Steps(plan, out.Results, prices.Tokens)
	}
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	printSummary(env.Stdout, sum)
	fmt.Fprintln(env.Stdout)
	printVerdict(env.Stdout, v)
	printLadder(env.Stdout, sum.Ladder)
	return nil
}

// testExit is the command's error for a run that did not end well:
// batches still running, cancelled, failed, or mostly failed.
func testExit(run *data.Run, out workspace.Outcome, lastState string) error {
	final := out.Progress
	switch {
	case out.Status == advisor.RunInterrupted && run.Plan.Batch:
		return fmt.Errorf("run %d: the batches are still at the provider (%s); continue polling with --resume %d, or cancel them with --cancel-batch %d", run.ID, lastState, run.ID, run.ID)
	case out.Status == advisor.RunCancelled:
		return fmt.Errorf("run %d cancelled after %d of %d requests; continue with --resume %d", run.ID, final.Done, final.Total, run.ID)
	case out.Err != nil:
		return fmt.Errorf("run %d: %w", run.ID, out.Err)
	case out.AllFailed:
		return fmt.Errorf("run %d: every request failed", run.ID)
	case out.MostlyFailed():
		return fmt.Errorf("run %d: %d of %d requests failed (see the errors column); fix the cause and continue with --resume %d, which sends them again", run.ID, out.Failed, out.Measured, run.ID)
	}
	return nil
}

// loadTestPlan reads the plan file (none for a resume) and fills its
// acceptance criteria from the answers file when one is given.
func loadTestPlan(planPath, answersPath string, allowEnv []string) (advisor.Plan, error) {
	var plan advisor.Plan
	if planPath != "" {
		p, err := livetest.LoadPlan(planPath)
		if err != nil {
			return plan, usagef("plan %s: %v", planPath, err)
		}
		plan = p
		if err := confirmKeyEnvs(plan, allowEnv); err != nil {
			return plan, err
		}
	}
	if answersPath != "" {
		a, err := readAnswers(answersPath)
		if err != nil {
			return plan, err
		}
		acc, err := advisor.DeriveAcceptance(plan.Acceptance, a)
		if err != nil {
			return plan, err
		}
		plan.Acceptance = acc
	}
	return plan, nil
}

// testRunArgs are what openTestRun needs of the flags.
type testRunArgs struct {
	resume              int64
	keepFailed, noBatch bool
	plan                advisor.Plan
	planPath            string
	allowEnv            []string
}

// openTestRun claims the run to resume (with the cells it skips) or stores
// a new run of the plan.
func openTestRun(ctx context.Context, env Env, ws *workspace.Workspace, path string, a testRunArgs) (*data.Run, map[advisor.Cell]bool, error) {
	if a.resume == 0 {
		run, err := ws.CreateRun(ctx, a.plan)
		if err != nil {
			var pe *livetest.PlanError
			if errors.As(err, &pe) {
				return nil, nil, usagef("plan %s: %v", a.planPath, err)
			}
			return nil, nil, err
		}
		return run, map[advisor.Cell]bool{}, nil
	}
	// Failed requests are sent again unless the user keeps them.
	run, skip, err := ws.Resume(ctx, a.resume, a.keepFailed, func(p advisor.Plan) error { return confirmKeyEnvs(p, a.allowEnv) })
	switch {
	case errors.Is(err, data.ErrNotFound):
		return nil, nil, usagef("--resume %d: no such run in %s", a.resume, path)
	case errors.Is(err, workspace.ErrStalePlan):
		return nil, nil, usagef("run %d: %v", a.resume, err)
	case err != nil:
		return nil, nil, err
	}
	if run.Status == advisor.RunDone && len(skip) >= len(livetest.Cells(run.Plan)) {
		fmt.Fprintf(env.Stderr, "run %d is already done\n", run.ID)
	}
	if a.noBatch && run.Plan.Batch {
		run.Plan.Batch = false
		fmt.Fprintf(env.Stderr, "run %d: the remaining requests go out normally, not through the Batch API\n", run.ID)
	}
	return run, skip, nil
}

// checkBatchFlags checks --poll and --no-batch.
func checkBatchFlags(poll time.Duration, noBatch bool, resume int64) error {
	if poll <= 0 {
		return usagef("--poll %s: give a positive duration, e.g. 30s or 2m", poll)
	}
	if noBatch && resume == 0 {
		return usagef("--no-batch goes with --resume RUN (in a new plan, leave batch out)")
	}
	return nil
}

// announceRun says on stderr what the run sends and how to go on after Ctrl+C.
func announceRun(env Env, id int64, plan advisor.Plan, before int) {
	n := len(livetest.Cells(plan))
	if plan.Batch {
		fmt.Fprintf(env.Stderr, "run %d: %d requests (%d done before) through the Batch API; Ctrl+C leaves the batches running at the provider: continue polling with llm-advisor test --resume %d, or cancel them with --cancel-batch %d\n",
			id, n, before, id, id)
		return
	}
	fmt.Fprintf(env.Stderr, "run %d: %d requests (%d done before); interrupt with Ctrl+C, then continue with: llm-advisor test --resume %d\n", id, n, before, id)
}

// batchPrinter prints each new state of a run's batches on stderr; last
// is the latest one printed.
func batchPrinter(env Env) (on func(livetest.BatchState), last *string) {
	last = new(string)
	return func(s livetest.BatchState) {
		if line := s.String(); line != *last {
			*last = line
			fmt.Fprintf(env.Stderr, "batch: %s\n", line)
		}
	}, last
}

// cancelBatches is `test --cancel-batch RUN`: the run's batches still
// running are cancelled at the providers; a resume collects what they did.
func cancelBatches(env Env, dbPath string, id int64, allowEnv []string) error {
	path := dbPath
	if path == "" {
		p, err := data.DefaultPath()
		if err != nil {
			return err
		}
		path = p
	}
	ws, err := workspace.Open(context.Background(), path)
	if err != nil {
		return err
	}
	defer ws.Close()
	err = ws.CancelBatches(context.Background(), id, workspace.RunOptions{Redactor: env.red, AllowKeyEnvs: allowEnv,
		OnNote: func(s string) { fmt.Fprintln(env.Stderr, "note: "+termSafe(s)) }})
	if errors.Is(err, data.ErrNotFound) {
		return usagef("--cancel-batch %d: no such run in %s", id, path)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "run %d: its batches are cancelled at the provider; collect what they finished with llm-advisor test --resume %d\n", id, id)
	return nil
}

// confirmKeyEnvs refuses (exit 2) a plan naming key variables that do not
// look like API-key variables and that --allow-key-env does not confirm.
func confirmKeyEnvs(plan advisor.Plan, allowed []string) error {
	bad := livetest.UnconfirmedKeyEnvs(plan, allowed)
	if len(bad) == 0 {
		return nil
	}
	var msgs []string
	for _, b := range bad {
		msgs = append(msgs, b.Error())
	}
	return usagef("%s", strings.Join(msgs, "; "))
}

// listFlag is a flag that may be repeated and takes comma-separated values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			*l = append(*l, x)
		}
	}
	return nil
}

// summarize builds the summary of a run's results: advisor's rows, whether
// each row's cost is known, its error classes and the run's images.
func summarize(runID int64, status string, final livetest.Progress, plan advisor.Plan, results []advisor.Result, prices workspace.Prices) testSummary {
	sum := testSummary{RunID: runID, Status: status, Total: final.Total, Done: final.Done}
	endpoints := map[string]advisor.Endpoint{}
	for _, s := range plan.Sets() {
		for _, ep := range s.Endpoints {
			endpoints[ep.Name] = ep
		}
	}
	for _, row := range advisor.Summarize(results) {
		sr := summaryRow{SummaryRow: row, ErrorClasses: map[string]int{}}
		if ep, ok := endpoints[row.Endpoint]; ok {
			sr.PriceKnown = prices.Known(ep, row.Kind)
		}
		for _, r := range results {
			st := r.Strategy
			if st == advisor.StrategyIndex {
				st = advisor.StrategyEmbedding
			}
			if r.Endpoint == row.Endpoint && st == row.Strategy && r.Set == row.Set && r.ErrorClass != "" {
				sr.ErrorClasses[r.ErrorClass]++
			}
		}
		sum.Errors += row.Errors
		sum.Rows = append(sum.Rows, sr)
	}
	for _, r := range results {
		if r.Artifact != "" {
			sum.Images = append(sum.Images, imageRef{ResultID: r.ID, Endpoint: r.Endpoint, Case: r.Case, Repeat: r.Repeat, Path: r.Artifact, Verdict: r.Verdict})
		}
	}
	return sum
}

func printSummary(w io.Writer, s testSummary) {
	for i := range s.Rows {
		r := &s.Rows[i]
		r.Endpoint, r.Model, r.Set = termSafe(r.Endpoint), termSafe(r.Model), termSafe(r.Set)
	}
	fmt.Fprintf(w, "run %d: %s, %d of %d requests, %s\n", s.RunID, s.Status, s.Done, s.Total, plural(s.Errors, "error"))
	p := &summaryPrinter{w: w, byKind: map[string][]summaryRow{}}
	for _, r := range s.Rows {
		p.byKind[r.Kind] = append(p.byKind[r.Kind], r)
	}
	p.table("chat", "set\tendpoint\tmodel\tstrategy\treqs\terrors\tp50 ms\tp95 ms\tttft p50\ttok/s\tcost\tquality\tpassed\t", advisor.CaseKindChat, p.chatLine)
	p.table("embedding (search)", "set\tendpoint\tmodel\tqueries\terrors\trecall@k\tMRR\tp50 ms\tdocs\tindex s\tcost\t", advisor.CaseKindEmbedding, p.embeddingLine)
	p.table("transcription", "set\tendpoint\tmodel\tfiles\terrors\tWER\tRTF\taudio s\tp50 ms\tper min\tcost\tpassed\t", advisor.CaseKindTranscription, p.transcriptionLine)
	p.table("image generation", "set\tendpoint\tmodel\timages\terrors\ts/image\tper image\tcost\trated\taccepted\t", advisor.CaseKindImage, p.imageLine)
	if len(p.failed) > 0 {
		fmt.Fprintf(w, "\nEvery request failed for: %s\n", strings.Join(p.failed, "; "))
	}
	if len(p.unpriced) > 0 {
		fmt.Fprintf(w, "\nNo price is known for %s: its cost is not counted (not free).\n", strings.Join(p.unpriced, ", "))
	}
	printSummaryImages(w, s.Images)
	for _, n := range s.Notes {
		fmt.Fprintln(w, "note: "+termSafe(n))
	}
}

// summaryPrinter prints the summary's tables, one per kind of case, and
// gathers on the way the endpoints without a price and those where every
// request failed.
type summaryPrinter struct {
	w                io.Writer
	byKind           map[string][]summaryRow
	unpriced, failed []string
}

// table prints the rows of one kind under header; the kind's title only
// when the run has more than one kind.
func (p *summaryPrinter) table(title, header, kind string, line func(summaryRow) string) {
	rows := p.byKind[kind]
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(p.w)
	if len(p.byKind) > 1 {
		fmt.Fprintln(p.w, title+":")
	}
	tw := tabwriter.NewWriter(p.w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		fmt.Fprintln(tw, line(r))
	}
	tw.Flush()
}

// cost is the row's cost ("no price" when none is known), noting the row
// for the lines under the tables.
func (p *summaryPrinter) cost(r summaryRow) string {
	cost := en.Money(r.CostUSD)
	if !r.PriceKnown {
		cost = "no price"
		p.unpriced = appendOnce(p.unpriced, r.Endpoint+priceHint(r.Kind))
	}
	if r.AllFailed {
		p.failed = append(p.failed, fmt.Sprintf("%s / %s (%s)", r.Endpoint, r.Strategy, classList(r.ErrorClasses)))
	}
	return cost
}

func summaryErrors(r summaryRow) string {
	if r.AllFailed {
		return strconv.Itoa(r.Errors) + " ALL"
	}
	return strconv.Itoa(r.Errors)
}

func (p *summaryPrinter) chatLine(r summaryRow) string {
	lat := func(v float64) string {
		if v <= 0 && r.Batch > 0 {
			return "batch" // through the Batch API: not measured
		}
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%.0f%%\t",
		setName(r.Set), r.Endpoint, r.Model, r.Strategy, r.Requests, summaryErrors(r), lat(r.LatencyP50), lat(r.LatencyP95), lat(r.TTFTP50), speed(r.TokensPerSec), p.cost(r), r.Quality, r.PassRate*100)
}

func (p *summaryPrinter) embeddingLine(r summaryRow) string {
	e := r.Embedding
	return fmt.Sprintf("%s\t%s\t%s\t%d\t%s\t%.2f (k=%d)\t%.2f\t%.0f\t%d\t%.1f\t%s\t",
		setName(r.Set), r.Endpoint, r.Model, r.Requests, summaryErrors(r), e.RecallAtK, e.K, e.MRR, r.LatencyP50, e.Documents, e.IndexMs/1000, p.cost(r))
}

func (p *summaryPrinter) transcriptionLine(r summaryRow) string {
	tr := r.Transcription
	rtf, perMin := "n/a", "n/a"
	if tr.Timed > 0 {
		rtf = fmt.Sprintf("%.3f", tr.RTF)
		if r.PriceKnown {
			perMin = en.Money(tr.CostPerMin)
		}
	}
	return fmt.Sprintf("%s\t%s\t%s\t%d\t%s\t%.3f\t%s\t%.1f\t%.0f\t%s\t%s\t%.0f%%\t",
		setName(r.Set), r.Endpoint, r.Model, r.Requests, summaryErrors(r), tr.WER, rtf, tr.AudioSeconds, r.LatencyP50, perMin, p.cost(r), r.PassRate*100)
}

func (p *summaryPrinter) imageLine(r summaryRow) string {
	im := r.Image
	perImage, accepted := "no price", "not rated"
	if r.PriceKnown {
		perImage = en.Money(im.CostPerImage)
	}
	if im.Rated > 0 {
		accepted = fmt.Sprintf("%.0f%%", im.AcceptanceRate*100)
	}
	return fmt.Sprintf("%s\t%s\t%s\t%d\t%s\t%.1f\t%s\t%s\t%d of %d\t%s\t",
		setName(r.Set), r.Endpoint, r.Model, im.Images, summaryErrors(r), im.SecondsPerImage, perImage, p.cost(r), im.Rated, im.Images, accepted)
}

// priceHint says which plan field prices an endpoint of a kind.
func priceHint(kind string) string {
	switch kind {
	case advisor.CaseKindTranscription:
		return " (set price_per_minute or a catalog_id)"
	case advisor.CaseKindImage:
		return " (set price_per_image or a catalog_id)"
	}
	return " (set price_in_per_1m and price_out_per_1m, or a catalog_id)"
}

func setName(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// plural is n and an English word, "1 error" / "2 errors".
func plural(n int, word string) string { return en.Count(n, word, word+"s") }

// en formats the test summary's figures (it is written in English).
var en = locale.For(locale.EN)

func appendOnce(xs []string, s string) []string {
	for _, x := range xs {
		if x == s {
			return xs
		}
	}
	return append(xs, s)
}

func classList(m map[string]int) string {
	var ks []string
	for k, n := range m {
		ks = append(ks, fmt.Sprintf("%s×%d", k, n))
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// progressPrinter draws a bar with ETA on a terminal, and plain lines (at
// most one a second) otherwise. update is called one result at a time.
type progressPrinter struct {
	w     io.Writer
	tty   bool
	last  time.Time
	drawn bool
}

func newProgressPrinter(w io.Writer) *progressPrinter {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressPrinter{w: w, tty: tty}
}

func (p *progressPrinter) update(pr livetest.Progress) {
	now := time.Now()
	if p.tty {
		if now.Sub(p.last) < 100*time.Millisecond && pr.Done < pr.Total {
			return
		}
		p.last = now
		const width = 30
		fill := 0
		if pr.Total > 0 {
			fill = pr.Done * width / pr.Total
		}
		fmt.Fprintf(p.w, "\r[%s%s] %d/%d  %s  ETA %s   ", strings.Repeat("#", fill), strings.Repeat("-", width-fill), pr.Done, pr.Total, plural(pr.Errors, "error"), roundDur(pr.ETA))
		p.drawn = true
		return
	}
	if now.Sub(p.last) < time.Second && pr.Done < pr.Total {
		return
	}
	p.last = now
	fmt.Fprintf(p.w, "progress: %d/%d (%d%%), %s, elapsed %s, ETA %s\n", pr.Done, pr.Total, percent(pr.Done, pr.Total), plural(pr.Errors, "error"), roundDur(pr.Elapsed), roundDur(pr.ETA))
}

func (p *progressPrinter) finish(pr livetest.Progress) {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

func percent(a, b int) int {
	if b == 0 {
		return 100
	}
	return a * 100 / b
}

func roundDur(d time.Duration) time.Duration {
	if d > time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(100 * time.Millisecond)
}

// speed is a tokens/s figure for the summary table: "—" when no request's
// speed meant anything (advisor.Speed), never "0.0".
func speed(tps float64) string {
	if tps <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f", tps)
}

// printSummaryImages lists the run's generated images, each with its
// verdict and the command that gives one.
func printSummaryImages(w io.Writer, images []imageRef) {
	if len(images) == 0 {
		return
	}
	fmt.Fprintf(w, "\nImages (accept or reject each: llm-advisor verdict --result ID --accept|--reject):\n")
	for _, im := range images {
		v := "not rated"
		if im.Verdict != nil {
			v = map[bool]string{true: "accepted", false: "rejected"}[*im.Verdict]
		}
		fmt.Fprintf(w, "  result %d  %s case %d repeat %d  %s  (%s)\n", im.ResultID, im.Endpoint, im.Case, im.Repeat, im.Path, v)
	}
}
