package advisor

import (
	"math"
	"sort"
)

// SummaryRow is the live-test evidence for one endpoint × strategy: the
// figures the CLI summary table, the GUI and the reports show.
type SummaryRow struct {
	Endpoint     string  `json:"endpoint"`
	Model        string  `json:"model"`
	Strategy     string  `json:"strategy"`
	Requests     int     `json:"requests"`
	Errors       int     `json:"errors"`
	LatencyP50   float64 `json:"latency_p50_ms"`
	LatencyP95   float64 `json:"latency_p95_ms"`
	TTFTP50      float64 `json:"ttft_p50_ms"`
	TTFTP95      float64 `json:"ttft_p95_ms"`
	TokensPerSec float64 `json:"tokens_per_sec"` // output tokens per second of generation, median; 0 when no request's speed meant anything
	TokensIn     int     `json:"tokens_in"`
	TokensOut    int     `json:"tokens_out"`
	CostUSD      float64 `json:"cost_usd"`
	CostPer1K    float64 `json:"cost_per_1k_usd"` // cost per 1,000 successful requests
	Quality      float64 `json:"quality"`         // mean score of successful requests, 0..1
	PassRate     float64 `json:"pass_rate"`       // share of all requests that passed
	AllFailed    bool    `json:"all_failed"`      // every request failed: the endpoint is flagged

	// Set and Kind say which case set the row covers ("" and chat for the
	// plan's top-level chat cases). Scored counts the successful requests
	// with a quality score (Quality's mean); an image nobody rated has none.
	Set    string `json:"set,omitempty"`
	Kind   string `json:"kind,omitempty"`
	Scored int    `json:"scored"`
	// The figures of the other kinds; nil for rows of another kind.
	Embedding     *EmbeddingSummary     `json:"embedding,omitempty"`
	Transcription *TranscriptionSummary `json:"transcription,omitempty"`
	Image         *ImageSummary         `json:"image,omitempty"`

	// SpeedUnknown counts the successful requests whose output speed was
	// left out of TokensPerSec as meaningless (advisor.Speed): too short to
	// time, or a server's token count no stream can deliver.
	SpeedUnknown int `json:"speed_unknown,omitempty"`

	// Batch counts the successful requests sent through a Batch API (issue
	// 17): they have no latency and are left out of the latency and speed
	// figures (0 when no request had any: "not measured").
	Batch int `json:"batch,omitempty"`
}

// EmbeddingSummary is how well an embedding endpoint found the relevant
// documents: means over the successful queries. The documents' embedding
// (the embedding-index result) counts in the row's cost and tokens, not in
// its latency.
type EmbeddingSummary struct {
	K           int     `json:"k"`
	RecallAtK   float64 `json:"recall_at_k"`
	MRR         float64 `json:"mrr"`
	Queries     int     `json:"queries"`      // successful queries
	Documents   int     `json:"documents"`    // documents ranked
	IndexMs     float64 `json:"index_ms"`     // time to embed the documents
	IndexTokens int     `json:"index_tokens"` // tokens of the documents
	IndexFailed bool    `json:"index_failed"` // the documents could not be embedded
}

// TranscriptionSummary is the accuracy and speed of a speech-to-text
// endpoint over its successful requests.
type TranscriptionSummary struct {
	WER          float64 `json:"wer"`           // mean word error rate of the cases
	RTF          float64 `json:"rtf"`           // median real-time factor (processing time / audio duration; below 1 is faster than real time)
	AudioSeconds float64 `json:"audio_seconds"` // audio transcribed, successful requests only
	CostPerMin   float64 `json:"cost_per_audio_minute_usd"`
	Timed        int     `json:"timed"` // requests whose audio duration is known (RTF and cost per minute count only these)
}

// ImageSummary is the speed, cost and the user's acceptance of an image
// generation endpoint. AcceptanceRate is Accepted / Rated, 0 while nothing
// is rated: unrated images count as unscored, not as rejected.
type ImageSummary struct {
	Images          int     `json:"images"` // images generated
	SecondsPerImage float64 `json:"seconds_per_image"`
	CostPerImage    float64 `json:"cost_per_image_usd"`
	Rated           int     `json:"rated"`
	Accepted        int     `json:"accepted"`
	AcceptanceRate  float64 `json:"acceptance_rate"`
}

