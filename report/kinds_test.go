package report

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"html"
	"image"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// TestKindsGolden pins the Markdown of the run of every kind: its tables,
// side-by-side lines and the gallery with the copied and the missing image.
func TestKindsGolden(t *testing.T) {
	root := t.TempDir()
	writeImages(t, root)
	in := kindsFixture("en", root)
	dir := t.TempDir()
	main, err := WriteMarkdown(dir, "kinds", in)
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "markdown_kinds_en.golden", md)
	// The image is copied beside the report, byte for byte, and linked.
	want, _ := os.ReadFile(filepath.Join(root, "images", "run-12", "painter-6-0.png"))
	got, err := os.ReadFile(filepath.Join(dir, "kinds-images", "painter-6-0.png"))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("copied image: %v", err)
	}
	if !bytes.Contains(md, []byte("](kinds-images/painter-6-0.png)")) {
		t.Error("the Markdown does not link the copied image")
	}
	if bytes.Contains(md, []byte("<red>")) {
		t.Error("a prompt reached the Markdown unescaped")
	}
}

func TestKindsSummaryTables(t *testing.T) {
	in := kindsFixture("en", t.TempDir())
	v, err := buildView(in)
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string]resultTable{}
	for _, rt := range v.Run.Results {
		tables[rt.Title] = rt
	}
	cell := func(kind, model, col string) string {
		t.Helper()
		rt, ok := tables[kindLabel("en", kind)]
		if !ok {
			t.Fatalf("no %s table", kind)
		}
		ci := slices.Index(rt.Head, msg("en", col))
		if ci < 0 {
			t.Fatalf("%s table has no %s column: %v", kind, col, rt.Head)
		}
		for _, r := range rt.Rows {
			if strings.HasPrefix(r[0], model) {
				return r[ci]
			}
		}
		t.Fatalf("%s table has no row for %s", kind, model)
		return ""
	}
	checks := []struct{ kind, model, col, want string }{
		// recall (1 + 0.5) / 2, MRR (1 + 0.5) / 2, the index's 0.4 s and 3 documents
		{advisor.CaseKindEmbedding, "text-embedding-3-small", "col.recall", "75% (k=2)"},
		{advisor.CaseKindEmbedding, "text-embedding-3-small", "col.mrr", "0.75"},
		{advisor.CaseKindEmbedding, "text-embedding-3-small", "col.index_s", "0.4"},
		{advisor.CaseKindEmbedding, "text-embedding-3-small", "col.documents", "3"},
		// two queries at 0.00002 and the index at 0.0002: the index is in the cost
		{advisor.CaseKindEmbedding, "text-embedding-3-small", "col.cost", "$0.00024"},
		{advisor.CaseKindEmbedding, "text-embedding-3-small", "col.requests", "2"},
		{advisor.CaseKindEmbedding, "nomic-embed-text", "col.mrr", "0.42"},
		// WER (0.1 + 0.2) / 2; one timed request: RTF 0.15, 10 s, $0.001 / (10/60) min
		{advisor.CaseKindTranscription, "whisper-1", "col.wer", "15%"},
		{advisor.CaseKindTranscription, "whisper-1", "col.rtf", "0.15"},
		{advisor.CaseKindTranscription, "whisper-1", "col.audio_s", "10.0"},
		{advisor.CaseKindTranscription, "whisper-1", "col.cost_min", "$0.0060"},
		{advisor.CaseKindTranscription, "faster-whisper", "col.errors", "1"},
		// median of 12 s and 18 s; one image rated, and accepted
		{advisor.CaseKindImage, "gpt-image-1", "col.s_image", "15.0"},
		{advisor.CaseKindImage, "gpt-image-1", "col.cost_image", "$0.040"},
		{advisor.CaseKindImage, "gpt-image-1", "col.rated", "1 of 2"},
		{advisor.CaseKindImage, "gpt-image-1", "col.acceptance", "100%"},
		{advisor.CaseKindChat, "gpt-4o-mini", "col.quality", "50%"},
	}
	for _, c := range checks {
		if got := cell(c.kind, c.model, c.col); got != c.want {
			t.Errorf("%s %s %s = %q, want %q", c.kind, c.model, c.col, got, c.want)
		}
	}
	// The chat table names the set column only when a chat set exists.
	if slices.Contains(tables[kindLabel("en", advisor.CaseKindChat)].Head, msg("en", "col.set")) {
		t.Error("a set column for the plan's own chat cases")
	}
	if !slices.Contains(tables[kindLabel("en", advisor.CaseKindImage)].Head, msg("en", "col.set")) {
		t.Error("no set column for a case set")
	}
	// The embedding table says its cost includes the indexing.
	if !slices.Contains(tables[kindLabel("en", advisor.CaseKindEmbedding)].Notes, msg("en", "note.index_cost")) {
		t.Error("the embedding table does not say the index cost is included")
	}

	// Nothing rated: "not rated", never 0%; an unknown audio length: n/a.
	for i := range in.Results {
		in.Results[i].Verdict = nil
		delete(in.Results[i].Metrics, advisor.MetricAudioSeconds)
	}
	v, err = buildView(in)
	if err != nil {
		t.Fatal(err)
	}
	tables = map[string]resultTable{}
	for _, rt := range v.Run.Results {
		tables[rt.Title] = rt
	}
	if got := cell(advisor.CaseKindImage, "gpt-image-1", "col.acceptance"); got != msg("en", "not_rated") {
		t.Errorf("acceptance with nothing rated: %q", got)
	}
	if got := cell(advisor.CaseKindTranscription, "whisper-1", "col.rtf"); got != msg("en", "na") {
		t.Errorf("RTF without audio lengths: %q", got)
	}
	if got := cell(advisor.CaseKindTranscription, "whisper-1", "col.cost_min"); got != msg("en", "na") {
		t.Errorf("cost per minute without audio lengths: %q", got)
	}
}

