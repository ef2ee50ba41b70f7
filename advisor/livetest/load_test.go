package livetest

import (
	"context"
	"io"
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// slotServer serves at most slots requests at a time, each taking hold to
// answer; the others wait their turn (a model server's batch size). It
// counts the requests it saw.
func slotServer(t *testing.T, slots int, hold time.Duration) (string, *atomic.Int64) {
	sem := make(chan struct{}, slots)
	var n atomic.Int64
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		n.Add(1)
		select {
		case sem <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		defer func() { <-sem }()
		select {
		case <-time.After(hold):
		case <-r.Context().Done():
			return
		}
		sse(w, chunk("It is ", ""), chunk("4.", "stop"), `{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}`)
	}))
	return srv.URL, &n
}

func loadPlan(url string) advisor.Plan {
	p := plan(url)
	p.Cases = append(p.Cases, advisor.Case{Input: "And 3+3?"}, advisor.Case{Input: "And 4+4?"})
	off := false
	p.Warmup = &off
	return p
}

// TestLoadSaturation: a server that serves 4 requests at a time at 200 ms
// each carries 4 / 0.2 s = 20 requests/s; the sweep's saturation
// throughput must come within 10 % of it, and the sweep must keep its
// bounds: SweepSize steps, at most StepRequests each, each over within
// 1.5 × StepSeconds (plus scheduling slack), the rates between
// synchronous and throughput spaced as GuideLLM's sweep spaces them.
func TestLoadSaturation(t *testing.T) {
	url, _ := slotServer(t, 4, 200*time.Millisecond)
	opt := LoadOptions{SweepSize: 4, StepRequests: 40, StepSeconds: 2, Concurrency: 16,
		Keys: func(advisor.Endpoint) (string, error) { return "", nil }}
	var steps []int
	opt.OnStep = func(i int, s advisor.LoadStep) { steps = append(steps, i) }
	res, err := Load(context.Background(), loadPlan(url), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Steps) != 4 || len(steps) != 4 {
		t.Fatalf("%d steps (%d committed), want 4", len(res.Steps), len(steps))
	}
	if res.Steps[0].Kind != advisor.LoadSynchronous || res.Steps[1].Kind != advisor.LoadThroughput || res.Steps[2].Kind != advisor.LoadConstant {
		t.Errorf("kinds %s %s %s", res.Steps[0].Kind, res.Steps[1].Kind, res.Steps[2].Kind)
	}
	if got := res.MaxThroughputRPS; math.Abs(got-20) > 2 {
		t.Errorf("saturation throughput %.2f req/s, want 20 ± 10%%", got)
	}
	// One at a time at 200 ms: 5 requests/s.
	if got := res.Steps[0].AchievedRPS; math.Abs(got-5) > 0.5 {
		t.Errorf("synchronous %.2f req/s, want 5 ± 10%%", got)
	}
	if res.Steps[0].Concurrency != 1 {
		t.Errorf("synchronous step had %d in flight", res.Steps[0].Concurrency)
	}
	// linspace(sync, throughput, 3)[1:]: the midpoint, then the throughput rate.
	sync, thr := res.Steps[0].AchievedRPS, res.Steps[1].AchievedRPS
	if got, want := res.Steps[2].OfferedRPS, (sync+thr)/2; math.Abs(got-want) > 1e-9 {
		t.Errorf("third step offered %.3f, want the midpoint %.3f", got, want)
	}
	if got := res.Steps[3].OfferedRPS; math.Abs(got-thr) > 1e-9 {
		t.Errorf("last step offered %.3f, want the throughput rate %.3f", got, thr)
	}
	for i, s := range res.Steps {
		if s.Requests > 40 || s.Requests == 0 {
			t.Errorf("step %d: %d requests, bound 40", i, s.Requests)
		}
		if s.DurationS > 3+0.5 {
			t.Errorf("step %d lasted %.2f s, bound 1.5 × 2 s", i, s.DurationS)
		}
	}
	if res.SustainableRPS != nil || res.Steps[0].SLOAttainment != nil {
		t.Error("without a target there is no sustainable rate or attainment")
	}
}

