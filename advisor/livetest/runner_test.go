package livetest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

func TestReplayLlamaCppStream(t *testing.T) {
	r := runOne(t, replay(t, "chat-stream"))
	if r.ErrorClass != "" {
		t.Fatalf("error %s: %s", r.ErrorClass, r.ErrorMessage)
	}
	if want := `"Here," Annack`; r.Output != want {
		t.Errorf("output %q, want %q", r.Output, want)
	}
	// b4748 puts usage on the last chunk that still has choices.
	if r.TokensIn != 56 || r.TokensOut != 12 || r.TokensEstimated {
		t.Errorf("tokens %d/%d estimated=%v, want 56/12 as reported", r.TokensIn, r.TokensOut, r.TokensEstimated)
	}
	if r.TTFTMs <= 0 || r.LatencyMs < r.TTFTMs {
		t.Errorf("ttft %v latency %v: want 0 < ttft <= latency", r.TTFTMs, r.LatencyMs)
	}
	if r.ConcurrencyAtSend != 1 {
		t.Errorf("concurrency at send %d, want 1", r.ConcurrencyAtSend)
	}
}

func TestReplayStreamStopAndUsageFixtures(t *testing.T) {
	for _, name := range []string{"chat-stream-usage", "chat-stream-stop"} {
		t.Run(name, func(t *testing.T) {
			r := runOne(t, replay(t, name))
			if r.ErrorClass != "" {
				t.Fatalf("error %s: %s", r.ErrorClass, r.ErrorMessage)
			}
			if r.TokensEstimated || r.TokensOut == 0 {
				t.Errorf("usage not read from the stream: %+v", r)
			}
		})
	}
}

func TestUsageInSeparateEmptyChoicesChunk(t *testing.T) {
	r := runOne(t, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		io.Copy(io.Discard, req.Body)
		sse(w, chunk("The answer is ", ""), chunk("4.", "stop"),
			`{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":17,"completion_tokens":5,"total_tokens":22}}`)
	}))
	if r.ErrorClass != "" {
		t.Fatalf("error %s: %s", r.ErrorClass, r.ErrorMessage)
	}
	if r.TokensIn != 17 || r.TokensOut != 5 || r.TokensEstimated {
		t.Errorf("tokens %d/%d estimated=%v, want 17/5 from the choices:[] chunk", r.TokensIn, r.TokensOut, r.TokensEstimated)
	}
	if r.Output != "The answer is 4." || !r.Passed || r.Score != 1 {
		t.Errorf("output %q score %v passed %v", r.Output, r.Score, r.Passed)
	}
}

func TestTokensEstimatedWithoutUsage(t *testing.T) {
	r := runOne(t, okStream("Hello world"))
	if !r.TokensEstimated {
		t.Fatal("tokens not marked estimated")
	}
	// cl100k_base: "Hello world" is two tokens.
	if r.TokensOut != 2 {
		t.Errorf("tokens out %d, want 2", r.TokensOut)
	}
	if r.TokensIn < 3+3+1 {
		t.Errorf("tokens in %d: too few for one user turn", r.TokensIn)
	}
}

func TestCostFromPlanAndCatalogPrices(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		io.Copy(io.Discard, req.Body)
		sse(w, chunk("4", "stop"), `{"choices":[],"usage":{"prompt_tokens":1000,"completion_tokens":500,"total_tokens":1500}}`)
	}))
	p := plan(srv.URL, srv.URL, srv.URL)
	in, out := 2.0, 8.0
	p.Endpoints[0].PriceInPer1M, p.Endpoints[0].PriceOutPer1M = &in, &out
	p.Endpoints[1].CatalogID = "cat-model"
	sink := &memSink{}
	opt, _ := testOptions(sink)
	opt.Prices = func(id string) (float64, float64, bool) {
		if id == "cat-model" {
			return 1, 4, true
		}
		return 0, 0, false
	}
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	rs := sink.all()
	want := []float64{(1000*2.0 + 500*8.0) / 1e6, (1000*1.0 + 500*4.0) / 1e6, 0}
	for i, r := range rs {
		if diff := r.CostUSD - want[i]; diff > 1e-12 || diff < -1e-12 {
			t.Errorf("%s cost %v, want %v", r.Endpoint, r.CostUSD, want[i])
		}
	}
	if _, _, known := Pricing(p.Endpoints[2], opt.Prices); known {
		t.Error("an endpoint with no price anywhere must be reported unknown")
	}
}

