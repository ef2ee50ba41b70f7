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
