package advisor

import "testing"

func TestEmbeddingEndpointRoundTrip(t *testing.T) {
	in, out := 1.0, 2.0
	cand := Endpoint{Name: "local", Kind: KindCompatible, BaseURL: "http://127.0.0.1:1/v1", Model: "chat", PriceInPer1M: &in, PriceOutPer1M: &out, CatalogID: "x"}
	e := EmbeddingEndpoint(cand, "nomic-embed")
	if e.Name != "local embeddings" || e.Model != "nomic-embed" || e.BaseURL != cand.BaseURL || e.PriceInPer1M != nil || e.PriceOutPer1M != nil || e.CatalogID != "" {
		t.Errorf("embedding endpoint %+v", e)
	}
	if EmbeddingEndpoint(cand, "").Model != "chat" {
		t.Error("no model given should keep the candidate's")
	}
	if base, ok := EmbeddingCandidate(e.Name); !ok || base != "local" {
		t.Errorf("candidate of %q = %q %v", e.Name, base, ok)
	}
	for _, name := range []string{"local", " embeddings", "embeddings"} {
		if _, ok := EmbeddingCandidate(name); ok {
			t.Errorf("%q is not an embedding endpoint", name)
		}
	}
}
