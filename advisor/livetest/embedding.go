package livetest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	openai "github.com/sashabaranov/go-openai"
)

// EmbedBatch is how many texts one /v1/embeddings request carries when the
// documents of an embedding set are embedded.
const EmbedBatch = 64

// timed is what a measured request saw: when it was written and when its
// answer was read (monotonic).
type timed struct {
	wrote, ended time.Time
	attempts     int
}

func (t timed) latency() time.Duration { return t.ended.Sub(t.wrote) }

// timedCall is rp.call that also measures the last attempt from the moment
// the request was written.
func timedCall(ctx context.Context, timeout time.Duration, rp retryPolicy, f func(actx context.Context) error) (timed, *CallError) {
	var t timed
	n, ce := rp.call(ctx, timeout, func(actx context.Context, pr *probe) error {
		start := time.Now()
		err := f(actx)
		t.ended = time.Now()
		t.wrote = pr.snapshot().wrote
		if t.wrote.IsZero() {
			t.wrote = start
		}
		return err
	})
	t.attempts = n
	return t, ce
}

// settle ends a measured request of a case that is not chat: it frees the
// concurrency slot and stamps the result's times and latency. A failure is
// recorded as the result; settle then reports false, as it does when the
// run was cancelled (the cell stays undone, for a resume).
func (r *run) settle(ctx context.Context, er *endpointRunner, res *advisor.Result, t timed, ce *CallError) bool {
	r.release()
	if ctx.Err() != nil {
		return false
	}
	res.StartedAt, res.EndedAt = wallClock(t.wrote).UTC(), wallClock(t.ended).UTC()
	if ce != nil {
		res.ErrorClass, res.ErrorMessage = ce.Class, ce.Msg
		if !ce.Local {
			er.brk.observe(res.ErrorClass, res.ErrorMessage)
		}
		r.record(ctx, res)
		return false
	}
	er.brk.observe("", "")
	res.LatencyMs = ms(t.latency())
	return true
}

// embedded is one /v1/embeddings request's vectors and usage.
type embedded struct {
	vecs      [][]float32
	tokens    int
	estimated bool
	timed
}

// embedTexts embeds texts in one request. It asks for base64 vectors (a
// quarter of the bytes of JSON floats; OpenAI and llama.cpp send them) and
// falls back to floats, for good, when the server refuses or garbles base64.
func (er *endpointRunner) embedTexts(ctx context.Context, texts []string, timeout time.Duration, rp retryPolicy) (embedded, *CallError) {
	if !er.floatOnly.Load() {
		e, ce := er.embedOnce(ctx, texts, openai.EmbeddingEncodingFormatBase64, timeout, rp)
		if ce == nil || (ce.Class != advisor.ErrBadRequest && ce.Class != advisor.ErrBadResponse) {
			return e, ce
		}
		er.floatOnly.Store(true)
	}
	return er.embedOnce(ctx, texts, openai.EmbeddingEncodingFormatFloat, timeout, rp)
}

func (er *endpointRunner) embedOnce(ctx context.Context, texts []string, format openai.EmbeddingEncodingFormat, timeout time.Duration, rp retryPolicy) (embedded, *CallError) {
	var res openai.EmbeddingResponse
	t, ce := timedCall(ctx, timeout, rp, func(actx context.Context) error {
		var err error
		res, err = er.client.CreateEmbeddings(actx, openai.EmbeddingRequestStrings{
			Input: texts, Model: openai.EmbeddingModel(er.ep.Model), EncodingFormat: format,
		})
		return err
	})
	e := embedded{timed: t}
	if ce != nil {
		return e, ce
	}
	vecs, err := vectorsInOrder(res.Data, len(texts))
	if err != nil {
		return e, &CallError{Class: advisor.ErrBadResponse, Msg: err.Error()}
	}
	e.vecs = vecs
	if e.tokens = res.Usage.PromptTokens; e.tokens == 0 {
		e.tokens = res.Usage.TotalTokens
	}
	if e.tokens == 0 {
		for _, s := range texts {
			e.tokens += countTokens(er.ep.Model, s)
		}
		e.estimated = true
	}
	return e, nil
}

