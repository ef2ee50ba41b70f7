package data

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// BenchmarkSaveResult commits one result per transaction, as a live test does.
func BenchmarkSaveResult(b *testing.B) {
	ctx := context.Background()
	s := newStore(b)
	run := newRun(b, s)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := result(run.ID, "local", advisor.StrategyZeroShot, i, 0)
		if err := s.SaveResult(ctx, &r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
}

// BenchmarkSaveResultParallel is SaveResult from many goroutines (a run with
// high concurrency): writes queue for the one writer connection.
func BenchmarkSaveResultParallel(b *testing.B) {
	ctx := context.Background()
	s := newStore(b)
	run := newRun(b, s)
	var n atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(n.Add(1))
			r := result(run.ID, "local", advisor.StrategyZeroShot, i, 0)
			if err := s.SaveResult(ctx, &r); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
}

// BenchmarkResults10k reads a run of 10,000 results.
func BenchmarkResults10k(b *testing.B) {
	ctx := context.Background()
	s := newStore(b)
	run := newRun(b, s)
	for i := 0; i < 10000; i++ {
		r := result(run.ID, fmt.Sprintf("ep%d", i%4), advisor.StrategyZeroShot, i/4, 0)
		if err := s.SaveResult(ctx, &r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rs, err := s.Results(ctx, run.ID)
		if err != nil {
			b.Fatal(err)
		}
		if len(rs) != 10000 {
			b.Fatalf("%d results", len(rs))
		}
	}
}

// BenchmarkSearchPassages searches 5,000 chunks of about 120 words.
func BenchmarkSearchPassages(b *testing.B) {
	ctx := context.Background()
	s := newStore(b)
	words := strings.Fields("order refund shipping invoice customer account password delivery warranty return " +
		"payment card address parcel tracking store opening hours discount coupon product size colour stock " +
		"exchange damaged broken missing late courier express standard international customs fee tax receipt")
	chunks := make([]advisor.Chunk, 5000)
	for i := range chunks {
		var sb strings.Builder
		for j := 0; j < 120; j++ {
			sb.WriteString(words[(i*7+j*j*13+j)%len(words)])
			sb.WriteByte(' ')
		}
		chunks[i] = advisor.Chunk{Source: fmt.Sprintf("doc%03d.md", i/10), Index: i % 10, Text: sb.String()}
	}
	if err := s.IndexDocuments(ctx, "bench", chunks); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ps, err := s.SearchPassages(ctx, "bench", "How do I return a damaged parcel and get a refund on my card?", 5)
		if err != nil {
			b.Fatal(err)
		}
		if len(ps) != 5 {
			b.Fatalf("%d passages", len(ps))
		}
	}
}

// BenchmarkOpen opens (and closes) an existing, migrated database: part of
// the app's start-up.
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	s := newStore(b)
	path := s.Path()
	for i := 0; i < b.N; i++ {
		o, err := Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		if err := o.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
