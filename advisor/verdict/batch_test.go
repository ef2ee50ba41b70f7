package verdict

import (
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// Results through the Batch API have no latency: a latency target is "not
// measured" (not a miss, not a pass), the quality and cost are judged as
// usual, and the sentence says so in both languages.
func TestBatchResultsLatencyNotMeasured(t *testing.T) {
	var rs []advisor.Result
	for i := range 20 {
		rs = append(rs, advisor.Result{Endpoint: "a", Strategy: "zero-shot", Case: i, Passed: i < 18, Score: b2f(i < 18), Batch: true, CostUSD: 0.001})
	}
	f := func(x float64) *float64 { return &x }
	cr := Criteria{MinQuality: f(0.8), FirstAnswerP95Ms: f(1000), TotalP95Ms: f(3000), VolumePerDay: f(100)}
	for _, lang := range []string{"en", "pt-BR"} {
		v := Compute(Input{Results: rs, Criteria: cr, Lang: lang})
		c := v.Candidates[0]
		if !c.Eligible || len(c.Fails) != 0 || c.FirstAnswerP95Ms != nil || c.TotalP95Ms != nil {
			t.Fatalf("%s: %+v", lang, c)
		}
		if len(c.NotMeasured) != 2 || c.NotMeasured[0] != FailFirstAnswer || c.NotMeasured[1] != FailTotal {
			t.Errorf("not measured %v", c.NotMeasured)
		}
		want := map[string]string{"en": "Not measured: the time until the answer starts and the total time", "pt-BR": "Não medido: o tempo até a resposta começar e o tempo total"}[lang]
		if !strings.Contains(c.Sentence, want) {
			t.Errorf("%s sentence %q", lang, c.Sentence)
		}
		// 0.001 USD a request × 100 a day × 30 days = 3 USD a month.
		if c.MonthlyUSD == nil || *c.MonthlyUSD < 2.9999 || *c.MonthlyUSD > 3.0001 || v.Pick == nil {
			t.Errorf("monthly %v pick %v", c.MonthlyUSD, v.Pick)
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
