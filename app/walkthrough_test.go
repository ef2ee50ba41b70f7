package app

// Tests of the walkthrough's defects (issue 18): each fails on the code the
// product manager met.

import (
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/report"
)

// textColours are the colours the label's text is drawn in.
func textColours(l *widget.Label) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, o := range test.LaidOutObjects(l) {
		if t, ok := o.(*canvas.Text); ok && t.Text != "" {
			out = append(out, t)
		}
	}
	return out
}

// 1. Every live-progress row is drawn in the colour of its own result, also
// when rows are recycled as results arrive (newest first).
func TestRunRowsColouredByTheirOwnResult(t *testing.T) {
	h := newHarness(t, "en")
	run := &data.Run{Name: "colours", Total: 40}
	r := newRunScreen(h.a, run)
	h.a.run = r
	h.a.show(screenRun)
	h.a.win.Resize(fyne.NewSize(1024, 700))
	errColour := h.fa.Settings().Theme().Color(theme.ColorNameError, h.fa.Settings().ThemeVariant())
	fgColour := h.fa.Settings().Theme().Color(theme.ColorNameForeground, h.fa.Settings().ThemeVariant())
	add := func(i int, failed bool) {
		res := advisor.Result{Endpoint: "ep", Strategy: advisor.StrategyZeroShot, Case: i, LatencyMs: 120, Score: 1, Output: "ok"}
		if failed {
			res.ErrorClass, res.ErrorMessage, res.Score, res.LatencyMs = advisor.ErrServer, "boom", 0, 0
		}
		r.got = append(r.got, res)
	}
	check := func(when string) {
		t.Helper()
		rows := 0
		for _, o := range test.LaidOutObjects(r.list) {
			l, ok := o.(*widget.Label)
			if !ok || !l.Visible() || !strings.Contains(l.Text, "#") {
				continue
			}
			rows++
			want := fgColour
			if strings.HasPrefix(l.Text, "⚠") {
				want = errColour
			}
			for _, x := range textColours(l) {
				if got := x.(*canvas.Text).Color; got != want {
					t.Errorf("%s: row %q drawn in %v, want %v", when, l.Text, got, want)
				}
			}
		}
		if rows == 0 {
			t.Fatalf("%s: no rows drawn", when)
		}
	}
	for i := 0; i < 8; i++ {
		add(i, false)
	}
	r.redraw()
	check("all passing")
	// Errors arrive: the rows that showed passing results now show errors.
	for i := 8; i < 12; i++ {
		add(i, true)
	}
	r.redraw()
	check("errors on top")
	for i := 12; i < 16; i++ {
		add(i, false)
	}
	r.redraw()
	check("passing on top again")
}

// 4. Closing the window during a run asks first; after a restart Home names
// the unfinished run and finishes it.
func TestCloseDuringRunAsksAndHomeOffersToFinish(t *testing.T) {
	dir := t.TempDir()
	h := newHarnessIn(t, "en", dir, t.TempDir())
	srv := slowServer(t, 100*time.Millisecond)
	h.a.candidates = []advisor.Endpoint{{Name: "slow", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "m"}}
	h.a.show(screenLiveTest)
	l := h.a.live
	l.concurrency.SetText("1")
	l.strategies.SetSelected([]string{advisor.StrategyZeroShot})
	for i := 0; i < 10; i++ {
		l.addCases(advisor.Case{Input: fmt.Sprint("q", i), Expected: "ok"})
	}
	test.Tap(l.start)
	h.waitFor("first result", func() bool { return h.a.run != nil && h.a.run.done >= 1 })
	id := h.a.run.run.ID

	h.a.onCloseRequest()
	if h.a.closeAsk == nil || h.a.ctx.Err() != nil {
		t.Fatal("closing during a run did not ask first")
	}
	var keep, stop *widget.Button
	for _, o := range test.LaidOutObjects(h.a.win.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok {
			switch b.Text {
			case lang.L("close.running.keep"):
				keep = b
			case lang.L("close.running.close"):
				stop = b
			}
		}
	}
	if keep == nil || stop == nil {
		t.Fatal("the question has no Keep running / Stop and close buttons")
	}
	test.Tap(keep)
	if h.a.ctx.Err() != nil || h.a.run.finished {
		t.Fatal("Keep running stopped the run")
	}
	h.a.onCloseRequest()
	for _, o := range test.LaidOutObjects(h.a.win.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == lang.L("close.running.close") {
			stop = b
		}
	}
	test.Tap(stop) // closes the window: shutdown cancels the run and waits for it
	h.settle()
	if h.a.ctx.Err() == nil {
		t.Fatal("Stop and close did not close the window")
	}

	h2 := newHarnessIn(t, "en", dir, t.TempDir())
	h2.waitFor("home", func() bool { return h2.a.home != nil && h2.a.home.loaded })
	home := h2.a.home
	if !home.resumeCard.Visible() || home.unfinished == nil || home.unfinished.ID != id {
		t.Fatalf("Home does not offer to finish the interrupted run (card shown %v)", home.resumeCard.Visible())
	}
	if !strings.Contains(home.resumeText.Text, "of 10") {
		t.Errorf("the offer does not say how far it got: %q", home.resumeText.Text)
	}
	test.Tap(home.resumeBtn)
	h2.waitFor("resumed run finished", func() bool { return h2.a.run != nil && h2.a.run.finished })
	if h2.a.run.state != advisor.RunDone || h2.a.run.done != 10 {
		t.Errorf("resumed from Home: state %q, %d of 10 done", h2.a.run.state, h2.a.run.done)
	}
	h2.a.show(screenHome)
	h2.waitFor("home", func() bool { return h2.a.home.loaded })
	h2.settle()
	if h2.a.home.resumeCard.Visible() {
		t.Error("Home still offers to finish a finished run")
	}
}

