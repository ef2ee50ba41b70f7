package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// TestCSVFormulaInjection: cells from outputs and endpoint names that start
// with = + - @ are neutralised (OWASP), numbers are left alone.
func TestCSVFormulaInjection(t *testing.T) {
	rs := []advisor.Result{{RunID: 1, Endpoint: "=HYPERLINK(\"http://evil\",\"x\")", Model: "@SUM(A1)", Strategy: "zero-shot",
		Output: "+cmd|' /C calc'!A0", ErrorMessage: "-2+3", CostUSD: 0.5}}
	var b bytes.Buffer
	if err := WriteCSV(&b, rs); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	row := map[string]string{}
	for i, h := range recs[0] {
		row[h] = recs[1][i]
	}
	for _, col := range []string{"endpoint", "model", "output", "error_message"} {
		if !strings.HasPrefix(row[col], "'") {
			t.Errorf("%s = %q: not neutralised", col, row[col])
		}
	}
	if row["cost_usd"] != "0.5" || row["strategy"] != "zero-shot" {
		t.Errorf("plain cells changed: %q %q", row["cost_usd"], row["strategy"])
	}
}

// TestMarkdownEscapesLinks: an output cannot become a link or an image.
func TestMarkdownEscapesLinks(t *testing.T) {
	got := mdText("[click](javascript:alert(1)) ![x](http://evil/p.png) \\[y](z)")
	if strings.Contains(got, "](") && !strings.Contains(got, `\](`) {
		t.Errorf("link syntax survives: %q", got)
	}
	if strings.Contains(got, "[click]") || strings.Contains(got, "![x]") {
		t.Errorf("link syntax survives: %q", got)
	}
	if !strings.Contains(got, `\\\[y\]`) {
		t.Errorf("a backslash can undo the escape: %q", got)
	}
}
