package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// Decision states.
const (
	DecisionDraft = "draft"
	DecisionFinal = "final"
)

// Decision is one use case the user worked through: the wizard's answers and,
// once the engine ran, its recommendation.
type Decision struct {
	ID             int64
	Title          string
	Answers        advisor.Answers
	Recommendation *advisor.Recommendation // nil until the engine ran
	Status         string                  // DecisionDraft or DecisionFinal
	CreatedAt      time.Time               // UTC
	UpdatedAt      time.Time               // UTC
}

// SaveDecision inserts d when d.ID is 0 (setting ID, CreatedAt and UpdatedAt)
// and updates the stored decision otherwise (setting UpdatedAt). An empty
// Status is saved as a draft.
func (s *Store) SaveDecision(ctx context.Context, d *Decision) error {
	if d.Status == "" {
		d.Status = DecisionDraft
	}
	if d.Status != DecisionDraft && d.Status != DecisionFinal {
		return fmt.Errorf("save decision %d: status %q is not allowed; allowed values: draft, final", d.ID, d.Status)
	}
	answers, err := json.Marshal(d.Answers)
	if err != nil {
		return fmt.Errorf("save decision %d: answers: %w", d.ID, err)
	}
	var rec any // NULL when there is no recommendation yet
	if d.Recommendation != nil {
		b, err := json.Marshal(d.Recommendation)
		if err != nil {
			return fmt.Errorf("save decision %d: recommendation: %w", d.ID, err)
		}
		rec = string(b)
	}
	t := now()
	if d.ID == 0 {
		var id int64
		err := s.w.QueryRowContext(ctx, `INSERT INTO decisions (title, answers, recommendation, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			d.Title, string(answers), rec, d.Status, formatTime(t), formatTime(t)).Scan(&id)
		if err != nil {
			return fmt.Errorf("save new decision: %w", classify(err))
		}
		d.ID, d.CreatedAt, d.UpdatedAt = id, t, t
		return nil
	}
	var created sql.NullString
	err = s.w.QueryRowContext(ctx, `UPDATE decisions SET title = ?, answers = ?, recommendation = ?, status = ?, updated_at = ?
		WHERE id = ? RETURNING created_at`,
		d.Title, string(answers), rec, d.Status, formatTime(t), d.ID).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("save decision %d: %w", d.ID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("save decision %d: %w", d.ID, classify(err))
	}
	if d.CreatedAt, err = parseTime(created); err != nil {
		return fmt.Errorf("save decision %d: %w", d.ID, err)
	}
	d.UpdatedAt = t
	return nil
}

const decisionColumns = "id, title, answers, recommendation, status, created_at, updated_at"

func scanDecision(sc interface{ Scan(...any) error }) (Decision, error) {
	var (
		d                Decision
		answers          string
		rec              sql.NullString
		created, updated sql.NullString
	)
	if err := sc.Scan(&d.ID, &d.Title, &answers, &rec, &d.Status, &created, &updated); err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(answers), &d.Answers); err != nil {
		return d, fmt.Errorf("answers: %w", err)
	}
	if rec.Valid {
		d.Recommendation = new(advisor.Recommendation)
		if err := json.Unmarshal([]byte(rec.String), d.Recommendation); err != nil {
			return d, fmt.Errorf("recommendation: %w", err)
		}
	}
	var err error
	if d.CreatedAt, err = parseTime(created); err != nil {
		return d, err
	}
	if d.UpdatedAt, err = parseTime(updated); err != nil {
		return d, err
	}
	return d, nil
}

// Decision returns the decision with the given id, or an error wrapping
// ErrNotFound.
func (s *Store) Decision(ctx context.Context, id int64) (*Decision, error) {
	d, err := scanDecision(s.r.QueryRowContext(ctx, "SELECT "+decisionColumns+" FROM decisions WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("decision %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("decision %d: %w", id, err)
	}
	return &d, nil
}

// ListDecisions returns up to limit decisions (all when limit <= 0), the most
// recently updated first.
func (s *Store) ListDecisions(ctx context.Context, limit int) ([]Decision, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+decisionColumns+" FROM decisions ORDER BY updated_at DESC, id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("list decisions: %w", err)
	}
	defer rows.Close()
	var ds []Decision
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, fmt.Errorf("list decisions: %w", err)
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list decisions: %w", err)
	}
	return ds, nil
}

// DeleteDecision deletes a decision with its runs and their results.
func (s *Store) DeleteDecision(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, "DELETE FROM decisions WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("delete decision %d: %w", id, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("delete decision %d: %w", id, ErrNotFound)
	}
	return nil
}

// DuplicateDecision copies a decision's answers and recommendation into a new
// draft titled "<title> <mark>" and returns its id; mark is the caller's word
// for a copy in the user's language ("(copy)" when empty). Runs are not copied.
func (s *Store) DuplicateDecision(ctx context.Context, id int64, mark string) (int64, error) {
	if mark = strings.TrimSpace(mark); mark == "" {
		mark = "(copy)"
	}
	t := formatTime(now())
	var newID int64
	err := s.w.QueryRowContext(ctx, `INSERT INTO decisions (title, answers, recommendation, status, created_at, updated_at)
		SELECT CASE WHEN title = '' THEN ? ELSE title || ' ' || ? END, answers, recommendation, 'draft', ?, ? FROM decisions WHERE id = ?
		RETURNING id`, mark, mark, t, t, id).Scan(&newID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("duplicate decision %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("duplicate decision %d: %w", id, classify(err))
	}
	return newID, nil
}
