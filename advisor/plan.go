package advisor

import (
	"math"
	"time"
)

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
	TopK                int       `json:"top_k,omitempty" yaml:"top_k,omitempty"` // passages for rag; documents scored by recall@k

	// Kind is what the top-level cases test: chat (the default), embedding,
	// transcription or image (generation). Corpus, Language, ImageSize and
	// MaxWER serve the top-level cases of those kinds, as in a CaseSet.
	Kind      string     `json:"kind,omitempty" yaml:"kind,omitempty"`
	Corpus    []Document `json:"corpus,omitempty" yaml:"corpus,omitempty"`
	Language  string     `json:"language,omitempty" yaml:"language,omitempty"`
	ImageSize string     `json:"image_size,omitempty" yaml:"image_size,omitempty"`
	MaxWER    float64    `json:"max_wer,omitempty" yaml:"max_wer,omitempty"`
	// CaseSets are further groups of cases, each of one kind with its own
	// endpoints; their cases follow the top-level ones in the run's case
	// numbering (see Plan.Sets).
	CaseSets []CaseSet `json:"case_sets,omitempty" yaml:"case_sets,omitempty"`

	// The verdict (issue 11): the acceptance criteria the run is judged by,
	// and the strategy ladder (zero-shot first; later strategies only for
	// the endpoints whose earlier rung missed the quality bar).
	Acceptance     *Acceptance `json:"acceptance,omitempty" yaml:"acceptance,omitempty"`
	StrategyLadder bool        `json:"strategy_ladder,omitempty" yaml:"strategy_ladder,omitempty"`

	// Measurement options (issue 13). Warmup (default true) sends one
	// unmeasured request per endpoint before its cells; nil means true.
	// SequentialEndpoints runs the endpoints one after another instead of
	// at once (local servers that swap models in and out of memory).
	// ColdPrompts puts a unique prefix at the start of every prompt so that
	// no server's prompt cache can flatter the time to the first token.
	Warmup              *bool `json:"warmup,omitempty" yaml:"warmup,omitempty"`
	SequentialEndpoints bool  `json:"sequential_endpoints,omitempty" yaml:"sequential_endpoints,omitempty"`
	ColdPrompts         bool  `json:"cold_prompts,omitempty" yaml:"cold_prompts,omitempty"`

	// Batch (issue 17) sends the run through the providers' Batch API (one
	// input file per endpoint and strategy, results within 24 hours, at the
	// batch price): no latency figures, and polling survives a restart.
	Batch bool `json:"batch,omitempty" yaml:"batch,omitempty"`
}

// Acceptance is a plan's acceptance criteria (contract, "Plan: acceptance
// criteria"); every field is optional. Sources says where each derived value
// came from (field name → the answer and rule behind it), so screens and
// reports can show why a target is what it is.
type Acceptance struct {
	MinQuality       *float64 `json:"min_quality,omitempty" yaml:"min_quality,omitempty"`                 // share of cases that must pass, 0..1
	FirstAnswerP95Ms *float64 `json:"first_answer_p95_ms,omitempty" yaml:"first_answer_p95_ms,omitempty"` // p95 of the time until the answer starts
	TotalP95Ms       *float64 `json:"total_p95_ms,omitempty" yaml:"total_p95_ms,omitempty"`               // p95 of end-to-end time
	MaxMonthlyUSD    *float64 `json:"max_monthly_usd,omitempty" yaml:"max_monthly_usd,omitempty"`         // at VolumePerDay, from measured tokens
	VolumePerDay     *float64 `json:"volume_per_day,omitempty" yaml:"volume_per_day,omitempty"`
	// LocalOnly: only endpoints on the user's own machines may be picked
	// (from deployment or residency answers that keep data in-house).
	LocalOnly *bool `json:"local_only,omitempty" yaml:"local_only,omitempty"`
	// Sources explains the derived fields; never read from a plan file's
	// meaning, only shown.
	Sources []AcceptanceSource `json:"sources,omitempty" yaml:"sources,omitempty"`
}

// AcceptanceSource is why one acceptance field has its value.
type AcceptanceSource struct {
	Field  string `json:"field" yaml:"field"`
	Answer string `json:"answer" yaml:"answer"` // answer key=value it came from
	Why    string `json:"why" yaml:"why"`
	WhyPT  string `json:"why_pt,omitempty" yaml:"why_pt,omitempty"` // Why in Brazilian Portuguese
	Source string `json:"source,omitempty" yaml:"source,omitempty"`
}

// WarmupOn reports whether the plan sends a warm-up request per endpoint
// (the default).
func (p Plan) WarmupOn() bool { return p.Warmup == nil || *p.Warmup }

