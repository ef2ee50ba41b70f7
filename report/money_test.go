package report

import (
	"github.com/llm-advisor/llm-advisor/advisor"
)

// brlInput is the fixture in Portuguese for a decision in reais at R$ 5,00
// per dollar (a round rate, so the expected figures are easy to check by hand).
func brlInput() Input {
	in := fixture("pt-BR", 2)
	rec := *in.Recommendation
	rec.Currency, rec.ExchangeRate, rec.ExchangeRateDate = advisor.CurrencyBRL, 5, "2026-11-30"
	in.Recommendation = &rec
	in.Answers.Currency, in.Answers.ExchangeRate, in.Answers.ExchangeRateDate = advisor.CurrencyBRL, 5, "2026-11-30"
	in.Run.Plan.Acceptance = &advisor.Acceptance{MaxMonthlyUSD: fptr(100)}
	return in
}
