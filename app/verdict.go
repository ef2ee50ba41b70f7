package app

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/report"
)

// criteriaForm edits acceptance criteria: the quality bar in percent, the
// two p95 targets in milliseconds, the monthly budget in USD and the daily
// volume. An empty field means no limit. Used before the run (live-test
// setup) and on the Verdict tab (judge again with other criteria, like
// `compare` with flags).
type criteriaForm struct {
	quality, first, total, budget, volume *widget.Entry
	local                                 *widget.Check
	view                                  fyne.CanvasObject
	sources                               *widget.Label
	lc                                    string // language of the sources' reasons
	setting                               bool   // set is filling the fields: no change reports
}

func newCriteriaForm(lc string, onChange func()) *criteriaForm {
	f := &criteriaForm{lc: lc}
	mk := func(ph string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(ph)
		e.OnChanged = func(string) {
			if onChange != nil && !f.setting {
				onChange()
			}
		}
		return e
	}
	f.quality = mk(lang.L("verdict.form.none"))
	f.first = mk(lang.L("verdict.form.none"))
	f.total = mk(lang.L("verdict.form.none"))
	f.budget = mk(lang.L("verdict.form.none"))
	f.volume = mk(strconv.Itoa(verdict.DefaultVolumePerDay))
	f.local = widget.NewCheck(lang.L("verdict.form.local"), func(bool) {
		if onChange != nil && !f.setting {
			onChange()
		}
	})
	f.sources = hint("")
	f.sources.Wrapping = fyne.TextWrapWord
	f.view = container.NewVBox(
		container.New(layout.NewFormLayout(),
			widget.NewLabel(lang.L("verdict.form.quality")), f.quality,
			widget.NewLabel(lang.L("verdict.form.first")), f.first,
			widget.NewLabel(lang.L("verdict.form.total")), f.total,
			widget.NewLabel(lang.L("verdict.form.budget")), f.budget,
			widget.NewLabel(lang.L("verdict.form.volume")), f.volume,
		),
		f.local, f.sources)
	return f
}

func fmtOpt(v *float64, scale float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v*scale, 'f', -1, 64)
}

// set shows criteria in the form.
func (f *criteriaForm) set(a *advisor.Acceptance) {
	if a == nil {
		a = &advisor.Acceptance{}
	}
	f.setting = true
	defer func() { f.setting = false }()
	f.quality.SetText(fmtOpt(a.MinQuality, 100))
	f.first.SetText(fmtOpt(a.FirstAnswerP95Ms, 1))
	f.total.SetText(fmtOpt(a.TotalP95Ms, 1))
	f.budget.SetText(fmtOpt(a.MaxMonthlyUSD, 1))
	f.volume.SetText(fmtOpt(a.VolumePerDay, 1))
	f.local.SetChecked(a.LocalOnly != nil && *a.LocalOnly)
	var lines []string
	for _, s := range a.Sources {
		lines = append(lines, lang.L("verdict.form.source", map[string]any{"Field": lang.L("verdict.field." + s.Field), "Answer": answerWords(s.Answer), "Why": s.WhyIn(f.lc)}))
	}
	f.sources.SetText(strings.Join(lines, "\n"))
	if len(lines) == 0 {
		f.sources.Hide()
	} else {
		f.sources.Show()
	}
}

// criteriaError is a field of the form that is not a number in range; Field
// is the translated label.
type criteriaError struct{ Field, Fix string }

func (e *criteriaError) Error() string { return e.Field + ": " + e.Fix }

