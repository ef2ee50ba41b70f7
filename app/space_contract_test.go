package app

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// contractSpace is a workspace the contract test can also put runs and
// results in, as a live test would.
type contractSpace interface {
	decisionSpace
	addRun(ctx context.Context, r *data.Run) error
	addResult(ctx context.Context, r *advisor.Result) error
}

// sqliteSpace is the SQLite workspace with the store's own CreateRun and
// SaveResult.
type sqliteSpace struct{ *workspace.Workspace }

func (s sqliteSpace) addRun(ctx context.Context, r *data.Run) error {
	return s.Store().CreateRun(ctx, r)
}
func (s sqliteSpace) addResult(ctx context.Context, r *advisor.Result) error {
	return s.Store().SaveResult(ctx, r)
}

// TestSpaceContract runs the same steps and assertions on the SQLite
// workspace and on the in-memory one the screen tests use, so the fake
// cannot drift from the store where the screens rely on it: ids, statuses,
// ErrNotFound and ErrNotRatable, the orderings, copies, and deletes that take
// their runs and results along.
func TestSpaceContract(t *testing.T) {
	spaces := map[string]func(t *testing.T) contractSpace{
		"sqlite": func(t *testing.T) contractSpace {
			st, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "advisor.db"))
			if err != nil {
				t.Fatal(err)
			}
			ws := workspace.New(st, nil, nil)
			t.Cleanup(func() { ws.Close() })
			return sqliteSpace{ws}
		},
		"memory": func(t *testing.T) contractSpace { return newMemSpace(t.TempDir()) },
	}
	for name, open := range spaces {
		t.Run(name, func(t *testing.T) { spaceContract(t, open(t)) })
	}
}

