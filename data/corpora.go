package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// RunCorpus returns the documents a run indexed from collection (a
// documents folder); ok is false when it indexed none there yet.
func (s *Store) RunCorpus(ctx context.Context, runID int64, collection string) (c advisor.CorpusPrint, ok bool, err error) {
	err = s.r.QueryRowContext(ctx, "SELECT fingerprint, files, chunks FROM run_corpora WHERE run_id = ? AND collection = ?", runID, collection).
		Scan(&c.Fingerprint, &c.Files, &c.Chunks)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return advisor.CorpusPrint{}, false, nil
	case err != nil:
		return advisor.CorpusPrint{}, false, fmt.Errorf("documents of run %d: %w", runID, classify(err))
	}
	return c, true, nil
}

// SetRunCorpus records (replacing) the documents run runID indexed from
// collection.
func (s *Store) SetRunCorpus(ctx context.Context, runID int64, collection string, c advisor.CorpusPrint) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO run_corpora (run_id, collection, fingerprint, files, chunks, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (run_id, collection) DO UPDATE SET fingerprint = excluded.fingerprint, files = excluded.files, chunks = excluded.chunks, recorded_at = excluded.recorded_at`,
		runID, collection, c.Fingerprint, c.Files, c.Chunks, formatTime(now()))
	if err != nil {
		return fmt.Errorf("record the documents of run %d: %w", runID, classify(err))
	}
	return nil
}
