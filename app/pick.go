package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// dialogSize is the size of the file and folder dialogs: big enough to read
// long paths at the window's minimum size.
var dialogSize = fyne.NewSize(800, 560)

// pickFolder asks for a folder and hands its path to use; a failing dialog
// is reported with the sentence errKey.
func (a *App) pickFolder(errKey string, use func(path string)) {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			a.showError(fail(errKey, err))
			return
		}
		if u != nil {
			use(u.Path())
		}
	}, a.win)
	d.Resize(dialogSize)
	d.Show()
}

// pickFile asks for an existing file with one of exts (".csv" …) and hands
// its path to use; the file is read by use, off the UI goroutine.
func (a *App) pickFile(errKey string, exts []string, use func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			a.showError(fail(errKey, err))
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		use(path)
	}, a.win)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	d.Resize(dialogSize)
	d.Show()
}
