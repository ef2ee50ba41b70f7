package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/data"
)

// TestMain lets the durability tests run the test binary again as the real
// command line (no GUI build needed): with LLM_ADVISOR_CLI_CHILD=1 the
// binary runs the CLI's arguments after "--" instead of the tests.
func TestMain(m *testing.M) {
	if os.Getenv("LLM_ADVISOR_CLI_CHILD") == "1" {
		cliChild()
	}
	os.Exit(m.Run())
}

// cliChild runs the arguments after "--" as the command line and exits.
func cliChild() {
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Exit(Run(args, os.Stdin, os.Stdout, os.Stderr))
}

func ltSSE(w http.ResponseWriter, text string) {
	w.Header().Set("Content-Type", "text/event-stream")
	fmt.Fprintf(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":%q},\"finish_reason\":null}]}\n\n", text)
	fmt.Fprint(w, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n")
	fmt.Fprint(w, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3,\"total_tokens\":13}}\n\ndata: [DONE]\n\n")
}

func ltWritePlan(t *testing.T, dir, base string, cases int, extra string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "name: cli test\nendpoints:\n  - name: local\n    kind: openai-compatible\n    base_url: %s/v1\n    model: tiny\n", base)
	b.WriteString(extra)
	// These tests count requests: the warm-up (on by default) is tested
	// on its own (TestTestCommandWarmup).
	b.WriteString("warmup: false\nconcurrency: 2\ncases:\n")
	for i := 0; i < cases; i++ {
		fmt.Fprintf(&b, "  - {input: \"question %d\", expected: \"four\", checks: [contains]}\n", i)
	}
	path := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestTestCommandJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		ltSSE(w, "It is four.")
	}))
	defer srv.Close()
	dir := t.TempDir()
	plan := ltWritePlan(t, dir, srv.URL, 3, "    price_in_per_1m: 1\n    price_out_per_1m: 2\n")
	db := filepath.Join(dir, "a.db")
	code, out, errs := runCLI("test", "--plan", plan, "--db", db, "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s testSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	if s.RunID == 0 || s.Status != advisor.RunDone || s.Done != 3 || len(s.Rows) != 1 {
		t.Fatalf("summary %+v", s)
	}
	row := s.Rows[0]
	if row.Requests != 3 || row.Errors != 0 || row.Quality != 1 || !row.PriceKnown || row.TokensOut != 9 {
		t.Errorf("row %+v", row)
	}
	if want := 3 * (10*1.0 + 3*2.0) / 1e6; ltAbs(row.CostUSD-want) > 1e-12 {
		t.Errorf("cost %v, want %v", row.CostUSD, want)
	}
	if !strings.Contains(errs, "progress: 3/3") {
		t.Errorf("no plain progress line on stderr: %q", errs)
	}
	store, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	run, err := store.Run(context.Background(), s.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != advisor.RunDone || run.Total != 3 || run.Templates["zero-shot"] == "" {
		t.Errorf("stored run %+v", run)
	}
}

