package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	chart "github.com/wcharczuk/go-chart/v2"

	"github.com/llm-advisor/llm-advisor/advisor"
)

func fp(v float64) *float64 { return &v }

// capacityFixture is a sweep of a server that serves 4 requests at a time
// at 200 ms: 5 and 10 requests a second keep under the 300 ms target, 20
// a second does not (attainment 0.40). Saturation 19.6 a second; the user's
// 432,000 requests a day × 3 / 86,400 = 15 a second at the peak, above the
// sustainable 10: it does not carry the traffic.
func capacityFixture() CapacityTest {
	no := false
	return CapacityTest{Name: "support bot", When: time.Date(2026, 12, 1, 14, 30, 0, 0, time.UTC), Status: advisor.RunDone, Result: advisor.LoadResult{
		Endpoint: "local", Model: "tiny", Arrival: advisor.LoadConstant,
		Steps: []advisor.LoadStep{
			{Kind: advisor.LoadSynchronous, OfferedRPS: 4.9, AchievedRPS: 4.9, Requests: 20, FirstAnswerP95Ms: fp(150), TotalP95Ms: fp(205), SLOAttainment: fp(1)},
			{Kind: advisor.LoadThroughput, OfferedRPS: 19.6, AchievedRPS: 19.6, Requests: 60, FirstAnswerP95Ms: fp(1200), TotalP95Ms: fp(1650), SLOAttainment: fp(0.1)},
			{Kind: advisor.LoadConstant, OfferedRPS: 10, AchievedRPS: 9.9, Requests: 60, FirstAnswerP95Ms: fp(160), TotalP95Ms: fp(230), SLOAttainment: fp(0.97)},
			{Kind: advisor.LoadConstant, OfferedRPS: 20, AchievedRPS: 18.8, Requests: 60, Errors: 2, FirstAnswerP95Ms: fp(900), TotalP95Ms: fp(1400), SLOAttainment: fp(0.4)},
		},
		MaxThroughputRPS: 19.6, SustainableRPS: fp(10), Target: advisor.LoadTarget{TotalMs: 300},
		PeakRPSNeeded: fp(15), VolumePerDay: 432000, PeakFactor: 3, Carries: &no,
	}}
}

// TestLoadChartLeavesOutUnsupportedPercentiles: a step whose requests are
// too few for a p95 (nil) gets no point — drawn at 0 ms it would read as
// the fastest step — and the points run in the order of the offered rate.
func TestLoadChartLeavesOutUnsupportedPercentiles(t *testing.T) {
	r := capacityFixture().Result
	r.Steps = append([]advisor.LoadStep{{Kind: advisor.LoadConstant, OfferedRPS: 2, Requests: 3}}, r.Steps...) // no p95
	r.Steps[1].TotalP95Ms = nil                                                                                // the one-at-a-time step
	c, err := loadChart(r, "en", 900, 480)
	if err != nil {
		t.Fatal(err)
	}
	total := c.Series[1].(chart.ContinuousSeries)
	want := []float64{10, 20}
	if len(total.XValues) != len(want) || total.XValues[0] != want[0] || total.XValues[1] != want[1] {
		t.Errorf("total p95 points at %v req/s, want %v (nil percentiles and the saturation step left out)", total.XValues, want)
	}
	if y := total.YValues; y[0] != 230 || y[1] != 1400 {
		t.Errorf("total p95 values %v, want [230 1400]", y)
	}
	// A short sweep whose steps support no p95 is drawn with its medians,
	// and says so.
	short := advisor.LoadResult{Steps: []advisor.LoadStep{{Kind: advisor.LoadConstant, OfferedRPS: 5, Requests: 6, TotalP50Ms: fp(210)}}}
	sc, err := loadChart(short, "en", 900, 480)
	if err != nil || !strings.Contains(sc.Title, "median") || sc.Series[1].(chart.ContinuousSeries).YValues[0] != 210 {
		t.Errorf("short sweep: %v, title %q", err, sc.Title)
	}
	png, err := LoadChart(r, "pt-BR", 900, 480)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("LoadChart: %v", err)
	}
	if dir := os.Getenv("LLM_ADVISOR_CHART_OUT"); dir != "" {
		os.WriteFile(filepath.Join(dir, "load.png"), png, 0o644)
	}
}

// TestThroughputChartLeavesOutMeaninglessSpeed (issue 15): an endpoint
// whose server claimed 10^9 tokens in a millisecond has no output speed, so
// no bar in the tokens-per-second chart (a bar at 0 would read as measured);
// the endpoint with a real speed keeps its bar.
func TestThroughputChartLeavesOutMeaninglessSpeed(t *testing.T) {
	in := Input{Lang: "en", Results: []advisor.Result{
		{Endpoint: "real", Model: "m1", Strategy: advisor.StrategyZeroShot, TTFTMs: 100, LatencyMs: 1100, TokensOut: 101, Chunks: 101, Passed: true, Score: 1},
		{Endpoint: "absurd", Model: "m2", Strategy: advisor.StrategyZeroShot, TTFTMs: 1, LatencyMs: 2, TokensOut: 1_000_000_000, Chunks: 3, Passed: true, Score: 1},
	}}
	p := newPlotter(in, ChartOptions{}.normalized())
	for _, s := range p.specs() {
		if s.name != "throughput" {
			continue
		}
		var values []float64
		for _, set := range s.bars.series {
			for _, v := range set.values {
				if v == v { // not NaN: a drawn bar
					values = append(values, v)
				}
			}
		}
		if len(values) != 1 || values[0] != 101 {
			t.Errorf("throughput bars %v, want only the real endpoint's 101 tok/s", values)
		}
		return
	}
	t.Error("no throughput chart for the endpoint with a real speed")
}
