package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// saveResultSQL inserts one result; a result for a cell that already has one
// (a cancelled request done again on resume) replaces it.
const saveResultSQL = `INSERT INTO results (run_id, endpoint, model, strategy, case_index, repeat_index, output,
	ttft_ms, latency_ms, queue_ms, concurrency_at_send, tokens_in, tokens_out, tokens_estimated, cost_usd,
	score, passed, checks, error_class, error_message, started_at, ended_at,
	set_name, kind, metrics, artifact, verdict, unscored,
	ttfat_ms, tpot_ms, chunks, tokens_cached, tokens_reasoning, warmup, batch)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
	?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (run_id, endpoint, strategy, case_index, repeat_index) DO UPDATE SET
	model = excluded.model, output = excluded.output, ttft_ms = excluded.ttft_ms, latency_ms = excluded.latency_ms,
	queue_ms = excluded.queue_ms, concurrency_at_send = excluded.concurrency_at_send, tokens_in = excluded.tokens_in,
	tokens_out = excluded.tokens_out, tokens_estimated = excluded.tokens_estimated, cost_usd = excluded.cost_usd,
	score = excluded.score, passed = excluded.passed, checks = excluded.checks, error_class = excluded.error_class,
	error_message = excluded.error_message, started_at = excluded.started_at, ended_at = excluded.ended_at,
	set_name = excluded.set_name, kind = excluded.kind, metrics = excluded.metrics, artifact = excluded.artifact,
	verdict = excluded.verdict, unscored = excluded.unscored,
	ttfat_ms = excluded.ttfat_ms, tpot_ms = excluded.tpot_ms, chunks = excluded.chunks, tokens_cached = excluded.tokens_cached,
	tokens_reasoning = excluded.tokens_reasoning, warmup = excluded.warmup, batch = excluded.batch
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
	metrics := []byte("{}")
	if len(r.Metrics) > 0 {
		b, err := json.Marshal(r.Metrics)
		if err != nil {
			return fmt.Errorf("save result of run %d: metrics: %w", r.RunID, err)
		}
		metrics = b
	}
	var verdict any
	if r.Verdict != nil {
		verdict = *r.Verdict
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
		r.Score, r.Passed, string(checks), r.ErrorClass, r.ErrorMessage, formatTime(r.StartedAt), formatTime(r.EndedAt),
		r.Set, r.Kind, string(metrics), r.Artifact, verdict, r.Unscored,
		r.TTFATMs, r.TPOTMs, r.Chunks, r.TokensCached, r.TokensReasoning, r.Warmup, r.Batch).Scan(&id)
	if err != nil {
		return fmt.Errorf("save result of run %d: %w", r.RunID, classify(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save result of run %d: %w", r.RunID, classify(err))
	}
	r.ID = id
	return nil
}

const resultColumns = `id, run_id, endpoint, model, strategy, case_index, repeat_index, output,
	ttft_ms, latency_ms, queue_ms, concurrency_at_send, tokens_in, tokens_out, tokens_estimated, cost_usd,
	score, passed, checks, error_class, error_message, started_at, ended_at,
	set_name, kind, metrics, artifact, verdict, unscored,
	ttfat_ms, tpot_ms, chunks, tokens_cached, tokens_reasoning, warmup, batch`

func scanResult(sc interface{ Scan(...any) error }) (advisor.Result, error) {
	var (
		r               advisor.Result
		checks, metrics string
		started, ended  sql.NullString
		verdict         sql.NullBool
	)
	if err := sc.Scan(&r.ID, &r.RunID, &r.Endpoint, &r.Model, &r.Strategy, &r.Case, &r.Repeat, &r.Output,
		&r.TTFTMs, &r.LatencyMs, &r.QueueMs, &r.ConcurrencyAtSend, &r.TokensIn, &r.TokensOut, &r.TokensEstimated, &r.CostUSD,
		&r.Score, &r.Passed, &checks, &r.ErrorClass, &r.ErrorMessage, &started, &ended,
		&r.Set, &r.Kind, &metrics, &r.Artifact, &verdict, &r.Unscored,
		&r.TTFATMs, &r.TPOTMs, &r.Chunks, &r.TokensCached, &r.TokensReasoning, &r.Warmup, &r.Batch); err != nil {
		return r, err
	}
	if checks != "" && checks != "[]" {
		if err := json.Unmarshal([]byte(checks), &r.Checks); err != nil {
			return r, fmt.Errorf("result %d: checks: %w", r.ID, err)
		}
	}
	if metrics != "" && metrics != "{}" {
		if err := json.Unmarshal([]byte(metrics), &r.Metrics); err != nil {
			return r, fmt.Errorf("result %d: metrics: %w", r.ID, err)
		}
	}
	if verdict.Valid {
		v := verdict.Bool
		r.Verdict = &v
	}
	var err error
	if r.StartedAt, err = parseTime(started); err != nil {
		return r, fmt.Errorf("result %d: %w", r.ID, err)
	}
	if r.EndedAt, err = parseTime(ended); err != nil {
		return r, fmt.Errorf("result %d: %w", r.ID, err)
	}
	return r, nil
}

// Results returns the measured results of a run ordered by endpoint,
// strategy, case and repeat: every result but the warm-up requests, which no
// figure may count (WarmupResults has them).
func (s *Store) Results(ctx context.Context, runID int64) ([]advisor.Result, error) {
	return s.results(ctx, runID, false)
}

// WarmupResults returns the warm-up requests of a run (one per endpoint,
// unmeasured), ordered by endpoint: the "model load" times and the raw
// exports' warmup rows.
func (s *Store) WarmupResults(ctx context.Context, runID int64) ([]advisor.Result, error) {
	return s.results(ctx, runID, true)
}

func (s *Store) results(ctx context.Context, runID int64, warmup bool) ([]advisor.Result, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+resultColumns+`
		FROM results WHERE run_id = ? AND warmup = ? ORDER BY endpoint, strategy, case_index, repeat_index`, runID, warmup)
	if err != nil {
		return nil, fmt.Errorf("results of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []advisor.Result
	for rows.Next() {
		r, err := scanResult(rows)
		if err != nil {
			return nil, fmt.Errorf("results of run %d: %w", runID, err)
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
	rows, err := s.r.QueryContext(ctx, "SELECT endpoint, strategy, case_index, repeat_index FROM results WHERE run_id = ? AND error_class <> ? AND warmup = 0",
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

// SucceededCells is DoneCells without the failed requests: the cells a
// resume need not send again when failed requests are retried.
func (s *Store) SucceededCells(ctx context.Context, runID int64) (map[advisor.Cell]bool, error) {
	done, err := s.DoneCells(ctx, runID)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, "SELECT endpoint, strategy, case_index, repeat_index FROM results WHERE run_id = ? AND error_class <> '' AND warmup = 0", runID)
	if err != nil {
		return nil, fmt.Errorf("failed cells of run %d: %w", runID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c advisor.Cell
		if err := rows.Scan(&c.Endpoint, &c.Strategy, &c.Case, &c.Repeat); err != nil {
			return nil, fmt.Errorf("failed cells of run %d: %w", runID, err)
		}
		delete(done, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("failed cells of run %d: %w", runID, err)
	}
	return done, nil
}

// CountResults returns how many measured results a run has (progress of a run shown
// from another window or process).
func (s *Store) CountResults(ctx context.Context, runID int64) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM results WHERE run_id = ? AND warmup = 0", runID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count results of run %d: %w", runID, err)
	}
	return n, nil
}

// Result returns one result by its id, or an error wrapping ErrNotFound.
func (s *Store) Result(ctx context.Context, id int64) (advisor.Result, error) {
	r, err := scanResult(s.r.QueryRowContext(ctx, "SELECT "+resultColumns+" FROM results WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("result %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("result %d: %w", id, err)
	}
	return r, nil
}

// ErrNotRatable is returned by SetVerdict for a result that is not a
// generated image, or whose request failed.
var ErrNotRatable = errors.New("only a generated image can be accepted or rejected")

// SetVerdict records the user's verdict on a generated image: accepted or
// not. The verdict becomes the result's quality score (1 or 0) and whether
// it passed; until then the image is unscored. Rating again replaces the
// verdict.
func (s *Store) SetVerdict(ctx context.Context, resultID int64, accepted bool) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("verdict on result %d: %w", resultID, classify(err))
	}
	defer tx.Rollback()
	var kind, errClass string
	err = tx.QueryRowContext(ctx, "SELECT kind, error_class FROM results WHERE id = ?", resultID).Scan(&kind, &errClass)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("verdict on result %d: %w", resultID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("verdict on result %d: %w", resultID, err)
	}
	if kind != advisor.CaseKindImage {
		k := kind
		if k == "" {
			k = advisor.CaseKindChat
		}
		return fmt.Errorf("verdict on result %d: it is a %s result: %w", resultID, k, ErrNotRatable)
	}
	if errClass != "" {
		return fmt.Errorf("verdict on result %d: the request failed (%s), there is no image: %w", resultID, errClass, ErrNotRatable)
	}
	score := 0.0
	if accepted {
		score = 1
	}
	if _, err := tx.ExecContext(ctx, "UPDATE results SET verdict = ?, score = ?, passed = ?, unscored = 0 WHERE id = ?",
		accepted, score, accepted, resultID); err != nil {
		return fmt.Errorf("verdict on result %d: %w", resultID, classify(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("verdict on result %d: %w", resultID, classify(err))
	}
	return nil
}
