package livetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/internal/redact"
	openai "github.com/sashabaranov/go-openai"
)

// ResultSink receives every finished request; *data.Store satisfies it.
// SaveResult is called from many goroutines and must commit before it
// returns, so that killing the process loses only requests in flight.
type ResultSink interface {
	SaveResult(ctx context.Context, r *advisor.Result) error
}

// Index is the full-text index of the rag strategy; *data.Store satisfies it.
type Index interface {
	IndexDocuments(ctx context.Context, collection string, chunks []advisor.Chunk) error
	SearchPassages(ctx context.Context, collection, query string, k int) ([]advisor.Passage, error)
}

// CorpusRecorder remembers which documents a run indexed from each folder;
// *data.Store satisfies it. When the Index is one, a resumed run whose
// documents folder changed since its rag answers were drawn is refused
// (ErrCorpusChanged) instead of mixing passages of two sets of documents.
type CorpusRecorder interface {
	RunCorpus(ctx context.Context, runID int64, collection string) (advisor.CorpusPrint, bool, error)
	SetRunCorpus(ctx context.Context, runID int64, collection string, c advisor.CorpusPrint) error
}

// ErrCorpusChanged is wrapped by the error of a resumed run whose documents
// folder no longer holds what its earlier rag answers were drawn from.
var ErrCorpusChanged = errors.New("the documents folder changed since this run began")

// Options are the run's connections to the rest of the program. Only Sink is
// required (and Index for the rag strategy).
type Options struct {
	Sink  ResultSink
	Index Index
	// Skip holds the cells already done (resume).
	Skip map[advisor.Cell]bool
	// Keys gives the API key of an endpoint; LookupKey when nil.
	Keys func(advisor.Endpoint) (string, error)
	// OnProgress is called after each result, one call at a time, from the
	// runner's goroutines: it must not block.
	OnProgress func(Progress)
	// OnNote receives remarks worth showing the user (skipped files, a
	// failed re-ranking); may be nil.
	OnNote func(string)
	// HTTPClient sends the requests; a client with a large idle pool when nil.
	HTTPClient *http.Client
	// Prices gives catalog prices (USD per 1M tokens) for an endpoint's
	// catalog_id when the plan sets none.
	Prices func(catalogID string) (in, out float64, ok bool)
	// Retries of a rate-limited (429) or unavailable (502/503/504) request:
	// MaxRetries (default 4) with exponential backoff from RetryBase (default
	// 500 ms), each wait at most RetryCap (default 30 s); Retry-After wins.
	MaxRetries int
	RetryBase  time.Duration
	RetryCap   time.Duration
	// UnitPrices gives the catalog price of a model priced per unit: unit
	// "minute" (of audio) or "image", for an endpoint's catalog_id when the
	// plan sets no price_per_minute or price_per_image.
	UnitPrices func(catalogID string) (unit string, price float64, ok bool)
	// ArtifactDir is the folder generated images are saved in, under
	// run-<id>/; required when the plan has image cases.
	ArtifactDir string
	// MaxAudioBytes and MaxImageBytes lower the size limits of the files a
	// case sends (0: MaxAudioBytes, MaxImageBytes).
	MaxAudioBytes int64
	MaxImageBytes int64

	// Hardening (issue 15).
	//
	// Redactor hides every key of the run in what is stored and noted; Run
	// adds the keys of all endpoints, the judge and the embedding endpoint to
	// it, so a caller that passes one can clean its own output with it too.
	Redactor *redact.Redactor
	// AllowKeyEnvs are environment variables the user confirmed as keys
	// although their names do not say API key (KeyEnvLooksRight); the key of
	// any other such variable is not read and its endpoint's cells fail.
	AllowKeyEnvs []string

	// Measurement (issue 13). CachedPrices gives the catalog's price of
	// cached prompt tokens (models.dev cache_read, USD per 1M) for an
	// endpoint's catalog_id when the plan sets no price_cached_per_1m;
	// cached tokens cost the input price when neither has one.
	CachedPrices func(catalogID string) (float64, bool)

	// Batch API mode (issue 17; RunBatch). Batches keeps the run's batch
	// jobs (required for a batch run); OnBatch gets the batches' state
	// after every poll; BatchPoll is the time between polls (default
	// DefaultBatchPoll); CancelBatches is asked when the context ends: true
	// (the user cancelled) cancels the provider's batches, false (the
	// program is closing) leaves them for a resume. BatchPrices gives the
	// catalog's batch prices (USD per 1M tokens) for a catalog_id; half the
	// token price when it has none.
	Batches       BatchStore
	OnBatch       func(BatchState)
	BatchPoll     time.Duration
	CancelBatches func() bool
	BatchPrices   func(catalogID string) (in, out float64, ok bool)

	batchMaxRequests int // tests: a smaller file limit

	sleep   func(context.Context, time.Duration) error // tests record waits
	timeout time.Duration                              // tests: overrides the plan's whole seconds
	// noWarmup: tests of other behaviour count requests without the
	// warm-up's extra one (warmup_test.go tests it on its own).
	noWarmup bool
}