// 6. The catalog's card goes when the filter removes its model; Try it
// offers the local servers found and does not take the catalog id for the
// server's model name.
func TestCatalogCardFollowsFilterAndTryOffersLocalServers(t *testing.T) {
	h := newMemHarness(t, "en")
	srv := openAIServer(t)
	h.a.detect = func(context.Context) []localServer {
		return []localServer{{Name: "llama.cpp", BaseURL: srv.URL + "/v1", Models: []string{"qwen2.5-7b-instruct-q4_k_m.gguf"}}}
	}
	h.a.show(screenCatalog)
	c := h.a.catalog
	h.settle()
	var pick int = -1
	for i, m := range c.models {
		if !strings.EqualFold(m.Provider, "openai") && m.Type == advisor.TypeTextLLM {
			pick = i
			break
		}
	}
	if pick < 0 {
		t.Fatal("no text model outside OpenAI in the catalog")
	}
	c.list.Select(pick)
	m := *c.selected
	if c.tryModel.Text == m.ID {
		t.Errorf("Try it fills in the catalog id %q as the server's model name", m.ID)
	}
	want := "llama.cpp · qwen2.5-7b-instruct-q4_k_m.gguf"
	if len(c.tryServer.Options) != 1 || c.tryServer.Options[0] != want || c.tryServer.Disabled() {
		t.Fatalf("Try it offers %v, want the local server %q", c.tryServer.Options, want)
	}
	c.tryServer.SetSelectedIndex(0)
	if c.tryURL.Text != srv.URL+"/v1" || c.tryModel.Text != "qwen2.5-7b-instruct-q4_k_m.gguf" {
		t.Errorf("picking the server filled %q, %q", c.tryURL.Text, c.tryModel.Text)
	}
	test.Tap(c.trySend)
	h.waitFor("answer", func() bool { return c.tryAnswer.Text == "Paris" })

	// A filter that keeps the model keeps its card (and what was typed).
	c.name.SetText(m.Name[:3])
	if c.selected == nil || c.selected.ID != m.ID || c.tryURL.Text != srv.URL+"/v1" {
		t.Errorf("a filter that keeps %s dropped its card", m.ID)
	}
	// A filter that removes it clears the card.
	c.name.SetText("no model is called this")
	if len(c.models) != 0 {
		t.Fatalf("filter left %d models", len(c.models))
	}
	if c.selected != nil || len(c.card.Objects) != 1 {
		t.Errorf("the card of %s stays after the filter removed it", m.ID)
	}
}

