package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/assets"
	"github.com/llm-advisor/llm-advisor/locale"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestMain renders the PDF's and the Markdown's charts small: the tests read
// the text back, and full-size rasterising is slow under -race. REPORT_DUMP
// (for looking at the output) keeps the real sizes.
func TestMain(m *testing.M) {
	flag.Parse()
	if os.Getenv("REPORT_DUMP") == "" {
		pdfCharts = ChartOptions{Width: 480, Height: 270, DPI: 50, PNG: true}
		mdCharts = ChartOptions{Width: 480, Height: 270, DPI: 50, PNG: true}
	}
	os.Exit(m.Run())
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs at line %d:\n got: %q\nwant: %q\n(run with -update if the change is intended)", name, i+1, g, w)
			}
		}
	}
}

// small is a short run for the goldens, with the texts that need escaping:
// commas, quotes, newlines, accents, markup.
func small(lang string) Input {
	in := fixture(lang, 2)
	in.Run.Plan.Cases[1].Input = "Can I return \"opened\" items, or not?\nSecond line | with a pipe"
	for i := range in.Results {
		r := &in.Results[i]
		if r.Case == 1 && r.Endpoint == "openai" && r.Strategy == advisor.StrategyZeroShot {
			r.Output = "<script>alert(1)</script> Sim, \"até\" 30 dias,\ncom nota fiscal."
		}
	}
	return in
}

func TestMarkdownGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Input
	}{
		{"run_en", small("en")},
		{"decision_pt", func() Input { in := small("pt-BR"); in.Run, in.Results, in.History = nil, nil, nil; return in }()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			main, err := WriteMarkdown(dir, tc.name+".md", tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if main != filepath.Join(dir, tc.name+".md") {
				t.Fatalf("main file %q", main)
			}
			md, err := os.ReadFile(main)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "markdown_"+tc.name+".golden", md)
			// Every image the Markdown names is a PNG beside it.
			imgs := regexp.MustCompile(`!\[[^\]]*\]\(([^)]+)\)`).FindAllSubmatch(md, -1)
			if len(imgs) == 0 {
				t.Fatal("no chart in the Markdown")
			}
			for _, m := range imgs {
				f, err := os.Open(filepath.Join(dir, string(m[1])))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := png.Decode(f); err != nil {
					t.Errorf("%s: %v", m[1], err)
				}
				f.Close()
			}
			if bytes.Contains(md, []byte("<script>")) {
				t.Error("model output reached the Markdown unescaped")
			}
		})
	}
}

