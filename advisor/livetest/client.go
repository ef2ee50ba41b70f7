package livetest

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	openai "github.com/sashabaranov/go-openai"
)

// probe records what the transport saw of one HTTP attempt: when the request
// was written (the start of every timing), whether the connection was reused,
// the status and headers (go-openai keeps neither Retry-After nor, for a
// stream, the error), and, from sseReader, an `error:` line of an SSE stream,
// which go-openai v1.43.0 drops.
type probe struct {
	mu sync.Mutex
	st probeState
	// body is the body of the response (bounded), which streamOnce reads
	// itself; sse that it is a server-sent event stream.
	body io.Reader
	sse  bool
}

// response is the body the transport saw and whether it is SSE; nil when
// the request did not go through doer.
func (p *probe) response() (io.Reader, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.body, p.sse
}

// probeState is a copy of what a probe saw.
type probeState struct {
	wrote     time.Time
	reused    bool
	gotConn   bool
	status    int
	header    http.Header
	ctype     string // Content-Type of the response
	streamErr []byte // JSON after "error:"
	sawDone   bool   // the stream ended with data: [DONE]
	noKey     bool   // the request carried no API key (no or an empty Authorization / api-key header)
}

func (p *probe) snapshot() probeState {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st
}

type probeKey struct{}

func withProbe(ctx context.Context) (context.Context, *probe) {
	pr := &probe{}
	return context.WithValue(ctx, probeKey{}, pr), pr
}

// doer is the HTTPDoer go-openai gets: it adds an httptrace to each request
// that carries a probe and wraps the response body to watch the stream.
type doer struct{ client *http.Client }

func (d doer) Do(req *http.Request) (*http.Response, error) {
	pr, _ := req.Context().Value(probeKey{}).(*probe)
	if pr == nil {
		resp, err := d.client.Do(req)
		if err == nil {
			boundBody(resp, strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream"))
		}
		return resp, err
	}
	trace := &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			pr.mu.Lock()
			pr.st.gotConn, pr.st.reused = true, info.Reused
			pr.mu.Unlock()
		},
		WroteRequest: func(httptrace.WroteRequestInfo) {
			now := time.Now()
			pr.mu.Lock()
			pr.st.wrote = now
			pr.mu.Unlock()
		},
	}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	pr.mu.Lock()
	pr.st.noKey = !carriesKey(req.Header)
	pr.mu.Unlock()
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, err
	}
	pr.mu.Lock()
	// The header is kept as it is, not cloned: nothing writes to a
	// response's header once the client returned it.
	pr.st.status, pr.st.header, pr.st.ctype = resp.StatusCode, resp.Header, resp.Header.Get("Content-Type")
	pr.mu.Unlock()
	stream := strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream")
	boundBody(resp, stream)
	pr.mu.Lock()
	pr.body, pr.sse = resp.Body, stream
	pr.mu.Unlock()
	return resp, nil
}

// carriesKey tells whether a request's headers hold an API key: go-openai
// sends "Authorization: Bearer " with nothing after it when the key is empty
// (Azure's "api-key" header likewise).
func carriesKey(h http.Header) bool {
	auth := strings.TrimSpace(h.Get("Authorization"))
	if i := strings.IndexByte(auth, ' '); i >= 0 && strings.EqualFold(auth[:i], "bearer") {
		auth = strings.TrimSpace(auth[i+1:])
	} else if strings.EqualFold(auth, "bearer") {
		auth = ""
	}
	return auth != "" || strings.TrimSpace(h.Get("api-key")) != ""
}

// defaultHTTPClient is shared by every run and Try of the process. It has
// room for many idle connections per host, so a run at concurrency 64
// against one server does not keep opening new ones.
var defaultHTTPClient = sync.OnceValue(func() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   1024,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}}
})

// newClient builds the go-openai client of an endpoint.
func newClient(ep advisor.Endpoint, key string, hc *http.Client) *openai.Client {
	var cfg openai.ClientConfig
	switch ep.Kind {
	case advisor.KindAzure:
		cfg = openai.DefaultAzureConfig(key, ep.BaseURL)
		if ep.APIVersion != "" {
			cfg.APIVersion = ep.APIVersion
		}
		dep := ep.Deployment
		cfg.AzureModelMapperFunc = func(string) string { return dep }
	default:
		cfg = openai.DefaultConfig(key)
		if ep.BaseURL != "" {
			cfg.BaseURL = strings.TrimRight(ep.BaseURL, "/")
		}
	}
	cfg.HTTPClient = doer{client: noRedirects(hc)}
	return openai.NewClientWithConfig(cfg)
}

// deterministicTemperature stands in for temperature 0: go-openai leaves a
// zero temperature out of the request (omitempty), and a server then samples
// at its own default (0.8 on llama.cpp). A temperature this small gives the
// greedy output while still being sent.
const deterministicTemperature = 1e-9

func temperature(t float32) float32 {
	if t <= 0 {
		return deterministicTemperature
	}
	return t
}

// apiErrorBody decodes an error object as servers send it, bare or wrapped
// in {"error": ...}.
func apiErrorBody(b []byte) *openai.APIError {
	var wrapped struct {
		Error *openai.APIError `json:"error"`
	}
	if json.Unmarshal(b, &wrapped) == nil && wrapped.Error != nil && wrapped.Error.Message != "" {
		return wrapped.Error
	}
	var bare openai.APIError
	if json.Unmarshal(b, &bare) == nil && bare.Message != "" {
		return &bare
	}
	return nil
}
