package report

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"image"
	"image/png"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/golang/freetype/truetype"
	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/assets"
	"github.com/llm-advisor/llm-advisor/locale"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
	"golang.org/x/image/font"
)

var (
	fontsOnce          sync.Once
	fontReg, fontBold  *truetype.Font
	fontRegB, fontBldB []byte
	fontsErr           error
)

// loadFonts parses the embedded DejaVu fonts once; charts and PDFs share them.
func loadFonts() error {
	fontsOnce.Do(func() {
		if fontRegB, fontsErr = assets.Fonts.ReadFile(assets.FontRegular); fontsErr != nil {
			return
		}
		if fontBldB, fontsErr = assets.Fonts.ReadFile(assets.FontBold); fontsErr != nil {
			return
		}
		if fontReg, fontsErr = truetype.Parse(fontRegB); fontsErr != nil {
			return
		}
		fontBold, fontsErr = truetype.Parse(fontBldB)
	})
	if fontsErr != nil {
		return fmt.Errorf("report: load fonts: %w", fontsErr)
	}
	return nil
}

var (
	textColor  = drawing.ColorFromHex("333333")
	mutedColor = drawing.ColorFromHex("666666")
	gridColor  = drawing.ColorFromHex("E3E3E3")
	axisColor  = drawing.ColorFromHex("9A9A9A")
)

// errorPalette colours error classes; it is fixed so a class keeps its colour
// from run to run.
var errorClasses = []string{advisor.ErrUnauthorized, advisor.ErrNotFound, advisor.ErrRateLimited, advisor.ErrServer, advisor.ErrTimeout, advisor.ErrConnection, advisor.ErrBadResponse, advisor.ErrContextLength, advisor.ErrBadRequest, advisor.ErrCancelled}

var errorPalette = []drawing.Color{
	drawing.ColorFromHex("8C2D04"), drawing.ColorFromHex("D94801"), drawing.ColorFromHex("F16913"),
	drawing.ColorFromHex("6A51A3"), drawing.ColorFromHex("9E9AC8"), drawing.ColorFromHex("525252"),
	drawing.ColorFromHex("969696"), drawing.ColorFromHex("BD0026"), drawing.ColorFromHex("FD8D3C"),
	drawing.ColorFromHex("CCCCCC"),
}

// Charts renders every chart that has data: the per-run charts when the input
// has results, the shortlist cost when the recommendation has a shortlist, the
// history when the decision has two runs or more. Colours follow the model,
// the same in every chart.
func Charts(in Input, opt ChartOptions) ([]Chart, error) {
	if err := loadFonts(); err != nil {
		return nil, err
	}
	opt = opt.normalized()
	p := newPlotter(in, opt)
	specs := p.specs()
	if opt.Only != nil {
		specs = slices.DeleteFunc(specs, func(s spec) bool { return !opt.Only(s.name) })
	}
	out := make([]Chart, len(specs))
	errs := make([]error, len(specs))
	// Charts are independent: render them on every core, each into its own
	// slot, so the order stays the specs' order.
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, s := range specs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i], errs[i] = renderChart(s, opt)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func renderChart(s spec, opt ChartOptions) (Chart, error) {
	c := Chart{Name: s.name, Title: s.title}
	if opt.PNG || opt.Image {
		// One raster for both: go-chart hands it to a writer that collects
		// it instead of encoding a PNG, and the PNG is encoded here.
		img, err := rasterChart(s.build())
		if err != nil {
			return c, fmt.Errorf("report: chart %s: %w", s.name, err)
		}
		if opt.PNG {
			if c.PNG, err = encodePNG(img); err != nil {
				return c, fmt.Errorf("report: chart %s: %w", s.name, err)
			}
		}
		if opt.Image {
			c.Image = img
		}
	}
	if opt.SVG {
		var buf bytes.Buffer
		if err := s.build().Render(escapedSVG, &buf); err != nil {
			return c, fmt.Errorf("report: chart %s: %w", s.name, err)
		}
		c.SVG = buf.Bytes()
	}
	return c, nil
}

// rasterChart draws ch into an image.
func rasterChart(ch chart.Chart) (image.Image, error) {
	var w chart.ImageWriter
	if err := ch.Render(chart.PNG, &w); err != nil {
		return nil, err
	}
	return w.Image()
}

// encodePNG encodes a chart at zlib's fastest level: on the report's
// charts (flat colours) it is 2.4 times faster than go-chart's default
// level for 2 % more bytes (ten 1440×810 charts: 0.86 s against 2.08 s,
// 547 KB against 535 KB).
func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// escapedSVG is go-chart's SVG renderer with text escaped: go-chart writes
// text into the SVG as is, and model or endpoint names are user input.
func escapedSVG(w, h int) (chart.Renderer, error) {
	r, err := chart.SVG(w, h)
	if err != nil {
		return nil, err
	}
	return svgText{r}, nil
}

type svgText struct{ chart.Renderer }

func (s svgText) Text(body string, x, y int) { s.Renderer.Text(html.EscapeString(body), x, y) }

// spec is one chart to draw. build makes a fresh chart each time, so state
// kept while rendering (label placement) never leaks between formats.
type spec struct {
	name, title string
	build       func() chart.Chart
	bars        *barData // the figures of a bar chart, nil for the others
}

type plotter struct {
	in     Input
	opt    ChartOptions
	lang   string
	money  locale.Formatter // money in the decision's currency
	models *models
	rows   []advisor.SummaryRow
	cats   []category // set × strategy, sets in order of appearance, the plan's strategy order within a set
	k      float64    // pixel scale of our own paddings
}

