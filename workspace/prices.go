package workspace

import (
	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

// Prices looks up what an endpoint costs: the plan's own prices, else the
// catalog's by the endpoint's catalog id. A nil engine knows no catalog
// prices.
type Prices struct{ engine *advisor.Engine }

// Prices are the workspace's prices.
func (w *Workspace) Prices() Prices { return Prices{engine: w.Engine()} }

// PricesOf are the prices of an engine (nil: the plan's own prices only).
func PricesOf(eng *advisor.Engine) Prices { return Prices{engine: eng} }

// Tokens gives the catalog's token prices (USD per 1M tokens in and out) of
// a model priced by tokens; livetest.Options.Prices takes it.
func (p Prices) Tokens(catalogID string) (in, out float64, ok bool) {
	if p.engine == nil || catalogID == "" {
		return 0, 0, false
	}
	m, found := p.engine.Model(catalogID)
	if !found || m.PriceUnit != "" {
		return 0, 0, false
	}
	return m.PriceInPer1M, m.PriceOutPer1M, true
}

// Batch gives the catalog's Batch API prices (USD per 1M tokens in and
// out) when it has them; livetest.Options.BatchPrices takes it (half the
// token price otherwise).
func (p Prices) Batch(catalogID string) (in, out float64, ok bool) {
	if p.engine == nil || catalogID == "" {
		return 0, 0, false
	}
	m, found := p.engine.Model(catalogID)
	if !found || m.PriceUnit != "" || (m.PriceBatchInPer1M <= 0 && m.PriceBatchOutPer1M <= 0) {
		return 0, 0, false
	}
	return m.PriceBatchInPer1M, m.PriceBatchOutPer1M, true
}

// Units gives the catalog's price of a model priced per minute of audio or
// per image; livetest.Options.UnitPrices takes it.
func (p Prices) Units(catalogID string) (unit string, price float64, ok bool) {
	if p.engine == nil || catalogID == "" {
		return "", 0, false
	}
	m, found := p.engine.Model(catalogID)
	if !found || m.PriceUnit == "" {
		return "", 0, false
	}
	return m.PriceUnit, m.PricePerUnit, true
}

// Cached gives the catalog's price of cached input tokens (USD per 1M);
// livetest.Options.CachedPrices takes it.
func (p Prices) Cached(catalogID string) (float64, bool) {
	if p.engine == nil || catalogID == "" {
		return 0, false
	}
	return p.engine.CachedPrice(catalogID)
}

// Known reports whether the cost of ep's requests for cases of kind can be
// counted (a price in the plan or the catalog).
func (p Prices) Known(ep advisor.Endpoint, kind string) bool {
	return livetest.PriceKnown(ep, kind, p.Tokens, p.Units)
}

// Unpriced names the plan's endpoints whose cost cannot be counted for the
// kind of cases they serve, so reports and screens say "no price" rather
// than show them as free.
func (p Prices) Unpriced(plan advisor.Plan) map[string]bool {
	out := map[string]bool{}
	for _, s := range plan.Sets() {
		for _, ep := range s.Endpoints {
			if !p.Known(ep, s.Kind) {
				out[ep.Name] = true
			}
		}
	}
	return out
}
