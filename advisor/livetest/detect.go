package livetest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	openai "github.com/sashabaranov/go-openai"
)

// LocalServer is an OpenAI-compatible server found on this machine.
type LocalServer struct {
	Name    string   `json:"name"`
	BaseURL string   `json:"base_url"` // ends in /v1, ready for an endpoint
	Models  []string `json:"models"`
}

// LocalPort is where a kind of local server listens by default.
type LocalPort struct {
	Name string
	Port int
}

// LocalPorts are the ports Detect tries; tests replace them.
var LocalPorts = []LocalPort{
	{"Ollama", 11434},
	{"LM Studio", 1234},
	{"llama.cpp", 8080},
	{"vLLM", 8000},
}

// DetectTimeout bounds each probe of Detect.
const DetectTimeout = 300 * time.Millisecond

// Detect asks each of LocalPorts on 127.0.0.1 for GET /v1/models, all at
// once with a short timeout, and lists the servers that answered in the
// OpenAI format, in LocalPorts order.
func Detect(ctx context.Context) []LocalServer {
	return DetectPorts(ctx, LocalPorts)
}

// DetectPorts is Detect on the given ports.
func DetectPorts(ctx context.Context, ports []LocalPort) []LocalServer {
	type found struct {
		i int
		s LocalServer
	}
	var (
		mu  sync.Mutex
		out []found
		wg  sync.WaitGroup
	)
	hc := &http.Client{Timeout: DetectTimeout}
	for i, lp := range ports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := fmt.Sprintf("http://127.0.0.1:%d/v1", lp.Port)
			models, err := listModels(ctx, hc, base)
			if err != nil {
				return
			}
			mu.Lock()
			out = append(out, found{i, LocalServer{Name: lp.Name, BaseURL: base, Models: models}})
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(out, func(a, b int) bool { return out[a].i < out[b].i })
	servers := make([]LocalServer, 0, len(out))
	for _, f := range out {
		servers = append(servers, f.s)
	}
	return servers
}

func listModels(ctx context.Context, hc *http.Client, base string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, DetectTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/models", nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var list struct {
		Object string `json:"object"`
		Data   []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, err
	}
	if list.Data == nil {
		return nil, fmt.Errorf("not an OpenAI model list")
	}
	models := make([]string, 0, len(list.Data))
	for _, m := range list.Data {
		models = append(models, m.ID)
	}
	return models, nil
}

// connectTimeout bounds TestConnection and Try.
const connectTimeout = 30 * time.Second

// TestConnection sends the smallest chat request (one output token) and
// returns how long the answer took; the error says in plain words what went
// wrong ("the API key was refused (401)"). It is a *CallError for a failed
// request.
func TestConnection(ctx context.Context, ep advisor.Endpoint, key string) (time.Duration, error) {
	c := newClient(ep, key, defaultHTTPClient())
	msgs := []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: "Say OK."}}
	a, ce := streamChat(ctx, c, chatRequest(ep.Model, msgs, 1, 0), connectTimeout, retryPolicy{Max: 1, Base: 500 * time.Millisecond, Cap: 2 * time.Second, MaxSafe: 2})
	if ce != nil {
		ce.Msg = scrub(ce.Msg, key)
		return 0, ce
	}
	return a.Latency, nil
}

