package advisor

import "fmt"

// Currencies the answers may name (contract "More answers": currency).
const (
	CurrencyUSD = "USD"
	CurrencyBRL = "BRL"
	CurrencyEUR = "EUR"
)

// Rate is an exchange rate: units of Currency per 1 USD, as published on
// Date (ISO 8601) by Source.
type Rate struct {
	Currency string  `json:"currency"`
	PerUSD   float64 `json:"per_usd"`
	Date     string  `json:"date"`
	Source   string  `json:"source"`
}

// DefaultRates are the dated rates offered when the user names a currency
// but no rate of their own. They are old the day after they are written:
// the wizard shows the date beside the figure and the user's own rate wins.
var DefaultRates = map[string]Rate{
	// "O dólar comercial fechou em queda … a R$ 5,15" (Exame, 2026-02-24).
	CurrencyBRL: {Currency: CurrencyBRL, PerUSD: 5.15, Date: "2026-02-24", Source: "https://exame.com/invest/mercados/dolar-cai-e-fecha-a-r-515-menor-patamar-em-quase-dois-anos/"},
	// EUR/USD 1.14 (1 USD ≈ 0.877 EUR), reviewed 2026-06-29.
	CurrencyEUR: {Currency: CurrencyEUR, PerUSD: 0.877, Date: "2026-06-29", Source: "https://liveworldmarket.com/symbol/eur-usd-live"},
	CurrencyUSD: {Currency: CurrencyUSD, PerUSD: 1},
}

// Money is how the answers ask for money to be shown: the currency, the
// rate from USD and the day the rate is from. The engine works in USD;
// Money converts for display only.
type Money struct {
	Currency string  `json:"currency"`
	PerUSD   float64 `json:"exchange_rate"`
	Date     string  `json:"exchange_rate_date,omitempty"`
	Default  bool    `json:"exchange_rate_default,omitempty"` // the rate is DefaultRates', not the user's
}

// MoneyOf reads the currency and rate from the answers: USD when no
// currency is named; the dated default rate when the user gave none.
func MoneyOf(a Answers) Money {
	cur := a.Currency
	if cur == "" {
		cur = CurrencyUSD
	}
	if cur == CurrencyUSD {
		return Money{Currency: CurrencyUSD, PerUSD: 1}
	}
	if a.ExchangeRate > 0 {
		return Money{Currency: cur, PerUSD: a.ExchangeRate, Date: a.ExchangeRateDate}
	}
	d := DefaultRates[cur]
	return Money{Currency: cur, PerUSD: d.PerUSD, Date: d.Date, Default: true}
}

// FromUSD converts a USD amount to the currency.
func (m Money) FromUSD(usd float64) float64 {
	if m.PerUSD <= 0 {
		return usd
	}
	return usd * m.PerUSD
}

// ToUSD converts an amount in the currency to USD.
func (m Money) ToUSD(amount float64) float64 {
	if m.PerUSD <= 0 {
		return amount
	}
	return amount / m.PerUSD
}

// IsUSD reports whether no conversion happens.
func (m Money) IsUSD() bool { return m.Currency == "" || m.Currency == CurrencyUSD }

// rateAssumption is the assumption text when the default rate stands in
// for the user's.
func rateAssumption(m Money, lang string) string {
	src := DefaultRates[m.Currency].Source
	if lang == LangPT {
		return fmt.Sprintf("Você não informou o câmbio; usamos %s %s por US$ 1, cotação de %s (%s). Informe a sua para valores exatos.", trimFloat(m.PerUSD), m.Currency, m.Date, src)
	}
	return fmt.Sprintf("You gave no exchange rate, so we used %s %s per US$ 1, the rate of %s (%s). Give yours for exact figures.", trimFloat(m.PerUSD), m.Currency, m.Date, src)
}

func trimFloat(f float64) string { return fmt.Sprintf("%g", f) }
