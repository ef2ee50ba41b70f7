package app

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest/batchfake"
)

// The setup offers the Batch API for a large run that measures no latency,
// with the saving; a latency target withdraws the offer.
func TestBatchOfferInSetup(t *testing.T) {
	for _, language := range []string{"en", "pt-BR"} {
		t.Run(language, func(t *testing.T) {
			h := newMemHarness(t, language)
			in, out := 2.0, 8.0
			h.a.candidates = []advisor.Endpoint{
				{Name: "a", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:1/v1", Model: "m1", PriceInPer1M: &in, PriceOutPer1M: &out},
				{Name: "b", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:1/v1", Model: "m2", PriceInPer1M: &in, PriceOutPer1M: &out}}
			h.a.show(screenLiveTest)
			l := h.a.live
			l.s.acceptance = nil
			var cs []advisor.Case
			for i := range 250 {
				cs = append(cs, advisor.Case{Input: fmt.Sprintf("question %d", i), Expected: "yes"})
			}
			l.s.strategies = []string{advisor.StrategyZeroShot}
			l.addCases(cs...)
			l.updateEstimate()
			if !l.batchCheck.Visible() || !strings.Contains(l.batchCheck.Text, lang.L("live.batch.offer", map[string]any{"Batch": "", "Full": "", "Saving": ""})[:12]) {
				t.Fatalf("500 requests, no latency target: offer %v %q", l.batchCheck.Visible(), l.batchCheck.Text)
			}
			test.Tap(l.batchCheck)
			if !l.plan().Batch || !strings.Contains(l.estimate.Text, "Batch API") {
				t.Errorf("after taking the offer: batch %v, estimate %q", l.plan().Batch, l.estimate.Text)
			}
			ms := 2000.0
			l.s.acceptance = &advisor.Acceptance{TotalP95Ms: &ms}
			l.updateEstimate()
			if l.batchCheck.Visible() || l.plan().Batch {
				t.Errorf("a latency target keeps the offer: visible %v batch %v", l.batchCheck.Visible(), l.plan().Batch)
			}
		})
	}
}

// A batch run from the GUI shows the batches' state; the window closes
// while the provider works; the app opened again on the same database picks
// the run up and every case lands once, marked batch, at half price.
func TestBatchRunSurvivesClosingTheApp(t *testing.T) {
	t.Setenv("BATCH_TEST_API_KEY", "k")
	srv := batchfake.New()
	srv.PollsToFinish = 1 << 30 // the first app never sees it finish
	srv.Answer = func(id string, body map[string]any) (int, string) { return 200, "yes" }
	ts := httptest.NewServer(srv)
	defer ts.Close()
	in, out := 2.0, 8.0
	p := advisor.Plan{Name: "batch gui", Batch: true, Strategies: []string{advisor.StrategyZeroShot},
		Endpoints: []advisor.Endpoint{{Name: "a", Kind: advisor.KindCompatible, BaseURL: ts.URL + "/v1", Model: "m",
			APIKeyEnv: "BATCH_TEST_API_KEY", PriceInPer1M: &in, PriceOutPer1M: &out}}}
	for i := range 3 {
		p.Cases = append(p.Cases, advisor.Case{Input: fmt.Sprintf("q%d", i), Expected: "yes"})
	}
	dir, cfg := t.TempDir(), t.TempDir()

	h := newHarnessIn(t, "pt-BR", dir, cfg)
	h.a.batchPoll = time.Millisecond
	startRun(h.a, p, func() {})
	h.waitFor("in progress", func() bool {
		return h.a.run != nil && h.a.run.batchState.State == "in_progress"
	})
	if !strings.Contains(h.a.run.batch.Text, "Lote em andamento no provedor") {
		t.Errorf("state %q", h.a.run.batch.Text)
	}
	h.closeApp()

	srv.PollsToFinish = 0 // done at the next poll
	h2 := newHarnessIn(t, "en", dir, cfg)
	h2.a.batchPoll = time.Millisecond
	h2.a.show(screenHome)
	h2.waitFor("the batch run picked up and finished", func() bool { return h2.a.run != nil && h2.a.run.finished })
	if h2.a.run.state != advisor.RunDone {
		t.Fatalf("state %s (%s)", h2.a.run.state, h2.a.run.status.Text)
	}
	rs, err := h2.store().Results(t.Context(), h2.a.run.run.ID)
	if err != nil || len(rs) != 3 {
		t.Fatalf("%d results, %v", len(rs), err)
	}
	want := (100*2.0 + 20*8.0) / 1e6 / 2
	for _, r := range rs {
		if !r.Batch || !r.Passed || r.CostUSD < want-1e-12 || r.CostUSD > want+1e-12 {
			t.Errorf("case %d: batch %v passed %v cost %v", r.Case, r.Batch, r.Passed, r.CostUSD)
		}
	}
	if srv.Uploads != 1 || srv.Creates != 1 {
		t.Errorf("the second app sent again: %d uploads, %d batches", srv.Uploads, srv.Creates)
	}
	if !strings.Contains(h2.a.run.batch.Text, "Batch done") {
		t.Errorf("final state %q", h2.a.run.batch.Text)
	}
}
