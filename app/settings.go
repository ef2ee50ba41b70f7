package app

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Concurrency limits of the Settings field.
const (
	defaultConcurrency = 4
	maxConcurrency     = 64
)

// settingsScreen edits the preferences: language, theme, default
// concurrency and the data folder.
type settingsScreen struct {
	a           *App
	view        fyne.CanvasObject
	language    *widget.Select
	themeSel    *widget.Select
	concurrency *widget.Entry
	folder      *widget.Entry
	folderNote  *widget.Label
	about       *aboutCard
}

var (
	languageCodes = []string{"", "en", "pt-BR"}
	themeCodes    = []string{"", "light", "dark"}
)

func newSettingsScreen(a *App) *settingsScreen {
	s := &settingsScreen{a: a}
	s.language = newSelect([]string{lang.L("settings.language.system"), "English", "Português do Brasil"}, nil)
	s.language.SetSelectedIndex(indexOf(languageCodes, a.prefs.String(prefLanguage)))
	s.language.OnChanged = func(string) { s.onLanguage(languageCodes[s.language.SelectedIndex()]) }

	s.themeSel = newSelect([]string{lang.L("settings.theme.system"), lang.L("settings.theme.light"), lang.L("settings.theme.dark")}, nil)
	s.themeSel.SetSelectedIndex(indexOf(themeCodes, a.prefs.String(prefTheme)))
	s.themeSel.OnChanged = func(string) {
		code := themeCodes[s.themeSel.SelectedIndex()]
		a.prefs.SetString(prefTheme, code)
		applyTheme(a.fyne, code)
	}

	s.concurrency = widget.NewEntry()
	s.concurrency.SetText(strconv.Itoa(a.concurrency()))
	s.concurrency.Validator = func(v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > maxConcurrency {
			return errors.New(lang.L("settings.concurrency.invalid", map[string]any{"Max": maxConcurrency}))
		}
		return nil
	}
	s.concurrency.OnChanged = func(v string) {
		if s.concurrency.Validator(v) == nil {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			a.prefs.SetInt(prefConcurrency, n)
		}
	}

	s.folder = widget.NewEntry()
	path, err := a.dataPath()
	if err == nil {
		s.folder.SetText(filepath.Dir(path))
	}
	browse := widget.NewButtonWithIcon(lang.L("btn.browse"), theme.FolderOpenIcon(), s.onBrowse)
	apply := widget.NewButton(lang.L("settings.folder.apply"), func() { s.onFolder(s.folder.Text) })
	reset := widget.NewButton(lang.L("settings.folder.default"), func() { s.onFolder("") })
	s.folderNote = hint(lang.L("settings.folder.note"))

	form := widget.NewForm(
		widget.NewFormItem(lang.L("settings.language"), s.language),
		widget.NewFormItem(lang.L("settings.theme"), s.themeSel),
		widget.NewFormItem(lang.L("settings.concurrency"), s.concurrency),
		widget.NewFormItem(lang.L("settings.folder"), container.NewBorder(nil, nil, nil, container.NewHBox(browse, apply, reset), s.folder)),
	)
	form.Items[2].HintText = lang.L("settings.concurrency.hint")
	keys := hint(lang.L("settings.keys_note"))
	s.about = newAboutCard(a)
	s.view = screen(lang.L("settings.title"), nil, container.NewVScroll(container.NewVBox(form, s.folderNote, widget.NewSeparator(), keys, widget.NewSeparator(), s.about.view)), nil)
	return s
}

func indexOf(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return 0
}

// concurrency is the default concurrency of a live test.
func (a *App) concurrency() int {
	n := a.prefs.IntWithFallback(prefConcurrency, defaultConcurrency)
	if n < 1 || n > maxConcurrency {
		return defaultConcurrency
	}
	return n
}

// onLanguage switches the language and rebuilds every screen.
func (s *settingsScreen) onLanguage(code string) {
	s.a.prefs.SetString(prefLanguage, code)
	applyLanguage(code)
	s.a.relayout()
}

func (s *settingsScreen) onBrowse() {
	s.a.pickFolder("err.folder", s.onFolder) // onFolder shows the path it settles on
}

// onFolder moves the database to another folder ("" = the default place).
func (s *settingsScreen) onFolder(dir string) {
	dir = strings.TrimSpace(dir)
	if dir != "" && !filepath.IsAbs(dir) {
		s.a.showError(fail("err.folder", fmt.Errorf("%q is not an absolute folder path", dir)))
		return
	}
	if s.a.runGoing() {
		// The database stays open under the running test; nothing changes.
		s.a.refuseFolderChange()
		return
	}
	old := s.a.prefs.String(prefDataFolder)
	s.a.prefs.SetString(prefDataFolder, dir)
	path, err := s.a.dataPath()
	if err != nil {
		s.a.prefs.SetString(prefDataFolder, old)
		s.a.showError(fail("err.folder", err))
		return
	}
	s.folder.SetText(filepath.Dir(path))
	s.a.reopenStore(path)
}