func TestCSVGolden(t *testing.T) {
	in := small("en")
	in.Results = append(in.Results, kindsResults()...)
	var b bytes.Buffer
	if err := WriteCSV(&b, in.Results); err != nil {
		t.Fatal(err)
	}
	golden(t, "results.csv.golden", b.Bytes())
	rows, err := csv.NewReader(bytes.NewReader(b.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	contract := []string{"run_id", "endpoint", "model", "strategy", "case", "repeat", "ttft_ms", "latency_ms", "queue_ms", "tokens_in", "tokens_out", "tokens_estimated", "cost_usd", "score", "passed", "error_class", "output"}
	if !slices.Equal(rows[0][:len(contract)], contract) {
		t.Fatalf("header %v, want the contract's columns first: %v", rows[0], contract)
	}
	if len(rows) != len(in.Results)+1 {
		t.Fatalf("%d rows for %d results", len(rows)-1, len(in.Results))
	}
	// The output with quotes, a comma and a newline survives the round trip.
	found := false
	for _, r := range rows[1:] {
		found = found || strings.HasPrefix(r[16], "<script>alert(1)</script> Sim, \"até\" 30 dias,\ncom")
	}
	if !found {
		t.Error("the output with quotes and a newline did not round-trip")
	}
}

func TestJSONGolden(t *testing.T) {
	in := small("en")
	in.Results = append(in.Results, kindsResults()...)
	var b bytes.Buffer
	if err := WriteJSON(&b, in.Results); err != nil {
		t.Fatal(err)
	}
	golden(t, "results.json.golden", b.Bytes())
	var rows []map[string]any
	if err := json.Unmarshal(b.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(in.Results) {
		t.Fatalf("%d objects for %d results", len(rows), len(in.Results))
	}
	// Field order: the contract's keys first.
	dec := json.NewDecoder(bytes.NewReader(b.Bytes()))
	dec.Token() // [
	dec.Token() // {
	var keys []string
	for len(keys) < 17 {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	if keys[0] != "run_id" || keys[16] != "output" || keys[15] != "error_class" {
		t.Errorf("key order %v", keys)
	}
	var empty bytes.Buffer
	if err := WriteJSON(&empty, nil); err != nil || strings.TrimSpace(empty.String()) != "[]" {
		t.Errorf("empty results: %q, %v", empty.String(), err)
	}
}

func TestHTMLEscapesOutputs(t *testing.T) {
	in := small("en")
	in.UseCase = `Answer <b onmouseover="x()">customers</b> & more`
	in.Recommendation.Fired[0].Source = "javascript:alert(2)"
	in.Recommendation.Fired[1].Source = "https://a.example/one https://b.example/two"
	var b bytes.Buffer
	if err := WriteHTML(&b, in); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if !strings.Contains(html, `href="https://a.example/one"`) || !strings.Contains(html, `href="https://b.example/two"`) {
		t.Error("a rule with two sources does not link both")
	}
	if strings.Contains(html, "<script>alert(1)</script>") {
		t.Fatal("model output is not escaped")
	}
	if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatal("the escaped model output is missing")
	}
	if strings.Contains(html, `<b onmouseover`) || !strings.Contains(html, "&lt;b onmouseover=") {
		t.Error("user text is not escaped")
	}
	if strings.Contains(html, `href="javascript:`) {
		t.Error("a javascript: link got through")
	}
	// Self-contained: charts are inline, nothing is fetched.
	if n := strings.Count(html, `src="data:image/svg`); n < 5 {
		t.Errorf("%d inline charts", n)
	}
	if regexp.MustCompile(`src="https?:`).MatchString(html) {
		t.Error("the page loads an external resource")
	}
}

func pdfText(t *testing.T, in Input) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed; make deps installs it")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "r.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WritePDF(f, in); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestPDFParsesBack(t *testing.T) {
	in := fixture("pt-BR", 20)
	text := pdfText(t, in)
	labels, err := assets.Labels("pt-BR")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Responder dúvidas de clientes sobre trocas", // the use case
		labels["type.text-llm"],                      // the recommendation, in words
		labels["step.rag"],
		"Geração aumentada por recuperação", // accented reason text
		"Configuração do teste ao vivo",     // accented heading
		"Próximos passos",
		"gpt-4o-mini-2024-07-18", "gpt-4o (azure)", "Llama-3.1-8B-Instruct", // model names
		"Mistral Small 3.1 24B Instruct", // shortlist
		"Não tenho essa informação",      // an output, side by side
	}
	for _, w := range want {
		if w == "" || !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
}

func TestPDFRecommendationOnly(t *testing.T) {
	in := fixture("en", 0)
	in.Run, in.Results, in.History = nil, nil, nil
	text := pdfText(t, in)
	for _, w := range []string{"GPT-4o mini", "No live test has been run yet", "Knowledge that changes"} {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
	for _, w := range []string{"Live-test setup", "Outputs side by side"} {
		if strings.Contains(text, w) {
			t.Errorf("a recommendation-only PDF shows %q", w)
		}
	}
}

func TestChartsHaveDataAndStableColours(t *testing.T) {
	in := fixture("en", 20)
	charts, err := Charts(in, ChartOptions{Width: 640, Height: 360})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range charts {
		names = append(names, c.Name)
		img, err := png.Decode(bytes.NewReader(c.PNG))
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 360 {
			t.Errorf("%s is %v", c.Name, b)
		}
		if err := wellFormedXML(c.SVG); err != nil {
			t.Errorf("%s SVG: %v", c.Name, err)
		}
		if c.Title == "" || c.Title == "chart."+c.Name {
			t.Errorf("%s has no title", c.Name)
		}
	}
	want := []string{"verdict", "latency", "ttft", "throughput", "cost_per_1k", "quality", "cost_quality", "errors", "shortlist_cost", "history"}
	if !slices.Equal(names, want) {
		t.Errorf("charts %v, want %v", names, want)
	}

	// One colour per model everywhere: the shortlisted catalog entry an
	// endpoint points at shares the endpoint's colour; models differ.
	m := newModels(in)
	if m.forEndpoint("openai") != m.shortlisted(in.Recommendation.Shortlist[0]) {
		t.Error("the shortlisted gpt-4o-mini is not the run's gpt-4o-mini")
	}
	seen := map[string]string{}
	for _, id := range m.order {
		c := m.color(id).String()
		if other, dup := seen[c]; dup {
			t.Errorf("%s and %s share colour %s", id, other, c)
		}
		seen[c] = id
	}
	// The colour does not depend on which chart or which rows: a run with
	// only the local endpoint's results keeps the plan's colour order.
	only := in
	only.Results = nil
	for _, r := range in.Results {
		if r.Endpoint == "local" {
			only.Results = append(only.Results, r)
		}
	}
	if newModels(only).color(newModels(only).forEndpoint("local")) != m.color(m.forEndpoint("local")) {
		t.Error("the local model changed colour")
	}
	// From screen to screen: the recommendation alone (no run) colours each
	// shortlisted model as the run's report does.
	rec := in
	rec.Run, rec.Results = nil, nil
	mr := newModels(rec)
	for _, s := range in.Recommendation.Shortlist {
		if a, b := mr.color(mr.shortlisted(s)), m.color(m.shortlisted(s)); a != b {
			t.Errorf("%s is %v on the recommendation and %v in the run's report", s.ID, a, b)
		}
	}
}

func wellFormedXML(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func TestShortlistCosts(t *testing.T) {
	in := fixture("en", 0)
	in.Run, in.Results, in.History = nil, nil, nil
	v, err := buildView(in)
	if err != nil {
		t.Fatal(err)
	}
	costs := map[string]string{}
	for _, r := range v.Rec.Shortlist.Rows {
		costs[r[0]] = r[1]
	}
	if got := costs["Phi-4 mini (phi-4-mini)"]; got != msg("en", "cost_unknown") {
		t.Errorf("a model without a price shows %q", got)
	}
	if got := costs["Llama 3.1 8B Instruct (llama-3.1-8b)"]; !strings.Contains(got, msg("en", "own_hardware")) {
		t.Errorf("a self-hosted model shows %q", got)
	}
	if len(v.Rec.Also) != 1 || !strings.Contains(v.Rec.Also[0].Title, labelOf(t, "en", "type.speech-to-text")) || v.Rec.Also[0].Rows[0][0] != "Whisper (whisper-1)" {
		t.Errorf("also shortlist: %+v", v.Rec.Also)
	}
	// The chart leaves the unpriced model out; with no priced model at all
	// there is no chart.
	p := newPlotter(in, ChartOptions{}.normalized())
	if p.shortlistCost() == nil {
		t.Fatal("no shortlist chart")
	}
	unpriced := *in.Recommendation
	unpriced.Shortlist = []advisor.Shortlisted{{ID: "x", Name: "X"}, {ID: "y", Name: "Y"}}
	in.Recommendation = &unpriced
	if newPlotter(in, ChartOptions{}.normalized()).shortlistCost() != nil {
		t.Error("a chart of models without prices")
	}
}

func labelOf(t *testing.T, lang, key string) string {
	t.Helper()
	m, err := assets.Labels(lang)
	if err != nil {
		t.Fatal(err)
	}
	return assets.Label(m, key)
}

func TestChartsLeaveOutEmptyOnes(t *testing.T) {
	// A free local run without errors: no cost or error charts.
	in := fixture("en", 5)
	in.Recommendation, in.History = nil, nil
	var free []advisor.Result
	for _, r := range in.Results {
		if r.Endpoint == "local" && r.ErrorClass == "" {
			free = append(free, r)
		}
	}
	in.Results = free
	charts, err := Charts(in, ChartOptions{PNG: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range charts {
		if c.Name == "cost_per_1k" || c.Name == "cost_quality" || c.Name == "errors" || c.Name == "shortlist_cost" || c.Name == "history" {
			t.Errorf("chart %s has no data but was drawn", c.Name)
		}
		if c.SVG != nil {
			t.Errorf("%s: SVG rendered though only PNG was asked", c.Name)
		}
	}
	// A decision without a run: only the shortlist.
	dec := fixture("en", 0)
	dec.Run, dec.Results, dec.History = nil, nil, nil
	charts, err = Charts(dec, ChartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) != 1 || charts[0].Name != "shortlist_cost" {
		t.Errorf("recommendation-only charts: %v", charts)
	}
}

// A window asks for the drawn images of a few charts: exactly those are
// drawn, as pictures equal pixel for pixel to the PNGs of the same charts,
// and no PNG or SVG is encoded.
func TestChartsOnlyAndImage(t *testing.T) {
	in := fixture("en", 20)
	want := map[string]bool{"latency": true, "errors": true}
	only := func(name string) bool { return want[name] }
	imgs, err := Charts(in, ChartOptions{Width: 320, Height: 200, Image: true, Only: only})
	if err != nil {
		t.Fatal(err)
	}
	pngs, err := Charts(in, ChartOptions{Width: 320, Height: 200, PNG: true, Only: only})
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != 2 || imgs[0].Name != "latency" || imgs[1].Name != "errors" || len(pngs) != 2 {
		t.Fatalf("charts %v / %v, want latency and errors", imgs, pngs)
	}
	for i, c := range imgs {
		if c.PNG != nil || c.SVG != nil || c.Image == nil {
			t.Fatalf("%s: PNG %d bytes, SVG %d bytes, image %v: want only the image", c.Name, len(c.PNG), len(c.SVG), c.Image != nil)
		}
		dec, err := png.Decode(bytes.NewReader(pngs[i].PNG))
		if err != nil {
			t.Fatal(err)
		}
		b := c.Image.Bounds()
		if b != dec.Bounds() || b.Dx() != 320 || b.Dy() != 200 {
			t.Fatalf("%s: image %v, PNG %v", c.Name, b, dec.Bounds())
		}
		diff := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r1, g1, b1, a1 := c.Image.At(x, y).RGBA()
				r2, g2, b2, a2 := dec.At(x, y).RGBA()
				if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
					diff++
				}
			}
		}
		if diff != 0 {
			t.Errorf("%s: %d pixels differ from the PNG", c.Name, diff)
		}
	}
}

func TestChartSVGEscapesNames(t *testing.T) {
	in := fixture("en", 3)
	for i := range in.Results {
		in.Results[i].Model = `<evil & "model">`
	}
	in.Run = nil
	charts, err := Charts(in, ChartOptions{SVG: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range charts {
		if err := wellFormedXML(c.SVG); err != nil {
			t.Errorf("%s: %v", c.Name, err)
		}
		if bytes.Contains(c.SVG, []byte("<evil")) {
			t.Errorf("%s: raw name in the SVG", c.Name)
		}
	}
}

func TestShortening(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"meta-llama/Llama-3.1-8B-Instruct", "Llama-3.1-8B-Instruct"},
		{"gpt-4o-mini-2024-07-18", "gpt-4o-mini"},
		{"llama3.2:latest", "llama3.2"},
		{"gpt-3.5-turbo-0125", "gpt-3.5-turbo"},
		{"qwen2.5-coder-32b-instruct-q4_K_M-long-context-edition", "qwen2.5-coder-3…-edition"},
	} {
		if got := shortName(tc.in, 24); got != tc.want {
			t.Errorf("shortName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Names that shorten alike keep distinct labels.
	in0 := fixture("en", 1)
	in0.Run.Plan.Endpoints = nil
	in0.Results = nil
	for i := 0; i < 12; i++ {
		in0.Results = append(in0.Results, advisor.Result{Endpoint: fmt.Sprintf("e%d", i), Model: fmt.Sprintf("org/a-very-long-model-name-that-repeats-%d-instruct", i%11)})
	}
	seenLabel := map[string]bool{}
	for _, l := range newModels(in0).label {
		if seenLabel[l] || utf8.RuneCountInString(l) > 24 {
			t.Errorf("label %q repeated or too long", l)
		}
		seenLabel[l] = true
	}
	// Ellipsis cuts on runes, never inside a character.
	s := strings.Repeat("ção ", 200)
	for n := 1; n < 30; n++ {
		got := ellipsis(s, n)
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > n || !strings.HasSuffix(got, "…") {
			t.Fatalf("ellipsis(%d) = %q", n, got)
		}
	}
	if ellipsis("short", 10) != "short" {
		t.Error("a short text was changed")
	}
	// Side by side, a long output is shortened the same way.
	in := fixture("en", 1)
	in.Results[0].Output = strings.Repeat("é", outputRunes*3)
	v, err := buildView(in)
	if err != nil {
		t.Fatal(err)
	}
	got := v.Run.Cases[0].Outputs.Rows[0][3]
	if utf8.RuneCountInString(got) != outputRunes || !utf8.ValidString(got) {
		t.Errorf("shortened output has %d runes", utf8.RuneCountInString(got))
	}
}

func TestNumbers(t *testing.T) {
	for _, tc := range []struct {
		lang string
		v    float64
		dec  int
		want string
	}{
		{"en", 1234567.891, 2, "1,234,567.89"},
		{"pt-BR", 1234567.891, 2, "1.234.567,89"},
		{"en", -0.004, 2, "0.00"},
		{"en", -12.5, 1, "-12.5"},
		{"pt-BR", 999, 0, "999"},
	} {
		if got := num(tc.lang, tc.v, tc.dec); got != tc.want {
			t.Errorf("num(%s, %v) = %q, want %q", tc.lang, tc.v, got, tc.want)
		}
	}
	if got := usd(locale.For("pt-BR"), 0.0123); got != "US$ 0,012" {
		t.Errorf("usd = %q", got)
	}
}

func TestFineTuneJSONL(t *testing.T) {
	p := fixturePlan(3)
	p.Cases = append(p.Cases, advisor.Case{Input: "no expected answer"}, p.Cases[0]) // skipped: no answer, duplicate
	var b bytes.Buffer
	if err := WriteFineTuneJSONL(&b, p); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&b)
	n := 0
	for sc.Scan() {
		var line struct {
			Messages []chatMessage `json:"messages"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		roles := []string{}
		for _, m := range line.Messages {
			roles = append(roles, m.Role)
			if m.Content == "" {
				t.Errorf("line %d: empty %s message", n+1, m.Role)
			}
		}
		if !slices.Equal(roles, []string{"system", "user", "assistant"}) {
			t.Errorf("line %d roles %v", n+1, roles)
		}
		n++
	}
	if want := 3 + len(p.FewShot); n != want {
		t.Errorf("%d lines, want %d", n, want)
	}
	if OffersFineTune(nil) || !OffersFineTune(fixtureRecommendation("en")) {
		t.Error("OffersFineTune")
	}
}

func TestHistoryPoint(t *testing.T) {
	rs := []advisor.Result{
		{LatencyMs: 100, Score: 1, CostUSD: 0.002},
		{LatencyMs: 300, Score: 0, CostUSD: 0.002},
		{LatencyMs: 200, Score: 0.5, CostUSD: 0.002},
		{ErrorClass: advisor.ErrTimeout, LatencyMs: 60000},
	}
	p := HistoryPoint(3, t0, rs)
	if p.LatencyP50 != 200 || p.Quality != 0.5 || p.CostPer1K != 2 || p.ID != 3 {
		t.Errorf("%+v", p)
	}
}

func TestWriteFileAtomicLeavesNothingOnFailure(t *testing.T) {
	dir := t.TempDir()
	if err := writeFileAtomic(filepath.Join(dir, "missing", "x.md"), []byte("x")); err == nil {
		t.Fatal("writing into a missing folder succeeded")
	}
	path := filepath.Join(dir, "r.md")
	if err := writeFileAtomic(path, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temp files left: %v", entries)
	}
}

func BenchmarkChartsAndPDF10k(b *testing.B) {
	plan := fixturePlan(1112) // 3 endpoints × 3 strategies × 1,112 cases
	results := fixtureResults(plan, 1)[:10000]
	in := fixture("en", 0)
	in.Run.Plan = plan
	in.Results = results
	small := pdfCharts
	pdfCharts = pdfChartsFull // measure the real thing
	defer func() { pdfCharts = small }()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Charts(in, ChartOptions{}); err != nil {
			b.Fatal(err)
		}
		if err := WritePDF(io.Discard, in); err != nil {
			b.Fatal(err)
		}
	}
}

// A live test run from a plan file has no decision: its report leaves the
// answers out instead of listing "I don't know" for every question, and
// says why there is no recommendation.
func TestRunWithoutDecision(t *testing.T) {
	in := small("en")
	in.Answers, in.Recommendation, in.UseCase, in.History = advisor.Answers{}, nil, "", nil
	var md bytes.Buffer
	v, err := buildView(in)
	if err != nil {
		t.Fatal(err)
	}
	writeMarkdown(&md, v, nil, nil)
	var html bytes.Buffer
	if err := WriteHTML(&html, in); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"markdown": md.String(), "html": html.String()} {
		if strings.Contains(out, "Your answers") || strings.Contains(out, "I don&#39;t know") || strings.Contains(out, "I don't know") {
			t.Errorf("%s lists answers for a run without a decision", name)
		}
		if !strings.Contains(out, "without a decision") {
			t.Errorf("%s does not say the run has no decision", name)
		}
	}
	// With a decision the answers are there, unknown ones included.
	in = small("en")
	in.Answers.Volume = ""
	v, _ = buildView(in)
	md.Reset()
	writeMarkdown(&md, v, nil, nil)
	if !strings.Contains(md.String(), "Your answers") || !strings.Contains(md.String(), "I don't know") {
		t.Error("a decision's answers are missing")
	}
}

// TestRawMeasurementColumns: the raw exports carry the measurement columns
// of the contract's additions, warm-ups first and marked, measured results
// after them.
func TestRawMeasurementColumns(t *testing.T) {
	in := Input{Title: "t", Lang: "en",
		Warmups: []advisor.Result{{ID: 7, RunID: 3, Endpoint: "local", Strategy: advisor.StrategyWarmup, LatencyMs: 4200, TTFTMs: 4100, TTFATMs: 4100, Warmup: true}},
		Results: []advisor.Result{{ID: 8, RunID: 3, Endpoint: "local", Strategy: advisor.StrategyZeroShot, TTFTMs: 50, TTFATMs: 450, LatencyMs: 950,
			TPOTMs: 50, TokensIn: 20, TokensOut: 19, TokensCached: 6, TokensReasoning: 8, Chunks: 19}}}
	var b bytes.Buffer
	if err := WriteCSV(&b, in.RawResults()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want a header, the warm-up and the result", len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for name, want := range map[string][2]string{
		"result_id": {"7", "8"}, "ttfat_ms": {"4100", "450"}, "tpot_ms": {"0", "50"}, "tokens_cached": {"0", "6"},
		"tokens_reasoning": {"0", "8"}, "warmup": {"true", "false"}, "chunks": {"0", "19"}, "output_tps": {"0", "20"},
	} {
		i, ok := col[name]
		if !ok {
			t.Errorf("no %s column", name)
			continue
		}
		if rows[1][i] != want[0] || rows[2][i] != want[1] {
			t.Errorf("%s: %q, %q; want %q, %q", name, rows[1][i], rows[2][i], want[0], want[1])
		}
	}
	b.Reset()
	if err := WriteJSON(&b, in.RawResults()); err != nil {
		t.Fatal(err)
	}
	var objs []map[string]any
	if err := json.Unmarshal(b.Bytes(), &objs); err != nil {
		t.Fatal(err)
	}
	if objs[0]["warmup"] != true || objs[1]["warmup"] != false || objs[1]["ttfat_ms"] != 450.0 || objs[1]["result_id"] != 8.0 {
		t.Errorf("json rows %v", objs)
	}
	if p := HistoryPoint(3, in.Generated, append(in.Warmups, in.Results...)); p.LatencyP50 != 950 {
		t.Errorf("history median %.0f: the warm-up must stay out", p.LatencyP50)
	}
}
