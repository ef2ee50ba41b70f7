package advisor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The models.dev database (https://models.dev, MIT licence) in the exact
// shape of its live https://models.dev/api.json: an object of providers by
// id, each with its models by id. Only what the advice uses is read; other
// keys are ignored, so a newer file with more keys still loads.

// MDProvider is one provider of a models.dev api.json.
type MDProvider struct {
	ID     string             `json:"id"`
	Name   string             `json:"name"`
	Env    []string           `json:"env"`           // API-key (and other) variable names
	API    string             `json:"api,omitempty"` // OpenAI-compatible base URL where there is one
	Doc    string             `json:"doc,omitempty"`
	NPM    string             `json:"npm,omitempty"`
	Models map[string]MDModel `json:"models"`
}

// MDModel is one model of a models.dev provider.
type MDModel struct {
	ID               string        `json:"id"`
	Name             string        `json:"name"`
	Family           string        `json:"family,omitempty"`
	ReleaseDate      string        `json:"release_date,omitempty"`
	LastUpdated      string        `json:"last_updated,omitempty"`
	Knowledge        string        `json:"knowledge,omitempty"`
	Attachment       bool          `json:"attachment"`
	Reasoning        bool          `json:"reasoning"`
	ToolCall         bool          `json:"tool_call"`
	StructuredOutput bool          `json:"structured_output"`
	Temperature      bool          `json:"temperature"`
	OpenWeights      bool          `json:"open_weights"`
	Status           string        `json:"status,omitempty"` // alpha | beta | deprecated
	License          string        `json:"license,omitempty"`
	Modalities       MDModalities  `json:"modalities"`
	Limit            MDLimit       `json:"limit"`
	Cost             *MDCost       `json:"cost,omitempty"`
	Benchmarks       []Benchmark   `json:"benchmarks,omitempty"`
	Weights          []WeightsLink `json:"weights,omitempty"`
}

// MDModalities are a model's input and output kinds (text, image, audio, video, pdf).
type MDModalities struct {
	Input  []string `json:"input"`
	Output []string `json:"output"`
}

// MDLimit is a model's context and output size in tokens.
type MDLimit struct {
	Context int `json:"context"`
	Input   int `json:"input,omitempty"`
	Output  int `json:"output"`
}

// MDCost is a model's price in USD per million tokens.
type MDCost struct {
	Input       *float64 `json:"input,omitempty"`
	Output      *float64 `json:"output,omitempty"`
	CacheRead   *float64 `json:"cache_read,omitempty"`
	CacheWrite  *float64 `json:"cache_write,omitempty"`
	CachedInput *float64 `json:"cached_input,omitempty"` // older spelling of cache_read on some providers
	InputAudio  *float64 `json:"input_audio,omitempty"`
	OutputAudio *float64 `json:"output_audio,omitempty"`
	Reasoning   *float64 `json:"reasoning,omitempty"`
}

// Benchmark is one published score of a model, with where and when it was published.
type Benchmark struct {
	Name    string  `json:"name"`
	Score   float64 `json:"score"`
	Metric  string  `json:"metric,omitempty"`
	Dataset string  `json:"dataset,omitempty"`
	Source  string  `json:"source,omitempty"`
	Date    string  `json:"date,omitempty"`
}

// WeightsLink is where the weights of an open model can be downloaded.
type WeightsLink struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// ModelsDev is a parsed models.dev api.json and the date its facts stand as of.
type ModelsDev struct {
	AsOf      string // YYYY-MM-DD: when the file was taken from models.dev
	Source    string // where it came from (URL, file or "bundled")
	FetchedAt string // when a refresh fetched it (RFC 3339), "" for the bundled copy
	Providers []MDProvider
}

// Models counts the models of every provider.
func (d *ModelsDev) Models() int {
	n := 0
	for _, p := range d.Providers {
		n += len(p.Models)
	}
	return n
}

// MinModelsDevModels is the fewest models a models.dev file must hold to be
// taken as a whole catalog: the live file has many hundreds, so a file with
// fewer is a partial download or the wrong file.
const MinModelsDevModels = 100

// ModelsDevError is a models.dev file refused, with the reason in plain words.
type ModelsDevError struct {
	Where  string // the provider or provider/model, when the problem is in one
	Reason string
}

func (e *ModelsDevError) Error() string {
	if e.Where != "" {
		return "models.dev catalog: " + e.Where + ": " + e.Reason
	}
	return "models.dev catalog: " + e.Reason
}

// ParseModelsDev reads and checks a models.dev api.json. A file that is not
// JSON, is cut short, has no providers, a provider or model without its id or
// name, a negative price, a malformed date, or fewer than MinModelsDevModels
// models is refused with a *ModelsDevError that says why.
func ParseModelsDev(b []byte, asOf, source string) (*ModelsDev, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil, &ModelsDevError{Reason: "the file is empty"}
	}
	if b[0] != '{' {
		return nil, &ModelsDevError{Reason: "not a models.dev api.json (it must be a JSON object of providers)"}
	}
	var raw map[string]MDProvider
	if err := json.Unmarshal(b, &raw); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case strings.Contains(err.Error(), "unexpected end of JSON input"):
			return nil, &ModelsDevError{Reason: fmt.Sprintf("the file is cut short after %d bytes (a partial download?)", len(b))}
		case asSyntax(err, &se):
			return nil, &ModelsDevError{Reason: fmt.Sprintf("not valid JSON at byte %d: %v", se.Offset, err)}
		case asUnmarshalType(err, &te):
			return nil, &ModelsDevError{Reason: fmt.Sprintf("%s should be %s, not %s (byte %d)", te.Field, te.Type, te.Value, te.Offset)}
		}
		return nil, &ModelsDevError{Reason: err.Error()}
	}
	if len(raw) == 0 {
		return nil, &ModelsDevError{Reason: "the file has no providers"}
	}
	d := &ModelsDev{AsOf: asOf, Source: source}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := raw[k]
		if p.ID == "" {
			p.ID = k
		}
		if p.ID != k {
			return nil, &ModelsDevError{Where: k, Reason: fmt.Sprintf("the provider's id %q differs from its key", p.ID)}
		}
		if p.Name == "" {
			return nil, &ModelsDevError{Where: k, Reason: "the provider has no name"}
		}
		if p.Models == nil {
			return nil, &ModelsDevError{Where: k, Reason: "the provider has no models object"}
		}
		for mk, m := range p.Models {
			where := k + "/" + mk
			if m.ID == "" {
				m.ID = mk
			}
			if m.Name == "" {
				return nil, &ModelsDevError{Where: where, Reason: "the model has no name"}
			}
			if err := checkMDModel(m); err != "" {
				return nil, &ModelsDevError{Where: where, Reason: err}
			}
			p.Models[mk] = m
		}
		d.Providers = append(d.Providers, p)
	}
	if n := d.Models(); n < MinModelsDevModels {
		return nil, &ModelsDevError{Reason: fmt.Sprintf("only %d models; a whole models.dev catalog has hundreds (a partial file?)", n)}
	}
	return d, nil
}

