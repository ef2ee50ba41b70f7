package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/report"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// memSpace is an in-memory workspace for the tests of screens that do not
// test storage: decisions, runs and their results kept in maps, with the
// store's ids (one more than the highest id kept, as SQLite's INTEGER
// PRIMARY KEY gives them), errors (data.ErrNotFound
// wrapped for a missing id, data.ErrNotRatable) and orderings (decisions by
// last update, runs by start, the newest first, ties by the higher id;
// results by endpoint, strategy, case and repeat). What is saved is a copy
// (through JSON, as the store keeps it), so a screen changing what it read
// changes nothing saved. TestSpaceContract holds it to the SQLite
// workspace.
//
// It runs no live test, capacity test or people's judging: those refuse
// with errMemNoLive, and the tests of them use the SQLite workspace.
type memSpace struct {
	dir string

	mu        sync.Mutex
	closed    bool
	decisions map[int64]data.Decision
	runs      map[int64]data.Run
	results   map[int64]advisor.Result
}

// errMemNoLive is what the in-memory workspace answers to running a test.
var errMemNoLive = errors.New("the in-memory workspace runs no live test, capacity test or people's judging: use the SQLite workspace")

func newMemSpace(dir string) *memSpace {
	return &memSpace{dir: dir, decisions: map[int64]data.Decision{}, runs: map[int64]data.Run{},
		results: map[int64]advisor.Result{}}
}

// useMemSpace makes the apps the test opens run on in-memory workspaces
// (one per folder opened) and returns them by database path.
func useMemSpace(t interface{ Cleanup(func()) }) map[string]*memSpace {
	opened := map[string]*memSpace{}
	var mu sync.Mutex
	prev := openSpace
	openSpace = func(_ context.Context, path string, _ *advisor.Engine, _ error) (space, error) {
		mu.Lock()
		defer mu.Unlock()
		m := newMemSpace(filepath.Dir(path))
		opened[path] = m
		return m, nil
	}
	t.Cleanup(func() { openSpace = prev })
	return opened
}

