package workspace

import (
	"context"
	"errors"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/data"
)

// LoadOutcome is how a capacity test ended.
type LoadOutcome struct {
	ID     int64              // the stored test; 0 when nothing could be stored
	Status string             // done, cancelled or failed
	Result advisor.LoadResult // the sweep's figures
	Err    error              // why the sweep stopped early (the runner's error)
}

// RunLoad runs the capacity test of plan's endpoint ep and stores it, the one
// bookkeeping of both fronts: the test is created, every step committed as
// it ends (then passed to opt.OnStep), and the summary written at the end
// with the state done, cancelled (the context ended) or failed, even when
// ctx was cancelled. The database stays open while it runs (Close refuses).
// The returned error is only about the store; how the sweep went is in the
// outcome.
func (w *Workspace) RunLoad(ctx context.Context, plan advisor.Plan, ep advisor.Endpoint, opt livetest.LoadOptions) (LoadOutcome, error) {
	if err := w.begin(); err != nil {
		return LoadOutcome{Status: advisor.RunFailed}, err
	}
	defer w.end()
	id, err := w.store.CreateLoadTest(ctx, data.LoadTest{DecisionID: plan.DecisionID, Name: plan.Name, Endpoint: ep.Name, Model: ep.Model, Plan: plan})
	if err != nil {
		return LoadOutcome{Status: advisor.RunFailed}, err
	}
	var saveErr error
	onStep := opt.OnStep
	opt.OnStep = func(i int, st advisor.LoadStep) {
		if e := w.store.SaveLoadStep(context.WithoutCancel(ctx), id, i, st); e != nil && saveErr == nil {
			saveErr = e
		}
		if onStep != nil {
			onStep(i, st)
		}
	}
	res, runErr := livetest.Load(ctx, plan, opt)
	out := LoadOutcome{ID: id, Status: LoadStatus(ctx.Err() != nil, runErr), Result: res, Err: runErr}
	if ferr := w.store.FinishLoadTest(context.WithoutCancel(ctx), id, out.Status, res); ferr != nil && saveErr == nil {
		saveErr = ferr
	}
	return out, saveErr
}

// LoadStatus is how a capacity test ended: cancelled when its context ended
// (or the runner says so), failed on a runner error, done otherwise.
func LoadStatus(cancelled bool, runErr error) string {
	switch {
	case cancelled || errors.Is(runErr, context.Canceled):
		return advisor.RunCancelled
	case runErr != nil:
		return advisor.RunFailed
	}
	return advisor.RunDone
}
