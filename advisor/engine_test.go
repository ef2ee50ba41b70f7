package advisor

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/llm-advisor/llm-advisor/assets"
)

func recommend(t *testing.T, e *Engine, kv ...string) *Recommendation {
	t.Helper()
	rec, err := e.Recommend(ans(t, kv...), LangEN)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// A HARD residency rule beats cost: cheaper models without an EU deployment
// stay off the shortlist even on a tiny budget.
func TestResidencyBeatsCost(t *testing.T) {
	e := newTestEngine(t)
	rec := recommend(t, e, "task", "chat_qa", "residency", "eu", "budget_monthly", "lt_100", "team_skills", "app_developers")
	if rec.Model.Hosting != HostingManaged {
		t.Fatalf("hosting %s", rec.Model.Hosting)
	}
	if len(rec.Shortlist) == 0 {
		t.Fatal("empty shortlist")
	}
	for _, s := range rec.Shortlist {
		m, _ := e.Model(s.ID)
		if !contains(m.Regions, "eu") {
			t.Errorf("%s has no EU deployment but is shortlisted", s.ID)
		}
	}
	// Without the residency rule a cheaper non-EU model may appear.
	free := recommend(t, e, "task", "chat_qa", "residency", "any", "budget_monthly", "lt_100", "team_skills", "app_developers")
	if free.Shortlist[0].MonthlyCostUSD > rec.Shortlist[0].MonthlyCostUSD {
		t.Errorf("the EU filter made the cheapest option cheaper: %v vs %v", free.Shortlist[0], rec.Shortlist[0])
	}
}

// Changing facts → RAG, never fine-tuning as the main step, even with
// examples that would justify fine-tuning for format (C11, S5, C3).
func TestChangingFactsNeverFineTuningPrimary(t *testing.T) {
	e := newTestEngine(t)
	for _, rate := range []string{"monthly", "weekly", "daily_or_live"} {
		rec := recommend(t, e, "task", "chat_qa", "knowledge_source", "own_documents", "kb_size", "500_5000",
			"change_rate", rate, "output_format", "brand_voice", "labeled_examples", "gt_10k", "eval_set", "yes")
		if rec.Strategy.Primary != StepRAG {
			t.Errorf("%s: primary %s, want rag", rate, rec.Strategy.Primary)
		}
		if !contains(rec.Strategy.Plan, StepRAG) {
			t.Errorf("%s: plan %v lacks rag", rate, rec.Strategy.Plan)
		}
		if !firedIDs(rec)["C11"] {
			t.Errorf("%s: the modern correction C11 did not fire", rate)
		}
	}
}

// Citations required keeps RAG, even when fine-tuning is planned (S6, C4).
func TestCitationsKeepRAG(t *testing.T) {
	e := newTestEngine(t)
	rec := recommend(t, e, "task", "chat_qa", "knowledge_source", "own_documents", "kb_size", "lt_50_pages",
		"citations", "required", "output_format", "template_or_json", "labeled_examples", "500_10k", "change_rate", "never")
	if rec.Strategy.Primary != StepRAG || !contains(rec.Strategy.Plan, StepRAG) {
		t.Errorf("strategy %+v, want rag primary", rec.Strategy)
	}
	if !contains(rec.Strategy.Plan, StepFineTuning) {
		t.Errorf("plan %v: fine-tuning for the format should stay as a later step", rec.Strategy.Plan)
	}
	if len(rec.Conflicts) == 0 || rec.Conflicts[0].ID == "" {
		t.Errorf("want the C4 conflict, got %+v", rec.Conflicts)
	}
}

// Training only behind S16's real preconditions.
func TestTrainingOnlyBehindItsGate(t *testing.T) {
	e := newTestEngine(t)
	rec := recommend(t, e, "task", "chat_qa", "domain_corpus", "huge", "team_skills", "app_developers", "budget_build", "gt_10k")
	if contains(rec.Strategy.Plan, StepTraining) {
		t.Errorf("training without budget or team: plan %v", rec.Strategy.Plan)
	}
	if !firedIDs(rec)["C6"] || len(rec.Conflicts) == 0 {
		t.Errorf("want conflict C6, fired %v", rec.Fired)
	}
	rec = recommend(t, e, "task", "chat_qa", "domain_corpus", "huge", "team_skills", "ml_and_ops", "budget_build", "gt_1m")
	if !contains(rec.Strategy.Plan, StepTraining) || rec.Strategy.Plan[0] == StepTraining {
		t.Errorf("all preconditions hold: plan %v should end with training", rec.Strategy.Plan)
	}
}

// Offline: no API model anywhere on the shortlist.
func TestOfflineShortlistIsLocal(t *testing.T) {
	e := newTestEngine(t)
	for _, task := range []string{"chat_qa", "speech_to_text", "search_similar", "text_to_image", "code"} {
		rec := recommend(t, e, "task", task, "deployment", "offline", "hardware", "gpu_24gb")
		if rec.Model.Weights != WeightsOpen || rec.Model.Hosting == HostingManaged {
			t.Errorf("%s: model %+v", task, rec.Model)
		}
		if len(rec.Shortlist) == 0 {
			t.Errorf("%s: empty shortlist", task)
		}
		all := rec.Shortlist
		for _, as := range rec.AlsoShortlist {
			all = append(all, as.Shortlist...)
		}
		for _, s := range all {
			m, _ := e.Model(s.ID)
			if m.Weights != WeightsOpen || !selfHostable(m) || m.MinMemoryGB > 24 {
				t.Errorf("%s: %s cannot run offline on 24 GB", task, s.ID)
			}
			if s.MonthlyCostUSD != 0 || !s.SelfHosted {
				t.Errorf("%s: %s self-hosted should have no API cost: %+v", task, s.ID, s)
			}
		}
	}
}

func TestHIPAAKeepsOnlyBAAModels(t *testing.T) {
	e := newTestEngine(t)
	rec := recommend(t, e, "task", "summarize", "regulation", "hipaa", "team_skills", "app_developers")
	for _, s := range rec.Shortlist {
		if m, _ := e.Model(s.ID); !m.BAA {
			t.Errorf("%s has no BAA", s.ID)
		}
	}
	if len(rec.Shortlist) == 0 {
		t.Error("empty shortlist")
	}
}

func TestCommercialLicenceFilter(t *testing.T) {
	e := newTestEngine(t)
	rec := recommend(t, e, "task", "translate", "deployment", "own_servers", "labeled_examples", "gt_10k", "license_needs", "commercial_product")
	if rec.Model.Type != TypeEncoderDecoder {
		t.Fatalf("type %s", rec.Model.Type)
	}
	for _, s := range rec.Shortlist {
		if strings.Contains(s.ID, "nllb") {
			t.Errorf("non-commercial %s shortlisted for a commercial product", s.ID)
		}
	}
	// Internal use is business use (issue 12): a non-commercial licence is
	// left out there too, and the user is told so.
	rec = recommend(t, e, "task", "translate", "deployment", "own_servers", "labeled_examples", "gt_10k", "license_needs", "internal_use")
	for _, s := range rec.Shortlist {
		if strings.Contains(s.ID, "nllb") {
			t.Errorf("non-commercial %s shortlisted for internal (business) use", s.ID)
		}
	}
	if !strings.Contains(strings.Join(rec.Warnings, " "), "NLLB") {
		t.Errorf("no note that NLLB was left out: %v", rec.Warnings)
	}
}

func TestShutDownNeverShortlistedRetiringWarned(t *testing.T) {
	e := newTestEngine(t)
	rec := recommend(t, e, "task", "text_to_image", "team_skills", "app_developers")
	for _, s := range rec.Shortlist {
		if m, _ := e.Model(s.ID); m.Status == StatusShutDown {
			t.Errorf("shut-down model %s shortlisted", s.ID)
		}
	}
	rec = recommend(t, e, "task", "chat_qa", "team_skills", "app_developers")
	for _, s := range rec.Shortlist {
		m, _ := e.Model(s.ID)
		if m.Status != StatusRetiring {
			continue
		}
		warned := false
		for _, w := range rec.Warnings {
			warned = warned || strings.Contains(w, m.Name) && strings.Contains(w, m.ShutdownDate)
		}
		if !warned {
			t.Errorf("retiring %s shortlisted without a warning", s.ID)
		}
	}
}

func TestShortlistRankedByCost(t *testing.T) {
	e := newTestEngine(t)
	rec := recommend(t, e, "task", "chat_qa", "team_skills", "app_developers", "volume", "10k_1m")
	if len(rec.Shortlist) < 2 {
		t.Fatalf("shortlist %v", rec.Shortlist)
	}
	for i := 1; i < len(rec.Shortlist); i++ {
		a, b := rec.Shortlist[i-1], rec.Shortlist[i]
		if a.CostKnown && b.CostKnown && a.MonthlyCostUSD > b.MonthlyCostUSD {
			t.Errorf("%s (%v) ranked before cheaper %s (%v)", a.ID, a.MonthlyCostUSD, b.ID, b.MonthlyCostUSD)
		}
	}
	for _, s := range rec.Shortlist {
		m, _ := e.Model(s.ID)
		if want, ok := EstimateMonthlyCost(m, ans(t, "task", "chat_qa", "team_skills", "app_developers", "volume", "10k_1m")); ok && want != s.MonthlyCostUSD {
			t.Errorf("%s: shortlist cost %v, EstimateMonthlyCost %v", s.ID, s.MonthlyCostUSD, want)
		}
	}
	if !strings.Contains(rec.CostAssumptions, "1,500,000 requests a month") {
		t.Errorf("cost assumptions do not state the volume: %s", rec.CostAssumptions)
	}
}

func TestEstimateMonthlyCost(t *testing.T) {
	m := Model{ID: "x", Type: TypeTextLLM, Weights: WeightsProprietary, Hosting: []string{HostingManaged}, PriceInPer1M: 1, PriceOutPer1M: 2}
	a := ans(t, "task", "chat_qa", "volume", "100_10k", "input_length", "short")
	// 1,000 a day × 30 = 30,000 requests; 500 system + 500 input tokens; 500 output.
	want := 30000 * (1000*1.0 + 500*2.0) / 1e6
	if got, ok := EstimateMonthlyCost(m, a); !ok || got != want {
		t.Errorf("got %v %v, want %v", got, ok, want)
	}
	a.Latency = "batch_overnight"
	if got, _ := EstimateMonthlyCost(m, a); got != want/2 {
		t.Errorf("batch: got %v, want %v", got, want/2)
	}
	a.Latency = ""
	a.KnowledgeSource = "own_documents" // adds 2,000 retrieved tokens
	if got, _ := EstimateMonthlyCost(m, a); got != 30000*(3000*1.0+500*2.0)/1e6 {
		t.Errorf("rag: got %v", got)
	}
	asr := Model{Type: TypeSpeechToText, Weights: WeightsProprietary, Hosting: []string{HostingManaged}, PriceUnit: PriceMinute, PricePerUnit: 0.006}
	if got, ok := EstimateMonthlyCost(asr, ans(t, "volume", "lt_100")); !ok || got != 1500*5*0.006 {
		t.Errorf("per minute: got %v %v", got, ok)
	}
	open := Model{Type: TypeTextLLM, Weights: WeightsOpen, Hosting: []string{HostingManaged, HostingSelfHosted}, PriceInPer1M: 1}
	if got, ok := EstimateMonthlyCost(open, ans(t, "deployment", "own_servers")); !ok || got != 0 {
		t.Errorf("self-hosted: got %v %v", got, ok)
	}
	unpriced := Model{Type: TypeTextLLM, Weights: WeightsProprietary, Hosting: []string{HostingManaged}}
	if _, ok := EstimateMonthlyCost(unpriced, Answers{}); ok {
		t.Error("a model without a price must not claim a cost")
	}
}

func TestAssumptionsListedForUnknownAnswers(t *testing.T) {
	e := newTestEngine(t)
	rec, err := e.Recommend(Answers{}, LangEN)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Assumptions) < 10 {
		t.Fatalf("only %d assumptions for empty answers", len(rec.Assumptions))
	}
	joined := strings.Join(rec.Assumptions, "\n")
	for _, want := range []string{"personal data", "cloud service is allowed", "none yet", "test set"} {
		if !strings.Contains(joined, want) {
			t.Errorf("assumptions lack %q:\n%s", want, joined)
		}
	}
	// Conservative: unknown sensitivity is treated as personal data (H1 fires).
	if !firedIDs(rec)["H1"] {
		t.Error("unknown sensitivity should be treated as personal data")
	}
	// A given answer is never overridden or listed.
	rec2 := recommend(t, e, "sensitivity", "public", "eval_set", "yes")
	if strings.Contains(strings.Join(rec2.Assumptions, "\n"), "personal data") || firedIDs(rec2)["S18"] {
		t.Errorf("answered keys were assumed: %v", rec2.Assumptions)
	}
	// Deployment assumption depends on residency: on-premises data → own servers.
	rec3 := recommend(t, e, "residency", "on_prem_only")
	if rec3.Model.Hosting == HostingManaged {
		t.Errorf("on-prem residency with unknown deployment gave %s", rec3.Model.Hosting)
	}
}

