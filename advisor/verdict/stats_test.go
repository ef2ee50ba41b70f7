package verdict

import (
	"math"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.6f, want %.6f (±%g)", what, got, want, tol)
	}
}

// Wilson by hand, z = 1.959964, z² = 3.841459:
// 34 of 40: p̂ = 0.85, den = 1 + 3.841459/40 = 1.096036,
// centre = (0.85 + 3.841459/80)/den = 0.898018/1.096036 = 0.819333,
// half = 1.959964/1.096036 · √(0.85·0.15/40 + 3.841459/6400)
//
//	= 1.788228 · √(0.0031875 + 0.00060023) = 1.788228 · 0.0615405 = 0.110049,
//
// interval [0.709284, 0.929382] (to rounding: 0.70928, 0.92939).
// 0 of 10: the interval is [0, z²/(n+z²)] = [0, 3.841459/13.841459] = [0, 0.277533].
func TestWilsonByHand(t *testing.T) {
	lo, hi := Wilson(34, 40)
	near(t, "Wilson(34,40) lo", lo, 0.70928, 5e-5)
	near(t, "Wilson(34,40) hi", hi, 0.92939, 5e-5)
	lo, hi = Wilson(0, 10)
	near(t, "Wilson(0,10) lo", lo, 0, 1e-12)
	near(t, "Wilson(0,10) hi", hi, 0.277533, 5e-6)
	lo, hi = Wilson(20, 40) // symmetric around one half
	near(t, "Wilson(20,40) lo+hi", lo+hi, 1, 1e-12)
	lo, hi = Wilson(0, 0)
	if lo != 0 || hi != 1 {
		t.Errorf("Wilson(0,0) = [%v,%v], want [0,1]", lo, hi)
	}
}

// Exact McNemar by hand: with b discordant cases one way and c the other,
// p = 2·Σ_{i≤min(b,c)} C(b+c, i)/2^(b+c).
func TestMcNemarByHand(t *testing.T) {
	cases := []struct {
		b, c int
		want float64
	}{
		{1, 9, 2 * (1 + 10) / 1024.0}, // 22/1024 = 0.021484375
		{9, 1, 2 * (1 + 10) / 1024.0}, // symmetric
		{0, 6, 2 / 64.0},              // 0.03125
		{0, 5, 2 / 32.0},              // 0.0625: five one-sided cases are not enough
		{5, 5, 1},                     // 2·638/1024 > 1, capped
		{0, 0, 1},                     // nothing discordant
		{2, 0, 2 / 4.0},               // 0.5
	}
	for _, c := range cases {
		near(t, "McNemarExact", McNemarExact(c.b, c.c), c.want, 1e-12)
	}
	// 20 discordant cases all one way: 2/2^20.
	near(t, "McNemarExact(0,20)", McNemarExact(0, 20), 2/math.Pow(2, 20), 1e-15)
}

// Holm by hand: p = (0.01, 0.04, 0.03), m = 3. Sorted 0.01, 0.03, 0.04 give
// 3·0.01 = 0.03, max(0.03, 2·0.03) = 0.06, max(0.06, 1·0.04) = 0.06.
func TestHolmByHand(t *testing.T) {
	got := Holm([]float64{0.01, 0.04, 0.03})
	want := []float64{0.03, 0.06, 0.06}
	for i := range want {
		near(t, "Holm", got[i], want[i], 1e-12)
	}
	got = Holm([]float64{0.5, 0.9}) // 2·0.5 = 1 (capped), max(1, 0.9) = 1
	near(t, "Holm[0]", got[0], 1, 1e-12)
	near(t, "Holm[1]", got[1], 1, 1e-12)
	if len(Holm(nil)) != 0 {
		t.Error("Holm(nil) is not empty")
	}
}

// Bootstrap by hand. Every difference +0.5: every resample's mean is 0.5, so
// the interval is [0.5, 0.5], no resample is at or below zero and
// p = 2·(0+1)/(2000+1) = 2/2001.
// For xs = {0, 0, 1} the 27 equally likely resamples have means 0 (8 of
// them), 1/3 (12), 2/3 (6) and 1 (1): P(mean ≤ 2/3) = 26/27 = 0.963 < 0.975,
// so the 97.5th percentile is 1 and the 2.5th is 0 (P(0) = 8/27 = 0.296).
func TestBootstrapByHand(t *testing.T) {
	d := make([]float64, 10)
	for i := range d {
		d[i] = 0.5
	}
	m, lo, hi, p := PairedBootstrap(d, BootstrapResamples)
	near(t, "mean", m, 0.5, 1e-12)
	near(t, "lo", lo, 0.5, 1e-12)
	near(t, "hi", hi, 0.5, 1e-12)
	near(t, "p", p, 2.0/2001, 1e-12)

	_, _, _, p = PairedBootstrap([]float64{0, 0, 0}, BootstrapResamples)
	near(t, "p of no difference", p, 1, 0)

	m, lo, hi = BootstrapMean([]float64{0, 0, 1}, 20000)
	near(t, "mean {0,0,1}", m, 1.0/3, 1e-12)
	near(t, "lo {0,0,1}", lo, 0, 1e-12)
	near(t, "hi {0,0,1}", hi, 1, 1e-12)

	// Deterministic: the same data give the same figures.
	a := []float64{1, 0, 0.5, 1, 0, 1, 1, -1}
	_, l1, h1, p1 := PairedBootstrap(a, BootstrapResamples)
	_, l2, h2, p2 := PairedBootstrap(a, BootstrapResamples)
	if l1 != l2 || h1 != h2 || p1 != p2 {
		t.Error("the paired bootstrap is not deterministic")
	}
}

