package livetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	openai "github.com/sashabaranov/go-openai"
)

// LocalProvider is the provider id of a server on this machine (Ollama,
// LM Studio, llama.cpp, vLLM).
const LocalProvider = "local"

// Connection is a provider the user connected: what the live test needs to
// reach it, never the key (that is in the keyring, the session or the key
// file, under ConnectionKeyName(Provider), or in the variable KeyEnv).
type Connection struct {
	Provider   string    `json:"provider"`              // a Provider id, or LocalProvider
	Name       string    `json:"name"`                  // as shown: "Groq", "Ollama"
	Kind       string    `json:"kind"`                  // endpoint kind
	BaseURL    string    `json:"base_url"`              // Azure: the resource's endpoint
	Deployment string    `json:"deployment,omitempty"`  // Azure
	APIVersion string    `json:"api_version,omitempty"` // Azure
	KeyEnv     string    `json:"key_env,omitempty"`     // the variable the key may come from
	KeyPlace   KeyPlace  `json:"key_place,omitempty"`   // where the key was kept
	Models     []string  `json:"models,omitempty"`      // what the provider listed when checked
	CheckedAt  time.Time `json:"checked_at,omitempty"`
}

// Endpoint is an endpoint of the connection serving model (the provider's
// own id for it), named name, with prices from the catalog entry catalogID.
func (c Connection) Endpoint(name, model, catalogID string) advisor.Endpoint {
	ep := advisor.Endpoint{Name: name, Kind: c.Kind, BaseURL: c.BaseURL, Model: model, APIKeyEnv: c.KeyEnv, CatalogID: catalogID}
	if c.Provider != LocalProvider {
		ep.Provider = c.Provider
	}
	if c.Kind == advisor.KindAzure {
		ep.Deployment, ep.APIVersion = c.Deployment, c.APIVersion
		if ep.Model == "" {
			ep.Model = c.Deployment
		}
	}
	return ep
}

// NewConnection is the connection to a provider before it is checked: its
// base URL and key variable from the provider's facts; for Azure, the
// resource (a name or its endpoint) and the deployment.
func NewConnection(p Provider, resource, deployment string) Connection {
	c := Connection{Provider: p.ID, Name: p.Name, Kind: p.Kind, BaseURL: p.API, KeyEnv: p.KeyEnv()}
	if p.Kind == advisor.KindAzure {
		c.BaseURL, c.Deployment, c.APIVersion = AzureURL(resource), strings.TrimSpace(deployment), p.APIVersion
	}
	return c
}

