package app

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// TestResumeFromHomeBuildsTheEngine: Home does not build the engine
// (engine.go), so "Finish this run" on Home can be its first need: the run
// waits for the engine, then finishes its missing requests, and the
// workspace that saves and prices them holds that same engine.
func TestResumeFromHomeBuildsTheEngine(t *testing.T) {
	h := startHarness(t, "en", t.TempDir(), t.TempDir())
	h.waitFor("decisions listed", func() bool { return h.a.home != nil && h.a.home.loaded })
	srv := openAIServer(t)
	now := time.Now().UTC()
	p := advisor.Plan{Name: "unfinished", Strategies: []string{advisor.StrategyZeroShot},
		Endpoints: []advisor.Endpoint{{Name: "local", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "m"}},
		Cases:     []advisor.Case{{Input: "a"}, {Input: "b"}, {Input: "c"}}}
	run := savedRun(t, h, p, 3, advisor.RunInterrupted, []advisor.Result{
		{Endpoint: "local", Strategy: advisor.StrategyZeroShot, Case: 0, LatencyMs: 100, Output: "Paris", StartedAt: now, EndedAt: now},
	})
	h.a.home.load()
	h.waitFor("the unfinished run offered", func() bool { return h.a.home.unfinished != nil && h.a.home.resumeCard.Visible() })
	if h.a.engine != nil || h.a.engineTried || h.a.engineLoading {
		t.Fatal("the engine was built before anything needed it")
	}

	test.Tap(h.a.home.resumeBtn)
	h.waitFor("the resumed run finished", func() bool { return h.a.run != nil && h.a.run.finished })
	if h.a.engine == nil {
		t.Fatalf("the run resumed without the engine (%s)", h.a.lastError)
	}
	if ws, ok := h.a.ws.(*workspace.Workspace); !ok || ws.Engine() != h.a.engine {
		t.Error("the workspace that saves the resumed run does not hold the engine the screens use")
	}
	if h.a.run.done != 3 || len(h.a.run.got) != 3 {
		t.Errorf("resumed run: %d done, %d listed, want 3 and 3", h.a.run.done, len(h.a.run.got))
	}
	got, err := h.store().Run(context.Background(), run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != advisor.RunDone {
		t.Errorf("the resumed run ends %q, want %q", got.Status, advisor.RunDone)
	}
	rs, err := h.store().Results(context.Background(), run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 {
		t.Errorf("%d results stored, want 3 (one from before, two sent on resume)", len(rs))
	}
}
