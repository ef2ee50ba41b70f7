package livetest

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

const boundsEndpoint = "endpoints:\n  - {name: a, kind: openai-compatible, base_url: http://127.0.0.1:1/v1, model: m}\ncases:\n  - {input: hi, expected: x}\n"

// TestPlanBounds: plans that would exhaust memory before anything is sent
// (a huge repeats, a YAML alias bomb, /dev/zero) and the numbers a plan
// used to get silently replaced are errors naming the field.
func TestPlanBounds(t *testing.T) {
	// 10,000 aliases of one 100 KB string: 400 KB of YAML, 1 GB expanded.
	var bomb strings.Builder
	bomb.WriteString(boundsEndpoint + "system: &s \"" + strings.Repeat("x", 100<<10) + "\"\nfew_shot:\n")
	for range 10000 {
		bomb.WriteString("  - {input: *s, output: *s}\n")
	}
	cases := map[string]string{
		"repeats: 100000000\n":                    "repeats: 100000000 is not allowed",
		"repeats: 0\n":                            "repeats: 0 is not allowed",
		"concurrency: -5\n":                       "concurrency: -5 is not allowed",
		"max_tokens: -1\n":                        "max_tokens: -1 is not allowed",
		"timeout_seconds: 99999999999\n":          "timeout_seconds: 99999999999 is not allowed",
		"repeats: 1000\n" + strings.Repeat("", 0): "",
	}
	for extra, want := range cases {
		_, err := ParsePlan([]byte(boundsEndpoint+extra), "plan.yaml")
		if want == "" {
			if err != nil {
				t.Errorf("%q: %v", extra, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %v, want %q", extra, err, want)
		}
	}
	many := "endpoints:\n  - {name: a, kind: openai-compatible, base_url: http://127.0.0.1:1/v1, model: m}\n  - {name: b, kind: openai-compatible, base_url: http://127.0.0.1:1/v1, model: m}\nrepeats: 1000\ncases:\n" + strings.Repeat("  - {input: hi}\n", 101)
	if _, err := ParsePlan([]byte(many), "plan.yaml"); err == nil || !strings.Contains(err.Error(), "202000 requests") {
		t.Errorf("202,000 requests: %v", err)
	}
	if _, err := ParsePlan([]byte(strings.Replace(boundsEndpoint, "http://127.0.0.1:1/v1", `"http://[::1"`, 1)), "plan.yaml"); err == nil || !strings.Contains(err.Error(), "endpoints[0].base_url") {
		t.Errorf("bad base_url: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := ParsePlan([]byte(bomb.String()), "bomb.yaml"); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "expands to more than") {
			t.Errorf("alias bomb: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the alias bomb is being expanded")
	}
	if _, err := LoadPlan("/dev/zero"); err == nil || !strings.Contains(err.Error(), "a device") {
		t.Errorf("/dev/zero as a plan: %v", err)
	}
}

// TestResponseBounds: a server that ignores max_tokens, one that sends a
// huge error page, and a gzip-compressed line without end each make one
// bad result; the run goes on and nothing is read whole.
func TestResponseBounds(t *testing.T) {
	var served atomic.Int64
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch {
		case strings.Contains(string(body), "endless"):
			w.Header().Set("Content-Type", "text/event-stream")
			for i := 0; i < 1<<20; i++ {
				if _, err := fmt.Fprintf(w, "data: %s\n\n", chunk(strings.Repeat("y", 1000), "")); err != nil {
					return
				}
				served.Add(1000)
			}
		case strings.Contains(string(body), "huge error"):
			w.WriteHeader(http.StatusBadRequest)
			for i := 0; i < 300<<10; i++ {
				if _, err := w.Write([]byte(strings.Repeat("e", 1023) + "\n")); err != nil {
					return
				}
			}
		case strings.Contains(string(body), "gzip line"):
			w.Header().Set("Content-Type", "text/event-stream")
			w.Header().Set("Content-Encoding", "gzip")
			zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
			zw.Write([]byte("data: "))
			zeros := make([]byte, 1<<20)
			for i := 0; i < 1024; i++ {
				if _, err := zw.Write(zeros); err != nil {
					return
				}
			}
			zw.Close()
		default:
			okStream("fine")(w, r)
		}
	}))
	p := plan(srv.URL)
	p.Cases = []advisor.Case{{Input: "endless"}, {Input: "huge error"}, {Input: "gzip line"}, {Input: "normal", Expected: "fine"}}
	sink := &memSink{}
	opt, _ := testOptions(sink)
	// The bounds are in bytes, not seconds: under -race on a busy 2-core
	// machine reading 1 MB of answer took longer than testOptions' 5 s, and
	// the request timed out before the answer was too long (CI, 2026-12-02).
	opt.timeout = 2 * time.Minute
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatalf("the run failed: %v", err)
	}
	rs := sink.all()
	if len(rs) != 4 {
		t.Fatalf("%d results", len(rs))
	}
	byCase := map[int]advisor.Result{}
	for _, r := range rs {
		byCase[r.Case] = r
	}
	if r := byCase[0]; r.ErrorClass != advisor.ErrBadResponse || len(r.Output) != MaxAnswerBytes || !strings.Contains(r.ErrorMessage, "longer than") {
		t.Errorf("endless answer: class %q, %d bytes kept, %q", r.ErrorClass, len(r.Output), r.ErrorMessage)
	}
	if served.Load() > 64<<20 {
		t.Errorf("%d bytes of the endless answer were read", served.Load())
	}
	if r := byCase[1]; r.ErrorClass != advisor.ErrBadRequest || len(r.ErrorMessage) > 1000 {
		t.Errorf("huge error: class %q, message of %d bytes", r.ErrorClass, len(r.ErrorMessage))
	}
	if r := byCase[2]; r.ErrorClass != advisor.ErrBadResponse || !strings.Contains(r.ErrorMessage, "without a line break") {
		t.Errorf("gzip line: class %q, %q", r.ErrorClass, r.ErrorMessage)
	}
	if r := byCase[3]; r.ErrorClass != "" || !r.Passed {
		t.Errorf("the normal case after them: %+v", r)
	}
}