func asSyntax(err error, se **json.SyntaxError) bool {
	t, ok := err.(*json.SyntaxError)
	if ok {
		*se = t
	}
	return ok
}

func asUnmarshalType(err error, te **json.UnmarshalTypeError) bool {
	t, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*te = t
	}
	return ok
}

func checkMDModel(m MDModel) string {
	for _, d := range []struct{ name, v string }{{"release_date", m.ReleaseDate}, {"last_updated", m.LastUpdated}} {
		if d.v != "" && !validDate(d.v) {
			return fmt.Sprintf("%s %q is not a date (YYYY-MM-DD)", d.name, d.v)
		}
	}
	if m.Limit.Context < 0 || m.Limit.Output < 0 {
		return "limit.context and limit.output cannot be negative"
	}
	if c := m.Cost; c != nil {
		for _, p := range []struct {
			name string
			v    *float64
		}{{"input", c.Input}, {"output", c.Output}, {"cache_read", c.CacheRead}, {"cache_write", c.CacheWrite}} {
			if p.v != nil && *p.v < 0 {
				return fmt.Sprintf("cost.%s %v cannot be negative", p.name, *p.v)
			}
		}
	}
	return ""
}

// validDate accepts YYYY-MM-DD and the YYYY-MM that models.dev uses for
// some knowledge cut-offs.
func validDate(s string) bool {
	if _, err := time.Parse("2006-01-02", s); err == nil {
		return true
	}
	_, err := time.Parse("2006-01", s)
	return err == nil
}

// Provider is a models.dev provider as the rest of the app sees it: what
// "Connect a provider" needs to know.
type Provider struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Env    []string `json:"env"`
	API    string   `json:"api,omitempty"` // OpenAI-compatible base URL, when models.dev gives one
	Doc    string   `json:"doc,omitempty"`
	Models int      `json:"models"`
}

// ProviderList lists the providers of d by id.
func (d *ModelsDev) ProviderList() []Provider {
	out := make([]Provider, 0, len(d.Providers))
	for _, p := range d.Providers {
		out = append(out, Provider{ID: p.ID, Name: p.Name, Env: append([]string(nil), p.Env...), API: p.API, Doc: p.Doc, Models: len(p.Models)})
	}
	return out
}

