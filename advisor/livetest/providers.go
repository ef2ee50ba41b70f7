package livetest

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/assets"
	"gopkg.in/yaml.v3"
)

// Provider is a hosted model API the live test can connect to through its
// OpenAI-compatible interface.
type Provider struct {
	ID         string   `yaml:"id" json:"id"`     // models.dev provider id
	Name       string   `yaml:"name" json:"name"` // as people know it
	Kind       string   `yaml:"kind" json:"kind"` // the plan's endpoint kind
	API        string   `yaml:"api" json:"api"`   // OpenAI-compatible base URL; Azure: with {resource}
	APIVersion string   `yaml:"api_version,omitempty" json:"api_version,omitempty"`
	Env        []string `yaml:"env" json:"env"` // key variables, the usual one first
	Doc        string   `yaml:"doc" json:"doc"`
	KeysURL    string   `yaml:"keys_url" json:"keys_url"` // where a key is made
	Source     string   `yaml:"source" json:"source"`     // the page that states the base URL
	// Makers are the catalog's provider names whose models this provider
	// serves under their own ids (OpenAI for openai and azure).
	Makers []string `yaml:"makers,omitempty" json:"makers,omitempty"`
	// HostsOpenWeights: the provider serves open-weight models of others.
	HostsOpenWeights bool `yaml:"hosts_open_weights,omitempty" json:"hosts_open_weights,omitempty"`
	// HostsAll: the provider routes to every maker's models (OpenRouter).
	HostsAll bool `yaml:"hosts_all,omitempty" json:"hosts_all,omitempty"`
	// CheckModel is the model a connection check sends its one-token
	// request to when nothing else names one and the provider's model list
	// cannot be read with an OpenAI-style key.
	CheckModel string `yaml:"check_model,omitempty" json:"check_model,omitempty"`
}

// KeyEnv is the variable the provider's key is read from: the first of Env
// that is set in the environment, else the usual one.
func (p Provider) KeyEnv() string {
	for _, e := range p.Env {
		if os.Getenv(e) != "" {
			return e
		}
	}
	if len(p.Env) > 0 {
		return p.Env[0]
	}
	return ""
}

// AzureURL is an Azure OpenAI resource's endpoint from its name (or the
// endpoint itself when the user pasted one).
func AzureURL(resource string) string {
	r := strings.TrimSpace(resource)
	if strings.HasPrefix(r, "http://") || strings.HasPrefix(r, "https://") {
		return strings.TrimRight(r, "/")
	}
	return "https://" + r + ".openai.azure.com"
}

type providerFile struct {
	Providers []Provider        `yaml:"providers"`
	Ollama    map[string]string `yaml:"ollama"`
}

var builtinProviders = sync.OnceValues(func() (providerFile, error) {
	var f providerFile
	if err := yaml.Unmarshal(assets.Providers, &f); err != nil {
		return f, fmt.Errorf("assets/providers/providers.yaml: %w", err)
	}
	for i, p := range f.Providers {
		if p.ID == "" || p.Name == "" || p.API == "" || len(p.Env) == 0 || !contains(Kinds, p.Kind) {
			return f, fmt.Errorf("assets/providers/providers.yaml: provider %d (%q) needs id, name, a kind of %v, api and env", i, p.ID, Kinds)
		}
	}
	return f, nil
})

var (
	providersMu    sync.RWMutex
	providersExtra []Provider // from the catalog's models.dev data (SetCatalogProviders)
)

// SetCatalogProviders merges the providers of the models.dev catalog into
// the built-in list: a provider the curated file lacks is added when
// models.dev gives its OpenAI-compatible `api` and a key variable; for the
// ones it has, the curated facts win except for an empty field.
func SetCatalogProviders(ps []Provider) {
	providersMu.Lock()
	providersExtra = append([]Provider(nil), ps...)
	providersMu.Unlock()
}

// Providers lists the providers the live test can connect to, the curated
// ones first (in their file's order), then those only models.dev knows.
func Providers() []Provider {
	f, err := builtinProviders()
	if err != nil {
		// The file is embedded and tested; a broken build still runs, with
		// no providers to offer.
		return nil
	}
	out := append([]Provider(nil), f.Providers...)
	providersMu.RLock()
	extra := providersExtra
	providersMu.RUnlock()
	for _, x := range extra {
		found := false
		for i := range out {
			if out[i].ID != x.ID {
				continue
			}
			found = true
			if out[i].Doc == "" {
				out[i].Doc = x.Doc
			}
			if len(out[i].Env) == 0 {
				out[i].Env = x.Env
			}
		}
		if !found && x.ID != "" && x.API != "" && len(x.Env) > 0 {
			if x.Kind == "" {
				x.Kind = advisor.KindCompatible
			}
			if x.Name == "" {
				x.Name = x.ID
			}
			if x.Source == "" {
				x.Source = "https://models.dev/api.json"
			}
			out = append(out, x)
		}
	}
	return out
}