// Trap 1: go-openai drops temperature 0 (omitempty); the server must still
// get a deterministic setting.
func TestTemperatureZeroReachesServer(t *testing.T) {
	for _, tc := range []struct {
		plan     float32
		min, max float64
	}{{0, 1e-12, 1e-6}, {0.7, 0.69, 0.71}} {
		var got map[string]any
		var mu sync.Mutex
		srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			m := decodeBody(t, r)
			mu.Lock()
			got = m
			mu.Unlock()
			sse(w, chunk("4", "stop"))
		}))
		p := plan(srv.URL)
		p.Temperature = tc.plan
		sink := &memSink{}
		opt, _ := testOptions(sink)
		if _, err := Run(context.Background(), p, 1, opt); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		temp, ok := got["temperature"].(float64)
		mu.Unlock()
		if !ok || temp < tc.min || temp > tc.max {
			t.Errorf("plan temperature %v: server got temperature %v (present %v), want in [%g, %g]", tc.plan, got["temperature"], ok, tc.min, tc.max)
		}
		so, _ := got["stream_options"].(map[string]any)
		if got["stream"] != true || so["include_usage"] != true {
			t.Errorf("stream %v stream_options %v: want a stream that asks for usage", got["stream"], got["stream_options"])
		}
		if got["max_tokens"] != float64(DefaultMaxTokens) {
			t.Errorf("max_tokens %v, want %d", got["max_tokens"], DefaultMaxTokens)
		}
	}
}

// Trap 2: llama.cpp sends a streamed error as an `error:` line with status
// 200, which go-openai v1.43.0 ignores.
func TestStreamedErrorLineIsAnError(t *testing.T) {
	r := runOne(t, replay(t, "error-context-overflow-stream"))
	if r.ErrorClass != advisor.ErrContextLength {
		t.Fatalf("class %q (%s), want context_length", r.ErrorClass, r.ErrorMessage)
	}
	if !strings.Contains(r.ErrorMessage, "the request exceeds the available context size") {
		t.Errorf("message %q lacks the server's words", r.ErrorMessage)
	}
}

// Trap 3: llama.cpp closes the connection after each stream while
// advertising keep-alive; the next request on that connection fails with EOF
// before the server saw it. This server does it every time: a request on a
// reused connection is dropped without an answer.
func TestEOFOnReusedConnectionIsResent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var dropped, served atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				br := bufio.NewReader(c)
				for n := 0; ; n++ {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					io.Copy(io.Discard, req.Body)
					if n > 0 {
						dropped.Add(1)
						return // the request reached a dead connection
					}
					served.Add(1)
					body := "data: " + chunk("4", "stop") + "\n\ndata: [DONE]\n\n"
					fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nKeep-Alive: timeout=5, max=100\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
					// keep the connection open for the next request, then drop it
				}
			}(c)
		}
	}()
	p := plan("http://" + ln.Addr().String())
	p.Cases = []advisor.Case{{Input: "a", Expected: "4"}, {Input: "b", Expected: "4"}, {Input: "c", Expected: "4"}, {Input: "d", Expected: "4"}}
	p.Concurrency = 1
	Defaults(&p)
	sink := &memSink{}
	opt, _ := testOptions(sink)
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	for _, r := range sink.all() {
		if r.ErrorClass != "" {
			t.Errorf("case %d: %s: %s", r.Case, r.ErrorClass, r.ErrorMessage)
		}
	}
	if dropped.Load() == 0 {
		t.Error("no request ever went to a reused connection: the trap was not exercised")
	}
	if served.Load() != 4 {
		t.Errorf("server answered %d requests, want 4 (each once)", served.Load())
	}
}

