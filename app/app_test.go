package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/advisor/modelsdev"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// harness runs the App on a Fyne test app. Background work reports through a
// queue that only the test goroutine drains, so every widget is touched by
// one goroutine, as fyne.Do guarantees in the real app.
type harness struct {
	t  *testing.T
	fa fyne.App
	a  *App
	q  chan func()
}

func newHarness(t *testing.T, language string) *harness {
	t.Helper()
	return newHarnessIn(t, language, t.TempDir(), t.TempDir())
}

// newHarnessIn runs the App with its database in dir and the user's
// configuration (own rules and models) in cfg.
func newHarnessIn(t *testing.T, language, dir, cfg string) *harness {
	t.Helper()
	h := startHarness(t, language, dir, cfg)
	// The screens the tests open would wait for the engine (engine.go);
	// built here, every test starts where the user is once it is.
	h.a.withEngine(func() {})
	h.waitFor("engine", func() bool { return h.a.engineTried })
	if h.a.ws == nil || h.a.engine == nil {
		t.Fatalf("store or engine did not open: %s", h.a.lastError)
	}
	return h
}

// startHarness is newHarnessIn up to the database being open: the engine
// is built only if the start builds it (user files) or a screen asks. The
// App gives no heap back after Home (a full collection under the race
// detector costs each test seconds); TestHomeGivesTheHeapBack tests that.
func startHarness(t *testing.T, language, dir, cfg string) *harness {
	t.Helper()
	return startHarnessReleasing(t, language, dir, cfg, nil)
}

// startHarnessReleasing is startHarness with release given to the App as
// what gives the heap back after Home.
func startHarnessReleasing(t *testing.T, language, dir, cfg string, release func()) *harness {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", cfg) // never the user rules or catalog of this machine
	fa := test.NewTempApp(t)
	fa.Preferences().SetString(prefDataFolder, dir)
	fa.Preferences().SetString(prefLanguage, language)
	t.Cleanup(func() { applyLanguage("") })
	h := &harness{t: t, fa: fa, q: make(chan func(), 4096)}
	h.a = newApp(fa, func(f func()) { h.q <- f }, release)
	h.a.detect = func(context.Context) []localServer { return nil }
	t.Cleanup(h.closeApp)
	h.waitFor("store", func() bool { return h.a.ready })
	return h
}

// store is the SQLite store under the app, for the tests that look at what
// was saved; the test fails when the app runs on the in-memory workspace.
func (h *harness) store() *data.Store {
	h.t.Helper()
	ws, ok := h.a.ws.(*workspace.Workspace)
	if !ok {
		h.t.Fatalf("the app runs on %T, not the SQLite workspace", h.a.ws)
	}
	return ws.Store()
}

// closeApp is the window closing: the app's context ends, its work stops
// (a run is marked interrupted) and the database is closed.
func (h *harness) closeApp() {
	h.a.cancel()
	done := make(chan struct{})
	go func() { h.a.work.Wait(); close(done) }()
	for {
		select {
		case <-done:
			if h.a.ws != nil {
				h.a.ws.Close()
			}
			return
		case f := <-h.q:
			f()
		}
	}
}

// waitFor runs queued UI updates until cond holds.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.After(60 * time.Second)
	for !cond() {
		select {
		case f := <-h.q:
			f()
		case <-time.After(5 * time.Millisecond):
		case <-deadline:
			h.t.Fatalf("timed out waiting for %s (last error: %q)", what, h.a.lastError)
		}
	}
}

// settle runs every queued update and waits for background work to finish.
//
// While it waits for the work group it only collects the queued updates and
// runs them after Wait has returned: an update may start new work (Add), and
// an Add from a zero count while another goroutine is in Wait is a misuse of
// sync.WaitGroup that the race detector reports.
func (h *harness) settle() {
	h.t.Helper()
	deadline := time.After(60 * time.Second)
	for round := 0; round < 50; round++ {
		done := make(chan struct{})
		go func() { h.a.work.Wait(); close(done) }()
		var pending []func()
	wait:
		for {
			select {
			case <-done:
				break wait
			case f := <-h.q:
				pending = append(pending, f)
			case <-deadline:
				h.t.Fatalf("timed out waiting for background work (last error: %q)", h.a.lastError)
			}
		}
		for len(h.q) > 0 {
			pending = append(pending, <-h.q)
		}
		if len(pending) == 0 && round >= 2 {
			return
		}
		for _, f := range pending {
			f()
		}
	}
}

func (h *harness) newDecision() {
	h.t.Helper()
	h.a.show(screenHome)
	test.Tap(h.a.home.newButton)
	h.waitFor("wizard", func() bool { return h.a.current == screenWizard && h.a.wizard != nil && h.a.wizard.useCase != nil })
}

// scenarioDir is the repository's copy of the scenarios (testdata/shared;
// TestSharedCopiesMatch in the repository root checks the copies).
var scenarioDir = filepath.Join("..", "testdata", "shared", "scenarios")

