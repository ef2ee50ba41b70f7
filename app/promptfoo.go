package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// "Import from promptfoo": a promptfoo config becomes this screen's
// candidates and examples; the dialog lists everything left out by name.

func (l *liveTestScreen) onImportPromptfoo() {
	l.a.pickFile("err.import_promptfoo", []string{".yaml", ".yml", ".json"}, l.importPromptfoo)
}

// importPromptfoo reads the config off the UI goroutine and shows what it
// holds and what was left out.
func (l *liveTestScreen) importPromptfoo(path string) {
	l.a.goWork(func(ctx context.Context) {
		im, err := workspace.ImportPromptfoo(path)
		l.a.ui(func() {
			if err != nil {
				l.a.showError(fail("err.import_promptfoo", err))
				return
			}
			l.showPromptfoo(im)
		})
	})
}

// showPromptfoo shows the import's summary and notes; Use replaces the
// candidates and examples with the config's.
func (l *liveTestScreen) showPromptfoo(im livetest.PromptfooImport) {
	p := im.Plan
	cases := flatCases(p)
	box := container.NewVBox(wrapped(lang.L("live.promptfoo.summary", map[string]any{"Endpoints": len(p.Endpoints), "Cases": len(cases)})))
	notes := im.NotesIn(l.a.langCode())
	if len(notes) > 0 {
		box.Add(widget.NewLabelWithStyle(lang.L("live.promptfoo.left_out", map[string]any{"N": len(notes)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, n := range notes {
			box.Add(wrapped("• " + n))
		}
	}
	use := widget.NewButtonWithIcon(lang.L("live.promptfoo.use"), theme.ConfirmIcon(), nil)
	use.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("btn.cancel"), nil)
	content := container.NewBorder(nil, container.NewHBox(spacer(), cancel, use), nil, nil, container.NewVScroll(box))
	d := dialog.NewCustomWithoutButtons(lang.L("live.promptfoo.title"), content, l.a.win)
	use.OnTapped = func() {
		l.applyPromptfoo(p)
		d.Hide()
	}
	cancel.OnTapped = d.Hide
	l.promptfooDlg, l.promptfooUse, l.promptfooNotes = d, use, notes
	d.Resize(fyne.NewSize(720, 520))
	d.Show()
}

// flatCases are the plan's cases, those of its case sets (one per promptfoo
// prompt) after the top-level ones; the plan's system prompt goes into each
// input, since this screen has none of its own.
func flatCases(p advisor.Plan) []advisor.Case {
	var out []advisor.Case
	for _, s := range p.Sets() {
		for _, c := range s.Cases {
			if p.System != "" {
				c.Input = p.System + "\n\n" + c.Input
			}
			out = append(out, c)
		}
	}
	return out
}

// applyPromptfoo puts an imported plan on the screen: its endpoints as the
// candidates, its cases as the examples, its judge and embedding model.
func (l *liveTestScreen) applyPromptfoo(p advisor.Plan) {
	l.a.candidates = append([]advisor.Endpoint(nil), p.Endpoints...)
	l.s.cases = flatCases(p)
	l.s.kind = advisor.CaseKindChat
	// Every imported case carries its own checks; one without any (only
	// asserts with no counterpart) passes on a complete answer, as in
	// promptfoo, instead of getting the screen's checks.
	l.s.checks = nil
	if p.Repeats > 0 {
		l.s.repeats = p.Repeats
	}
	l.s.judge, l.s.rubric, l.s.embedding = "", p.Rubric, ""
	same := func(a, b advisor.Endpoint) bool { return a.BaseURL == b.BaseURL && a.Kind == b.Kind }
	for _, ep := range p.Endpoints {
		if p.Judge != nil && l.s.judge == "" && same(ep, *p.Judge) && ep.Model == p.Judge.Model {
			l.s.judge = ep.Name
		}
		if p.Embedding != nil && l.s.embedding == "" && same(ep, *p.Embedding) {
			l.s.embedding, l.s.embedModel = ep.Name, p.Embedding.Model
		}
	}
	if p.Judge != nil && l.s.judge == "" {
		// The config's grader is not a candidate: it joins them, as the judge.
		l.a.candidates = append(l.a.candidates, *p.Judge)
		l.s.judge = p.Judge.Name
	}
	l.refreshCases() // saves the setup draft
	l.a.show(screenLiveTest)
}

// promptfooLeftOut is the notes text a test or a screenshot reads.
func (l *liveTestScreen) promptfooLeftOut() string { return strings.Join(l.promptfooNotes, "\n") }
