package advisor

import (
	"math"
	"sort"
)

// Kinds of step of a capacity test (shared/contract/answers.md, "Capacity").
// A sweep runs, as GuideLLM's sweep profile does, one request at a time
// (synchronous), then as many at once as the test allows (throughput), then
// constant or Poisson arrivals at rates spaced evenly between the two
// measured rates.
const (
	LoadSynchronous = "synchronous"
	LoadThroughput  = "throughput"
	LoadConstant    = "constant"
	LoadPoisson     = "poisson"
)

// SLOShare is the share of requests that must meet the latency target for an
// offered rate to count as sustainable.
const SLOShare = 0.95

// DefaultPeakFactor is how many times the day's average rate the busiest
// moment reaches when the user does not say: a working day's requests sent
// in its busiest eight hours (24 / 8).
const DefaultPeakFactor = 3.0

// LoadTarget is the latency a request must meet to count as served well:
// the acceptance block's first_answer_p95_ms and total_p95_ms (0: no limit).
type LoadTarget struct {
	FirstAnswerMs float64 `json:"first_answer_p95_ms,omitempty"`
	TotalMs       float64 `json:"total_p95_ms,omitempty"`
}

// Set reports whether the target limits anything.
func (t LoadTarget) Set() bool { return t.FirstAnswerMs > 0 || t.TotalMs > 0 }

// Met reports whether one request met the target; a failed request never does.
func (t LoadTarget) Met(s LoadSample) bool {
	if s.Failed {
		return false
	}
	if t.FirstAnswerMs > 0 && (s.FirstAnswerMs <= 0 || s.FirstAnswerMs > t.FirstAnswerMs) {
		return false
	}
	if t.TotalMs > 0 && s.TotalMs > t.TotalMs {
		return false
	}
	return true
}

// LoadSample is one request of a capacity test. Times run from the moment
// the request was due (its arrival), so a request that waited for a free
// connection carries that wait: an overloaded client cannot hide the queue.
type LoadSample struct {
	FirstAnswerMs float64 `json:"first_answer_ms"` // 0 when no answer token came
	TotalMs       float64 `json:"total_ms"`
	Failed        bool    `json:"failed,omitempty"`
	Cut           bool    `json:"cut,omitempty"` // cut at the step's time limit (also Failed)
	EndS          float64 `json:"end_s"`         // seconds from the step's start to the end
}

// LoadStep is one step of a capacity test: what was offered, what the
// endpoint achieved, and how the requests fared against the target.
type LoadStep struct {
	Kind        string  `json:"kind"`        // synchronous | throughput | constant | poisson
	OfferedRPS  float64 `json:"offered_rps"` // the arrival rate; synchronous and throughput steps: their achieved rate
	AchievedRPS float64 `json:"achieved_rps"`
	Concurrency int     `json:"concurrency"` // most requests in flight at once
	Requests    int     `json:"requests"`
	Errors      int     `json:"errors"` // failed requests, the cut ones included
	Cut         int     `json:"cut"`    // requests still running at the step's time limit
	DurationS   float64 `json:"duration_s"`
	// Percentiles of the successful requests, null when there are too few
	// of them to support one; each p95 with its distribution-free 95 %
	// interval [low, high] (a null end: too few requests for that end).
	FirstAnswerP50Ms *float64    `json:"first_answer_p50_ms"`
	FirstAnswerP95Ms *float64    `json:"first_answer_p95_ms"`
	FirstAnswerP95CI [2]*float64 `json:"first_answer_p95_ci"`
	TotalP50Ms       *float64    `json:"total_p50_ms"`
	TotalP95Ms       *float64    `json:"total_p95_ms"`
	TotalP95CI       [2]*float64 `json:"total_p95_ci"`
	// SLOAttainment is the share of the step's requests (errors count as
	// misses) that met the target; null without a target.
	SLOAttainment *float64 `json:"slo_attainment"`

	Samples []LoadSample `json:"samples,omitempty"`
}

// Meets reports whether the step met the target for at least SLOShare of
// its requests.
func (s LoadStep) Meets() bool {
	return s.SLOAttainment != nil && *s.SLOAttainment >= SLOShare && s.Requests > 0
}

// LoadResult is a whole capacity test: the `load --json` object.
type LoadResult struct {
	Endpoint string     `json:"endpoint"`
	Model    string     `json:"model"`
	Arrival  string     `json:"arrival"` // constant | poisson
	Steps    []LoadStep `json:"steps"`
	// MaxThroughputRPS is the saturation throughput: the highest rate of
	// successful requests any step achieved.
	MaxThroughputRPS float64 `json:"max_throughput_rps"`
	// SustainableRPS is the highest offered rate whose requests met the
	// target at least 95 % of the time; null without a target or when no
	// step met it.
	SustainableRPS *float64   `json:"sustainable_rps"`
	Target         LoadTarget `json:"target"`
	// PeakRPSNeeded is the user's busiest rate: VolumePerDay / 86,400 ×
	// PeakFactor; null when the volume is not known.
	PeakRPSNeeded *float64 `json:"peak_rps_needed"`
	VolumePerDay  float64  `json:"volume_per_day,omitempty"`
	PeakFactor    float64  `json:"peak_factor"`
	// Carries is true when the sustainable rate reaches the peak, false
	// when it does not, null when either is unknown.
	Carries  *bool   `json:"carries"`
	WarmupMs float64 `json:"warmup_ms,omitempty"` // the unmeasured first request ("model load")
}