// scenario reads a scenario file of the repository's copy of shared/scenarios.
func scenario(t *testing.T, name string) (story string, answers map[string]any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(scenarioDir, name))
	if err != nil {
		t.Fatalf("scenario %s: %v", name, err)
	}
	var s struct {
		Story   string         `json:"story"`
		Answers map[string]any `json:"answers"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s.Story, s.Answers
}

// answerWizard walks the wizard step by step, choosing each answer through
// its widget, and presses Next on every step. The use case is pasted, as a
// user with the story written elsewhere would: one change of the entry (one
// draft save, one layout) where typing makes one per character, which under
// the race detector costs seconds a test. typeAndAnswerWizard types it.
func (h *harness) answerWizard(story string, answers map[string]any) {
	h.t.Helper()
	h.answerWizardWith(story, answers, func(e *wizardEntry) {
		h.fa.Clipboard().SetContent(story)
		e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: h.fa.Clipboard()})
	})
}

// typeAndAnswerWizard is answerWizard with the use case typed key by key.
func (h *harness) typeAndAnswerWizard(story string, answers map[string]any) {
	h.t.Helper()
	h.answerWizardWith(story, answers, func(e *wizardEntry) { test.Type(e, story) })
}

func (h *harness) answerWizardWith(story string, answers map[string]any, enter func(*wizardEntry)) {
	h.t.Helper()
	w := h.a.wizard
	if w.useCase.Text == "" {
		// Next without a use case stays on step 1 and says why.
		test.Tap(w.next)
		if w.step != 0 || !w.problem.Visible() {
			h.t.Fatalf("Next without a use case: step %d, problem shown %v", w.step, w.problem.Visible())
		}
		enter(w.useCase)
		if w.useCase.Text != story || w.answers.UseCase != story || w.problem.Visible() {
			h.t.Fatalf("use case entered: entry %q, answer %q, problem shown %v; want %q", w.useCase.Text, w.answers.UseCase, w.problem.Visible(), story)
		}
	}
	for step, g := range advisor.Groups {
		if w.step != step {
			h.t.Fatalf("on step %d, want %d (%s)", w.step, step, g)
		}
		for _, q := range advisor.Questions {
			v, ok := answers[q.Key]
			if !ok || q.Group != g || q.Kind == advisor.KindText {
				continue
			}
			var vals []string
			switch x := v.(type) {
			case string:
				vals = []string{x}
			case float64:
				vals = []string{strconv.FormatFloat(x, 'f', -1, 64)}
			case []any:
				for _, e := range x {
					vals = append(vals, e.(string))
				}
			}
			if f, ok := w.fields[q.Key]; ok {
				f.SetText(strings.Join(vals, ", "))
				continue
			}
			if grid, ok := w.grids[q.Key]; ok {
				grid.SetSelected(vals)
				continue
			}
			sel := w.selects[q.Key]
			sel.SetSelected(valueLabel(q.Key, vals[0]))
			if q.Multi && len(vals) > 1 {
				w.extraTasks.SetSelected(vals[1:])
			}
		}
		test.Tap(w.next)
	}
}

func TestWizardScenarioShowsRecommendation(t *testing.T) {
	h := newHarness(t, "en")
	story, answers := scenario(t, "k1-eu-support-bot.json")
	h.newDecision()
	id := h.a.decision.ID
	// The one walk that types the story key by key, as a user at the
	// keyboard does; the others paste it (answerWizard).
	h.typeAndAnswerWizard(story, answers)
	h.waitFor("recommendation", func() bool { return h.a.current == screenRecommendation && h.a.rec != nil && h.a.rec.rec != nil })

	r := h.a.rec
	if r.rec.Strategy.Primary != advisor.StepRAG {
		t.Fatalf("primary strategy = %q, want rag", r.rec.Strategy.Primary)
	}
	if got, want := r.primary.Text, stepLabel(advisor.StepRAG); got != want {
		t.Errorf("primary label = %q, want %q", got, want)
	}
	if got, want := r.modelType.Text, typeLabel(r.rec.Model.Type); got != want {
		t.Errorf("model type label = %q, want %q", got, want)
	}
	if len(r.fired.Objects) == 0 {
		t.Error("no fired rules shown")
	}
	if len(r.rec.Shortlist) > 0 {
		h.waitFor("shortlist chart", func() bool { return r.chart.Visible() && r.chart.Resource != nil })
	}
	// The answers were saved: the stored decision has them and the recommendation.
	h.settle()
	d, err := h.store().Decision(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Answers.Residency != "eu" || d.Answers.MainTask() != "chat_qa" || d.Answers.UseCase != story {
		t.Errorf("stored answers = %+v", d.Answers)
	}
	// Retitled on every key, the draft ends titled from the whole story.
	if want := titleFrom(story); d.Title != want {
		t.Errorf("stored title = %q, want %q", d.Title, want)
	}
	if d.Recommendation == nil || d.Recommendation.Strategy.Primary != advisor.StepRAG || d.Status != "final" {
		t.Errorf("stored recommendation = %+v, status %q", d.Recommendation, d.Status)
	}
	// "Test this" opens the live test with the shortlist as candidates.
	test.Tap(r.testThis)
	if h.a.current != screenLiveTest || len(h.a.candidates) != len(r.rec.Shortlist) {
		t.Fatalf("after Test this: screen %q, %d candidates for %d shortlisted", h.a.current, len(h.a.candidates), len(r.rec.Shortlist))
	}
	for i, s := range r.rec.Shortlist {
		if h.a.candidates[i].CatalogID != s.ID {
			t.Errorf("candidate %d = %+v, want catalog id %s", i, h.a.candidates[i], s.ID)
		}
	}
	// The recommendation alone exports as a report.
	var pdf bytes.Buffer
	if err := writeExport(&pdf, formatPDF, r.reportInput()); err != nil || !strings.HasPrefix(pdf.String(), "%PDF") {
		t.Errorf("recommendation PDF: %v, %.10q", err, pdf.String())
	}
	md := t.TempDir()
	r.a.exportMarkdown(md, r.reportInput(), func(err error) { r.exportDone(err, formatMarkdown) })
	h.waitFor("markdown", func() bool { return r.exported.Text != "" })
	if got, _ := filepath.Glob(filepath.Join(md, "*.md")); len(got) != 1 {
		t.Errorf("markdown: %v (%s)", got, h.a.lastError)
	}
	if !contains(h.a.setup.strategies, advisor.StrategyRAG) {
		t.Errorf("a plan with RAG should preselect the rag strategy: %v", h.a.setup.strategies)
	}
}

func TestWizardDraftSavedAndResumed(t *testing.T) {
	h := newHarness(t, "en")
	h.newDecision()
	w := h.a.wizard
	test.Type(w.useCase, "Sort support tickets")
	w.selects["task"].SetSelected(valueLabel("task", "classify"))
	w.extraTasks.SetSelected([]string{"extract"})
	test.Tap(w.next)
	if w.step != 1 {
		t.Fatalf("step = %d after Next, want 1", w.step)
	}
	w.selects["residency"].SetSelected(valueLabel("residency", "eu"))
	// Escape goes back, Enter goes on.
	w.onKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.step != 0 {
		t.Fatalf("Escape: step %d, want 0", w.step)
	}
	w.onKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if w.step != 1 {
		t.Fatalf("Enter: step %d, want 1", w.step)
	}
	// Right after picking an answer the drop-down keeps the focus, and a
	// focused widget gets every key: Enter and Escape must still reach the wizard.
	sel := w.selects["residency"]
	h.a.win.Canvas().Focus(sel)
	sel.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if w.step != 2 {
		t.Fatalf("Enter on a focused drop-down: step %d, want 2", w.step)
	}
	w.showStep(1)
	h.a.win.Canvas().Focus(sel)
	sel.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.step != 0 {
		t.Fatalf("Escape on a focused drop-down: step %d, want 0", w.step)
	}
	w.showStep(1)
	sel.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight}) // the arrows still change the answer
	if sel.Selected == valueLabel("residency", "eu") {
		t.Errorf("Right on a drop-down did not change the answer")
	}
	sel.SetSelected(valueLabel("residency", "eu"))
	if w.useCase.AcceptsTab() {
		t.Errorf("Tab in the use-case box types a tab instead of moving to the next question")
	}
	// Inside the use-case box: Escape goes back, Ctrl+Enter goes on, Enter is a new line.
	w.showStep(0)
	w.useCase.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierControl})
	if w.step != 1 {
		t.Fatalf("Ctrl+Enter in the text box: step %d, want 1", w.step)
	}
	if f := h.a.win.Canvas().Focused(); f != nil {
		t.Errorf("after leaving step 1 the focus is still on %T: Enter would go to a hidden field", f)
	}
	w.showStep(0)
	w.useCase.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if w.step != 0 || !strings.Contains(w.useCase.Text, "\n") {
		t.Fatalf("Enter in the text box: step %d, text %q", w.step, w.useCase.Text)
	}
	w.useCase.SetText("Sort support tickets")
	w.showStep(1)
	h.settle()
	id := h.a.decision.ID

	// Back on Home the draft is listed; opening it resumes the answers.
	h.a.show(screenHome)
	h.waitFor("decisions listed", func() bool { return h.a.home.loaded })
	if len(h.a.home.decisions) != 1 || h.a.home.decisions[0].Title != "Sort support tickets" {
		t.Fatalf("home lists %+v", h.a.home.decisions)
	}
	h.a.home.onOpen(id)
	h.waitFor("wizard reopened", func() bool { return h.a.current == screenWizard && h.a.wizard != w })
	w2 := h.a.wizard
	if w2.step != 1 {
		t.Errorf("the draft reopened on step %d, want 1 where it was left", w2.step)
	}
	if w2.useCase.Text != "Sort support tickets" {
		t.Errorf("use case = %q", w2.useCase.Text)
	}
	if got := w2.answers.Task; len(got) != 2 || got[0] != "classify" || got[1] != "extract" {
		t.Errorf("tasks = %v", got)
	}
	if w2.selects["residency"].Selected != valueLabel("residency", "eu") {
		t.Errorf("residency shows %q", w2.selects["residency"].Selected)
	}
	if w2.selects["latency"].Selected != dontKnow() {
		t.Errorf("unanswered question shows %q, want I don't know", w2.selects["latency"].Selected)
	}

	// Duplicate, then delete the copy.
	h.a.show(screenHome)
	h.waitFor("decisions listed", func() bool { return h.a.home.loaded })
	h.a.home.onDuplicate(id)
	h.waitFor("copy listed", func() bool { return len(h.a.home.decisions) == 2 })
	var copyID int64
	for _, d := range h.a.home.decisions {
		if d.ID != id {
			copyID = d.ID
			if !strings.HasSuffix(d.Title, " "+lang.L("home.copy_mark")) {
				t.Errorf("copy titled %q, want the translated copy mark", d.Title)
			}
		}
	}
	h.a.home.deleteDecision(copyID)
	h.waitFor("copy deleted", func() bool { return len(h.a.home.decisions) == 1 })
	if h.a.home.decisions[0].ID != id {
		t.Errorf("the original was deleted instead of the copy")
	}
}

func TestConflictRelaxationAppliedOnlyWhenPressed(t *testing.T) {
	h := newHarness(t, "en")
	// Find a scenario with a conflict whose relaxation changes answers.
	// The over-budget case first: it has a conflict by construction (B1),
	// whatever the scenarios do as the rules change.
	files, _ := filepath.Glob(filepath.Join(scenarioDir, "*.json"))
	files = append([]string{filepath.Join("testdata", "conflict-over-budget.json")}, files...)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		var s struct {
			Answers json.RawMessage `json:"answers"`
		}
		if json.Unmarshal(b, &s) != nil {
			continue
		}
		ans, err := advisor.ParseAnswersBytes(s.Answers)
		if err != nil {
			continue
		}
		rec, err := h.a.engine.Recommend(ans, "en")
		if err != nil {
			t.Fatal(err)
		}
		var c *advisor.Conflict
		for i := range rec.Conflicts {
			if len(rec.Conflicts[i].Relax) > 0 {
				c = &rec.Conflicts[i]
				break
			}
		}
		if c == nil {
			continue
		}
		d := &data.Decision{Title: filepath.Base(f), Answers: ans, Recommendation: rec, Status: "final"}
		if err := h.store().SaveDecision(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		h.a.openDecision(d)
		r := h.a.rec
		if len(r.conflicts) == 0 {
			t.Fatalf("%s: no relaxation button", f)
		}
		if !sameAnswers(h.a.decision.Answers, ans) {
			t.Fatal("answers changed before pressing")
		}
		for i, head := range r.conflictHeads {
			if strings.Contains(head.Text, "q.") || !strings.Contains(head.Text, rec.Conflicts[i].Between[0]) {
				t.Errorf("%s: conflict %d is headed %q, want its sides %q", f, i, head.Text, rec.Conflicts[i].Between)
			}
		}
		test.Tap(r.conflicts[0])
		h.waitFor("re-run", func() bool { return h.a.rec != r })
		for k, v := range c.Relax {
			if got := h.a.decision.Answers.Get(k); len(got) != 1 || got[0] != v {
				t.Errorf("%s: answer %s = %v after relaxing, want %s", f, k, got, v)
			}
		}
		if !h.a.rec.changes.Visible() || !strings.Contains(h.a.rec.changes.Text, "→") {
			t.Errorf("changed answers not shown: %q", h.a.rec.changes.Text)
		}
		return
	}
	t.Fatalf("neither testdata/conflict-over-budget.json nor a scenario of %s gives a conflict with a change of answers", scenarioDir)
}

func sameAnswers(a, b advisor.Answers) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestImportCasesWithBadRows(t *testing.T) {
	h := newMemHarness(t, "en")
	h.a.show(screenLiveTest)
	l := h.a.live
	path := filepath.Join(t.TempDir(), "cases.csv")
	csv := "input,expected,checks\n" +
		"What is the capital of France?,Paris,contains\n" +
		",missing input,contains\n" +
		"Say hi,hi,contains;exact\n" +
		"Bad check,x,telepathy\n" +
		"\"unterminated,quote\n"
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	l.importFile(path)
	h.waitFor("preview", func() bool { return l.preview != nil })
	p := l.preview
	if len(p.cases) != 2 {
		t.Fatalf("good rows = %d, want 2: %+v", len(p.cases), p.cases)
	}
	lines := map[int]string{}
	for _, b := range p.bad {
		lines[b.Line] = b.Reason()
	}
	if !strings.Contains(lines[3], "empty") {
		t.Errorf("line 3 reason = %q (all: %v)", lines[3], lines)
	}
	if !strings.Contains(lines[5], "telepathy") {
		t.Errorf("line 5 reason = %q (all: %v)", lines[5], lines)
	}
	if _, ok := lines[6]; !ok {
		t.Errorf("the unterminated quote on line 6 is not listed: %v", lines)
	}
	test.Tap(l.previewAdd)
	if len(l.s.cases) != 2 || l.s.cases[1].Checks[1] != "exact" {
		t.Fatalf("cases after import = %+v", l.s.cases)
	}
	if l.casesCount.Text != "2 examples" {
		t.Errorf("count label = %q", l.casesCount.Text)
	}
	if got := caseText(advisor.CaseKindChat, 1, l.s.cases[1]); strings.Contains(got, "exact") || !strings.Contains(got, checkLabel(advisor.CheckExact)) {
		t.Errorf("an example's checks are shown as %q, want their labels", got)
	}
	l.removeCase(0)
	if l.casesCount.Text != "1 example" {
		t.Errorf("count label with one example = %q", l.casesCount.Text)
	}
	l.addCases(l.s.cases[0])
	// The example editor's text boxes wrap and leave Tab to move to the next field.
	if tb := newTextBox(2); tb.AcceptsTab() || tb.Wrapping != fyne.TextWrapWord {
		t.Errorf("text box: AcceptsTab %v, wrapping %v", tb.AcceptsTab(), tb.Wrapping)
	}

	// JSONL: a bad line is listed, good ones kept.
	jpath := filepath.Join(t.TempDir(), "cases.jsonl")
	os.WriteFile(jpath, []byte(`{"input":"a","expected":"b"}`+"\n"+`{"input":`+"\n"+`{"input":"c","colour":"red"}`+"\n"), 0o600)
	l.importFile(jpath)
	h.waitFor("jsonl preview", func() bool { return l.preview != nil && l.preview.file == jpath })
	if len(l.preview.cases) != 1 || len(l.preview.bad) != 2 || l.preview.bad[0].Line != 2 || l.preview.bad[1].Line != 3 {
		t.Errorf("jsonl: %d good, bad %+v", len(l.preview.cases), l.preview.bad)
	}
}

func TestTranslationsComplete(t *testing.T) {
	read := func(name string) map[string]string {
		b, err := os.ReadFile(filepath.Join("..", "assets", "translations", name))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return m
	}
	en, pt := read("app.en.json"), read("app.pt-BR.json")
	for k, v := range en {
		if _, ok := pt[k]; !ok {
			t.Errorf("app.pt-BR.json lacks %q", k)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("app.en.json: %q is empty", k)
		}
	}
	for k, v := range pt {
		if _, ok := en[k]; !ok {
			t.Errorf("app.en.json lacks %q", k)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("app.pt-BR.json: %q is empty", k)
		}
	}
	answers := read("answers.en.json")

	// Every key literal in the sources exists: lang.L("…") and the keys
	// passed to fail(), labelled fields and tables.
	srcs, _ := filepath.Glob("*.go")
	lit := regexp.MustCompile(`"((?:app|btn|cases|catalog|connect|err|home|live|nav|rec|results|run|runstate|settings|strength|wizard|error|verdict)\.[a-z0-9_.]*[a-z0-9_])"`)
	call := regexp.MustCompile(`lang\.L\("([^"]+)"`)
	prefix := regexp.MustCompile(`(?:lang\.L|labelOr)\("([a-z_.]+\.)"\s*\+`)
	var prefixes []string
	for _, f := range srcs {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s: key %q is not in app.en.json", f, m[1])
			}
		}
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			if strings.HasSuffix(m[1], ".") {
				continue
			}
			if _, ok := en[m[1]]; !ok {
				if _, ok := answers[m[1]]; !ok {
					t.Errorf("%s: lang.L(%q) has no translation", f, m[1])
				}
			}
		}
		for _, m := range prefix.FindAllStringSubmatch(string(b), -1) {
			prefixes = append(prefixes, m[1])
		}
	}
	// Keys built from a prefix cover every value they can take.
	dyn := map[string][]string{
		"error.":          {advisor.ErrUnauthorized, advisor.ErrNotFound, advisor.ErrRateLimited, advisor.ErrServer, advisor.ErrTimeout, advisor.ErrConnection, advisor.ErrBadResponse, advisor.ErrContextLength, advisor.ErrBadRequest, advisor.ErrCancelled},
		"runstate.":       {advisor.RunRunning, advisor.RunDone, advisor.RunCancelled, advisor.RunInterrupted, advisor.RunFailed},
		"strength.":       {"hard", "strong", "soft"},
		"catalog.status.": {"active", "preview", "deprecated", "retired", "retiring", "shut_down", "legacy"},
		"catalog.refresh.err.": {modelsdev.ErrOffline, modelsdev.ErrTimeout, modelsdev.ErrCancelled, modelsdev.ErrHTTP, modelsdev.ErrFile,
			modelsdev.ErrTooLarge, modelsdev.ErrRefused, modelsdev.ErrSave, "other"},
		"catalog.unit.":   {"minute", "image"},
		"results.export.": {formatPDF, formatHTML, formatMarkdown, formatCSV, formatJSON, formatJSONL},
		"modality.":       {"text", "image", "audio"},
		"kind.":           endpointKinds,
		"casekind.":       caseKinds,
		"live.kind.":      caseKinds,
		"verdict.vs.":     {verdict.VsBest, verdict.VsTied, verdict.VsWorse, verdict.VsBetter, ""},
		"verdict.field.":  {"min_quality", "first_answer_p95_ms", "total_p95_ms", "max_monthly_usd", "volume_per_day", "local_only"},
	}
	dyn["live.import.name."] = caseFields
	dyn["live.import.check."] = allChecks
	dyn["blind.choice."] = verdict.Choices
	dyn["blind.chose."] = verdict.Choices
	dyn["diff."] = []string{verdict.DiffWorse, verdict.DiffBetter, verdict.DiffSame}
	dyn["capacity.kind."] = []string{advisor.LoadSynchronous, advisor.LoadThroughput, advisor.LoadConstant, advisor.LoadPoisson}
	dyn["connect.problem."] = []string{livetest.ProblemBadKey, livetest.ProblemModelAccess, livetest.ProblemNoCredit, livetest.ProblemRegion, livetest.ProblemUnreachable, livetest.ProblemRateLimited, livetest.ProblemNoKey, livetest.ProblemOther}
	sort.Strings(prefixes)
	for _, p := range prefixes {
		vals, ok := dyn[p]
		if !ok {
			if _, isAnswers := map[string]bool{"q.": true, "v.": true, "group.": true, "type.": true, "arch.": true, "weights.": true, "hosting.": true, "tier.": true, "step.": true, "strategy.": true, "check.": true}[p]; isAnswers {
				continue // answers.*.json, checked by the assets tests
			}
			t.Errorf("key prefix %q is not covered by this test", p)
			continue
		}
		for _, v := range vals {
			if _, ok := en[p+v]; !ok {
				t.Errorf("%s%s missing", p, v)
			}
		}
	}
}