// category is one group of bars: a strategy of a case set (a kind other
// than chat has one strategy, the kind itself).
type category struct{ set, strategy string }

// label names a category on an axis: the strategy for the plan's own cases,
// the set's name for a set of another kind, both for a chat set.
func (c category) label() string {
	switch {
	case c.set == "":
		return strategyLabel(c.strategy)
	case c.strategy == advisor.StrategyEmbedding || c.strategy == advisor.StrategyTranscription || c.strategy == advisor.StrategyImage:
		return c.set
	}
	return c.set + " · " + strategyLabel(c.strategy)
}

func (p *plotter) catIndex(r advisor.SummaryRow) int {
	for i, c := range p.cats {
		if c.set == r.Set && c.strategy == r.Strategy {
			return i
		}
	}
	return -1
}

func newPlotter(in Input, opt ChartOptions) *plotter {
	p := &plotter{in: in, opt: opt, lang: in.Lang, money: in.money(), models: newModels(in), rows: advisor.Summarize(in.Results), k: opt.DPI / 96}
	var strategies []string
	if in.Run != nil {
		strategies = in.Run.Plan.Strategies
	}
	var sets []string
	seen := map[category]bool{}
	for _, r := range p.rows {
		if indexOf(sets, r.Set) < 0 {
			sets = append(sets, r.Set)
		}
		c := category{r.Set, r.Strategy}
		if !seen[c] {
			seen[c] = true
			p.cats = append(p.cats, c)
		}
	}
	rank := func(st string) int {
		if i := indexOf(strategies, st); i >= 0 {
			return i
		}
		return len(strategies)
	}
	sort.SliceStable(p.cats, func(i, j int) bool {
		a, b := p.cats[i], p.cats[j]
		if sa, sb := indexOf(sets, a.set), indexOf(sets, b.set); sa != sb {
			return sa < sb
		}
		return rank(a.strategy) < rank(b.strategy)
	})
	return p
}

func (p *plotter) specs() []spec {
	var out []spec
	add := func(name string, build func() chart.Chart) {
		if build != nil {
			out = append(out, spec{name: name, title: msg(p.lang, "chart."+name), build: build})
		}
	}
	// addBars adds a bar chart when it has data: a value above zero, or any
	// value at all when zero means something (a perfect word error rate).
	addBars := func(name string, d *barData, zeroCounts bool, label func(float64) string, axis func(max float64) tickRange) {
		if d == nil || (!zeroCounts && !(d.max > 0)) {
			return
		}
		out = append(out, spec{name: name, title: msg(p.lang, "chart."+name), build: p.barChart(name, d, label, axis), bars: d})
	}
	lang := p.lang
	msAxis := func(max float64) tickRange { return valueAxis(max, func(v, _ float64) string { return ms(lang, v) }) }
	numAxis := func(max float64) tickRange {
		return valueAxis(max, func(v, _ float64) string { return num(lang, v, 0) })
	}
	cur := p.money
	usdAxis := func(max float64) tickRange { return valueAxis(max, usdTicks(cur)) }
	pctAxis := func(float64) tickRange { return percentAxis(lang) }
	pctLabel := func(v float64) string { return num(lang, v, 0) + "%" }
	every := func(advisor.SummaryRow) bool { return true }
	chat := func(r advisor.SummaryRow) bool { return r.Kind == "" || r.Kind == advisor.CaseKindChat }
	scored := func(r advisor.SummaryRow) bool { return chat(r) && r.Scored > 0 }
	emb := func(r advisor.SummaryRow) bool {
		return r.Kind == advisor.CaseKindEmbedding && r.Embedding != nil && r.Embedding.Queries > 0
	}
	tr := func(r advisor.SummaryRow) bool {
		return r.Kind == advisor.CaseKindTranscription && r.Transcription != nil
	}
	img := func(r advisor.SummaryRow) bool {
		return r.Kind == advisor.CaseKindImage && r.Image != nil && r.Image.Images > 0
	}

	add("verdict", p.verdictChart())
	// Latency and cost mean the same for every kind; time to first token
	// and output speed only for chat, whose answers stream.
	addBars("latency", p.bars(every, func(r advisor.SummaryRow) float64 { return r.LatencyP50 }, func(r advisor.SummaryRow) float64 { return r.LatencyP95 }), false, nil, msAxis)
	addBars("ttft", p.bars(chat, func(r advisor.SummaryRow) float64 { return r.TTFTP50 }, func(r advisor.SummaryRow) float64 { return r.TTFTP95 }), false, nil, msAxis)
	// A row whose output speed meant nothing (advisor.Speed) has no bar:
	// a bar at 0 would read as a measured 0 tokens per second.
	timed := func(r advisor.SummaryRow) bool { return chat(r) && r.TokensPerSec > 0 }
	addBars("throughput", p.bars(timed, func(r advisor.SummaryRow) float64 { return r.TokensPerSec }, nil), false, func(v float64) string { return num(lang, v, 0) }, numAxis)
	priced := func(r advisor.SummaryRow) bool { return !p.in.unpriced(r.Endpoint) }
	addBars("cost_per_1k", p.bars(priced, func(r advisor.SummaryRow) float64 { return r.CostPer1K }, nil), false, func(v float64) string { return usd(cur, v) }, usdAxis)
	addBars("quality", p.bars(scored, func(r advisor.SummaryRow) float64 { return r.Quality * 100 }, nil), false, pctLabel, pctAxis)
	addBars("recall", p.bars(emb, func(r advisor.SummaryRow) float64 { return r.Embedding.RecallAtK * 100 }, nil), true, pctLabel, pctAxis)
	addBars("mrr", p.bars(emb, func(r advisor.SummaryRow) float64 { return r.Embedding.MRR }, nil), true, func(v float64) string { return num(lang, v, 2) }, func(float64) tickRange { return unitAxis(lang) })
	addBars("wer", p.bars(tr, func(r advisor.SummaryRow) float64 { return r.Transcription.WER * 100 }, nil), true, pctLabel, func(max float64) tickRange {
		return valueAxis(max, func(v, _ float64) string { return num(lang, v, 0) + "%" })
	})
	addBars("seconds_per_image", p.bars(img, func(r advisor.SummaryRow) float64 { return r.Image.SecondsPerImage }, nil), false, func(v float64) string { return num(lang, v, 1) + " s" }, func(max float64) tickRange {
		return valueAxis(max, func(v, step float64) string {
			if step < 1 {
				return num(lang, v, 1) + " s"
			}
			return num(lang, v, 0) + " s"
		})
	})
	add("cost_quality", p.costQuality())
	add("errors", p.errors())
	add("shortlist_cost", p.shortlistCost())
	add("history", p.history())
	out = append(out, p.capacityCharts()...)
	return out
}

