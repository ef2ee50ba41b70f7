package report

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// num formats v with dec decimals and the language's separators:
// 1,234.5 in English, 1.234,5 in Portuguese.
func num(lang string, v float64, dec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', dec, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	thousands, decimal := ",", "."
	if isPT(lang) {
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

// ms formats milliseconds: whole numbers from 100 ms up, one decimal below.
func ms(lang string, v float64) string {
	if v >= 100 || v == 0 {
		return num(lang, v, 0) + " ms"
	}
	return num(lang, v, 1) + " ms"
}

// usd formats dollars with as many decimals as a small figure needs to show.
func usd(lang string, v float64) string {
	dec := 2
	switch a := math.Abs(v); {
	case a == 0:
		dec = 2
	case a >= 1000:
		dec = 0
	case a < 0.01:
		dec = 5
	case a < 1:
		dec = 3
	}
	if isPT(lang) {
		return "US$ " + num(lang, v, dec)
	}
	return "$" + num(lang, v, dec)
}

// pct formats a 0..1 share as a percentage.
func pct(lang string, v float64) string {
	return num(lang, v*100, 0) + "%"
}

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
