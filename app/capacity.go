package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/report"
)

// capacityScreen is "Can it carry my traffic?": a capacity sweep of one
// endpoint of the run's plan, its steps as they end, the verdict against
// the user's peak and the latency-vs-rate chart.
type capacityScreen struct {
	a    *App
	plan advisor.Plan
	view fyne.CanvasObject

	endpoint *widget.Select
	arrival  *widget.Select
	targetMs *widget.Entry
	volume   *widget.Entry
	peak     *widget.Entry
	stepReq  *widget.Entry
	stepSec  *widget.Entry
	sweep    *widget.Entry // steps of the sweep (livetest.LoadOptions.SweepSize)
	start    *widget.Button
	cancel   *widget.Button
	progress *widget.ProgressBar
	status   *widget.Label
	verdict  *widget.Label
	steps    *widget.Label
	chart    *fyne.Container

	stop context.CancelFunc
}

func newCapacityScreen(a *App, p advisor.Plan) *capacityScreen {
	c := &capacityScreen{a: a, plan: p}
	var names []string
	for _, s := range p.Sets() {
		if s.Kind != advisor.CaseKindChat {
			continue
		}
		for _, ep := range s.Endpoints {
			names = append(names, ep.Name)
		}
	}
	c.endpoint = newSelect(names, nil)
	if len(names) > 0 {
		c.endpoint.SetSelectedIndex(0)
	}
	arrivals := []string{lang.L("capacity.arrival.constant"), lang.L("capacity.arrival.poisson")}
	c.arrival = newSelect(arrivals, nil)
	c.arrival.SetSelectedIndex(0)
	target, volume := 0.0, 0.0
	if acc := p.Acceptance; acc != nil {
		if acc.TotalP95Ms != nil {
			target = *acc.TotalP95Ms
		} else if acc.FirstAnswerP95Ms != nil {
			target = *acc.FirstAnswerP95Ms
		}
		if acc.VolumePerDay != nil {
			volume = *acc.VolumePerDay
		}
	}
	if volume == 0 && a.decision != nil {
		volume = advisor.VolumePerDay(a.decision.Answers.Volume)
	}
	c.targetMs = widget.NewEntry()
	c.targetMs.SetText(plainNumber(target))
	c.volume = widget.NewEntry()
	c.volume.SetText(plainNumber(volume))
	c.peak = widget.NewEntry()
	c.peak.SetText(plainNumber(advisor.DefaultPeakFactor))
	c.stepReq = widget.NewEntry()
	c.stepReq.SetText(strconv.Itoa(livetest.DefaultStepRequests))
	c.stepSec = widget.NewEntry()
	c.stepSec.SetText(strconv.Itoa(livetest.DefaultStepSeconds))
	c.sweep = widget.NewEntry()
	c.sweep.SetText(strconv.Itoa(livetest.DefaultSweepSize))
	c.start = widget.NewButtonWithIcon(lang.L("capacity.start"), theme.MediaPlayIcon(), c.onStart)
	c.start.Importance = widget.HighImportance
	c.cancel = widget.NewButtonWithIcon(lang.L("capacity.cancel"), theme.CancelIcon(), c.onCancel)
	c.cancel.Disable()
	c.progress = widget.NewProgressBar()
	c.status = widget.NewLabel(lang.L("capacity.ready"))
	c.status.Wrapping = fyne.TextWrapWord
	c.verdict = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.verdict.Wrapping = fyne.TextWrapOff
	c.steps = widget.NewLabel("")
	c.steps.TextStyle = fyne.TextStyle{Monospace: true}
	c.chart = container.NewStack()

	form := widget.NewForm(
		widget.NewFormItem(lang.L("capacity.endpoint"), c.endpoint),
		widget.NewFormItem(lang.L("capacity.arrival"), c.arrival),
		widget.NewFormItem(lang.L("capacity.target"), c.targetMs),
		widget.NewFormItem(lang.L("capacity.volume"), c.volume),
		widget.NewFormItem(lang.L("capacity.peak_factor"), c.peak),
		widget.NewFormItem(lang.L("capacity.step_requests"), c.stepReq),
		widget.NewFormItem(lang.L("capacity.step_seconds"), c.stepSec),
		widget.NewFormItem(lang.L("capacity.sweep_size"), c.sweep),
	)
	intro := hint(lang.L("capacity.intro"))
	left := container.NewVBox(intro, form, container.NewHBox(c.start, c.cancel), c.progress, c.status)
	right := container.NewVScroll(container.NewVBox(c.verdict, c.chart, c.steps))
	body := container.NewHSplit(left, right)
	body.Offset = 0.4
	c.view = screen(lang.L("capacity.title"), nil, body, nil)
	return c
}

