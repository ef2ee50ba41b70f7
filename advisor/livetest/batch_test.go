package livetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest/batchfake"
)

// batchPlan: endpoints named a, b, ... on the server, five cases asking
// for "answer N", the contains check, 2 / 8 USD per 1M tokens in / out.
func batchPlan(base string, endpoints int) advisor.Plan {
	p := advisor.Plan{Name: "batch", Batch: true}
	in, out := 2.0, 8.0
	for i := range endpoints {
		p.Endpoints = append(p.Endpoints, advisor.Endpoint{Name: string(rune('a' + i)), Kind: advisor.KindCompatible,
			BaseURL: base + "/v1", Model: fmt.Sprintf("m%d", i), PriceInPer1M: &in, PriceOutPer1M: &out})
	}
	for i := range 5 {
		p.Cases = append(p.Cases, advisor.Case{Input: fmt.Sprintf("say answer %d", i), Expected: fmt.Sprintf("answer %d", i), Checks: []string{"contains"}})
	}
	Defaults(&p)
	return p
}

// echoAnswer answers "answer N" to "say answer N" (so the contains check
// passes), except for cases listed in fail (500 in the error file).
func echoAnswer(fail ...string) func(string, map[string]any) (int, string) {
	return func(id string, body map[string]any) (int, string) {
		for _, f := range fail {
			if strings.Contains(id, f) {
				return 500, "the model crashed"
			}
		}
		msgs := body["messages"].([]any)
		q := msgs[len(msgs)-1].(map[string]any)["content"].(string)
		return 200, strings.TrimPrefix(q, "say ")
	}
}

// Half price by hand: 100 prompt tokens × 2 USD + 20 completion tokens × 8
// USD per 1M = 0.00036 USD at the token price; the batch price is half:
// 0.00018 USD per request.
const halfPriceCost = (100*2.0 + 20*8.0) / 1e6 / 2

func TestBatchRunLandsEveryCaseOnceAtHalfPrice(t *testing.T) {
	srv := batchfake.New()
	srv.Answer = echoAnswer("/case-3/")
	ts := serve(t, srv)
	p := batchPlan(ts.URL, 2)
	sink, store := &memSink{}, &memBatches{}
	opt, notes, states := batchTestOptions(t, sink, store)
	prog, err := RunBatch(context.Background(), p, 7, opt)
	if err != nil {
		t.Fatal(err)
	}
	rs := sink.all()
	if len(rs) != 10 || prog.Done != 10 || prog.Total != 10 {
		t.Fatalf("%d results, progress %d/%d; want 2 endpoints × 5 cases = 10", len(rs), prog.Done, prog.Total)
	}
	seen := map[advisor.Cell]bool{}
	for _, r := range rs {
		if seen[r.Cell()] {
			t.Errorf("cell %+v landed twice", r.Cell())
		}
		seen[r.Cell()] = true
		if !r.Batch || r.LatencyMs != 0 || r.TTFTMs != 0 || r.TPOTMs != 0 {
			t.Errorf("case %d: batch %v latency %v ttft %v", r.Case, r.Batch, r.LatencyMs, r.TTFTMs)
		}
		if r.Case == 3 {
			if r.ErrorClass != advisor.ErrServer || !strings.Contains(r.ErrorMessage, "crashed") {
				t.Errorf("error-file line: %q %q", r.ErrorClass, r.ErrorMessage)
			}
			continue
		}
		if r.ErrorClass != "" || !r.Passed || r.Output != fmt.Sprintf("answer %d", r.Case) {
			t.Errorf("%s case %d: %q %q passed=%v", r.Endpoint, r.Case, r.ErrorClass, r.Output, r.Passed)
		}
		if math.Abs(r.CostUSD-halfPriceCost) > 1e-12 || r.TokensIn != 100 || r.TokensOut != 20 || r.TokensEstimated {
			t.Errorf("cost %v (want %v), tokens %d/%d", r.CostUSD, halfPriceCost, r.TokensIn, r.TokensOut)
		}
	}
	// One input file per endpoint and strategy; nothing sent as a chat request.
	if srv.Uploads != 2 || srv.Creates != 2 || srv.Chats != 0 {
		t.Errorf("uploads %d creates %d chats %d", srv.Uploads, srv.Creates, srv.Chats)
	}
	if srv.Endpoint != "/v1/chat/completions" || srv.LastBody["stream"] == true || srv.LastBody["model"] == nil {
		t.Errorf("endpoint %q body %v", srv.Endpoint, srv.LastBody)
	}
	words := map[string]bool{}
	for _, s := range *states {
		words[s.String()] = true
	}
	for _, w := range []string{"submitted (10 requests)", "in progress 4 / 10", "done"} {
		if !words[w] {
			t.Errorf("state %q never shown; got %v", w, words)
		}
	}
	if !hasNote(*notes, "half its token price") {
		t.Errorf("the price basis is not said: %q", *notes)
	}
	if !hasNote(*notes, "1 zero-shot requests of a did not complete (cases [3])", "--no-batch") {
		t.Errorf("the failed request is not listed for a rerun: %q", *notes)
	}
	jobs, _ := store.Batches(context.Background(), 7)
	for _, j := range jobs {
		if !j.Collected || j.Status != advisor.BatchCompleted || len(j.Cells) != 5 {
			t.Errorf("job %+v", j)
		}
	}
}