// Case kinds: what a case set tests.
const (
	CaseKindChat          = "chat"
	CaseKindEmbedding     = "embedding"     // search_similar, the retrieval half of rag
	CaseKindTranscription = "transcription" // speech to text
	CaseKindImage         = "image"         // image generation
)

// Strategies of the cases that are not chat: the kind itself, and the
// one-off embedding of an embedding set's documents.
const (
	StrategyEmbedding     = CaseKindEmbedding
	StrategyTranscription = CaseKindTranscription
	StrategyImage         = CaseKindImage
	StrategyIndex         = "embedding-index"
)

// CaseSet is a named group of cases of one kind. Endpoints default to the
// plan's; Documents and TopK to the plan's.
type CaseSet struct {
	Name      string     `json:"name" yaml:"name"`
	Kind      string     `json:"kind,omitempty" yaml:"kind,omitempty"` // chat | embedding | transcription | image
	Endpoints []Endpoint `json:"endpoints,omitempty" yaml:"endpoints,omitempty"`
	Cases     []Case     `json:"cases" yaml:"cases"`
	Documents string     `json:"documents,omitempty" yaml:"documents,omitempty"`   // embedding: folder of documents (id = file name relative to it)
	Corpus    []Document `json:"corpus,omitempty" yaml:"corpus,omitempty"`         // embedding: documents given inline
	TopK      int        `json:"top_k,omitempty" yaml:"top_k,omitempty"`           // embedding: k of recall@k
	Language  string     `json:"language,omitempty" yaml:"language,omitempty"`     // transcription: ISO-639-1 hint, e.g. en
	MaxWER    float64    `json:"max_wer,omitempty" yaml:"max_wer,omitempty"`       // transcription: a case passes at or below it
	ImageSize string     `json:"image_size,omitempty" yaml:"image_size,omitempty"` // image: e.g. 1024x1024

	// Offset is the number of the set's first case in the run (set by
	// Plan.Sets, never read from a plan file).
	Offset int `json:"-" yaml:"-"`
}

// Document is one document of an embedding set given inline.
type Document struct {
	ID   string `json:"id" yaml:"id"`
	Text string `json:"text" yaml:"text"`
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
	// Prices of speech-to-text (USD per minute of audio) and image
	// generation (USD per image) endpoints.
	PricePerMinute *float64 `json:"price_per_minute,omitempty" yaml:"price_per_minute,omitempty"`
	PricePerImage  *float64 `json:"price_per_image,omitempty" yaml:"price_per_image,omitempty"`

	// Connections (issue 12): a models.dev provider id (openai, anthropic,
	// google, groq, ...) in place of kind and base_url; the live test fills
	// in the provider's OpenAI-compatible base URL and key variable, and the
	// catalog's prices when none are given.
	Provider string `json:"provider,omitempty" yaml:"provider,omitempty"`

	// PriceCachedPer1M is the price of prompt tokens the server read from
	// its prompt cache (USD per 1M); the catalog's cache_read price, else
	// the input price, when nil.
	PriceCachedPer1M *float64 `json:"price_cached_per_1m,omitempty" yaml:"price_cached_per_1m,omitempty"`
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

	Image    string   `json:"image,omitempty" yaml:"image,omitempty"`       // chat: a png or jpg sent with the input (image understanding)
	Audio    string   `json:"audio,omitempty" yaml:"audio,omitempty"`       // transcription: wav, mp3 or m4a; Expected is the reference transcript
	Relevant []string `json:"relevant,omitempty" yaml:"relevant,omitempty"` // embedding: ids of the documents the query should find

	// Rubric is this case's own rubric for the judge check (a promptfoo
	// llm-rubric); the plan's rubric when empty.
	Rubric string `json:"rubric,omitempty" yaml:"rubric,omitempty"`
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

	// Set is the case set's name ("" for the plan's top-level cases) and
	// Kind its kind ("" in runs stored before kinds existed: chat).
	Set  string `json:"set,omitempty"`
	Kind string `json:"kind,omitempty"`
	// Metrics are the kind's own figures, keyed by the Metric* names.
	Metrics map[string]float64 `json:"metrics,omitempty"`
	// Artifact is the file a request produced (a generated image).
	Artifact string `json:"artifact,omitempty"`
	// Verdict is the user's acceptance of a generated image, nil until rated.
	Verdict *bool `json:"verdict,omitempty"`
	// Unscored is true when the result has no quality score yet (an image
	// nobody rated): Score means nothing and summaries leave it out.
	Unscored bool `json:"unscored,omitempty"`

	// Measurement (issue 13; definitions in advisor/livetest's doc).
	// TTFTMs (above) is the time to the first token of any kind, reasoning
	// included; TTFATMs the time to the first answer token (0 when no answer
	// token came); TPOTMs (LatencyMs − TTFTMs) / (TokensOut − 1), 0 with
	// fewer than two tokens; Chunks the stream chunks that carried tokens.
	// TokensCached are prompt tokens served from the server's prompt cache
	// (part of TokensIn), TokensReasoning completion tokens spent thinking
	// (part of TokensOut). Warmup marks the unmeasured warm-up request,
	// left out of every figure.
	TTFATMs         float64 `json:"ttfat_ms"`
	TPOTMs          float64 `json:"tpot_ms"`
	Chunks          int     `json:"chunks"`
	TokensCached    int     `json:"tokens_cached"`
	TokensReasoning int     `json:"tokens_reasoning"`
	Warmup          bool    `json:"warmup,omitempty"`

	// Batch (issue 17): the request went through a provider's Batch API.
	// It has no latency figures (TTFT, latency, TPOT are 0 and mean "not
	// measured") and CostUSD is at the batch price.
	Batch bool `json:"batch,omitempty"`
}

