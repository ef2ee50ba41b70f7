package livetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/zalando/go-keyring"
)

// The providers the issue names are all there, each with an https
// OpenAI-compatible base URL, a key variable and the page that states them.
func TestProvidersFile(t *testing.T) {
	want := []string{"openai", "azure", "anthropic", "google", "mistral", "groq", "togetherai", "openrouter", "deepseek", "xai"}
	for _, id := range want {
		p, ok := ProviderByID(id)
		if !ok {
			t.Errorf("provider %q missing", id)
			continue
		}
		if !strings.HasPrefix(p.API, "https://") || len(p.Env) == 0 || !strings.HasPrefix(p.Source, "https://") || p.Name == "" || !strings.HasPrefix(p.KeysURL, "https://") {
			t.Errorf("%s: incomplete: %+v", id, p)
		}
	}
	if p, _ := ProviderByID("anthropic"); p.API != "https://api.anthropic.com/v1" || p.Env[0] != "ANTHROPIC_API_KEY" {
		t.Errorf("anthropic: %+v", p)
	}
	if p, _ := ProviderByID("google"); p.API != "https://generativelanguage.googleapis.com/v1beta/openai" {
		t.Errorf("google: %+v", p)
	}
	if got := AzureURL("contoso"); got != "https://contoso.openai.azure.com" {
		t.Errorf("AzureURL = %q", got)
	}
	if got := AzureURL("https://x.openai.azure.com/"); got != "https://x.openai.azure.com" {
		t.Errorf("AzureURL(url) = %q", got)
	}
	if OllamaTag("llama-3.1-8b-instruct") != "llama3.1:8b" {
		t.Error("no Ollama tag for Llama 3.1 8B")
	}
}

