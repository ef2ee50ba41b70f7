package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/data"
)

// reportDB is a database with a decision, two runs of it and their results.
// It returns the database path, the decision id and the latest run's id.
func reportDB(t *testing.T, plan []string) (string, int64, int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "advisor.db")
	ctx := context.Background()
	store, err := data.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	d := &data.Decision{
		Title:   "Suporte — trocas e devoluções",
		Answers: advisor.Answers{UseCase: "Responder dúvidas sobre devoluções", Task: []string{"chat_qa"}, ChangeRate: "monthly"},
		Recommendation: &advisor.Recommendation{
			Model:     advisor.ModelChoice{Type: advisor.TypeTextLLM, Architecture: advisor.ArchDecoderOnly, Weights: advisor.WeightsEither, Hosting: advisor.HostingManaged, SizeTier: advisor.TierSmall},
			Strategy:  advisor.Strategy{Primary: advisor.StepRAG, Plan: plan},
			Shortlist: []advisor.Shortlisted{{ID: "gpt-4o-mini", Name: "GPT-4o mini", MonthlyCostUSD: 40}},
			Fired:     []advisor.Fired{{ID: "S4", Because: "Políticas mudam todo mês: Geração aumentada por recuperação.", Source: "https://example.com/rag"}},
			Lang:      "pt-BR",
		},
	}
	if err := store.SaveDecision(ctx, d); err != nil {
		t.Fatal(err)
	}
	p := advisor.Plan{
		Name: "check", DecisionID: d.ID,
		Endpoints:  []advisor.Endpoint{{Name: "openai", Kind: advisor.KindOpenAI, Model: "gpt-4o-mini", APIKeyEnv: "CLI_REPORT_TEST_KEY"}},
		Strategies: []string{advisor.StrategyZeroShot, advisor.StrategyRAG},
		System:     "Seja breve.",
		Cases:      []advisor.Case{{Input: "Prazo de troca?", Expected: "30 dias", Checks: []string{"contains"}}, {Input: "Frete grátis?", Expected: "acima de R$ 200"}},
	}
	var last int64
	for i := 0; i < 2; i++ {
		run := &data.Run{DecisionID: d.ID, Name: fmt.Sprintf("check %d", i+1), Plan: p, Total: 4}
		if err := store.CreateRun(ctx, run); err != nil {
			t.Fatal(err)
		}
		for _, st := range p.Strategies {
			for c := range p.Cases {
				r := &advisor.Result{RunID: run.ID, Endpoint: "openai", Model: "gpt-4o-mini", Strategy: st, Case: c,
					Output: "<script>alert(1)</script> 30 dias", LatencyMs: float64(800 + 100*c + 50*i), TTFTMs: 200, TokensIn: 100, TokensOut: 20,
					CostUSD: 0.0001, Score: 1, Passed: true, StartedAt: time.Now().UTC(), EndedAt: time.Now().UTC()}
				if err := store.SaveResult(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := store.SetRunStatus(ctx, run.ID, advisor.RunDone); err != nil {
			t.Fatal(err)
		}
		last = run.ID
		time.Sleep(5 * time.Millisecond) // distinct start times for the history
	}
	return path, d.ID, last
}

func TestReportCommandFormats(t *testing.T) {
	db, _, run := reportDB(t, []string{advisor.StepPrompting, advisor.StepRAG, advisor.StepFineTuning})
	dir := t.TempDir()
	id := fmt.Sprint(run)
	for _, f := range []string{"pdf", "html", "md", "csv", "json", "jsonl"} {
		out := filepath.Join(dir, "r."+f)
		code, stdout, stderr := runCLI("report", "--run", id, "--format", f, "--out", out, "--db", db)
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", f, code, stderr)
		}
		written := strings.TrimSpace(stdout)
		b, err := os.ReadFile(written)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		switch f {
		case "pdf":
			if !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Error("not a PDF")
			}
		case "html":
			if !bytes.Contains(b, []byte("&lt;script&gt;alert(1)")) || bytes.Contains(b, []byte("<script>alert(1)")) {
				t.Error("HTML does not escape the output")
			}
			// The decision is included: its title and the Portuguese labels.
			if !bytes.Contains(b, []byte("Suporte — trocas e devoluções")) || !bytes.Contains(b, []byte("Configuração do teste ao vivo")) {
				t.Error("HTML lacks the decision or the pt-BR headings")
			}
		case "md":
			if written != filepath.Join(dir, "r.md") {
				t.Errorf("markdown written to %s", written)
			}
			if _, err := os.Stat(filepath.Join(dir, "r-history.png")); err != nil {
				t.Errorf("history chart beside the Markdown: %v", err)
			}
		case "csv":
			rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil || len(rows) != 5 || rows[0][0] != "run_id" || rows[1][0] != id {
				t.Errorf("csv: %v rows, %v", len(rows), err)
			}
		case "json":
			var rows []map[string]any
			if err := json.Unmarshal(b, &rows); err != nil || len(rows) != 4 {
				t.Errorf("json: %d rows, %v", len(rows), err)
			}
		case "jsonl":
			if n := bytes.Count(b, []byte("\n")); n != 2 {
				t.Errorf("jsonl: %d lines, want one per case with an answer", n)
			}
		}
	}
	// No temporary files are left beside the outputs.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestReportCommandDecisionOnly(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed; make deps installs it")
	}
	db, dec, _ := reportDB(t, []string{advisor.StepPrompting, advisor.StepRAG})
	out := filepath.Join(t.TempDir(), "d.pdf")
	code, _, stderr := runCLI("report", "--decision", fmt.Sprint(dec), "--format", "pdf", "--out", out, "--db", db, "--lang", "en")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	text, err := exec.Command("pdftotext", out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Join(strings.Fields(string(text)), " ")
	for _, w := range []string{"Responder dúvidas sobre devoluções", "GPT-4o mini", "No live test has been run yet"} {
		if !strings.Contains(s, w) {
			t.Errorf("PDF lacks %q", w)
		}
	}
}

