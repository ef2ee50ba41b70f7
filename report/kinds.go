package report

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/locale"
)

// caseKinds is the order in which a report shows the kinds of case.
var caseKinds = []string{advisor.CaseKindChat, advisor.CaseKindEmbedding, advisor.CaseKindTranscription, advisor.CaseKindImage}

// galleryImages caps the images a report shows; the CSV and JSON exports
// list every artifact.
const galleryImages = 60

// resultTable is one kind's summary table. The columns from NumFrom on hold
// numbers (right-aligned); Widths are the PDF's relative column widths.
type resultTable struct {
	Title   string // the kind's name; empty when the run has chat cases only
	Notes   []string
	NumFrom int
	Widths  []float64
	table
}

// planEndpoints is every endpoint of the plan, the top-level ones first,
// then those only a case set names, each name once.
func planEndpoints(p advisor.Plan) []advisor.Endpoint {
	seen := map[string]bool{}
	var out []advisor.Endpoint
	add := func(eps []advisor.Endpoint) {
		for _, e := range eps {
			if !seen[e.Name] {
				seen[e.Name] = true
				out = append(out, e)
			}
		}
	}
	add(p.Endpoints)
	for _, s := range p.CaseSets {
		add(s.Endpoints)
	}
	return out
}

func kindLabel(lang, kind string) string { return msg(lang, "kind."+kind) }

// resultTables lays the summary rows out as one table per kind of case, in
// caseKinds order. Every figure comes from advisor.Summarize; a figure that
// cannot be known says so ("n/a", "not rated") instead of showing a zero.
func resultTables(lang string, cur locale.Formatter, rows []advisor.SummaryRow, unpriced func(string) bool, red *redactor) (tables []resultTable, free bool) {
	byKind := map[string][]advisor.SummaryRow{}
	free = true
	for _, r := range rows {
		k := r.Kind
		if k == "" {
			k = advisor.CaseKindChat
		}
		byKind[k] = append(byKind[k], r)
		free = free && r.CostUSD == 0
	}
	onlyChat := len(byKind) == 1 && byKind[advisor.CaseKindChat] != nil
	for _, kind := range caseKinds {
		rs := byKind[kind]
		if len(rs) == 0 {
			continue
		}
		withSet := false
		for _, r := range rs {
			withSet = withSet || r.Set != ""
		}
		t := kindTable(lang, cur, kind, rs, withSet, unpriced, red)
		if !onlyChat {
			t.Title = kindLabel(lang, kind)
		}
		tables = append(tables, t)
	}
	return tables, free
}

func kindTable(lang string, cur locale.Formatter, kind string, rs []advisor.SummaryRow, withSet bool, unpriced func(string) bool, red *redactor) resultTable {
	k := kindTabler{lang: lang, cur: cur, withSet: withSet, unpriced: unpriced, red: red}
	t := resultTable{Widths: []float64{30}}
	t.Head = []string{msg(lang, "col.model")}
	if withSet {
		t.Head = append(t.Head, msg(lang, "col.set"))
		t.Widths = append(t.Widths, 14)
	}
	switch kind {
	case advisor.CaseKindEmbedding:
		k.embedding(&t, rs)
	case advisor.CaseKindTranscription:
		k.transcription(&t, rs)
	case advisor.CaseKindImage:
		k.image(&t, rs)
	default:
		k.chat(&t, rs)
	}
	if t.NumFrom == 0 {
		t.NumFrom = 1
		if withSet {
			t.NumFrom = 2
		}
	}
	return t
}

// kindTabler fills the results table of one kind of case: its columns
// after the model (and set) and a row per summary row.
type kindTabler struct {
	lang     string
	cur      locale.Formatter
	withSet  bool
	unpriced func(string) bool
	red      *redactor
}

const tableDash = "–"

// cost formats a row's cost, or says the endpoint has no known price.
func (k kindTabler) cost(r advisor.SummaryRow, v float64) string {
	if k.unpriced(r.Endpoint) {
		return msg(k.lang, "no_price")
	}
	return usd(k.cur, v)
}