// copyOf is v as it reads back after being saved: through JSON.
func copyOf[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// now is the store's clock: UTC, without the monotonic reading.
func (m *memSpace) now() time.Time { return time.Now().UTC().Round(0) }

// nextID is one more than the highest id of a table (SQLite's rowid).
func nextID[T any](table map[int64]T) int64 {
	var top int64
	for id := range table {
		top = max(top, id)
	}
	return top + 1
}

func (m *memSpace) Path() string { return filepath.Join(m.dir, "advisor.db") }
func (m *memSpace) Dir() string  { return m.dir }
func (m *memSpace) SetupPath(id int64) string {
	if id == 0 {
		return ""
	}
	return filepath.Join(m.dir, "setups", fmt.Sprintf("decision-%d.json", id))
}

// Size is the bytes of what is kept, as JSON.
func (m *memSpace) Size() (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := json.Marshal([]any{m.decisions, m.runs, m.results})
	return int64(len(b)), err
}

func (m *memSpace) Busy() bool { return false }

func (m *memSpace) Close() error {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	return nil
}

func (m *memSpace) SaveDecision(_ context.Context, d *data.Decision) error {
	if d.Status == "" {
		d.Status = data.DecisionDraft
	}
	if d.Status != data.DecisionDraft && d.Status != data.DecisionFinal {
		return fmt.Errorf("save decision %d: status %q is not allowed; allowed values: draft, final", d.ID, d.Status)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.now()
	if d.ID == 0 {
		d.ID, d.CreatedAt, d.UpdatedAt = nextID(m.decisions), t, t
	} else {
		old, ok := m.decisions[d.ID]
		if !ok {
			return fmt.Errorf("save decision %d: %w", d.ID, data.ErrNotFound)
		}
		d.CreatedAt, d.UpdatedAt = old.CreatedAt, t
	}
	m.decisions[d.ID] = copyOf(*d)
	return nil
}

func (m *memSpace) Decision(_ context.Context, id int64) (*data.Decision, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.decisions[id]
	if !ok {
		return nil, fmt.Errorf("decision %d: %w", id, data.ErrNotFound)
	}
	d = copyOf(d)
	return &d, nil
}

func (m *memSpace) ListDecisions(_ context.Context, limit int) ([]data.Decision, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ds []data.Decision
	for _, d := range m.decisions {
		ds = append(ds, copyOf(d))
	}
	sort.Slice(ds, func(i, j int) bool {
		if !ds[i].UpdatedAt.Equal(ds[j].UpdatedAt) {
			return ds[i].UpdatedAt.After(ds[j].UpdatedAt)
		}
		return ds[i].ID > ds[j].ID
	})
	if limit > 0 && len(ds) > limit {
		ds = ds[:limit]
	}
	return ds, nil
}

// DeleteDecision deletes a decision with its runs and their results.
func (m *memSpace) DeleteDecision(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.decisions[id]; !ok {
		return fmt.Errorf("delete decision %d: %w", id, data.ErrNotFound)
	}
	delete(m.decisions, id)
	for rid, r := range m.runs {
		if r.DecisionID == id {
			m.deleteRun(rid)
		}
	}
	return nil
}

func (m *memSpace) DuplicateDecision(_ context.Context, id int64, mark string) (int64, error) {
	if mark = strings.TrimSpace(mark); mark == "" {
		mark = "(copy)"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.decisions[id]
	if !ok {
		return 0, fmt.Errorf("duplicate decision %d: %w", id, data.ErrNotFound)
	}
	d = copyOf(d)
	if d.Title == "" {
		d.Title = mark
	} else {
		d.Title += " " + mark
	}
	t := m.now()
	d.ID, d.Status, d.CreatedAt, d.UpdatedAt = nextID(m.decisions), data.DecisionDraft, t, t
	m.decisions[d.ID] = d
	return d.ID, nil
}

// addRun keeps a run as data.Store.CreateRun does: a new id, started now,
// running (what a test would otherwise store with a live test).
func (m *memSpace) addRun(_ context.Context, r *data.Run) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r.DecisionID != 0 {
		if _, ok := m.decisions[r.DecisionID]; !ok {
			return fmt.Errorf("create run: decision %d: %w", r.DecisionID, data.ErrNotFound)
		}
	}
	t := m.now()
	r.ID, r.StartedAt, r.EndedAt, r.Status = nextID(m.runs), t, time.Time{}, advisor.RunRunning
	r.Heartbeat = t
	m.runs[r.ID] = copyOf(*r)
	return nil
}

// addResult keeps a result of a run as data.Store.SaveResult does: a new
// id, or the id of the result of the same cell, which it replaces.
func (m *memSpace) addResult(_ context.Context, r *advisor.Result) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.runs[r.RunID]; !ok {
		return fmt.Errorf("save result of run %d: %w", r.RunID, data.ErrNotFound)
	}
	r.ID = nextID(m.results)
	for id, o := range m.results {
		if o.RunID == r.RunID && o.Endpoint == r.Endpoint && o.Strategy == r.Strategy && o.Case == r.Case && o.Repeat == r.Repeat {
			r.ID = id
		}
	}
	m.results[r.ID] = copyOf(*r)
	return nil
}

func (m *memSpace) ListRuns(_ context.Context, decisionID int64) ([]data.Run, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var rs []data.Run
	for _, r := range m.runs {
		if decisionID == 0 || r.DecisionID == decisionID {
			rs = append(rs, copyOf(r))
		}
	}
	sort.Slice(rs, func(i, j int) bool {
		if !rs[i].StartedAt.Equal(rs[j].StartedAt) {
			return rs[i].StartedAt.After(rs[j].StartedAt)
		}
		return rs[i].ID > rs[j].ID
	})
	return rs, nil
}

func (m *memSpace) Run(_ context.Context, id int64) (*data.Run, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.runs[id]
	if !ok {
		return nil, fmt.Errorf("run %d: %w", id, data.ErrNotFound)
	}
	r = copyOf(r)
	return &r, nil
}

// results is a run's results, the warm-up requests or the others, in the
// store's order.
func (m *memSpace) resultsOf(runID int64, warmup bool) []advisor.Result {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []advisor.Result
	for _, r := range m.results {
		if r.RunID == runID && r.Warmup == warmup {
			out = append(out, copyOf(r))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Endpoint != b.Endpoint:
			return a.Endpoint < b.Endpoint
		case a.Strategy != b.Strategy:
			return a.Strategy < b.Strategy
		case a.Case != b.Case:
			return a.Case < b.Case
		}
		return a.Repeat < b.Repeat
	})
	return out
}

func (m *memSpace) CountResults(_ context.Context, runID int64) (int, error) {
	return len(m.resultsOf(runID, false)), nil
}

func (m *memSpace) Results(_ context.Context, runID int64) ([]advisor.Result, error) {
	return m.resultsOf(runID, false), nil
}

