package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// rawRow is one request as CSV and JSON export it: the contract's columns
// first, in the contract's order, then the extra ones.
type rawRow struct {
	RunID             int64                 `json:"run_id"`
	Endpoint          string                `json:"endpoint"`
	Model             string                `json:"model"`
	Strategy          string                `json:"strategy"`
	Case              int                   `json:"case"`
	Repeat            int                   `json:"repeat"`
	TTFTMs            float64               `json:"ttft_ms"`
	LatencyMs         float64               `json:"latency_ms"`
	QueueMs           float64               `json:"queue_ms"`
	TokensIn          int                   `json:"tokens_in"`
	TokensOut         int                   `json:"tokens_out"`
	TokensEstimated   bool                  `json:"tokens_estimated"`
	CostUSD           float64               `json:"cost_usd"`
	Score             float64               `json:"score"`
	Passed            bool                  `json:"passed"`
	ErrorClass        string                `json:"error_class"`
	Output            string                `json:"output"`
	ErrorMessage      string                `json:"error_message"`
	ConcurrencyAtSend int                   `json:"concurrency_at_send"`
	Checks            []advisor.CheckResult `json:"checks"`
	StartedAt         string                `json:"started_at"`
	EndedAt           string                `json:"ended_at"`
	// The kinds of case beyond chat: the set, the kind, the saved file,
	// the user's verdict on an image and the kind's own figures (null or
	// empty when the result has none).
	Set            string   `json:"set"`
	Kind           string   `json:"kind"`
	Artifact       string   `json:"artifact"`
	Verdict        *bool    `json:"verdict"`
	Unscored       bool     `json:"unscored"`
	RecallAtK      *float64 `json:"recall_at_k"`
	ReciprocalRank *float64 `json:"reciprocal_rank"`
	K              *float64 `json:"k"`
	WER            *float64 `json:"wer"`
	AudioSeconds   *float64 `json:"audio_seconds"`
	RTF            *float64 `json:"rtf"`
	ImageBytes     *float64 `json:"image_bytes"`
	Documents      *float64 `json:"documents"`
	// Measurement (issue 13): the result's id (what `rate` and `verdict
	// --result` take), the time to the first answer token, the time per
	// output token, cached and reasoning tokens, the warm-up mark, the
	// stream's chunks and the output speed after the first token.
	ResultID        int64   `json:"result_id"`
	TTFATMs         float64 `json:"ttfat_ms"`
	TPOTMs          float64 `json:"tpot_ms"`
	TokensCached    int     `json:"tokens_cached"`
	TokensReasoning int     `json:"tokens_reasoning"`
	Warmup          bool    `json:"warmup"`
	Chunks          int     `json:"chunks"`
	OutputTPS       float64 `json:"output_tps"`
	// Batch (issue 17): sent through a provider's Batch API; its latency
	// columns are 0 and mean "not measured".
	Batch bool `json:"batch"`
}

var csvHeader = []string{"run_id", "endpoint", "model", "strategy", "case", "repeat", "ttft_ms", "latency_ms", "queue_ms", "tokens_in", "tokens_out", "tokens_estimated", "cost_usd", "score", "passed", "error_class", "output", "error_message", "concurrency_at_send", "checks", "started_at", "ended_at",
	"set", "kind", "artifact", "verdict", "unscored", "recall_at_k", "reciprocal_rank", "k", "wer", "audio_seconds", "rtf", "image_bytes", "documents",
	"result_id", "ttfat_ms", "tpot_ms", "tokens_cached", "tokens_reasoning", "warmup", "chunks", "output_tps", "batch"}

