package report

import (
	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
)

// peopleFixture is the report fixture with people's figures. By hand:
// openai (zero-shot) rated 1, 1, 0, 1 on cases 0–3: 0.75 over 4, Wilson(3,
// 4) = [30%, 95%]. Blind, openai against azure (zero-shot) on cases 0–4:
// openai won 3, 2 the same: 4 of 5 = 80%, Wilson(4, 5) = [38%, 96%]; azure
// 1 of 5 = 20%, [4%, 62%].
func peopleFixture(lang string) Input {
	in := fixture(lang, 10)
	id := map[[3]any]int64{}
	for i := range in.Results {
		r := &in.Results[i]
		r.ID = int64(i + 1)
		if r.Repeat == 0 {
			id[[3]any{r.Endpoint, r.Strategy, r.Case}] = r.ID
		}
	}
	zs := advisor.StrategyZeroShot
	in.People = verdict.People{Scores: map[int64][]float64{}}
	for c, s := range []float64{1, 1, 0, 1} {
		in.People.Scores[id[[3]any{"openai", zs, c}]] = []float64{s}
	}
	for c, ch := range []string{verdict.ChoiceLeft, verdict.ChoiceRight, verdict.ChoiceLeft, verdict.ChoiceSame, verdict.ChoiceBothBad} {
		l, r := id[[3]any{"openai", zs, c}], id[[3]any{"azure", zs, c}]
		if c == 1 {
			l, r = r, l // shown the other way round: "right" is openai
		}
		in.People.Judgements = append(in.People.Judgements, verdict.Judgement{Left: l, Right: r, Choice: ch, Who: "ana"})
	}
	return in
}
