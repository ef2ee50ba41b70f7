// Package verdict turns a live test's measurements into a decision: per
// candidate (endpoint × strategy) the pass rate with its interval, latency
// percentiles the number of requests can support, the monthly cost at the
// user's volume, a paired comparison against the best eligible candidate, and
// the pick with a plain-language reason.
//
// It is pure: no GUI, database or chart imports, so the CLI, the GUI and the
// reports compute the same verdict from the same results.
package verdict

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Alpha is the significance level of every test and interval (95 %).
const Alpha = 0.05

// z975 is the 97.5th percentile of the standard normal distribution.
var z975 = NormalQuantile(1 - Alpha/2)

// NormalQuantile is the inverse of the standard normal distribution function.
func NormalQuantile(p float64) float64 {
	return math.Sqrt2 * math.Erfinv(2*p-1)
}

// Wilson is the 95 % Wilson score interval of a proportion p̂ = passed/n
// (Wilson 1927; Newcombe 1998, method 3). passed may be fractional: a case
// run several times counts once, with its repeats averaged.
//
//	centre = (p̂ + z²/2n) / (1 + z²/n)
//	half   = z/(1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²)
//
// With n = 0 the interval is [0, 1]: nothing is known.
func Wilson(passed, n float64) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	p := passed / n
	z := z975
	z2 := z * z
	den := 1 + z2/n
	centre := (p + z2/(2*n)) / den
	half := z / den * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	return math.Max(0, centre-half), math.Min(1, centre+half)
}

// McNemarExact is the two-sided exact McNemar test on the discordant pairs:
// b cases only the first candidate passed, c cases only the second passed.
// Under the null hypothesis of equal accuracy the b+c discordant cases split
// like a fair coin, so p = min(1, 2·P(X ≤ min(b,c))) with X ~ Binomial(b+c, ½)
// (McNemar 1947; the exact form as in Fagerland, Lydersen & Laake 2013).
// No discordant case at all gives p = 1.
func McNemarExact(b, c int) float64 {
	n := b + c
	if n == 0 {
		return 1
	}
	k := min(b, c)
	// P(X ≤ k) = Σ C(n,i) / 2^n, summed in log space so large n is exact enough.
	var sum float64
	for i := 0; i <= k; i++ {
		sum += math.Exp(logChoose(n, i) - float64(n)*math.Ln2)
	}
	return math.Min(1, 2*sum)
}

func logChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// Holm adjusts p-values for m comparisons made together (Holm 1979): sorted
// ascending, the i-th (from 1) becomes max over j ≤ i of min(1, (m−j+1)·p_j).
// A comparison is significant at Alpha when its adjusted p is below Alpha;
// this controls the chance of any false "worse" across all candidates.
func Holm(ps []float64) []float64 {
	m := len(ps)
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return ps[idx[a]] < ps[idx[b]] })
	out := make([]float64, m)
	running := 0.0
	for rank, i := range idx {
		adj := math.Min(1, float64(m-rank)*ps[i])
		running = math.Max(running, adj)
		out[i] = running
	}
	return out
}

// BootstrapResamples is how many resamples the bootstrap draws.
const BootstrapResamples = 2000

// bootstrapSeed makes every bootstrap deterministic: the same results give
// the same interval and p-value on every machine and every run.
const bootstrapSeed = 20261201

func newRand() *rand.Rand { return rand.New(rand.NewPCG(bootstrapSeed, bootstrapSeed>>1)) }