// faultCase is a server that fails in one way; the good endpoint next to it
// shows that the run goes on.
func TestFaultsAreClassifiedAndTheRunGoesOn(t *testing.T) {
	deadLn, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + deadLn.Addr().String()
	deadLn.Close()

	jsonErr := func(status int, body string, hdr ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			for i := 0; i+1 < len(hdr); i += 2 {
				w.Header().Set(hdr[i], hdr[i+1])
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, body)
		}
	}
	tests := []struct {
		name    string
		handler http.Handler
		base    string
		class   string
		msg     string
	}{
		{name: "dead host", base: dead, class: advisor.ErrConnection, msg: "could not connect to the server: nothing is listening at"},
		{name: "401", handler: replay(t, "error-auth-wrong"), class: advisor.ErrUnauthorized, msg: "401: Invalid API Key"},
		{name: "404 model", handler: jsonErr(404, `{"error":{"message":"The model 'nope' does not exist","type":"invalid_request_error","code":"model_not_found"}}`), class: advisor.ErrNotFound, msg: "does not exist"},
		{name: "429 with Retry-After", handler: jsonErr(429, `{"error":{"message":"slow down","type":"rate_limit"}}`, "Retry-After", "7"), class: advisor.ErrRateLimited, msg: "after 4 retries"},
		{name: "429 without Retry-After", handler: jsonErr(429, `{"error":{"message":"slow down"}}`), class: advisor.ErrRateLimited, msg: "slow down"},
		{name: "500", handler: replay(t, "error-n-choices"), class: advisor.ErrServer, msg: "Only one completion choice is allowed"},
		{name: "503", handler: jsonErr(503, `{"error":{"message":"Loading model","type":"unavailable_error"}}`), class: advisor.ErrServer, msg: "Loading model"},
		{name: "timeout", handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}), class: advisor.ErrTimeout, msg: "no complete answer within"},
		{name: "cut mid-stream", handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			conn, bw, _ := w.(http.Hijacker).Hijack()
			defer conn.Close()
			ev := "data: " + chunk("The ans", "") + "\n\n"
			fmt.Fprintf(bw, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", len(ev), ev)
			bw.Flush()
		}), class: advisor.ErrConnection, msg: "cut in the middle"},
		{name: "malformed SSE JSON", handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			sse(w, `{"choices":[{"index":0,"delta":{"content":"4"`)
		}), class: advisor.ErrBadResponse, msg: "not valid JSON"},
		{name: "not SSE at all", handler: replay(t, "chat-nonstream"), class: advisor.ErrBadResponse, msg: "without streaming"},
		{name: "empty choices", handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			sse(w, `{"id":"x","object":"chat.completion.chunk","choices":[]}`)
		}), class: advisor.ErrBadResponse, msg: "no choices"},
		{name: "context length 400", handler: replay(t, "error-context-overflow"), class: advisor.ErrContextLength, msg: "exceeds the available context size"},
		{name: "context length openai", handler: jsonErr(400, `{"error":{"message":"This model's maximum context length is 8192 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}`), class: advisor.ErrContextLength, msg: "maximum context length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int64
			base := tt.base
			if tt.handler != nil {
				srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					hits.Add(1)
					tt.handler.ServeHTTP(w, r)
				}))
				base = srv.URL
			}
			good := serve(t, okStream("It is 4."))
			sink := &memSink{}
			opt, waits := testOptions(sink)
			if tt.class == advisor.ErrTimeout {
				opt.timeout = 300 * time.Millisecond
			}
			if _, err := Run(context.Background(), plan(base, good.URL), 1, opt); err != nil {
				t.Fatal(err)
			}
			rs := sink.all()
			if len(rs) != 2 {
				t.Fatalf("%d results, want 2 (a failed request is a result too)", len(rs))
			}
			bad, ok := rs[0], rs[1]
			if bad.ErrorClass != tt.class {
				t.Errorf("class %q (%s), want %q", bad.ErrorClass, bad.ErrorMessage, tt.class)
			}
			if !strings.Contains(bad.ErrorMessage, tt.msg) {
				t.Errorf("message %q, want it to contain %q", bad.ErrorMessage, tt.msg)
			}
			if bad.Passed || bad.Score != 0 {
				t.Errorf("failed request scored %v passed %v", bad.Score, bad.Passed)
			}
			if ok.ErrorClass != "" || !ok.Passed {
				t.Errorf("the good endpoint failed: %s %s", ok.ErrorClass, ok.ErrorMessage)
			}
			switch tt.name {
			case "429 with Retry-After":
				if hits.Load() != 5 || len(*waits) != 4 {
					t.Errorf("%d requests, %d waits; want 5 and 4", hits.Load(), len(*waits))
				}
				for _, w := range *waits {
					if w != 7*time.Second {
						t.Errorf("waited %v, want Retry-After's 7s", w)
					}
				}
			case "429 without Retry-After", "503", "500":
				if hits.Load() != 5 {
					t.Errorf("%d requests, want 5 (4 retries)", hits.Load())
				}
				for i, w := range *waits {
					if hi := time.Millisecond << i; w < hi/2 || w > hi {
						t.Errorf("wait %d is %v, want exponential backoff with jitter in [%v, %v]", i, w, hi/2, hi)
					}
				}
			case "401", "404 model", "context length 400":
				if hits.Load() != 1 {
					t.Errorf("%d requests, want 1: %s is not retried", hits.Load(), tt.name)
				}
			}
		})
	}
}

