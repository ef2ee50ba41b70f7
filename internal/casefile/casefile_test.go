package casefile

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// keys is a translator that shows the key and its data, so a test sees
// which message was chosen without any translation files.
func keys(key string, args map[string]any) string {
	var b strings.Builder
	b.WriteString(key)
	for _, k := range []string{"File", "Sep", "N", "Header"} {
		if v, ok := args[k]; ok {
			fmt.Fprintf(&b, " %s=%v", k, v)
		}
	}
	return b.String()
}

// The separator is found from the header line, quotes respected.
func TestCaseFileDetectSeparator(t *testing.T) {
	for in, want := range map[string]rune{
		"input,expected\n":    ',',
		"pergunta;resposta\n": ';',
		"input\texpected\n":   '\t',
		"\"a;b\",c\n":         ',',
		"input\n":             ',',
		"a;b;c,d\n1;2;3,4\n":  ';',
	} {
		if got := DetectSeparator([]byte(in)); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// A Windows-1252 file with `;` and Portuguese headers reads as UTF-8 with
// both said; an unclosed quote spoils its own line only; a row with more
// columns than the header is named by its line.
func TestCaseFileBrazilianCSV(t *testing.T) {
	text := "Pergunta;Resposta esperada;Verificações\r\n" +
		"Qual é o prazo?;30 dias;contém\r\n" +
		"\"Duas\nlinhas\";Sim;exato\r\n" +
		"\"Aspas sem fim;x\r\n" +
		"a;b;contains;extra\r\n" +
		"Quem paga?;A loja;contains\r\n"
	cp, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := Read("perguntas.csv", strings.NewReader(cp), Options{}, keys)
	if err != nil {
		t.Fatal(err)
	}
	if !tb.Converted || tb.Separator != ';' || len(tb.Notes) != 2 || tb.Notes[0].Key != "cases.note.cp1252" || tb.Notes[1].Text(keys) != "cases.note.separator Sep=;" {
		t.Errorf("converted %v sep %q notes %+v", tb.Converted, tb.Separator, tb.Notes)
	}
	if tb.Mapping["input"] != 0 || tb.Mapping["expected"] != 1 || tb.Mapping["checks"] != 2 {
		t.Errorf("mapping %v from %q", tb.Mapping, tb.Header)
	}
	cases, bad := tb.Cases("chat", keys)
	if len(cases) != 3 || cases[0].Input != "Qual é o prazo?" || cases[0].Checks[0] != "contains" || cases[1].Input != "Duas\nlinhas" || cases[1].Checks[0] != "exact" || cases[2].Expected != "A loja" {
		t.Errorf("cases %+v", cases)
	}
	if len(bad) != 2 || bad[0].Line != 5 || bad[0].Key != "cases.bad.quote" || bad[1].Line != 6 || bad[1].Text(keys) != "cases.bad.columns N=4 Header=3" {
		t.Errorf("bad %+v", bad)
	}
	// Forced: read as UTF-8, the bytes stay as they are (no conversion said).
	tb, err = Read("perguntas.csv", strings.NewReader(cp), Options{Encoding: "utf-8", Separator: ','}, keys)
	if err != nil {
		t.Fatal(err)
	}
	if tb.Converted || len(tb.Notes) != 0 || len(tb.Header) != 1 {
		t.Errorf("forced utf-8 and comma: converted %v notes %+v header %q", tb.Converted, tb.Notes, tb.Header)
	}
	if _, err := Read("vazio.csv", strings.NewReader("\n\n"), Options{}, keys); err == nil || err.Error() != "cases.err.empty File=vazio.csv" {
		t.Errorf("empty file: %v", err)
	}
	if _, err := Read("big.csv", bytes.NewReader(make([]byte, MaxBytes+1)), Options{}, keys); err == nil || !strings.HasPrefix(err.Error(), "cases.err.too_big") {
		t.Errorf("too big: %v", err)
	}
}

// The first sheet of a workbook is read; its blank rows are skipped and
// lines are the sheet's rows.
func TestCaseFileXLSX(t *testing.T) {
	x := excelize.NewFile()
	for i, r := range [][]any{{"pergunta", "esperado"}, {"Qual é o horário?", "9h"}, {"", ""}, {"", "sem pergunta"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	b, err := x.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	tb, err := Read("p.xlsx", b, Options{}, keys)
	if err != nil {
		t.Fatal(err)
	}
	cases, bad := tb.Cases("chat", keys)
	if len(cases) != 1 || cases[0].Input != "Qual é o horário?" || len(bad) != 1 || bad[0].Line != 4 || bad[0].Key != "cases.bad.no_input" {
		t.Errorf("cases %+v bad %+v", cases, bad)
	}
	if _, err := Read("p.xlsx", strings.NewReader("not a zip"), Options{}, keys); err == nil || !strings.HasPrefix(err.Error(), "cases.err.xlsx File=p.xlsx") {
		t.Errorf("broken workbook: %v", err)
	}
}