func TestPortugueseTexts(t *testing.T) {
	e := newTestEngine(t)
	a := ans(t, "task", "chat_qa", "knowledge_source", "own_documents")
	en, _ := e.Recommend(a, LangEN)
	pt, err := e.Recommend(a, "pt_BR")
	if err != nil {
		t.Fatal(err)
	}
	if pt.Lang != LangPT || en.Lang != LangEN {
		t.Fatalf("langs %s %s", en.Lang, pt.Lang)
	}
	if len(pt.Fired) != len(en.Fired) || pt.Fired[0].Because == en.Fired[0].Because {
		t.Error("pt-BR fired reasons should be translated")
	}
	all := strings.Join(pt.Assumptions, " ") + pt.CostAssumptions
	for _, f := range pt.Fired {
		all += f.Because
	}
	for _, accented := range []string{"ç", "ã", "é"} {
		if !strings.Contains(all, accented) {
			t.Errorf("pt-BR texts have no %q: accents missing?", accented)
		}
	}
}

func TestJSONSlicesNeverNull(t *testing.T) {
	e := newTestEngine(t)
	rec := recommend(t, e, "task", "write", "sensitivity", "public", "knowledge_source", "general_only")
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "null") {
		t.Errorf("JSON has null: %s", b)
	}
	var back map[string]any
	json.Unmarshal(b, &back)
	for _, k := range []string{"model", "strategy", "also", "shortlist", "fired", "warnings", "conflicts", "assumptions"} {
		if _, ok := back[k]; !ok {
			t.Errorf("missing %s", k)
		}
	}
	for _, f := range rec.Fired {
		if f.Because == "" || f.Source == "" || f.Strength == "" {
			t.Errorf("fired entry incomplete: %+v", f)
		}
	}
	if len(rec.Steps) != len(rec.Strategy.Plan) {
		t.Errorf("steps %d for plan %v", len(rec.Steps), rec.Strategy.Plan)
	}
}

