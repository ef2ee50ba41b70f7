package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// The few-shot examples of the live-test setup.

func (l *liveTestScreen) refreshExamples() {
	defer l.a.saveSetupDraft()
	l.fewShotList.Objects = nil
	if len(l.s.fewShot) == 0 {
		l.fewShotList.Add(hint(lang.L("live.fewshot.none")))
	}
	for i, ex := range l.s.fewShot {
		i := i
		text := widget.NewLabel(oneLine(ex.Input, 60) + "  →  " + oneLine(ex.Output, 60))
		text.Truncation = fyne.TextTruncateEllipsis
		remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
			l.s.fewShot = append(l.s.fewShot[:i:i], l.s.fewShot[i+1:]...)
			l.refreshExamples()
		})
		l.fewShotList.Add(container.NewBorder(nil, nil, nil, remove, text))
	}
	l.fewShotList.Refresh()
	l.relayout()
}

func (l *liveTestScreen) onAddExample() { l.editFewShot(advisor.Example{}, "") }

// editFewShot opens the worked-example editor on ex; problem, when set, says
// which field the last Save found empty (the editor reopens with everything
// typed, so nothing is lost).
func (l *liveTestScreen) editFewShot(ex advisor.Example, problem string) {
	input := newTextBox(3)
	input.SetText(ex.Input)
	output := newTextBox(3)
	output.SetText(ex.Output)
	var items []*widget.FormItem
	l.fewShotProblem = nil
	if problem != "" {
		p := wrapped(problem)
		p.Importance = widget.DangerImportance
		l.fewShotProblem = p
		items = append(items, widget.NewFormItem("", p))
	}
	items = append(items,
		widget.NewFormItem(lang.L("live.case.input"), input),
		widget.NewFormItem(lang.L("live.fewshot.output"), output))
	d := dialog.NewForm(lang.L("live.fewshot.title"), lang.L("btn.save"), lang.L("btn.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		typed := advisor.Example{Input: strings.TrimSpace(input.Text), Output: strings.TrimSpace(output.Text)}
		switch {
		case typed.Input == "":
			l.editFewShot(typed, lang.L("live.fewshot.need_input"))
			return
		case typed.Output == "":
			l.editFewShot(typed, lang.L("live.fewshot.need_output"))
			return
		}
		l.s.fewShot = append(l.s.fewShot, typed)
		l.refreshExamples()
	}, l.a.win)
	d.Resize(fyne.NewSize(640, 400))
	d.Show()
	if problem != "" && ex.Input != "" {
		l.a.win.Canvas().Focus(output)
		return
	}
	l.a.win.Canvas().Focus(input)
}
