package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/report"
)

// reportFormats are the values --format allows, in the order usage lists them.
var reportFormats = []string{"pdf", "html", "md", "csv", "json", "jsonl"}

// historyRuns caps the earlier runs drawn on the history chart.
const historyRuns = 12

const reportUsage = "usage: report --run ID|--decision ID --format pdf|html|md|csv|json|jsonl --out FILE [--db FILE] [--lang en|pt-BR]"

// runReport is `report --run ID --format F --out FILE [--db FILE]`, or
// `--decision ID` for a recommendation-only report. The file is written
// atomically: a failed export leaves no half-written file behind.
func runReport(env Env) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	runID := fs.Int64("run", 0, "run to report on (its decision is included when it has one)")
	decisionID := fs.Int64("decision", 0, "decision to report on, without a run")
	format := fs.String("format", "", "pdf | html | md | csv | json | jsonl")
	out := fs.String("out", "", "file to write")
	dbPath := fs.String("db", "", "database file (default: the user's data folder; LLM_ADVISOR_DB overrides)")
	lang := fs.String("lang", "", "report language: en or pt-BR (default: the recommendation's, else the locale's)")
	if err := fs.Parse(env.Args); err != nil {
		return usagef("%v; %s", err, reportUsage)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; %s", fs.Arg(0), reportUsage)
	}
	f := strings.ToLower(strings.TrimPrefix(*format, "."))
	if f == "markdown" {
		f = "md"
	}
	if *format == "" {
		return usagef("--format is required; allowed values: %s", strings.Join(reportFormats, ", "))
	}
	if !contains(reportFormats, f) {
		return usagef("--format %q is not allowed; allowed values: %s", *format, strings.Join(reportFormats, ", "))
	}
	switch {
	case *runID == 0 && *decisionID == 0:
		return usagef("give --run ID (a live test) or --decision ID (a recommendation alone); %s", reportUsage)
	case *runID != 0 && *decisionID != 0:
		return usagef("give --run ID or --decision ID, not both: a run's report already includes its decision")
	case *runID < 0 || *decisionID < 0:
		return usagef("ids are positive numbers")
	}
	if *out == "" {
		return usagef("--out FILE is required; %s", reportUsage)
	}
	if *runID == 0 && (f == "csv" || f == "json" || f == "jsonl") {
		return usagef("--format %s exports a run's results; give --run ID (for a decision alone use pdf, html or md)", f)
	}
	if *lang != "" && *lang != "en" && !strings.HasPrefix(strings.ToLower(*lang), "pt") {
		return usagef("--lang %q is not allowed; allowed values: en, pt-BR", *lang)
	}

	path := *dbPath
	if path == "" {
		p, err := data.DefaultPath()
		if err != nil {
			return err
		}
		path = p
	}
	// Opening creates a database; a report only reads one, so a missing
	// file is a mistake in the arguments, not a reason to make a new one.
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return usagef("no database at %s (set --db or %s)", path, data.EnvDB)
	}
	ctx := context.Background()
	store, err := data.Open(ctx, path)
	if err != nil {
		return err
	}
	defer store.Close()

	in, err := loadReportInput(ctx, store, *runID, *decisionID, path)
	if err != nil {
		return err
	}
	switch {
	case *lang != "":
		in.Lang = *lang
	case in.Recommendation != nil && in.Recommendation.Lang != "":
		in.Lang = in.Recommendation.Lang
	default:
		in.Lang = Lang()
	}
	if f == "jsonl" && in.Recommendation != nil && !report.OffersFineTune(in.Recommendation) {
		return usagef("--format jsonl is the fine-tuning dataset, and the recommendation's plan has no fine-tuning step")
	}

	target := *out
	if f == "md" {
		target = markdownFile(*out)
	}
	if err := report.CheckOut(target, data.Files(path)...); err != nil {
		return usagef("--out: %v", err)
	}
	written, err := writeReport(f, *out, in)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, written)
	return nil
}

