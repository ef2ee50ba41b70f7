package livetest

import (
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

func TestChecks(t *testing.T) {
	sc := &scorer{threshold: 0.8}
	tests := []struct {
		check, output string
		c             advisor.Case
		score         float64
		pass          bool
	}{
		{"exact", "  Paris\n", advisor.Case{Expected: "paris"}, 1, true},
		{"exact", "Paris.", advisor.Case{Expected: "Paris"}, 0, false},
		{"exact", "New   York", advisor.Case{Expected: "new york"}, 1, true},
		{"contains", "The capital is PARIS, of course.", advisor.Case{Expected: "paris"}, 1, true},
		{"contains", "Lyon", advisor.Case{Expected: "Paris"}, 0, false},
		{"regex", "Order #12345 shipped", advisor.Case{Pattern: `#\d{5}\b`}, 1, true},
		{"regex", "Order shipped", advisor.Case{Expected: `#\d+`}, 0, false},
		{"regex", "x", advisor.Case{Pattern: `a(b`}, 0, false},
		{"json", `{"a":1}`, advisor.Case{}, 1, true},
		{"json", "```json\n{\"a\": 1}\n```", advisor.Case{}, 1, true},
		{"json", `{"a":`, advisor.Case{}, 0, false},
		{"json", `{"name":"x","age":3}`, advisor.Case{Schema: `{"type":"object","required":["name","age"],"properties":{"name":{"type":"string"},"age":{"type":"integer"}}}`}, 1, true},
		{"json", `{"name":"x","age":"3"}`, advisor.Case{Schema: `{"type":"object","required":["name","age"],"properties":{"age":{"type":"integer"}}}`}, 0.25, false},
		{"json", `{"name":"x"}`, advisor.Case{Schema: `{"type":"object","required":["name","age"]}`}, 0.25, false},
		{"json", `[{"l":"spam"},{"l":"ham"}]`, advisor.Case{Schema: `{"type":"array","items":{"type":"object","properties":{"l":{"enum":["spam","ham"]}}}}`}, 1, true},
		{"json", `[{"l":"eggs"}]`, advisor.Case{Schema: `{"type":"array","items":{"properties":{"l":{"enum":["spam","ham"]}}}}`}, 0.25, false},
		{"similarity", "x", advisor.Case{Expected: "y"}, 0, false}, // no embedding endpoint
		{"judge", "x", advisor.Case{}, 0, false}, // no judge endpoint
	}
	for _, tt := range tests {
		r, pass := sc.check(context.Background(), tt.check, tt.c, tt.output)
		if r.Score != tt.score || pass != tt.pass || r.Reason == "" || r.Check != tt.check {
			t.Errorf("%s(%q, %+v) = %v %v %q; want %v %v with a reason", tt.check, tt.output, tt.c, r.Score, pass, r.Reason, tt.score, tt.pass)
		}
	}
}

func TestScoreIsMeanAndPassedNeedsEveryCheck(t *testing.T) {
	sc := &scorer{}
	c := advisor.Case{Expected: "Paris", Checks: []string{"contains", "exact"}}
	score, passed, rs := sc.score(context.Background(), c, "It is Paris")
	if score != 0.5 || passed || len(rs) != 2 {
		t.Errorf("score %v passed %v checks %d; want 0.5, false, 2", score, passed, len(rs))
	}
	score, passed, _ = sc.score(context.Background(), advisor.Case{}, "anything")
	if score != 1 || !passed {
		t.Errorf("no checks: score %v passed %v; want a pass", score, passed)
	}
}

func TestParseVerdict(t *testing.T) {
	for text, want := range map[string]float64{
		`{"score": 0.8, "reason": "good"}`:                         0.8,
		"```json\n{\"score\": 1, \"reason\": \"exact\"}\n```":      1,
		`Here is my verdict: {"score": 7, "reason": "ok"} Thanks.`: 0.7,
		`{"score": 85, "reason": "ok"}`:                            0.85,
		`{"score": -1, "reason": "bad"}`:                           0,
	} {
		got, reason, err := parseVerdict(text)
		if err != nil || math.Abs(got-want) > 1e-9 || !strings.HasPrefix(reason, "judge: ") {
			t.Errorf("parseVerdict(%q) = %v %q %v; want %v", text, got, reason, err, want)
		}
	}
	if _, _, err := parseVerdict("I think it is fine."); err == nil {
		t.Error("a reply without a JSON score must be an error")
	}
}

// vecFor is a deterministic fake embedding: texts sharing words get similar
// vectors.
func vecFor(text string) []float64 {
	v := make([]float64, 16)
	for _, w := range strings.Fields(strings.ToLower(text)) {
		h := fnv.New32a()
		h.Write([]byte(strings.Trim(w, ".,?!")))
		v[h.Sum32()%16]++
	}
	return v
}

// embedServer answers /v1/embeddings with vecFor of each input.
func embedServer(t *testing.T, calls *int, mu *sync.Mutex) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Input []string `json:"input"`
			Model string   `json:"model"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		mu.Lock()
		*calls++
		mu.Unlock()
		type item struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float64 `json:"embedding"`
		}
		var data []item
		for i, s := range req.Input {
			data = append(data, item{"embedding", i, vecFor(s)})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "model": req.Model, "data": data})
	}
}

func TestSimilarityAndJudgeChecksThroughEndpoints(t *testing.T) {
	var mu sync.Mutex
	embedCalls := 0
	var judged []string
	mux := http.NewServeMux()
	mux.HandleFunc("/emb/v1/embeddings", embedServer(t, &embedCalls, &mu))
	mux.HandleFunc("/judge/v1/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		m := decodeBody(t, r)
		prompt := m["messages"].([]any)[0].(map[string]any)["content"].(string)
		mu.Lock()
		judged = append(judged, prompt)
		mu.Unlock()
		sse(w, chunk("```json\n{\"score\": 0.9, ", ""), chunk("\"reason\": \"polite and right\"}\n```", "stop"))
	})
	mux.HandleFunc("/model/v1/chat/completions", okStream("the capital of france is paris"))
	srv := serve(t, mux)
	p := plan(srv.URL + "/model")
	p.Cases = []advisor.Case{
		{Input: "Capital of France?", Expected: "paris is the capital of france", Checks: []string{"similarity", "judge"}},
		{Input: "Capital of Peru?", Expected: "lima", Checks: []string{"similarity"}},
	}
	p.Embedding = &advisor.Endpoint{Name: "emb", BaseURL: srv.URL + "/emb/v1", Model: "e"}
	p.Judge = &advisor.Endpoint{Name: "judge", BaseURL: srv.URL + "/judge/v1", Model: "j"}
	p.Rubric = "Correct and polite."
	Defaults(&p)
	sink := &memSink{}
	opt, _ := testOptions(sink)
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	rs := sink.all()
	if len(rs) != 2 {
		t.Fatalf("%d results", len(rs))
	}
	first, second := rs[0], rs[1]
	if len(first.Checks) != 2 || first.Checks[0].Score < 0.8 || first.Checks[1].Score != 0.9 || !first.Passed {
		t.Errorf("case 0 checks %+v passed %v", first.Checks, first.Passed)
	}
	if want := (first.Checks[0].Score + 0.9) / 2; math.Abs(first.Score-want) > 1e-9 {
		t.Errorf("score %v, want the mean %v", first.Score, want)
	}
	if second.Checks[0].Score >= 0.8 || second.Passed {
		t.Errorf("case 1 (unrelated answer) checks %+v passed %v", second.Checks, second.Passed)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(judged) != 1 || !strings.Contains(judged[0], "Correct and polite.") || !strings.Contains(judged[0], "the capital of france is paris") {
		t.Errorf("judge prompts %q", judged)
	}
}

