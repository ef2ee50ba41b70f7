package verdict

import (
	"math"
	"sort"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// Criteria are the acceptance criteria a verdict is judged by; nil means the
// user set none. JSON keeps the nulls (the contract's "criteria" object).
type Criteria struct {
	MinQuality       *float64 `json:"min_quality"`
	FirstAnswerP95Ms *float64 `json:"first_answer_p95_ms"`
	TotalP95Ms       *float64 `json:"total_p95_ms"`
	MaxMonthlyUSD    *float64 `json:"max_monthly_usd"`
	VolumePerDay     *float64 `json:"volume_per_day"`
	LocalOnly        *bool    `json:"local_only,omitempty"` // only endpoints on the user's machines
}

// FromAcceptance is a plan's acceptance block as criteria.
func FromAcceptance(a *advisor.Acceptance) Criteria {
	if a == nil {
		return Criteria{}
	}
	return Criteria{MinQuality: a.MinQuality, FirstAnswerP95Ms: a.FirstAnswerP95Ms, TotalP95Ms: a.TotalP95Ms,
		MaxMonthlyUSD: a.MaxMonthlyUSD, VolumePerDay: a.VolumePerDay, LocalOnly: a.LocalOnly}
}

// DefaultVolumePerDay is the volume a monthly cost is computed at when the
// user gave none (the middle band of the wizard's volume question).
const DefaultVolumePerDay = 1000

// MaxErrorRate is the share of failed requests a candidate may have.
const MaxErrorRate = 0.05

// Names of the criteria a candidate can miss (Candidate.Fails).
const (
	FailQuality     = "quality"
	FailFirstAnswer = "first_answer_latency"
	FailTotal       = "total_latency"
	FailCost        = "cost"
	FailErrors      = "errors"
	FailHosting     = "hosting" // a cloud endpoint where only local ones may be used
)

// Comparisons against the best eligible candidate.
const (
	VsBest   = "best"
	VsTied   = "tied"
	VsWorse  = "worse"
	VsBetter = "better"
)

// Candidate is one endpoint × strategy judged against the criteria.
type Candidate struct {
	Endpoint  string      `json:"endpoint"`
	Model     string      `json:"model,omitempty"`
	Strategy  string      `json:"strategy"`
	Set       string      `json:"set,omitempty"`
	Cases     int         `json:"cases"`
	Requests  int         `json:"requests"`
	Quality   float64     `json:"quality"`
	QualityCI [2]float64  `json:"quality_ci"`
	Score     *float64    `json:"score,omitempty"` // mean score when scores are not all 0 or 1
	ScoreCI   *[2]float64 `json:"score_ci,omitempty"`

	FirstAnswerP95Ms *float64    `json:"first_answer_p95_ms"`
	FirstAnswerP95CI *[2]float64 `json:"first_answer_p95_ci,omitempty"`
	TotalP95Ms       *float64    `json:"total_p95_ms"`
	TotalP95CI       *[2]float64 `json:"total_p95_ci,omitempty"`
	TotalP99Ms       *float64    `json:"total_p99_ms"`
	// The share of successful requests slower than each latency target,
	// what the latency criteria are judged by when a p95 cannot be given.
	OverFirstAnswer *float64 `json:"over_first_answer_target,omitempty"`
	OverTotal       *float64 `json:"over_total_target,omitempty"`
	LatencyRequests int      `json:"latency_requests"` // successful requests behind the percentiles
	// NotMeasured names the latency criteria that could not be judged: the
	// candidate's requests went through the Batch API (issue 17), which
	// measures no latency. They are not counted as misses.
	NotMeasured []string `json:"not_measured,omitempty"`

	MonthlyUSD     *float64 `json:"monthly_usd"`
	CostPerRequest *float64 `json:"cost_per_request_usd"`
	PriceKnown     bool     `json:"price_known"`
	ErrorRate      float64  `json:"error_rate"`
	Eligible       bool     `json:"eligible"`
	Fails          []string `json:"fails"`
	VsBest         string   `json:"vs_best"`
	PValue         float64  `json:"p_value"`
	PAdjusted      float64  `json:"p_adjusted"`
	Test           string   `json:"test,omitempty"` // mcnemar | paired-bootstrap
	DiffVsBest     float64  `json:"diff_vs_best"`   // quality − the best's quality
	Sentence       string   `json:"sentence"`
	SureOfBar      bool     `json:"clears_bar"` // the interval's lower bound is at or above min_quality

	// People's scores (issue 16): the mean over the answers people rated
	// (each answer's raters averaged first), its 95 % interval and the
	// number of rated answers; absent when nobody rated this candidate.
	HumanQuality *float64    `json:"human_quality,omitempty"`
	HumanCI      *[2]float64 `json:"human_ci,omitempty"`
	HumanRated   int         `json:"human_rated,omitempty"`
	// People's blind side-by-side choices (issue 16): the share of the
	// comparisons this candidate won (ties and "both bad" counted half),
	// its 95 % interval and the number of comparisons; absent when none.
	HumanWinRate *float64    `json:"human_win_rate,omitempty"`
	HumanWinCI   *[2]float64 `json:"human_win_ci,omitempty"`
	HumanJudged  int         `json:"human_judged,omitempty"`

	passed   []float64 // per case of the run's case numbering: mean pass over repeats (NaN: not run)
	binary   bool
	ok       int
	batch    int // successful requests through the Batch API (no latency)
	meanMs   float64
	obsFirst float64 // the measured requests' own 95th percentile, to size a change
	obsTotal float64
}

// Label is how a candidate is named in sentences: "endpoint (strategy)".
func (c Candidate) Label() string { return c.Endpoint + " (" + c.Strategy + ")" }

// Pick is the candidate the verdict recommends.
type Pick struct {
	Endpoint    string `json:"endpoint"`
	Strategy    string `json:"strategy"`
	Reason      string `json:"reason"`
	Sure        bool   `json:"sure"`                   // clears the bar with its interval, or no bar was set
	AddExamples int    `json:"add_examples,omitempty"` // examples to add before the bar is sure
}

// Change is one relaxation of the criteria that would admit a candidate.
type Change struct {
	Criterion string  `json:"criterion"` // a Fail* name
	To        float64 `json:"to"`        // the value the criterion would need
	Endpoint  string  `json:"endpoint"`
	Strategy  string  `json:"strategy"`
	Sentence  string  `json:"sentence"`
}

// Verdict is what `compare --json` prints (contract, "The verdict").
type Verdict struct {
	RunID             int64       `json:"run_id"`
	Cases             int         `json:"cases"`
	Criteria          Criteria    `json:"criteria"`
	MinDetectableDiff float64     `json:"min_detectable_diff"`
	Candidates        []Candidate `json:"candidates"`
	Pick              *Pick       `json:"pick"`
	Summary           string      `json:"summary"`
	// Change is the cheapest change of the criteria that would admit a
	// candidate when nothing qualifies; nil otherwise or when none would.
	Change *Change  `json:"change,omitempty"`
	Notes  []string `json:"notes,omitempty"`
	Lang   string   `json:"lang"`

	// HumanJudge is how far the LLM judge agrees with people on the
	// answers both scored (issue 16); absent when none were.
	HumanJudge *Agreement `json:"human_judge,omitempty"`
	// HumanPairs are the candidate pairs people compared blind, the most
	// judged first (AddPairwise).
	HumanPairs []PairResult `json:"human_pairs,omitempty"`
	// Baseline is every candidate against a baseline the user picked, case
	// by case (AddBaseline); absent unless asked for.
	Baseline *BaselineReport `json:"baseline,omitempty"`
}

// Input is what a verdict is computed from.
type Input struct {
	RunID    int64
	Results  []advisor.Result
	Criteria Criteria
	// PriceKnown says whether an endpoint's cost figures mean anything; nil:
	// every price is known.
	PriceKnown func(endpoint string) bool
	// IsLocal says whether an endpoint runs on the user's own machines (for
	// Criteria.LocalOnly); nil: none does.
	IsLocal func(endpoint string) bool
	Lang    string // en (default) or pt-BR
	// Currency and PerUSD: the currency the sentences write money in (the
	// decision's, e.g. BRL at 5.15 per dollar); "" = US dollars. The figures
	// (MonthlyUSD, max_monthly_usd) stay in dollars.
	Currency string
	PerUSD   float64
}

// Compute judges every candidate of the run against the criteria and picks
// one by the rules (see pick).
func Compute(in Input) Verdict {
	w := words(in.Lang)
	w.currency, w.perUSD = in.Currency, in.PerUSD
	v := Verdict{RunID: in.RunID, Criteria: in.Criteria, Candidates: []Candidate{}, Lang: w.lang}
	cands, nCases, notes := group(in)
	v.Notes = append(v.Notes, notes...)
	v.Cases = nCases
	v.MinDetectableDiff = round2(MinDetectableDiff(nCases))
	vol := float64(DefaultVolumePerDay)
	if in.Criteria.VolumePerDay != nil && *in.Criteria.VolumePerDay > 0 {
		vol = *in.Criteria.VolumePerDay
	} else {
		v.Notes = append(v.Notes, w.f("note.volume", fmtInt(w, DefaultVolumePerDay)))
	}
	for i := range cands {
		measure(&cands[i], in, vol)
	}
	for i := range cands {
		local := in.IsLocal != nil && in.IsLocal(cands[i].Endpoint)
		judge(&cands[i], in.Criteria, local)
	}
	compare(cands)
	for i := range cands {
		cands[i].Sentence = sentence(w, cands, i, nCases)
	}
	v.Candidates = cands
	v.Pick, v.Summary, v.Change = pick(w, cands, in.Criteria, vol, nCases)
	return v
}

// group collects the candidates of the run's first case set (the cases every
// candidate shares), excluding warm-up and index results and results without
// a score.
func group(in Input) ([]Candidate, int, []string) {
	type key struct{ set, ep, st string }
	firstSet, haveSet := "", false
	idx := map[key]int{}
	var cands []Candidate
	type acc struct{ sum, n float64 }
	perCase := map[key]map[int]*acc{}
	maxCase := -1
	otherSets := map[string]bool{}
	for _, r := range in.Results {
		if r.Strategy == advisor.StrategyIndex || isWarmup(r) {
			continue
		}
		if !haveSet {
			firstSet, haveSet = r.Set, true
		}
		if r.Set != firstSet {
			otherSets[r.Set] = true
			continue
		}
		k := key{r.Set, r.Endpoint, r.Strategy}
		i, ok := idx[k]
		if !ok {
			i = len(cands)
			idx[k] = i
			cands = append(cands, Candidate{Endpoint: r.Endpoint, Model: r.Model, Strategy: r.Strategy, Set: r.Set, Fails: []string{}, binary: true})
			perCase[k] = map[int]*acc{}
		}
		c := &cands[i]
		c.Requests++
		if r.ErrorClass == "" && r.Unscored {
			continue // an image nobody rated: no quality figure yet
		}
		a := perCase[k][r.Case]
		if a == nil {
			a = &acc{}
			perCase[k][r.Case] = a
		}
		pass := 0.0
		if r.ErrorClass == "" && r.Passed {
			pass = 1
		}
		a.sum += pass
		a.n++
		maxCase = max(maxCase, r.Case)
	}
	nCases := 0
	seen := map[int]bool{}
	for i := range cands {
		c := &cands[i]
		k := key{c.Set, c.Endpoint, c.Strategy}
		c.passed = make([]float64, maxCase+1)
		for j := range c.passed {
			c.passed[j] = math.NaN()
		}
		var total float64
		for cs, a := range perCase[k] {
			m := a.sum / a.n
			c.passed[cs] = m
			if m != 0 && m != 1 {
				c.binary = false
			}
			total += m
			seen[cs] = true
		}
		c.Cases = len(perCase[k])
		if c.Cases > 0 {
			c.Quality = total / float64(c.Cases)
		}
		lo, hi := Wilson(total, float64(c.Cases))
		c.QualityCI = [2]float64{lo, hi}
	}
	nCases = len(seen)
	var notes []string
	if len(otherSets) > 0 {
		var names []string
		for s := range otherSets {
			names = append(names, s)
		}
		sort.Strings(names)
		notes = append(notes, words(in.Lang).f("note.sets", joinList(names)))
	}
	return cands, nCases, notes
}

// measure fills a candidate's latency, cost, error and score figures.
func measure(c *Candidate, in Input, vol float64) {
	var first, total, scores []float64
	var cost float64
	errs := 0
	for _, r := range in.Results {
		if r.Endpoint != c.Endpoint || r.Strategy != c.Strategy || r.Set != c.Set || isWarmup(r) {
			continue
		}
		if r.ErrorClass != "" {
			errs++
			continue
		}
		c.ok++
		cost += r.CostUSD
		if r.Batch {
			c.batch++ // no latency: left out of the percentiles
		} else {
			total = append(total, r.LatencyMs)
			if ms := firstAnswerMs(r); ms > 0 {
				first = append(first, ms)
			}
		}
		if !r.Unscored {
			scores = append(scores, r.Score)
		}
	}
	c.LatencyRequests = len(total)
	c.obsFirst, c.obsTotal = advisor.Percentile(first, 95), advisor.Percentile(total, 95)
	if c.Requests > 0 {
		c.ErrorRate = float64(errs) / float64(c.Requests)
	}
	if v, lo, hi, ok := Percentile(first, 0.95); ok {
		c.FirstAnswerP95Ms, c.FirstAnswerP95CI = &v, &[2]float64{lo, hi}
	}
	if v, lo, hi, ok := Percentile(total, 0.95); ok {
		c.TotalP95Ms, c.TotalP95CI = &v, &[2]float64{lo, hi}
	}
	if v, _, _, ok := Percentile(total, 0.99); ok {
		c.TotalP99Ms = &v
	}
	if len(total) > 0 {
		var s float64
		for _, x := range total {
			s += x
		}
		c.meanMs = s / float64(len(total))
	}
	if t := in.Criteria.FirstAnswerP95Ms; t != nil && len(first) > 0 {
		x := shareAbove(first, *t)
		c.OverFirstAnswer = &x
	}
	if t := in.Criteria.TotalP95Ms; t != nil && len(total) > 0 {
		x := shareAbove(total, *t)
		c.OverTotal = &x
	}
	c.PriceKnown = in.PriceKnown == nil || in.PriceKnown(c.Endpoint)
	if c.PriceKnown && c.ok > 0 {
		per := cost / float64(c.ok)
		month := per * vol * 30
		c.CostPerRequest, c.MonthlyUSD = &per, &month
	}
	nonBinary := false
	for _, s := range scores {
		if s != 0 && s != 1 {
			nonBinary = true
			break
		}
	}
	if nonBinary {
		m, lo, hi := BootstrapMean(scores, BootstrapResamples)
		c.Score, c.ScoreCI = &m, &[2]float64{lo, hi}
	}
}

func shareAbove(xs []float64, t float64) float64 {
	n := 0
	for _, x := range xs {
		if x > t {
			n++
		}
	}
	return float64(n) / float64(len(xs))
}

// judge names the criteria a candidate misses. A latency target is judged
// by the p95 when the requests support one, otherwise by the share of the
// measured requests slower than the target (more than 5 % slower is a miss).
// A cost cap with no price known is a miss: the cost cannot be shown to fit.
func judge(c *Candidate, cr Criteria, local bool) {
	latencyMiss := func(p95 *float64, over *float64, target *float64) bool {
		if target == nil {
			return false
		}
		if p95 != nil {
			return *p95 > *target
		}
		if over == nil {
			return true // no successful request: nothing shows it is fast enough
		}
		return *over > 1-0.95
	}
	if cr.MinQuality != nil {
		if c.Quality < *cr.MinQuality || c.Cases == 0 {
			c.Fails = append(c.Fails, FailQuality)
		}
		c.SureOfBar = c.Cases > 0 && c.QualityCI[0] >= *cr.MinQuality
	}
	// Requests through the Batch API have no latency: a latency target is
	// then "not measured", neither met nor missed.
	unmeasured := c.batch > 0 && c.LatencyRequests == 0
	switch {
	case unmeasured && cr.FirstAnswerP95Ms != nil:
		c.NotMeasured = append(c.NotMeasured, FailFirstAnswer)
	case latencyMiss(c.FirstAnswerP95Ms, c.OverFirstAnswer, cr.FirstAnswerP95Ms):
		c.Fails = append(c.Fails, FailFirstAnswer)
	}
	switch {
	case unmeasured && cr.TotalP95Ms != nil:
		c.NotMeasured = append(c.NotMeasured, FailTotal)
	case latencyMiss(c.TotalP95Ms, c.OverTotal, cr.TotalP95Ms):
		c.Fails = append(c.Fails, FailTotal)
	}
	if cr.MaxMonthlyUSD != nil && (c.MonthlyUSD == nil || *c.MonthlyUSD > *cr.MaxMonthlyUSD) {
		c.Fails = append(c.Fails, FailCost)
	}
	if c.ErrorRate >= MaxErrorRate || c.ok == 0 {
		c.Fails = append(c.Fails, FailErrors)
	}
	if cr.LocalOnly != nil && *cr.LocalOnly && !local {
		c.Fails = append(c.Fails, FailHosting)
	}
	c.Eligible = len(c.Fails) == 0
}

// operational is true when a candidate meets every criterion but quality.
func (c Candidate) operational() bool {
	for _, f := range c.Fails {
		if f != FailQuality {
			return false
		}
	}
	return true
}

// best is the index of the reference candidate: the highest pass rate among
// those that meet the speed, cost and error limits (cheaper first on a tie),
// or among all candidates when none does; -1 when there are none.
func best(cands []Candidate) int {
	ref := -1
	pool := func(op bool) {
		for i, c := range cands {
			if op && !c.operational() {
				continue
			}
			if ref < 0 || c.Quality > cands[ref].Quality || (c.Quality == cands[ref].Quality && cheaper(c, cands[ref])) {
				ref = i
			}
		}
	}
	pool(true)
	if ref < 0 {
		pool(false)
	}
	return ref
}

// compare sets each candidate's vs_best from a paired test on the cases both
// ran: exact McNemar when every case is a plain pass or fail, otherwise the
// paired bootstrap of the per-case pass rates; Holm-corrected across the
// candidates.
func compare(cands []Candidate) {
	ref := best(cands)
	if ref < 0 {
		return
	}
	var ps []float64
	var who []int
	for i := range cands {
		c := &cands[i]
		if i == ref {
			c.VsBest, c.PValue, c.PAdjusted = VsBest, 1, 1
			continue
		}
		r := cands[ref]
		c.DiffVsBest = c.Quality - r.Quality
		if c.binary && r.binary {
			b, cc := 0, 0 // b: only the best passed; cc: only c passed
			for k := range c.passed {
				x, y := r.passed[k], c.passed[k]
				if math.IsNaN(x) || math.IsNaN(y) {
					continue
				}
				switch {
				case x == 1 && y == 0:
					b++
				case x == 0 && y == 1:
					cc++
				}
			}
			c.PValue, c.Test = McNemarExact(b, cc), "mcnemar"
		} else {
			var d []float64
			for k := range c.passed {
				x, y := r.passed[k], c.passed[k]
				if math.IsNaN(x) || math.IsNaN(y) {
					continue
				}
				d = append(d, y-x)
			}
			_, _, _, p := PairedBootstrap(d, BootstrapResamples)
			c.PValue, c.Test = p, "paired-bootstrap"
		}
		ps = append(ps, c.PValue)
		who = append(who, i)
	}
	adj := Holm(ps)
	for j, i := range who {
		c := &cands[i]
		c.PAdjusted = adj[j]
		switch {
		case adj[j] >= Alpha:
			c.VsBest = VsTied
		case c.Quality > cands[ref].Quality:
			c.VsBest = VsBetter
		default:
			c.VsBest = VsWorse
		}
	}
}

// cheaper orders candidates by monthly cost (unknown last), then by higher
// pass rate, then by lower mean latency, then by name.
func cheaper(a, b Candidate) bool {
	switch {
	case a.MonthlyUSD != nil && b.MonthlyUSD == nil:
		return true
	case a.MonthlyUSD == nil && b.MonthlyUSD != nil:
		return false
	case a.MonthlyUSD != nil && *a.MonthlyUSD != *b.MonthlyUSD:
		return *a.MonthlyUSD < *b.MonthlyUSD
	case a.Quality != b.Quality:
		return a.Quality > b.Quality
	case a.meanMs != b.meanMs:
		return a.meanMs < b.meanMs
	}
	return a.Label() < b.Label()
}

func cheapest(cands []Candidate, ok func(Candidate) bool) int {
	at := -1
	for i, c := range cands {
		if ok(c) && (at < 0 || cheaper(c, cands[at])) {
			at = i
		}
	}
	return at
}

// MaxCasesAdvice caps "add N examples".
const MaxCasesAdvice = 100_000

// pick applies the rules. Eligible = meets the latency targets, the cost cap
// and an error rate under 5 % (and, with a bar, reaches it on the estimate).
// With a bar: the cheapest eligible candidate whose interval's lower bound
// clears it; else the cheapest eligible one, with how many examples to add.
// Without a bar: the cheapest eligible candidate not significantly worse than
// the best eligible one. Never a candidate at 0 %.
func pick(w lang, cands []Candidate, cr Criteria, vol float64, n int) (*Pick, string, *Change) {
	if len(cands) == 0 {
		return nil, w.f("no_results"), nil
	}
	allZero := true
	for _, c := range cands {
		if c.Quality > 0 {
			allZero = false
		}
	}
	if allZero {
		return nil, w.f("all_zero", fmtInt(w, n)), nil
	}
	mk := func(i int, reason string, sure bool, add int) (*Pick, string, *Change) {
		c := cands[i]
		return &Pick{Endpoint: c.Endpoint, Strategy: c.Strategy, Reason: reason, Sure: sure, AddExamples: add}, reason, nil
	}
	if cr.MinQuality != nil {
		bar := *cr.MinQuality
		if i := cheapest(cands, func(c Candidate) bool { return c.Eligible && c.SureOfBar && c.Quality > 0 }); i >= 0 {
			c := cands[i]
			return mk(i, w.f("pick.sure", c.Label(), pct(c.Quality), fmtInt(w, c.Cases), pct(c.QualityCI[0]), pct(bar))+costPart(w, c, vol), true, 0)
		}
		if i := cheapest(cands, func(c Candidate) bool { return c.Eligible && c.Quality > 0 }); i >= 0 {
			c := cands[i]
			need := CasesToClear(c.Quality, bar, MaxCasesAdvice)
			add := need - c.Cases
			var reason string
			if need == 0 || add <= 0 {
				reason = w.f("pick.unsure_many", c.Label(), pct(bar), pct(c.Quality), fmtInt(w, c.Cases), pct(c.QualityCI[0]))
				add = 0
			} else {
				reason = w.f("pick.unsure", c.Label(), pct(bar), pct(c.Quality), fmtInt(w, c.Cases), pct(c.QualityCI[0]), fmtInt(w, add))
			}
			return mk(i, reason+costPart(w, c, vol), false, add)
		}
	} else if i := cheapest(cands, func(c Candidate) bool {
		return c.Eligible && (c.VsBest == VsBest || c.VsBest == VsTied) && c.Quality > 0
	}); i >= 0 {
		c := cands[i]
		var reason string
		if c.VsBest == VsBest {
			reason = w.f("pick.best", c.Label(), pct(c.Quality), fmtInt(w, c.Cases))
		} else {
			b := cands[best(cands)]
			reason = w.f("pick.tied", c.Label(), b.Label(), pct(b.Quality), pct(c.Quality), fmtInt(w, c.Cases), points(b.Quality-c.Quality).in(w))
		}
		return mk(i, reason+costPart(w, c, vol), true, 0)
	}
	ch := cheapestChange(w, cands, cr)
	s := w.f("none")
	if ch != nil {
		s += " " + ch.Sentence
	}
	return nil, s, ch
}

// cheapestChange finds the smallest relaxation of the criteria that would
// admit one candidate: among candidates with a pass rate above zero whose
// misses can all be relaxed (errors cannot), the one needing the fewest
// changes, cheaper first. Its first change is described.
func cheapestChange(w lang, cands []Candidate, cr Criteria) *Change {
	type option struct {
		i       int
		changes []Change
	}
	var best *option
	for i, c := range cands {
		if c.Quality == 0 || c.Eligible {
			continue
		}
		var chs []Change
		okAll := true
		for _, f := range c.Fails {
			ch := Change{Criterion: f, Endpoint: c.Endpoint, Strategy: c.Strategy}
			switch f {
			case FailQuality:
				ch.To = math.Floor(c.Quality*100) / 100
				ch.Sentence = w.f("change.quality", pct(ch.To), c.Label())
			case FailFirstAnswer:
				t := c.obsFirst
				if t == 0 {
					okAll = false
				}
				ch.To = math.Ceil(t/100) * 100
				ch.Sentence = w.f("change.first", ms(w, ch.To), c.Label())
			case FailTotal:
				t := c.obsTotal
				if t == 0 {
					okAll = false
				}
				ch.To = math.Ceil(t/100) * 100
				ch.Sentence = w.f("change.total", ms(w, ch.To), c.Label())
			case FailCost:
				if c.MonthlyUSD == nil {
					okAll = false
					break
				}
				ch.To = math.Ceil(*c.MonthlyUSD)
				ch.Sentence = w.f("change.cost", money(w, ch.To), c.Label())
			default:
				okAll = false
			}
			chs = append(chs, ch)
		}
		if !okAll || len(chs) == 0 {
			continue
		}
		if best == nil || len(chs) < len(best.changes) || (len(chs) == len(best.changes) && cheaper(c, cands[best.i])) {
			best = &option{i, chs}
		}
	}
	if best == nil {
		return nil
	}
	ch := best.changes[0]
	for _, extra := range best.changes[1:] {
		ch.Sentence += " " + w.f("change.and") + " " + extra.Sentence
	}
	return &ch
}

// isWarmup: the unmeasured warm-up request counts in no figure.
func isWarmup(r advisor.Result) bool { return r.Warmup }

// firstAnswerMs is the time until the answer starts (ttfat, the first answer
// token, thinking left out). A request whose answer never started kept the
// user waiting to its end: its end-to-end time.
func firstAnswerMs(r advisor.Result) float64 {
	if r.TTFATMs > 0 {
		return r.TTFATMs
	}
	return r.LatencyMs
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// Climbers are the endpoints whose candidate with the given strategy missed
// the quality bar while meeting every other limit: the strategy ladder tries
// their next strategy. With a bar, missing it means a pass rate below it;
// without one, being significantly worse than the best. An endpoint that is
// too slow, too dear, failing or not allowed does not climb: a longer prompt
// would not fix that.
func Climbers(v Verdict, strategy string) map[string]bool {
	out := map[string]bool{}
	for _, c := range v.Candidates {
		if c.Strategy != strategy || !c.operational() || c.ok == 0 {
			continue
		}
		if v.Criteria.MinQuality != nil {
			if c.Quality < *v.Criteria.MinQuality {
				out[c.Endpoint] = true
			}
		} else if c.VsBest == VsWorse {
			out[c.Endpoint] = true
		}
	}
	return out
}
