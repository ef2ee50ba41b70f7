package app

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/internal/safefile"
)

// The examples (cases) part of the live-test setup: the list, the editor
// and importing a cases file with a preview of its good and bad rows.

// caseKinds are the kinds of test, in the order the setup offers them.
var caseKinds = []string{advisor.CaseKindChat, advisor.CaseKindEmbedding, advisor.CaseKindTranscription, advisor.CaseKindImage}

// kindFor is the kind of test that fits a recommended model type.
func kindFor(modelType string) string {
	switch modelType {
	case advisor.TypeSpeechToText:
		return advisor.CaseKindTranscription
	case advisor.TypeImageGeneration:
		return advisor.CaseKindImage
	case advisor.TypeEmbedding:
		return advisor.CaseKindEmbedding
	}
	return advisor.CaseKindChat
}

func caseKindLabel(k string) string { return labelOr("casekind."+k, k) }

// importPreview is a parsed cases file: the good rows and the bad ones.
type importPreview struct {
	file  string
	cases []advisor.Case
	bad   []caseProblem
	table *caseTable // CSV, TSV and XLSX: the rows, so the columns can be mapped again
}

// remap builds the cases and bad rows again from the table's column mapping.
func (p *importPreview) remap(kind string) {
	if p.table == nil {
		return
	}
	p.cases, p.bad = p.table.cases(kind)
	if need := p.table.missing(kind); need != "" {
		p.cases = nil
	}
}

// caseText is one case in a line, as its kind shows it.
func caseText(kind string, i int, c advisor.Case) string {
	txt := fmt.Sprintf("%d. ", i+1)
	switch kind {
	case advisor.CaseKindTranscription:
		return txt + filepath.Base(c.Audio) + "  →  " + oneLine(c.Expected, 70)
	case advisor.CaseKindEmbedding:
		return txt + oneLine(c.Input, 80) + "  →  " + strings.Join(c.Relevant, ", ")
	case advisor.CaseKindImage:
		return txt + oneLine(c.Input, 120)
	}
	txt += oneLine(c.Input, 80)
	if c.Image != "" {
		txt += " [" + filepath.Base(c.Image) + "]"
	}
	if c.Expected != "" {
		txt += "  →  " + oneLine(c.Expected, 50)
	}
	if len(c.Checks) > 0 {
		names := make([]string, len(c.Checks))
		for i, ch := range c.Checks {
			names[i] = labelOr("check."+ch, ch) // in the user's words, not the file's
		}
		txt += "  [" + strings.Join(names, ", ") + "]"
	}
	return txt
}

func (l *liveTestScreen) createCaseRow() fyne.CanvasObject {
	text := widget.NewLabel("")
	text.Truncation = fyne.TextTruncateEllipsis
	edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), nil)
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), nil)
	return container.NewBorder(nil, nil, nil, container.NewHBox(edit, remove), text)
}

func (l *liveTestScreen) updateCaseRow(i widget.ListItemID, o fyne.CanvasObject) {
	c := l.s.cases[i]
	row := o.(*fyne.Container)
	row.Objects[0].(*widget.Label).SetText(caseText(l.s.kind, i, c))
	btns := row.Objects[1].(*fyne.Container).Objects
	btns[0].(*widget.Button).OnTapped = func() { l.editCase(i) }
	btns[1].(*widget.Button).OnTapped = func() { l.removeCase(i) }
}

// oneLine shortens s to n runes on one line, never cutting a character.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func (l *liveTestScreen) refreshCases() {
	defer l.a.saveSetupDraft()
	l.casesCount.SetText(countText("live.cases.count", len(l.s.cases)))
	l.caseList.Refresh()
}

func (l *liveTestScreen) removeCase(i int) {
	if i < 0 || i >= len(l.s.cases) {
		return
	}
	l.s.cases = append(l.s.cases[:i:i], l.s.cases[i+1:]...)
	l.refreshCases()
}

// addCases appends cases and refreshes the list.
func (l *liveTestScreen) addCases(cs ...advisor.Case) {
	l.s.cases = append(l.s.cases, cs...)
	l.refreshCases()
}

// editCase opens the case editor (i < 0 adds a case).
func (l *liveTestScreen) editCase(i int) {
	var c advisor.Case
	if i >= 0 {
		c = l.s.cases[i]
	}
	l.editCaseWith(i, c, "")
}