// EnvConnections are the providers whose key variable is set in the
// environment: connected without a word from the user (not checked yet).
// Azure needs a resource too, so it is left out.
func EnvConnections() []Connection {
	var out []Connection
	for _, p := range Providers() {
		if p.Kind == advisor.KindAzure {
			continue
		}
		for _, e := range p.Env {
			if os.Getenv(e) != "" {
				c := NewConnection(p, "", "")
				c.KeyEnv, c.KeyPlace = e, KeyInEnv
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// ConnectionsFileName is the connections file's name in the user's
// configuration folder.
const ConnectionsFileName = "connections.json"

// ConnectionsPath is where the connections are kept: llm-advisor/connections.json
// in the user's configuration folder. The file holds no key.
func ConnectionsPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "llm-advisor", ConnectionsFileName)
}

const maxConnectionsFile = 1 << 20

// LoadConnections reads the connections file; a missing file is no
// connections, a broken one an error that names it.
func LoadConnections(path string) ([]Connection, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read connections: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxConnectionsFile+1))
	if err != nil {
		return nil, fmt.Errorf("read connections %s: %w", path, err)
	}
	if len(b) > maxConnectionsFile {
		return nil, fmt.Errorf("read connections %s: larger than %d bytes", path, maxConnectionsFile)
	}
	var doc struct {
		Connections []Connection `json:"connections"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("read connections %s: not valid JSON: %v", path, err)
	}
	return doc.Connections, nil
}

// SaveConnections writes the connections file (0600, atomically).
func SaveConnections(path string, cs []Connection) error {
	if path == "" {
		return errors.New("save connections: no configuration folder")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save connections: %w", err)
	}
	b, err := json.MarshalIndent(struct {
		Connections []Connection `json:"connections"`
	}{cs}, "", "  ")
	if err != nil {
		return err
	}
	if err := writePrivateFile(path, b); err != nil {
		return fmt.Errorf("save connections: %w", err)
	}
	return nil
}

// What a connection check found wrong, in words a person can act on.
const (
	ProblemNone        = ""
	ProblemBadKey      = "bad_key"           // the key was refused
	ProblemModelAccess = "model_not_enabled" // the key works but not for this model
	ProblemNoCredit    = "no_credit"         // out of credit, quota or billing
	ProblemRegion      = "wrong_region"      // not offered where the user (or resource) is
	ProblemUnreachable = "unreachable"       // nothing answered at the address
	ProblemRateLimited = "rate_limited"      // too many requests right now
	ProblemNoKey       = "no_key"            // no key was given or found
	ProblemOther       = "other"             // anything else; Detail says what
)

// Check is the result of checking a connection with real calls.
type Check struct {
	Problem string        // one of the Problem* codes; "" when it works
	Detail  string        // the server's words (key scrubbed), for Problem other and the log
	Models  []string      // what GET /models listed (sorted)
	Model   string        // the model the one-token request used
	Latency time.Duration // of the one-token request
}

// OK reports whether the connection works.
func (c Check) OK() bool { return c.Problem == ProblemNone }

// chatModelHint picks, from a provider's list, a model a one-token chat
// request can use when the caller names none: the first that does not look
// like an embedding, speech, image or moderation model.
var notChat = regexp.MustCompile(`(?i)embed|whisper|tts|dall-e|image|moderation|guard|audio|transcribe|rerank|orpheus|search`)

// CheckConnection checks a connection the way the live test will use it:
// it lists the provider's models (GET /models) and sends a one-token chat
// request to model (or to the first chat model listed when model is ""),
// and says what is wrong in plain categories (bad key, model not enabled,
// no credit, wrong region, nothing listening). A provider that does not
// list models (404 or 405 on /models) is still checked by the chat request.
func CheckConnection(ctx context.Context, c Connection, key, model string) Check {
	var out Check
	if key == "" && c.Provider != LocalProvider {
		return Check{Problem: ProblemNoKey}
	}
	ep := c.Endpoint("check", model, "")
	cl := newClient(ep, key, defaultHTTPClient())
	// One quick retry: a check answers while the user waits.
	rp := retryPolicy{Max: 1, Base: 300 * time.Millisecond, Cap: time.Second, MaxSafe: 1}
	var list openai.ModelsList
	_, ce := timedCall(ctx, connectTimeout, rp, func(actx context.Context) error {
		var err error
		list, err = cl.ListModels(actx)
		return err
	})
	prov, _ := ProviderByID(c.Provider)
	if ce != nil {
		ce.Msg = scrub(ce.Msg, key)
		// Some providers list models only with their own headers (Anthropic
		// wants x-api-key there): the chat request still judges the key.
		listOnlyRefused := ce.Class == advisor.ErrUnauthorized && (model != "" || prov.CheckModel != "")
		if ce.Status != 404 && ce.Status != 405 && ce.Class != advisor.ErrNotFound && !listOnlyRefused {
			return problemOf(ce, c)
		}
	}
	for _, m := range list.Models {
		out.Models = append(out.Models, m.ID)
	}
	sort.Strings(out.Models)
	if c.Kind == advisor.KindAzure {
		model = c.Deployment
	}
	if model == "" {
		for _, m := range out.Models {
			if !notChat.MatchString(m) {
				model = m
				break
			}
		}
	}
	if model == "" {
		model = prov.CheckModel
	}
	if model == "" {
		// Nothing to send a chat request to; the list answered, so the key works.
		return out
	}
	out.Model = model
	ep.Model = model
	d, err := TestConnection(ctx, ep, key)
	if err != nil {
		var ce *CallError
		if errors.As(err, &ce) {
			p := problemOf(ce, c)
			p.Models, p.Model = out.Models, model
			return p
		}
		return Check{Problem: ProblemOther, Detail: scrub(err.Error(), key), Models: out.Models, Model: model}
	}
	out.Latency = d
	return out
}

var (
	reRegion = regexp.MustCompile(`(?i)region|country|territor|location is not supported|not available in your|unsupported_country`)
	reCredit = regexp.MustCompile(`(?i)insufficient[_ ]quota|quota|credit|billing|balance|payment|exceeded your current|insufficient funds`)
	reModel  = regexp.MustCompile(`(?i)model|deployment|does not exist|not found|no access|not have access|permission`)
)

// problemOf sorts a failed call into what the user can do about it.
func problemOf(ce *CallError, c Connection) Check {
	msg := ce.Msg
	ck := Check{Detail: msg}
	switch {
	case ce.Class == advisor.ErrConnection && ce.Status == 0, ce.Class == advisor.ErrTimeout && ce.Status == 0:
		ck.Problem = ProblemUnreachable
	case ce.Status == 402 || reCredit.MatchString(msg) && ce.Status != 401:
		ck.Problem = ProblemNoCredit
	case reRegion.MatchString(msg) && (ce.Status == 400 || ce.Status == 403 || ce.Status == 451):
		ck.Problem = ProblemRegion
	case ce.Status == 401:
		ck.Problem = ProblemBadKey
	case ce.Status == 403 && reModel.MatchString(msg):
		ck.Problem = ProblemModelAccess
	case ce.Status == 403:
		ck.Problem = ProblemBadKey
	case ce.Status == 404 || ce.Class == advisor.ErrNotFound:
		ck.Problem = ProblemModelAccess
	case ce.Status == 400 && reModel.MatchString(msg):
		ck.Problem = ProblemModelAccess
	case ce.Class == advisor.ErrRateLimited:
		ck.Problem = ProblemRateLimited
	default:
		ck.Problem = ProblemOther
	}
	return ck
}

// noise are the words of a model id that name a variant, not the model
// ("-instruct", "-versatile", ":latest"), dropped before ids are compared.
var noise = map[string]bool{"instruct": true, "it": true, "chat": true, "turbo": true, "versatile": true, "instant": true, "latest": true, "hf": true, "fp8": true, "tput": true}

// isDateTag reports a version date in an id ("20251001", "2507").
func isDateTag(p string) bool {
	if len(p) < 4 || len(p) > 8 {
		return false
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
	}
	return len(p) >= 6 || p[0] == '2' // 2507: July 2025, as Qwen writes it
}

// modelKey reduces a model id to what identifies the model: the part after
// the last "/", lower case, without variant words, dates or separators, so
// "meta-llama/Llama-3.3-70B-Instruct-Turbo", "llama-3.3-70b-versatile" and
// "llama3.3:70b" all become "llama3370b".
func modelKey(id string) string {
	id = strings.ToLower(strings.TrimSpace(id))
	if i := strings.LastIndex(id, "/"); i >= 0 {
		id = id[i+1:]
	}
	parts := strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == ':' || r == ' ' })
	var b strings.Builder
	for _, p := range parts {
		if noise[p] || isDateTag(p) {
			continue
		}
		b.WriteString(p)
	}
	return b.String()
}

// MatchModel finds, among the model ids a provider offers, the one that is
// the catalog model want: the same id, else the same after modelKey. It
// prefers an exact id, then the shortest matching one (the plain variant).
func MatchModel(want string, offered []string) (string, bool) {
	for _, o := range offered {
		if o == want {
			return o, true
		}
	}
	k := modelKey(want)
	if k == "" {
		return "", false
	}
	best := ""
	for _, o := range offered {
		if modelKey(o) == k && (best == "" || len(o) < len(best)) {
			best = o
		}
	}
	return best, best != ""
}

// Candidate is a shortlisted model as the live test can (or cannot yet) run it.
type Candidate struct {
	CatalogID string
	Endpoint  advisor.Endpoint // ready to run when Connected
	Connected bool
	// Suggest is the provider to connect when not connected: the model's
	// maker for a proprietary model, a host of open weights otherwise.
	Suggest string
	// Pull is the Ollama tag to download when a local Ollama server runs
	// without the model ("" when not applicable).
	Pull    string
	PullURL string // that Ollama server's base URL
}

// MapCandidate finds where a catalog model can run among the connections
// and the detected local servers: a connection of its maker (OpenAI models
// on OpenAI or Azure, Claude on Anthropic, ...) that lists it — or lists
// nothing, then under the catalog id —, a host of open weights or a router
// that lists it, or a local server that has it. A model found nowhere comes
// back not connected, with the provider to suggest and, for an open model
// Ollama can download, the tag to pull.
func MapCandidate(m advisor.Model, conns []Connection, locals []LocalServer) Candidate {
	apiModel := m.APIModel // the id in its provider's API (models.dev); the catalog id otherwise
	if apiModel == "" {
		apiModel = m.ID
	}
	cand := Candidate{CatalogID: m.ID, Endpoint: advisor.Endpoint{Name: m.ID, Kind: advisor.KindCompatible, Model: apiModel, CatalogID: m.ID}}
	open := m.Weights == "open"
	var maker, host []Connection
	for _, c := range conns {
		p, ok := ProviderByID(c.Provider)
		if !ok {
			continue
		}
		switch {
		case m.ProviderID != "" && p.ID == m.ProviderID, m.ProviderID == "" && contains(p.Makers, m.Provider):
			maker = append(maker, c)
		case p.HostsAll, open && p.HostsOpenWeights:
			host = append(host, c)
		}
	}
	try := func(c Connection, allowUnlisted bool) bool {
		if c.Kind == advisor.KindAzure {
			// A deployment serves one model: the one it was made for.
			if modelKey(c.Deployment) != modelKey(m.ID) && !strings.Contains(modelKey(c.Deployment), modelKey(m.ID)) {
				return false
			}
			cand.Endpoint, cand.Connected = c.Endpoint(m.ID, c.Deployment, m.ID), true
			return true
		}
		id, ok := MatchModel(apiModel, c.Models)
		if !ok && allowUnlisted && len(c.Models) == 0 {
			id, ok = apiModel, true
		}
		if !ok {
			return false
		}
		cand.Endpoint, cand.Connected = c.Endpoint(m.ID, id, m.ID), true
		return true
	}
	for _, c := range maker {
		if try(c, true) {
			return cand
		}
	}
	for _, c := range host {
		if try(c, false) {
			return cand
		}
	}
	if open {
		for _, s := range locals {
			if id, ok := MatchModel(apiModel, s.Models); ok {
				cand.Endpoint = advisor.Endpoint{Name: m.ID, Kind: advisor.KindCompatible, BaseURL: s.BaseURL, Model: id, CatalogID: m.ID}
				cand.Connected = true
				return cand
			}
			if tag := OllamaTag(m.ID); tag != "" {
				if id, ok := MatchModel(tag, s.Models); ok {
					cand.Endpoint = advisor.Endpoint{Name: m.ID, Kind: advisor.KindCompatible, BaseURL: s.BaseURL, Model: id, CatalogID: m.ID}
					cand.Connected = true
					return cand
				}
			}
		}
		for _, s := range locals {
			if s.Name == "Ollama" && cand.Pull == "" {
				if tag := OllamaTag(m.ID); tag != "" {
					cand.Pull, cand.PullURL = tag, s.BaseURL
				}
			}
		}
	}
	cand.Suggest = suggestProvider(m)
	return cand
}

// suggestProvider is the provider to connect for a model: its maker's, else
// for open weights the first host of open weights, else OpenRouter.
func suggestProvider(m advisor.Model) string {
	if _, ok := ProviderByID(m.ProviderID); ok && m.ProviderID != "" {
		return m.ProviderID
	}
	for _, p := range Providers() {
		if contains(p.Makers, m.Provider) {
			return p.ID
		}
	}
	if m.Weights == "open" {
		for _, p := range Providers() {
			if p.HostsOpenWeights && !p.HostsAll {
				return p.ID
			}
		}
	}
	return "openrouter"
}

// NeedsConnection reports whether an endpoint cannot run as it stands: an
// OpenAI-compatible or Azure endpoint without a base URL (a shortlisted
// model no connection serves yet). OpenAI's own endpoint has a default URL.
func NeedsConnection(ep advisor.Endpoint) bool {
	ep = ResolveEndpoint(ep)
	switch ep.Kind {
	case advisor.KindOpenAI:
		return false
	case advisor.KindAzure:
		return ep.BaseURL == "" || ep.Deployment == ""
	}
	return ep.BaseURL == ""
}
