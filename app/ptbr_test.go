//go:build !race

package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/report"
)

// Issue 14: a Brazilian walks every screen and every report in Portuguese and
// meets no English.
//
// What counts as English: every word the English translations use that the
// Portuguese ones never do (so the detector grows with the app's own
// vocabulary), plus the English words that reach a screen without going
// through a translation (statuses, error classes, library messages).
// Proper names and accepted terms are allowed, each with its reason.

// englishExtra are English words that come from code, not translations:
// run states, error classes, library and HTTP messages, model-card notes.
var englishExtra = strings.Fields(`the and with without from into your you this that these those
	is are was were be been has have had not cannot can't don't isn't
	error errors failed failure done running pending interrupted cancelled canceled finished
	unauthorized unauthorised forbidden timeout timed rate limited limit bad response request
	requests invalid missing empty expected got found unknown status retry retrying
	model models quality cost latency passed strategy answer answers file line column row rows
	price prices month monthly day daily per image images text output input inputs outputs
	deprecated retired active preview shutdown successor released knowledge cutoff
	open weights proprietary hosted managed self context window tokens/s`)

// allowedTerms are words that read as Portuguese to a Brazilian reader of
// this app, each with the reason it stays.
var allowedTerms = map[string]string{
	"prompt":     "the term Brazilian AI material uses (\"engenharia de prompt\")",
	"prompting":  "as in \"prompting\" next to \"prompt\"",
	"few":        "in \"few-shot\", the technique's name, always after plain words",
	"shot":       "in \"zero-shot\" and \"few-shot\"",
	"zero":       "a Portuguese word and part of \"zero-shot\"",
	"token":      "the unit providers bill by; Brazilian docs say \"tokens\"",
	"tokens":     "the unit providers bill by",
	"chat":       "used as is in Brazil (\"chat\")",
	"download":   "used as is in Brazil",
	"online":     "used as is in Brazil",
	"offline":    "used as is in Brazil",
	"software":   "used as is in Brazil",
	"hardware":   "used as is in Brazil",
	"cache":      "used as is in Brazil",
	"logs":       "used as is in Brazil",
	"log":        "used as is in Brazil",
	"streaming":  "used as is in Brazil",
	"endpoint":   "a term shown in parentheses after plain words (TestJargonExplained)",
	"endpoints":  "as endpoint",
	"embedding":  "the model type's name, after plain words",
	"embeddings": "as embedding",
	"regex":      "the check's technical name, after plain words",
	"fine":       "in \"fine-tuning\", the technique's name",
	"tuning":     "in \"fine-tuning\"",
	"batch":      "the providers' product name (Batch API)",
	"benchmarks": "used as is in Brazil",
	"recall":     "the metric's name (recall@k), explained beside it",
	"schema":     "JSON Schema, a standard's name",
	"workspace":  "Google Workspace, a product name",
	"services":   "Amazon Web Services, a product name",
	"web":        "as in \"web\", used as is in Brazil",
	"act":        "EU AI Act, a law's name",
	"cloud":      "product names (Google Cloud)",
	"studio":     "LM Studio, a product name",
	"local":      "a Portuguese word",
	"real":       "a Portuguese word (and the currency)",
	"total":      "a Portuguese word",
	"ideal":      "a Portuguese word",
	"volume":     "a Portuguese word",
	"data":       "a Portuguese word (date)",
	"no":         "a Portuguese word (\"no\" = in the)",
	"do":         "a Portuguese word",
	"a":          "a Portuguese word",
	"e":          "a Portuguese word",
	"use":        "a Portuguese word (\"use\" = imperative of usar)",
	"for":        "a Portuguese word (\"se for\")",
	"as":         "a Portuguese word",
	"compare":    "a Portuguese word (imperative of comparar)",
	"material":   "a Portuguese word",
	"base":       "a Portuguese word",
	"center":     "Microsoft's \"Trust Center\", a page's name",
	"foundry":    "Azure AI Foundry, a product name",
	"key":        "Azure Key Vault, a product name",
	"line":       "the command line's flag names are code (--line)",
	"whisper":    "a model's name",
	"diffusion":  "Stable Diffusion, a model's name",
	"stable":     "Stable Diffusion, a model's name",
	"together":   "Together AI, a provider's name",
	"advisor":    "the app's name, LLM Advisor",
}

