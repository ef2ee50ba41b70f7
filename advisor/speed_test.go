package advisor

import "testing"

func TestSpeedOnlyWhenItMeansSomething(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tokens int
		genMs  float64
		chunks int
		want   float64
		ok     bool
	}{
		{"100 tokens over a second, streamed", 100, 1000, 100, 100, true},
		{"old result, chunks not counted", 50, 500, 0, 100, true},
		{"a billion tokens in a millisecond", 1_000_000_000, 1, 40, 0, false},
		{"900,000 tok/s from a sub-millisecond local stream", 90, 0.1, 9, 0, false},
		{"everything in one chunk", 200, 40, 1, 0, false},
		{"one token", 1, 100, 1, 0, false},
		{"just over the ceiling", 20001, 1000, 50, 0, false},
		{"at the ceiling", 20000, 1000, 50, 20000, true},
	} {
		got, ok := Speed(tc.tokens, tc.genMs, tc.chunks)
		if ok != tc.ok || got != tc.want {
			t.Errorf("%s: Speed = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSummaryLeavesAbsurdSpeedOut(t *testing.T) {
	rs := []Result{
		// 101 tokens, first at 100 ms, last at 1,100 ms: 101 tok/s.
		{Endpoint: "e", Model: "m", Strategy: StrategyZeroShot, Case: 0, TTFTMs: 100, LatencyMs: 1100, TokensOut: 101, Chunks: 101},
		// 201 tokens over 1,000 ms: 201 tok/s.
		{Endpoint: "e", Model: "m", Strategy: StrategyZeroShot, Case: 1, TTFTMs: 50, LatencyMs: 1050, TokensOut: 201, Chunks: 201},
		// A server claiming 10^9 completion tokens in 1 ms.
		{Endpoint: "e", Model: "m", Strategy: StrategyZeroShot, Case: 2, TTFTMs: 1, LatencyMs: 2, TokensOut: 1_000_000_000, Chunks: 3},
	}
	row := Summarize(rs)[0]
	if want := (101.0 + 201.0) / 2; row.TokensPerSec != want {
		t.Errorf("tokens/s %v, want the median of the two real ones, %v", row.TokensPerSec, want)
	}
	if row.SpeedUnknown != 1 {
		t.Errorf("SpeedUnknown %d, want 1", row.SpeedUnknown)
	}
	only := Summarize(rs[2:])[0]
	if only.TokensPerSec != 0 || only.SpeedUnknown != 1 {
		t.Errorf("absurd only: tokens/s %v unknown %d, want 0 and 1", only.TokensPerSec, only.SpeedUnknown)
	}
	if tps := (Result{TPOTMs: 1e-9}).OutputTPS(); tps != 0 {
		t.Errorf("OutputTPS of a 1e-9 ms per token = %v, want 0 (no figure)", tps)
	}
	if tps := (Result{TPOTMs: 10}).OutputTPS(); tps != 100 {
		t.Errorf("OutputTPS of 10 ms per token = %v, want 100", tps)
	}
}
