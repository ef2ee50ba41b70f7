package livetest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

func benchPlan(base string, n, concurrency int) advisor.Plan {
	p := plan(base)
	p.Cases = p.Cases[:0]
	for i := 0; i < n; i++ {
		p.Cases = append(p.Cases, advisor.Case{Input: fmt.Sprintf("question %d", i), Expected: "4", Checks: []string{"contains"}})
	}
	p.Concurrency = concurrency
	return p
}

// BenchmarkRunThroughput: requests per second of the whole runner (request,
// stream, scoring, sink) against a local server that answers at once.
func BenchmarkRunThroughput(b *testing.B) {
	srv := serve(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		sse(w, chunk("It is ", ""), chunk("4.", "stop"), `{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}`)
	}))
	for _, c := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("c=%d", c), func(b *testing.B) {
			p := benchPlan(srv.URL, b.N, c)
			sink := &memSink{}
			opt, _ := testOptions(sink)
			b.ResetTimer()
			start := time.Now()
			if _, err := Run(context.Background(), p, 1, opt); err != nil {
				b.Fatal(err)
			}
			el := time.Since(start)
			b.ReportMetric(float64(b.N)/el.Seconds(), "req/s")
			for _, r := range sink.all() {
				if r.ErrorClass != "" {
					b.Fatalf("%s: %s", r.ErrorClass, r.ErrorMessage)
				}
			}
		})
	}
}

// BenchmarkTimingAccuracy: a server waits ttft before its first token and
// gen more before the end; the measured TTFT and latency are compared with
// the injected delays and with what the server itself timed.
//
// Client and server share this machine's cores, so at concurrency 64 the
// figures include the scheduling delay of 64 answers landing at once; the
// "-vs-server" figures compare with the server's own clock and leave out
// the overshoot of its sleeps.
func BenchmarkTimingAccuracy(b *testing.B) {
	benchTiming(b, func(string) time.Duration { return 0 })
}

func benchTiming(b *testing.B, jitter func(string) time.Duration) {
	const ttft, gen = 20 * time.Millisecond, 30 * time.Millisecond
	type seen struct{ first, total time.Duration }
	var mu sync.Mutex
	server := map[string]seen{}
	srv := serve(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct{ Content string } `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		t0 := time.Now()
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(200)
		time.Sleep(ttft + jitter(req.Messages[len(req.Messages)-1].Content))
		fmt.Fprintf(w, "data: %s\n\n", chunk("It is", ""))
		w.(http.Flusher).Flush()
		t1 := time.Now()
		time.Sleep(gen)
		fmt.Fprintf(w, "data: %s\n\ndata: %s\n\ndata: [DONE]\n\n", chunk(" 4.", "stop"), `{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}`)
		w.(http.Flusher).Flush()
		t2 := time.Now()
		mu.Lock()
		server[req.Messages[len(req.Messages)-1].Content] = seen{t1.Sub(t0), t2.Sub(t0)}
		mu.Unlock()
	}))
	for _, c := range []int{1, 64} {
		b.Run(fmt.Sprintf("c=%d", c), func(b *testing.B) {
			p := benchPlan(srv.URL, b.N, c)
			sink := &memSink{}
			opt, _ := testOptions(sink)
			b.ResetTimer()
			if _, err := Run(context.Background(), p, 1, opt); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			var errT, errL, errTS, errLS float64
			rs := sink.all()
			mu.Lock()
			defer mu.Unlock()
			for _, r := range rs {
				if r.ErrorClass != "" {
					b.Fatalf("%s: %s", r.ErrorClass, r.ErrorMessage)
				}
				s := server[p.Cases[r.Case].Input]
				j := jitter(p.Cases[r.Case].Input)
				errT += math.Abs(r.TTFTMs - ms(ttft+j))
				errL += math.Abs(r.LatencyMs - ms(ttft+gen+j))
				errTS += math.Abs(r.TTFTMs - ms(s.first))
				errLS += math.Abs(r.LatencyMs - ms(s.total))
			}
			n := float64(len(rs))
			b.ReportMetric(errT/n, "ttft-err-ms")
			b.ReportMetric(errL/n, "latency-err-ms")
			b.ReportMetric(errTS/n, "ttft-vs-server-ms")
			b.ReportMetric(errLS/n, "latency-vs-server-ms")
		})
	}
}

// BenchmarkOverheadC100: the runner's own overhead at concurrency 100
// against a server whose handler takes 100 ms (20 chunks 5 ms apart). The
// server times each handler; "overhead-%" is how much longer the whole run
// took than the server's handler time would need at 100 at once:
// (elapsed − waves × mean handler time) / (waves × mean handler time).
// "latency-over-handler-%" is the mean measured latency against the mean
// handler time, the client's share of each request.
func BenchmarkOverheadC100(b *testing.B) {
	var mu sync.Mutex
	var handler time.Duration
	var served int
	srv := serve(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		t0 := time.Now()
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(200)
		fl := w.(http.Flusher)
		for i := range 20 {
			time.Sleep(time.Until(t0.Add(time.Duration(i+1) * 5 * time.Millisecond)))
			fmt.Fprintf(w, "data: %s\n\n", chunk("tok ", ""))
			fl.Flush()
		}
		fmt.Fprintf(w, "data: %s\n\ndata: %s\n\ndata: [DONE]\n\n", chunk("", "stop"), `{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":20,"total_tokens":29}}`)
		fl.Flush()
		d := time.Since(t0)
		mu.Lock()
		handler += d
		served++
		mu.Unlock()
	}))
	const conc, perRun = 100, 400
	var elapsed, lat time.Duration
	var n int
	for i := 0; i < b.N; i++ {
		p := benchPlan(srv.URL, perRun, conc)
		sink := &memSink{}
		opt, _ := testOptions(sink)
		start := time.Now()
		if _, err := Run(context.Background(), p, 1, opt); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		for _, r := range sink.all() {
			if r.ErrorClass != "" {
				b.Fatalf("%s: %s", r.ErrorClass, r.ErrorMessage)
			}
			lat += time.Duration(r.LatencyMs * float64(time.Millisecond))
			n++
		}
	}
	mu.Lock()
	mean := handler / time.Duration(served)
	mu.Unlock()
	ideal := time.Duration(b.N) * (perRun / conc) * mean
	b.ReportMetric(100*float64(elapsed-ideal)/float64(ideal), "overhead-%")
	b.ReportMetric(100*(float64(lat)/float64(n)-float64(mean))/float64(mean), "latency-over-handler-%")
	b.ReportMetric(ms(mean), "handler-ms")
}
