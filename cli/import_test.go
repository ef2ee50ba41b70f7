package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"gopkg.in/yaml.v3"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

// import --promptfoo writes a plan that `test --dry-run` accepts, lists what
// was left out on stderr, and names the field of bad input (exit 2).
func TestImportPromptfoo(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("cases.csv", "question,__expected\nCapital of France?,contains: Paris\nCapital of Peru?,fn: output.includes('Lima')\n")
	cfg := write("promptfooconfig.yaml", `description: capitals
prompts: ['Q: {{question}}']
providers:
  - id: ollama:chat:llama3.2
    config: {apiBaseUrl: 'http://127.0.0.1:11434'}
tests: file://cases.csv
`)
	out := filepath.Join(dir, "plan.yaml")
	code, stdout, stderr := runCLI("import", "--promptfoo", cfg, "--out", out)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "note: assert javascript") || !strings.Contains(stdout, "1 endpoints, 2 cases") {
		t.Errorf("stdout %q stderr %q", stdout, stderr)
	}
	code, stdout, stderr = runCLI("test", "--plan", out, "--dry-run", "--json")
	if code != ExitOK {
		t.Fatalf("dry run of the imported plan: exit %d: %s", code, stderr)
	}
	var est struct {
		Requests  int `json:"requests"`
		Endpoints []struct {
			BaseURL string `json:"base_url"`
		} `json:"endpoints"`
	}
	if err := json.Unmarshal([]byte(stdout), &est); err != nil {
		t.Fatal(err)
	}
	if est.Requests != 2 || len(est.Endpoints) != 1 || est.Endpoints[0].BaseURL != "http://127.0.0.1:11434/v1" {
		t.Errorf("estimate %+v", est)
	}

	bad := write("bad.yaml", "prompts: [hi]\nproviders: [openai:gpt-4o]\ntests: [{vars: [1, 2]}]\n")
	code, _, stderr = runCLI("import", "--promptfoo", bad, "--out", filepath.Join(dir, "bad-plan.yaml"))
	if code != ExitUsage || !strings.Contains(stderr, "tests[0].vars") {
		t.Errorf("bad vars: exit %d %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad-plan.yaml")); err == nil {
		t.Error("a plan was written for a config that failed")
	}
	if code, _, _ := runCLI("import", "--out", out); code != ExitUsage {
		t.Errorf("missing --promptfoo: exit %d", code)
	}
}

// import --cases reads a CSV saved by Excel in Portuguese (`;`,
// Windows-1252, Portuguese headers) as the GUI does: the text arrives as
// UTF-8, the conversion and separator are said, an unclosed quote is named
// by its line and the rows after it are kept; the cases are added to an
// existing plan that `test --dry-run` then accepts.
func TestImportCasesBrazilianCSV(t *testing.T) {
	t.Setenv("LLM_ADVISOR_LANG", "pt-BR")
	dir := t.TempDir()
	text := "Pergunta;Resposta esperada;Obs\r\n" +
		"Qual é o prazo de devolução?;30 dias;x\r\n" +
		"\"Aspas sem fim;x\r\n" +
		"Quem paga o frete?;A loja;y\r\n"
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
	existing := ltWritePlan(t, dir, "http://127.0.0.1:9", 2, "")
	out := filepath.Join(dir, "novo.yaml")
	code, stdout, stderr := runCLI("import", "--cases", csvPath, "--plan", existing, "--out", out)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Windows-1252", "separadas por “;”", "entrada ← “Pergunta”", "esperado ← “Resposta esperada”", "Colunas não usadas: “Obs”",
		csvPath + ":3: Linha 3: uma aspa"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stdout, "4 cases (2 from") || !strings.Contains(stdout, "1 rows left out") {
		t.Errorf("stdout %q", stdout)
	}
	p, err := livetest.LoadPlan(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Cases) != 4 || p.Cases[0].Input != "question 0" || p.Cases[2].Input != "Qual é o prazo de devolução?" || p.Cases[2].Expected != "30 dias" || p.Cases[3].Input != "Quem paga o frete?" {
		t.Errorf("plan cases %+v", p.Cases)
	}
	if p.Name != "cli test" || len(p.Endpoints) != 1 || p.Endpoints[0].Model != "tiny" {
		t.Errorf("the existing plan was not kept: %+v", p)
	}
	code, stdout, stderr = runCLI("test", "--plan", out, "--dry-run", "--json")
	if code != ExitOK {
		t.Fatalf("dry run: exit %d: %s", code, stderr)
	}
	var est struct {
		Requests int `json:"requests"`
	}
	if err := json.Unmarshal([]byte(stdout), &est); err != nil || est.Requests != 4 {
		t.Errorf("estimate %s (%v), want 4 requests", stdout, err)
	}
}

