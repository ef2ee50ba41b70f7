package workspace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/report"
)

// Export formats.
const (
	FormatPDF      = "pdf"
	FormatHTML     = "html"
	FormatMarkdown = "md"
	FormatCSV      = "csv"
	FormatJSON     = "json"
	FormatJSONL    = "jsonl"
	// FormatCSVExcel is the CSV Excel in Portuguese opens on a double click
	// (`;`, a BOM, decimal commas): the GUI's CSV export in pt-BR.
	FormatCSVExcel = "csv-excel"
)

// Formats are the export formats, in the order the fronts offer them.
var Formats = []string{FormatPDF, FormatHTML, FormatMarkdown, FormatCSV, FormatJSON, FormatJSONL}

// HistoryRuns caps the earlier runs drawn on a report's history chart.
const HistoryRuns = 12

// ErrNoRun is returned for a run id that is not in the database; ErrNoDecision
// likewise for a decision.
var (
	ErrNoRun      = errors.New("no such run")
	ErrNoDecision = errors.New("no such decision")
)

// ReportInput is everything a report of run runID (with its decision, when
// it has one and it still exists) or of decision decisionID alone shows: the
// results, the decision's earlier runs (History), the endpoints without a
// known price (so they read "no price", never $0.00), the folder generated
// images are found in, and the title. Lang is left to the caller (the
// recommendation's language is in Recommendation.Lang).
func (w *Workspace) ReportInput(ctx context.Context, runID, decisionID int64) (report.Input, error) {
	in := report.Input{Generated: time.Now().UTC(), ArtifactRoot: w.Dir()}
	if runID != 0 {
		run, err := w.store.Run(ctx, runID)
		if errors.Is(err, data.ErrNotFound) {
			return in, fmt.Errorf("run %d: %w", runID, ErrNoRun)
		}
		if err != nil {
			return in, err
		}
		results, err := w.store.Results(ctx, run.ID)
		if err != nil {
			return in, err
		}
		in.Run = w.RunInfo(*run)
		in.Results = results
		if in.Warmups, err = w.store.WarmupResults(ctx, run.ID); err != nil {
			return in, err
		}
		if in.People, err = w.People(ctx, run.ID); err != nil {
			return in, err
		}
		in.Title = run.Name
		decisionID = run.DecisionID
		if decisionID == 0 {
			// A run of a plan file: the capacity tests of the same plan.
			if in.Capacity, err = w.capacity(ctx, 0, run.Name); err != nil {
				return in, err
			}
		}
		if decisionID != 0 {
			if in.History, err = w.History(ctx, *run); err != nil {
				return in, err
			}
		}
	}
	if decisionID != 0 {
		d, err := w.store.Decision(ctx, decisionID)
		switch {
		case errors.Is(err, data.ErrNotFound) && runID != 0:
			// The decision was deleted after the run: report the run alone.
		case errors.Is(err, data.ErrNotFound):
			return in, fmt.Errorf("decision %d: %w", decisionID, ErrNoDecision)
		case err != nil:
			return in, err
		default:
			AddDecision(&in, *d)
		}
		if in.Capacity, err = w.Capacity(ctx, decisionID); err != nil {
			return in, err
		}
	}
	return in, nil
}

// maxReportCapacity bounds the capacity tests a report shows.
const maxReportCapacity = 3

// Capacity is the decision's capacity tests a report shows: for each
// endpoint its latest test that finished or was stopped with steps, newest
// first, at most maxReportCapacity.
func (w *Workspace) Capacity(ctx context.Context, decisionID int64) ([]report.CapacityTest, error) {
	return w.capacity(ctx, decisionID, "")
}

// PlanCapacity is Capacity for the tests of no decision made from the plan
// named plan (a plan file's runs).
func (w *Workspace) PlanCapacity(ctx context.Context, plan string) ([]report.CapacityTest, error) {
	return w.capacity(ctx, 0, plan)
}

