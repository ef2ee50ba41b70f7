//go:build screenshots

package app

import (
	"fmt"
	"image/png"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest/batchfake"
)

// TestBatchScreenshots writes the promptfoo import dialog, the Batch API
// offer and a batch run in progress, in English and Portuguese, into
// LLM_ADVISOR_SCREENSHOTS (only checks the captures without it).
func TestBatchScreenshots(t *testing.T) {
	dir := os.Getenv("LLM_ADVISOR_SCREENSHOTS")
	for _, lng := range []string{"en", "pt-BR"} {
		t.Run(lng, func(t *testing.T) {
			t.Setenv("BATCH_TEST_API_KEY", "k")
			h := newHarness(t, lng)
			h.a.win.Resize(fyne.NewSize(1280, 800))
			shot := func(name string) {
				t.Helper()
				if h.a.run == nil || h.a.run.finished {
					h.settle() // a batch run polls on: its screen is taken as it is
				} else {
					h.a.win.Resize(fyne.NewSize(1280, 801)) // lay the changed labels out, as a frame of the real window does
					h.a.win.Resize(fyne.NewSize(1280, 800))
				}
				img := h.a.win.Canvas().Capture()
				if b := img.Bounds(); b.Dx() < 1000 {
					t.Errorf("%s: capture %dx%d", name, b.Dx(), b.Dy())
				}
				if dir == "" {
					return
				}
				os.MkdirAll(dir, 0o755)
				f, err := os.Create(filepath.Join(dir, name+"."+lng+".png"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				png.Encode(f, img)
			}
			h.a.show(screenLiveTest)
			l := h.a.live
			l.importPromptfoo(filepath.Join("testdata", "promptfoo", "csv-translate", "promptfooconfig.yaml"))
			h.waitFor("dialog", func() bool { return l.promptfooUse != nil })
			shot("promptfoo-import")
			l.promptfooDlg.Hide()

			in, out := 2.5, 10.0
			h.a.candidates = []advisor.Endpoint{
				{Name: "gpt-4o-mini", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:1/v1", Model: "gpt-4o-mini", PriceInPer1M: &in, PriceOutPer1M: &out},
				{Name: "gpt-4o", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:1/v1", Model: "gpt-4o", PriceInPer1M: &in, PriceOutPer1M: &out}}
			h.a.setup.cases = nil
			h.a.setup.acceptance = nil
			h.a.setup.strategies = []string{advisor.StrategyZeroShot}
			for i := range 2500 {
				h.a.setup.cases = append(h.a.setup.cases, advisor.Case{Input: fmt.Sprintf("Classify ticket %d: my parcel has not arrived", i), Expected: "shipping"})
			}
			h.a.show(screenLiveTest)
			l = h.a.live
			l.updateEstimate()
			l.scroll.ScrollToBottom()
			shot("batch-offer")

			srv := batchfake.New()
			srv.PollsToFinish = 1 << 30
			ts := httptest.NewServer(srv)
			defer ts.Close()
			p := advisor.Plan{Name: "support tickets (batch)", Batch: true, Strategies: []string{advisor.StrategyZeroShot},
				Endpoints: []advisor.Endpoint{{Name: "gpt-4o-mini", Kind: advisor.KindCompatible, BaseURL: ts.URL + "/v1", Model: "gpt-4o-mini",
					APIKeyEnv: "BATCH_TEST_API_KEY", PriceInPer1M: &in, PriceOutPer1M: &out}}}
			for i := range 5000 {
				p.Cases = append(p.Cases, advisor.Case{Input: fmt.Sprintf("Classify ticket %d", i), Expected: "shipping"})
			}
			h.a.batchPoll = 50 * time.Millisecond
			startRun(h.a, p, func() {})
			h.waitFor("in progress", func() bool { return h.a.run != nil && h.a.run.batchState.State == "in_progress" })
			h.waitFor("redrawn", func() bool { return !h.a.run.pending })
			shot("batch-run")
			h.a.run.onCancel()
			h.waitFor("cancelled", func() bool { return h.a.run.finished })
		})
	}
}