// Progress is the state of a run after a result.
type Progress struct {
	Done    int // cells done, including the ones skipped on resume
	Total   int
	Errors  int // failed requests of this session
	Elapsed time.Duration
	ETA     time.Duration
	Last    *advisor.Result
}

func (o Options) retry() retryPolicy {
	rp := retryPolicy{Max: o.MaxRetries, Base: o.RetryBase, Cap: o.RetryCap, MaxSafe: 2, sleep: o.sleep}
	if rp.Max == 0 {
		rp.Max = 4
	}
	if rp.Max < 0 {
		rp.Max = 0
	}
	if rp.Base <= 0 {
		rp.Base = 500 * time.Millisecond
	}
	if rp.Cap <= 0 {
		rp.Cap = 30 * time.Second
	}
	return rp
}

func (o Options) httpClient() *http.Client {
	if o.HTTPClient != nil {
		return o.HTTPClient
	}
	return defaultHTTPClient()
}

func (o Options) keys() func(advisor.Endpoint) (string, error) {
	if o.Keys != nil {
		return o.Keys
	}
	return LookupKey
}

func (o Options) note(format string, args ...any) {
	if o.OnNote != nil {
		o.OnNote(o.Redactor.Clean(fmt.Sprintf(format, args...)))
	}
}

// runKeys is opt's key lookup that refuses variables the user did not
// confirm and teaches the run's redactor every key it hands out.
func (o Options) runKeys() func(advisor.Endpoint) (string, error) {
	keys := o.keys()
	return func(ep advisor.Endpoint) (string, error) {
		if err := CheckKeyEnv(ep, o.AllowKeyEnvs); err != nil {
			return "", err
		}
		k, err := keys(ep)
		o.Redactor.Add(k)
		return k, err
	}
}

// Pricing is the price of an endpoint in USD per 1M tokens: the plan's own
// prices, else the catalog's through prices. known is false when neither has
// one; such an endpoint's cost is 0 and must be shown as unknown, never as
// free.
func Pricing(ep advisor.Endpoint, prices func(string) (float64, float64, bool)) (in, out float64, known bool) {
	if ep.PriceInPer1M != nil || ep.PriceOutPer1M != nil {
		if ep.PriceInPer1M != nil {
			in = *ep.PriceInPer1M
		}
		if ep.PriceOutPer1M != nil {
			out = *ep.PriceOutPer1M
		}
		return in, out, true
	}
	if ep.CatalogID != "" && prices != nil {
		return prices(ep.CatalogID)
	}
	return 0, 0, false
}

// CachedPrice is the price of the prompt tokens an endpoint's server read
// from its prompt cache, USD per 1M: the plan's price_cached_per_1m, else
// the catalog's cache_read price through prices, else in (the input price:
// a cached token never costs more than an uncached one, so counting it at
// the input price can only overstate the cost).
func CachedPrice(ep advisor.Endpoint, prices func(string) (float64, bool), in float64) float64 {
	return cachedPrice(ep, prices, in)
}

func cachedPrice(ep advisor.Endpoint, prices func(string) (float64, bool), in float64) float64 {
	if ep.PriceCachedPer1M != nil {
		return *ep.PriceCachedPer1M
	}
	if ep.CatalogID != "" && prices != nil {
		if p, ok := prices(ep.CatalogID); ok {
			return p
		}
	}
	return in
}

// tokenCost is a chat request's cost: uncached prompt tokens at in, cached
// ones at cached, completion tokens (reasoning included) at out.
func tokenCost(r advisor.Result, in, out, cached float64) float64 {
	c := min(max(r.TokensCached, 0), r.TokensIn)
	return (float64(r.TokensIn-c)*in + float64(c)*cached + float64(r.TokensOut)*out) / 1e6
}

func (er *endpointRunner) cost(r advisor.Result) float64 {
	return tokenCost(r, er.priceIn, er.priceOt, er.priceCached)
}

// endpointRunner is everything one endpoint's workers share.
type endpointRunner struct {
	ep      advisor.Endpoint
	client  *openai.Client
	keyErr  error
	brk     breaker
	priceIn float64
	priceOt float64
	// priceCached: cached prompt tokens (CachedPrice).
	priceCached float64
	unit        float64 // price per minute or per image
	unitOK      bool
	// floatOnly: the server refused base64 embeddings; ask for floats.
	floatOnly atomic.Bool
}

