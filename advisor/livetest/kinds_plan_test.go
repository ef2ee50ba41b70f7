package livetest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

const setsYAML = `
name: all kinds
endpoints:
  - {name: chat, base_url: "http://127.0.0.1:1/v1", model: llama3.2}
strategies: [zero-shot, few-shot]
few_shot:
  - {input: "2+2?", output: "4"}
cases:
  - {input: "3+3?", expected: "6"}
  - {input: "What is in the picture?", image: pics/cat.png, expected: cat}
case_sets:
  - name: search
    kind: embedding
    top_k: 3
    endpoints:
      - {name: small, base_url: "http://127.0.0.1:2/v1", model: text-embedding-3-small}
      - {name: large, base_url: "http://127.0.0.1:2/v1", model: text-embedding-3-large}
    corpus:
      - {id: refunds, text: "Refunds are paid within 30 days."}
      - {id: shipping, text: "We ship worldwide."}
    cases:
      - {input: "how long do refunds take", relevant: [refunds]}
  - name: dictation
    kind: transcription
    endpoints:
      - {name: whisper, model: whisper-1, price_per_minute: 0.006}
    cases:
      - {audio: audio/call.wav, expected: "hello there"}
  - name: art
    kind: image
    image_size: 512x512
    endpoints:
      - {name: dalle, model: dall-e-2, price_per_image: 0.018}
    cases:
      - {input: "a lighthouse at dawn"}
      - {input: "a red bicycle"}
`

