package livetest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// fixtureDir is the repository's copy of the llama.cpp fixtures
// (testdata/shared; TestSharedCopiesMatch in the repository root checks the copies).
const fixtureDir = "../../testdata/shared/fixtures/llamacpp"

// fixture reads a recorded llama.cpp exchange.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// replay serves a recorded NAME.response.http: its status, headers and body.
func replay(t testing.TB, name string) http.HandlerFunc {
	t.Helper()
	raw := fixture(t, name+".response.http")
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	// curl removed the chunk framing, so the body is everything after the headers.
	i := bytes.Index(raw, []byte("\r\n\r\n"))
	body := raw[i+4:]
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		for k, vs := range resp.Header {
			if k == "Transfer-Encoding" || k == "Content-Length" {
				continue
			}
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		w.WriteHeader(resp.StatusCode)
		w.Write(body)
	}
}

// sse writes a stream of data: events, then [DONE].
func sse(w http.ResponseWriter, events ...string) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	for _, e := range events {
		fmt.Fprintf(w, "data: %s\n\n", e)
		if fl != nil {
			fl.Flush()
		}
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
}

// chunk is an OpenAI chat.completion.chunk with one content delta.
func chunk(content, finish string) string {
	f := "null"
	if finish != "" {
		f = fmt.Sprintf("%q", finish)
	}
	return fmt.Sprintf(`{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":%q},"finish_reason":%s}]}`, content, f)
}

// okStream answers every chat request with text in two chunks.
func okStream(text string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		half := len(text) / 2
		sse(w, chunk(text[:half], ""), chunk(text[half:], "stop"))
	}
}

func serve(t testing.TB, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// memSink keeps results in memory, like the store would.
type memSink struct {
	mu      sync.Mutex
	results []advisor.Result
	fail    error
}

func (s *memSink) SaveResult(_ context.Context, r *advisor.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	r.ID = int64(len(s.results) + 1)
	s.results = append(s.results, *r)
	return nil
}

func (s *memSink) all() []advisor.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]advisor.Result(nil), s.results...)
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Endpoint != b.Endpoint {
			return a.Endpoint < b.Endpoint
		}
		if a.Strategy != b.Strategy {
			return a.Strategy < b.Strategy
		}
		if a.Case != b.Case {
			return a.Case < b.Case
		}
		return a.Repeat < b.Repeat
	})
	return out
}

// memIndex is a tiny keyword index: a passage scores by the number of the
// query's words it contains.
type memIndex struct {
	mu      sync.Mutex
	chunks  map[string][]advisor.Chunk
	indexed int
}

func (m *memIndex) IndexDocuments(_ context.Context, collection string, chunks []advisor.Chunk) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.chunks == nil {
		m.chunks = map[string][]advisor.Chunk{}
	}
	m.chunks[collection] = chunks
	m.indexed++
	return nil
}

func (m *memIndex) SearchPassages(_ context.Context, collection, query string, k int) ([]advisor.Passage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []advisor.Passage
	for _, c := range m.chunks[collection] {
		score := 0
		for _, w := range strings.Fields(strings.ToLower(query)) {
			if strings.Contains(strings.ToLower(c.Text), strings.Trim(w, "?.,")) {
				score++
			}
		}
		if score > 0 {
			out = append(out, advisor.Passage{Source: c.Source, Text: c.Text, Score: float64(score)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > k {
		out = out[:k]
	}
	return out, nil
}

// plan is a small valid plan against base URLs, one endpoint each.
func plan(bases ...string) advisor.Plan {
	p := advisor.Plan{Name: "t", Cases: []advisor.Case{{Input: "What is 2+2?", Expected: "4", Checks: []string{"contains"}}}}
	for i, b := range bases {
		p.Endpoints = append(p.Endpoints, advisor.Endpoint{Name: fmt.Sprintf("ep%d", i), Kind: advisor.KindCompatible, BaseURL: b + "/v1", Model: "m"})
	}
	Defaults(&p)
	return p
}

// testOptions never waits for real between retries and records the waits.
func testOptions(sink *memSink) (Options, *[]time.Duration) {
	var mu sync.Mutex
	waits := &[]time.Duration{}
	return Options{
		Sink:      sink,
		Keys:      func(advisor.Endpoint) (string, error) { return "", nil },
		RetryBase: time.Millisecond,
		sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			*waits = append(*waits, d)
			mu.Unlock()
			return ctx.Err()
		},
		timeout:  5 * time.Second,
		noWarmup: true,
	}, waits
}

func runOne(t *testing.T, h http.Handler) advisor.Result {
	t.Helper()
	srv := serve(t, h)
	sink := &memSink{}
	opt, _ := testOptions(sink)
	if _, err := Run(context.Background(), plan(srv.URL), 1, opt); err != nil {
		t.Fatal(err)
	}
	rs := sink.all()
	if len(rs) != 1 {
		t.Fatalf("%d results, want 1", len(rs))
	}
	return rs[0]
}

func decodeBody(t testing.TB, r *http.Request) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		t.Errorf("request body: %v", err)
	}
	return m
}
