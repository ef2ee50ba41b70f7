package app

import (
	"context"
	"io"
	"log"
	"path/filepath"
	"strings"

	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/report"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// exportDialog asks where to save the report of in, as format, and writes it
// off the UI goroutine; done runs on the UI goroutine. Markdown asks for a
// folder: the .md file and its chart images go side by side. The name is
// checked before anything is written (saveDialog): never the database.
func (a *App) exportDialog(format string, in report.Input, done func(error)) {
	if format == formatMarkdown {
		a.pickFolderIn(prefExportFolder, "err.export", func(dir string) {
			var protected []string
			if a.ws != nil {
				protected = data.Files(a.ws.Path())
			}
			if err := report.CheckOut(filepath.Join(dir, exportName(in)+".md"), protected...); err != nil {
				done(err)
				return
			}
			a.exportMarkdown(dir, in, done)
		})
		return
	}
	// The export folder is remembered on its own: a dialog would otherwise
	// reopen in the last folder of any dialog, which may be the documents
	// folder of a retrieval test.
	a.askSavePath(exportName(in)+"."+format, "."+format, func(path string) { a.exportPath(path, format, in, done) })
}

// exportPath writes one format to the file path off the UI goroutine, as
// the command line writes it (workspace.WriteFile): all of it or, on a
// failure, the file as it was.
func (a *App) exportPath(path, format string, in report.Input, done func(error)) {
	if format == formatCSV && strings.HasPrefix(in.Lang, "pt") {
		format = workspace.FormatCSVExcel
	}
	ws, decision := a.ws, a.exportDecision(in)
	a.goWork(func(ctx context.Context) {
		in := withCapacity(ctx, ws, in, decision)
		_, err := workspace.WriteFile(format, path, in)
		a.ui(func() { done(err) })
	})
}

// exportTo writes one format to w off the UI goroutine and closes it (a
// stream that is not a file the app names: the file exports go through
// exportPath).
func (a *App) exportTo(w io.WriteCloser, format string, in report.Input, done func(error)) {
	if format == formatCSV && strings.HasPrefix(in.Lang, "pt") {
		format = workspace.FormatCSVExcel
	}
	ws, decision := a.ws, a.exportDecision(in)
	a.goWork(func(ctx context.Context) {
		in := withCapacity(ctx, ws, in, decision)
		err := writeExport(w, format, in)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		a.ui(func() { done(err) })
	})
}

// exportMarkdown writes the Markdown report and its images into dir.
func (a *App) exportMarkdown(dir string, in report.Input, done func(error)) {
	ws, decision := a.ws, a.exportDecision(in)
	a.goWork(func(ctx context.Context) {
		in := withCapacity(ctx, ws, in, decision)
		_, err := report.WriteMarkdown(dir, exportName(in), in)
		a.ui(func() { done(err) })
	})
}

// exportDecision is the decision a report of in belongs to (0: none): the
// one on screen, else the run's.
func (a *App) exportDecision(in report.Input) int64 {
	if a.decision != nil {
		return a.decision.ID
	}
	if in.Run != nil {
		return in.Run.Plan.DecisionID
	}
	return 0
}

// withCapacity adds the decision's capacity tests to a report, as the
// command line's report does (workspace.Capacity); off the UI goroutine.
// A failure to read them leaves them out and is logged.
func withCapacity(ctx context.Context, ws space, in report.Input, decision int64) report.Input {
	if in.Capacity != nil || ws == nil {
		return in
	}
	if decision == 0 {
		// A run of a plan file: the capacity tests of the same plan.
		if in.Run != nil {
			if c, err := ws.PlanCapacity(ctx, in.Run.Name); err == nil {
				in.Capacity = c
			}
		}
		return in
	}
	c, err := ws.Capacity(ctx, decision)
	if err != nil {
		log.Printf("llm-advisor: capacity tests for the report: %v", err)
		return in
	}
	in.Capacity = c
	return in
}
