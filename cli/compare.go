package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/workspace"
)

const compareUsage = "compare --run ID [--db FILE] [--json] [--baseline ENDPOINT[/STRATEGY]] [--min-quality Q] [--first-answer-p95-ms MS] [--total-p95-ms MS] [--max-monthly-usd USD] [--volume-per-day N]"

// optFloat is a flag that remembers whether it was given.
type optFloat struct {
	v   *float64
	min float64
	max float64
}

func (o *optFloat) String() string {
	if o == nil || o.v == nil {
		return ""
	}
	return strconv.FormatFloat(*o.v, 'g', -1, 64)
}

func (o *optFloat) Set(s string) error {
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return fmt.Errorf("%q is not a number", s)
	}
	if x < o.min || x > o.max {
		return fmt.Errorf("%v is out of range (%v to %v)", x, o.min, o.max)
	}
	o.v = &x
	return nil
}

// criteriaFlags registers the acceptance flags shared by compare.
type criteriaFlags struct {
	minQuality, first, total, cost, volume optFloat
}

func (c *criteriaFlags) register(fs *flag.FlagSet) {
	c.minQuality = optFloat{min: 0, max: 1}
	c.first = optFloat{min: 0, max: 3_600_000}
	c.total = optFloat{min: 0, max: 3_600_000}
	c.cost = optFloat{min: 0, max: 1e12}
	c.volume = optFloat{min: 0, max: 1e12}
	fs.Var(&c.minQuality, "min-quality", "share of cases that must pass, 0..1")
	fs.Var(&c.first, "first-answer-p95-ms", "p95 target of the time until the answer starts, in ms")
	fs.Var(&c.total, "total-p95-ms", "p95 target of the total time, in ms")
	fs.Var(&c.cost, "max-monthly-usd", "monthly cost cap in USD at --volume-per-day")
	fs.Var(&c.volume, "volume-per-day", "requests a day the monthly cost is computed at")
}

// apply overrides the stored criteria with the flags given.
func (c *criteriaFlags) apply(cr verdict.Criteria) verdict.Criteria {
	if c.minQuality.v != nil {
		cr.MinQuality = c.minQuality.v
	}
	if c.first.v != nil {
		cr.FirstAnswerP95Ms = c.first.v
	}
	if c.total.v != nil {
		cr.TotalP95Ms = c.total.v
	}
	if c.cost.v != nil {
		cr.MaxMonthlyUSD = c.cost.v
	}
	if c.volume.v != nil {
		cr.VolumePerDay = c.volume.v
	}
	return cr
}