// Run sends every cell of the plan not in opt.Skip, up to plan.Concurrency
// requests at once overall and endpoint.Concurrency per endpoint, and hands
// each result to opt.Sink as soon as it is scored. Failed requests are
// results too (with an error class); the run goes on. Cancelling ctx stops
// quickly: requests in flight are abandoned and not saved (so resume sends
// them again), results already saved stay. The error is ctx's when
// cancelled, or the first failure to save a result or prepare the documents.
//
// Timing: TTFT and latency run on the monotonic clock from the moment the
// request was written to the connection (httptrace WroteRequest) to the
// first content and to the end of the stream; the last attempt counts when a
// request was retried. QueueMs is the wait for an overall concurrency slot
// once the endpoint's worker took the cell; ConcurrencyAtSend is the number
// of requests in flight, this one included, when it was sent.
func Run(ctx context.Context, p advisor.Plan, runID int64, opt Options) (Progress, error) {
	p = preparePlan(p)
	if err := ValidatePlan(p); err != nil {
		return Progress{}, err
	}
	if opt.Sink == nil {
		return Progress{}, errors.New("live test: no result sink")
	}
	if room, limit, ok := fdRoom(); ok && p.Concurrency > room {
		opt.note("concurrency lowered from %d to %d: this system lets the program open only %d files at once (ulimit -n), and each request needs one; raise the limit to run faster", p.Concurrency, room, limit)
		p.Concurrency = room
	}
	cells := Cells(p)
	pending := pendingCells(cells, opt.Skip)
	start := time.Now()
	prog := Progress{Total: len(cells), Done: len(cells) - len(pending)}
	if len(pending) == 0 {
		return prog, nil
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	hc := opt.httpClient()
	rp := opt.retry()
	timeout := opt.requestTimeout(p)
	if opt.Redactor == nil {
		opt.Redactor = redact.New()
	}
	keys := opt.runKeys()

	sets := p.Sets()
	cases := caseRefs(sets)
	eps := endpointRunners(sets, opt, keys, hc)
	if opt.ArtifactDir == "" && hasStrategy(pending, advisor.StrategyImage) {
		return prog, errors.New("live test: image generation needs a folder for the images (Options.ArtifactDir)")
	}

	sc, embed := newScorer(p, opt, keys, hc, timeout, rp)

	passages, err := prepareRAG(ctx, p, pending, sets, cases, runID, opt, embed)
	if err != nil {
		return prog, err
	}

	r := &run{p: p, sets: sets, cases: cases, runID: runID, opt: opt, eps: eps, sc: sc, rp: rp, timeout: timeout, passages: passages,
		sem: make(chan struct{}, p.Concurrency), cancel: cancel, start: start, prog: prog, salt: randomSalt()}
	r.files = make([]lazyFile, len(cases))
	r.indexes = corpusIndexes(sets)
	r.corpora = make([]lazyCorpus, len(sets))
	r.endpoints(ctx, queueCells(pending, p.WarmupOn() && !opt.noWarmup, sets, cases))
	prog = r.finalProgress()
	if err := context.Cause(ctx); err != nil {
		return prog, err
	}
	return prog, nil
}

// preparePlan is a copy of the plan with its defaults filled in and its
// documents folders made absolute (the rag collection is named by the
// folder's absolute path).
func preparePlan(p advisor.Plan) advisor.Plan {
	p = clonePlan(p) // Defaults must not write into the caller's slices
	Defaults(&p)
	absDir(&p.Documents)
	for i := range p.CaseSets {
		absDir(&p.CaseSets[i].Documents)
	}
	return p
}

// pendingCells is the cells not in skip, in order.
func pendingCells(cells []advisor.Cell, skip map[advisor.Cell]bool) []advisor.Cell {
	var pending []advisor.Cell
	for _, c := range cells {
		if !skip[c] {
			pending = append(pending, c)
		}
	}
	return pending
}

// endpointRunners is one runner per endpoint name across the sets: its
// client (or why its key could not be had) and its prices.
func endpointRunners(sets []advisor.CaseSet, opt Options, keys func(advisor.Endpoint) (string, error), hc *http.Client) map[string]*endpointRunner {
	eps := map[string]*endpointRunner{}
	for _, s := range sets {
		for _, ep := range s.Endpoints {
			if eps[ep.Name] != nil {
				continue // the same endpoint in another set (ValidatePlan checked)
			}
			er := &endpointRunner{ep: ep}
			key, err := keys(ep)
			if err != nil {
				er.keyErr = err
			} else {
				er.client = newClient(ep, key, hc)
			}
			er.priceIn, er.priceOt, _ = Pricing(ep, opt.Prices)
			er.priceCached = cachedPrice(ep, opt.CachedPrices, er.priceIn)
			eps[ep.Name] = er
		}
	}
	for _, s := range sets {
		if s.Kind == advisor.CaseKindTranscription || s.Kind == advisor.CaseKindImage {
			for _, ep := range s.Endpoints {
				eps[ep.Name].unit, eps[ep.Name].unitOK = UnitPrice(ep, s.Kind, opt.UnitPrices)
			}
		}
	}
	return eps
}

// prepareRAG readies the rag strategy when a pending cell uses it: it
// indexes each documents folder once and returns the retriever of a case's
// passages (nil without rag cells).
func prepareRAG(ctx context.Context, p advisor.Plan, pending []advisor.Cell, sets []advisor.CaseSet, cases []caseRef, runID int64, opt Options, embed embedder) (func(context.Context, int) ([]advisor.Passage, error), error) {
	if !hasStrategy(pending, advisor.StrategyRAG) {
		return nil, nil
	}
	if opt.Index == nil {
		return nil, errors.New("live test: the rag strategy needs a document index")
	}
	indexed := map[string]bool{}
	for _, c := range pending {
		if c.Strategy != advisor.StrategyRAG {
			continue
		}
		dir := sets[cases[c.Case].set].Documents
		if indexed[dir] {
			continue
		}
		indexed[dir] = true
		if err := indexFolder(ctx, dir, sets, cases, runID, opt); err != nil {
			return nil, err
		}
	}
	return retrieverFor(p, sets, cases, opt, embed), nil
}

// indexFolder reads one documents folder (noting the files it could not
// read), checks its corpus against the one already answered on, and
// indexes it.
func indexFolder(ctx context.Context, dir string, sets []advisor.CaseSet, cases []caseRef, runID int64, opt Options) error {
	chunks, skipped, err := ScanFolderContext(ctx, dir)
	if err != nil {
		return err
	}
	if len(skipped) > 0 {
		opt.note("rag: %d file(s) not read (.txt, .md and PDF with a text layer are): %s", len(skipped), joinMax(skipped, 5))
	}
	if len(chunks) == 0 {
		opt.note("rag: no .txt or .md text in %s; the rag prompts will have no passages", dir)
	}
	if err := checkCorpus(ctx, opt, runID, dir, chunks, ragDone(opt.Skip, cases, sets, dir)); err != nil {
		return err
	}
	if err := opt.Index.IndexDocuments(ctx, dir, chunks); err != nil {
		return fmt.Errorf("index the documents: %w", err)
	}
	return nil
}

// corpusIndexes is an empty index per embedding set and endpoint.
func corpusIndexes(sets []advisor.CaseSet) map[indexKey]*corpusIndex {
	indexes := map[indexKey]*corpusIndex{}
	for i, s := range sets {
		if s.Kind == advisor.CaseKindEmbedding {
			for _, ep := range s.Endpoints {
				indexes[indexKey{i, ep.Name}] = &corpusIndex{}
			}
		}
	}
	return indexes
}

// endpointQueues is the pending cells by endpoint.
type endpointQueues struct {
	jobs  map[string]chan advisor.Cell
	order []string                // endpoints in the order of their first cell
	warm  map[string]advisor.Cell // the cell whose prompt warms each endpoint up
}

// queueCells puts each pending cell in its endpoint's queue and, when warmup
// is on, picks each endpoint's first chat cell (not an index one) to warm it
// up.
func queueCells(pending []advisor.Cell, warmup bool, sets []advisor.CaseSet, cases []caseRef) endpointQueues {
	q := endpointQueues{jobs: map[string]chan advisor.Cell{}, warm: map[string]advisor.Cell{}}
	for _, c := range pending {
		if q.jobs[c.Endpoint] == nil {
			q.jobs[c.Endpoint] = make(chan advisor.Cell, len(pending))
			q.order = append(q.order, c.Endpoint)
		}
		q.jobs[c.Endpoint] <- c
		if _, ok := q.warm[c.Endpoint]; !ok && warmup && sets[cases[c.Case].set].Kind == advisor.CaseKindChat && c.Strategy != advisor.StrategyIndex {
			q.warm[c.Endpoint] = c
		}
	}
	return q
}

// endpoints runs every endpoint's queue: all endpoints at once, or one
// after another when the plan asks (a local server that holds one model at
// a time would otherwise reload on every switch and time the loads).
func (r *run) endpoints(ctx context.Context, q endpointQueues) {
	var wg sync.WaitGroup
	for _, name := range q.order {
		if r.p.SequentialEndpoints {
			if ctx.Err() == nil {
				r.endpoint(ctx, q, name)
			}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.endpoint(ctx, q, name)
		}()
	}
	wg.Wait()
}

// endpoint runs one endpoint's queue: its warm-up request first, then its
// workers (endpoint.Concurrency of them, at most the plan's and the
// queue's length) until the queue is empty or ctx is done.
func (r *run) endpoint(ctx context.Context, q endpointQueues, name string) {
	ch := q.jobs[name]
	close(ch)
	if c, ok := q.warm[name]; ok {
		r.warmup(ctx, r.eps[name], c)
	}
	n := r.eps[name].ep.Concurrency
	if n <= 0 || n > r.p.Concurrency {
		n = r.p.Concurrency
	}
	n = min(n, len(ch))
	var ew sync.WaitGroup
	for range n {
		ew.Add(1)
		go func() {
			defer ew.Done()
			for c := range ch {
				if ctx.Err() != nil {
					return
				}
				r.do(ctx, r.eps[name], c)
			}
		}()
	}
	ew.Wait()
}

// finalProgress is the run's progress once every worker has stopped: no
// last result, the elapsed time and no time left.
func (r *run) finalProgress() Progress {
	r.mu.Lock()
	prog := r.prog
	r.mu.Unlock()
	prog.Last = nil
	prog.Elapsed = time.Since(r.start)
	prog.ETA = 0
	return prog
}

// newScorer is the run's scorer with the plan's embedding and judge
// endpoints (each noted and left out when its key cannot be had).
func newScorer(p advisor.Plan, opt Options, keys func(advisor.Endpoint) (string, error), hc *http.Client, timeout time.Duration, rp retryPolicy) (*scorer, embedder) {
	sc := &scorer{threshold: p.SimilarityThreshold}
	var embed embedder
	if p.Embedding != nil {
		key, err := keys(*p.Embedding)
		if err != nil {
			opt.note("embedding endpoint %q: %v", p.Embedding.Name, err)
		} else {
			embed = embedWith(newClient(*p.Embedding, key, hc), p.Embedding.Model, timeout, rp)
			sc.embed = embed
		}
	}
	if p.Judge != nil {
		key, err := keys(*p.Judge)
		if err != nil {
			opt.note("judge endpoint %q: %v", p.Judge.Name, err)
		} else {
			jc := newClient(*p.Judge, key, hc)
			judgeModel, rubric := p.Judge.Model, p.Rubric
			sc.judge = func(ctx context.Context, c advisor.Case, output string) (float64, string, error) {
				rb := rubric
				if c.Rubric != "" {
					rb = c.Rubric
				}
				msgs := []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: judgeMessage(rb, c, output)}}
				a, ce := streamChat(ctx, jc, chatRequest(judgeModel, msgs, 300, 0), timeout, rp)
				if ce != nil {
					return 0, "", ce
				}
				return parseVerdict(a.Output)
			}
		}
	}

	return sc, embed
}

