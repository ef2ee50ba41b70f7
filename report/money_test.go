package report

import (
	"bytes"
	"os"
	"strings"
	"testing"

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

// Money in the report is in the decision's currency: the shortlist, the
// verdict's cost criterion, the result tables and the charts; the rate and
// its date are said once, and no amount is left in dollars.
func TestReportMoneyInTheUsersCurrency(t *testing.T) {
	in := brlInput()
	note := "a R$ 5,00 por US$ 1 (cotação de 30/11/2026)"

	v, err := buildView(in)
	if err != nil {
		t.Fatal(err)
	}
	costs := map[string]string{}
	for _, r := range v.Rec.Shortlist.Rows {
		costs[r[0]] = r[1]
	}
	// 41.50 USD × 5 = 207.50 BRL; 690 × 5 = 3,450.
	if got := costs["GPT-4o mini (gpt-4o-mini)"]; got != "R$ 207,50" {
		t.Errorf("GPT-4o mini a month: %q, want R$ 207,50", got)
	}
	if got := costs["GPT-4o (gpt-4o)"]; got != "R$ 3.450,00" {
		t.Errorf("GPT-4o a month: %q, want R$ 3.450,00", got)
	}
	found := false
	for _, r := range v.Verdict.Criteria.Rows {
		if strings.Contains(r[1], "R$ 500,00") { // 100 USD × 5
			found = true
		}
	}
	if !found {
		t.Errorf("the cost criterion is not R$ 500,00: %v", v.Verdict.Criteria.Rows)
	}

	var html bytes.Buffer
	if err := WriteHTML(&html, in); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mdFile, err := WriteMarkdown(dir, "r", in)
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(mdFile)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"HTML": html.String(), "Markdown": string(md), "PDF": pdfText(t, in)} {
		if n := strings.Count(text, note); n != 1 {
			t.Errorf("%s: the rate note %q appears %d times, want once", name, note, n)
		}
		if !strings.Contains(text, "R$ 207,50") {
			t.Errorf("%s: no R$ 207,50 for GPT-4o mini", name)
		}
		// The only dollars are the "US$ 1" of the rate note.
		if n := strings.Count(text, "US$"); n != 1 {
			t.Errorf("%s: %d amounts in US$, want only the note's", name, n)
		}
	}

	charts, err := Charts(in, ChartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	money := 0
	for _, c := range charts {
		svg := string(c.SVG)
		if strings.Contains(svg, "US$") {
			t.Errorf("chart %s labels an amount in US$", c.Name)
		}
		if strings.Contains(svg, "R$") {
			money++
		}
	}
	if money < 2 { // cost per 1,000 requests and the shortlist's monthly cost at least
		t.Errorf("only %d charts show reais", money)
	}
}
