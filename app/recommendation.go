package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/report"
)

// recommendationScreen shows what the engine concluded and why, and lets the
// user apply a conflict's relaxation (never applied without a press).
type recommendationScreen struct {
	a    *App
	view fyne.CanvasObject
	rec  *advisor.Recommendation

	modelType     *widget.Label
	primary       *widget.Label
	plan          *fyne.Container
	fired         *fyne.Container
	conflicts     []*widget.Button // one per conflict with a change of answers
	conflictHeads []*widget.Label  // one per conflict: the answers that pull apart
	changes       *widget.Label    // what the last relaxation changed (old → new answers)
	shortlist     *fyne.Container
	chart         *canvas.Image
	testThis      *widget.Button
	scroll        *container.Scroll
	listCard      fyne.CanvasObject // the shortlist card (screenshots scroll to it)
	lastDiff      []string
	exports       map[string]*widget.Button // recommendation-only report: PDF, HTML, Markdown
	exported      *widget.Label             // what changed in the recommendation after the last relaxation
	empty         *widget.Label             // the text shown when there is no recommendation
	conflictCard  fyne.CanvasObject         // at the top: the decision is made there
}

func newRecommendationScreen(a *App) *recommendationScreen {
	r := &recommendationScreen{a: a}
	if a.decision == nil && a.ws != nil && !a.lastOpened {
		// After a restart: open the decision worked on last instead of an empty tab.
		a.lastOpened = true
		r.empty = hint(lang.L("home.loading"))
		r.view = screen(lang.L("rec.title"), nil, container.NewVBox(r.empty), nil)
		r.openLast()
		return r
	}
	if a.decision == nil || a.decision.Recommendation == nil {
		// A full-width label at the top: centred, a wrapping label gets no
		// width and breaks the sentence in the middle of words.
		r.empty = wrapped(lang.L("rec.none"))
		r.view = screen(lang.L("rec.title"), nil, container.NewVBox(
			r.empty,
			container.NewHBox(widget.NewButtonWithIcon(lang.L("nav.wizard"), theme.DocumentCreateIcon(), func() { a.show(screenWizard) })),
		), nil)
		return r
	}
	r.rec = a.decision.Recommendation
	if r.rec.Lang != "" && r.rec.Lang != a.langCode() {
		r.translate()
	}
	r.changes = wrapped("")
	r.changes.Importance = widget.SuccessImportance
	r.changes.Hide()
	r.testThis = widget.NewButtonWithIcon(lang.L("rec.test_this"), theme.MediaPlayIcon(), r.onTestThis)
	r.testThis.Importance = widget.HighImportance
	edit := widget.NewButtonWithIcon(lang.L("rec.edit_answers"), theme.DocumentCreateIcon(), func() { a.show(screenWizard) })

	body := []fyne.CanvasObject{r.changes} // the page made once: every Add lays out what it holds
	if uc := strings.TrimSpace(a.decision.Answers.UseCase); uc != "" {
		body = append(body, hint(uc))
	}
	// Conflicts and their buttons first: choosing between them is the
	// decision, and the shortlist below depends on it.
	if len(r.rec.Conflicts) > 0 {
		r.conflictCard = r.conflictsCard()
		body = append(body, r.conflictCard)
	}
	body = append(body, r.modelCard(), r.planCard())
	r.listCard = r.shortlistCard()
	body = append(body, r.listCard)
	if len(r.rec.Warnings) > 0 {
		body = append(body, listCard(lang.L("rec.warnings"), r.rec.Warnings, widget.WarningImportance))
	}
	body = append(body, r.whyCard())
	if len(r.rec.Assumptions) > 0 {
		body = append(body, listCard(lang.L("rec.assumptions"), r.rec.Assumptions, widget.MediumImportance))
	}
	r.scroll = container.NewVScroll(container.NewVBox(body...))
	exportBar := container.NewHBox(widget.NewLabel(lang.L("results.export")))
	r.exports = map[string]*widget.Button{}
	for _, f := range []string{formatPDF, formatHTML, formatMarkdown} {
		f := f
		b := widget.NewButtonWithIcon(lang.L("results.export."+f), theme.DocumentSaveIcon(), func() { r.onExport(f) })
		r.exports[f] = b
		exportBar.Add(b)
	}
	r.exported = widget.NewLabel("")
	exportBar.Add(r.exported)
	r.view = screen(lang.L("rec.title"), container.NewHBox(edit, r.testThis), r.scroll, exportBar)
	r.renderChart()
	return r
}