func clonePlan(p advisor.Plan) advisor.Plan {
	p.Endpoints = slices.Clone(p.Endpoints)
	p.Cases = cloneCases(p.Cases)
	p.CaseSets = slices.Clone(p.CaseSets)
	for i := range p.CaseSets {
		p.CaseSets[i].Endpoints = slices.Clone(p.CaseSets[i].Endpoints)
		p.CaseSets[i].Cases = cloneCases(p.CaseSets[i].Cases)
	}
	p.Strategies = slices.Clone(p.Strategies)
	if p.Embedding != nil {
		e := *p.Embedding
		p.Embedding = &e
	}
	if p.Judge != nil {
		j := *p.Judge
		p.Judge = &j
	}
	return p
}

func absDir(dir *string) {
	if *dir != "" {
		if abs, err := filepath.Abs(*dir); err == nil {
			*dir = abs
		}
	}
}

func cloneCases(cs []advisor.Case) []advisor.Case {
	cs = slices.Clone(cs)
	for i := range cs {
		cs[i].Checks = slices.Clone(cs[i].Checks)
	}
	return cs
}

func hasStrategy(cells []advisor.Cell, strategy string) bool {
	for _, c := range cells {
		if c.Strategy == strategy {
			return true
		}
	}
	return false
}

func joinMax(xs []string, n int) string {
	if len(xs) <= n {
		return fmt.Sprint(xs)
	}
	return fmt.Sprintf("%v and %d more", xs[:n], len(xs)-n)
}