func TestRetryAfterRecovers(t *testing.T) {
	var n atomic.Int64
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", time.Now().Add(90*time.Second).UTC().Format(http.TimeFormat))
			w.WriteHeader(429)
			io.WriteString(w, `{"error":{"message":"later"}}`)
			return
		}
		sse(w, chunk("4", "stop"))
	}))
	sink := &memSink{}
	opt, waits := testOptions(sink)
	opt.RetryCap = time.Minute
	if _, err := Run(context.Background(), plan(srv.URL), 1, opt); err != nil {
		t.Fatal(err)
	}
	if r := sink.all()[0]; r.ErrorClass != "" {
		t.Fatalf("%s: %s", r.ErrorClass, r.ErrorMessage)
	}
	// An HTTP date 90 s ahead, capped at RetryCap.
	if len(*waits) != 1 || (*waits)[0] != time.Minute {
		t.Errorf("waits %v, want [1m0s]", *waits)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":    0,
		"3":   3 * time.Second,
		"0.5": 500 * time.Millisecond,
		now.Add(10 * time.Second).Format(http.TimeFormat): 10 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
		"soon": 0,
	} {
		h := http.Header{}
		if v != "" {
			h.Set("Retry-After", v)
		}
		if got := retryAfter(h, now); got != want {
			t.Errorf("Retry-After %q: %v, want %v", v, got, want)
		}
	}
}

func TestCancelStopsQuicklyAndKeepsSavedResults(t *testing.T) {
	release := make(chan struct{})
	var n atomic.Int64
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if n.Add(1) > 2 {
			select { // hang until the client gives up
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		sse(w, chunk("4", "stop"))
	}))
	defer close(release)
	p := plan(srv.URL)
	for i := 0; i < 20; i++ {
		p.Cases = append(p.Cases, advisor.Case{Input: fmt.Sprint("q", i), Expected: "4", Checks: []string{"contains"}})
	}
	p.Concurrency = 1
	sink := &memSink{}
	opt, _ := testOptions(sink)
	ctx, cancel := context.WithCancel(context.Background())
	opt.OnProgress = func(pr Progress) {
		if pr.Done == 2 {
			go func() {
				time.Sleep(20 * time.Millisecond) // let the third request hang
				cancel()
			}()
		}
	}
	done := make(chan struct{})
	var prog Progress
	var err error
	go func() {
		prog, err = Run(ctx, p, 1, opt)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop after cancel")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	rs := sink.all()
	if len(rs) != 2 || prog.Done != 2 {
		t.Errorf("%d results saved, progress %d; want the 2 finished ones", len(rs), prog.Done)
	}
	for _, r := range rs {
		if r.ErrorClass != "" {
			t.Errorf("saved %s: an abandoned request must not be saved (resume sends it again)", r.ErrorClass)
		}
	}
}

