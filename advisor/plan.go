package advisor

import "time"

// Endpoint kinds of a live-test plan.
const (
	KindOpenAI     = "openai"
	KindAzure      = "azure"
	KindCompatible = "openai-compatible"
)

// Strategies of a live test.
const (
	StrategyZeroShot = "zero-shot"
	StrategyFewShot  = "few-shot"
	StrategyRAG      = "rag"
)

// Checks that score an output.
const (
	CheckExact      = "exact"
	CheckContains   = "contains"
	CheckRegex      = "regex"
	CheckJSON       = "json"
	CheckSimilarity = "similarity"
	CheckJudge      = "judge"
)

// Plan is a live test (shared/contract/answers.md, "Live-test plan"): which
// endpoints, which strategies, and the user's own examples. The GUI builds the
// same structure the CLI reads from YAML or JSON.
type Plan struct {
	Name           string     `json:"name" yaml:"name"`
	DecisionID     int64      `json:"decision_id,omitempty" yaml:"decision_id,omitempty"`
	Endpoints      []Endpoint `json:"endpoints" yaml:"endpoints"`
	Strategies     []string   `json:"strategies" yaml:"strategies"`
	FewShot        []Example  `json:"few_shot,omitempty" yaml:"few_shot,omitempty"`
	Documents      string     `json:"documents,omitempty" yaml:"documents,omitempty"`
	Cases          []Case     `json:"cases" yaml:"cases"`
	System         string     `json:"system,omitempty" yaml:"system,omitempty"` // optional system prompt for every strategy
	Concurrency    int        `json:"concurrency,omitempty" yaml:"concurrency,omitempty"`
	Repeats        int        `json:"repeats,omitempty" yaml:"repeats,omitempty"`
	MaxTokens      int        `json:"max_tokens,omitempty" yaml:"max_tokens,omitempty"`
	Temperature    float32    `json:"temperature" yaml:"temperature"`
	TimeoutSeconds int        `json:"timeout_seconds,omitempty" yaml:"timeout_seconds,omitempty"` // per request

	// Optional helpers for the similarity check, RAG re-ranking and the judge.
	Embedding           *Endpoint `json:"embedding,omitempty" yaml:"embedding,omitempty"`
	Judge               *Endpoint `json:"judge,omitempty" yaml:"judge,omitempty"`
	Rubric              string    `json:"rubric,omitempty" yaml:"rubric,omitempty"`
	SimilarityThreshold float64   `json:"similarity_threshold,omitempty" yaml:"similarity_threshold,omitempty"`
	TopK                int       `json:"top_k,omitempty" yaml:"top_k,omitempty"` // passages for rag
}

// Endpoint is one model behind an OpenAI-compatible API. The key itself is
// never part of a plan: it comes from the OS keyring or from the environment
// variable APIKeyEnv names.
type Endpoint struct {
	Name          string   `json:"name" yaml:"name"`
	Kind          string   `json:"kind" yaml:"kind"` // openai | azure | openai-compatible
	BaseURL       string   `json:"base_url,omitempty" yaml:"base_url,omitempty"`
	Model         string   `json:"model" yaml:"model"`
	APIKeyEnv     string   `json:"api_key_env,omitempty" yaml:"api_key_env,omitempty"`
	Deployment    string   `json:"deployment,omitempty" yaml:"deployment,omitempty"`   // azure
	APIVersion    string   `json:"api_version,omitempty" yaml:"api_version,omitempty"` // azure
	CatalogID     string   `json:"catalog_id,omitempty" yaml:"catalog_id,omitempty"`   // default prices come from the catalog
	PriceInPer1M  *float64 `json:"price_in_per_1m,omitempty" yaml:"price_in_per_1m,omitempty"`
	PriceOutPer1M *float64 `json:"price_out_per_1m,omitempty" yaml:"price_out_per_1m,omitempty"`
	Concurrency   int      `json:"concurrency,omitempty" yaml:"concurrency,omitempty"`
}

// Example is one input with the answer the user would accept (few-shot turns).
type Example struct {
	Input  string `json:"input" yaml:"input"`
	Output string `json:"output" yaml:"output"`
}

// Case is one test input, the accepted answer and the checks that score it.
type Case struct {
	Input    string   `json:"input" yaml:"input"`
	Expected string   `json:"expected,omitempty" yaml:"expected,omitempty"`
	Checks   []string `json:"checks,omitempty" yaml:"checks,omitempty"`
	Pattern  string   `json:"pattern,omitempty" yaml:"pattern,omitempty"` // for regex; defaults to Expected
	Schema   string   `json:"schema,omitempty" yaml:"schema,omitempty"`   // optional JSON schema for the json check
}

// Run states.
const (
	RunRunning     = "running"
	RunDone        = "done"
	RunCancelled   = "cancelled"
	RunInterrupted = "interrupted"
	RunFailed      = "failed"
)

// Error classes of a failed request.
const (
	ErrUnauthorized  = "unauthorized"
	ErrNotFound      = "not_found"
	ErrRateLimited   = "rate_limited"
	ErrServer        = "server_error"
	ErrTimeout       = "timeout"
	ErrConnection    = "connection"
	ErrBadResponse   = "bad_response"
	ErrContextLength = "context_length"
	ErrBadRequest    = "bad_request"
	ErrCancelled     = "cancelled"
)

// Result is one request of a live test: the contract's raw-results row.
type Result struct {
	ID                int64         `json:"id,omitempty"`
	RunID             int64         `json:"run_id"`
	Endpoint          string        `json:"endpoint"`
	Model             string        `json:"model"`
	Strategy          string        `json:"strategy"`
	Case              int           `json:"case"`
	Repeat            int           `json:"repeat"`
	Output            string        `json:"output"`
	TTFTMs            float64       `json:"ttft_ms"`
	LatencyMs         float64       `json:"latency_ms"`
	QueueMs           float64       `json:"queue_ms"`
	ConcurrencyAtSend int           `json:"concurrency_at_send"`
	TokensIn          int           `json:"tokens_in"`
	TokensOut         int           `json:"tokens_out"`
	TokensEstimated   bool          `json:"tokens_estimated"`
	CostUSD           float64       `json:"cost_usd"`
	Score             float64       `json:"score"`
	Passed            bool          `json:"passed"`
	Checks            []CheckResult `json:"checks,omitempty"`
	ErrorClass        string        `json:"error_class"`
	ErrorMessage      string        `json:"error_message,omitempty"`
	StartedAt         time.Time     `json:"started_at"`
	EndedAt           time.Time     `json:"ended_at"`
}

// CheckResult is one check's score (0..1) and the reason for it.
type CheckResult struct {
	Check  string  `json:"check"`
	Score  float64 `json:"score"`
	Reason string  `json:"reason"`
}

// Cell identifies one request of a run; resuming skips the cells already done.
type Cell struct {
	Endpoint string
	Strategy string
	Case     int
	Repeat   int
}

// Cell returns the result's cell.
func (r Result) Cell() Cell {
	return Cell{Endpoint: r.Endpoint, Strategy: r.Strategy, Case: r.Case, Repeat: r.Repeat}
}

// Passage is a retrieved chunk of the user's documents, with its source name.
type Passage struct {
	Source string  `json:"source"`
	Text   string  `json:"text"`
	Score  float64 `json:"score"`
}

// Chunk is one piece of a user's document, as indexed for retrieval.
type Chunk struct {
	Source string `json:"source"` // file name relative to the documents folder
	Index  int    `json:"index"`  // position of the chunk within its source
	Text   string `json:"text"`
}
