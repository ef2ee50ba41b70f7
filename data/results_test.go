package data

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

func newRun(t testing.TB, s *Store) *Run {
	t.Helper()
	r := &Run{Name: "run", Plan: fullPlan()}
	if err := s.CreateRun(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r
}

// result builds a result with every field set, varied by its cell.
func result(runID int64, endpoint, strategy string, c, rep int) advisor.Result {
	start := time.Date(2026, 11, 27, 10, 0, c, rep*1000+7, time.UTC)
	r := advisor.Result{
		RunID: runID, Endpoint: endpoint, Model: "model-" + endpoint, Strategy: strategy, Case: c, Repeat: rep,
		Output: fmt.Sprintf("answer %d/%d: 30 days, «ünïcode» and 'quotes'\n", c, rep),
		TTFTMs: 12.5 + float64(c), LatencyMs: 480.25 + float64(rep), QueueMs: 3.125, ConcurrencyAtSend: 8 + c,
		TokensIn: 120 + c, TokensOut: 40 + rep, TokensEstimated: c%2 == 1, CostUSD: 0.000123 * float64(c+1),
		Score: 0.5, Passed: c%2 == 0,
		Checks: []advisor.CheckResult{
			{Check: advisor.CheckContains, Score: 1, Reason: "contains \"30 days\""},
			{Check: advisor.CheckRegex, Score: 0, Reason: "no match for 30\\s+days"},
		},
		StartedAt: start, EndedAt: start.Add(480 * time.Millisecond),
	}
	if c == 2 {
		r.ErrorClass, r.ErrorMessage, r.Output, r.Checks, r.Score, r.Passed = advisor.ErrRateLimited, "429 Too Many Requests (retry after 2s)", "", nil, 0, false
	}
	return r
}

func TestResultsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	run := newRun(t, s)
	var want []advisor.Result
	for _, e := range []string{"local", "azure"} {
		for _, st := range []string{advisor.StrategyZeroShot, advisor.StrategyRAG} {
			for c := 0; c < 3; c++ {
				for rep := 0; rep < 2; rep++ {
					want = append(want, result(run.ID, e, st, c, rep))
				}
			}
		}
	}
	rand.Shuffle(len(want), func(i, j int) { want[i], want[j] = want[j], want[i] })
	for i := range want {
		if err := s.SaveResult(ctx, &want[i]); err != nil {
			t.Fatal(err)
		}
		if want[i].ID == 0 {
			t.Fatal("SaveResult did not set the ID")
		}
	}
	sort.Slice(want, func(i, j int) bool {
		a, b := want[i], want[j]
		if a.Endpoint != b.Endpoint {
			return a.Endpoint < b.Endpoint
		}
		if a.Strategy != b.Strategy {
			return a.Strategy < b.Strategy
		}
		if a.Case != b.Case {
			return a.Case < b.Case
		}
		return a.Repeat < b.Repeat
	})
	got, err := s.Results(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		for i := range got {
			if i < len(want) && !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("result %d:\n got %+v\nwant %+v", i, got[i], want[i])
			}
		}
		t.Fatalf("got %d results, want %d", len(got), len(want))
	}

	if err := s.SaveResult(ctx, &advisor.Result{RunID: 9999, Endpoint: "x"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("result of a missing run: %v, want ErrNotFound", err)
	}
	if other, err := s.Results(ctx, run.ID+1); err != nil || len(other) != 0 {
		t.Errorf("results of another run: %v, %v", other, err)
	}
}