// conflictDecision saves a decision of a scenario whose recommendation has
// a conflict, and returns it.
func conflictDecision(t *testing.T, h *harness) *data.Decision {
	t.Helper()
	for _, f := range []string{"k4-offline-interviews.json", "k1-eu-support-bot.json"} {
		_, answers := scenario(t, f)
		b, _ := json.Marshal(answers)
		ans, err := advisor.ParseAnswersBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := h.a.engine.Recommend(ans, h.a.langCode())
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Conflicts) == 0 {
			continue
		}
		d := &data.Decision{Title: f, Answers: ans, Recommendation: rec, Status: "final"}
		if err := h.store().SaveDecision(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	// The rules no longer give these scenarios a conflict: the screen is
	// checked on one added to the recommendation (its layout is the point).
	_, answers := scenario(t, "k1-eu-support-bot.json")
	b, _ := json.Marshal(answers)
	ans, err := advisor.ParseAnswersBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := h.a.engine.Recommend(ans, h.a.langCode())
	if err != nil {
		t.Fatal(err)
	}
	rec.Conflicts = append(rec.Conflicts, advisor.Conflict{Between: []string{"budget", "quality"}, Relaxation: "Raise the budget or accept a smaller model.", Relax: map[string]string{"budget_monthly": "100_1k"}})
	d := &data.Decision{Title: "k1", Answers: ans, Recommendation: rec, Status: "final"}
	if err := h.store().SaveDecision(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return d
}

// 7. Recommendation: conflicts on top, the last decision after a restart,
// an empty state that does not break words, values that do not repeat
// their labels, and sources named by their page titles.
func TestRecommendationWalkthrough(t *testing.T) {
	dir, cfg := t.TempDir(), t.TempDir()
	h := newHarnessIn(t, "pt-BR", dir, cfg)

	// Empty state: no decision yet.
	h.a.show(screenRecommendation)
	h.settle()
	r := h.a.rec
	if r.empty == nil || r.empty.Text != lang.L("rec.none") {
		t.Fatalf("empty state says %v", r.empty)
	}
	longest := ""
	for _, w := range strings.Fields(r.empty.Text) {
		if len([]rune(w)) > len([]rune(longest)) {
			longest = w
		}
	}
	h.a.win.Resize(fyne.NewSize(1024, 700))
	if need := fyne.MeasureText(longest, theme.TextSize(), fyne.TextStyle{}).Width; r.empty.Size().Width < need {
		t.Errorf("empty state is %.0f px wide: “%s” (%.0f px) breaks in the middle", r.empty.Size().Width, longest, need)
	}

	d := conflictDecision(t, h)
	d.Recommendation.Model.Weights = advisor.WeightsEither
	if err := h.store().SaveDecision(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	h.a.openDecision(d)
	r = h.a.rec
	h.settle()
	if r.conflictCard == nil || r.conflictCard.Position().Y >= r.listCard.Position().Y {
		t.Errorf("conflicts are below the shortlist")
	}
	// Values do not repeat their labels.
	for _, o := range test.LaidOutObjects(r.view) {
		f, ok := o.(*widget.Form)
		if !ok {
			continue
		}
		for _, it := range f.Items {
			if l, ok := it.Widget.(*widget.Label); ok && strings.EqualFold(strings.TrimSpace(l.Text), strings.TrimSpace(it.Text)) {
				t.Errorf("“%s: %s” repeats its label", it.Text, l.Text)
			}
		}
	}
	// Sources are named by their titles.
	links := 0
	for _, o := range test.LaidOutObjects(r.fired) {
		if hl, ok := o.(*widget.Hyperlink); ok {
			links++
			if title := advisor.SourceTitle(hl.URL.String()); title == "" || !strings.Contains(hl.Text, title) {
				t.Errorf("source %s is shown as %q, without its title", hl.URL, hl.Text)
			}
		}
	}
	if links == 0 {
		t.Error("no source links")
	}

	// After a restart the tab opens the last decision.
	h.a.show(screenHome)
	h.settle()
	h2 := newHarnessIn(t, "pt-BR", dir, cfg)
	h2.a.show(screenRecommendation)
	h2.waitFor("last decision", func() bool { return h2.a.rec != nil && h2.a.rec.rec != nil })
	if h2.a.decision == nil || h2.a.decision.ID != d.ID {
		t.Errorf("after a restart the Recommendation tab shows %+v, want decision %d", h2.a.decision, d.ID)
	}
}

// No value of the model card reads like its label, in either language.
func TestModelValuesDoNotRepeatLabels(t *testing.T) {
	setupTranslations()
	defer applyLanguage("")
	for _, code := range []string{"en", "pt-BR"} {
		applyLanguage(code)
		fields := []struct {
			label  string
			values []string
			text   func(string) string
		}{
			{"rec.model.weights", []string{advisor.WeightsOpen, advisor.WeightsProprietary, advisor.WeightsEither}, weightsLabel},
			{"rec.model.tier", []string{"small", "mid", "frontier", "reasoning"}, tierLabel},
			{"rec.model.hosting", []string{"managed-service", "self-hosted", "local-app"}, hostingLabel},
			{"rec.model.architecture", []string{"decoder-only", "encoder-only", "encoder-decoder", "diffusion"}, archLabel},
		}
		for _, f := range fields {
			for _, v := range f.values {
				if strings.EqualFold(f.text(v), lang.L(f.label)) {
					t.Errorf("%s: %s = %q repeats the label", code, f.label, f.text(v))
				}
			}
		}
	}
}

func TestRetitleKeepsTheCopyMark(t *testing.T) {
	for _, c := range []struct{ title, old, cur, want string }{
		{"Support bot (copy)", "Support bot\nmore", "Support bot\nmore", "Support bot (copy)"},
		{"Support bot (copy)", "Support bot", "Support bot for Europe", "Support bot for Europe (copy)"},
		{"Support bot", "Support bot", "Support bot v2", "Support bot v2"},
		{"", "", "New", "New"},
		{"Untitled (copy)", "", "", "Untitled (copy)"},
	} {
		if got := retitle(c.title, c.old, c.cur); got != c.want {
			t.Errorf("retitle(%q, %q, %q) = %q, want %q", c.title, c.old, c.cur, got, c.want)
		}
	}
}

// 8. A duplicated decision keeps "(copy)" after it is recommended, and its
// live test starts with the original's examples.
func TestDuplicateKeepsMarkAndExamples(t *testing.T) {
	h := newHarness(t, "pt-BR")
	story, answers := scenario(t, "k1-eu-support-bot.json")
	h.newDecision()
	id := h.a.decision.ID
	h.answerWizard(story, answers)
	h.waitFor("recommendation", func() bool { return h.a.current == screenRecommendation && h.a.rec != nil && h.a.rec.rec != nil })
	h.a.rec.onTestThis()
	h.a.live.addCases(advisor.Case{Input: "Onde está meu pedido?", Expected: "rastreio"}, advisor.Case{Input: "Quero cancelar", Expected: "cancelamento"})
	h.a.show(screenHome) // keeps the setup
	h.settle()

	h.a.home.onDuplicate(id)
	h.settle()
	var cp *data.Decision
	for i, d := range h.a.home.decisions {
		if d.ID != id {
			cp = &h.a.home.decisions[i]
		}
	}
	if cp == nil || !strings.HasSuffix(cp.Title, "(cópia)") {
		t.Fatalf("copy = %+v", cp)
	}
	h.a.home.onOpen(cp.ID)
	h.waitFor("wizard", func() bool { return h.a.current == screenWizard && h.a.wizard != nil })
	for range advisor.Groups {
		test.Tap(h.a.wizard.next)
	}
	h.waitFor("recommendation", func() bool { return h.a.current == screenRecommendation && h.a.rec != nil && h.a.rec.rec != nil })
	if !strings.HasSuffix(h.a.decision.Title, "(cópia)") {
		t.Errorf("recommended copy is titled %q", h.a.decision.Title)
	}
	h.a.show(screenLiveTest)
	if h.a.setup == nil || len(h.a.setup.cases) != 2 || h.a.setup.cases[0].Input != "Onde está meu pedido?" {
		t.Errorf("the copy's live test has no examples: %+v", h.a.setup)
	}
	h.a.show(screenHome)
	h.settle()
	titles := map[string]int{}
	for _, d := range h.a.home.decisions {
		titles[d.Title]++
	}
	for title, n := range titles {
		if n > 1 {
			t.Errorf("Home lists %d decisions titled %q", n, title)
		}
	}
}

// savedRun stores a run of plan with the given results, left in state.
func savedRun(t *testing.T, h *harness, p advisor.Plan, total int, state string, results []advisor.Result) *data.Run {
	t.Helper()
	ctx := context.Background()
	run := &data.Run{Name: p.Name, Plan: p, Total: total}
	if h.a.decision != nil {
		run.DecisionID = h.a.decision.ID
	}
	if err := h.store().CreateRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	for i := range results {
		results[i].RunID = run.ID
		if err := h.store().SaveResult(ctx, &results[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.store().SetRunStatus(ctx, run.ID, state); err != nil {
		t.Fatal(err)
	}
	return run
}

// 9. Results: no Images tab for a text run, "—" for what a failed row does
// not have, the key columns on screen at 1024 px, and a resumed run that
// lists its first part and sends its failed request again.
func TestResultsWalkthrough(t *testing.T) {
	h := newHarness(t, "en")
	p := advisor.Plan{Name: "text only", Strategies: []string{advisor.StrategyZeroShot},
		Endpoints: []advisor.Endpoint{{Name: "good", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:9/v1", Model: "m"},
			{Name: "down", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:9/v1", Model: "m"}},
		Cases: []advisor.Case{{Input: "a", Expected: "a"}, {Input: "b", Expected: "b"}}}
	now := time.Now().UTC()
	var res []advisor.Result
	for i := range p.Cases {
		res = append(res, advisor.Result{Endpoint: "good", Strategy: advisor.StrategyZeroShot, Case: i, LatencyMs: 200, Score: 1, Passed: true, Output: "a", StartedAt: now, EndedAt: now},
			advisor.Result{Endpoint: "down", Strategy: advisor.StrategyZeroShot, Case: i, ErrorClass: advisor.ErrServer, ErrorMessage: "500", StartedAt: now, EndedAt: now})
	}
	savedRun(t, h, p, 4, advisor.RunDone, res)
	h.a.win.Resize(fyne.NewSize(1024, 700))
	h.a.show(screenResults)
	r := h.a.results
	h.waitFor("results", func() bool { return r.loaded })
	h.settle()
	for _, it := range r.tabs.Items {
		if it.Text == lang.L("results.tab.images") {
			t.Error("a text-only run has an Images tab")
		}
	}
	var down advisor.SummaryRow
	for _, s := range r.summary {
		if s.Endpoint == "down" {
			down = s
		}
	}
	for _, col := range []string{"results.col.p50", "results.col.p95", "results.col.ttft", "results.col.cost1k", "results.col.quality"} {
		if got := r.summaryText(down, col); got != noFigure {
			t.Errorf("failed row: %s shows %q, want %q", lang.L(col), got, noFigure)
		}
	}
	for i, it := range r.tabs.Items {
		if it.Text == lang.L("results.tab.summary") {
			r.tabs.SelectIndex(i)
		}
	}
	h.settle()
	right := float32(0)
	for i, col := range summaryHeaders {
		right += summaryWidths[i]
		if col == "results.col.pass" {
			break
		}
	}
	if w := r.table.Size().Width; w == 0 || right > w {
		t.Errorf("at 1024 px the summary is %.0f px wide; quality and passed end at %.0f px", w, right)
	}

	// A resumed run counts the errors of its first part too.
	srv := openAIServer(t)
	p2 := advisor.Plan{Name: "resumed", Strategies: []string{advisor.StrategyZeroShot},
		Endpoints: []advisor.Endpoint{{Name: "local", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "m"}},
		Cases:     []advisor.Case{{Input: "a"}, {Input: "b"}, {Input: "c"}, {Input: "d"}}}
	first := []advisor.Result{
		{Endpoint: "local", Strategy: advisor.StrategyZeroShot, Case: 0, LatencyMs: 100, Output: "Paris", StartedAt: now, EndedAt: now},
		{Endpoint: "local", Strategy: advisor.StrategyZeroShot, Case: 1, ErrorClass: advisor.ErrTimeout, ErrorMessage: "slow", StartedAt: now, EndedAt: now},
	}
	run := savedRun(t, h, p2, 4, advisor.RunInterrupted, first)
	resumeRun(h.a, *run)
	h.waitFor("resumed", func() bool { return h.a.run != nil && h.a.run.finished })
	// The first part's answer is listed and counted; its failed request
	// was sent again (as the command line's resume does) and answered.
	if want := countText("run.errors", 0); h.a.run.errors.Text != want {
		t.Errorf("after resume the counter says %q, want %q (the failed request was sent again and answered)", h.a.run.errors.Text, want)
	}
	if h.a.run.done != 4 || len(h.a.run.got) != 4 {
		t.Errorf("resumed run: %d done, %d listed, want 4 and 4", h.a.run.done, len(h.a.run.got))
	}
	for _, g := range h.a.run.got {
		if g.Case == 1 && g.ErrorClass != "" {
			t.Errorf("case 1 kept its first error %q instead of being sent again", g.ErrorClass)
		}
	}
}

// An image run has the Images tab.
func TestResultsImagesTabForImageRuns(t *testing.T) {
	h := newHarness(t, "en")
	now := time.Now().UTC()
	p := advisor.Plan{Name: "images", Kind: advisor.CaseKindImage, Strategies: []string{advisor.CaseKindImage},
		Endpoints: []advisor.Endpoint{{Name: "img", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:9/v1", Model: "m"}},
		Cases:     []advisor.Case{{Input: "a cat"}}}
	savedRun(t, h, p, 1, advisor.RunDone, []advisor.Result{{Endpoint: "img", Strategy: advisor.CaseKindImage, Kind: advisor.CaseKindImage, Case: 0, ErrorClass: advisor.ErrServer, StartedAt: now, EndedAt: now}})
	h.a.show(screenResults)
	r := h.a.results
	h.waitFor("results", func() bool { return r.loaded })
	if !containsTab(r.tabs, r.imageTab) {
		t.Error("an image run has no Images tab")
	}
}

// over is c drawn over an opaque bg (theme colours such as selection and
// hover are translucent).
func over(c, bg color.Color) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	b := color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(n.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{R: mix(n.R, b.R), G: mix(n.G, b.G), B: mix(n.B, b.B), A: 0xff}
}

func luminance(c color.Color) float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	ch := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(n.R) + 0.7152*ch(n.G) + 0.0722*ch(n.B)
}

func contrastRatio(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// 10. Every pair of theme colours the screens draw text or an outline in
// has a contrast of at least 4.5:1, on both themes: text on its background,
// button text, links, placeholders, the outline of fields and of unticked
// check boxes. (Disabled controls are exempt in WCAG 1.4.3 and are not
// used for text: TestNoFaintLabels.) The progress bars carry no text.
func TestThemeContrast(t *testing.T) {
	fa := test.NewTempApp(t)
	type pair struct{ fg, bg fyne.ThemeColorName }
	pairs := []pair{
		{theme.ColorNameForeground, theme.ColorNameBackground},
		{theme.ColorNameForeground, theme.ColorNameInputBackground},
		{theme.ColorNameForeground, theme.ColorNameButton},
		{theme.ColorNameForeground, theme.ColorNameOverlayBackground},
		{theme.ColorNameForeground, theme.ColorNameMenuBackground},
		{theme.ColorNameForeground, theme.ColorNameHeaderBackground},
		{theme.ColorNameForeground, theme.ColorNameSelection},
		{theme.ColorNameForeground, theme.ColorNameHover},
		{theme.ColorNamePlaceHolder, theme.ColorNameInputBackground},
		{theme.ColorNamePrimary, theme.ColorNameBackground},
		{theme.ColorNameHyperlink, theme.ColorNameBackground},
		{theme.ColorNameError, theme.ColorNameBackground},
		{theme.ColorNameWarning, theme.ColorNameBackground},
		{theme.ColorNameSuccess, theme.ColorNameBackground},
		{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
		{theme.ColorNameForegroundOnError, theme.ColorNameError},
		{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning},
		{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess},
		{theme.ColorNameInputBorder, theme.ColorNameBackground},
		{theme.ColorNameInputBorder, theme.ColorNameInputBackground},
	}
	for _, pref := range []string{"light", "dark"} {
		applyTheme(fa, pref)
		th := fa.Settings().Theme()
		v := fa.Settings().ThemeVariant()
		bg := th.Color(theme.ColorNameBackground, v)
		for _, p := range pairs {
			back := over(th.Color(p.bg, v), bg)
			if c := contrastRatio(over(th.Color(p.fg, v), back), back); c < 4.5 {
				t.Errorf("%s theme: %s on %s has a contrast of %.2f:1, want 4.5:1", pref, p.fg, p.bg, c)
			} else {
				t.Logf("%s theme: %s on %s %.2f:1", pref, p.fg, p.bg, c)
			}
		}
	}
	// No progress bar draws its text on the bar.
	h := newMemHarness(t, "en")
	h.newDecision()
	if got := h.a.wizard.progress.TextFormatter(); got != "" || !strings.Contains(h.a.wizard.stepLabel.Text, "1") {
		t.Errorf("wizard bar text %q, step label %q", got, h.a.wizard.stepLabel.Text)
	}
}

// overlayButton is the button labelled text in the top dialog.
func overlayButton(t *testing.T, h *harness, text string) *widget.Button {
	t.Helper()
	top := h.a.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog open (looking for %q)", text)
	}
	for _, o := range test.LaidOutObjects(top) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("no %q button in the dialog", text)
	return nil
}

// 3. A validation error in the example editor keeps the editor open with
// everything typed, and says why.
func TestExampleEditorKeepsTypedTextOnError(t *testing.T) {
	h := newMemHarness(t, "pt-BR")
	h.a.show(screenLiveTest)
	l := h.a.live
	l.editCase(-1)
	var expected *textBox
	for _, o := range test.LaidOutObjects(h.a.win.Canvas().Overlays().Top()) {
		if e, ok := o.(*textBox); ok {
			expected = e
		}
	}
	if expected == nil {
		t.Fatal("no expected-answer box")
	}
	test.Type(expected, "o código de rastreio")
	test.Tap(overlayButton(t, h, lang.L("btn.save")))
	if len(l.s.cases) != 0 {
		t.Fatal("an example without input was saved")
	}
	if l.caseProblem == nil || l.caseProblem.Text == "" || h.a.win.Canvas().Overlays().Top() == nil {
		t.Fatal("the editor closed on the error")
	}
	found := false
	for _, o := range test.LaidOutObjects(h.a.win.Canvas().Overlays().Top()) {
		if e, ok := o.(*textBox); ok && e.Text == "o código de rastreio" {
			found = true
		}
	}
	if !found {
		t.Error("the typed expected answer was lost")
	}
	test.Type(l.caseInput.box, "Onde está meu pedido?")
	test.Tap(overlayButton(t, h, lang.L("btn.save")))
	if len(l.s.cases) != 1 || l.s.cases[0].Expected != "o código de rastreio" || l.s.cases[0].Input != "Onde está meu pedido?" {
		t.Errorf("saved %+v", l.s.cases)
	}
}

// 3 (few-shot). The worked-example editor refuses an empty field with a
// message naming it, stays open and keeps what was typed in the other.
func TestFewShotEditorNamesTheEmptyField(t *testing.T) {
	h := newMemHarness(t, "pt-BR")
	h.a.show(screenLiveTest)
	l := h.a.live
	boxes := func() []*textBox {
		var out []*textBox
		for _, o := range test.LaidOutObjects(h.a.win.Canvas().Overlays().Top()) {
			if e, ok := o.(*textBox); ok {
				out = append(out, e)
			}
		}
		if len(out) != 2 {
			t.Fatalf("the worked-example editor shows %d text boxes, want 2", len(out))
		}
		return out
	}
	l.onAddExample()
	test.Type(boxes()[1], "Prazo de 5 dias úteis.")
	test.Tap(overlayButton(t, h, lang.L("btn.save")))
	if len(l.s.fewShot) != 0 {
		t.Fatal("a worked example without input was saved")
	}
	if l.fewShotProblem == nil || l.fewShotProblem.Text != lang.L("live.fewshot.need_input") || !strings.Contains(l.fewShotProblem.Text, lang.L("live.case.input")) {
		t.Fatalf("the refusal does not name the input field: %v", l.fewShotProblem)
	}
	if got := boxes()[1].Text; got != "Prazo de 5 dias úteis." {
		t.Fatalf("the typed answer was lost: %q", got)
	}
	test.Type(boxes()[0], "Qual o prazo de entrega?")
	boxes()[1].SetText("")
	test.Tap(overlayButton(t, h, lang.L("btn.save")))
	if len(l.s.fewShot) != 0 {
		t.Fatal("a worked example without an ideal answer was saved")
	}
	if l.fewShotProblem == nil || !strings.Contains(l.fewShotProblem.Text, lang.L("live.fewshot.output")) {
		t.Fatalf("the refusal does not name the ideal-answer field: %v", l.fewShotProblem)
	}
	if got := boxes()[0].Text; got != "Qual o prazo de entrega?" {
		t.Fatalf("the typed input was lost: %q", got)
	}
	test.Type(boxes()[1], "5 dias úteis.")
	test.Tap(overlayButton(t, h, lang.L("btn.save")))
	if len(l.s.fewShot) != 1 || l.s.fewShot[0] != (advisor.Example{Input: "Qual o prazo de entrega?", Output: "5 dias úteis."}) {
		t.Errorf("saved %+v", l.s.fewShot)
	}
}

// 2. A 316 KB paragraph pasted into an example's input stays whole but the
// box shows only its start, so nothing lays out 316 KB of wrapped text.
func TestLongPasteKeptWholeAndShownShort(t *testing.T) {
	h := newHarness(t, "en")
	h.a.show(screenLiveTest)
	l := h.a.live
	l.editCase(-1)
	big := strings.Repeat("palavra ", 316_000/8) // one paragraph, no line breaks
	h.fa.Clipboard().SetContent(big)
	l.caseInput.box.TypedShortcut(&fyne.ShortcutPaste{Clipboard: h.fa.Clipboard()})
	if n := len([]rune(l.caseInput.box.Text)); n > previewSize+2 {
		t.Errorf("the box lays out %d characters", n)
	}
	if l.caseInput.Text() != big || !l.caseInput.notice.Visible() || !strings.Contains(l.caseInput.notice.Text, "316 KB") {
		t.Fatalf("long paste: kept %d bytes, notice %q", len(l.caseInput.Text()), l.caseInput.notice.Text)
	}
	test.Tap(overlayButton(t, h, lang.L("btn.save")))
	if len(l.s.cases) != 1 || l.s.cases[0].Input != strings.TrimSpace(big) {
		t.Fatalf("the saved example has %d cases", len(l.s.cases))
	}
	// Opening it again shows the start, not the whole text.
	l.editCase(0)
	if len([]rune(l.caseInput.box.Text)) > previewSize+2 || l.caseInput.Text() != strings.TrimSpace(big) {
		t.Error("reopening a long example lays it all out")
	}
	// A short paste is an ordinary paste.
	l.caseInput.SetText("")
	h.fa.Clipboard().SetContent("short")
	l.caseInput.box.TypedShortcut(&fyne.ShortcutPaste{Clipboard: h.fa.Clipboard()})
	if l.caseInput.box.Text != "short" || l.caseInput.notice.Visible() {
		t.Errorf("short paste: %q", l.caseInput.box.Text)
	}
}

// BenchmarkPasteLayout measures pasting a paragraph without line breaks
// into an example's input and laying it out, as the UI goroutine does: the
// plain wrapping box (the old editor) at growing sizes, and the example
// input box at 316 KB.
func BenchmarkPasteLayout(b *testing.B) {
	test.NewTempApp(b)
	size := fyne.NewSize(600, 120)
	for _, n := range []int{5_000, 10_000, 20_000} {
		text := strings.Repeat("palavra ", n/8)
		b.Run(fmt.Sprintf("plain-%dKB", n/1000), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				e := newTextBox(3)
				w := test.NewWindow(e)
				w.Resize(size)
				e.SetText(text)
				test.WidgetRenderer(e).Layout(size)
				w.Close()
			}
		})
	}
	text := strings.Repeat("palavra ", 316_000/8)
	b.Run("example-input-316KB", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			lt := newLongText(3, nil)
			w := test.NewWindow(lt.view)
			w.Resize(size)
			lt.SetText(text)
			test.WidgetRenderer(lt.box).Layout(size)
			w.Close()
		}
	})
}

// 5. Addresses: an empty one is empty (not "nothing answered at ."), a
// missing http:// is named, and Test connection checks the path and that
// the model exists.
func TestAddressAndModelChecks(t *testing.T) {
	setupTranslations()
	applyLanguage("en")
	defer applyLanguage("")
	for _, c := range []struct{ raw, kind, want string }{
		{"", advisor.KindCompatible, lang.L("url.empty")},
		{"  ", advisor.KindAzure, lang.L("url.empty")},
		{"", advisor.KindOpenAI, ""},
		{"127.0.0.1:8080/v1", advisor.KindCompatible, lang.L("url.no_scheme", map[string]any{"URL": "127.0.0.1:8080/v1"})},
		{"localhost:11434", advisor.KindCompatible, lang.L("url.no_scheme", map[string]any{"URL": "localhost:11434"})},
		{"http://", advisor.KindCompatible, lang.L("url.no_host", map[string]any{"URL": "http://"})},
		{"ftp://host/v1", advisor.KindCompatible, lang.L("url.scheme", map[string]any{"URL": "ftp://host/v1", "Scheme": "ftp"})},
		{"http://127.0.0.1:8080/v1", advisor.KindCompatible, ""},
	} {
		if got := addressProblem(c.raw, c.kind); got != c.want {
			t.Errorf("addressProblem(%q, %s) = %q, want %q", c.raw, c.kind, got, c.want)
		}
	}
	if !strings.Contains(lang.L("url.no_scheme", map[string]any{"URL": "x"}), "http://") {
		t.Error("the missing-scheme message does not say http://")
	}
}

func TestConnectionTestChecksPathAndModel(t *testing.T) {
	h := newMemHarness(t, "en")
	srv := openAIServer(t) // lists fake-model; answers chat on /v1 whatever the model
	h.a.show(screenLiveTest)
	l := h.a.live
	l.editEndpoint(-1)
	e := l.editor
	setKind(e.kind, advisor.KindCompatible)
	e.name.SetText("local")
	try := func(url, model string) string {
		t.Helper()
		e.baseURL.SetText(url)
		e.model.SetText(model)
		test.Tap(e.testBtn)
		h.waitFor("test result", func() bool { return !e.testBtn.Disabled() })
		h.settle()
		return e.testResult.Text
	}
	if got := try("", "fake-model"); got != lang.L("url.empty") {
		t.Errorf("blank address: %q", got)
	}
	if got := try(strings.TrimPrefix(srv.URL, "http://")+"/v1", "fake-model"); !strings.Contains(got, "http://") || strings.Contains(got, "Nothing answered") {
		t.Errorf("missing http://: %q", got)
	}
	if e.baseURL.Validate() == nil {
		t.Error("Save accepts an address without http://")
	}
	if got := try(srv.URL+"/v1", "no-such-model"); !strings.Contains(got, "no-such-model") || !strings.Contains(got, "fake-model") || e.testResult.Importance != widget.DangerImportance {
		t.Errorf("missing model: %q", got)
	}
	if got := try(srv.URL+"/wrong/v1", "fake-model"); got != lang.L("url.bad_path", map[string]any{"URL": srv.URL + "/wrong/v1"}) {
		t.Errorf("wrong path: %q", got)
	}
	if got := try(srv.URL+"/v1", "fake-model"); e.testResult.Importance != widget.SuccessImportance {
		t.Errorf("good connection: %q", got)
	}
}

// 11. The export folder is remembered apart from the documents folder.
func TestExportFolderApartFromDocuments(t *testing.T) {
	h := newHarness(t, "en")
	docs, exports := t.TempDir(), t.TempDir()
	h.a.rememberFolder(prefDocsFolder, docs) // what picking the documents folder does
	if got := h.a.startFolder(prefExportFolder); got == docs {
		t.Fatal("the save dialog would open in the documents folder")
	}
	done := make(chan error, 1)
	sd := h.a.askSavePath("llm-advisor-run-1.csv", ".csv", func(path string) {
		h.a.exportPath(path, formatCSV, report.Input{}, func(err error) { done <- err })
	})
	sd.dir = exports // what choosing the folder in the dialog does
	test.Tap(sd.save)
	h.waitFor("export", func() bool { return len(done) == 1 })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := h.a.startFolder(prefExportFolder); got != exports {
		t.Errorf("next save opens in %q, want %q", got, exports)
	}
	if got := h.a.startFolder(prefDocsFolder); got != docs {
		t.Errorf("documents folder became %q", got)
	}
	if !advisor.IsOwnExport(exportName(report.Input{Run: &report.RunInfo{ID: 7}}) + ".pdf") {
		t.Error("the app's export names are not recognised as its own")
	}
}

// jargon are the words a non-engineer met without help.
var jargon = regexp.MustCompile(`(?i)\bendpoints?\b|\bp50\b|\bp95\b|tokens/s|\bregex\b|\bembeddings?\b|zero-shot|few-shot|requisições simultâneas|variável da chave|key variable|requests at once`)

// shownTexts are the words a screen shows: labels, buttons, form captions and
// hints, check boxes, choices, links.
func shownTexts(o fyne.CanvasObject) []string {
	var out []string
	for _, x := range test.LaidOutObjects(o) {
		switch w := x.(type) {
		case *widget.Label:
			if w.Visible() {
				out = append(out, w.Text)
			}
		case *widget.Button:
			out = append(out, w.Text)
		case *widget.Check:
			out = append(out, w.Text)
		case *widget.Hyperlink:
			out = append(out, w.Text)
		case *widget.Select:
			out = append(out, w.Options...)
		case *widget.Form:
			for _, it := range w.Items {
				out = append(out, it.Text, it.HintText)
			}
		}
	}
	return out
}

// explained: every jargon word is in parentheses after plain words, or the
// text is the legend that explains it.
func explained(s, legend string) bool {
	if s == legend {
		return true
	}
	for _, m := range jargon.FindAllStringIndex(s, -1) {
		if strings.Count(s[:m[0]], "(") <= strings.Count(s[:m[0]], ")") {
			return false
		}
	}
	return true
}

// 13. Jargon is said in plain words, the term in parentheses after them or
// explained by a legend, on every screen of the live test and its results,
// in both languages.
func TestJargonExplained(t *testing.T) {
	for _, code := range []string{"en", "pt-BR"} {
		h := newHarness(t, code)
		legend := lang.L("results.legend")
		var seen []string
		look := func(where string, o fyne.CanvasObject) {
			for _, s := range shownTexts(o) {
				seen = append(seen, s)
				if !explained(s, legend) {
					t.Errorf("%s, %s: %q uses jargon without plain words", code, where, s)
				}
			}
		}
		h.a.candidates = []advisor.Endpoint{{Name: "local", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:9/v1", Model: "m"}}
		h.a.show(screenLiveTest)
		look("live test", h.a.win.Content())
		h.a.live.editEndpoint(0)
		look("connection editor", h.a.win.Canvas().Overlays().Top())
		h.a.win.Canvas().Overlays().Top().Hide()
		h.a.win.Canvas().Overlays().Remove(h.a.win.Canvas().Overlays().Top())
		h.a.live.editCase(-1)
		look("example editor", h.a.win.Canvas().Overlays().Top())
		h.a.win.Canvas().Overlays().Remove(h.a.win.Canvas().Overlays().Top())
		h.a.show(screenSettings)
		look("settings", h.a.win.Content())
		for _, k := range summaryHeaders {
			if s := lang.L(k); !explained(s, legend) {
				t.Errorf("%s: column %q uses jargon without plain words", code, s)
			}
		}
		for _, term := range []string{"p50", "p95", "tokens/s"} {
			if !strings.Contains(legend, term) {
				t.Errorf("%s: the results legend does not explain %s", code, term)
			}
		}
		if len(seen) < 20 {
			t.Fatalf("%s: only %d texts seen", code, len(seen))
		}
	}
}
