package report

import (
	"fmt"
	"sort"

	"github.com/llm-advisor/llm-advisor/advisor"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// LoadChart draws a capacity test: the p95 of the time until the answer
// starts and of the total time against the offered rate, with the latency
// target as a horizontal line and the user's peak rate as a vertical one.
// PNG only.
func LoadChart(r advisor.LoadResult, lang string, width, height int) ([]byte, error) {
	if err := loadFonts(); err != nil {
		return nil, err
	}
	c, err := loadChart(r, lang, width, height)
	if err != nil {
		return nil, err
	}
	img, err := rasterChart(c)
	if err == nil {
		var b []byte
		if b, err = encodePNG(img); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("report: load chart: %w", err)
}

// loadChart builds LoadChart's chart (the report's capacity charts render it
// in their own formats).
func loadChart(r advisor.LoadResult, lang string, width, height int) (chart.Chart, error) {
	// A step whose percentile its requests cannot support (nil) has no
	// point: drawing it at 0 ms would show a step that never answered as
	// the fastest.
	type pt struct{ x, y float64 }
	var firstPts, totalPts []pt
	maxY, maxX := 0.0, 0.0
	// p95 when the steps have enough requests for one, else the median
	// (a short sweep), said in the title and the legend.
	p := "p95"
	collect := func(first, total func(advisor.LoadStep) *float64) {
		firstPts, totalPts, maxY, maxX = nil, nil, 0, 0
		for _, s := range r.Steps {
			if s.Kind == advisor.LoadThroughput {
				continue // no offered rate of its own
			}
			if v := first(s); v != nil {
				firstPts = append(firstPts, pt{s.OfferedRPS, *v})
				maxY = max(maxY, *v)
			}
			if v := total(s); v != nil {
				totalPts = append(totalPts, pt{s.OfferedRPS, *v})
				maxY = max(maxY, *v)
			}
			maxX = max(maxX, s.OfferedRPS)
		}
	}
	collect(func(s advisor.LoadStep) *float64 { return s.FirstAnswerP95Ms }, func(s advisor.LoadStep) *float64 { return s.TotalP95Ms })
	if len(firstPts)+len(totalPts) == 0 {
		p = "p50"
		collect(func(s advisor.LoadStep) *float64 { return s.FirstAnswerP50Ms }, func(s advisor.LoadStep) *float64 { return s.TotalP50Ms })
	}
	if len(firstPts)+len(totalPts) == 0 {
		return chart.Chart{}, fmt.Errorf("report: load chart: no step with an offered rate and a measured latency")
	}
	split := func(ps []pt) (xs, ys []float64) {
		sort.Slice(ps, func(i, j int) bool { return ps[i].x < ps[j].x })
		for _, p := range ps {
			xs, ys = append(xs, p.x), append(ys, p.y)
		}
		return xs, ys
	}
	fx, first := split(firstPts)
	tx, total := split(totalPts)
	target := max(r.Target.TotalMs, r.Target.FirstAnswerMs)
	maxY = max(maxY, target) * 1.15
	if r.PeakRPSNeeded != nil {
		maxX = max(maxX, *r.PeakRPSNeeded)
	}
	maxX *= 1.1
	blue, orange, red, grey := drawing.ColorFromHex("296ff6"), drawing.ColorFromHex("e07b00"), drawing.ColorFromHex("c62828"), drawing.ColorFromHex("555555")
	series := []chart.Series{
		chart.ContinuousSeries{Name: msg(lang, "load.first_answer_"+p), XValues: fx, YValues: first,
			Style: chart.Style{StrokeColor: blue, StrokeWidth: 3, DotColor: blue, DotWidth: 4}},
		chart.ContinuousSeries{Name: msg(lang, "load.total_"+p), XValues: tx, YValues: total,
			Style: chart.Style{StrokeColor: orange, StrokeWidth: 3, DotColor: orange, DotWidth: 4}},
	}
	if target > 0 {
		series = append(series, chart.ContinuousSeries{Name: msg(lang, "load.target"), XValues: []float64{0, maxX}, YValues: []float64{target, target},
			Style: chart.Style{StrokeColor: red, StrokeWidth: 2, StrokeDashArray: []float64{6, 4}}})
	}
	if r.PeakRPSNeeded != nil {
		p := *r.PeakRPSNeeded
		series = append(series, chart.ContinuousSeries{Name: msg(lang, "load.peak"), XValues: []float64{p, p}, YValues: []float64{0, maxY},
			Style: chart.Style{StrokeColor: grey, StrokeWidth: 2, StrokeDashArray: []float64{2, 3}}})
	}
	c := chart.Chart{
		Title: msg(lang, "load.chart_title_"+p), Width: width, Height: height, Font: fontReg,
		// The legend is drawn inside the plot (LegendLeft covered the title).
		Background: chart.Style{Padding: chart.Box{Top: 50, Left: 20, Right: 20, Bottom: 20}},
		XAxis: chart.XAxis{Name: msg(lang, "load.offered"), Range: &chart.ContinuousRange{Min: 0, Max: maxX},
			ValueFormatter: func(v any) string { return num(lang, v.(float64), 1) }},
		YAxis: chart.YAxis{Name: "ms", Range: &chart.ContinuousRange{Min: 0, Max: maxY},
			ValueFormatter: func(v any) string { return num(lang, v.(float64), 0) }},
		Series: series,
	}
	c.Elements = []chart.Renderable{chart.Legend(&c)}
	return c, nil
}
