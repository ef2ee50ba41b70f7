package app

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/data"
)

// endpointKinds are the kinds of endpoint, in the order the editors offer them.
var endpointKinds = []string{advisor.KindOpenAI, advisor.KindAzure, advisor.KindCompatible}

func kindLabel(k string) string { return labelOr("kind."+k, k) }

// newKindSelect offers the endpoint kinds by their plain names.
func newKindSelect(changed func(kind string)) *widget.Select {
	var s *widget.Select
	s = widget.NewSelect(labelsOf(endpointKinds, kindLabel), func(string) {
		if changed != nil {
			changed(selectedKind(s))
		}
	})
	return s
}

func selectedKind(s *widget.Select) string {
	if i := s.SelectedIndex(); i >= 0 && i < len(endpointKinds) {
		return endpointKinds[i]
	}
	return ""
}

func setKind(s *widget.Select, kind string) { s.SetSelectedIndex(indexOf(endpointKinds, kind)) }

func labelsOf(values []string, label func(string) string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = label(v)
	}
	return out
}

// localServer is a detected OpenAI-compatible server on this machine.
type localServer = livetest.LocalServer

func detectLocal(ctx context.Context) []localServer { return livetest.Detect(ctx) }

// testSetup is what the live-test screen edits; it survives leaving the screen.
type testSetup struct {
	cases       []advisor.Case
	fewShot     []advisor.Example
	documents   string
	strategies  []string
	checks      []string
	concurrency int
	repeats     int
	judge       string // candidate name of the judge endpoint ("" = none)
	rubric      string
	embedding   string // candidate name serving embeddings ("" = none)
	embedModel  string
	kind        string // what the cases test: chat, embedding, transcription or image
	language    string // transcription: ISO-639-1 hint
	imageSize   string // image: WIDTHxHEIGHT
}

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

// liveTestScreen sets up a live test: candidates, examples, documents,
// strategies and checks; Start creates the run and opens the run screen.
type liveTestScreen struct {
	a    *App
	view fyne.CanvasObject
	s    *testSetup

	candidates  *fyne.Container
	detected    *fyne.Container
	detectBtn   *widget.Button
	caseList    *widget.List
	casesCount  *widget.Label
	fewShotList *fyne.Container
	documents   *widget.Entry
	strategies  *checkGrid
	checks      *checkGrid
	detectedAdd []*widget.Button // one per detected model
	kind        *widget.Select
	language    *widget.Entry
	imageSize   *widget.Entry
	judge       *widget.Select
	rubric      *textBox
	embedding   *widget.Select
	embedModel  *widget.Entry
	scroll      *container.Scroll
	concurrency *widget.Entry
	repeats     *widget.Entry
	problem     *widget.Label
	start       *widget.Button

	// The last import, waiting for the user to add its good rows.
	preview     *importPreview
	previewAdd  *widget.Button
	previewDlg  dialog.Dialog
	editor      *endpointEditor
	detectedSrv []localServer
}

// importPreview is a parsed cases file: the good rows and the bad ones.
type importPreview struct {
	file  string
	cases []advisor.Case
	bad   []caseProblem
}