// unitAxis is 0–1 with room above for value labels.
func unitAxis(lang string) tickRange {
	t := tickRange{&chart.ContinuousRange{Min: 0, Max: 1.08}, nil}
	for v := 0.0; v <= 1.0001; v += 0.2 {
		t.ticks = append(t.ticks, chart.Tick{Value: v, Label: num(lang, v, 1)})
	}
	return t
}

// ---- layout shared by every chart ----

type legendItem struct {
	label string
	color drawing.Color
	line  bool // a line sample instead of a filled square
	dash  bool
	shape int // 1+ a point marker (see drawMarker) instead of a square
}

const (
	titleSize  = 13.0
	axisSize   = 10.0
	legendSize = 10.0
	valueSize  = 8.5
)

func (p *plotter) px(pt float64) int { return int(math.Ceil(pt * p.opt.DPI / 72)) }

func (p *plotter) textWidth(f *truetype.Font, size float64, s string) int {
	// Measure with go-chart's raster renderer: its text comes out about a
	// tenth wider than the font's advance widths, and the PNG is what the
	// GUI and the PDF show. The SVG's text is narrower, so it fits too.
	r, err := chart.PNG(1, 1)
	if err != nil {
		face := truetype.NewFace(f, &truetype.Options{Size: size, DPI: p.opt.DPI})
		defer face.Close()
		return font.MeasureString(face, s).Ceil()
	}
	r.SetDPI(p.opt.DPI)
	return chart.Draw.MeasureText(r, s, chart.Style{Font: f, FontSize: size, FontColor: textColor}).Width()
}

// legendLayout places the legend items in rows under the title; it returns
// each item's top-left corner and the height the legend takes.
func (p *plotter) legendLayout(items []legendItem, top int) (pos [][2]int, height int) {
	pad := int(12 * p.k)
	sw := p.px(legendSize)
	rowH := sw + int(8*p.k)
	x, y := pad, top
	for _, it := range items {
		w := sw + int(5*p.k) + p.textWidth(fontReg, legendSize, it.label) + int(16*p.k)
		if x > pad && x+w > p.opt.Width-pad {
			x, y = pad, y+rowH
		}
		pos = append(pos, [2]int{x, y})
		x += w
	}
	if len(items) > 0 {
		height = y + rowH - top
	}
	return pos, height
}

// frame returns a chart with the title, legend, fonts and padding set; the
// caller adds axes and series.
func (p *plotter) frame(title string, items []legendItem) chart.Chart {
	titleTop := int(10 * p.k)
	size, lines := p.fitTitle(title)
	lineH := p.px(size) + int(5*p.k)
	legendTop := titleTop + len(lines)*lineH + int(7*p.k)
	pos, lh := p.legendLayout(items, legendTop)
	top := legendTop + lh + int(10*p.k)
	pad := int(14 * p.k)
	c := chart.Chart{
		Width:      p.opt.Width,
		Height:     p.opt.Height,
		DPI:        p.opt.DPI,
		Font:       fontReg,
		Background: chart.Style{Padding: chart.Box{Top: top, Left: pad, Right: pad, Bottom: pad}},
	}
	c.Elements = append(c.Elements, func(r chart.Renderer, _ chart.Box, _ chart.Style) {
		// go-chart centres a one-line title and lets a long one run off
		// the edges; ours shrinks, then wraps.
		st := chart.Style{Font: fontBold, FontSize: size, FontColor: textColor}
		for i, l := range lines {
			w := chart.Draw.MeasureText(r, l, st).Width()
			chart.Draw.Text(r, l, (p.opt.Width-w)/2, titleTop+p.px(size)+i*lineH, st)
		}
	})
	c.Elements = append(c.Elements, func(r chart.Renderer, _ chart.Box, _ chart.Style) {
		// Rows come from the layout; x positions are measured again with the
		// renderer, whose text metrics are the ones that get drawn.
		sw := p.px(legendSize)
		text := chart.Style{Font: fontReg, FontSize: legendSize, FontColor: textColor}
		x, row := 0, -1
		for i, it := range items {
			y := pos[i][1]
			if y != row {
				x, row = pos[i][0], y
			}
			if it.shape > 0 {
				drawMarker(r, it.shape-1, x+sw/2, y+sw/2, float64(sw)*0.42, chart.Style{FillColor: mutedColor, StrokeColor: mutedColor, StrokeWidth: 1})
			} else if it.line {
				st := chart.Style{StrokeColor: it.color, StrokeWidth: 2.5 * p.k}
				if it.dash {
					st.StrokeDashArray = []float64{6 * p.k, 4 * p.k}
				}
				st.GetStrokeOptions().WriteToRenderer(r)
				r.MoveTo(x, y+sw/2)
				r.LineTo(x+sw, y+sw/2)
				r.Stroke()
				r.ResetStyle()
			} else {
				chart.Draw.Box(r, chart.Box{Left: x, Top: y, Right: x + sw, Bottom: y + sw}, chart.Style{FillColor: it.color, StrokeColor: it.color, StrokeWidth: 1})
			}
			tx := x + sw + int(5*p.k)
			chart.Draw.Text(r, it.label, tx, y+sw-int(1*p.k), text)
			x = tx + chart.Draw.MeasureText(r, it.label, text).Width() + int(16*p.k)
		}
	})
	return c
}

