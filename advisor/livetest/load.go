package livetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	openai "github.com/sashabaranov/go-openai"
)

// Defaults of a capacity test.
const (
	DefaultSweepSize      = 6   // synchronous, throughput and 4 rates between
	DefaultStepRequests   = 60  // at most this many requests per step
	DefaultStepSeconds    = 30  // sending stops after this long
	DefaultLoadConcurrent = 32  // the throughput step's requests in flight
	maxLoadInFlight       = 512 // no step holds more connections than this
)

// LoadOptions is a capacity test of one endpoint of a plan.
type LoadOptions struct {
	// Endpoint names the plan's endpoint; the first one with chat cases
	// when empty.
	Endpoint string
	// Rates are the offered rates (requests per second), in order; empty
	// runs a sweep of SweepSize steps (default 6): one request at a time,
	// then Concurrency at once, then rates evenly between the two.
	Rates     []float64
	SweepSize int
	// Arrival is constant (default: evenly spaced) or poisson (random gaps,
	// the way independent users arrive; seeded by Seed).
	Arrival string
	Seed    uint64
	// Every step sends at most StepRequests requests (default 60) for at
	// most StepSeconds (default 30); requests still running half that time
	// again after sending stopped are cut and count as misses, so each
	// step ends within 1.5 × StepSeconds and the run by itself.
	StepRequests int
	StepSeconds  float64
	// Concurrency is the throughput step's requests in flight (default 32).
	Concurrency int
	// Target is the latency a request must meet (the plan's acceptance).
	Target advisor.LoadTarget
	// VolumePerDay and PeakFactor give the user's peak rate.
	VolumePerDay float64
	PeakFactor   float64

	Keys       func(advisor.Endpoint) (string, error)
	HTTPClient *http.Client
	// AllowKeyEnvs are the key variables the user confirmed although their
	// names do not say API key (as Options.AllowKeyEnvs of a live test).
	AllowKeyEnvs []string
	// OnProgress is called after each request, one call at a time; OnStep
	// after each step (to commit it). Neither may block.
	OnProgress func(LoadProgress)
	OnStep     func(index int, s advisor.LoadStep)
}

// LoadProgress is where a capacity test stands.
type LoadProgress struct {
	Step, Steps  int // 1-based step; Steps is the planned number
	Kind         string
	OfferedRPS   float64 // 0 for the synchronous and throughput steps
	Done, Errors int     // requests of this step
	StepRequests int
	Elapsed      time.Duration // of the whole test
	Warmup       bool          // the warm-up request is running
}

// ValidateLoad checks the options against the plan and returns the endpoint.
func ValidateLoad(p advisor.Plan, opt LoadOptions) (advisor.Endpoint, error) {
	var ep *advisor.Endpoint
	for _, s := range p.Sets() {
		if s.Kind != advisor.CaseKindChat || len(s.Cases) == 0 {
			continue
		}
		for i := range s.Endpoints {
			if opt.Endpoint == "" || s.Endpoints[i].Name == opt.Endpoint {
				e := s.Endpoints[i]
				ep = &e
				break
			}
		}
		if ep != nil {
			break
		}
	}
	if ep == nil {
		if opt.Endpoint != "" {
			return advisor.Endpoint{}, &PlanError{Field: "--endpoint", Msg: fmt.Sprintf("%q is not an endpoint of the plan with chat cases", opt.Endpoint)}
		}
		return advisor.Endpoint{}, &PlanError{Field: "cases", Msg: "a capacity test needs chat cases (their inputs are the requests)"}
	}
	for _, r := range opt.Rates {
		if !(r > 0) || r > 10000 {
			return *ep, &PlanError{Field: "--rates", Msg: fmt.Sprintf("%g is not a rate; give requests per second above 0 and at most 10000, e.g. 1,2,5,10", r)}
		}
	}
	switch opt.Arrival {
	case "", advisor.LoadConstant, advisor.LoadPoisson:
	default:
		return *ep, &PlanError{Field: "arrival", Msg: fmt.Sprintf("%q: use constant or poisson", opt.Arrival)}
	}
	if opt.SweepSize != 0 && (opt.SweepSize < 3 || opt.SweepSize > 20) {
		return *ep, &PlanError{Field: "sweep size", Msg: fmt.Sprintf("%d: a sweep has 3 to 20 steps", opt.SweepSize)}
	}
	if opt.StepRequests < 0 || opt.StepSeconds < 0 || opt.Concurrency < 0 || opt.PeakFactor < 0 || opt.VolumePerDay < 0 {
		return *ep, &PlanError{Field: "load options", Msg: "step requests, step seconds, concurrency, volume and peak factor cannot be negative"}
	}
	// The same rule as a live test: a variable whose name does not say API
	// key is sent only when the user confirmed it (*UnconfirmedKeyEnvError).
	if err := CheckKeyEnv(*ep, opt.AllowKeyEnvs); err != nil {
		return *ep, err
	}
	return *ep, nil
}

