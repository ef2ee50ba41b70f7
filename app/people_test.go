package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
)

// peopleRunPlan stores a run of two options (alpha, beta) on n cases whose
// answers do not name their model, and opens Results on it.
func peopleRunPlan(t *testing.T, h *harness, n int) *resultsScreen {
	t.Helper()
	p := advisor.Plan{Name: "tone check", Strategies: []string{advisor.StrategyZeroShot},
		Endpoints: []advisor.Endpoint{{Name: "alpha", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:9/v1", Model: "a"},
			{Name: "beta", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:9/v1", Model: "b"}}}
	now := time.Now().UTC()
	var res []advisor.Result
	for i := 0; i < n; i++ {
		p.Cases = append(p.Cases, advisor.Case{Input: fmt.Sprintf("Customer %d asks to swap a gift", i), Expected: "kind and brief"})
		res = append(res,
			advisor.Result{Endpoint: "alpha", Strategy: advisor.StrategyZeroShot, Case: i, LatencyMs: 200, Score: 1, Passed: true, Output: fmt.Sprintf("Sure! Reply %d, first wording.", i), StartedAt: now, EndedAt: now},
			advisor.Result{Endpoint: "beta", Strategy: advisor.StrategyZeroShot, Case: i, LatencyMs: 300, Score: float64(i % 2), Passed: i%2 == 1, Output: fmt.Sprintf("Yes. Reply %d, second wording.", i), StartedAt: now, EndedAt: now})
	}
	savedRun(t, h, p, 2*n, advisor.RunDone, res)
	h.a.show(screenResults)
	r := h.a.results
	h.waitFor("results", func() bool { return r.loaded })
	h.settle()
	return r
}

func (h *harness) key(name fyne.KeyName) {
	h.t.Helper()
	h.a.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: name})
	h.settle()
}

// A blind session driven by the keyboard: the order of each item's answers
// is random (both orders occur across the cases, so it is not fixed by
// option), the names are nowhere on screen until the choice and are
// revealed after it, every key stores the right choice, and the session
// resumes after leaving, in the same order. The verdict then carries the
// win rates.
func TestBlindSessionKeyboard(t *testing.T) {
	h := newHarness(t, "en")
	h.a.prefs.SetString(prefRaterName, "ana")
	r := peopleRunPlan(t, h, 20)
	if r.compareBt.Disabled() {
		t.Fatal("Compare answers is disabled for a run with two options")
	}
	test.Tap(r.compareBt)
	h.settle()
	b := h.a.blind
	if h.a.current != screenBlind || b == nil || b.blind == nil {
		t.Fatalf("the blind screen did not open (%s, %q)", h.a.current, h.a.lastError)
	}
	items := b.blind.Session.Items
	if len(items) != 20 || b.progress.Text != "1 of 20" {
		t.Fatalf("%d items, progress %q", len(items), b.progress.Text)
	}
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.KeyLeft, fyne.KeyRight, fyne.KeyDown, fyne.KeyUp, fyne.Key1, fyne.Key2}
	want := []string{verdict.ChoiceLeft, verdict.ChoiceRight, verdict.ChoiceSame, verdict.ChoiceBothBad, verdict.ChoiceLeft, verdict.ChoiceRight, verdict.ChoiceSame, verdict.ChoiceBothBad, verdict.ChoiceLeft, verdict.ChoiceRight}
	alphaLeft := 0
	for i, k := range keys {
		it := items[i]
		// The only names on screen are the previous example's, in the
		// line that reveals them (its sides were drawn apart from these).
		screen := strings.Replace(strings.Join(texts(b.view), "\n"), b.revealed.Text, "", 1)
		if strings.Contains(screen, "alpha") || strings.Contains(screen, "beta") || (i == 0 && b.revealed.Text != "") {
			t.Fatalf("item %d: a name is on screen before the choice:\n%s", i, screen)
		}
		if !strings.Contains(b.left.Text, fmt.Sprintf("Reply %d,", it.Case)) || !strings.Contains(b.right.Text, fmt.Sprintf("Reply %d,", it.Case)) {
			t.Fatalf("item %d shows %q and %q for case %d", i, b.left.Text, b.right.Text, it.Case)
		}
		left := b.blind.Answers[it.Left].Endpoint
		if left == "alpha" {
			alphaLeft++
		}
		h.key(k)
		if b.idx != i+1 || b.progress.Text != fmt.Sprintf("%d of 20", i+2) {
			t.Fatalf("after key %d: item %d, progress %q (%q)", i, b.idx, b.progress.Text, h.a.lastError)
		}
		right := b.blind.Answers[it.Right].Endpoint
		if !strings.Contains(b.revealed.Text, "left answer was "+left+" · ") || !strings.Contains(b.revealed.Text, "right one "+right+" · ") {
			t.Errorf("after choice %d the names are not revealed: %q", i, b.revealed.Text)
		}
	}
	for _, it := range items[10:] {
		if b.blind.Answers[it.Left].Endpoint == "alpha" {
			alphaLeft++
		}
	}
	if alphaLeft == 0 || alphaLeft == 20 {
		t.Errorf("alpha was on the left in %d of 20 cases: the order is fixed by option", alphaLeft)
	}
	// Backspace goes back to the tenth item; choosing again replaces it.
	h.key(fyne.KeyBackspace)
	if b.idx != 9 {
		t.Fatalf("Backspace: item %d", b.idx)
	}
	h.key(fyne.Key3)
	want[9] = verdict.ChoiceSame
	js, err := h.store().RunJudgements(context.Background(), b.blind.Session.RunID)
	if err != nil || len(js) != 10 {
		t.Fatalf("%d judgements stored, %v", len(js), err)
	}
	for i, it := range items[:10] {
		found := false
		for _, j := range js {
			if j.Left == it.Left && j.Right == it.Right {
				found = true
				if j.Choice != want[i] || j.Who != "ana" || j.SessionID != b.blind.Session.ID {
					t.Errorf("item %d stored %+v, want %s by ana", i, j, want[i])
				}
			}
		}
		if !found {
			t.Errorf("item %d not stored as shown", i)
		}
	}

	// Leave and come back: the same session, the same order, at item 11.
	h.a.show(screenResults)
	h.waitFor("results again", func() bool { return h.a.results.loaded })
	h.settle()
	r = h.a.results
	v := r.verdict.v
	if v == nil || len(v.HumanPairs) != 1 || v.HumanPairs[0].Judged != 10 {
		t.Fatalf("the verdict has no blind figures: %+v", v)
	}
	for _, c := range v.Candidates {
		if c.HumanWinRate == nil || c.HumanJudged != 10 {
			t.Errorf("%s: no win rate", c.Endpoint)
		}
	}
	if !strings.Contains(r.peopleTab.summary.Text, "of 10 blind comparisons") || !strings.Contains(r.verdict.people.Text, "blind comparisons") {
		t.Errorf("people's figures not shown: %q / %q", r.peopleTab.summary.Text, r.verdict.people.Text)
	}
	test.Tap(r.peopleTab.blindBtn)
	h.settle()
	b2 := h.a.blind
	if b2.blind.Session.ID != b.blind.Session.ID || b2.idx != 10 || b2.progress.Text != "11 of 20" {
		t.Fatalf("resumed session %d at %d (%q)", b2.blind.Session.ID, b2.idx, b2.progress.Text)
	}
	for i := range items {
		if b2.blind.Session.Items[i] != items[i] {
			t.Fatalf("item %d moved on resume", i)
		}
	}
	// Keys typed into the name field are text, not choices.
	h.a.win.Canvas().Focus(b2.who)
	test.Type(b2.who, "1")
	if b2.idx != 10 {
		t.Errorf("typing in the name field chose: item %d", b2.idx)
	}
	h.a.win.Canvas().Unfocus()
	for i := 10; i < 20; i++ {
		h.key(fyne.Key1)
	}
	if b2.pair.Visible() || !strings.Contains(b2.done.Text, "All 20 compared") || !strings.Contains(b2.done.Text, "of 20 blind comparisons") {
		t.Errorf("the end of the session: %q", b2.done.Text)
	}
}

// Scores by keyboard, 1–5 and thumbs, with a note, stored with who; the
// screen resumes at the first answer not rated, and the verdict shows
// people's score next to the automatic one.
func TestRateScreenKeys(t *testing.T) {
	h := newHarness(t, "pt-BR")
	h.a.prefs.SetString(prefRaterName, "bruno")
	r := peopleRunPlan(t, h, 4)
	test.Tap(r.peopleTab.rateBtn)
	h.settle()
	s := h.a.rate
	if h.a.current != screenRate || s == nil || s.progress.Text != "Resposta 1 de 4 · 0 com nota" {
		t.Fatalf("rate screen: %s %q", h.a.current, s.progress.Text)
	}
	test.Type(s.note, "simpática")
	h.a.win.Canvas().Unfocus()
	h.key(fyne.Key5) // 1.0
	h.key(fyne.Key3) // 0.5
	s.scale.SetSelected(s.scale.Options[0])
	h.key(fyne.Key1) // thumbs down: 0
	if s.progress.Text != "Resposta 4 de 4 · 3 com nota" {
		t.Errorf("progress %q", s.progress.Text)
	}
	h.key(fyne.KeyLeft)
	if s.current.Text != "Sua nota: Ruim" {
		t.Errorf("the third answer reads %q", s.current.Text)
	}
	gs, err := h.store().RunRatings(context.Background(), s.pr.run.ID)
	if err != nil || len(gs) != 3 {
		t.Fatalf("%d ratings, %v", len(gs), err)
	}
	want := map[int]float64{0: 1, 1: 0.5, 2: 0}
	for _, g := range gs {
		res := s.answers
		for _, a := range res {
			if a.ID == g.ResultID && (g.Score != want[a.Case] || g.Who != "bruno" || g.At.IsZero()) {
				t.Errorf("case %d: %+v", a.Case, g)
			}
		}
	}
	if gs[0].Note != "simpática" {
		t.Errorf("note %q", gs[0].Note)
	}
	h.a.show(screenResults)
	h.waitFor("results", func() bool { return h.a.results.loaded })
	h.settle()
	if txt := strings.Join(texts(h.a.results.verdict.view), "\n"); !strings.Contains(txt, "pessoas: 50% (") {
		t.Errorf("the verdict lacks people's score:\n%s", txt)
	}
	test.Tap(h.a.results.peopleTab.rateBtn)
	h.settle()
	if h.a.rate.idx != 3 || h.a.rate.progress.Text != "Resposta 4 de 4 · 3 com nota" {
		t.Errorf("resumed at %d: %q", h.a.rate.idx, h.a.rate.progress.Text)
	}
}

// The baseline diff lists regressions first: beta fails the even cases
// that alpha passes.
func TestBaselineDiffTab(t *testing.T) {
	h := newHarness(t, "en")
	r := peopleRunPlan(t, h, 6)
	p := r.peopleTab
	p.baseline.SetSelected("alpha · " + strategyLabel(advisor.StrategyZeroShot))
	p.against.SetSelected("beta · " + strategyLabel(advisor.StrategyZeroShot))
	if !strings.HasPrefix(p.counts.Text, "Against alpha") || !strings.Contains(p.counts.Text, "3 worse, 0 better, 3 the same") {
		t.Errorf("counts %q", p.counts.Text)
	}
	if len(p.diff) != 6 || p.diff[0].Outcome != verdict.DiffWorse || p.diff[5].Outcome != verdict.DiffSame {
		t.Fatalf("diff %+v", p.diff)
	}
	if row := p.diffText(p.diff[0]); !strings.HasPrefix(row, "▼ Example 1: worse (100% → 0%) — Customer 0 asks") {
		t.Errorf("row %q", row)
	}
}

// A judge people disagree with is flagged in plain words; one they agree
// with is not.
func TestPeopleLinesFlagJudge(t *testing.T) {
	h := newHarness(t, "en")
	_ = h
	k := 0.2
	v := verdict.Verdict{HumanJudge: &verdict.Agreement{Answers: 10, Agree: 6, Kappa: &k, Sentence: "The judge agrees with you on only 6 of 10 answers (kappa 0.20): do not trust its scores without checking."}}
	lines := peopleLines(v)
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "⚠ The judge agrees with you on only 6 of 10") {
		t.Errorf("untrusted judge: %q", lines)
	}
	v.HumanJudge.Trusted = true
	if lines := peopleLines(v); strings.HasPrefix(lines[0], "⚠") {
		t.Errorf("trusted judge flagged: %q", lines)
	}
}