func TestRecommendRejectsBadAnswers(t *testing.T) {
	e := newTestEngine(t)
	_, err := e.Recommend(Answers{Volume: "lots"}, LangEN)
	var ae *AnswerError
	if !errors.As(err, &ae) || ae.Key != "volume" {
		t.Fatalf("got %v", err)
	}
}

func TestParseAnswersErrors(t *testing.T) {
	_, err := ParseAnswersBytes([]byte(`{"task":"chat_qa","colour":"blue"}`))
	if err == nil || !strings.Contains(err.Error(), `"colour"`) || !strings.Contains(err.Error(), "knowledge_source") {
		t.Errorf("unknown key: %v", err)
	}
	_, err = ParseAnswersBytes([]byte(`{"latency":"fast"}`))
	if err == nil || !strings.Contains(err.Error(), `"latency"`) || !strings.Contains(err.Error(), "instant, interactive, minutes_ok, batch_overnight") {
		t.Errorf("unknown value: %v", err)
	}
}

// --- loading, user files, errors ---

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const userRuleOK = `rules:
  - id: U1
    stage: 7
    precedence: 8
    strength: soft
    title: {en: "Our house rule", pt-BR: "Nossa regra da casa"}
    reason: {en: "We always log prompts.", pt-BR: "Sempre registramos os prompts."}
    when: 'task == "write"'
    effect: {warn: true}
    source: [https://example.com/policy]
  - id: S17
    stage: 7
    precedence: 1
    strength: strong
    title: {en: "Our stricter review", pt-BR: "Nossa revisão mais rígida"}
    reason: {en: "Every answer is reviewed by two people.", pt-BR: "Toda resposta é revisada por duas pessoas."}
    when: 'error_cost != "trivial"'
    effect: {warn: true}
    source: [https://example.com/review]
  - id: H6
    disabled: true
`