func TestSkipResumesOnlyMissingCells(t *testing.T) {
	var n atomic.Int64
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		okStream("4")(w, r)
	}))
	p := plan(srv.URL)
	p.Cases = append(p.Cases, advisor.Case{Input: "b"}, advisor.Case{Input: "c"})
	p.Repeats = 2
	cells := Cells(p)
	skip := map[advisor.Cell]bool{cells[0]: true, cells[3]: true}
	sink := &memSink{}
	opt, _ := testOptions(sink)
	opt.Skip = skip
	prog, err := Run(context.Background(), p, 1, opt)
	if err != nil {
		t.Fatal(err)
	}
	if int(n.Load()) != len(cells)-2 || len(sink.all()) != len(cells)-2 {
		t.Errorf("%d requests, %d results; want %d", n.Load(), len(sink.all()), len(cells)-2)
	}
	for _, r := range sink.all() {
		if skip[r.Cell()] {
			t.Errorf("cell %v was done already", r.Cell())
		}
	}
	if prog.Done != prog.Total || prog.Total != len(cells) {
		t.Errorf("progress %d/%d, want %d/%d", prog.Done, prog.Total, len(cells), len(cells))
	}
}

func TestSinkFailureStopsTheRun(t *testing.T) {
	srv := serve(t, okStream("4"))
	p := plan(srv.URL)
	sink := &memSink{fail: errors.New("disk full")}
	opt, _ := testOptions(sink)
	_, err := Run(context.Background(), p, 1, opt)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("error %v, want the save failure", err)
	}
}

// Run with concurrency 64 under -race; the server checks the limit.
func TestConcurrency64(t *testing.T) {
	var cur, peak atomic.Int64
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := cur.Add(1)
		for {
			p := peak.Load()
			if c <= p || peak.CompareAndSwap(p, c) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		okStream("It is 4.")(w, r)
		cur.Add(-1)
	}))
	p := plan(srv.URL, srv.URL)
	p.Endpoints[1].Concurrency = 8
	for i := 0; i < 150; i++ {
		p.Cases = append(p.Cases, advisor.Case{Input: fmt.Sprint("q", i), Expected: "4", Checks: []string{"contains", "regex"}})
	}
	p.Concurrency = 64
	p.Strategies = []string{"zero-shot", "few-shot"}
	p.FewShot = []advisor.Example{{Input: "1+1", Output: "2"}}
	sink := &memSink{}
	opt, _ := testOptions(sink)
	var calls atomic.Int64
	opt.OnProgress = func(Progress) { calls.Add(1) }
	prog, err := Run(context.Background(), p, 1, opt)
	if err != nil {
		t.Fatal(err)
	}
	rs := sink.all()
	if len(rs) != len(Cells(p)) || prog.Done != len(rs) || int(calls.Load()) != len(rs) {
		t.Fatalf("%d results, progress %d, %d progress calls; want %d", len(rs), prog.Done, calls.Load(), len(Cells(p)))
	}
	perEP := map[string]int{}
	for _, r := range rs {
		if r.ErrorClass != "" {
			t.Errorf("%v: %s %s", r.Cell(), r.ErrorClass, r.ErrorMessage)
		}
		if r.ConcurrencyAtSend < 1 || r.ConcurrencyAtSend > 64 {
			t.Errorf("concurrency at send %d outside 1..64", r.ConcurrencyAtSend)
		}
		perEP[r.Endpoint] = max(perEP[r.Endpoint], r.ConcurrencyAtSend)
	}
	if peak.Load() > 64 {
		t.Errorf("server saw %d requests at once, limit 64", peak.Load())
	}
}

func TestEndpointConcurrencyLimit(t *testing.T) {
	var cur, peak atomic.Int64
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := cur.Add(1)
		for {
			p := peak.Load()
			if c <= p || peak.CompareAndSwap(p, c) {
				break
			}
		}
		time.Sleep(3 * time.Millisecond)
		okStream("4")(w, r)
		cur.Add(-1)
	}))
	p := plan(srv.URL)
	p.Endpoints[0].Concurrency = 2
	for i := 0; i < 20; i++ {
		p.Cases = append(p.Cases, advisor.Case{Input: fmt.Sprint("q", i)})
	}
	p.Concurrency = 16
	sink := &memSink{}
	opt, _ := testOptions(sink)
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	if peak.Load() > 2 {
		t.Errorf("server saw %d requests at once, endpoint limit 2", peak.Load())
	}
}