func TestCaseSetsPlan(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.yaml")
	os.WriteFile(path, []byte(setsYAML), 0o644)
	p, err := LoadPlan(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Cases[1].Image; got != filepath.Join(dir, "pics", "cat.png") {
		t.Errorf("image path %q, want it relative to the plan", got)
	}
	if p.CaseSets[1].Endpoints[0].Kind != advisor.KindOpenAI || p.CaseSets[0].Endpoints[0].Kind != advisor.KindCompatible {
		t.Errorf("endpoint kinds not defaulted in case sets: %+v", p.CaseSets)
	}
	cells := Cells(p)
	// index: 2; chat: 2 cases × 2 strategies × 1; search: 1 × 2; dictation: 1; art: 2.
	if len(cells) != 2+4+2+1+2 {
		t.Fatalf("%d cells, want 11: %v", len(cells), cells)
	}
	seen := map[advisor.Cell]bool{}
	for _, c := range cells {
		if seen[c] {
			t.Errorf("cell %v twice", c)
		}
		seen[c] = true
	}
	for _, c := range []advisor.Cell{
		{Endpoint: "small", Strategy: advisor.StrategyIndex, Case: 2},
		{Endpoint: "large", Strategy: advisor.StrategyEmbedding, Case: 2},
		{Endpoint: "whisper", Strategy: advisor.StrategyTranscription, Case: 3},
		{Endpoint: "dalle", Strategy: advisor.StrategyImage, Case: 5},
		{Endpoint: "chat", Strategy: advisor.StrategyFewShot, Case: 1},
	} {
		if !seen[c] {
			t.Errorf("cell %v missing", c)
		}
	}
	tm := Templates(p)
	for _, k := range []string{"zero-shot", "few-shot", "embedding", "transcription", "image"} {
		if tm[k] == "" {
			t.Errorf("no template for %s: %v", k, tm)
		}
	}
	if !strings.Contains(tm["zero-shot"], "image") {
		t.Errorf("the chat template does not say an image goes with the input: %q", tm["zero-shot"])
	}
	if s, c, ok := p.CaseAt(4); !ok || s.Name != "art" || c.Input != "a lighthouse at dawn" {
		t.Errorf("CaseAt(4) = %q %q", s.Name, c.Input)
	}
}

func TestCaseSetsValidation(t *testing.T) {
	tests := []struct{ name, from, to, want string }{
		{"bad set kind", "kind: embedding", "kind: rerank", `case_sets[0].kind: "rerank" is not allowed; allowed: chat, embedding, transcription, image`},
		{"bad top kind", "name: all kinds", "name: x\nkind: video", `kind: "video" is not allowed; allowed: chat, embedding, transcription, image`},
		{"no relevant", "relevant: [refunds]", "relevant: []", "case_sets[0].cases[0].relevant: list the ids of the documents"},
		{"unknown relevant", "relevant: [refunds]", "relevant: [refunds, returns]", `case_sets[0].cases[0].relevant: "returns" is not among the set's documents`},
		{"no documents", "    corpus:\n      - {id: refunds, text: \"Refunds are paid within 30 days.\"}\n      - {id: shipping, text: \"We ship worldwide.\"}\n", "", "case_sets[0].documents: an embedding set needs documents"},
		{"duplicate doc", "id: shipping", "id: refunds", `case_sets[0].corpus[1].id: "refunds" is used twice`},
		{"audio format", "audio/call.wav", "audio/call.ogg", `case_sets[1].cases[0].audio: "call.ogg" is not a supported audio file; allowed: wav, mp3, m4a`},
		{"no reference", `expected: "hello there"`, `expected: ""`, "case_sets[1].cases[0].expected: a transcription case needs the reference transcript"},
		{"no audio", "{audio: audio/call.wav, ", "{", "case_sets[1].cases[0].audio: a transcription case needs an audio file"},
		{"image format", "pics/cat.png", "pics/cat.gif", `cases[1].image: "cat.gif" is not a supported image; allowed: png, jpg`},
		{"checks on image", `{input: "a red bicycle"}`, `{input: "a red bicycle", checks: [contains], expected: red}`, "case_sets[2].cases[1].checks: only chat cases use it"},
		{"size", "512x512", "huge", `case_sets[2].image_size: "huge" is not allowed; allowed: WIDTHxHEIGHT`},
		{"corpus on chat", "few_shot:", "corpus: [{id: a, text: b}]\nfew_shot:", "corpus: only embedding sets use it; this set's kind is chat"},
		{"same name other endpoint", "{name: whisper, model: whisper-1", "{name: small, model: whisper-1", `case_sets[1].endpoints[0].name: "small" names a different endpoint`},
		{"unnamed set", "name: art", "name: \"\"", "case_sets[2].name: every case set needs a name"},
		{"twice named set", "name: art", "name: search", `case_sets[2].name: "search" is used twice`},
		{"unknown field in set", "image_size: 512x512", "image_size: 512x512\n    colour: red", "colour: unknown field (line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Replace(setsYAML, tt.from, tt.to, 1)
			if text == setsYAML {
				t.Fatalf("%q not in the plan", tt.from)
			}
			_, err := ParsePlan([]byte(text), "plan.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
	// The same endpoint in two sets is fine.
	text := strings.Replace(setsYAML, "{name: whisper, model: whisper-1, price_per_minute: 0.006}", "{name: chat, base_url: \"http://127.0.0.1:1/v1\", model: llama3.2}", 1)
	if _, err := ParsePlan([]byte(text), "plan.yaml"); err != nil {
		t.Errorf("one endpoint in two sets: %v", err)
	}
	// A plan of only case sets with their own endpoints needs no top-level ones.
	only := `{"name":"x","case_sets":[{"name":"s","kind":"image","endpoints":[{"name":"d","model":"dall-e-2"}],"cases":[{"input":"a cat"}]}]}`
	if _, err := ParsePlan([]byte(only), "plan.json"); err != nil {
		t.Errorf("a plan of case sets only: %v", err)
	}
}

// TestResumeAcrossSets: skipping the cells already done sends only the rest,
// in every set.
func TestResumeAcrossSets(t *testing.T) {
	es := &embeddingServer{}
	emb := serve(t, es)
	chat := serve(t, okStream("four"))
	p := embeddingPlan(emb.URL)
	p.Endpoints = []advisor.Endpoint{{Name: "c", BaseURL: chat.URL + "/v1", Model: "m"}}
	p.Cases = []advisor.Case{{Input: "2+2?", Expected: "four"}, {Input: "1+3?", Expected: "four"}}
	Defaults(&p)
	cells := Cells(p)
	skip := map[advisor.Cell]bool{}
	for i, c := range cells {
		if i%2 == 0 {
			skip[c] = true
		}
	}
	sink := &memSink{}
	opt, _ := testOptions(sink)
	opt.Skip = skip
	prog, err := Run(context.Background(), p, 1, opt)
	if err != nil {
		t.Fatal(err)
	}
	if prog.Done != len(cells) {
		t.Errorf("done %d of %d", prog.Done, len(cells))
	}
	got := map[advisor.Cell]bool{}
	for _, r := range sink.all() {
		if r.ErrorClass != "" {
			t.Errorf("%v: %s", r.Cell(), r.ErrorMessage)
		}
		got[r.Cell()] = true
	}
	for _, c := range cells {
		if got[c] == skip[c] {
			t.Errorf("cell %v: sent %v, skipped %v", c, got[c], skip[c])
		}
	}
	// The index cell was skipped, yet the queries still rank the documents.
	for _, r := range sink.all() {
		if r.Strategy == advisor.StrategyEmbedding && r.Case == 2 && r.Metrics[advisor.MetricReciprocalRank] != 1 {
			t.Errorf("query %d after resume: %+v", r.Case, r)
		}
	}
}