func TestReportCommandErrors(t *testing.T) {
	db, dec, run := reportDB(t, []string{advisor.StepPrompting, advisor.StepRAG})
	dir := t.TempDir()
	out := filepath.Join(dir, "r.out")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad format", []string{"--run", fmt.Sprint(run), "--format", "docx", "--out", out, "--db", db}, ExitUsage, "allowed values: pdf, html, md, csv, json, jsonl"},
		{"no format", []string{"--run", fmt.Sprint(run), "--out", out, "--db", db}, ExitUsage, "allowed values: pdf"},
		{"no id", []string{"--format", "pdf", "--out", out, "--db", db}, ExitUsage, "--run ID"},
		{"both ids", []string{"--run", "1", "--decision", "1", "--format", "pdf", "--out", out, "--db", db}, ExitUsage, "not both"},
		{"no out", []string{"--run", fmt.Sprint(run), "--format", "pdf", "--db", db}, ExitUsage, "--out"},
		{"unknown run", []string{"--run", "9999", "--format", "pdf", "--out", out, "--db", db}, ExitUsage, "--run 9999: no such run"},
		{"unknown decision", []string{"--decision", "777", "--format", "pdf", "--out", out, "--db", db}, ExitUsage, "--decision 777"},
		{"csv without run", []string{"--decision", fmt.Sprint(dec), "--format", "csv", "--out", out, "--db", db}, ExitUsage, "--run"},
		{"jsonl without fine-tuning", []string{"--run", fmt.Sprint(run), "--format", "jsonl", "--out", out, "--db", db}, ExitUsage, "fine-tuning"},
		{"missing db", []string{"--run", "1", "--format", "pdf", "--out", out, "--db", filepath.Join(dir, "nope.db")}, ExitUsage, "no database"},
		{"bad lang", []string{"--run", fmt.Sprint(run), "--format", "pdf", "--out", out, "--db", db, "--lang", "fr"}, ExitUsage, "en, pt-BR"},
		{"unwritable", []string{"--run", fmt.Sprint(run), "--format", "pdf", "--out", filepath.Join(dir, "missing", "r.pdf"), "--db", db}, ExitFail, "write"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(append([]string{"report"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr, tc.code, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "nope.db")); err == nil {
		t.Error("a report created a database")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed reports left files: %v", entries)
	}
}

// TestReportCommandImages: a generated image stored with a path relative to
// the database's folder and one with an absolute path are both embedded in
// the HTML report; a missing one is noted, not an error.
func TestReportCommandImages(t *testing.T) {
	dbDir := t.TempDir()
	db := filepath.Join(dbDir, "advisor.db")
	ctx := context.Background()
	store, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	p := advisor.Plan{Name: "pictures", Kind: advisor.CaseKindImage,
		Endpoints: []advisor.Endpoint{{Name: "painter", Kind: advisor.KindOpenAI, Model: "gpt-image-1"}},
		Cases:     []advisor.Case{{Input: "a lighthouse"}, {Input: "a bicycle"}, {Input: "a door"}}}
	run := &data.Run{Name: "pictures", Plan: p, Total: 3}
	if err := store.CreateRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	pngFile := func(path string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		img := image.NewRGBA(image.Rect(0, 0, 3, 2))
		var b bytes.Buffer
		png.Encode(&b, img)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pngFile(filepath.Join(dbDir, "images", "run-1", "painter-0-0.png"))
	abs := filepath.Join(t.TempDir(), "painter-1-0.png")
	pngFile(abs)
	for c, art := range []string{"images/run-1/painter-0-0.png", abs, "images/run-1/painter-2-0.png"} {
		r := &advisor.Result{RunID: run.ID, Endpoint: "painter", Model: "gpt-image-1", Strategy: advisor.StrategyImage, Kind: advisor.CaseKindImage,
			Case: c, LatencyMs: 9000, Artifact: art, Unscored: true, StartedAt: time.Now().UTC(), EndedAt: time.Now().UTC()}
		if err := store.SaveResult(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	store.Close()
	out := filepath.Join(t.TempDir(), "r.html")
	// Run from another folder: the relative path must not depend on it.
	code, _, stderr := runCLI("report", "--run", fmt.Sprint(run.ID), "--format", "html", "--out", out, "--db", db, "--lang", "en")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b, []byte(`<img src="data:image/png;base64,`)); n != 2 {
		t.Errorf("%d images embedded, want 2", n)
	}
	if !bytes.Contains(b, []byte("missing image: painter-2-0.png")) || !bytes.Contains(b, []byte("not rated")) {
		t.Error("the missing or the unrated image is not said")
	}
	// The endpoint has no price in the plan and no catalog id: its cost is
	// unknown, not free.
	if !bytes.Contains(b, []byte("no price")) {
		t.Error("an unpriced endpoint's cost is not said to be unknown")
	}
}

// TestReportRefusesToOverwriteTheDatabase: --out naming the database, its
// -wal or -shm (directly, through a symbolic link or another spelling), or
// an existing device or folder is bad usage, and the database still opens.
func TestReportRefusesToOverwriteTheDatabase(t *testing.T) {
	db, _, runID := reportDB(t, []string{advisor.StepPrompting})
	dir := filepath.Dir(db)
	link := filepath.Join(t.TempDir(), "looks-harmless.csv")
	if err := os.Symlink(db, link); err != nil {
		t.Fatal(err)
	}
	outs := []string{db, db + "-wal", db + "-shm", filepath.Join(dir, ".", "advisor.db"), link, "/dev/null", dir}
	for _, out := range outs {
		for _, f := range []string{"csv", "json"} {
			code, _, stderr := cliRun(t, "report", "--run", fmt.Sprint(runID), "--format", f, "--out", out, "--db", db)
			if code != ExitUsage || !strings.Contains(stderr, "--out") {
				t.Errorf("--out %s --format %s: exit %d, stderr %q; want exit 2 naming --out", out, f, code, stderr)
			}
		}
	}
	if st, err := os.Stat("/dev/null"); err != nil || st.Mode().IsRegular() {
		t.Fatalf("/dev/null was replaced: %v %v", st.Mode(), err)
	}
	store, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatalf("the database no longer opens: %v", err)
	}
	defer store.Close()
	if rs, err := store.Results(context.Background(), runID); err != nil || len(rs) == 0 {
		t.Fatalf("results after the refusals: %d, %v", len(rs), err)
	}
	// A plain new file beside the database is fine.
	if code, _, stderr := cliRun(t, "report", "--run", fmt.Sprint(runID), "--format", "csv", "--out", filepath.Join(dir, "x.csv"), "--db", db); code != ExitOK {
		t.Fatalf("a new file: exit %d: %s", code, stderr)
	}
}
