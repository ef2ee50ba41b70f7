package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

// Turning the live-test setup into a plan and starting the run.

// plan builds the live-test plan from the screen.
func (l *liveTestScreen) plan() advisor.Plan {
	var runnable []advisor.Endpoint // a candidate that needs a connection is left out (see leftOut)
	for _, ep := range l.a.candidates {
		if !livetest.NeedsConnection(ep) {
			runnable = append(runnable, ep)
		}
	}
	p := advisor.Plan{
		Name:        lang.L("live.plan_name", map[string]any{"Date": time.Now().Format("2006-01-02 15:04")}),
		Endpoints:   runnable,
		Strategies:  append([]string(nil), l.s.strategies...),
		FewShot:     append([]advisor.Example(nil), l.s.fewShot...),
		Documents:   l.s.documents,
		Concurrency: l.s.concurrency,
		Repeats:     l.s.repeats,
		Acceptance:  l.s.acceptance,
	}
	if l.s.ladder && (l.s.kind == "" || l.s.kind == advisor.CaseKindChat) {
		p.StrategyLadder = true
	}
	p.Batch = l.s.batch
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
			e := advisor.EmbeddingEndpoint(ep, l.s.embedModel)
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
	if err := l.readAcceptance(); err != nil {
		l.problem.SetText(err.Error())
		l.problem.Show()
		return
	}
	p := l.plan()
	left := l.leftOut()
	if len(p.Endpoints) == 0 && len(left) > 0 {
		l.problem.SetText(lang.L("connect.none_runnable", map[string]any{"Names": strings.Join(left, ", ")}))
		l.problem.Show()
		l.refit()
		return
	}
	livetest.Defaults(&p)
	if err := livetest.ValidatePlan(p); err != nil {
		l.problem.SetText(planProblem(err))
		l.problem.Show()
		l.refit()
		return
	}
	l.problem.Hide()
	l.start.Disable()
	var notes []string
	if len(left) > 0 {
		notes = append(notes, lang.L("connect.left_out", map[string]any{"Names": strings.Join(left, ", ")}))
	}
	l.a.confirmKeyEnvs(p, func() { startRun(l.a, p, func() { l.start.Enable() }, notes...) }, func() { l.start.Enable() })
}

// startRun creates the run in the store and runs it with the run screen
// showing progress and the notes. done is called on the UI goroutine once the
// run is created.
func startRun(a *App, p advisor.Plan, done func(), notes ...string) {
	ws := a.ws
	a.goWork(func(ctx context.Context) {
		run, err := ws.CreateRun(ctx, p)
		a.ui(func() {
			done()
			if err != nil {
				a.showError(fail("err.create_run", err))
				return
			}
			a.lastRun = run.ID
			a.run = newRunScreen(a, run)
			a.show(screenRun)
			for _, n := range notes {
				a.run.onNote(n)
			}
			a.run.begin()
		})
	})
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
	return lang.L("live.invalid") + " " + lang.L(section) + " — " + planMsg(field, pe)
}

// planMessages are the plan checks a person can meet from the screen, by
// the field and the start of the live test's English message: the key of
// the sentence that says the same in the user's language.
var planMessages = []struct{ field, prefix, key string }{
	{"endpoints", "at least one endpoint", "live.invalid.no_endpoints"},
	{"cases", "at least one case", "live.invalid.no_cases"},
	{"embedding", "the similarity check needs", "live.invalid.embedding"},
	{"judge", "the judge check needs", "live.invalid.judge"},
	{"rubric", "the judge check needs a rubric", "live.invalid.rubric"},
	{"concurrency", "", "live.invalid.concurrency"},
}

// planMsg is a plan check's message in the user's language. The live test
// words its checks in English for the command line; in Portuguese a check
// the screen cannot meet in its own words names the field instead of
// showing English.
func planMsg(field string, pe *livetest.PlanError) string {
	for _, m := range planMessages {
		if m.field == field && strings.HasPrefix(pe.Msg, m.prefix) {
			return lang.L(m.key)
		}
	}
	if strings.HasPrefix(lang.L("app.locale"), "pt") {
		return lang.L("live.invalid.other", map[string]any{"Field": pe.Field})
	}
	return pe.Msg
}

// refit lays the screen out again once the problem line has its width, so
// a long message wraps onto more lines instead of running under Start.
func (l *liveTestScreen) refit() {
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		c, ok := o.(*fyne.Container)
		if !ok || c == l.scroll.Content {
			return // the page itself keeps its layout
		}
		c.Refresh()
		for _, ch := range c.Objects {
			walk(ch)
		}
	}
	walk(l.view)
	walk(l.view) // the label knows its width only after the first pass
}
