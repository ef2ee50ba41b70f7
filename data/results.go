package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// saveResultSQL inserts one result; a result for a cell that already has one
// (a cancelled request done again on resume) replaces it.
const saveResultSQL = `INSERT INTO results (run_id, endpoint, model, strategy, case_index, repeat_index, output,
	ttft_ms, latency_ms, queue_ms, concurrency_at_send, tokens_in, tokens_out, tokens_estimated, cost_usd,
	score, passed, checks, error_class, error_message, started_at, ended_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (run_id, endpoint, strategy, case_index, repeat_index) DO UPDATE SET
	model = excluded.model, output = excluded.output, ttft_ms = excluded.ttft_ms, latency_ms = excluded.latency_ms,
	queue_ms = excluded.queue_ms, concurrency_at_send = excluded.concurrency_at_send, tokens_in = excluded.tokens_in,
	tokens_out = excluded.tokens_out, tokens_estimated = excluded.tokens_estimated, cost_usd = excluded.cost_usd,
	score = excluded.score, passed = excluded.passed, checks = excluded.checks, error_class = excluded.error_class,
	error_message = excluded.error_message, started_at = excluded.started_at, ended_at = excluded.ended_at
RETURNING id`

// SaveResult commits one result of a run in one short transaction, so that
// a crash loses nothing already measured, and sets r.ID. It also refreshes
// the run's heartbeat. A second result for the same cell replaces the first.
func (s *Store) SaveResult(ctx context.Context, r *advisor.Result) error {
	checks := []byte("[]")
	if len(r.Checks) > 0 {
		b, err := json.Marshal(r.Checks)
		if err != nil {
			return fmt.Errorf("save result of run %d: checks: %w", r.RunID, err)
		}
		checks = b
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save result of run %d: %w", r.RunID, classify(err))
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, "UPDATE runs SET heartbeat_at = ? WHERE id = ?", formatTime(now()), r.RunID)
	if err != nil {
		return fmt.Errorf("save result of run %d: %w", r.RunID, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("save result of run %d: %w", r.RunID, ErrNotFound)
	}
	var id int64
	err = tx.StmtContext(ctx, s.saveResult).QueryRowContext(ctx,
		r.RunID, r.Endpoint, r.Model, r.Strategy, r.Case, r.Repeat, r.Output,
		r.TTFTMs, r.LatencyMs, r.QueueMs, r.ConcurrencyAtSend, r.TokensIn, r.TokensOut, r.TokensEstimated, r.CostUSD,
		r.Score, r.Passed, string(checks), r.ErrorClass, r.ErrorMessage, formatTime(r.StartedAt), formatTime(r.EndedAt)).Scan(&id)
	if err != nil {
		return fmt.Errorf("save result of run %d: %w", r.RunID, classify(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save result of run %d: %w", r.RunID, classify(err))
	}
	r.ID = id
	return nil
}

// Results returns every result of a run ordered by endpoint, strategy, case
// and repeat.
func (s *Store) Results(ctx context.Context, runID int64) ([]advisor.Result, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, run_id, endpoint, model, strategy, case_index, repeat_index, output,
		ttft_ms, latency_ms, queue_ms, concurrency_at_send, tokens_in, tokens_out, tokens_estimated, cost_usd,
		score, passed, checks, error_class, error_message, started_at, ended_at
		FROM results WHERE run_id = ? ORDER BY endpoint, strategy, case_index, repeat_index`, runID)
	if err != nil {
		return nil, fmt.Errorf("results of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []advisor.Result
	for rows.Next() {
		var (
			r              advisor.Result
			checks         string
			started, ended sql.NullString
		)
		if err := rows.Scan(&r.ID, &r.RunID, &r.Endpoint, &r.Model, &r.Strategy, &r.Case, &r.Repeat, &r.Output,
			&r.TTFTMs, &r.LatencyMs, &r.QueueMs, &r.ConcurrencyAtSend, &r.TokensIn, &r.TokensOut, &r.TokensEstimated, &r.CostUSD,
			&r.Score, &r.Passed, &checks, &r.ErrorClass, &r.ErrorMessage, &started, &ended); err != nil {
			return nil, fmt.Errorf("results of run %d: %w", runID, err)
		}
		if checks != "" && checks != "[]" {
			if err := json.Unmarshal([]byte(checks), &r.Checks); err != nil {
				return nil, fmt.Errorf("results of run %d: result %d: checks: %w", runID, r.ID, err)
			}
		}
		if r.StartedAt, err = parseTime(started); err != nil {
			return nil, fmt.Errorf("results of run %d: result %d: %w", runID, r.ID, err)
		}
		if r.EndedAt, err = parseTime(ended); err != nil {
			return nil, fmt.Errorf("results of run %d: result %d: %w", runID, r.ID, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("results of run %d: %w", runID, err)
	}
	return out, nil
}

// DoneCells returns the cells of a run that have a result and need not be
// requested again on resume. A request that was cancelled does not count:
// resuming sends it again.
func (s *Store) DoneCells(ctx context.Context, runID int64) (map[advisor.Cell]bool, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT endpoint, strategy, case_index, repeat_index FROM results WHERE run_id = ? AND error_class <> ?",
		runID, advisor.ErrCancelled)
	if err != nil {
		return nil, fmt.Errorf("done cells of run %d: %w", runID, err)
	}
	defer rows.Close()
	done := map[advisor.Cell]bool{}
	for rows.Next() {
		var c advisor.Cell
		if err := rows.Scan(&c.Endpoint, &c.Strategy, &c.Case, &c.Repeat); err != nil {
			return nil, fmt.Errorf("done cells of run %d: %w", runID, err)
		}
		done[c] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("done cells of run %d: %w", runID, err)
	}
	return done, nil
}

// CountResults returns how many results a run has (progress of a run shown
// from another window or process).
func (s *Store) CountResults(ctx context.Context, runID int64) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM results WHERE run_id = ?", runID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count results of run %d: %w", runID, err)
	}
	return n, nil
}