// runCompare is `compare --run ID [--json] [flags]`: the verdict of a run.
func runCompare(env Env) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	id := fs.Int64("run", 0, "run id (test prints it)")
	dbPath := fs.String("db", "", "database file (default: the user's data folder; LLM_ADVISOR_DB overrides)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	baseline := fs.String("baseline", "", "compare every option case by case with this one: ENDPOINT or ENDPOINT/STRATEGY")
	var cf criteriaFlags
	cf.register(fs)
	if err := fs.Parse(env.Args); err != nil {
		return usagef("%v; usage: %s", err, compareUsage)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; usage: %s", fs.Arg(0), compareUsage)
	}
	if *id <= 0 {
		return usagef("--run ID is required (a positive run id); usage: %s", compareUsage)
	}
	ctx := context.Background()
	store, path, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	run, err := store.Run(ctx, *id)
	if err != nil {
		if errors.Is(err, data.ErrNotFound) {
			return usagef("--run %d: no such run in %s", *id, path)
		}
		return err
	}
	results, err := store.Results(ctx, run.ID)
	if err != nil {
		return err
	}
	v := computeVerdict(run.ID, run.Plan, results, cf.apply(verdict.FromAcceptance(run.Plan.Acceptance)), Lang(), catalogPrices())
	people, err := workspace.PeopleOf(ctx, store, run.ID)
	if err != nil {
		return err
	}
	verdict.AddPeople(&v, results, people)
	if *baseline != "" {
		k, ok := verdict.FindKey(v, *baseline)
		if !ok {
			var names []string
			for _, c := range v.Candidates {
				names = append(names, c.Endpoint+"/"+c.Strategy)
			}
			return usagef("--baseline %q names no single option of run %d; options: %s", *baseline, run.ID, strings.Join(names, ", "))
		}
		verdict.AddBaseline(&v, results, k, people.Judgements)
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	printVerdict(env.Stdout, v)
	return nil
}

// computeVerdict computes a run's verdict with the plan's prices and hosting.
func computeVerdict(runID int64, plan advisor.Plan, results []advisor.Result, cr verdict.Criteria, lang string, prices workspace.Prices) verdict.Verdict {
	eps := map[string]advisor.Endpoint{}
	kinds := map[string]string{}
	for _, s := range plan.Sets() {
		for _, ep := range s.Endpoints {
			eps[ep.Name] = ep
			kinds[ep.Name] = s.Kind
		}
	}
	return verdict.Compute(verdict.Input{
		RunID: runID, Results: results, Criteria: cr, Lang: lang,
		PriceKnown: func(name string) bool {
			ep, ok := eps[name]
			return ok && prices.Known(ep, kinds[name])
		},
		IsLocal: func(name string) bool { return verdict.LocalEndpoint(eps[name]) },
	})
}

// printVerdict writes the verdict as a table and sentences.
func printVerdict(w io.Writer, v verdict.Verdict) {
	fmt.Fprintf(w, "verdict of run %d: %d cases\n\n", v.RunID, v.Cases)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "endpoint\tstrategy\tquality (95% range)\tfirst answer p95\ttotal p95\tmonthly USD\terrors\tvs best\tp\tmisses")
	for _, c := range v.Candidates {
		fails := "-"
		if len(c.Fails) > 0 {
			fails = strings.Join(c.Fails, ", ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%d%% (%d–%d%%)\t%s\t%s\t%s\t%.0f%%\t%s\t%s\t%s\n", c.Endpoint, c.Strategy,
			roundPct(c.Quality), roundPct(c.QualityCI[0]), roundPct(c.QualityCI[1]), latencyCell(c, c.FirstAnswerP95Ms), latencyCell(c, c.TotalP95Ms),
			usdOrNA(c.MonthlyUSD), c.ErrorRate*100, c.VsBest, pFmt(c.PValue), fails)
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, c := range v.Candidates {
		if c.HumanQuality != nil {
			fmt.Fprintf(w, "people: %s (%s) %d%% (%d–%d%%) over %d rated answers\n", c.Endpoint, c.Strategy,
				roundPct(*c.HumanQuality), roundPct(c.HumanCI[0]), roundPct(c.HumanCI[1]), c.HumanRated)
		}
	}
	for _, c := range v.Candidates {
		if c.HumanWinRate != nil {
			fmt.Fprintf(w, "people, blind: %s (%s) won %d%% (%d–%d%%) of %d comparisons\n", c.Endpoint, c.Strategy,
				roundPct(*c.HumanWinRate), roundPct(c.HumanWinCI[0]), roundPct(c.HumanWinCI[1]), c.HumanJudged)
		}
	}
	for _, p := range v.HumanPairs {
		fmt.Fprintln(w, "- "+p.Sentence)
	}
	if v.HumanJudge != nil {
		fmt.Fprintln(w, "people and the judge: "+v.HumanJudge.Sentence)
	}
	if b := v.Baseline; b != nil {
		fmt.Fprintf(w, "\nagainst the baseline %s, case by case (regressions first):\n", b.Baseline.Label())
		for _, a := range b.Against {
			fmt.Fprintf(w, "%s: %d worse, %d better, %d the same\n", a.Candidate.Label(), a.Worse, a.Better, a.Same)
			for _, d := range a.Cases {
				if d.Outcome == verdict.DiffSame {
					continue
				}
				by := ""
				if d.Human != "" {
					by = " (people's choice)"
				}
				fmt.Fprintf(w, "  case %d: %s, %d%% → %d%%%s\n", d.Case, d.Outcome, roundPct(d.Baseline), roundPct(d.Other), by)
			}
		}
	}
	if v.Pick != nil {
		fmt.Fprintf(w, "pick: %s (%s)\n", v.Pick.Endpoint, v.Pick.Strategy)
	} else {
		fmt.Fprintln(w, "pick: none")
	}
	fmt.Fprintln(w, v.Summary)
	fmt.Fprintln(w)
	for _, c := range v.Candidates {
		fmt.Fprintln(w, "- "+c.Sentence)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, verdict.DetectableSentence(v.Lang, v.Cases))
	for _, n := range v.Notes {
		fmt.Fprintln(w, "note: "+n)
	}
}

// latencyCell is a candidate's p95, "not measured (batch)" when its
// requests went through the Batch API.
func latencyCell(c verdict.Candidate, x *float64) string {
	if x == nil && c.LatencyRequests == 0 && len(c.NotMeasured) > 0 {
		return "not measured (batch)"
	}
	return msOrNA(x, c.LatencyRequests)
}

func msOrNA(x *float64, n int) string {
	if x == nil {
		return fmt.Sprintf("n/a (%d of 72 requests)", n)
	}
	return fmt.Sprintf("%.0f ms", *x)
}

func usdOrNA(x *float64) string {
	if x == nil {
		return "no price"
	}
	return fmt.Sprintf("%.2f", *x)
}

func pFmt(p float64) string {
	if p < 0.001 {
		return "<0.001"
	}
	return fmt.Sprintf("%.3f", p)
}

func roundPct(x float64) int { return int(math.Round(x * 100)) }
