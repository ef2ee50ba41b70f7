package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// The texts of each kind of wizard box: an example, and what to fix.
var (
	fieldPlaceholder = map[string]string{
		advisor.KindNumber:   "wizard.field.number.placeholder",
		advisor.KindCountry:  "wizard.field.country.placeholder",
		advisor.KindLanguage: "wizard.field.language.placeholder",
		advisor.KindDate:     "wizard.field.date.placeholder",
	}
	fieldBad = map[string]string{
		advisor.KindNumber:   "wizard.field.number.bad",
		advisor.KindCountry:  "wizard.field.country.bad",
		advisor.KindLanguage: "wizard.field.language.bad",
		advisor.KindDate:     "wizard.field.date.bad",
	}
)

// parseField turns what the user typed into a wizard box into answer
// values: a number written the way the language writes it ("2.000,50" in
// Portuguese, "2,000.50" in English, with or without "R$"), a country code,
// a comma-separated list of language tags, or a date (dd/mm/yyyy in
// Portuguese, yyyy-mm-dd everywhere). An empty box is "I don't know".
func parseField(q advisor.Question, s, code string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	switch q.Kind {
	case advisor.KindNumber:
		n, err := parseLocalNumber(s, code)
		if err != nil {
			return nil, err
		}
		return []string{strconv.FormatFloat(n, 'f', -1, 64)}, nil
	case advisor.KindLanguage:
		return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }), nil
	case advisor.KindDate:
		for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006"} {
			if d, err := time.Parse(layout, s); err == nil {
				return []string{d.Format("2006-01-02")}, nil
			}
		}
		return nil, fmt.Errorf("not a date: %q", s)
	}
	return []string{s}, nil
}

// fieldText writes stored answer values back into a wizard box.
func fieldText(q advisor.Question, vals []string, code string) string {
	if len(vals) == 0 {
		return ""
	}
	switch q.Kind {
	case advisor.KindNumber:
		n, err := strconv.ParseFloat(vals[0], 64)
		if err != nil {
			return vals[0]
		}
		return formatRate(n, code)
	case advisor.KindLanguage:
		return strings.Join(vals, ", ")
	case advisor.KindDate:
		return formatDay(vals[0], code)
	}
	return vals[0]
}

// parseLocalNumber reads "5,15", "2.000", "2.000,50" (Portuguese) or
// "5.15", "2,000.50" (English); currency signs and spaces are ignored.
func parseLocalNumber(s, code string) (float64, error) {
	t := s
	for _, sym := range []string{"R$", "US$", "$", "€", "BRL", "USD", "EUR", " ", "\u00a0"} {
		t = strings.ReplaceAll(t, sym, "")
	}
	dec, thou := ".", ","
	if strings.HasPrefix(code, "pt") {
		dec, thou = ",", "."
	}
	if !strings.Contains(t, dec) && strings.Count(t, thou) == 1 {
		// "5.15" typed in Portuguese (or "5,15" in English): a single
		// separator followed by other than three digits is a decimal mark.
		if i := strings.Index(t, thou); len(t)-i-1 != 3 {
			t = strings.Replace(t, thou, dec, 1)
		}
	}
	t = strings.ReplaceAll(t, thou, "")
	t = strings.Replace(t, dec, ".", 1)
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return n, nil
}

// formatRate writes a plain number (an exchange rate, an amount typed by
// the user) with the language's decimal mark and no trailing zeros.
func formatRate(n float64, code string) string {
	s := strconv.FormatFloat(n, 'f', -1, 64)
	if strings.HasPrefix(code, "pt") {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// formatDay writes an ISO date as the language writes dates (24/02/2026 in
// Portuguese); anything else is returned as it is.
func formatDay(iso, code string) string {
	d, err := time.Parse("2006-01-02", iso)
	if err != nil || !strings.HasPrefix(code, "pt") {
		return iso
	}
	return d.Format("02/01/2006")
}
