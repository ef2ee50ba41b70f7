package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// SaveBatch stores a batch job of a run: inserted when j.ID is 0 (j.ID is
// then set), updated otherwise, in one transaction.
func (s *Store) SaveBatch(ctx context.Context, j *advisor.BatchJob) error {
	cells, err := json.Marshal(j.Cells)
	if err != nil {
		return fmt.Errorf("save batch of run %d: %w", j.RunID, err)
	}
	t := now()
	if j.CreatedAt.IsZero() {
		j.CreatedAt = t
	}
	j.UpdatedAt = t
	if j.ID == 0 {
		res, err := s.w.ExecContext(ctx, `INSERT INTO batches (run_id, endpoint, strategy, provider_id, input_file_id, status,
			total, completed, failed, cells, output_file, error_file, collected, error, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			j.RunID, j.Endpoint, j.Strategy, j.ProviderID, j.InputFileID, j.Status, j.Total, j.Completed, j.Failed,
			string(cells), j.OutputFile, j.ErrorFile, j.Collected, j.Error, formatTime(j.CreatedAt), formatTime(j.UpdatedAt))
		if err != nil {
			return fmt.Errorf("save batch of run %d: %w", j.RunID, classify(err))
		}
		j.ID, err = res.LastInsertId()
		return err
	}
	res, err := s.w.ExecContext(ctx, `UPDATE batches SET provider_id = ?, input_file_id = ?, status = ?, total = ?, completed = ?,
		failed = ?, cells = ?, output_file = ?, error_file = ?, collected = ?, error = ?, updated_at = ? WHERE id = ?`,
		j.ProviderID, j.InputFileID, j.Status, j.Total, j.Completed, j.Failed, string(cells), j.OutputFile, j.ErrorFile,
		j.Collected, j.Error, formatTime(j.UpdatedAt), j.ID)
	if err != nil {
		return fmt.Errorf("save batch %d: %w", j.ID, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("save batch %d: %w", j.ID, ErrNotFound)
	}
	return nil
}

// Batches are the batch jobs of a run, oldest first.
func (s *Store) Batches(ctx context.Context, runID int64) ([]advisor.BatchJob, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, run_id, endpoint, strategy, provider_id, input_file_id, status, total, completed,
		failed, cells, output_file, error_file, collected, error, created_at, updated_at FROM batches WHERE run_id = ? ORDER BY id`, runID)
	if err != nil {
		return nil, fmt.Errorf("batches of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []advisor.BatchJob
	for rows.Next() {
		var (
			j                advisor.BatchJob
			cells            string
			created, updated sql.NullString
		)
		if err := rows.Scan(&j.ID, &j.RunID, &j.Endpoint, &j.Strategy, &j.ProviderID, &j.InputFileID, &j.Status, &j.Total,
			&j.Completed, &j.Failed, &cells, &j.OutputFile, &j.ErrorFile, &j.Collected, &j.Error, &created, &updated); err != nil {
			return nil, fmt.Errorf("batches of run %d: %w", runID, err)
		}
		if err := json.Unmarshal([]byte(cells), &j.Cells); err != nil {
			return nil, fmt.Errorf("batch %d: cells: %w", j.ID, err)
		}
		if j.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("batch %d: %w", j.ID, err)
		}
		if j.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, fmt.Errorf("batch %d: %w", j.ID, err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// WaitingBatchRuns are the runs with a batch the provider still holds (not
// yet collected): the runs to resume polling when the program opens.
func (s *Store) WaitingBatchRuns(ctx context.Context) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT run_id FROM batches WHERE collected = 0 AND provider_id <> '' ORDER BY run_id`)
	if err != nil {
		return nil, fmt.Errorf("waiting batches: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("waiting batches: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