func toRaw(r advisor.Result, red *redactor) rawRow {
	checks := slices.Clone(r.Checks)
	for i := range checks {
		checks[i].Reason = red.clean(checks[i].Reason)
	}
	if checks == nil {
		checks = []advisor.CheckResult{}
	}
	return rawRow{
		RunID: r.RunID, Endpoint: r.Endpoint, Model: r.Model, Strategy: r.Strategy, Case: r.Case, Repeat: r.Repeat,
		TTFTMs: r.TTFTMs, LatencyMs: r.LatencyMs, QueueMs: r.QueueMs, TokensIn: r.TokensIn, TokensOut: r.TokensOut,
		TokensEstimated: r.TokensEstimated, CostUSD: r.CostUSD, Score: r.Score, Passed: r.Passed, ErrorClass: r.ErrorClass,
		Output: red.clean(r.Output), ErrorMessage: red.clean(r.ErrorMessage), ConcurrencyAtSend: r.ConcurrencyAtSend,
		Checks: checks, StartedAt: stamp(r.StartedAt), EndedAt: stamp(r.EndedAt),
		Set: red.clean(r.Set), Kind: r.CaseKind(), Artifact: red.clean(r.Artifact), Verdict: r.Verdict, Unscored: r.Unscored,
		RecallAtK: metric(r, advisor.MetricRecallAtK), ReciprocalRank: metric(r, advisor.MetricReciprocalRank), K: metric(r, advisor.MetricK),
		WER: metric(r, advisor.MetricWER), AudioSeconds: metric(r, advisor.MetricAudioSeconds), RTF: metric(r, advisor.MetricRTF),
		ImageBytes: metric(r, advisor.MetricImageBytes), Documents: metric(r, advisor.MetricDocuments),
		ResultID: r.ID, TTFATMs: r.TTFATMs, TPOTMs: r.TPOTMs, TokensCached: r.TokensCached, TokensReasoning: r.TokensReasoning,
		Warmup: r.Warmup, Chunks: r.Chunks, OutputTPS: r.OutputTPS(), Batch: r.Batch,
	}
}

// metric is one of the result's figures, nil when it has none.
func metric(r advisor.Result, key string) *float64 {
	if v, ok := r.Metrics[key]; ok {
		return &v
	}
	return nil
}

func optFloat(v *float64) string {
	if v == nil {
		return ""
	}
	return ftoa(*v)
}

func optBool(v *bool) string {
	if v == nil {
		return ""
	}
	return strconv.FormatBool(*v)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// WriteCSV writes one row per request with a header row: the contract's
// columns first (run_id … output), then error_message, concurrency_at_send,
// checks (as JSON), started_at and ended_at, then the columns of the other
// kinds of case: set, kind, artifact, verdict (true, false or empty while
// unrated), unscored and the metrics recall_at_k, reciprocal_rank, k, wer,
// audio_seconds, rtf, image_bytes and documents (empty when the result has
// none), then result_id, ttfat_ms, tpot_ms, tokens_cached, tokens_reasoning,
// warmup (true for the unmeasured warm-up request), chunks, output_tps and
// batch (true when sent through a Batch API: no latency figures). An embedding set's embedding-index rows are real requests with a
// cost and stay in. Secrets found in the environment are redacted from the
// texts.
func WriteCSV(w io.Writer, results []advisor.Result) error {
	return writeCSV(w, results, false)
}

// WriteCSVExcel writes the same rows the way Excel in Portuguese opens them
// with a double click: a UTF-8 byte-order mark, `;` between columns and a
// decimal comma in the numbers. The contract's CSV (WriteCSV) stays as it
// is for programs.
func WriteCSVExcel(w io.Writer, results []advisor.Result) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("report: csv: %w", err)
	}
	return writeCSV(w, results, true)
}

