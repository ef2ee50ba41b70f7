package app

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
)

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

	// The verdict (issue 11): the acceptance criteria, derived from the
	// decision's answers until the user edits them, and the strategy ladder.
	acceptance        *advisor.Acceptance
	acceptanceDerived bool
	ladder            bool

	batch bool // issue 17: send through the providers' Batch API
}

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
	criteria    *criteriaForm // acceptance criteria, before the run
	ladderCheck *widget.Check // the strategy ladder, before the run
	estimate    *widget.Label // the pre-flight estimate

	// The last import, waiting for the user to add its good rows.
	preview     *importPreview
	previewAdd  *widget.Button
	previewDlg  dialog.Dialog
	previewBox  *fyne.Container           // the import preview's list, rebuilt when a column is remapped
	previewCols map[string]*widget.Select // the import preview's column for each case field
	editor      *endpointEditor
	detectedSrv []localServer

	// Connections (issue 12).
	connBox    *fyne.Container
	connectBtn *widget.Button
	connectRow []*widget.Button // "Connect" of each candidate that needs a connection
	pullBtns   []*widget.Button // "Download" of each candidate Ollama can fetch
	pull       *pullDialog

	// Issue 18: the example editor open now (tests read them).
	caseInput   *longText
	caseProblem *widget.Label
	// The worked-example (few-shot) editor's refusal, when Save found a field empty.
	fewShotProblem *widget.Label

	// Issue 17: the promptfoo import's dialog, its Use button and notes.
	promptfooDlg   dialog.Dialog
	promptfooUse   *widget.Button
	promptfooNotes []string
	batchCheck     *widget.Check // the Batch API offer, shown for large runs without latency targets
	batchHint      *widget.Label
}

func newLiveTestScreen(a *App) *liveTestScreen {
	l := &liveTestScreen{a: a}
	l.prepareSetup()
	candCard := l.candidatesCard()
	casesCard := l.casesCard()
	fewCard := l.fewShotCard()
	howCard := l.howCard()
	acceptCard := l.acceptanceCard()

	l.problem = wrapped("")
	l.problem.Importance = widget.DangerImportance
	l.problem.Hide()
	l.start = widget.NewButtonWithIcon(lang.L("live.start"), theme.MediaPlayIcon(), l.onStart)
	l.start.Importance = widget.HighImportance
	bottom := container.NewBorder(nil, nil, nil, l.start, l.problem)

	var cards []fyne.CanvasObject // the page made once: every Add lays out what it holds
	if a.run != nil && !a.run.finished {
		back := widget.NewButtonWithIcon(lang.L("live.running"), theme.MediaPlayIcon(), func() { a.show(screenRun) })
		back.Importance = widget.WarningImportance
		cards = append(cards, back)
	}
	cards = append(cards, candCard, casesCard)
	if l.s.kind == advisor.CaseKindChat {
		cards = append(cards, fewCard)
	}
	cards = append(cards, howCard, acceptCard)
	l.scroll = container.NewVScroll(container.NewVBox(cards...))
	l.view = screen(lang.L("live.title"), nil, l.scroll, bottom)
	l.onDetect()
	return l
}

// prepareSetup makes the setup being edited: the last draft, else one
// derived from the recommendation (strategies, kind of cases), with the
// shortlist as candidates and the acceptance derived from the answers once.
func (l *liveTestScreen) prepareSetup() {
	a := l.a
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
	if !l.s.acceptanceDerived && l.s.acceptance == nil && a.decision != nil {
		if acc, err := advisor.DeriveAcceptance(nil, a.decision.Answers); err == nil {
			l.s.acceptance = acc
		}
		l.s.acceptanceDerived = true
	}
}

// candidatesCard lists the endpoints to test, with the connections, adding
// one and detecting local servers.
func (l *liveTestScreen) candidatesCard() fyne.CanvasObject {
	l.candidates = container.NewVBox()
	addEp := widget.NewButtonWithIcon(lang.L("live.add_endpoint"), theme.ContentAddIcon(), func() { l.editEndpoint(-1) })
	l.detectBtn = widget.NewButtonWithIcon(lang.L("live.detect"), theme.SearchIcon(), l.onDetect)
	l.detected = container.NewVBox()
	candCard := widget.NewCard(lang.L("live.candidates"), lang.L("live.candidates.sub"),
		container.NewVBox(l.connectionsBox(), widget.NewSeparator(), l.candidates, container.NewHBox(addEp, l.detectBtn), l.detected))
	l.a.mapCandidates()
	l.refreshCandidates()
	return candCard
}