func TestRecommendationFollowsLanguage(t *testing.T) {
	h := newHarness(t, "en")
	story, answers := scenario(t, "k1-eu-support-bot.json")
	h.newDecision()
	h.answerWizard(story, answers)
	h.waitFor("recommendation", func() bool { return h.a.current == screenRecommendation && h.a.rec != nil && h.a.rec.rec != nil })
	if h.a.rec.rec.Lang != "en" {
		t.Fatalf("lang = %q", h.a.rec.rec.Lang)
	}
	chartShown := func(r *recommendationScreen) bool { return r.chart.Visible() && r.chart.Resource != nil }
	h.waitFor("shortlist chart", func() bool { return chartShown(h.a.rec) })
	english := h.a.rec.chart.Resource.Content()
	h.a.show(screenSettings)
	h.a.settings.language.SetSelectedIndex(2)
	h.a.show(screenRecommendation)
	h.waitFor("recommendation in Portuguese", func() bool { return h.a.rec.rec.Lang == "pt-BR" })
	// The chart is drawn again in Portuguese, not the English one kept.
	h.waitFor("shortlist chart in Portuguese", func() bool { return chartShown(h.a.rec) })
	if bytes.Equal(h.a.rec.chart.Resource.Content(), english) {
		t.Error("the recommendation in Portuguese shows the English shortlist chart")
	}
	if h.a.rec.primary.Text != stepLabel(advisor.StepRAG) || !strings.Contains(h.a.rec.primary.Text, "RAG") {
		t.Errorf("primary = %q", h.a.rec.primary.Text)
	}
	h.settle()
	d, _ := h.store().Decision(context.Background(), h.a.decision.ID)
	if d.Recommendation.Lang != "pt-BR" {
		t.Errorf("stored recommendation in %q", d.Recommendation.Lang)
	}
}