func TestMissingKeyRecordsUnauthorizedWithoutSending(t *testing.T) {
	var n atomic.Int64
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
	p := plan(srv.URL)
	p.Endpoints[0].Kind = advisor.KindOpenAI
	p.Endpoints[0].APIKeyEnv = "LLM_ADVISOR_TEST_NO_SUCH_KEY"
	sink := &memSink{}
	opt, _ := testOptions(sink)
	opt.Keys = func(ep advisor.Endpoint) (string, error) {
		return "", &MissingKeyError{Endpoint: ep.Name, Env: ep.APIKeyEnv}
	}
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	r := sink.all()[0]
	if r.ErrorClass != advisor.ErrUnauthorized || !strings.Contains(r.ErrorMessage, "LLM_ADVISOR_TEST_NO_SUCH_KEY") || n.Load() != 0 {
		t.Errorf("class %q msg %q requests %d", r.ErrorClass, r.ErrorMessage, n.Load())
	}
}

func TestAzureEndpointURLAndKeyHeader(t *testing.T) {
	var path, query, apiKey, auth string
	var mu sync.Mutex
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		path, query, apiKey, auth = r.URL.Path, r.URL.RawQuery, r.Header.Get("api-key"), r.Header.Get("Authorization")
		mu.Unlock()
		okStream("4")(w, r)
	}))
	p := plan(srv.URL)
	p.Endpoints[0] = advisor.Endpoint{Name: "az", Kind: advisor.KindAzure, BaseURL: srv.URL + "/", Model: "gpt-4o", Deployment: "my-dep", APIVersion: "2024-06-01"}
	sink := &memSink{}
	opt, _ := testOptions(sink)
	opt.Keys = func(advisor.Endpoint) (string, error) { return "sk-azure-test", nil }
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if path != "/openai/deployments/my-dep/chat/completions" || query != "api-version=2024-06-01" {
		t.Errorf("azure request to %s?%s", path, query)
	}
	if apiKey != "sk-azure-test" || auth != "" {
		t.Errorf("api-key %q, Authorization %q: Azure takes the key in api-key", apiKey, auth)
	}
	if r := sink.all()[0]; r.ErrorClass != "" || strings.Contains(r.ErrorMessage+r.Output, "sk-azure-test") {
		t.Errorf("result %+v", r)
	}
}

func TestBearerKeyAndStrategiesReachServer(t *testing.T) {
	var mu sync.Mutex
	bodies := map[string]map[string]any{}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer sk-test" {
			w.WriteHeader(401)
			return
		}
		m := decodeBody(t, r)
		msgs := m["messages"].([]any)
		last := msgs[len(msgs)-1].(map[string]any)["content"].(string)
		mu.Lock()
		bodies[fmt.Sprint(len(msgs), strings.Contains(last, "Question:"))] = m
		mu.Unlock()
		sse(w, chunk("4", "stop"))
	}))
	p := plan(srv.URL)
	p.System = "Answer with a number."
	p.Strategies = []string{"zero-shot", "few-shot"}
	p.FewShot = []advisor.Example{{Input: "1+1?", Output: "2"}, {Input: "2+3?", Output: "5"}}
	sink := &memSink{}
	opt, _ := testOptions(sink)
	opt.Keys = func(advisor.Endpoint) (string, error) { return "sk-test", nil }
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	for _, r := range sink.all() {
		if r.ErrorClass != "" {
			t.Fatalf("%s: %s %s", r.Strategy, r.ErrorClass, r.ErrorMessage)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if _, ok := bodies["2 false"]; !ok { // system + user
		t.Errorf("no zero-shot request with system + user turns: %v", keys(bodies))
	}
	fs, ok := bodies["6 false"] // system + 2 pairs + user
	if !ok {
		t.Fatalf("no few-shot request with 6 turns: %v", keys(bodies))
	}
	turns := fs["messages"].([]any)
	if turns[2].(map[string]any)["role"] != "assistant" || turns[2].(map[string]any)["content"] != "2" {
		t.Errorf("few-shot turns %v", turns)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestReasoningModelGetsMaxCompletionTokens(t *testing.T) {
	var got map[string]any
	var mu sync.Mutex
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := decodeBody(t, r)
		mu.Lock()
		got = m
		mu.Unlock()
		sse(w, chunk("4", "stop"))
	}))
	p := plan(srv.URL)
	p.Endpoints[0].Model = "o3-mini"
	sink := &memSink{}
	opt, _ := testOptions(sink)
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	if r := sink.all()[0]; r.ErrorClass != "" {
		t.Fatalf("%s: %s", r.ErrorClass, r.ErrorMessage)
	}
	mu.Lock()
	defer mu.Unlock()
	if _, has := got["max_tokens"]; has || got["max_completion_tokens"] != float64(DefaultMaxTokens) {
		t.Errorf("max_tokens %v max_completion_tokens %v", got["max_tokens"], got["max_completion_tokens"])
	}
	if _, has := got["temperature"]; has {
		t.Errorf("temperature %v sent to a reasoning model", got["temperature"])
	}
}

