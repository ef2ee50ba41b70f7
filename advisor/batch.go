package advisor

import "time"

// BatchJob is one input file of a run sent through a provider's Batch API:
// the requests of one endpoint and strategy (a large group is split over
// several files). It is stored as soon as the provider accepts it, so
// closing the program and opening it again resumes polling. No key is part
// of it.
type BatchJob struct {
	ID          int64     `json:"id"`
	RunID       int64     `json:"run_id"`
	Endpoint    string    `json:"endpoint"`
	Strategy    string    `json:"strategy"`
	ProviderID  string    `json:"provider_id"` // the provider's batch id
	InputFileID string    `json:"input_file_id"`
	Status      string    `json:"status"` // the provider's: validating, in_progress, finalizing, completed, failed, expired, cancelling, cancelled
	Total       int       `json:"total"`
	Completed   int       `json:"completed"`
	Failed      int       `json:"failed"`
	Cells       []Cell    `json:"cells"` // the requests of the file, in custom_id order
	OutputFile  string    `json:"output_file_id,omitempty"`
	ErrorFile   string    `json:"error_file_id,omitempty"`
	Collected   bool      `json:"collected"`       // results downloaded and stored; nothing more to poll
	Error       string    `json:"error,omitempty"` // why it was not submitted or failed
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Batch statuses (the OpenAI Batch API's).
const (
	BatchValidating = "validating"
	BatchInProgress = "in_progress"
	BatchFinalizing = "finalizing"
	BatchCompleted  = "completed"
	BatchFailed     = "failed"
	BatchExpired    = "expired"
	BatchCancelling = "cancelling"
	BatchCancelled  = "cancelled"
)

// Terminal reports whether the provider is done with the batch.
func (j BatchJob) Terminal() bool {
	switch j.Status {
	case BatchCompleted, BatchFailed, BatchExpired, BatchCancelled:
		return true
	}
	return false
}
