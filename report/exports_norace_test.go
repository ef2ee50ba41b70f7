//go:build !race

package report

// Export content checks: every format of a report, written from fixtures,
// read back for its words and figures. They draw many charts and check
// texts, not concurrency: the race detector made them about ten times
// slower, so make test runs them in its step without it (NORACE_REPORT in
// the Makefile; TestNoRaceTestsAreInMakeTest in the root package keeps the
// two the same). The charts' concurrent drawing stays under the race
// detector in charts_test.go, images and galleries in their own tests.

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// Money in the report is in the decision's currency: the shortlist, the
// verdict's cost criterion, the result tables and the charts; the rate and
// its date are said once, and no amount is left in dollars.
func TestReportMoneyInTheUsersCurrency(t *testing.T) {
	in := brlInput()
	note := "a R$ 5,00 por US$ 1 (cotação de 30/11/2026)"

	v, err := buildView(in)
	if err != nil {
		t.Fatal(err)
	}
	costs := map[string]string{}
	for _, r := range v.Rec.Shortlist.Rows {
		costs[r[0]] = r[1]
	}
	// 41.50 USD × 5 = 207.50 BRL; 690 × 5 = 3,450.
	if got := costs["GPT-4o mini (gpt-4o-mini)"]; got != "R$ 207,50" {
		t.Errorf("GPT-4o mini a month: %q, want R$ 207,50", got)
	}
	if got := costs["GPT-4o (gpt-4o)"]; got != "R$ 3.450,00" {
		t.Errorf("GPT-4o a month: %q, want R$ 3.450,00", got)
	}
	found := false
	for _, r := range v.Verdict.Criteria.Rows {
		if strings.Contains(r[1], "R$ 500,00") { // 100 USD × 5
			found = true
		}
	}
	if !found {
		t.Errorf("the cost criterion is not R$ 500,00: %v", v.Verdict.Criteria.Rows)
	}

	var html bytes.Buffer
	if err := WriteHTML(&html, in); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mdFile, err := WriteMarkdown(dir, "r", in)
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(mdFile)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"HTML": html.String(), "Markdown": string(md), "PDF": pdfText(t, in)} {
		if n := strings.Count(text, note); n != 1 {
			t.Errorf("%s: the rate note %q appears %d times, want once", name, note, n)
		}
		if !strings.Contains(text, "R$ 207,50") {
			t.Errorf("%s: no R$ 207,50 for GPT-4o mini", name)
		}
		// The only dollars are the "US$ 1" of the rate note.
		if n := strings.Count(text, "US$"); n != 1 {
			t.Errorf("%s: %d amounts in US$, want only the note's", name, n)
		}
	}

	charts, err := Charts(in, ChartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	money := 0
	for _, c := range charts {
		svg := string(c.SVG)
		if strings.Contains(svg, "US$") {
			t.Errorf("chart %s labels an amount in US$", c.Name)
		}
		if strings.Contains(svg, "R$") {
			money++
		}
	}
	if money < 2 { // cost per 1,000 requests and the shortlist's monthly cost at least
		t.Errorf("only %d charts show reais", money)
	}
}

// The report shows people's figures with their ranges next to the
// automatic ones, in HTML, Markdown and PDF, in both languages.
func TestPeopleInReport(t *testing.T) {
	for _, lang := range []string{"en", "pt-BR"} {
		in := peopleFixture(lang)
		var h bytes.Buffer
		if err := WriteHTML(&h, in); err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{
			"en":    {"What people said", "75% (30%–95%) over 4 answers", "80% (38%–96%) of 5 comparisons", "20% (4%–62%) of 5 comparisons", "No clear preference between openai (zero-shot) and azure (zero-shot): openai (zero-shot) won 3, lost 0 and tied 2 of 5"},
			"pt-BR": {"O que as pessoas disseram", "75% (30%–95%) em 4 respostas", "80% (38%–96%) de 5 comparações", "Entre openai (zero-shot) e azure (zero-shot) não houve preferência clara"},
		}[lang]
		html := strings.ReplaceAll(h.String(), "&#43;", "+")
		for _, w := range want {
			if !strings.Contains(strings.ReplaceAll(html, "&nbsp;", " "), w) {
				t.Errorf("%s HTML lacks %q", lang, w)
			}
		}
		dir := t.TempDir()
		path, err := WriteMarkdown(dir, "r.md", in)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		md := string(b)
		for _, w := range want[:3] {
			if !strings.Contains(md, w) {
				t.Errorf("%s Markdown lacks %q", lang, w)
			}
		}
		pdf := pdfText(t, in)
		for _, w := range want[:2] {
			if !strings.Contains(pdf, w) {
				t.Errorf("%s PDF lacks %q", lang, w)
			}
		}
	}
	// A judge people disagree with is flagged in the report: people pass
	// openai's cases 0, 1, 3 and fail 2; the judge fails 0 and 1 and passes
	// 2 and 3 — agreeing on 1 of 4, kappa (0.25 − 0.5)/0.5 = −0.5.
	in := peopleFixture("en")
	for i := range in.Results {
		r := &in.Results[i]
		if r.Endpoint == "openai" && r.Strategy == advisor.StrategyZeroShot && r.Repeat == 0 && r.Case < 4 {
			r.Checks = append(r.Checks, advisor.CheckResult{Check: advisor.CheckJudge, Score: map[bool]float64{true: 1}[r.Case >= 2]})
		}
	}
	var hj bytes.Buffer
	if err := WriteHTML(&hj, in); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hj.String(), "Flagged: The judge agrees with you on only 1 of 4 answers (kappa -0.50)") {
		t.Errorf("the untrusted judge is not flagged:\n%s", hj.String()[strings.Index(hj.String(), "What people said"):][:1500])
	}
	// Without people, no such section.
	var h bytes.Buffer
	if err := WriteHTML(&h, fixture("en", 10)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h.String(), "What people said") {
		t.Error("a report without ratings shows people's section")
	}
}

