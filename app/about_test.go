package app

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// texts collects every label and button text under o (dialogs included when
// o is a window's overlay).
func texts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
		case *widget.Hyperlink:
			out = append(out, x.Text)
		case *widget.Button:
			out = append(out, x.Text)
		case *fyne.Container:
			for _, k := range x.Objects {
				walk(k)
			}
		case fyne.Widget:
			for _, k := range test.WidgetRenderer(x).Objects() {
				walk(k)
			}
		}
	}
	walk(o)
	return out
}

// dialogShown reports whether a dialog over w shows a label or button with text.
func dialogShown(w fyne.Window, text string) bool {
	for _, o := range w.Canvas().Overlays().List() {
		for _, s := range texts(o) {
			if s == text {
				return true
			}
		}
	}
	return false
}

func TestAboutInSettings(t *testing.T) {
	h := newHarness(t, "en")
	h.a.show(screenSettings)
	h.settle()
	about := h.a.settings.about
	if about == nil {
		t.Fatal("Settings has no About section")
	}
	if about.version.Text != Version {
		t.Errorf("version %q, want %q", about.version.Text, Version)
	}
	if about.folder.Text != filepath.Dir(h.store().Path()) {
		t.Errorf("data folder %q, want %q", about.folder.Text, filepath.Dir(h.store().Path()))
	}
	if !regexp.MustCompile(`^\d+(\.\d)? [KMG]?B$`).MatchString(about.size.Text) {
		t.Errorf("database size %q", about.size.Text)
	}
	// The prices are dated by the models.dev copy in use (issue 12: not the
	// oldest curated date, which once read "from 2023-12-25").
	m := regexp.MustCompile(`^(\d+) models, (\d+) rules; prices from models.dev as of (\d{4}-\d\d-\d\d)`).FindStringSubmatch(about.catalog.Text)
	if m == nil {
		t.Fatalf("catalog line %q", about.catalog.Text)
	}
	if m[1] == "0" || m[2] == "0" || m[3] != h.a.engine.CatalogInfo().AsOf {
		t.Errorf("catalog line %q", about.catalog.Text)
	}
	all := strings.Join(texts(h.a.win.Content()), "\n")
	if !strings.Contains(all, licenceName) {
		t.Error("About does not name the licence")
	}
}

// The version shown without packaging metadata is the one FyneApp.toml gives
// `fyne package`, so the two never disagree.
func TestVersionMatchesFyneAppToml(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "FyneApp.toml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^Version\s*=\s*"([^"]+)"`).FindSubmatch(b)
	if m == nil || string(m[1]) != Version {
		t.Errorf("FyneApp.toml version %q, app.Version %q", m, Version)
	}
	m = regexp.MustCompile(`(?m)^ID\s*=\s*"([^"]+)"`).FindSubmatch(b)
	if m == nil || string(m[1]) != ID {
		t.Errorf("FyneApp.toml ID %q, app.ID %q", m, ID)
	}
}

// A database that cannot be used is left alone, and choosing another
// folder gets the app working there.
func TestUnusableDataFolderOffersAnother(t *testing.T) {
	dir := t.TempDir()
	junk := []byte("someone's notes, not a database")
	if err := os.WriteFile(filepath.Join(dir, "advisor.db"), junk, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	fa := test.NewTempApp(t)
	fa.Preferences().SetString(prefDataFolder, dir)
	t.Cleanup(func() { applyLanguage("") })
	h := &harness{t: t, fa: fa, q: make(chan func(), 64)}
	h.a = newApp(fa, func(f func()) { h.q <- f }, nil)
	h.waitFor("load", func() bool { return h.a.ready })
	if h.a.ws != nil {
		t.Fatal("a junk file opened as a database")
	}
	if !dialogShown(h.a.win, "Choose a folder…") {
		t.Fatal("no dialog offers another folder")
	}
	other := t.TempDir()
	h.a.useDataFolder(other)
	h.waitFor("the new database", func() bool { return h.a.ws != nil })
	if got := h.store().Path(); got != filepath.Join(other, "advisor.db") {
		t.Errorf("database at %s", got)
	}
	if fa.Preferences().String(prefDataFolder) != other {
		t.Error("the new folder is not remembered")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "advisor.db")); string(b) != string(junk) {
		t.Error("the unusable file was changed")
	}
	t.Cleanup(func() { h.a.ws.Close() })
}
