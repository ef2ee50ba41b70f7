//go:build !race

package app

// Screen walks that only lay screens out and read what is drawn (texts,
// colours, sizes, the markup of the canvas), with no goroutine of their own.
// They run without the race detector, which made them 10 to 12 times slower
// and finds nothing in them: make test runs them in a step of their own
// (NORACE_APP in the Makefile; TestNoRaceTestsAreInMakeTest keeps that list
// and these files the same). They run on the in-memory workspace: none of
// them tests storage.

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/data"
)

// goldenRecommendation is a fixed recommendation, so the markup golden does
// not change when the rules do.
func goldenRecommendation() *advisor.Recommendation {
	return &advisor.Recommendation{
		Model:    advisor.ModelChoice{Type: advisor.TypeTextLLM, Architecture: advisor.ArchDecoderOnly, Weights: advisor.WeightsEither, Hosting: advisor.HostingManaged, SizeTier: advisor.TierMid},
		Strategy: advisor.Strategy{Primary: advisor.StepRAG, Plan: []string{advisor.StepPrompting, advisor.StepRAG}},
		Also:     []string{advisor.TypeEmbedding},
		Steps: []advisor.PlanStep{
			{Step: advisor.StepPrompting, Detail: "Clear instructions and 3-5 examples.", Gate: "when answers need your documents"},
			{Step: advisor.StepRAG, Detail: "Index the wiki and cite passages."},
		},
		Shortlist:       []advisor.Shortlisted{{ID: "model-a", Name: "Model A", MonthlyCostUSD: 42.5, Why: "cheapest that fits"}, {ID: "model-b", Name: "Model B", MonthlyCostUSD: 120, Why: "EU region"}},
		Fired:           []advisor.Fired{{ID: "S4", Title: "Facts that change", Because: "Your knowledge changes weekly.", Source: "https://example.com/rag", Strength: "strong"}},
		Warnings:        []string{"Model B retires next year."},
		Conflicts:       []advisor.Conflict{{ID: "C1", Between: []string{"residency", "deployment"}, Relaxation: "Allow your own cloud tenant.", Relax: map[string]string{"deployment": "own_cloud_tenant"}}},
		Assumptions:     []string{"We assumed personal data."},
		CostAssumptions: "30,000 requests a month, 1,500 tokens in, 300 out.",
	}
}

var update = flag.Bool("update", false, "rewrite the markup goldens in testdata/")

// assertMarkup compares the canvas with testdata/name. With -update it
// rewrites the golden (that run reports each rewritten file as a failure).
func assertMarkup(t *testing.T, name string, c fyne.Canvas) {
	t.Helper()
	if *update {
		os.Remove(filepath.Join("testdata", name))
		test.AssertRendersToMarkup(t, name, c) // writes testdata/failed/name
		if err := os.Rename(filepath.Join("testdata", "failed", name), filepath.Join("testdata", name)); err != nil {
			t.Fatal(err)
		}
		os.Remove(filepath.Join("testdata", "failed"))
		return
	}
	test.AssertRendersToMarkup(t, name, c)
}

func TestMarkupGoldens(t *testing.T) {
	t.Run("home", func(t *testing.T) {
		h := newMemHarness(t, "en")
		h.a.show(screenHome)
		h.settle()
		assertMarkup(t, "home.xml", h.a.win.Canvas())
	})
	t.Run("wizard", func(t *testing.T) {
		h := newMemHarness(t, "en")
		h.newDecision()
		h.settle()
		assertMarkup(t, "wizard.xml", h.a.win.Canvas())
	})
	t.Run("recommendation", func(t *testing.T) {
		h := newMemHarness(t, "en")
		d := &data.Decision{Title: "Support bot", Answers: advisor.Answers{UseCase: "Answer support questions", Task: []string{"chat_qa"}, Residency: "eu", Deployment: "offline"}, Recommendation: goldenRecommendation(), Status: "final"}
		h.a.openDecision(d)
		h.settle()
		assertMarkup(t, "recommendation.xml", h.a.win.Canvas())
	})
	t.Run("livetest", func(t *testing.T) {
		h := newMemHarness(t, "en")
		h.a.show(screenLiveTest)
		h.settle()
		assertMarkup(t, "livetest.xml", h.a.win.Canvas())
	})
}