func (r *recommendationScreen) modelCard() fyne.CanvasObject {
	m := r.rec.Model
	r.modelType = widget.NewLabelWithStyle(typeLabel(m.Type), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.modelType.Wrapping = fyne.TextWrapWord
	r.primary = widget.NewLabelWithStyle(stepLabel(r.rec.Strategy.Primary), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.primary.Wrapping = fyne.TextWrapWord
	rows := []*widget.FormItem{
		widget.NewFormItem(lang.L("rec.model.type"), r.modelType),
		widget.NewFormItem(lang.L("rec.model.architecture"), wrapped(archLabel(m.Architecture))),
		widget.NewFormItem(lang.L("rec.model.weights"), wrapped(weightsLabel(m.Weights))),
		widget.NewFormItem(lang.L("rec.model.hosting"), wrapped(hostingLabel(m.Hosting))),
		widget.NewFormItem(lang.L("rec.model.tier"), wrapped(tierLabel(m.SizeTier))),
		widget.NewFormItem(lang.L("rec.strategy"), r.primary),
	}
	if len(r.rec.Also) > 0 {
		var also []string
		for _, t := range r.rec.Also {
			also = append(also, typeLabel(t))
		}
		rows = append(rows, widget.NewFormItem(lang.L("rec.also"), wrapped(strings.Join(also, "; "))))
	}
	form := widget.NewForm(rows...)
	return widget.NewCard(lang.L("rec.model"), "", form)
}

func (r *recommendationScreen) planCard() fyne.CanvasObject {
	r.plan = container.NewVBox()
	steps := r.rec.Steps
	if len(steps) == 0 {
		for _, s := range r.rec.Strategy.Plan {
			steps = append(steps, advisor.PlanStep{Step: s})
		}
	}
	for i, s := range steps {
		title := widget.NewLabelWithStyle(fmt.Sprintf("%d. %s", i+1, stepLabel(s.Step)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		title.Wrapping = fyne.TextWrapWord
		r.plan.Add(title)
		if s.Detail != "" {
			r.plan.Add(wrapped(s.Detail))
		}
		if s.Gate != "" {
			g := hint("→ " + lang.L("rec.gate") + " " + s.Gate)
			r.plan.Add(g)
		}
	}
	return widget.NewCard(lang.L("rec.plan"), lang.L("rec.plan.sub"), r.plan)
}

func (r *recommendationScreen) whyCard() fyne.CanvasObject {
	var rows []fyne.CanvasObject // the list made once: every Add lays out what it holds
	for _, f := range r.rec.Fired {
		title := f.Title
		if title == "" {
			title = f.ID
		}
		head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		head.Wrapping = fyne.TextWrapWord
		strength := widget.NewLabel(labelOr("strength."+f.Strength, f.Strength) + " · " + f.ID)
		strength.TextStyle.Italic = true
		row := []fyne.CanvasObject{container.NewBorder(nil, nil, nil, strength, head), wrapped(f.Because)}
		for _, src := range strings.Fields(f.Source) {
			if link := sourceLink(src); link != nil {
				row = append(row, link)
			}
		}
		rows = append(rows, container.NewVBox(row...), widget.NewSeparator())
	}
	r.fired = container.NewVBox(rows...)
	return widget.NewCard(lang.L("rec.why"), lang.L("rec.why.sub"), r.fired)
}

// sourceLink is a link to a page a rule cites, named by the page's title
// (the domain only when no title is recorded); nil for anything not a link.
func sourceLink(src string) *widget.Hyperlink {
	u, err := url.Parse(src)
	if err != nil || u.Scheme == "" {
		return nil
	}
	name := advisor.SourceTitle(src)
	if name == "" {
		name = u.Host
	} else {
		name += " · " + strings.TrimPrefix(u.Host, "www.")
	}
	link := widget.NewHyperlink(lang.L("rec.source")+" "+name, u)
	link.Wrapping = fyne.TextWrapWord
	return link
}

// openLast opens the most recently changed decision that has a
// recommendation, and shows it if the user is still on this screen.
func (r *recommendationScreen) openLast() {
	a := r.a
	st := a.ws
	a.goWork(func(ctx context.Context) {
		ds, err := st.ListDecisions(ctx, 50)
		var last *data.Decision
		for i := range ds {
			if ds[i].Recommendation != nil {
				last = &ds[i]
				break
			}
		}
		a.ui(func() {
			if err != nil {
				a.showError(fail("err.list_decisions", err))
				return
			}
			if a.decision == nil && last != nil {
				a.decision = last
			}
			if a.current == screenRecommendation && a.rec == r {
				a.show(screenRecommendation)
			}
		})
	})
}

func listCard(title string, items []string, imp widget.Importance) fyne.CanvasObject {
	box := container.NewVBox()
	for _, s := range items {
		l := wrapped("• " + s)
		l.Importance = imp
		box.Add(l)
	}
	return widget.NewCard(title, "", box)
}

func (r *recommendationScreen) conflictsCard() fyne.CanvasObject {
	box := container.NewVBox()
	for _, c := range r.rec.Conflicts {
		c := c
		var between []string
		for _, b := range c.Between {
			between = append(between, conflictSide(b))
		}
		// " × " as in the report: "↔" falls back to a colour emoji.
		head := widget.NewLabelWithStyle(strings.Join(between, " × "), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		head.Wrapping = fyne.TextWrapWord
		r.conflictHeads = append(r.conflictHeads, head)
		row := container.NewVBox(head, wrapped(c.Relaxation))
		if len(c.Relax) > 0 {
			var changes []string
			for _, k := range sortedKeys(c.Relax) {
				changes = append(changes, questionShort(k)+": "+valueLabel(k, c.Relax[k]))
			}
			b := widget.NewButtonWithIcon(lang.L("rec.conflict.apply")+" ("+strings.Join(changes, "; ")+")", theme.ConfirmIcon(), func() { r.onApplyRelax(c) })
			r.conflicts = append(r.conflicts, b)
			row.Add(container.NewHBox(b))
		} else {
			row.Add(hint(lang.L("rec.conflict.advice")))
		}
		box.Add(row)
		box.Add(widget.NewSeparator())
	}
	return widget.NewCard(lang.L("rec.conflicts"), lang.L("rec.conflicts.sub"), box)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (r *recommendationScreen) shortlistCard() fyne.CanvasObject {
	r.shortlist = container.NewVBox()
	if len(r.rec.Shortlist) == 0 {
		r.shortlist.Add(wrapped(lang.L("rec.shortlist.none")))
	}
	for _, s := range r.rec.Shortlist {
		r.shortlist.Objects = append(r.shortlist.Objects, shortlistRow(s)...)
	}
	if r.rec.CostAssumptions != "" {
		r.shortlist.Add(hint(lang.L("rec.cost_assumptions") + " " + r.rec.CostAssumptions))
	}
	// The further model types the use case needs, each with its own models.
	for _, also := range r.rec.AlsoShortlist {
		if len(also.Shortlist) == 0 {
			continue
		}
		r.shortlist.Add(widget.NewSeparator())
		r.shortlist.Add(widget.NewLabelWithStyle(lang.L("rec.also_for", map[string]any{"Type": typeLabel(also.Type)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, s := range also.Shortlist {
			r.shortlist.Objects = append(r.shortlist.Objects, shortlistRow(s)...)
		}
	}
	r.chart = canvas.NewImageFromResource(nil)
	r.chart.FillMode = canvas.ImageFillContain
	r.chart.SetMinSize(fyne.NewSize(560, 280))
	r.chart.Hide()
	// "Every one passes your hard limits" is not said while a conflict
	// (the budget exceeded, say) shows that they cannot all hold.
	sub := lang.L("rec.shortlist.sub")
	if len(r.rec.Conflicts) > 0 {
		sub = lang.L("rec.shortlist.sub_conflict")
	}
	return widget.NewCard(lang.L("rec.shortlist"), sub, container.NewVBox(r.shortlist, r.chart))
}

// shortlistRow is a model's name, its monthly cost — never a silent $0:
// self-hosted models say they need hardware, unpriced ones say so — and why.
func shortlistRow(s advisor.Shortlisted) []fyne.CanvasObject {
	name := s.Name
	if name == "" {
		name = s.ID
	}
	n := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	var costText string
	switch {
	case s.SelfHosted:
		costText = lang.L("rec.shortlist.self_hosted")
	case !s.CostKnown && s.MonthlyCostUSD == 0:
		costText = lang.L("rec.shortlist.no_price")
	default:
		costText = lang.L("rec.shortlist.month", map[string]any{"Cost": money(s.MonthlyCostUSD)})
	}
	out := []fyne.CanvasObject{container.NewBorder(nil, nil, nil, widget.NewLabel(costText), n)}
	if s.Why != "" {
		out = append(out, hint(s.Why))
	}
	return out
}

// shortlistChart is the last shortlist chart drawn, by what it was drawn
// from, so that coming back to the same recommendation (from the live test,
// say) shows it again without drawing it again.
type shortlistChart struct {
	key string
	png []byte
}

// chartKey is what the shortlist chart is drawn from: the language, the
// answers (the money's currency among them) and the recommendation.
func chartKey(in report.Input) string {
	b, err := json.Marshal(struct {
		Lang string
		A    advisor.Answers
		R    *advisor.Recommendation
	}{in.Lang, in.Answers, in.Recommendation})
	if err != nil {
		return "" // never matches: drawn again
	}
	return string(b)
}

// renderChart draws the shortlist cost chart off the UI goroutine, unless
// the same chart was the last one drawn.
func (r *recommendationScreen) renderChart() {
	if len(r.rec.Shortlist) == 0 {
		return
	}
	in := report.Input{Lang: r.a.langCode(), Answers: r.a.decision.Answers, Recommendation: r.rec}
	key := chartKey(in)
	if last := r.a.lastChart; key != "" && last.key == key {
		r.showChart(last.png)
		return
	}
	r.a.goWork(func(ctx context.Context) {
		charts, err := report.Charts(in, report.ChartOptions{Width: 1120, Height: 560, PNG: true, Only: func(name string) bool { return strings.Contains(name, "shortlist") }})
		var png []byte
		for _, c := range charts {
			if strings.Contains(c.Name, "shortlist") && len(c.PNG) > 0 {
				png = c.PNG
			}
		}
		r.a.ui(func() {
			if err != nil {
				r.a.showError(fail("err.chart", err))
				return
			}
			if png == nil {
				return
			}
			r.a.lastChart = shortlistChart{key: key, png: png}
			r.showChart(png)
		})
	})
}

func (r *recommendationScreen) showChart(png []byte) {
	r.chart.Resource = fyne.NewStaticResource("shortlist.png", png)
	r.chart.Show()
	r.chart.Refresh()
}

// reportInput is the recommendation-only report of the decision.
func (r *recommendationScreen) reportInput() report.Input {
	d := r.a.decision
	return report.Input{Title: decisionTitle(*d), Generated: time.Now().UTC(), Lang: r.a.langCode(),
		UseCase: d.Answers.UseCase, Answers: d.Answers, Recommendation: r.rec}
}

func (r *recommendationScreen) onExport(format string) {
	r.a.exportDialog(format, r.reportInput(), func(err error) { r.exportDone(err, format) })
}

func (r *recommendationScreen) exportDone(err error, format string) {
	if err != nil {
		r.a.showError(fail("err.export", err))
		return
	}
	r.exported.SetText(lang.L("results.exported", map[string]any{"Format": strings.ToUpper(format)}))
}

// translate runs the engine again in the current language: the reasons and
// plan texts are written by the engine, in the language of the run.
func (r *recommendationScreen) translate() {
	a := r.a
	eng, st, code := a.engine, a.ws, a.langCode()
	if eng == nil {
		return
	}
	d := *a.decision
	a.goWork(func(ctx context.Context) {
		rec, err := eng.Recommend(d.Answers, code)
		if err == nil && st != nil {
			d.Recommendation = rec
			err = st.SaveDecision(ctx, &d)
		}
		a.ui(func() {
			if err != nil {
				a.showError(fail("err.recommend", err))
				return
			}
			if a.decision == nil || a.decision.ID != d.ID || a.current != screenRecommendation {
				return
			}
			a.decision = &d
			a.show(screenRecommendation)
		})
	})
}

// onApplyRelax applies a conflict's change of answers, runs the engine again
// and shows what changed.
func (r *recommendationScreen) onApplyRelax(c advisor.Conflict) {
	a := r.a
	if a.engine == nil || a.decision == nil {
		return
	}
	old := a.decision.Answers
	next := old
	next.Task = append([]string(nil), old.Task...)
	var answerChanges []string
	for _, k := range sortedKeys(c.Relax) {
		before := old.Get(k)
		if err := next.Set(k, []string{c.Relax[k]}); err != nil {
			a.showError(fail("err.answer", err))
			return
		}
		b := ""
		if len(before) > 0 {
			b = before[0]
		}
		answerChanges = append(answerChanges, fmt.Sprintf("%s: %s → %s", questionShort(k), valueLabel(k, b), valueLabel(k, c.Relax[k])))
	}
	oldRec := r.rec
	d := *a.decision
	d.Answers = next
	eng, st, code := a.engine, a.ws, a.langCode()
	for _, b := range r.conflicts {
		b.Disable()
	}
	a.goWork(func(ctx context.Context) {
		rec, err := eng.Recommend(next, code)
		if err == nil {
			d.Recommendation = rec
			if st != nil {
				err = st.SaveDecision(ctx, &d)
			}
		}
		a.ui(func() {
			if err != nil {
				for _, b := range r.conflicts {
					b.Enable()
				}
				a.showError(fail("err.recommend", err))
				return
			}
			a.decision = &d
			a.candidates = nil
			a.show(screenRecommendation)
			nr := a.rec
			nr.changes.SetText(lang.L("rec.changed_answers") + "\n" + strings.Join(answerChanges, "\n"))
			nr.changes.Show()
			nr.lastDiff = diffRecommendations(oldRec, rec)
			msg := lang.L("rec.unchanged")
			if len(nr.lastDiff) > 0 {
				msg = strings.Join(nr.lastDiff, "\n")
			}
			dialog.ShowInformation(lang.L("rec.what_changed"), msg, a.win)
		})
	})
}

// diffRecommendations lists, in plain words, what differs between two recommendations.
func diffRecommendations(old, cur *advisor.Recommendation) []string {
	var out []string
	line := func(label, a, b string) {
		if a != b {
			out = append(out, fmt.Sprintf("%s: %s → %s", label, a, b))
		}
	}
	line(lang.L("rec.model.type"), typeLabel(old.Model.Type), typeLabel(cur.Model.Type))
	line(lang.L("rec.model.architecture"), archLabel(old.Model.Architecture), archLabel(cur.Model.Architecture))
	line(lang.L("rec.model.weights"), weightsLabel(old.Model.Weights), weightsLabel(cur.Model.Weights))
	line(lang.L("rec.model.hosting"), hostingLabel(old.Model.Hosting), hostingLabel(cur.Model.Hosting))
	line(lang.L("rec.model.tier"), tierLabel(old.Model.SizeTier), tierLabel(cur.Model.SizeTier))
	line(lang.L("rec.strategy"), stepLabel(old.Strategy.Primary), stepLabel(cur.Strategy.Primary))
	plan := func(r *advisor.Recommendation) string {
		var s []string
		for _, p := range r.Strategy.Plan {
			s = append(s, stepLabel(p))
		}
		return strings.Join(s, " → ")
	}
	line(lang.L("rec.plan"), plan(old), plan(cur))
	names := func(r *advisor.Recommendation) string {
		var s []string
		for _, m := range r.Shortlist {
			s = append(s, m.ID)
		}
		return strings.Join(s, ", ")
	}
	line(lang.L("rec.shortlist"), names(old), names(cur))
	if len(old.Conflicts) != len(cur.Conflicts) {
		out = append(out, lang.L("rec.conflicts")+fmt.Sprintf(": %d → %d", len(old.Conflicts), len(cur.Conflicts)))
	}
	return out
}

// onTestThis opens the live-test setup: the shortlist becomes the candidates
// the first time; after that the endpoints the user edited are kept.
func (r *recommendationScreen) onTestThis() {
	if r.a.setup == nil && !r.a.hasSetupDraft() {
		r.a.candidates = mergeCandidates(candidatesFromShortlist(r.a, r.rec), r.a.candidates)
	}
	r.a.show(screenLiveTest)
}

// candidatesFromShortlist turns shortlisted models into endpoints to fill in.
func candidatesFromShortlist(a *App, rec *advisor.Recommendation) []advisor.Endpoint {
	var eps []advisor.Endpoint
	for _, s := range rec.Shortlist {
		eps = append(eps, endpointForModel(a, s.ID))
	}
	return eps
}

// endpointForModel is the endpoint of a catalog model on a connection that
// serves it (a connected provider or a detected local server), or, when
// none does, one without an address that shows "needs a connection".
func endpointForModel(a *App, id string) advisor.Endpoint {
	return a.mapModel(id).Endpoint
}

// conflictSide is one side of a conflict. The engine gives it in the user's
// language already ("no hardware available"); a bare question key ("residency")
// is shown as that question's short label.
func conflictSide(b string) string {
	for _, q := range advisor.Questions {
		if q.Key == b {
			return questionShort(b)
		}
	}
	return b
}