// TestKindsSideBySide: each case is labelled from its own set (case numbers
// run past the plan's top-level cases) with what its kind needs.
func TestKindsSideBySide(t *testing.T) {
	in := kindsFixture("en", t.TempDir())
	v, err := buildView(in)
	if err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]caseView{}
	for _, c := range v.Run.Cases {
		byTitle[c.Title] = c
		if strings.HasPrefix(c.Title, "Case 7") || strings.HasPrefix(c.Title, "Case 8") {
			t.Errorf("an image case side by side: %s (images go to the gallery)", c.Title)
		}
	}
	fact := func(c caseView, key string) string {
		for _, f := range c.Facts {
			if f.Label == msg("en", key) {
				return f.Value
			}
		}
		return ""
	}
	emb := byTitle["Case 4 — search"]
	if fact(emb, "query") != "is shipping free" || fact(emb, "relevant") != "shipping.md, warranty.md" {
		t.Errorf("embedding case facts %+v", emb.Facts)
	}
	if len(emb.Outputs.Rows) != 2 || emb.Outputs.Rows[0][3] != "warranty.md, refunds.md" || emb.Outputs.Rows[0][1] != "50%" {
		t.Errorf("embedding outputs %v (the index is no case's output)", emb.Outputs.Rows)
	}
	tr := byTitle["Case 5 — calls"]
	if fact(tr, "audio") != "call1.wav" || fact(tr, "reference") != "I would like to return my order" {
		t.Errorf("transcription case facts %+v", tr.Facts)
	}
	if len(tr.Outputs.Rows) != 2 || tr.Outputs.Rows[1][1] != "30%" || tr.Outputs.Rows[1][3] != "I would like to turn my order" {
		t.Errorf("transcription outputs %v", tr.Outputs.Rows)
	}
	if chat := byTitle["Case 1"]; fact(chat, "input") == "" || fact(chat, "expected") != "30 dias" {
		t.Errorf("chat case facts %+v", chat.Facts)
	}
}

