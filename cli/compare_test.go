package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/data"
)

var questionN = regexp.MustCompile(`question (\d+)`)

// judgeServer is an OpenAI-compatible server whose models answer right on
// the cases the test decides: right(model, case, turns) says whether the
// reply is the expected "four". turns is the number of chat messages (a
// few-shot prompt has more than one).
func judgeServer(t *testing.T, right func(model string, c, turns int) bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model    string `json:"model"`
			Messages []struct {
				Content string `json:"content"`
			} `json:"messages"`
		}
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err := json.Unmarshal(b, &req); err != nil || len(req.Messages) == 0 {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		m := questionN.FindStringSubmatch(req.Messages[len(req.Messages)-1].Content)
		c := -1
		if m != nil {
			c, _ = strconv.Atoi(m[1])
		}
		if c >= 0 && right(req.Model, c, len(req.Messages)) {
			ltSSE(w, "It is four.")
		} else {
			ltSSE(w, "No idea.")
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func twoModelPlan(t *testing.T, base string, cases int, extra string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "name: verdict test\nendpoints:\n")
	fmt.Fprintf(&b, "  - {name: good, kind: openai-compatible, base_url: %s/v1, model: good, price_in_per_1m: 10, price_out_per_1m: 30}\n", base)
	fmt.Fprintf(&b, "  - {name: weak, kind: openai-compatible, base_url: %s/v1, model: weak, price_in_per_1m: 1, price_out_per_1m: 3}\n", base)
	b.WriteString(extra)
	b.WriteString("concurrency: 4\ncases:\n")
	for i := 0; i < cases; i++ {
		fmt.Fprintf(&b, "  - {input: \"question %d\", expected: \"four\", checks: [contains]}\n", i)
	}
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// End to end against httptest: good is right on 34 of 40 cases, weak on 32
// (the cases below each number). Two discordant cases: p = 0.5, tied; the
// cheaper weak is picked. The verdict under `verdict` in `test --json` is
// the object `compare --json` prints, and compare's flags override the
// stored acceptance.
func TestVerdictEndToEnd(t *testing.T) {
	srv := judgeServer(t, func(model string, c, _ int) bool {
		if model == "good" {
			return c < 34
		}
		return c < 32
	})
	plan := twoModelPlan(t, srv.URL, 40, "acceptance: {volume_per_day: 1000}\n")
	db := filepath.Join(t.TempDir(), "v.db")
	code, out, errs := runCLI("test", "--plan", plan, "--db", db, "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s testSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	v := s.Verdict
	if v == nil || v.Cases != 40 || len(v.Candidates) != 2 {
		t.Fatalf("verdict %+v", v)
	}
	byName := map[string]verdict.Candidate{}
	for _, c := range v.Candidates {
		byName[c.Endpoint] = c
	}
	good, weak := byName["good"], byName["weak"]
	if good.Quality != 34.0/40 || weak.Quality != 32.0/40 {
		t.Errorf("quality good %v weak %v", good.Quality, weak.Quality)
	}
	if good.VsBest != verdict.VsBest || weak.VsBest != verdict.VsTied || weak.PValue != 0.5 {
		t.Errorf("good %s, weak %s p=%v", good.VsBest, weak.VsBest, weak.PValue)
	}
	// Cost per request from the server's usage (10 in, 3 out): weak
	// (10·1 + 3·3)/1e6 = 1.9e-5 USD; a month at 1,000 a day is 0.57 USD.
	if weak.MonthlyUSD == nil || ltAbs(*weak.MonthlyUSD-0.57) > 1e-9 {
		t.Errorf("weak monthly %v, want 0.57", weak.MonthlyUSD)
	}
	if v.Pick == nil || v.Pick.Endpoint != "weak" {
		t.Fatalf("pick %+v, want weak", v.Pick)
	}

	// compare prints the same object; --min-quality 0.82 (good's 85 %, lower
	// bound 0.709) leaves weak below the bar and good only on the estimate.
	code, out, errs = runCLI("compare", "--run", strconv.FormatInt(s.RunID, 10), "--db", db, "--json")
	if code != ExitOK {
		t.Fatalf("compare exit %d: %s", code, errs)
	}
	var same verdict.Verdict
	json.Unmarshal([]byte(out), &same)
	if same.Pick == nil || same.Pick.Endpoint != "weak" || same.Cases != 40 {
		t.Errorf("compare --json %+v", same)
	}
	code, out, errs = runCLI("compare", "--run", strconv.FormatInt(s.RunID, 10), "--db", db, "--json", "--min-quality", "0.82")
	if code != ExitOK {
		t.Fatalf("compare exit %d: %s", code, errs)
	}
	var barred verdict.Verdict
	json.Unmarshal([]byte(out), &barred)
	if barred.Pick == nil || barred.Pick.Endpoint != "good" || barred.Pick.Sure || barred.Pick.AddExamples <= 0 {
		t.Errorf("with a bar of 0.82: pick %+v", barred.Pick)
	}
	if *barred.Criteria.MinQuality != 0.82 || *barred.Criteria.VolumePerDay != 1000 {
		t.Errorf("criteria %+v", barred.Criteria)
	}
	// Plain text names the pick and the sentence.
	code, out, _ = runCLI("compare", "--run", strconv.FormatInt(s.RunID, 10), "--db", db)
	if code != ExitOK || !strings.Contains(out, "pick: weak (zero-shot)") || !strings.Contains(out, "could be chance") {
		t.Errorf("compare text (exit %d):\n%s", code, out)
	}
	// Bad usage is exit 2 and names the flag.
	if code, _, errs := runCLI("compare", "--run", "1", "--db", db, "--min-quality", "1.5"); code != ExitUsage || !strings.Contains(errs, "min-quality") {
		t.Errorf("bad --min-quality: exit %d %s", code, errs)
	}
	if code, _, errs := runCLI("compare", "--run", "999", "--db", db); code != ExitUsage || !strings.Contains(errs, "no such run") {
		t.Errorf("missing run: exit %d %s", code, errs)
	}
}

// Every model wrong on every case: no pick, exit 0 from compare, and the
// summary says 0 %.
func TestVerdictAllWrong(t *testing.T) {
	srv := judgeServer(t, func(string, int, int) bool { return false })
	plan := twoModelPlan(t, srv.URL, 5, "")
	db := filepath.Join(t.TempDir(), "v.db")
	code, out, errs := runCLI("test", "--plan", plan, "--db", db, "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s testSummary
	json.Unmarshal([]byte(out), &s)
	if s.Verdict == nil || s.Verdict.Pick != nil || !strings.Contains(s.Verdict.Summary, "0%") {
		t.Fatalf("verdict %+v", s.Verdict)
	}
	if !strings.Contains(out, `"pick": null`) {
		t.Errorf("pick is not null in JSON:\n%s", out)
	}
}

// The strategy ladder: good is right zero-shot; weak only with few-shot
// examples. With a bar of 0.8, good stops at zero-shot and weak climbs; the
// run holds no few-shot request of good, and the ladder says what good's
// next rung would cost.
func TestStrategyLadder(t *testing.T) {
	srv := judgeServer(t, func(model string, c, turns int) bool {
		if model == "good" {
			return true
		}
		return turns > 1
	})
	extra := "strategies: [zero-shot, few-shot]\nstrategy_ladder: true\nacceptance: {min_quality: 0.8}\nfew_shot:\n  - {input: \"two and two\", output: \"four\"}\n"
	plan := twoModelPlan(t, srv.URL, 10, extra)
	db := filepath.Join(t.TempDir(), "v.db")
	code, out, errs := runCLI("test", "--plan", plan, "--db", db, "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s testSummary
	json.Unmarshal([]byte(out), &s)
	if s.Done != 30 || s.Total != 30 || s.Status != advisor.RunDone {
		t.Errorf("done %d of %d requests (%s), want 30 of 30, done (10 + 10 zero-shot, 10 few-shot for weak; good's 10 few-shot never run)", s.Done, s.Total, s.Status)
	}
	// The stored run says the same: 30 planned, not the whole plan's 40.
	store, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	run, err := store.Run(context.Background(), s.RunID)
	store.Close()
	if err != nil || run.Total != 30 || run.Status != advisor.RunDone {
		t.Errorf("stored run %+v, %v: want total 30, done", run, err)
	}
	got := map[string]bool{}
	for _, r := range s.Rows {
		got[r.Endpoint+"/"+r.Strategy] = true
	}
	if !got["good/zero-shot"] || !got["weak/zero-shot"] || !got["weak/few-shot"] || got["good/few-shot"] {
		t.Errorf("rows %v", got)
	}
	steps := map[string]string{}
	for _, st := range s.Ladder {
		steps[st.Endpoint] = st.Next
		if st.Endpoint == "good" && (st.NextRequests != 10 || st.NextCostUSD == nil) {
			t.Errorf("good's next rung %+v", st)
		}
	}
	if steps["good"] != "few-shot" || steps["weak"] != "" {
		t.Errorf("ladder %+v", s.Ladder)
	}
	// weak few-shot passes 10 of 10 (lower bound 0.72 < 0.8: not sure);
	// good zero-shot 10 of 10 too: both reach the bar on the estimate, weak is cheaper.
	if s.Verdict.Pick == nil || s.Verdict.Pick.Endpoint != "weak" || s.Verdict.Pick.Strategy != "few-shot" {
		t.Errorf("pick %+v", s.Verdict.Pick)
	}
}

// The dry run sends nothing and prints the contract's fields.
func TestDryRun(t *testing.T) {
	hits := 0
	srv := judgeServer(t, func(string, int, int) bool { hits++; return true })
	answers := filepath.Join(t.TempDir(), "answers.json")
	os.WriteFile(answers, []byte(`{"latency": "interactive", "error_cost": "costly", "volume": "100_10k"}`), 0o644)
	plan := twoModelPlan(t, srv.URL, 40, "")
	code, out, errs := runCLI("test", "--plan", plan, "--answers", answers, "--dry-run", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if hits != 0 {
		t.Errorf("the dry run sent %d requests", hits)
	}
	var d dryRunOut
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.Requests != 80 || len(d.Endpoints) != 2 || d.Endpoints[0].BaseURL != srv.URL+"/v1" || d.MinDetectableDiff != 0.22 {
		t.Errorf("estimate %+v", d.Estimate)
	}
	if d.CostUSD <= 0 || d.DurationS <= 0 || d.CostMaxUSD < d.CostUSD {
		t.Errorf("cost %v..%v duration %v", d.CostUSD, d.CostMaxUSD, d.DurationS)
	}
	if d.Acceptance == nil || *d.Acceptance.MinQuality != 0.85 || *d.Acceptance.FirstAnswerP95Ms != 2000 {
		t.Errorf("acceptance from answers %+v", d.Acceptance)
	}
	var m map[string]any
	json.Unmarshal([]byte(out), &m)
	for _, k := range []string{"requests", "cost_usd", "duration_s", "min_detectable_diff", "endpoints"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	ep := m["endpoints"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "base_url", "model", "api_key_env"} {
		if _, ok := ep[k]; !ok {
			t.Errorf("endpoint without %q", k)
		}
	}
}