// lead is a row's first cells: the model and, when the table has one, the set.
func (k kindTabler) lead(r advisor.SummaryRow) []string {
	cells := []string{k.red.clean(modelName(r))}
	if k.withSet {
		cells = append(cells, k.red.clean(r.Set))
	}
	return cells
}

// cols appends the columns named by the message keys.
func (k kindTabler) cols(t *resultTable, keys ...string) {
	for _, key := range keys {
		t.Head = append(t.Head, msg(k.lang, key))
	}
}

func (k kindTabler) count(n int) string { return num(k.lang, float64(n), 0) }

func (k kindTabler) embedding(t *resultTable, rs []advisor.SummaryRow) {
	lang := k.lang
	k.cols(t, "col.requests", "col.errors", "col.recall", "col.mrr", "col.p50", "col.documents", "col.index_s", "col.cost")
	t.Widths = append(t.Widths, 16, 10, 16, 10, 14, 16, 15, 17)
	for _, r := range rs {
		e := r.Embedding
		if e == nil {
			e = &advisor.EmbeddingSummary{}
		}
		recall, mrr, p50 := tableDash, tableDash, tableDash
		if e.Queries > 0 {
			recall = pct(lang, e.RecallAtK)
			if e.K > 0 {
				recall += fmt.Sprintf(" (k=%d)", e.K)
			}
			mrr = num(lang, e.MRR, 2)
			p50 = ms(lang, r.LatencyP50)
		}
		index := num(lang, e.IndexMs/1000, 1)
		if e.IndexFailed {
			index = msg(lang, "index_failed")
		}
		t.Rows = append(t.Rows, append(k.lead(r), k.count(r.Requests), k.count(r.Errors), recall, mrr, p50, k.count(e.Documents), index, k.cost(r, r.CostUSD)))
	}
	t.Notes = []string{msg(lang, "note.embedding"), msg(lang, "note.index_cost")}
}

func (k kindTabler) transcription(t *resultTable, rs []advisor.SummaryRow) {
	lang := k.lang
	na := msg(lang, "na")
	k.cols(t, "col.requests", "col.errors", "col.wer", "col.rtf", "col.audio_s", "col.cost_min", "col.p50")
	t.Widths = append(t.Widths, 16, 10, 11, 10, 12, 17, 14)
	for _, r := range rs {
		tr := r.Transcription
		if tr == nil {
			tr = &advisor.TranscriptionSummary{}
		}
		wer, rtf, perMin, p50 := tableDash, na, na, tableDash
		if !r.AllFailed {
			wer, p50 = pct(lang, tr.WER), ms(lang, r.LatencyP50)
		}
		if tr.Timed > 0 {
			rtf = num(lang, tr.RTF, 2)
			perMin = k.cost(r, tr.CostPerMin)
		}
		t.Rows = append(t.Rows, append(k.lead(r), k.count(r.Requests), k.count(r.Errors), wer, rtf, num(lang, tr.AudioSeconds, 1), perMin, p50))
	}
	t.Notes = []string{msg(lang, "note.transcription")}
}

func (k kindTabler) image(t *resultTable, rs []advisor.SummaryRow) {
	lang := k.lang
	k.cols(t, "col.requests", "col.errors", "col.s_image", "col.cost_image", "col.rated", "col.acceptance")
	t.Widths = append(t.Widths, 16, 10, 15, 15, 14, 16)
	for _, r := range rs {
		im := r.Image
		if im == nil {
			im = &advisor.ImageSummary{}
		}
		sec, perImage, acc := tableDash, tableDash, msg(lang, "not_rated")
		if im.Images > 0 {
			sec, perImage = num(lang, im.SecondsPerImage, 1), k.cost(r, im.CostPerImage)
		}
		if im.Rated > 0 {
			acc = pct(lang, im.AcceptanceRate)
		}
		rated := msg(lang, "rated_of", im.Rated, im.Images)
		t.Rows = append(t.Rows, append(k.lead(r), k.count(r.Requests), k.count(r.Errors), sec, perImage, rated, acc))
	}
	t.Notes = []string{msg(lang, "note.image")}
}

