package report

import (
	"math"
	"sort"

	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"

	"github.com/llm-advisor/llm-advisor/advisor/verdict"
)

var (
	frontierColor = drawing.ColorFromHex("2F4B7C")
	criteriaColor = drawing.ColorFromHex("C62828")
)

// verdictChart plots each candidate's pass rate (with its 95 % range as a
// bar) against its monthly cost at the user's volume, draws the Pareto
// frontier (no other option is both cheaper and better) and the criteria as
// lines: the quality bar across, the budget down. The quality axis always
// starts at 0 %, so an option that got everything wrong is drawn at 0 %, not
// hidden. nil without a verdict or without a priced candidate.
func (p *plotter) verdictChart() func() chart.Chart {
	v := verdictFor(p.in)
	if v == nil {
		return nil
	}
	var cs []verdict.Candidate
	maxX := 0.0
	for _, c := range v.Candidates {
		if c.MonthlyUSD == nil {
			continue
		}
		cs = append(cs, c)
		maxX = math.Max(maxX, *c.MonthlyUSD)
	}
	if len(cs) == 0 {
		return nil
	}
	// The budget line widens the axis only when it is near the points;
	// far beyond them it would squeeze every point against the left edge,
	// so it is named at the right edge instead.
	if m := v.Criteria.MaxMonthlyUSD; m != nil && *m <= math.Max(maxX, 1e-9)*1.5 {
		maxX = math.Max(maxX, *m)
	}
	return func() chart.Chart {
		var items []legendItem
		seen := map[string]bool{}
		for _, c := range cs {
			id := p.models.forEndpoint(c.Endpoint)
			if !seen[id] {
				seen[id] = true
				items = append(items, legendItem{label: p.models.label[id], color: p.models.color(id)})
			}
		}
		items = append(items, legendItem{label: msg(p.lang, "chart.frontier"), color: frontierColor, line: true})
		if v.Criteria.MinQuality != nil || v.Criteria.MaxMonthlyUSD != nil {
			lbl := msg(p.lang, "chart.bar")
			if v.Criteria.MinQuality == nil {
				lbl = msg(p.lang, "chart.cap")
			} else if v.Criteria.MaxMonthlyUSD != nil {
				lbl += " / " + msg(p.lang, "chart.cap")
			}
			items = append(items, legendItem{label: lbl, color: criteriaColor, line: true, dash: true})
		}
		c := p.frame(msg(p.lang, "chart.verdict"), items)
		x := valueAxis(maxX, usdTicks(p.money))
		x.ContinuousRange.Min = -x.ContinuousRange.Max * 0.03
		y := percentAxis(p.lang)
		y.ContinuousRange.Min = -3 // a 0 % point sits just above the axis, visibly at zero
		p.axes(&c, x, y)
		grid := chart.Style{StrokeColor: gridColor, StrokeWidth: 1}
		c.XAxis.GridMajorStyle, c.XAxis.GridMinorStyle = grid, grid
		c.XAxis.Name = msg(p.lang, "axis.monthly")
		c.XAxis.NameStyle = chart.Style{Font: fontReg, FontSize: axisSize, FontColor: mutedColor}
		c.Series = []chart.Series{verdictSeries{p: p, v: v, cs: cs}}
		return c
	}
}

type verdictSeries struct {
	p  *plotter
	v  *verdict.Verdict
	cs []verdict.Candidate
}

func (s verdictSeries) GetName() string           { return "verdict" }
func (s verdictSeries) GetYAxis() chart.YAxisType { return chart.YAxisSecondary }
func (s verdictSeries) GetStyle() chart.Style     { return chart.Style{} }
func (s verdictSeries) Validate() error           { return nil }