// Try sends one prompt to an endpoint the way the live test would and
// returns the measured result (not saved anywhere). Prices are the
// endpoint's own only; nothing is scored. The error is a *CallError when the
// request failed; the result then has its class and message too.
func Try(ctx context.Context, ep advisor.Endpoint, key, prompt string) (advisor.Result, error) {
	res := advisor.Result{Endpoint: ep.Name, Model: ep.Model, Strategy: advisor.StrategyZeroShot}
	c := newClient(ep, key, defaultHTTPClient())
	msgs := []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: prompt}}
	res.ConcurrencyAtSend = 1
	start := time.Now()
	a, ce := streamChat(ctx, c, chatRequest(ep.Model, msgs, DefaultMaxTokens, 0), connectTimeout, retryPolicy{Max: 2, Base: 500 * time.Millisecond, Cap: 10 * time.Second, MaxSafe: 2})
	if !a.Wrote.IsZero() {
		start = a.Wrote
	}
	res.StartedAt, res.EndedAt = wallClock(start).UTC(), time.Now().UTC()
	res.Output = a.Output
	if ce != nil {
		ce.Msg = scrub(ce.Msg, key)
		res.ErrorClass, res.ErrorMessage = ce.Class, ce.Msg
		return res, ce
	}
	a.fill(&res, ep.Model, msgs)
	in, out, _ := Pricing(ep, nil)
	res.CostUSD = tokenCost(res, in, out, cachedPrice(ep, nil, in))
	return res, nil
}

// TestConnectionFor checks an endpoint the way a case of the kind would use
// it, at no or negligible cost: chat sends TestConnection's one-token chat;
// embedding embeds one word; transcription and image list the server's
// models (GET /models) and check that the endpoint's model is among them
// (when the server lists any; an Azure resource lists base models, not
// deployments, so there the key and URL are all that is checked). The
// error is a *CallError for a failed request.
func TestConnectionFor(ctx context.Context, ep advisor.Endpoint, key, kind string) (time.Duration, error) {
	rp := retryPolicy{Max: 1, Base: 500 * time.Millisecond, Cap: 2 * time.Second, MaxSafe: 2}
	c := newClient(ep, key, defaultHTTPClient())
	switch kind {
	case "", advisor.CaseKindChat:
		return TestConnection(ctx, ep, key)
	case advisor.CaseKindEmbedding:
		er := &endpointRunner{ep: ep, client: c}
		e, ce := er.embedTexts(ctx, []string{"ping"}, connectTimeout, rp)
		if ce != nil {
			ce.Msg = scrub(ce.Msg, key)
			return 0, ce
		}
		return e.latency(), nil
	case advisor.CaseKindTranscription, advisor.CaseKindImage:
		ids, latency, ce := serverModels(ctx, ep, key)
		if ce != nil {
			return 0, ce
		}
		if ep.Kind == advisor.KindAzure || len(ids) == 0 || contains(ids, ep.Model) {
			return latency, nil
		}
		return 0, &CallError{Class: advisor.ErrNotFound, Msg: fmt.Sprintf("the server does not offer the model %q (it offers: %s)", ep.Model, joinMax(ids, 8))}
	}
	return 0, fmt.Errorf("test connection: %q is not a kind; allowed: %v", kind, CaseKinds)
}

// ListModelsOf lists the models an endpoint's server offers (GET /models),
// sorted. The error is a *CallError when the request failed (a 404 there
// usually means a wrong path in the base URL).
func ListModelsOf(ctx context.Context, ep advisor.Endpoint, key string) ([]string, error) {
	ids, _, ce := serverModels(ctx, ep, key)
	if ce != nil {
		return nil, ce
	}
	return ids, nil
}

// serverModels asks the endpoint's server for its models (GET /models): the
// ids sorted and how long the answer took. The key never shows in the error.
func serverModels(ctx context.Context, ep advisor.Endpoint, key string) ([]string, time.Duration, *CallError) {
	c := newClient(ep, key, defaultHTTPClient())
	rp := retryPolicy{Max: 1, Base: 500 * time.Millisecond, Cap: 2 * time.Second, MaxSafe: 2}
	var list openai.ModelsList
	t, ce := timedCall(ctx, connectTimeout, rp, func(actx context.Context) error {
		var err error
		list, err = c.ListModels(actx)
		return err
	})
	if ce != nil {
		ce.Msg = scrub(ce.Msg, key)
		return nil, 0, ce
	}
	ids := make([]string, 0, len(list.Models))
	for _, m := range list.Models {
		ids = append(ids, m.ID)
	}
	sort.Strings(ids)
	return ids, t.latency(), nil
}
