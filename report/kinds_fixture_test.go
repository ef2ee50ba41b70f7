package report

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

func bptr(v bool) *bool { return &v }

// kindsPlan is a run with a case set of every kind beside two chat cases:
// cases 0–1 chat, 2–3 embedding ("search"), 4–5 transcription ("calls"),
// 6–7 image generation ("pictures").
func kindsPlan() advisor.Plan {
	p := fixturePlan(2)
	p.Endpoints = p.Endpoints[:1]
	p.Strategies = p.Strategies[:1]
	p.CaseSets = []advisor.CaseSet{
		{Name: "search", Kind: advisor.CaseKindEmbedding, TopK: 2,
			Endpoints: []advisor.Endpoint{
				{Name: "emb-small", Kind: advisor.KindOpenAI, Model: "text-embedding-3-small", PriceInPer1M: fptr(0.02)},
				{Name: "emb-local", Kind: advisor.KindCompatible, Model: "nomic-embed-text"},
			},
			Corpus: []advisor.Document{{ID: "refunds.md", Text: "Refunds take 30 days."}, {ID: "shipping.md", Text: "Free shipping above $50."}, {ID: "warranty.md", Text: "One year."}},
			Cases: []advisor.Case{
				{Input: "how long do refunds take", Relevant: []string{"refunds.md"}},
				{Input: "is shipping free", Relevant: []string{"shipping.md", "warranty.md"}},
			}},
		{Name: "calls", Kind: advisor.CaseKindTranscription,
			Endpoints: []advisor.Endpoint{
				{Name: "whisper", Kind: advisor.KindOpenAI, Model: "whisper-1", PricePerMinute: fptr(0.006)},
				{Name: "local-whisper", Kind: advisor.KindCompatible, Model: "faster-whisper-large-v3"},
			},
			Cases: []advisor.Case{
				{Audio: "audio/call1.wav", Expected: "I would like to return my order"},
				{Audio: "audio/call2.mp3", Expected: "where is my parcel"},
			}},
		{Name: "pictures", Kind: advisor.CaseKindImage,
			Endpoints: []advisor.Endpoint{{Name: "painter", Kind: advisor.KindOpenAI, Model: "gpt-image-1", PricePerImage: fptr(0.04)}},
			Cases: []advisor.Case{
				{Input: "a lighthouse at dawn, watercolour"},
				{Input: "a <red> bicycle & a \"blue\" door"},
			}},
	}
	return p
}