// OutputTPS is the output speed after the first token, in tokens per second
// (1000 / TPOTMs); 0 when it cannot be told or would not mean anything
// (see Speed).
func (r Result) OutputTPS() float64 {
	if r.TPOTMs <= 0 {
		return 0
	}
	if tps := 1000 / r.TPOTMs; tps <= MaxPlausibleTPS {
		return tps
	}
	return 0
}

// MaxPlausibleTPS is the highest output speed, in tokens per second, taken
// as a measurement of one stream. The fastest hosted inference streams a few
// thousand tokens per second; a higher figure comes from a stream too short
// to time (a local server that sends everything within a millisecond) or a
// usage count that does not match what was streamed (a server claiming 10^9
// tokens), and is left out rather than shown.
const MaxPlausibleTPS = 20000

// MinSpeedWindowMs is the shortest generation, in milliseconds, whose speed
// is reported: below it the clock's and the buffers' granularity is the
// figure.
const MinSpeedWindowMs = 1.0

// Speed is the output speed of tokens generated over genMs milliseconds and
// chunks stream chunks (0 when not counted), in tokens per second, with ok
// false when it means nothing: fewer than two tokens, a window under
// MinSpeedWindowMs, every token in one chunk (nothing was timed), or a
// figure above MaxPlausibleTPS.
func Speed(tokens int, genMs float64, chunks int) (tps float64, ok bool) {
	if tokens < 2 || genMs < MinSpeedWindowMs || chunks == 1 {
		return 0, false
	}
	tps = float64(tokens) / (genMs / 1000)
	if tps > MaxPlausibleTPS || math.IsNaN(tps) || math.IsInf(tps, 0) {
		return 0, false
	}
	return tps, true
}

// StrategyWarmup is the strategy of a warm-up result: it names the cell
// apart from the measured ones.
const StrategyWarmup = "warmup"

// Measured returns the results without the warm-up requests: the ones every
// figure is computed from. It returns rs itself when nothing is left out.
func Measured(rs []Result) []Result {
	n := 0
	for _, r := range rs {
		if r.Warmup {
			n++
		}
	}
	if n == 0 {
		return rs
	}
	out := make([]Result, 0, len(rs)-n)
	for _, r := range rs {
		if !r.Warmup {
			out = append(out, r)
		}
	}
	return out
}

// Keys of Result.Metrics.
const (
	MetricK              = "k"               // embedding: the k of recall@k
	MetricRecallAtK      = "recall_at_k"     // embedding: share of the relevant documents in the top k
	MetricReciprocalRank = "reciprocal_rank" // embedding: 1/rank of the first relevant document; mean = MRR
	MetricDocuments      = "documents"       // embedding-index: documents embedded
	MetricChunks         = "chunks"          // embedding-index: pieces embedded (long documents are cut)
	MetricBatches        = "batches"         // embedding-index: requests sent
	MetricWER            = "wer"             // transcription: word error rate against the reference
	MetricAudioSeconds   = "audio_seconds"   // transcription: length of the audio
	MetricRTF            = "rtf"             // transcription: processing time / audio duration
	MetricImageBytes     = "image_bytes"     // image: size of the saved file
)

// CaseKind is the result's kind, chat for results stored before kinds existed.
func (r Result) CaseKind() string {
	if r.Kind == "" {
		return CaseKindChat
	}
	return r.Kind
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

// WhyIn is the source's reason in a language (en or pt-BR).
func (s AcceptanceSource) WhyIn(lang string) string {
	if lang == "pt-BR" && s.WhyPT != "" {
		return s.WhyPT
	}
	return s.Why
}