// retrieverFor retrieves each case's passages once, on first use; a failure
// is remembered for that case and becomes its rag results' error.
func retrieverFor(p advisor.Plan, sets []advisor.CaseSet, cases []caseRef, opt Options, embed embedder) func(context.Context, int) ([]advisor.Passage, error) {
	type slot struct {
		once sync.Once
		ps   []advisor.Passage
		err  error
	}
	slots := make([]slot, len(cases))
	return func(ctx context.Context, i int) ([]advisor.Passage, error) {
		s := &slots[i]
		dir, input := sets[cases[i].set].Documents, cases[i].c.Input
		s.once.Do(func() {
			s.ps, s.err = retrieve(ctx, opt.Index, dir, input, p.TopK, embed)
			if s.err != nil && embed != nil && ctx.Err() == nil {
				// Re-ranking failed: keep the bm25 order rather than lose the case.
				opt.note("rag: re-ranking case %d by embeddings failed (%v); using bm25 order", i, s.err)
				s.ps, s.err = retrieve(ctx, opt.Index, dir, input, p.TopK, nil)
			}
		})
		return s.ps, s.err
	}
}

// caseRefs numbers the cases of the sets as the run does.
func caseRefs(sets []advisor.CaseSet) []caseRef {
	var cases []caseRef
	for i, s := range sets {
		for _, c := range s.Cases {
			cases = append(cases, caseRef{set: i, c: c})
		}
	}
	return cases
}

