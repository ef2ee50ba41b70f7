package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"github.com/llm-advisor/llm-advisor/advisor"
)

// TestVerdictRowsDoNotOverlap: the Verdict tab's rows (headline, reason,
// the table of options, the chart, the comparison, the criteria) are laid
// out again once a run's verdict fills the table: each row starts below the
// one above it. Refreshing the table alone left the rows below where they
// were for an empty table, drawn over it (docs/screenshots/results-verdict).
func TestVerdictRowsDoNotOverlap(t *testing.T) {
	h := newHarness(t, "pt-BR")
	p := advisor.Plan{Name: "veredito", Strategies: []string{advisor.StrategyZeroShot},
		Endpoints: []advisor.Endpoint{{Name: "bom", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:9/v1", Model: "m"},
			{Name: "fora", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:9/v1", Model: "m"}},
		Cases: []advisor.Case{{Input: "a", Expected: "a"}, {Input: "b", Expected: "b"}, {Input: "c", Expected: "c"}}}
	now := time.Now().UTC()
	var res []advisor.Result
	for i := range p.Cases {
		res = append(res, advisor.Result{Endpoint: "bom", Strategy: advisor.StrategyZeroShot, Case: i, LatencyMs: 200, Score: 1, Passed: true, Output: "a", StartedAt: now, EndedAt: now},
			advisor.Result{Endpoint: "fora", Strategy: advisor.StrategyZeroShot, Case: i, LatencyMs: 300, Output: "x", StartedAt: now, EndedAt: now})
	}
	savedRun(t, h, p, 6, advisor.RunDone, res)
	h.a.win.Resize(fyne.NewSize(1280, 800))
	h.a.show(screenResults)
	r := h.a.results
	h.waitFor("results", func() bool { return r.loaded && r.verdict.v != nil })
	h.settle()
	v := r.verdict
	if len(v.table.Objects) == 0 || v.table.MinSize().Height == 0 {
		t.Fatal("the verdict's table of options is empty")
	}
	var above fyne.CanvasObject
	for _, o := range v.body.Objects {
		if !o.Visible() || o.MinSize().Height == 0 {
			continue
		}
		if above != nil && o.Position().Y < above.Position().Y+above.Size().Height-0.5 {
			t.Errorf("a row (%T) starts at y=%.0f, inside the row above (%T, y=%.0f to %.0f)", o, o.Position().Y, above, above.Position().Y, above.Position().Y+above.Size().Height)
		}
		if o.Size().Height < o.MinSize().Height-0.5 {
			t.Errorf("a row (%T) is %.0f px high, less than the %.0f px it needs", o, o.Size().Height, o.MinSize().Height)
		}
		above = o
	}
}