// casesCard is the kind of cases and their list, with adding and importing.
func (l *liveTestScreen) casesCard() fyne.CanvasObject {
	l.casesCount = widget.NewLabel("")
	l.caseList = widget.NewList(func() int { return len(l.s.cases) }, l.createCaseRow, l.updateCaseRow)
	addCase := widget.NewButtonWithIcon(lang.L("live.case.add"), theme.ContentAddIcon(), func() { l.editCase(-1) })
	importBtn := widget.NewButtonWithIcon(lang.L("live.case.import"), theme.UploadIcon(), l.onImport)
	promptfooBtn := widget.NewButtonWithIcon(lang.L("live.promptfoo.import"), theme.DownloadIcon(), l.onImportPromptfoo)
	listBox := withMinHeight(l.caseList, 240)
	l.kind = newSelect(labelsOf(caseKinds, caseKindLabel), nil)
	l.kind.SetSelectedIndex(indexOf(caseKinds, l.s.kind))
	l.kind.OnChanged = func(string) { l.onKind(caseKinds[l.kind.SelectedIndex()]) }
	kindRow := container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("live.kind"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, l.kind)
	casesCard := widget.NewCard(lang.L("live.cases"), lang.L("live.cases.sub"),
		container.NewVBox(kindRow, hint(lang.L("live.kind."+l.s.kind)), container.NewHBox(addCase, importBtn, promptfooBtn, l.casesCount), listBox))
	l.refreshCases()
	return casesCard
}

// fewShotCard is the few-shot examples (shown for chat cases only).
func (l *liveTestScreen) fewShotCard() fyne.CanvasObject {
	l.fewShotList = container.NewVBox()
	addEx := widget.NewButtonWithIcon(lang.L("live.fewshot.add"), theme.ContentAddIcon(), l.onAddExample)
	fewCard := widget.NewCard(lang.L("live.fewshot"), lang.L("live.fewshot.sub"), container.NewVBox(l.fewShotList, container.NewHBox(addEx)))
	l.refreshExamples()
	return fewCard
}

// howCard is how to test: documents, strategies, checks, judge, embedding,
// language, image size, concurrency and repeats, the rows the kind of cases
// uses.
func (l *liveTestScreen) howCard() fyne.CanvasObject {
	browse := l.howFields()
	// The rows are made first and the form once: every AppendItem redraws
	// every row of the form before it.
	var rows []*widget.FormItem
	item := func(key string, obj fyne.CanvasObject, hintKey string) {
		it := widget.NewFormItem(lang.L(key), obj)
		if hintKey != "" {
			it.HintText = lang.L(hintKey)
		}
		rows = append(rows, it)
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
	item("live.concurrency", l.concurrency, "live.concurrency.hint")
	item("live.repeats", l.repeats, "")
	return widget.NewCard(lang.L("live.how"), "", widget.NewForm(rows...))
}

// howFields makes the fields of howCard, each writing to the setup; it
// returns the documents' Browse button.
func (l *liveTestScreen) howFields() *widget.Button {
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
	l.judge = newSelect(nil, func(string) { l.s.judge = l.candidateAt(l.judge.SelectedIndex()) })
	l.rubric = newTextBox(2)
	l.rubric.SetText(l.s.rubric)
	l.rubric.SetPlaceHolder(lang.L("live.rubric.placeholder"))
	l.rubric.OnChanged = func(v string) { l.s.rubric = strings.TrimSpace(v) }
	l.embedding = newSelect(nil, func(string) { l.s.embedding = l.candidateAt(l.embedding.SelectedIndex()) })
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
	return browse
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

func (l *liveTestScreen) onBrowseDocs() {
	l.a.pickFolderIn(prefDocsFolder, "err.folder", l.documents.SetText)
}