// fitTitle picks the title's font size and lines: the full size on one line
// when it fits, else a smaller size, else two lines split at the word
// nearest the middle (a dash or parenthesis is preferred).
func (p *plotter) fitTitle(title string) (float64, []string) {
	avail := p.opt.Width - int(24*p.k)
	for size := titleSize; size >= 10.5; size -= 0.5 {
		if p.textWidth(fontBold, size, title) <= avail {
			return size, []string{title}
		}
	}
	words := strings.Fields(title)
	best, bestScore := 1, math.MaxFloat64
	for i := 1; i < len(words); i++ {
		a := p.textWidth(fontBold, titleSize, strings.Join(words[:i], " "))
		b := p.textWidth(fontBold, titleSize, strings.Join(words[i:], " "))
		score := math.Abs(float64(a - b))
		if w := words[i]; w == "—" || strings.HasPrefix(w, "(") {
			score *= 0.5
		}
		if score < bestScore {
			best, bestScore = i, score
		}
	}
	lines := []string{strings.Join(words[:best], " "), strings.Join(words[best:], " ")}
	size := titleSize
	for ; size > 8; size -= 0.5 {
		if max(p.textWidth(fontBold, size, lines[0]), p.textWidth(fontBold, size, lines[1])) <= avail {
			break
		}
	}
	return size, lines
}

// tickRange is a continuous range that supplies its own ticks, so go-chart
// keeps the range exactly as given (bars start at zero, categories sit in the
// middle of their slot).
type tickRange struct {
	*chart.ContinuousRange
	ticks []chart.Tick
}

func (t tickRange) GetTicks(chart.Renderer, chart.Style, chart.ValueFormatter) []chart.Tick {
	return t.ticks
}

// percentAxis is 0–100 % with room above for value labels.
func percentAxis(lang string) tickRange {
	t := tickRange{&chart.ContinuousRange{Min: 0, Max: 108}, nil}
	for v := 0.0; v <= 100; v += 20 {
		t.ticks = append(t.ticks, chart.Tick{Value: v, Label: num(lang, v, 0) + "%"})
	}
	return t
}

// usdTicks labels a dollar axis with as many decimals as its step needs
// (2.5 needs one, 0.05 two, 10 none).
func usdTicks(cur locale.Formatter) func(v, step float64) string {
	return func(v, step float64) string {
		dec := 0
		for ; dec < 6; dec++ {
			x := step * math.Pow(10, float64(dec))
			if math.Abs(x-math.Round(x)) < 1e-9*math.Max(1, x) {
				break
			}
		}
		return cur.MoneyDec(v, dec)
	}
}

// valueAxis is a range from zero to a round number above max with about
// five ticks labelled by format.
func valueAxis(max float64, format func(v, step float64) string) tickRange {
	if !(max > 0) {
		max = 1
	}
	raw := max * 1.1 / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	top := math.Ceil(max*1.1/step) * step
	var ticks []chart.Tick
	for v := 0.0; v <= top+step/2; v += step {
		if l := format(v, step); l != "" { // empty text breaks go-chart's measuring
			ticks = append(ticks, chart.Tick{Value: v, Label: l})
		}
	}
	return tickRange{&chart.ContinuousRange{Min: 0, Max: top}, ticks}
}

// categoryAxis puts n categories at 0..n-1 with half a slot of room on each
// side. An empty label gets no tick: go-chart measures empty text as an
// infinite box and then misplaces the canvas.
func categoryAxis(labels []string) tickRange {
	n := len(labels)
	var ticks []chart.Tick
	for i, l := range labels {
		if l != "" {
			ticks = append(ticks, chart.Tick{Value: float64(i), Label: l})
		}
	}
	return tickRange{&chart.ContinuousRange{Min: -0.5, Max: float64(n) - 0.5}, ticks}
}

// axes sets the x axis and the value axis on the left; go-chart puts its
// primary y axis on the right, so the series use the secondary one.
func (p *plotter) axes(c *chart.Chart, x, y tickRange) {
	tick := chart.Style{Font: fontReg, FontSize: axisSize, FontColor: textColor, StrokeColor: axisColor, StrokeWidth: 1}
	grid := chart.Style{StrokeColor: gridColor, StrokeWidth: 1}
	c.XAxis = chart.XAxis{Style: tick, Range: x}
	c.YAxisSecondary = chart.YAxis{Style: tick, Range: y, GridMajorStyle: grid, GridMinorStyle: grid}
	c.YAxis = chart.YAxis{Style: chart.Hidden(), Range: &chart.ContinuousRange{Min: 0, Max: 1}}
}

// fitLabels shortens category labels to the width of their slot.
func (p *plotter) fitLabels(labels []string) []string {
	if len(labels) == 0 {
		return labels
	}
	slot := float64(p.opt.Width-int(170*p.k)) / float64(len(labels))
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = l
		for n := len([]rune(l)); n > 4 && float64(p.textWidth(fontReg, axisSize, out[i])) > slot*0.9; n-- {
			out[i] = ellipsis(l, n)
		}
	}
	return out
}