func TestLanguageSwitch(t *testing.T) {
	h := newMemHarness(t, "en")
	h.a.show(screenSettings)
	if h.a.nav[screenHome].Text != "Home" {
		t.Fatalf("nav in English = %q", h.a.nav[screenHome].Text)
	}
	h.a.settings.language.SetSelectedIndex(2) // Português do Brasil
	if got := h.a.nav[screenHome].Text; got != "Início" {
		t.Errorf("after switching to pt-BR the nav says %q", got)
	}
	if h.a.current != screenSettings || h.a.settings.language.SelectedIndex() != 2 {
		t.Errorf("settings not rebuilt in place")
	}
	if h.a.langCode() != "pt-BR" {
		t.Errorf("langCode = %q", h.a.langCode())
	}
	h.a.settings.language.SetSelectedIndex(1)
	if got := h.a.nav[screenHome].Text; got != "Home" {
		t.Errorf("back to English the nav says %q", got)
	}
}

func TestTranslationsFor(t *testing.T) {
	b, err := translationsFor("pt-BR")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	// Both files of the language are merged: the app's words and the answers'.
	if m["nav.home"] != "Início" || m["v.dont_know"] != "Não sei" {
		t.Errorf("merged pt-BR: nav.home=%q v.dont_know=%q", m["nav.home"], m["v.dont_know"])
	}
}

func TestCatalogFilterAndCard(t *testing.T) {
	h := newMemHarness(t, "en")
	h.a.show(screenCatalog)
	c := h.a.catalog
	all := len(c.models)
	if all == 0 {
		t.Fatal("empty catalog")
	}
	c.openOnly.SetChecked(true)
	for _, m := range c.models {
		if m.Weights != advisor.WeightsOpen {
			t.Errorf("open-only shows %s (%s)", m.ID, m.Weights)
		}
	}
	if len(c.models) == 0 || len(c.models) >= all {
		t.Errorf("open-only: %d of %d", len(c.models), all)
	}
	c.openOnly.SetChecked(false)
	c.list.Select(0)
	if c.selected == nil || c.tryModel == nil {
		t.Fatalf("card not shown for the first model")
	}
	m := *c.selected
	c.onAddToTest(m)
	if len(h.a.candidates) != 1 || h.a.candidates[0].CatalogID != m.ID {
		t.Errorf("candidates = %+v", h.a.candidates)
	}
	c.onAddToTest(m)
	if len(h.a.candidates) != 1 {
		t.Errorf("added twice")
	}
}

func TestErrorSentenceIsTranslated(t *testing.T) {
	h := newMemHarness(t, "pt-BR")
	h.a.showError(fail("err.export", fmt.Errorf("disk full")))
	if h.a.lastError != "Não foi possível salvar o relatório." {
		t.Errorf("error sentence = %q", h.a.lastError)
	}
}

