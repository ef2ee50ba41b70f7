package livetest

import (
	"context"
	"sync"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// memBatches keeps batch jobs in memory, as the store would; it outlives a
// RunBatch, like the database outlives the program.
type memBatches struct {
	mu   sync.Mutex
	jobs []advisor.BatchJob
}

func (m *memBatches) SaveBatch(_ context.Context, j *advisor.BatchJob) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if j.ID == 0 {
		j.ID = int64(len(m.jobs) + 1)
		m.jobs = append(m.jobs, *j)
		return nil
	}
	m.jobs[j.ID-1] = *j
	return nil
}

func (m *memBatches) Batches(_ context.Context, runID int64) ([]advisor.BatchJob, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []advisor.BatchJob
	for _, j := range m.jobs {
		if j.RunID == runID {
			j.Cells = append([]advisor.Cell(nil), j.Cells...)
			out = append(out, j)
		}
	}
	return out, nil
}

// skipOf is what a resume skips: the cells with a stored result.
func skipOf(rs []advisor.Result) map[advisor.Cell]bool {
	m := map[advisor.Cell]bool{}
	for _, r := range rs {
		if r.ErrorClass != advisor.ErrCancelled {
			m[r.Cell()] = true
		}
	}
	return m
}

func batchTestOptions(t *testing.T, sink *memSink, store *memBatches) (Options, *[]string, *[]BatchState) {
	t.Helper()
	opt, _ := testOptions(sink)
	opt.Batches = store
	opt.BatchPoll = 1
	var mu sync.Mutex
	notes, states := &[]string{}, &[]BatchState{}
	opt.OnNote = func(n string) { mu.Lock(); *notes = append(*notes, n); mu.Unlock() }
	opt.OnBatch = func(s BatchState) { mu.Lock(); *states = append(*states, s); mu.Unlock() }
	return opt, notes, states
}