// kindsResults are the run's results, written by hand so every figure a
// test checks can be worked out on paper.
func kindsResults() []advisor.Result {
	at := func(n int) (time.Time, time.Time) {
		return t0.Add(time.Duration(n) * time.Second), t0.Add(time.Duration(n)*time.Second + 500*time.Millisecond)
	}
	var out []advisor.Result
	add := func(r advisor.Result) {
		r.RunID = 12
		r.StartedAt, r.EndedAt = at(len(out))
		out = append(out, r)
	}
	// Chat: two cases on one endpoint.
	add(advisor.Result{Endpoint: "openai", Model: "gpt-4o-mini-2024-07-18", Strategy: advisor.StrategyZeroShot, Case: 0, Kind: advisor.CaseKindChat,
		Output: "30 dias.", TTFTMs: 300, LatencyMs: 900, TokensIn: 200, TokensOut: 40, CostUSD: 0.000054, Score: 1, Passed: true})
	add(advisor.Result{Endpoint: "openai", Model: "gpt-4o-mini-2024-07-18", Strategy: advisor.StrategyZeroShot, Case: 1, Kind: advisor.CaseKindChat,
		Output: "Não sei.", TTFTMs: 350, LatencyMs: 1100, TokensIn: 210, TokensOut: 30, CostUSD: 0.00005, Score: 0})
	// Embedding: the index, then two queries per endpoint.
	for _, ep := range []struct {
		name, model string
		recall, rr  [2]float64
		cost        float64
		top         [2]string
	}{
		{"emb-small", "text-embedding-3-small", [2]float64{1, 0.5}, [2]float64{1, 0.5}, 0.00002, [2]string{"refunds.md\nwarranty.md", "warranty.md\nrefunds.md"}},
		{"emb-local", "nomic-embed-text", [2]float64{0.5, 0}, [2]float64{0.5, 1.0 / 3}, 0, [2]string{"shipping.md\nrefunds.md", "refunds.md\nwarranty.md"}},
	} {
		add(advisor.Result{Endpoint: ep.name, Model: ep.model, Strategy: advisor.StrategyIndex, Set: "search", Kind: advisor.CaseKindEmbedding, Case: 2,
			Output: "3 documents (3 pieces) embedded in 1 requests", LatencyMs: 400, TokensIn: 30, CostUSD: ep.cost * 10,
			Metrics: map[string]float64{advisor.MetricDocuments: 3, advisor.MetricChunks: 3, advisor.MetricBatches: 1}})
		for i := 0; i < 2; i++ {
			add(advisor.Result{Endpoint: ep.name, Model: ep.model, Strategy: advisor.StrategyEmbedding, Set: "search", Kind: advisor.CaseKindEmbedding, Case: 2 + i,
				Output: ep.top[i], LatencyMs: float64(100 + 20*i), TokensIn: 6, CostUSD: ep.cost, Score: ep.recall[i], Passed: ep.recall[i] == 1,
				Metrics: map[string]float64{advisor.MetricK: 2, advisor.MetricRecallAtK: ep.recall[i], advisor.MetricReciprocalRank: ep.rr[i]}})
		}
	}
	// Transcription: whisper succeeds twice (the mp3's length is unknown);
	// the local server fails the second file.
	add(advisor.Result{Endpoint: "whisper", Model: "whisper-1", Strategy: advisor.StrategyTranscription, Set: "calls", Kind: advisor.CaseKindTranscription, Case: 4,
		Output: "I would like to return my order", LatencyMs: 1500, CostUSD: 0.001, Score: 0.9, Passed: true,
		Metrics: map[string]float64{advisor.MetricWER: 0.1, advisor.MetricAudioSeconds: 10, advisor.MetricRTF: 0.15}})
	add(advisor.Result{Endpoint: "whisper", Model: "whisper-1", Strategy: advisor.StrategyTranscription, Set: "calls", Kind: advisor.CaseKindTranscription, Case: 5,
		Output: "where is my parcel", LatencyMs: 1200, Score: 0.8, Passed: false,
		Metrics: map[string]float64{advisor.MetricWER: 0.2}})
	add(advisor.Result{Endpoint: "local-whisper", Model: "faster-whisper-large-v3", Strategy: advisor.StrategyTranscription, Set: "calls", Kind: advisor.CaseKindTranscription, Case: 4,
		Output: "I would like to turn my order", LatencyMs: 5000, Score: 0.7,
		Metrics: map[string]float64{advisor.MetricWER: 0.3, advisor.MetricAudioSeconds: 10, advisor.MetricRTF: 0.5}})
	add(advisor.Result{Endpoint: "local-whisper", Model: "faster-whisper-large-v3", Strategy: advisor.StrategyTranscription, Set: "calls", Kind: advisor.CaseKindTranscription, Case: 5,
		ErrorClass: advisor.ErrBadRequest, ErrorMessage: "unsupported audio"})
	// Images: one accepted, one not rated yet.
	add(advisor.Result{Endpoint: "painter", Model: "gpt-image-1", Strategy: advisor.StrategyImage, Set: "pictures", Kind: advisor.CaseKindImage, Case: 6,
		Artifact: "images/run-12/painter-6-0.png", LatencyMs: 12000, CostUSD: 0.04, Score: 1, Passed: true, Verdict: bptr(true),
		Metrics: map[string]float64{advisor.MetricImageBytes: 150}})
	add(advisor.Result{Endpoint: "painter", Model: "gpt-image-1", Strategy: advisor.StrategyImage, Set: "pictures", Kind: advisor.CaseKindImage, Case: 7,
		Artifact: "images/run-12/painter-7-0.png", LatencyMs: 18000, CostUSD: 0.04, Unscored: true,
		Metrics: map[string]float64{advisor.MetricImageBytes: 150}})
	return out
}

// kindsFixture is a report of the run of every kind. root is the database's
// folder; writeImages puts the generated images there.
func kindsFixture(lang, root string) Input {
	in := fixture(lang, 0)
	in.Run.Plan = kindsPlan()
	in.Results = kindsResults()
	in.History = nil
	in.ArtifactRoot = root
	return in
}

// tinyPNG writes a w×h PNG of a colour gradient to path.
func tinyPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(40 * x), uint8(60 * y), 180, 255})
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// writeImages creates the fixture's first image (6×4 pixels) under root and
// leaves the second missing.
func writeImages(t *testing.T, root string) {
	tinyPNG(t, filepath.Join(root, "images", "run-12", "painter-6-0.png"), 6, 4)
}