// openAIServer speaks OpenAI's streaming chat wire format: it answers every
// question with "Paris" in two chunks, then usage, then [DONE].
func openAIServer(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/models" {
			fmt.Fprint(w, `{"object":"list","data":[{"id":"fake-model","object":"model"}]}`)
			return
		}
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		chunk := func(delta, finish string) {
			f := "null"
			if finish != "" {
				f = `"` + finish + `"`
			}
			fmt.Fprintf(w, "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"fake-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":%q},\"finish_reason\":%s}]}\n\n", delta, f)
			w.(http.Flusher).Flush()
		}
		chunk("Par", "")
		chunk("is", "stop")
		fmt.Fprint(w, "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"fake-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14}}\n\n")
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLiveTestRunFromGUI(t *testing.T) {
	h := newHarness(t, "en")
	srv := openAIServer(t)
	h.a.detect = func(ctx context.Context) []localServer {
		return []localServer{{Name: "Local", BaseURL: srv.URL + "/v1", Models: []string{"fake-model"}}}
	}
	h.newDecision()
	h.a.show(screenLiveTest)
	l := h.a.live
	h.waitFor("detected server", func() bool { return len(l.detectedSrv) == 1 })
	// Add the detected model as a candidate through its button.
	if len(l.detectedAdd) != 1 {
		t.Fatalf("%d buttons for detected models, want 1", len(l.detectedAdd))
	}
	test.Tap(l.detectedAdd[0])
	if len(h.a.candidates) != 1 || h.a.candidates[0].BaseURL != srv.URL+"/v1" {
		t.Fatalf("candidates = %+v", h.a.candidates)
	}
	l.strategies.SetSelected([]string{advisor.StrategyZeroShot})
	l.addCases(
		advisor.Case{Input: "Capital of France?", Expected: "Paris"},
		advisor.Case{Input: "Capital of Italy?", Expected: "Rome"},
		advisor.Case{Input: "Say Paris", Expected: "paris", Checks: []string{advisor.CheckExact}},
	)
	test.Tap(l.start)
	h.waitFor("run finished", func() bool { return h.a.run != nil && h.a.run.finished })
	r := h.a.run
	if r.state != advisor.RunDone || r.done != 3 || r.errCount != 0 {
		t.Fatalf("run state %q, done %d, errors %d (%s)", r.state, r.done, r.errCount, h.a.lastError)
	}
	if len(r.got) != 3 || r.counts.Text != "3 of 3 done" {
		t.Errorf("shown %d results, counts %q", len(r.got), r.counts.Text)
	}
	for _, res := range r.got {
		if res.Output != "Paris" {
			t.Errorf("output %q", res.Output)
		}
		if want := res.Case != 1; res.Case != 2 && res.Passed != want { // case 1 expects Rome
			t.Errorf("case %d passed = %v, want %v", res.Case, res.Passed, want)
		}
	}
	// The results are in the database and on the Results screen.
	test.Tap(r.results)
	h.waitFor("results loaded", func() bool { return h.a.results != nil && h.a.results.loaded })
	rs := h.a.results
	if len(rs.results) != 3 || len(rs.summary) != 1 || rs.summary[0].Requests != 3 {
		t.Fatalf("results screen: %d results, summary %+v", len(rs.results), rs.summary)
	}
	if rs.summary[0].TokensIn != 36 || rs.summary[0].TokensOut != 6 {
		t.Errorf("tokens in/out = %d/%d, want 36/6 from the server's usage", rs.summary[0].TokensIn, rs.summary[0].TokensOut)
	}
	if got := rs.cellText(rs.columns[0], 0); !strings.Contains(got, "Paris") {
		t.Errorf("side by side cell = %q", got)
	}
	if !rs.exports[formatCSV].Disabled() {
		// Export CSV to a file through the same code the save dialog uses.
		path := filepath.Join(t.TempDir(), "out.csv")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		rs.exportTo(f, formatCSV, rs.input(rs.results))
		h.waitFor("export", func() bool { return rs.exported == formatCSV })
		b, _ := os.ReadFile(path)
		if !strings.Contains(string(b), "Paris") {
			t.Errorf("CSV export lacks the outputs: %q", b)
		}
	} else {
		t.Error("CSV export disabled after loading")
	}
	// Every other format, through the same function the save dialog calls.
	in := rs.input(rs.results)
	for format, prefix := range map[string]string{formatPDF: "%PDF", formatHTML: "<!DOCTYPE html", formatJSON: "[", formatJSONL: `{"messages"`} {
		var buf bytes.Buffer
		if err := writeExport(&buf, format, in); err != nil {
			t.Errorf("%s: %v", format, err)
			continue
		}
		if !strings.HasPrefix(strings.TrimSpace(buf.String()), prefix) {
			t.Errorf("%s export starts with %.40q", format, buf.String())
		}
	}
	// Deleting the run removes it and its results.
	runID := rs.run.ID
	rs.deleteRun(runID)
	h.waitFor("run deleted", func() bool { return h.a.results != rs && h.a.results.status.Text == lang.L("results.none") })
	if _, err := h.store().Run(context.Background(), runID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("deleted run still there: %v", err)
	}
	mdDir := t.TempDir()
	rs.exportMarkdown(mdDir, in)
	h.waitFor("markdown", func() bool { return rs.exported == formatMarkdown })
	if mds, _ := filepath.Glob(filepath.Join(mdDir, "*.md")); len(mds) != 1 {
		t.Errorf("markdown files: %v", mds)
	}
}

