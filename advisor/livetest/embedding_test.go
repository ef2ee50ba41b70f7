package livetest

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// vocab gives the fake embedding model its dimensions: a text's vector
// counts its words of the vocabulary.
var vocab = []string{"apple", "banana", "car", "road", "red", "yellow"}

func bagOfWords(text string) []float32 {
	v := make([]float32, len(vocab))
	for _, w := range strings.Fields(strings.ToLower(text)) {
		for i, x := range vocab {
			if w == x {
				v[i]++
			}
		}
	}
	return v
}

// embeddingServer answers /v1/embeddings like OpenAI: floats, or base64 of
// little-endian float32 when asked (and refuses base64 when noBase64). It
// counts the requests and the texts of each.
type embeddingServer struct {
	noBase64 bool
	requests atomic.Int64
	mu       sync.Mutex
	sizes    []int
	formats  []string
}

func (s *embeddingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/embeddings" {
		http.NotFound(w, r)
		return
	}
	var req struct {
		Model  string          `json:"model"`
		Input  json.RawMessage `json:"input"`
		Format string          `json:"encoding_format"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	var texts []string
	if json.Unmarshal(req.Input, &texts) != nil {
		var one string
		json.Unmarshal(req.Input, &one)
		texts = []string{one}
	}
	s.requests.Add(1)
	s.mu.Lock()
	s.sizes = append(s.sizes, len(texts))
	s.formats = append(s.formats, req.Format)
	s.mu.Unlock()
	if req.Format == "base64" && s.noBase64 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		fmt.Fprint(w, `{"error":{"message":"encoding_format must be float","type":"invalid_request_error","code":400}}`)
		return
	}
	type item struct {
		Object    string `json:"object"`
		Index     int    `json:"index"`
		Embedding any    `json:"embedding"`
	}
	out := struct {
		Object string         `json:"object"`
		Data   []item         `json:"data"`
		Model  string         `json:"model"`
		Usage  map[string]int `json:"usage"`
	}{Object: "list", Model: req.Model}
	tokens := 0
	// Answer in reverse order: the index, not the position, places a vector.
	for i := len(texts) - 1; i >= 0; i-- {
		v := bagOfWords(texts[i])
		tokens += len(strings.Fields(texts[i]))
		var e any = v
		if req.Format == "base64" {
			b := make([]byte, 4*len(v))
			for j, x := range v {
				binary.LittleEndian.PutUint32(b[4*j:], math.Float32bits(x))
			}
			e = base64.StdEncoding.EncodeToString(b)
		}
		out.Data = append(out.Data, item{Object: "embedding", Index: i, Embedding: e})
	}
	out.Usage = map[string]int{"prompt_tokens": tokens, "total_tokens": tokens}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

func embeddingPlan(bases ...string) advisor.Plan {
	price := 0.1
	set := advisor.CaseSet{Name: "search", Kind: advisor.CaseKindEmbedding, TopK: 2,
		Corpus: []advisor.Document{
			{ID: "d1", Text: "apple red"},
			{ID: "d2", Text: "banana yellow"},
			{ID: "d3", Text: "car road"},
			{ID: "d4", Text: "apple banana"},
		},
		Cases: []advisor.Case{
			{Input: "apple", Relevant: []string{"d1", "d4"}}, // d1, d4 tie at 0.707: rank 1 and 2
			{Input: "yellow road", Relevant: []string{"d3"}}, // d2 and d3 tie at 0.5, d2 first by id: rank 2
			{Input: "banana", Relevant: []string{"d3"}},      // d2, d4 first, d3 last of four: rank 4
		}}
	for i, b := range bases {
		set.Endpoints = append(set.Endpoints, advisor.Endpoint{Name: fmt.Sprintf("emb%d", i), BaseURL: b + "/v1", Model: "bow", PriceInPer1M: &price})
	}
	p := advisor.Plan{Name: "emb", CaseSets: []advisor.CaseSet{set}}
	Defaults(&p)
	return p
}

// TestEmbeddingRecallAndMRR checks recall@2 and MRR against the values
// worked out by hand in embeddingPlan, for a server that sends base64 and
// one that refuses it (floats after one refusal).
func TestEmbeddingRecallAndMRR(t *testing.T) {
	b64, floats := &embeddingServer{}, &embeddingServer{noBase64: true}
	s1, s2 := serve(t, b64), serve(t, floats)
	sink := &memSink{}
	opt, _ := testOptions(sink)
	p := embeddingPlan(s1.URL, s2.URL)
	prog, err := Run(context.Background(), p, 1, opt)
	if err != nil {
		t.Fatal(err)
	}
	if prog.Total != 2+6 || prog.Done != 8 {
		t.Fatalf("progress %d/%d, want 8/8 (two index cells and 3 queries × 2 endpoints)", prog.Done, prog.Total)
	}
	wantRR := []float64{1, 0.5, 0.25}
	wantRecall := []float64{1, 1, 0}
	for _, r := range sink.all() {
		if r.ErrorClass != "" {
			t.Fatalf("%s %s case %d: %s %s", r.Endpoint, r.Strategy, r.Case, r.ErrorClass, r.ErrorMessage)
		}
		if r.Kind != advisor.CaseKindEmbedding || r.Set != "search" {
			t.Errorf("kind %q set %q", r.Kind, r.Set)
		}
		if r.Strategy == advisor.StrategyIndex {
			if r.Metrics[advisor.MetricDocuments] != 4 || r.Metrics[advisor.MetricBatches] != 1 || r.TokensIn != 8 || !r.Unscored {
				t.Errorf("index result %+v", r)
			}
			if math.Abs(r.CostUSD-8*0.1/1e6) > 1e-15 {
				t.Errorf("index cost %v", r.CostUSD)
			}
			continue
		}
		if got := r.Metrics[advisor.MetricReciprocalRank]; got != wantRR[r.Case] {
			t.Errorf("%s case %d: reciprocal rank %v, want %v (ranked %q)", r.Endpoint, r.Case, got, wantRR[r.Case], r.Output)
		}
		if got := r.Metrics[advisor.MetricRecallAtK]; got != wantRecall[r.Case] || r.Score != got || r.Passed != (got == 1) {
			t.Errorf("%s case %d: recall@2 %v score %v passed %v, want %v", r.Endpoint, r.Case, got, r.Score, r.Passed, wantRecall[r.Case])
		}
		if r.Metrics[advisor.MetricK] != 2 || len(strings.Split(r.Output, "\n")) != 2 || r.LatencyMs <= 0 {
			t.Errorf("case %d: k %v, output %q, latency %v", r.Case, r.Metrics[advisor.MetricK], r.Output, r.LatencyMs)
		}
	}
	rows := advisor.Summarize(sink.all())
	if len(rows) != 2 {
		t.Fatalf("%d summary rows, want one per endpoint", len(rows))
	}
	for _, row := range rows {
		if row.Embedding == nil || math.Abs(row.Embedding.MRR-(1+0.5+0.25)/3) > 1e-12 || math.Abs(row.Embedding.RecallAtK-2.0/3) > 1e-12 || row.Requests != 3 {
			t.Errorf("summary %s: %+v %+v", row.Endpoint, row, row.Embedding)
		}
	}
	if got := floats.formats; len(got) != 5 || got[0] != "base64" || got[1] != "float" || got[4] != "float" {
		t.Errorf("formats asked of the float-only server: %v, want base64 once, then float", got)
	}
	for _, f := range b64.formats {
		if f != "base64" {
			t.Errorf("the base64 server was asked for %q", f)
		}
	}
}

// TestEmbeddingFixturesBase64AndFloat: llama.cpp's recorded base64 and float
// answers for the same text decode to the same vector.
func TestEmbeddingFixturesBase64AndFloat(t *testing.T) {
	float := fixture(t, "embeddings.body.json")
	b64 := fixture(t, "embeddings-base64.body.json")
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req map[string]any
		json.NewDecoder(r.Body).Decode(&req)
		w.Header().Set("Content-Type", "application/json")
		if req["encoding_format"] == "base64" {
			w.Write(b64)
			return
		}
		w.Write(float)
	}))
	ep := advisor.Endpoint{Name: "l", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "stories260K"}
	er := &endpointRunner{ep: ep, client: newClient(ep, "", defaultHTTPClient())}
	a, ce := er.embedOnce(context.Background(), []string{"Once upon a time"}, "base64", 5e9, retryPolicy{})
	if ce != nil {
		t.Fatal(ce)
	}
	b, ce := er.embedOnce(context.Background(), []string{"Once upon a time"}, "float", 5e9, retryPolicy{})
	if ce != nil {
		t.Fatal(ce)
	}
	if len(a.vecs[0]) != 64 || len(b.vecs[0]) != 64 {
		t.Fatalf("lengths %d and %d, want 64", len(a.vecs[0]), len(b.vecs[0]))
	}
	for i := range a.vecs[0] {
		if math.Abs(float64(a.vecs[0][i]-b.vecs[0][i])) > 1e-6 {
			t.Fatalf("value %d: base64 %v, float %v", i, a.vecs[0][i], b.vecs[0][i])
		}
	}
	if a.tokens != 5 || a.estimated {
		t.Errorf("tokens %d estimated %v, want 5 as reported", a.tokens, a.estimated)
	}
	if a.latency() <= 0 {
		t.Error("no latency measured")
	}
}

// TestEmbeddingFolderBatchesAndMissingIDs: documents from a folder (id = file
// name relative to it) are embedded in batches of EmbedBatch; a query whose
// relevant id is not a document fails alone.
func TestEmbeddingFolderBatchesAndMissingIDs(t *testing.T) {
	dir := t.TempDir()
	n := EmbedBatch*2 + 3
	for i := range n {
		text := "road"
		if i == 7 {
			text = "apple red apple"
		}
		sub := ""
		if i%2 == 0 {
			sub = "sub"
		}
		os.MkdirAll(filepath.Join(dir, sub), 0o755)
		if err := os.WriteFile(filepath.Join(dir, sub, fmt.Sprintf("doc%03d.txt", i)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "scan.pdf"), []byte("%PDF"), 0o644)
	es := &embeddingServer{}
	srv := serve(t, es)
	p := advisor.Plan{Name: "f", Kind: advisor.CaseKindEmbedding, Documents: dir, TopK: 1,
		Endpoints: []advisor.Endpoint{{Name: "e", BaseURL: srv.URL + "/v1", Model: "bow"}},
		Cases: []advisor.Case{
			{Input: "apple", Relevant: []string{"doc007.txt"}},
			{Input: "red", Relevant: []string{"gone.txt"}},
		}}
	Defaults(&p)
	// Validation knows the folder's documents up front…
	err := ValidatePlan(p)
	if err == nil || !strings.Contains(err.Error(), `cases[1].relevant: "gone.txt" is not among the set's documents`) {
		t.Fatalf("validation: %v", err)
	}
	// …and a run started anyway (the file went away since) fails that case only.
	p.Cases[1].Relevant = []string{"sub/doc000.txt"}
	sink := &memSink{}
	opt, _ := testOptions(sink)
	var notes []string
	opt.OnNote = func(s string) { notes = append(notes, s) }
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	rs := sink.all()
	if len(rs) != 3 {
		t.Fatalf("%d results, want 3", len(rs))
	}
	for _, r := range rs {
		if r.ErrorClass != "" {
			t.Fatalf("%+v", r)
		}
	}
	if rs[0].Output != "doc007.txt" || rs[0].Metrics[advisor.MetricRecallAtK] != 1 {
		t.Errorf("query 0 found %q, recall %v", rs[0].Output, rs[0].Metrics[advisor.MetricRecallAtK])
	}
	idx := rs[2]
	if idx.Strategy != advisor.StrategyIndex || idx.Metrics[advisor.MetricBatches] != 3 || idx.Metrics[advisor.MetricDocuments] != float64(n) {
		t.Errorf("index %+v", idx)
	}
	es.mu.Lock()
	sizes := append([]int(nil), es.sizes...)
	es.mu.Unlock()
	if len(sizes) != 5 || sizes[0] != EmbedBatch || sizes[1] != EmbedBatch || sizes[2] != 3 {
		t.Errorf("request sizes %v, want %d, %d, 3, then one per query", sizes, EmbedBatch, EmbedBatch)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "scan.pdf") {
		t.Errorf("notes %q, want the skipped PDF named", notes)
	}

	// A relevant document with no text is known only when the documents are
	// read: that query fails alone, with a plain message.
	os.WriteFile(filepath.Join(dir, "sub", "doc000.txt"), []byte("  \n"), 0o644)
	sink2 := &memSink{}
	opt.Sink = sink2
	if _, err := Run(context.Background(), p, 2, opt); err != nil {
		t.Fatal(err)
	}
	rs = sink2.all()
	if rs[0].ErrorClass != "" || rs[1].ErrorClass != advisor.ErrBadRequest || !strings.Contains(rs[1].ErrorMessage, `"sub/doc000.txt" is not among the documents`) {
		t.Errorf("results %+v", rs[:2])
	}
	// A file that went away is caught by Run's own validation.
	os.Remove(filepath.Join(dir, "sub", "doc000.txt"))
	if _, err := Run(context.Background(), p, 3, opt); err == nil || !strings.Contains(err.Error(), "doc000.txt") {
		t.Fatalf("Run validates the plan too: %v", err)
	}
}