// GuideLLM's rule: ceil(log(0.025)/log(q)) requests, 72 for p95 and 368 for
// p99. With 72 requests of 1..72 ms the p95 is the order statistic at rank
// ceil(0.95·72) = 69; for X ~ Binomial(72, 0.95), P(X ≤ 63) = 0.0096 ≤ 0.025
// < P(X ≤ 64) = 0.0272, so the lower rank is 64; P(X ≤ 71) = 1 − 0.95^72 =
// 0.9751 ≥ 0.975 > P(X ≤ 70) = 0.881, so the upper rank is 72.
func TestPercentileRule(t *testing.T) {
	if MinRequests(0.95) != 72 || MinRequests(0.99) != 368 {
		t.Fatalf("MinRequests = %d, %d; want 72, 368", MinRequests(0.95), MinRequests(0.99))
	}
	xs := make([]float64, 71)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	if _, _, _, ok := Percentile(xs, 0.95); ok {
		t.Error("a p95 from 71 requests")
	}
	xs = append(xs, 72)
	v, lo, hi, ok := Percentile(xs, 0.95)
	if !ok || v != 69 || lo != 64 || hi != 72 {
		t.Errorf("p95 of 1..72 = %v [%v, %v] ok=%v; want 69 [64, 72]", v, lo, hi, ok)
	}
	if _, _, _, ok := Percentile(xs, 0.99); ok {
		t.Error("a p99 from 72 requests")
	}
}

// Minimum detectable difference: (1.959964 + 0.841621)·0.5/√n;
// √40 = 6.324555 → 2.801585·0.5/6.324555 = 0.221485; √160 = 12.649111 → 0.110742.
func TestMinDetectableDiff(t *testing.T) {
	near(t, "MDD(40)", MinDetectableDiff(40), 0.221485, 1e-5)
	near(t, "MDD(160)", MinDetectableDiff(160), 0.110742, 1e-5)
	// 10 points need (2.801585·0.5/0.1)² = 196.22 → 197 cases.
	if got := CasesFor(0.10); got != 197 {
		t.Errorf("CasesFor(0.10) = %d, want 197", got)
	}
}

func TestCasesToClear(t *testing.T) {
	// 0.9 against a bar of 0.8: the Wilson lower bound of 0.9 reaches 0.8 at
	// some n; at that n it is ≥ 0.8 and at n−1 below.
	n := CasesToClear(0.9, 0.8, MaxCasesAdvice)
	if n <= 0 {
		t.Fatal("no number of cases clears 0.9 over 0.8")
	}
	if lo, _ := Wilson(0.9*float64(n), float64(n)); lo < 0.8 {
		t.Errorf("at %d cases the lower bound is %v", n, lo)
	}
	if lo, _ := Wilson(0.9*float64(n-1), float64(n-1)); lo >= 0.8 {
		t.Errorf("%d cases already clear", n-1)
	}
	if CasesToClear(0.8, 0.8, MaxCasesAdvice) != 0 {
		t.Error("a rate equal to the bar can be cleared")
	}
}

func TestLocalEndpoint(t *testing.T) {
	for url, want := range map[string]bool{
		"http://127.0.0.1:11434/v1": true, "http://localhost:1234/v1": true, "http://192.168.1.20:8080/v1": true,
		"http://gpu-box.local/v1": true, "https://api.together.xyz/v1": false, "http://[::1]:8000/v1": true,
	} {
		if got := LocalEndpoint(advisor.Endpoint{Kind: advisor.KindCompatible, BaseURL: url}); got != want {
			t.Errorf("%s local = %v, want %v", url, got, want)
		}
	}
	if LocalEndpoint(advisor.Endpoint{Kind: advisor.KindOpenAI}) {
		t.Error("OpenAI is local")
	}
}
