package livetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// cannedSSE is an http.RoundTripper that answers every request with the same
// stream, without a network or a server: what a benchmark of it measures is
// the client's own work (go-openai, the probe, sseReader, the decoding).
type cannedSSE struct{ body []byte }

func (c cannedSSE) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}},
		Body: io.NopCloser(bytes.NewReader(c.body)), Request: r, ProtoMajor: 1, ProtoMinor: 1}, nil
}

// streamBody is the benchmark server's stream: n token chunks, the finish
// chunk, usage and [DONE].
func streamBody(n int) []byte {
	var b strings.Builder
	for range n {
		fmt.Fprintf(&b, "data: %s\n\n", chunk("tok ", ""))
	}
	fmt.Fprintf(&b, "data: %s\n\ndata: %s\n\ndata: [DONE]\n\n", chunk("", "stop"), `{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":20,"total_tokens":29}}`)
	return []byte(b.String())
}

// BenchmarkStreamClient: one streamed request of 20 (and 40) token chunks
// through the runner's client path (go-openai building and sending the
// request over the probe, sseReader, the chunk decoding) against a canned
// response, so the allocations are the runner's own, none of a server's.
// The difference between the two sizes over 20 is the cost of one chunk.
// cpu-ns/op is the process's CPU time per request, which other work on the
// machine does not inflate as it does ns/op.
//
// Issue 13 item 5, one reading of the body instead of three line scanners
// (sseGuard, the sniffer, go-openai's bufio and regexps), decodeChunk
// instead of encoding/json for the usual chunk, pooled read buffers
// (benchstat, 6 runs of -benchtime 2000x interleaved, 2 shared cores at
// load average 10):
//
//	                  before     after
//	chunks=20 CPU     213 µs     56 µs      −74 %
//	chunks=40 CPU     359 µs     81 µs      −78 %
//	chunks=20         193 allocs 82 allocs  27.2 KB → 9.2 KB
//	chunks=40         294 allocs 103 allocs 33.9 KB → 9.5 KB
//	one chunk         7.3 µs CPU, 5.05 allocs, 332 B → 1.2 µs, 1.05 allocs, 16 B
func BenchmarkStreamClient(b *testing.B) {
	for _, n := range []int{20, 40} {
		b.Run(fmt.Sprint("chunks=", n), func(b *testing.B) {
			hc := &http.Client{Transport: cannedSSE{body: streamBody(n)}}
			c := newClient(advisor.Endpoint{Name: "e", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:1/v1", Model: "m"}, "", hc)
			req := chatRequest("m", buildMessages(advisor.Plan{}, advisor.StrategyZeroShot, advisor.Case{Input: "What is 2+2?"}, nil), 64, 0)
			b.ReportAllocs()
			b.ResetTimer()
			cpu0, cpuOK := processCPU()
			for i := 0; i < b.N; i++ {
				a, ce := streamChat(context.Background(), c, req, 5*time.Second, retryPolicy{})
				if ce != nil || a.Chunks != n {
					b.Fatalf("%v, %d chunks", ce, a.Chunks)
				}
			}
			if cpu1, ok := processCPU(); ok && cpuOK {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}
