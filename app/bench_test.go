package app

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// BenchmarkOpenHome measures building the window and Home and opening the
// database until Home lists the decisions: what a double-click waits for
// (without the OS window itself). With no rules or catalog files of the
// user's, as here, the rules engine is not built for Home (engine.go).
func BenchmarkOpenHome(b *testing.B) {
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	dir := b.TempDir()
	for i := 0; i < b.N; i++ {
		fa := test.NewApp()
		fa.Preferences().SetString(prefDataFolder, dir)
		q := make(chan func(), 64)
		a := newApp(fa, func(f func()) { q <- f }, debug.FreeOSMemory)
		for !(a.ready && a.home != nil && a.home.loaded) {
			(<-q)()
		}
		b.StopTimer()
		a.cancel()
		a.work.Wait()
		a.ws.Close()
		fa.Quit()
		b.StartTimer()
	}
}

// BenchmarkRun500 runs a 500-result live test from the GUI against a local
// OpenAI-compatible server and reports the process's resident memory after
// it (MB-rss) and the Go heap in use (MB-heap).
func BenchmarkRun500(b *testing.B) {
	for i := 0; i < b.N; i++ {
		h := newBenchHarness(b)
		srv := openAIServer(b)
		h.a.candidates = []advisor.Endpoint{{Name: "local", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "fake-model"}}
		h.a.show(screenLiveTest)
		l := h.a.live
		l.concurrency.SetText("16")
		l.strategies.SetSelected([]string{advisor.StrategyZeroShot})
		cases := make([]advisor.Case, 500)
		for c := range cases {
			cases[c] = advisor.Case{Input: fmt.Sprintf("Question %d: what is the capital of France?", c), Expected: "Paris"}
		}
		l.addCases(cases...)
		l.onStart()
		deadline := time.After(5 * time.Minute)
		for !(h.a.run != nil && h.a.run.finished) {
			select {
			case f := <-h.q:
				f()
			case <-deadline:
				b.Fatal("run did not finish")
			}
		}
		if h.a.run.done != 500 {
			b.Fatalf("done %d", h.a.run.done)
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapInuse)/1e6, "MB-heap")
		b.ReportMetric(rssMB(), "MB-rss")
		h.close()
	}
}

// rssMB is the resident set size of this process (Linux), 0 elsewhere.
func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

type benchHarness struct {
	a *App
	q chan func()
}

func newBenchHarness(b *testing.B) *benchHarness {
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	fa := test.NewApp()
	fa.Preferences().SetString(prefDataFolder, b.TempDir())
	h := &benchHarness{q: make(chan func(), 8192)}
	h.a = newApp(fa, func(f func()) { h.q <- f }, debug.FreeOSMemory)
	h.a.detect = func(context.Context) []localServer { return nil }
	for !h.a.ready {
		(<-h.q)()
	}
	h.a.withEngine(func() {})
	for !h.a.engineTried {
		(<-h.q)()
	}
	return h
}

func (h *benchHarness) close() {
	h.a.cancel()
	done := make(chan struct{})
	go func() { h.a.work.Wait(); close(done) }()
	for {
		select {
		case <-done:
			h.a.ws.Close()
			return
		case f := <-h.q:
			f()
		}
	}
}
