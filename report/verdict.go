package report

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
)

// verdictView is the report's first page: the pick and why, every candidate
// against every criterion with its interval, and where the criteria come
// from.
type verdictView struct {
	Headline   string // "Our pick: …" or "No pick"
	Reason     string
	Picked     bool
	Change     string
	Criteria   table // criterion | target | where it comes from
	Candidates table // option | quality (95 % range) | first answer p95 | total p95 | monthly | errors | vs best | meets all
	Sentences  []string
	Detectable string
	Notes      []string
	Method     string
	// What people said (issue 16): each option's score from people and its
	// blind win rate, both with their 95 % ranges, beside the automatic
	// figure; the pairs compared blind and whether the LLM judge agrees.
	People         table
	PeopleLines    []string
	JudgeDisagrees bool
}

// verdictFor is the run's verdict: the caller's, or computed from the
// results with the run's stored acceptance criteria.
func verdictFor(in Input) *verdict.Verdict {
	if in.Verdict != nil {
		if in.Verdict.HumanPairs == nil && in.Verdict.HumanJudge == nil && !in.People.Empty() && !hasHuman(*in.Verdict) {
			v := *in.Verdict
			v.Candidates = append([]verdict.Candidate(nil), v.Candidates...)
			verdict.AddPeople(&v, in.Results, in.People)
			return &v
		}
		return in.Verdict
	}
	if in.Run == nil || len(in.Results) == 0 {
		return nil
	}
	eps := map[string]advisor.Endpoint{}
	for _, s := range in.Run.Plan.Sets() {
		for _, ep := range s.Endpoints {
			eps[ep.Name] = ep
		}
	}
	v := verdict.Compute(verdict.Input{
		RunID: in.Run.ID, Results: in.Results, Criteria: verdict.FromAcceptance(in.Run.Plan.Acceptance), Lang: in.Lang,
		Currency: in.rate().Currency, PerUSD: in.rate().PerUSD,
		PriceKnown: func(ep string) bool { return !in.unpriced(ep) },
		IsLocal:    func(ep string) bool { return verdict.LocalEndpoint(eps[ep]) },
	})
	verdict.AddPeople(&v, in.Results, in.People)
	return &v
}

// hasHuman reports whether people's figures are already in the verdict.
func hasHuman(v verdict.Verdict) bool {
	for _, c := range v.Candidates {
		if c.HumanQuality != nil || c.HumanWinRate != nil {
			return true
		}
	}
	return false
}