func TestEchoedKeyIsHidden(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %s","type":"invalid_request_error"}}`, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
	p := plan(srv.URL)
	sink := &memSink{}
	opt, _ := testOptions(sink)
	opt.Keys = func(advisor.Endpoint) (string, error) { return "sk-very-secret-123", nil }
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	r := sink.all()[0]
	if r.ErrorClass != advisor.ErrUnauthorized || strings.Contains(r.ErrorMessage, "sk-very-secret-123") || !strings.Contains(r.ErrorMessage, "[API key hidden]") {
		t.Errorf("%s: %q", r.ErrorClass, r.ErrorMessage)
	}
}

func TestRunLeavesCallersPlanAlone(t *testing.T) {
	srv := serve(t, okStream("4"))
	p := advisor.Plan{
		Endpoints: []advisor.Endpoint{{Name: "a", BaseURL: srv.URL + "/v1", Model: "m"}},
		Cases:     []advisor.Case{{Input: "2+2", Expected: "4"}},
	}
	sink := &memSink{}
	opt, _ := testOptions(sink)
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	if p.Endpoints[0].Kind != "" || p.Cases[0].Checks != nil || p.Strategies != nil {
		t.Errorf("Run changed the caller's plan: %+v", p)
	}
	if r := sink.all()[0]; !r.Passed || r.Checks[0].Check != advisor.CheckContains {
		t.Errorf("defaults not applied inside the run: %+v", r)
	}
}

func TestHopelessEndpointStopsBeingAsked(t *testing.T) {
	for _, okFirst := range []bool{false, true} {
		var hits atomic.Int64
		srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			if hits.Add(1) == 1 && okFirst {
				sse(w, chunk("4", "stop"))
				return
			}
			w.WriteHeader(401)
			io.WriteString(w, `{"error":{"message":"Invalid API Key"}}`)
		}))
		p := plan(srv.URL)
		for i := 0; i < 9; i++ {
			p.Cases = append(p.Cases, advisor.Case{Input: fmt.Sprint("q", i)})
		}
		p.Concurrency = 1
		sink := &memSink{}
		opt, _ := testOptions(sink)
		if _, err := Run(context.Background(), p, 1, opt); err != nil {
			t.Fatal(err)
		}
		rs := sink.all()
		notSent := 0
		for _, r := range rs {
			if strings.HasPrefix(r.ErrorMessage, "not sent:") {
				notSent++
				if r.ErrorClass != advisor.ErrUnauthorized || !strings.Contains(r.ErrorMessage, "Invalid API Key") {
					t.Errorf("%s %q", r.ErrorClass, r.ErrorMessage)
				}
			}
		}
		wantHits, wantNotSent := int64(breakerStreak), 10-breakerStreak
		if okFirst {
			wantHits, wantNotSent = 10, 0 // it worked once: every request is tried
		}
		if len(rs) != 10 || hits.Load() != wantHits || notSent != wantNotSent {
			t.Errorf("okFirst=%v: %d results, %d requests, %d not sent; want 10, %d, %d", okFirst, len(rs), hits.Load(), notSent, wantHits, wantNotSent)
		}
	}
}