// firstParty are the providers that make the models they serve: their models
// keep their own ids in the catalog (gpt-4o, claude-sonnet-4-5); models of
// clouds, hosts and resellers are named provider/id (azure/gpt-4o).
var firstParty = map[string]bool{"openai": true, "anthropic": true, "google": true, "mistral": true, "deepseek": true, "xai": true, "alibaba": true}

// resellers route requests on to other providers, so where data goes and on
// what terms depends on the upstream: their models stay in the catalog but
// are left out of shortlists.
var resellers = map[string]bool{"openrouter": true, "ollama-cloud": true}

// CatalogID is the catalog id of model modelID of provider providerID.
func CatalogID(providerID, modelID string) string {
	if firstParty[providerID] {
		return modelID
	}
	return providerID + "/" + modelID
}

// toModels turns every models.dev model into a catalog Model. What
// models.dev does not say (type, tier, hosting, licence) is derived from what
// it does say; the curated overlay corrects and completes it.
func (d *ModelsDev) toModels() []Model {
	var out []Model
	for _, p := range d.Providers {
		ids := make([]string, 0, len(p.Models))
		for k := range p.Models {
			ids = append(ids, k)
		}
		sort.Strings(ids)
		for _, k := range ids {
			m := mdToModel(p, p.Models[k], d.AsOf)
			if m.Type == "" || validateModel(m) != nil {
				continue // audio- or video-only output: not a type the advice uses
			}
			out = append(out, m)
		}
	}
	return out
}

