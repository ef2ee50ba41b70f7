package livetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

const goodYAML = `
name: support bot check
endpoints:
  - name: local
    kind: openai-compatible
    base_url: http://127.0.0.1:11434/v1
    model: llama3.2
    price_in_per_1m: 0
    price_out_per_1m: 0
strategies: [zero-shot, few-shot]
few_shot:
  - {input: "2+2?", output: "4"}
cases:
  - input: "3+3?"
    expected: "6"
    checks: [contains]
temperature: 0
`

func TestParsePlanDefaults(t *testing.T) {
	p, err := ParsePlan([]byte(goodYAML), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Concurrency != 4 || p.Repeats != 1 || p.MaxTokens != 256 || p.TimeoutSeconds != 60 || p.TopK != 4 || p.SimilarityThreshold != 0.8 {
		t.Errorf("defaults not applied: %+v", p)
	}
	if p.Endpoints[0].PriceInPer1M == nil || *p.Endpoints[0].PriceInPer1M != 0 {
		t.Error("an explicit price of 0 must be kept as a known price")
	}
	if _, _, known := Pricing(p.Endpoints[0], nil); !known {
		t.Error("price 0 given in the plan is a known price")
	}
	if got := len(Cells(p)); got != 2 {
		t.Errorf("%d cells, want 2 (1 endpoint × 2 strategies × 1 case)", got)
	}
}

func TestParsePlanJSON(t *testing.T) {
	js := `{"endpoints":[{"name":"a","base_url":"http://h/v1","model":"m"}],"cases":[{"input":"hi","expected":"hello"}]}`
	p, err := ParsePlan([]byte(js), "plan.json")
	if err != nil {
		t.Fatal(err)
	}
	if p.Endpoints[0].Kind != advisor.KindCompatible {
		t.Errorf("kind %q, want openai-compatible for an endpoint with a base URL", p.Endpoints[0].Kind)
	}
	if got := p.Cases[0].Checks; len(got) != 1 || got[0] != advisor.CheckContains {
		t.Errorf("checks %v, want the contains default for a case with an expected answer", got)
	}
	if p.Strategies[0] != advisor.StrategyZeroShot {
		t.Errorf("strategies %v, want zero-shot by default", p.Strategies)
	}
}

func TestParsePlanErrors(t *testing.T) {
	base := func(extra string) string { return goodYAML + extra }
	tests := []struct {
		name, plan, want string
	}{
		{"unknown field yaml", base("colour: red\n"), "colour: unknown field"},
		{"unknown field in endpoint", strings.Replace(goodYAML, "model: llama3.2", "model: llama3.2\n    modle: x", 1), "modle: unknown field (line"},
		{"unknown field json", `{"endpoints":[],"cases":[],"bogus":1}`, "bogus: unknown field"},
		{"bad kind", strings.Replace(goodYAML, "kind: openai-compatible", "kind: foo", 1), `endpoints[0].kind: "foo" is not allowed; allowed: openai, azure, openai-compatible`},
		{"bad strategy", strings.Replace(goodYAML, "[zero-shot, few-shot]", "[zero-shot, fine-tune]", 1), `strategies[1]: "fine-tune" is not allowed; allowed: zero-shot, few-shot, rag`},
		{"bad check", strings.Replace(goodYAML, "checks: [contains]", "checks: [vibes]", 1), `cases[0].checks[0]: "vibes" is not allowed; allowed: exact, contains, regex, json, similarity, judge`},
		{"no cases", strings.Split(goodYAML, "cases:")[0], "cases: at least one case"},
		{"azure without deployment", strings.Replace(goodYAML, "kind: openai-compatible", "kind: azure", 1), "endpoints[0].deployment: an azure endpoint needs its deployment name"},
		{"rag without documents", strings.Replace(goodYAML, "[zero-shot, few-shot]", "[rag]", 1), "documents: the rag strategy needs a documents folder"},
		{"similarity without embedding", strings.Replace(goodYAML, "checks: [contains]", "checks: [similarity]", 1), "embedding: the similarity check needs an embedding endpoint"},
		{"judge without judge", strings.Replace(goodYAML, "checks: [contains]", "checks: [judge]", 1), "judge: the judge check needs a judge endpoint"},
		{"bad regex", strings.Replace(goodYAML, "checks: [contains]", "checks: [regex]\n    pattern: \"a(b\"", 1), "cases[0].pattern:"},
		{"few-shot without examples", strings.Replace(goodYAML, "few_shot:\n  - {input: \"2+2?\", output: \"4\"}\n", "", 1), "few_shot: the few-shot strategy needs"},
		{"duplicate endpoint", strings.Replace(goodYAML, "strategies:", "  - {name: local, base_url: \"http://x/v1\", model: m}\nstrategies:", 1), `endpoints[1].name: "local" is used twice`},
		{"empty", "  \n", "the plan is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePlan([]byte(tt.plan), "plan.yaml")
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadPlanResolvesDocuments(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "docs"), 0o755); err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(goodYAML, "[zero-shot, few-shot]", "[rag]", 1) + "documents: ./docs\n"
	path := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := LoadPlan(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "docs"); p.Documents != want {
		t.Errorf("documents %q, want %q (relative to the plan file)", p.Documents, want)
	}
}

func TestTemplatesOfEachStrategy(t *testing.T) {
	p := advisor.Plan{Strategies: []string{"zero-shot", "few-shot", "rag"}, System: "Be brief."}
	tm := Templates(p)
	if len(tm) != 3 {
		t.Fatalf("%d templates, want 3", len(tm))
	}
	for s, text := range tm {
		if !strings.Contains(text, "{{input}}") || !strings.HasPrefix(text, "system: Be brief.") {
			t.Errorf("%s template %q lacks the input or the system prompt", s, text)
		}
	}
	if !strings.Contains(tm["rag"], "{{passages}}") || !strings.Contains(tm["few-shot"], "{{few_shot.output}}") {
		t.Errorf("templates miss their strategy's part: %v", tm)
	}
}

func TestCellsCoverEveryCombination(t *testing.T) {
	p := advisor.Plan{
		Endpoints:  []advisor.Endpoint{{Name: "a"}, {Name: "b"}},
		Strategies: []string{"zero-shot", "rag"},
		Cases:      make([]advisor.Case, 3),
		Repeats:    2,
	}
	cells := Cells(p)
	seen := map[advisor.Cell]bool{}
	for _, c := range cells {
		if seen[c] {
			t.Errorf("cell %v twice", c)
		}
		seen[c] = true
	}
	if len(seen) != 2*2*3*2 {
		t.Errorf("%d cells, want 24", len(seen))
	}
}
