package verdict

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

func f(x float64) *float64 { return &x }

// model is a simulated endpoint: which cases it gets right and what each
// request costs and takes.
type model struct {
	name     string
	strategy string
	right    func(c int) bool
	cost     float64 // USD per request
	ttft     float64 // ms
	latency  float64 // ms
	errEvery int     // every errEvery-th case fails (0: never)
}

func results(n int, ms ...model) []advisor.Result {
	var out []advisor.Result
	for c := 0; c < n; c++ {
		for _, m := range ms {
			st := m.strategy
			if st == "" {
				st = advisor.StrategyZeroShot
			}
			r := advisor.Result{Endpoint: m.name, Model: m.name, Strategy: st, Case: c, CostUSD: m.cost, TTFTMs: m.ttft, LatencyMs: m.latency}
			if m.errEvery > 0 && c%m.errEvery == 0 {
				r.ErrorClass = advisor.ErrServer
				r.CostUSD = 0
			} else if m.right(c) {
				r.Passed, r.Score = true, 1
			}
			out = append(out, r)
		}
	}
	return out
}

func firstK(k int) func(int) bool { return func(c int) bool { return c < k } }

func cand(t *testing.T, v Verdict, ep string) Candidate {
	t.Helper()
	for _, c := range v.Candidates {
		if c.Endpoint == ep {
			return c
		}
	}
	t.Fatalf("no candidate %s in %+v", ep, v.Candidates)
	return Candidate{}
}

// Two models with the same accuracy (each case right with probability 0.8,
// independently) are called tied in at least 95 % of 200 simulated runs of
// 40 cases: the exact McNemar test keeps its false-alarm rate under 5 %.
func TestEqualAccuracyIsTied(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	tied := 0
	const runs, n = 200, 40
	for run := 0; run < runs; run++ {
		a, b := make([]bool, n), make([]bool, n)
		for i := range a {
			a[i] = rng.Float64() < 0.8
			b[i] = rng.Float64() < 0.8
		}
		v := Compute(Input{Results: results(n,
			model{name: "a", right: func(c int) bool { return a[c] }, cost: 0.001},
			model{name: "b", right: func(c int) bool { return b[c] }, cost: 0.001})})
		ca, cb := cand(t, v, "a"), cand(t, v, "b")
		if (ca.VsBest == VsBest && cb.VsBest == VsTied) || (cb.VsBest == VsBest && ca.VsBest == VsTied) {
			tied++
		}
	}
	if tied < runs*95/100 {
		t.Errorf("tied in %d of %d runs, want at least %d", tied, runs, runs*95/100)
	}
	t.Logf("tied in %d of %d runs", tied, runs)
}

// A 5-point difference: A gets the first 85 % of the cases right, B the
// first 80 % (so every case B gets right, A does too). At 40 cases that is
// 34 against 32: two discordant cases, p = 2·(1/2)² = 0.5, tied. At 400
// cases, 340 against 320: twenty discordant cases all for A,
// p = 2/2^20 ≈ 1.9e-6, worse.
func TestFivePointDifference(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
		p    float64
	}{{40, VsTied, 0.5}, {400, VsWorse, 2.0 / (1 << 20)}} {
		v := Compute(Input{Results: results(tc.n,
			model{name: "a", right: firstK(tc.n * 85 / 100), cost: 0.01},
			model{name: "b", right: firstK(tc.n * 80 / 100), cost: 0.001})})
		a, b := cand(t, v, "a"), cand(t, v, "b")
		if a.VsBest != VsBest {
			t.Errorf("n=%d: a is %s, want best", tc.n, a.VsBest)
		}
		if b.VsBest != tc.want {
			t.Errorf("n=%d: b is %s, want %s (p=%v)", tc.n, b.VsBest, tc.want, b.PValue)
		}
		near(t, "p", b.PValue, tc.p, 1e-12)
		// Without a bar the cheaper b is picked while tied, a once b is worse.
		want := "b"
		if tc.want == VsWorse {
			want = "a"
		}
		if v.Pick == nil || v.Pick.Endpoint != want {
			t.Errorf("n=%d: pick %+v, want %s", tc.n, v.Pick, want)
		}
	}
}

