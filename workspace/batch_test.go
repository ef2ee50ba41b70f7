package workspace

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/advisor/livetest/batchfake"
)

// A batch run through the real store: the program is closed while the
// provider works (the workspace closed, its database with it), opened
// again, finds the waiting run, resumes polling without sending anything
// twice, and every case lands once, marked batch, at half the token price.
func TestBatchRunSurvivesRestart(t *testing.T) {
	srv := batchfake.New()
	srv.PollsToFinish = 3
	srv.Answer = func(id string, body map[string]any) (int, string) {
		msgs := body["messages"].([]any)
		return 200, strings.TrimPrefix(msgs[len(msgs)-1].(map[string]any)["content"].(string), "say ")
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	in, out := 2.0, 8.0
	p := advisor.Plan{Name: "batch", Batch: true, Endpoints: []advisor.Endpoint{
		{Name: "a", Kind: advisor.KindCompatible, BaseURL: ts.URL + "/v1", Model: "m", PriceInPer1M: &in, PriceOutPer1M: &out}}}
	for i := range 6 {
		p.Cases = append(p.Cases, advisor.Case{Input: fmt.Sprintf("say answer %d", i), Expected: fmt.Sprintf("answer %d", i)})
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "advisor.db")
	keys := func(advisor.Endpoint) (string, error) { return "k", nil }

	w, err := OpenWith(ctx, path, nil, errors.New("no catalog in this test"))
	if err != nil {
		t.Fatal(err)
	}
	run, err := w.CreateRun(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	rctx, closeApp := context.WithCancel(ctx)
	var states []string
	o := RunOptions{Keys: keys, BatchPoll: 1, OnBatch: func(s livetest.BatchState) {
		states = append(states, s.String())
		if s.State == "in_progress" {
			closeApp()
		}
	}}
	outc, err := w.Execute(rctx, run, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	if outc.Status != advisor.RunInterrupted || len(outc.Results) != 0 {
		t.Fatalf("after the close: status %s, %d results", outc.Status, len(outc.Results))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	w, err = OpenWith(ctx, path, nil, errors.New("no catalog in this test"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	waiting, err := w.WaitingBatchRuns(ctx)
	if err != nil || len(waiting) != 1 || waiting[0] != run.ID {
		t.Fatalf("waiting runs %v, %v", waiting, err)
	}
	st, _ := w.BatchState(ctx, run.ID)
	if st.State != "in_progress" {
		t.Errorf("stored state %q", st.String())
	}
	run2, skip, err := w.Resume(ctx, run.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	outc, err = w.Execute(ctx, run2, skip, RunOptions{Keys: keys, BatchPoll: 1})
	if err != nil {
		t.Fatal(err)
	}
	if outc.Status != advisor.RunDone || len(outc.Results) != 6 {
		t.Fatalf("status %s, %d results", outc.Status, len(outc.Results))
	}
	if srv.Uploads != 1 || srv.Creates != 1 {
		t.Errorf("sent again after the restart: %d uploads, %d batches", srv.Uploads, srv.Creates)
	}
	cases := map[int]bool{}
	want := (100*2.0 + 20*8.0) / 1e6 / 2 // usage 100 in, 20 out; half of 2 / 8 USD per 1M
	for _, r := range outc.Results {
		if cases[r.Case] {
			t.Errorf("case %d twice", r.Case)
		}
		cases[r.Case] = true
		if !r.Batch || !r.Passed || r.LatencyMs != 0 || math.Abs(r.CostUSD-want) > 1e-12 {
			t.Errorf("case %d: batch %v passed %v latency %v cost %v (want %v)", r.Case, r.Batch, r.Passed, r.LatencyMs, r.CostUSD, want)
		}
	}
	if waiting, _ := w.WaitingBatchRuns(ctx); len(waiting) != 0 {
		t.Errorf("still waiting: %v", waiting)
	}
}
