package livetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// BenchmarkMapCandidate maps one open model over a router that lists 337
// models (OpenRouter's count in the models.dev snapshot) and a host with 15.
func BenchmarkMapCandidate(b *testing.B) {
	var routed, hosted []string
	for i := 0; i < 337; i++ {
		routed = append(routed, fmt.Sprintf("vendor%d/model-%d-instruct", i%40, i))
	}
	for i := 0; i < 14; i++ {
		hosted = append(hosted, fmt.Sprintf("model-%d-versatile", i))
	}
	hosted = append(hosted, "llama-3.3-70b-versatile")
	conns := []Connection{
		{Provider: "openrouter", Kind: advisor.KindCompatible, BaseURL: "https://openrouter.ai/api/v1", Models: routed},
		{Provider: "groq", Kind: advisor.KindCompatible, BaseURL: "https://api.groq.com/openai/v1", Models: hosted},
	}
	m := advisor.Model{ID: "llama-3.3-70b-instruct", Provider: "Meta", Weights: "open"}
	b.ReportAllocs()
	for b.Loop() {
		if c := MapCandidate(m, conns, nil); !c.Connected {
			b.Fatal("not mapped")
		}
	}
}

// BenchmarkCheckConnection is one connection check (list models and a
// one-token streamed request) against a local server.
func BenchmarkCheckConnection(b *testing.B) {
	srv, _ := providerServer(b, []string{"llama-3.1-8b-instant"}, 200, "")
	c := Connection{Provider: "groq", Name: "Groq", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1"}
	b.ReportAllocs()
	for b.Loop() {
		if r := CheckConnection(context.Background(), c, "good-key", ""); !r.OK() {
			b.Fatal(r)
		}
	}
}