func TestUserRulesOverrideAndAdd(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "rules.yaml", userRuleOK)
	e, err := NewEngine(WithUserDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Problems()) != 0 {
		t.Fatalf("problems: %v", e.Problems())
	}
	rec := recommend(t, e, "task", "write", "error_cost", "annoying", "latency", "batch_overnight")
	ids := firedIDs(rec)
	if !ids["U1"] || !ids["S17"] || ids["H6"] {
		t.Errorf("fired %v: want U1 and the user's S17, not the disabled H6", rec.Fired)
	}
	for _, f := range rec.Fired {
		if f.ID == "S17" && !strings.Contains(f.Because, "two people") {
			t.Errorf("S17 not replaced: %s", f.Because)
		}
	}
}

func TestBrokenUserFileKeepsBuiltins(t *testing.T) {
	cases := []struct {
		name, body, id string
		line           int
		msg            string
	}{
		{"type error", strings.Replace(userRuleOK, `'task == "write"'`, `'atLeast(volume, 3)'`, 1), "U1", 8, "when"},
		{"unknown name", strings.Replace(userRuleOK, `'task == "write"'`, `'taks == "write"'`, 1), "U1", 8, "unknown name taks"},
		{"not a bool", strings.Replace(userRuleOK, `'task == "write"'`, `'task'`, 1), "U1", 8, "bool"},
		{"unknown key", strings.Replace(userRuleOK, "effect: {warn: true}\n    source: [https://example.com/policy]", "effect: {warn: true, colour: red}\n    source: [https://example.com/policy]", 1), "U1", 9, `unknown key "colour"`},
		{"bad strength", strings.Replace(userRuleOK, "strength: strong", "strength: mighty", 1), "S17", 14, "strength"},
		{"bad relax value", userRuleOK + `  - id: U2
    stage: 7
    precedence: 8
    strength: soft
    title: {en: "x", pt-BR: "x"}
    reason: {en: "x", pt-BR: "x"}
    when: 'true'
    effect:
      conflict:
        between: [{en: a, pt-BR: a}, {en: b, pt-BR: b}]
        relaxation: {en: r, pt-BR: r}
        relax: {latency: slowly}
    source: [https://example.com]
`, "U2", 33, "latency"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeFile(t, dir, "rules.yaml", c.body)
			e, err := NewEngine(WithUserDir(dir))
			if err != nil || e == nil {
				t.Fatalf("a broken user file must not stop the engine: %v", err)
			}
			probs := e.Problems()
			if len(probs) != 1 {
				t.Fatalf("problems %v", probs)
			}
			var le *LoadError
			if !errors.As(probs[0], &le) {
				t.Fatalf("not a LoadError: %v", probs[0])
			}
			if le.File != p || le.ID != c.id || le.Line != c.line || !strings.Contains(le.Error(), c.msg) {
				t.Errorf("got %q (file %s line %d id %s), want %s line %d id %s containing %q", le.Error(), le.File, le.Line, le.ID, p, c.line, c.id, c.msg)
			}
			if !strings.Contains(le.Error(), p+":") || !strings.Contains(le.Error(), "rule "+c.id) {
				t.Errorf("message lacks file:line or rule id: %s", le.Error())
			}
			// The built-ins keep working and the broken file is left out.
			rec := recommend(t, e, "task", "write")
			if firedIDs(rec)["U1"] || len(rec.Fired) == 0 {
				t.Errorf("fired %v", rec.Fired)
			}
		})
	}
}