func (o *LoadOptions) defaults() {
	if o.SweepSize == 0 {
		o.SweepSize = DefaultSweepSize
	}
	if o.Arrival == "" {
		o.Arrival = advisor.LoadConstant
	}
	if o.StepRequests == 0 {
		o.StepRequests = DefaultStepRequests
	}
	if o.StepSeconds == 0 {
		o.StepSeconds = DefaultStepSeconds
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultLoadConcurrent
	}
	o.Concurrency = min(o.Concurrency, maxLoadInFlight)
}

// Load runs a capacity test: the plan's chat cases (zero-shot, in turn) are
// sent to one endpoint in steps of rising load, and each step reports its
// achieved throughput, latency percentiles and the share of requests that
// met the target. The plan's warmup sends one unmeasured request first; its
// cold_prompts makes every prompt unique. Requests are not retried (a
// retry would hide the overload being measured) and nothing is scored.
// Cancelling ctx stops at once; the steps finished so far are returned
// with ctx's error.
func Load(ctx context.Context, p advisor.Plan, opt LoadOptions) (advisor.LoadResult, error) {
	p = clonePlan(p)
	Defaults(&p)
	ep, err := ValidateLoad(p, opt)
	if err != nil {
		return advisor.LoadResult{}, err
	}
	opt.defaults()
	keys := opt.Keys
	if keys == nil {
		keys = LookupKey
	}
	key, err := keys(ep)
	if err != nil {
		return advisor.LoadResult{}, fmt.Errorf("endpoint %s: %w", ep.Name, err)
	}
	hc := opt.HTTPClient
	if hc == nil {
		hc = defaultHTTPClient()
	}
	l := &loader{p: p, opt: opt, ep: ep, key: key, client: newClient(ep, key, hc), start: time.Now(), salt: randomSalt()}
	timeout := time.Duration(p.TimeoutSeconds) * time.Second
	l.timeout = timeout
	for _, s := range p.Sets() {
		if s.Kind != advisor.CaseKindChat || !slices.ContainsFunc(s.Endpoints, func(e advisor.Endpoint) bool { return e.Name == ep.Name }) {
			continue
		}
		for _, c := range s.Cases {
			l.prompts = append(l.prompts, buildMessages(p, advisor.StrategyZeroShot, c, nil))
		}
	}
	res := advisor.LoadResult{Endpoint: ep.Name, Model: ep.Model, Arrival: opt.Arrival, Target: opt.Target}
	steps := len(opt.Rates)
	if steps == 0 {
		steps = opt.SweepSize
	}
	l.steps = steps
	finish := func(err error) (advisor.LoadResult, error) {
		res.Finish(opt.VolumePerDay, opt.PeakFactor)
		return res, err
	}
	if p.WarmupOn() {
		l.progress(LoadProgress{Warmup: true, Steps: steps})
		s := l.send(ctx, time.Now(), max(timeout, warmupTimeout))
		if ctx.Err() != nil {
			return finish(ctx.Err())
		}
		res.WarmupMs = s.TotalMs
	}
	add := func(st advisor.LoadStep) {
		res.Steps = append(res.Steps, st)
		if opt.OnStep != nil {
			opt.OnStep(len(res.Steps)-1, st)
		}
	}
	if len(opt.Rates) > 0 {
		for _, r := range opt.Rates {
			st := l.arrivals(ctx, len(res.Steps)+1, opt.Arrival, r)
			if ctx.Err() != nil {
				return finish(ctx.Err())
			}
			add(st)
		}
		return finish(nil)
	}
	sync := l.closed(ctx, 1, advisor.LoadSynchronous, 1)
	if ctx.Err() != nil {
		return finish(ctx.Err())
	}
	add(sync)
	thr := l.closed(ctx, 2, advisor.LoadThroughput, opt.Concurrency)
	if ctx.Err() != nil {
		return finish(ctx.Err())
	}
	add(thr)
	if sync.AchievedRPS <= 0 && thr.AchievedRPS <= 0 {
		return finish(errors.New("capacity test: no request succeeded in the first two steps; see the errors of the steps"))
	}
	for _, r := range advisor.SweepRates(sync.AchievedRPS, thr.AchievedRPS, opt.SweepSize) {
		st := l.arrivals(ctx, len(res.Steps)+1, opt.Arrival, r)
		if ctx.Err() != nil {
			return finish(ctx.Err())
		}
		add(st)
	}
	return finish(nil)
}

type loader struct {
	p       advisor.Plan
	opt     LoadOptions
	ep      advisor.Endpoint
	key     string
	client  *openai.Client
	timeout time.Duration
	prompts [][]openai.ChatCompletionMessage
	next    atomic.Int64 // the next prompt
	salt    string
	nonce   atomic.Int64
	start   time.Time
	steps   int

	mu sync.Mutex // one OnProgress call at a time
}

func (l *loader) progress(p LoadProgress) {
	if l.opt.OnProgress == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	p.Elapsed = time.Since(l.start)
	l.opt.OnProgress(p)
}