// overflows lists the vertical scrolls whose content is wider than the
// scroll itself: that content is cut off on the right.
func overflows(o fyne.CanvasObject, path string, out *[]string) {
	if !o.Visible() {
		return
	}
	if s, ok := o.(*container.Scroll); ok && s.Direction == container.ScrollVerticalOnly {
		if w, vw := s.Content.MinSize().Width, s.Size().Width; w > vw+1 {
			*out = append(*out, fmt.Sprintf("%s: content %.0f wide in a %.0f scroll", path, w, vw))
		}
	}
	var kids []fyne.CanvasObject
	switch x := o.(type) {
	case *fyne.Container:
		kids = x.Objects
	case fyne.Widget:
		if r := test.WidgetRenderer(x); r != nil {
			kids = r.Objects()
		}
	}
	for i, k := range kids {
		overflows(k, fmt.Sprintf("%s/%d:%T", path, i, k), out)
	}
}

// TestNothingCutOffAtMinimumSize opens every screen in both languages in the
// smallest window and checks no scrolled page is wider than its scroll.
func TestNothingCutOffAtMinimumSize(t *testing.T) {
	for _, lng := range []string{"en", "pt-BR"} {
		t.Run(lng, func(t *testing.T) {
			h := newMemHarness(t, lng)
			story, answers := scenario(t, "k1-eu-support-bot.json")
			h.newDecision()
			h.answerWizard(story, answers)
			h.waitFor("recommendation", func() bool { return h.a.current == screenRecommendation && h.a.rec != nil && h.a.rec.rec != nil })
			h.a.detect = func(context.Context) []localServer {
				return []localServer{{Name: "Ollama", BaseURL: "http://127.0.0.1:11434/v1", Models: []string{"llama3.2", "qwen2.5:7b", "mistral"}}}
			}
			for _, name := range []string{screenHome, screenWizard, screenRecommendation, screenLiveTest, screenResults, screenCatalog, screenSettings} {
				h.a.show(name)
				if name == screenCatalog && len(h.a.catalog.models) > 0 {
					h.a.catalog.list.Select(0)
				}
				h.settle()
				h.a.win.Resize(minWindow)
				if m := h.a.win.Content().MinSize(); m.Width > minWindow.Width || m.Height > minWindow.Height {
					t.Errorf("%s needs %v, more than the minimum window %v", name, m, minWindow)
				}
				var bad []string
				overflows(h.a.win.Content(), name, &bad)
				for _, b := range bad {
					t.Errorf("%s", b)
				}
				if name == screenWizard {
					for step := range advisor.Groups {
						h.a.wizard.showStep(step)
						bad = nil
						overflows(h.a.win.Content(), fmt.Sprintf("wizard step %d", step+1), &bad)
						for _, b := range bad {
							t.Errorf("%s", b)
						}
					}
				}
			}
		})
	}
}

// Secondary text (a decision's status and date, a rule's strength, counts)
// stays readable: a LowImportance label is drawn in the disabled colour,
// which is nearly invisible on both themes.
func TestNoFaintLabels(t *testing.T) {
	h := newMemHarness(t, "en")
	story, answers := scenario(t, "k1-eu-support-bot.json")
	h.newDecision()
	h.answerWizard(story, answers)
	h.waitFor("recommendation", func() bool { return h.a.current == screenRecommendation && h.a.rec != nil && h.a.rec.rec != nil })
	for _, name := range []string{screenRecommendation, screenHome, screenCatalog, screenSettings} {
		h.a.show(name)
		h.settle()
		for _, o := range test.LaidOutObjects(h.a.win.Content()) {
			if l, ok := o.(*widget.Label); ok && l.Importance == widget.LowImportance && l.Visible() && l.Text != "" {
				t.Errorf("%s: %q is drawn in the faint disabled colour", name, l.Text)
			}
		}
	}
}