// ProviderByID finds a provider by its models.dev id (case does not matter).
func ProviderByID(id string) (Provider, bool) {
	for _, p := range Providers() {
		if strings.EqualFold(p.ID, strings.TrimSpace(id)) {
			return p, true
		}
	}
	return Provider{}, false
}

// ProviderIDs lists the known provider ids, sorted, for error messages.
func ProviderIDs() []string {
	var ids []string
	for _, p := range Providers() {
		ids = append(ids, p.ID)
	}
	sort.Strings(ids)
	return ids
}

// OllamaTag is the Ollama library name of a catalog model ("" when unknown).
func OllamaTag(catalogID string) string {
	f, err := builtinProviders()
	if err != nil {
		return ""
	}
	return f.Ollama[catalogID]
}

// ResolveEndpoint fills what an endpoint's provider implies and the
// endpoint leaves out: its kind, its OpenAI-compatible base URL (Azure:
// from the deployment's resource, which the plan still gives as base_url),
// the key variable, and the catalog id the prices come from when the plan
// gives none. An endpoint without a provider, or with an unknown one, comes
// back unchanged (ValidatePlan reports the unknown one).
func ResolveEndpoint(ep advisor.Endpoint) advisor.Endpoint {
	if ep.Provider == "" {
		return ep
	}
	p, ok := ProviderByID(ep.Provider)
	if !ok {
		return ep
	}
	ep.Provider = p.ID
	if ep.Kind == "" {
		ep.Kind = p.Kind
	}
	if ep.BaseURL == "" && ep.Kind == p.Kind && !strings.Contains(p.API, "{") {
		ep.BaseURL = p.API
	}
	if ep.Kind == advisor.KindAzure && ep.APIVersion == "" {
		ep.APIVersion = p.APIVersion
	}
	if ep.APIKeyEnv == "" {
		ep.APIKeyEnv = p.KeyEnv()
	}
	if ep.CatalogID == "" && ep.PriceInPer1M == nil && ep.PriceOutPer1M == nil && ep.PricePerMinute == nil && ep.PricePerImage == nil {
		model := ep.Model
		if ep.Kind == advisor.KindAzure && model == "" {
			model = ep.Deployment
		}
		ep.CatalogID = advisor.CatalogID(p.ID, model) // gpt-4o, groq/llama-3.1-8b-instant
	}
	return ep
}

// ResolvedEndpoint is an endpoint as a run will use it, for a dry run.
type ResolvedEndpoint struct {
	Name      string `json:"name"`
	Provider  string `json:"provider,omitempty"`
	Kind      string `json:"kind"`
	BaseURL   string `json:"base_url"`
	Model     string `json:"model"`
	APIKeyEnv string `json:"api_key_env"`
	CatalogID string `json:"catalog_id,omitempty"`
}

// ResolvedEndpoints lists every endpoint of a plan (candidates of every
// case set, then the judge and the embedding endpoint) as resolved: the
// provider's base URL and key variable filled in, OpenAI's default URL
// written out. A name appears once.
func ResolvedEndpoints(p advisor.Plan) []ResolvedEndpoint {
	var out []ResolvedEndpoint
	seen := map[string]bool{}
	add := func(ep advisor.Endpoint) {
		ep = ResolveEndpoint(ep)
		if seen[ep.Name] {
			return
		}
		seen[ep.Name] = true
		u := ep.BaseURL
		if u == "" && (ep.Kind == advisor.KindOpenAI || ep.Kind == "") {
			u = "https://api.openai.com/v1"
		}
		out = append(out, ResolvedEndpoint{Name: ep.Name, Provider: ep.Provider, Kind: ep.Kind, BaseURL: u, Model: ep.Model, APIKeyEnv: ep.APIKeyEnv, CatalogID: ep.CatalogID})
	}
	for _, ep := range p.Endpoints {
		add(ep)
	}
	for _, cs := range p.CaseSets {
		for _, ep := range cs.Endpoints {
			add(ep)
		}
	}
	if p.Judge != nil {
		add(*p.Judge)
	}
	if p.Embedding != nil {
		add(*p.Embedding)
	}
	return out
}

// ProvidersFromCatalog turns the catalog's models.dev providers into
// providers for SetCatalogProviders.
func ProvidersFromCatalog(ps []advisor.Provider) []Provider {
	out := make([]Provider, 0, len(ps))
	for _, p := range ps {
		out = append(out, Provider{ID: p.ID, Name: p.Name, Env: append([]string(nil), p.Env...), API: p.API, Doc: p.Doc})
	}
	return out
}