// send sends the next prompt; due is when the request was due to arrive,
// the start of its times.
func (l *loader) send(ctx context.Context, due time.Time, timeout time.Duration) advisor.LoadSample {
	src := l.prompts[int(l.next.Add(1)-1)%len(l.prompts)]
	msgs := slices.Clone(src)
	if l.p.ColdPrompts {
		msgs[0].Content = fmt.Sprintf("[request %s-%d]\n", l.salt, l.nonce.Add(1)) + msgs[0].Content
	}
	req := chatRequest(l.ep.Model, msgs, l.p.MaxTokens, l.p.Temperature)
	a, ce := streamChat(ctx, l.client, req, timeout, retryPolicy{Max: 0, MaxSafe: 2})
	end := time.Now()
	s := advisor.LoadSample{TotalMs: ms(end.Sub(due))}
	if ce != nil {
		s.Failed = true
		return s
	}
	if a.TTFAT > 0 {
		// TTFAT runs from the moment the request was written; move its start
		// to the moment it was due.
		s.FirstAnswerMs = ms(a.Wrote.Add(a.TTFAT).Sub(due))
	}
	return s
}

// stepRun is one step's shared state.
type stepRun struct {
	l        *loader
	idx      int
	kind     string
	offered  float64
	start    time.Time
	mu       sync.Mutex
	samples  []advisor.LoadSample
	errors   int
	inflight atomic.Int64
	peak     atomic.Int64
}

func (l *loader) newStep(idx int, kind string, offered float64) *stepRun {
	return &stepRun{l: l, idx: idx, kind: kind, offered: offered, start: time.Now()}
}

// deadlines: sending stops at the first, requests are cut at the second.
func (s *stepRun) deadlines() (stopSending, cut time.Time) {
	d := time.Duration(s.l.opt.StepSeconds * float64(time.Second))
	return s.start.Add(d), s.start.Add(d + d/2)
}

func (s *stepRun) one(ctx, stepCtx context.Context, due time.Time) {
	n := s.inflight.Add(1)
	for {
		p := s.peak.Load()
		if n <= p || s.peak.CompareAndSwap(p, n) {
			break
		}
	}
	smp := s.l.send(stepCtx, due, s.l.timeout)
	s.inflight.Add(-1)
	if ctx.Err() != nil {
		return // cancelled by the user: not a sample
	}
	if stepCtx.Err() != nil && smp.Failed {
		smp.Cut = true
	}
	smp.EndS = time.Since(s.start).Seconds()
	s.mu.Lock()
	s.samples = append(s.samples, smp)
	if smp.Failed {
		s.errors++
	}
	done, errs := len(s.samples), s.errors
	s.mu.Unlock()
	s.l.progress(LoadProgress{Step: s.idx, Steps: s.l.steps, Kind: s.kind, OfferedRPS: s.offered, Done: done, Errors: errs, StepRequests: s.l.opt.StepRequests})
}

func (s *stepRun) summary() advisor.LoadStep {
	s.mu.Lock()
	defer s.mu.Unlock()
	return advisor.SummarizeStep(s.kind, s.offered, s.samples, int(s.peak.Load()), time.Since(s.start).Seconds(), s.l.opt.Target)
}

// closed runs a closed-loop step: workers requests in flight, each sending
// its next as soon as the last ended (1: the synchronous step).
func (l *loader) closed(ctx context.Context, idx int, kind string, workers int) advisor.LoadStep {
	s := l.newStep(idx, kind, 0)
	stop, cut := s.deadlines()
	stepCtx, cancel := context.WithDeadline(ctx, cut)
	defer cancel()
	var sent atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, l.opt.StepRequests) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(stop) && sent.Add(1) <= int64(l.opt.StepRequests) {
				s.one(ctx, stepCtx, time.Now())
			}
		}()
	}
	wg.Wait()
	return s.summary()
}

// arrivals runs an open-loop step: requests arrive at rate per second,
// evenly spaced (constant) or with exponential gaps (poisson), whether or
// not the earlier ones have ended — the way users arrive.
func (l *loader) arrivals(ctx context.Context, idx int, arrival string, rate float64) advisor.LoadStep {
	s := l.newStep(idx, arrival, rate)
	stop, cut := s.deadlines()
	stepCtx, cancel := context.WithDeadline(ctx, cut)
	defer cancel()
	rng := rand.New(rand.NewPCG(l.opt.Seed, uint64(idx)))
	slots := make(chan struct{}, maxLoadInFlight)
	var wg sync.WaitGroup
	at := s.start
	for i := 0; i < l.opt.StepRequests; i++ {
		if i > 0 {
			gap := 1 / rate
			if arrival == advisor.LoadPoisson {
				gap = rng.ExpFloat64() / rate
			}
			at = at.Add(time.Duration(gap * float64(time.Second)))
		}
		if !at.Before(stop) {
			break
		}
		if wait := time.Until(at); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
		}
		if ctx.Err() != nil {
			break
		}
		due := at
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The wait for a free slot counts: the request was due at due.
			select {
			case slots <- struct{}{}:
			case <-stepCtx.Done():
				s.one(ctx, stepCtx, due) // fails at once as cut
				return
			}
			defer func() { <-slots }()
			s.one(ctx, stepCtx, due)
		}()
	}
	wg.Wait()
	return s.summary()
}