// loadReportInput reads a run (with its results, its decision and the
// decision's earlier runs) or a decision alone from the store.
func loadReportInput(ctx context.Context, store *data.Store, runID, decisionID int64, path string) (report.Input, error) {
	in := report.Input{Generated: time.Now().UTC()}
	// Generated images are saved beside the database; a stored relative
	// path is relative to its folder.
	if abs, err := filepath.Abs(path); err == nil {
		in.ArtifactRoot = filepath.Dir(abs)
	} else {
		in.ArtifactRoot = filepath.Dir(path)
	}
	if runID != 0 {
		run, err := store.Run(ctx, runID)
		if errors.Is(err, data.ErrNotFound) {
			return in, usagef("--run %d: no such run in %s", runID, path)
		}
		if err != nil {
			return in, err
		}
		results, err := store.Results(ctx, run.ID)
		if err != nil {
			return in, err
		}
		in.Run = &report.RunInfo{ID: run.ID, Name: run.Name, Status: run.Status, StartedAt: run.StartedAt, EndedAt: run.EndedAt, Plan: run.Plan,
			Unpriced: unpriced(run.Plan)}
		in.Results = results
		if in.Warmups, err = store.WarmupResults(ctx, run.ID); err != nil {
			return in, err
		}
		in.Title = run.Name
		decisionID = run.DecisionID
		if decisionID != 0 {
			if in.History, err = runHistory(ctx, store, decisionID, run); err != nil {
				return in, err
			}
		}
	}
	if decisionID != 0 {
		d, err := store.Decision(ctx, decisionID)
		switch {
		case errors.Is(err, data.ErrNotFound) && runID != 0:
			// The decision was deleted after the run: report the run alone.
		case errors.Is(err, data.ErrNotFound):
			return in, usagef("--decision %d: no such decision in %s", decisionID, path)
		case err != nil:
			return in, err
		default:
			in.Title = d.Title
			in.UseCase = d.Answers.UseCase
			in.Answers = d.Answers
			in.Recommendation = d.Recommendation
		}
	}
	return in, nil
}

// unpriced names the plan's endpoints whose cost cannot be counted for the
// kind of cases they serve (no price in the plan or the catalog), so the
// report says "no price" rather than showing them as free.
func unpriced(p advisor.Plan) map[string]bool {
	prices, unitPrices := catalogPrices(), catalogUnitPrices()
	out := map[string]bool{}
	for _, s := range p.Sets() {
		for _, ep := range s.Endpoints {
			if !livetest.PriceKnown(ep, s.Kind, prices, unitPrices) {
				out[ep.Name] = true
			}
		}
	}
	return out
}

// runHistory sums up the decision's runs that started before this one, oldest
// first, the latest historyRuns of them.
func runHistory(ctx context.Context, store *data.Store, decisionID int64, current *data.Run) ([]report.RunPoint, error) {
	runs, err := store.ListRuns(ctx, decisionID)
	if err != nil {
		return nil, err
	}
	var earlier []data.Run
	for _, r := range runs {
		if r.ID != current.ID && !r.StartedAt.After(current.StartedAt) {
			earlier = append(earlier, r)
		}
	}
	sort.Slice(earlier, func(i, j int) bool {
		if !earlier[i].StartedAt.Equal(earlier[j].StartedAt) {
			return earlier[i].StartedAt.Before(earlier[j].StartedAt)
		}
		return earlier[i].ID < earlier[j].ID
	})
	if len(earlier) > historyRuns {
		earlier = earlier[len(earlier)-historyRuns:]
	}
	var points []report.RunPoint
	for _, r := range earlier {
		rs, err := store.Results(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		if len(rs) > 0 {
			points = append(points, report.HistoryPoint(r.ID, r.StartedAt, rs))
		}
	}
	return points, nil
}

// markdownFile is the main file WriteMarkdown makes of --out.
func markdownFile(out string) string {
	dir, name := filepath.Split(out)
	name = strings.TrimSuffix(name, ".md")
	if name == "" || name == "." {
		name = "report"
	}
	return filepath.Join(dir, name+".md")
}

// writeReport writes the export and returns the path of the main file.
func writeReport(format, out string, in report.Input) (string, error) {
	if format == "md" {
		dir, name := filepath.Split(out)
		if dir == "" {
			dir = "."
		}
		return report.WriteMarkdown(dir, name, in)
	}
	var write func(io.Writer) error
	switch format {
	case "pdf":
		write = func(w io.Writer) error { return report.WritePDF(w, in) }
	case "html":
		write = func(w io.Writer) error { return report.WriteHTML(w, in) }
	case "csv":
		write = func(w io.Writer) error { return report.WriteCSV(w, in.RawResults()) }
	case "json":
		write = func(w io.Writer) error { return report.WriteJSON(w, in.RawResults()) }
	case "jsonl":
		write = func(w io.Writer) error { return report.WriteFineTuneJSONL(w, in.Run.Plan) }
	default:
		return "", usagef("--format %q is not allowed; allowed values: %s", format, strings.Join(reportFormats, ", "))
	}
	return out, writeAtomic(out, write)
}

// writeAtomic writes through a temporary file in the target's folder and
// renames it into place only when everything was written.
func writeAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := write(tmp); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(name, 0o644); err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