// requestTimeout is the time one request may take: the plan's, unless a
// test sets its own.
func (o Options) requestTimeout(p advisor.Plan) time.Duration {
	if o.timeout > 0 {
		return o.timeout
	}
	return time.Duration(p.TimeoutSeconds) * time.Second
}

// caseRef is one case of the run with the index of its set.
type caseRef struct {
	set int
	c   advisor.Case
}

type run struct {
	p        advisor.Plan
	sets     []advisor.CaseSet
	cases    []caseRef // by run number
	files    []lazyFile
	indexes  map[indexKey]*corpusIndex
	corpora  []lazyCorpus // by set
	runID    int64
	opt      Options
	eps      map[string]*endpointRunner
	sc       *scorer
	rp       retryPolicy
	timeout  time.Duration
	passages func(context.Context, int) ([]advisor.Passage, error)
	sem      chan struct{}
	inflight atomic.Int64
	salt     string       // cold prompts: differs from run to run
	nonce    atomic.Int64 // cold prompts: differs from request to request
	cancel   context.CancelCauseFunc
	start    time.Time

	mu    sync.Mutex // guards prog, sessionDone and OnProgress calls
	prog  Progress
	fresh int // results of this session
}

// do runs one cell and records it.
func (r *run) do(ctx context.Context, er *endpointRunner, c advisor.Cell) {
	ref := r.cases[c.Case]
	set := r.sets[ref.set]
	res := advisor.Result{RunID: r.runID, Endpoint: c.Endpoint, Model: er.ep.Model, Strategy: c.Strategy, Case: c.Case, Repeat: c.Repeat,
		Set: set.Name, Kind: set.Kind}
	cs := ref.c
	if er.keyErr != nil {
		r.fail(ctx, &res, advisor.ErrUnauthorized, er.keyErr.Error())
		return
	}
	if class, msg, open := er.brk.state(); open {
		r.fail(ctx, &res, class, msg)
		return
	}
	switch {
	case c.Strategy == advisor.StrategyIndex:
		r.doIndex(ctx, er, ref.set, &res)
		return
	case set.Kind == advisor.CaseKindEmbedding:
		r.doQuery(ctx, er, ref.set, cs, &res)
		return
	case set.Kind == advisor.CaseKindTranscription:
		r.doTranscription(ctx, er, set, c.Case, cs, &res)
		return
	case set.Kind == advisor.CaseKindImage:
		r.doImage(ctx, er, set, cs, &res)
		return
	}
	var image string // data: URL of the case's image
	if cs.Image != "" {
		f, err := r.file(c.Case, cs.Image, r.imageLimit(), sniffImage)
		if err != nil {
			r.fail(ctx, &res, advisor.ErrBadRequest, err.Error())
			return
		}
		image = f.dataURL()
	}
	var ps []advisor.Passage
	if c.Strategy == advisor.StrategyRAG {
		var err error
		ps, err = r.passages(ctx, c.Case)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			now := time.Now().UTC()
			res.StartedAt, res.EndedAt = now, now
			res.ErrorClass, res.ErrorMessage = advisor.ErrBadRequest, "rag: "+err.Error()
			r.record(ctx, &res)
			return
		}
	}
	msgs := buildMessages(r.p, c.Strategy, cs, ps)
	r.coldPrefix(msgs)
	if image != "" {
		attachImage(msgs, image)
	}
	req := chatRequest(er.ep.Model, msgs, r.p.MaxTokens, r.p.Temperature)

	if !r.acquire(ctx, &res) {
		return
	}
	sent := time.Now()
	a, ce := streamChat(ctx, er.client, req, r.timeout, r.rp)
	ended := time.Now()
	r.release()
	if ctx.Err() != nil {
		return // abandoned: not saved, so resume sends it again
	}

	if !a.Wrote.IsZero() {
		sent = a.Wrote
	}
	res.StartedAt = wallClock(sent).UTC()
	res.EndedAt = wallClock(ended).UTC()
	res.Output = a.Output
	if ce != nil {
		res.ErrorClass, res.ErrorMessage = ce.Class, ce.Msg
		if !ce.Local {
			er.brk.observe(res.ErrorClass, res.ErrorMessage)
		}
		r.record(ctx, &res)
		return
	}
	er.brk.observe("", "")
	a.fill(&res, er.ep.Model, msgs)
	res.CostUSD = er.cost(res)
	res.Score, res.Passed, res.Checks = r.sc.score(ctx, cs, a.Output)
	if ctx.Err() != nil {
		return
	}
	r.record(ctx, &res)
}

