package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor/livetest/batchfake"
)

func batchPlanFile(t *testing.T, base string, batch bool) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "name: batch cli\nbatch: %v\nendpoints:\n  - {name: a, kind: openai-compatible, base_url: %s/v1, model: m, api_key_env: BATCH_TEST_API_KEY, price_in_per_1m: 2, price_out_per_1m: 8}\ncases:\n", batch, base)
	for i := range 4 {
		fmt.Fprintf(&b, "  - {input: 'say answer %d', expected: 'answer %d'}\n", i, i)
	}
	b.WriteString("acceptance: {total_p95_ms: 5000, min_quality: 0.5}\n")
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// test --plan with batch: true goes through the Batch API: the states on
// stderr, every case once at half price (usage 100 in, 20 out at 2 / 8 USD
// per 1M: 0.00036 USD full, 0.00018 batch, 0.00072 for the four), and the
// verdict says the latency target was not measured.
func TestTestCommandBatch(t *testing.T) {
	t.Setenv("BATCH_TEST_API_KEY", "k")
	srv := batchfake.New()
	srv.Answer = func(id string, body map[string]any) (int, string) {
		msgs := body["messages"].([]any)
		return 200, strings.TrimPrefix(msgs[len(msgs)-1].(map[string]any)["content"].(string), "say ")
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	plan := batchPlanFile(t, ts.URL, true)
	db := filepath.Join(t.TempDir(), "b.db")

	code, stdout, stderr := runCLI("test", "--plan", plan, "--dry-run", "--json")
	if code != ExitOK {
		t.Fatalf("dry run: %d %s", code, stderr)
	}
	var est struct {
		Batch     bool    `json:"batch"`
		Cost      float64 `json:"cost_usd"`
		Full      float64 `json:"full_price_cost_usd"`
		Saving    float64 `json:"batch_saving_usd"`
		Requests  int     `json:"requests"`
		Possible  bool    `json:"batch_possible"`
		BatchCost float64 `json:"batch_cost_usd"`
	}
	if err := json.Unmarshal([]byte(stdout), &est); err != nil {
		t.Fatal(err)
	}
	if !est.Batch || !est.Possible || est.Requests != 4 || math.Abs(est.Cost-est.Full/2) > 1e-12 || math.Abs(est.Saving-est.Full/2) > 1e-12 {
		t.Errorf("dry run %+v", est)
	}

	code, stdout, stderr = runCLI("test", "--plan", plan, "--db", db, "--json", "--poll", "1ms")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, w := range []string{"batch: submitted (4 requests)", "batch: in progress 2 / 4", "batch: done", "half its token price"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	var sum struct {
		Status string `json:"status"`
		Done   int    `json:"done"`
		Rows   []struct {
			Cost float64 `json:"cost_usd"`
		} `json:"summary"`
		Verdict struct {
			Candidates []struct {
				NotMeasured []string `json:"not_measured"`
				Eligible    bool     `json:"eligible"`
			} `json:"candidates"`
		} `json:"verdict"`
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Status != "done" || sum.Done != 4 || len(sum.Rows) != 1 || math.Abs(sum.Rows[0].Cost-4*0.00018) > 1e-12 {
		t.Errorf("summary %+v", sum)
	}
	if c := sum.Verdict.Candidates; len(c) != 1 || !c[0].Eligible || len(c[0].NotMeasured) != 1 || c[0].NotMeasured[0] != "total_latency" {
		t.Errorf("verdict candidates %+v", c)
	}

	// The raw results mark the rows batch.
	out := filepath.Join(t.TempDir(), "r.csv")
	if code, _, stderr := runCLI("report", "--run", "1", "--format", "csv", "--out", out, "--db", db); code != ExitOK {
		t.Fatalf("report: %s", stderr)
	}
	b, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if !strings.HasSuffix(lines[0], ",batch") || !strings.HasSuffix(lines[1], ",true") {
		t.Errorf("csv %q / %q", lines[0], lines[1])
	}
}

// A server without Files + Batches: exit 1 with the reason, nothing sent.
func TestTestCommandBatchRefused(t *testing.T) {
	t.Setenv("BATCH_TEST_API_KEY", "k")
	srv := batchfake.New()
	srv.NoAPI = 404
	ts := httptest.NewServer(srv)
	defer ts.Close()
	code, _, stderr := runCLI("test", "--plan", batchPlanFile(t, ts.URL, true), "--db", filepath.Join(t.TempDir(), "b.db"), "--poll", "1ms")
	if code != ExitFail || !strings.Contains(stderr, "does not offer the Batch API") || srv.Posts != 0 {
		t.Errorf("exit %d, %d POSTs: %s", code, srv.Posts, stderr)
	}
}

// The table of a batch run says "batch" where a normal run shows latency.
func TestTestCommandBatchTable(t *testing.T) {
	t.Setenv("BATCH_TEST_API_KEY", "k")
	srv := batchfake.New()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	code, stdout, stderr := runCLI("test", "--plan", batchPlanFile(t, ts.URL, true), "--db", filepath.Join(t.TempDir(), "b.db"), "--poll", "1ms")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !regexp.MustCompile(`zero-shot\s+4\s+0\s+batch\s+batch\s+batch\s`).MatchString(stdout) || !strings.Contains(stdout, "not measured (batch)") {
		t.Errorf("table:\n%s", stdout)
	}
}