// BootstrapMean is the mean of xs with a 95 % percentile bootstrap interval
// (Efron & Tibshirani 1993, ch. 13): B resamples of the cases with
// replacement, the 2.5th and 97.5th percentiles of their means.
func BootstrapMean(xs []float64, b int) (mean, lo, hi float64) {
	n := len(xs)
	if n == 0 {
		return 0, 0, 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(n)
	r := newRand()
	means := make([]float64, b)
	for i := range means {
		var s float64
		for j := 0; j < n; j++ {
			s += xs[r.IntN(n)]
		}
		means[i] = s / float64(n)
	}
	sort.Float64s(means)
	return mean, quantileSorted(means, Alpha/2), quantileSorted(means, 1-Alpha/2)
}

// PairedBootstrap compares two candidates on the same cases: d[i] is the
// first one's score minus the second's on case i. It resamples the cases
// (B times, with replacement, seeded) and returns the mean difference, its
// 95 % percentile interval and a two-sided p-value,
//
//	p = min(1, 2 · min(#{d* ≤ 0}+1, #{d* ≥ 0}+1) / (B+1)),
//
// the share of resampled differences on the far side of zero (Koehn 2004's
// paired bootstrap for system comparison; the +1 keeps p above zero). All
// differences zero gives p = 1.
func PairedBootstrap(d []float64, b int) (mean, lo, hi, p float64) {
	n := len(d)
	if n == 0 {
		return 0, 0, 0, 1
	}
	allZero := true
	for _, x := range d {
		mean += x
		if x != 0 {
			allZero = false
		}
	}
	mean /= float64(n)
	if allZero {
		return 0, 0, 0, 1
	}
	r := newRand()
	means := make([]float64, b)
	le, ge := 0, 0
	for i := range means {
		var s float64
		for j := 0; j < n; j++ {
			s += d[r.IntN(n)]
		}
		m := s / float64(n)
		means[i] = m
		if m <= 0 {
			le++
		}
		if m >= 0 {
			ge++
		}
	}
	sort.Float64s(means)
	p = math.Min(1, 2*float64(min(le, ge)+1)/float64(b+1))
	return mean, quantileSorted(means, Alpha/2), quantileSorted(means, 1-Alpha/2), p
}

// quantileSorted is the q-quantile of sorted xs: the value at rank
// ceil(q·n) (from 1), the usual percentile-bootstrap convention.
func quantileSorted(xs []float64, q float64) float64 {
	n := len(xs)
	k := int(math.Ceil(q*float64(n))) - 1
	return xs[max(0, min(n-1, k))]
}

// MinRequests is the fewest requests a q-percentile (0 < q < 1) needs for a
// two-sided 95 % distribution-free interval: ceil(log(α/2) / log(q)). That is
// 72 for p95 and 368 for p99 (GuideLLM, docs/en/guides/metrics.md, "Why a
// percentile interval can be absent").
func MinRequests(q float64) int {
	return int(math.Ceil(math.Log(Alpha/2) / math.Log(q)))
}

// Percentile is the q-percentile (0 < q < 1) of xs as the order statistic
// at rank ceil(q·n), with its 95 % distribution-free interval: the order
// statistics at ranks l and u (from 1) around it where, for X ~ Binomial(n, q),
// P(X < l) ≤ α/2 and P(X ≥ u) ≤ α/2 (the binomial interval for a quantile,
// e.g. Conover 1999 §3.2). ok is false when len(xs) < MinRequests(q): then
// no figure is given at all, since the sample cannot bound it.
func Percentile(xs []float64, q float64) (value, lo, hi float64, ok bool) {
	n := len(xs)
	if n == 0 || n < MinRequests(q) {
		return 0, 0, 0, false
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	rank := int(math.Ceil(q * float64(n)))
	value = s[max(1, rank)-1]
	// cdf[k] = P(X ≤ k), built in one pass from the binomial pmf's
	// recurrence in log space (p(i+1) = p(i)·(n−i)/(i+1)·q/(1−q)).
	cdf := make([]float64, n+1)
	lp := float64(n) * math.Log1p(-q)
	lr := math.Log(q) - math.Log1p(-q)
	acc := 0.0
	for i := 0; i <= n; i++ {
		acc += math.Exp(lp)
		cdf[i] = math.Min(1, acc)
		if i < n {
			lp += math.Log(float64(n-i)) - math.Log(float64(i+1)) + lr
		}
	}
	// Lower rank: the largest l with P(X ≤ l−1) ≤ α/2.
	l := 1
	for k := 1; k <= n && cdf[k-1] <= Alpha/2; k++ {
		l = k
	}
	// Upper rank: the smallest u with P(X ≥ u) ≤ α/2, i.e. P(X ≤ u−1) ≥ 1−α/2.
	u := n
	for k := rank; k <= n; k++ {
		if cdf[k-1] >= 1-Alpha/2 {
			u = k
			break
		}
	}
	return value, s[l-1], s[u-1], true
}

// Power is the power the minimum detectable difference is computed for.
const Power = 0.80

// sigmaDiff is the standard deviation assumed for the per-case difference of
// two candidates' pass/fail: 0.5, which is what two models that disagree on a
// quarter of the cases give (the variance of a −1/0/+1 difference is the
// share of discordant cases minus the squared mean difference).
const sigmaDiff = 0.5

// MinDetectableDiff is the smallest difference in pass rate that n paired
// cases detect with 80 % power at a two-sided 5 % level, by the normal
// approximation for a paired mean difference:
//
//	d = (z_{1−α/2} + z_{power}) · σ_d / √n,  σ_d = 0.5
//
// (e.g. Chow, Shao & Wang, "Sample Size Calculations in Clinical Research",
// §3.1, paired one-sample design). 40 cases give about 0.22, 160 about 0.11,
// 400 about 0.07.
func MinDetectableDiff(n int) float64 {
	if n <= 0 {
		return 1
	}
	return math.Min(1, (z975+NormalQuantile(Power))*sigmaDiff/math.Sqrt(float64(n)))
}

// CasesFor is the number of cases MinDetectableDiff needs to detect d.
func CasesFor(d float64) int {
	if d <= 0 {
		return 0
	}
	k := (z975 + NormalQuantile(Power)) * sigmaDiff / d
	return int(math.Ceil(k * k))
}

// CasesToClear is the number of cases at which a pass rate of p would have
// its Wilson lower bound at or above bar: how many examples in total would
// make "reaches the bar" sure, if the rate held. 0 when p is not above bar
// (no number of cases would do), capped at maxCases.
func CasesToClear(p, bar float64, maxCases int) int {
	if p <= bar {
		return 0
	}
	lo, hi := 1, maxCases
	if l, _ := Wilson(p*float64(hi), float64(hi)); l < bar {
		return 0
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if l, _ := Wilson(p*float64(mid), float64(mid)); l >= bar {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
