package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/report"
)

// saveDialog asks where to save a file: a folder and a file name, checked
// before anything is written. Fyne's save dialog creates (and empties) the
// chosen file before the program learns its name, so choosing the database,
// its -wal or -shm file, or a device by mistake would destroy it; here the
// name is checked first (report.CheckOut, the command line's rule), and the
// file is then written atomically by the caller (workspace.WriteFile).
type saveDialog struct {
	a       *App
	d       *dialog.CustomDialog
	dir     string
	folder  *widget.Label
	choose  *widget.Button
	name    *widget.Entry
	problem *widget.Label
	save    *widget.Button
	cancel  *widget.Button
	ext     string // ".pdf" …: added when the name has none
	use     func(path string)
	// overwrite is the "replace the file?" question while it is open
	// (tests answer it).
	overwrite *dialog.ConfirmDialog
}

// askSavePath shows the save dialog, starting in the export folder with
// name, and hands the checked path to use on the UI goroutine.
func (a *App) askSavePath(name, ext string, use func(path string)) *saveDialog {
	s := &saveDialog{a: a, ext: ext, use: use, dir: a.startFolder(prefExportFolder)}
	if s.dir == "" {
		s.dir, _ = os.Getwd()
	}
	s.folder = widget.NewLabel(s.dir)
	s.folder.Wrapping = fyne.TextWrapBreak
	s.choose = widget.NewButtonWithIcon(lang.L("save.choose_folder"), theme.FolderOpenIcon(), func() {
		a.pickFolderIn(prefExportFolder, "err.export", func(dir string) {
			s.dir = dir
			s.folder.SetText(dir)
			s.problem.Hide()
		})
	})
	s.name = widget.NewEntry()
	s.name.SetText(name)
	s.name.OnSubmitted = func(string) { s.onSave() }
	s.problem = widget.NewLabel("")
	s.problem.Wrapping = fyne.TextWrapWord
	s.problem.Importance = widget.DangerImportance
	s.problem.Hide()
	s.save = widget.NewButtonWithIcon(lang.L("save.save"), theme.DocumentSaveIcon(), s.onSave)
	s.save.Importance = widget.HighImportance
	s.cancel = widget.NewButtonWithIcon(lang.L("btn.cancel"), theme.CancelIcon(), func() { s.d.Hide() })
	form := widget.NewForm(
		widget.NewFormItem(lang.L("save.folder"), container.NewBorder(nil, nil, nil, s.choose, s.folder)),
		widget.NewFormItem(lang.L("save.name"), s.name),
	)
	body := container.NewVBox(form, s.problem)
	s.d = dialog.NewCustomWithoutButtons(lang.L("save.title"), body, a.win)
	s.d.SetButtons([]fyne.CanvasObject{s.cancel, s.save})
	s.d.Resize(fyne.NewSize(640, 0))
	s.d.Show()
	a.win.Canvas().Focus(s.name)
	return s
}

// path is the file the dialog would write, or a sentence saying why the
// name cannot be used.
func (s *saveDialog) path() (string, error) {
	n := strings.TrimSpace(s.name.Text)
	if n == "" || n == "." || n == ".." || strings.ContainsAny(n, `/\`) {
		return "", errors.New(lang.L("save.bad_name"))
	}
	if s.ext != "" && !strings.EqualFold(filepath.Ext(n), s.ext) {
		n += s.ext
	}
	p := filepath.Join(s.dir, n)
	var protected []string
	if s.a.ws != nil {
		protected = data.Files(s.a.ws.Path())
	}
	if err := report.CheckOut(p, protected...); err != nil {
		if st, serr := os.Stat(p); serr == nil && !st.Mode().IsRegular() {
			return "", errors.New(lang.L("save.not_file", map[string]any{"Name": n}))
		}
		return "", errors.New(lang.L("save.protected", map[string]any{"Name": n}))
	}
	return p, nil
}

func (s *saveDialog) onSave() {
	p, err := s.path()
	if err != nil {
		s.problem.SetText(err.Error())
		s.problem.Show()
		return
	}
	s.problem.Hide()
	done := func() {
		s.d.Hide()
		s.a.rememberFolder(prefExportFolder, s.dir)
		s.use(p)
	}
	if _, err := os.Stat(p); err == nil {
		s.overwrite = dialog.NewConfirm(lang.L("save.overwrite.title"), lang.L("save.overwrite.body", map[string]any{"Name": filepath.Base(p)}), func(ok bool) {
			s.overwrite = nil
			if ok {
				done()
			}
		}, s.a.win)
		s.overwrite.Show()
		return
	}
	done()
}