// chat has wider model (and set) columns than the other kinds.
func (k kindTabler) chat(t *resultTable, rs []advisor.SummaryRow) {
	lang := k.lang
	k.cols(t, "col.strategy", "col.requests", "col.errors", "col.quality", "col.pass", "col.p50", "col.p95", "col.ttft", "col.tps", "col.cost1k")
	t.Widths = []float64{38}
	if k.withSet {
		t.Widths = append(t.Widths, 16)
	}
	t.Widths = append(t.Widths, 16.5, 18, 10.5, 15, 15, 13.5, 13.5, 13.5, 13, 15)
	for _, r := range rs {
		q, p50, p95, ttft, tps, c1k := tableDash, tableDash, tableDash, tableDash, tableDash, tableDash
		if !r.AllFailed {
			p50, p95, c1k = ms(lang, r.LatencyP50), ms(lang, r.LatencyP95), k.cost(r, r.CostPer1K)
			if r.Scored > 0 {
				q = pct(lang, r.Quality)
			}
			if r.TTFTP50 > 0 {
				ttft = ms(lang, r.TTFTP50)
			}
			if r.TokensPerSec > 0 {
				tps = num(lang, r.TokensPerSec, 0)
			}
		}
		t.Rows = append(t.Rows, append(k.lead(r), strategyLabel(r.Strategy), k.count(r.Requests), k.count(r.Errors), q, pct(lang, r.PassRate), p50, p95, ttft, tps, c1k))
	}
	t.NumFrom = len(t.Head) - 9
}

// setFact lists the plan's case sets: "search — Search (embeddings), 3 cases".
func setFact(lang string, p advisor.Plan, red *redactor) string {
	var parts []string
	for _, s := range p.CaseSets {
		kind := s.Kind
		if kind == "" {
			kind = advisor.CaseKindChat
		}
		parts = append(parts, fmt.Sprintf("%s — %s, %s", red.clean(s.Name), kindLabel(lang, kind), msg(lang, "n_cases", len(s.Cases))))
	}
	return strings.Join(parts, "; ")
}

// caseFacts are the lines shown above a case's outputs: the prompt and the
// accepted answer for chat (and the picture sent with it), the query and
// its relevant documents for embeddings, the audio file and the reference
// for transcriptions, the prompt for images.
func caseFacts(lang, kind string, c advisor.Case, red *redactor) []pair {
	var out []pair
	add := func(key, v string) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, pair{msg(lang, key), red.clean(v)})
		}
	}
	switch kind {
	case advisor.CaseKindEmbedding:
		add("query", c.Input)
		add("relevant", strings.Join(c.Relevant, ", "))
	case advisor.CaseKindTranscription:
		add("audio", filepath.Base(filepath.FromSlash(c.Audio)))
		add("reference", c.Expected)
	case advisor.CaseKindImage:
		add("prompt", c.Input)
	default:
		add("input", c.Input)
		if c.Image != "" {
			add("image_input", filepath.Base(filepath.FromSlash(c.Image)))
		}
		add("expected", c.Expected)
	}
	return out
}

// outputHead is the head of a case's outputs table for its kind.
func outputHead(lang, kind string) []string {
	switch kind {
	case advisor.CaseKindEmbedding:
		return []string{msg(lang, "col.model"), msg(lang, "col.recall"), msg(lang, "col.rr"), msg(lang, "col.top_ranked")}
	case advisor.CaseKindTranscription:
		return []string{msg(lang, "col.model"), msg(lang, "col.wer"), msg(lang, "col.rtf"), msg(lang, "col.transcript")}
	}
	return []string{msg(lang, "col.model"), msg(lang, "col.strategy"), msg(lang, "col.score"), msg(lang, "col.output")}
}