// The program closes mid-batch (ctx cancelled, the batches left running);
// a second RunBatch on the same stores resumes polling without sending
// anything again, and every case lands once.
func TestBatchRunResumesAfterRestart(t *testing.T) {
	srv := batchfake.New()
	srv.Answer = echoAnswer()
	srv.PollsToFinish = 3
	ts := serve(t, srv)
	p := batchPlan(ts.URL, 1)
	sink, store := &memSink{}, &memBatches{}
	opt, _, _ := batchTestOptions(t, sink, store)
	ctx := cancelInProgress(t, &opt) // the window closes while the provider works
	opt.CancelBatches = func() bool { return false }
	if _, err := RunBatch(ctx, p, 1, opt); !errors.Is(err, context.Canceled) {
		t.Fatalf("first session: %v", err)
	}
	if n := len(sink.all()); n != 0 || srv.Cancels != 0 {
		t.Fatalf("after the close: %d results, %d cancels; want 0, 0", n, srv.Cancels)
	}
	jobs, _ := store.Batches(context.Background(), 1)
	if len(jobs) != 1 || jobs[0].Collected || jobs[0].ProviderID == "" {
		t.Fatalf("stored job %+v", jobs)
	}

	opt2, _, _ := batchTestOptions(t, sink, store)
	opt2.Skip = skipOf(sink.all())
	prog, err := RunBatch(context.Background(), p, 1, opt2)
	if err != nil {
		t.Fatal(err)
	}
	rs := sink.all()
	if len(rs) != 5 || prog.Done != 5 {
		t.Fatalf("%d results, done %d; want 5", len(rs), prog.Done)
	}
	if srv.Uploads != 1 || srv.Creates != 1 {
		t.Errorf("the resume sent again: %d uploads, %d batches", srv.Uploads, srv.Creates)
	}
	// A third session finds nothing to do and sends nothing.
	opt3, _, _ := batchTestOptions(t, sink, store)
	opt3.Skip = skipOf(sink.all())
	if _, err := RunBatch(context.Background(), p, 1, opt3); err != nil || len(sink.all()) != 5 || srv.Uploads != 1 {
		t.Errorf("third session: %v, %d results, %d uploads", err, len(sink.all()), srv.Uploads)
	}
}

// An expired batch keeps the answers it has; the rest are stored as
// timeouts and listed for a normal rerun.
func TestBatchExpiredKeepsPartialOutput(t *testing.T) {
	srv := batchfake.New()
	srv.Answer = echoAnswer()
	srv.ExpireAfter = 3
	ts := serve(t, srv)
	sink, store := &memSink{}, &memBatches{}
	opt, notes, _ := batchTestOptions(t, sink, store)
	if _, err := RunBatch(context.Background(), batchPlan(ts.URL, 1), 1, opt); err != nil {
		t.Fatal(err)
	}
	rs := sink.all()
	if len(rs) != 5 {
		t.Fatalf("%d results", len(rs))
	}
	for _, r := range rs {
		want := ""
		if r.Case >= 3 {
			want = advisor.ErrTimeout
		}
		if r.ErrorClass != want {
			t.Errorf("case %d: class %q, want %q (%s)", r.Case, r.ErrorClass, want, r.ErrorMessage)
		}
	}
	if !hasNote(*notes, "2 zero-shot requests of a did not complete (cases [3 4])") {
		t.Errorf("notes %q", *notes)
	}
}

// The user's cancel cancels the provider's batch; what it finished is
// collected on resume, the rest stays to be sent again.
func TestBatchCancelCancelsAtTheProvider(t *testing.T) {
	srv := batchfake.New()
	srv.Answer = echoAnswer()
	srv.PollsToFinish = 100
	ts := serve(t, srv)
	p := batchPlan(ts.URL, 1)
	sink, store := &memSink{}, &memBatches{}
	opt, _, _ := batchTestOptions(t, sink, store)
	ctx := cancelInProgress(t, &opt)
	opt.CancelBatches = func() bool { return true }
	if _, err := RunBatch(ctx, p, 1, opt); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if srv.Cancels != 1 {
		t.Fatalf("%d cancels at the provider, want 1", srv.Cancels)
	}
	jobs, _ := store.Batches(context.Background(), 1)
	if jobs[0].Status != advisor.BatchCancelling || jobs[0].Collected {
		t.Errorf("job after cancel %+v", jobs[0])
	}
	opt2, _, _ := batchTestOptions(t, sink, store)
	if _, err := RunBatch(context.Background(), p, 1, opt2); err != nil {
		t.Fatal(err)
	}
	rs := sink.all()
	ok, cancelled := 0, 0
	for _, r := range rs {
		switch r.ErrorClass {
		case "":
			ok++
		case advisor.ErrCancelled:
			cancelled++
		}
	}
	if ok != 1 || cancelled != 4 {
		t.Errorf("%d answered, %d cancelled; want 1 and 4", ok, cancelled)
	}
}

