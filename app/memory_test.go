package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// TestHomeGivesTheHeapBack: once Home is shown the App gives the unused
// heap back to the operating system (releaseMemory), releaseDelay later;
// Home shown again before then moves that one release later rather than
// adding another. An App given nothing to release with (the screen tests')
// starts no timer at all.
func TestHomeGivesTheHeapBack(t *testing.T) {
	released := make(chan struct{}, 8)
	h := startHarnessReleasing(t, "en", t.TempDir(), t.TempDir(), func() { released <- struct{}{} })
	h.a.show(screenHome) // the start showed Home; twice more before the release
	h.a.show(screenHome)
	select {
	case <-released:
	case <-time.After(60 * time.Second):
		t.Fatal("Home was shown and no heap was given back within a minute")
	}
	if h.a.releaseTimer == nil || h.a.releaseTimer.Stop() {
		t.Error("another release is still pending after Home was shown three times in a row")
	}
	if len(released) != 0 {
		t.Errorf("%d more releases after the first", len(released))
	}

	quiet := startHarness(t, "en", t.TempDir(), t.TempDir())
	quiet.a.show(screenHome)
	if quiet.a.releaseTimer != nil {
		t.Error("an App with no release started a release timer")
	}
}

// TestHomeDoesNotBuildTheEngine: without rules or catalog files of the
// user's there is no problem for Home to list, so a start that stays on Home
// never builds the engine (about 5 MB resident, issue 18 item 12); the first
// screen that needs it, here the wizard of a new decision, waits for it and
// gets it, and so does the database the runs are priced from.
func TestHomeDoesNotBuildTheEngine(t *testing.T) {
	h := startHarness(t, "en", t.TempDir(), t.TempDir())
	h.waitFor("decisions listed", func() bool { return h.a.home != nil && h.a.home.loaded })
	h.settle()
	if h.a.engine != nil || h.a.engineTried || h.a.engineLoading {
		t.Fatalf("Home built the engine (built %v, loading %v) though no file of the user's needs it", h.a.engineTried, h.a.engineLoading)
	}
	if h.a.current != screenHome || h.a.ws == nil {
		t.Fatalf("on %q with database %v", h.a.current, h.a.ws)
	}

	test.Tap(h.a.home.newButton)
	h.waitFor("wizard", func() bool { return h.a.current == screenWizard && h.a.wizard != nil })
	if h.a.engine == nil {
		t.Fatalf("the wizard opened without the engine (%s)", h.a.lastError)
	}
	if ws, ok := h.a.ws.(*workspace.Workspace); !ok || ws.Engine() != h.a.engine {
		t.Error("the workspace does not price runs with the engine the screens use")
	}
	if len(h.a.engine.Catalog()) == 0 {
		t.Error("the engine built on first need has no catalog")
	}

	// Leaving for the catalog does not build it again.
	eng := h.a.engine
	h.a.show(screenCatalog)
	h.settle()
	if h.a.current != screenCatalog || h.a.engine != eng || len(h.a.catalog.models) == 0 {
		t.Errorf("catalog: on %q, same engine %v, %d models", h.a.current, h.a.engine == eng, len(h.a.catalog.models))
	}
}

// TestHomeDrawsOnlyRegularAndBold: every text style Fyne draws costs its
// fonts parsed for the rest of the process (Fyne's own and the system's
// fallback for that style: about 4 MB for italic under Xvfb), so Home,
// where the app sits idle, draws only regular and bold text (bold being
// every button's). Home is shown with all it can hold: the first-run hint,
// the problems of a broken rules file and a decision.
func TestHomeDrawsOnlyRegularAndBold(t *testing.T) {
	cfg := t.TempDir()
	os.MkdirAll(filepath.Join(cfg, "llm-advisor"), 0o755)
	os.WriteFile(filepath.Join(cfg, "llm-advisor", "rules.yaml"), []byte("rules: [ {id: x"), 0o600)
	h := startHarness(t, "en", t.TempDir(), cfg)
	if err := h.a.ws.SaveDecision(context.Background(), &data.Decision{Title: "Sort support tickets"}); err != nil {
		t.Fatal(err)
	}
	h.a.show(screenHome)
	h.waitFor("decisions listed", func() bool { return h.a.home.loaded && len(h.a.home.decisions) == 1 })
	h.a.win.Resize(fyne.NewSize(1280, 800))
	h.settle()

	seen := map[string]bool{}
	for _, o := range test.LaidOutObjects(h.a.win.Content()) {
		tx, ok := o.(*canvas.Text)
		if !ok || tx.Text == "" {
			continue
		}
		seen[tx.Text] = true
		if s := tx.TextStyle; s.Italic || s.Monospace {
			t.Errorf("Home draws %q in %+v", tx.Text, s)
		}
	}
	for _, want := range []string{"Sort support tickets", "How it works, in three steps", "Some of your own rules or models were left out"} {
		if !seen[want] {
			t.Errorf("%q was not drawn on Home, so its style was not checked", want)
		}
	}
}
