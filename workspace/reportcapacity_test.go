package workspace

import (
	"context"
	"errors"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/data"
)

// TestReportCapacity (issue 13): a report shows each endpoint's latest
// finished capacity test — of the run's decision, or, for a run of a plan
// file (no decision), of the same plan — with its steps; a failed test and
// other plans' tests are left out.
func TestReportCapacity(t *testing.T) {
	ctx := context.Background()
	w, err := OpenWith(ctx, t.TempDir()+"/advisor.db", nil, errors.New("no catalog"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	st := w.Store()
	f := func(v float64) *float64 { return &v }
	add := func(decision int64, name, ep, status string, rps float64) {
		id, err := st.CreateLoadTest(ctx, data.LoadTest{DecisionID: decision, Name: name, Endpoint: ep, Model: "m", Plan: advisor.Plan{Name: name}})
		if err != nil {
			t.Fatal(err)
		}
		res := advisor.LoadResult{Endpoint: ep, Model: "m", MaxThroughputRPS: rps, Steps: []advisor.LoadStep{{Kind: advisor.LoadConstant, OfferedRPS: rps, AchievedRPS: rps, Requests: 10, TotalP95Ms: f(200)}}}
		if err := st.SaveLoadStep(ctx, id, 0, res.Steps[0]); err != nil {
			t.Fatal(err)
		}
		if err := st.FinishLoadTest(ctx, id, status, res); err != nil {
			t.Fatal(err)
		}
	}
	add(0, "plan a", "box", advisor.RunDone, 5)
	add(0, "plan a", "box", advisor.RunDone, 7) // newer: wins for box
	add(0, "plan a", "cloud", advisor.RunFailed, 9)
	add(0, "plan b", "box", advisor.RunDone, 11)
	run := NewRun(advisor.Plan{Name: "plan a", Endpoints: []advisor.Endpoint{{Name: "box", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:1/v1", Model: "m"}}, Cases: []advisor.Case{{Input: "x"}}})
	if err := st.CreateRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	in, err := w.ReportInput(ctx, run.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Capacity) != 1 || in.Capacity[0].Result.MaxThroughputRPS != 7 || len(in.Capacity[0].Result.Steps) != 1 {
		t.Errorf("capacity of plan a's run: %+v, want box's latest test (7 req/s) with its step", in.Capacity)
	}
}
