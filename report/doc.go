package report

import (
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/assets"
	"github.com/llm-advisor/llm-advisor/internal/redact"
	"github.com/llm-advisor/llm-advisor/locale"
)

// Limits that keep a report readable for any run size; the CSV and JSON
// exports always hold everything.
const (
	sideBySideCases = 20  // cases shown side by side
	outputRunes     = 400 // an output longer than this is shortened
)

// pair is one labelled fact.
type pair struct{ Label, Value string }

// table is a header and rows of text.
type table struct {
	Head []string
	Rows [][]string
}

// view is the report's content in the reader's language, already formatted;
// the Markdown, HTML and PDF writers only lay it out.
type view struct {
	Lang      string
	Title     string
	Generated string
	MoneyNote string // the currency, rate and its date, when money is not in US dollars
	UseCase   string
	Answers   []pair
	Rec       *recView
	NoRec     string
	Run       *runView
	NoRun     string
	Verdict   *verdictView   // the run's verdict, the report's first page
	Capacity  []capacityView // capacity tests of the decision (their charts are among the charts)

	mdVerdictChart *Chart // the Markdown writer's verdict chart
	Next           []string
}

// H is a heading or label of the report in its language.
func (v *view) H(key string) string { return msg(v.Lang, key) }

type recView struct {
	Facts           []pair
	Steps           []stepView
	Fired           []firedView
	Warnings        []string
	Conflicts       []conflictView
	Assumptions     []string
	Shortlist       table
	Also            []titledTable // shortlists of the further model types in Also
	CostAssumptions string
}

type titledTable struct {
	Title string
	table
}

type stepView struct{ Title, Detail, Gate string }

type firedView struct {
	ID, Title, Because string
	Sources            []string // a rule may cite several pages
}

type conflictView struct{ Between, Relaxation string }

type runView struct {
	Facts       []pair
	Endpoints   table
	Results     []resultTable // one per kind of case
	NoResults   string
	FreeNote    string // every endpoint is free, so no cost charts
	Cases       []caseView
	CasesNote   string
	Gallery     []galleryItem
	GalleryNote string
}

type caseView struct {
	Title   string
	Facts   []pair // input and accepted answer, query and relevant ids, audio and reference…
	Outputs table  // model, two figures, output
}