func newLiveTestScreen(a *App) *liveTestScreen {
	l := &liveTestScreen{a: a}
	if a.setup == nil && !a.loadSetupDraft() {
		a.setup = &testSetup{strategies: []string{advisor.StrategyZeroShot, advisor.StrategyFewShot}, checks: []string{advisor.CheckContains}, concurrency: a.concurrency(), repeats: 1, kind: advisor.CaseKindChat}
		if rec := a.recommendation(); rec != nil {
			if contains(rec.Strategy.Plan, advisor.StepRAG) {
				a.setup.strategies = append(a.setup.strategies, advisor.StrategyRAG)
			}
			a.setup.kind = kindFor(rec.Model.Type)
		}
	}
	if len(a.candidates) == 0 && a.recommendation() != nil {
		a.candidates = candidatesFromShortlist(a, a.recommendation())
	}
	l.s = a.setup

	// Candidates
	l.candidates = container.NewVBox()
	addEp := widget.NewButtonWithIcon(lang.L("live.add_endpoint"), theme.ContentAddIcon(), func() { l.editEndpoint(-1) })
	l.detectBtn = widget.NewButtonWithIcon(lang.L("live.detect"), theme.SearchIcon(), l.onDetect)
	l.detected = container.NewVBox()
	candCard := widget.NewCard(lang.L("live.candidates"), lang.L("live.candidates.sub"),
		container.NewVBox(l.candidates, container.NewHBox(addEp, l.detectBtn), l.detected))
	l.refreshCandidates()

	// Cases
	l.casesCount = widget.NewLabel("")
	l.caseList = widget.NewList(func() int { return len(l.s.cases) }, l.createCaseRow, l.updateCaseRow)
	addCase := widget.NewButtonWithIcon(lang.L("live.case.add"), theme.ContentAddIcon(), func() { l.editCase(-1) })
	importBtn := widget.NewButtonWithIcon(lang.L("live.case.import"), theme.UploadIcon(), l.onImport)
	listBox := withMinHeight(l.caseList, 240)
	l.kind = widget.NewSelect(labelsOf(caseKinds, caseKindLabel), nil)
	l.kind.SetSelectedIndex(indexOf(caseKinds, l.s.kind))
	l.kind.OnChanged = func(string) { l.onKind(caseKinds[l.kind.SelectedIndex()]) }
	kindRow := container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("live.kind"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, l.kind)
	casesCard := widget.NewCard(lang.L("live.cases"), lang.L("live.cases.sub"),
		container.NewVBox(kindRow, hint(lang.L("live.kind."+l.s.kind)), container.NewHBox(addCase, importBtn, l.casesCount), listBox))
	l.refreshCases()

	// Few-shot examples
	l.fewShotList = container.NewVBox()
	addEx := widget.NewButtonWithIcon(lang.L("live.fewshot.add"), theme.ContentAddIcon(), l.onAddExample)
	fewCard := widget.NewCard(lang.L("live.fewshot"), lang.L("live.fewshot.sub"), container.NewVBox(l.fewShotList, container.NewHBox(addEx)))
	l.refreshExamples()

	// Documents, strategies, checks, concurrency
	l.documents = widget.NewEntry()
	l.documents.SetText(l.s.documents)
	l.documents.SetPlaceHolder(lang.L("live.documents.placeholder"))
	l.documents.OnChanged = func(v string) { l.s.documents = strings.TrimSpace(v) }
	browse := widget.NewButtonWithIcon(lang.L("btn.browse"), theme.FolderOpenIcon(), l.onBrowseDocs)

	strategyValues := []string{advisor.StrategyZeroShot, advisor.StrategyFewShot, advisor.StrategyRAG}
	l.strategies = newCheckGrid(strategyValues, strategyLabel, 1, func(sel []string) { l.s.strategies = sel })
	l.strategies.SetSelected(append([]string(nil), l.s.strategies...))
	l.checks = newCheckGrid(allChecks, checkLabel, 1, func(sel []string) { l.s.checks = sel })
	l.checks.SetSelected(append([]string(nil), l.s.checks...))
	l.concurrency = widget.NewEntry()
	l.concurrency.SetText(strconv.Itoa(l.s.concurrency))
	l.concurrency.OnChanged = func(v string) {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 && n <= maxConcurrency {
			l.s.concurrency = n
		}
	}
	l.repeats = widget.NewEntry()
	l.repeats.SetText(strconv.Itoa(l.s.repeats))
	l.repeats.OnChanged = func(v string) {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 && n <= 20 {
			l.s.repeats = n
		}
	}
	l.judge = widget.NewSelect(nil, func(string) { l.s.judge = l.candidateAt(l.judge.SelectedIndex()) })
	l.rubric = newTextBox(2)
	l.rubric.SetText(l.s.rubric)
	l.rubric.SetPlaceHolder(lang.L("live.rubric.placeholder"))
	l.rubric.OnChanged = func(v string) { l.s.rubric = strings.TrimSpace(v) }
	l.embedding = widget.NewSelect(nil, func(string) { l.s.embedding = l.candidateAt(l.embedding.SelectedIndex()) })
	l.embedModel = widget.NewEntry()
	l.embedModel.SetPlaceHolder("text-embedding-3-small")
	l.embedModel.SetText(l.s.embedModel)
	l.embedModel.OnChanged = func(v string) { l.s.embedModel = strings.TrimSpace(v) }
	l.refreshHelpers()
	l.language = widget.NewEntry()
	l.language.SetPlaceHolder("en")
	l.language.SetText(l.s.language)
	l.language.OnChanged = func(v string) { l.s.language = strings.TrimSpace(v) }
	l.imageSize = widget.NewEntry()
	l.imageSize.SetPlaceHolder("1024x1024")
	l.imageSize.SetText(l.s.imageSize)
	l.imageSize.OnChanged = func(v string) { l.s.imageSize = strings.TrimSpace(v) }
	form := widget.NewForm()
	item := func(key string, obj fyne.CanvasObject, hintKey string) {
		it := widget.NewFormItem(lang.L(key), obj)
		if hintKey != "" {
			it.HintText = lang.L(hintKey)
		}
		form.AppendItem(it)
	}
	switch l.s.kind {
	case advisor.CaseKindChat:
		item("live.documents", container.NewBorder(nil, nil, nil, browse, l.documents), "live.documents.hint")
		item("live.strategies", l.strategies.box, "")
		item("live.checks", l.checks.box, "live.checks.hint")
		item("live.judge", l.judge, "live.judge.hint")
		item("live.rubric", l.rubric, "")
		item("live.embedding", container.NewGridWithColumns(2, l.embedding, l.embedModel), "live.embedding.hint")
	case advisor.CaseKindEmbedding:
		item("live.documents", container.NewBorder(nil, nil, nil, browse, l.documents), "live.documents.embedding_hint")
	case advisor.CaseKindTranscription:
		item("live.language", l.language, "live.language.hint")
	case advisor.CaseKindImage:
		item("live.image_size", l.imageSize, "")
	}
	item("live.concurrency", l.concurrency, "")
	item("live.repeats", l.repeats, "")
	howCard := widget.NewCard(lang.L("live.how"), "", form)

	l.problem = wrapped("")
	l.problem.Importance = widget.DangerImportance
	l.problem.Hide()
	l.start = widget.NewButtonWithIcon(lang.L("live.start"), theme.MediaPlayIcon(), l.onStart)
	l.start.Importance = widget.HighImportance
	bottom := container.NewBorder(nil, nil, nil, l.start, l.problem)

	page := container.NewVBox(candCard, casesCard)
	if l.s.kind == advisor.CaseKindChat {
		page.Add(fewCard)
	}
	page.Add(howCard)
	if a.run != nil && !a.run.finished {
		back := widget.NewButtonWithIcon(lang.L("live.running"), theme.MediaPlayIcon(), func() { a.show(screenRun) })
		back.Importance = widget.WarningImportance
		page.Objects = append([]fyne.CanvasObject{back}, page.Objects...)
	}
	l.scroll = container.NewVScroll(page)
	l.view = screen(lang.L("live.title"), nil, l.scroll, bottom)
	l.onDetect()
	return l
}