// slowServer answers after delay, so a run is still going when the test acts.
func slowServer(t *testing.T, delay time.Duration) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestWindowCloseCancelsRun(t *testing.T) {
	h := newHarness(t, "en")
	srv := slowServer(t, 100*time.Millisecond)
	h.a.candidates = []advisor.Endpoint{{Name: "slow", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "m"}}
	h.a.show(screenLiveTest)
	l := h.a.live
	l.concurrency.SetText("1")
	l.strategies.SetSelected([]string{advisor.StrategyZeroShot})
	for i := 0; i < 20; i++ {
		l.addCases(advisor.Case{Input: fmt.Sprint("q", i), Expected: "ok"})
	}
	test.Tap(l.start)
	h.waitFor("first result", func() bool { return h.a.run != nil && h.a.run.done >= 1 })
	st, id := h.store(), h.a.run.run.ID
	// Closing the window cancels the run; the store is closed after the
	// final state is written.
	closed := make(chan struct{})
	go func() { h.a.shutdown(); close(closed) }()
	h.waitFor("shutdown", func() bool {
		select {
		case <-closed:
			return true
		default:
			return false
		}
	})
	if h.a.ws != nil {
		t.Fatal("store still open after shutdown")
	}
	st2, err := data.Open(context.Background(), st.Path())
	if err != nil {
		t.Fatal(err)
	}
	run, err := st2.Run(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := st2.Results(context.Background(), id)
	st2.Close()
	// Closing the window interrupts the run (the user did not cancel it).
	if run.Status != advisor.RunInterrupted || len(res) == 0 || len(res) >= 20 {
		t.Fatalf("after closing: run %q with %d of 20 results", run.Status, len(res))
	}

	// Next start: the Results screen offers to finish the run, and finishing
	// it runs only the missing cells; the run screen lists the whole run.
	h2 := newHarnessIn(t, "en", filepath.Dir(st.Path()), t.TempDir())
	h2.a.show(screenResults)
	rs := h2.a.results
	h2.waitFor("results", func() bool { return rs.loaded })
	if !rs.resume.Visible() {
		t.Fatal("no Resume button for an interrupted run")
	}
	test.Tap(rs.resume)
	h2.waitFor("resumed run finished", func() bool { return h2.a.run != nil && h2.a.run.finished })
	if h2.a.run.state != advisor.RunDone || h2.a.run.done != 20 || len(h2.a.run.got) != 20 {
		t.Errorf("resume: state %q, done %d, new results %d (had %d)", h2.a.run.state, h2.a.run.done, len(h2.a.run.got), len(res))
	}
	all, _ := h2.store().Results(context.Background(), id)
	seen := map[int]bool{}
	for _, r := range all {
		if seen[r.Case] {
			t.Errorf("case %d done twice", r.Case)
		}
		seen[r.Case] = true
	}
	if len(all) != 20 {
		t.Errorf("%d results after resume, want 20", len(all))
	}
}

func TestCatalogImportTryAndAdd(t *testing.T) {
	h := newMemHarness(t, "en")
	h.a.show(screenCatalog)
	c := h.a.catalog
	before := len(c.models)

	good := filepath.Join(t.TempDir(), "mine.yaml")
	os.WriteFile(good, []byte(`models:
  - id: my-local-model
    name: My Local Model
    provider: Us
    type: text-llm
    architecture: decoder-only
    weights: open
    license: apache-2.0
    tasks: [chat_qa]
    modalities_in: [text]
    modalities_out: [text]
    context_tokens: 8192
    size_tier: small
    price_in_per_1m: 0
    price_out_per_1m: 0
    price_as_of: "2026-01-01"
    hosting: [self-hosted]
    status: active
    description: "Our fine-tune."
    source: https://example.com/model
`), 0o600)
	c.importFile(good)
	h.waitFor("import", func() bool { return len(c.models) == before+1 })
	if !strings.Contains(c.notice.Text, "1") {
		t.Errorf("notice = %q", c.notice.Text)
	}
	c.name.SetText("my local")
	if len(c.models) != 1 || c.models[0].ID != "my-local-model" {
		t.Fatalf("name filter: %+v", c.models)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("models:\n  - id: x\n    type: teleporter\n"), 0o600)
	c.importFile(bad)
	h.waitFor("import error", func() bool { return h.a.lastError != "" })
	if h.a.lastError != "The models file could not be imported." {
		t.Errorf("error sentence = %q", h.a.lastError)
	}

	// Try it against a local OpenAI-compatible server.
	srv := openAIServer(t)
	c.list.Select(0)
	setKind(c.tryKind, advisor.KindCompatible)
	c.tryURL.SetText(srv.URL + "/v1")
	c.tryModel.SetText("my-local-model")
	test.Tap(c.trySend)
	h.waitFor("answer", func() bool { return c.tryAnswer.Text == "Paris" })
	if !strings.Contains(c.tryStats.Text, "12 tokens in, 2 out") {
		t.Errorf("stats = %q", c.tryStats.Text)
	}
	// Add to test keeps the endpoint typed in the Try box.
	c.onAddToTest(*c.selected)
	if len(h.a.candidates) != 1 || h.a.candidates[0].BaseURL != srv.URL+"/v1" || h.a.candidates[0].Model != "my-local-model" {
		t.Errorf("candidate = %+v", h.a.candidates)
	}
}

func TestEndpointEditorTestConnection(t *testing.T) {
	h := newMemHarness(t, "en")
	srv := openAIServer(t)
	h.a.show(screenLiveTest)
	l := h.a.live
	l.editEndpoint(-1)
	e := l.editor
	setKind(e.kind, advisor.KindCompatible)
	e.name.SetText("local")
	e.baseURL.SetText(srv.URL + "/v1")
	e.model.SetText("fake-model")
	e.priceIn.SetText("0.5")
	test.Tap(e.testBtn)
	h.waitFor("connection tested", func() bool { return strings.HasPrefix(e.testResult.Text, "It answered in") })

	// A refused key is reported in plain words.
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`)
	}))
	defer refuse.Close()
	e.baseURL.SetText(refuse.URL + "/v1")
	test.Tap(e.testBtn)
	h.waitFor("refusal", func() bool { return strings.HasPrefix(e.testResult.Text, "It did not answer:") })
	if !strings.Contains(e.testResult.Text, "401") {
		t.Errorf("refusal = %q", e.testResult.Text)
	}

	// Nothing listening at the address: say so and what to check, not the
	// network library's "dial tcp …: connect: connection refused".
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL + "/v1"
	dead.Close()
	e.baseURL.SetText(deadURL)
	test.Tap(e.testBtn)
	h.waitFor("no server", func() bool { return e.testBtn.Disabled() == false && strings.Contains(e.testResult.Text, deadURL) })
	if got := e.testResult.Text; strings.Contains(got, "dial tcp") || !strings.Contains(got, "port") {
		t.Errorf("no server at the address: %q", got)
	}

	ep, err := e.endpoint(advisor.Endpoint{})
	if err != nil || ep.PriceInPer1M == nil || *ep.PriceInPer1M != 0.5 || ep.PriceOutPer1M != nil {
		t.Errorf("endpoint = %+v, %v", ep, err)
	}
	e.priceOut.SetText("cheap")
	if _, err := e.endpoint(advisor.Endpoint{}); err == nil || !strings.Contains(err.Error(), "Price out (USD / 1M tokens)") || !strings.Contains(err.Error(), "cheap") {
		t.Errorf("a bad price gives %v", err)
	}
}

func TestSettingsDataFolderAndTheme(t *testing.T) {
	h := newHarness(t, "en")
	h.a.show(screenSettings)
	s := h.a.settings
	dir := t.TempDir()
	s.onFolder(dir)
	want := filepath.Join(dir, "advisor.db")
	h.waitFor("store reopened", func() bool { return h.a.ws != nil && h.store().Path() == want })
	if _, err := os.Stat(want); err != nil {
		t.Errorf("no database in the new folder: %v", err)
	}
	s.onFolder("relative/path")
	if h.a.lastError != "That folder cannot be used." {
		t.Errorf("relative folder: %q", h.a.lastError)
	}
	s.themeSel.SetSelectedIndex(2)
	if h.fa.Preferences().String(prefTheme) != "dark" {
		t.Errorf("theme preference = %q", h.fa.Preferences().String(prefTheme))
	}
	s.concurrency.SetText("500")
	if h.a.concurrency() == 500 {
		t.Error("concurrency 500 accepted")
	}
	s.concurrency.SetText("12")
	if h.a.concurrency() != 12 {
		t.Errorf("concurrency = %d", h.a.concurrency())
	}
}

func TestPlanJudgeAndEmbedding(t *testing.T) {
	h := newMemHarness(t, "en")
	h.a.candidates = []advisor.Endpoint{
		{Name: "a", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:1/v1", Model: "m1"},
		{Name: "b", Kind: advisor.KindOpenAI, Model: "gpt-x", APIKeyEnv: "OPENAI_API_KEY"},
	}
	h.a.show(screenLiveTest)
	l := h.a.live
	l.addCases(advisor.Case{Input: "q", Expected: "a", Checks: []string{advisor.CheckJudge, advisor.CheckSimilarity}})
	l.strategies.SetSelected([]string{advisor.StrategyZeroShot})
	p := l.plan()
	livetest.Defaults(&p)
	if err := livetest.ValidatePlan(p); err == nil || !strings.Contains(err.Error(), "judge") || !strings.Contains(err.Error(), "embedding") {
		t.Fatalf("without helpers: %v", err)
	}
	l.judge.SetSelectedIndex(2)
	l.rubric.SetText("Correct and polite.")
	l.embedding.SetSelectedIndex(1)
	l.embedModel.SetText("nomic-embed-text")
	p = l.plan()
	livetest.Defaults(&p)
	if err := livetest.ValidatePlan(p); err != nil {
		t.Fatalf("with helpers: %v", err)
	}
	if p.Judge == nil || p.Judge.Name != "b" || p.Rubric != "Correct and polite." {
		t.Errorf("judge = %+v, rubric %q", p.Judge, p.Rubric)
	}
	if p.Embedding == nil || p.Embedding.Model != "nomic-embed-text" || p.Embedding.BaseURL != "http://127.0.0.1:1/v1" {
		t.Errorf("embedding = %+v", p.Embedding)
	}
}

func TestHomeListsProblemsOfUserFiles(t *testing.T) {
	cfg := t.TempDir()
	os.MkdirAll(filepath.Join(cfg, "llm-advisor"), 0o755)
	os.WriteFile(filepath.Join(cfg, "llm-advisor", "rules.yaml"), []byte("rules:\n  - id: X1\n    when: 'no_such_answer == \"x\"'\n"), 0o600)
	// Only what the start does: no other screen has asked for the engine.
	h := startHarness(t, "en", t.TempDir(), cfg)
	if h.a.engine == nil || len(h.a.engine.Problems()) == 0 {
		t.Fatal("the start built no engine, or it found no problem in a broken rules file")
	}
	var found bool
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			if strings.Contains(x.Text, "rules.yaml") {
				found = true
			}
		case *fyne.Container:
			for _, k := range x.Objects {
				walk(k)
			}
		case fyne.Widget:
			for _, k := range test.WidgetRenderer(x).Objects() {
				walk(k)
			}
		}
	}
	walk(h.a.win.Content())
	if !found {
		t.Error("Home does not show the problem with rules.yaml")
	}
}

func TestCorruptDatabaseSaysSoOnHome(t *testing.T) {
	dir := t.TempDir()
	junk := []byte("this is not a database, but someone's notes")
	os.WriteFile(filepath.Join(dir, "advisor.db"), junk, 0o600)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	fa := test.NewTempApp(t)
	fa.Preferences().SetString(prefDataFolder, dir)
	t.Cleanup(func() { applyLanguage("") })
	h := &harness{t: t, fa: fa, q: make(chan func(), 64)}
	h.a = newApp(fa, func(f func()) { h.q <- f }, nil)
	h.waitFor("load", func() bool { return h.a.ready })
	if h.a.ws != nil || h.a.storeErr == nil {
		t.Fatal("a junk file opened as a database")
	}
	if h.a.lastError != "Your data could not be opened." || !strings.Contains(h.a.home.empty.Text, "Settings") {
		t.Errorf("error %q, home says %q", h.a.lastError, h.a.home.empty.Text)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "advisor.db")); string(b) != string(junk) {
		t.Error("the file was changed")
	}

	// New decision explains instead of failing silently.
	h.a.lastError = ""
	test.Tap(h.a.home.newButton)
	if h.a.lastError != "Your data could not be opened." {
		t.Errorf("New decision without a database says %q", h.a.lastError)
	}
}

// mediaServer speaks OpenAI's image generation and transcription endpoints.
func mediaServer(t *testing.T) *httptest.Server {
	var png1 bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	png.Encode(&png1, img)
	b64 := base64.StdEncoding.EncodeToString(png1.Bytes())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/images/generations":
			fmt.Fprintf(w, `{"created":1,"data":[{"b64_json":%q}]}`, b64)
		case "/v1/audio/transcriptions":
			fmt.Fprint(w, `{"text":"Hello, world."}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// wav writes one second of 16 kHz mono silence.
func wav(t *testing.T, path string) {
	const rate, n = 16000, 16000
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + n*2))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))
	le(uint16(1))
	le(uint32(rate))
	le(uint32(rate * 2))
	le(uint16(2))
	le(uint16(16))
	b.WriteString("data")
	le(uint32(n * 2))
	b.Write(make([]byte, n*2))
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestImageRunAndVerdict(t *testing.T) {
	h := newHarness(t, "en")
	srv := mediaServer(t)
	h.a.candidates = []advisor.Endpoint{{Name: "painter", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "sd-turbo"}}
	h.a.show(screenLiveTest)
	h.a.live.kind.SetSelectedIndex(indexOf(caseKinds, advisor.CaseKindImage))
	l := h.a.live // rebuilt for the kind
	if l.s.kind != advisor.CaseKindImage || l.imageSize == nil {
		t.Fatalf("kind %q", l.s.kind)
	}
	l.addCases(advisor.Case{Input: "A lighthouse at dawn, watercolour"})
	test.Tap(l.start)
	h.waitFor("run", func() bool { return h.a.run != nil && h.a.run.finished })
	if h.a.run.state != advisor.RunDone || h.a.run.errCount != 0 {
		t.Fatalf("run %q, %d errors (%s)", h.a.run.state, h.a.run.errCount, h.a.lastError)
	}
	test.Tap(h.a.run.results)
	h.waitFor("results", func() bool { return h.a.results != nil && h.a.results.loaded })
	rs := h.a.results
	if len(rs.verdicts) != 1 {
		t.Fatalf("%d images offered for a verdict", len(rs.verdicts))
	}
	var id int64
	for k := range rs.verdicts {
		id = k
	}
	if s := rs.summary[0]; s.Image == nil || s.Image.Rated != 0 {
		t.Fatalf("summary before the verdict: %+v", s.Image)
	}
	test.Tap(rs.verdicts[id][0])
	h.waitFor("verdict", func() bool { return rs.loaded && rs.summary[0].Image != nil && rs.summary[0].Image.Rated == 1 })
	if rs.summary[0].Image.Accepted != 1 || !strings.Contains(kindDetails(rs.summary[0]), "1 of 1") {
		t.Errorf("after accepting: %+v, %q", rs.summary[0].Image, kindDetails(rs.summary[0]))
	}
}

