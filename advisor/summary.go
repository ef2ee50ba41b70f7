package advisor

import (
	"math"
	"sort"
)

// SummaryRow is the live-test evidence for one endpoint × strategy: the
// figures the CLI summary table, the GUI and the reports show.
type SummaryRow struct {
	Endpoint     string  `json:"endpoint"`
	Model        string  `json:"model"`
	Strategy     string  `json:"strategy"`
	Requests     int     `json:"requests"`
	Errors       int     `json:"errors"`
	LatencyP50   float64 `json:"latency_p50_ms"`
	LatencyP95   float64 `json:"latency_p95_ms"`
	TTFTP50      float64 `json:"ttft_p50_ms"`
	TTFTP95      float64 `json:"ttft_p95_ms"`
	TokensPerSec float64 `json:"tokens_per_sec"` // output tokens per second of generation, median
	TokensIn     int     `json:"tokens_in"`
	TokensOut    int     `json:"tokens_out"`
	CostUSD      float64 `json:"cost_usd"`
	CostPer1K    float64 `json:"cost_per_1k_usd"` // cost per 1,000 successful requests
	Quality      float64 `json:"quality"`         // mean score of successful requests, 0..1
	PassRate     float64 `json:"pass_rate"`       // share of all requests that passed
	AllFailed    bool    `json:"all_failed"`      // every request failed: the endpoint is flagged
}

// Summarize groups results by endpoint and strategy, in the order each pair
// first appears. Latency figures cover successful requests only; errors are
// counted apart so a failing endpoint does not look fast.
func Summarize(results []Result) []SummaryRow {
	type key struct{ ep, st string }
	var order []key
	groups := map[key][]Result{}
	for _, r := range results {
		k := key{r.Endpoint, r.Strategy}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	rows := make([]SummaryRow, 0, len(order))
	for _, k := range order {
		rows = append(rows, summarizeGroup(groups[k]))
	}
	return rows
}

func summarizeGroup(rs []Result) SummaryRow {
	row := SummaryRow{Endpoint: rs[0].Endpoint, Model: rs[0].Model, Strategy: rs[0].Strategy, Requests: len(rs)}
	var lat, ttft, tps []float64
	var scoreSum float64
	ok, passed := 0, 0
	for _, r := range rs {
		row.CostUSD += r.CostUSD
		row.TokensIn += r.TokensIn
		row.TokensOut += r.TokensOut
		if r.ErrorClass != "" {
			row.Errors++
			continue
		}
		ok++
		scoreSum += r.Score
		if r.Passed {
			passed++
		}
		lat = append(lat, r.LatencyMs)
		if r.TTFTMs > 0 {
			ttft = append(ttft, r.TTFTMs)
		}
		if gen := r.LatencyMs - r.TTFTMs; gen > 0 && r.TokensOut > 0 {
			tps = append(tps, float64(r.TokensOut)/(gen/1000))
		}
	}
	row.AllFailed = ok == 0
	row.LatencyP50 = Percentile(lat, 50)
	row.LatencyP95 = Percentile(lat, 95)
	row.TTFTP50 = Percentile(ttft, 50)
	row.TTFTP95 = Percentile(ttft, 95)
	row.TokensPerSec = Percentile(tps, 50)
	if ok > 0 {
		row.Quality = scoreSum / float64(ok)
		row.CostPer1K = row.CostUSD / float64(ok) * 1000
	}
	row.PassRate = float64(passed) / float64(len(rs))
	return row
}

// Percentile is the p-th percentile (0..100) of xs by linear interpolation
// between closest ranks; 0 for no values. xs is not modified.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 1 {
		return s[0]
	}
	rank := p / 100 * float64(len(s)-1)
	lo := int(math.Floor(rank))
	hi := int(math.Ceil(rank))
	return s[lo] + (s[hi]-s[lo])*(rank-float64(lo))
}