// vectorsInOrder places each vector by its index (servers may answer out of
// order) and checks that every text got one of the same length.
func vectorsInOrder(data []openai.Embedding, n int) ([][]float32, error) {
	out := make([][]float32, n)
	for i, d := range data {
		idx := d.Index
		if idx < 0 || idx >= n || (idx == 0 && i > 0 && out[0] != nil) {
			idx = i
		}
		if idx >= n {
			return nil, fmt.Errorf("the embedding server returned %d vectors for %d texts", len(data), n)
		}
		out[idx] = d.Embedding
	}
	for i, v := range out {
		if len(v) == 0 {
			return nil, fmt.Errorf("the embedding server returned no vector for text %d", i)
		}
		if len(v) != len(out[0]) {
			return nil, fmt.Errorf("the embedding server returned vectors of different lengths (%d and %d)", len(out[0]), len(v))
		}
	}
	return out, nil
}

// lazyCorpus is an embedding set's documents, read once for all endpoints.
type lazyCorpus struct {
	once   sync.Once
	chunks []advisor.Chunk // Source is the document id
	docs   map[string]bool
	err    error
}

func (r *run) corpus(ctx context.Context, set int) *lazyCorpus {
	lc := &r.corpora[set]
	lc.once.Do(func() {
		s := r.sets[set]
		lc.docs = map[string]bool{}
		if len(s.Corpus) > 0 {
			for _, d := range s.Corpus {
				lc.chunks = append(lc.chunks, chunkText(d.ID, d.Text)...)
			}
		} else {
			var skipped []string
			lc.chunks, skipped, lc.err = ScanFolderContext(ctx, s.Documents)
			if len(skipped) > 0 {
				r.opt.note("embedding set %q: %d file(s) not read (.txt, .md and PDF with a text layer are): %s", s.Name, len(skipped), joinMax(skipped, 5))
			}
			if lc.err == nil {
				// A resumed run whose folder changed would rank its
				// earlier and later queries against different documents.
				lc.err = checkCorpus(context.WithoutCancel(ctx), r.opt, r.runID, s.Documents, lc.chunks, r.setDone(set))
			}
		}
		for _, c := range lc.chunks {
			lc.docs[c.Source] = true
		}
		if lc.err == nil && len(lc.chunks) == 0 {
			lc.err = fmt.Errorf("no document text to search in the set %q", s.Name)
		}
	})
	return lc
}

type indexKey struct {
	set int
	ep  string
}

// corpusIndex is an embedding set's documents embedded by one endpoint,
// built once by whichever cell needs it first.
type corpusIndex struct {
	once      sync.Once
	ids       []string    // document id of each chunk
	vecs      [][]float32 // one per chunk
	docs      int
	batches   int
	tokens    int
	estimated bool
	wrote     time.Time
	ended     time.Time
	busy      time.Duration // sum of the requests' latencies
	class     string        // error class when it failed
	msg       string
}

func (r *run) index(ctx context.Context, er *endpointRunner, set int) *corpusIndex {
	ix := r.indexes[indexKey{set, er.ep.Name}]
	ix.once.Do(func() {
		lc := r.corpus(ctx, set)
		if lc.err != nil {
			ix.class, ix.msg = advisor.ErrBadRequest, lc.err.Error()
			return
		}
		ix.docs = len(lc.docs)
		for start := 0; start < len(lc.chunks); start += EmbedBatch {
			part := lc.chunks[start:min(start+EmbedBatch, len(lc.chunks))]
			texts := make([]string, len(part))
			for i, c := range part {
				texts[i] = c.Text
			}
			if !r.acquire(ctx, nil) {
				ix.class, ix.msg = advisor.ErrCancelled, "cancelled"
				return
			}
			e, ce := er.embedTexts(ctx, texts, r.timeout, r.rp)
			r.release()
			ix.batches++
			if ix.wrote.IsZero() {
				ix.wrote = e.wrote
			}
			ix.ended = e.ended
			if ce != nil {
				ix.class, ix.msg = ce.Class, ce.Msg
				if !ce.Local {
					er.brk.observe(ix.class, ix.msg)
				}
				return
			}
			er.brk.observe("", "")
			ix.busy += e.latency()
			ix.tokens += e.tokens
			ix.estimated = ix.estimated || e.estimated
			for i, c := range part {
				ix.ids = append(ix.ids, c.Source)
				ix.vecs = append(ix.vecs, e.vecs[i])
			}
		}
	})
	return ix
}