// SummarizeStep computes a step's figures from its samples; elapsed is the
// step's length in seconds (start to its last request's end).
func SummarizeStep(kind string, offered float64, samples []LoadSample, concurrency int, elapsed float64, target LoadTarget) LoadStep {
	st := LoadStep{Kind: kind, OfferedRPS: offered, Concurrency: concurrency, Requests: len(samples), DurationS: elapsed, Samples: samples}
	var first, total []float64
	met := 0
	var lastEnd float64
	for _, s := range samples {
		if s.Cut {
			st.Cut++
		}
		if s.Failed {
			st.Errors++
		} else {
			total = append(total, s.TotalMs)
			if s.FirstAnswerMs > 0 {
				first = append(first, s.FirstAnswerMs)
			}
			lastEnd = max(lastEnd, s.EndS)
		}
		if target.Met(s) {
			met++
		}
	}
	if ok := len(total); ok > 0 && lastEnd > 0 {
		st.AchievedRPS = float64(ok) / lastEnd
	}
	if kind == LoadSynchronous || kind == LoadThroughput {
		st.OfferedRPS = st.AchievedRPS
	}
	st.FirstAnswerP50Ms, st.FirstAnswerP95Ms, st.FirstAnswerP95CI = percentiles(first)
	st.TotalP50Ms, st.TotalP95Ms, st.TotalP95CI = percentiles(total)
	if target.Set() && len(samples) > 0 {
		a := float64(met) / float64(len(samples))
		st.SLOAttainment = &a
	}
	return st
}

func percentiles(xs []float64) (p50, p95 *float64, ci [2]*float64) {
	p50 = SupportedPercentile(xs, 50)
	p95 = SupportedPercentile(xs, 95)
	if p95 != nil {
		ci[0], ci[1] = PercentileCI(xs, 95)
	}
	return
}

// SupportedPercentile is Percentile, or nil when the sample is too small to
// support it: the p-th percentile needs at least one value beyond it on
// each side that is not a single extreme, i.e. n ≥ 100 / min(p, 100 − p)
// (20 values for a p95, 2 for the median).
func SupportedPercentile(xs []float64, p float64) *float64 {
	tail := math.Min(p, 100-p)
	if len(xs) == 0 || tail <= 0 || float64(len(xs)) < 100/tail {
		return nil
	}
	v := Percentile(xs, p)
	return &v
}

// PercentileCI is the distribution-free 95 % interval of the p-th
// percentile: the order statistics whose ranks bound the binomial count of
// values below it (normal approximation, ranks rounded outwards). An end
// the sample cannot reach is nil.
func PercentileCI(xs []float64, p float64) (lo, hi *float64) {
	n := len(xs)
	if n == 0 {
		return nil, nil
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	q := p / 100
	half := 1.96 * math.Sqrt(float64(n)*q*(1-q))
	l := int(math.Floor(float64(n)*q - half))  // 1-based rank
	u := int(math.Ceil(float64(n)*q+half)) + 1 // 1-based rank
	if l >= 1 {
		v := s[l-1]
		lo = &v
	}
	if u <= n {
		v := s[u-1]
		hi = &v
	}
	return lo, hi
}

// SweepRates are the rates a sweep offers after its synchronous and
// throughput steps: size − 2 rates spaced evenly from the synchronous rate
// (left out, it was just measured) to the throughput rate (included), as
// GuideLLM's SweepProfile spaces them.
func SweepRates(syncRPS, throughputRPS float64, size int) []float64 {
	n := size - 1 // points from sync to throughput, both ends included
	if n < 2 || throughputRPS <= 0 {
		return nil
	}
	if syncRPS <= 0 {
		syncRPS = throughputRPS / float64(n)
	}
	var out []float64
	for i := 1; i < n; i++ {
		r := syncRPS + (throughputRPS-syncRPS)*float64(i)/float64(n-1)
		if r > 0 {
			out = append(out, r)
		}
	}
	return out
}

// Finish fills in the result's summary figures from its steps: the
// saturation throughput, the sustainable rate and whether it carries the
// user's peak (volumePerDay / 86,400 × peakFactor; peakFactor ≤ 0 means
// DefaultPeakFactor).
func (r *LoadResult) Finish(volumePerDay, peakFactor float64) {
	if peakFactor <= 0 {
		peakFactor = DefaultPeakFactor
	}
	r.PeakFactor, r.VolumePerDay = peakFactor, volumePerDay
	r.MaxThroughputRPS, r.SustainableRPS, r.PeakRPSNeeded, r.Carries = 0, nil, nil, nil
	for _, s := range r.Steps {
		r.MaxThroughputRPS = max(r.MaxThroughputRPS, s.AchievedRPS)
		if s.Meets() && (r.SustainableRPS == nil || s.OfferedRPS > *r.SustainableRPS) {
			v := s.OfferedRPS
			r.SustainableRPS = &v
		}
	}
	if volumePerDay > 0 {
		v := volumePerDay / 86400 * peakFactor
		r.PeakRPSNeeded = &v
	}
	if r.PeakRPSNeeded != nil && r.Target.Set() {
		c := r.SustainableRPS != nil && *r.SustainableRPS >= *r.PeakRPSNeeded
		r.Carries = &c
	}
}

// VolumePerDay is the number of requests a day the engine assumes for an
// answers' volume band (the same figure its cost estimates use); 0 when the
// band is unknown.
func VolumePerDay(band string) float64 {
	switch band {
	case "lt_100", "100_10k", "10k_1m", "gt_1m":
		return usageFor(Answers{Volume: band}).requestsPerDay
	}
	return 0
}
