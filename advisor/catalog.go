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

	Status       string `json:"status"`                  // active | retiring | shut_down | legacy
	ShutdownDate string `json:"shutdown_date,omitempty"` // YYYY-MM-DD
	Description  string `json:"description"`
	Source       string `json:"source"`
}