// An .xlsx workbook imports into a new plan; a forced --separator splits
// where it is told (a `,` file with `;` inside its text); bad flags, a file
// of the wrong type and a header without a question column exit 2 naming
// the file and the fix, and write nothing.
func TestImportCasesXLSXAndForced(t *testing.T) {
	t.Setenv("LLM_ADVISOR_LANG", "en")
	dir := t.TempDir()
	x := excelize.NewFile()
	for i, r := range [][]any{{"pergunta", "esperado"}, {"Qual é o horário?", "9h às 18h"}, {"", ""}, {"Aceitam Pix?", "Sim"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	xlsxPath := filepath.Join(dir, "perguntas.xlsx")
	if err := x.SaveAs(xlsxPath); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "plan.yaml")
	code, stdout, stderr := runCLI("import", "--cases", xlsxPath, "--out", out)
	if code != ExitOK {
		t.Fatalf("xlsx: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "2 cases") || !strings.Contains(stderr, "Columns read: input ← “pergunta”, expected ← “esperado”") || strings.Contains(stderr, "Windows-1252") {
		t.Errorf("stdout %q stderr %q", stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var p advisor.Plan
	if err := yaml.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	if p.Name != "perguntas" || len(p.Cases) != 2 || p.Cases[0].Input != "Qual é o horário?" || p.Cases[1].Expected != "Sim" {
		t.Errorf("plan %+v", p)
	}

	// The header has more `;` than `,`, so detection picks `;` and finds
	// no input column; --separator , reads it.
	csvPath := filepath.Join(dir, "virgula.csv")
	if err := os.WriteFile(csvPath, []byte("input,notes;a;b\nA; B; C?,x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI("import", "--cases", csvPath, "--out", out)
	if code != ExitUsage || !strings.Contains(stderr, "found: input,notes, a, b") {
		t.Fatalf("detected: exit %d %s", code, stderr)
	}
	code, _, stderr = runCLI("import", "--cases", csvPath, "--separator", ",", "--encoding", "utf-8", "--out", out)
	if code != ExitOK || strings.Contains(stderr, "“;”") || !strings.Contains(stderr, "Columns not used: “notes;a;b”") {
		t.Fatalf("forced: exit %d %s", code, stderr)
	}
	p = advisor.Plan{}
	if b, _ := os.ReadFile(out); yaml.Unmarshal(b, &p) != nil || len(p.Cases) != 1 || p.Cases[0].Input != "A; B; C?" {
		t.Errorf("forced comma: %+v", p.Cases)
	}

	none := filepath.Join(dir, "none.yaml")
	noQ := filepath.Join(dir, "sem.csv")
	os.WriteFile(noQ, []byte("foo;bar\n1;2\n"), 0o600)
	notes := filepath.Join(dir, "notes.pdf")
	os.WriteFile(notes, []byte("%PDF"), 0o600)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--cases", csvPath, "--separator", "|"}, `--separator "|" is not allowed`},
		{[]string{"--cases", csvPath, "--encoding", "latin9"}, `--encoding "latin9" is not allowed`},
		{[]string{"--cases", csvPath, "--kind", "video"}, `--kind "video" is not allowed`},
		{[]string{"--cases", noQ}, "sem.csv: The header row needs a “input” column; found: foo, bar"},
		{[]string{"--cases", notes}, "notes.pdf: the type “.pdf” cannot be imported; use .csv"},
		{[]string{"--cases", filepath.Join(dir, "missing.csv")}, "missing.csv"},
		{[]string{"--cases", csvPath, "--promptfoo", "x.yaml"}, "give one"},
	} {
		code, _, stderr := runCLI(append(append([]string{"import"}, c.args...), "--out", none)...)
		if code != ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d %q, want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	if _, err := os.Stat(none); err == nil {
		t.Error("a plan was written for bad input")
	}
}
