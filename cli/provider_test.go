package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// A plan endpoint that names a provider gets the provider's key variable
// and the catalog's prices; here its base_url points at a local server
// speaking Anthropic's OpenAI-compatible format, which accepts only the key
// from ANTHROPIC_API_KEY.
func TestPlanProviderRunsWithItsKeyAndCatalogPrices(t *testing.T) {
	const key = "sk-ant-provider-test-key"
	t.Setenv("ANTHROPIC_API_KEY", key)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.Header.Get("Authorization") != "Bearer "+key || r.URL.Path != "/v1/chat/completions" {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`)
			return
		}
		calls.Add(1)
		ltSSE(w, "It is four.")
	}))
	defer srv.Close()
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.yaml")
	os.WriteFile(plan, []byte(fmt.Sprintf(`name: provider plan
endpoints:
  - {name: claude, provider: anthropic, model: claude-sonnet-4-5, base_url: "%s/v1"}
cases:
  - {input: "two plus two", expected: four}
  - {input: "four", expected: four}
`, srv.URL)), 0o644)
	code, out, errs := runCLI("test", "--plan", plan, "--db", filepath.Join(dir, "a.db"), "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s testSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// Two cases and the warm-up request (plan warmup, on by default).
	if calls.Load() != 3 || len(s.Rows) != 1 || s.Rows[0].Errors != 0 {
		t.Fatalf("calls %d, summary %+v", calls.Load(), s)
	}
	eng, err := advisor.NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	m, ok := eng.Model("claude-sonnet-4-5")
	if !ok || m.PriceInPer1M <= 0 {
		t.Fatalf("catalog has no price for claude-sonnet-4-5: %+v", m)
	}
	// Two requests of 10 tokens in and 3 out (the server's usage) at the catalog's prices.
	want := 2 * (10*m.PriceInPer1M + 3*m.PriceOutPer1M) / 1e6
	if row := s.Rows[0]; !row.PriceKnown || ltAbs(row.CostUSD-want) > 1e-12 {
		t.Errorf("cost %v (known %v), want %v", row.CostUSD, row.PriceKnown, want)
	}
	if strings.Contains(out+errs, key) {
		t.Error("the key appears in the output")
	}

	// An unknown provider is bad input that lists the known ones.
	os.WriteFile(plan, []byte("endpoints: [{name: x, provider: acme, model: m}]\ncases: [{input: hi}]\n"), 0o644)
	code, _, errs = runCLI("test", "--plan", plan, "--db", filepath.Join(dir, "a.db"))
	if code != ExitUsage || !strings.Contains(errs, `"acme" is not a provider`) || !strings.Contains(errs, "openrouter") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

// test --dry-run shows a provider endpoint as resolved: the provider's
// base URL and key variable, and a cost from the catalog's prices.
func TestDryRunShowsProviderResolved(t *testing.T) {
	t.Setenv("GEMINI_API_KEY", "")
	t.Setenv("GOOGLE_API_KEY", "")
	t.Setenv("GOOGLE_GENERATIVE_AI_API_KEY", "")
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.yaml")
	os.WriteFile(plan, []byte(`endpoints:
  - {name: claude, provider: anthropic, model: claude-sonnet-4-5}
  - {name: gemini, provider: google, model: gemini-2.5-flash}
cases: [{input: "two plus two", expected: four}]
`), 0o644)
	code, out, errs := runCLI("test", "--plan", plan, "--dry-run", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var raw struct {
		Endpoints []map[string]any `json:"endpoints"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Endpoints) != 2 {
		t.Fatalf("endpoints %v", raw.Endpoints)
	}
	if raw.Endpoints[0]["base_url"] != "https://api.anthropic.com/v1" || raw.Endpoints[0]["api_key_env"] != "ANTHROPIC_API_KEY" || raw.Endpoints[0]["cost_usd"] == nil {
		t.Errorf("claude as resolved: %v", raw.Endpoints[0])
	}
	if raw.Endpoints[1]["base_url"] != "https://generativelanguage.googleapis.com/v1beta/openai" || raw.Endpoints[1]["api_key_env"] != "GEMINI_API_KEY" {
		t.Errorf("gemini as resolved: %v", raw.Endpoints[1])
	}
}