func (m *memSpace) WarmupResults(_ context.Context, runID int64) ([]advisor.Result, error) {
	return m.resultsOf(runID, true), nil
}

// SetVerdict is data.Store.SetVerdict: only a generated image that did not
// fail is rated; the verdict becomes its score (1 or 0) and whether it passed.
func (m *memSpace) SetVerdict(_ context.Context, resultID int64, accepted bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.results[resultID]
	if !ok {
		return fmt.Errorf("verdict on result %d: %w", resultID, data.ErrNotFound)
	}
	if r.Kind != advisor.CaseKindImage {
		k := r.Kind
		if k == "" {
			k = advisor.CaseKindChat
		}
		return fmt.Errorf("verdict on result %d: it is a %s result: %w", resultID, k, data.ErrNotRatable)
	}
	if r.ErrorClass != "" {
		return fmt.Errorf("verdict on result %d: the request failed (%s), there is no image: %w", resultID, r.ErrorClass, data.ErrNotRatable)
	}
	r.Verdict, r.Passed, r.Unscored = &accepted, accepted, false
	r.Score = 0
	if accepted {
		r.Score = 1
	}
	m.results[resultID] = r
	return nil
}

func (m *memSpace) DeleteRun(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.runs[id]; !ok {
		return fmt.Errorf("delete run %d: %w", id, data.ErrNotFound)
	}
	m.deleteRun(id)
	return nil
}

// deleteRun removes a run and its results (m.mu held).
func (m *memSpace) deleteRun(id int64) {
	delete(m.runs, id)
	for rid, r := range m.results {
		if r.RunID == id {
			delete(m.results, rid)
		}
	}
}

// WaitingBatchRuns: no run of this workspace ever sent a batch.
func (m *memSpace) WaitingBatchRuns(context.Context) ([]int64, error) { return nil, nil }

func (m *memSpace) CreateRun(context.Context, advisor.Plan) (*data.Run, error) {
	return nil, errMemNoLive
}

func (m *memSpace) Resume(context.Context, int64, bool, ...func(advisor.Plan) error) (*data.Run, map[advisor.Cell]bool, error) {
	return nil, nil, errMemNoLive
}

func (m *memSpace) Execute(context.Context, *data.Run, map[advisor.Cell]bool, workspace.RunOptions) (workspace.Outcome, error) {
	return workspace.Outcome{}, errMemNoLive
}

func (m *memSpace) BatchState(context.Context, int64) (livetest.BatchState, error) {
	return livetest.BatchState{}, errMemNoLive
}

func (m *memSpace) RunLoad(context.Context, advisor.Plan, advisor.Endpoint, livetest.LoadOptions) (workspace.LoadOutcome, error) {
	return workspace.LoadOutcome{}, errMemNoLive
}

func (m *memSpace) History(context.Context, data.Run) ([]report.RunPoint, error) {
	return nil, errMemNoLive
}

func (m *memSpace) Capacity(context.Context, int64) ([]report.CapacityTest, error) {
	return nil, errMemNoLive
}

func (m *memSpace) PlanCapacity(context.Context, string) ([]report.CapacityTest, error) {
	return nil, errMemNoLive
}

func (m *memSpace) People(context.Context, int64) (verdict.People, error) {
	return verdict.People{}, errMemNoLive
}

func (m *memSpace) OpenBlind(context.Context, data.Run, []advisor.Result, verdict.Verdict, string, bool) (*workspace.Blind, error) {
	return nil, errMemNoLive
}

func (m *memSpace) Choose(context.Context, *workspace.Blind, int, string) (verdict.Key, verdict.Key, error) {
	return verdict.Key{}, verdict.Key{}, errMemNoLive
}

func (m *memSpace) ImportPeople(context.Context, []byte, string) (workspace.Imported, error) {
	return workspace.Imported{}, errMemNoLive
}

func (m *memSpace) Rate(context.Context, data.Rating) error { return errMemNoLive }

func (m *memSpace) RatingsBy(context.Context, int64, string) (map[int64]data.Rating, error) {
	return nil, errMemNoLive
}

var _ space = (*memSpace)(nil)

// newMemHarness is newHarness on the in-memory workspace, for the tests of
// screens that do not test storage.
func newMemHarness(t *testing.T, language string) *harness {
	t.Helper()
	useMemSpace(t)
	h := newHarness(t, language)
	if _, ok := h.a.ws.(*memSpace); !ok {
		t.Fatalf("the app runs on %T, want the in-memory workspace", h.a.ws)
	}
	return h
}
