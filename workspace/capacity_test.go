package workspace

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

// TestRunLoadStoresTheTest: the one capacity bookkeeping of both fronts
// stores the test, each step as it ends (and hands it on), and the final
// state; the database stays open while the sweep runs.
func TestRunLoadStoresTheTest(t *testing.T) {
	ctx := context.Background()
	w := testWorkspace(t)
	var closeDuringRun error
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		rw.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(rw, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"four\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	}))
	defer srv.Close()
	ep := advisor.Endpoint{Name: "local", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "tiny"}
	plan := advisor.Plan{Name: "capacity", Endpoints: []advisor.Endpoint{ep}, Cases: []advisor.Case{{Input: "2+2?"}}}
	var handed []int
	opt := livetest.LoadOptions{Rates: []float64{5, 10}, StepRequests: 3, StepSeconds: 0.3,
		OnStep: func(i int, _ advisor.LoadStep) {
			handed = append(handed, i)
			if closeDuringRun == nil {
				closeDuringRun = w.Close()
			}
		}}
	out, err := w.RunLoad(ctx, plan, ep, opt)
	if err != nil || out.Err != nil {
		t.Fatalf("store error %v, sweep error %v", err, out.Err)
	}
	if !errors.Is(closeDuringRun, ErrBusy) {
		t.Errorf("Close during the sweep: %v, want ErrBusy", closeDuringRun)
	}
	if out.ID == 0 || out.Status != advisor.RunDone || len(out.Result.Steps) != 2 || len(handed) != 2 {
		t.Fatalf("outcome %+v, steps handed on %v: want a stored done test of 2 steps", out, handed)
	}
	tests, err := w.Store().LoadTests(ctx, 0)
	if err != nil || len(tests) != 1 {
		t.Fatalf("stored tests %+v %v", tests, err)
	}
	got, err := w.Store().LoadTestByID(ctx, tests[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != out.ID || got.Status != advisor.RunDone || len(got.Result.Steps) != 2 || got.Endpoint != "local" {
		t.Errorf("stored %+v, want test %d done with 2 steps for local", got, out.ID)
	}
}

func TestLoadStatus(t *testing.T) {
	for _, c := range []struct {
		cancelled bool
		err       error
		want      string
	}{
		{false, nil, advisor.RunDone},
		{true, nil, advisor.RunCancelled},
		{false, context.Canceled, advisor.RunCancelled},
		{false, errors.New("refused"), advisor.RunFailed},
	} {
		if got := LoadStatus(c.cancelled, c.err); got != c.want {
			t.Errorf("LoadStatus(%v, %v) = %q, want %q", c.cancelled, c.err, got, c.want)
		}
	}
}
