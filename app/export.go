package app

import (
	"context"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"github.com/llm-advisor/llm-advisor/report"
)

// exportDialog asks where to save the report of in, as format, and writes it
// off the UI goroutine; done runs on the UI goroutine. Markdown asks for a
// folder: the .md file and its chart images go side by side.
func (a *App) exportDialog(format string, in report.Input, done func(error)) {
	if format == formatMarkdown {
		a.pickFolder("err.export", func(dir string) { a.exportMarkdown(dir, in, done) })
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			a.showError(fail("err.export", err))
			return
		}
		if w != nil {
			a.exportTo(w, format, in, done)
		}
	}, a.win)
	d.SetFileName(exportName(in) + "." + format)
	d.SetFilter(storage.NewExtensionFileFilter([]string{"." + format}))
	d.Resize(dialogSize)
	d.Show()
}

// exportTo writes one format to w off the UI goroutine and closes it.
func (a *App) exportTo(w io.WriteCloser, format string, in report.Input, done func(error)) {
	a.goWork(func(context.Context) {
		err := writeExport(w, format, in)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		a.ui(func() { done(err) })
	})
}

// exportMarkdown writes the Markdown report and its images into dir.
func (a *App) exportMarkdown(dir string, in report.Input, done func(error)) {
	a.goWork(func(context.Context) {
		_, err := report.WriteMarkdown(dir, exportName(in), in)
		a.ui(func() { done(err) })
	})
}