func TestBrokenBuiltinsFail(t *testing.T) {
	rules := fstest.MapFS{"r/a.yaml": {Data: []byte("rules:\n  - id: X1\n    when: 'nope('\n")}}
	if _, err := NewEngine(WithUserDir(""), WithBuiltins(rules, "r", assets.Catalog, "catalog")); err == nil {
		t.Error("broken built-in rules must fail NewEngine")
	}
	dup := fstest.MapFS{"r/a.yaml": {Data: []byte(userRuleOK)}, "r/b.yaml": {Data: []byte(userRuleOK)}}
	if _, err := NewEngine(WithUserDir(""), WithBuiltins(dup, "r", assets.Catalog, "catalog")); err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Errorf("duplicate ids: %v", err)
	}
}

const userModel = `models:
  - id: my-local-model
    name: My local model
    provider: Us
    type: text-llm
    architecture: decoder-only
    weights: open
    license: Apache-2.0
    tasks: [chat_qa]
    modalities_in: [text]
    modalities_out: [text]
    size_tier: small
    price_as_of: "2026-11-01"
    hosting: [self-hosted]
    min_memory_gb: 4
    status: active
    description: test
    source: https://example.com
`

func TestUserCatalog(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "catalog.yaml", userModel)
	e, err := NewEngine(WithUserDir(dir))
	if err != nil || len(e.Problems()) > 0 {
		t.Fatal(err, e.Problems())
	}
	if _, ok := e.Model("my-local-model"); !ok {
		t.Fatal("user model not added")
	}
	rec := recommend(t, e, "task", "chat_qa", "deployment", "own_servers", "hardware", "laptop_16gb", "reasoning", "simple")
	found := false
	for _, s := range rec.Shortlist {
		found = found || s.ID == "my-local-model"
	}
	if !found {
		t.Errorf("user model not shortlisted: %v", rec.Shortlist)
	}

	bad := strings.Replace(userModel, `price_as_of: "2026-11-01"`, `price_as_of: "soon"`, 1)
	writeFile(t, dir, "catalog.yaml", bad)
	e, err = NewEngine(WithUserDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	var le *LoadError
	if len(e.Problems()) != 1 || !errors.As(e.Problems()[0], &le) || le.ID != "my-local-model" || le.Line != 13 {
		t.Fatalf("problems %v", e.Problems())
	}
	if _, ok := e.Model("my-local-model"); ok {
		t.Error("the broken model was added")
	}
	if len(e.Catalog()) < 35 {
		t.Error("built-in catalog lost")
	}
}