// TestKindsCharts checks the figures the new charts draw, worked out from
// the fixture's metrics, and which charts leave the other kinds out.
func TestKindsCharts(t *testing.T) {
	in := kindsFixture("pt-BR", t.TempDir())
	p := newPlotter(in, ChartOptions{}.normalized())
	bars := map[string]*barData{}
	for _, s := range p.specs() {
		if s.bars != nil {
			bars[s.name] = s.bars
		}
	}
	value := func(chart, model string) float64 {
		t.Helper()
		d := bars[chart]
		if d == nil {
			t.Fatalf("no %s chart", chart)
		}
		for _, s := range d.series {
			if strings.Contains(s.label, model) {
				for _, v := range s.values {
					if !math.IsNaN(v) {
						return v
					}
				}
			}
		}
		t.Fatalf("%s chart has no bar for %s", chart, model)
		return 0
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	for _, c := range []struct {
		chart, model string
		want         float64
	}{
		{"recall", "text-embedding-3-small", 75},
		{"recall", "nomic-embed-text", 25},
		{"mrr", "text-embedding-3-small", 0.75},
		{"mrr", "nomic-embed-text", (0.5 + 1.0/3) / 2},
		{"wer", "whisper-1", 15},
		{"wer", "faster-whisper", 30}, // its failed file counts in neither
		{"seconds_per_image", "gpt-image-1", 15},
		{"latency", "gpt-image-1", 15000},
	} {
		if got := value(c.chart, c.model); !near(got, c.want) {
			t.Errorf("%s of %s = %v, want %v", c.chart, c.model, got, c.want)
		}
	}
	// Time to first token and output speed are chat's alone.
	for _, name := range []string{"ttft", "throughput", "quality"} {
		if d := bars[name]; d == nil || len(d.series) != 1 || !slices.Equal(d.cats, []string{"zero-shot"}) {
			t.Errorf("%s chart: %+v", name, d)
		}
	}
	if d := bars["latency"]; d == nil || !slices.Equal(d.cats, []string{"zero-shot", "search", "calls", "pictures"}) {
		t.Errorf("latency categories %v", d.cats)
	}
	// Every chart renders, each titled in the report's language.
	charts, err := Charts(in, ChartOptions{Width: 480, Height: 270, DPI: 50, PNG: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range charts {
		if c.Title != msg("pt-BR", "chart."+c.Name) || len(c.PNG) == 0 {
			t.Errorf("%s: %q", c.Name, c.Title)
		}
	}
	// A model keeps its colour when it is only in a case set.
	m := newModels(in)
	if m.forEndpoint("painter") != "gpt-image-1" {
		t.Errorf("identity of the image endpoint: %q", m.forEndpoint("painter"))
	}
	// A chart only with data: a chat-only run has none of the new ones.
	chat := fixture("en", 3)
	for _, s := range newPlotter(chat, ChartOptions{}.normalized()).specs() {
		if s.name == "recall" || s.name == "mrr" || s.name == "wer" || s.name == "seconds_per_image" {
			t.Errorf("chat-only run has a %s chart", s.name)
		}
	}
}

// TestGalleryImageEmbedded: the HTML carries the PNG itself as a data: URI
// with an escaped alt text; the PDF carries it as an image.
func TestGalleryImageEmbedded(t *testing.T) {
	root := t.TempDir()
	writeImages(t, root)
	in := kindsFixture("en", root)
	// The second image exists this time, under an absolute path.
	abs := filepath.Join(t.TempDir(), "elsewhere.png")
	tinyPNG(t, abs, 5, 7)
	for i := range in.Results {
		if in.Results[i].Case == 7 {
			in.Results[i].Artifact = abs
		}
	}
	var b bytes.Buffer
	if err := WriteHTML(&b, in); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	srcs := regexp.MustCompile(`<img src="data:image/png;base64,([^"]+)" alt="([^"]*)"`).FindAllStringSubmatch(page, -1)
	var sizes []image.Point
	for _, m := range srcs {
		// An attribute may carry "+" as &#43;, which browsers decode.
		raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, image.Pt(cfg.Width, cfg.Height))
		if strings.Contains(m[2], "<red>") {
			t.Error("alt text not escaped")
		}
	}
	if !slices.Equal(sizes, []image.Point{{6, 4}, {5, 7}}) {
		t.Errorf("embedded images %v, want the 6×4 and the 5×7 PNG", sizes)
	}
	if !strings.Contains(page, "a &lt;red&gt; bicycle &amp; a &#34;blue&#34; door") {
		t.Error("the escaped prompt is missing")
	}

	if _, err := exec.LookPath("pdfimages"); err != nil {
		t.Skip("pdfimages (poppler-utils) is not installed")
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WritePDF(f, in); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command("pdfimages", "-list", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		fs := strings.Fields(line)
		if len(fs) > 5 && fs[2] == "image" {
			found[fs[3]+"x"+fs[4]] = true
		}
	}
	if !found["6x4"] || !found["5x7"] {
		t.Errorf("the PDF lacks the gallery images:\n%s", out)
	}
	text := pdfText(t, in)
	for _, w := range []string{"Generated images", "gpt-image-1", "accepted", "not rated", "a lighthouse at dawn"} {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
}

// TestMissingAndBadArtifacts: a missing file or a file that is no image
// gives a note in every format, never an error.
func TestMissingAndBadArtifacts(t *testing.T) {
	root := t.TempDir()
	in := kindsFixture("en", root)
	bad := filepath.Join(root, "images", "run-12", "painter-6-0.png")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	os.WriteFile(bad, []byte("not a png at all"), 0o644)
	var b bytes.Buffer
	if err := WriteHTML(&b, in); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{msg("en", "missing_image", "painter-7-0.png"), msg("en", "unreadable_image", "painter-6-0.png")} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("HTML lacks %q", w)
		}
	}
	if strings.Contains(b.String(), "data:image/png") {
		t.Error("a bad file was embedded")
	}
	b.Reset()
	if err := WritePDF(&b, in); err != nil {
		t.Fatalf("PDF with a bad image: %v", err)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		text := pdfText(t, in)
		if !strings.Contains(text, "missing image: painter-7-0.png") || !strings.Contains(text, "image cannot be shown: painter-6-0.png") {
			t.Errorf("PDF notes missing: %s", text[strings.Index(text, "Generated images"):])
		}
	}
	dir := t.TempDir()
	if _, err := WriteMarkdown(dir, "r", in); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "r.md"))
	if !bytes.Contains(md, []byte("_missing image: painter-7-0.png_")) {
		t.Error("Markdown lacks the missing image note")
	}
}