// doIndex records the embedding of an embedding set's documents by one
// endpoint: its time (the requests' latencies added up), tokens and cost.
func (r *run) doIndex(ctx context.Context, er *endpointRunner, set int, res *advisor.Result) {
	ix := r.index(ctx, er, set)
	if ctx.Err() != nil {
		return
	}
	res.StartedAt, res.EndedAt = wallClock(ix.wrote).UTC(), wallClock(ix.ended).UTC()
	if ix.wrote.IsZero() {
		now := time.Now().UTC()
		res.StartedAt, res.EndedAt = now, now
	}
	res.Metrics = map[string]float64{advisor.MetricDocuments: float64(ix.docs), advisor.MetricChunks: float64(len(ix.ids)), advisor.MetricBatches: float64(ix.batches)}
	res.TokensIn, res.TokensEstimated = ix.tokens, ix.estimated
	res.CostUSD = float64(ix.tokens) * er.priceIn / 1e6
	res.LatencyMs = ms(ix.busy)
	res.Unscored = true
	res.Output = fmt.Sprintf("%d documents (%d pieces) embedded in %d requests", ix.docs, len(ix.ids), ix.batches)
	if ix.class != "" {
		res.ErrorClass, res.ErrorMessage = ix.class, ix.msg
	}
	r.record(ctx, res)
}

// doQuery embeds one query, ranks the set's documents by cosine and scores
// recall@k and the reciprocal rank of the first relevant document.
func (r *run) doQuery(ctx context.Context, er *endpointRunner, set int, c advisor.Case, res *advisor.Result) {
	ix := r.index(ctx, er, set)
	if ctx.Err() != nil {
		return
	}
	if ix.class != "" {
		r.fail(ctx, res, ix.class, "the documents could not be embedded: "+ix.msg)
		return
	}
	docs := r.corpus(ctx, set).docs
	var missing []string
	for _, id := range c.Relevant {
		if !docs[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		r.fail(ctx, res, advisor.ErrBadRequest, fmt.Sprintf("%s not among the documents of the set (ids are corpus ids, or .txt/.md file names relative to the documents folder)", quoteList(missing)))
		return
	}
	if !r.acquire(ctx, res) {
		return
	}
	e, ce := er.embedTexts(ctx, []string{c.Input}, r.timeout, r.rp)
	if !r.settle(ctx, er, res, e.timed, ce) {
		return
	}
	res.TokensIn, res.TokensEstimated = e.tokens, e.estimated
	res.CostUSD = float64(e.tokens) * er.priceIn / 1e6
	k := r.sets[set].TopK
	ranked := rankDocuments(e.vecs[0], ix.ids, ix.vecs)
	recall := advisor.RecallAtK(ranked, c.Relevant, k)
	rr := advisor.ReciprocalRank(ranked, c.Relevant)
	res.Metrics = map[string]float64{advisor.MetricK: float64(k), advisor.MetricRecallAtK: recall, advisor.MetricReciprocalRank: rr}
	res.Output = strings.Join(ranked[:min(k, len(ranked))], "\n")
	res.Score, res.Passed = recall, recall == 1
	rank := "none of them ranked"
	if rr > 0 {
		rank = fmt.Sprintf("the first at rank %d", int(1/rr+0.5))
	}
	res.Checks = []advisor.CheckResult{{Check: advisor.MetricRecallAtK, Score: recall,
		Reason: fmt.Sprintf("%d of %d relevant document(s) in the top %d; %s", int(recall*float64(len(c.Relevant))+0.5), len(c.Relevant), k, rank)}}
	r.record(ctx, res)
}

// rankDocuments orders document ids by the best cosine of any of their
// pieces to the query (ties by id, so the order is stable).
func rankDocuments(q []float32, ids []string, vecs [][]float32) []string {
	best := map[string]float64{}
	for i, v := range vecs {
		s := advisor.Cosine(q, v)
		if b, ok := best[ids[i]]; !ok || s > b {
			best[ids[i]] = s
		}
	}
	out := make([]string, 0, len(best))
	for id := range best {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool {
		if best[out[i]] != best[out[j]] {
			return best[out[i]] > best[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

// setDone tells whether cells of the case set set are among those already
// done (a resume).
func (r *run) setDone(set int) bool {
	for c := range r.opt.Skip {
		if c.Strategy != advisor.StrategyIndex && c.Case < len(r.cases) && r.cases[c.Case].set == set {
			return true
		}
	}
	return false
}