func TestImportModels(t *testing.T) {
	p := writeFile(t, t.TempDir(), "import.yaml", userModel)
	ms, err := ParseCatalogFile(p)
	if err != nil || len(ms) != 1 {
		t.Fatal(ms, err)
	}
	e := newTestEngine(t)
	n := len(e.Catalog())
	e.AddModels(ms...)
	e.AddModels(ms...) // same id replaces
	if len(e.Catalog()) != n+1 {
		t.Errorf("catalog %d, want %d", len(e.Catalog()), n+1)
	}
	_, err = ParseCatalog("x.yaml", []byte(strings.Replace(userModel, "type: text-llm", "type: robot", 1)))
	if err == nil || !strings.Contains(err.Error(), "x.yaml:5: model my-local-model") || !strings.Contains(err.Error(), "encoder-decoder") {
		t.Errorf("bad type: %v", err)
	}
}

// The scenario checker must notice a wrong recommendation, or the scenario
// test proves nothing.
func TestCheckExpectCatchesMismatches(t *testing.T) {
	rec := &Recommendation{
		Model:    ModelChoice{Type: TypeTextLLM, Architecture: ArchDecoderOnly, Weights: WeightsEither, Hosting: HostingManaged},
		Strategy: Strategy{Primary: StepPrompting, Plan: []string{StepPrompting, StepFineTuning}},
		Also:     []string{TypeEmbedding},
		Fired:    []Fired{{ID: "X", Because: "Use a human reviewer."}},
	}
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	wrong := map[string]json.RawMessage{
		"model.type": raw(`["speech-to-text"]`), "model.architecture": raw(`["diffusion"]`), "model.weights": raw(`["open"]`),
		"model.hosting": raw(`["self-hosted"]`), "strategy.primary": raw(`["rag"]`), "plan_includes": raw(`["rag"]`),
		"plan_excludes": raw(`["fine-tuning"]`), "plan_first": raw(`["rag"]`), "also_includes": raw(`["text-llm"]`),
		"also_excludes": raw(`["embedding"]`), "mentions": raw(`["HIPAA"]`), "conflicts_nonempty": raw(`true`), "new_key": raw(`[]`),
	}
	if bad := checkExpect(wrong, rec); len(bad) != len(wrong) {
		t.Errorf("caught %d of %d mismatches: %v", len(bad), len(wrong), bad)
	}
	right := map[string]json.RawMessage{
		"model.type": raw(`["text-llm"]`), "plan_first": raw(`["prompting"]`), "plan_excludes": raw(`["rag"]`),
		"also_includes": raw(`["embedding"]`), "mentions": raw(`["HUMAN"]`), "conflicts_nonempty": raw(`false`),
	}
	if bad := checkExpect(right, rec); len(bad) != 0 {
		t.Errorf("false alarms: %v", bad)
	}
}

// Recommend may run while models are imported (the GUI does both).
func TestConcurrentRecommendAndImport(t *testing.T) {
	e := newTestEngine(t)
	ms, err := ParseCatalog("u.yaml", []byte(userModel))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 50; i++ {
			e.AddModels(ms...)
		}
	}()
	for i := 0; i < 20; i++ {
		if _, err := e.Recommend(ans(t, "task", "chat_qa", "deployment", "own_servers"), LangEN); err != nil {
			t.Fatal(err)
		}
	}
	<-done
}

// Further model types get their own short list under the same constraints
// (K4: an offline transcriber plus a small local LLM to summarise).
func TestAlsoShortlist(t *testing.T) {
	e := newTestEngine(t)
	rec := recommend(t, e, "task", "speech_to_text,summarize", "deployment", "offline", "hardware", "laptop_16gb")
	if len(rec.AlsoShortlist) != 1 || rec.AlsoShortlist[0].Type != TypeTextLLM || len(rec.AlsoShortlist[0].Shortlist) == 0 {
		t.Fatalf("also shortlist %+v", rec.AlsoShortlist)
	}
	for _, s := range rec.AlsoShortlist[0].Shortlist {
		m, _ := e.Model(s.ID)
		if m.Type != TypeTextLLM && m.Type != TypeMultimodalLLM || m.MinMemoryGB > 16 || !contains(m.Hosting, HostingLocalApp) {
			t.Errorf("%s is not a local LLM for a 16 GB laptop", s.ID)
		}
	}
}

