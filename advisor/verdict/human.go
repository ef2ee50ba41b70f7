package verdict

import (
	"fmt"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/locale"
)

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
	v.HumanJudge = judgeAgreement(results, scores, v.Lang)
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

// Agreement is Cohen's kappa between people and the LLM judge on the
// answers both scored, each side's score read as pass (0.5 or more) or
// fail: kappa = (po − pe)/(1 − pe), po the share of answers they agree on,
// pe = ph·pj + (1−ph)(1−pj) the agreement expected by chance from each
// side's pass rate (Cohen 1960). Kappa is absent when both sides gave one
// verdict only (pe = 1). A judge below KappaTrusted is flagged, not trusted
// (0.61 starts "substantial" agreement, Landis & Koch 1977).
type Agreement struct {
	Answers  int      `json:"answers"` // answers scored by both
	Agree    int      `json:"agree"`
	Kappa    *float64 `json:"kappa"`
	Trusted  bool     `json:"trusted"`
	Sentence string   `json:"sentence"`
}

// KappaTrusted is the least kappa at which the judge is trusted.
const KappaTrusted = 0.61

func judgeAgreement(results []advisor.Result, scores map[int64][]float64, lang string) *Agreement {
	var n, agree, hPass, jPass int
	for _, r := range results {
		gs := scores[r.ID]
		if r.ID == 0 || len(gs) == 0 {
			continue
		}
		judge, ok := 0.0, false
		for _, c := range r.Checks {
			if c.Check == advisor.CheckJudge {
				judge, ok = c.Score, true
			}
		}
		if !ok {
			continue
		}
		var m float64
		for _, g := range gs {
			m += g
		}
		h, j := m/float64(len(gs)) >= 0.5, judge >= 0.5
		n++
		if h == j {
			agree++
		}
		if h {
			hPass++
		}
		if j {
			jPass++
		}
	}
	if n == 0 {
		return nil
	}
	a := &Agreement{Answers: n, Agree: agree}
	fn := float64(n)
	po := float64(agree) / fn
	ph, pj := float64(hPass)/fn, float64(jPass)/fn
	if pe := ph*pj + (1-ph)*(1-pj); pe < 1 {
		k := (po - pe) / (1 - pe)
		a.Kappa = &k
		a.Trusted = k >= KappaTrusted
	}
	kt := "—"
	if a.Kappa != nil {
		kt = locale.For(lang).Number(*a.Kappa, 2)
	}
	switch {
	case locale.IsPT(lang) && a.Trusted:
		a.Sentence = fmt.Sprintf("O juiz concorda com vocês em %d de %d respostas (kappa %s): dá para confiar nele.", agree, n, kt)
	case locale.IsPT(lang):
		a.Sentence = fmt.Sprintf("O juiz concorda com vocês em só %d de %d respostas (kappa %s): não confie na nota dele sem revisar.", agree, n, kt)
	case a.Trusted:
		a.Sentence = fmt.Sprintf("The judge agrees with you on %d of %d answers (kappa %s): it can be trusted.", agree, n, kt)
	default:
		a.Sentence = fmt.Sprintf("The judge agrees with you on only %d of %d answers (kappa %s): do not trust its scores without checking.", agree, n, kt)
	}
	return a
}