// TestLoadSustainable: with a target of 800 ms end to end, rates the
// 20 requests/s server absorbs without queueing (5, 10 and 15 a second:
// at most 3 of its 4 slots busy, each answer in 200 ms) meet it; at 60 a
// second requests queue: request i arrives at i/60 s and ends at
// 0.2·⌈(i+1)/4⌉ s, so from i = 20 on it waits more than 800 ms and 20 of
// the 40 miss. The target leaves 600 ms for a loaded machine's overhead on
// the rates that must pass. The sustainable rate is 15; the user's peak of
// 432,000 requests a day × 3 / 86,400 = 15 requests/s is carried.
func TestLoadSustainable(t *testing.T) {
	url, _ := slotServer(t, 4, 200*time.Millisecond)
	opt := LoadOptions{Rates: []float64{5, 10, 15, 60}, StepRequests: 40, StepSeconds: 2,
		Target: advisor.LoadTarget{TotalMs: 800}, VolumePerDay: 432000, PeakFactor: 3,
		Keys: func(advisor.Endpoint) (string, error) { return "", nil }}
	res, err := Load(context.Background(), loadPlan(url), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Steps) != 4 {
		t.Fatalf("%d steps", len(res.Steps))
	}
	for i, want := range []bool{true, true, true, false} {
		s := res.Steps[i]
		if s.SLOAttainment == nil || s.Meets() != want {
			t.Errorf("%.0f req/s: attainment %v, meets %v, want %v", s.OfferedRPS, deref(s.SLOAttainment), s.Meets(), want)
		}
	}
	if res.SustainableRPS == nil || *res.SustainableRPS != 15 {
		t.Fatalf("sustainable %v, want 15", res.SustainableRPS)
	}
	if res.PeakRPSNeeded == nil || math.Abs(*res.PeakRPSNeeded-15) > 1e-9 || res.Carries == nil || !*res.Carries {
		t.Errorf("peak %v carries %v, want 15 and true", res.PeakRPSNeeded, res.Carries)
	}
	// 40 requests at 5 a second need 8 s: the step's 2 s let about 10 go.
	if n := res.Steps[0].Requests; n < 9 || n > 11 {
		t.Errorf("5 req/s for 2 s sent %d requests, want about 10", n)
	}
	// At 60 a second the 40 requests go in 0.67 s, within the time bound.
	if n := res.Steps[3].Requests; n != 40 {
		t.Errorf("60 req/s sent %d requests, want the 40 of the bound", n)
	}
}

func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// TestLoadCutsAtItsBound: a server slower than the step's time bound gets
// its requests cut at 1.5 × StepSeconds; they count as errors and misses,
// and the test stops by itself.
func TestLoadCutsAtItsBound(t *testing.T) {
	url, _ := slotServer(t, 1, 5*time.Second)
	opt := LoadOptions{Rates: []float64{4}, StepRequests: 10, StepSeconds: 0.5, Target: advisor.LoadTarget{FirstAnswerMs: 1000},
		Keys: func(advisor.Endpoint) (string, error) { return "", nil }}
	res, err := Load(context.Background(), loadPlan(url), opt)
	if err != nil {
		t.Fatal(err)
	}
	s := res.Steps[0]
	if s.Requests != 2 || s.Cut != 2 || s.Errors != 2 || s.AchievedRPS != 0 {
		t.Errorf("requests %d cut %d errors %d achieved %.2f: want 2 cut (at 0 s and 0.25 s)", s.Requests, s.Cut, s.Errors, s.AchievedRPS)
	}
	if s.SLOAttainment == nil || *s.SLOAttainment != 0 {
		t.Errorf("attainment %v, want 0: cut requests are misses", deref(s.SLOAttainment))
	}
	if s.DurationS > 0.75+0.5 {
		t.Errorf("step lasted %.2f s, bound 0.75 s", s.DurationS)
	}
}

// TestLoadWarmupAndCancel: the warm-up is sent first and kept out of the
// steps; cancelling stops the test with the steps done so far.
func TestLoadWarmupAndCancel(t *testing.T) {
	url, n := slotServer(t, 4, 20*time.Millisecond)
	p := loadPlan(url)
	p.Warmup = nil
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	warm := false
	opt := LoadOptions{Rates: []float64{10, 10, 10}, StepRequests: 5, StepSeconds: 5,
		Keys: func(advisor.Endpoint) (string, error) { return "", nil },
		OnProgress: func(pr LoadProgress) {
			mu.Lock()
			defer mu.Unlock()
			if pr.Warmup {
				warm = true
			}
		},
		OnStep: func(i int, s advisor.LoadStep) {
			if i == 0 {
				cancel()
			}
		}}
	res, err := Load(ctx, p, opt)
	if err == nil {
		t.Fatal("cancelled test returned no error")
	}
	if !warm || res.WarmupMs <= 0 {
		t.Errorf("warm-up reported %v, %.1f ms", warm, res.WarmupMs)
	}
	if len(res.Steps) != 1 || res.Steps[0].Requests != 5 {
		t.Fatalf("steps %d (first with %d requests), want the one done", len(res.Steps), res.Steps[0].Requests)
	}
	if got := n.Load(); got < 6 || got > 7 {
		t.Errorf("server saw %d requests, want 1 warm-up + 5 (+ at most one cut by the cancel)", got)
	}
}

// TestLoadValidation names the bad option.
func TestLoadValidation(t *testing.T) {
	p := loadPlan("http://127.0.0.1:1")
	for _, tc := range []struct {
		opt   LoadOptions
		field string
	}{
		{LoadOptions{Endpoint: "nope"}, "--endpoint"},
		{LoadOptions{Rates: []float64{0}}, "--rates"},
		{LoadOptions{Arrival: "burst"}, "arrival"},
		{LoadOptions{SweepSize: 2}, "sweep size"},
	} {
		_, err := ValidateLoad(p, tc.opt)
		pe, ok := err.(*PlanError)
		if !ok || pe.Field != tc.field {
			t.Errorf("%+v: %v, want a PlanError on %s", tc.opt, err, tc.field)
		}
	}
}