// editCaseWith opens the example editor on c; problem, when set, says why
// the last Save was refused (the editor reopens with everything typed).
func (l *liveTestScreen) editCaseWith(i int, c advisor.Case, problem string) {
	input := newLongText(3, l.a)
	input.SetText(c.Input)
	l.caseInput = input
	expected := newTextBox(2)
	expected.SetText(c.Expected)
	checks := newCheckGrid(allChecks, checkLabel, 1, nil)
	checks.SetSelected(c.Checks)
	pattern := widget.NewEntry()
	pattern.SetText(c.Pattern)
	file := widget.NewEntry() // image (chat) or audio (transcription)
	relevant := widget.NewEntry()
	relevant.SetText(strings.Join(c.Relevant, ", "))
	relevant.SetPlaceHolder("faq.md, pricing.md")
	kind := l.s.kind
	var items []*widget.FormItem
	if problem != "" {
		p := wrapped(problem)
		p.Importance = widget.DangerImportance
		l.caseProblem = p
		items = append(items, widget.NewFormItem("", p))
	}
	add := func(key string, obj fyne.CanvasObject, hintKey string) {
		it := widget.NewFormItem(lang.L(key), obj)
		if hintKey != "" {
			it.HintText = lang.L(hintKey)
		}
		items = append(items, it)
	}
	switch kind {
	case advisor.CaseKindTranscription:
		file.SetText(c.Audio)
		file.SetPlaceHolder(lang.L("live.case.audio_placeholder"))
		add("live.case.audio", file, "live.case.audio_hint")
		add("live.case.transcript", expected, "")
	case advisor.CaseKindEmbedding:
		add("live.case.query", input.view, "")
		add("live.case.relevant", relevant, "live.case.relevant_hint")
	case advisor.CaseKindImage:
		add("live.case.prompt", input.view, "")
	default:
		file.SetText(c.Image)
		file.SetPlaceHolder(lang.L("live.case.image_placeholder"))
		add("live.case.input", input.view, "")
		add("live.case.expected", expected, "")
		add("live.checks", checks.box, "live.case.checks_hint")
		add("live.case.pattern", pattern, "live.case.pattern_hint")
		add("live.case.image", file, "live.case.image_hint")
	}
	d := dialog.NewForm(lang.L("live.case.title"), lang.L("btn.save"), lang.L("btn.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		nc := advisor.Case{Input: strings.TrimSpace(input.Text()), Expected: strings.TrimSpace(expected.Text)}
		switch kind {
		case advisor.CaseKindTranscription:
			nc.Input, nc.Audio = "", strings.TrimSpace(file.Text)
		case advisor.CaseKindEmbedding:
			nc.Expected, nc.Relevant = "", splitList(relevant.Text)
		case advisor.CaseKindImage:
			nc.Expected = ""
		default:
			nc.Checks, nc.Pattern, nc.Image = checks.Selected(), strings.TrimSpace(pattern.Text), strings.TrimSpace(file.Text)
		}
		if p, bad := caseProblemOf(kind, nc, 0); bad {
			// Reopen with what was typed and the reason: nothing is lost.
			l.editCaseWith(i, nc, p.Reason())
			return
		}
		if i >= 0 && i < len(l.s.cases) {
			l.s.cases[i] = nc
			l.refreshCases()
		} else {
			l.addCases(nc)
		}
	}, l.a.win)
	d.Resize(fyne.NewSize(720, 520))
	d.Show()
	// The first field takes the keys at once, as in any form.
	switch kind {
	case advisor.CaseKindTranscription:
		l.a.win.Canvas().Focus(file)
	default:
		l.a.win.Canvas().Focus(input.box)
	}
}

func (l *liveTestScreen) onImport() {
	l.a.pickFile("err.import_cases", []string{".csv", ".tsv", ".txt", ".xlsx", ".jsonl", ".ndjson"}, l.importFile)
}

// importFile parses a cases file off the UI goroutine and shows a preview.
func (l *liveTestScreen) importFile(path string) {
	kind := l.s.kind
	l.a.goWork(func(ctx context.Context) {
		// Only a regular file: a named pipe chosen by mistake would hang.
		f, err := safefile.Open(path)
		var p *importPreview
		if err == nil {
			p, err = importCases(kind, path, f)
			f.Close()
		}
		l.a.ui(func() {
			if err != nil {
				l.a.showError(fail("err.import_cases", err))
				return
			}
			l.showPreview(p)
		})
	})
}

