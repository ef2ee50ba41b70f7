package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// The pt-BR CSV opens in Excel: a BOM, `;` between columns, decimal commas;
// the contract's CSV keeps `,` and dots.
func TestWriteCSVExcel(t *testing.T) {
	rs := []advisor.Result{{RunID: 1, Endpoint: "a", Model: "m", Strategy: "zero-shot", LatencyMs: 1234.5, CostUSD: 0.25, Score: 0.5, Output: "olá; tudo bem"}}
	var b bytes.Buffer
	if err := WriteCSVExcel(&b, rs); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Fatal("no BOM")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	if got := rows[1][col["latency_ms"]]; got != "1234,5" {
		t.Errorf("latency_ms = %q, want 1234,5", got)
	}
	if got := rows[1][col["cost_usd"]]; got != "0,25" {
		t.Errorf("cost_usd = %q", got)
	}
	if got := rows[1][col["output"]]; got != "olá; tudo bem" {
		t.Errorf("output = %q", got)
	}
	b.Reset()
	if err := WriteCSV(&b, rs); err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(b.Bytes(), []byte("\xef\xbb\xbf")) || !strings.Contains(b.String(), "1234.5") {
		t.Errorf("the contract's CSV changed: %q", b.String()[:80])
	}
}
