package advisor

import (
	"math"
	"testing"
)

func TestSetsNumberCasesAcrossSets(t *testing.T) {
	ep := []Endpoint{{Name: "a", Model: "m"}}
	p := Plan{Endpoints: ep, Cases: []Case{{Input: "x"}, {Input: "y"}}, TopK: 4, Documents: "/docs",
		CaseSets: []CaseSet{
			{Name: "search", Kind: CaseKindEmbedding, Endpoints: []Endpoint{{Name: "e", Model: "emb"}}, Cases: []Case{{Input: "q1"}, {Input: "q2"}, {Input: "q3"}}},
			{Name: "pics", Kind: CaseKindImage, Cases: []Case{{Input: "cat"}}, TopK: 9},
		}}
	sets := p.Sets()
	if len(sets) != 3 {
		t.Fatalf("%d sets, want 3", len(sets))
	}
	if sets[0].Kind != CaseKindChat || sets[0].Offset != 0 || sets[1].Offset != 2 || sets[2].Offset != 5 {
		t.Fatalf("kinds/offsets: %+v", sets)
	}
	if sets[1].Endpoints[0].Name != "e" || sets[2].Endpoints[0].Name != "a" {
		t.Fatalf("endpoints: set endpoints must win, else the plan's")
	}
	if sets[1].TopK != 4 || sets[2].TopK != 9 || sets[1].Documents != "/docs" {
		t.Fatalf("top_k/documents defaults: %+v", sets)
	}
	if p.NumCases() != 6 {
		t.Fatalf("NumCases %d", p.NumCases())
	}
	s, c, ok := p.CaseAt(4)
	if !ok || s.Name != "search" || c.Input != "q3" {
		t.Fatalf("CaseAt(4) = %q %q %v", s.Name, c.Input, ok)
	}
	if _, _, ok := p.CaseAt(6); ok {
		t.Fatal("CaseAt(6) found a case")
	}
}

func TestSummarizeKinds(t *testing.T) {
	yes, no := true, false
	rs := []Result{
		{Set: "s", Kind: CaseKindEmbedding, Endpoint: "e", Strategy: StrategyIndex, LatencyMs: 900, TokensIn: 1000, CostUSD: 0.02, Metrics: map[string]float64{MetricDocuments: 10}},
		{Set: "s", Kind: CaseKindEmbedding, Endpoint: "e", Strategy: StrategyEmbedding, LatencyMs: 10, TokensIn: 5, CostUSD: 0.001, Score: 1, Metrics: map[string]float64{MetricK: 3, MetricRecallAtK: 1, MetricReciprocalRank: 1}},
		{Set: "s", Kind: CaseKindEmbedding, Endpoint: "e", Strategy: StrategyEmbedding, LatencyMs: 20, TokensIn: 5, CostUSD: 0.001, Score: 0.5, Metrics: map[string]float64{MetricK: 3, MetricRecallAtK: 0.5, MetricReciprocalRank: 1.0 / 3}},
		{Set: "a", Kind: CaseKindTranscription, Endpoint: "w", Strategy: StrategyTranscription, LatencyMs: 500, CostUSD: 0.006, Score: 0.8, Metrics: map[string]float64{MetricWER: 0.2, MetricAudioSeconds: 60, MetricRTF: 0.5 / 60}},
		{Set: "a", Kind: CaseKindTranscription, Endpoint: "w", Strategy: StrategyTranscription, ErrorClass: ErrTimeout},
		{Set: "i", Kind: CaseKindImage, Endpoint: "d", Strategy: StrategyImage, LatencyMs: 4000, CostUSD: 0.04, Verdict: &yes, Score: 1, Passed: true},
		{Set: "i", Kind: CaseKindImage, Endpoint: "d", Strategy: StrategyImage, LatencyMs: 6000, CostUSD: 0.04, Verdict: &no},
		{Set: "i", Kind: CaseKindImage, Endpoint: "d", Strategy: StrategyImage, LatencyMs: 5000, CostUSD: 0.04, Unscored: true},
	}
	rows := Summarize(rs)
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3: %+v", len(rows), rows)
	}
	e := rows[0]
	if e.Requests != 2 || e.Embedding == nil || e.Embedding.K != 3 || math.Abs(e.Embedding.RecallAtK-0.75) > 1e-9 || math.Abs(e.Embedding.MRR-2.0/3) > 1e-9 {
		t.Fatalf("embedding row: %+v %+v", e, e.Embedding)
	}
	if e.TokensIn != 1010 || math.Abs(e.CostUSD-0.022) > 1e-9 || e.Embedding.IndexMs != 900 || e.Embedding.Documents != 10 || e.LatencyP95 > 20 {
		t.Fatalf("the index must count in cost and tokens, not latency: %+v %+v", e, e.Embedding)
	}
	a := rows[1]
	if a.Transcription == nil || a.Errors != 1 || a.Transcription.WER != 0.2 || math.Abs(a.Transcription.CostPerMin-0.006) > 1e-12 {
		t.Fatalf("transcription row: %+v %+v", a, a.Transcription)
	}
	im := rows[2]
	if im.Image == nil || im.Image.Images != 3 || im.Image.Rated != 2 || im.Image.AcceptanceRate != 0.5 || im.Image.SecondsPerImage != 5 {
		t.Fatalf("image row: %+v %+v", im, im.Image)
	}
	if im.Scored != 2 || im.Quality != 0.5 {
		t.Fatalf("an unrated image is unscored, not 0: scored %d quality %v", im.Scored, im.Quality)
	}
}