// ---- bar series ----

// barSeries draws one model's bars, one per category, in its slot of each
// group; highs (optional) is a lighter, wider bar behind (the p95), base
// (optional) stacks the bars on earlier series.
type barSeries struct {
	p             *plotter
	name          string
	color         drawing.Color
	slot, slots   int
	slotAt        []int // per category: this series' slot and the number of
	slotsAt       []int // slots, when models differ between categories
	values, highs []float64
	base          []float64
	format        func(float64) string // value labels above the bars; nil for none
}

func (s barSeries) GetName() string           { return s.name }
func (s barSeries) GetYAxis() chart.YAxisType { return chart.YAxisSecondary }
func (s barSeries) GetStyle() chart.Style {
	return chart.Style{FillColor: s.color, StrokeColor: s.color}
}
func (s barSeries) Validate() error { return nil }
func (s barSeries) Render(r chart.Renderer, cb chart.Box, xr, yr chart.Range, _ chart.Style) {
	slotW := float64(xr.Translate(1) - xr.Translate(0))
	for i, v := range s.values {
		if math.IsNaN(v) {
			continue
		}
		slot, slots := s.slot, s.slots
		if s.slotAt != nil {
			slot, slots = s.slotAt[i], s.slotsAt[i]
		}
		// A group of one or two models' bars stays narrower than a full
		// one; single-slot charts (stacked errors, shortlist) keep theirs.
		groupW := slotW * 0.8
		if s.slotAt != nil {
			groupW = slotW * math.Min(0.8, 0.3*float64(slots))
		}
		barW := groupW / float64(slots)
		gap := math.Min(barW*0.12, 6*s.p.k)
		cx := float64(cb.Left + xr.Translate(float64(i)))
		left := cx - groupW/2 + float64(slot)*barW + gap/2
		right := left + barW - gap
		y0 := 0.0
		if s.base != nil {
			y0 = s.base[i]
		}
		bottom := cb.Bottom - yr.Translate(y0)
		if s.highs != nil && !math.IsNaN(s.highs[i]) && s.highs[i] > v {
			top := cb.Bottom - yr.Translate(s.highs[i])
			c := lighten(s.color, 0.6)
			chart.Draw.Box(r, chart.Box{Left: int(left), Right: int(right), Top: top, Bottom: bottom}, chart.Style{FillColor: c, StrokeColor: c, StrokeWidth: 1})
			inset := (right - left) * 0.2
			left, right = left+inset, right-inset
		}
		top := cb.Bottom - yr.Translate(y0+v)
		if top >= bottom && v > 0 {
			top = bottom - 1 // a tiny value stays visible
		}
		chart.Draw.Box(r, chart.Box{Left: int(left), Right: int(right), Top: top, Bottom: bottom}, chart.Style{FillColor: s.color, StrokeColor: s.color, StrokeWidth: 1})
		if s.format != nil {
			label := s.format(v)
			st := chart.Style{Font: fontReg, FontSize: valueSize, FontColor: textColor}
			w := s.p.textWidth(fontReg, valueSize, label)
			if float64(w) <= barW+4*s.p.k {
				chart.Draw.Text(r, label, int((left+right)/2)-w/2, top-int(4*s.p.k), st)
			}
		}
	}
}

// barData is what a grouped bar chart shows: one group per category, one
// bar per model (in the models' colour order), NaN where a model has no
// value in a category.
type barData struct {
	cats   []string // category labels
	series []barSet
	max    float64 // the largest value (or high) drawn
}

type barSet struct {
	id, label     string
	values, highs []float64
}

// bars collects the rows that keep passes (and did not all fail) into a
// bar chart's data; categories without any such row are left out. nil when
// no row passes.
func (p *plotter) bars(keep func(advisor.SummaryRow) bool, value, high func(advisor.SummaryRow) float64) *barData {
	var kept []advisor.SummaryRow
	used := make([]bool, len(p.cats))
	for _, r := range p.rows {
		if r.AllFailed || !keep(r) {
			continue
		}
		kept = append(kept, r)
		used[p.catIndex(r)] = true
	}
	if len(kept) == 0 {
		return nil
	}
	slot := make([]int, len(p.cats))
	d := &barData{}
	for i, c := range p.cats {
		slot[i] = -1
		if used[i] {
			slot[i] = len(d.cats)
			d.cats = append(d.cats, c.label())
		}
	}
	byID := map[string]*barSet{}
	for _, r := range kept {
		id := p.models.forEndpoint(r.Endpoint)
		s := byID[id]
		if s == nil {
			s = &barSet{id: id, label: p.label(id), values: nanSlice(len(d.cats))}
			if high != nil {
				s.highs = nanSlice(len(d.cats))
			}
			byID[id] = s
		}
		ci := slot[p.catIndex(r)]
		v := value(r)
		s.values[ci] = v
		d.max = math.Max(d.max, v)
		if high != nil {
			s.highs[ci] = high(r)
			d.max = math.Max(d.max, high(r))
		}
	}
	// Colour order is the models' order, not the rows'.
	for _, id := range p.models.order {
		if s := byID[id]; s != nil {
			d.series = append(d.series, *s)
			delete(byID, id)
		}
	}
	for _, r := range kept { // endpoints the models list does not know
		if s := byID[p.models.forEndpoint(r.Endpoint)]; s != nil {
			d.series = append(d.series, *s)
			delete(byID, s.id)
		}
	}
	return d
}