func TestEmbeddingsFixture(t *testing.T) {
	srv := serve(t, replay(t, "embeddings"))
	emb := embedWith(newClient(advisor.Endpoint{Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1"}, "", defaultHTTPClient()), "stories260K", 5e9, retryPolicy{})
	vs, err := emb(context.Background(), []string{"Once upon a time"})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || len(vs[0]) != 64 {
		t.Fatalf("got %d vectors of %d floats, want 1 of 64", len(vs), len(vs[0]))
	}
	if math.Abs(float64(vs[0][0])-(-0.016423385590314865)) > 1e-6 {
		t.Errorf("first value %v", vs[0][0])
	}
	// A batch of two from the same recording is incomplete: an error, not a panic.
	if _, err := emb(context.Background(), []string{"a", "b"}); err == nil {
		t.Error("one vector for two texts must be an error")
	}
}

func TestChunkFolder(t *testing.T) {
	dir := t.TempDir()
	words := make([]string, 900)
	for i := range words {
		words[i] = "w" + strings.Repeat("x", i%3)
	}
	words[0], words[899] = "FIRST", "LAST"
	write := func(name, text string) {
		path := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("long.md", strings.Join(words, " \n"))
	write("sub/short.txt", "Refunds take five days.")
	write("manual.pdf", "%PDF-1.4")
	write(".git/config", "secret words")
	chunks, skipped, err := ScanFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	var long []advisor.Chunk
	var short *advisor.Chunk
	for i, c := range chunks {
		switch c.Source {
		case "long.md":
			long = append(long, c)
		case "sub/short.txt":
			short = &chunks[i]
		default:
			t.Errorf("unexpected source %q", c.Source)
		}
	}
	// 900 words at 400 with 50 overlap: 0-400, 350-750, 700-900.
	if len(long) != 3 {
		t.Fatalf("%d chunks of long.md, want 3", len(long))
	}
	for i, c := range long {
		if c.Index != i {
			t.Errorf("chunk %d has index %d", i, c.Index)
		}
	}
	if n := len(strings.Fields(long[0].Text)); n != ChunkWords {
		t.Errorf("first chunk has %d words", n)
	}
	if !strings.HasPrefix(long[0].Text, "FIRST ") || !strings.HasSuffix(long[2].Text, " LAST") {
		t.Error("chunks lose the ends of the text")
	}
	if a, b := strings.Fields(long[0].Text), strings.Fields(long[1].Text); strings.Join(a[ChunkWords-ChunkOverlap:], " ") != strings.Join(b[:ChunkOverlap], " ") {
		t.Error("neighbouring chunks do not overlap by ChunkOverlap words")
	}
	if short == nil || short.Text != "Refunds take five days." {
		t.Errorf("short.txt chunk %+v", short)
	}
	if len(skipped) != 1 || !strings.HasPrefix(skipped[0], "manual.pdf (") {
		t.Errorf("skipped %v, want manual.pdf with its reason", skipped)
	}
}

func TestRAGPromptHasPassagesAndReRanks(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "refunds.md"), []byte("Money back for a return: five days."), 0o644)
	os.WriteFile(filepath.Join(dir, "shipping.txt"), []byte("How many days until I get my money back for a return? "+strings.Repeat("shipping parcel courier ", 30)), 0o644)
	var mu sync.Mutex
	embedCalls := 0
	var prompts []string
	mux := http.NewServeMux()
	mux.HandleFunc("/emb/v1/embeddings", embedServer(t, &embedCalls, &mu))
	mux.HandleFunc("/m/v1/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		m := decodeBody(t, r)
		msgs := m["messages"].([]any)
		mu.Lock()
		prompts = append(prompts, msgs[len(msgs)-1].(map[string]any)["content"].(string))
		mu.Unlock()
		sse(w, chunk("Five days [refunds.md]", "stop"))
	})
	srv := serve(t, mux)
	for _, rerank := range []bool{false, true} {
		prompts = nil
		p := plan(srv.URL + "/m")
		p.Strategies = []string{"rag"}
		p.Documents = dir
		p.TopK = 1
		p.Cases = []advisor.Case{{Input: "How many days until I get my money back for a return?", Expected: "five"}}
		if rerank {
			p.Embedding = &advisor.Endpoint{Name: "emb", BaseURL: srv.URL + "/emb/v1", Model: "e"}
		}
		Defaults(&p)
		idx := &memIndex{}
		sink := &memSink{}
		opt, _ := testOptions(sink)
		opt.Index = idx
		if _, err := Run(context.Background(), p, 1, opt); err != nil {
			t.Fatal(err)
		}
		if idx.indexed != 1 || len(idx.chunks[dir]) != 2 {
			t.Errorf("indexed %d times, %d chunks under %q", idx.indexed, len(idx.chunks[dir]), dir)
		}
		mu.Lock()
		if len(prompts) != 1 || !strings.Contains(prompts[0], "Question: How many days") {
			t.Fatalf("prompts %q", prompts)
		}
		// The keyword index prefers shipping.txt (it has every word of the
		// question); embeddings prefer refunds.md (little else in it).
		want := "source: shipping.txt"
		if rerank {
			want = "source: refunds.md"
		}
		if !strings.Contains(prompts[0], want) {
			t.Errorf("rerank=%v: prompt %q lacks %q", rerank, prompts[0], want)
		}
		mu.Unlock()
	}
}

type failingIndex struct{ memIndex }

func (f *failingIndex) SearchPassages(context.Context, string, string, int) ([]advisor.Passage, error) {
	return nil, errors.New("fts broken")
}

func TestRAGSearchFailureIsAResultError(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("text"), 0o644)
	srv := serve(t, okStream("x"))
	p := plan(srv.URL)
	p.Strategies = []string{"rag", "zero-shot"}
	p.Documents = dir
	sink := &memSink{}
	opt, _ := testOptions(sink)
	opt.Index = &failingIndex{}
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	rs := sink.all()
	if len(rs) != 2 || rs[0].Strategy != "rag" || !strings.Contains(rs[0].ErrorMessage, "fts broken") || rs[1].ErrorClass != "" {
		t.Errorf("results %+v", rs)
	}
}

