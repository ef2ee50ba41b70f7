// Package locale writes numbers, money and counts the way each language of
// the app writes them: "$1,234.56" and "1,234.5" in English, "US$ 1.234,56"
// and "1.234,5" in Brazilian Portuguese. The GUI, the command line, the
// reports and the engine's texts all format through it, so a figure reads the
// same wherever it is shown.
//
// It imports nothing of the project, so every package may use it.
package locale

import (
	"math"
	"strconv"
	"strings"
)

// Language codes.
const (
	EN = "en"
	PT = "pt-BR"
)

// Formatter formats for one language and one display currency. The zero
// value formats English and US dollars. Amounts are always given in US
// dollars (the catalog's and the cost model's unit); a formatter with another
// currency converts them at its rate before writing them.
type Formatter struct {
	lang     string
	currency string  // ISO 4217 code; "" = USD
	perUSD   float64 // units of currency per US dollar; 0 = 1
}

// For is the formatter of a language ("en", "pt-BR"; any "pt…" code is
// Portuguese, anything else English), in US dollars.
func For(lang string) Formatter {
	if IsPT(lang) {
		return Formatter{lang: PT}
	}
	return Formatter{lang: EN}
}

// IsPT reports whether a language code is Portuguese.
func IsPT(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), "pt") }

// Lang is the formatter's language code ("en" or "pt-BR").
func (f Formatter) Lang() string {
	if f.lang == "" {
		return EN
	}
	return f.lang
}

// WithCurrency is f showing money in currency (an ISO 4217 code such as
// "BRL" or "EUR"), converting US dollars at perUSD units per dollar. A code
// of "" or "USD", or a rate that is not positive, keeps US dollars.
func (f Formatter) WithCurrency(code string, perUSD float64) Formatter {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" || code == "USD" || !(perUSD > 0) || math.IsInf(perUSD, 0) {
		f.currency, f.perUSD = "", 0
		return f
	}
	f.currency, f.perUSD = code, perUSD
	return f
}

// Currency is the ISO 4217 code money is shown in ("USD" unless set).
func (f Formatter) Currency() string {
	if f.currency == "" {
		return "USD"
	}
	return f.currency
}

// Rate is how many units of the display currency one US dollar buys (1 for USD).
func (f Formatter) Rate() float64 {
	if f.perUSD == 0 {
		return 1
	}
	return f.perUSD
}

// Number writes v with dec decimals and the language's separators
// (1,234.5 / 1.234,5), halves rounded away from zero. NaN and infinities are written "–".
func (f Formatter) Number(v float64, dec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if dec < 0 {
		dec = 0
	}
	// Halves round away from zero, as people round money (0.125 → 0.13),
	// not to even as strconv does.
	a := math.Abs(v)
	if p := math.Pow(10, float64(dec)); !math.IsInf(a*p, 0) {
		a = math.Round(a*p) / p
	}
	s := strconv.FormatFloat(a, 'f', dec, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	thousands, decimal := ",", "."
	if f.Lang() == PT {
		thousands, decimal = ".", ","
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString(decimal)
		b.WriteString(frac)
	}
	return b.String()
}

// Int writes a whole number with the language's thousands separator.
func (f Formatter) Int(n int) string { return f.Number(float64(n), 0) }

// Percent writes a 0..1 share as a whole percentage ("42%").
func (f Formatter) Percent(share float64) string {
	return f.Number(share*100, 0) + "%"
}

// Count writes n with the word that fits it: Count(1, "error", "errors") is
// "1 error", Count(1234, "erro", "erros") in Portuguese "1.234 erros".
func (f Formatter) Count(n int, one, other string) string {
	if n == 1 || n == -1 {
		return f.Int(n) + " " + one
	}
	return f.Int(n) + " " + other
}

// Money writes an amount given in US dollars in the formatter's currency,
// with two decimals ("$1,234.56", "US$ 1.234,56") and, below one unit, as
// many as two significant digits need (up to six: "$0.052", "$0.00042"), so
// small costs stay comparable and never read as zero when they are not.
func (f Formatter) Money(usd float64) string {
	v := usd * f.Rate()
	return f.MoneyDec(usd, moneyDecimals(v))
}

// MoneyDec writes an amount given in US dollars in the formatter's currency
// with exactly dec decimals (chart axes, where the step decides them).
func (f Formatter) MoneyDec(usd float64, dec int) string {
	v := usd * f.Rate()
	n := f.Number(v, dec)
	sym, before := f.symbol()
	switch {
	case !before:
		return n + " " + sym
	case f.Lang() == PT: // "US$ 1.234,56", "R$ 10,00"
		return sym + " " + n
	case strings.HasPrefix(n, "-"): // "-$1.50"
		return "-" + sym + n[1:]
	}
	return sym + n
}

// Symbol is the currency's sign as the language writes it before an amount
// ("$" and "US$" for dollars, "R$", "€").
func (f Formatter) Symbol() string {
	s, _ := f.symbol()
	return s
}

// symbol is the currency sign and whether it goes before the number.
func (f Formatter) symbol() (string, bool) {
	pt := f.Lang() == PT
	switch f.Currency() {
	case "USD":
		if pt {
			return "US$", true
		}
		return "$", true
	case "BRL":
		return "R$", true
	case "EUR":
		return "€", true
	}
	return f.Currency(), false
}

// moneyDecimals is 2, or for amounts below one as many decimals as two
// significant digits need, at most 6.
func moneyDecimals(v float64) int {
	a := math.Abs(v)
	if a == 0 || a >= 1 || math.IsNaN(a) || math.IsInf(a, 0) {
		return 2
	}
	dec := 2
	for dec < 6 && a*math.Pow(10, float64(dec)) < 10 {
		dec++
	}
	return dec
}