// barChart draws a barData: a grouped bar chart with the models' colours.
func (p *plotter) barChart(name string, d *barData, label func(float64) string, axis func(max float64) tickRange) func() chart.Chart {
	return func() chart.Chart {
		var items []legendItem
		for _, s := range d.series {
			items = append(items, legendItem{label: s.label, color: p.models.color(s.id)})
		}
		c := p.frame(msg(p.lang, "chart."+name), items)
		p.axes(&c, categoryAxis(p.fitLabels(d.cats)), axis(d.max))
		// Each group has a slot for each model with a value in it, so a
		// set whose models are only its own gets wide, centred bars.
		slots := make([]int, len(d.cats))
		slotAt := make([][]int, len(d.series))
		for i, s := range d.series {
			slotAt[i] = make([]int, len(d.cats))
			for ci, v := range s.values {
				if !math.IsNaN(v) {
					slotAt[i][ci] = slots[ci]
					slots[ci]++
				}
			}
		}
		for i, s := range d.series {
			c.Series = append(c.Series, barSeries{p: p, name: s.label, color: p.models.color(s.id), slotAt: slotAt[i], slotsAt: slots, values: s.values, highs: s.highs, format: label})
		}
		return c
	}
}

// errors is a stacked bar chart of failed requests per endpoint by class.
func (p *plotter) errors() func() chart.Chart {
	var eps []string
	counts := map[string]map[string]float64{}
	for _, r := range p.in.Results {
		if r.ErrorClass == "" {
			continue
		}
		id := p.models.forEndpoint(r.Endpoint)
		if counts[id] == nil {
			counts[id] = map[string]float64{}
		}
		counts[id][r.ErrorClass]++
	}
	if len(counts) == 0 {
		return nil
	}
	for _, id := range p.models.order {
		if counts[id] != nil {
			eps = append(eps, id)
		}
	}
	for id := range counts { // endpoints the models list does not know
		if indexOf(eps, id) < 0 {
			eps = append(eps, id)
		}
	}
	classes := append([]string(nil), errorClasses...)
	for _, c := range counts {
		for cl := range c {
			if indexOf(classes, cl) < 0 {
				classes = append(classes, cl)
			}
		}
	}
	return func() chart.Chart {
		base := make([]float64, len(eps))
		max := 0.0
		for i, id := range eps {
			for _, n := range counts[id] {
				base[i] += n
			}
			max = math.Max(max, base[i])
		}
		for i := range base {
			base[i] = 0
		}
		var items []legendItem
		var series []chart.Series
		for ci, cl := range classes {
			vals := nanSlice(len(eps))
			any := false
			for i, id := range eps {
				if n := counts[id][cl]; n > 0 {
					vals[i], any = n, true
				}
			}
			if !any {
				continue
			}
			col := errorPalette[ci%len(errorPalette)]
			label := msg(p.lang, "err."+cl)
			if label == "err."+cl {
				label = cl
			}
			items = append(items, legendItem{label: label, color: col})
			b := barSeries{p: p, name: label, color: col, slot: 0, slots: 1, values: vals, base: append([]float64(nil), base...)}
			series = append(series, b)
			for i, v := range vals {
				if !math.IsNaN(v) {
					base[i] += v
				}
			}
		}
		c := p.frame(msg(p.lang, "chart.errors"), items)
		labels := make([]string, len(eps))
		for i, id := range eps {
			labels[i] = p.label(id)
		}
		p.axes(&c, categoryAxis(p.fitLabels(labels)), valueAxis(max, func(v, _ float64) string {
			if v != math.Trunc(v) {
				return ""
			}
			return num(p.lang, v, 0)
		}))
		c.Series = series
		return c
	}
}

func (p *plotter) label(id string) string {
	if l, ok := p.models.label[id]; ok {
		return l
	}
	return shortName(id, 24)
}

// shortlistCost shows each shortlisted model's estimated monthly cost.
func (p *plotter) shortlistCost() func() chart.Chart {
	if p.in.Recommendation == nil {
		return nil
	}
	// Models without a catalog price are left out rather than drawn as free.
	var list []advisor.Shortlisted
	max := 0.0
	for _, s := range p.in.Recommendation.Shortlist {
		if !costUnknown(s) {
			list = append(list, s)
			max = math.Max(max, s.MonthlyCostUSD)
		}
	}
	if !(max > 0) {
		return nil
	}
	// Identities are looked up here, not while rendering: charts render
	// concurrently and must only read the shared models.
	ids := make([]string, len(list))
	labels := make([]string, len(list))
	for i, s := range list {
		ids[i] = p.models.shortlisted(s)
		labels[i] = p.label(ids[i])
	}
	return func() chart.Chart {
		var items []legendItem
		for i := range list {
			items = append(items, legendItem{label: labels[i], color: p.models.color(ids[i])})
		}
		c := p.frame(msg(p.lang, "chart.shortlist_cost"), items)
		p.axes(&c, categoryAxis(p.fitLabels(labels)), valueAxis(max, usdTicks(p.money)))
		for i, s := range list {
			vals := nanSlice(len(ids))
			vals[i] = s.MonthlyCostUSD
			format := func(v float64) string { return usd(p.money, v) }
			if s.SelfHosted {
				format = func(v float64) string { return usd(p.money, v) + " + " + msg(p.lang, "own_hardware") }
			}
			c.Series = append(c.Series, barSeries{p: p, name: labels[i], color: p.models.color(ids[i]), slots: 1, values: vals, format: format})
		}
		return c
	}
}

// ---- scatter ----

// pointSeries draws every point of the scatter — colour by model, shape by
// strategy — then a label beside each point where one fits: markers go
// first so no label covers a point drawn after it.
type pointSeries struct {
	p      *plotter
	xs, ys []float64
	colors []drawing.Color
	labels []string
	shapes []int
}

