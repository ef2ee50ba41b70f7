package report

import (
	"bytes"
	"fmt"

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
	var b bytes.Buffer
	if err := c.Render(chart.PNG, &b); err != nil {
		return nil, fmt.Errorf("report: load chart: %w", err)
	}
	return b.Bytes(), nil
}

// loadChart builds LoadChart's chart (the report's capacity charts render it
// in their own formats).
func loadChart(r advisor.LoadResult, lang string, width, height int) (chart.Chart, error) {
	var xs, first, total []float64
	maxY, maxX := 0.0, 0.0
	for _, s := range r.Steps {
		if s.Kind == advisor.LoadThroughput {
			continue // no offered rate of its own
		}
		xs = append(xs, s.OfferedRPS)
		f, t := 0.0, 0.0
		if s.FirstAnswerP95Ms != nil {
			f = *s.FirstAnswerP95Ms
		}
		if s.TotalP95Ms != nil {
			t = *s.TotalP95Ms
		}
		first, total = append(first, f), append(total, t)
		maxY, maxX = max(maxY, f, t), max(maxX, s.OfferedRPS)
	}
	if len(xs) == 0 {
		return chart.Chart{}, fmt.Errorf("report: load chart: no step with an offered rate")
	}
	target := max(r.Target.TotalMs, r.Target.FirstAnswerMs)
	maxY = max(maxY, target) * 1.15
	if r.PeakRPSNeeded != nil {
		maxX = max(maxX, *r.PeakRPSNeeded)
	}
	maxX *= 1.1
	blue, orange, red, grey := drawing.ColorFromHex("296ff6"), drawing.ColorFromHex("e07b00"), drawing.ColorFromHex("c62828"), drawing.ColorFromHex("555555")
	series := []chart.Series{
		chart.ContinuousSeries{Name: msg(lang, "load.first_answer_p95"), XValues: xs, YValues: first,
			Style: chart.Style{StrokeColor: blue, StrokeWidth: 3, DotColor: blue, DotWidth: 4}},
		chart.ContinuousSeries{Name: msg(lang, "load.total_p95"), XValues: xs, YValues: total,
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
		Title: msg(lang, "load.chart_title"), Width: width, Height: height, Font: fontReg,
		Background: chart.Style{Padding: chart.Box{Top: 50, Left: 20, Right: 20, Bottom: 20}},
		XAxis: chart.XAxis{Name: msg(lang, "load.offered"), Range: &chart.ContinuousRange{Min: 0, Max: maxX},
			ValueFormatter: func(v any) string { return num(lang, v.(float64), 1) }},
		YAxis: chart.YAxis{Name: "ms", Range: &chart.ContinuousRange{Min: 0, Max: maxY},
			ValueFormatter: func(v any) string { return num(lang, v.(float64), 0) }},
		Series: series,
	}
	c.Elements = []chart.Renderable{chart.LegendLeft(&c)}
	return c, nil
}