// TestSSECommentsAnd500: 400 keep-alive comment lines before the answer are
// fine, and a 500 is retried (OpenAI documents it as retryable).
func TestSSECommentsAnd500(t *testing.T) {
	var calls atomic.Int32
	r := runOne(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if calls.Add(1) == 1 {
			http.Error(w, `{"error":{"message":"boom"}}`, http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte(strings.Repeat(": keep-alive\n\n", 400)))
		sse(w, chunk("4", "stop"))
	}))
	if r.ErrorClass != "" || r.Output != "4" || calls.Load() != 2 {
		t.Fatalf("result %q %q after %d calls", r.ErrorClass, r.Output, calls.Load())
	}
}

// TestRedirectsAreNotFollowed: the key never goes to the address a
// redirect names, and the user is told where to point the endpoint.
func TestRedirectsAreNotFollowed(t *testing.T) {
	var other atomic.Int32
	target := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.Add(1)
		okStream("4")(w, r)
	}))
	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect} {
		src := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+r.URL.Path, code)
		}))
		sink := &memSink{}
		opt, _ := testOptions(sink)
		opt.Keys = func(advisor.Endpoint) (string, error) { return "sk-redirect-test-key-123", nil }
		if _, err := Run(context.Background(), plan(src.URL), 1, opt); err != nil {
			t.Fatal(err)
		}
		r := sink.all()[0]
		if r.ErrorClass == "" || !strings.Contains(r.ErrorMessage, "redirected to "+target.URL+"/v1/chat/completions") || !strings.Contains(r.ErrorMessage, "base URL") {
			t.Errorf("%d: result %q %q", code, r.ErrorClass, r.ErrorMessage)
		}
	}
	if other.Load() != 0 {
		t.Errorf("the redirect was followed %d times", other.Load())
	}
}