// Summarize groups results by case set, endpoint and strategy, in the order
// each first appears. Latency figures cover successful requests only; errors
// are counted apart so a failing endpoint does not look fast. An embedding
// set's embedding-index result is folded into the row of its endpoint's
// queries (cost and tokens), never counted as a request. Warm-up requests
// are left out of every figure.
func Summarize(results []Result) []SummaryRow {
	type key struct{ set, ep, st string }
	var order []key
	groups := map[key][]Result{}
	for _, r := range results {
		if r.Warmup {
			continue
		}
		st := r.Strategy
		if st == StrategyIndex {
			st = StrategyEmbedding
		}
		k := key{r.Set, r.Endpoint, st}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	rows := make([]SummaryRow, 0, len(order))
	for _, k := range order {
		rows = append(rows, summarizeGroup(k.st, groups[k]))
	}
	return rows
}

func summarizeGroup(strategy string, rs []Result) SummaryRow {
	row := SummaryRow{Endpoint: rs[0].Endpoint, Model: rs[0].Model, Strategy: strategy, Set: rs[0].Set, Kind: rs[0].CaseKind()}
	var lat, ttft, tps []float64
	var scoreSum float64
	ok, passed := 0, 0
	var queries []Result
	for _, r := range rs {
		row.CostUSD += r.CostUSD
		row.TokensIn += r.TokensIn
		row.TokensOut += r.TokensOut
		if r.Strategy == StrategyIndex {
			row.Embedding = foldIndex(row.Embedding, r)
			continue
		}
		queries = append(queries, r)
		row.Requests++
		if r.ErrorClass != "" {
			row.Errors++
			continue
		}
		ok++
		if !r.Unscored {
			row.Scored++
			scoreSum += r.Score
		}
		if r.Passed {
			passed++
		}
		if r.Batch {
			row.Batch++
			continue
		}
		lat = append(lat, r.LatencyMs)
		if r.TTFTMs > 0 {
			ttft = append(ttft, r.TTFTMs)
		}
		if v, ok := Speed(r.TokensOut, r.LatencyMs-r.TTFTMs, r.Chunks); ok {
			tps = append(tps, v)
		} else if r.TokensOut > 1 {
			row.SpeedUnknown++
		}
	}
	row.AllFailed = ok == 0
	row.LatencyP50 = Percentile(lat, 50)
	row.LatencyP95 = Percentile(lat, 95)
	row.TTFTP50 = Percentile(ttft, 50)
	row.TTFTP95 = Percentile(ttft, 95)
	row.TokensPerSec = Percentile(tps, 50)
	if row.Scored > 0 {
		row.Quality = scoreSum / float64(row.Scored)
	}
	if ok > 0 {
		row.CostPer1K = row.CostUSD / float64(ok) * 1000
	}
	if row.Requests > 0 {
		row.PassRate = float64(passed) / float64(row.Requests)
	}
	switch row.Kind {
	case CaseKindEmbedding:
		row.Embedding = summarizeEmbedding(row.Embedding, queries)
	case CaseKindTranscription:
		row.Transcription = summarizeTranscription(queries)
	case CaseKindImage:
		row.Image = summarizeImages(queries, row.LatencyP50)
	}
	return row
}

func foldIndex(e *EmbeddingSummary, r Result) *EmbeddingSummary {
	if e == nil {
		e = &EmbeddingSummary{}
	}
	e.IndexMs += r.LatencyMs
	e.IndexTokens += r.TokensIn
	e.IndexFailed = e.IndexFailed || r.ErrorClass != ""
	e.Documents = max(e.Documents, int(r.Metrics[MetricDocuments]))
	return e
}

func summarizeEmbedding(e *EmbeddingSummary, rs []Result) *EmbeddingSummary {
	if e == nil {
		e = &EmbeddingSummary{}
	}
	var recall, rr float64
	for _, r := range rs {
		if r.ErrorClass != "" {
			continue
		}
		e.Queries++
		recall += r.Metrics[MetricRecallAtK]
		rr += r.Metrics[MetricReciprocalRank]
		e.K = max(e.K, int(r.Metrics[MetricK]))
	}
	if e.Queries > 0 {
		e.RecallAtK = recall / float64(e.Queries)
		e.MRR = rr / float64(e.Queries)
	}
	return e
}

func summarizeTranscription(rs []Result) *TranscriptionSummary {
	t := &TranscriptionSummary{}
	var wer, timedCost float64
	var rtf []float64
	n := 0
	for _, r := range rs {
		if r.ErrorClass != "" {
			continue
		}
		n++
		wer += r.Metrics[MetricWER]
		if sec := r.Metrics[MetricAudioSeconds]; sec > 0 {
			t.Timed++
			t.AudioSeconds += sec
			timedCost += r.CostUSD
			rtf = append(rtf, r.Metrics[MetricRTF])
		}
	}
	if n > 0 {
		t.WER = wer / float64(n)
	}
	t.RTF = Percentile(rtf, 50)
	if t.AudioSeconds > 0 {
		t.CostPerMin = timedCost / (t.AudioSeconds / 60)
	}
	return t
}

func summarizeImages(rs []Result, latencyP50 float64) *ImageSummary {
	im := &ImageSummary{SecondsPerImage: latencyP50 / 1000}
	var cost float64
	for _, r := range rs {
		if r.ErrorClass != "" {
			continue
		}
		im.Images++
		cost += r.CostUSD
		if r.Verdict != nil {
			im.Rated++
			if *r.Verdict {
				im.Accepted++
			}
		}
	}
	if im.Images > 0 {
		im.CostPerImage = cost / float64(im.Images)
	}
	if im.Rated > 0 {
		im.AcceptanceRate = float64(im.Accepted) / float64(im.Rated)
	}
	return im
}

// Percentile is the p-th percentile (0..100) of xs by linear interpolation
// between closest ranks; 0 for no values. xs is not modified.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 1 {
		return s[0]
	}
	rank := p / 100 * float64(len(s)-1)
	lo := int(math.Floor(rank))
	hi := int(math.Ceil(rank))
	return s[lo] + (s[hi]-s[lo])*(rank-float64(lo))
}
