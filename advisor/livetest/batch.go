package livetest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/internal/redact"
	openai "github.com/sashabaranov/go-openai"
)

// The Batch API (issue 17): a plan with batch: true sends its requests as
// files to the provider's Files + Batches API (OpenAI's wire format, which
// Azure OpenAI, OpenRouter, Together and others speak), one input file per
// endpoint and strategy, and polls until the provider is done (within 24
// hours). Each file is stored (BatchStore) as soon as the provider accepts
// it, so a program closed mid-batch resumes polling when the run is resumed;
// results are stored as they are downloaded, as ordinary results marked
// Batch, with no latency figures and at the batch price.

// BatchStore keeps a run's batch jobs; *data.Store satisfies it.
type BatchStore interface {
	SaveBatch(ctx context.Context, j *advisor.BatchJob) error
	Batches(ctx context.Context, runID int64) ([]advisor.BatchJob, error)
}

// Limits of the Batch API mode.
const (
	// BatchMaxRequests is the most requests put in one input file (OpenAI
	// takes 50,000; fewer keep each output file well under the download
	// limit).
	BatchMaxRequests = 20000
	// BatchMaxFileBytes is the most bytes of one input file (OpenAI's limit
	// is 200 MB).
	BatchMaxFileBytes = 190 << 20
	// MaxBatchOutputBytes is the most of an output or error file that is
	// read; a larger file fails the download and its requests are listed.
	MaxBatchOutputBytes = maxBody
	// DefaultBatchPoll is how often a batch's state is asked for.
	DefaultBatchPoll = 30 * time.Second
	// batchPollFailures is how many polls in a row may fail before the run
	// stops (resume goes on polling).
	batchPollFailures = 10
	batchWindow       = "24h"
)

// ErrNoBatchAPI is wrapped by the error of a run whose endpoint's server
// does not offer the Files and Batches API: nothing was sent.
var ErrNoBatchAPI = errors.New("the server does not offer the Batch API")

// BatchState is the state of a run's batches, for the screen and the
// command line: the summary word (submitted, in progress, done), the
// provider's counts, and the jobs themselves.
type BatchState struct {
	State     string // submitted | in_progress | done
	Completed int    // requests the providers finished (their counts)
	Failed    int
	Total     int
	Jobs      []advisor.BatchJob
}

// SummarizeBatches is the state of a run's batch jobs.
func SummarizeBatches(jobs []advisor.BatchJob) BatchState {
	st := BatchState{Jobs: jobs, State: "done"}
	anyRunning, anyStarted := false, false
	for _, j := range jobs {
		st.Completed += j.Completed
		st.Failed += j.Failed
		st.Total += max(j.Total, len(j.Cells))
		if !j.Collected {
			anyRunning = true
			if j.Status != advisor.BatchValidating && j.Status != "" {
				anyStarted = true
			}
		}
	}
	switch {
	case anyRunning && anyStarted:
		st.State = "in_progress"
	case anyRunning:
		st.State = "submitted"
	}
	return st
}

