package livetest

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// The schedule of the timed server: the first token (reasoning, or the
// answer for a plain model) at firstAt, the answer at answerAt, then one
// token every tokenGap; each chunk carries one token.
const (
	// The first token comes late enough that the few tens of milliseconds
	// a loaded machine (-race, other test binaries on 2 cores) takes to
	// start the handler and wake the reader stay well inside 5 %.
	firstAt        = 1000 * time.Millisecond
	answerAt       = 1400 * time.Millisecond // 400 ms of thinking
	tokenGap       = 50 * time.Millisecond
	thinkingChunks = 4 // at firstAt, +100, +200, +300 ms
	answerChunks   = 6 // at answerAt, +50, …, +250 ms
)

// served is what the timed server saw of one request on its own clock, from
// the moment its handler started.
type served struct {
	first, answer, end time.Duration
}

// timedServer streams reasoning in field (reasoning, reasoning_content, or
// "" for a plain model) on the schedule above, with usage that counts every
// chunk as one token, 4 of them reasoning (none for a plain model) and 6
// cached prompt tokens.
func timedServer(t *testing.T, field string) (url string, seen func() served) {
	var mu sync.Mutex
	var last served
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		t0 := time.Now()
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(200)
		fl := w.(http.Flusher)
		var s served
		send := func(at time.Duration, delta string) time.Duration {
			time.Sleep(time.Until(t0.Add(at)))
			fmt.Fprintf(w, `data: {"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":%s,"finish_reason":null}]}`+"\n\n", delta)
			fl.Flush()
			return time.Since(t0)
		}
		reasoning := 0
		if field != "" {
			for i := range thinkingChunks {
				at := send(firstAt+time.Duration(i)*100*time.Millisecond, fmt.Sprintf(`{"role":"assistant",%q:"thinking %d "}`, field, i))
				if i == 0 {
					s.first = at
				}
			}
			reasoning = thinkingChunks
		}
		start := answerAt
		if field == "" {
			start = firstAt
		}
		for i := range answerChunks {
			at := send(start+time.Duration(i)*tokenGap, fmt.Sprintf(`{"content":"word%d "}`, i))
			if i == 0 {
				s.answer = at
				if field == "" {
					s.first = at
				}
			}
		}
		// The end as the server sends it; kept before the write, so the
		// client cannot read it before it is stored.
		s.end = time.Since(t0)
		mu.Lock()
		last = s
		mu.Unlock()
		fmt.Fprintf(w, "data: %s\n\n", `{"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`)
		fmt.Fprintf(w, `data: {"choices":[],"usage":{"prompt_tokens":20,"completion_tokens":%d,"total_tokens":%d,"prompt_tokens_details":{"cached_tokens":6},"completion_tokens_details":{"reasoning_tokens":%d}}}`+"\n\ndata: [DONE]\n\n",
			reasoning+answerChunks, 20+reasoning+answerChunks, reasoning)
		fl.Flush()
	}))
	return srv.URL, func() served {
		mu.Lock()
		defer mu.Unlock()
		return last
	}
}

func within(t *testing.T, what string, got, truth, share float64) {
	t.Helper()
	if math.Abs(got-truth) > share*truth {
		t.Errorf("%s = %.1f ms, the truth %.1f ms: off by %.1f%% (more than %.0f%%)", what, got, truth, 100*math.Abs(got-truth)/truth, 100*share)
	}
}

