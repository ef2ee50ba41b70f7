package app

import (
	"os"
	"path/filepath"

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
	a.pickFolderIn("", errKey, use)
}

// pickFolderIn is pickFolder starting in the folder remembered under the
// preference place (prefExportFolder, prefDocsFolder), which it updates.
// Each kind of folder has its own place, so a report is never saved by
// default into the documents folder of a retrieval test.
func (a *App) pickFolderIn(place, errKey string, use func(path string)) {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			a.showError(fail(errKey, err))
			return
		}
		if u != nil {
			a.rememberFolder(place, u.Path())
			use(u.Path())
		}
	}, a.win)
	if start := a.folderURI(place); start != nil {
		d.SetLocation(start)
	}
	d.Resize(dialogSize)
	d.Show()
}

// startFolder is where a dialog for place opens: the folder last used for
// it, else (exports) the user's Documents folder or home; "" when unknown.
func (a *App) startFolder(place string) string {
	if place == "" {
		return ""
	}
	if dir := a.prefs.String(place); dir != "" {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
	}
	if place != prefExportFolder {
		return ""
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	if fi, err := os.Stat(filepath.Join(home, "Documents")); err == nil && fi.IsDir() {
		return filepath.Join(home, "Documents")
	}
	return home
}

func (a *App) folderURI(place string) fyne.ListableURI {
	dir := a.startFolder(place)
	if dir == "" {
		return nil
	}
	u, err := storage.ListerForURI(storage.NewFileURI(dir))
	if err != nil {
		return nil
	}
	return u
}

// rememberFolder keeps dir as the folder of place.
func (a *App) rememberFolder(place, dir string) {
	if place != "" && dir != "" {
		a.prefs.SetString(place, dir)
	}
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
