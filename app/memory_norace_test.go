//go:build !race

package app

import (
	"runtime"
	"runtime/metrics"
	"testing"

	"fyne.io/fyne/v2"
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
// Built without the race detector only (make test runs it in its step
// without -race, NORACE_APP in the Makefile): the detector changes how the
// runtime and its pools keep memory, so the figures under it are not the
// app's; only without it does this measure the heap users' app holds.
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
