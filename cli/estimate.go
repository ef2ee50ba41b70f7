package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/ladder"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
)

// dryRunOut is what `test --dry-run --json` prints: the estimate, plus the
// acceptance criteria the run would be judged by.
type dryRunOut struct {
	livetest.Estimate
	Acceptance *advisor.Acceptance `json:"acceptance"`
	Ladder     bool                `json:"strategy_ladder"`
	Detectable string              `json:"detectable"`
}

// printEstimate is `test --plan FILE --dry-run [--json]`: nothing is sent.
func printEstimate(env Env, plan advisor.Plan, asJSON bool) error {
	est := livetest.EstimatePlan(plan, catalogPrices().Tokens, verdict.MinDetectableDiff, catalogPrices().Batch)
	out := dryRunOut{Estimate: est, Acceptance: plan.Acceptance, Ladder: plan.StrategyLadder, Detectable: verdict.DetectableSentence(Lang(), est.Cases)}
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	w := env.Stdout
	fmt.Fprintf(w, "dry run: nothing is sent\n%d requests, %d cases; about %d tokens in and %d out (at most %d out)\n",
		est.Requests, est.Cases, est.TokensIn, est.TokensOut, est.TokensOutMax)
	fmt.Fprintf(w, "cost: about $%.4f (at most $%.4f)", est.CostUSD, est.CostMaxUSD)
	if len(est.PriceUnknown) > 0 {
		fmt.Fprintf(w, ", not counting %s (no price)", strings.Join(est.PriceUnknown, ", "))
	}
	if est.Batch {
		fmt.Fprintf(w, "\nbatch: through the Batch API at about $%.4f instead of $%.4f (saves $%.4f); results within 24 hours, no latency figures\n",
			est.BatchCostUSD, est.FullPriceCostUSD, est.BatchSavingUSD)
	} else {
		fmt.Fprintf(w, "\nduration: about %s at concurrency %d\n", roundDur(secondsDur(est.DurationS)), max(plan.Concurrency, 1))
		if est.BatchPossible && est.BatchSavingUSD > 0 {
			fmt.Fprintf(w, "batch: with batch: true (the providers' Batch API; no latency figures, results within 24 hours) it would cost about $%.4f, saving $%.4f\n",
				est.BatchCostUSD, est.BatchSavingUSD)
		}
	}
	if plan.StrategyLadder && len(ladder.Rungs(plan)) > 1 {
		fmt.Fprintln(w, "strategy ladder: these are the figures if every endpoint climbs every rung; endpoints that clear the bar early cost less")
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "endpoint\tmodel\tbase URL\tkey variable\trequests\ttokens in\ttokens out\tcost USD\tat most")
	for _, e := range est.Endpoints {
		cost, most := "no price", "no price"
		if e.CostUSD != nil {
			cost, most = fmt.Sprintf("%.4f", *e.CostUSD), fmt.Sprintf("%.4f", *e.CostMaxUSD)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", e.Name, e.Model, orDash(e.BaseURL), orDash(e.APIKeyEnv), e.Requests, e.TokensIn, e.TokensOut, cost, most)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, out.Detectable)
	printAcceptance(w, plan.Acceptance)
	for _, a := range est.Assumptions {
		fmt.Fprintln(w, "assumed: "+a)
	}
	return nil
}

func printAcceptance(w io.Writer, a *advisor.Acceptance) {
	if a == nil {
		fmt.Fprintln(w, "acceptance: none set (the pick is relative to the best; give --answers FILE or an acceptance block)")
		return
	}
	fmt.Fprintln(w, "acceptance:")
	line := func(name string, v *float64, unit string) {
		if v != nil {
			fmt.Fprintf(w, "  %s: %g%s\n", name, *v, unit)
		}
	}
	line("min_quality", a.MinQuality, "")
	line("first_answer_p95_ms", a.FirstAnswerP95Ms, " ms")
	line("total_p95_ms", a.TotalP95Ms, " ms")
	line("max_monthly_usd", a.MaxMonthlyUSD, " USD")
	line("volume_per_day", a.VolumePerDay, "")
	if a.LocalOnly != nil && *a.LocalOnly {
		fmt.Fprintln(w, "  local_only: true")
	}
	for _, s := range a.Sources {
		fmt.Fprintf(w, "    %s from %s: %s (%s)\n", s.Field, s.Answer, s.Why, s.Source)
	}
}

func printLadder(w io.Writer, steps []ladder.Step) {
	if len(steps) == 0 {
		return
	}
	fmt.Fprintln(w, "\nstrategy ladder:")
	for _, s := range steps {
		fmt.Fprintf(w, "  %s: tried %s", s.Endpoint, strings.Join(s.Tried, " → "))
		if s.Next != "" {
			cost := "no price"
			if s.NextCostUSD != nil {
				cost = fmt.Sprintf("about $%.4f", *s.NextCostUSD)
			}
			fmt.Fprintf(w, "; the next rung (%s) would be %d requests, %s", s.Next, s.NextRequests, cost)
		}
		fmt.Fprintln(w)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func secondsDur(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