// TestTimingReasoningFields: the first token, the answer's start and the
// time per output token are within 5 % of the server's schedule for both
// names servers give the thinking and for a plain model; cached and
// reasoning tokens are read and priced.
func TestTimingReasoningFields(t *testing.T) {
	for _, field := range []string{"reasoning", "reasoning_content", ""} {
		name := field
		if name == "" {
			name = "plain"
		}
		t.Run(name, func(t *testing.T) {
			url, seen := timedServer(t, field)
			p := plan(url)
			in, out, cached := 2.0, 8.0, 0.5
			p.Endpoints[0].PriceInPer1M, p.Endpoints[0].PriceOutPer1M, p.Endpoints[0].PriceCachedPer1M = &in, &out, &cached
			sink := &memSink{}
			opt, _ := testOptions(sink)
			if _, err := Run(context.Background(), p, 1, opt); err != nil {
				t.Fatal(err)
			}
			rs := sink.all()
			if len(rs) != 1 || rs[0].ErrorClass != "" {
				t.Fatalf("results %+v", rs)
			}
			r, s := rs[0], seen()

			// The schedule the test set, and what the server's clock saw of it.
			wantFirst, wantAnswer := firstAt, answerAt
			tokens, reasoning := thinkingChunks+answerChunks, thinkingChunks
			if field == "" {
				wantAnswer, tokens, reasoning = firstAt, answerChunks, 0
			}
			// The truth is the schedule as the server kept it, on its own
			// clock (a loaded machine wakes a sleeping server late): every
			// figure within 5 % of it. The schedule itself is checked
			// loosely (25 %), which still tells 1,000 ms of first token from
			// the 1,400 ms that reading only the answer would report.
			within(t, "ttft", r.TTFTMs, ms(s.first), 0.05)
			within(t, "ttfat", r.TTFATMs, ms(s.answer), 0.05)
			within(t, "tpot", r.TPOTMs, ms(s.end-s.first)/float64(tokens-1), 0.05)
			within(t, "ttft (planned)", r.TTFTMs, ms(wantFirst), 0.25)
			within(t, "ttfat (planned)", r.TTFATMs, ms(wantAnswer), 0.25)
			// tpot = (end − first token) / (tokens − 1): by hand from the schedule.
			lastAt := wantAnswer + (answerChunks-1)*tokenGap
			within(t, "tpot (planned)", r.TPOTMs, ms(lastAt-wantFirst)/float64(tokens-1), 0.25)
			if math.Abs(r.OutputTPS()-1000/r.TPOTMs) > 1e-9 {
				t.Errorf("output speed %.2f tok/s, want 1000/tpot", r.OutputTPS())
			}
			if r.Chunks != tokens {
				t.Errorf("chunks %d, want %d", r.Chunks, tokens)
			}
			if r.TokensIn != 20 || r.TokensOut != tokens || r.TokensCached != 6 || r.TokensReasoning != reasoning || r.TokensEstimated {
				t.Errorf("tokens in %d out %d cached %d reasoning %d estimated %v", r.TokensIn, r.TokensOut, r.TokensCached, r.TokensReasoning, r.TokensEstimated)
			}
			// 14 uncached prompt tokens at $2, 6 cached at $0.50, the output at $8 (per 1M).
			wantCost := (14*2.0 + 6*0.5 + float64(tokens)*8.0) / 1e6
			if math.Abs(r.CostUSD-wantCost) > 1e-12 {
				t.Errorf("cost %.10f, want %.10f", r.CostUSD, wantCost)
			}
			if r.Output != "word0 word1 word2 word3 word4 word5 " {
				t.Errorf("output %q: the answer only, without the thinking", r.Output)
			}
		})
	}
}

// TestCachedPriceFallback: without a cached price in the plan the
// catalog's cache_read price is used, and without either the input price.
func TestCachedPriceFallback(t *testing.T) {
	in := 2.0
	ep := advisor.Endpoint{CatalogID: "openai/gpt-x", PriceInPer1M: &in}
	cat := func(id string) (float64, bool) { return 0.25, id == "openai/gpt-x" }
	if got := CachedPrice(ep, cat, in); got != 0.25 {
		t.Errorf("catalog: %v, want 0.25", got)
	}
	if got := CachedPrice(ep, nil, in); got != 2 {
		t.Errorf("no cached price anywhere: %v, want the input price 2", got)
	}
	own := 0.1
	ep.PriceCachedPer1M = &own
	if got := CachedPrice(ep, cat, in); got != 0.1 {
		t.Errorf("plan: %v, want 0.1", got)
	}
}

