package livetest

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

func importPF(t *testing.T, dir string) PromptfooImport {
	t.Helper()
	im, err := ImportPromptfoo(filepath.Join("testdata", "promptfoo", dir, "promptfooconfig.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return im
}

func hasNote(notes []string, parts ...string) bool {
	for _, n := range notes {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(n, p)
		}
		if ok {
			return true
		}
	}
	return false
}

func TestImportPromptfooGettingStarted(t *testing.T) {
	im := importPF(t, "getting-started")
	p := im.Plan
	if p.Name != "Capital cities and tone" {
		t.Errorf("name %q", p.Name)
	}
	// Two openai endpoints; anthropic has no counterpart and is noted.
	if len(p.Endpoints) != 2 || p.Endpoints[0].Model != "gpt-4o-mini" || p.Endpoints[0].Kind != advisor.KindOpenAI ||
		p.Endpoints[1].Name != "gpt-4o-precise" || p.Endpoints[1].Model != "gpt-4o" || p.Endpoints[0].APIKeyEnv != "OPENAI_API_KEY" {
		t.Errorf("endpoints %+v", p.Endpoints)
	}
	if p.MaxTokens != 64 || p.Temperature != 0 {
		t.Errorf("max_tokens %d temperature %v", p.MaxTokens, p.Temperature)
	}
	// Two prompts: one case set per prompt, three tests each.
	if len(p.Cases) != 0 || len(p.CaseSets) != 2 || p.CaseSets[1].Name != "pirate" {
		t.Fatalf("cases %d sets %+v", len(p.Cases), p.CaseSets)
	}
	first, pirate := p.CaseSets[0].Cases, p.CaseSets[1].Cases
	if len(first) != 3 || first[0].Input != "Answer in one word: what is the capital of France?" ||
		pirate[2].Input != "Respond like a pirate. What is the capital of Brazil?" {
		t.Errorf("inputs %q / %q", first[0].Input, pirate[2].Input)
	}
	if first[0].Expected != "paris" || first[0].Checks[0] != advisor.CheckContains {
		t.Errorf("icontains → %+v", first[0])
	}
	if first[2].Expected != "Brasília" || first[2].Checks[0] != advisor.CheckExact {
		t.Errorf("equals → %+v", first[2])
	}
	for _, want := range [][]string{
		{"anthropic:messages:claude-sonnet-4-5-20250929", "left out"},
		{"assert javascript", "no counterpart"},
		{"assert not-contains", "cannot be negated"},
		{"assert latency"},
	} {
		if !hasNote(im.Notes, want...) {
			t.Errorf("no note with %q in %q", want, im.Notes)
		}
	}
}

func TestImportPromptfooCSV(t *testing.T) {
	im := importPF(t, "csv-translate")
	p := im.Plan
	if len(p.Endpoints) != 2 {
		t.Fatalf("endpoints %+v", p.Endpoints)
	}
	for i, ep := range p.Endpoints {
		if ep.Kind != advisor.KindCompatible || ep.BaseURL != "http://localhost:11434/v1" {
			t.Errorf("endpoint %d %+v", i, ep)
		}
	}
	if p.Endpoints[0].Model != "llama3.2" || p.Endpoints[1].Model != "qwen2.5:7b" {
		t.Errorf("models %q %q", p.Endpoints[0].Model, p.Endpoints[1].Model)
	}
	if p.Temperature != 0.2 || p.MaxTokens != 128 {
		t.Errorf("temperature %v max_tokens %d", p.Temperature, p.MaxTokens)
	}
	if len(p.Cases) != 7 {
		t.Fatalf("%d cases, want 7 (one per CSV row)", len(p.Cases))
	}
	c := p.Cases
	if !strings.Contains(c[0].Input, "to Portuguese") || !strings.HasSuffix(c[0].Input, "Text: Good morning") {
		t.Errorf("input %q", c[0].Input)
	}
	check := func(i int, check, expected string) {
		t.Helper()
		if len(c[i].Checks) == 0 || c[i].Checks[0] != check {
			t.Errorf("case %d checks %v, want %s", i, c[i].Checks, check)
		}
		if expected != "" && c[i].Expected != expected && c[i].Pattern != expected && c[i].Rubric != expected {
			t.Errorf("case %d %+v, want %q", i, c[i], expected)
		}
	}
	check(0, advisor.CheckContains, "bom dia")
	check(1, advisor.CheckContains, "obrigad")
	check(2, advisor.CheckRegex, "(?i)onde (fica|está) a estação")
	check(3, advisor.CheckExact, "Olá")
	check(4, advisor.CheckSimilarity, "Eu te amo")
	check(5, advisor.CheckJudge, "is a natural Brazilian Portuguese farewell")
	if len(c[6].Checks) != 0 {
		t.Errorf("the javascript row got checks %v", c[6].Checks)
	}
	if p.SimilarityThreshold != 0.75 {
		t.Errorf("threshold %v", p.SimilarityThreshold)
	}
	if p.Judge == nil || p.Judge.Model != "llama3.2" || p.Embedding == nil {
		t.Errorf("judge %+v embedding %+v", p.Judge, p.Embedding)
	}
	if !hasNote(im.Notes, "not-contains", "negated") || !hasNote(im.Notes, "javascript") || !hasNote(im.Notes, "judge endpoint") {
		t.Errorf("notes %q", im.Notes)
	}
}

func TestImportPromptfooAzureChatAndYAMLTests(t *testing.T) {
	im := importPF(t, "azure-chat")
	p := im.Plan
	if len(p.Endpoints) != 1 {
		t.Fatalf("endpoints %+v", p.Endpoints)
	}
	ep := p.Endpoints[0]
	if ep.Kind != advisor.KindAzure || ep.Deployment != "gpt-4o-mini-deploy" || ep.BaseURL != "https://contoso-ai.openai.azure.com" ||
		ep.APIVersion != "2024-10-21" || ep.Name != "azure-mini" || ep.APIKeyEnv != "AZURE_API_KEY" {
		t.Errorf("azure endpoint %+v", ep)
	}
	if p.System != "You extract invoice fields as JSON. Amounts are in BRL." {
		// defaultTest's var fills the chat prompt's system message, the same for every case.
		t.Errorf("system %q", p.System)
	}
	if len(p.Cases) != 2 || !strings.Contains(p.Cases[0].Input, "Invoice 1042") {
		t.Fatalf("cases %+v", p.Cases)
	}
	c0 := p.Cases[0]
	if len(c0.Checks) != 2 || c0.Checks[0] != advisor.CheckJSON || !strings.Contains(c0.Schema, `"required":["total","due_date"]`) || c0.Pattern != "2026-12-15" {
		t.Errorf("case 0 %+v", c0)
	}
	if p.Judge == nil || p.Judge.Deployment != "gpt-4o-grader" || p.Judge.Kind != advisor.KindAzure {
		t.Errorf("judge from defaultTest.options.provider: %+v", p.Judge)
	}
	if !hasNote(im.Notes, "vertex:gemini-2.0-flash") || !hasNote(im.Notes, "apiKey", "not copied") || !hasNote(im.Notes, "contains-json") {
		t.Errorf("notes %q", im.Notes)
	}
	out, err := PlanYAML(p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "replace-me") {
		t.Error("the config's apiKey reached the plan")
	}
}

func TestImportPromptfooBadInputNamesTheField(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct{ config, field string }{
		"no providers":     {"prompts: ['hi {{x}}']\ntests: [{vars: {x: 1}}]\n", "providers"},
		"no prompts":       {"providers: [openai:gpt-4o]\n", "prompts"},
		"only unsupported": {"prompts: [hi]\nproviders: [bedrock:claude]\n", "providers"},
		"missing file":     {"prompts: [hi]\nproviders: [openai:gpt-4o]\ntests: file://nope.csv\n", "tests"},
		"azure no host":    {"prompts: [hi]\nproviders: [azureopenai:chat:dep]\n", "providers[0].config.apiHost"},
		"assert no type":   {"prompts: [hi]\nproviders: [openai:gpt-4o]\ntests: [{assert: [{value: x}]}]\n", "tests[0].assert[0].type"},
	}
	t.Setenv("AZURE_API_HOST", "")
	t.Setenv("AZURE_OPENAI_API_HOST", "")
	for name, tc := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".yaml")
		if err := os.WriteFile(path, []byte(tc.config), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := ImportPromptfoo(path)
		var pe *PlanError
		if !errors.As(err, &pe) || pe.Field != tc.field {
			t.Errorf("%s: error %v, want one naming %s", name, err, tc.field)
		}
	}
	// A file over the limit is refused by size.
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte("description: '"+strings.Repeat("x", MaxPromptfooConfig)+"'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ImportPromptfoo(big); err == nil || !strings.Contains(err.Error(), "MB") {
		t.Errorf("oversized config: %v", err)
	}
}

