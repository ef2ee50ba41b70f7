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

func (l *liveTestScreen) onAddExample() {
	input := newTextBox(3)
	output := newTextBox(3)
	d := dialog.NewForm(lang.L("live.fewshot.title"), lang.L("btn.save"), lang.L("btn.cancel"), []*widget.FormItem{
		widget.NewFormItem(lang.L("live.case.input"), input),
		widget.NewFormItem(lang.L("live.fewshot.output"), output),
	}, func(ok bool) {
		if !ok || strings.TrimSpace(input.Text) == "" {
			return
		}
		l.s.fewShot = append(l.s.fewShot, advisor.Example{Input: strings.TrimSpace(input.Text), Output: strings.TrimSpace(output.Text)})
		l.refreshExamples()
	}, l.a.win)
	d.Resize(fyne.NewSize(640, 400))
	d.Show()
	l.a.win.Canvas().Focus(input)
}
