// Package report turns a decision and its live-test results into evidence a
// non-engineer can forward: charts (go-chart, PNG and SVG) and exports (PDF,
// self-contained HTML, Markdown, CSV, JSON and a fine-tuning JSONL). A run's
// results are shown by kind of case — chat, embedding (recall@k, MRR),
// transcription (WER, RTF) and image generation (a gallery of the generated
// images with the user's verdicts). It is the only importer of go-chart and
// fpdf. It reads advisor types and nothing from the database: callers load
// the data and build an Input.
package report

import (
	"image"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/locale"
)

// Input is everything a report shows. Only Title, Lang and either the
// recommendation or the run are needed; every other part is left out when
// empty.
type Input struct {
	Title          string
	Generated      time.Time
	Lang           string // "en" | "pt-BR"
	UseCase        string
	Answers        advisor.Answers
	Recommendation *advisor.Recommendation // may be nil
	Run            *RunInfo                // nil for a recommendation-only report
	Results        []advisor.Result        // measured results only (no warm-up)
	// Warmups are the run's unmeasured warm-up requests: shown as the
	// endpoints' model load and written by the raw exports, counted in no
	// figure.
	Warmups []advisor.Result
	History []RunPoint // earlier runs of the same decision, oldest first
	// ArtifactRoot is the folder that relative artifact paths (generated
	// images) are relative to: the database's folder. Absolute paths are
	// used as they are.
	ArtifactRoot string
	// Verdict is the run's verdict; nil: computed from Results with the
	// run's stored acceptance criteria.
	Verdict *verdict.Verdict

	// People (issue 16): people's scores and blind choices of the run's
	// answers, shown with their intervals beside the automatic figures.
	People verdict.People

	// Hardening (issue 15): keys the caller knows (say, from the keyring)
	// to hide in every text the report shows, besides the environment's.
	Secrets []string
	// Capacity (issue 13): the decision's capacity tests ("Can it carry the
	// traffic?"), each with its chart.
	Capacity []CapacityTest
}

// RunInfo describes the live-test run whose results the report shows.
type RunInfo struct {
	ID                 int64
	Name, Status       string
	StartedAt, EndedAt time.Time
	Plan               advisor.Plan
	// Unpriced names the endpoints whose price is not known (see
	// livetest.PriceKnown): their costs show as "no price" and stay out of
	// the cost charts instead of passing for free. nil: every cost is known.
	Unpriced map[string]bool
}

// RawResults is what the raw exports (CSV, JSON) write: the warm-up
// requests first, marked warmup, then the measured results.
func (in Input) RawResults() []advisor.Result {
	if len(in.Warmups) == 0 {
		return in.Results
	}
	out := make([]advisor.Result, 0, len(in.Warmups)+len(in.Results))
	out = append(out, in.Warmups...)
	for _, r := range in.Results {
		if !r.Warmup {
			out = append(out, r)
		}
	}
	return out
}

// unpriced reports whether the report must not show the endpoint's cost.
// rate is the currency the decision's answers show money in, with its
// exchange rate and the day it is from (US dollars when they name none).
func (in Input) rate() advisor.Money {
	if r := in.Recommendation; r != nil && r.Currency != "" {
		return r.Money()
	}
	return advisor.MoneyOf(in.Answers)
}

// money is the formatter the report writes money with: the report's
// language, in the decision's currency (every figure underneath stays in US
// dollars, as the catalog and the cost model keep them).
func (in Input) money() locale.Formatter {
	m := in.rate()
	return locale.For(in.Lang).WithCurrency(m.Currency, m.PerUSD)
}

func (in Input) unpriced(endpoint string) bool {
	return in.Run != nil && in.Run.Unpriced[endpoint]
}

// RunPoint is one run of a decision on the history chart.
type RunPoint struct {
	ID         int64
	Date       time.Time
	Quality    float64 // mean score of successful requests, 0..1
	LatencyP50 float64 // ms, successful requests
	CostPer1K  float64 // USD per 1,000 successful requests
}

// HistoryPoint sums up one run's results as a point of the history chart, the
// same way for every caller: quality over successful scored requests (an
// image nobody rated has no score), cost over successful requests, the
// latency median through advisor.Percentile. An embedding set's one-off
// indexing counts in the cost only.
func HistoryPoint(id int64, date time.Time, results []advisor.Result) RunPoint {
	p := RunPoint{ID: id, Date: date}
	var lat []float64
	var score, cost float64
	scored := 0
	for _, r := range results {
		if r.Warmup {
			continue
		}
		cost += r.CostUSD
		if r.ErrorClass != "" || r.Strategy == advisor.StrategyIndex {
			continue
		}
		lat = append(lat, r.LatencyMs)
		if !r.Unscored {
			scored++
			score += r.Score
		}
	}
	if scored > 0 {
		p.Quality = score / float64(scored)
	}
	if n := len(lat); n > 0 {
		p.CostPer1K = cost / float64(n) * 1000
	}
	p.LatencyP50 = advisor.Percentile(lat, 50)
	return p
}

// Chart is one rendered chart. Name is a stable identifier ("latency",
// "quality", …) and Title its translated heading. PNG or SVG is nil when
// ChartOptions left that format out.
type Chart struct {
	Name, Title string
	PNG         []byte
	SVG         []byte
	Image       image.Image // the drawn picture itself (ChartOptions.Image)
}

// ChartOptions sizes the charts. The zero value renders both formats at
// 960×540 pixels and 96 DPI.
type ChartOptions struct {
	Width, Height int     // pixels
	DPI           float64 // scales the text; margins stay in pixels
	PNG, SVG      bool    // formats to render; both false (and no Image) means both
	// Image keeps the drawn picture (Chart.Image) for a window to show as is:
	// no PNG to encode here and decode again there.
	Image bool
	// Only, when set, names the charts to render (by Chart.Name); the others
	// are not drawn at all. Nil renders every chart that has data.
	Only func(name string) bool
}

func (o ChartOptions) normalized() ChartOptions {
	if o.Width <= 0 {
		o.Width = 960
	}
	if o.Height <= 0 {
		o.Height = 540
	}
	if o.DPI <= 0 {
		o.DPI = 96
	}
	if !o.PNG && !o.SVG && !o.Image {
		o.PNG, o.SVG = true, true
	}
	return o
}
