package advisor

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// scenarioDir is the repository's copy of the scenarios (testdata/shared;
// TestSharedCopiesMatch in the repository root checks the copies).
const scenarioDir = "../testdata/shared/scenarios"

type scenario struct {
	Name    string
	Story   string                     `json:"story"`
	Answers json.RawMessage            `json:"answers"`
	Expect  map[string]json.RawMessage `json:"expect"`
}

// loadScenarios reads every *.json file of shared/scenarios; new files are
// picked up without code changes.
func loadScenarios(tb testing.TB) []scenario {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(scenarioDir, "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) == 0 {
		tb.Fatalf("no scenario files in %s", scenarioDir)
	}
	var out []scenario
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var sc scenario
		if err := json.Unmarshal(b, &sc); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		sc.Name = filepath.Base(f)
		out = append(out, sc)
	}
	return out
}

// checkExpect checks every `expect` key of a scenario (shared/scenarios/README.md)
// against a recommendation and returns what does not hold.
func checkExpect(expect map[string]json.RawMessage, rec *Recommendation) []string {
	var bad []string
	keys := make([]string, 0, len(expect))
	for k := range expect {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		raw := expect[k]
		if k == "conflicts_nonempty" {
			var want bool
			if err := json.Unmarshal(raw, &want); err != nil {
				bad = append(bad, k+": "+err.Error())
			} else if want && len(rec.Conflicts) == 0 {
				bad = append(bad, "conflicts_nonempty: no conflict reported")
			}
			continue
		}
		var vals []string
		if err := json.Unmarshal(raw, &vals); err != nil {
			bad = append(bad, k+": "+err.Error())
			continue
		}
		oneOf := func(got string) {
			if !contains(vals, got) {
				bad = append(bad, k+": got "+got+", want one of "+strings.Join(vals, "|"))
			}
		}
		switch k {
		case "model.type":
			oneOf(rec.Model.Type)
		case "model.architecture":
			oneOf(rec.Model.Architecture)
		case "model.weights":
			oneOf(rec.Model.Weights)
		case "model.hosting":
			oneOf(rec.Model.Hosting)
		case "model.size_tier":
			oneOf(rec.Model.SizeTier)
		case "strategy.primary":
			oneOf(rec.Strategy.Primary)
		case "plan_first":
			if len(rec.Strategy.Plan) == 0 {
				bad = append(bad, "plan_first: empty plan")
			} else {
				oneOf(rec.Strategy.Plan[0])
			}
		case "plan_includes", "plan_excludes", "also_includes", "also_excludes":
			list := rec.Strategy.Plan
			if strings.HasPrefix(k, "also") {
				list = rec.Also
			}
			for _, v := range vals {
				if has := contains(list, v); has != strings.HasSuffix(k, "includes") {
					bad = append(bad, k+": "+v+" (got "+strings.Join(list, ",")+")")
				}
			}
		case "mentions":
			var text strings.Builder
			for _, f := range rec.Fired {
				text.WriteString(f.Because + "\n")
			}
			for _, w := range rec.Warnings {
				text.WriteString(w + "\n")
			}
			low := strings.ToLower(text.String())
			for _, v := range vals {
				if !strings.Contains(low, strings.ToLower(v)) {
					bad = append(bad, "mentions: "+v)
				}
			}
		default:
			bad = append(bad, "unknown expect key "+k+" (update the test with the scenarios README)")
		}
	}
	return bad
}

func newTestEngine(tb testing.TB) *Engine {
	tb.Helper()
	e, err := NewEngine(WithUserDir(""))
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func TestScenarios(t *testing.T) {
	e := newTestEngine(t)
	for _, sc := range loadScenarios(t) {
		t.Run(sc.Name, func(t *testing.T) {
			a, err := ParseAnswersBytes(sc.Answers)
			if err != nil {
				t.Fatalf("answers: %v", err)
			}
			for _, lang := range []string{LangEN, LangPT} {
				rec, err := e.Recommend(a, lang)
				if err != nil {
					t.Fatal(err)
				}
				// mentions are checked on the English texts; the structure in both languages.
				exp := sc.Expect
				if lang == LangPT {
					exp = map[string]json.RawMessage{}
					for k, v := range sc.Expect {
						if k != "mentions" {
							exp[k] = v
						}
					}
				}
				if bad := checkExpect(exp, rec); len(bad) > 0 {
					var ids []string
					for _, f := range rec.Fired {
						ids = append(ids, f.ID)
					}
					t.Errorf("%s (%s): %s\nstory: %s\nfired: %v\nmodel: %+v\nstrategy: %+v also: %v",
						sc.Name, lang, strings.Join(bad, "; "), sc.Story, ids, rec.Model, rec.Strategy, rec.Also)
				}
				if len(rec.Shortlist) == 0 {
					t.Errorf("%s (%s): empty shortlist", sc.Name, lang)
				}
			}
		})
	}
}

func BenchmarkRecommend(b *testing.B) {
	e := newTestEngine(b)
	var answers []Answers
	for _, sc := range loadScenarios(b) {
		a, err := ParseAnswersBytes(sc.Answers)
		if err != nil {
			b.Fatal(err)
		}
		answers = append(answers, a)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Recommend(answers[i%len(answers)], LangEN); err != nil {
			b.Fatal(err)
		}
	}
}
