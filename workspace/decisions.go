package workspace

import (
	"context"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/data"
)

// The decisions and the runs kept of them, as both fronts read, save and
// delete them. Each is the store's own operation (the errors wrap
// data.ErrNotFound for a missing id); they are here so a front holds the
// workspace and not the database under it.

// SaveDecision inserts d when d.ID is 0 (setting ID, CreatedAt and
// UpdatedAt) and updates the saved decision otherwise.
func (w *Workspace) SaveDecision(ctx context.Context, d *data.Decision) error {
	return w.store.SaveDecision(ctx, d)
}

// Decision is the decision with the given id.
func (w *Workspace) Decision(ctx context.Context, id int64) (*data.Decision, error) {
	return w.store.Decision(ctx, id)
}

// ListDecisions is up to limit decisions (all when limit <= 0), the most
// recently updated first.
func (w *Workspace) ListDecisions(ctx context.Context, limit int) ([]data.Decision, error) {
	return w.store.ListDecisions(ctx, limit)
}

// DeleteDecision deletes a decision with its runs and their results.
func (w *Workspace) DeleteDecision(ctx context.Context, id int64) error {
	return w.store.DeleteDecision(ctx, id)
}

// DuplicateDecision copies a decision's answers and recommendation into a
// new draft titled "<title> <mark>" and returns its id.
func (w *Workspace) DuplicateDecision(ctx context.Context, id int64, mark string) (int64, error) {
	return w.store.DuplicateDecision(ctx, id, mark)
}

// ListRuns is the runs of a decision (every run when decisionID is 0), the
// newest first.
func (w *Workspace) ListRuns(ctx context.Context, decisionID int64) ([]data.Run, error) {
	return w.store.ListRuns(ctx, decisionID)
}

// Run is the run with the given id.
func (w *Workspace) Run(ctx context.Context, id int64) (*data.Run, error) {
	return w.store.Run(ctx, id)
}

// CountResults is how many results (warm-up requests left out) a run holds.
func (w *Workspace) CountResults(ctx context.Context, runID int64) (int, error) {
	return w.store.CountResults(ctx, runID)
}

// Results is a run's results, warm-up requests left out.
func (w *Workspace) Results(ctx context.Context, runID int64) ([]advisor.Result, error) {
	return w.store.Results(ctx, runID)
}

// WarmupResults is a run's warm-up requests.
func (w *Workspace) WarmupResults(ctx context.Context, runID int64) ([]advisor.Result, error) {
	return w.store.WarmupResults(ctx, runID)
}

// SetVerdict records a person's accepting or rejecting one result.
func (w *Workspace) SetVerdict(ctx context.Context, resultID int64, accepted bool) error {
	return w.store.SetVerdict(ctx, resultID, accepted)
}

// DeleteRun deletes a run and its results.
func (w *Workspace) DeleteRun(ctx context.Context, id int64) error {
	return w.store.DeleteRun(ctx, id)
}

// Size is the database's size on disk in bytes.
func (w *Workspace) Size() (int64, error) { return w.store.Size() }
