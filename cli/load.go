package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/workspace"
)

const loadUsage = "load --plan FILE [--endpoint NAME] [--rates 1,2,5,10 | --sweep] [--json] [--db FILE] [--arrival constant|poisson]\n" +
	"                   [--first-answer-p95-ms MS] [--total-p95-ms MS] [--volume-per-day N] [--peak-factor F]\n" +
	"                   [--step-requests N] [--step-seconds S] [--concurrency N] [--sweep-size N] [--allow-key-env VAR]"

// loadOut is what `load --json` prints: the contract's object plus the
// stored test's id.
type loadOut struct {
	LoadID int64 `json:"load_id"`
	advisor.LoadResult
	Status string `json:"status"`
}

// runLoad is `load`: can the endpoint carry the user's traffic? A sweep (or
// the given rates) of rising load, each step committed to the database as
// it ends; Ctrl+C stops it and keeps the steps done.
func runLoad(env Env) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	planPath := fs.String("plan", "", "plan file (YAML or JSON)")
	endpoint := fs.String("endpoint", "", "endpoint of the plan (default: the first)")
	rates := fs.String("rates", "", "offered rates in requests per second, e.g. 1,2,5,10")
	sweep := fs.Bool("sweep", false, "sweep: one at a time, then saturation, then rates in between (the default)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	dbPath := fs.String("db", "", "database file (default: the user's data folder; LLM_ADVISOR_DB overrides)")
	arrival := fs.String("arrival", advisor.LoadConstant, "constant or poisson arrivals")
	firstMs := fs.Float64("first-answer-p95-ms", 0, "target: time until the answer starts, ms")
	totalMs := fs.Float64("total-p95-ms", 0, "target: end-to-end time, ms")
	volume := fs.Float64("volume-per-day", 0, "requests a day, for the peak rate")
	peak := fs.Float64("peak-factor", advisor.DefaultPeakFactor, "busiest moment as a multiple of the day's average rate")
	stepReq := fs.Int("step-requests", livetest.DefaultStepRequests, "at most this many requests per step")
	stepSec := fs.Float64("step-seconds", livetest.DefaultStepSeconds, "at most this long sending per step")
	conc := fs.Int("concurrency", livetest.DefaultLoadConcurrent, "requests in flight in the saturation step")
	size := fs.Int("sweep-size", livetest.DefaultSweepSize, "steps of a sweep (3 to 20)")
	var allowEnv listFlag
	fs.Var(&allowEnv, "allow-key-env", "confirm an api_key_env whose name does not say API key (repeat or comma-separate)")
	if err := fs.Parse(env.Args); err != nil {
		return usagef("%v; usage: %s", err, loadUsage)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; usage: %s", fs.Arg(0), loadUsage)
	}
	if *planPath == "" {
		return usagef("--plan FILE is required; usage: %s", loadUsage)
	}
	if err := checkLoadFlags(*sweep, *rates, *firstMs, *totalMs, *volume, *peak, *stepReq, *stepSec, *conc); err != nil {
		return err
	}
	plan, err := livetest.LoadPlan(*planPath)
	if err != nil {
		return usagef("plan %s: %v", *planPath, err)
	}
	// The plan's acceptance block gives the target and the volume; the
	// flags override it.
	acceptanceTargets(fs, plan.Acceptance, firstMs, totalMs, volume)
	opt := livetest.LoadOptions{Endpoint: *endpoint, Arrival: *arrival, SweepSize: *size, StepRequests: *stepReq, StepSeconds: *stepSec,
		Concurrency: *conc, Target: advisor.LoadTarget{FirstAnswerMs: *firstMs, TotalMs: *totalMs}, VolumePerDay: *volume, PeakFactor: *peak,
		Keys: livetest.LookupKey, AllowKeyEnvs: allowEnv}
	if opt.Rates, err = parseRates(*rates); err != nil {
		return err
	}
	ep, err := livetest.ValidateLoad(plan, opt)
	if err != nil {
		return usagef("%v", err)
	}
	path := *dbPath
	if path == "" {
		if path, err = data.DefaultPath(); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	store, err := data.Open(context.Background(), path)
	if err != nil {
		return err
	}
	defer store.Close()

	opt.OnProgress = func(p livetest.LoadProgress) { printLoadProgress(env.Stderr, p) }
	out, serr := workspace.New(store, nil, nil).RunLoad(ctx, plan, ep, opt)
	res, status, id, runErr := out.Result, out.Status, out.ID, out.Err
	if runErr == nil {
		runErr = serr
	}
	fmt.Fprintln(env.Stderr)
	if id == 0 {
		return runErr
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		for i := range res.Steps {
			res.Steps[i].Samples = nil
		}
		if err := enc.Encode(loadOut{LoadID: id, LoadResult: res, Status: status}); err != nil {
			return err
		}
	} else {
		printLoad(env.Stdout, id, res)
	}
	if runErr != nil {
		return fmt.Errorf("load test %d: %w", id, runErr)
	}
	return nil
}

// checkLoadFlags refuses flag values that cannot make a sweep.
func checkLoadFlags(sweep bool, rates string, firstMs, totalMs, volume, peak float64, stepReq int, stepSec float64, conc int) error {
	if sweep && rates != "" {
		return usagef("give --rates or --sweep, not both")
	}
	for name, v := range map[string]float64{"--first-answer-p95-ms": firstMs, "--total-p95-ms": totalMs, "--volume-per-day": volume} {
		if v < 0 {
			return usagef("%s %g: cannot be negative", name, v)
		}
	}
	if peak <= 0 {
		return usagef("--peak-factor %g: give a number above 0 (3 means the busiest hour has 3 times the day's average rate)", peak)
	}
	if stepReq <= 0 || stepSec <= 0 || conc <= 0 {
		return usagef("--step-requests, --step-seconds and --concurrency must be above 0")
	}
	return nil
}

// acceptanceTargets takes the target and the volume from the plan's
// acceptance block where no flag gave them.
func acceptanceTargets(fs *flag.FlagSet, a *advisor.Acceptance, firstMs, totalMs, volume *float64) {
	if a == nil {
		return
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if a.FirstAnswerP95Ms != nil && !set["first-answer-p95-ms"] {
		*firstMs = *a.FirstAnswerP95Ms
	}
	if a.TotalP95Ms != nil && !set["total-p95-ms"] {
		*totalMs = *a.TotalP95Ms
	}
	if a.VolumePerDay != nil && !set["volume-per-day"] {
		*volume = *a.VolumePerDay
	}
}

// parseRates reads --rates: requests per second, comma-separated.
func parseRates(s string) ([]float64, error) {
	if s == "" {
		return nil, nil
	}
	var out []float64
	for _, f := range strings.Split(s, ",") {
		r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, usagef("--rates: %q is not a number; give requests per second like 1,2,5,10", f)
		}
		out = append(out, r)
	}
	return out, nil
}

func printLoadProgress(w io.Writer, p livetest.LoadProgress) {
	if p.Warmup {
		fmt.Fprintf(w, "\rwarming up (model load)…                              ")
		return
	}
	rate := "as fast as it answers"
	if p.Kind == advisor.LoadSynchronous {
		rate = "one at a time"
	} else if p.OfferedRPS > 0 {
		rate = fmt.Sprintf("%.2f req/s", p.OfferedRPS)
	}
	fmt.Fprintf(w, "\rstep %d/%d (%s): %d requests, %d errors   ", p.Step, p.Steps, rate, p.Done, p.Errors)
}

func optMs(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.0f", *v)
}

func printLoad(w io.Writer, id int64, r advisor.LoadResult) {
	fmt.Fprintf(w, "load test %d: %s (%s), %s arrivals\n", id, r.Endpoint, r.Model, r.Arrival)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "step\toffered req/s\tachieved req/s\tin flight\trequests\terrors\tanswer starts p95 ms\ttotal p95 ms\tmet target")
	for _, s := range r.Steps {
		met := "—"
		if s.SLOAttainment != nil {
			met = fmt.Sprintf("%.0f%%", 100**s.SLOAttainment)
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%d\t%d\t%d\t%s\t%s\t%s\n", s.Kind, s.OfferedRPS, s.AchievedRPS, s.Concurrency, s.Requests, s.Errors,
			optMs(s.FirstAnswerP95Ms), optMs(s.TotalP95Ms), met)
	}
	tw.Flush()
	fmt.Fprintf(w, "saturation throughput: %.2f req/s\n", r.MaxThroughputRPS)
	switch {
	case !r.Target.Set():
		fmt.Fprintln(w, "sustainable rate: no latency target (give --first-answer-p95-ms or --total-p95-ms)")
	case r.SustainableRPS == nil:
		fmt.Fprintln(w, "sustainable rate: no step met the target 95% of the time")
	default:
		fmt.Fprintf(w, "sustainable rate: %.2f req/s (95%% of requests met the target)\n", *r.SustainableRPS)
	}
	if r.PeakRPSNeeded != nil {
		fmt.Fprintf(w, "your peak: %.3f req/s (%.0f requests a day × peak factor %g / 86,400 s)\n", *r.PeakRPSNeeded, r.VolumePerDay, r.PeakFactor)
	}
	if r.Carries != nil {
		if *r.Carries {
			fmt.Fprintln(w, "verdict: it carries your peak traffic")
		} else {
			fmt.Fprintln(w, "verdict: it does NOT carry your peak traffic within the target")
		}
	}
}