// showPreview lists the first good rows and every bad row with its reason;
// "Add" keeps the good rows.
func (l *liveTestScreen) showPreview(p *importPreview) {
	l.preview = p
	box := container.NewVBox()
	l.previewBox = box
	l.fillPreview(p)
	l.previewAdd = widget.NewButtonWithIcon(lang.L("live.import.add", map[string]any{"N": len(p.cases)}), theme.ConfirmIcon(), nil)
	l.previewAdd.Importance = widget.HighImportance
	if len(p.cases) == 0 {
		l.previewAdd.Disable()
	}
	var top fyne.CanvasObject = container.NewVBox()
	if p.table != nil {
		top = l.columnMapper(p)
	}
	cancel := widget.NewButton(lang.L("btn.cancel"), nil)
	content := container.NewBorder(top, container.NewHBox(spacer(), cancel, l.previewAdd), nil, nil, container.NewVScroll(box))
	d := dialog.NewCustomWithoutButtons(lang.L("live.import.title"), content, l.a.win)
	l.previewAdd.OnTapped = func() {
		l.addCases(p.cases...)
		l.preview = nil
		d.Hide()
	}
	cancel.OnTapped = func() { l.preview = nil; d.Hide() }
	l.previewDlg = d
	d.Resize(fyne.NewSize(760, 560))
	d.Show()
}

// columnMapper shows, for each field a case may have, which column of the
// file feeds it (found from the headers, Portuguese ones included), and
// lets the user change it; the preview below follows at once.
func (l *liveTestScreen) columnMapper(p *importPreview) fyne.CanvasObject {
	t := p.table
	none := lang.L("live.import.col_none")
	opts := append([]string{none}, t.header...)
	grid := container.NewGridWithColumns(4)
	l.previewCols = map[string]*widget.Select{}
	for _, f := range caseFields {
		if !fieldFor(l.s.kind, f) {
			continue
		}
		f := f
		sel := newSelect(opts, nil)
		sel.SetSelectedIndex(0)
		if i, ok := t.mapping[f]; ok && i >= 0 && i < len(t.header) {
			sel.SetSelectedIndex(i + 1)
		}
		sel.OnChanged = func(string) {
			if i := sel.SelectedIndex(); i > 0 {
				t.mapping[f] = i - 1
			} else {
				delete(t.mapping, f)
			}
			p.remap(l.s.kind)
			l.fillPreview(p)
			l.previewAdd.SetText(lang.L("live.import.add", map[string]any{"N": len(p.cases)}))
			if len(p.cases) == 0 {
				l.previewAdd.Disable()
			} else {
				l.previewAdd.Enable()
			}
		}
		l.previewCols[f] = sel
		grid.Add(widget.NewLabel(lang.L("live.import.field", map[string]any{"Field": labelOr("live.import.name."+f, f)})))
		grid.Add(sel)
	}
	return container.NewVBox(wrapped(lang.L("live.import.columns", map[string]any{"Names": fileNames("live.import.name.", caseFields)})), grid, widget.NewSeparator())
}

// fieldFor reports whether a field matters for a kind of case.
func fieldFor(kind, f string) bool {
	switch f {
	case "audio":
		return kind == advisor.CaseKindTranscription
	case "relevant":
		return kind == advisor.CaseKindEmbedding
	case "image":
		return kind == advisor.CaseKindChat || kind == ""
	case "input":
		return kind != advisor.CaseKindTranscription
	}
	return true
}

// fillPreview writes what the file holds under the current mapping: the
// notes on how it was read, the first good rows and every bad row.
func (l *liveTestScreen) fillPreview(p *importPreview) {
	box := l.previewBox
	box.RemoveAll()
	if p.table != nil {
		for _, n := range p.table.notes {
			box.Add(hint(n.Reason()))
		}
		if need := p.table.missing(l.s.kind); need != "" {
			m := wrapped(lang.L("live.import.need", map[string]any{"Need": need}))
			m.Importance = widget.DangerImportance
			box.Add(m)
		}
	}
	box.Add(widget.NewLabelWithStyle(lang.L("live.import.good", map[string]any{"N": len(p.cases)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for i, c := range p.cases {
		if i == 5 {
			box.Add(hint(lang.L("live.import.more", map[string]any{"N": len(p.cases) - 5})))
			break
		}
		box.Add(widget.NewLabel(caseText(l.s.kind, i, c)))
	}
	if len(p.bad) > 0 {
		h := widget.NewLabelWithStyle(badRowsLabel(len(p.bad)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		h.Importance = widget.DangerImportance
		box.Add(h)
		for _, b := range p.bad {
			text := lang.L("live.import.line", map[string]any{"Line": b.Line, "Reason": b.Reason()})
			if b.Line == 0 {
				text = b.Reason()
			}
			lb := wrapped(text)
			lb.Importance = widget.WarningImportance
			box.Add(lb)
		}
	}
	box.Refresh()
}

// badRowsLabel is the heading over the rows an import left out, "1 row"
// apart from "2 rows".
func badRowsLabel(n int) string {
	if n == 1 {
		return lang.L("live.import.bad.one")
	}
	return lang.L("live.import.bad", map[string]any{"N": n})
}
