// Package ladder runs a live test as a strategy ladder: zero-shot first, then
// few-shot, then RAG, each later strategy only for the endpoints whose
// earlier one missed the quality bar — the cheapest strategy that works,
// tested. It is orchestration around livetest.Run (the same run id, cells of
// later rungs skipped), not a second runner.
package ladder

import (
	"context"
	"slices"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
)

// Order is the ladder's order of strategies, cheapest first.
var Order = []string{advisor.StrategyZeroShot, advisor.StrategyFewShot, advisor.StrategyRAG}

// Rungs are the plan's chat strategies in ladder order.
func Rungs(p advisor.Plan) []string {
	var out []string
	for _, s := range Order {
		if slices.Contains(p.Strategies, s) {
			out = append(out, s)
		}
	}
	return out
}

// Judge computes the verdict of the results so far.
type Judge func(results []advisor.Result) verdict.Verdict

// Run runs the plan rung by rung. load reads the run's stored results
// (after each rung); judge computes a verdict of them. opt.Skip (cells done
// before, on resume) is honoured. OnProgress sees the cells of the rungs run
// so far, not the whole plan. Without StrategyLadder it is livetest.Run.
func Run(ctx context.Context, p advisor.Plan, runID int64, opt livetest.Options,
	load func(context.Context) ([]advisor.Result, error), judge Judge) (livetest.Progress, error) {
	rungs := Rungs(p)
	if !p.StrategyLadder || len(rungs) < 2 {
		return livetest.Run(ctx, p, runID, opt)
	}
	done := opt.Skip
	if done == nil {
		done = map[advisor.Cell]bool{}
	}
	cells := livetest.Cells(p)
	climb := map[string]bool{} // endpoints allowed on the current rung; nil map on the first rung = all
	var last livetest.Progress
	for i, rung := range rungs {
		if i > 0 {
			rs, err := load(ctx)
			if err != nil {
				return last, err
			}
			climb = verdict.Climbers(judge(rs), rungs[i-1])
			if len(climb) == 0 {
				break
			}
		}
		skip := map[advisor.Cell]bool{}
		held := 0 // cells left out by the ladder, not done
		later := rungs[i+1:]
		for _, c := range cells {
			switch {
			case done[c]:
				skip[c] = true
			case slices.Contains(later, c.Strategy),
				c.Strategy == rung && i > 0 && !climb[c.Endpoint],
				slices.Contains(rungs[:i], c.Strategy): // an earlier rung's missing cell stays missing
				skip[c] = true
				held++
			}
		}
		o := opt
		o.Skip = skip
		if opt.OnProgress != nil {
			o.OnProgress = func(pr livetest.Progress) {
				pr.Total -= held
				pr.Done -= held
				opt.OnProgress(pr)
			}
		}
		pr, err := livetest.Run(ctx, p, runID, o)
		pr.Total -= held
		pr.Done -= held
		last = pr
		if err != nil {
			return last, err
		}
		for _, c := range cells {
			if !skip[c] {
				done[c] = true
			}
		}
	}
	// The run was created with the whole plan's count; a ladder that stopped
	// early ran fewer cells, and the stored run says how many. A cancelled
	// or failed ladder keeps the whole plan's count: how far it would have
	// climbed is not known, and a resume finishes it and corrects it.
	if t, ok := opt.Sink.(totaler); ok {
		if err := t.SetRunTotal(context.WithoutCancel(ctx), runID, last.Total); err != nil {
			return last, err
		}
	}
	return last, nil
}

// totaler is a result sink that can correct a run's planned count
// (*data.Store).
type totaler interface {
	SetRunTotal(ctx context.Context, id int64, total int) error
}

// Step is what the ladder did for one endpoint, and what its next rung
// would cost.
type Step struct {
	Endpoint      string   `json:"endpoint"`
	Tried         []string `json:"tried"`          // strategies run, in ladder order
	Next          string   `json:"next,omitempty"` // the next rung not run ("" at the top)
	NextRequests  int      `json:"next_requests,omitempty"`
	NextCostUSD   *float64 `json:"next_cost_usd,omitempty"` // estimated; null without a price
	NextDurationS float64  `json:"next_duration_s,omitempty"`
}

// Steps says, per endpoint, which rungs ran and what the next would cost
// (by livetest.EstimatePlan), from the plan and the run's results.
func Steps(p advisor.Plan, results []advisor.Result, prices func(string) (float64, float64, bool)) []Step {
	rungs := Rungs(p)
	ran := map[string]map[string]bool{}
	var order []string
	for _, r := range results {
		if !slices.Contains(rungs, r.Strategy) {
			continue
		}
		if ran[r.Endpoint] == nil {
			ran[r.Endpoint] = map[string]bool{}
			order = append(order, r.Endpoint)
		}
		ran[r.Endpoint][r.Strategy] = true
	}
	var out []Step
	for _, ep := range order {
		s := Step{Endpoint: ep}
		for _, st := range rungs {
			if ran[ep][st] {
				s.Tried = append(s.Tried, st)
			} else if s.Next == "" {
				s.Next = st
			}
		}
		if s.Next != "" {
			q := p
			q.Strategies = []string{s.Next}
			q.Endpoints = nil
			for _, e := range p.Endpoints {
				if e.Name == ep {
					q.Endpoints = append(q.Endpoints, e)
				}
			}
			q.CaseSets = nil
			est := livetest.EstimatePlan(q, prices, nil)
			s.NextRequests = est.Requests
			s.NextDurationS = est.DurationS
			if len(est.Endpoints) == 1 {
				s.NextCostUSD = est.Endpoints[0].CostUSD
			}
		}
		out = append(out, s)
	}
	return out
}