// recommendation is the current decision's recommendation, if any.
func (a *App) recommendation() *advisor.Recommendation {
	if a.decision == nil {
		return nil
	}
	return a.decision.Recommendation
}

// onKind switches what the examples test and rebuilds the setup for it.
func (l *liveTestScreen) onKind(kind string) {
	if kind == l.s.kind {
		return
	}
	l.s.kind = kind
	l.a.show(screenLiveTest)
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

// refreshHelpers offers the candidates as judge and embedding endpoints.
func (l *liveTestScreen) refreshHelpers() {
	if l.judge == nil {
		return
	}
	opts := []string{lang.L("live.none")}
	for _, ep := range l.a.candidates {
		opts = append(opts, ep.Name)
	}
	for _, sel := range []*widget.Select{l.judge, l.embedding} {
		cur := l.s.judge
		if sel == l.embedding {
			cur = l.s.embedding
		}
		sel.Options = opts
		i := 0
		for j, ep := range l.a.candidates {
			if ep.Name == cur {
				i = j + 1
			}
		}
		sel.SetSelectedIndex(i)
	}
}

// candidateAt is the name of the candidate at a helper Select's index (0 = none).
func (l *liveTestScreen) candidateAt(i int) string {
	if i <= 0 || i > len(l.a.candidates) {
		return ""
	}
	return l.a.candidates[i-1].Name
}

// relayout recomputes the page after a part of it grew or shrank.
func (l *liveTestScreen) relayout() {
	if l.scroll != nil {
		l.scroll.Content.Refresh()
		l.scroll.Refresh()
	}
}

func (l *liveTestScreen) refreshCandidates() {
	defer l.a.saveSetupDraft()
	l.candidates.Objects = nil
	if len(l.a.candidates) == 0 {
		l.candidates.Add(hint(lang.L("live.candidates.none")))
	}
	for i, ep := range l.a.candidates {
		i := i
		where := ep.BaseURL
		if where == "" && ep.Kind == advisor.KindOpenAI {
			where = "api.openai.com"
		}
		if where == "" {
			where = lang.L("live.ep.no_url")
		}
		text := widget.NewLabel(fmt.Sprintf("%s · %s · %s · %s", ep.Name, kindLabel(ep.Kind), ep.Model, where))
		text.Truncation = fyne.TextTruncateEllipsis
		edit := widget.NewButtonWithIcon(lang.L("btn.edit"), theme.DocumentCreateIcon(), func() { l.editEndpoint(i) })
		remove := widget.NewButtonWithIcon(lang.L("btn.remove"), theme.DeleteIcon(), func() {
			l.a.candidates = append(l.a.candidates[:i:i], l.a.candidates[i+1:]...)
			l.refreshCandidates()
		})
		l.candidates.Add(container.NewBorder(nil, nil, nil, container.NewHBox(edit, remove), text))
	}
	l.candidates.Refresh()
	l.refreshHelpers()
	l.relayout()
}

// onDetect looks for local servers off the UI goroutine.
func (l *liveTestScreen) onDetect() {
	l.detectBtn.Disable()
	l.detected.Objects = []fyne.CanvasObject{hint(lang.L("live.detecting"))}
	l.detected.Refresh()
	detect := l.a.detect
	l.a.goWork(func(ctx context.Context) {
		servers := detect(ctx)
		l.a.ui(func() {
			l.detectBtn.Enable()
			l.detectedSrv = servers
			l.showDetected()
		})
	})
}

func (l *liveTestScreen) showDetected() {
	l.detected.Objects = nil
	l.detectedAdd = nil
	if len(l.detectedSrv) == 0 {
		l.detected.Add(hint(lang.L("live.detect.none")))
	}
	for _, srv := range l.detectedSrv {
		srv := srv
		l.detected.Add(widget.NewLabelWithStyle(lang.L("live.detect.found", map[string]any{"Name": srv.Name, "URL": srv.BaseURL}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		row := container.NewGridWrap(fyne.NewSize(260, 38))
		for _, m := range srv.Models {
			m := m
			b := widget.NewButtonWithIcon(m, theme.ContentAddIcon(), func() {
				l.a.candidates = append(l.a.candidates, advisor.Endpoint{Name: srv.Name + " " + m, Kind: advisor.KindCompatible, BaseURL: srv.BaseURL, Model: m})
				l.refreshCandidates()
			})
			b.Alignment = widget.ButtonAlignLeading
			l.detectedAdd = append(l.detectedAdd, b)
			row.Add(b)
		}
		l.detected.Add(row)
	}
	l.detected.Refresh()
	l.relayout()
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
	if len(l.s.cases) == 1 {
		l.casesCount.SetText(lang.L("live.cases.count.one"))
	} else {
		l.casesCount.SetText(lang.L("live.cases.count", map[string]any{"N": len(l.s.cases)}))
	}
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
	input := newTextBox(3)
	input.SetText(c.Input)
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
		file.SetPlaceHolder("/path/to/interview.wav")
		add("live.case.audio", file, "live.case.audio_hint")
		add("live.case.transcript", expected, "")
	case advisor.CaseKindEmbedding:
		add("live.case.query", input, "")
		add("live.case.relevant", relevant, "live.case.relevant_hint")
	case advisor.CaseKindImage:
		add("live.case.prompt", input, "")
	default:
		file.SetText(c.Image)
		file.SetPlaceHolder("/path/to/photo.png")
		add("live.case.input", input, "")
		add("live.case.expected", expected, "")
		add("live.checks", checks.box, "live.case.checks_hint")
		add("live.case.pattern", pattern, "")
		add("live.case.image", file, "live.case.image_hint")
	}
	d := dialog.NewForm(lang.L("live.case.title"), lang.L("btn.save"), lang.L("btn.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		nc := advisor.Case{Input: strings.TrimSpace(input.Text), Expected: strings.TrimSpace(expected.Text)}
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
			l.a.showError(fail("err.case", fmt.Errorf("%s", p.Reason())))
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
		l.a.win.Canvas().Focus(input)
	}
}

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

func (l *liveTestScreen) onBrowseDocs() {
	l.a.pickFolder("err.folder", l.documents.SetText)
}

func (l *liveTestScreen) onImport() {
	l.a.pickFile("err.import_cases", []string{".csv", ".tsv", ".jsonl", ".ndjson"}, l.importFile)
}

// importFile parses a cases file off the UI goroutine and shows a preview.
func (l *liveTestScreen) importFile(path string) {
	kind := l.s.kind
	l.a.goWork(func(ctx context.Context) {
		f, err := os.Open(path)
		var cases []advisor.Case
		var bad []caseProblem
		if err == nil {
			cases, bad, err = parseCasesOf(kind, path, f)
			f.Close()
		}
		l.a.ui(func() {
			if err != nil {
				l.a.showError(fail("err.import_cases", err))
				return
			}
			l.showPreview(&importPreview{file: path, cases: cases, bad: bad})
		})
	})
}

// showPreview lists the first good rows and every bad row with its reason;
// "Add" keeps the good rows.
func (l *liveTestScreen) showPreview(p *importPreview) {
	l.preview = p
	box := container.NewVBox(widget.NewLabelWithStyle(lang.L("live.import.good", map[string]any{"N": len(p.cases)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for i, c := range p.cases {
		if i == 5 {
			box.Add(hint(lang.L("live.import.more", map[string]any{"N": len(p.cases) - 5})))
			break
		}
		box.Add(widget.NewLabel(caseText(l.s.kind, i, c)))
	}
	if len(p.bad) > 0 {
		h := widget.NewLabelWithStyle(lang.L("live.import.bad", map[string]any{"N": len(p.bad)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		h.Importance = widget.DangerImportance
		box.Add(h)
		for _, b := range p.bad {
			l := wrapped(lang.L("live.import.line", map[string]any{"Line": b.Line, "Reason": b.Reason()}))
			l.Importance = widget.WarningImportance
			box.Add(l)
		}
	}
	l.previewAdd = widget.NewButtonWithIcon(lang.L("live.import.add", map[string]any{"N": len(p.cases)}), theme.ConfirmIcon(), nil)
	l.previewAdd.Importance = widget.HighImportance
	if len(p.cases) == 0 {
		l.previewAdd.Disable()
	}
	cancel := widget.NewButton(lang.L("btn.cancel"), nil)
	content := container.NewBorder(nil, container.NewHBox(spacer(), cancel, l.previewAdd), nil, nil, container.NewVScroll(box))
	d := dialog.NewCustomWithoutButtons(lang.L("live.import.title"), content, l.a.win)
	l.previewAdd.OnTapped = func() {
		l.addCases(p.cases...)
		l.preview = nil
		d.Hide()
	}
	cancel.OnTapped = func() { l.preview = nil; d.Hide() }
	l.previewDlg = d
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

// plan builds the live-test plan from the screen.
func (l *liveTestScreen) plan() advisor.Plan {
	p := advisor.Plan{
		Name:        lang.L("live.plan_name", map[string]any{"Date": time.Now().Format("2006-01-02 15:04")}),
		Endpoints:   append([]advisor.Endpoint(nil), l.a.candidates...),
		Strategies:  append([]string(nil), l.s.strategies...),
		FewShot:     append([]advisor.Example(nil), l.s.fewShot...),
		Documents:   l.s.documents,
		Concurrency: l.s.concurrency,
		Repeats:     l.s.repeats,
	}
	if l.a.decision != nil {
		p.DecisionID = l.a.decision.ID
		if t := l.a.decision.Title; t != "" {
			p.Name = t + " · " + p.Name
		}
	}
	chat := l.s.kind == "" || l.s.kind == advisor.CaseKindChat
	if !chat {
		p.Kind = l.s.kind
		p.FewShot = nil
		switch l.s.kind {
		case advisor.CaseKindTranscription:
			p.Language, p.Documents = l.s.language, ""
		case advisor.CaseKindImage:
			p.ImageSize, p.Documents = l.s.imageSize, ""
		}
	}
	for _, c := range l.s.cases {
		if chat && len(c.Checks) == 0 {
			c.Checks = append([]string(nil), l.s.checks...)
		}
		p.Cases = append(p.Cases, c)
	}
	if !chat {
		return p
	}
	for _, ep := range l.a.candidates {
		if l.s.judge != "" && ep.Name == l.s.judge {
			j := ep
			p.Judge = &j
			p.Rubric = l.s.rubric
		}
		if l.s.embedding != "" && ep.Name == l.s.embedding {
			e := ep
			e.Name = ep.Name + " embeddings"
			if l.s.embedModel != "" {
				e.Model = l.s.embedModel
			}
			e.PriceInPer1M, e.PriceOutPer1M, e.CatalogID = nil, nil, ""
			p.Embedding = &e
		}
	}
	return p
}

// onStart validates the plan, creates the run and starts it.
func (l *liveTestScreen) onStart() {
	if !l.a.needStore() {
		return
	}
	p := l.plan()
	livetest.Defaults(&p)
	if err := livetest.ValidatePlan(p); err != nil {
		l.problem.SetText(planProblem(err))
		l.problem.Show()
		return
	}
	l.problem.Hide()
	l.start.Disable()
	startRun(l.a, p, func() { l.start.Enable() })
}

// endpointEditor is the dialog that edits one candidate endpoint.
type endpointEditor struct {
	kind       *widget.Select
	name       *widget.Entry
	baseURL    *widget.Entry
	deployment *widget.Entry
	apiVersion *widget.Entry
	model      *widget.Entry
	key        *widget.Entry
	keyEnv     *widget.Entry
	priceIn    *widget.Entry
	priceOut   *widget.Entry
	priceUnit  *widget.Entry // per minute of audio or per image, for those kinds
	testBtn    *widget.Button
	testResult *widget.Label
	kindOfTest string
	dialog     *dialog.FormDialog
}

// editEndpoint opens the endpoint editor (i < 0 adds one).
func (l *liveTestScreen) editEndpoint(i int) {
	ep := advisor.Endpoint{Kind: advisor.KindCompatible}
	if i >= 0 && i < len(l.a.candidates) {
		ep = l.a.candidates[i]
	}
	e := &endpointEditor{}
	l.editor = e
	e.kind = newKindSelect(nil)
	e.name = widget.NewEntry()
	e.name.SetText(ep.Name)
	e.baseURL = widget.NewEntry()
	e.baseURL.SetText(ep.BaseURL)
	e.deployment = widget.NewEntry()
	e.deployment.SetText(ep.Deployment)
	e.apiVersion = widget.NewEntry()
	e.apiVersion.SetText(ep.APIVersion)
	e.apiVersion.SetPlaceHolder("2024-10-21")
	e.model = widget.NewEntry()
	e.model.SetText(ep.Model)
	e.key = widget.NewPasswordEntry()
	e.key.SetPlaceHolder(lang.L("live.ep.key.placeholder"))
	e.keyEnv = widget.NewEntry()
	e.keyEnv.SetText(ep.APIKeyEnv)
	e.keyEnv.SetPlaceHolder("OPENAI_API_KEY")
	e.priceIn = widget.NewEntry()
	e.priceOut = widget.NewEntry()
	if ep.PriceInPer1M != nil {
		e.priceIn.SetText(strconv.FormatFloat(*ep.PriceInPer1M, 'f', -1, 64))
	}
	if ep.PriceOutPer1M != nil {
		e.priceOut.SetText(strconv.FormatFloat(*ep.PriceOutPer1M, 'f', -1, 64))
	}
	e.priceUnit = widget.NewEntry()
	switch {
	case ep.PricePerMinute != nil:
		e.priceUnit.SetText(strconv.FormatFloat(*ep.PricePerMinute, 'f', -1, 64))
	case ep.PricePerImage != nil:
		e.priceUnit.SetText(strconv.FormatFloat(*ep.PricePerImage, 'f', -1, 64))
	}
	e.priceUnit.SetPlaceHolder(lang.L("live.ep.price.placeholder"))
	e.kindOfTest = l.s.kind
	e.priceIn.SetPlaceHolder(lang.L("live.ep.price.placeholder"))
	e.priceOut.SetPlaceHolder(lang.L("live.ep.price.placeholder"))
	e.testResult = wrapped("")
	e.testBtn = widget.NewButtonWithIcon(lang.L("live.ep.test"), theme.ViewRefreshIcon(), func() { l.onTestConnection(e) })

	urlItem := widget.NewFormItem(lang.L("live.ep.base_url"), e.baseURL)
	depItem := widget.NewFormItem(lang.L("live.ep.deployment"), e.deployment)
	verItem := widget.NewFormItem(lang.L("live.ep.api_version"), e.apiVersion)
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("live.ep.kind"), e.kind),
		widget.NewFormItem(lang.L("live.ep.name"), e.name),
		urlItem, depItem, verItem,
		widget.NewFormItem(lang.L("live.ep.model"), e.model),
		widget.NewFormItem(lang.L("live.ep.key"), e.key),
		widget.NewFormItem(lang.L("live.ep.key_env"), e.keyEnv),
		widget.NewFormItem(lang.L("live.ep.price_in"), e.priceIn),
		widget.NewFormItem(lang.L("live.ep.price_out"), e.priceOut),
	}
	switch l.s.kind {
	case advisor.CaseKindTranscription:
		items = append(items, widget.NewFormItem(lang.L("live.ep.price_minute"), e.priceUnit))
	case advisor.CaseKindImage:
		items = append(items, widget.NewFormItem(lang.L("live.ep.price_image"), e.priceUnit))
	}
	items = append(items, widget.NewFormItem("", container.NewVBox(e.testBtn, e.testResult)))
	items[6].HintText = lang.L("live.ep.key.hint")
	onKind := func(k string) {
		if k == advisor.KindAzure {
			urlItem.Text = lang.L("live.ep.azure_resource")
			e.baseURL.SetPlaceHolder("https://my-resource.openai.azure.com")
			e.deployment.Enable()
			e.apiVersion.Enable()
		} else {
			urlItem.Text = lang.L("live.ep.base_url")
			if k == advisor.KindOpenAI {
				e.baseURL.SetPlaceHolder("https://api.openai.com/v1")
			} else {
				e.baseURL.SetPlaceHolder("http://127.0.0.1:11434/v1")
			}
			e.deployment.Disable()
			e.apiVersion.Disable()
		}
		if e.dialog != nil {
			e.dialog.Refresh()
		}
	}
	e.kind.OnChanged = func(string) { onKind(selectedKind(e.kind)) }
	setKind(e.kind, ep.Kind)
	e.dialog = dialog.NewForm(lang.L("live.ep.title"), lang.L("btn.save"), lang.L("btn.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		nep, err := e.endpoint(ep)
		if err != nil {
			l.a.showError(fail("err.endpoint", err))
			return
		}
		if i >= 0 && i < len(l.a.candidates) {
			l.a.candidates[i] = nep
		} else {
			l.a.candidates = append(l.a.candidates, nep)
		}
		l.refreshCandidates()
		if key := e.key.Text; key != "" {
			name := nep.Name
			if l.a.sessionKeys == nil {
				l.a.sessionKeys = map[string]string{}
			}
			l.a.sessionKeys[name] = key
			l.a.goWork(func(context.Context) {
				if err := livetest.SaveKey(name, key); err != nil {
					// The key still works until the app closes.
					l.a.ui(func() { l.a.showError(fail("err.save_key", err)) })
				}
			})
		}
	}, l.a.win)
	e.dialog.Resize(fyne.NewSize(720, 640))
	e.dialog.Show()
}

// endpoint reads the editor into an endpoint, keeping fields it does not show.
func (e *endpointEditor) endpoint(base advisor.Endpoint) (advisor.Endpoint, error) {
	ep := base
	ep.Kind = selectedKind(e.kind)
	ep.Name = strings.TrimSpace(e.name.Text)
	ep.BaseURL = strings.TrimSpace(e.baseURL.Text)
	ep.Deployment = strings.TrimSpace(e.deployment.Text)
	ep.APIVersion = strings.TrimSpace(e.apiVersion.Text)
	ep.Model = strings.TrimSpace(e.model.Text)
	ep.APIKeyEnv = strings.TrimSpace(e.keyEnv.Text)
	if ep.Name == "" {
		ep.Name = ep.Model
	}
	if ep.Name == "" {
		return ep, errors.New(lang.L("live.ep.no_name"))
	}
	// A bad price names the field as the form shows it, in the user's language.
	price := func(labelKey, s string) (*float64, error) {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 {
			return nil, errors.New(lang.L("live.ep.bad_price", map[string]any{"Field": lang.L(labelKey), "Value": s}))
		}
		return &v, nil
	}
	var err error
	if ep.PriceInPer1M, err = price("live.ep.price_in", e.priceIn.Text); err != nil {
		return ep, err
	}
	if ep.PriceOutPer1M, err = price("live.ep.price_out", e.priceOut.Text); err != nil {
		return ep, err
	}
	switch e.kindOfTest {
	case advisor.CaseKindTranscription:
		if ep.PricePerMinute, err = price("live.ep.price_minute", e.priceUnit.Text); err != nil {
			return ep, err
		}
	case advisor.CaseKindImage:
		if ep.PricePerImage, err = price("live.ep.price_image", e.priceUnit.Text); err != nil {
			return ep, err
		}
	}
	return ep, nil
}

// onTestConnection sends a tiny request and reports the latency or the error.
func (l *liveTestScreen) onTestConnection(e *endpointEditor) {
	ep, err := e.endpoint(advisor.Endpoint{})
	if err != nil {
		e.testResult.SetText(err.Error())
		return
	}
	key := e.key.Text
	e.testBtn.Disable()
	e.testResult.Importance = widget.MediumImportance
	e.testResult.SetText(lang.L("live.ep.testing"))
	l.a.goWork(func(ctx context.Context) {
		k := key
		if k == "" {
			k, _ = livetest.LookupKey(ep)
		}
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		d, err := livetest.TestConnection(ctx, ep, k)
		l.a.ui(func() {
			e.testBtn.Enable()
			if err != nil {
				e.testResult.Importance = widget.DangerImportance
				e.testResult.SetText(callFailure("live.ep.test_failed", ep, err))
				return
			}
			e.testResult.Importance = widget.SuccessImportance
			e.testResult.SetText(lang.L("live.ep.test_ok", map[string]any{"Ms": d.Milliseconds()}))
		})
	})
}

// startRun creates the run in the store and runs it with the run screen
// showing progress. done is called on the UI goroutine once the run is created.
func startRun(a *App, p advisor.Plan, done func()) {
	st := a.store
	run := &data.Run{DecisionID: p.DecisionID, Name: p.Name, Plan: p, Templates: livetest.Templates(p), Total: len(livetest.Cells(p))}
	a.goWork(func(ctx context.Context) {
		err := st.CreateRun(ctx, run)
		a.ui(func() {
			done()
			if err != nil {
				a.showError(fail("err.create_run", err))
				return
			}
			a.lastRun = run.ID
			a.run = newRunScreen(a, run)
			a.show(screenRun)
			a.run.begin()
		})
	})
}

// callFailure says in plain words why a test call failed. When nothing
// answered at the address at all (no server, wrong port, unknown host) it
// says so and what to check, instead of the network library's own words
// ("dial tcp 127.0.0.1:1234: connect: connection refused"), which are logged.
func callFailure(prefixKey string, ep advisor.Endpoint, err error) string {
	var ce *livetest.CallError
	if errors.As(err, &ce) && ce.Class == advisor.ErrConnection && ce.Status == 0 {
		log.Printf("llm-advisor: %s: %v", ep.Name, err)
		where := ep.BaseURL
		if where == "" && ep.Kind == advisor.KindOpenAI {
			where = "https://api.openai.com/v1"
		}
		return lang.L("live.ep.unreachable", map[string]any{"URL": where})
	}
	return lang.L(prefixKey) + " " + err.Error()
}

// planProblem says why the test cannot start, naming the part of this screen
// to fix instead of the plan file's field ("few_shot: …").
func planProblem(err error) string {
	var pe *livetest.PlanError
	if !errors.As(err, &pe) {
		return lang.L("live.invalid") + " " + err.Error()
	}
	field := pe.Field
	if i := strings.IndexAny(field, "[."); i >= 0 {
		field = field[:i]
	}
	if field == "few_shot" {
		return lang.L("live.invalid.few_shot", map[string]any{"Strategy": strategyLabel(advisor.StrategyFewShot)})
	}
	section := map[string]string{
		"endpoints": "live.candidates", "cases": "live.cases", "strategies": "live.strategies",
		"judge": "live.judge", "rubric": "live.rubric", "embedding": "live.embedding",
		"concurrency": "live.concurrency", "kind": "live.kind", "similarity_threshold": "live.checks",
	}[field]
	if section == "" {
		return lang.L("live.invalid") + " " + err.Error()
	}
	return lang.L("live.invalid") + " " + lang.L(section) + " — " + pe.Msg
}

// mergeCandidates is first followed by the endpoints of more whose names are
// not in first yet.
func mergeCandidates(first, more []advisor.Endpoint) []advisor.Endpoint {
	out := append([]advisor.Endpoint(nil), first...)
	for _, ep := range more {
		dup := false
		for _, have := range out {
			dup = dup || have.Name == ep.Name
		}
		if !dup {
			out = append(out, ep)
		}
	}
	return out
}
