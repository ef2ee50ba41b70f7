package cli

import (
	"context"
	"encoding/csv"
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
	"time"

	"github.com/llm-advisor/llm-advisor/data"
)

// TestTestCommandWarmup: by default one warm-up request goes first; the
// summary counts only the measured requests, the raw export lists the
// warm-up marked warmup=true.
func TestTestCommandWarmup(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		n.Add(1)
		ltSSE(w, "It is four.")
	}))
	defer srv.Close()
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.yaml")
	os.WriteFile(plan, []byte(fmt.Sprintf(`endpoints:
  - {name: local, base_url: "%s/v1", model: tiny}
cases:
  - {input: "2+2?", expected: "four"}
  - {input: "1+3?", expected: "four"}
`, srv.URL)), 0o644)
	db := filepath.Join(dir, "w.db")
	code, out, errs := runCLI("test", "--plan", plan, "--db", db, "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s testSummary
	json.Unmarshal([]byte(out), &s)
	if n.Load() != 3 || s.Done != 2 || len(s.Rows) != 1 || s.Rows[0].Requests != 2 {
		t.Fatalf("%d requests sent, summary %+v: want 3 sent (1 warm-up) and 2 counted", n.Load(), s)
	}
	csvPath := filepath.Join(dir, "r.csv")
	if code, _, errs := runCLI("report", "--run", fmt.Sprint(s.RunID), "--format", "csv", "--out", csvPath, "--db", db); code != ExitOK {
		t.Fatalf("report: %s", errs)
	}
	f, _ := os.Open(csvPath)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == "warmup" {
			col = i
		}
	}
	if col < 0 || len(rows) != 4 || rows[1][col] != "true" || rows[2][col] != "false" || rows[3][col] != "false" {
		t.Errorf("csv rows %v", rows)
	}
}

// TestLoadCommand: `load --rates … --json` prints the contract's object
// and stores the test with its steps.
func TestLoadCommand(t *testing.T) {
	sem := make(chan struct{}, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		sem <- struct{}{}
		defer func() { <-sem }()
		time.Sleep(20 * time.Millisecond)
		ltSSE(w, "It is four.")
	}))
	defer srv.Close()
	dir := t.TempDir()
	plan := ltWritePlan(t, dir, srv.URL, 2, "")
	db := filepath.Join(dir, "l.db")
	code, out, errs := runCLI("load", "--plan", plan, "--db", db, "--rates", "5,10", "--step-requests", "5", "--step-seconds", "1",
		"--total-p95-ms", "1000", "--volume-per-day", "86400", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, k := range []string{"endpoint", "steps", "max_throughput_rps", "sustainable_rps", "target", "peak_rps_needed", "load_id"} {
		if _, ok := got[k]; !ok {
			t.Errorf("no %q in %s", k, out)
		}
	}
	steps, _ := got["steps"].([]any)
	if len(steps) != 2 {
		t.Fatalf("steps %v", got["steps"])
	}
	for _, st := range steps {
		m := st.(map[string]any)
		for _, k := range []string{"offered_rps", "achieved_rps", "first_answer_p95_ms", "total_p95_ms", "slo_attainment", "requests", "errors"} {
			if _, ok := m[k]; !ok {
				t.Errorf("step without %q: %v", k, m)
			}
		}
		if m["requests"] != 5.0 || m["slo_attainment"] != 1.0 {
			t.Errorf("step %v: 5 requests all within 1 s", m)
		}
	}
	// 86,400 a day is 1 a second on average; × the peak factor 3.
	if got["peak_rps_needed"] != 3.0 || got["sustainable_rps"] != 10.0 || got["endpoint"] != "local" {
		t.Errorf("peak %v sustainable %v endpoint %v", got["peak_rps_needed"], got["sustainable_rps"], got["endpoint"])
	}
	store, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	lt, err := store.LoadTestByID(context.Background(), int64(got["load_id"].(float64)))
	if err != nil || len(lt.Result.Steps) != 2 || lt.Status != "done" {
		t.Errorf("stored %+v %v", lt, err)
	}

	// The plan's acceptance block gives the target and the volume.
	withAcc := ltWritePlan(t, dir, srv.URL, 2, "acceptance: {total_p95_ms: 1000, volume_per_day: 172800}\n")
	code, out, errs = runCLI("load", "--plan", withAcc, "--db", db, "--rates", "5", "--step-requests", "5", "--step-seconds", "1", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got = nil
	json.Unmarshal([]byte(out), &got)
	if got["peak_rps_needed"] != 6.0 || got["sustainable_rps"] != 5.0 {
		t.Errorf("from the plan's acceptance: peak %v sustainable %v, want 6 and 5", got["peak_rps_needed"], got["sustainable_rps"])
	}

	for _, bad := range [][]string{{"--rates", "x"}, {"--rates", "0"}, {"--endpoint", "nope"}, {"--peak-factor", "0"}, {"--rates", "1", "--sweep"}} {
		code, _, errs := runCLI(append([]string{"load", "--plan", plan, "--db", db}, bad...)...)
		if code != ExitUsage || !strings.Contains(errs, "llm-advisor load: ") {
			t.Errorf("%v: exit %d, %s", bad, code, errs)
		}
	}
}

// TestLoadHonoursAllowedKeyEnvs (issue 13): load refuses, as test does, an
// api_key_env whose name does not say API key (exit 2, naming the variable,
// the host and the flag) and sends nothing; --allow-key-env runs it with
// the key.
func TestLoadHonoursAllowedKeyEnvs(t *testing.T) {
	t.Setenv("AWS_SECRET_ACCESS_KEY", "sentinel-cloud-secret")
	var hits atomic.Int32
	var auth atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		auth.Store(r.Header.Get("Authorization"))
		io.Copy(io.Discard, r.Body)
		ltSSE(w, "four")
	}))
	defer srv.Close()
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.yaml")
	os.WriteFile(plan, []byte(fmt.Sprintf("endpoints:\n  - {name: cloud, kind: openai-compatible, base_url: %s/v1, model: m, api_key_env: AWS_SECRET_ACCESS_KEY}\nwarmup: false\ncases:\n  - {input: \"2+2?\"}\n", srv.URL)), 0o644)
	db := filepath.Join(dir, "l.db")
	code, _, errs := runCLI("load", "--plan", plan, "--db", db, "--rates", "5", "--step-requests", "2", "--step-seconds", "1")
	host := strings.TrimPrefix(srv.URL, "http://")
	if code != ExitUsage || !strings.Contains(errs, "AWS_SECRET_ACCESS_KEY") || !strings.Contains(errs, host) || !strings.Contains(errs, "--allow-key-env") {
		t.Errorf("unconfirmed variable: exit %d: %s", code, errs)
	}
	if hits.Load() != 0 {
		t.Fatalf("%d requests sent before the variable was confirmed", hits.Load())
	}
	code, _, errs = runCLI("load", "--plan", plan, "--db", db, "--rates", "5", "--step-requests", "2", "--step-seconds", "1", "--allow-key-env", "AWS_SECRET_ACCESS_KEY")
	if code != ExitOK || hits.Load() != 2 || auth.Load() != "Bearer sentinel-cloud-secret" {
		t.Errorf("confirmed: exit %d, %d requests, Authorization %v: %s", code, hits.Load(), auth.Load(), errs)
	}
}
