package report

import (
	"fmt"
	"time"

	"github.com/wcharczuk/go-chart/v2"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// CapacityTest is a finished capacity test ("Can it carry the traffic?",
// `llm-advisor load`) of the report's decision: its steps, the saturation
// throughput, the sustainable rate against the target and the user's peak.
type CapacityTest struct {
	Name   string
	When   time.Time // when it ran (zero: unknown)
	Status string    // advisor.Run* state: a cancelled test shows the steps it finished
	Result advisor.LoadResult
}

// capacityView is one capacity test as the report lays it out: a title,
// the verdict in sentences and the steps; its chart is among the charts
// (named capacityChartName).
type capacityView struct {
	Title string
	Lines []string
	Steps table
}

func capacityChartName(i int) string { return fmt.Sprintf("capacity-%d", i+1) }

// capacityViews formats the report's capacity tests.
func capacityViews(in Input, red *redactor) []capacityView {
	lang := in.Lang
	var out []capacityView
	for _, ct := range in.Capacity {
		r := ct.Result
		if len(r.Steps) == 0 {
			continue
		}
		title := red.clean(r.Endpoint)
		if r.Model != "" {
			title += " · " + red.clean(r.Model)
		}
		if !ct.When.IsZero() {
			title += " · " + date(lang, ct.When)
		}
		cv := capacityView{Title: title}
		cv.Lines = append(cv.Lines, msg(lang, "capacity.max", num(lang, r.MaxThroughputRPS, 1)))
		switch {
		case !r.Target.Set():
			cv.Lines = append(cv.Lines, msg(lang, "capacity.no_target"))
		case r.SustainableRPS == nil:
			cv.Lines = append(cv.Lines, msg(lang, "capacity.none_met", capacityTarget(lang, r.Target)))
		default:
			cv.Lines = append(cv.Lines, msg(lang, "capacity.sustainable", num(lang, *r.SustainableRPS, 1), capacityTarget(lang, r.Target)))
		}
		if r.PeakRPSNeeded != nil {
			cv.Lines = append(cv.Lines, msg(lang, "capacity.peak", num(lang, *r.PeakRPSNeeded, 2), num(lang, r.VolumePerDay, 0), num(lang, r.PeakFactor, 1)))
		} else {
			cv.Lines = append(cv.Lines, msg(lang, "capacity.no_volume"))
		}
		if r.Carries != nil {
			if *r.Carries {
				cv.Lines = append(cv.Lines, msg(lang, "capacity.carries"))
			} else {
				cv.Lines = append(cv.Lines, msg(lang, "capacity.not_carries"))
			}
		}
		if ct.Status == advisor.RunCancelled {
			cv.Lines = append(cv.Lines, msg(lang, "capacity.cancelled"))
		}
		cv.Steps.Head = []string{msg(lang, "capacity.col.step"), msg(lang, "capacity.col.offered"), msg(lang, "capacity.col.achieved"),
			msg(lang, "capacity.col.answer"), msg(lang, "capacity.col.total"), msg(lang, "capacity.col.met"), msg(lang, "capacity.col.requests"), msg(lang, "capacity.col.errors")}
		const dash = "–"
		opt := func(v *float64) string {
			if v == nil {
				return dash
			}
			return ms(lang, *v)
		}
		for _, s := range r.Steps {
			met := dash
			if s.SLOAttainment != nil {
				met = pct(lang, *s.SLOAttainment)
			}
			cv.Steps.Rows = append(cv.Steps.Rows, []string{msg(lang, "capacity.kind."+s.Kind), num(lang, s.OfferedRPS, 2), num(lang, s.AchievedRPS, 2),
				opt(s.FirstAnswerP95Ms), opt(s.TotalP95Ms), met, num(lang, float64(s.Requests), 0), num(lang, float64(s.Errors), 0)})
		}
		out = append(out, cv)
	}
	return out
}

// capacityTarget says the target in words: "2.000 ms total" and the like.
func capacityTarget(lang string, t advisor.LoadTarget) string {
	switch {
	case t.TotalMs > 0 && t.FirstAnswerMs > 0:
		return msg(lang, "capacity.target_both", ms(lang, t.FirstAnswerMs), ms(lang, t.TotalMs))
	case t.TotalMs > 0:
		return msg(lang, "capacity.target_total", ms(lang, t.TotalMs))
	}
	return msg(lang, "capacity.target_first", ms(lang, t.FirstAnswerMs))
}

// capacityCharts are the specs of the capacity tests' charts (latency
// against the offered rate, the target and the user's peak).
func (p *plotter) capacityCharts() []spec {
	var out []spec
	for i, ct := range p.in.Capacity {
		r := ct.Result
		if _, err := loadChart(r, p.lang, p.opt.Width, p.opt.Height); err != nil {
			continue // no step with an offered rate
		}
		out = append(out, spec{name: capacityChartName(i), title: msg(p.lang, "load.chart_title") + " — " + r.Endpoint,
			build: func() chart.Chart {
				c, _ := loadChart(r, p.lang, p.opt.Width, p.opt.Height)
				c.DPI = p.opt.DPI
				return c
			}})
	}
	return out
}
