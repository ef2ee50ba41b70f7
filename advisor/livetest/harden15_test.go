package livetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// A llama.cpp server started with --api-key answers every request without a
// key with the recorded 401 {"error":{"code":401,"message":"Invalid API
// Key","type":"authentication_error"}} and may close the kept-alive
// connection after it. Every case must get the same class, unauthorized,
// with a message that says no key was sent (not "the key was refused", which
// sends the user looking for a wrong key), and a wrong key must still read
// "refused".
func TestLlamaCppAPIKeyEveryCaseUnauthorized(t *testing.T) {
	for _, tc := range []struct {
		name, key, fixture, want string
	}{
		{"no key", "", "error-auth-missing", "the server asks for an API key and none was sent (401: Invalid API Key)"},
		{"wrong key", "sk-wrong", "error-auth-wrong", "the API key was refused (401): Invalid API Key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := replay(t, tc.fixture)
			var n atomic.Int64
			srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1)%2 == 0 {
					// Like cpp-httplib after an error: answer, then close the
					// connection the client will try to reuse.
					w.Header().Set("Connection", "close")
				}
				rec(w, r)
			}))
			p := plan(srv.URL)
			for i := 1; i < 7; i++ {
				p.Cases = append(p.Cases, advisor.Case{Input: fmt.Sprint("question ", i), Expected: "4", Checks: []string{"contains"}})
			}
			p.Concurrency, p.Repeats = 2, 3
			sink := &memSink{}
			opt, _ := testOptions(sink)
			opt.Keys = func(advisor.Endpoint) (string, error) { return tc.key, nil }
			opt.noWarmup = false
			if _, err := Run(context.Background(), p, 1, opt); err != nil {
				t.Fatal(err)
			}
			rs := sink.all()
			if len(rs) != 7*3+1 {
				t.Fatalf("%d results, want 22 (21 cells and the warm-up)", len(rs))
			}
			for _, r := range rs {
				if r.ErrorClass != advisor.ErrUnauthorized {
					t.Errorf("case %d repeat %d (%s): class %q (%s), want unauthorized", r.Case, r.Repeat, r.Strategy, r.ErrorClass, r.ErrorMessage)
				}
				if !strings.Contains(r.ErrorMessage, tc.want) {
					t.Errorf("case %d repeat %d: message %q, want it to contain %q", r.Case, r.Repeat, r.ErrorMessage, tc.want)
				}
			}
		})
	}
}

func TestCarriesKey(t *testing.T) {
	for _, tc := range []struct {
		auth, apiKey string
		want         bool
	}{
		{"", "", false}, {"Bearer ", "", false}, {"Bearer", "", false}, {"bearer   ", "", false},
		{"Bearer sk-1", "", true}, {"", "azure-key", true}, {"Basic dXNlcg==", "", true},
	} {
		h := http.Header{}
		if tc.auth != "" {
			h.Set("Authorization", tc.auth)
		}
		if tc.apiKey != "" {
			h.Set("api-key", tc.apiKey)
		}
		if got := carriesKey(h); got != tc.want {
			t.Errorf("carriesKey(Authorization %q, api-key %q) = %v, want %v", tc.auth, tc.apiKey, got, tc.want)
		}
	}
}

// A server that claims 10^9 completion tokens for an answer streamed within
// a few milliseconds gets no time per token and no output speed: the figure
// would be a billion tokens a second, which no stream delivers.
func TestAbsurdTokenCountGetsNoSpeed(t *testing.T) {
	r := runOne(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		sse(w, chunk("It is ", ""), chunk("4.", "stop"), `{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":1000000000,"total_tokens":1000000009}}`)
	}))
	if r.ErrorClass != "" {
		t.Fatalf("failed: %s %s", r.ErrorClass, r.ErrorMessage)
	}
	if r.TokensOut != 1_000_000_000 {
		t.Fatalf("tokens out %d, want the server's 10^9 (kept as reported)", r.TokensOut)
	}
	if r.TPOTMs != 0 || r.OutputTPS() != 0 {
		t.Errorf("tpot %v ms, output speed %v tok/s; want neither figure", r.TPOTMs, r.OutputTPS())
	}
	if row := advisor.Summarize([]advisor.Result{r})[0]; row.TokensPerSec != 0 || row.SpeedUnknown != 1 {
		t.Errorf("summary tokens/s %v (unknown %d), want no figure and 1 unknown", row.TokensPerSec, row.SpeedUnknown)
	}
}

// TestScanFolderStopsOnCancel (issue 15): Ctrl+C while the documents are
// read stops the reading: the PDF being converted is abandoned (its
// converter killed), no further file is opened, and the error is the
// cancel. A stand-in pdftotext records each start and then hangs.
func TestScanFolderStopsOnCancel(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.pdf", "b.pdf", "c.pdf"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("%PDF-1.4"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	marks := filepath.Join(t.TempDir(), "started")
	tool := filepath.Join(t.TempDir(), "pdftotext")
	script := "#!/bin/sh\necho x >> '" + marks + "'\nexec sleep 60\n"
	if err := os.WriteFile(tool, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	PDFToTextPath = &tool
	t.Cleanup(func() { PDFToTextPath = nil })
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for {
			if b, _ := os.ReadFile(marks); len(b) > 0 {
				cancel()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	_, _, err := ScanFolderContext(ctx, dir)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want the cancel", err)
	}
	if b, _ := os.ReadFile(marks); strings.Count(string(b), "x") != 1 {
		t.Errorf("the converter started %d times, want once (no file after the cancel)", strings.Count(string(b), "x"))
	}
	// Cancelled before it starts: nothing is read at all.
	os.Remove(marks)
	if _, _, err := ScanFolderContext(ctx, dir); !errors.Is(err, context.Canceled) {
		t.Errorf("already cancelled: err %v", err)
	}
	if _, err := os.Stat(marks); err == nil {
		t.Error("a file was read after the cancel")
	}
}

// TestStreamLinesNeverRunTogether: the stream's data: lines are decoded one
// after the other by one decoder; a line cut inside its JSON is a response
// that is not valid JSON even when a good line follows it (the two must not
// be read as one value).
func TestStreamLinesNeverRunTogether(t *testing.T) {
	r := runOne(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		sse(w, `{"choices":[{"index":0,"delta":{"content":"4"`, chunk("}}]}", "stop"))
	}))
	if r.ErrorClass != advisor.ErrBadResponse || !strings.Contains(r.ErrorMessage, "not valid JSON") {
		t.Errorf("class %q (%s), want bad_response: not valid JSON", r.ErrorClass, r.ErrorMessage)
	}
	ok := runOne(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		sse(w, chunk("It is ", ""), chunk("4.", "stop"))
	}))
	if ok.ErrorClass != "" || ok.Output != "It is 4." || ok.Chunks != 2 {
		t.Errorf("two good lines: %q %q, %d chunks", ok.ErrorClass, ok.Output, ok.Chunks)
	}
}