// A decision made by a rule of higher priority (lower precedence number) is
// never undone by a later rule of lower priority; equal or higher priority may.
func TestPrecedenceLocksDecisions(t *testing.T) {
	rule := func(id string, stage, prec int, effect string) string {
		return "  - id: " + id + "\n    stage: " + itoa(stage) + "\n    precedence: " + itoa(prec) + "\n    strength: strong\n" +
			"    title: {en: t, pt-BR: t}\n    reason: {en: r, pt-BR: r}\n    when: 'true'\n    effect: " + effect + "\n    source: [https://example.com]\n"
	}
	build := func(rules ...string) *Engine {
		fsys := fstest.MapFS{"r/a.yaml": {Data: []byte("rules:\n" + strings.Join(rules, ""))}}
		e, err := NewEngine(WithUserDir(""), WithBuiltins(fsys, "r", assets.Catalog, "catalog"))
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	e := build(
		rule("A", 1, 2, "{model: {hosting: self-hosted}, plan: {remove: [fine-tuning]}}"),
		rule("B", 5, 8, "{model: {hosting: managed-service}, plan: {add: [fine-tuning, rag], primary: fine-tuning}}"),
	)
	rec := recommend(t, e, "task", "chat_qa")
	if rec.Model.Hosting != HostingSelfHosted {
		t.Errorf("a preference overrode a location rule: hosting %s", rec.Model.Hosting)
	}
	if contains(rec.Strategy.Plan, StepFineTuning) || !contains(rec.Strategy.Plan, StepRAG) || rec.Strategy.Primary != StepRAG {
		t.Errorf("plan %+v: fine-tuning was forbidden at precedence 2; rag should carry the use case", rec.Strategy)
	}
	e = build(
		rule("A", 1, 2, "{model: {hosting: self-hosted}}"),
		rule("B", 5, 1, "{model: {hosting: managed-service}}"),
	)
	if rec := recommend(t, e, "task", "chat_qa"); rec.Model.Hosting != HostingManaged {
		t.Errorf("a higher-priority rule could not decide: hosting %s", rec.Model.Hosting)
	}
}

// Long-context prompting puts the whole document set in every prompt, and the
// costs say so; retrieval sends a few passages.
func TestCostFollowsTheStrategy(t *testing.T) {
	e := newTestEngine(t)
	long := recommend(t, e, "task", "chat_qa", "knowledge_source", "own_documents", "kb_size", "50_500", "citations", "no", "team_skills", "app_developers")
	rag := recommend(t, e, "task", "chat_qa", "knowledge_source", "own_documents", "kb_size", "50_500", "citations", "required", "team_skills", "app_developers")
	if contains(long.Strategy.Plan, StepRAG) || !contains(rag.Strategy.Plan, StepRAG) {
		t.Fatalf("plans %v / %v", long.Strategy.Plan, rag.Strategy.Plan)
	}
	if !strings.Contains(long.CostAssumptions, "121,000 input tokens") || !strings.Contains(long.CostAssumptions, "whole document set") {
		t.Errorf("long-context cost assumptions: %s", long.CostAssumptions)
	}
	if !strings.Contains(rag.CostAssumptions, "3,000 input tokens") {
		t.Errorf("RAG cost assumptions: %s", rag.CostAssumptions)
	}
	costOf := func(rec *Recommendation, id string) float64 {
		for _, s := range rec.Shortlist {
			if s.ID == id {
				return s.MonthlyCostUSD
			}
		}
		t.Fatalf("%s not shortlisted", id)
		return 0
	}
	id := rag.Shortlist[0].ID
	if costOf(long, id) <= costOf(rag, id) {
		t.Errorf("%s: long context %v should cost more than RAG %v", id, costOf(long, id), costOf(rag, id))
	}
}

func TestUserAssumptionsTakeOverAKey(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "rules.yaml", `assumptions:
  - key: residency
    value: eu
    text: {en: "We always keep data in the EU.", pt-BR: "Sempre mantemos os dados na UE."}
`)
	e, err := NewEngine(WithUserDir(dir))
	if err != nil || len(e.Problems()) > 0 {
		t.Fatal(err, e.Problems())
	}
	rec := recommend(t, e, "task", "chat_qa", "regulation", "none")
	if !firedIDs(rec)["H2"] || !strings.Contains(strings.Join(rec.Assumptions, "\n"), "always keep data in the EU") {
		t.Errorf("user assumption not applied: %v", rec.Assumptions)
	}
	if strings.Contains(strings.Join(rec.Assumptions, "\n"), "any region") {
		t.Error("the built-in residency assumption should be replaced")
	}
}