func plainNumber(v float64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// number reads a form field: empty is 0; anything else must be a number ≥ 0
// (a comma is taken as the decimal mark).
func number(e *widget.Entry, field string) (float64, error) {
	s := strings.ReplaceAll(strings.TrimSpace(e.Text), ",", ".")
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 {
		return 0, errors.New(lang.L("capacity.bad_number", map[string]any{"Field": lang.L(field)}))
	}
	return v, nil
}

func (c *capacityScreen) options() (livetest.LoadOptions, error) {
	opt := livetest.LoadOptions{Endpoint: c.endpoint.Selected, Keys: c.a.keyLookup(), AllowKeyEnvs: c.a.allowedKeyEnvList()}
	if c.arrival.SelectedIndex() == 1 {
		opt.Arrival = advisor.LoadPoisson
	}
	var err error
	var target, steps, secs float64
	if target, err = number(c.targetMs, "capacity.target"); err != nil {
		return opt, err
	}
	opt.Target.TotalMs = target
	if opt.VolumePerDay, err = number(c.volume, "capacity.volume"); err != nil {
		return opt, err
	}
	if opt.PeakFactor, err = number(c.peak, "capacity.peak_factor"); err != nil {
		return opt, err
	}
	if steps, err = number(c.stepReq, "capacity.step_requests"); err != nil {
		return opt, err
	}
	if secs, err = number(c.stepSec, "capacity.step_seconds"); err != nil {
		return opt, err
	}
	opt.StepRequests, opt.StepSeconds = int(steps), secs
	size, err := strconv.Atoi(strings.TrimSpace(c.sweep.Text))
	if err != nil || size < 3 || size > 20 {
		return opt, errors.New(lang.L("capacity.bad_sweep"))
	}
	opt.SweepSize = size
	if _, err := livetest.ValidateLoad(c.plan, opt); err != nil {
		return opt, err
	}
	return opt, nil
}

func (c *capacityScreen) onStart() {
	opt, err := c.options()
	var ue *livetest.UnconfirmedKeyEnvError
	if errors.As(err, &ue) {
		// As before a live test: ask before sending a variable whose name
		// does not say API key; start once the user says send.
		ep, _ := livetest.ValidateLoad(c.plan, livetest.LoadOptions{Endpoint: opt.Endpoint, AllowKeyEnvs: []string{ue.Env}})
		c.a.confirmKeyEnvs(advisor.Plan{Endpoints: []advisor.Endpoint{ep}}, c.onStart, nil)
		return
	}
	if err != nil {
		c.status.SetText(err.Error())
		return
	}
	ws := c.a.ws
	if ws == nil {
		c.status.SetText(lang.L("capacity.no_store"))
		return
	}
	ctx, stop := context.WithCancel(c.a.ctx)
	c.stop = stop
	c.start.Disable()
	c.cancel.Enable()
	c.progress.SetValue(0)
	c.verdict.SetText("")
	c.steps.SetText("")
	c.chart.Objects = nil
	c.chart.Refresh()
	a := c.a
	plan := c.plan
	ep, _ := livetest.ValidateLoad(plan, opt)
	total := opt.SweepSize
	if total == 0 {
		total = livetest.DefaultSweepSize
	}
	var done []advisor.LoadStep
	opt.OnProgress = func(p livetest.LoadProgress) { a.ui(func() { c.onProgress(p) }) }
	a.goWork(func(context.Context) {
		defer stop()
		// The workspace stores the test and each step (as the command
		// line's load does); the screen shows the steps as they end.
		opt.OnStep = func(i int, s advisor.LoadStep) {
			done = append(done, s)
			cp := append([]advisor.LoadStep(nil), done...)
			a.ui(func() {
				c.progress.SetValue(float64(len(cp)) / float64(total))
				c.showSteps(cp)
			})
		}
		out, serr := ws.RunLoad(ctx, plan, ep, opt)
		err := out.Err
		if err == nil {
			err = serr
		}
		res := out.Result
		a.ui(func() { c.finish(res, err) })
	})
}

func (c *capacityScreen) onCancel() {
	if c.stop != nil {
		c.stop()
	}
	c.cancel.Disable()
	c.status.SetText(lang.L("capacity.cancelling"))
}

func (c *capacityScreen) onProgress(p livetest.LoadProgress) {
	if p.Warmup {
		c.status.SetText(lang.L("capacity.warmup"))
		return
	}
	kind := lang.L("capacity.kind." + p.Kind)
	if p.OfferedRPS > 0 && p.Kind != advisor.LoadSynchronous {
		kind = lang.L("capacity.kind.rate", map[string]any{"Rate": numbers().Number(p.OfferedRPS, 1)})
	}
	c.status.SetText(lang.L("capacity.step", map[string]any{"Step": p.Step, "Steps": p.Steps, "Kind": kind, "Done": p.Done, "Errors": p.Errors}))
}

func (c *capacityScreen) showSteps(steps []advisor.LoadStep) {
	var b strings.Builder
	f := numbers()
	fmt.Fprintf(&b, "%-10s %9s %9s %9s %9s %7s\n", lang.L("capacity.col.offered"), lang.L("capacity.col.achieved"), lang.L("capacity.col.answer"), lang.L("capacity.col.total"), lang.L("capacity.col.met"), lang.L("capacity.col.errors"))
	opt := func(v *float64) string {
		if v == nil {
			return "—"
		}
		return f.Number(*v, 0)
	}
	for _, s := range steps {
		met := "—"
		if s.SLOAttainment != nil {
			met = f.Percent(*s.SLOAttainment)
		}
		fmt.Fprintf(&b, "%-10s %9s %9s %9s %9s %7d\n", f.Number(s.OfferedRPS, 2), f.Number(s.AchievedRPS, 2), opt(s.FirstAnswerP95Ms), opt(s.TotalP95Ms), met, s.Errors)
	}
	c.steps.SetText(b.String())
}

func (c *capacityScreen) finish(res advisor.LoadResult, err error) {
	c.start.Enable()
	c.cancel.Disable()
	c.showSteps(res.Steps)
	switch {
	case errors.Is(err, context.Canceled):
		c.status.SetText(lang.L("capacity.cancelled"))
	case err != nil:
		c.status.SetText(lang.L("capacity.failed", map[string]any{"Error": err.Error()}))
	default:
		c.progress.SetValue(1)
		c.status.SetText(lang.L("capacity.finished"))
	}
	if len(res.Steps) == 0 {
		return
	}
	c.verdict.SetText(capacityVerdict(res))
	if b, err := report.LoadChart(res, c.a.langCode(), 900, 480); err == nil {
		img := canvas.NewImageFromResource(fyne.NewStaticResource("capacity.png", b))
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(560, 300))
		c.chart.Objects = []fyne.CanvasObject{img}
		c.chart.Refresh()
	}
}

// capacityVerdict says in plain words what the test found.
func capacityVerdict(r advisor.LoadResult) string {
	f := numbers()
	lines := []string{lang.L("capacity.max", map[string]any{"Rate": f.Number(r.MaxThroughputRPS, 1)})}
	switch {
	case !r.Target.Set():
		lines = append(lines, lang.L("capacity.no_target"))
	case r.SustainableRPS == nil:
		lines = append(lines, lang.L("capacity.none_met"))
	default:
		lines = append(lines, lang.L("capacity.sustainable", map[string]any{"Rate": f.Number(*r.SustainableRPS, 1)}))
	}
	if r.PeakRPSNeeded != nil {
		lines = append(lines, lang.L("capacity.peak", map[string]any{"Rate": f.Number(*r.PeakRPSNeeded, 2), "Volume": f.Number(r.VolumePerDay, 0), "Factor": f.Number(r.PeakFactor, 1)}))
	}
	if r.Carries != nil {
		if *r.Carries {
			lines = append(lines, lang.L("capacity.carries"))
		} else {
			lines = append(lines, lang.L("capacity.not_carries"))
		}
	}
	return strings.Join(lines, "\n")
}
