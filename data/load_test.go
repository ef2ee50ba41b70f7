package data

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// TestMeasurementColumnsAndWarmup: the measurement columns round-trip; a
// warm-up is kept apart from the measured results, from the done cells and
// from the count.
func TestMeasurementColumnsAndWarmup(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	run := newRun(t, s)
	r := result(run.ID, "local", advisor.StrategyZeroShot, 0, 0)
	r.TTFATMs, r.TPOTMs, r.Chunks, r.TokensCached, r.TokensReasoning = 450.5, 22.25, 19, 6, 8
	w := result(run.ID, "local", advisor.StrategyWarmup, 0, 0)
	w.Warmup, w.LatencyMs = true, 4200
	for _, x := range []*advisor.Result{&r, &w} {
		if err := s.SaveResult(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Results(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0], r) {
		t.Fatalf("measured results %+v\nwant %+v", got, r)
	}
	warm, err := s.WarmupResults(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(warm) != 1 || !warm[0].Warmup || warm[0].LatencyMs != 4200 {
		t.Fatalf("warm-ups %+v", warm)
	}
	if n, _ := s.CountResults(ctx, run.ID); n != 1 {
		t.Errorf("count %d, want 1 (the warm-up is no cell)", n)
	}
	done, _ := s.DoneCells(ctx, run.ID)
	if len(done) != 1 {
		t.Errorf("done cells %v", done)
	}
}

// TestLoadTestRoundTrip: a capacity test's steps are committed one by one
// and read back with the summary.
func TestLoadTestRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	id, err := s.CreateLoadTest(ctx, LoadTest{Name: "cap", Endpoint: "local", Model: "m", Plan: fullPlan()})
	if err != nil {
		t.Fatal(err)
	}
	p95 := 210.5
	att := 0.97
	steps := []advisor.LoadStep{
		{Kind: advisor.LoadSynchronous, OfferedRPS: 5, AchievedRPS: 5, Requests: 10, TotalP95Ms: &p95, SLOAttainment: &att,
			Samples: []advisor.LoadSample{{TotalMs: 200, FirstAnswerMs: 150, EndS: 0.2}}},
		{Kind: advisor.LoadThroughput, OfferedRPS: 19.6, AchievedRPS: 19.6, Requests: 40, Errors: 1},
	}
	for i, st := range steps {
		if err := s.SaveLoadStep(ctx, id, i, st); err != nil {
			t.Fatal(err)
		}
	}
	sus := 5.0
	res := advisor.LoadResult{Endpoint: "local", Steps: steps, MaxThroughputRPS: 19.6, SustainableRPS: &sus, Target: advisor.LoadTarget{TotalMs: 300}, PeakFactor: 3}
	if err := s.FinishLoadTest(ctx, id, advisor.RunDone, res); err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadTestByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != advisor.RunDone || got.EndedAt.IsZero() || !reflect.DeepEqual(got.Result, res) {
		t.Errorf("got %+v\nwant %+v", got.Result, res)
	}
	list, err := s.LoadTests(ctx, 0)
	if err != nil || len(list) != 1 || list[0].ID != id {
		t.Errorf("list %v %v", list, err)
	}
	if _, err := s.LoadTestByID(ctx, id+1); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing test: %v", err)
	}
}