func buildVerdict(in Input, lang string, lbl func(key, raw string) string, red *redactor) *verdictView {
	v := verdictFor(in)
	if v == nil || len(v.Candidates) == 0 {
		return nil
	}
	out := &verdictView{Reason: red.clean(v.Summary), Detectable: verdict.DetectableSentence(lang, v.Cases)}
	if v.Pick != nil {
		out.Picked = true
		out.Headline = msg(lang, "verdict.pick", v.Pick.Endpoint, strategyLabel(v.Pick.Strategy))
	} else {
		out.Headline = msg(lang, "verdict.no_pick")
	}
	if v.Change != nil && v.Pick == nil {
		out.Change = "" // the summary already ends with the change
	}
	// Criteria and their sources.
	out.Criteria.Head = []string{msg(lang, "verdict.col.criterion"), msg(lang, "verdict.col.target"), msg(lang, "verdict.col.source")}
	var sources []advisor.AcceptanceSource
	if in.Run != nil && in.Run.Plan.Acceptance != nil {
		sources = in.Run.Plan.Acceptance.Sources
	}
	src := func(field string) string {
		for _, s := range sources {
			if s.Field == field {
				t := s.WhyIn(lang)
				if s.Source != "" {
					t += " (" + s.Source + ")"
				}
				return answerLabel(s.Answer, lbl) + ": " + t
			}
		}
		return msg(lang, "verdict.src.plan")
	}
	cr := v.Criteria
	addCrit := func(name, field string, val *float64, format func(float64) string, unset string) {
		if val == nil {
			out.Criteria.Rows = append(out.Criteria.Rows, []string{msg(lang, name), unset, msg(lang, "verdict.src.none")})
			return
		}
		out.Criteria.Rows = append(out.Criteria.Rows, []string{msg(lang, name), format(*val), src(field)})
	}
	addCrit("verdict.crit.quality", "min_quality", cr.MinQuality, func(x float64) string { return pct(lang, x) }, msg(lang, "verdict.unset.quality"))
	addCrit("verdict.crit.first", "first_answer_p95_ms", cr.FirstAnswerP95Ms, func(x float64) string { return "≤ " + ms(lang, x) }, msg(lang, "verdict.unset"))
	addCrit("verdict.crit.total", "total_p95_ms", cr.TotalP95Ms, func(x float64) string { return "≤ " + ms(lang, x) }, msg(lang, "verdict.unset"))
	addCrit("verdict.crit.cost", "max_monthly_usd", cr.MaxMonthlyUSD, func(x float64) string { return "≤ " + usd(in.money(), x) }, msg(lang, "verdict.unset"))
	vol := float64(verdict.DefaultVolumePerDay)
	if cr.VolumePerDay != nil {
		vol = *cr.VolumePerDay
	}
	volSrc := msg(lang, "verdict.src.default_volume")
	if cr.VolumePerDay != nil {
		volSrc = src("volume_per_day")
	}
	out.Criteria.Rows = append(out.Criteria.Rows, []string{msg(lang, "verdict.crit.volume"), num(lang, vol, 0), volSrc})
	out.Criteria.Rows = append(out.Criteria.Rows, []string{msg(lang, "verdict.crit.errors"), "< 5%", msg(lang, "verdict.src.errors")})
	if cr.LocalOnly != nil && *cr.LocalOnly {
		out.Criteria.Rows = append(out.Criteria.Rows, []string{msg(lang, "verdict.crit.local"), msg(lang, "verdict.yes"), src("local_only")})
	}

	out.Candidates.Head = []string{msg(lang, "verdict.col.option"), msg(lang, "verdict.col.quality"), msg(lang, "verdict.col.first"),
		msg(lang, "verdict.col.total"), msg(lang, "verdict.col.monthly"), msg(lang, "verdict.col.errors"), msg(lang, "verdict.col.vs"), msg(lang, "verdict.col.meets")}
	for _, c := range v.Candidates {
		p95 := func(x *float64) string {
			if x == nil {
				return msg(lang, "verdict.too_few", c.LatencyRequests)
			}
			return ms(lang, *x)
		}
		monthly := msg(lang, "no_price")
		if c.MonthlyUSD != nil {
			monthly = usd(in.money(), *c.MonthlyUSD)
		}
		meets := msg(lang, "verdict.yes")
		if len(c.Fails) > 0 {
			var names []string
			for _, f := range c.Fails {
				names = append(names, verdict.FailName(lang, f))
			}
			meets = msg(lang, "verdict.misses", strings.Join(names, "; "))
		}
		label := c.Endpoint + " · " + strategyLabel(c.Strategy)
		if v.Pick != nil && v.Pick.Endpoint == c.Endpoint && v.Pick.Strategy == c.Strategy {
			label = "★ " + label
		}
		out.Candidates.Rows = append(out.Candidates.Rows, []string{
			label,
			fmt.Sprintf("%s (%s–%s)", pct(lang, c.Quality), pct(lang, c.QualityCI[0]), pct(lang, c.QualityCI[1])),
			p95(c.FirstAnswerP95Ms), p95(c.TotalP95Ms), monthly, pct(lang, c.ErrorRate),
			msg(lang, "verdict.vs."+c.VsBest), meets,
		})
		out.Sentences = append(out.Sentences, red.clean(c.Sentence))
	}
	out.Notes = append(out.Notes, v.Notes...)
	out.Method = msg(lang, "verdict.method")
	addPeople(out, v, lang)
	return out
}

// addPeople fills the "What people said" part of the verdict, when people
// rated or compared answers.
func addPeople(out *verdictView, v *verdict.Verdict, lang string) {
	has := v.HumanJudge != nil || len(v.HumanPairs) > 0
	for _, c := range v.Candidates {
		has = has || c.HumanQuality != nil || c.HumanWinRate != nil
	}
	if !has {
		return
	}
	out.People.Head = []string{msg(lang, "verdict.col.option"), msg(lang, "people.col.auto"), msg(lang, "people.col.score"), msg(lang, "people.col.wins")}
	rng := func(x float64, ci [2]float64) string {
		return fmt.Sprintf("%s (%s–%s)", pct(lang, x), pct(lang, ci[0]), pct(lang, ci[1]))
	}
	for _, c := range v.Candidates {
		score, wins := "—", "—"
		if c.HumanQuality != nil {
			score = msg(lang, "people.over", rng(*c.HumanQuality, *c.HumanCI), c.HumanRated)
		}
		if c.HumanWinRate != nil {
			wins = msg(lang, "people.of", rng(*c.HumanWinRate, *c.HumanWinCI), c.HumanJudged)
		}
		out.People.Rows = append(out.People.Rows, []string{c.Endpoint + " · " + strategyLabel(c.Strategy), rng(c.Quality, c.QualityCI), score, wins})
	}
	for _, p := range v.HumanPairs {
		out.PeopleLines = append(out.PeopleLines, p.Sentence)
	}
	if j := v.HumanJudge; j != nil {
		line := j.Sentence
		if !j.Trusted {
			line = msg(lang, "people.judge_flag") + " " + line
		}
		out.PeopleLines = append(out.PeopleLines, line)
		out.JudgeDisagrees = !j.Trusted
	}
}