func TestTranscriptionRunFromGUI(t *testing.T) {
	h := newHarness(t, "en")
	srv := mediaServer(t)
	h.a.candidates = []advisor.Endpoint{{Name: "whisper", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "whisper-1"}}
	h.a.show(screenLiveTest)
	h.a.live.kind.SetSelectedIndex(indexOf(caseKinds, advisor.CaseKindTranscription))
	l := h.a.live
	dir := t.TempDir()
	wav(t, filepath.Join(dir, "a.wav"))
	csvPath := filepath.Join(dir, "audio.csv")
	os.WriteFile(csvPath, []byte("audio,expected\n"+filepath.Join(dir, "a.wav")+",hello world\n"+filepath.Join(dir, "b.ogg")+",x\n"), 0o600)
	l.importFile(csvPath)
	h.waitFor("preview", func() bool { return l.preview != nil })
	if len(l.preview.cases) != 1 || len(l.preview.bad) != 1 || !strings.Contains(l.preview.bad[0].Reason(), "b.ogg") {
		t.Fatalf("import: %d good, bad %+v", len(l.preview.cases), l.preview.bad)
	}
	test.Tap(l.previewAdd)
	test.Tap(l.start)
	h.waitFor("run", func() bool { return h.a.run != nil && h.a.run.finished })
	if h.a.run.state != advisor.RunDone || h.a.run.errCount != 0 {
		t.Fatalf("run %q, %d errors (%s / %+v)", h.a.run.state, h.a.run.errCount, h.a.lastError, h.a.run.got)
	}
	test.Tap(h.a.run.results)
	h.waitFor("results", func() bool { return h.a.results != nil && h.a.results.loaded })
	s := h.a.results.summary[0]
	if s.Transcription == nil || s.Transcription.WER != 0 {
		t.Fatalf("transcription summary %+v", s.Transcription)
	}
	if got := kindDetails(s); !strings.HasPrefix(got, "word errors 0%") {
		t.Errorf("details = %q", got)
	}
}

