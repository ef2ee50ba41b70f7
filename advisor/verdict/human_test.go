package verdict

import (
	"math"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// People's scores by hand: a's answer 1 was rated 1 and 0 by two people
// (0.5), answer 2 rated 1, answer 3 rated 0.75: mean (0.5+1+0.75)/3 = 0.75
// over 3 answers. Wilson with z = 1.959964: den = 1 + z²/3 = 2.280487,
// centre = (0.75 + z²/6)/den = 0.609626, half = z/den·√(0.75·0.25/3 +
// z²/36) = 0.353533, so [0.256093, 0.963159]. b's one answer rated 0:
// Wilson(0, 1) = [0, z²/(1+z²)] = [0, 0.793455]. c has no rating.
func TestAddHumanByHand(t *testing.T) {
	v := Verdict{Candidates: []Candidate{
		{Endpoint: "a", Strategy: advisor.StrategyZeroShot},
		{Endpoint: "b", Strategy: advisor.StrategyZeroShot},
		{Endpoint: "c", Strategy: advisor.StrategyZeroShot},
	}}
	rs := []advisor.Result{
		{ID: 1, Endpoint: "a", Strategy: advisor.StrategyZeroShot},
		{ID: 2, Endpoint: "a", Strategy: advisor.StrategyZeroShot},
		{ID: 3, Endpoint: "a", Strategy: advisor.StrategyZeroShot},
		{ID: 4, Endpoint: "a", Strategy: advisor.StrategyZeroShot}, // not rated
		{ID: 5, Endpoint: "b", Strategy: advisor.StrategyZeroShot},
		{ID: 6, Endpoint: "c", Strategy: advisor.StrategyZeroShot},
	}
	AddHuman(&v, rs, map[int64][]float64{1: {1, 0}, 2: {1}, 3: {0.75}, 5: {0}})
	near := func(x, want float64) bool { return math.Abs(x-want) < 1e-5 }
	a, b, c := v.Candidates[0], v.Candidates[1], v.Candidates[2]
	if a.HumanQuality == nil || !near(*a.HumanQuality, 0.75) || a.HumanRated != 3 || !near(a.HumanCI[0], 0.256093) || !near(a.HumanCI[1], 0.963159) {
		t.Errorf("a: %v %v %d", a.HumanQuality, a.HumanCI, a.HumanRated)
	}
	if b.HumanQuality == nil || *b.HumanQuality != 0 || b.HumanRated != 1 || b.HumanCI[0] != 0 || !near(b.HumanCI[1], 0.793455) {
		t.Errorf("b: %v %v %d", b.HumanQuality, b.HumanCI, b.HumanRated)
	}
	if c.HumanQuality != nil || c.HumanCI != nil || c.HumanRated != 0 {
		t.Errorf("c has human figures without ratings: %+v", c)
	}
}

// Cohen's kappa by hand. Ten answers scored by people and the judge; people
// pass 6 (0.75 counts as a pass, 0.25 as a fail), the judge passes 6, and
// they agree on 8: po = 0.8, pe = 0.6·0.6 + 0.4·0.4 = 0.52, kappa =
// 0.28/0.48 = 0.5833 — below 0.61, flagged. Then people pass 5, the judge
// 6, agreeing on 9: po = 0.9, pe = 0.5·0.6 + 0.5·0.4 = 0.5, kappa = 0.8 —
// trusted. An answer without a judge score is not counted.
func TestHumanJudgeKappaByHand(t *testing.T) {
	run := func(human, judge []float64, lang string) *Agreement {
		var rs []advisor.Result
		scores := map[int64][]float64{}
		for i := range human {
			id := int64(i + 1)
			rs = append(rs, advisor.Result{ID: id, Endpoint: "a", Strategy: advisor.StrategyZeroShot,
				Checks: []advisor.CheckResult{{Check: advisor.CheckContains, Score: 1}, {Check: advisor.CheckJudge, Score: judge[i]}}})
			scores[id] = []float64{human[i]}
		}
		rs = append(rs, advisor.Result{ID: 99, Endpoint: "a", Strategy: advisor.StrategyZeroShot})
		scores[99] = []float64{1}
		v := Verdict{Lang: lang, Candidates: []Candidate{{Endpoint: "a", Strategy: advisor.StrategyZeroShot}}}
		AddHuman(&v, rs, scores)
		return v.HumanJudge
	}
	a := run([]float64{1, 1, 1, 0.75, 1, 1, 0, 0.25, 0, 0}, []float64{1, 0.9, 1, 1, 1, 0, 0, 0.2, 0, 1}, "en")
	if a == nil || a.Answers != 10 || a.Agree != 8 || a.Kappa == nil || math.Abs(*a.Kappa-0.583333) > 1e-5 || a.Trusted {
		t.Fatalf("first: %+v", a)
	}
	if a.Sentence != "The judge agrees with you on only 8 of 10 answers (kappa 0.58): do not trust its scores without checking." {
		t.Errorf("sentence %q", a.Sentence)
	}
	b := run([]float64{1, 1, 1, 1, 1, 0, 0, 0, 0, 0}, []float64{1, 1, 1, 1, 1, 0, 0, 0, 0, 1}, "pt-BR")
	if b == nil || b.Agree != 9 || b.Kappa == nil || math.Abs(*b.Kappa-0.8) > 1e-9 || !b.Trusted {
		t.Fatalf("second: %+v", b)
	}
	if b.Sentence != "O juiz concorda com vocês em 9 de 10 respostas (kappa 0,80): dá para confiar nele." {
		t.Errorf("sentença %q", b.Sentence)
	}
	if c := run(nil, nil, "en"); c != nil {
		t.Errorf("no judge scores, yet %+v", c)
	}
}