func (s pointSeries) GetName() string           { return "points" }
func (s pointSeries) GetYAxis() chart.YAxisType { return chart.YAxisSecondary }
func (s pointSeries) GetStyle() chart.Style     { return chart.Style{} }
func (s pointSeries) Validate() error           { return nil }
func (s pointSeries) Render(r chart.Renderer, cb chart.Box, xr, yr chart.Range, _ chart.Style) {
	rad := 6 * s.p.k
	st := chart.Style{Font: fontReg, FontSize: valueSize + 0.5, FontColor: textColor}
	h := s.p.px(valueSize + 0.5)
	xs, ys := make([]int, len(s.xs)), make([]int, len(s.xs))
	var placed []chart.Box
	for i := range s.xs {
		xs[i] = cb.Left + xr.Translate(s.xs[i])
		ys[i] = cb.Bottom - yr.Translate(s.ys[i])
		drawMarker(r, s.shapes[i], xs[i], ys[i], rad, chart.Style{FillColor: s.colors[i], StrokeColor: drawing.ColorWhite, StrokeWidth: 1.5 * s.p.k})
		placed = append(placed, chart.Box{Left: xs[i] - int(rad), Right: xs[i] + int(rad), Top: ys[i] - int(rad), Bottom: ys[i] + int(rad)})
	}
	for i := range s.xs {
		x, y := xs[i], ys[i]
		w := s.p.textWidth(fontReg, valueSize+0.5, s.labels[i])
		off := int(rad) + int(4*s.p.k)
		cands := [][2]int{{x + off, y + h/2}, {x - off - w, y + h/2}, {x - w/2, y - off}, {x - w/2, y + off + h}, {x + off, y - off}, {x + off, y + off + h/2}, {x - off - w, y - off}, {x - off - w, y + off + h/2}}
		// A crowded point keeps its marker (its shape names the strategy)
		// and loses the label rather than printing over another.
		for _, c := range cands {
			b := chart.Box{Left: c[0], Right: c[0] + w, Top: c[1] - h, Bottom: c[1]}
			gap := int(3 * s.p.k) // labels keep a little air between them
			padded := chart.Box{Left: b.Left - gap, Right: b.Right + gap, Top: b.Top - gap/2, Bottom: b.Bottom + gap/2}
			if b.Left < cb.Left || b.Right > cb.Right || b.Top < cb.Top || b.Bottom > cb.Bottom || overlapsAny(padded, placed) {
				continue
			}
			placed = append(placed, b)
			chart.Draw.Text(r, s.labels[i], c[0], c[1], st)
			break
		}
	}
}

// drawMarker draws a point marker: 0 circle, 1 square, 2 triangle, 3 diamond.
func drawMarker(r chart.Renderer, shape, x, y int, rad float64, st chart.Style) {
	st.GetFillAndStrokeOptions().WriteToRenderer(r)
	defer r.ResetStyle()
	d := int(rad)
	switch shape % 4 {
	case 0:
		r.Circle(rad, x, y)
		r.FillStroke() // the raster renderer's Circle only adds the path
		return
	case 1:
		d = int(rad * 0.9)
		r.MoveTo(x-d, y-d)
		r.LineTo(x+d, y-d)
		r.LineTo(x+d, y+d)
		r.LineTo(x-d, y+d)
	case 2:
		r.MoveTo(x, y-d-1)
		r.LineTo(x+d+1, y+d)
		r.LineTo(x-d-1, y+d)
	case 3:
		d = int(rad * 1.2)
		r.MoveTo(x, y-d)
		r.LineTo(x+d, y)
		r.LineTo(x, y+d)
		r.LineTo(x-d, y)
	}
	r.Close()
	r.FillStroke()
}

func overlapsAny(b chart.Box, boxes []chart.Box) bool {
	for _, o := range boxes {
		if b.Left < o.Right && o.Left < b.Right && b.Top < o.Bottom && o.Top < b.Bottom {
			return true
		}
	}
	return false
}

