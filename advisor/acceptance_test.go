package advisor

import "testing"

func TestDeriveAcceptance(t *testing.T) {
	a := Answers{Latency: "interactive", ErrorCost: "costly", Volume: "100_10k", BudgetMonthly: "100_1k", Deployment: "offline"}
	q := 0.9
	got, err := DeriveAcceptance(&Acceptance{MinQuality: &q}, a)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, p *float64, want float64) {
		t.Helper()
		if p == nil || *p != want {
			t.Errorf("%s = %v, want %v", name, p, want)
		}
	}
	check("min_quality (the plan's wins)", got.MinQuality, 0.9)
	check("first_answer_p95_ms", got.FirstAnswerP95Ms, 2000)
	check("total_p95_ms", got.TotalP95Ms, 8000)
	check("volume_per_day", got.VolumePerDay, 1000)
	check("max_monthly_usd", got.MaxMonthlyUSD, 1000)
	if got.LocalOnly == nil || !*got.LocalOnly {
		t.Errorf("local_only = %v, want true", got.LocalOnly)
	}
	fields := map[string]bool{}
	for _, s := range got.Sources {
		fields[s.Field] = true
		if s.Why == "" || s.Source == "" || s.Answer == "" {
			t.Errorf("source without why/source/answer: %+v", s)
		}
	}
	if fields["min_quality"] {
		t.Error("a source for min_quality, which the plan set")
	}
	for _, f := range []string{"first_answer_p95_ms", "total_p95_ms", "volume_per_day", "max_monthly_usd", "local_only"} {
		if !fields[f] {
			t.Errorf("no source for %s", f)
		}
	}

	// Batch work sets no latency target; a large budget no cap; nothing known, nothing set.
	got, _ = DeriveAcceptance(nil, Answers{Latency: "batch_overnight", BudgetMonthly: "gt_10k"})
	if got != nil {
		t.Errorf("batch + big budget derived %+v, want nothing", got)
	}
	got, _ = DeriveAcceptance(nil, Answers{ErrorCost: "harmful_or_legal"})
	check("harmful min_quality", got.MinQuality, 0.95)
}

func TestAcceptanceRulesLoad(t *testing.T) {
	rs, err := AcceptanceRules()
	if err != nil || len(rs) == 0 {
		t.Fatalf("rules %d, err %v", len(rs), err)
	}
	if err := validateAcceptanceRule(AcceptanceRule{ID: "x", Field: "min_quality", Answer: "error_cost", Values: map[string]any{"bogus": 1}, Why: "w", Source: "s"}); err == nil {
		t.Error("a value the answer does not have was accepted")
	}
}
