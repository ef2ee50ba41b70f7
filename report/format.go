package report

import (
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/locale"
)

// num formats v with dec decimals and the language's separators:
// 1,234.5 in English, 1.234,5 in Portuguese (locale.Formatter.Number).
func num(lang string, v float64, dec int) string { return locale.For(lang).Number(v, dec) }

// ms formats milliseconds: whole numbers from 100 ms up, one decimal below.
func ms(lang string, v float64) string {
	if v >= 100 || v == 0 {
		return num(lang, v, 0) + " ms"
	}
	return num(lang, v, 1) + " ms"
}

// usd formats an amount given in dollars as every screen does
// (locale.Formatter.Money) in the formatter's currency: "$1,234.56",
// "US$ 0,0042", "R$ 5,15".
func usd(f locale.Formatter, v float64) string { return f.Money(v) }

// moneyNote says once which currency the report's money is in, at what rate
// and from which day ("" for US dollars): every amount was converted from
// the US-dollar prices at that one rate.
func moneyNote(lang string, m advisor.Money, cur locale.Formatter) string {
	if m.IsUSD() || !(m.PerUSD > 0) {
		return ""
	}
	rate := cur.Money(1) // one dollar in the currency: "R$ 5,15"
	day := m.Date
	if t, err := time.Parse("2006-01-02", m.Date); err == nil && isPT(lang) {
		day = t.Format("02/01/2006")
	}
	if day == "" {
		return msg(lang, "money_note_undated", currencyName(lang, cur.Currency()), rate)
	}
	return msg(lang, "money_note", currencyName(lang, cur.Currency()), rate, day)
}

// pct formats a 0..1 share as a percentage.
func pct(lang string, v float64) string { return locale.For(lang).Percent(v) }

// date formats a timestamp in UTC for the report's language.
func date(lang string, t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	if isPT(lang) {
		return t.UTC().Format("02/01/2006 15:04 UTC")
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// currencyName is a currency as a reader names it: "reais (R$)", "euros (€)".
func currencyName(lang, code string) string {
	if n := msg(lang, "currency."+code); n != "currency."+code {
		return n
	}
	return code
}
