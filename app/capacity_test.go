package app

import (
	"context"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// TestCapacityScreen: "Can it carry my traffic?" runs a sweep against a
// server that serves 4 requests at a time at 100 ms (40 a second), shows
// the verdict against the user's peak and stores the test. With
// LLM_ADVISOR_SCREENSHOTS set it writes the screen in both languages.
func TestCapacityScreen(t *testing.T) {
	dir := os.Getenv("LLM_ADVISOR_SCREENSHOTS")
	sem := make(chan struct{}, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		sem <- struct{}{}
		defer func() { <-sem }()
		time.Sleep(100 * time.Millisecond)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"four\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	}))
	defer srv.Close()
	for _, lng := range []string{"en", "pt-BR"} {
		t.Run(lng, func(t *testing.T) {
			h := newHarness(t, lng)
			h.a.win.Resize(fyne.NewSize(1280, 800))
			h.a.capacityPlan = advisor.Plan{Name: "capacity", Endpoints: []advisor.Endpoint{{Name: "local", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "tiny"}},
				Cases: []advisor.Case{{Input: "2+2?"}, {Input: "3+1?"}}}
			h.a.show(screenCapacity)
			c := h.a.capacity
			c.targetMs.SetText("300")
			c.volume.SetText("432000")
			c.stepReq.SetText("12")
			c.stepSec.SetText("0,6")
			test.Tap(c.start)
			h.waitFor("sweep", func() bool { return !c.start.Disabled() })
			h.settle()
			v := c.verdict.Text
			if !strings.Contains(v, "15") || c.chart.Objects == nil || c.steps.Text == "" {
				t.Errorf("verdict %q, chart %v, steps %q: want the peak of 15 a second, a chart and the steps", v, c.chart.Objects != nil, c.steps.Text)
			}
			tests, err := h.store().LoadTests(context.Background(), 0)
			if err != nil || len(tests) != 1 || tests[0].Status != advisor.RunDone {
				t.Errorf("stored tests %+v %v", tests, err)
			}
			if dir != "" {
				// Fyne 2.7's software painter (test.Canvas.Capture) crashes on
				// this raster chart; the chart is checked above, and left
				// out of the capture.
				c.chart.Hide()
				c.view.Refresh()
				h.settle()
				shotCapacity(t, h, filepath.Join(dir, "capacity."+lng+".png"))
			}
		})
	}
}

// shotCapacity writes the window as a PNG.
func shotCapacity(t *testing.T, h *harness, path string) {
	t.Helper()
	img := h.a.win.Canvas().Capture()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	png.Encode(f, img)
}
