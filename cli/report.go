package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/report"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// reportFormats are the values --format allows, in the order usage lists them.
var reportFormats = workspace.Formats

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
	f, err := checkReportFlags(*format, *runID, *decisionID, *out, *lang)
	if err != nil {
		return err
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
	ws, err := workspace.Open(ctx, path)
	if err != nil {
		return err
	}
	defer ws.Close()

	in, err := ws.ReportInput(ctx, *runID, *decisionID)
	switch {
	case errors.Is(err, workspace.ErrNoRun):
		return usagef("--run %d: no such run in %s", *runID, path)
	case errors.Is(err, workspace.ErrNoDecision):
		return usagef("--decision %d: no such decision in %s", *decisionID, path)
	case err != nil:
		return err
	}
	in.Lang = reportLang(*lang, in.Recommendation)
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
	written, err := workspace.WriteFile(f, *out, in)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, written)
	return nil
}

// checkReportFlags refuses a report the flags cannot make and returns the
// format's name (md for markdown).
func checkReportFlags(format string, runID, decisionID int64, out, lang string) (f string, err error) {
	f = strings.ToLower(strings.TrimPrefix(format, "."))
	if f == "markdown" {
		f = "md"
	}
	if format == "" {
		return "", usagef("--format is required; allowed values: %s", strings.Join(reportFormats, ", "))
	}
	if !contains(reportFormats, f) {
		return "", usagef("--format %q is not allowed; allowed values: %s", format, strings.Join(reportFormats, ", "))
	}
	switch {
	case runID == 0 && decisionID == 0:
		return "", usagef("give --run ID (a live test) or --decision ID (a recommendation alone); %s", reportUsage)
	case runID != 0 && decisionID != 0:
		return "", usagef("give --run ID or --decision ID, not both: a run's report already includes its decision")
	case runID < 0 || decisionID < 0:
		return "", usagef("ids are positive numbers")
	}
	if out == "" {
		return "", usagef("--out FILE is required; %s", reportUsage)
	}
	if runID == 0 && (f == "csv" || f == "json" || f == "jsonl") {
		return "", usagef("--format %s exports a run's results; give --run ID (for a decision alone use pdf, html or md)", f)
	}
	if lang != "" && lang != "en" && !strings.HasPrefix(strings.ToLower(lang), "pt") {
		return "", usagef("--lang %q is not allowed; allowed values: en, pt-BR", lang)
	}
	return f, nil
}

// reportLang is the report's language: --lang, else the recommendation's,
// else the locale's.
func reportLang(flagLang string, rec *advisor.Recommendation) string {
	switch {
	case flagLang != "":
		return flagLang
	case rec != nil && rec.Lang != "":
		return rec.Lang
	}
	return Lang()
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