// Engines share the one parse of the embedded models.dev copy and rules,
// never their models or rules: a change to one engine is not seen by another.
func TestEnginesDoNotShareTheirCatalog(t *testing.T) {
	a, b := newTestEngine(t), newTestEngine(t)
	if len(a.catalog) == 0 || len(a.catalog) != len(b.catalog) {
		t.Fatalf("catalogs of %d and %d models", len(a.catalog), len(b.catalog))
	}
	name := b.catalog[0].Name
	a.catalog[0].Name = "changed in a"
	if b.catalog[0].Name != name {
		t.Errorf("engine b sees engine a's change: %q", b.catalog[0].Name)
	}
	c := newTestEngine(t)
	if c.catalog[0].Name != name {
		t.Errorf("a new engine starts from engine a's change: %q", c.catalog[0].Name)
	}
	// Their rules are their own too (an engine numbers its rules); the
	// compiled conditions they share are only run, here at the same time.
	if a.rules[0] == b.rules[0] {
		t.Error("engines share a rule")
	}
	done := make(chan error, 2)
	for _, e := range []*Engine{a, b} {
		go func() {
			_, err := e.Recommend(Answers{UseCase: "Answer support tickets"}, LangEN)
			done <- err
		}()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// BenchmarkNewEngine is the cost of an engine: the rules, the curated
// entries and the bundled models.dev catalog (parsed once per process).
func BenchmarkNewEngine(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := NewEngine(WithUserDir("")); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHasUserFilesWhenProblemsCanBe: Home lists Problems() without building
// an engine when HasUserFiles says there is nothing of the user's to read,
// so false must mean an engine with the same options reports no problem,
// and every file that gives a problem must make it true.
func TestHasUserFilesWhenProblemsCanBe(t *testing.T) {
	for _, tc := range []struct {
		name    string
		setup   func(t *testing.T, user, data string) []Option
		present bool
		broken  bool // the engine reports a problem
	}{
		{"nothing of the user's", func(*testing.T, string, string) []Option { return nil }, false, false},
		{"no folders at all", func(*testing.T, string, string) []Option {
			return []Option{WithUserDir(""), WithDataDir("")}
		}, false, false},
		{"broken rules.yaml", func(t *testing.T, user, _ string) []Option {
			writeFile(t, user, "rules.yaml", "rules: [ {id: x")
			return nil
		}, true, true},
		{"broken catalog.yaml", func(t *testing.T, user, _ string) []Option {
			writeFile(t, user, "catalog.yaml", "models: {")
			return nil
		}, true, true},
		{"a models.dev copy that does not read", func(t *testing.T, _, data string) []Option {
			writeFile(t, data, ModelsDevFile, "not json")
			return nil
		}, true, true},
		{"rules.yaml is a folder", func(t *testing.T, user, _ string) []Option {
			if err := os.Mkdir(filepath.Join(user, "rules.yaml"), 0o700); err != nil {
				t.Fatal(err)
			}
			return nil
		}, true, true},
		{"a named rules file that is missing", func(t *testing.T, user, _ string) []Option {
			return []Option{WithRulesFile(filepath.Join(user, "mine.yaml"))}
		}, true, true},
		{"a models.dev copy given, the one on disk not read", func(t *testing.T, _, data string) []Option {
			writeFile(t, data, ModelsDevFile, "not json")
			d, _, err := bundledCatalog(assets.Catalog, "catalog")
			if err != nil {
				t.Fatal(err)
			}
			return []Option{WithModelsDev(d)}
		}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			user, data := t.TempDir(), t.TempDir()
			opts := append([]Option{WithUserDir(user), WithDataDir(data)}, tc.setup(t, user, data)...)
			if got := HasUserFiles(opts...); got != tc.present {
				t.Errorf("HasUserFiles = %v, want %v", got, tc.present)
			}
			e, err := NewEngine(opts...)
			if err != nil {
				t.Fatal(err)
			}
			probs := e.Problems()
			if tc.broken != (len(probs) > 0) {
				t.Errorf("problems %v, want some: %v", probs, tc.broken)
			}
			if len(probs) > 0 && !HasUserFiles(opts...) {
				t.Errorf("the engine reports %v but HasUserFiles is false", probs)
			}
		})
	}
}
