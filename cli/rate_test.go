package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/data"
)

// resultIDs are run 1's result ids in db, by "endpoint/case".
func resultIDs(t *testing.T, db string) map[string]int64 {
	t.Helper()
	store, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	results, err := store.Results(context.Background(), 1)
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	id := map[string]int64{}
	for _, r := range results {
		id[fmt.Sprintf("%s/%d", r.Endpoint, r.Case)] = r.ID
	}
	return id
}

// People rate answers one by one and from a CSV (; between fields, decimal
// commas, a header); bad rows are named by line and the good ones kept; the
// verdict in `compare --json` carries human_quality and human_ci. By hand:
// good's case 0 is rated 1 (ana) and 0.5 (bruno) = 0.75, case 1 rated 0, so
// 0.375 over 2 answers; Wilson(0.75 of 2) = [0.0561, 0.8583]. weak's case 0
// rated 1: Wilson(1 of 1) = [1/(1+z²), 1] = [0.2065, 1].
func TestRateAndHumanVerdict(t *testing.T) {
	srv := judgeServer(t, func(model string, c, _ int) bool { return true })
	plan := twoModelPlan(t, srv.URL, 3, "")
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	if code, _, errs := runCLI("test", "--plan", plan, "--db", db, "--json"); code != ExitOK {
		t.Fatalf("test: exit %d: %s", code, errs)
	}
	id := resultIDs(t, db)

	if code, out, errs := runCLI("rate", "--db", db, "--result", fmt.Sprint(id["good/0"]), "--score", "1", "--who", "ana", "--note", "on brand"); code != ExitOK || !strings.Contains(out, "rated 1 by ana") {
		t.Fatalf("rate: exit %d: %s %s", code, out, errs)
	}
	if code, _, errs := runCLI("rate", "--db", db, "--result", fmt.Sprint(id["good/0"]), "--score", "1.5"); code != ExitUsage || !strings.Contains(errs, "--score") {
		t.Errorf("score 1.5: exit %d: %s", code, errs)
	}
	if code, _, errs := runCLI("rate", "--db", db, "--result", "99999", "--score", "1"); code != ExitUsage || !strings.Contains(errs, "no such result") {
		t.Errorf("missing result: exit %d: %s", code, errs)
	}

	csvPath := filepath.Join(dir, "ratings.csv")
	csv := fmt.Sprintf("result_id;score;note\n%d;0,5;\"ok; a bit long\"\n%d;0\n%d;1;fine\nabc;1\n%d;2\n99999;1\n",
		id["good/0"], id["good/1"], id["weak/0"], id["weak/1"])
	if err := os.WriteFile(csvPath, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI("rate", "--db", db, "--import", csvPath, "--who", "bruno")
	if code != ExitFail || !strings.Contains(out, "3 ratings imported") {
		t.Errorf("import: exit %d: %s", code, out)
	}
	for _, want := range []string{"3 bad rows", "line 5: result_id \"abc\"", "line 6: score \"2\"", "line 7: no result 99999"} {
		if !strings.Contains(errs, want) {
			t.Errorf("import errors lack %q:\n%s", want, errs)
		}
	}

	if code, out, _ := runCLI("compare", "--run", "1", "--db", db); code != ExitOK || !strings.Contains(out, "people: good (zero-shot) 38% (6–86%) over 2 rated answers") {
		t.Errorf("compare text: exit %d:\n%s", code, out)
	}
	code, out, errs = runCLI("compare", "--run", "1", "--db", db, "--json")
	if code != ExitOK {
		t.Fatalf("compare: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"human_quality"`) || !strings.Contains(out, `"human_ci"`) {
		t.Errorf("compare --json lacks the human fields:\n%s", out)
	}
	var v verdict.Verdict
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	near := func(x, want float64) bool { return math.Abs(x-want) < 1e-4 }
	for _, c := range v.Candidates {
		if c.Strategy != advisor.StrategyZeroShot {
			continue
		}
		switch c.Endpoint {
		case "good":
			if c.HumanQuality == nil || *c.HumanQuality != 0.375 || c.HumanRated != 2 || !near(c.HumanCI[0], 0.0561) || !near(c.HumanCI[1], 0.8583) {
				t.Errorf("good: %v %v %d", c.HumanQuality, c.HumanCI, c.HumanRated)
			}
		case "weak":
			if c.HumanQuality == nil || *c.HumanQuality != 1 || c.HumanRated != 1 || !near(c.HumanCI[0], 0.2065) || c.HumanCI[1] != 1 {
				t.Errorf("weak: %v %v %d", c.HumanQuality, c.HumanCI, c.HumanRated)
			}
		}
	}
}

// A blind comparison exported as HTML, the colleague's choices file (the
// page's download format: left_result,right_result,choice,who,judged_at;
// the page's own script is driven in workspace's TestBlindHTMLChoicesImport)
// imported, then `compare --json` carries the win rates, and --baseline
// lists every case against the baseline, regressions first. By hand: good
// passes cases 0–3, weak 0–1. People
// chose on cases 0, 1, 2: good, good, same — good wins 2.5 of 3 = 0.8333,
// weak 0.5 of 3.
func TestBlindExportImportCompare(t *testing.T) {
	srv := judgeServer(t, func(model string, c, _ int) bool { return model == "good" && c < 4 || c < 2 })
	plan := twoModelPlan(t, srv.URL, 4, "")
	dir := t.TempDir()
	db := filepath.Join(dir, "b.db")
	if code, _, errs := runCLI("test", "--plan", plan, "--db", db, "--json"); code != ExitOK {
		t.Fatalf("test: exit %d: %s", code, errs)
	}
	page := filepath.Join(dir, "blind.html")
	if code, out, errs := runCLI("rate", "--db", db, "--export-html", page, "--run", "1"); code != ExitOK || !strings.Contains(out, "4 pairs of answers") {
		t.Fatalf("export: exit %d: %s %s", code, out, errs)
	}
	b, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(b), "Content-Security-Policy") || !strings.Contains(string(b), `"l":`) {
		t.Fatalf("page: %v", err)
	}
	if code, _, errs := runCLI("rate", "--db", db, "--export-html", page); code != ExitUsage || !strings.Contains(errs, "--run") {
		t.Errorf("no --run: exit %d: %s", code, errs)
	}
	id := resultIDs(t, db)
	choices := fmt.Sprintf("left_result,right_result,choice,who,judged_at\r\n%d,%d,left,carla,2026-12-02T10:00:00Z\r\n%d,%d,right,carla,2026-12-02T10:00:05Z\r\n%d,%d,same,carla,2026-12-02T10:00:09Z\r\n",
		id["good/0"], id["weak/0"], id["weak/1"], id["good/1"], id["good/2"], id["weak/2"])
	file := filepath.Join(dir, "blind-choices-run-1.csv")
	if err := os.WriteFile(file, []byte(choices), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI("rate", "--db", db, "--import", file); code != ExitOK || !strings.Contains(out, "3 blind choices imported") {
		t.Fatalf("import: exit %d: %s %s", code, out, errs)
	}
	code, out, errs := runCLI("compare", "--run", "1", "--db", db, "--json", "--baseline", "good")
	if code != ExitOK {
		t.Fatalf("compare: exit %d: %s", code, errs)
	}
	var v verdict.Verdict
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	for _, c := range v.Candidates {
		want := map[string]float64{"good": 2.5 / 3, "weak": 0.5 / 3}[c.Endpoint]
		if c.HumanWinRate == nil || math.Abs(*c.HumanWinRate-want) > 1e-9 || c.HumanJudged != 3 {
			t.Errorf("%s: win rate %v over %d, want %.4f over 3", c.Endpoint, c.HumanWinRate, c.HumanJudged, want)
		}
	}
	if len(v.HumanPairs) != 1 || v.HumanPairs[0].Judged != 3 {
		t.Errorf("pairs %+v", v.HumanPairs)
	}
	if v.Baseline == nil || len(v.Baseline.Against) != 1 {
		t.Fatalf("baseline %+v", v.Baseline)
	}
	a := v.Baseline.Against[0]
	// Case 3 drops by score; cases 0 and 1 score the same, but people
	// preferred good: worse; case 2 drops by score, but people said "same".
	if a.Candidate.Endpoint != "weak" || a.Worse != 3 || a.Same != 1 || a.Cases[0].Case != 3 || a.Cases[0].Outcome != verdict.DiffWorse ||
		a.Cases[1].Human != verdict.DiffWorse || a.Cases[3].Case != 2 || a.Cases[3].Outcome != verdict.DiffSame {
		t.Errorf("against good: %+v", a)
	}
	if code, out, _ := runCLI("compare", "--run", "1", "--db", db, "--baseline", "good"); code != ExitOK || !strings.Contains(out, "weak (zero-shot): 3 worse, 0 better, 1 the same") || !strings.Contains(out, "people, blind: good (zero-shot) won 83%") {
		t.Errorf("compare text: exit %d:\n%s", code, out)
	}
	if code, _, errs := runCLI("compare", "--run", "1", "--db", db, "--baseline", "nobody"); code != ExitUsage || !strings.Contains(errs, "good/zero-shot") {
		t.Errorf("unknown baseline: exit %d: %s", code, errs)
	}
}
