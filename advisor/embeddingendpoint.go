package advisor

import "strings"

// embeddingSuffix names the embedding endpoint made from a candidate.
const embeddingSuffix = " embeddings"

// EmbeddingEndpoint is the plan's embedding helper made from candidate ep:
// the same server and key, named "<candidate> embeddings" so its results
// and costs are told apart, serving model (ep's own model when model is "").
// Its prices are left out: the candidate's chat prices do not price
// embeddings.
func EmbeddingEndpoint(ep Endpoint, model string) Endpoint {
	e := ep
	e.Name = ep.Name + embeddingSuffix
	if model != "" {
		e.Model = model
	}
	e.PriceInPer1M, e.PriceOutPer1M, e.CatalogID = nil, nil, ""
	return e
}

// EmbeddingCandidate is the name of the candidate an embedding endpoint was
// made from by EmbeddingEndpoint, and whether name is such an endpoint.
func EmbeddingCandidate(name string) (string, bool) {
	base, ok := strings.CutSuffix(name, embeddingSuffix)
	return base, ok && base != ""
}