// The rules of the pick, case by case.
func TestPickRules(t *testing.T) {
	const n = 100
	// Prices per request; monthly at 1,000 a day is price·30,000.
	cheap := model{name: "cheap", right: firstK(70), cost: 0.0001, ttft: 100, latency: 300}               // 70 %, $3/month
	mid := model{name: "mid", right: firstK(90), cost: 0.001, ttft: 200, latency: 600}                    // 90 %, $30/month
	top := model{name: "top", right: firstK(97), cost: 0.01, ttft: 300, latency: 900}                     // 97 %, $300/month
	slow := model{name: "slow", right: firstK(99), cost: 0.0002, ttft: 5000, latency: 9000}               // 99 %, cheap but slow
	flaky := model{name: "flaky", right: firstK(99), cost: 0.00005, ttft: 50, latency: 100, errEvery: 10} // 10 % errors
	rs := results(n, cheap, mid, top, slow, flaky)
	vol := f(1000)

	t.Run("bar cleared with its interval: the cheapest that clears", func(t *testing.T) {
		// Bar 0.8: mid (90/100, Wilson lower 0.826) clears; top clears but costs more;
		// cheap is below; slow misses the latency target; flaky the error limit.
		v := Compute(Input{Results: rs, Criteria: Criteria{MinQuality: f(0.8), FirstAnswerP95Ms: f(2000), VolumePerDay: vol}})
		if v.Pick == nil || v.Pick.Endpoint != "mid" || !v.Pick.Sure {
			t.Fatalf("pick %+v, want mid (sure)", v.Pick)
		}
		if c := cand(t, v, "slow"); c.Eligible || c.Fails[0] != FailFirstAnswer {
			t.Errorf("slow: eligible=%v fails=%v", c.Eligible, c.Fails)
		}
		if c := cand(t, v, "flaky"); c.Eligible || !contains(c.Fails, FailErrors) {
			t.Errorf("flaky: eligible=%v fails=%v", c.Eligible, c.Fails)
		}
		if c := cand(t, v, "cheap"); !contains(c.Fails, FailQuality) {
			t.Errorf("cheap under the bar: fails=%v", c.Fails)
		}
		// Monthly cost from the measured cost per request: 0.001 · 1000 · 30 = 30.
		near(t, "mid monthly", *cand(t, v, "mid").MonthlyUSD, 30, 1e-9)
		if !strings.Contains(v.Pick.Reason, "$30.00") {
			t.Errorf("reason without the monthly cost: %s", v.Pick.Reason)
		}
	})
	t.Run("bar reached only on the estimate: add examples", func(t *testing.T) {
		// Bar 0.88: mid's 90 % has a lower bound of 0.826 < 0.88; top's 97 %
		// has 0.915 ≥ 0.88 and is picked (sure) over the cheaper, unsure mid.
		v := Compute(Input{Results: rs, Criteria: Criteria{MinQuality: f(0.88), FirstAnswerP95Ms: f(2000), VolumePerDay: vol}})
		if v.Pick == nil || v.Pick.Endpoint != "top" || !v.Pick.Sure {
			t.Fatalf("pick %+v, want top (sure)", v.Pick)
		}
		// Without top, mid reaches 0.88 only on the estimate.
		v = Compute(Input{Results: results(n, cheap, mid), Criteria: Criteria{MinQuality: f(0.88), VolumePerDay: vol}})
		if v.Pick == nil || v.Pick.Endpoint != "mid" || v.Pick.Sure || v.Pick.AddExamples <= 0 {
			t.Fatalf("pick %+v, want mid (unsure, add examples)", v.Pick)
		}
		need := CasesToClear(0.9, 0.88, MaxCasesAdvice)
		if v.Pick.AddExamples != need-n {
			t.Errorf("add %d examples, want %d", v.Pick.AddExamples, need-n)
		}
		if !strings.Contains(v.Pick.Reason, fmtInt(words("en"), need-n)) {
			t.Errorf("reason does not say how many: %s", v.Pick.Reason)
		}
	})
	t.Run("no bar: the cheapest not significantly worse than the best", func(t *testing.T) {
		// Best eligible is top (97 %); mid (90 %): 7 discordant cases, p = 2/128 = 0.016,
		// Holm ×2 = 0.031 → worse. A model at 96 % is tied (1 discordant, p = 1).
		near96 := model{name: "near", right: firstK(96), cost: 0.002, ttft: 100, latency: 300}
		v := Compute(Input{Results: results(n, mid, top, near96), Criteria: Criteria{VolumePerDay: vol}})
		if c := cand(t, v, "mid"); c.VsBest != VsWorse {
			t.Errorf("mid is %s (p=%v adj=%v), want worse", c.VsBest, c.PValue, c.PAdjusted)
		}
		near(t, "mid p", cand(t, v, "mid").PValue, 2/128.0, 1e-12)
		near(t, "mid p adjusted", cand(t, v, "mid").PAdjusted, 4/128.0, 1e-12)
		if v.Pick == nil || v.Pick.Endpoint != "near" {
			t.Fatalf("pick %+v, want near", v.Pick)
		}
		if !strings.Contains(v.Pick.Reason, "could be chance") {
			t.Errorf("reason: %s", v.Pick.Reason)
		}
	})
	t.Run("better than the best but not eligible", func(t *testing.T) {
		v := Compute(Input{Results: results(n, cheap, slow), Criteria: Criteria{FirstAnswerP95Ms: f(2000), VolumePerDay: vol}})
		if c := cand(t, v, "slow"); c.VsBest != VsBetter {
			t.Errorf("slow is %s, want better", c.VsBest)
		}
		if v.Pick == nil || v.Pick.Endpoint != "cheap" {
			t.Errorf("pick %+v, want cheap", v.Pick)
		}
	})
	t.Run("cost cap", func(t *testing.T) {
		v := Compute(Input{Results: rs, Criteria: Criteria{MinQuality: f(0.95), MaxMonthlyUSD: f(100), FirstAnswerP95Ms: f(2000), VolumePerDay: vol}})
		// top clears 0.95? 97/100 lower bound 0.915 < 0.95, reaches on the estimate,
		// but costs $300 > $100. Nothing qualifies.
		if v.Pick != nil {
			t.Fatalf("pick %+v, want none", v.Pick)
		}
		if c := cand(t, v, "top"); !contains(c.Fails, FailCost) {
			t.Errorf("top fails %v", c.Fails)
		}
		// The cheapest change: a single relaxation admits one candidate.
		if v.Change == nil {
			t.Fatal("no change suggested")
		}
		if !strings.Contains(v.Summary, "No option meets every criterion.") {
			t.Errorf("summary: %s", v.Summary)
		}
	})
}