func TestRAGNotesSkippedPDF(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("Refunds take five days."), 0o644)
	os.WriteFile(filepath.Join(dir, "manual.pdf"), []byte("%PDF-1.4"), 0o644)
	srv := serve(t, okStream("It is 4 days"))
	p := plan(srv.URL)
	p.Strategies = []string{"rag"}
	p.Documents = dir
	sink := &memSink{}
	opt, _ := testOptions(sink)
	opt.Index = &memIndex{}
	var notes []string
	opt.OnNote = func(s string) { notes = append(notes, s) }
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "manual.pdf") || !strings.Contains(notes[0], "PDF") {
		t.Errorf("notes %q", notes)
	}
	if r := sink.all()[0]; r.ErrorClass != "" || !r.Passed {
		t.Errorf("%+v", r)
	}
}

// FuzzNormalize: normalize gives what the regexp it stands in for gave
// (trim, every run of \s made one space, lower case).
func FuzzNormalize(f *testing.F) {
	spaces := regexp.MustCompile(`\s+`)
	for _, s := range []string{"", " ", "4", "  It is\t\t4.\n", "a b", "a  b", "a\vb", "A\u00a0B", "\r\n\f x \r\n", "ÉTÉ  Ça\tva", "tab\tonly", " lead", "trail ", "x\u2003 y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.ToLower(spaces.ReplaceAllString(strings.TrimSpace(s), " "))
		if got := normalize(s); got != want {
			t.Fatalf("normalize(%q) = %q, want %q", s, got, want)
		}
	})
}