// englishWords is the detector's vocabulary (lower case).
func englishWords(t *testing.T) map[string]bool {
	t.Helper()
	words := func(suffix string) map[string]bool {
		out := map[string]bool{}
		files, _ := filepath.Glob(filepath.Join("..", "assets", "translations", "*."+suffix+".json"))
		if len(files) < 2 {
			t.Fatalf("translations *.%s.json: %d files", suffix, len(files))
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]string
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for _, v := range m {
				for _, w := range tokens(v) {
					out[w] = true
				}
			}
		}
		return out
	}
	en, pt := words("en"), words("pt-BR")
	vocab := map[string]bool{}
	for w := range en {
		if !pt[w] {
			vocab[w] = true
		}
	}
	for _, w := range englishExtra {
		if !pt[w] {
			vocab[w] = true
		}
	}
	for w := range allowedTerms {
		delete(vocab, w)
	}
	if len(vocab) < 500 {
		t.Fatalf("only %d English words to look for", len(vocab))
	}
	return vocab
}

var (
	wordRE     = regexp.MustCompile(`[\p{L}]+`)
	templateRE = regexp.MustCompile(`\{\{[^}]*\}\}`)
	// Addresses, paths, file names, flags and code are not prose.
	codeRE = regexp.MustCompile(`https?://\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|io|dev|ai|gov|br|net|co)\b|\S+\.(?:csv|jsonl?|xlsx|md|html|pdf|png|wav|yaml|txt)\b|(?:^|\s)--?[a-z][\w-]*|\S*/\S+|\S+@\S+|` + "`[^`]*`")
)

// tokens are the lower-case words of s, leaving out code and placeholders.
func tokens(s string) []string {
	s = templateRE.ReplaceAllString(s, " ")
	s = codeRE.ReplaceAllString(s, " ")
	return wordRE.FindAllString(strings.ToLower(s), -1)
}

// englishFinder reports the English words of texts seen somewhere.
type englishFinder struct {
	t     *testing.T
	vocab map[string]bool
	names map[string]bool // words of proper names: models, providers, endpoints
	found map[string][]string
	seen  int
}

func newEnglishFinder(t *testing.T, h *harness, extraNames ...string) *englishFinder {
	f := &englishFinder{t: t, vocab: englishWords(t), names: map[string]bool{}, found: map[string][]string{}}
	add := func(s string) {
		for _, w := range wordRE.FindAllString(strings.ToLower(s), -1) {
			f.names[w] = true
		}
	}
	for _, m := range h.a.engine.Catalog() {
		add(m.ID)
		add(m.Name)
		add(m.Provider)
		add(m.Family)
		if !strings.HasSuffix(m.License, " terms") {
			add(m.License) // a licence's own title (Gemma Terms of Use); "<vendor> terms" is ours and translated
		}
	}
	for _, s := range extraNames {
		add(s)
	}
	return f
}

// citedTitle is the title of a cited page after "Fonte:" / "Fontes:" up to
// the " · domain" that ends it: the page's own words, in its own language.
var citedTitle = regexp.MustCompile(`(?i)fontes?:?\s.*?(·|$)`)

// truncatedWord is a word cut short with an ellipsis to fit its space.
var truncatedWord = regexp.MustCompile(`\p{L}+…`)

// look checks one text shown at where.
func (f *englishFinder) look(where, s string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	s = citedTitle.ReplaceAllString(s, " ")
	s = truncatedWord.ReplaceAllString(s, " ") // "Primeiro to…" is "Primeiro token" cut to fit its column
	f.seen++
	for _, w := range tokens(s) {
		if f.vocab[w] && !f.names[w] {
			f.found[w] = append(f.found[w], where+": "+oneLine(s, 140))
		}
	}
}

// screen checks every text drawn on o (rendered text, entries' place
// holders, select options), o being a window's content or a dialog.
func (f *englishFinder) screen(where string, o fyne.CanvasObject) {
	if o == nil {
		return
	}
	for _, x := range test.LaidOutObjects(o) {
		switch w := x.(type) {
		case *canvas.Text:
			if w.Visible() {
				f.look(where, w.Text)
			}
		case *widget.Select:
			f.look(where+" (place holder)", w.PlaceHolder)
			for _, opt := range w.Options {
				f.look(where+" (choice)", opt)
			}
		case *widget.Entry:
			f.look(where+" (place holder)", w.PlaceHolder)
		case *widget.Hyperlink:
			f.look(where, w.Text)
		}
	}
}

// window checks the window's content and every dialog over it.
func (f *englishFinder) window(where string, h *harness) {
	h.settle()
	f.screen(where, h.a.win.Content())
	for i, o := range h.a.win.Canvas().Overlays().List() {
		f.screen(fmt.Sprintf("%s, dialog %d", where, i+1), o)
	}
}