// Every model wrong on every case: no pick, and the summary says 0 %.
func TestNoPickWhenAllWrong(t *testing.T) {
	never := func(int) bool { return false }
	for _, cr := range []Criteria{{}, {MinQuality: f(0.5)}} {
		v := Compute(Input{Results: results(40,
			model{name: "a", right: never, cost: 0.001},
			model{name: "b", right: never, cost: 0.0001}), Criteria: cr})
		if v.Pick != nil {
			t.Fatalf("pick %+v at 0 %%", v.Pick)
		}
		if !strings.Contains(v.Summary, "0%") {
			t.Errorf("summary does not say 0%%: %s", v.Summary)
		}
		for _, c := range v.Candidates {
			if c.Quality != 0 || c.QualityCI[0] != 0 {
				t.Errorf("%s quality %v ci %v", c.Endpoint, c.Quality, c.QualityCI)
			}
		}
	}
}

// Repeats of a case are averaged first: n is the number of cases.
func TestRepeatsCountOnce(t *testing.T) {
	var rs []advisor.Result
	for c := 0; c < 10; c++ {
		for rep := 0; rep < 3; rep++ {
			rs = append(rs, advisor.Result{Endpoint: "a", Strategy: "zero-shot", Case: c, Repeat: rep, Passed: c < 5 || rep == 0, Score: 1})
		}
	}
	v := Compute(Input{Results: rs})
	c := cand(t, v, "a")
	// 5 cases all pass, 5 pass once in three: (5 + 5/3)/10 = 0.6667.
	if c.Cases != 10 || v.Cases != 10 {
		t.Errorf("cases %d / %d, want 10", c.Cases, v.Cases)
	}
	near(t, "quality", c.Quality, (5+5.0/3)/10, 1e-12)
	lo, hi := Wilson(5+5.0/3, 10)
	near(t, "ci lo", c.QualityCI[0], lo, 1e-12)
	near(t, "ci hi", c.QualityCI[1], hi, 1e-12)
}

