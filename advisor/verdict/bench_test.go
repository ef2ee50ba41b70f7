package verdict

import (
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// BenchmarkCompare10k is the verdict of a 10,000-result run: 5 endpoints ×
// 2 strategies × 500 cases × 2 repeats, with latency percentiles (the p95 is
// supported: 1,000 requests per candidate), McNemar-or-bootstrap pairing and
// Holm across 9 comparisons.
func BenchmarkCompare10k(b *testing.B) {
	var rs []advisor.Result
	for rep := 0; rep < 2; rep++ {
		for c := 0; c < 500; c++ {
			for e := 0; e < 5; e++ {
				for _, st := range []string{advisor.StrategyZeroShot, advisor.StrategyFewShot} {
					pass := (c*7+e*13+rep)%10 < 6+e%3
					rs = append(rs, advisor.Result{Endpoint: string(rune('a' + e)), Strategy: st, Case: c, Repeat: rep, Passed: pass,
						Score: map[bool]float64{true: 1}[pass], TTFTMs: float64(100 + (c*31+e)%400), LatencyMs: float64(400 + (c*17+e*5)%1600), CostUSD: 0.0001 * float64(e+1)})
				}
			}
		}
	}
	if len(rs) != 10000 {
		b.Fatalf("%d results", len(rs))
	}
	q, t := 0.7, 1500.0
	in := Input{Results: rs, Criteria: Criteria{MinQuality: &q, TotalP95Ms: &t}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v := Compute(in)
		if len(v.Candidates) != 10 {
			b.Fatal(len(v.Candidates))
		}
	}
}
