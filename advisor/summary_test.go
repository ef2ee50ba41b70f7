package advisor

import (
	"math"
	"testing"
)

func TestPercentile(t *testing.T) {
	xs := []float64{40, 10, 30, 20}
	for _, c := range []struct{ p, want float64 }{{0, 10}, {50, 25}, {100, 40}, {95, 38.5}} {
		if got := Percentile(xs, c.p); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("Percentile(%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if xs[0] != 40 {
		t.Error("Percentile sorted its input in place")
	}
	if Percentile(nil, 50) != 0 {
		t.Error("Percentile of nothing should be 0")
	}
}

func TestSummarize(t *testing.T) {
	rs := []Result{
		{Endpoint: "a", Model: "m1", Strategy: "zero-shot", LatencyMs: 100, TTFTMs: 20, TokensOut: 80, CostUSD: 0.001, Score: 1, Passed: true},
		{Endpoint: "a", Model: "m1", Strategy: "zero-shot", LatencyMs: 300, TTFTMs: 40, TokensOut: 26, CostUSD: 0.002, Score: 0.5},
		{Endpoint: "a", Model: "m1", Strategy: "zero-shot", ErrorClass: ErrTimeout, LatencyMs: 9000},
		{Endpoint: "b", Model: "m2", Strategy: "zero-shot", ErrorClass: ErrUnauthorized},
	}
	rows := Summarize(rs)
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want 2", len(rows))
	}
	a := rows[0]
	if a.Requests != 3 || a.Errors != 1 || a.AllFailed {
		t.Errorf("row a counts: %+v", a)
	}
	if a.LatencyP50 != 200 { // the failed 9000 ms request is not a latency sample
		t.Errorf("p50 = %v, want 200", a.LatencyP50)
	}
	if math.Abs(a.Quality-0.75) > 1e-9 || math.Abs(a.PassRate-1.0/3) > 1e-9 {
		t.Errorf("quality %v pass rate %v", a.Quality, a.PassRate)
	}
	if math.Abs(a.CostPer1K-1.5) > 1e-9 { // 0.003 USD over 2 successful requests
		t.Errorf("cost per 1k = %v, want 1.5", a.CostPer1K)
	}
	if math.Abs(a.TokensPerSec-550) > 1e-9 { // 80 tokens in 0.08 s = 1000/s, 26 in 0.26 s = 100/s → median 550
		t.Errorf("tokens/s = %v, want 550", a.TokensPerSec)
	}
	if !rows[1].AllFailed {
		t.Error("endpoint b failed every request but is not flagged")
	}
}