func mdToModel(p MDProvider, md MDModel, asOf string) Model {
	m := Model{
		ID: CatalogID(p.ID, md.ID), Name: md.Name, Provider: p.Name,
		ModalitiesIn: append([]string(nil), md.Modalities.Input...), ModalitiesOut: append([]string(nil), md.Modalities.Output...),
		ContextTokens: md.Limit.Context, Hosting: []string{HostingManaged}, Status: StatusActive,
		Source: "https://models.dev/", PriceAsOf: asOf,
	}
	m.ProviderID, m.APIModel, m.Family = p.ID, md.ID, md.Family
	m.ReleaseDate, m.LastUpdated, m.Knowledge = md.ReleaseDate, md.LastUpdated, md.Knowledge
	m.OutputTokens, m.InputTokens = md.Limit.Output, md.Limit.Input
	m.ToolCall, m.StructuredOutput, m.ReasoningModel, m.Attachment = md.ToolCall, md.StructuredOutput, md.Reasoning, md.Attachment
	m.Benchmarks, m.WeightsLinks = md.Benchmarks, md.Weights
	m.Reseller = resellers[p.ID]
	m.FromModelsDev = true
	if md.OpenWeights {
		m.Weights = WeightsOpen
	} else {
		m.Weights = WeightsProprietary
	}
	m.License = md.License
	if m.License == "" {
		m.License = p.Name + " terms"
	}
	m.LicenseClass = LicenseCommercial // using a hosted API under the provider's terms
	switch md.Status {
	case "deprecated":
		m.Status = StatusDeprecated
	case "alpha", "beta":
		m.Status = StatusPreview
	}
	if strings.Contains(md.ID, "preview") || strings.Contains(md.ID, "-exp") {
		if m.Status == StatusActive {
			m.Status = StatusPreview
		}
	}
	if c := md.Cost; c != nil {
		m.PriceInPer1M, m.PriceOutPer1M = deref(c.Input), deref(c.Output)
		m.PriceCacheReadPer1M = deref(c.CacheRead)
		if m.PriceCacheReadPer1M == 0 {
			m.PriceCacheReadPer1M = deref(c.CachedInput)
		}
		m.PriceCacheWritePer1M = deref(c.CacheWrite)
	}
	m.Type, m.Architecture = mdType(md)
	m.Tasks = tasksForType(m.Type, md)
	m.SizeTier = mdTier(md, m)
	m.ParamsB, m.ActiveParamsB = paramsFromName(md.ID + " " + md.Name)
	if m.ParamsB > 0 {
		m.Params = fmtParams(m.ParamsB, m.ActiveParamsB)
	}
	m.Description = mdDescription(p, md)
	return m
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// mdType derives the model type from the modalities and the family.
func mdType(md MDModel) (typ, arch string) {
	fam := strings.ToLower(md.Family + " " + md.ID)
	in, out := md.Modalities.Input, md.Modalities.Output
	switch {
	case strings.Contains(fam, "embed"):
		return TypeEmbedding, ArchEncoderOnly
	case contains(out, "image") && !contains(out, "text") || strings.Contains(fam, "image") && contains(out, "image"):
		return TypeImageGeneration, ArchDiffusion
	case strings.Contains(fam, "whisper") || (contains(in, "audio") && len(out) == 1 && out[0] == "text" && !contains(in, "image") && strings.Contains(fam, "transcri")):
		return TypeSpeechToText, ArchEncoderDecoder
	case !contains(out, "text"):
		return "", "" // audio or video out only: not a type the advice uses
	case strings.Contains(fam, "codestral") || strings.Contains(fam, "devstral") || strings.Contains(fam, "coder") || strings.Contains(fam, "codex"):
		if contains(in, "image") {
			return TypeMultimodalLLM, ArchDecoderOnly
		}
		return TypeCodeLLM, ArchDecoderOnly
	case contains(in, "image") || contains(in, "audio") || contains(in, "video") || contains(in, "pdf"):
		return TypeMultimodalLLM, ArchDecoderOnly
	}
	return TypeTextLLM, ArchDecoderOnly
}

func tasksForType(t string, md MDModel) []string {
	switch t {
	case TypeEmbedding:
		return []string{"search_similar"}
	case TypeImageGeneration:
		return []string{"text_to_image"}
	case TypeSpeechToText:
		return []string{"speech_to_text"}
	case TypeCodeLLM:
		return []string{"code", "chat_qa"}
	case TypeTextLLM, TypeMultimodalLLM:
		ts := []string{"chat_qa", "summarize", "classify", "extract", "translate", "write", "code"}
		if md.ToolCall {
			ts = append(ts, "agent")
		}
		if t == TypeMultimodalLLM && contains(md.Modalities.Input, "image") {
			ts = append(ts, "image_understanding")
		}
		return ts
	}
	return nil
}

// mdTier places a language model in a size tier from its family and output
// price, the one signal every entry has: the curated overlay corrects it.
func mdTier(md MDModel, m Model) string {
	if m.Type != TypeTextLLM && m.Type != TypeMultimodalLLM && m.Type != TypeCodeLLM {
		return ""
	}
	id := strings.ToLower(md.ID)
	fam := strings.ToLower(md.Family)
	switch {
	case fam == "o" || fam == "o-pro" || strings.Contains(id, "reasoner") || strings.Contains(id, "thinking") || strings.HasSuffix(fam, "-thinking") || strings.Contains(fam, "magistral"):
		return TierReasoning
	case strings.Contains(fam, "mini") || strings.Contains(fam, "nano") || strings.Contains(fam, "lite") || strings.Contains(fam, "haiku") || strings.Contains(fam, "flash"):
		return TierSmall
	case strings.Contains(fam, "pro") || strings.Contains(fam, "opus"):
		return TierFrontier
	}
	switch out := m.PriceOutPer1M; {
	case out <= 0:
		if m.ParamsB > 0 && m.ParamsB <= 15 {
			return TierSmall
		}
		return TierMid
	case out <= 1.6:
		return TierSmall
	case out <= 16:
		return TierMid
	}
	return TierFrontier
}

var (
	reParams = regexp.MustCompile(`(?i)(?:^|[^a-z0-9.])(\d+(?:\.\d+)?)\s?b(?:[^a-z0-9]|$)`)
	reMoE    = regexp.MustCompile(`(?i)(\d+)x(\d+(?:\.\d+)?)b`)
	reActive = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])a(\d+(?:\.\d+)?)b(?:[^a-z0-9]|$)`)
)

// paramsFromName reads a parameter count (in billions) from names like
// "llama-3.1-8b-instant", "Qwen3-235B-A22B" or "mixtral-8x7b"; 0 when the
// name does not say.
func paramsFromName(s string) (total, active float64) {
	if m := reMoE.FindStringSubmatch(s); m != nil {
		n, _ := strconv.ParseFloat(m[1], 64)
		b, _ := strconv.ParseFloat(m[2], 64)
		total = n * b * 0.8 // experts share attention layers: Mixtral 8x7B is 46.7B, not 56B
		active = b * 2 * 0.9
		return total, active
	}
	if m := reActive.FindStringSubmatch(s); m != nil {
		active, _ = strconv.ParseFloat(m[1], 64)
	}
	for _, m := range reParams.FindAllStringSubmatch(s, -1) {
		v, _ := strconv.ParseFloat(m[1], 64)
		if v > total && v != active {
			total = v
		}
	}
	if total == 0 {
		active = 0
	}
	return total, active
}

func fmtParams(total, active float64) string {
	if active > 0 && active < total {
		return fmt.Sprintf("%gB total / %gB active", total, active)
	}
	return fmt.Sprintf("%gB", total)
}

func mdDescription(p MDProvider, md MDModel) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s served by %s", md.Name, p.Name)
	if md.ReleaseDate != "" {
		fmt.Fprintf(&b, ", released %s", md.ReleaseDate)
	}
	if md.Knowledge != "" {
		fmt.Fprintf(&b, ", knowledge to %s", md.Knowledge)
	}
	b.WriteString(" (models.dev).")
	return b.String()
}
