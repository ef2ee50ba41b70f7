package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor/verdict"
)

// Judgement is a stored blind choice: the choice (verdict.Judgement), the
// session it was made in (0: imported) and when.
type Judgement struct {
	verdict.Judgement
	SessionID int64
	At        time.Time
}

// BlindSession is a stored blind side-by-side session of a run: who judges,
// the seed that laid it out and the layout itself.
type BlindSession struct {
	ID      int64
	RunID   int64
	Who     string
	Seed    uint64
	Items   []verdict.BlindItem
	Created time.Time
}

// MaxBlindItems bounds a session's layout.
const MaxBlindItems = 20000

// CreateBlindSession stores a new session and sets its ID.
func (s *Store) CreateBlindSession(ctx context.Context, b *BlindSession) error {
	if len(b.Items) > MaxBlindItems {
		return fmt.Errorf("blind session of run %d: %d items; at most %d", b.RunID, len(b.Items), MaxBlindItems)
	}
	items, err := json.Marshal(b.Items)
	if err != nil {
		return err
	}
	if b.Created.IsZero() {
		b.Created = now()
	}
	res, err := s.w.ExecContext(ctx, `INSERT INTO blind_sessions (run_id, who, seed, items, created_at) VALUES (?, ?, ?, ?, ?)`,
		b.RunID, b.Who, int64(b.Seed), string(items), formatTime(b.Created))
	if err != nil {
		return fmt.Errorf("blind session of run %d: %w", b.RunID, classify(err))
	}
	b.ID, err = res.LastInsertId()
	return err
}

// LatestBlindSession is who's newest session of run; ErrNotFound when none.
func (s *Store) LatestBlindSession(ctx context.Context, runID int64, who string) (*BlindSession, error) {
	var b BlindSession
	var seed int64
	var items, at string
	err := s.r.QueryRowContext(ctx, `SELECT id, run_id, who, seed, items, created_at FROM blind_sessions
		WHERE run_id = ? AND who = ? ORDER BY id DESC LIMIT 1`, runID, who).Scan(&b.ID, &b.RunID, &b.Who, &seed, &items, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("blind session of run %d: %w", runID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("blind session of run %d: %w", runID, err)
	}
	b.Seed = uint64(seed)
	if err := json.Unmarshal([]byte(items), &b.Items); err != nil {
		return nil, fmt.Errorf("blind session %d: %w", b.ID, err)
	}
	if b.Created, err = parseTime(sql.NullString{String: at, Valid: true}); err != nil {
		return nil, fmt.Errorf("blind session %d: %w", b.ID, err)
	}
	return &b, nil
}

// SaveJudgement keeps a blind choice; the same person choosing between the
// same two answers again (in either order) replaces the earlier choice.
// An answer that does not exist is ErrNotFound; the two answers must be
// different answers to the same case of one run.
func (s *Store) SaveJudgement(ctx context.Context, j Judgement) error {
	if !verdict.ValidChoice(j.Choice) {
		return fmt.Errorf("judgement of results %d and %d: choice %q is not one of %v", j.Left, j.Right, j.Choice, verdict.Choices)
	}
	if j.Left == j.Right {
		return fmt.Errorf("judgement of result %d: an answer cannot be compared with itself", j.Left)
	}
	type side struct {
		run int64
		set string
		cse int
	}
	var l, r side
	for _, x := range []struct {
		id  int64
		out *side
	}{{j.Left, &l}, {j.Right, &r}} {
		err := s.r.QueryRowContext(ctx, "SELECT run_id, set_name, case_index FROM results WHERE id = ?", x.id).Scan(&x.out.run, &x.out.set, &x.out.cse)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("judgement: result %d: %w", x.id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("judgement: result %d: %w", x.id, err)
		}
	}
	if l != r {
		return fmt.Errorf("judgement: results %d and %d answer different cases; compare two answers to one case", j.Left, j.Right)
	}
	at := j.At
	if at.IsZero() {
		at = now()
	}
	var sess any
	if j.SessionID != 0 {
		sess = j.SessionID
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM judgements WHERE min(left_result, right_result) = min(?1, ?2)
		AND max(left_result, right_result) = max(?1, ?2) AND who = ?3`, j.Left, j.Right, j.Who); err != nil {
		return fmt.Errorf("judgement of results %d and %d: %w", j.Left, j.Right, classify(err))
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO judgements (left_result, right_result, choice, who, session_id, judged_at) VALUES (?, ?, ?, ?, ?, ?)`,
		j.Left, j.Right, j.Choice, j.Who, sess, formatTime(at)); err != nil {
		return fmt.Errorf("judgement of results %d and %d: %w", j.Left, j.Right, classify(err))
	}
	return tx.Commit()
}

// RunJudgements are the blind choices on a run's answers, oldest first.
func (s *Store) RunJudgements(ctx context.Context, runID int64) ([]Judgement, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT j.left_result, j.right_result, j.choice, j.who, coalesce(j.session_id, 0), j.judged_at
		FROM judgements j JOIN results r ON r.id = j.left_result WHERE r.run_id = ? ORDER BY j.judged_at, j.id`, runID)
	if err != nil {
		return nil, fmt.Errorf("judgements of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []Judgement
	for rows.Next() {
		var j Judgement
		var at string
		if err := rows.Scan(&j.Left, &j.Right, &j.Choice, &j.Who, &j.SessionID, &at); err != nil {
			return nil, fmt.Errorf("judgements of run %d: %w", runID, err)
		}
		if j.At, err = parseTime(sql.NullString{String: at, Valid: true}); err != nil {
			return nil, fmt.Errorf("judgements of run %d: %w", runID, err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}