// buildView turns the input into the report's content.
func buildView(in Input) (*view, error) {
	lang := assets.NormalizeLang(in.Lang)
	labels, err := assets.Labels(lang)
	if err != nil {
		return nil, fmt.Errorf("report: labels: %w", err)
	}
	lbl := func(key, raw string) string {
		if s, ok := labels[key]; ok && s != "" {
			return s
		}
		return raw
	}
	red := newRedactor(in)
	v := &view{Lang: lang, Title: red.clean(in.Title), Generated: date(lang, in.Generated)}
	if v.Title == "" {
		v.Title = msg(lang, "title")
	}
	v.UseCase = red.clean(firstNonEmpty(in.UseCase, in.Answers.UseCase))
	v.MoneyNote = moneyNote(lang, in.rate(), in.money())

	// The answers in wizard order, each with its plain-language label. A
	// live test run without a decision (from a plan file) has none: the
	// section is left out rather than listing "I don't know" for everything.
	for _, q := range advisor.Questions {
		if in.Recommendation == nil && in.Answers.Empty() {
			break
		}
		if q.Key == "use_case" || !q.Asked(in.Answers) {
			continue // the country only for "in our own country", the rate only for a currency other than USD
		}
		vals := in.Answers.Get(q.Key)
		shown := make([]string, len(vals))
		for i, x := range vals {
			shown[i] = answerValue(lang, q, x, lbl)
		}
		a := strings.Join(shown, ", ")
		if a == "" {
			a = lbl("v.dont_know", msg(lang, "dont_know"))
		}
		v.Answers = append(v.Answers, pair{lbl("q."+q.Key+".short", q.Key), a})
	}

	if rec := in.Recommendation; rec != nil {
		r := &recView{CostAssumptions: rec.CostAssumptions}
		r.Facts = []pair{
			{msg(lang, "model_type"), lbl("type."+rec.Model.Type, rec.Model.Type)},
			{msg(lang, "architecture"), lbl("arch."+rec.Model.Architecture, rec.Model.Architecture)},
			{msg(lang, "weights"), lbl("weights."+rec.Model.Weights, rec.Model.Weights)},
			{msg(lang, "hosting"), lbl("hosting."+rec.Model.Hosting, rec.Model.Hosting)},
			{msg(lang, "size_tier"), lbl("tier."+rec.Model.SizeTier, rec.Model.SizeTier)},
			{msg(lang, "primary"), lbl("step."+rec.Strategy.Primary, rec.Strategy.Primary)},
		}
		if len(rec.Also) > 0 {
			also := make([]string, len(rec.Also))
			for i, a := range rec.Also {
				also[i] = lbl("type."+a, a)
			}
			r.Facts = append(r.Facts, pair{msg(lang, "also"), strings.Join(also, ", ")})
		}
		steps := rec.Steps
		if len(steps) == 0 {
			for _, s := range rec.Strategy.Plan {
				steps = append(steps, advisor.PlanStep{Step: s})
			}
		}
		for _, s := range steps {
			r.Steps = append(r.Steps, stepView{Title: lbl("step."+s.Step, s.Step), Detail: s.Detail, Gate: s.Gate})
		}
		for _, f := range rec.Fired {
			r.Fired = append(r.Fired, firedView{ID: f.ID, Title: f.Title, Because: f.Because, Sources: strings.Fields(f.Source)})
		}
		r.Warnings = rec.Warnings
		for _, c := range rec.Conflicts {
			r.Conflicts = append(r.Conflicts, conflictView{Between: strings.Join(c.Between, " × "), Relaxation: c.Relaxation})
		}
		r.Assumptions = rec.Assumptions
		r.Shortlist = shortlistTable(lang, in.money(), rec.Shortlist)
		for _, a := range rec.AlsoShortlist {
			if len(a.Shortlist) > 0 {
				r.Also = append(r.Also, titledTable{msg(lang, "sec.also_short", lbl("type."+a.Type, a.Type)), shortlistTable(lang, in.money(), a.Shortlist)})
			}
		}
		v.Rec = r
	} else if len(v.Answers) == 0 && in.Run != nil {
		v.NoRec = msg(lang, "no_decision")
	} else {
		v.NoRec = msg(lang, "no_rec")
	}

	rows := advisor.Summarize(in.Results)
	if in.Run != nil {
		v.Run = buildRun(in, lang, lbl, rows, red)
		v.Verdict = buildVerdict(in, lang, lbl, red)
	} else {
		v.NoRun = msg(lang, "no_run")
	}
	v.Capacity = capacityViews(in, red)
	v.Next = nextSteps(in, lang, rows)
	return v, nil
}

func shortlistTable(lang string, cur locale.Formatter, list []advisor.Shortlisted) table {
	t := table{Head: []string{msg(lang, "col.model"), msg(lang, "col.monthly"), msg(lang, "col.why")}}
	for _, s := range list {
		name := s.Name
		if name == "" {
			name = s.ID
		} else if s.ID != "" && s.ID != name {
			name += " (" + s.ID + ")"
		}
		t.Rows = append(t.Rows, []string{name, monthlyCost(lang, cur, s), s.Why})
	}
	return t
}

// monthlyCost says what a shortlisted model costs a month: a self-hosted
// model costs the hardware, not an API bill; a model without a catalog price
// says so instead of claiming to be free.
func monthlyCost(lang string, cur locale.Formatter, s advisor.Shortlisted) string {
	switch {
	case s.SelfHosted:
		return usd(cur, s.MonthlyCostUSD) + " + " + msg(lang, "own_hardware")
	case costUnknown(s):
		return msg(lang, "cost_unknown")
	}
	return usd(cur, s.MonthlyCostUSD)
}

// costUnknown: the catalog has no price for this use. Recommendations saved
// before CostKnown existed have it false with a real cost, hence the zero test.
func costUnknown(s advisor.Shortlisted) bool {
	return !s.CostKnown && !s.SelfHosted && s.MonthlyCostUSD == 0
}