func ltAbs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestTestCommandTableFlagsFailuresAndUnknownPrice(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		io.WriteString(w, `{"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	plan := ltWritePlan(t, dir, srv.URL, 2, "")
	code, out, errs := runCLI("test", "--plan", plan, "--db", filepath.Join(dir, "a.db"))
	if code != ExitFail {
		t.Errorf("exit %d, want 1 when every request failed", code)
	}
	if !strings.Contains(errs, "every request failed") {
		t.Errorf("stderr %q", errs)
	}
	for _, want := range []string{"run 1: failed", "2 ALL", "Every request failed for: local / zero-shot (unauthorized×2)", "no price", "No price is known for local"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestTestCommandBadPlan(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.yaml")
	os.WriteFile(plan, []byte("endpoints:\n  - {name: a, kind: foo, model: m}\ncases:\n  - {input: hi}\n"), 0o644)
	code, _, errs := runCLI("test", "--plan", plan, "--db", filepath.Join(dir, "a.db"))
	if code != ExitUsage || !strings.Contains(errs, `endpoints[0].kind: "foo" is not allowed; allowed: openai, azure, openai-compatible`) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	for _, args := range [][]string{{"test"}, {"test", "--plan", plan, "--resume", "3"}, {"test", "--bogus"}} {
		if code, _, _ := runCLI(args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, errs := runCLI("test", "--resume", "99", "--db", filepath.Join(dir, "a.db")); code != ExitUsage || !strings.Contains(errs, "no such run") {
		t.Errorf("resume of a missing run: exit %d %q", code, errs)
	}
}

// Durability: the CLI is killed with SIGKILL in the middle of a run; every
// request that had finished is in the database, and --resume completes the
// run without sending any finished cell again.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the CLI as a subprocess")
	}
	const firstBatch, cases = 6, 20
	var (
		served atomic.Int64
		hang   atomic.Bool
		mu     sync.Mutex
		inputs = map[string]int{}
	)
	hang.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct{ Content string } `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		for {
			n := served.Load()
			if hang.Load() && n >= firstBatch {
				<-r.Context().Done() // a slow server: these stay in flight until the kill
				return
			}
			if served.CompareAndSwap(n, n+1) {
				break
			}
		}
		mu.Lock()
		inputs[req.Messages[len(req.Messages)-1].Content]++
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		ltSSE(w, "four")
	}))
	defer srv.Close()
	dir := t.TempDir()
	plan := ltWritePlan(t, dir, srv.URL, cases, "")
	db := filepath.Join(dir, "kill.db")

	child := exec.Command(os.Args[0], "--", "test", "--plan", plan, "--db", db)
	child.Env = append(os.Environ(), "LLM_ADVISOR_CLI_CHILD=1")
	stderr, _ := child.StderrPipe()
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	runID := int64(0)
	sc := bufio.NewScanner(stderr)
	re := regexp.MustCompile(`^run (\d+): `)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			runID, _ = strconv.ParseInt(m[1], 10, 64)
			break
		}
	}
	if runID == 0 {
		t.Fatal("the child never announced its run")
	}
	go io.Copy(io.Discard, stderr)

	store, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := store.CountResults(context.Background(), runID)
		if err != nil {
			t.Fatal(err)
		}
		if n == firstBatch {
			break
		}
		if n > firstBatch || time.Now().After(deadline) {
			t.Fatalf("%d results in the database, want %d", n, firstBatch)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()

	results, err := store.Results(context.Background(), runID)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != int(served.Load()) {
		t.Fatalf("%d results saved, %d requests finished: a finished request was lost", len(results), served.Load())
	}
	run, _ := store.Run(context.Background(), runID)
	if run.Status != advisor.RunRunning {
		t.Errorf("status after SIGKILL %q, want still running (the process died)", run.Status)
	}

	hang.Store(false)
	resume := exec.Command(os.Args[0], "--", "test", "--resume", strconv.FormatInt(runID, 10), "--db", db, "--json")
	resume.Env = append(os.Environ(), "LLM_ADVISOR_CLI_CHILD=1")
	var out, errb bytes.Buffer
	resume.Stdout, resume.Stderr = &out, &errb
	if err := resume.Run(); err != nil {
		t.Fatalf("resume: %v\n%s", err, errb.String())
	}
	var s testSummary
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		t.Fatalf("resume output: %v\n%s", err, out.String())
	}
	if s.RunID != runID || s.Status != advisor.RunDone || s.Done != cases {
		t.Errorf("resume summary %+v", s)
	}
	results, err = store.Results(context.Background(), runID)
	if err != nil {
		t.Fatal(err)
	}
	cells := map[advisor.Cell]int{}
	for _, r := range results {
		cells[r.Cell()]++
		if r.ErrorClass != "" {
			t.Errorf("%v: %s %s", r.Cell(), r.ErrorClass, r.ErrorMessage)
		}
	}
	if len(results) != cases || len(cells) != cases {
		t.Errorf("%d results over %d cells, want %d each (no duplicates)", len(results), len(cells), cases)
	}
	mu.Lock()
	for in, n := range inputs {
		if n != 1 {
			t.Errorf("%q answered %d times", in, n)
		}
	}
	mu.Unlock()
	run, _ = store.Run(context.Background(), runID)
	if run.Status != advisor.RunDone {
		t.Errorf("status after resume %q", run.Status)
	}
}