// TestCapacityInEveryReport (issue 13): a decision's capacity test is in
// the HTML, Markdown and PDF reports — the section, the sentences with the
// figures above, the steps and the latency-vs-rate chart — in both
// languages.
func TestCapacityInEveryReport(t *testing.T) {
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"en", []string{"Can it carry the traffic?", "Most it served: 19.6 requests per second.", "It keeps to the time limit (300 ms end to end) up to 10.0 requests per second.",
			"Your busiest moment: 15.00 requests per second (432,000 a day × 3.0).", "No — at your peak it would miss the time limit too often.", "evenly spaced", "40%"}},
		{"pt-BR", []string{"Aguenta o tráfego?", "O máximo que atendeu: 19,6 requisições por segundo.", "Cumpre o limite de tempo (300 ms do início ao fim) até 10,0 requisições por segundo.",
			"Seu momento de pico: 15,00 requisições por segundo (432.000 por dia × 3,0).", "Não — no seu pico, estouraria o limite de tempo com frequência.", "intervalos iguais", "40%"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			in := small(tc.lang)
			in.Capacity = []CapacityTest{capacityFixture()}
			var h bytes.Buffer
			if err := WriteHTML(&h, in); err != nil {
				t.Fatal(err)
			}
			page := h.String()
			dir := t.TempDir()
			main, err := WriteMarkdown(dir, "r.md", in)
			if err != nil {
				t.Fatal(err)
			}
			md, _ := os.ReadFile(main)
			for _, w := range tc.want {
				if !strings.Contains(page, w) {
					t.Errorf("HTML lacks %q", w)
				}
				if !strings.Contains(string(md), w) {
					t.Errorf("Markdown lacks %q", w)
				}
			}
			if !strings.Contains(page, `alt="`+msg(tc.lang, "load.chart_title")+` — local"`) {
				t.Error("HTML has no capacity chart")
			}
			png, err := os.ReadFile(filepath.Join(dir, "r-capacity-1.png"))
			if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) || !strings.Contains(string(md), "(r-capacity-1.png)") {
				t.Errorf("Markdown capacity chart: %v", err)
			}
			text := pdfText(t, in)
			for _, w := range tc.want[:3] {
				if !strings.Contains(text, strings.Join(strings.Fields(w), " ")) {
					t.Errorf("PDF lacks %q", w)
				}
			}
		})
	}
	// No capacity test: no section.
	var h bytes.Buffer
	if err := WriteHTML(&h, small("en")); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h.String(), "Can it carry the traffic?") {
		t.Error("a report without a capacity test has the section")
	}
}