// A provider the catalog's models.dev data adds shows up only when it has
// an OpenAI-compatible api and a key variable; curated facts win.
func TestCatalogProvidersMerge(t *testing.T) {
	t.Cleanup(func() { SetCatalogProviders(nil) })
	SetCatalogProviders([]Provider{
		{ID: "alibaba", Name: "Alibaba", API: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", Env: []string{"DASHSCOPE_API_KEY"}},
		{ID: "amazon-bedrock", Name: "Amazon Bedrock", Env: []string{"AWS_ACCESS_KEY_ID"}}, // no api
		{ID: "groq", Name: "Groq (models.dev)", API: "https://elsewhere.example/v1", Env: []string{"X"}},
	})
	if p, ok := ProviderByID("alibaba"); !ok || p.Kind != advisor.KindCompatible || p.Source != "https://models.dev/api.json" {
		t.Errorf("alibaba: %+v %v", p, ok)
	}
	if _, ok := ProviderByID("amazon-bedrock"); ok {
		t.Error("a provider without an OpenAI-compatible api was offered")
	}
	if p, _ := ProviderByID("groq"); p.API != "https://api.groq.com/openai/v1" || p.Name != "Groq" {
		t.Errorf("curated groq lost to models.dev: %+v", p)
	}
}

func TestPlanProviderResolves(t *testing.T) {
	t.Setenv("GEMINI_API_KEY", "")
	t.Setenv("GOOGLE_API_KEY", "set")
	p, err := ParsePlan([]byte(`
endpoints:
  - {name: claude, provider: anthropic, model: claude-sonnet-4-5}
  - {name: gemini, provider: google, model: gemini-2.5-flash, price_in_per_1m: 1, price_out_per_1m: 2}
  - {name: proxy, provider: groq, model: llama-3.1-8b-instant, base_url: "http://127.0.0.1:9/v1"}
  - {name: az, provider: azure, base_url: "https://contoso.openai.azure.com", deployment: gpt4o}
cases: [{input: hi, expected: hi}]
`), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e := p.Endpoints
	if e[0].Kind != advisor.KindCompatible || e[0].BaseURL != "https://api.anthropic.com/v1" || e[0].APIKeyEnv != "ANTHROPIC_API_KEY" || e[0].CatalogID != "claude-sonnet-4-5" {
		t.Errorf("claude: %+v", e[0])
	}
	// The variable that is set wins over the usual one; the plan's prices keep the catalog out.
	if e[1].APIKeyEnv != "GOOGLE_API_KEY" || e[1].CatalogID != "" || e[1].BaseURL != "https://generativelanguage.googleapis.com/v1beta/openai" {
		t.Errorf("gemini: %+v", e[1])
	}
	if e[2].BaseURL != "http://127.0.0.1:9/v1" || e[2].APIKeyEnv != "GROQ_API_KEY" || e[2].CatalogID != "groq/llama-3.1-8b-instant" {
		t.Errorf("the plan's own base_url must win: %+v", e[2])
	}
	if e[3].Kind != advisor.KindAzure || e[3].Model != "gpt4o" || e[3].APIVersion != "2024-10-21" || e[3].APIKeyEnv != "AZURE_API_KEY" {
		t.Errorf("azure: %+v", e[3])
	}
	rs := ResolvedEndpoints(p)
	if len(rs) != 4 || rs[0].BaseURL != "https://api.anthropic.com/v1" || rs[0].APIKeyEnv != "ANTHROPIC_API_KEY" || rs[0].Provider != "anthropic" {
		t.Errorf("resolved: %+v", rs)
	}

	_, err = ParsePlan([]byte("endpoints: [{name: x, provider: acme, model: m}]\ncases: [{input: hi}]\n"), "plan.yaml")
	if err == nil || !strings.Contains(err.Error(), `endpoints[0].provider: "acme" is not a provider`) || !strings.Contains(err.Error(), "anthropic") {
		t.Errorf("unknown provider: %v", err)
	}
	_, err = ParsePlan([]byte("endpoints: [{name: x, provider: azure, deployment: d}]\ncases: [{input: hi}]\n"), "plan.yaml")
	if err == nil || !strings.Contains(err.Error(), "endpoints[0].base_url: an azure endpoint needs its resource endpoint") {
		t.Errorf("azure without resource: %v", err)
	}
}

// providerServer speaks a provider's OpenAI-compatible wire format: /models
// and a streamed chat completion, accepting only the key "good-key"; the
// chat answers with status and body when status is not 200.
func providerServer(t testing.TB, models []string, status int, body string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var chats atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.Header.Get("Authorization") != "Bearer good-key" {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`)
			return
		}
		switch r.URL.Path {
		case "/v1/models":
			var b strings.Builder
			b.WriteString(`{"object":"list","data":[`)
			for i, m := range models {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, `{"id":%q,"object":"model"}`, m)
			}
			b.WriteString("]}")
			fmt.Fprint(w, b.String())
		case "/v1/chat/completions":
			chats.Add(1)
			if status != 200 {
				w.WriteHeader(status)
				fmt.Fprint(w, body)
				return
			}
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"OK\"},\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &chats
}

func TestCheckConnectionSaysWhatIsWrong(t *testing.T) {
	conn := func(srv *httptest.Server) Connection {
		return Connection{Provider: "groq", Name: "Groq", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", KeyEnv: "GROQ_API_KEY"}
	}
	ok, chats := providerServer(t, []string{"whisper-large-v3", "llama-3.1-8b-instant"}, 200, "")
	c := CheckConnection(context.Background(), conn(ok), "good-key", "")
	if !c.OK() || c.Model != "llama-3.1-8b-instant" || len(c.Models) != 2 || chats.Load() != 1 {
		t.Errorf("working connection: %+v (chats %d)", c, chats.Load())
	}
	if c := CheckConnection(context.Background(), conn(ok), "sk-wrong", ""); c.Problem != ProblemBadKey || strings.Contains(c.Detail, "sk-wrong") {
		t.Errorf("bad key: %+v", c)
	}
	if c := CheckConnection(context.Background(), conn(ok), "", ""); c.Problem != ProblemNoKey {
		t.Errorf("no key: %+v", c)
	}
	cases := []struct {
		name, body string
		status     int
		want       string
	}{
		{"model not enabled", `{"error":{"message":"The model llama-3.1-8b-instant does not exist or you do not have access to it.","code":"model_not_found"}}`, 404, ProblemModelAccess},
		{"no credit (OpenAI)", `{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","code":"insufficient_quota"}}`, 429, ProblemNoCredit},
		{"no credit (DeepSeek)", `{"error":{"message":"Insufficient Balance","type":"unknown_error"}}`, 402, ProblemNoCredit},
		{"no credit (Anthropic)", `{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API."}}`, 400, ProblemNoCredit},
		{"wrong region (Gemini)", `[{"error":{"code":400,"message":"User location is not supported for the API use.","status":"FAILED_PRECONDITION"}}]`, 400, ProblemRegion},
		{"wrong region (OpenAI)", `{"error":{"message":"Country, region, or territory not supported","code":"unsupported_country_region_territory"}}`, 403, ProblemRegion},
		{"rate limited", `{"error":{"message":"Rate limit reached for requests"}}`, 429, ProblemRateLimited},
	}
	for _, tc := range cases {
		srv, _ := providerServer(t, []string{"llama-3.1-8b-instant"}, tc.status, tc.body)
		c := CheckConnection(context.Background(), conn(srv), "good-key", "llama-3.1-8b-instant")
		if c.Problem != tc.want {
			t.Errorf("%s: problem %q, want %q (%s)", tc.name, c.Problem, tc.want, c.Detail)
		}
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	c = CheckConnection(context.Background(), Connection{Provider: LocalProvider, Kind: advisor.KindCompatible, BaseURL: "http://" + dead + "/v1"}, "", "m")
	if c.Problem != ProblemUnreachable {
		t.Errorf("nothing listening: %+v", c)
	}
}

func TestMatchModel(t *testing.T) {
	for _, tc := range []struct {
		want    string
		offered []string
		got     string
	}{
		{"llama-3.3-70b-instruct", []string{"llama-3.1-8b-instant", "llama-3.3-70b-versatile"}, "llama-3.3-70b-versatile"},
		{"llama-3.3-70b-instruct", []string{"meta-llama/Llama-3.3-70B-Instruct-Turbo"}, "meta-llama/Llama-3.3-70B-Instruct-Turbo"},
		{"llama3.1:8b", []string{"llama3.1:8b", "llama3.2:latest"}, "llama3.1:8b"},
		{"llama-3.1-8b-instruct", []string{"llama3.1:8b"}, "llama3.1:8b"},
		{"claude-haiku-4-5", []string{"claude-haiku-4-5-20251001", "claude-opus-4-5"}, "claude-haiku-4-5-20251001"},
		{"gpt-4o", []string{"gpt-4o-mini", "gpt-4o"}, "gpt-4o"},
		{"gpt-4o", []string{"gpt-4o-mini"}, ""},
		{"gemini-2.5-flash", []string{"models/gemini-2.5-flash-lite"}, ""},
	} {
		got, ok := MatchModel(tc.want, tc.offered)
		if got != tc.got || ok != (tc.got != "") {
			t.Errorf("MatchModel(%q, %v) = %q %v, want %q", tc.want, tc.offered, got, ok, tc.got)
		}
	}
}

func TestMapCandidate(t *testing.T) {
	claude := advisor.Model{ID: "claude-haiku-4-5", Provider: "Anthropic", Weights: "proprietary"}
	llama := advisor.Model{ID: "llama-3.1-8b-instruct", Provider: "Meta", Weights: "open"}
	gpt := advisor.Model{ID: "gpt-4o-mini", Provider: "OpenAI", Weights: "proprietary"}
	anthropic := Connection{Provider: "anthropic", Kind: advisor.KindCompatible, BaseURL: "https://api.anthropic.com/v1", KeyEnv: "ANTHROPIC_API_KEY"}
	groq := Connection{Provider: "groq", Kind: advisor.KindCompatible, BaseURL: "https://api.groq.com/openai/v1", KeyEnv: "GROQ_API_KEY", Models: []string{"llama-3.1-8b-instant", "qwen/qwen3-32b"}}
	azure := Connection{Provider: "azure", Kind: advisor.KindAzure, BaseURL: "https://c.openai.azure.com", Deployment: "gpt-4o-mini", APIVersion: "2024-10-21", KeyEnv: "AZURE_API_KEY"}

	c := MapCandidate(claude, []Connection{groq, anthropic}, nil)
	if !c.Connected || c.Endpoint.Provider != "anthropic" || c.Endpoint.Model != "claude-haiku-4-5" || c.Endpoint.BaseURL != anthropic.BaseURL || c.Endpoint.CatalogID != "claude-haiku-4-5" {
		t.Errorf("claude on anthropic: %+v", c)
	}
	c = MapCandidate(llama, []Connection{anthropic, groq}, nil)
	if !c.Connected || c.Endpoint.Provider != "groq" || c.Endpoint.Model != "llama-3.1-8b-instant" || c.Endpoint.Name != "llama-3.1-8b-instruct" {
		t.Errorf("llama on groq: %+v", c)
	}
	c = MapCandidate(gpt, []Connection{azure}, nil)
	if !c.Connected || c.Endpoint.Kind != advisor.KindAzure || c.Endpoint.Deployment != "gpt-4o-mini" {
		t.Errorf("gpt on azure: %+v", c)
	}
	// No connection: the maker is suggested; an open model runs on a local
	// server that has it, or Ollama is asked to download it.
	c = MapCandidate(claude, []Connection{groq}, nil)
	if c.Connected || c.Suggest != "anthropic" || !NeedsConnection(c.Endpoint) {
		t.Errorf("claude without anthropic: %+v", c)
	}
	local := LocalServer{Name: "Ollama", BaseURL: "http://127.0.0.1:11434/v1", Models: []string{"llama3.1:8b"}}
	c = MapCandidate(llama, nil, []LocalServer{local})
	if !c.Connected || c.Endpoint.BaseURL != local.BaseURL || c.Endpoint.Model != "llama3.1:8b" || c.Endpoint.Provider != "" {
		t.Errorf("llama on ollama: %+v", c)
	}
	local.Models = []string{"qwen2.5:7b"}
	c = MapCandidate(llama, nil, []LocalServer{local})
	if c.Connected || c.Pull != "llama3.1:8b" || c.PullURL != local.BaseURL || c.Suggest != "groq" {
		t.Errorf("llama to pull: %+v", c)
	}
	// A models.dev entry names its provider and the id in that provider's API.
	hosted := advisor.Model{ID: "groq/qwen3-32b", ProviderID: "groq", APIModel: "qwen/qwen3-32b", Provider: "Groq", Weights: "open"}
	c = MapCandidate(hosted, []Connection{groq}, nil)
	if !c.Connected || c.Endpoint.Model != "qwen/qwen3-32b" || c.Endpoint.CatalogID != "groq/qwen3-32b" || c.Endpoint.Name != "groq/qwen3-32b" {
		t.Errorf("models.dev entry on its provider: %+v", c)
	}
	if c := MapCandidate(hosted, nil, nil); c.Connected || c.Suggest != "groq" {
		t.Errorf("models.dev entry without its provider: %+v", c)
	}
	if NeedsConnection(advisor.Endpoint{Kind: advisor.KindOpenAI, Model: "gpt-4o"}) || NeedsConnection(advisor.Endpoint{Provider: "groq", Model: "x"}) {
		t.Error("a runnable endpoint needs a connection")
	}
}

func TestConnectionsFileRoundTrip(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	path := ConnectionsPath()
	if cs, err := LoadConnections(path); err != nil || cs != nil {
		t.Fatalf("missing file: %v %v", cs, err)
	}
	want := []Connection{{Provider: "groq", Name: "Groq", Kind: advisor.KindCompatible, BaseURL: "https://api.groq.com/openai/v1", KeyEnv: "GROQ_API_KEY", KeyPlace: KeyInMemory, Models: []string{"a"}}}
	if err := SaveConnections(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := LoadConnections(path)
	if err != nil || len(got) != 1 || got[0].BaseURL != want[0].BaseURL || got[0].KeyPlace != KeyInMemory {
		t.Errorf("round trip: %+v %v", got, err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("connections file mode %v", st.Mode().Perm())
	}
	os.WriteFile(path, []byte("{not json"), 0o600)
	if _, err := LoadConnections(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("broken file: %v", err)
	}
}

// Without a keyring a key stays in memory, or, when the user asks, in a
// file only the user can read; with one, it goes to the keyring and no
// file is written.
func TestStoreKeyWithoutKeyring(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	name := ConnectionKeyName("groq")
	t.Cleanup(func() { ForgetKey(name) })
	ep := advisor.Endpoint{Name: "llama", Provider: "groq", Kind: advisor.KindCompatible, APIKeyEnv: "LLM_ADVISOR_TEST_UNSET"}

	where, err := StoreKey(name, "sk-session-only", false)
	if err != nil || where != KeyInMemory {
		t.Fatalf("StoreKey: %v %v", where, err)
	}
	if k, err := LookupKey(ep); err != nil || k != "sk-session-only" {
		t.Errorf("session key: %q %v", k, err)
	}
	if _, err := os.Stat(KeyFilePath()); !os.IsNotExist(err) {
		t.Errorf("a key file was written without being asked: %v", err)
	}

	where, err = StoreKey(name, "sk-remembered", true)
	if err != nil || where != KeyInFile {
		t.Fatalf("StoreKey remember: %v %v", where, err)
	}
	st, err := os.Stat(KeyFilePath())
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	if dst, _ := os.Stat(filepath.Dir(KeyFilePath())); dst.Mode().Perm() != 0o700 {
		t.Errorf("key folder mode %v", dst.Mode().Perm())
	}
	memMu.Lock()
	delete(memKeys, name) // as after a restart
	memMu.Unlock()
	if k, err := LookupKey(ep); err != nil || k != "sk-remembered" {
		t.Errorf("remembered key after restart: %q %v", k, err)
	}
	if err := os.Chmod(KeyFilePath(), 0o644); err != nil {
		t.Fatal(err)
	}
	LookupKey(ep)
	if st, _ := os.Stat(KeyFilePath()); st.Mode().Perm() != 0o600 {
		t.Errorf("a key file others could read was left so: %v", st.Mode().Perm())
	}
	ForgetKey(name)
	if _, err := LookupKey(ep); err == nil {
		t.Error("a forgotten key was still found")
	}
	if _, err := os.Stat(KeyFilePath()); !os.IsNotExist(err) {
		t.Errorf("the empty key file was left: %v", err)
	}

	keyring.MockInit()
	where, err = StoreKey(name, "sk-keyring", true)
	if err != nil || where != KeyInKeyring {
		t.Fatalf("with a keyring: %v %v", where, err)
	}
	if _, err := os.Stat(KeyFilePath()); !os.IsNotExist(err) {
		t.Errorf("a key file was written although a keyring exists: %v", err)
	}
}

func TestPullModel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/api/pull" || !strings.Contains(string(b), `"model":"llama3.1:8b"`) {
			w.WriteHeader(404)
			fmt.Fprint(w, `{"error":"pull model manifest: file does not exist"}`)
			return
		}
		fmt.Fprintln(w, `{"status":"pulling manifest"}`)
		fmt.Fprintln(w, `{"status":"downloading","digest":"sha256:1","total":1000,"completed":250}`)
		fmt.Fprintln(w, `{"status":"downloading","digest":"sha256:1","total":1000,"completed":1000}`)
		fmt.Fprintln(w, `{"status":"verifying sha256 digest"}`)
		fmt.Fprintln(w, `{"status":"success"}`)
	}))
	defer srv.Close()
	var seen []PullProgress
	if err := PullModel(context.Background(), srv.URL+"/v1", "llama3.1:8b", func(p PullProgress) { seen = append(seen, p) }); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 5 || seen[1].Fraction() != 0.25 || seen[2].Fraction() != 1 || seen[4].Status != "success" {
		t.Errorf("progress %+v", seen)
	}
	err := PullModel(context.Background(), srv.URL+"/v1", "nosuch", nil)
	if err == nil || !strings.Contains(err.Error(), "file does not exist") {
		t.Errorf("unknown model: %v", err)
	}

	// A pull that is cancelled stops at once.
	hold := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, `{"status":"downloading","total":1000,"completed":1}`)
		w.(http.Flusher).Flush()
		select {
		case <-hold:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(hold)
	ctx, cancel := context.WithCancel(context.Background())
	err = PullModel(ctx, slow.URL, "m", func(PullProgress) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled pull: %v", err)
	}
}
