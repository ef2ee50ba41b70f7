//go:build screenshots

package app

// The screenshot walks write the PNGs of docs/screenshots; they are opt-in
// (the screens themselves are checked by the ordinary tests, e.g.
// TestNothingCutOffAtMinimumSize, TestMarkupGoldens and the walkthroughs):
//
//	make screenshots
//
// or by hand: LLM_ADVISOR_SCREENSHOTS=$PWD/docs/screenshots go test -tags sqlite_fts5,screenshots -run Screenshots ./app

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// TestScreenshots writes a PNG of every screen into the folder named by
// LLM_ADVISOR_SCREENSHOTS (docs/screenshots in the repository), in English
// and Portuguese. Without the variable it only checks each capture is not blank.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("LLM_ADVISOR_SCREENSHOTS")
	for _, lng := range []string{"en", "pt-BR"} {
		t.Run(lng, func(t *testing.T) {
			h := newHarness(t, lng)
			srv := openAIServer(t)
			h.a.detect = func(ctx context.Context) []localServer {
				return []localServer{{Name: "Ollama", BaseURL: srv.URL + "/v1", Models: []string{"llama3.2", "qwen2.5:7b"}}}
			}
			shot := func(name string) {
				t.Helper()
				h.settle()
				img := h.a.win.Canvas().Capture()
				b := img.Bounds()
				if b.Dx() < 1000 || b.Dy() < 680 {
					t.Errorf("%s: capture is %dx%d", name, b.Dx(), b.Dy())
				}
				if dir == "" {
					return
				}
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				f, err := os.Create(filepath.Join(dir, name+"."+lng+".png"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if err := png.Encode(f, img); err != nil {
					t.Fatal(err)
				}
			}
			h.a.win.Resize(fyne.NewSize(1280, 800))
			h.a.show(screenHome)
			shot("home-first-run")

			story, answers := scenario(t, "k1-eu-support-bot.json")
			h.newDecision()
			test.Type(h.a.wizard.useCase, story)
			h.a.wizard.selects["task"].SetSelected(valueLabel("task", "chat_qa"))
			shot("wizard-step1")
			h.a.show(screenWizard)
			h.answerWizard(story, answers)
			h.waitFor("recommendation", func() bool { return h.a.current == screenRecommendation && h.a.rec != nil && h.a.rec.rec != nil })
			shot("recommendation")
			if lng == "en" {
				applyTheme(h.fa, "light")
				shot("recommendation-light")
				applyTheme(h.fa, "")
			}
			h.a.rec.scroll.ScrollToOffset(fyne.NewPos(0, h.a.rec.listCard.Position().Y))
			shot("recommendation-shortlist")
			h.a.rec.scroll.ScrollToBottom()
			shot("recommendation-why")

			h.a.show(screenWizard)
			h.a.wizard.showStep(3)
			shot("wizard-step4")

			h.a.show(screenCatalog)
			if len(h.a.catalog.models) > 0 {
				h.a.catalog.list.Select(0)
			}
			shot("catalog")

			h.a.show(screenSettings)
			shot("settings")

			h.a.candidates = []advisor.Endpoint{{Name: "local-llama", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "llama3.2"}}
			h.a.show(screenLiveTest)
			l := h.a.live
			for i := 0; i < 12; i++ {
				l.addCases(advisor.Case{Input: fmt.Sprintf("How do I reset my password on device %d?", i+1), Expected: "Settings"})
			}
			l.strategies.SetSelected([]string{advisor.StrategyZeroShot})
			shot("livetest-setup")
			l.scroll.ScrollToBottom()
			shot("livetest-how")
			l.editEndpoint(0)
			shot("endpoint-editor")
			l.editor.dialog.Hide()
			csvPath := filepath.Join(t.TempDir(), "examples.csv")
			os.WriteFile(csvPath, []byte("input,expected,checks\nHow do I reset my password?,Settings,contains\nWhere is my invoice?,Billing,contains\n,no input,contains\nIs it GDPR compliant?,yes,mindreading\n"), 0o600)
			l.importFile(csvPath)
			h.waitFor("preview", func() bool { return l.preview != nil })
			shot("import-preview")
			l.previewDlg.Hide()
			l.preview = nil
			test.Tap(l.start)
			h.waitFor("run finished", func() bool { return h.a.run != nil && h.a.run.finished })
			shot("run")
			test.Tap(h.a.run.results)
			h.waitFor("results", func() bool { return h.a.results != nil && h.a.results.loaded })
			shot("results-verdict")
			// By title: the tabs' order changes as tabs are added.
			for _, tab := range []struct{ key, name string }{
				{"results.tab.charts", "results-charts"}, {"results.tab.side", "results-side-by-side"},
				{"results.tab.summary", "results-summary"}, {"results.tab.people", "results-people"},
			} {
				for i, it := range h.a.results.tabs.Items {
					if it.Text == lang.L(tab.key) {
						h.a.results.tabs.SelectIndex(i)
					}
				}
				shot(tab.name)
			}
			h.a.show(screenHome)
			h.waitFor("decisions", func() bool { return h.a.home.loaded })
			shot("home")
		})
	}
}

// TestConnectScreenshots writes the connect flow's screens into the folder
// LLM_ADVISOR_SCREENSHOTS names (docs/screenshots), in both languages;
// without it, it checks the captures are not blank.
func TestConnectScreenshots(t *testing.T) {
	dir := os.Getenv("LLM_ADVISOR_SCREENSHOTS")
	for _, lng := range []string{"en", "pt-BR"} {
		t.Run(lng, func(t *testing.T) {
			noKeyring(t)
			h := newHarness(t, lng)
			h.a.win.Resize(fyne.NewSize(1280, 800))
			shot := func(name string) {
				t.Helper()
				h.settle()
				img := h.a.win.Canvas().Capture()
				if b := img.Bounds(); b.Dx() < 1000 {
					t.Errorf("%s: capture %v", name, b)
				}
				if dir == "" {
					return
				}
				f, err := os.Create(filepath.Join(dir, name+"."+lng+".png"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				png.Encode(f, img)
			}
			story, answers := scenario(t, "k1-eu-support-bot.json")
			h.newDecision()
			h.answerWizard(story, answers)
			h.waitFor("recommendation", func() bool { return h.a.rec != nil && h.a.rec.rec != nil })
			test.Tap(h.a.rec.testThis)
			l := h.a.live
			shot("connect-needs")
			test.Tap(l.start)
			shot("connect-start-blocked")
			test.Tap(l.connectRow[0])
			d := h.a.connect
			test.Type(d.key, "wrong")
			fake := newFakeProvider(t, "right")
			pointProvider(h, d.selected(), fake.srv.URL+"/v1")
			test.Tap(d.check)
			h.waitFor("check", func() bool { return !d.check.Disabled() })
			shot("connect")
			d.onCancel()
		})
	}
}
