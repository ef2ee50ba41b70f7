package modelsdev

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/assets"
)

// snapshot is the bundled models.dev api.json: the real format, 867 models.
func snapshot(tb testing.TB) []byte {
	tb.Helper()
	names, err := fs.Glob(assets.Catalog, "catalog/modelsdev/api-*.json")
	if err != nil || len(names) == 0 {
		tb.Fatalf("no bundled snapshot: %v", err)
	}
	b, err := fs.ReadFile(assets.Catalog, names[0])
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

var fixedNow = func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) }

func TestRefreshFromURL(t *testing.T) {
	b := snapshot(t)
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		if r.URL.Path != "/api.json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Write(b)
	}))
	defer srv.Close()
	dir := t.TempDir()
	var last, total int64
	res, err := Refresh(context.Background(), Options{From: srv.URL + "/api.json", DataDir: dir, Now: fixedNow,
		Progress: func(r, t int64) { last, total = r, t }})
	if err != nil {
		t.Fatal(err)
	}
	if hits != 1 || res.Catalog.Models() != 867 || len(res.Catalog.Providers) != 14 {
		t.Fatalf("hits %d, %d models from %d providers", hits, res.Catalog.Models(), len(res.Catalog.Providers))
	}
	if last != int64(len(b)) || total != int64(len(b)) {
		t.Errorf("progress ended at %d of %d, want %d", last, total, len(b))
	}
	if res.Catalog.AsOf != "2026-12-01" {
		t.Errorf("as of %q: a download is as of the day it was fetched", res.Catalog.AsOf)
	}
	// The engine now reads the kept copy, not the bundled one.
	e, err := advisor.NewEngine(advisor.WithUserDir(""), advisor.WithDataDir(dir), advisor.WithToday("2026-12-01"))
	if err != nil {
		t.Fatal(err)
	}
	info := e.CatalogInfo()
	if info.AsOf != "2026-12-01" || info.Source != srv.URL+"/api.json" || info.Models != 867 || info.Stale {
		t.Errorf("engine catalog info %+v", info)
	}
	if m, ok := e.Model("gpt-5.5"); !ok || m.PriceAsOf != "2026-12-01" {
		t.Errorf("gpt-5.5 from the refreshed copy: %v %+v", ok, m.PriceAsOf)
	}
}

func TestRefreshFromFileKeepsDateInName(t *testing.T) {
	src := filepath.Join(t.TempDir(), "api-2026-07-02.json")
	if err := os.WriteFile(src, snapshot(t), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	res, err := Refresh(context.Background(), Options{From: src, DataDir: dir, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if res.Catalog.AsOf != "2026-07-02" {
		t.Errorf("as of %q, want the date in the file name", res.Catalog.AsOf)
	}
	d, err := advisor.LoadModelsDevCopy(dir)
	if err != nil || d == nil || d.AsOf != "2026-07-02" || d.Models() != 867 || d.FetchedAt != "2026-12-01T10:00:00Z" {
		t.Fatalf("kept copy %+v, %v", d, err)
	}
}

// A broken or partial file is refused with its reason and the last good
// catalog stays exactly as it was.
func TestRefreshRefusesBrokenFileAndKeepsLastGood(t *testing.T) {
	good := snapshot(t)
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "good.json")
	os.WriteFile(src, good, 0o600)
	if _, err := Refresh(context.Background(), Options{From: src, DataDir: dir, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	kept, _ := os.ReadFile(filepath.Join(dir, advisor.ModelsDevFile))

	small := `{"openai":{"id":"openai","name":"OpenAI","env":["OPENAI_API_KEY"],"models":{"gpt-x":{"id":"gpt-x","name":"GPT X","modalities":{"input":["text"],"output":["text"]},"limit":{"context":1000,"output":100}}}}}`
	cases := []struct {
		name, body, reason string
	}{
		{"cut short", string(good[:len(good)/2]), "cut short"},
		{"not json", "<html>rate limited</html>", "not a models.dev api.json"},
		{"empty", "", "empty"},
		{"partial", small, "only 1 models"},
		{"no name", strings.Replace(string(good), `"name": "OpenAI"`, `"name": ""`, 1), "no name"},
		{"negative price", strings.Replace(string(good), `"input": 2.5,`, `"input": -2.5,`, 1), "cannot be negative"},
		{"bad date", strings.Replace(string(good), `"release_date": "2024-05-13"`, `"release_date": "May 2024"`, 1), "not a date"},
		{"wrong type", strings.Replace(string(good), `"tool_call": true`, `"tool_call": "yes"`, 1), "should be bool"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.body == string(good) {
				t.Fatalf("the case did not change the file; fix the test's replacement")
			}
			bad := filepath.Join(t.TempDir(), "bad.json")
			os.WriteFile(bad, []byte(c.body), 0o600)
			_, err := Refresh(context.Background(), Options{From: bad, DataDir: dir, Now: fixedNow})
			var me *Error
			if !errors.As(err, &me) || me.Kind != ErrRefused || !strings.Contains(me.Detail, c.reason) {
				t.Fatalf("err %v (kind %v), want refused with %q", err, me, c.reason)
			}
			now, _ := os.ReadFile(filepath.Join(dir, advisor.ModelsDevFile))
			if string(now) != string(kept) {
				t.Fatal("the last good copy changed")
			}
		})
	}
}

func TestRefreshNetworkFailures(t *testing.T) {
	dir := t.TempDir()
	// Nothing listens on a port that was just closed: offline in plain words.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = Refresh(context.Background(), Options{From: "http://" + addr + "/api.json", DataDir: dir})
	var me *Error
	if !errors.As(err, &me) || me.Kind != ErrOffline || !me.Offline || !strings.Contains(err.Error(), "last good catalog is kept") {
		t.Fatalf("closed port: %v", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	_, err = Refresh(context.Background(), Options{From: srv.URL, DataDir: dir})
	if !errors.As(err, &me) || me.Kind != ErrHTTP || !strings.Contains(me.Detail, "503") {
		t.Fatalf("503: %v", err)
	}
	// Cancel while the server holds the answer back.
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	_, err = Refresh(ctx, Options{From: slow.URL, DataDir: dir})
	if !errors.As(err, &me) || me.Kind != ErrCancelled {
		t.Fatalf("cancel: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, advisor.ModelsDevFile)); !os.IsNotExist(err) {
		t.Error("a failed refresh wrote a catalog")
	}
}

func TestRefreshSizeLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "999999999")
		w.Write([]byte("{"))
	}))
	defer srv.Close()
	_, err := Refresh(context.Background(), Options{From: srv.URL, DataDir: t.TempDir()})
	var me *Error
	if !errors.As(err, &me) || me.Kind != ErrTooLarge {
		t.Fatalf("huge: %v", err)
	}
}

func BenchmarkRefreshFromHTTP(b *testing.B) {
	body := snapshot(b)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	defer srv.Close()
	dir := b.TempDir()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Refresh(context.Background(), Options{From: srv.URL, DataDir: dir}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEngineFromRefreshedCopy(b *testing.B) {
	dir := b.TempDir()
	src := filepath.Join(b.TempDir(), "api-2026-07-02.json")
	os.WriteFile(src, snapshot(b), 0o600)
	if _, err := Refresh(context.Background(), Options{From: src, DataDir: dir}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := advisor.NewEngine(advisor.WithUserDir(""), advisor.WithDataDir(dir)); err != nil {
			b.Fatal(err)
		}
	}
}