// TestKindsRawExport: the new columns follow the contract's, the index's
// cost is a row of its own, and a metric a result lacks is empty.
func TestKindsRawExport(t *testing.T) {
	rs := kindsResults()
	var b bytes.Buffer
	if err := WriteCSV(&b, rs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"set", "kind", "artifact", "verdict", "unscored", "recall_at_k", "reciprocal_rank", "k", "wer", "audio_seconds", "rtf", "image_bytes", "documents"} {
		if col[h] <= col["ended_at"] {
			t.Errorf("column %s missing or before the contract's", h)
		}
	}
	var indexCost, chatRecall string
	for _, r := range rows[1:] {
		if r[col["strategy"]] == advisor.StrategyIndex && r[col["endpoint"]] == "emb-small" {
			indexCost = r[col["cost_usd"]]
			if r[col["documents"]] != "3" {
				t.Errorf("index documents %q", r[col["documents"]])
			}
		}
		if r[col["kind"]] == advisor.CaseKindChat {
			chatRecall = r[col["recall_at_k"]] + r[col["verdict"]] + r[col["wer"]]
		}
		if r[col["case"]] == "6" && (r[col["verdict"]] != "true" || r[col["artifact"]] != "images/run-12/painter-6-0.png") {
			t.Errorf("image row %v", r)
		}
		if r[col["case"]] == "7" && (r[col["verdict"]] != "" || r[col["unscored"]] != "true") {
			t.Errorf("unrated image row %v", r)
		}
	}
	if indexCost != "0.0002" {
		t.Errorf("index cost %q", indexCost)
	}
	if chatRecall != "" {
		t.Errorf("a chat row has kind metrics: %q", chatRecall)
	}
	b.Reset()
	if err := WriteJSON(&b, rs); err != nil {
		t.Fatal(err)
	}
	var objs []map[string]any
	if err := json.Unmarshal(b.Bytes(), &objs); err != nil {
		t.Fatal(err)
	}
	if objs[0]["wer"] != nil || objs[0]["verdict"] != nil || objs[0]["kind"] != "chat" {
		t.Errorf("chat object %v", objs[0])
	}
	last := objs[len(objs)-1]
	if last["unscored"] != true || last["image_bytes"] != 150.0 {
		t.Errorf("image object %v", last)
	}
}