// capacity is Capacity; for decision 0 (tests of a plan file) only the
// tests of the plan named plan.
func (w *Workspace) capacity(ctx context.Context, decisionID int64, plan string) ([]report.CapacityTest, error) {
	tests, err := w.store.LoadTests(ctx, decisionID)
	if err != nil {
		return nil, err
	}
	var out []report.CapacityTest
	seen := map[string]bool{}
	for _, t := range tests {
		if len(out) == maxReportCapacity {
			break
		}
		if seen[t.Endpoint] || (t.Status != advisor.RunDone && t.Status != advisor.RunCancelled) || (decisionID == 0 && t.Name != plan) {
			continue
		}
		full, err := w.store.LoadTestByID(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		if len(full.Result.Steps) == 0 {
			continue
		}
		seen[t.Endpoint] = true
		out = append(out, report.CapacityTest{Name: full.Name, When: full.StartedAt, Status: full.Status, Result: full.Result})
	}
	return out, nil
}

// RunInfo is a run as a report shows it, with its unpriced endpoints.
func (w *Workspace) RunInfo(run data.Run) *report.RunInfo { return PricesRunInfo(w.Prices(), run) }

// PricesRunInfo is RunInfo with the given prices.
func PricesRunInfo(p Prices, run data.Run) *report.RunInfo {
	return &report.RunInfo{ID: run.ID, Name: run.Name, Status: run.Status, StartedAt: run.StartedAt, EndedAt: run.EndedAt,
		Plan: run.Plan, Unpriced: p.Unpriced(run.Plan)}
}

// AddDecision puts a decision's title, use case, answers and recommendation
// into a report's input. A decision without a title keeps in's title.
func AddDecision(in *report.Input, d data.Decision) {
	if strings.TrimSpace(d.Title) != "" {
		in.Title = d.Title
	}
	in.UseCase = d.Answers.UseCase
	in.Answers = d.Answers
	in.Recommendation = d.Recommendation
}

// History sums up the runs of run's decision that started before it, oldest
// first, the latest HistoryRuns of them (runs without results left out).
func (w *Workspace) History(ctx context.Context, run data.Run) ([]report.RunPoint, error) {
	if run.DecisionID == 0 {
		return nil, nil
	}
	runs, err := w.store.ListRuns(ctx, run.DecisionID)
	if err != nil {
		return nil, err
	}
	var earlier []data.Run
	for _, r := range runs {
		if r.ID != run.ID && !r.StartedAt.After(run.StartedAt) {
			earlier = append(earlier, r)
		}
	}
	sort.Slice(earlier, func(i, j int) bool {
		if !earlier[i].StartedAt.Equal(earlier[j].StartedAt) {
			return earlier[i].StartedAt.Before(earlier[j].StartedAt)
		}
		return earlier[i].ID < earlier[j].ID
	})
	if len(earlier) > HistoryRuns {
		earlier = earlier[len(earlier)-HistoryRuns:]
	}
	var points []report.RunPoint
	for _, r := range earlier {
		rs, err := w.store.Results(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		if len(rs) > 0 {
			points = append(points, report.HistoryPoint(r.ID, r.StartedAt, rs))
		}
	}
	return points, nil
}

// ExportName is the file name (without extension) an export of in gets.
// The prefix marks the file as the app's own: a retrieval test never reads it
// as a document (advisor.IsOwnExport).
func ExportName(in report.Input) string {
	if in.Run != nil {
		return fmt.Sprintf("%srun-%d", advisor.ExportPrefix, in.Run.ID)
	}
	return advisor.ExportPrefix + "report"
}

// ErrNeedsRun is returned for the fine-tuning JSONL without a run (its
// examples are the run's plan).
var ErrNeedsRun = errors.New("the fine-tuning dataset is made from a run's plan: pick a run")

// Write writes one export of in to out; Markdown is not a single stream
// (its charts go beside it): use WriteFile.
func Write(out io.Writer, format string, in report.Input) error {
	switch format {
	case FormatPDF:
		return report.WritePDF(out, in)
	case FormatHTML:
		return report.WriteHTML(out, in)
	}
	if in.Run == nil && format == FormatJSONL {
		return ErrNeedsRun
	}
	switch format {
	case FormatCSV:
		return report.WriteCSV(out, in.RawResults())
	case FormatCSVExcel:
		return report.WriteCSVExcel(out, in.RawResults())
	case FormatJSON:
		return report.WriteJSON(out, in.RawResults())
	case FormatJSONL:
		return report.WriteFineTuneJSONL(out, in.Run.Plan)
	}
	return fmt.Errorf("unknown export format %q (allowed: %s)", format, strings.Join(Formats, ", "))
}

// WriteFile writes one export of in to the file path, atomically: through a
// temporary file in the same folder, renamed into place only when all of it
// was written, so a failed export leaves no half-written file. Markdown
// writes path (its .md) and its chart images beside it. It returns the path
// of the main file written.
func WriteFile(format, path string, in report.Input) (string, error) {
	if format == FormatMarkdown {
		dir, name := filepath.Split(path)
		if dir == "" {
			dir = "."
		}
		return report.WriteMarkdown(dir, name, in)
	}
	return path, writeAtomic(path, func(w io.Writer) error { return Write(w, format, in) })
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