func BenchmarkRankDocuments1000(b *testing.B) {
	const docs, dim = 1000, 768
	ids := make([]string, docs)
	vecs := make([][]float32, docs)
	for i := range vecs {
		ids[i] = fmt.Sprintf("doc%04d", i)
		v := make([]float32, dim)
		for j := range v {
			v[j] = float32(math.Sin(float64(i*dim + j)))
		}
		vecs[i] = v
	}
	q := vecs[500]
	b.ReportAllocs()
	for b.Loop() {
		if rankDocuments(q, ids, vecs)[0] != "doc0500" {
			b.Fatal("wrong ranking")
		}
	}
}

func TestConnectionForKinds(t *testing.T) {
	es := &embeddingServer{}
	models := `{"object":"list","data":[{"id":"whisper-1","object":"model","created":1,"owned_by":"openai"},{"id":"dall-e-3","object":"model","created":1,"owned_by":"openai"}]}`
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/models" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, models)
			return
		}
		es.ServeHTTP(w, r)
	}))
	ep := advisor.Endpoint{Name: "x", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1"}
	ctx := context.Background()
	for _, tt := range []struct{ kind, model, want string }{
		{advisor.CaseKindEmbedding, "bow", ""},
		{advisor.CaseKindTranscription, "whisper-1", ""},
		{advisor.CaseKindImage, "dall-e-3", ""},
		{advisor.CaseKindImage, "dall-e-2", `the server does not offer the model "dall-e-2" (it offers: [dall-e-3 whisper-1])`},
		{"video", "m", `"video" is not a kind`},
	} {
		ep.Model = tt.model
		d, err := TestConnectionFor(ctx, ep, "", tt.kind)
		switch {
		case tt.want == "" && (err != nil || d <= 0):
			t.Errorf("%s %s: %v %v", tt.kind, tt.model, d, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s %s: %v, want %q", tt.kind, tt.model, err, tt.want)
		}
	}
	if es.requests.Load() != 1 {
		t.Errorf("%d embedding requests, want 1", es.requests.Load())
	}
}