func TestEmbeddingPlanFromSetup(t *testing.T) {
	h := newMemHarness(t, "en")
	h.a.candidates = []advisor.Endpoint{{Name: "emb", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:1/v1", Model: "nomic-embed-text"}}
	h.a.show(screenLiveTest)
	h.a.live.kind.SetSelectedIndex(indexOf(caseKinds, advisor.CaseKindEmbedding))
	l := h.a.live
	docs := t.TempDir()
	os.WriteFile(filepath.Join(docs, "refunds.md"), []byte("Refunds take five days."), 0o600)
	os.WriteFile(filepath.Join(docs, "shipping.md"), []byte("We ship worldwide."), 0o600)
	l.documents.SetText(docs)
	l.addCases(advisor.Case{Input: "how long do refunds take", Relevant: []string{"refunds.md"}})
	p := l.plan()
	livetest.Defaults(&p)
	if err := livetest.ValidatePlan(p); err != nil {
		t.Fatalf("embedding plan: %v", err)
	}
	if p.Kind != advisor.CaseKindEmbedding || len(p.Cases[0].Checks) != 0 || p.Documents != docs {
		t.Errorf("plan kind %q, checks %v, documents %q", p.Kind, p.Cases[0].Checks, p.Documents)
	}
	// A document that is not in the folder is caught before the run.
	l.addCases(advisor.Case{Input: "x", Relevant: []string{"nowhere.md"}})
	p = l.plan()
	livetest.Defaults(&p)
	if err := livetest.ValidatePlan(p); err == nil || !strings.Contains(err.Error(), "nowhere.md") {
		t.Errorf("missing document: %v", err)
	}
}

func TestShortlistNeverShowsASilentZero(t *testing.T) {
	newMemHarness(t, "en")
	text := func(s advisor.Shortlisted) string {
		row := shortlistRow(s)[0].(*fyne.Container)
		return row.Objects[1].(*widget.Label).Text
	}
	if got := text(advisor.Shortlisted{ID: "llama", SelfHosted: true}); got != "no API cost — needs your hardware" {
		t.Errorf("self-hosted: %q", got)
	}
	if got := text(advisor.Shortlisted{ID: "x"}); got != "price unknown" {
		t.Errorf("unpriced: %q", got)
	}
	if got := text(advisor.Shortlisted{ID: "y", CostKnown: true, MonthlyCostUSD: 12.5}); got != "about $12.50 a month" {
		t.Errorf("priced: %q", got)
	}
}

// The endpoints and examples typed in the live-test setup survive closing
// the app before the test was started; a deleted decision takes them along.
func TestLiveTestSetupSurvivesRestart(t *testing.T) {
	dir, cfg := t.TempDir(), t.TempDir()
	h := newHarnessIn(t, "en", dir, cfg)
	h.newDecision()
	id := h.a.decision.ID
	h.a.show(screenLiveTest)
	l := h.a.live
	h.a.candidates = append(h.a.candidates, advisor.Endpoint{Name: "local", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:9/v1", Model: "m", APIKeyEnv: "LOCAL_KEY"})
	l.refreshCandidates()
	l.addCases(advisor.Case{Input: "Where is my order?", Expected: "tracking"}, advisor.Case{Input: "Refunds?", Expected: "30 days", Checks: []string{advisor.CheckExact}})
	l.documents.SetText("/srv/help-center")
	h.a.show(screenHome) // leaving the screen keeps the text fields too
	h.settle()

	h2 := newHarnessIn(t, "en", dir, cfg)
	h2.a.show(screenHome)
	h2.a.home.onOpen(id)
	h2.waitFor("draft reopened", func() bool { return h2.a.current == screenWizard && h2.a.decision != nil && h2.a.decision.ID == id })
	h2.a.show(screenLiveTest)
	s := h2.a.setup
	if len(s.cases) != 2 || s.cases[1].Expected != "30 days" || s.cases[1].Checks[0] != advisor.CheckExact {
		t.Errorf("cases after a restart = %+v", s.cases)
	}
	if len(h2.a.candidates) != 1 || h2.a.candidates[0].BaseURL != "http://127.0.0.1:9/v1" || h2.a.candidates[0].APIKeyEnv != "LOCAL_KEY" {
		t.Errorf("candidates after a restart = %+v", h2.a.candidates)
	}
	if s.documents != "/srv/help-center" || h2.a.live.documents.Text != "/srv/help-center" {
		t.Errorf("documents after a restart = %q", s.documents)
	}
	if h2.a.live.casesCount.Text != "2 examples" {
		t.Errorf("the screen shows %q", h2.a.live.casesCount.Text)
	}

	path := h2.a.setupDraftPath(id)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no saved setup: %v", err)
	}
	h2.a.show(screenHome)
	h2.waitFor("decisions listed", func() bool { return h2.a.home.loaded })
	h2.a.home.deleteDecision(id)
	h2.waitFor("deleted", func() bool { return len(h2.a.home.decisions) == 0 })
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the setup of a deleted decision is still on disk: %v", err)
	}
}

// The acceptance criteria typed and the strategy ladder chosen in the
// live-test setup survive closing the app before Start, as the user left
// them (a cleared field stays cleared, not re-derived from the answers).
func TestLiveTestCriteriaSurviveRestart(t *testing.T) {
	dir, cfg := t.TempDir(), t.TempDir()
	h := newHarnessIn(t, "en", dir, cfg)
	h.newDecision()
	id := h.a.decision.ID
	h.a.show(screenLiveTest)
	l := h.a.live
	l.criteria.quality.SetText("85")
	l.criteria.first.SetText("1200")
	l.criteria.budget.SetText("")
	l.criteria.local.SetChecked(true)
	test.Tap(l.ladderCheck)
	h.a.shutdown() // closing the window, still on the setup

	h2 := newHarnessIn(t, "en", dir, cfg)
	h2.a.show(screenHome)
	h2.a.home.onOpen(id)
	h2.waitFor("draft reopened", func() bool { return h2.a.decision != nil && h2.a.decision.ID == id })
	h2.a.show(screenLiveTest)
	acc := h2.a.setup.acceptance
	if acc == nil || acc.MinQuality == nil || *acc.MinQuality != 0.85 || acc.FirstAnswerP95Ms == nil || *acc.FirstAnswerP95Ms != 1200 ||
		acc.MaxMonthlyUSD != nil || acc.LocalOnly == nil || !*acc.LocalOnly {
		t.Errorf("criteria after a restart = %+v", acc)
	}
	if !h2.a.setup.ladder || !h2.a.live.ladderCheck.Checked {
		t.Error("the strategy ladder was not kept")
	}
	if got := h2.a.live.criteria.quality.Text; got != "85" {
		t.Errorf("the form shows quality %q", got)
	}
}

// A setup the run would refuse names the part of the screen to fix, in
// plain words, not the plan file's field.
func TestLiveTestProblemNamesTheSection(t *testing.T) {
	h := newMemHarness(t, "en")
	h.newDecision()
	h.a.show(screenLiveTest)
	l := h.a.live
	h.a.candidates = []advisor.Endpoint{{Name: "local", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:9/v1", Model: "m"}}
	l.refreshCandidates()
	l.s.strategies = []string{advisor.StrategyZeroShot, advisor.StrategyFewShot}
	l.s.fewShot = nil
	l.addCases(advisor.Case{Input: "q", Expected: "a"})
	l.onStart()
	got := l.problem.Text
	if !l.problem.Visible() || strings.Contains(got, "few_shot") || !strings.Contains(got, lang.L("live.fewshot")) || !strings.Contains(got, strategyLabel(advisor.StrategyFewShot)) {
		t.Errorf("few-shot without examples: %q", got)
	}
	l.s.strategies = []string{advisor.StrategyZeroShot}
	l.s.cases = nil
	l.refreshCases()
	l.onStart()
	if got := l.problem.Text; strings.Contains(got, "cases:") || !strings.Contains(got, "Your examples") {
		t.Errorf("no cases: %q", got)
	}
}

// "Test this" fills the candidates from the shortlist only the first time:
// pressing it again, in this session or after a restart, keeps the endpoints
// the user edited.
func TestTestThisKeepsEditedEndpoints(t *testing.T) {
	dir, cfg := t.TempDir(), t.TempDir()
	h := newHarnessIn(t, "en", dir, cfg)
	story, answers := scenario(t, "k1-eu-support-bot.json")
	h.newDecision()
	id := h.a.decision.ID
	h.answerWizard(story, answers)
	h.waitFor("recommendation", func() bool { return h.a.current == screenRecommendation && h.a.rec != nil && h.a.rec.rec != nil })
	h.a.rec.onTestThis()
	n := len(h.a.candidates)
	if n == 0 || n != len(h.a.rec.rec.Shortlist) {
		t.Fatalf("first Test this: %d candidates for a shortlist of %d", n, len(h.a.rec.rec.Shortlist))
	}
	h.a.candidates[0].BaseURL = "http://127.0.0.1:9/v1"
	h.a.live.refreshCandidates()

	// Back to the same recommendation: its chart is shown at once, the one
	// drawn before (drawn once per recommendation, not per visit).
	h.waitFor("shortlist chart", func() bool { return h.a.lastChart.png != nil })
	first := h.a.lastChart.png
	h.a.show(screenRecommendation)
	if c := h.a.rec.chart; !c.Visible() || c.Resource == nil || !bytes.Equal(c.Resource.Content(), first) {
		t.Error("back on the same recommendation, its shortlist chart is not shown at once")
	}
	h.a.rec.onTestThis()
	if len(h.a.candidates) != n || h.a.candidates[0].BaseURL != "http://127.0.0.1:9/v1" {
		t.Errorf("Test this again: %d candidates, first %+v", len(h.a.candidates), h.a.candidates[0])
	}
	h.a.show(screenHome)
	h.settle()

	h2 := newHarnessIn(t, "en", dir, cfg)
	h2.a.show(screenHome)
	h2.a.home.onOpen(id)
	h2.waitFor("recommendation", func() bool { return h2.a.current == screenRecommendation && h2.a.rec != nil && h2.a.rec.rec != nil })
	h2.a.rec.onTestThis()
	if len(h2.a.candidates) != n || h2.a.candidates[0].BaseURL != "http://127.0.0.1:9/v1" {
		t.Errorf("Test this after a restart: %d candidates, first %+v", len(h2.a.candidates), h2.a.candidates[0])
	}
}

// Warning and success text (the recommendation's warnings, "answers
// changed", "it answered in …") is readable on both themes: a contrast of at
// least 4.5:1 with the background, as WCAG asks of body text.
func TestStatusColoursReadable(t *testing.T) {
	fa := test.NewTempApp(t)
	lum := func(c color.Color) float64 {
		r, g, b, _ := c.RGBA()
		ch := func(v uint32) float64 {
			x := float64(v) / 0xffff
			if x <= 0.03928 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(b)
	}
	contrast := func(a, b color.Color) float64 {
		la, lb := lum(a), lum(b)
		if la < lb {
			la, lb = lb, la
		}
		return (la + 0.05) / (lb + 0.05)
	}
	for _, pref := range []string{"light", "dark"} {
		applyTheme(fa, pref)
		th := fa.Settings().Theme()
		for _, n := range []fyne.ThemeColorName{theme.ColorNameWarning, theme.ColorNameSuccess} {
			if c := contrast(th.Color(n, 0), th.Color(theme.ColorNameBackground, 0)); c < 4.5 {
				t.Errorf("%s theme: %s text has a contrast of %.1f:1 with the background", pref, n, c)
			}
		}
	}
}

func TestETAText(t *testing.T) {
	setupTranslations()
	applyLanguage("en")
	defer applyLanguage("")
	for d, want := range map[time.Duration]string{400 * time.Millisecond: "about 1s left", 90 * time.Second: "about 1m30s left", 2600 * time.Millisecond: "about 3s left"} {
		if got := etaText(d); got != want {
			t.Errorf("etaText(%v) = %q, want %q", d, got, want)
		}
	}
}
