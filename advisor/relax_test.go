package advisor

import (
	"math"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/locale"
)

// The over-budget conflict (B1) offers the exact amount in the user's
// currency: the cheapest fitting model's monthly estimate at the user's rate,
// rounded up. With an exact budget typed in, that amount is what the button
// sets (the band alone would change nothing, since the amount wins).
func TestBudgetRelaxationInTheUsersCurrency(t *testing.T) {
	e := newTestEngine(t)
	for _, lang := range []string{LangEN, LangPT} {
		a := ans(t, "task", "chat_qa", "knowledge_source", "own_documents", "kb_size", "gt_5000", "volume", "gt_1m",
			"team_skills", "app_developers", "currency", "BRL", "exchange_rate", "5", "budget_monthly_amount", "1")
		rec, err := e.Recommend(a, lang)
		if err != nil {
			t.Fatal(err)
		}
		cheapest := -1.0
		for _, s := range rec.Shortlist {
			if s.CostKnown && (cheapest < 0 || s.MonthlyCostUSD < cheapest) {
				cheapest = s.MonthlyCostUSD
			}
		}
		if cheapest <= 0.2 { // R$ 1 is US$ 0.20: the case needs a model dearer than the budget
			t.Fatalf("%s: cheapest priced model %v; the case does not exceed R$ 1", lang, cheapest)
		}
		var b1 *Conflict
		for i := range rec.Conflicts {
			if rec.Conflicts[i].ID == "B1" {
				b1 = &rec.Conflicts[i]
			}
		}
		if b1 == nil {
			t.Fatalf("%s: no over-budget conflict: %+v", lang, rec.Conflicts)
		}
		want := math.Ceil(cheapest * 5) // reais, rounded up to a whole real
		if got := b1.Relax["budget_monthly_amount"]; got != strFloat(want) {
			t.Errorf("%s: the button sets budget_monthly_amount=%q, want %v (US$ %v × 5 rounded up)", lang, got, want, cheapest)
		}
		if _, ok := b1.Relax["budget_monthly"]; ok {
			t.Errorf("%s: the button still changes the band, which an exact amount overrides", lang)
		}
		shown := locale.For(lang).WithCurrency("BRL", 5).MoneyDec(want/5, 0) // "R$ 27.563"
		if !strings.Contains(b1.Relaxation, shown) || strings.Contains(b1.Relaxation, "US$") {
			t.Errorf("%s: relaxation does not say %s: %q", lang, shown, b1.Relaxation)
		}
	}
}

func strFloat(v float64) string {
	s := []byte{}
	n := int64(v)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		s = append([]byte{byte('0' + n%10)}, s...)
		n /= 10
	}
	return string(s)
}
