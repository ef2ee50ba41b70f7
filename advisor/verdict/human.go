package verdict

import "github.com/llm-advisor/llm-advisor/advisor"

// AddHuman puts people's scores into the verdict's candidates. scores maps
// a result id to its ratings (each 0..1, one per person). An answer's
// ratings are averaged first, so an answer three people rated counts once;
// the candidate's human quality is the mean over its rated answers, and its
// interval the Wilson score interval of that mean (Wilson 1927) — exact for
// thumbs (0 or 1), conservative for graded scores, since a variable in
// [0, 1] with mean p has a variance of at most p(1−p). It gives a real range
// for one rated answer, where a normal interval would have no width.
func AddHuman(v *Verdict, results []advisor.Result, scores map[int64][]float64) {
	type key struct{ set, endpoint, strategy string }
	sum := map[key]float64{}
	n := map[key]int{}
	for _, r := range results {
		gs := scores[r.ID]
		if r.ID == 0 || len(gs) == 0 {
			continue
		}
		var m float64
		for _, g := range gs {
			m += g
		}
		k := key{r.Set, r.Endpoint, r.Strategy}
		sum[k] += m / float64(len(gs))
		n[k]++
	}
	for i := range v.Candidates {
		c := &v.Candidates[i]
		k := key{c.Set, c.Endpoint, c.Strategy}
		if n[k] == 0 {
			continue
		}
		q := sum[k] / float64(n[k])
		lo, hi := Wilson(sum[k], float64(n[k]))
		c.HumanQuality, c.HumanCI, c.HumanRated = &q, &[2]float64{lo, hi}, n[k]
	}
}