// The imported plan is written as YAML, read back by LoadPlan and run
// against an OpenAI-compatible server; the server's answers decide each
// check, so the figures are known.
func TestImportedPromptfooPlanRuns(t *testing.T) {
	answers := map[string]string{
		"Good morning": "Bom dia!", "Thank you very much": "Muito obrigado", "Where is the station?": "Onde fica a estação?",
		"Hello": "Oi", "I love you": "Eu te amo", "See you tomorrow": "Até amanhã", "One two three": "Um dois três",
	}
	var mu = make(chan struct{}, 1)
	chats := 0
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/embeddings":
			// Equal vectors: cosine 1 for every pair.
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1,0]},{"object":"embedding","index":1,"embedding":[1,0]}],"model":"e","usage":{"prompt_tokens":2,"total_tokens":2}}`))
			return
		case "/v1/chat/completions":
		default:
			http.NotFound(w, r)
			return
		}
		body := decodeBody(t, r)
		msgs := body["messages"].([]any)
		last := msgs[len(msgs)-1].(map[string]any)["content"].(string)
		mu <- struct{}{}
		chats++
		<-mu
		if strings.Contains(last, "rubric") || strings.Contains(last, "Rubric") {
			sse(w, chunk(`{"score": 1, "reason": "fine"}`, "stop"))
			return
		}
		for in, out := range answers {
			if strings.HasSuffix(last, "Text: "+in) {
				sse(w, chunk(out, "stop"))
				return
			}
		}
		sse(w, chunk("?", "stop"))
	}))
	dir := t.TempDir()
	src := filepath.Join("testdata", "promptfoo", "csv-translate")
	for _, f := range []string{"promptfooconfig.yaml", "tests.csv", "prompts/translate.txt"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		b = []byte(strings.ReplaceAll(string(b), "http://localhost:11434", srv.URL))
		os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o700)
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("OLLAMA_BASE_URL", srv.URL)
	im, err := ImportPromptfoo(filepath.Join(dir, "promptfooconfig.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := PlanYAML(im.Plan)
	if err != nil {
		t.Fatal(err)
	}
	planPath := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(planPath, out, 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadPlan(planPath)
	if err != nil {
		t.Fatalf("the imported plan does not load: %v\n%s", err, out)
	}
	sink := &memSink{}
	opt, _ := testOptions(sink)
	prog, err := Run(context.Background(), p, 1, opt)
	if err != nil {
		t.Fatal(err)
	}
	rs := sink.all()
	if prog.Done != 14 || len(rs) != 14 {
		t.Fatalf("done %d, %d results; want 7 cases × 2 endpoints = 14", prog.Done, len(rs))
	}
	// Per endpoint: bom dia ✓, obrigad ✓, regex ✓, "Oi" ≠ "Olá" ✗,
	// similar (cosine 1) ✓, judge (score 1) ✓, no checks ✓ → 6 of 7 pass.
	passed := map[string]int{}
	for _, r := range rs {
		if r.ErrorClass != "" {
			t.Errorf("%s case %d: %s %s", r.Endpoint, r.Case, r.ErrorClass, r.ErrorMessage)
		}
		if r.Passed {
			passed[r.Endpoint]++
		}
		if r.Case == 3 && r.Passed {
			t.Errorf("%s: 'Oi' passed the equals check against 'Olá'", r.Endpoint)
		}
	}
	if passed["llama3.2"] != 6 || passed["qwen2.5:7b"] != 6 {
		t.Errorf("passed %v, want 6 each", passed)
	}
	// 14 answers and 2 judge calls.
	if chats != 16 {
		t.Errorf("%d chat requests, want 16", chats)
	}
}

// Every note has its Portuguese form, with the same arguments.
func TestPromptfooNotesInPortuguese(t *testing.T) {
	for _, dir := range []string{"getting-started", "csv-translate", "azure-chat"} {
		im := importPF(t, dir)
		pt := im.NotesIn("pt-BR")
		if len(pt) != len(im.Notes) {
			t.Fatalf("%s: %d notes, %d in Portuguese", dir, len(im.Notes), len(pt))
		}
		for i, n := range pt {
			if n == im.Notes[i] {
				t.Errorf("%s: note %q has no Portuguese form", dir, n)
			}
		}
	}
	for en, pt := range pfNotesPT {
		if strings.Count(en, "%") != strings.Count(pt, "%") {
			t.Errorf("%q and %q take different arguments", en, pt)
		}
	}
}