// The JSON carries the contract's fields, with null for what is unknown.
func TestJSONShape(t *testing.T) {
	v := Compute(Input{RunID: 3, Results: results(40, model{name: "cheap", right: firstK(34), cost: 0.001, ttft: 100, latency: 200}),
		Criteria: Criteria{FirstAnswerP95Ms: f(2000), MaxMonthlyUSD: f(500), VolumePerDay: f(1000)}})
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"run_id", "cases", "criteria", "min_detectable_diff", "candidates", "pick"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, b)
		}
	}
	cr := m["criteria"].(map[string]any)
	if v, ok := cr["min_quality"]; !ok || v != nil {
		t.Errorf("criteria.min_quality = %v, want null", v)
	}
	c := m["candidates"].([]any)[0].(map[string]any)
	for _, k := range []string{"endpoint", "strategy", "cases", "quality", "quality_ci", "first_answer_p95_ms", "total_p95_ms", "monthly_usd", "error_rate", "eligible", "fails", "vs_best", "p_value"} {
		if _, ok := c[k]; !ok {
			t.Errorf("candidate without %q", k)
		}
	}
	if c["first_answer_p95_ms"] != nil {
		t.Errorf("a p95 from 40 requests: %v", c["first_answer_p95_ms"])
	}
	if fl, ok := c["fails"].([]any); !ok || len(fl) != 0 {
		t.Errorf("fails = %v, want []", c["fails"])
	}
	if m["min_detectable_diff"].(float64) != 0.22 {
		t.Errorf("min_detectable_diff %v", m["min_detectable_diff"])
	}
}

func TestPortugueseSentences(t *testing.T) {
	v := Compute(Input{Lang: "pt-BR", Results: results(40,
		model{name: "a", right: firstK(34), cost: 0.01},
		model{name: "b", right: firstK(32), cost: 0.001})})
	if v.Pick == nil || !strings.Contains(v.Pick.Reason, "US$ 30,00") || !strings.Contains(v.Pick.Reason, "pode ser acaso") {
		t.Errorf("pt-BR reason: %+v", v.Pick)
	}
	if s := DetectableSentence("pt-BR", 40); !strings.Contains(s, "22 pontos") {
		t.Errorf("pt-BR detectable: %s", s)
	}
	if s := DetectableSentence("en", 40); s != "With 40 examples you can tell apart options about 22 points apart; about 197 examples for 10 points." {
		t.Errorf("en detectable: %s", s)
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// Local only: a cloud endpoint cannot be picked however well it does.
func TestLocalOnly(t *testing.T) {
	yes := true
	v := Compute(Input{Results: results(40,
		model{name: "cloud", right: firstK(40), cost: 0.0001},
		model{name: "local", right: firstK(30)}),
		Criteria: Criteria{LocalOnly: &yes}, IsLocal: func(ep string) bool { return ep == "local" }})
	if c := cand(t, v, "cloud"); !contains(c.Fails, FailHosting) || c.VsBest != VsBetter {
		t.Errorf("cloud: fails %v vs %s", c.Fails, c.VsBest)
	}
	if v.Pick == nil || v.Pick.Endpoint != "local" {
		t.Errorf("pick %+v, want local", v.Pick)
	}
}
