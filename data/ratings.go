package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Rating is a person's score of one answer (a result): 0 to 1, an optional
// note, who gave it and when.
type Rating struct {
	ResultID int64
	Score    float64
	Note     string
	Who      string
	At       time.Time
}

// MaxRatingNote bounds a rating's note (bytes).
const MaxRatingNote = 4000

// SaveRating keeps a rating; the same person rating the same answer again
// replaces the earlier score. A result that does not exist is ErrNotFound.
func (s *Store) SaveRating(ctx context.Context, r Rating) error {
	if math.IsNaN(r.Score) || r.Score < 0 || r.Score > 1 {
		return fmt.Errorf("rate result %d: score %v is outside 0..1", r.ResultID, r.Score)
	}
	if len(r.Note) > MaxRatingNote {
		return fmt.Errorf("rate result %d: the note has %d bytes; at most %d", r.ResultID, len(r.Note), MaxRatingNote)
	}
	var one int
	err := s.r.QueryRowContext(ctx, "SELECT 1 FROM results WHERE id = ?", r.ResultID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("rate result %d: %w", r.ResultID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("rate result %d: %w", r.ResultID, err)
	}
	at := r.At
	if at.IsZero() {
		at = now()
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO ratings (result_id, score, note, who, rated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (result_id, who) DO UPDATE SET score = excluded.score, note = excluded.note, rated_at = excluded.rated_at`,
		r.ResultID, r.Score, strings.TrimSpace(r.Note), r.Who, formatTime(at))
	if err != nil {
		return fmt.Errorf("rate result %d: %w", r.ResultID, classify(err))
	}
	return nil
}

// RunRatings are the ratings of a run's results, oldest first.
func (s *Store) RunRatings(ctx context.Context, runID int64) ([]Rating, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT g.result_id, g.score, g.note, g.who, g.rated_at FROM ratings g
		JOIN results r ON r.id = g.result_id WHERE r.run_id = ? ORDER BY g.rated_at, g.id`, runID)
	if err != nil {
		return nil, fmt.Errorf("ratings of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []Rating
	for rows.Next() {
		var g Rating
		var at string
		if err := rows.Scan(&g.ResultID, &g.Score, &g.Note, &g.Who, &at); err != nil {
			return nil, fmt.Errorf("ratings of run %d: %w", runID, err)
		}
		if g.At, err = parseTime(sql.NullString{String: at, Valid: true}); err != nil {
			return nil, fmt.Errorf("ratings of run %d: %w", runID, err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}