// outputCells are a successful result's middle columns and its text for its
// kind.
func outputCells(lang, kind string, r advisor.Result, red *redactor) (a, b, text string) {
	figure := func(key string, format func(float64) string) string {
		if v, ok := r.Metrics[key]; ok {
			return format(v)
		}
		return "–"
	}
	switch kind {
	case advisor.CaseKindEmbedding:
		ids := strings.Join(strings.Fields(red.clean(r.Output)), ", ")
		return figure(advisor.MetricRecallAtK, func(v float64) string { return pct(lang, v) }),
			figure(advisor.MetricReciprocalRank, func(v float64) string { return num(lang, v, 2) }), ids
	case advisor.CaseKindTranscription:
		rtf := figure(advisor.MetricRTF, func(v float64) string { return num(lang, v, 2) })
		if r.Metrics[advisor.MetricAudioSeconds] <= 0 {
			rtf = msg(lang, "na")
		}
		return figure(advisor.MetricWER, func(v float64) string { return pct(lang, v) }), rtf, strings.TrimSpace(red.clean(r.Output))
	}
	return strategyLabel(r.Strategy), pct(lang, r.Score), strings.TrimSpace(red.clean(r.Output))
}

// galleryItem is one generated image with what the reader needs to judge
// it. File is where the image should be; Missing says it is not there.
type galleryItem struct {
	Model, Prompt, Facts string
	Verdict, VerdictKey  string // VerdictKey: accepted | rejected | unrated
	Alt                  string
	File                 string
	Missing              bool
	Note                 string // why the image is not shown
	Unreadable           string // the note for an image that is there but cannot be read
	Link                 string // Markdown: the copy beside the report
}

// gallery collects the run's generated images in case order, then plan
// endpoint order, then repeat; at most galleryImages of them.
func gallery(in Input, lang string, red *redactor) ([]galleryItem, string) {
	var rs []advisor.Result
	for _, r := range in.Results {
		if r.Artifact != "" && r.ErrorClass == "" {
			rs = append(rs, r)
		}
	}
	if len(rs) == 0 {
		return nil, ""
	}
	var eps []string
	if in.Run != nil {
		for _, e := range planEndpoints(in.Run.Plan) {
			eps = append(eps, e.Name)
		}
	}
	rank := func(v string) int {
		if i := indexOf(eps, v); i >= 0 {
			return i
		}
		return len(eps)
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Case != b.Case {
			return a.Case < b.Case
		}
		if ra, rb := rank(a.Endpoint), rank(b.Endpoint); ra != rb {
			return ra < rb
		}
		return a.Repeat < b.Repeat
	})
	note := ""
	if len(rs) > galleryImages {
		note = msg(lang, "gallery_limited", galleryImages, len(rs))
		rs = rs[:galleryImages]
	}
	var out []galleryItem
	for _, r := range rs {
		name := r.Model
		if name == "" {
			name = r.Endpoint
		}
		it := galleryItem{Model: red.clean(shortName(name, 28))}
		if in.Run != nil {
			if _, c, ok := in.Run.Plan.CaseAt(r.Case); ok {
				it.Prompt = ellipsis(strings.Join(strings.Fields(red.clean(c.Input)), " "), 90)
			}
		}
		c := usd(in.money(), r.CostUSD)
		if in.unpriced(r.Endpoint) {
			c = msg(lang, "no_price")
		}
		it.Facts = ms(lang, r.LatencyMs) + " · " + c
		switch {
		case r.Verdict == nil:
			it.VerdictKey = "unrated"
			it.Verdict = msg(lang, "not_rated")
		case *r.Verdict:
			it.VerdictKey = "accepted"
			it.Verdict = msg(lang, "accepted")
		default:
			it.VerdictKey = "rejected"
			it.Verdict = msg(lang, "rejected")
		}
		it.Alt = it.Model
		if it.Prompt != "" {
			it.Alt += " — " + it.Prompt
		}
		it.File = artifactPath(in.ArtifactRoot, r.Artifact)
		it.Unreadable = msg(lang, "unreadable_image", filepath.Base(r.Artifact))
		if st, err := os.Stat(it.File); err != nil || !st.Mode().IsRegular() {
			it.Missing = true
			it.Note = msg(lang, "missing_image", filepath.Base(r.Artifact))
		}
		out = append(out, it)
	}
	return out, note
}

// artifactPath resolves a stored artifact path: absolute as is, else
// relative to the database's folder (root).
func artifactPath(root, p string) string {
	p = filepath.FromSlash(p)
	if filepath.IsAbs(p) || root == "" {
		return p
	}
	return filepath.Join(root, p)
}