// TestUnpricedEndpoints: an endpoint without a known price says so in every
// cost cell and stays out of the cost charts, instead of passing for free.
func TestUnpricedEndpoints(t *testing.T) {
	in := kindsFixture("en", t.TempDir())
	in.Run.Unpriced = map[string]bool{"local-whisper": true, "emb-local": true, "openai": true}
	v, err := buildView(in)
	if err != nil {
		t.Fatal(err)
	}
	noPrice := msg("en", "no_price")
	seen := map[string]bool{}
	for _, rt := range v.Run.Results {
		for _, r := range rt.Rows {
			for _, ep := range []string{"(local-whisper)", "(emb-local)", "(openai)", "(whisper)"} {
				if strings.HasSuffix(r[0], ep) {
					seen[ep] = slices.Contains(r, noPrice)
				}
			}
		}
	}
	if !seen["(local-whisper)"] || !seen["(emb-local)"] || !seen["(openai)"] || seen["(whisper)"] {
		t.Errorf("no-price cells by endpoint: %v", seen)
	}
	for _, s := range newPlotter(in, ChartOptions{}.normalized()).specs() {
		if s.name == "cost_per_1k" {
			for _, set := range s.bars.series {
				if set.id == "nomic-embed-text" || set.id == "gpt-4o-mini-2024-07-18" {
					t.Errorf("unpriced %s in the cost chart", set.id)
				}
			}
		}
		if s.name == "cost_quality" {
			t.Error("a cost/quality chart of the only, unpriced, chat endpoint")
		}
	}
}

// BenchmarkGalleryPDF renders a run with 24 generated 1024×1024 images
// into the PDF: decoding, scaling and embedding dominate.
func BenchmarkGalleryPDF(b *testing.B) {
	root := b.TempDir()
	in := kindsFixture("en", root)
	img := filepath.Join(root, "big.png")
	tinyPNG(&testing.T{}, img, 1024, 1024)
	base := in.Results[len(in.Results)-1]
	for i := 0; i < 24; i++ {
		r := base
		r.Repeat, r.Artifact = i+1, img
		in.Results = append(in.Results, r)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := WritePDF(io.Discard, in); err != nil {
			b.Fatal(err)
		}
	}
}

func TestHistoryPointKinds(t *testing.T) {
	rs := []advisor.Result{
		{LatencyMs: 100, Score: 1, CostUSD: 0.001},
		{LatencyMs: 300, Unscored: true, CostUSD: 0.001},                   // an unrated image: no score
		{Strategy: advisor.StrategyIndex, LatencyMs: 5000, CostUSD: 0.001}, // the indexing: cost only
	}
	p := HistoryPoint(1, t0, rs)
	if p.Quality != 1 || p.LatencyP50 != 200 || p.CostPer1K != 1.5 {
		t.Errorf("%+v", p)
	}
}
