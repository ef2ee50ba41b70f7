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
