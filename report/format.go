package report

import (
	"time"

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

// usd formats dollars as every screen does (locale.Formatter.Money):
// "$1,234.56", "US$ 0,0042".
func usd(lang string, v float64) string { return locale.For(lang).Money(v) }

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