func writeCSV(w io.Writer, results []advisor.Result, excelPT bool) error {
	red := secretsFrom(nil)
	cw := csv.NewWriter(w)
	if excelPT {
		cw.Comma = ';'
	}
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("report: csv: %w", err)
	}
	for _, r := range results {
		x := toRaw(r, red)
		checks, err := json.Marshal(x.Checks)
		if err != nil {
			return fmt.Errorf("report: csv: %w", err)
		}
		cell := csvCell
		rec := []string{
			strconv.FormatInt(x.RunID, 10), cell(x.Endpoint), cell(x.Model), cell(x.Strategy), strconv.Itoa(x.Case), strconv.Itoa(x.Repeat),
			ftoa(x.TTFTMs), ftoa(x.LatencyMs), ftoa(x.QueueMs), strconv.Itoa(x.TokensIn), strconv.Itoa(x.TokensOut),
			strconv.FormatBool(x.TokensEstimated), ftoa(x.CostUSD), ftoa(x.Score), strconv.FormatBool(x.Passed), x.ErrorClass,
			cell(x.Output), cell(x.ErrorMessage), strconv.Itoa(x.ConcurrencyAtSend), string(checks), x.StartedAt, x.EndedAt,
			cell(x.Set), x.Kind, cell(x.Artifact), optBool(x.Verdict), strconv.FormatBool(x.Unscored),
			optFloat(x.RecallAtK), optFloat(x.ReciprocalRank), optFloat(x.K), optFloat(x.WER), optFloat(x.AudioSeconds),
			optFloat(x.RTF), optFloat(x.ImageBytes), optFloat(x.Documents),
			strconv.FormatInt(x.ResultID, 10), ftoa(x.TTFATMs), ftoa(x.TPOTMs), strconv.Itoa(x.TokensCached),
			strconv.Itoa(x.TokensReasoning), strconv.FormatBool(x.Warmup), strconv.Itoa(x.Chunks), ftoa(x.OutputTPS), strconv.FormatBool(x.Batch),
		}
		if excelPT {
			for i, name := range csvHeader {
				if csvNumberNames[name] && i < len(rec) {
					rec[i] = strings.Replace(rec[i], ".", ",", 1)
				}
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("report: csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: csv: %w", err)
	}
	return nil
}

// csvNumberNames are the CSV columns that hold decimal numbers.
var csvNumberNames = map[string]bool{"ttft_ms": true, "latency_ms": true, "queue_ms": true, "cost_usd": true, "score": true,
	"recall_at_k": true, "reciprocal_rank": true, "k": true, "wer": true, "audio_seconds": true, "rtf": true, "image_bytes": true, "documents": true,
	"ttfat_ms": true, "tpot_ms": true}

// csvCell neutralises text a spreadsheet would run as a formula (OWASP's
// CSV injection rule): a cell that starts with = + - @, a tab or a carriage
// return gets a leading apostrophe, which spreadsheets show as text.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteJSON writes the results as a JSON array of objects with the CSV's
// fields, in the same order; an empty run is [].
func WriteJSON(w io.Writer, results []advisor.Result) error {
	red := secretsFrom(nil)
	bw := bufio.NewWriter(w)
	if len(results) == 0 {
		bw.WriteString("[]\n")
		return flush(bw)
	}
	bw.WriteString("[\n")
	for i, r := range results {
		b, err := json.Marshal(toRaw(r, red))
		if err != nil {
			return fmt.Errorf("report: json: %w", err)
		}
		bw.WriteString("  ")
		bw.Write(b)
		if i < len(results)-1 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return flush(bw)
}

func flush(bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: write: %w", err)
	}
	return nil
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// WriteFineTuneJSONL writes the plan's examples as an OpenAI chat
// fine-tuning dataset: one {"messages": [system?, user, assistant]} line per
// case with an accepted answer, then per few-shot example, without
// duplicates. The system message is the plan's system prompt when it has one.
func WriteFineTuneJSONL(w io.Writer, p advisor.Plan) error {
	var names []string
	for _, e := range p.Endpoints {
		names = append(names, e.APIKeyEnv)
	}
	red := secretsFrom(names)
	bw := bufio.NewWriter(w)
	seen := map[[2]string]bool{}
	line := func(in, out string) error {
		if in == "" || out == "" || seen[[2]string{in, out}] {
			return nil
		}
		seen[[2]string{in, out}] = true
		var msgs []chatMessage
		if p.System != "" {
			msgs = append(msgs, chatMessage{"system", red.clean(p.System)})
		}
		msgs = append(msgs, chatMessage{"user", red.clean(in)}, chatMessage{"assistant", red.clean(out)})
		b, err := json.Marshal(struct {
			Messages []chatMessage `json:"messages"`
		}{msgs})
		if err != nil {
			return fmt.Errorf("report: jsonl: %w", err)
		}
		bw.Write(b)
		bw.WriteByte('\n')
		return nil
	}
	for _, c := range p.Cases {
		if err := line(c.Input, c.Expected); err != nil {
			return err
		}
	}
	for _, e := range p.FewShot {
		if err := line(e.Input, e.Output); err != nil {
			return err
		}
	}
	return flush(bw)
}

// OffersFineTune reports whether the fine-tuning dataset export fits the
// recommendation: its staged plan has a fine-tuning step.
func OffersFineTune(rec *advisor.Recommendation) bool {
	return rec != nil && slices.Contains(rec.Strategy.Plan, advisor.StepFineTuning)
}