func buildRun(in Input, lang string, lbl func(key, raw string) string, rows []advisor.SummaryRow, red *redactor) *runView {
	run, plan := in.Run, in.Run.Plan
	rv := &runView{}
	name := run.Name
	if name == "" {
		name = plan.Name
	}
	strategies := make([]string, len(plan.Strategies))
	for i, s := range plan.Strategies {
		strategies[i] = lbl("strategy."+s, s)
	}
	repeats := plan.Repeats
	if repeats == 0 {
		repeats = 1
	}
	rv.Facts = []pair{
		{msg(lang, "run"), strings.TrimSpace(fmt.Sprintf("#%d %s", run.ID, red.clean(name)))},
		{msg(lang, "status"), msg(lang, "run_state."+run.Status)},
		{msg(lang, "started"), date(lang, run.StartedAt)},
		{msg(lang, "ended"), date(lang, run.EndedAt)},
		{msg(lang, "strategies"), strings.Join(strategies, ", ")},
		{msg(lang, "cases"), num(lang, float64(plan.NumCases()), 0)},
		{msg(lang, "repeats"), num(lang, float64(repeats), 0)},
	}
	if len(plan.CaseSets) > 0 {
		rv.Facts = append(rv.Facts, pair{msg(lang, "case_sets"), setFact(lang, plan, red)})
	}
	if len(plan.FewShot) > 0 {
		rv.Facts = append(rv.Facts, pair{msg(lang, "few_shot"), num(lang, float64(len(plan.FewShot)), 0)})
	}
	if plan.Documents != "" {
		rv.Facts = append(rv.Facts, pair{msg(lang, "documents"), red.clean(plan.Documents)})
	}
	checks := map[string]bool{}
	for _, set := range plan.Sets() {
		for _, c := range set.Cases {
			for _, k := range c.Checks {
				checks[k] = true
			}
		}
	}
	if len(checks) > 0 {
		var ks []string
		for k := range checks {
			ks = append(ks, lbl("check."+k, k))
		}
		sort.Strings(ks)
		rv.Facts = append(rv.Facts, pair{msg(lang, "checks"), strings.Join(ks, ", ")})
	}
	// Endpoints without keys: the key itself is never in a plan, and the
	// name of its variable is of no use to a reader.
	rv.Endpoints.Head = []string{msg(lang, "col.endpoint"), msg(lang, "col.kind"), msg(lang, "col.base_url"), msg(lang, "col.model")}
	for _, e := range planEndpoints(plan) {
		rv.Endpoints.Rows = append(rv.Endpoints.Rows, []string{red.clean(e.Name), msg(lang, "endpoint_kind."+e.Kind), red.clean(bareURL(e.BaseURL)), red.clean(e.Model)})
	}

	if len(rows) == 0 {
		rv.NoResults = msg(lang, "no_results")
		return rv
	}
	var free bool
	rv.Results, free = resultTables(lang, in.money(), rows, in.unpriced, red)
	if free {
		rv.FreeNote = msg(lang, "free_all")
	}
	rv.Cases, rv.CasesNote = sideBySide(in, lang, red)
	rv.Gallery, rv.GalleryNote = gallery(in, lang, red)
	return rv
}

// modelName is how tables name the model of a summary row.
func modelName(r advisor.SummaryRow) string {
	if r.Model == "" || r.Model == r.Endpoint {
		return r.Endpoint
	}
	return r.Model + " (" + r.Endpoint + ")"
}