// TestKindsRenderEveryFormat renders the run of every kind in both
// languages and every format, the second image missing.
func TestKindsRenderEveryFormat(t *testing.T) {
	for _, lang := range []string{"en", "pt-BR"} {
		t.Run(lang, func(t *testing.T) {
			root := t.TempDir()
			writeImages(t, root)
			in := kindsFixture(lang, root)
			var b bytes.Buffer
			if err := WritePDF(&b, in); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b.Bytes(), []byte("%PDF")) {
				t.Error("not a PDF")
			}
			b.Reset()
			if err := WriteHTML(&b, in); err != nil {
				t.Fatal(err)
			}
			html := b.String()
			for _, k := range caseKinds {
				if !strings.Contains(html, "<h3>"+kindLabel(lang, k)+"</h3>") {
					t.Errorf("HTML has no %s table", k)
				}
			}
			for _, w := range []string{msg(lang, "not_rated"), msg(lang, "accepted"), msg(lang, "missing_image", "painter-7-0.png"), msg(lang, "sec.gallery")} {
				if !strings.Contains(html, w) {
					t.Errorf("HTML lacks %q", w)
				}
			}
			if _, err := WriteMarkdown(t.TempDir(), "r", in); err != nil {
				t.Fatal(err)
			}
			if err := WriteCSV(&b, in.Results); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&b, in.Results); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestKindsEdgeRuns renders runs of the other kinds at their edges in every
// format: a plan of case sets only whose image requests all failed and
// whose documents could not be embedded, and a plan whose top-level cases
// are transcriptions, from before case sets (no Set).
func TestKindsEdgeRuns(t *testing.T) {
	failed := kindsFixture("pt-BR", t.TempDir())
	failed.Run.Plan.Cases = nil
	failed.Results = nil
	for _, r := range kindsResults() {
		switch {
		case r.Kind == advisor.CaseKindChat:
			continue
		case r.Kind == advisor.CaseKindImage:
			r = advisor.Result{RunID: 12, Endpoint: r.Endpoint, Model: r.Model, Strategy: r.Strategy, Set: r.Set, Kind: r.Kind, Case: r.Case - 2, ErrorClass: advisor.ErrTimeout}
		case r.Strategy == advisor.StrategyIndex:
			r.ErrorClass, r.Case = advisor.ErrServer, r.Case-2
		default:
			r.Case -= 2
		}
		failed.Results = append(failed.Results, r)
	}

	top := fixture("en", 0)
	top.Run.Plan = advisor.Plan{Name: "calls", Kind: advisor.CaseKindTranscription,
		Endpoints: []advisor.Endpoint{{Name: "whisper", Kind: advisor.KindOpenAI, Model: "whisper-1"}},
		Cases:     []advisor.Case{{Audio: "a.wav", Expected: "hello there"}}}
	top.Results = []advisor.Result{{RunID: 12, Endpoint: "whisper", Model: "whisper-1", Strategy: advisor.StrategyTranscription, Kind: advisor.CaseKindTranscription,
		Output: "hello", LatencyMs: 800, Score: 0.5, Metrics: map[string]float64{advisor.MetricWER: 0.5, advisor.MetricAudioSeconds: 2, advisor.MetricRTF: 0.4}}}
	top.History = nil

	for name, in := range map[string]Input{"failed": failed, "top": top} {
		t.Run(name, func(t *testing.T) {
			charts, err := Charts(in, mdCharts)
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]bool{}
			for _, c := range charts {
				names[c.Name] = true
			}
			var b bytes.Buffer
			if err := WritePDF(&b, in); err != nil {
				t.Fatal(err)
			}
			b.Reset()
			if err := WriteHTML(&b, in); err != nil {
				t.Fatal(err)
			}
			if _, err := WriteMarkdown(t.TempDir(), "r", in); err != nil {
				t.Fatal(err)
			}
			v, err := buildView(in)
			if err != nil {
				t.Fatal(err)
			}
			switch name {
			case "failed":
				if names["seconds_per_image"] || !names["recall"] || !names["errors"] {
					t.Errorf("charts %v", names)
				}
				if len(v.Run.Gallery) != 0 || strings.Contains(b.String(), msg("pt-BR", "sec.gallery")) {
					t.Error("a gallery without images")
				}
				if !strings.Contains(b.String(), msg("pt-BR", "index_failed")) {
					t.Error("the failed indexing is not said")
				}
			case "top":
				if !names["wer"] || names["ttft"] || names["quality"] {
					t.Errorf("charts %v", names)
				}
				if len(v.Run.Cases) != 1 || len(v.Run.Cases[0].Facts) != 2 || v.Run.Cases[0].Facts[0].Value != "a.wav" {
					t.Errorf("side by side %+v", v.Run.Cases)
				}
			}
		})
	}
}

// TestEdgeRuns renders every export for runs at the edges: no results yet,
// every request failed, one model on one strategy, and many models.
func TestEdgeRuns(t *testing.T) {
	empty := fixture("en", 3)
	empty.Results = nil

	failed := fixture("pt-BR", 3)
	for i := range failed.Results {
		failed.Results[i] = advisor.Result{RunID: 12, Endpoint: failed.Results[i].Endpoint, Model: failed.Results[i].Model, Strategy: failed.Results[i].Strategy, Case: failed.Results[i].Case, ErrorClass: advisor.ErrUnauthorized}
	}

	one := fixture("en", 4)
	one.Run.Plan.Endpoints = one.Run.Plan.Endpoints[:1]
	one.Run.Plan.Strategies = one.Run.Plan.Strategies[:1]
	one.Results = fixtureResults(one.Run.Plan, 1)
	one.Recommendation, one.History = nil, nil

	many := fixture("en", 2)
	many.Run.Plan.Endpoints = nil
	many.Results = nil
	for i := 0; i < 12; i++ {
		ep := advisor.Endpoint{Name: fmt.Sprintf("ep%d", i), Kind: advisor.KindCompatible, Model: fmt.Sprintf("vendor/some-rather-long-model-name-%d-instruct", i), PriceInPer1M: fptr(float64(i)), PriceOutPer1M: fptr(float64(2 * i))}
		many.Run.Plan.Endpoints = append(many.Run.Plan.Endpoints, ep)
	}
	many.Results = fixtureResults(many.Run.Plan, 1)

	for name, in := range map[string]Input{"empty": empty, "failed": failed, "one": one, "many": many} {
		t.Run(name, func(t *testing.T) {
			charts, err := Charts(in, mdCharts)
			if err != nil {
				t.Fatal(err)
			}
			if err := WritePDF(io.Discard, in); err != nil {
				t.Fatal(err)
			}
			if err := WriteHTML(io.Discard, in); err != nil {
				t.Fatal(err)
			}
			if _, err := WriteMarkdown(t.TempDir(), "r", in); err != nil {
				t.Fatal(err)
			}
			names := map[string]bool{}
			for _, c := range charts {
				names[c.Name] = true
			}
			switch name {
			case "failed":
				if names["latency"] || names["quality"] || !names["errors"] {
					t.Errorf("all-failed run charts: %v", names)
				}
			case "one", "many":
				if !names["latency"] || !names["quality"] {
					t.Errorf("charts: %v", names)
				}
			}
			if dir := os.Getenv("REPORT_DUMP"); dir != "" {
				for _, c := range charts {
					os.WriteFile(filepath.Join(dir, "edge-"+name+"-"+c.Name+".png"), c.PNG, 0o644)
				}
			}
		})
	}
}

// TestNoSecretLeaks puts a sentinel key in the environment variable the plan
// names — and in the stored texts, as if a server had echoed it — and checks
// that no export contains it.
func TestNoSecretLeaks(t *testing.T) {
	const secret = "sk-SENTINEL-4f1c9a7e2b8d"
	t.Setenv(sentinelEnv, secret)
	in := small("en")
	in.Run.Plan.Endpoints[2].APIKeyEnv = "LOCAL_LLM"
	in.Results[0].ErrorMessage = "401: invalid key " + secret
	in.Results[1].Output = "your key is " + secret
	in.Run.Plan.Cases[0].Input = "use " + secret
	in.Run.Plan.Cases[0].Expected = "ok " + secret
	// A credential in a base URL (not in the environment) is dropped too.
	const urlSecret = "pw-URLSECRET-77"
	in.Run.Plan.Endpoints[1].BaseURL = "https://admin:" + urlSecret + "@contoso.openai.azure.com/v1?api-key=" + urlSecret
	check := func(name string, b []byte) {
		t.Helper()
		if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte(urlSecret)) {
			t.Errorf("%s export contains the key", name)
		}
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, in.Results); err != nil {
		t.Fatal(err)
	}
	check("CSV", b.Bytes())
	b.Reset()
	if err := WriteJSON(&b, in.Results); err != nil {
		t.Fatal(err)
	}
	check("JSON", b.Bytes())
	b.Reset()
	if err := WriteFineTuneJSONL(&b, in.Run.Plan); err != nil {
		t.Fatal(err)
	}
	check("JSONL", b.Bytes())
	b.Reset()
	if err := WriteHTML(&b, in); err != nil {
		t.Fatal(err)
	}
	check("HTML", b.Bytes())
	dir := t.TempDir()
	if _, err := WriteMarkdown(dir, "r", in); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "r.md"))
	check("Markdown", md)
	b.Reset()
	if err := WritePDF(&b, in); err != nil {
		t.Fatal(err)
	}
	check("PDF bytes", b.Bytes())
	if _, err := exec.LookPath("pdftotext"); err == nil {
		check("PDF text", []byte(pdfText(t, in)))
	}
	// The redaction is not vacuous: the marker is where the key was.
	b.Reset()
	WriteCSV(&b, in.Results)
	if !strings.Contains(b.String(), "your key is [API key hidden]") {
		t.Error("the key was not replaced by [API key hidden]")
	}
}
