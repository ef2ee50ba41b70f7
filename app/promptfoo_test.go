package app

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// "Import from promptfoo" in both languages: the dialog lists what was left
// out by name, and Use puts the config's models and examples on the screen.
func TestImportFromPromptfoo(t *testing.T) {
	for _, language := range []string{"en", "pt-BR"} {
		t.Run(language, func(t *testing.T) {
			h := newMemHarness(t, language)
			h.a.show(screenLiveTest)
			l := h.a.live
			l.importPromptfoo(filepath.Join("testdata", "promptfoo", "csv-translate", "promptfooconfig.yaml"))
			h.waitFor("the import dialog", func() bool { return l.promptfooUse != nil })
			notes := l.promptfooLeftOut()
			wants := []string{"not-contains", "javascript", "cannot be negated"}
			if language == "pt-BR" {
				wants = []string{"not-contains", "javascript", "não podem ser negadas", "sem equivalente aqui"}
			}
			for _, want := range wants {
				if !strings.Contains(notes, want) {
					t.Errorf("notes do not name %s: %q", want, notes)
				}
			}
			test.Tap(l.promptfooUse)
			h.settle()
			if len(h.a.setup.cases) != 7 || !strings.HasSuffix(h.a.setup.cases[0].Input, "Text: Good morning") {
				t.Fatalf("cases %+v", h.a.setup.cases)
			}
			if len(h.a.candidates) != 2 || h.a.candidates[0].Model != "llama3.2" || h.a.candidates[0].BaseURL != "http://localhost:11434/v1" {
				t.Errorf("candidates %+v", h.a.candidates)
			}
			if h.a.setup.judge != "llama3.2" || h.a.setup.embedding != "llama3.2" || h.a.setup.embedModel != "text-embedding-3-large" {
				t.Errorf("judge %q embedding %q %q", h.a.setup.judge, h.a.setup.embedding, h.a.setup.embedModel)
			}
			// The plan the screen builds carries the imported checks.
			p := h.a.live.plan()
			if p.Cases[5].Checks[0] != advisor.CheckJudge || p.Cases[5].Rubric == "" {
				t.Errorf("rubric case %+v", p.Cases[5])
			}
		})
	}
}