// splitVerdictChart takes the verdict chart out of the list: it belongs on
// the first page, with the verdict, not among the evidence charts.
func splitVerdictChart(charts []Chart) (*Chart, []Chart) {
	var vc *Chart
	rest := make([]Chart, 0, len(charts))
	for i := range charts {
		if charts[i].Name == "verdict" {
			vc = &charts[i]
			continue
		}
		rest = append(rest, charts[i])
	}
	return vc, rest
}

// renderVerdict writes the verdict section of the PDF, on its own first page.
func (d *pdfDoc) renderVerdict(v *view, vc *Chart) {
	vv := v.Verdict
	d.h2(v.H("sec.verdict"))
	d.font("B", 13)
	if vv.Picked {
		d.color(27, 94, 32)
	} else {
		d.color(183, 28, 28)
	}
	d.f.MultiCell(0, 6.5, pdfSafe(vv.Headline), "", "L", false)
	d.color(0, 0, 0)
	d.para(vv.Reason)
	d.h3(v.H("verdict.options"))
	d.table(vv.Candidates, []float64{2.4, 1.7, 1.5, 1.5, 1.2, 0.8, 1, 2.2}, nil, 7.5)
	if vc != nil {
		d.chart(*vc)
	}
	d.h3(v.H("verdict.criteria"))
	d.table(vv.Criteria, []float64{2.2, 1.6, 6}, nil, 7.5)
	d.h3(v.H("verdict.compare"))
	d.bullets(vv.Sentences, nil)
	d.note(vv.Detectable)
	for _, n := range vv.Notes {
		d.note(n)
	}
	d.note(vv.Method)
	if len(vv.People.Rows) > 0 {
		d.h3(v.H("people.title"))
		d.table(vv.People, []float64{2.4, 2, 2.4, 2.4}, nil, 7.5)
		d.bullets(vv.PeopleLines, nil)
		d.note(v.H("people.method"))
	}
}

// mdVerdict writes the verdict section of the Markdown report.
func mdVerdict(b *bytes.Buffer, v *view, vc *Chart, images map[string]string) {
	vv := v.Verdict
	fmt.Fprintf(b, "## %s\n\n**%s**\n\n%s\n\n", v.H("sec.verdict"), mdText(vv.Headline), mdText(vv.Reason))
	fmt.Fprintf(b, "### %s\n\n", v.H("verdict.options"))
	mdTable(b, vv.Candidates)
	if vc != nil {
		fmt.Fprintf(b, "\n![%s](%s)\n", mdText(vc.Title), images[vc.Name])
	}
	fmt.Fprintf(b, "\n### %s\n\n", v.H("verdict.criteria"))
	mdTable(b, vv.Criteria)
	mdList(b, v.H("verdict.compare"), vv.Sentences)
	fmt.Fprintf(b, "\n_%s_\n\n", mdText(vv.Detectable))
	for _, n := range vv.Notes {
		fmt.Fprintf(b, "_%s_\n\n", mdText(n))
	}
	fmt.Fprintf(b, "_%s_\n\n", mdText(vv.Method))
	if len(vv.People.Rows) > 0 {
		fmt.Fprintf(b, "### %s\n\n", v.H("people.title"))
		mdTable(b, vv.People)
		b.WriteString("\n")
		for _, l := range vv.PeopleLines {
			fmt.Fprintf(b, "- %s\n", mdText(l))
		}
		fmt.Fprintf(b, "\n_%s_\n\n", mdText(v.H("people.method")))
	}
}

// answerLabel writes a source's "key=value" in words: "Cost of a mistake:
// It costs money or customers".
func answerLabel(kv string, lbl func(key, raw string) string) string {
	k, v, ok := strings.Cut(kv, "=")
	if !ok || lbl == nil {
		return kv
	}
	return lbl("q."+k+".short", k) + " — " + lbl("v."+k+"."+v, v)
}