// Ctrl+C: the run stops, is marked cancelled, keeps what it finished, and
// the process exits 1 with a hint to resume.
func TestInterruptMarksCancelled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the CLI as a subprocess")
	}
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		for {
			n := served.Load()
			if n >= 3 {
				<-r.Context().Done()
				return
			}
			if served.CompareAndSwap(n, n+1) {
				break
			}
		}
		ltSSE(w, "four")
	}))
	defer srv.Close()
	dir := t.TempDir()
	plan := ltWritePlan(t, dir, srv.URL, 10, "")
	db := filepath.Join(dir, "int.db")
	child := exec.Command(os.Args[0], "--", "test", "--plan", plan, "--db", db, "--json")
	child.Env = append(os.Environ(), "LLM_ADVISOR_CLI_CHILD=1")
	var out, errb bytes.Buffer
	child.Stdout, child.Stderr = &out, &errb
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	deadline := time.Now().Add(30 * time.Second)
	for served.Load() < 3 {
		if time.Now().After(deadline) {
			t.Fatal("the child never sent its requests")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // let the three answers be saved
	child.Process.Signal(os.Interrupt)
	err := child.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != ExitFail {
		t.Fatalf("exit %v, want 1; stderr %s", err, errb.String())
	}
	var s testSummary
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if s.Status != advisor.RunCancelled || s.Done != 3 || !strings.Contains(errb.String(), fmt.Sprintf("--resume %d", s.RunID)) {
		t.Errorf("summary %+v, stderr %q", s, errb.String())
	}
	store, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	run, _ := store.Run(context.Background(), s.RunID)
	if run.Status != advisor.RunCancelled {
		t.Errorf("stored status %q", run.Status)
	}
}

// The rag strategy end to end: the documents go into the store's FTS5 index
// and the best passage reaches the model with its source name.
func TestTestCommandRAGThroughTheStore(t *testing.T) {
	var mu sync.Mutex
	var prompts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct{ Content string } `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		mu.Lock()
		prompts = append(prompts, req.Messages[len(req.Messages)-1].Content)
		mu.Unlock()
		ltSSE(w, "four days [refunds.md]")
	}))
	defer srv.Close()
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	os.MkdirAll(docs, 0o755)
	os.WriteFile(filepath.Join(docs, "refunds.md"), []byte("# Refunds\nA refund reaches your card within four days."), 0o644)
	os.WriteFile(filepath.Join(docs, "shipping.txt"), []byte("Parcels ship from Lisbon on weekdays."), 0o644)
	plan := filepath.Join(dir, "plan.yaml")
	os.WriteFile(plan, []byte(fmt.Sprintf(`endpoints:
  - {name: local, base_url: "%s/v1", model: tiny, price_in_per_1m: 0, price_out_per_1m: 0}
strategies: [rag]
documents: docs
top_k: 1
cases:
  - {input: "How many days until my refund arrives?", expected: "four", checks: [contains]}
`, srv.URL)), 0o644)
	code, out, errs := runCLI("test", "--plan", plan, "--db", filepath.Join(dir, "a.db"), "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s testSummary
	json.Unmarshal([]byte(out), &s)
	if len(s.Rows) != 1 || s.Rows[0].Strategy != "rag" || s.Rows[0].Errors != 0 {
		t.Errorf("summary %+v", s)
	}
	mu.Lock()
	defer mu.Unlock()
	// The warm-up (the case's zero-shot prompt) first, then the rag request.
	if len(prompts) != 2 || prompts[0] != "How many days until my refund arrives?" ||
		!strings.Contains(prompts[1], "source: refunds.md\n# Refunds A refund reaches your card within four days.") || strings.Contains(prompts[1], "shipping.txt") {
		t.Errorf("prompts %q", prompts)
	}
}