func TestDoneCellsAndResume(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	run := newRun(t, s)
	ok := result(run.ID, "local", advisor.StrategyZeroShot, 0, 0)
	failed := result(run.ID, "local", advisor.StrategyZeroShot, 2, 0) // rate limited: done, it is a measurement
	cancelled := result(run.ID, "local", advisor.StrategyZeroShot, 1, 0)
	cancelled.ErrorClass, cancelled.ErrorMessage = advisor.ErrCancelled, "context canceled"
	for _, r := range []*advisor.Result{&ok, &failed, &cancelled} {
		if err := s.SaveResult(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	done, err := s.DoneCells(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[advisor.Cell]bool{ok.Cell(): true, failed.Cell(): true}
	if !reflect.DeepEqual(done, want) {
		t.Errorf("DoneCells = %v, want %v", done, want)
	}

	// Resume sends the cancelled cell again; its new result replaces the old.
	again := result(run.ID, "local", advisor.StrategyZeroShot, 1, 0)
	if err := s.SaveResult(ctx, &again); err != nil {
		t.Fatal(err)
	}
	if again.ID != cancelled.ID {
		t.Errorf("the retried cell got a new row %d (was %d)", again.ID, cancelled.ID)
	}
	done, err = s.DoneCells(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 3 || !done[again.Cell()] {
		t.Errorf("after resume DoneCells = %v", done)
	}
	all, err := s.Results(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[1].ErrorClass != "" || all[1].Output != again.Output {
		t.Errorf("after resume: %+v", all)
	}
}

func TestConcurrentSaveResult(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	run := newRun(t, s)
	const workers, each = 64, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	ids := make([][]int64, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r := result(run.ID, fmt.Sprintf("ep%02d", w), advisor.StrategyFewShot, i, 0)
				if err := s.SaveResult(ctx, &r); err != nil {
					errs <- err
					return
				}
				ids[w] = append(ids[w], r.ID)
				// Readers at the same time, as the GUI's progress view would.
				if i%5 == 0 {
					if _, err := s.CountResults(ctx, run.ID); err != nil {
						errs <- err
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	seen := map[int64]bool{}
	for _, l := range ids {
		for _, id := range l {
			if seen[id] {
				t.Fatalf("id %d given twice", id)
			}
			seen[id] = true
		}
	}
	got, err := s.Results(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != workers*each || len(seen) != workers*each {
		t.Errorf("%d rows, %d ids; want %d", len(got), len(seen), workers*each)
	}
	for _, r := range got {
		if !seen[r.ID] {
			t.Errorf("row %d was not returned to any SaveResult", r.ID)
		}
	}
}

func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	run := newRun(t, s)
	var saved int
	for ; saved < 10; saved++ {
		r := result(run.ID, "local", advisor.StrategyZeroShot, saved, 0)
		if err := s.SaveResult(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	// The writer has a single connection, so the per-connection limit holds
	// for every write that follows: the database cannot grow any more.
	var pages int
	if err := s.w.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	var full error
	big := strings.Repeat("a long streamed answer ", 2000)
	for i := 0; i < 100 && full == nil; i++ {
		r := result(run.ID, "local", advisor.StrategyRAG, i, 0)
		r.Output = big
		if err := s.SaveResult(ctx, &r); err != nil {
			full = err
		} else {
			saved++
		}
	}
	if full == nil {
		t.Fatal("no error with a database that cannot grow")
	}
	t.Log(full)
	if !errors.Is(full, ErrDiskFull) || !strings.Contains(full.Error(), "disk is full") || !strings.Contains(full.Error(), fmt.Sprintf("run %d", run.ID)) {
		t.Errorf("error %q should wrap ErrDiskFull and name the run", full)
	}
	got, err := s.Results(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != saved {
		t.Errorf("%d results kept, want the %d saved before the disk filled", len(got), saved)
	}
}

// TestTwoStoresWriteTogether is the GUI and a CLI run writing to one file:
// the second writer waits (busy timeout, immediate transactions) instead of
// failing with "database is locked".
func TestTwoStoresWriteTogether(t *testing.T) {
	ctx := context.Background()
	a := newStore(t)
	b, err := Open(ctx, a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	run := newRun(t, a)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s := a
			if w%2 == 1 {
				s = b
			}
			for i := 0; i < 25; i++ {
				r := result(run.ID, fmt.Sprintf("ep%02d", w), advisor.StrategyZeroShot, i, 0)
				if err := s.SaveResult(ctx, &r); err != nil {
					errs <- err
					return
				}
				if i%10 == 0 {
					d := &Decision{Title: "draft"}
					if err := s.SaveDecision(ctx, d); err != nil {
						errs <- err
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, err := b.CountResults(ctx, run.ID); err != nil || n != 16*25 {
		t.Errorf("%d results (%v), want %d", n, err, 16*25)
	}
}