// TestServerClosedIdleConnectionIsResent replays what llama-server does: it
// closes a kept-alive connection just as the client reuses it, and Go fails
// the POST with "http: server closed idle connection" without sending it.
// The request is resent once on a fresh connection and succeeds.
func TestServerClosedIdleConnectionIsResent(t *testing.T) {
	var mu sync.Mutex
	var conns []net.Conn
	var requests atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		okStream("4")(w, r)
	}))
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	// The first request leaves an idle kept-alive connection. When the
	// second one takes it from the pool, the server closes it and the
	// client's read loop sees the close before the request is written.
	var reuses atomic.Int32
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if info.Reused && reuses.Add(1) == 1 {
			mu.Lock()
			for _, c := range conns {
				c.Close()
			}
			mu.Unlock()
			time.Sleep(200 * time.Millisecond)
		}
	}})
	p := plan(srv.URL)
	p.Cases = append(p.Cases, advisor.Case{Input: "second", Expected: "4"})
	p.Concurrency = 1
	sink := &memSink{}
	opt, _ := testOptions(sink)
	opt.HTTPClient = &http.Client{Transport: &http.Transport{}}
	if _, err := Run(ctx, p, 1, opt); err != nil {
		t.Fatal(err)
	}
	if reuses.Load() == 0 {
		t.Fatal("no connection was reused: the replay did not happen")
	}
	for _, r := range sink.all() {
		if r.ErrorClass != "" {
			t.Errorf("case %d failed: %s %s", r.Case, r.ErrorClass, r.ErrorMessage)
		}
	}
	if requests.Load() != 2 {
		t.Errorf("the server answered %d requests, want 2", requests.Load())
	}
}

// TestOutOfFilesIsLocal: EMFILE when dialling is this computer's problem —
// retried after a wait, never tripping the endpoint's breaker — and a
// concurrency above what the open-file limit allows is lowered with a note.
func TestOutOfFilesIsLocal(t *testing.T) {
	srv := serve(t, okStream("4"))
	var failed atomic.Int32
	d := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if failed.Add(1) <= 5 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("socket", syscall.EMFILE)}
		}
		return d.DialContext(ctx, network, addr)
	}}}
	p := plan(srv.URL)
	for i := 0; i < 5; i++ {
		p.Cases = append(p.Cases, advisor.Case{Input: fmt.Sprintf("q%d", i), Expected: "4"})
	}
	p.Concurrency = 1
	sink := &memSink{}
	opt, waits := testOptions(sink)
	opt.HTTPClient = hc
	opt.MaxRetries = 10
	var notes []string
	opt.OnNote = func(s string) { notes = append(notes, s) }
	old := fdRoom
	fdRoom = func() (int, uint64, bool) { return 1, 256, true }
	defer func() { fdRoom = old }()
	p.Concurrency = 8
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	for _, r := range sink.all() {
		if r.ErrorClass != "" {
			t.Errorf("case %d: %s %s", r.Case, r.ErrorClass, r.ErrorMessage)
		}
	}
	if len(*waits) < 5 {
		t.Errorf("%d waits; the EMFILE failures were not retried after a wait", len(*waits))
	}
	if len(notes) == 0 || !strings.Contains(notes[0], "concurrency lowered from 8 to 1") || !strings.Contains(notes[0], "ulimit -n") {
		t.Errorf("notes %q", notes)
	}
	ce := classify(context.Background(), context.Background(), &net.OpError{Op: "dial", Err: os.NewSyscallError("socket", syscall.ENFILE)}, probeState{}, time.Second)
	if !ce.Local || !strings.Contains(ce.Msg, "ran out of open files") {
		t.Errorf("ENFILE: %+v", ce)
	}
	var b breaker
	for range 5 {
		b.observe(advisor.ErrConnection, "x")
	}
	if _, _, open := b.state(); !open {
		t.Error("the breaker itself should still trip on real connection failures")
	}
	_ = errors.New
}
