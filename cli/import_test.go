package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