func (s verdictSeries) Render(r chart.Renderer, cb chart.Box, xr, yr chart.Range, _ chart.Style) {
	k := s.p.k
	X := func(v float64) int { return cb.Left + xr.Translate(v) }
	Y := func(v float64) int { return cb.Bottom - yr.Translate(v) }
	line := func(x0, y0, x1, y1 int, st chart.Style) {
		st.GetStrokeOptions().WriteToRenderer(r)
		r.MoveTo(x0, y0)
		r.LineTo(x1, y1)
		r.Stroke()
		r.ResetStyle()
	}
	// Criteria lines first, under everything.
	dash := chart.Style{StrokeColor: criteriaColor, StrokeWidth: 1.5 * k, StrokeDashArray: []float64{6 * k, 4 * k}}
	if q := s.v.Criteria.MinQuality; q != nil {
		line(cb.Left, Y(*q*100), cb.Right, Y(*q*100), dash)
	}
	if m := s.v.Criteria.MaxMonthlyUSD; m != nil {
		if x := X(*m); x <= cb.Right {
			line(x, cb.Top, x, cb.Bottom, dash)
		} else {
			t := msg(s.p.lang, "chart.cap_off", usd(s.p.money, *m))
			st := chart.Style{Font: fontReg, FontSize: valueSize, FontColor: criteriaColor}
			w := s.p.textWidth(fontReg, valueSize, t)
			chart.Draw.Text(r, t, cb.Right-w-int(4*k), cb.Top+s.p.px(valueSize)+int(4*k), st)
		}
	}
	// The Pareto frontier: sorted by cost, each point better than every
	// cheaper one.
	idx := make([]int, len(s.cs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ca, cb := s.cs[idx[a]], s.cs[idx[b]]
		if *ca.MonthlyUSD != *cb.MonthlyUSD {
			return *ca.MonthlyUSD < *cb.MonthlyUSD
		}
		return ca.Quality > cb.Quality
	})
	var front []int
	bestQ := -1.0
	for _, i := range idx {
		if s.cs[i].Quality > bestQ {
			front = append(front, i)
			bestQ = s.cs[i].Quality
		}
	}
	fst := chart.Style{StrokeColor: frontierColor, StrokeWidth: 2 * k}
	for j := 1; j < len(front); j++ {
		a, b := s.cs[front[j-1]], s.cs[front[j]]
		// A step: the frontier stays at a's quality until b's cost.
		line(X(*a.MonthlyUSD), Y(a.Quality*100), X(*b.MonthlyUSD), Y(a.Quality*100), fst)
		line(X(*b.MonthlyUSD), Y(a.Quality*100), X(*b.MonthlyUSD), Y(b.Quality*100), fst)
	}
	// Interval bars, then markers, then labels.
	rad := 6 * k
	ps := pointSeries{p: s.p}
	strategies := []string{}
	for _, c := range s.cs {
		col := s.p.models.color(s.p.models.forEndpoint(c.Endpoint))
		x := X(*c.MonthlyUSD)
		bar := chart.Style{StrokeColor: col, StrokeWidth: 2 * k}
		lo, hi := Y(c.QualityCI[0]*100), Y(c.QualityCI[1]*100)
		line(x, lo, x, hi, bar)
		line(x-int(4*k), lo, x+int(4*k), lo, bar)
		line(x-int(4*k), hi, x+int(4*k), hi, bar)
		shape := indexOf(strategies, c.Strategy)
		if shape < 0 {
			strategies = append(strategies, c.Strategy)
			shape = len(strategies) - 1
		}
		label := c.Endpoint + " " + pct(s.p.lang, c.Quality)
		if len(strategiesOf(s.cs)) > 1 {
			label = c.Endpoint + " · " + strategyLabel(c.Strategy) + " " + pct(s.p.lang, c.Quality)
		}
		if s.v.Pick != nil && s.v.Pick.Endpoint == c.Endpoint && s.v.Pick.Strategy == c.Strategy {
			label = "★ " + label
		}
		ps.xs = append(ps.xs, *c.MonthlyUSD)
		ps.ys = append(ps.ys, c.Quality*100)
		ps.colors = append(ps.colors, col)
		ps.labels = append(ps.labels, label)
		ps.shapes = append(ps.shapes, shape)
	}
	_ = rad
	ps.Render(r, cb, xr, yr, chart.Style{})
}

func strategiesOf(cs []verdict.Candidate) map[string]bool {
	out := map[string]bool{}
	for _, c := range cs {
		out[c.Strategy] = true
	}
	return out
}
