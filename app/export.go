package app

import (
	"context"
	"io"
	"log"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"github.com/llm-advisor/llm-advisor/report"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// exportDialog asks where to save the report of in, as format, and writes it
// off the UI goroutine; done runs on the UI goroutine. Markdown asks for a
// folder: the .md file and its chart images go side by side.
func (a *App) exportDialog(format string, in report.Input, done func(error)) {
	if format == formatMarkdown {
		a.pickFolderIn(prefExportFolder, "err.export", func(dir string) { a.exportMarkdown(dir, in, done) })
		return
	}
	d := dialog.NewFileSave(a.onSaveChosen(format, in, done), a.win)
	// The export folder is remembered on its own: Fyne's dialog would
	// reopen in the last folder of any dialog, which may be the documents
	// folder of a retrieval test.
	if start := a.folderURI(prefExportFolder); start != nil {
		d.SetLocation(start)
	}
	d.SetFileName(exportName(in) + "." + format)
	d.SetFilter(storage.NewExtensionFileFilter([]string{"." + format}))
	d.Resize(dialogSize)
	d.Show()
}

// onSaveChosen writes the export to the file the user chose and remembers its folder.
func (a *App) onSaveChosen(format string, in report.Input, done func(error)) func(fyne.URIWriteCloser, error) {
	return func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			a.showError(fail("err.export", err))
			return
		}
		if w == nil {
			return
		}
		if w.URI().Scheme() == "file" {
			a.rememberFolder(prefExportFolder, filepath.Dir(w.URI().Path()))
		}
		a.exportTo(w, format, in, done)
	}
}

// exportTo writes one format to w off the UI goroutine and closes it. A
// file chosen in the save dialog is written as the command line writes it
// (workspace.WriteFile): all of it or, on a failure, the file as it was.
func (a *App) exportTo(w io.WriteCloser, format string, in report.Input, done func(error)) {
	if format == formatCSV && strings.HasPrefix(in.Lang, "pt") {
		format = workspace.FormatCSVExcel
	}
	ws, decision := a.ws, a.exportDecision(in)
	a.goWork(func(ctx context.Context) {
		in := withCapacity(ctx, ws, in, decision)
		var err error
		if path := localPath(w); path != "" {
			err = w.Close()
			if err == nil {
				_, err = workspace.WriteFile(format, path, in)
			}
			a.ui(func() { done(err) })
			return
		}
		err = writeExport(w, format, in)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		a.ui(func() { done(err) })
	})
}

// localPath is the file path of a writer the save dialog opened on a local
// file ("" for anything else).
func localPath(w io.WriteCloser) string {
	if u, ok := w.(fyne.URIWriteCloser); ok && u.URI() != nil && u.URI().Scheme() == "file" {
		return u.URI().Path()
	}
	return ""
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
func withCapacity(ctx context.Context, ws *workspace.Workspace, in report.Input, decision int64) report.Input {
	if decision == 0 || in.Capacity != nil || ws == nil {
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
