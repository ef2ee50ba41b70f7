package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// LoadTest is a capacity test (`llm-advisor load`, "Can it carry my
// traffic?") as stored: its steps are committed one by one as they end, the
// summary when the test ends.
type LoadTest struct {
	ID         int64
	DecisionID int64 // 0: not tied to a decision
	Name       string
	Endpoint   string
	Model      string
	Status     string // advisor.Run* states
	StartedAt  time.Time
	EndedAt    time.Time
	Result     advisor.LoadResult // Steps filled from load_steps
	Plan       advisor.Plan
}

// CreateLoadTest records a capacity test that starts now and returns its id.
func (s *Store) CreateLoadTest(ctx context.Context, t LoadTest) (int64, error) {
	plan, err := json.Marshal(t.Plan)
	if err != nil {
		return 0, fmt.Errorf("create load test: %w", err)
	}
	var dec any
	if t.DecisionID != 0 {
		dec = t.DecisionID
	}
	res, err := s.w.ExecContext(ctx, `INSERT INTO load_tests (decision_id, name, endpoint, model, status, started_at, plan)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, dec, t.Name, t.Endpoint, t.Model, advisor.RunRunning, formatTime(now()), string(plan))
	if err != nil {
		return 0, fmt.Errorf("create load test: %w", classify(err))
	}
	return res.LastInsertId()
}

// SaveLoadStep commits one finished step of a capacity test (a step saved
// again replaces the first).
func (s *Store) SaveLoadStep(ctx context.Context, loadID int64, index int, st advisor.LoadStep) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save step %d of load test %d: %w", index, loadID, err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO load_steps (load_id, step_index, step) VALUES (?, ?, ?)
		ON CONFLICT (load_id, step_index) DO UPDATE SET step = excluded.step`, loadID, index, string(b)); err != nil {
		return fmt.Errorf("save step %d of load test %d: %w", index, loadID, classify(err))
	}
	return nil
}

// FinishLoadTest records a capacity test's end: its state and summary (the
// steps are stored apart and not repeated).
func (s *Store) FinishLoadTest(ctx context.Context, loadID int64, status string, r advisor.LoadResult) error {
	r.Steps = nil
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("finish load test %d: %w", loadID, err)
	}
	res, err := s.w.ExecContext(ctx, "UPDATE load_tests SET status = ?, ended_at = ?, result = ? WHERE id = ?",
		status, formatTime(now()), string(b), loadID)
	if err != nil {
		return fmt.Errorf("finish load test %d: %w", loadID, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("finish load test %d: %w", loadID, ErrNotFound)
	}
	return nil
}

const loadColumns = "id, decision_id, name, endpoint, model, status, started_at, ended_at, result, plan"

func scanLoad(sc interface{ Scan(...any) error }) (LoadTest, error) {
	var (
		t              LoadTest
		dec            sql.NullInt64
		started, ended sql.NullString
		result, plan   string
	)
	if err := sc.Scan(&t.ID, &dec, &t.Name, &t.Endpoint, &t.Model, &t.Status, &started, &ended, &result, &plan); err != nil {
		return t, err
	}
	t.DecisionID = dec.Int64
	var err error
	if t.StartedAt, err = parseTime(started); err != nil {
		return t, fmt.Errorf("load test %d: %w", t.ID, err)
	}
	if t.EndedAt, err = parseTime(ended); err != nil {
		return t, fmt.Errorf("load test %d: %w", t.ID, err)
	}
	if err := json.Unmarshal([]byte(result), &t.Result); err != nil {
		return t, fmt.Errorf("load test %d: result: %w", t.ID, err)
	}
	if err := json.Unmarshal([]byte(plan), &t.Plan); err != nil {
		return t, fmt.Errorf("load test %d: plan: %w", t.ID, err)
	}
	return t, nil
}

// LoadTestByID returns one capacity test with its steps, or an error
// wrapping ErrNotFound.
func (s *Store) LoadTestByID(ctx context.Context, id int64) (LoadTest, error) {
	t, err := scanLoad(s.r.QueryRowContext(ctx, "SELECT "+loadColumns+" FROM load_tests WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("load test %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("load test %d: %w", id, err)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT step FROM load_steps WHERE load_id = ? ORDER BY step_index", id)
	if err != nil {
		return t, fmt.Errorf("steps of load test %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var b string
		var st advisor.LoadStep
		if err := rows.Scan(&b); err != nil {
			return t, fmt.Errorf("steps of load test %d: %w", id, err)
		}
		if err := json.Unmarshal([]byte(b), &st); err != nil {
			return t, fmt.Errorf("steps of load test %d: %w", id, err)
		}
		t.Result.Steps = append(t.Result.Steps, st)
	}
	if err := rows.Err(); err != nil {
		return t, fmt.Errorf("steps of load test %d: %w", id, err)
	}
	return t, nil
}

// LoadTests lists the capacity tests of a decision (0: those of no
// decision), newest first, without their steps.
func (s *Store) LoadTests(ctx context.Context, decisionID int64) ([]LoadTest, error) {
	q := "SELECT " + loadColumns + " FROM load_tests WHERE decision_id = ? ORDER BY started_at DESC, id DESC"
	args := []any{decisionID}
	if decisionID == 0 {
		q, args = "SELECT "+loadColumns+" FROM load_tests WHERE decision_id IS NULL ORDER BY started_at DESC, id DESC", nil
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("load tests: %w", err)
	}
	defer rows.Close()
	var out []LoadTest
	for rows.Next() {
		t, err := scanLoad(rows)
		if err != nil {
			return nil, fmt.Errorf("load tests: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load tests: %w", err)
	}
	return out, nil
}
