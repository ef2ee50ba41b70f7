package workspace

import (
	"context"
	"errors"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

// TestFinalStatus is the one rule both fronts use for how a run ended.
func TestFinalStatus(t *testing.T) {
	ok := advisor.Result{Output: "Paris"}
	bad := advisor.Result{ErrorClass: advisor.ErrUnauthorized}
	all := livetest.Progress{Done: 2, Total: 2}
	half := livetest.Progress{Done: 1, Total: 2}
	boom := errors.New("disk full")
	cases := []struct {
		name      string
		cancelled bool
		final     livetest.Progress
		err       error
		results   []advisor.Result
		want      string
		keepErr   bool
	}{
		{"every request answered", false, all, nil, []advisor.Result{ok, ok}, advisor.RunDone, false},
		{"some failed, some answered", false, all, nil, []advisor.Result{ok, bad}, advisor.RunDone, false},
		{"every request failed", false, all, nil, []advisor.Result{bad, bad}, advisor.RunFailed, false},
		{"cancelled half-way", true, half, context.Canceled, []advisor.Result{ok}, advisor.RunCancelled, true},
		{"cancel after the last request", true, all, context.Canceled, []advisor.Result{ok, ok}, advisor.RunDone, false},
		{"runner error", false, half, boom, []advisor.Result{ok}, advisor.RunFailed, true},
		{"cancelled context, runner saw no cancel", true, half, nil, []advisor.Result{ok}, advisor.RunCancelled, false},
		{"nothing to run", false, livetest.Progress{}, nil, nil, advisor.RunDone, false},
		// Issue 15 item 13: a run that mostly failed is not "done".
		{"two of three failed", false, all, nil, []advisor.Result{ok, bad, bad}, advisor.RunFailed, false},
		{"exactly half failed", false, all, nil, []advisor.Result{ok, ok, bad, bad}, advisor.RunDone, false},
		{"one of three failed", false, all, nil, []advisor.Result{ok, ok, bad}, advisor.RunDone, false},
		{"a failed warm-up is no measurement", false, all, nil, []advisor.Result{{Warmup: true, ErrorClass: advisor.ErrTimeout}, {Warmup: true, ErrorClass: advisor.ErrTimeout}, ok}, advisor.RunDone, false},
	}
	for _, c := range cases {
		got, err := FinalStatus(c.cancelled, c.final, c.err, c.results)
		if got != c.want {
			t.Errorf("%s: status %q, want %q", c.name, got, c.want)
		}
		if (err != nil) != c.keepErr {
			t.Errorf("%s: error %v, want kept=%v", c.name, err, c.keepErr)
		}
	}
}

// TestCloseRefusedWhileRunning: the database is not closed under a run.
func TestCloseRefusedWhileRunning(t *testing.T) {
	w, err := OpenWith(context.Background(), t.TempDir()+"/advisor.db", nil, errors.New("no catalog"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.begin(); err != nil {
		t.Fatal(err)
	}
	if !w.Busy() {
		t.Error("not busy during a run")
	}
	if err := w.Close(); !errors.Is(err, ErrBusy) {
		t.Errorf("Close during a run: %v, want ErrBusy", err)
	}
	if _, err := w.Store().ListRuns(context.Background(), 0); err != nil {
		t.Errorf("the store was closed anyway: %v", err)
	}
	w.end()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.begin(); err == nil {
		t.Error("a run began on a closed workspace")
	}
	if w.Prices().Known(advisor.Endpoint{Name: "x"}, "") {
		t.Error("an endpoint without a price is priced without a catalog")
	}
}

// TestResumeSendsFailedAgainUnlessKept is the one resume rule of both
// fronts: a resumed run skips the cells that succeeded and sends the failed
// ones again; keepFailed (the command line's --keep-failed) skips those too.
// Cancelled requests are always sent again.
func TestResumeSendsFailedAgainUnlessKept(t *testing.T) {
	ctx := context.Background()
	w := testWorkspace(t)
	p := advisor.Plan{Name: "resume", Strategies: []string{advisor.StrategyZeroShot},
		Endpoints: []advisor.Endpoint{{Name: "local", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:1/v1", Model: "m"}},
		Cases:     []advisor.Case{{Input: "a"}, {Input: "b"}, {Input: "c"}, {Input: "d"}}}
	run, err := w.CreateRun(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []advisor.Result{
		{Case: 0, Output: "fine"},
		{Case: 1, ErrorClass: advisor.ErrTimeout, ErrorMessage: "slow"},
		{Case: 2, ErrorClass: advisor.ErrCancelled},
	} {
		r.RunID, r.Endpoint, r.Strategy = run.ID, "local", advisor.StrategyZeroShot
		if err := w.Store().SaveResult(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Store().SetRunStatus(ctx, run.ID, advisor.RunInterrupted); err != nil {
		t.Fatal(err)
	}
	cell := func(c int) advisor.Cell {
		return advisor.Result{Endpoint: "local", Strategy: advisor.StrategyZeroShot, Case: c}.Cell()
	}
	for _, c := range []struct {
		keepFailed bool
		want       []int
	}{{false, []int{0}}, {true, []int{0, 1}}} {
		got, skip, err := w.Resume(ctx, run.ID, c.keepFailed)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != run.ID || len(skip) != len(c.want) {
			t.Errorf("keepFailed=%v: run %d, skip %v; want the cases %v", c.keepFailed, got.ID, skip, c.want)
		}
		for _, i := range c.want {
			if !skip[cell(i)] {
				t.Errorf("keepFailed=%v: case %d is sent again; skip %v", c.keepFailed, i, skip)
			}
		}
	}
}

// testWorkspace is a workspace over a new database without a catalog,
// closed when the test ends.
func testWorkspace(t *testing.T) *Workspace {
	t.Helper()
	w, err := OpenWith(context.Background(), t.TempDir()+"/advisor.db", nil, errors.New("no catalog"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}