// TestWarmupSentAndExcluded: with the default warmup one request per
// endpoint goes first, slow as a model load, recorded with warmup set and
// left out of the progress count and of every summary figure.
func TestWarmupSentAndExcluded(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := decodeBody(t, r)
		model := m["model"].(string)
		mu.Lock()
		hits[model]++
		n := hits[model]
		mu.Unlock()
		if n == 1 {
			time.Sleep(300 * time.Millisecond) // the model loads
		}
		sse(w, chunk("It is ", ""), chunk("4.", "stop"), `{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}`)
	}))
	p := plan(srv.URL, srv.URL)
	p.Endpoints[1].Model = "m2"
	p.Cases = append(p.Cases, advisor.Case{Input: "And 3+3?", Expected: "6"})
	price := 1.0
	for i := range p.Endpoints {
		p.Endpoints[i].PriceInPer1M, p.Endpoints[i].PriceOutPer1M = &price, &price
	}
	if !p.WarmupOn() {
		t.Fatal("warmup must be on by default")
	}
	sink := &memSink{}
	opt, _ := testOptions(sink)
	opt.noWarmup = false
	var last Progress
	var warmups []advisor.Result
	opt.OnProgress = func(pr Progress) {
		last = pr
		if pr.Last != nil && pr.Last.Warmup {
			warmups = append(warmups, *pr.Last)
		}
	}
	final, err := Run(context.Background(), p, 1, opt)
	if err != nil {
		t.Fatal(err)
	}
	if hits["m"] != 3 || hits["m2"] != 3 {
		t.Fatalf("requests per model %v, want 3 each (1 warm-up + 2 cases)", hits)
	}
	if final.Done != 4 || final.Total != 4 || last.Done != 4 {
		t.Errorf("progress %d/%d (last report %d): the warm-ups must not count as cells", final.Done, final.Total, last.Done)
	}
	if len(warmups) != 2 {
		t.Fatalf("%d warm-ups reported, want 2", len(warmups))
	}
	rs := sink.all()
	var measured []advisor.Result
	for _, r := range rs {
		if r.Warmup {
			if r.Strategy != advisor.StrategyWarmup || r.LatencyMs < 250 || r.ErrorClass != "" {
				t.Errorf("warm-up %+v: strategy warmup, the model load's time", r)
			}
			continue
		}
		measured = append(measured, r)
		if r.LatencyMs >= 250 {
			t.Errorf("measured request of %s took %.0f ms: it paid for the model load", r.Endpoint, r.LatencyMs)
		}
	}
	if len(measured) != 4 || len(advisor.Measured(rs)) != 4 {
		t.Fatalf("%d measured results, want 4", len(measured))
	}
	rows := advisor.Summarize(rs)
	if len(rows) != 2 {
		t.Fatalf("summary rows %+v: a warmup row must not appear", rows)
	}
	for _, row := range rows {
		if row.Requests != 2 || row.LatencyP95 >= 250 || math.Abs(row.CostUSD-2*12/1e6) > 1e-12 {
			t.Errorf("%s: %d requests, p95 %.0f ms, cost %g: the warm-up leaked into the figures", row.Endpoint, row.Requests, row.LatencyP95, row.CostUSD)
		}
	}
}

// TestSequentialEndpoints: endpoints run one after another when asked; the
// server never has requests of two models in flight at once.
func TestSequentialEndpoints(t *testing.T) {
	var mu sync.Mutex
	inflight := map[string]int{}
	overlap := 0
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		model := decodeBody(t, r)["model"].(string)
		mu.Lock()
		inflight[model]++
		for m, n := range inflight {
			if m != model && n > 0 {
				overlap++
			}
		}
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		inflight[model]--
		mu.Unlock()
		sse(w, chunk("4", "stop"))
	}))
	p := plan(srv.URL, srv.URL, srv.URL)
	p.Endpoints[1].Model, p.Endpoints[2].Model = "m2", "m3"
	for i := range 5 {
		p.Cases = append(p.Cases, advisor.Case{Input: fmt.Sprintf("q%d", i)})
	}
	p.SequentialEndpoints = true
	sink := &memSink{}
	opt, _ := testOptions(sink)
	opt.noWarmup = false
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	if n := len(sink.all()); n != 3*6+3 {
		t.Fatalf("%d results, want 21 (18 cells + 3 warm-ups)", n)
	}
	if overlap != 0 {
		t.Errorf("%d requests arrived while another model's were in flight", overlap)
	}
}

// TestColdPrompts: every prompt starts with a prefix no other request
// shares; without the option the same case sends the same prompt.
func TestColdPrompts(t *testing.T) {
	for _, cold := range []bool{true, false} {
		var mu sync.Mutex
		var firsts []string
		srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			m := decodeBody(t, r)
			msg := m["messages"].([]any)[0].(map[string]any)["content"].(string)
			mu.Lock()
			firsts = append(firsts, msg)
			mu.Unlock()
			sse(w, chunk("4", "stop"))
		}))
		p := plan(srv.URL)
		p.Repeats = 3
		p.ColdPrompts = cold
		sink := &memSink{}
		opt, _ := testOptions(sink)
		if _, err := Run(context.Background(), p, 1, opt); err != nil {
			t.Fatal(err)
		}
		distinct := map[string]bool{}
		for _, f := range firsts {
			distinct[f] = true
			if !strings.HasSuffix(f, "What is 2+2?") {
				t.Errorf("prompt %q lost the case's input", f)
			}
		}
		want := 1
		if cold {
			want = 3
		}
		if len(firsts) != 3 || len(distinct) != want {
			t.Errorf("cold=%v: %d requests, %d distinct prompts, want 3 and %d", cold, len(firsts), len(distinct), want)
		}
	}
}
