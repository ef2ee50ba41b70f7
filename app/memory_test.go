package app

import (
	"runtime"
	"runtime/metrics"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/llm-advisor/llm-advisor/workspace"
)

// liveHeap is the bytes of live Go objects after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestHomeHeapAfterScreensLeft: Home is where the app sits idle, so a
// screen that is left must not keep what it built (a catalog's cards, a
// results table, a chart's pixels) alive behind Home. Every main screen is
// opened and left for Home again; the live Go heap may grow only by what
// Fyne keeps in its own caches (about 2.5 MB in this test, where the test
// driver never expires them); a screen that kept one full-window image
// (1280×800 RGBA, 4 MB) alive would fail it.
//
// Not parallel on purpose: the Go runtime runs sequential tests while no
// parallel test is running, so the heap measured is this App's alone.
func TestHomeHeapAfterScreensLeft(t *testing.T) {
	const limit = 6 << 20
	h := newHarness(t, "en")
	h.a.show(screenHome)
	h.settle()
	// Home draws only regular and bold text; the fonts of the other styles,
	// which Fyne parses once and keeps, are loaded before the first
	// measurement so they do not count as a screen's leftovers.
	for _, st := range []fyne.TextStyle{{Italic: true}, {Bold: true, Italic: true}, {Monospace: true}, {Monospace: true, Bold: true}} {
		fyne.MeasureText("x", 14, st)
	}
	base := liveHeap()
	for _, sc := range []string{screenCatalog, screenSettings, screenWizard, screenLiveTest, screenResults} {
		h.a.show(sc)
		h.settle()
		h.a.show(screenHome)
		h.settle()
		if grown := int64(liveHeap()) - int64(base); grown > limit {
			t.Fatalf("after leaving %s for Home the live heap is %.1f MB over the first Home (limit %.0f MB)",
				sc, float64(grown)/(1<<20), float64(limit)/(1<<20))
		}
	}
	t.Logf("live heap after every screen was left: %.1f MB over the first Home", float64(int64(liveHeap())-int64(base))/(1<<20))
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
