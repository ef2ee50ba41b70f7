package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// A CSV saved by Excel in Portuguese — `;` between columns, Windows-1252,
// Portuguese headers — and an .xlsx workbook import cleanly through the
// GUI's import preview, in the pt-BR interface; an unclosed quote spoils
// only its own line.
func TestImportBrazilianExcelFiles(t *testing.T) {
	h := newMemHarness(t, "pt-BR")
	h.a.show(screenLiveTest)
	l := h.a.live
	dir := t.TempDir()

	text := "Pergunta;Resposta esperada;Verificações\r\n" +
		"Qual é o prazo de devolução?;30 dias;contains\r\n" +
		"\"Posso trocar; sem nota?\";Não;contains\r\n" +
		"\"Aspas sem fim;x;contains\r\n" +
		"Quem paga o frete?;A loja;contains\r\n"
	cp, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(cp, "é") {
		t.Fatal("the fixture is not Windows-1252")
	}
	csvPath := filepath.Join(dir, "perguntas.csv")
	if err := os.WriteFile(csvPath, []byte(cp), 0o600); err != nil {
		t.Fatal(err)
	}
	l.importFile(csvPath)
	h.waitFor("csv preview", func() bool { return l.preview != nil && l.preview.file == csvPath })
	p := l.preview
	if len(p.cases) != 3 {
		t.Fatalf("good rows = %d, want 3: %+v (bad %+v)", len(p.cases), p.cases, p.bad)
	}
	if p.cases[0].Input != "Qual é o prazo de devolução?" || p.cases[0].Expected != "30 dias" || p.cases[1].Input != "Posso trocar; sem nota?" || p.cases[1].Expected != "Não" {
		t.Errorf("cases read as %+v", p.cases)
	}
	if p.cases[2].Input != "Quem paga o frete?" {
		t.Errorf("the row after the unclosed quote was swallowed: %+v", p.cases)
	}
	if len(p.bad) != 1 || p.bad[0].Line != 4 || !strings.Contains(p.bad[0].Reason(), "aspa") {
		t.Errorf("bad rows = %+v, want line 4 (the unclosed quote), in Portuguese", p.bad)
	}
	notes := ""
	for _, n := range p.table.notes {
		notes += n.Reason() + "\n"
	}
	if !strings.Contains(notes, "Windows-1252") || !strings.Contains(notes, "“;”") {
		t.Errorf("the preview does not say how the file was read: %q", notes)
	}
	// The preview shows which column feeds each field, found from the
	// Portuguese headers, and the names it looks for.
	if sel := l.previewCols["input"]; sel == nil || sel.Selected != "Pergunta" {
		t.Fatalf("input column = %v", sel)
	}
	if l.previewCols["expected"].Selected != "Resposta esperada" || l.previewCols["checks"].Selected != "Verificações" {
		t.Errorf("expected/checks columns = %q / %q", l.previewCols["expected"].Selected, l.previewCols["checks"].Selected)
	}
	// Remapping a column rebuilds the preview at once.
	l.previewCols["input"].SetSelectedIndex(0)
	if len(p.cases) != 0 || !l.previewAdd.Disabled() {
		t.Errorf("without an input column: %d cases, add enabled %v", len(p.cases), !l.previewAdd.Disabled())
	}
	l.previewCols["input"].SetSelected("Pergunta")
	if len(p.cases) != 3 || l.previewAdd.Disabled() {
		t.Fatalf("input column back: %d cases", len(p.cases))
	}
	test.Tap(l.previewAdd)
	if len(l.s.cases) != 3 {
		t.Fatalf("cases after import = %d", len(l.s.cases))
	}
	l.previewDlg.Hide()

	// An .xlsx workbook with the same headers.
	x := excelize.NewFile()
	rows := [][]any{{"pergunta", "esperado"}, {"Qual é o horário?", "9h às 18h"}, {"", ""}, {"Aceitam Pix?", "Sim"}}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	xlsxPath := filepath.Join(dir, "perguntas.xlsx")
	if err := x.SaveAs(xlsxPath); err != nil {
		t.Fatal(err)
	}
	l.importFile(xlsxPath)
	h.waitFor("xlsx preview", func() bool { return l.preview != nil && l.preview.file == xlsxPath })
	p = l.preview
	if len(p.cases) != 2 || p.cases[0].Input != "Qual é o horário?" || p.cases[1].Expected != "Sim" || len(p.bad) != 0 {
		t.Fatalf("xlsx: %+v bad %+v", p.cases, p.bad)
	}
	test.Tap(l.previewAdd)
	if len(l.s.cases) != 5 {
		t.Errorf("cases after both imports = %d, want 5", len(l.s.cases))
	}
}

// The wizard takes money in reais with the user's rate, and the screens
// then show money in reais (the engine stays in dollars).
func TestMoneyInTheUsersCurrency(t *testing.T) {
	h := newMemHarness(t, "pt-BR")
	h.newDecision()
	story, answers := scenario(t, "k1-eu-support-bot.json")
	answers["currency"] = "BRL"
	answers["exchange_rate"] = "5,00"
	answers["budget_monthly_amount"] = "2.000"
	h.answerWizard(story, answers)
	h.waitFor("recommendation", func() bool { return h.a.current == screenRecommendation && h.a.rec != nil && h.a.rec.rec != nil })
	rec := h.a.rec.rec
	if rec.Currency != "BRL" || rec.ExchangeRate != 5 {
		t.Fatalf("recommendation money = %s %v", rec.Currency, rec.ExchangeRate)
	}
	if a := h.a.decision.Answers; a.BudgetMonthlyAmount == nil || *a.BudgetMonthlyAmount != 2000 {
		t.Errorf("the amount typed as 2.000 was read as %v", a.BudgetMonthlyAmount)
	}
	if got := money(10); got != "R$ 50,00" {
		t.Errorf("US$ 10 on screen = %q, want R$ 50,00", got)
	}
}