// sideBySide lays out each case's outputs from every endpoint × strategy,
// first repeat only, for the first sideBySideCases cases. Generated images
// are left to the gallery, and an embedding set's indexing is no case's
// output.
func sideBySide(in Input, lang string, red *redactor) ([]caseView, string) {
	type key struct {
		c         int
		ep, strat string
	}
	first := map[key]advisor.Result{}
	var order []key
	caseSet := map[int]bool{}
	for _, r := range in.Results {
		if r.Strategy == advisor.StrategyIndex || r.CaseKind() == advisor.CaseKindImage {
			continue
		}
		k := key{r.Case, r.Endpoint, r.Strategy}
		if old, ok := first[k]; ok && old.Repeat <= r.Repeat {
			continue
		} else if !ok {
			order = append(order, k)
		}
		first[k] = r
		caseSet[r.Case] = true
	}
	var cases []int
	for c := range caseSet {
		cases = append(cases, c)
	}
	sort.Ints(cases)
	note := ""
	if len(cases) > sideBySideCases {
		note = msg(lang, "outputs_limited", sideBySideCases, len(cases))
		cases = cases[:sideBySideCases]
	}
	// Rows follow the plan: endpoints, then strategies, in the order of
	// first appearance.
	plan := in.Run.Plan
	rank := func(list []string, v string) int {
		if i := indexOf(list, v); i >= 0 {
			return i
		}
		return len(list)
	}
	var eps []string
	for _, e := range planEndpoints(plan) {
		eps = append(eps, e.Name)
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if ea, eb := rank(eps, a.ep), rank(eps, b.ep); ea != eb {
			return ea < eb
		}
		return rank(plan.Strategies, a.strat) < rank(plan.Strategies, b.strat)
	})
	var out []caseView
	for _, c := range cases {
		cv := caseView{Title: fmt.Sprintf("%s %d", msg(lang, "case"), c+1)}
		// The case's kind comes from the plan; a case the plan does not
		// have (an edited plan) takes its results' kind.
		kind := ""
		if set, pc, ok := plan.CaseAt(c); ok {
			kind = set.Kind
			if set.Name != "" {
				cv.Title += " — " + red.clean(set.Name)
			}
			cv.Facts = caseFacts(lang, kind, pc, red)
		}
		for _, k := range order {
			if k.c == c && kind == "" {
				kind = first[k].CaseKind()
			}
		}
		cv.Outputs.Head = outputHead(lang, kind)
		for _, k := range order {
			if k.c != c {
				continue
			}
			r := first[k]
			a, b, text := outputCells(lang, kind, r, red)
			text = ellipsis(text, outputRunes)
			if r.ErrorClass != "" {
				b = "–"
				if kind == advisor.CaseKindEmbedding || kind == advisor.CaseKindTranscription {
					a = "–"
				}
				text = msg(lang, "error") + ": " + msg(lang, "err."+r.ErrorClass)
				if strings.HasPrefix(text, msg(lang, "error")+": err.") {
					text = msg(lang, "error") + ": " + r.ErrorClass
				}
			}
			name := r.Model
			if name == "" {
				name = r.Endpoint
			}
			cv.Outputs.Rows = append(cv.Outputs.Rows, []string{red.clean(shortName(name, 28)), a, b, text})
		}
		out = append(out, cv)
	}
	return out, note
}

// nextSteps is the advice after the evidence: the best combination found,
// endpoints that failed completely, then the steps for the main strategy.
func nextSteps(in Input, lang string, rows []advisor.SummaryRow) []string {
	var out []string
	b := bestRows(rows)
	// The chat result is the verdict's pick, never "the best" by quality
	// alone: a model that got everything wrong is no next step.
	if b.chat != nil {
		if vd := verdictFor(in); vd != nil {
			if vd.Pick != nil {
				out = append(out, msg(lang, "next.pick", vd.Pick.Endpoint, strategyLabel(vd.Pick.Strategy), vd.Pick.Reason))
			} else {
				out = append(out, msg(lang, "next.no_pick", vd.Summary))
			}
		}
	}
	if r := b.emb; r != nil {
		out = append(out, msg(lang, "next.best_embedding", modelName(*r), r.Embedding.K, pct(lang, r.Embedding.RecallAtK), num(lang, r.Embedding.MRR, 2)))
	}
	if r := b.tr; r != nil {
		out = append(out, msg(lang, "next.best_transcription", modelName(*r), pct(lang, r.Transcription.WER)))
	}
	if r := b.img; r != nil {
		out = append(out, msg(lang, "next.best_image", modelName(*r), pct(lang, r.Image.AcceptanceRate), r.Image.Rated))
	}
	if b.unrated > 0 {
		out = append(out, msg(lang, "next.rate_images", b.unrated))
	}
	out = append(out, failedSteps(in, lang, rows)...)
	if in.Run == nil {
		out = append(out, msg(lang, "next.no_run"))
	}
	return append(out, strategySteps(in, lang, b.chat)...)
}

// bestOf is the best row of each kind of case and how many images wait for
// a rating.
type bestOf struct {
	chat, emb, tr, img *advisor.SummaryRow
	unrated            int
}

// bestRows picks the best row of each kind: chat by quality (then cost,
// then latency), embeddings by recall (then MRR), transcription by word
// error rate, images by acceptance; rows where everything failed never.
func bestRows(rows []advisor.SummaryRow) bestOf {
	var b bestOf
	for i := range rows {
		r := &rows[i]
		if r.AllFailed {
			continue
		}
		switch r.Kind {
		case advisor.CaseKindEmbedding:
			if e := r.Embedding; e != nil && e.Queries > 0 && (b.emb == nil || e.RecallAtK > b.emb.Embedding.RecallAtK ||
				(e.RecallAtK == b.emb.Embedding.RecallAtK && e.MRR > b.emb.Embedding.MRR)) {
				b.emb = r
			}
		case advisor.CaseKindTranscription:
			if r.Transcription != nil && (b.tr == nil || r.Transcription.WER < b.tr.Transcription.WER) {
				b.tr = r
			}
		case advisor.CaseKindImage:
			if im := r.Image; im != nil {
				b.unrated += im.Images - im.Rated
				if im.Rated > 0 && (b.img == nil || im.AcceptanceRate > b.img.Image.AcceptanceRate) {
					b.img = r
				}
			}
		default:
			if r.Scored > 0 && betterChat(r, b.chat) {
				b.chat = r
			}
		}
	}
	return b
}