// closeDialogs removes every dialog over the window.
func closeDialogs(h *harness) {
	for _, o := range h.a.win.Canvas().Overlays().List() {
		o.Hide()
		h.a.win.Canvas().Overlays().Remove(o)
	}
}

func (f *englishFinder) report() {
	f.t.Helper()
	if f.seen < 300 {
		f.t.Fatalf("only %d texts seen: the walk did not reach the screens", f.seen)
	}
	var ws []string
	for w := range f.found {
		ws = append(ws, w)
	}
	sort.Strings(ws)
	for _, w := range ws {
		places := f.found[w]
		f.t.Errorf("English %q in Portuguese (%d times), e.g. %s", w, len(places), places[0])
		if os.Getenv("PTBR_ALL") != "" {
			for _, p := range places[1:] {
				f.t.Logf("    also %s", p)
			}
		}
	}
}

// brazilianServer answers like an OpenAI-compatible server in Portuguese;
// the model "recusa" is refused (401), so run-time errors reach the screens.
func brazilianServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/models" {
			fmt.Fprint(w, `{"object":"list","data":[{"id":"modelo-local","object":"model"},{"id":"recusa","object":"model"}]}`)
			return
		}
		var body struct {
			Model string `json:"model"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		if body.Model == "recusa" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		for _, d := range []string{"Prazo de ", "5 dias úteis."} {
			fmt.Fprintf(w, "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":%q,\"choices\":[{\"index\":0,\"delta\":{\"content\":%q},\"finish_reason\":null}]}\n\n", body.Model, d)
			w.(http.Flusher).Flush()
		}
		fmt.Fprintf(w, "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":%q,\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":6,\"total_tokens\":36}}\n\n", body.Model)
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// lawFirm is the Brazilian product manager: a law firm's questions
// over contracts, client personal data, about R$ 2.000 a month.
var lawFirmStory = "Advogados perguntam sobre 3.000 páginas de contratos; cada resposta precisa citar a cláusula. Dados pessoais de clientes."

var lawFirm = map[string]any{
	"task": "chat_qa", "knowledge_source": "own_documents", "kb_size": "500_5000", "change_rate": "monthly",
	"citations": "required", "latency": "interactive", "sensitivity": "personal", "regulation": []any{"lgpd"},
	"residency": "country", "residency_country": "BR", "deployment": "cloud_api_ok", "team_skills": "app_developers",
	"currency": "BRL", "exchange_rate": 5.15, "exchange_rate_date": "2026-11-30", "budget_monthly_amount": 2000.0,
	"language_list": "pt-BR", "cloud_already": []any{"azure"}, "build_or_buy": "either",
}

// TestNoEnglishInPortuguese walks every screen of the app in pt-BR — the
// wizard's steps, the recommendation, the catalog and a model card, the
// settings, the live test with its editors and an import with bad rows, a run
// with errors, every results tab, the capacity screen — and every report
// format, and fails on any English word that is not a name or an accepted term.
func TestNoEnglishInPortuguese(t *testing.T) {
	h := newHarness(t, "pt-BR")
	h.a.win.Resize(fyne.NewSize(1280, 800))
	srv := brazilianServer(t)
	// Product, region and server names the advice cites as they are spelled.
	f := newEnglishFinder(t, h, "modelo-local", "recusa", "Ollama", "Brazil South", "ChatGPT Enterprise", "Claude for Work",
		"Gemini Enterprise", "Copilot Business", "Microsoft 365 Copilot", "Google Workspace")

	h.a.show(screenHome)
	f.window("Início", h)

	h.newDecision()
	w := h.a.wizard
	test.Type(w.useCase, lawFirmStory)
	f.window("Perguntas, passo 1", h)
	h.answerWizard(lawFirmStory, lawFirm)
	h.waitFor("recommendation", func() bool { return h.a.current == screenRecommendation && h.a.rec != nil && h.a.rec.rec != nil })
	if h.a.rec.rec.Currency != advisor.CurrencyBRL {
		t.Fatalf("the recommendation is in %q, want BRL", h.a.rec.rec.Currency)
	}
	f.window("Recomendação", h)
	h.a.show(screenWizard)
	for i := range advisor.Groups {
		h.a.wizard.showStep(i)
		f.window(fmt.Sprintf("Perguntas, passo %d", i+1), h)
	}

	h.a.show(screenCatalog)
	for i := 0; i < len(h.a.catalog.models) && i < 40; i++ {
		h.a.catalog.list.Select(i)
		f.window("Catálogo, ficha "+h.a.catalog.models[i].ID, h)
	}

	h.a.show(screenSettings)
	f.window("Configurações", h)

	h.a.candidates = []advisor.Endpoint{
		{Name: "modelo-local", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "modelo-local", PriceInPer1M: fptr(0.5), PriceOutPer1M: fptr(1.5)},
		{Name: "recusa", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "recusa"},
	}
	h.a.show(screenLiveTest)
	l := h.a.live
	f.window("Teste ao vivo, vazio", h)
	test.Tap(l.start) // nothing to test yet: the refusal is in Portuguese
	f.window("Teste ao vivo, sem exemplos", h)
	closeDialogs(h)
	l.editEndpoint(0)
	f.window("Editor de conexão", h)
	closeDialogs(h)
	l.editCase(-1)
	test.Tap(overlayButton(t, h, "Salvar"))
	f.window("Editor de exemplo, recusa", h)
	closeDialogs(h)
	l.onAddExample()
	test.Tap(overlayButton(t, h, "Salvar"))
	f.window("Editor de exemplo resolvido, recusa", h)
	closeDialogs(h)
	csvPath := filepath.Join(t.TempDir(), "exemplos.csv")
	os.WriteFile(csvPath, []byte("pergunta;resposta;verificações\nQual o prazo de entrega?;5 dias úteis;contains\n;sem pergunta;contains\nPosso trocar?;sim;leitura-de-mente\n\"Aspas sem fim;x;contains\n"), 0o600)
	l.importFile(csvPath)
	h.waitFor("preview", func() bool { return l.preview != nil })
	f.window("Importar exemplos, prévia", h)
	closeDialogs(h)
	l.preview = nil
	for i := 0; i < 5; i++ {
		l.addCases(advisor.Case{Input: fmt.Sprintf("Qual o prazo de entrega do pedido %d?", i+1), Expected: "dias úteis"})
	}
	l.strategies.SetSelected([]string{advisor.StrategyZeroShot})
	f.window("Teste ao vivo, pronto", h)
	l.scroll.ScrollToBottom()
	f.window("Teste ao vivo, como testar", h)
	test.Tap(l.start)
	h.waitFor("run finished", func() bool { return h.a.run != nil && h.a.run.finished })
	if h.a.run.errCount == 0 {
		t.Fatal("the refused model made no errors: the walk would not see run-time errors")
	}
	f.window("Execução", h)
	test.Tap(h.a.run.results)
	h.waitFor("results", func() bool { return h.a.results != nil && h.a.results.loaded })
	rs := h.a.results
	for i := range rs.tabs.Items {
		rs.tabs.SelectIndex(i)
		f.window("Resultados, aba "+rs.tabs.Items[i].Text, h)
	}

	// Every report format, as the export buttons write them.
	in := rs.input(rs.results)
	for _, format := range []string{formatHTML, formatCSV, "csv-excel"} {
		var b bytes.Buffer
		if err := writeExport(&b, format, in); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		text := b.String()
		switch format {
		case formatHTML:
			text = regexp.MustCompile(`(?s)<style.*?</style>|<script.*?</script>|<[^>]*>|data:[^"']+`).ReplaceAllString(text, " ")
			for _, line := range strings.Split(text, "\n") {
				f.look("relatório HTML", line)
			}
		default:
			// The raw columns are the contract's field names (result_id,
			// ttft_ms, cost_usd), which scripts and spreadsheets key on in
			// every language: code, not prose. They stay, and nothing else
			// in the header may be words.
			header, _, _ := strings.Cut(strings.TrimPrefix(text, "\ufeff"), "\n")
			for _, col := range strings.FieldsFunc(header, func(r rune) bool { return r == ',' || r == ';' }) {
				if !regexp.MustCompile(`^[a-z0-9_]+$`).MatchString(strings.TrimSpace(col)) {
					t.Errorf("%s header: %q is not a contract field name", format, col)
				}
			}
		}
	}
	dir := t.TempDir()
	mdFile, err := report.WriteMarkdown(dir, "relatorio", in)
	if err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(mdFile)
	for _, line := range strings.Split(regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)`).ReplaceAllString(string(md), " "), "\n") {
		f.look("relatório Markdown", line)
	}
	var pdf bytes.Buffer
	if err := writeExport(&pdf, formatPDF, in); err != nil {
		t.Fatal(err)
	}
	pdfPath := filepath.Join(dir, "relatorio.pdf")
	os.WriteFile(pdfPath, pdf.Bytes(), 0o600)
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", pdfPath, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils, installed by make deps): %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		f.look("relatório PDF", line)
	}
	h.a.show(screenHome)
	h.waitFor("decisions", func() bool { return h.a.home.loaded })
	f.window("Início com decisão", h)
	f.report()
}

func fptr(v float64) *float64 { return &v }
