package livetest

import (
	"math"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// Estimate is the pre-flight figure of a plan: what it will send and cost
// before anything is sent (contract, `test --dry-run --json`).
type Estimate struct {
	Requests          int                `json:"requests"`
	TokensIn          int                `json:"tokens_in"`
	TokensOut         int                `json:"tokens_out"`     // expected: about the accepted answers' length
	TokensOutMax      int                `json:"tokens_out_max"` // if every answer ran to max_tokens
	CostUSD           float64            `json:"cost_usd"`       // at the expected output
	CostMaxUSD        float64            `json:"cost_max_usd"`   // at max_tokens for every answer
	PriceUnknown      []string           `json:"price_unknown"`  // endpoints whose cost is not counted
	DurationS         float64            `json:"duration_s"`     // at the plan's concurrency
	Cases             int                `json:"cases"`
	MinDetectableDiff float64            `json:"min_detectable_diff"`
	Endpoints         []EstimateEndpoint `json:"endpoints"`
	Assumptions       []string           `json:"assumptions"`

	// The Batch API (issue 17). Batch: the plan goes through it, and then
	// CostUSD and CostMaxUSD are at the batch price. FullPriceCostUSD is the
	// expected cost at the token prices, BatchCostUSD through the Batch API
	// (the catalog's batch price, else half the token price), BatchSavingUSD
	// the difference; BatchPossible says whether the plan could go through
	// it at all (ValidateBatch).
	Batch            bool    `json:"batch"`
	BatchPossible    bool    `json:"batch_possible"`
	FullPriceCostUSD float64 `json:"full_price_cost_usd"`
	BatchCostUSD     float64 `json:"batch_cost_usd"`
	BatchSavingUSD   float64 `json:"batch_saving_usd"`
}

// EstimateEndpoint is one endpoint as resolved (defaults applied) with its
// share of the estimate.
type EstimateEndpoint struct {
	Name       string   `json:"name"`
	BaseURL    string   `json:"base_url"`
	Model      string   `json:"model"`
	APIKeyEnv  string   `json:"api_key_env"`
	Kind       string   `json:"kind"`
	Requests   int      `json:"requests"`
	TokensIn   int      `json:"tokens_in"`
	TokensOut  int      `json:"tokens_out"`
	CostUSD    *float64 `json:"cost_usd"` // null when no price is known
	CostMaxUSD *float64 `json:"cost_max_usd"`
}

// Assumed speed of a request before any is measured: a first token after
// EstimateFirstTokenS and EstimateTokensPerS output tokens a second.
const (
	EstimateFirstTokenS = 1.0
	EstimateTokensPerS  = 50.0
	// ragPassageTokens is what one retrieved passage adds to a rag prompt.
	ragPassageTokens = 300
)

// EstimatePlan counts the requests the plan sends (its cells), the prompt
// tokens of each with the same tokenizer the runner falls back on, an
// expected output of twice the accepted answer's tokens (at least 16, at
// most max_tokens), and the cost at each endpoint's prices. mdd gives the
// minimum detectable difference for a number of cases (the verdict's).
//
// batchPrices (optional) gives the catalog's Batch API prices; the batch
// figures are at half the token price where it has none.
func EstimatePlan(p advisor.Plan, prices func(string) (float64, float64, bool), mdd func(int) float64, batchPrices ...func(string) (float64, float64, bool)) Estimate {
	p = clonePlan(p)
	Defaults(&p)
	est := Estimate{PriceUnknown: []string{}, Assumptions: []string{
		"output: about twice the accepted answer's tokens per request (cost_usd); every answer at max_tokens gives cost_max_usd",
		"speed: 1 s to the first token, then 50 tokens a second, at the plan's concurrency (a guess until the test measures it)",
	}}
	sets := p.Sets()
	cases := map[int]advisor.Case{}
	for _, s := range sets {
		for i, c := range s.Cases {
			cases[s.Offset+i] = c
		}
	}
	est.Cases = len(cases)
	if mdd != nil {
		est.MinDetectableDiff = math.Round(mdd(est.Cases)*100) / 100
	}
	eps := map[string]advisor.Endpoint{}
	var order []string
	for _, s := range sets {
		for _, ep := range s.Endpoints {
			if _, ok := eps[ep.Name]; !ok {
				order = append(order, ep.Name)
			}
			eps[ep.Name] = ep
		}
	}
	per := map[string]*EstimateEndpoint{}
	for _, n := range order {
		ep := eps[n]
		per[n] = &EstimateEndpoint{Name: ep.Name, BaseURL: ep.BaseURL, Model: ep.Model, APIKeyEnv: ep.APIKeyEnv, Kind: ep.Kind}
	}
	costs := map[string][2]float64{}
	maxTok := p.MaxTokens
	if maxTok <= 0 {
		maxTok = 256
	}
	var seconds float64
	for _, cell := range Cells(p) {
		e := per[cell.Endpoint]
		if e == nil {
			continue
		}
		est.Requests++
		e.Requests++
		c := cases[cell.Case]
		in, out := 0, 0
		switch cell.Strategy {
		case advisor.StrategyZeroShot, advisor.StrategyFewShot, advisor.StrategyRAG:
			in = promptTokens(e.Model, buildMessages(p, cell.Strategy, c, nil))
			if cell.Strategy == advisor.StrategyRAG {
				in += max(p.TopK, 1) * ragPassageTokens
			}
			out = min(maxTok, max(16, 2*countTokens(e.Model, c.Expected)))
		case advisor.StrategyEmbedding, advisor.StrategyIndex:
			in = countTokens(e.Model, c.Input)
		}
		e.TokensIn += in
		e.TokensOut += out
		est.TokensIn += in
		est.TokensOut += out
		est.TokensOutMax += maxTokOr(cell.Strategy, maxTok)
		pin, pout, ok := Pricing(eps[cell.Endpoint], prices)
		if ok {
			cs := costs[cell.Endpoint]
			cs[0] += (float64(in)*pin + float64(out)*pout) / 1e6
			cs[1] += (float64(in)*pin + float64(maxTokOr(cell.Strategy, maxTok))*pout) / 1e6
			costs[cell.Endpoint] = cs
		}
		seconds += EstimateFirstTokenS + float64(out)/EstimateTokensPerS
	}
	for _, n := range order {
		e := per[n]
		if _, _, ok := Pricing(eps[n], prices); ok {
			c := costs[n]
			e.CostUSD, e.CostMaxUSD = &c[0], &c[1]
			est.CostUSD += c[0]
			est.CostMaxUSD += c[1]
		} else if e.Requests > 0 {
			est.PriceUnknown = append(est.PriceUnknown, n)
		}
		est.Endpoints = append(est.Endpoints, *e)
	}
	conc := max(p.Concurrency, 1)
	est.DurationS = math.Round(seconds/float64(conc)*10) / 10
	var bp func(string) (float64, float64, bool)
	if len(batchPrices) > 0 {
		bp = batchPrices[0]
	}
	estimateBatch(&est, p, eps, prices, bp)
	return est
}

// estimateBatch fills the Batch API figures: the expected cost of each
// endpoint again at its batch price.
func estimateBatch(est *Estimate, p advisor.Plan, eps map[string]advisor.Endpoint, prices, batchPrices func(string) (float64, float64, bool)) {
	bp := p
	bp.Batch = true
	est.BatchPossible = ValidateBatch(bp) == nil
	est.Batch = p.Batch
	est.FullPriceCostUSD = est.CostUSD
	var batchMax float64
	for i := range est.Endpoints {
		e := &est.Endpoints[i]
		if e.CostUSD == nil {
			continue
		}
		ep := eps[e.Name]
		fin, fout, _ := Pricing(ep, prices)
		bin, bout, _, _ := BatchPrice(ep, prices, batchPrices)
		// The same tokens at the other price: each side scales apart.
		scale := func(v, full, batch float64) float64 {
			if full == 0 {
				return 0
			}
			return v * batch / full
		}
		inCost := float64(e.TokensIn) * fin / 1e6
		outCost := *e.CostUSD - inCost
		bc := scale(inCost, fin, bin) + scale(outCost, fout, bout)
		bm := scale(inCost, fin, bin) + scale(*e.CostMaxUSD-inCost, fout, bout)
		est.BatchCostUSD += bc
		batchMax += bm
		if p.Batch {
			e.CostUSD, e.CostMaxUSD = &bc, &bm
		}
	}
	est.BatchSavingUSD = est.FullPriceCostUSD - est.BatchCostUSD
	if p.Batch {
		est.CostUSD, est.CostMaxUSD = est.BatchCostUSD, batchMax
		est.Assumptions = append(est.Assumptions, "batch: at the Batch API price (the catalog's batch price, else half the token price); results within 24 hours (the provider's window), no latency figures")
	}
}

func maxTokOr(strategy string, maxTok int) int {
	switch strategy {
	case advisor.StrategyZeroShot, advisor.StrategyFewShot, advisor.StrategyRAG:
		return maxTok
	}
	return 0
}
