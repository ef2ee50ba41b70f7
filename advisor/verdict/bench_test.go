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

// peopleBench is a 500-case run of 4 candidates with one person's blind
// choice on every case of the 3 pairs a session covers (1,500 judgements)
// and a score on every answer.
func peopleBench(b *testing.B) ([]advisor.Result, People, Verdict) {
	var rs []advisor.Result
	id := int64(0)
	ids := map[[2]int]int64{}
	for c := 0; c < 500; c++ {
		for e := 0; e < 4; e++ {
			id++
			ids[[2]int{e, c}] = id
			pass := (c*7+e*13)%10 < 6+e%3
			rs = append(rs, advisor.Result{ID: id, Endpoint: string(rune('a' + e)), Strategy: advisor.StrategyZeroShot, Case: c, Passed: pass, Score: map[bool]float64{true: 1}[pass]})
		}
	}
	v := Compute(Input{Results: rs})
	p := People{Scores: map[int64][]float64{}}
	for _, r := range rs {
		p.Scores[r.ID] = []float64{r.Score}
	}
	for _, it := range BlindItems(rs, BlindPairs(v), 1) {
		p.Judgements = append(p.Judgements, Judgement{Left: it.Left, Right: it.Right, Choice: Choices[(it.Case+int(it.Left))%4]})
	}
	if len(p.Judgements) != 1500 {
		b.Fatalf("%d judgements", len(p.Judgements))
	}
	return rs, p, v
}

// BenchmarkBlindLayout lays out a 1,500-item blind session (3 pairs × 500 cases).
func BenchmarkBlindLayout(b *testing.B) {
	rs, _, v := peopleBench(b)
	pairs := BlindPairs(v)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if n := len(BlindItems(rs, pairs, uint64(i))); n != 1500 {
			b.Fatal(n)
		}
	}
}

// BenchmarkAddPeople adds 2,000 scores and 1,500 blind choices to a verdict
// (win rates, pair records, the judge check) and diffs every other option
// against a baseline.
func BenchmarkAddPeople(b *testing.B) {
	rs, p, v := peopleBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := v
		w.Candidates = append([]Candidate(nil), v.Candidates...)
		AddPeople(&w, rs, p)
		AddBaseline(&w, rs, w.Candidates[0].Key(), p.Judgements)
		if len(w.HumanPairs) != 3 || len(w.Baseline.Against) != 3 {
			b.Fatal(len(w.HumanPairs))
		}
	}
}