// warmupTimeout is the least time a warm-up request gets: loading a large
// model into memory can take minutes.
const warmupTimeout = 5 * time.Minute

// warmup sends one unmeasured request to an endpoint, the zero-shot prompt
// of cell c's case, and records it with Warmup set (strategy warmup): its
// time is the endpoint's "model load", counted in no figure. A failed
// warm-up is recorded too and the endpoint's cells go on (they fail on
// their own if the endpoint is unusable).
func (r *run) warmup(ctx context.Context, er *endpointRunner, c advisor.Cell) {
	if er.keyErr != nil || ctx.Err() != nil {
		return
	}
	ref := r.cases[c.Case]
	set := r.sets[ref.set]
	res := advisor.Result{RunID: r.runID, Endpoint: c.Endpoint, Model: er.ep.Model, Strategy: advisor.StrategyWarmup, Case: c.Case,
		Set: set.Name, Kind: set.Kind, Warmup: true}
	msgs := buildMessages(r.p, advisor.StrategyZeroShot, ref.c, nil)
	r.coldPrefix(msgs)
	req := chatRequest(er.ep.Model, msgs, r.p.MaxTokens, r.p.Temperature)
	if !r.acquire(ctx, &res) {
		return
	}
	sent := time.Now()
	a, ce := streamChat(ctx, er.client, req, max(r.timeout, warmupTimeout), r.rp)
	ended := time.Now()
	r.release()
	if ctx.Err() != nil {
		return
	}
	if !a.Wrote.IsZero() {
		sent = a.Wrote
	}
	res.StartedAt, res.EndedAt = wallClock(sent).UTC(), wallClock(ended).UTC()
	res.Output = a.Output
	if ce != nil {
		res.ErrorClass, res.ErrorMessage = ce.Class, ce.Msg
	} else {
		a.fill(&res, er.ep.Model, msgs)
		res.CostUSD = er.cost(res)
		res.Unscored = true
	}
	r.clean(&res)
	if err := r.opt.Sink.SaveResult(context.WithoutCancel(ctx), &res); err != nil {
		r.cancel(fmt.Errorf("save the warm-up of %s: %w", res.Endpoint, err))
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.opt.OnProgress != nil {
		p := r.prog
		p.Elapsed = time.Since(r.start)
		p.Last = &res
		r.opt.OnProgress(p)
	}
}

// coldPrefix puts a prefix no other request shares at the start of the
// prompt when the plan asks for cold prompts: servers cache prompts by
// prefix, so nothing of the prompt can be a cache hit.
func (r *run) coldPrefix(msgs []openai.ChatCompletionMessage) {
	if !r.p.ColdPrompts || len(msgs) == 0 {
		return
	}
	prefix := fmt.Sprintf("[request %s-%d]\n", r.salt, r.nonce.Add(1))
	m := &msgs[0]
	if len(m.MultiContent) > 0 && m.MultiContent[0].Type == openai.ChatMessagePartTypeText {
		m.MultiContent[0].Text = prefix + m.MultiContent[0].Text
		return
	}
	m.Content = prefix + m.Content
}

// fail records a cell that failed before any request was sent.
func (r *run) fail(ctx context.Context, res *advisor.Result, class, msg string) {
	now := time.Now().UTC()
	res.StartedAt, res.EndedAt = now, now
	res.ErrorClass, res.ErrorMessage = class, msg
	r.record(ctx, res)
}

// acquire waits for an overall concurrency slot and notes the wait and the
// requests in flight in res; false when the run was cancelled meanwhile.
func (r *run) acquire(ctx context.Context, res *advisor.Result) bool {
	queued := time.Now()
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	if res != nil {
		res.QueueMs = ms(time.Since(queued))
		res.ConcurrencyAtSend = int(r.inflight.Add(1))
	} else {
		r.inflight.Add(1)
	}
	return true
}

func (r *run) release() {
	r.inflight.Add(-1)
	<-r.sem
}

// randomSalt is 12 random hex digits (the cold prompts' run part).
func randomSalt() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// wallClock strips the monotonic reading, which has no meaning once stored.
func wallClock(t time.Time) time.Time { return t.Round(0) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// record saves a result and reports progress. A result that cannot be saved
// stops the run: going on would measure what nobody can see.
func (r *run) record(ctx context.Context, res *advisor.Result) {
	r.clean(res)
	if err := r.opt.Sink.SaveResult(context.WithoutCancel(ctx), res); err != nil {
		r.cancel(fmt.Errorf("save result %s/%s case %d: %w", res.Endpoint, res.Strategy, res.Case, err))
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.prog.Done++
	r.fresh++
	if res.ErrorClass != "" {
		r.prog.Errors++
	}
	r.prog.Elapsed = time.Since(r.start)
	remaining := r.prog.Total - r.prog.Done
	r.prog.ETA = time.Duration(float64(r.prog.Elapsed) / float64(r.fresh) * float64(remaining))
	if r.opt.OnProgress != nil {
		p := r.prog
		last := *res
		p.Last = &last
		r.opt.OnProgress(p)
	}
}

// clean hides the run's keys in everything of res a server could have
// echoed, before it is stored or shown.
func (r *run) clean(res *advisor.Result) {
	red := r.opt.Redactor
	res.Output = red.Clean(res.Output)
	res.ErrorMessage = red.Clean(res.ErrorMessage)
	for i := range res.Checks {
		res.Checks[i].Reason = red.Clean(res.Checks[i].Reason)
	}
}

// breakerStreak is how many requests in a row must fail the same hopeless
// way before an endpoint that never answered gets no more requests.
const breakerStreak = 3

// breaker spares requests to an endpoint that cannot work: when its first
// requests all fail with the same connection, unauthorized or not_found
// error, the rest of its cells are recorded with that error, marked as not
// sent, instead of each waiting for its own failure (a host that drops
// packets would cost a dial timeout per request). One success disarms it
// for the run.
type breaker struct {
	mu     sync.Mutex
	ok     bool
	streak int
	class  string
	msg    string
}

func (b *breaker) observe(class, msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.ok:
	case class == "":
		b.ok = true
	case class != advisor.ErrConnection && class != advisor.ErrUnauthorized && class != advisor.ErrNotFound:
		b.streak = 0
	case class == b.class:
		b.streak++
	default:
		b.class, b.msg, b.streak = class, msg, 1
	}
}

func (b *breaker) state() (class, msg string, open bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ok || b.streak < breakerStreak {
		return "", "", false
	}
	return b.class, fmt.Sprintf("not sent: the first %d requests to this endpoint failed the same way (%s)", b.streak, b.msg), true
}

// ragDone tells whether rag cells drawing on the documents folder dir are
// among the cells already done (a resume).
func ragDone(skip map[advisor.Cell]bool, cases []caseRef, sets []advisor.CaseSet, dir string) bool {
	for c := range skip {
		if c.Strategy == advisor.StrategyRAG && c.Case < len(cases) && sets[cases[c.Case].set].Documents == dir {
			return true
		}
	}
	return false
}

// checkCorpus compares the documents now in dir with those the run indexed
// before (when the index remembers them): when earlier rag answers were
// drawn from other documents, the run is refused; otherwise the documents
// are recorded as the run's.
func checkCorpus(ctx context.Context, opt Options, runID int64, dir string, chunks []advisor.Chunk, answered bool) error {
	cr, ok := opt.Index.(CorpusRecorder)
	if !ok || runID == 0 {
		return nil
	}
	now := advisor.PrintCorpus(chunks)
	before, found, err := cr.RunCorpus(ctx, runID, dir)
	if err != nil {
		return err
	}
	if found && answered && before.Fingerprint != now.Fingerprint {
		what := fmt.Sprintf("held %d file(s) in %d passages when the run's earlier answers were drawn and holds %d file(s) in %d passages now", before.Files, before.Chunks, now.Files, now.Chunks)
		if before.Files == now.Files && before.Chunks == now.Chunks {
			what = "the text of its files is not what the run's earlier answers were drawn from"
		}
		return fmt.Errorf("%w: %s: %s, so resuming would mix answers from two sets of documents; put the folder back as it was, or start a new run", ErrCorpusChanged, dir, what)
	}
	return cr.SetRunCorpus(ctx, runID, dir, now)
}