// costQuality plots cost per 1,000 requests against quality, one labelled
// point per model × strategy. nil when every endpoint is free.
func (p *plotter) costQuality() func() chart.Chart {
	type pts struct {
		xs, ys []float64
		labels []string
		shapes []int
	}
	byID := map[string]*pts{}
	maxX := 0.0
	var cats []int // categories with a point, for the shape legend
	for _, r := range p.rows {
		if r.AllFailed || r.Scored == 0 || (r.Kind != "" && r.Kind != advisor.CaseKindChat) || p.in.unpriced(r.Endpoint) {
			continue
		}
		id := p.models.forEndpoint(r.Endpoint)
		if byID[id] == nil {
			byID[id] = &pts{}
		}
		ci := p.catIndex(r)
		if !slices.Contains(cats, ci) {
			cats = append(cats, ci)
		}
		b := byID[id]
		b.xs = append(b.xs, r.CostPer1K)
		b.ys = append(b.ys, r.Quality*100)
		b.labels = append(b.labels, p.cats[ci].label())
		b.shapes = append(b.shapes, slices.Index(cats, ci))
		maxX = math.Max(maxX, r.CostPer1K)
	}
	if !(maxX > 0) {
		return nil
	}
	return func() chart.Chart {
		var items []legendItem
		var ids []string
		for _, id := range p.models.order {
			if byID[id] != nil {
				ids = append(ids, id)
				items = append(items, legendItem{label: p.models.label[id], color: p.models.color(id)})
			}
		}
		for i, ci := range cats {
			items = append(items, legendItem{label: p.cats[ci].label(), shape: i + 1})
		}
		c := p.frame(msg(p.lang, "chart.cost_quality"), items)
		x := valueAxis(maxX, usdTicks(p.money))
		x.ContinuousRange.Max = x.ticks[len(x.ticks)-1].Value
		// Quality starts at a round number below the lowest point, so close
		// results spread out; cost starts a little below zero, so free
		// endpoints do not sit on the axis.
		lo := 100.0
		for _, id := range ids {
			for _, q := range byID[id].ys {
				lo = math.Min(lo, q)
			}
		}
		lo = math.Max(0, math.Floor((lo-5)/20)*20)
		x.ContinuousRange.Min = -x.ContinuousRange.Max * 0.02
		y := tickRange{&chart.ContinuousRange{Min: lo - 2, Max: 104}, nil}
		for v := lo; v <= 100; v += 20 {
			y.ticks = append(y.ticks, chart.Tick{Value: v, Label: num(p.lang, v, 0) + "%"})
		}
		p.axes(&c, x, y)
		grid := chart.Style{StrokeColor: gridColor, StrokeWidth: 1}
		c.XAxis.GridMajorStyle, c.XAxis.GridMinorStyle = grid, grid
		c.XAxis.Name = msg(p.lang, "axis.cost_per_1k")
		c.XAxis.NameStyle = chart.Style{Font: fontReg, FontSize: axisSize, FontColor: mutedColor}
		ps := pointSeries{p: p}
		for _, id := range ids {
			b := byID[id]
			for i := range b.xs {
				ps.xs, ps.ys = append(ps.xs, b.xs[i]), append(ps.ys, b.ys[i])
				ps.labels, ps.shapes = append(ps.labels, b.labels[i]), append(ps.shapes, b.shapes[i])
				ps.colors = append(ps.colors, p.models.color(id))
			}
		}
		c.Series = []chart.Series{ps}
		return c
	}
}

// ---- history ----

var (
	historyQuality = drawing.ColorFromHex("2F4B7C")
	historyLatency = drawing.ColorFromHex("A05195")
)

// history draws quality (left axis) and median latency (right axis) for each
// run of the decision, the current run last. nil with fewer than two runs.
func (p *plotter) history() func() chart.Chart {
	points := append([]RunPoint(nil), p.in.History...)
	if p.in.Run != nil && len(p.in.Results) > 0 {
		dup := false
		for _, h := range points {
			dup = dup || h.ID == p.in.Run.ID
		}
		if !dup {
			points = append(points, HistoryPoint(p.in.Run.ID, p.in.Run.StartedAt, p.in.Results))
		}
	}
	// A run where every request failed has no quality or latency to show.
	kept := points[:0]
	for _, h := range points {
		if h.LatencyP50 > 0 || h.Quality > 0 {
			kept = append(kept, h)
		}
	}
	points = kept
	if len(points) < 2 {
		return nil
	}
	return func() chart.Chart {
		items := []legendItem{
			{label: msg(p.lang, "legend.quality"), color: historyQuality, line: true},
			{label: msg(p.lang, "legend.latency"), color: historyLatency, line: true, dash: true},
		}
		c := p.frame(msg(p.lang, "chart.history"), items)
		xs := make([]float64, len(points))
		qs := make([]float64, len(points))
		ls := make([]float64, len(points))
		labels := make([]string, len(points))
		maxL := 0.0
		for i, h := range points {
			xs[i], qs[i], ls[i] = float64(i), h.Quality*100, h.LatencyP50
			maxL = math.Max(maxL, h.LatencyP50)
			labels[i] = fmt.Sprintf("#%d", h.ID)
			if !h.Date.IsZero() {
				labels[i] += " · " + h.Date.UTC().Format("01-02")
				if isPT(p.lang) {
					labels[i] = fmt.Sprintf("#%d · %s", h.ID, h.Date.UTC().Format("02/01"))
				}
			}
		}
		// Label every k-th run when the labels would collide.
		slot := float64(p.opt.Width-int(160*p.k)) / float64(len(points))
		step := 1
		for w := float64(p.textWidth(fontReg, axisSize, labels[len(labels)-1])) * 1.2; float64(step)*slot < w; step++ {
		}
		for i := range labels {
			if i%step != 0 {
				labels[i] = ""
			}
		}
		q := tickRange{&chart.ContinuousRange{Min: 0, Max: 100}, nil}
		for v := 0.0; v <= 100; v += 20 {
			q.ticks = append(q.ticks, chart.Tick{Value: v, Label: num(p.lang, v, 0) + "%"})
		}
		p.axes(&c, categoryAxis(labels), q)
		c.YAxis = chart.YAxis{Style: chart.Style{Font: fontReg, FontSize: axisSize, FontColor: historyLatency, StrokeColor: axisColor, StrokeWidth: 1}, Range: valueAxis(maxL, func(v, _ float64) string { return ms(p.lang, v) })}
		c.Series = []chart.Series{
			chart.ContinuousSeries{Name: "q", XValues: xs, YValues: qs, YAxis: chart.YAxisSecondary, Style: chart.Style{StrokeColor: historyQuality, StrokeWidth: 2.5 * p.k, DotColor: historyQuality, DotWidth: 4 * p.k}},
			chart.ContinuousSeries{Name: "l", XValues: xs, YValues: ls, YAxis: chart.YAxisPrimary, Style: chart.Style{StrokeColor: historyLatency, StrokeWidth: 2.5 * p.k, StrokeDashArray: []float64{6 * p.k, 4 * p.k}, DotColor: historyLatency, DotWidth: 4 * p.k}},
		}
		return c
	}
}

func nanSlice(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}

func indexOf(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}
