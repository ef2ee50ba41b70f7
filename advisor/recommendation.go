package advisor

// Model types, architectures and the other words of a recommendation, exactly
// as the contract spells them.
const (
	TypeTextLLM           = "text-llm"
	TypeMultimodalLLM     = "multimodal-llm"
	TypeCodeLLM           = "code-llm"
	TypeEmbedding         = "embedding"
	TypeSpeechToText      = "speech-to-text"
	TypeImageGeneration   = "image-generation"
	TypeEncoderClassifier = "encoder-classifier"
	TypeEncoderDecoder    = "encoder-decoder"

	ArchDecoderOnly    = "decoder-only"
	ArchEncoderOnly    = "encoder-only"
	ArchEncoderDecoder = "encoder-decoder"
	ArchDiffusion      = "diffusion"

	WeightsOpen        = "open"
	WeightsProprietary = "proprietary"
	WeightsEither      = "either"

	HostingManaged    = "managed-service"
	HostingSelfHosted = "self-hosted"
	HostingLocalApp   = "local-app"

	TierSmall     = "small"
	TierMid       = "mid"
	TierFrontier  = "frontier"
	TierReasoning = "reasoning"

	StepPrompting  = "prompting"
	StepRAG        = "rag"
	StepFineTuning = "fine-tuning"
	StepTraining   = "training"
)

// ModelTypes lists every model type of the contract.
var ModelTypes = []string{TypeTextLLM, TypeMultimodalLLM, TypeCodeLLM, TypeEmbedding, TypeSpeechToText, TypeImageGeneration, TypeEncoderClassifier, TypeEncoderDecoder}

// Recommendation is what the rules engine concludes: the contract's JSON
// object (shared/contract/answers.md), plus fields the contract allows us to add.
type Recommendation struct {
	Model       ModelChoice   `json:"model"`
	Strategy    Strategy      `json:"strategy"`
	Also        []string      `json:"also"`
	Shortlist   []Shortlisted `json:"shortlist"`
	Fired       []Fired       `json:"fired"`
	Warnings    []string      `json:"warnings"`
	Conflicts   []Conflict    `json:"conflicts"`
	Assumptions []string      `json:"assumptions"`

	// Added fields (the contract allows more).
	Steps           []PlanStep      `json:"steps,omitempty"`            // the plan in plain language, one entry per step of Strategy.Plan
	AlsoShortlist   []AlsoShortlist `json:"also_shortlist,omitempty"`   // a few catalog models for each type in Also, same constraints
	CostAssumptions string          `json:"cost_assumptions,omitempty"` // the token and volume figures behind monthly costs
	Lang            string          `json:"lang,omitempty"`             // language of the texts: "en" or "pt-BR"

	// Money (contract Additions): the currency the answers asked for and the
	// rate used to show USD figures in it. The engine works in USD.
	Currency         string  `json:"currency,omitempty"`
	ExchangeRate     float64 `json:"exchange_rate,omitempty"`
	ExchangeRateDate string  `json:"exchange_rate_date,omitempty"`
}

// Money is how the recommendation's money is shown (USD when it names no
// currency, as recommendations saved before the currency existed).
func (r *Recommendation) Money() Money {
	if r == nil || r.Currency == "" || r.Currency == CurrencyUSD || r.ExchangeRate <= 0 {
		return Money{Currency: CurrencyUSD, PerUSD: 1}
	}
	return Money{Currency: r.Currency, PerUSD: r.ExchangeRate, Date: r.ExchangeRateDate}
}

// ModelChoice is the kind of model recommended.
type ModelChoice struct {
	Type         string `json:"type"`
	Architecture string `json:"architecture"`
	Weights      string `json:"weights"`
	Hosting      string `json:"hosting"`
	SizeTier     string `json:"size_tier"`
}

// Strategy is the staged plan; Primary is the step that carries the use case.
type Strategy struct {
	Primary string   `json:"primary"`
	Plan    []string `json:"plan"`
}

// PlanStep explains one step of the plan: what to do and when to move on.
type PlanStep struct {
	Step   string `json:"step"`           // one of the Step* words
	Detail string `json:"detail"`         // plain-language instruction, e.g. "few-shot with 3-5 examples"
	Gate   string `json:"gate,omitempty"` // the condition to move to the next step, e.g. "only if evals show format drift"
}

// Shortlisted is a catalog model that passes every hard constraint.
type Shortlisted struct {
	ID             string  `json:"id"`
	Name           string  `json:"name,omitempty"`
	MonthlyCostUSD float64 `json:"monthly_cost_usd"`
	Why            string  `json:"why"`

	// Added fields.
	CostKnown  bool `json:"cost_known"`            // false when the catalog has no price for this use (MonthlyCostUSD is then 0)
	SelfHosted bool `json:"self_hosted,omitempty"` // runs on the user's hardware: no API cost, hardware needed

	// Money (contract Additions): MonthlyCostUSD in the recommendation's currency.
	MonthlyCost float64 `json:"monthly_cost"`

	// Lifecycle and price date (issue 12): the model's own, or its maker's
	// retirement for a model served by a cloud.
	Status       string `json:"status,omitempty"`
	ShutdownDate string `json:"shutdown_date,omitempty"`
	Successor    string `json:"successor,omitempty"`
	PriceAsOf    string `json:"price_as_of,omitempty"`
}

// AlsoShortlist is the shortlist of one further model type the use case needs.
type AlsoShortlist struct {
	Type      string        `json:"type"`
	Shortlist []Shortlisted `json:"shortlist"`
}

// Fired is one rule that fired, with its plain-language reason and source.
type Fired struct {
	ID       string `json:"id"`
	Title    string `json:"title,omitempty"`
	Because  string `json:"because"`
	Source   string `json:"source"`
	Strength string `json:"strength,omitempty"` // hard | strong | soft
}

// Conflict is a clash between answers and the cheapest relaxation that
// resolves it. The engine never applies a relaxation itself.
type Conflict struct {
	ID         string   `json:"id,omitempty"`
	Between    []string `json:"between"`
	Relaxation string   `json:"relaxation"`
	// Relax is the change of answers that applies the relaxation when the
	// user presses its button (key → new value); empty when the relaxation
	// is advice rather than a change of answers.
	Relax map[string]string `json:"relax,omitempty"`
}