// String is the state in plain words: "submitted", "in progress 3,200 /
// 5,000", "done".
func (s BatchState) String() string {
	switch s.State {
	case "in_progress":
		return fmt.Sprintf("in progress %s / %s", thousands(s.Completed+s.Failed), thousands(s.Total))
	case "submitted":
		return fmt.Sprintf("submitted (%s requests)", thousands(s.Total))
	}
	return "done"
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// BatchPrice is an endpoint's price through the Batch API, USD per 1M
// tokens: the catalog's batch price when batchPrices has one for its
// catalog_id, else half its token price (the discount OpenAI, Azure OpenAI
// and Together give). fromCatalog says which.
func BatchPrice(ep advisor.Endpoint, prices, batchPrices func(string) (float64, float64, bool)) (in, out float64, fromCatalog, known bool) {
	if ep.PriceInPer1M == nil && ep.PriceOutPer1M == nil && ep.CatalogID != "" && batchPrices != nil {
		if bi, bo, ok := batchPrices(ep.CatalogID); ok {
			return bi, bo, true, true
		}
	}
	in, out, known = Pricing(ep, prices)
	return in / 2, out / 2, false, known
}

// batchCustomID names a request of run in its input file; parseCustomID
// reads it back.
func batchCustomID(runID int64, epIndex int, c advisor.Cell) string {
	return fmt.Sprintf("run-%d/ep-%d/%s/case-%d/rep-%d", runID, epIndex, c.Strategy, c.Case, c.Repeat)
}

// ValidateBatch reports why a plan cannot go through the Batch API (nil
// when it can): only chat cases without images, with the zero-shot and
// few-shot strategies, and no strategy ladder.
func ValidateBatch(p advisor.Plan) error {
	if !p.Batch {
		return nil
	}
	for _, s := range p.Sets() {
		if s.Kind != "" && s.Kind != advisor.CaseKindChat {
			return &PlanError{Field: "batch", Msg: fmt.Sprintf("the Batch API mode sends chat cases only; the %s cases need a normal run (batch: false)", s.Kind)}
		}
		for i, c := range s.Cases {
			if c.Image != "" {
				return &PlanError{Field: "batch", Msg: fmt.Sprintf("case %d sends an image; the Batch API mode sends text only (batch: false)", s.Offset+i)}
			}
		}
	}
	for _, st := range p.Strategies {
		if st == advisor.StrategyRAG {
			return &PlanError{Field: "batch", Msg: "the rag strategy retrieves passages request by request; run it without batch: true"}
		}
	}
	if p.StrategyLadder {
		return &PlanError{Field: "batch", Msg: "the strategy ladder waits for each rung's results; it cannot go through the Batch API (set one of batch or strategy_ladder)"}
	}
	return nil
}

// batchRun is one session of a batch run.
type batchRun struct {
	*run
	jobs    []advisor.BatchJob
	store   BatchStore
	epIndex map[string]int
	done    map[advisor.Cell]bool
	failed  map[advisor.Cell]bool // repeat 0: a request of the case failed
	poll    time.Duration
	maxReq  int
	maxByte int
}

// RunBatch runs a plan with batch: true through the providers' Batch API.
// Cells in opt.Skip are not sent; jobs already stored for the run (a resume)
// are polled, not sent again. Each endpoint is asked first whether it speaks
// the Files and Batches API: one that answers 404 or 405 is refused
// (ErrNoBatchAPI) before anything is sent. When ctx ends the provider's
// batches keep running, unless opt.CancelBatches says the user cancelled:
// then they are cancelled at the provider too. Results of a batch that
// expired, failed or was cancelled are kept; its other requests are stored
// as failed (cancelled ones as cancelled) and listed in a note, for a
// normal rerun.
func RunBatch(ctx context.Context, p advisor.Plan, runID int64, opt Options) (Progress, error) {
	p = clonePlan(p)
	Defaults(&p)
	if err := ValidatePlan(p); err != nil {
		return Progress{}, err
	}
	p.Batch = true
	if err := ValidateBatch(p); err != nil {
		return Progress{}, err
	}
	if opt.Sink == nil || opt.Batches == nil {
		return Progress{}, errors.New("batch run: no result sink or batch store")
	}
	if opt.Redactor == nil {
		opt.Redactor = redact.New()
	}
	cells := Cells(p)
	start := time.Now()
	prog := Progress{Total: len(cells)}
	done := map[advisor.Cell]bool{}
	for _, c := range cells {
		if opt.Skip[c] {
			done[c] = true
			prog.Done++
		}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	hc := opt.httpClient()
	rp := opt.retry()
	timeout := opt.requestTimeout(p)
	keys := opt.runKeys()
	sets := p.Sets()
	cases := caseRefs(sets)
	eps := map[string]*endpointRunner{}
	epIndex := map[string]int{}
	for _, s := range sets {
		for _, ep := range s.Endpoints {
			if eps[ep.Name] != nil {
				continue
			}
			epIndex[ep.Name] = len(epIndex)
			er := &endpointRunner{ep: ep}
			key, err := keys(ep)
			if err != nil {
				er.keyErr = err
			} else {
				er.client = newClient(ep, key, hc)
			}
			in, out, fromCatalog, known := BatchPrice(ep, opt.Prices, opt.BatchPrices)
			er.priceIn, er.priceOt = in, out
			fullIn, _, _ := Pricing(ep, opt.Prices)
			er.priceCached = min(cachedPrice(ep, opt.CachedPrices, fullIn)/2, in)
			switch {
			case !known:
				opt.note("%s: no price in the plan or the catalog; its batch cost is unknown", ep.Name)
			case fromCatalog:
				opt.note("%s: priced at the catalog's batch price (%.4g / %.4g USD per 1M tokens in / out)", ep.Name, in, out)
			default:
				opt.note("%s: priced at half its token price (%.4g / %.4g USD per 1M tokens in / out; the catalog has no batch price for it)", ep.Name, in, out)
			}
			eps[ep.Name] = er
		}
	}
	sc, _ := newScorer(p, opt, keys, hc, timeout, rp)
	r := &run{p: p, sets: sets, cases: cases, runID: runID, opt: opt, eps: eps, sc: sc, rp: rp, timeout: timeout,
		sem: make(chan struct{}, 1), cancel: cancel, start: start, prog: prog}
	b := &batchRun{run: r, store: opt.Batches, epIndex: epIndex, done: done, failed: map[advisor.Cell]bool{},
		poll: opt.BatchPoll, maxReq: opt.batchMaxRequests, maxByte: BatchMaxFileBytes}
	if b.poll <= 0 {
		b.poll = DefaultBatchPoll
	}
	if b.maxReq <= 0 {
		b.maxReq = BatchMaxRequests
	}
	jobs, err := opt.Batches.Batches(ctx, runID)
	if err != nil {
		return prog, err
	}
	b.jobs = jobs
	if err := b.submit(ctx, cells); err != nil {
		return b.progress(), err
	}
	err = b.wait(ctx)
	return b.progress(), err
}

func (b *batchRun) progress() Progress {
	b.mu.Lock()
	p := b.prog
	b.mu.Unlock()
	p.Last, p.ETA = nil, 0
	p.Elapsed = time.Since(b.start)
	return p
}

func (b *batchRun) saveJob(ctx context.Context, j *advisor.BatchJob) error {
	if err := b.store.SaveBatch(context.WithoutCancel(ctx), j); err != nil {
		return fmt.Errorf("save batch of %s/%s: %w", j.Endpoint, j.Strategy, err)
	}
	for i := range b.jobs {
		if b.jobs[i].ID == j.ID {
			b.jobs[i] = *j
			return nil
		}
	}
	b.jobs = append(b.jobs, *j)
	return nil
}

func (b *batchRun) report() {
	if b.opt.OnBatch != nil {
		b.opt.OnBatch(SummarizeBatches(append([]advisor.BatchJob(nil), b.jobs...)))
	}
}

// group is the requests of one input file.
type group struct {
	endpoint, strategy string
	cells              []advisor.Cell
}

// submit sends the cells neither done nor in a job the provider still
// holds, one input file per endpoint and strategy (split past the limits),
// after asking every endpoint it will use whether it speaks the Batch API.
func (b *batchRun) submit(ctx context.Context, cells []advisor.Cell) error {
	held := map[advisor.Cell]bool{}
	for _, j := range b.jobs {
		if !j.Collected {
			for _, c := range j.Cells {
				held[c] = true
			}
		}
	}
	var groups []*group
	byKey := map[[2]string]*group{}
	for _, c := range cells {
		if b.done[c] || held[c] {
			continue
		}
		k := [2]string{c.Endpoint, c.Strategy}
		g := byKey[k]
		if g == nil {
			g = &group{endpoint: c.Endpoint, strategy: c.Strategy}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.cells = append(g.cells, c)
	}
	if len(groups) == 0 {
		return nil
	}
	// Ask first, send after: a refusal must come before any file is sent.
	asked := map[string]bool{}
	for _, g := range groups {
		if asked[g.endpoint] {
			continue
		}
		asked[g.endpoint] = true
		if err := b.probe(ctx, b.eps[g.endpoint]); err != nil {
			return err
		}
	}
	for _, g := range groups {
		if err := b.submitGroup(ctx, g); err != nil {
			return err
		}
	}
	b.report()
	return nil
}

// probe asks an endpoint for its batches and files (GET, nothing sent);
// 404 or 405 means the server has no Batch API.
func (b *batchRun) probe(ctx context.Context, er *endpointRunner) error {
	if er.keyErr != nil {
		return fmt.Errorf("endpoint %q: %w", er.ep.Name, er.keyErr)
	}
	one := 1
	_, err := er.client.ListBatch(ctx, nil, &one)
	if err == nil {
		_, err = er.client.ListFiles(ctx)
		if err != nil {
			return b.probeErr(ctx, er, "files", err)
		}
		return nil
	}
	return b.probeErr(ctx, er, "batches", err)
}

func (b *batchRun) probeErr(ctx context.Context, er *endpointRunner, what string, err error) error {
	status := httpStatus(err)
	if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
		return fmt.Errorf("endpoint %q (%s): %w — its /%s answered %d, so it cannot take batch files; nothing was sent. Run the plan without batch: true",
			er.ep.Name, er.ep.BaseURL, ErrNoBatchAPI, what, status)
	}
	ce := classify(ctx, ctx, err, probeState{}, b.timeout)
	return fmt.Errorf("endpoint %q: asking for its Batch API failed (%s): %s; nothing was sent", er.ep.Name, ce.Class, ce.Msg)
}

func httpStatus(err error) int {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.HTTPStatusCode
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode
	}
	return 0
}

// batchEndpoint is the url of each line and of the batch: Azure OpenAI
// names it without /v1.
func batchEndpoint(ep advisor.Endpoint) openai.BatchEndpoint {
	if ep.Kind == advisor.KindAzure {
		return "/chat/completions"
	}
	return openai.BatchEndpointChatCompletions
}

// request is the chat request of a cell, as a batch line's body (not
// streamed).
func (b *batchRun) request(er *endpointRunner, c advisor.Cell) openai.ChatCompletionRequest {
	ref := b.cases[c.Case]
	msgs := buildMessages(b.p, c.Strategy, ref.c, nil)
	b.coldPrefix(msgs)
	model := er.ep.Model
	if er.ep.Kind == advisor.KindAzure && er.ep.Deployment != "" {
		model = er.ep.Deployment
	}
	req := chatRequest(model, msgs, b.p.MaxTokens, b.p.Temperature)
	req.Stream, req.StreamOptions = false, nil
	return req
}

// submitGroup uploads one group's input file(s) and creates the batches,
// storing each job as soon as the provider accepted it.
func (b *batchRun) submitGroup(ctx context.Context, g *group) error {
	er := b.eps[g.endpoint]
	idx := b.epIndex[g.endpoint]
	for part := 0; len(g.cells) > 0; part++ {
		var req openai.UploadBatchFileRequest
		var taken []advisor.Cell
		size := 0
		for _, c := range g.cells {
			line := rawLine(openai.BatchChatCompletionRequest{CustomID: batchCustomID(b.runID, idx, c), Body: b.request(er, c),
				Method: http.MethodPost, URL: batchEndpoint(er.ep)}.MarshalBatchLineItem())
			n := len(line) + 1
			if len(taken) > 0 && (len(taken) >= b.maxReq || size+n > b.maxByte) {
				break
			}
			size += n
			req.Lines = append(req.Lines, line)
			taken = append(taken, c)
		}
		g.cells = g.cells[len(taken):]
		req.FileName = fmt.Sprintf("llm-advisor-run-%d-ep-%d-%s-%d.jsonl", b.runID, idx, g.strategy, part+1)
		resp, err := er.client.CreateBatchWithUploadFile(ctx, openai.CreateBatchWithUploadFileRequest{
			Endpoint: batchEndpoint(er.ep), CompletionWindow: batchWindow, UploadBatchFileRequest: req,
			Metadata: map[string]any{"llm_advisor_run": strconv.FormatInt(b.runID, 10)},
		})
		if err != nil {
			ce := classify(ctx, ctx, err, probeState{}, b.timeout)
			return fmt.Errorf("endpoint %q: sending the batch of %d %s requests failed (%s): %s", g.endpoint, len(taken), g.strategy, ce.Class, b.opt.Redactor.Clean(ce.Msg))
		}
		j := advisor.BatchJob{RunID: b.runID, Endpoint: g.endpoint, Strategy: g.strategy, Cells: taken}
		fillJob(&j, resp.Batch)
		if err := b.saveJob(ctx, &j); err != nil {
			return err
		}
		b.opt.note("batch %s: %d %s requests of %s sent (%s)", j.ProviderID, len(taken), g.strategy, g.endpoint, j.Status)
	}
	return nil
}

// rawLine is a batch line marshalled once: its size decides the file it
// goes in, and the upload writes the same bytes.
type rawLine []byte

func (l rawLine) MarshalBatchLineItem() []byte { return l }

func fillJob(j *advisor.BatchJob, bt openai.Batch) {
	if bt.ID != "" {
		j.ProviderID = bt.ID
	}
	if bt.InputFileID != "" {
		j.InputFileID = bt.InputFileID
	}
	j.Status = bt.Status
	j.Total, j.Completed, j.Failed = bt.RequestCounts.Total, bt.RequestCounts.Completed, bt.RequestCounts.Failed
	if bt.OutputFileID != nil {
		j.OutputFile = *bt.OutputFileID
	}
	if bt.ErrorFileID != nil {
		j.ErrorFile = *bt.ErrorFileID
	}
	if bt.Errors != nil && len(bt.Errors.Data) > 0 {
		var msgs []string
		for _, e := range bt.Errors.Data {
			m := e.Message
			if e.Line != nil {
				m = fmt.Sprintf("line %d: %s", *e.Line, m)
			}
			msgs = append(msgs, m)
		}
		j.Error = truncate(strings.Join(msgs, "; "), 500)
	}
}

// wait polls every job the provider holds until each is done and
// collected, or ctx ends.
func (b *batchRun) wait(ctx context.Context) error {
	failures := 0
	for {
		pending := 0
		for i := range b.jobs {
			j := b.jobs[i]
			if j.Collected {
				continue
			}
			if err := b.pollJob(ctx, &j); err != nil {
				if ctx.Err() != nil {
					break
				}
				if errors.Is(err, errSave) {
					return err
				}
				failures++
				b.opt.note("batch %s: %v (asked again in %s)", j.ProviderID, err, b.poll)
				if failures >= batchPollFailures {
					return fmt.Errorf("the provider did not answer %d polls in a row: %w; resume the run to go on polling", failures, err)
				}
				pending++
				continue
			}
			failures = 0
			if !j.Collected {
				pending++
			}
		}
		b.report()
		if err := context.Cause(ctx); err != nil {
			b.stop(ctx)
			return err
		}
		if pending == 0 {
			b.listLeftovers()
			return nil
		}
		t := time.NewTimer(b.poll)
		select {
		case <-ctx.Done():
			t.Stop()
			b.stop(ctx)
			return context.Cause(ctx)
		case <-t.C:
		}
	}
}

var errSave = errors.New("save")

// pollJob asks for a job's state and, once the provider is done with it,
// downloads and stores its results.
func (b *batchRun) pollJob(ctx context.Context, j *advisor.BatchJob) error {
	er := b.eps[j.Endpoint]
	if er == nil || er.client == nil {
		if er != nil && er.keyErr != nil {
			return er.keyErr
		}
		return fmt.Errorf("the plan has no endpoint %q any more", j.Endpoint)
	}
	resp, err := er.client.RetrieveBatch(ctx, j.ProviderID)
	if err != nil {
		ce := classify(ctx, ctx, err, probeState{}, b.timeout)
		return errors.New(ce.Msg)
	}
	fillJob(j, resp.Batch)
	if !j.Terminal() {
		if err := b.saveJob(ctx, j); err != nil {
			return fmt.Errorf("%w: %v", errSave, err)
		}
		return nil
	}
	if err := b.collect(ctx, er, j); err != nil {
		return err
	}
	j.Collected = true
	if err := b.saveJob(ctx, j); err != nil {
		return fmt.Errorf("%w: %v", errSave, err)
	}
	return nil
}

// batchLine is a line of an output or error file.
type batchLine struct {
	CustomID string `json:"custom_id"`
	Response *struct {
		StatusCode int             `json:"status_code"`
		Body       json.RawMessage `json:"body"`
	} `json:"response"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// collect stores the results of a finished job: each line of its output
// and error files once, then every request of the job without a line as
// failed (cancelled for a cancelled batch).
func (b *batchRun) collect(ctx context.Context, er *endpointRunner, j *advisor.BatchJob) error {
	want := make(map[string]advisor.Cell, len(j.Cells))
	idx := b.epIndex[j.Endpoint]
	for _, c := range j.Cells {
		want[batchCustomID(b.runID, idx, c)] = c
	}
	seen := map[string]bool{}
	ended := time.Now().UTC()
	var problems []string
	for _, file := range []string{j.OutputFile, j.ErrorFile} {
		if file == "" {
			continue
		}
		err := b.download(ctx, er, file, func(l batchLine) error {
			c, ok := want[l.CustomID]
			if !ok || seen[l.CustomID] {
				return nil // not ours, or twice: counted once
			}
			seen[l.CustomID] = true
			if b.done[c] {
				return nil
			}
			return b.store1(ctx, er, j, c, l, ended)
		})
		if err != nil {
			if errors.Is(err, errSave) || ctx.Err() != nil {
				return err
			}
			problems = append(problems, err.Error())
		}
	}
	class, msg := advisor.ErrServer, "the provider's batch "+j.Status+" without an answer to this request"
	switch j.Status {
	case advisor.BatchExpired:
		class, msg = advisor.ErrTimeout, "the batch expired (24 h window) before this request ran"
	case advisor.BatchCancelled:
		class, msg = advisor.ErrCancelled, "the batch was cancelled before this request ran"
	case advisor.BatchFailed:
		class, msg = advisor.ErrBadRequest, "the provider refused the batch file"
		if j.Error != "" {
			msg += ": " + j.Error
		}
	}
	if len(problems) > 0 {
		msg += " (" + strings.Join(problems, "; ") + ")"
	}
	for _, c := range j.Cells {
		if seen[batchCustomID(b.runID, idx, c)] || b.done[c] {
			continue
		}
		res := b.result(er, j, c, ended)
		res.ErrorClass, res.ErrorMessage = class, msg
		if err := b.save(ctx, &res); err != nil {
			return err
		}
	}
	return nil
}

// download reads a file's lines (bounded) and hands each to use.
func (b *batchRun) download(ctx context.Context, er *endpointRunner, file string, use func(batchLine) error) error {
	raw, err := er.client.GetFileContent(ctx, file)
	if err != nil {
		ce := classify(ctx, ctx, err, probeState{}, b.timeout)
		return fmt.Errorf("downloading %s failed: %s", file, ce.Msg)
	}
	defer raw.Close()
	rd := bufio.NewReaderSize(io.LimitReader(raw, MaxBatchOutputBytes+1), 64<<10)
	var read int64
	for n := 1; ; n++ {
		line, err := readLine(rd, maxStreamLine)
		read += int64(len(line)) + 1
		if read > MaxBatchOutputBytes {
			return fmt.Errorf("%s is larger than %d MB; the rest was not read", file, MaxBatchOutputBytes>>20)
		}
		if len(strings.TrimSpace(string(line))) > 0 {
			var l batchLine
			if jerr := json.Unmarshal(line, &l); jerr != nil {
				return fmt.Errorf("%s line %d is not a batch result: %v", file, n, jerr)
			}
			if uerr := use(l); uerr != nil {
				return uerr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %v", file, err)
		}
	}
}

// readLine reads one line of at most limit bytes (without its newline).
func readLine(rd *bufio.Reader, limit int) ([]byte, error) {
	var out []byte
	for {
		part, isPrefix, err := rd.ReadLine()
		out = append(out, part...)
		if len(out) > limit {
			return nil, fmt.Errorf("a line is longer than %d MB", limit>>20)
		}
		if err != nil || !isPrefix {
			return out, err
		}
	}
}

func (b *batchRun) result(er *endpointRunner, j *advisor.BatchJob, c advisor.Cell, ended time.Time) advisor.Result {
	set := b.sets[b.cases[c.Case].set]
	started := j.CreatedAt
	if started.IsZero() {
		started = ended
	}
	return advisor.Result{RunID: b.runID, Endpoint: c.Endpoint, Model: er.ep.Model, Strategy: c.Strategy, Case: c.Case, Repeat: c.Repeat,
		Set: set.Name, Kind: set.Kind, Batch: true, StartedAt: started.UTC(), EndedAt: ended}
}

// store1 stores the result of one line: an answer scored by the case's
// checks at the batch price, or the request's error.
func (b *batchRun) store1(ctx context.Context, er *endpointRunner, j *advisor.BatchJob, c advisor.Cell, l batchLine, ended time.Time) error {
	res := b.result(er, j, c, ended)
	switch {
	case l.Error != nil && (l.Response == nil || l.Response.StatusCode == 0):
		res.ErrorClass, res.ErrorMessage = advisor.ErrServer, strings.TrimSpace(l.Error.Code+": "+l.Error.Message)
	case l.Response == nil:
		res.ErrorClass, res.ErrorMessage = advisor.ErrBadResponse, "the batch line has no response"
	case l.Response.StatusCode != http.StatusOK:
		var eb struct {
			Error struct {
				Message string `json:"message"`
				Type    string `json:"type"`
				Code    any    `json:"code"`
			} `json:"error"`
		}
		_ = json.Unmarshal(l.Response.Body, &eb)
		ce := statusError(l.Response.StatusCode, eb.Error.Message, eb.Error.Type, fmt.Sprint(eb.Error.Code), nil)
		res.ErrorClass, res.ErrorMessage = ce.Class, ce.Msg
	default:
		var body struct {
			Choices []struct {
				Message struct {
					Content string `json:"content"`
				} `json:"message"`
			} `json:"choices"`
			Usage *usage `json:"usage"`
		}
		if err := json.Unmarshal(l.Response.Body, &body); err != nil || len(body.Choices) == 0 {
			res.ErrorClass, res.ErrorMessage = advisor.ErrBadResponse, "the batch answer is not a chat completion"
			break
		}
		out := body.Choices[0].Message.Content
		if len(out) > MaxAnswerBytes {
			out = out[:MaxAnswerBytes]
		}
		res.Output = out
		if u := body.Usage; u != nil && (u.PromptTokens > 0 || u.CompletionTokens > 0) {
			res.TokensIn, res.TokensOut = u.PromptTokens, u.CompletionTokens
			res.TokensCached, res.TokensReasoning = u.cached(), u.reasoning()
		} else {
			msgs := buildMessages(b.p, c.Strategy, b.cases[c.Case].c, nil)
			res.TokensIn, res.TokensOut, res.TokensEstimated = promptTokens(er.ep.Model, msgs), countTokens(er.ep.Model, out), true
		}
		res.CostUSD = er.cost(res)
		res.Score, res.Passed, res.Checks = b.sc.score(ctx, b.cases[c.Case].c, out)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return b.save(ctx, &res)
}

func (b *batchRun) save(ctx context.Context, res *advisor.Result) error {
	b.record(ctx, res)
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return fmt.Errorf("%w: %v", errSave, cause) // the store refused it: record stopped the run
	}
	b.done[res.Cell()] = true
	if res.ErrorClass != "" {
		b.failed[advisor.Cell{Endpoint: res.Endpoint, Strategy: res.Strategy, Case: res.Case}] = true
	}
	return nil
}

// stop handles the end of ctx: the user's cancel cancels the provider's
// batches too; closing the program leaves them running for a resume.
func (b *batchRun) stop(ctx context.Context) {
	if b.opt.CancelBatches == nil || !b.opt.CancelBatches() {
		return
	}
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	for i := range b.jobs {
		j := b.jobs[i]
		if j.Collected || j.Terminal() || j.ProviderID == "" {
			continue
		}
		er := b.eps[j.Endpoint]
		if er == nil || er.client == nil {
			continue
		}
		resp, err := er.client.CancelBatch(bg, j.ProviderID)
		if err != nil {
			b.opt.note("batch %s: cancelling at the provider failed: %s", j.ProviderID, classify(bg, bg, err, probeState{}, b.timeout).Msg)
			continue
		}
		fillJob(&j, resp.Batch)
		if j.Status == "" {
			j.Status = advisor.BatchCancelling
		}
		_ = b.saveJob(bg, &j)
		b.opt.note("batch %s: cancelled at the provider (%s); what it finished is collected when the run is resumed", j.ProviderID, j.Status)
	}
	b.report()
}

// listLeftovers notes the requests the batches did not answer, by endpoint
// and strategy, for a normal rerun.
func (b *batchRun) listLeftovers() {
	type key struct{ ep, st string }
	left := map[key][]int{}
	for _, j := range b.jobs {
		if j.Status == advisor.BatchCompleted && j.Failed == 0 {
			continue
		}
		for _, c := range j.Cells {
			left[key{c.Endpoint, c.Strategy}] = append(left[key{c.Endpoint, c.Strategy}], c.Case)
		}
	}
	if len(left) == 0 {
		return
	}
	// Only the cells whose stored result is an error are left over.
	failed := b.failedCells()
	keys := make([]key, 0, len(left))
	for k := range left {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].ep+keys[i].st < keys[j].ep+keys[j].st })
	for _, k := range keys {
		var cs []string
		seen := map[int]bool{}
		for _, c := range left[k] {
			if failed[advisor.Cell{Endpoint: k.ep, Strategy: k.st, Case: c}] && !seen[c] {
				seen[c] = true
				cs = append(cs, strconv.Itoa(c))
			}
		}
		if len(cs) == 0 {
			continue
		}
		b.opt.note("batch: %d %s requests of %s did not complete (cases %s); send them without the Batch API by resuming the run with batch off (test --resume %d --no-batch)",
			len(cs), k.st, k.ep, joinMax(cs, 20), b.runID)
	}
}

// failedCells are the cells (repeat 0) of this session whose request failed.
func (b *batchRun) failedCells() map[advisor.Cell]bool { return b.failed }

// CancelRunBatches cancels at the providers the batches of run that are
// still running, without polling or collecting them (a resume does that).
func CancelRunBatches(ctx context.Context, p advisor.Plan, runID int64, opt Options) error {
	if opt.Batches == nil {
		return errors.New("cancel batches: no batch store")
	}
	p = clonePlan(p)
	Defaults(&p)
	jobs, err := opt.Batches.Batches(ctx, runID)
	if err != nil {
		return err
	}
	if opt.Redactor == nil {
		opt.Redactor = redact.New()
	}
	keys := opt.runKeys()
	eps := map[string]*endpointRunner{}
	for _, s := range p.Sets() {
		for _, ep := range s.Endpoints {
			if eps[ep.Name] == nil {
				er := &endpointRunner{ep: ep}
				if key, err := keys(ep); err == nil {
					er.client = newClient(ep, key, opt.httpClient())
				}
				eps[ep.Name] = er
			}
		}
	}
	b := &batchRun{run: &run{p: p, runID: runID, opt: opt, eps: eps, timeout: time.Minute}, jobs: jobs, store: opt.Batches}
	b.opt.CancelBatches = func() bool { return true }
	waiting := 0
	for _, j := range jobs {
		if !j.Collected && !j.Terminal() {
			waiting++
		}
	}
	if waiting == 0 {
		return fmt.Errorf("run %d has no batch still running at a provider", runID)
	}
	b.stop(ctx)
	return nil
}