// betterChat tells whether chat row r beats best (nil: no best yet).
func betterChat(r, best *advisor.SummaryRow) bool {
	return best == nil || r.Quality > best.Quality ||
		(r.Quality == best.Quality && (r.CostPer1K < best.CostPer1K || (r.CostPer1K == best.CostPer1K && r.LatencyP50 < best.LatencyP50)))
}

// failedSteps says, for each model and strategy where every request failed,
// which errors it got.
func failedSteps(in Input, lang string, rows []advisor.SummaryRow) []string {
	var out []string
	for _, r := range rows {
		if !r.AllFailed {
			continue
		}
		cls := map[string]bool{}
		for _, x := range in.Results {
			if x.Endpoint == r.Endpoint && x.Strategy == r.Strategy && x.Set == r.Set && x.ErrorClass != "" {
				cls[x.ErrorClass] = true
			}
		}
		var names []string
		for c := range cls {
			names = append(names, msg(lang, "err."+c))
		}
		sort.Strings(names)
		out = append(out, msg(lang, "next.failed", modelName(r)+" / "+strategyLabel(r.Strategy), strings.Join(names, ", ")))
	}
	return out
}

// strategySteps are the next steps of the primary strategy: the
// recommendation's, else prompting (or RAG) after the best chat row.
func strategySteps(in Input, lang string, best *advisor.SummaryRow) []string {
	primary := ""
	if in.Recommendation != nil {
		primary = in.Recommendation.Strategy.Primary
	} else if best != nil {
		primary = advisor.StepPrompting
		if best.Strategy == advisor.StrategyRAG {
			primary = advisor.StepRAG
		}
	}
	if primary == "" {
		return nil
	}
	var out []string
	for i := 1; i <= 3; i++ {
		if k := fmt.Sprintf("next.%s%d", primary, i); messages[k] != [2]string{} {
			out = append(out, msg(lang, k))
		}
	}
	return out
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}

// redactor removes secrets that might have leaked into stored text — a
// server echoing a key in an error, a key pasted into a prompt — before any
// export writes it: the values of the variables the plan names for its keys,
// of any variable in the environment whose name says it holds a secret, and
// the keys the caller knows (Input.Secrets). It is internal/redact's, the
// one the live test stores through.
type redactor struct{ r *redact.Redactor }

func newRedactor(in Input) *redactor {
	var names []string
	if in.Run != nil {
		p := in.Run.Plan
		for _, e := range planEndpoints(p) {
			names = append(names, e.APIKeyEnv)
		}
		for _, e := range []*advisor.Endpoint{p.Embedding, p.Judge} {
			if e != nil {
				names = append(names, e.APIKeyEnv)
			}
		}
	}
	red := secretsFrom(names)
	red.r.Add(in.Secrets...)
	return red
}

func secretsFrom(names []string) *redactor { return &redactor{redact.FromEnv(names...)} }

func (r *redactor) clean(s string) string {
	if r == nil {
		return redact.New().Clean(s)
	}
	return r.r.Clean(s)
}

// bareURL drops what may carry a credential from a base URL: user
// information, the query and the fragment.
func bareURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			raw = raw[:i]
		}
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			raw = raw[i+1:]
		}
		return raw
	}
	u.User, u.RawQuery, u.Fragment, u.RawFragment = nil, "", "", ""
	return u.String()
}

// answerValue shows one answer value: a choice by its label, a number in
// the language's notation, a date as the language writes dates, a code as
// it is.
func answerValue(lang string, q advisor.Question, x string, lbl func(key, raw string) string) string {
	switch q.Kind {
	case advisor.KindNumber:
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			dec := 2
			if f == math.Trunc(f) {
				dec = 0
			}
			return num(lang, f, dec)
		}
	case advisor.KindDate:
		if t, err := time.Parse("2006-01-02", x); err == nil && isPT(lang) {
			return t.Format("02/01/2006")
		}
	case advisor.KindChoice:
		return lbl("v."+q.Key+"."+x, x)
	}
	return x
}
