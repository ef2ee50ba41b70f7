package cli

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/assets"
)

// catalogEnv isolates the config and data folders and returns the data folder.
func catalogEnv(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", data)
	t.Setenv("HOME", t.TempDir())
	t.Setenv("LLM_ADVISOR_DB", filepath.Join(data, "llm-advisor", "advisor.db"))
	t.Setenv("LLM_ADVISOR_LANG", "en")
	return filepath.Join(data, "llm-advisor")
}

func bundledSnapshot(t *testing.T) []byte {
	names, _ := fs.Glob(assets.Catalog, "catalog/modelsdev/api-*.json")
	b, err := fs.ReadFile(assets.Catalog, names[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCatalogJSONAddsLifecycleAndPriceDate(t *testing.T) {
	catalogEnv(t)
	code, out, errs := run("catalog", "--json", "--name", "gpt-4.1-mini")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var ms []map[string]any
	if err := json.Unmarshal([]byte(out), &ms); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, m := range ms {
		if m["id"] == "gpt-4.1-mini" {
			found = true
			if m["price_as_of"] != "2026-07-02" || m["shutdown_date"] != "2027-01-14" || m["successor"] != "gpt-5.4-mini" {
				t.Errorf("gpt-4.1-mini: %v %v %v", m["price_as_of"], m["shutdown_date"], m["successor"])
			}
			if s := m["status"]; s != "deprecated" && s != "retired" {
				t.Errorf("status %v", s)
			}
		}
	}
	if !found {
		t.Fatal("gpt-4.1-mini not listed")
	}
	code, out, _ = run("catalog")
	if code != 0 || !strings.Contains(out, "models.dev prices as of 2026-07-02") {
		t.Errorf("table footer: %s", out[max(0, len(out)-300):])
	}
	if n := strings.Count(out, "\n"); n < 500 {
		t.Errorf("%d lines: a fresh install lists ≥ 500 models", n)
	}
}

func TestCatalogRefreshFromURLAndBrokenFile(t *testing.T) {
	dir := catalogEnv(t)
	good := bundledSnapshot(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(good) }))
	defer srv.Close()
	code, out, errs := run("catalog", "--refresh", "--from", srv.URL+"/api.json")
	if code != 0 || !strings.Contains(out, "Catalog refreshed: 867 models from 14 providers") {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	kept, err := os.ReadFile(filepath.Join(dir, "models.dev-api.json"))
	if err != nil || !bytes.Equal(kept, good) {
		t.Fatalf("kept copy: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "api.json")
	os.WriteFile(bad, good[:1000], 0o600)
	code, _, errs = run("catalog", "--refresh", "--from", bad)
	if code != 2 || !strings.Contains(errs, "cut short") || !strings.Contains(errs, "last good catalog kept") {
		t.Fatalf("broken file: exit %d, %s", code, errs)
	}
	now, _ := os.ReadFile(filepath.Join(dir, "models.dev-api.json"))
	if !bytes.Equal(now, good) {
		t.Error("a refused file replaced the last good copy")
	}
	// The catalog still reads the last good copy, as of the refresh day.
	code, out, _ = run("catalog", "--name", "gpt-5.5")
	if code != 0 || !strings.Contains(out, srv.URL) {
		t.Errorf("after refresh: %s", out)
	}
	t.Setenv("LLM_ADVISOR_LANG", "pt-BR")
	code, _, errs = run("catalog", "--refresh", "--from", bad)
	if code != 2 || !strings.Contains(errs, "arquivo recusado") || !strings.Contains(errs, "último catálogo válido foi mantido") {
		t.Errorf("pt-BR: exit %d, %s", code, errs)
	}
	if code, _, errs := run("catalog", "--from", bad); code != 2 || !strings.Contains(errs, "--from needs --refresh") {
		t.Errorf("--from alone: %d %s", code, errs)
	}
}

func TestCatalogCheck(t *testing.T) {
	catalogEnv(t)
	code, out, errs := run("catalog", "--check")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, out, errs)
	}
	for _, want := range []string{"Curated entries that match nothing (0)", "Disagreements (the curated value is used)", "text-embedding-3-small", "modalities_out: curated [vector], models.dev [text]", "curated-only entries"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	// A user's catalog.yaml entry that matches nothing is refused with its reason.
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	os.MkdirAll(filepath.Join(cfg, "llm-advisor"), 0o700)
	os.WriteFile(filepath.Join(cfg, "llm-advisor", "catalog.yaml"), []byte("models:\n  - id: gpt-4o\n    status: retired\n    lifecycle_source: https://example.com\n"), 0o600)
	code, out, _ = run("catalog", "--json", "--name", "GPT-4o")
	if code != 0 || !strings.Contains(out, `"status": "retired"`) {
		t.Errorf("the user's catalog.yaml no longer overrides by id: %d %s", code, out[:min(len(out), 400)])
	}
}