func spaceContract(t *testing.T, s contractSpace) {
	ctx := context.Background()
	notFound := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, data.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", what, err)
		}
	}
	if ds, err := s.ListDecisions(ctx, 0); err != nil || len(ds) != 0 {
		t.Fatalf("a new workspace lists %d decisions (%v)", len(ds), err)
	}
	if filepath.Base(s.Path()) != "advisor.db" || s.Dir() != filepath.Dir(s.Path()) {
		t.Errorf("path %q, dir %q", s.Path(), s.Dir())
	}
	if got, want := s.SetupPath(7), filepath.Join(s.Dir(), "setups", "decision-7.json"); got != want || s.SetupPath(0) != "" {
		t.Errorf("setup path %q, want %q (and \"\" for 0: %q)", got, want, s.SetupPath(0))
	}

	a := &data.Decision{Title: "a", Answers: advisor.Answers{Task: []string{"chat_qa"}, KBSize: "500_5000"}}
	b := &data.Decision{Title: "b", Answers: advisor.Answers{Task: []string{"extraction"}}, Status: data.DecisionFinal}
	for _, d := range []*data.Decision{a, b} {
		if err := s.SaveDecision(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if a.ID != 1 || b.ID != 2 || a.Status != data.DecisionDraft || a.CreatedAt.IsZero() || !a.UpdatedAt.Equal(a.CreatedAt) {
		t.Fatalf("saved ids %d, %d (want 1, 2), status %q (want draft), created %v updated %v", a.ID, b.ID, a.Status, a.CreatedAt, a.UpdatedAt)
	}
	if err := s.SaveDecision(ctx, &data.Decision{Title: "x", Status: "maybe"}); err == nil {
		t.Error("status maybe was saved")
	}
	notFound("save of decision 99", s.SaveDecision(ctx, &data.Decision{ID: 99, Title: "x"}))
	_, err := s.Decision(ctx, 99)
	notFound("decision 99", err)
	notFound("delete of decision 99", s.DeleteDecision(ctx, 99))
	_, err = s.DuplicateDecision(ctx, 99, "")
	notFound("duplicate of decision 99", err)

	// An update moves a decision to the top and keeps its creation time.
	created := a.CreatedAt
	a.Title = "a, again"
	if err := s.SaveDecision(ctx, a); err != nil {
		t.Fatal(err)
	}
	if !a.CreatedAt.Equal(created) || !a.UpdatedAt.After(created) {
		t.Errorf("after an update: created %v (was %v), updated %v", a.CreatedAt, created, a.UpdatedAt)
	}
	if got := decisionIDs(t, s, 0); !reflect.DeepEqual(got, []int64{1, 2}) {
		t.Errorf("decisions listed %v, want [1 2] (the last updated first)", got)
	}
	if got := decisionIDs(t, s, 1); !reflect.DeepEqual(got, []int64{1}) {
		t.Errorf("decisions listed with limit 1: %v, want [1]", got)
	}

	// What is read is a copy: changing it changes nothing saved.
	d, err := s.Decision(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "a, again" || d.Answers.KBSize != "500_5000" || len(d.Answers.Task) != 1 {
		t.Fatalf("decision 1 reads %q %+v", d.Title, d.Answers)
	}
	d.Answers.Task[0] = "changed"
	a.Answers.Task[0] = "changed too"
	if d2, _ := s.Decision(ctx, a.ID); d2.Answers.Task[0] != "chat_qa" {
		t.Errorf("changing a decision read or saved changed the saved one: %+v", d2.Answers)
	}

	// A copy is a new draft with the mark after the title.
	cid, err := s.DuplicateDecision(ctx, b.ID, "(cópia)")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Decision(ctx, cid)
	if err != nil {
		t.Fatal(err)
	}
	if cid != 3 || c.Title != "b (cópia)" || c.Status != data.DecisionDraft || !reflect.DeepEqual(c.Answers.Task, []string{"extraction"}) {
		t.Errorf("copy %d: %q %q %v, want 3: \"b (cópia)\" draft extraction", cid, c.Title, c.Status, c.Answers)
	}

	// Runs: the newest first, by decision or all.
	var runs []*data.Run
	for _, dec := range []int64{a.ID, a.ID, b.ID} {
		r := &data.Run{DecisionID: dec, Name: "plan", Plan: advisor.Plan{Name: "plan"}, Total: 4}
		if err := s.addRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	if runs[0].ID != 1 || runs[2].ID != 3 || runs[0].Status != advisor.RunRunning {
		t.Errorf("runs %d…%d, status %q", runs[0].ID, runs[2].ID, runs[0].Status)
	}
	if got := runIDs(t, s, a.ID); !reflect.DeepEqual(got, []int64{2, 1}) {
		t.Errorf("runs of decision 1: %v, want [2 1]", got)
	}
	if got := runIDs(t, s, 0); !reflect.DeepEqual(got, []int64{3, 2, 1}) {
		t.Errorf("every run: %v, want [3 2 1]", got)
	}
	if r, err := s.Run(ctx, 2); err != nil || r.DecisionID != a.ID || r.Total != 4 || r.Plan.Name != "plan" {
		t.Errorf("run 2: %+v, %v", r, err)
	}
	_, err = s.Run(ctx, 99)
	notFound("run 99", err)

	// Results: in endpoint, strategy, case, repeat order; warm-ups apart;
	// a second result of a cell replaces the first.
	add := func(r advisor.Result) int64 {
		t.Helper()
		r.RunID = runs[0].ID
		if err := s.addResult(ctx, &r); err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	add(advisor.Result{Endpoint: "b", Strategy: advisor.StrategyZeroShot, Case: 0, Output: "b0"})
	add(advisor.Result{Endpoint: "a", Strategy: advisor.StrategyZeroShot, Case: 1, Output: "a1"})
	add(advisor.Result{Endpoint: "a", Strategy: advisor.StrategyFewShot, Case: 2, Output: "a2 few"})
	first := add(advisor.Result{Endpoint: "a", Strategy: advisor.StrategyZeroShot, Case: 0, Output: "a0, cancelled", ErrorClass: advisor.ErrCancelled})
	if again := add(advisor.Result{Endpoint: "a", Strategy: advisor.StrategyZeroShot, Case: 0, Output: "a0"}); again != first {
		t.Errorf("the second result of a cell has id %d, want %d (it replaces the first)", again, first)
	}
	add(advisor.Result{Endpoint: "a", Strategy: advisor.StrategyWarmup, Case: 0, Output: "warm", Warmup: true})
	img := add(advisor.Result{Endpoint: "b", Strategy: advisor.StrategyZeroShot, Case: 1, Kind: advisor.CaseKindImage, Unscored: true})
	failed := add(advisor.Result{Endpoint: "b", Strategy: advisor.StrategyZeroShot, Case: 2, Kind: advisor.CaseKindImage, ErrorClass: advisor.ErrTimeout})
	if got := outputs(t, s.Results, runs[0].ID); !reflect.DeepEqual(got, []string{"a2 few", "a0", "a1", "b0", "", ""}) {
		t.Errorf("results %q, want [a2 few a0 a1 b0  ] (endpoint, strategy, case)", got)
	}
	if got := outputs(t, s.WarmupResults, runs[0].ID); !reflect.DeepEqual(got, []string{"warm"}) {
		t.Errorf("warm-up results %q, want [warm]", got)
	}
	if n, err := s.CountResults(ctx, runs[0].ID); n != 6 || err != nil {
		t.Errorf("count %d (%v), want 6 (the warm-up left out)", n, err)
	}
	if n, err := s.CountResults(ctx, runs[1].ID); n != 0 || err != nil {
		t.Errorf("count of a run without results %d (%v)", n, err)
	}

	// Only an image that did not fail takes a verdict.
	if err := s.SetVerdict(ctx, first, true); !errors.Is(err, data.ErrNotRatable) {
		t.Errorf("verdict on a chat result: %v, want ErrNotRatable", err)
	}
	if err := s.SetVerdict(ctx, failed, true); !errors.Is(err, data.ErrNotRatable) {
		t.Errorf("verdict on a failed image: %v, want ErrNotRatable", err)
	}
	notFound("verdict on result 99", s.SetVerdict(ctx, 99, true))
	if err := s.SetVerdict(ctx, img, true); err != nil {
		t.Fatal(err)
	}
	for _, r := range mustResults(t, s, runs[0].ID) {
		if r.ID == img && (r.Score != 1 || !r.Passed || r.Unscored || r.Verdict == nil || !*r.Verdict) {
			t.Errorf("accepted image: score %v passed %v unscored %v verdict %v", r.Score, r.Passed, r.Unscored, r.Verdict)
		}
	}
	if err := s.SetVerdict(ctx, img, false); err != nil {
		t.Fatal(err)
	}
	for _, r := range mustResults(t, s, runs[0].ID) {
		if r.ID == img && (r.Score != 0 || r.Passed || r.Verdict == nil || *r.Verdict) {
			t.Errorf("rejected image: score %v passed %v verdict %v", r.Score, r.Passed, r.Verdict)
		}
	}
	if ids, err := s.WaitingBatchRuns(ctx); err != nil || len(ids) != 0 {
		t.Errorf("runs waiting for a batch: %v (%v), want none", ids, err)
	}

	// Deleting a run takes its results; deleting a decision its runs.
	if err := s.DeleteRun(ctx, runs[0].ID); err != nil {
		t.Fatal(err)
	}
	notFound("delete of a deleted run", s.DeleteRun(ctx, runs[0].ID))
	_, err = s.Run(ctx, runs[0].ID)
	notFound("a deleted run", err)
	if n, _ := s.CountResults(ctx, runs[0].ID); n != 0 || len(outputs(t, s.WarmupResults, runs[0].ID)) != 0 {
		t.Errorf("a deleted run keeps %d results", n)
	}
	if err := s.DeleteDecision(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.Run(ctx, runs[1].ID)
	notFound("a run of a deleted decision", err)
	if got := runIDs(t, s, 0); !reflect.DeepEqual(got, []int64{3}) {
		t.Errorf("runs after decision 1 went: %v, want [3]", got)
	}
	if got := decisionIDs(t, s, 0); !reflect.DeepEqual(got, []int64{3, 2}) {
		t.Errorf("decisions after 1 went: %v, want [3 2]", got)
	}

	// A new decision takes the id after the highest one kept.
	e := &data.Decision{Title: "e", Answers: advisor.Answers{}}
	if err := s.SaveDecision(ctx, e); err != nil || e.ID != 4 {
		t.Errorf("a new decision after 1 went has id %d (%v), want 4", e.ID, err)
	}
	if err := s.DeleteDecision(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	e.ID = 0
	if err := s.SaveDecision(ctx, e); err != nil || e.ID != 4 {
		t.Errorf("after deleting the highest, the next decision has id %d (%v), want 4 again", e.ID, err)
	}
}

func mustResults(t *testing.T, s decisionSpace, runID int64) []advisor.Result {
	t.Helper()
	rs, err := s.Results(context.Background(), runID)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func outputs(t *testing.T, read func(context.Context, int64) ([]advisor.Result, error), runID int64) []string {
	t.Helper()
	rs, err := read(context.Background(), runID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		out = append(out, r.Output)
	}
	return out
}

func decisionIDs(t *testing.T, s decisionSpace, limit int) []int64 {
	t.Helper()
	ds, err := s.ListDecisions(context.Background(), limit)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	return ids
}

func runIDs(t *testing.T, s decisionSpace, decision int64) []int64 {
	t.Helper()
	rs, err := s.ListRuns(context.Background(), decision)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}
