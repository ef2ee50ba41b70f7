package advisor

// Model is one entry of the model catalog (assets/catalog): a concrete model
// with what a user needs to judge it — modality, architecture, context,
// price with its "as of" date, hosting needs and lifecycle status.
type Model struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Provider      string   `json:"provider"`
	Type          string   `json:"type"`         // one of ModelTypes
	Architecture  string   `json:"architecture"` // decoder-only | encoder-only | encoder-decoder | diffusion
	Weights       string   `json:"weights"`      // open | proprietary
	License       string   `json:"license"`
	LicenseNotes  string   `json:"license_notes,omitempty"`
	Tasks         []string `json:"tasks"` // answer task values the model serves
	ModalitiesIn  []string `json:"modalities_in"`
	ModalitiesOut []string `json:"modalities_out"`
	ContextTokens int      `json:"context_tokens,omitempty"`
	Params        string   `json:"params,omitempty"` // e.g. "8B", "21B total / 3.6B active"
	SizeTier      string   `json:"size_tier"`        // small | mid | frontier | reasoning

	// Prices in USD. Token prices are per 1M tokens; PerUnit covers models
	// priced per minute of audio or per image (PriceUnit says which).
	PriceInPer1M  float64 `json:"price_in_per_1m"`
	PriceOutPer1M float64 `json:"price_out_per_1m"`
	PriceUnit     string  `json:"price_unit,omitempty"` // "" (tokens) | "minute" | "image"
	PricePerUnit  float64 `json:"price_per_unit,omitempty"`
	PriceAsOf     string  `json:"price_as_of"` // YYYY-MM-DD
	PriceNote     string  `json:"price_note,omitempty"`

	Hosting     []string `json:"hosting"`                 // managed-service | self-hosted | local-app
	MinMemoryGB float64  `json:"min_memory_gb,omitempty"` // to self-host (weights at 4-bit plus headroom)
	CPUOK       bool     `json:"cpu_ok,omitempty"`        // runs acceptably without a GPU
	Regions     []string `json:"regions,omitempty"`       // where a managed deployment can process data: eu, us, ...
	BAA         bool     `json:"baa,omitempty"`           // a HIPAA BAA is available for the managed service
	Languages   string   `json:"languages,omitempty"`     // english_only | few | many

	Status       string `json:"status"`                  // active | preview | deprecated | retired (retiring, shut_down and legacy are read as deprecated/retired)
	ShutdownDate string `json:"shutdown_date,omitempty"` // YYYY-MM-DD
	Description  string `json:"description"`
	Source       string `json:"source"`

	// Catalog from models.dev (issue 12). What models.dev says about the
	// model and who serves it; the curated overlay adds what it lacks.
	ProviderID           string        `json:"provider_id,omitempty"` // models.dev provider id: openai, azure, groq, …
	APIModel             string        `json:"api_model,omitempty"`   // the model id in that provider's API
	Family               string        `json:"family,omitempty"`
	ReleaseDate          string        `json:"release_date,omitempty"`
	LastUpdated          string        `json:"last_updated,omitempty"`
	Knowledge            string        `json:"knowledge,omitempty"` // training cut-off
	InputTokens          int           `json:"input_tokens,omitempty"`
	OutputTokens         int           `json:"output_tokens,omitempty"`
	ToolCall             bool          `json:"tool_call,omitempty"`
	StructuredOutput     bool          `json:"structured_output,omitempty"`
	ReasoningModel       bool          `json:"reasoning,omitempty"`
	Attachment           bool          `json:"attachment,omitempty"`
	PriceCacheReadPer1M  float64       `json:"price_cache_read_per_1m,omitempty"`  // cached input tokens
	PriceCacheWritePer1M float64       `json:"price_cache_write_per_1m,omitempty"` // writing the prompt cache
	PriceBatchInPer1M    float64       `json:"price_batch_in_per_1m,omitempty"`    // Batch API, when the provider has one
	PriceBatchOutPer1M   float64       `json:"price_batch_out_per_1m,omitempty"`
	Benchmarks           []Benchmark   `json:"benchmarks,omitempty"`
	WeightsLinks         []WeightsLink `json:"weights_links,omitempty"`
	LicenseClass         string        `json:"license_class,omitempty"` // commercial | non-commercial | non-production
	FineTune             []string      `json:"fine_tune,omitempty"`     // where it can be fine-tuned: a provider id, or "self" (open weights, your own hardware)
	FineTuneNote         string        `json:"fine_tune_note,omitempty"`
	Countries            []string      `json:"countries,omitempty"`     // ISO 3166-1 alpha-2 codes where a managed deployment can keep data
	LanguageList         []string      `json:"language_list,omitempty"` // BCP 47 primary codes the maker states it supports
	ParamsB              float64       `json:"params_b,omitempty"`      // total parameters, billions
	ActiveParamsB        float64       `json:"active_params_b,omitempty"`
	KVCacheKBPerToken    float64       `json:"kv_cache_kb_per_token,omitempty"` // KV cache at 16-bit, KiB per token of context
	Successor            string        `json:"successor,omitempty"`
	LifecycleSource      string        `json:"lifecycle_source,omitempty"` // where the status and shutdown date are stated
	Reseller             bool          `json:"reseller,omitempty"`         // a router that passes requests on to other providers
	FromModelsDev        bool          `json:"from_models_dev,omitempty"`
	Standalone           bool          `json:"standalone,omitempty"` // curated only: models.dev is not expected to list it
}

// Licence classes: what a licence allows a business to do with the model.
const (
	LicenseCommercial    = "commercial"
	LicenseNonCommercial = "non-commercial"
	LicenseNonProduction = "non-production"
)
