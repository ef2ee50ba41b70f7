package app

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/assets"
)

func snapshotBytes(t *testing.T) []byte {
	t.Helper()
	names, _ := fs.Glob(assets.Catalog, "catalog/modelsdev/api-*.json")
	b, err := fs.ReadFile(assets.Catalog, names[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The Refresh button fetches an api.json (here from an httptest server),
// swaps the catalog and says so; a broken file then leaves it as it was.
func TestCatalogRefreshButton(t *testing.T) {
	for _, language := range []string{"en", "pt-BR"} {
		t.Run(language, func(t *testing.T) {
			h := newMemHarness(t, language)
			h.a.show(screenCatalog)
			c := h.a.catalog
			if !strings.Contains(c.info.Text, "2026-07-02") {
				t.Errorf("info %q: the bundled copy's date", c.info.Text)
			}
			body := snapshotBytes(t)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				w.Write(body)
			}))
			defer srv.Close()
			c.refresh(srv.URL + "/api.json")
			if c.refreshBtn.Disabled() != true {
				t.Error("the button stays enabled while a refresh runs")
			}
			h.waitFor("refresh", func() bool { return c.refreshCancel == nil && c.notice.Visible() })
			want := map[string]string{"en": "Catalog refreshed: 867 models from 14 providers", "pt-BR": "Catálogo atualizado: 867 modelos de 14 fornecedores"}[language]
			if !strings.Contains(c.notice.Text, want) {
				t.Errorf("notice %q", c.notice.Text)
			}
			if info := h.a.engine.CatalogInfo(); info.Source != srv.URL+"/api.json" || info.Models != 867 {
				t.Errorf("engine after refresh: %+v", info)
			}
			if !strings.Contains(c.info.Text, srv.URL) {
				t.Errorf("info %q does not name the source", c.info.Text)
			}
			eng := h.a.engine
			bad := filepath.Join(t.TempDir(), "api.json")
			os.WriteFile(bad, body[:len(body)/3], 0o600)
			c.notice.Hide()
			c.refresh(bad)
			h.waitFor("refused refresh", func() bool { return c.refreshCancel == nil && c.notice.Visible() })
			wantBad := map[string]string{"en": "The file was refused (the file is cut short", "pt-BR": "O arquivo foi recusado ("}[language]
			if !strings.Contains(c.notice.Text, wantBad) || h.a.engine != eng {
				t.Errorf("broken file: notice %q, engine replaced %v", c.notice.Text, h.a.engine != eng)
			}
			if _, err := os.Stat(filepath.Join(h.a.catalogDataDir(), advisor.ModelsDevFile)); err != nil {
				t.Errorf("the last good copy is gone: %v", err)
			}
		})
	}
}

// The model card shows benchmarks with their source and date, limits, dated
// prices with cached and batch prices, lifecycle with successor, and for open
// weights whether it runs on the hardware of the open decision.
func TestCatalogModelCard(t *testing.T) {
	h := newMemHarness(t, "en")
	h.a.show(screenCatalog)
	c := h.a.catalog
	text := func(id string) string {
		c.name.SetText("")
		for i, m := range c.models {
			if m.ID == id {
				c.list.Select(i)
				return markupText(c.card)
			}
		}
		t.Fatalf("%s not in the list", id)
		return ""
	}
	got := text("gpt-5")
	for _, w := range []string{"Aider Polyglot: 88 percent correct · 2025-08-23", "aider.chat", "context 400\u202f000 tokens", "(as of 2026-07-02)",
		"cached input $0.1", "Batch API $0.6", "in / $5", "Deprecated", "shuts down on 2026-12-11", "successor: gpt-5.5", "call tools"} {
		if !strings.Contains(got, w) {
			t.Errorf("gpt-5 card lacks %q", w)
		}
	}
	got = text("llama-3.1-8b-instruct")
	if !strings.Contains(got, "At 8\u202f000 tokens of prompt it needs about 9 GB: 8 GB of weights at 4-bit and 1 GB of KV cache.") || !strings.Contains(got, "Answer the hardware question") {
		t.Errorf("open-weight card without the fit line: %s", got)
	}
}

// markupText is every label, button and link text under o, one a line.
func markupText(o fyne.CanvasObject) string { return strings.Join(texts(o), "\n") }