// cancelInProgress is a context cancelled once the batches are in progress
// at the provider.
func cancelInProgress(t *testing.T, opt *Options) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	opt.OnBatch = func(s BatchState) {
		if s.State == "in_progress" {
			cancel()
		}
	}
	return ctx
}

// A server without the Files + Batches API is refused before anything is
// sent, with the reason.
func TestBatchRefusesServerWithoutBatchAPI(t *testing.T) {
	for _, code := range []int{http.StatusNotFound, http.StatusMethodNotAllowed} {
		srv := batchfake.New()
		srv.NoAPI = code
		ts := serve(t, srv)
		sink, store := &memSink{}, &memBatches{}
		opt, _, _ := batchTestOptions(t, sink, store)
		_, err := RunBatch(context.Background(), batchPlan(ts.URL, 1), 1, opt)
		if !errors.Is(err, ErrNoBatchAPI) || !strings.Contains(err.Error(), fmt.Sprint(code)) || !strings.Contains(err.Error(), "nothing was sent") {
			t.Errorf("%d: %v", code, err)
		}
		if srv.Posts != 0 || len(sink.all()) != 0 {
			t.Errorf("%d: %d POSTs, %d results; want none", code, srv.Posts, len(sink.all()))
		}
	}
}

// Past the per-file limit a group is split; custom_ids keep every request
// apart, with repeats.
func TestBatchSplitsLargeGroups(t *testing.T) {
	srv := batchfake.New()
	srv.Answer = echoAnswer()
	ts := serve(t, srv)
	p := batchPlan(ts.URL, 1)
	p.Repeats = 2
	p.Strategies = []string{advisor.StrategyZeroShot, advisor.StrategyFewShot}
	p.FewShot = []advisor.Example{{Input: "say answer 9", Output: "answer 9"}}
	sink, store := &memSink{}, &memBatches{}
	opt, _, _ := batchTestOptions(t, sink, store)
	opt.batchMaxRequests = 4
	if _, err := RunBatch(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	// 5 cases × 2 repeats = 10 per strategy → files of 4, 4, 2; two strategies.
	if srv.Uploads != 6 || len(sink.all()) != 20 {
		t.Errorf("%d uploads (want 6), %d results (want 20)", srv.Uploads, len(sink.all()))
	}
	for _, r := range sink.all() {
		if r.ErrorClass != "" || !r.Passed {
			t.Errorf("%+v", r)
		}
	}
}

func TestValidateBatch(t *testing.T) {
	p := batchPlan("http://127.0.0.1:1", 1)
	p.Strategies = append(p.Strategies, advisor.StrategyRAG)
	p.Documents = t.TempDir()
	if err := ValidatePlan(p); err == nil || !strings.Contains(err.Error(), "batch") {
		t.Errorf("rag in batch: %v", err)
	}
	p = batchPlan("http://127.0.0.1:1", 1)
	p.StrategyLadder = true
	if err := ValidatePlan(p); err == nil || !strings.Contains(err.Error(), "ladder") {
		t.Errorf("ladder in batch: %v", err)
	}
}

func TestBatchPrice(t *testing.T) {
	in, out := 3.0, 12.0
	ep := advisor.Endpoint{Name: "x", PriceInPer1M: &in, PriceOutPer1M: &out}
	bi, bo, cat, known := BatchPrice(ep, nil, nil)
	if bi != 1.5 || bo != 6 || cat || !known {
		t.Errorf("plan prices: %v %v %v %v", bi, bo, cat, known)
	}
	ep = advisor.Endpoint{Name: "y", CatalogID: "gpt"}
	prices := func(string) (float64, float64, bool) { return 2.5, 10, true }
	batch := func(string) (float64, float64, bool) { return 1.25, 4, true }
	if bi, bo, cat, _ := BatchPrice(ep, prices, batch); bi != 1.25 || bo != 4 || !cat {
		t.Errorf("catalog batch price: %v %v %v", bi, bo, cat)
	}
	if bi, bo, cat, _ := BatchPrice(ep, prices, func(string) (float64, float64, bool) { return 0, 0, false }); bi != 1.25 || bo != 5 || cat {
		t.Errorf("half the catalog price: %v %v %v", bi, bo, cat)
	}
}

// The dry run of a batch plan: the same tokens at half the price. By hand:
// the cost at token prices is whatever EstimatePlan counts; the batch cost
// is exactly half of it with plan prices, and the saving the other half.
func TestEstimateBatch(t *testing.T) {
	p := batchPlan("http://127.0.0.1:1", 2)
	p.Batch = false
	full := EstimatePlan(p, nil, nil)
	if !full.BatchPossible || full.Batch || full.CostUSD <= 0 {
		t.Fatalf("%+v", full)
	}
	if math.Abs(full.BatchCostUSD-full.CostUSD/2) > 1e-12 || math.Abs(full.BatchSavingUSD-full.CostUSD/2) > 1e-12 {
		t.Errorf("batch %v saving %v of %v", full.BatchCostUSD, full.BatchSavingUSD, full.CostUSD)
	}
	p.Batch = true
	b := EstimatePlan(p, nil, nil)
	if !b.Batch || math.Abs(b.CostUSD-full.CostUSD/2) > 1e-12 || math.Abs(b.CostMaxUSD-full.CostMaxUSD/2) > 1e-12 ||
		math.Abs(*b.Endpoints[0].CostUSD-*full.Endpoints[0].CostUSD/2) > 1e-12 {
		t.Errorf("batch plan estimate %+v", b)
	}
	p.Strategies = []string{advisor.StrategyRAG}
	if EstimatePlan(p, nil, nil).BatchPossible {
		t.Error("a rag plan offered the Batch API")
	}
}

// BenchmarkBatchSubmit10k is the time to build and send 10,000 requests as
// batch files (upload, create, the first poll) to a local Files + Batches
// server, with the requests per file and the input bytes per request.
func BenchmarkBatchSubmit10k(b *testing.B) {
	var files, inputBytes int
	for range b.N {
		b.StopTimer()
		srv := batchfake.New()
		srv.PollsToFinish = 1 << 30
		ts := serve(b, srv)
		p := advisor.Plan{Name: "bench", Batch: true, Endpoints: []advisor.Endpoint{{Name: "a", Kind: advisor.KindCompatible, BaseURL: ts.URL + "/v1", Model: "gpt-4o-mini"}}}
		for i := range 10000 {
			p.Cases = append(p.Cases, advisor.Case{Input: fmt.Sprintf("Classify this support ticket into billing, shipping or other: ticket %d says my parcel has not arrived yet", i), Expected: "shipping"})
		}
		Defaults(&p)
		sink, store := &memSink{}, &memBatches{}
		opt, _ := testOptions(sink)
		opt.Batches = store
		ctx, cancel := context.WithCancel(context.Background())
		opt.OnBatch = func(BatchState) { cancel() } // submitted: stop after the first poll
		b.StartTimer()
		_, err := RunBatch(ctx, p, 1, opt)
		b.StopTimer()
		cancel()
		if !errors.Is(err, context.Canceled) {
			b.Fatal(err)
		}
		jobs, _ := store.Batches(context.Background(), 1)
		n := 0
		for _, j := range jobs {
			n += len(j.Cells)
		}
		if n != 10000 {
			b.Fatalf("%d requests submitted", n)
		}
		files = srv.Uploads
		inputBytes = srv.InputBytes()
		ts.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(10000)/float64(files), "requests/file")
	b.ReportMetric(float64(inputBytes)/10000, "input-bytes/request")
}

// BenchmarkBatchRoundTrip10k adds the rest to the submit: polling to the
// end, downloading the 10,000 answers, scoring them and storing each (in
// memory).
func BenchmarkBatchRoundTrip10k(b *testing.B) {
	for range b.N {
		b.StopTimer()
		srv := batchfake.New()
		srv.PollsToFinish = 0
		srv.Answer = func(string, map[string]any) (int, string) { return 200, "shipping" }
		ts := serve(b, srv)
		p := advisor.Plan{Name: "bench", Batch: true, Endpoints: []advisor.Endpoint{{Name: "a", Kind: advisor.KindCompatible, BaseURL: ts.URL + "/v1", Model: "gpt-4o-mini"}}}
		for i := range 10000 {
			p.Cases = append(p.Cases, advisor.Case{Input: fmt.Sprintf("Classify this support ticket into billing, shipping or other: ticket %d says my parcel has not arrived yet", i), Expected: "shipping"})
		}
		Defaults(&p)
		sink, store := &memSink{}, &memBatches{}
		opt, _ := testOptions(sink)
		opt.Batches, opt.BatchPoll = store, time.Millisecond
		b.StartTimer()
		if _, err := RunBatch(context.Background(), p, 1, opt); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if n := len(sink.all()); n != 10000 {
			b.Fatalf("%d results", n)
		}
		ts.Close()
		b.StartTimer()
	}
}