// acceptance reads the form; sources of fields the user left as derived
// are kept.
func (f *criteriaForm) acceptance(prev *advisor.Acceptance) (*advisor.Acceptance, error) {
	out := &advisor.Acceptance{}
	read := func(e *widget.Entry, label string, lo, hi, scale float64) (*float64, error) {
		t := strings.TrimSpace(strings.ReplaceAll(e.Text, ",", "."))
		t = strings.TrimSuffix(strings.TrimPrefix(t, "$"), "%")
		if t == "" {
			return nil, nil
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err != nil || x < lo || x > hi {
			return nil, &criteriaError{Field: lang.L(label), Fix: lang.L("verdict.form.range", map[string]any{"Lo": lo, "Hi": hi})}
		}
		x /= scale
		return &x, nil
	}
	var err error
	if out.MinQuality, err = read(f.quality, "verdict.form.quality", 0, 100, 100); err != nil {
		return nil, err
	}
	if out.FirstAnswerP95Ms, err = read(f.first, "verdict.form.first", 1, 3_600_000, 1); err != nil {
		return nil, err
	}
	if out.TotalP95Ms, err = read(f.total, "verdict.form.total", 1, 3_600_000, 1); err != nil {
		return nil, err
	}
	if out.MaxMonthlyUSD, err = read(f.budget, "verdict.form.budget", 0, 1e12, 1); err != nil {
		return nil, err
	}
	if out.VolumePerDay, err = read(f.volume, "verdict.form.volume", 1, 1e12, 1); err != nil {
		return nil, err
	}
	if f.local.Checked {
		t := true
		out.LocalOnly = &t
	}
	if prev != nil {
		same := func(a, b *float64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }
		for _, s := range prev.Sources {
			keep := false
			switch s.Field {
			case "min_quality":
				keep = same(prev.MinQuality, out.MinQuality)
			case "first_answer_p95_ms":
				keep = same(prev.FirstAnswerP95Ms, out.FirstAnswerP95Ms)
			case "total_p95_ms":
				keep = same(prev.TotalP95Ms, out.TotalP95Ms)
			case "max_monthly_usd":
				keep = same(prev.MaxMonthlyUSD, out.MaxMonthlyUSD)
			case "volume_per_day":
				keep = same(prev.VolumePerDay, out.VolumePerDay)
			case "local_only":
				keep = out.LocalOnly != nil
			}
			if keep {
				out.Sources = append(out.Sources, s)
			}
		}
	}
	if out.MinQuality == nil && out.FirstAnswerP95Ms == nil && out.TotalP95Ms == nil && out.MaxMonthlyUSD == nil && out.VolumePerDay == nil && out.LocalOnly == nil {
		return nil, nil
	}
	return out, nil
}

// verdictTab is the first tab of Results: the pick and why, every option
// against every criterion with its range, the chart, and the criteria,
// editable to judge again.
type verdictTab struct {
	r          *resultsScreen
	view       *container.Scroll
	body       *fyne.Container // the tab's rows, laid out again when the verdict changes
	headline   *canvas.Text
	reason     *widget.Label
	table      *fyne.Container
	chart      *fyne.Container
	compare    *widget.Label
	method     *widget.Label
	people     *widget.Label // what people said, with the judge flagged when it disagrees
	peopleHead *widget.Label
	form       *criteriaForm
	formErr    *widget.Label
	v          *verdict.Verdict
	crit       *advisor.Acceptance // the criteria judged by (the run's, or the user's edit)
}

func newVerdictTab(r *resultsScreen) *verdictTab {
	t := &verdictTab{r: r}
	t.headline = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	t.headline.TextSize = theme.TextSize() * 1.5
	t.headline.TextStyle = fyne.TextStyle{Bold: true}
	t.reason = widget.NewLabel("")
	t.reason.Wrapping = fyne.TextWrapWord
	t.table = container.NewVBox()
	t.chart = container.NewStack()
	t.compare = widget.NewLabel("")
	t.compare.Wrapping = fyne.TextWrapWord
	t.method = hint("")
	t.method.Wrapping = fyne.TextWrapWord
	t.people = widget.NewLabel("")
	t.people.Wrapping = fyne.TextWrapWord
	t.peopleHead = widget.NewLabelWithStyle(lang.L("people.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.people.Hide() // until people rated or compared answers of the run shown
	t.peopleHead.Hide()
	t.formErr = widget.NewLabel("")
	t.formErr.Importance = widget.DangerImportance
	t.formErr.Hide()
	t.form = newCriteriaForm(r.a.langCode(), nil)
	apply := widget.NewButtonWithIcon(lang.L("verdict.apply"), theme.ViewRefreshIcon(), t.onApply)
	reset := widget.NewButton(lang.L("verdict.reset"), func() {
		if r.run != nil {
			t.crit = r.run.Plan.Acceptance
			t.form.set(t.crit)
			t.refresh()
		}
	})
	criteria := widget.NewCard(lang.L("verdict.criteria"), lang.L("verdict.criteria.sub"),
		container.NewVBox(t.form.view, t.formErr, container.NewHBox(apply, reset)))
	t.body = container.NewVBox(
		t.headline, t.reason,
		widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("verdict.options"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		t.table,
		t.chart,
		widget.NewLabelWithStyle(lang.L("verdict.compare"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		t.compare,
		t.peopleHead, t.people,
		criteria,
		t.method,
	)
	t.view = container.NewVScroll(container.NewPadded(t.body))
	return t
}

func (t *verdictTab) onApply() {
	a, err := t.form.acceptance(t.crit)
	if err != nil {
		t.formErr.SetText(err.Error())
		t.formErr.Show()
		return
	}
	t.formErr.Hide()
	t.crit = a
	t.refresh()
}

// load is called when a run's results are in.
func (t *verdictTab) load() {
	if t.r.run != nil {
		t.crit = t.r.run.Plan.Acceptance
	}
	t.form.set(t.crit)
	t.refresh()
}

// compute is the verdict of the shown run under the current criteria.
func (t *verdictTab) compute() *verdict.Verdict {
	r := t.r
	if r.run == nil || len(r.results) == 0 {
		return nil
	}
	v := planVerdict(r.a, r.run.Plan, r.run.ID, r.results, t.crit)
	verdict.AddPeople(&v, r.results, r.people)
	return &v
}

// planVerdict is the verdict of a run's results under criteria, with the
// plan's prices (catalog ones included) and hosting.
func planVerdict(a *App, plan advisor.Plan, runID int64, results []advisor.Result, crit *advisor.Acceptance) verdict.Verdict {
	eps := map[string]advisor.Endpoint{}
	kinds := map[string]string{}
	for _, s := range plan.Sets() {
		for _, ep := range s.Endpoints {
			eps[ep.Name] = ep
			kinds[ep.Name] = s.Kind
		}
	}
	prices := a.prices() // as the command line counts them, unit prices included
	in := verdict.Input{RunID: runID, Results: results, Criteria: verdict.FromAcceptance(crit), Lang: a.langCode(),
		PriceKnown: func(ep string) bool {
			e, ok := eps[ep]
			return ok && prices.Known(e, kinds[ep])
		},
		IsLocal: func(ep string) bool { return verdict.LocalEndpoint(eps[ep]) }}
	if m := moneyOfDecision(a); m != nil {
		in.Currency, in.PerUSD = m.Currency, m.PerUSD
	}
	return verdict.Compute(in)
}

var (
	pickColor   = color.NRGBA{R: 0x1b, G: 0x5e, B: 0x20, A: 0xff}
	noPickColor = color.NRGBA{R: 0xb7, G: 0x1c, B: 0x1c, A: 0xff}
)

func (t *verdictTab) refresh() {
	v := t.compute()
	t.v = v
	t.table.Objects = nil
	t.chart.Objects = nil
	if v == nil {
		t.headline.Text = lang.L("verdict.none_yet")
		t.headline.Color = theme.Color(theme.ColorNameForeground)
		t.headline.Refresh()
		t.reason.SetText("")
		t.compare.SetText("")
		t.method.SetText("")
		t.showPeople(nil)
		t.relayout()
		return
	}
	if v.Pick != nil {
		t.headline.Text = lang.L("verdict.pick", map[string]any{"Endpoint": v.Pick.Endpoint, "Strategy": v.Pick.Strategy})
		t.headline.Color = pickColor
	} else {
		t.headline.Text = lang.L("verdict.no_pick")
		t.headline.Color = noPickColor
	}
	t.headline.Refresh()
	t.reason.SetText(v.Summary)
	t.table.Add(t.candidateGrid(v))
	var sentences []string
	for _, c := range v.Candidates {
		sentences = append(sentences, "• "+c.Sentence)
	}
	sentences = append(sentences, "", verdict.DetectableSentence(v.Lang, v.Cases))
	sentences = append(sentences, v.Notes...)
	t.compare.SetText(strings.Join(sentences, "\n"))
	t.method.SetText(lang.L("verdict.method"))
	t.showPeople(v)
	t.table.Refresh()
	// The chart, drawn by the report package as in the exports.
	r := t.r
	in := r.input(nil)
	in.Results = r.results
	in.Verdict = v
	charts, err := report.Charts(in, report.ChartOptions{Width: 1040, Height: 560, Image: true, Only: func(name string) bool { return name == "verdict" }})
	if err == nil {
		for _, c := range charts {
			if c.Image != nil {
				img := canvas.NewImageFromImage(c.Image)
				img.FillMode = canvas.ImageFillContain
				img.SetMinSize(fyne.NewSize(780, 420))
				t.chart.Add(img)
			}
		}
	}
	t.chart.Refresh()
	t.relayout()
}

// relayout places the tab's rows again after the table, the chart or a
// text changed height: refreshing the table alone left the rows below it
// where they were, drawn over it.
func (t *verdictTab) relayout() {
	t.body.Refresh()
	t.view.Refresh()
}

// showPeople shows what people said, when they said anything, and hands
// the verdict to the People tab; a judge people disagree with is flagged.
func (t *verdictTab) showPeople(v *verdict.Verdict) {
	if t.r.peopleTab != nil {
		t.r.peopleTab.load(v)
		t.r.compareBt.Disable()
		if v != nil && len(verdict.BlindPairs(*v)) > 0 {
			t.r.compareBt.Enable()
		}
	}
	if v == nil || (t.r.people.Empty() && v.HumanJudge == nil) {
		t.people.Hide()
		t.peopleHead.Hide()
		return
	}
	t.people.SetText(strings.Join(peopleLines(*v), "\n"))
	t.people.Importance = widget.MediumImportance
	if v.HumanJudge != nil && !v.HumanJudge.Trusted {
		t.people.Importance = widget.WarningImportance
	}
	t.people.Refresh()
	t.people.Show()
	t.peopleHead.Show()
}

// candidateGrid is every option against every criterion.
func (t *verdictTab) candidateGrid(v *verdict.Verdict) fyne.CanvasObject {
	heads := []string{"verdict.col.option", "verdict.col.quality", "verdict.col.speed", "verdict.col.monthly", "verdict.col.vs", "verdict.col.meets"}
	grid := container.NewGridWithColumns(len(heads))
	for _, h := range heads {
		hl := widget.NewLabelWithStyle(lang.L(h), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		hl.Wrapping = fyne.TextWrapWord // a long heading must not widen the screen
		grid.Add(hl)
	}
	lc := t.r.a.langCode()
	for _, c := range v.Candidates {
		speed := lang.L("verdict.too_few", map[string]any{"N": c.LatencyRequests})
		if c.FirstAnswerP95Ms != nil || c.TotalP95Ms != nil {
			f := func(x *float64) string {
				if x == nil {
					return "-"
				}
				return fmt.Sprintf("%.0f ms", *x)
			}
			speed = lang.L("verdict.speed", map[string]any{"First": f(c.FirstAnswerP95Ms), "Total": f(c.TotalP95Ms)})
		}
		monthly := lang.L("results.cost_unknown")
		if c.MonthlyUSD != nil {
			monthly = money(*c.MonthlyUSD)
		}
		meets := lang.L("verdict.yes")
		if len(c.Fails) > 0 {
			var names []string
			for _, f := range c.Fails {
				names = append(names, verdict.FailName(lc, f))
			}
			meets = lang.L("verdict.misses", map[string]any{"List": strings.Join(names, "; ")})
		}
		name := c.Endpoint + "\n" + strategyLabel(c.Strategy)
		style := fyne.TextStyle{}
		if v.Pick != nil && v.Pick.Endpoint == c.Endpoint && v.Pick.Strategy == c.Strategy {
			name = "★ " + name
			style.Bold = true
		}
		quality := fmt.Sprintf("%s (%s–%s)", pct100(c.Quality), pct100(c.QualityCI[0]), pct100(c.QualityCI[1]))
		if c.HumanQuality != nil {
			quality += "\n" + lang.L("verdict.people_score", map[string]any{"Score": pct100(*c.HumanQuality), "Lo": pct100(c.HumanCI[0]), "Hi": pct100(c.HumanCI[1])})
		}
		if c.HumanWinRate != nil {
			quality += "\n" + lang.L("verdict.people_wins", map[string]any{"Rate": pct100(*c.HumanWinRate), "Lo": pct100(c.HumanWinCI[0]), "Hi": pct100(c.HumanWinCI[1])})
		}
		cells := []string{name,
			quality,
			speed, monthly, lang.L("verdict.vs." + c.VsBest), meets}
		for _, s := range cells {
			l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, style)
			l.Wrapping = fyne.TextWrapWord
			grid.Add(l)
		}
	}
	return grid
}

// acceptanceCard is the live-test setup's criteria, strategy ladder and
// pre-flight estimate (requests, tokens, cost, duration, the smallest
// difference the examples can detect), shown before Start.
func (l *liveTestScreen) acceptanceCard() fyne.CanvasObject {
	l.estimate = hint("")
	l.estimate.Wrapping = fyne.TextWrapWord
	// Every valid edit of the criteria goes into the setup at once, so the
	// saved draft has it when the app closes before Start (a value the form
	// refuses keeps the last good one; Start names the field).
	l.criteria = newCriteriaForm(l.a.langCode(), func() { _ = l.readAcceptance() })
	l.criteria.set(l.s.acceptance)
	ladderCheck := widget.NewCheck(lang.L("verdict.ladder"), func(on bool) { l.s.ladder = on; l.updateEstimate() })
	ladderCheck.SetChecked(l.s.ladder)
	l.ladderCheck = ladderCheck
	l.newBatchCheck()
	refresh := widget.NewButtonWithIcon(lang.L("verdict.estimate.refresh"), theme.ViewRefreshIcon(), func() {
		if err := l.readAcceptance(); err != nil {
			l.estimate.SetText(err.Error())
			return
		}
		l.updateEstimate()
	})
	l.updateEstimate()
	// The subtitle goes inside as wrapped text: a card's subtitle never
	// wraps and would widen the page past the smallest window.
	sub := hint(lang.L("verdict.setup.sub"))
	sub.Wrapping = fyne.TextWrapWord
	return widget.NewCard(lang.L("verdict.setup.title"), "", container.NewVBox(
		sub, l.criteria.view, ladderCheck, hint(lang.L("verdict.ladder.hint")), l.batchCheck, l.batchHint,
		widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("verdict.estimate"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		l.estimate, container.NewHBox(refresh)))
}

// readAcceptance takes the criteria from the form into the setup.
func (l *liveTestScreen) readAcceptance() error {
	if l.criteria == nil {
		return nil
	}
	acc, err := l.criteria.acceptance(l.s.acceptance)
	if err != nil {
		return err
	}
	l.s.acceptance = acc
	return nil
}

// updateEstimate redraws the pre-flight estimate of the plan as it stands.
func (l *liveTestScreen) updateEstimate() {
	if l.estimate == nil {
		return
	}
	p := l.plan()
	if len(p.Cases) == 0 || len(p.Endpoints) == 0 {
		l.estimate.SetText(lang.L("verdict.estimate.empty"))
		l.updateBatchOffer(livetest.Estimate{}) // nothing to offer yet
		return
	}
	est := livetest.EstimatePlan(p, l.a.prices().Tokens, verdict.MinDetectableDiff, l.a.prices().Batch)
	l.updateBatchOffer(est)
	if p.Batch && !l.s.batch {
		p.Batch = false // the offer was just withdrawn
		est = livetest.EstimatePlan(p, l.a.prices().Tokens, verdict.MinDetectableDiff, l.a.prices().Batch)
	}
	lc := l.a.langCode()
	cost := money(est.CostUSD)
	if len(est.PriceUnknown) > 0 {
		cost += " " + lang.L("verdict.estimate.unpriced", map[string]any{"List": strings.Join(est.PriceUnknown, ", ")})
	}
	text := lang.L("verdict.estimate.text", map[string]any{
		"Requests": est.Requests, "TokensIn": est.TokensIn, "TokensOut": est.TokensOut, "Cost": cost,
		"Max": money(est.CostMaxUSD), "Duration": (time.Duration(est.DurationS) * time.Second).String(),
		"Concurrency": max(p.Concurrency, 1)})
	text += "\n" + verdict.DetectableSentence(lc, est.Cases)
	if p.StrategyLadder {
		text += "\n" + lang.L("verdict.estimate.ladder")
	}
	if est.Batch {
		text += "\n" + lang.L("verdict.estimate.batch", map[string]any{"Cost": money(est.BatchCostUSD), "Full": money(est.FullPriceCostUSD)})
	}
	l.estimate.SetText(text)
}

// pct100 is a share as a whole percentage, rounded half up as the
// verdict's sentences and the report round it.
func pct100(x float64) string { return strconv.Itoa(int(math.Round(x*100))) + "%" }

// answerWords writes a source's "key=value" as the question's short label and
// the answer's label: "Cost of a mistake — It costs money or customers".
func answerWords(kv string) string {
	k, v, ok := strings.Cut(kv, "=")
	if !ok {
		return kv
	}
	return labelOr("q."+k+".short", k) + " — " + labelOr("v."+k+"."+v, v)
}
