package advisor

import (
	"strings"
	"testing"
)

// ans builds answers from key/value pairs; a comma in a task value makes a list.
func ans(t testing.TB, kv ...string) Answers {
	t.Helper()
	var a Answers
	for i := 0; i+1 < len(kv); i += 2 {
		vals := strings.Split(kv[i+1], ",")
		if err := a.Set(kv[i], vals); err != nil {
			t.Fatalf("test answers: %v", err)
		}
	}
	return a
}

// ruleCases has, for every rule, answers that make it fire and answers that
// do not (nil when the rule always fires).
var ruleCases = map[string][2][]string{
	"H3":  {{"regulation", "hipaa"}, {"regulation", "gdpr"}},
	"H2":  {{"residency", "eu"}, {"residency", "eu", "deployment", "offline"}},
	"H2b": {{"residency", "us"}, {"residency", "any"}},
	"H2c": {{"residency", "country"}, {"residency", "country", "residency_country", "BR"}},
	// Answers added in 2026-12 (see also TestNewAnswersChangeTheAdvice).
	"L1":   {{"regulation", "lgpd", "sensitivity", "personal"}, {"regulation", "lgpd", "sensitivity", "public"}},
	"L2":   {{"regulation", "lgpd", "sensitivity", "special"}, {"regulation", "lgpd", "sensitivity", "personal"}},
	"L3":   {{"regulation", "lgpd", "sensitivity", "personal"}, {"regulation", "lgpd", "sensitivity", "personal", "residency", "country", "residency_country", "BR"}},
	"H2br": {{"residency", "country", "residency_country", "BR"}, {"residency", "country", "residency_country", "PT"}},
	"P1":   {{"regulation", "pci_dss"}, {"regulation", "lgpd"}},
	"E1":   {{"regulation", "eu_ai_act", "task", "chat_qa"}, {"regulation", "eu_ai_act", "task", "classify"}},
	"E2":   {{"regulation", "eu_ai_act", "task", "write"}, {"regulation", "gdpr", "task", "write"}},
	"E3":   {{"regulation", "eu_ai_act"}, {"regulation", "gdpr"}},
	"CL1":  {{"cloud_already", "azure"}, {"cloud_already", "azure", "deployment", "own_servers"}},
	"CL2":  {{"cloud_already", "aws"}, {"cloud_already", "azure"}},
	"CL3":  {{"cloud_already", "gcp"}, {"cloud_already", "none"}},
	"BB1":  {{"build_or_buy", "product", "task", "chat_qa"}, {"build_or_buy", "api", "task", "chat_qa"}},
	"BB2":  {{"build_or_buy", "either", "task", "chat_qa", "cloud_already", "m365"}, {"build_or_buy", "either", "task", "chat_qa", "cloud_already", "aws"}},
	"M14":  {{"license_needs", "commercial_product"}, {"license_needs", "internal_use"}},
	"M14b": {{"license_needs", "redistribute_weights"}, {"license_needs", "commercial_product"}},
	"S6":   {{"knowledge_source", "own_documents", "citations", "required"}, {"knowledge_source", "own_documents", "citations", "no"}},
	"S16":  {{"domain_corpus", "huge", "budget_build", "gt_1m", "team_skills", "ml_and_ops"}, {"domain_corpus", "huge", "budget_build", "1k_10k", "team_skills", "ml_and_ops"}},
	"H4":   {{"deployment", "offline"}, {"deployment", "own_servers"}},
	"M10":  {{"deployment", "own_servers"}, {"deployment", "cloud_api_ok"}},
	"M7":   {{"task", "chat_qa"}, {"task", "summarize"}},
	"M7b":  {{"task", "summarize"}, {"task", "chat_qa"}},
	"M8":   {{"task", "code"}, {"task", "write"}},
	"M1":   {{"task", "speech_to_text"}, {"task", "summarize"}},
	"S1b":  {{"task", "speech_to_text"}, {"task", "text_to_image"}},
	"S1c":  {{"task", "text_to_image"}, {"task", "speech_to_text"}},
	"M2":   {{"task", "text_to_image"}, {"task", "write"}},
	"M3":   {{"task", "image_understanding"}, {"task", "summarize"}},
	"M4":   {{"task", "search_similar"}, {"task", "chat_qa"}},
	"M1b":  {{"task", "speech_to_text,summarize"}, {"task", "speech_to_text"}},
	"M1c":  {{"task", "summarize,speech_to_text"}, {"task", "summarize"}},
	"M2b":  {{"task", "write,text_to_image"}, {"task", "write"}},
	"M4b":  {{"task", "chat_qa,search_similar"}, {"task", "chat_qa"}},
	"M12":  {{"deployment", "on_device"}, {"deployment", "offline"}},
	"S1":   {{}, nil},
	"S2":   {{"task", "write", "knowledge_source", "general_only"}, {"task", "write", "knowledge_source", "own_documents"}},
	"S3":   {{"knowledge_source", "own_documents", "kb_size", "50_500"}, {"knowledge_source", "own_documents", "kb_size", "gt_5000"}},
	"S4":   {{"knowledge_source", "own_documents", "kb_size", "gt_5000"}, {"knowledge_source", "own_documents", "kb_size", "lt_50_pages"}},
	"S5":   {{"knowledge_source", "own_documents", "kb_size", "lt_50_pages", "change_rate", "weekly"}, {"knowledge_source", "own_documents", "kb_size", "lt_50_pages", "change_rate", "yearly"}},
	"S6b":  {{"knowledge_source", "own_documents", "kb_size", "gt_5000", "citations", "nice_to_have"}, {"knowledge_source", "own_documents", "kb_size", "gt_5000", "citations", "no"}},
	"S19":  {{"knowledge_source", "own_documents", "kb_size", "50_500", "change_rate", "yearly", "volume", "10k_1m"}, {"knowledge_source", "own_documents", "kb_size", "50_500", "change_rate", "yearly", "volume", "lt_100"}},
	"M16":  {{"input_length", "very_long"}, {"input_length", "long"}},
	"S7":   {{"knowledge_source", "own_documents"}, {"knowledge_source", "general_only"}},
	"S13":  {{"task", "classify", "labeled_examples", "gt_10k", "volume", "10k_1m"}, {"task", "classify", "labeled_examples", "lt_50", "volume", "10k_1m"}},
	"M5":   {{"task", "classify", "labeled_examples", "gt_10k", "volume", "10k_1m"}, {"task", "classify", "labeled_examples", "gt_10k", "volume", "lt_100", "latency", "interactive", "deployment", "cloud_api_ok"}},
	"S14":  {{"task", "classify", "labeled_examples", "none"}, {"task", "classify", "labeled_examples", "500_10k"}},
	"S8":   {{"task", "write", "output_format", "brand_voice", "labeled_examples", "50_500"}, {"task", "write", "output_format", "brand_voice", "labeled_examples", "lt_50"}},
	"S9":   {{"task", "write", "output_format", "brand_voice", "labeled_examples", "lt_50"}, {"task", "write", "output_format", "brand_voice", "labeled_examples", "50_500"}},
	"S10":  {{"task", "chat_qa", "latency", "instant", "volume", "10k_1m", "labeled_examples", "500_10k"}, {"task", "chat_qa", "latency", "instant", "volume", "lt_100", "labeled_examples", "500_10k"}},
	"M6":   {{"task", "summarize", "deployment", "own_servers", "labeled_examples", "500_10k"}, {"task", "summarize", "deployment", "cloud_api_ok", "volume", "100_10k", "labeled_examples", "500_10k"}},
	"S12":  {{"task", "chat_qa", "knowledge_source", "own_documents", "kb_size", "gt_5000", "output_format", "template_or_json", "labeled_examples", "50_500"}, {"task", "chat_qa", "knowledge_source", "own_documents", "kb_size", "gt_5000", "output_format", "template_or_json", "labeled_examples", "none"}},
	"S15":  {{"task", "chat_qa", "domain_corpus", "large", "team_skills", "ml_engineers"}, {"task", "chat_qa", "domain_corpus", "large", "team_skills", "app_developers"}},
	"M9":   {{"task", "chat_qa"}, {"task", "speech_to_text"}},
	"M9b":  {{"task", "speech_to_text"}, {"task", "chat_qa"}},
	"M13":  {{"team_skills", "app_developers"}, {"team_skills", "ml_engineers"}},
	"M13b": {{"team_skills", "ml_engineers"}, {"team_skills", "app_developers"}},
	"H1":   {{"sensitivity", "internal"}, {"sensitivity", "public"}},
	"H1b":  {{"sensitivity", "special"}, {"sensitivity", "special", "deployment", "own_servers"}},
	"C1":   {{"sensitivity", "special", "deployment", "own_servers", "budget_monthly", "0", "team_skills", "no_engineers"}, {"deployment", "offline", "budget_monthly", "0", "team_skills", "no_engineers"}},
	"C1b":  {{"deployment", "offline", "budget_monthly", "0", "team_skills", "no_engineers"}, {"deployment", "offline", "budget_monthly", "1k_10k", "team_skills", "no_engineers"}},
	"M11":  {{"deployment", "own_servers"}, {"deployment", "cloud_api_ok"}},
	"M11b": {{"deployment", "own_servers", "hardware", "none"}, {"deployment", "own_servers", "hardware", "gpu_24gb"}},
	"S20":  {{"task", "write", "output_format", "brand_voice", "labeled_examples", "50_500", "lifecycle", "yes"}, {"task", "write", "output_format", "brand_voice", "labeled_examples", "50_500", "lifecycle", "no"}},
	"M17":  {{"knowledge_source", "own_documents", "kb_size", "gt_5000"}, {"knowledge_source", "general_only"}},
	"M15":  {{"languages", "many"}, {"languages", "few"}},
	"B1":   {{"task", "chat_qa", "volume", "gt_1m", "budget_monthly", "lt_100"}, {"task", "chat_qa", "volume", "gt_1m", "budget_monthly", "gt_10k"}},
	"C8":   {{"task", "chat_qa", "volume", "10k_1m", "budget_monthly", "100_1k"}, {"task", "chat_qa", "volume", "10k_1m", "budget_monthly", "gt_10k"}},
	"C2":   {{"task", "chat_qa", "latency", "instant", "knowledge_source", "own_documents", "kb_size", "gt_5000"}, {"task", "chat_qa", "latency", "interactive", "knowledge_source", "own_documents", "kb_size", "gt_5000"}},
	"H6":   {{"latency", "batch_overnight"}, {"latency", "interactive"}},
	"S11":  {{"task", "chat_qa", "latency", "instant", "volume", "10k_1m", "labeled_examples", "500_10k"}, {"task", "chat_qa", "latency", "instant", "volume", "10k_1m", "labeled_examples", "500_10k", "output_format", "brand_voice"}},
	"S17":  {{"error_cost", "harmful_or_legal"}, {"error_cost", "trivial"}},
	"S18":  {{"eval_set", "no"}, {"eval_set", "yes"}},
	"H5":   {{"lifecycle", "yes"}, {"lifecycle", "no"}},
	"C3":   {{"knowledge_source", "own_documents", "change_rate", "weekly", "output_format", "brand_voice"}, {"knowledge_source", "own_documents", "change_rate", "yearly", "output_format", "brand_voice"}},
	"C4":   {{"task", "chat_qa", "knowledge_source", "own_documents", "citations", "required", "output_format", "template_or_json", "labeled_examples", "500_10k"}, {"task", "chat_qa", "knowledge_source", "own_documents", "citations", "required", "output_format", "template_or_json", "labeled_examples", "none"}},
	"C5":   {{"task", "write", "output_format", "brand_voice", "labeled_examples", "lt_50"}, {"task", "write", "output_format", "brand_voice", "labeled_examples", "50_500"}},
	"C6":   {{"domain_corpus", "huge"}, {"domain_corpus", "huge", "budget_build", "gt_1m", "team_skills", "ml_and_ops"}},
	"C7":   {{"task", "chat_qa", "deployment", "own_servers", "reasoning", "hard"}, {"task", "chat_qa", "deployment", "cloud_api_ok", "reasoning", "hard"}},
	"C9":   {{"task", "chat_qa", "residency", "eu", "reasoning", "hard"}, {"task", "chat_qa", "residency", "eu", "reasoning", "moderate"}},
	"C10":  {{"task", "text_to_image", "deployment", "own_servers", "hardware", "gpu_24gb", "license_needs", "commercial_product"}, {"task", "text_to_image", "deployment", "own_servers", "hardware", "gpu_24gb", "license_needs", "internal_use"}},
	"C11":  {{"knowledge_source", "own_documents", "change_rate", "monthly", "output_format", "brand_voice", "labeled_examples", "gt_10k"}, {"knowledge_source", "own_documents", "change_rate", "monthly"}},
	"AG1":  {{"task", "agent", "error_cost", "trivial"}, {"task", "chat_qa"}},
	"AG2":  {{"task", "agent", "error_cost", "trivial"}, {"task", "agent", "agent_actions", "read_only"}},
	"AG3":  {{"task", "agent", "agent_actions", "reversible_writes"}, {"task", "agent", "agent_actions", "read_only"}},
	"AG4":  {{"task", "agent", "knowledge_source", "own_database_or_api"}, {"task", "code", "knowledge_source", "own_database_or_api"}},
	"SO1":  {{"task", "extract", "structured_output", "json_schema"}, {"task", "extract", "structured_output", "no"}},
	"C12":  {{"task", "write", "output_format", "brand_voice", "labeled_examples", "50_500", "lifecycle", "yes"}, {"task", "write", "output_format", "brand_voice", "labeled_examples", "50_500", "lifecycle", "no"}},
}

func firedIDs(rec *Recommendation) map[string]bool {
	m := map[string]bool{}
	for _, f := range rec.Fired {
		m[f.ID] = true
	}
	return m
}

// TestEveryRuleFiresWhenItShould runs, for every built-in rule, answers that
// must make it fire and answers that must not.
func TestEveryRuleFiresWhenItShould(t *testing.T) {
	e := newTestEngine(t)
	for _, r := range e.Rules() {
		if _, ok := ruleCases[r.ID]; !ok {
			t.Errorf("rule %s has no table case", r.ID)
		}
	}
	for id, c := range ruleCases {
		t.Run(id, func(t *testing.T) {
			rec, err := e.Recommend(ans(t, c[0]...), LangEN)
			if err != nil {
				t.Fatal(err)
			}
			if !firedIDs(rec)[id] {
				t.Errorf("%s did not fire for %v", id, c[0])
			}
			if c[1] == nil {
				return
			}
			rec, err = e.Recommend(ans(t, c[1]...), LangEN)
			if err != nil {
				t.Fatal(err)
			}
			if firedIDs(rec)[id] {
				t.Errorf("%s fired for %v", id, c[1])
			}
		})
	}
}

// TestGuidanceCoverage checks that every rule of decision-guidance §2 is encoded.
func TestGuidanceCoverage(t *testing.T) {
	e := newTestEngine(t)
	have := map[string]bool{}
	for _, r := range e.Rules() {
		have[r.ID] = true
	}
	var want []string
	for _, g := range []struct {
		prefix string
		n      int
	}{{"S", 20}, {"M", 17}, {"H", 6}, {"C", 12}} {
		for i := 1; i <= g.n; i++ {
			want = append(want, g.prefix+itoa(i))
		}
	}
	for _, id := range want {
		if !have[id] {
			t.Errorf("rule %s of decision-guidance §2 is missing", id)
		}
	}
	if n := len(e.Rules()); n < 60 {
		t.Errorf("%d rules, want at least 60", n)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return string(rune('0'+i/10)) + string(rune('0'+i%10))
}

func TestRulesHaveBothLanguagesAndSources(t *testing.T) {
	e := newTestEngine(t)
	for _, r := range e.rules {
		if !strings.HasPrefix(r.Source[0], "http") {
			t.Errorf("%s: source %q is not a URL", r.ID, r.Source[0])
		}
		if r.Title.EN == r.Title.PT || r.Reason.EN == r.Reason.PT {
			t.Errorf("%s: the pt-BR text is a copy of the English one", r.ID)
		}
	}
}

// A model that is not a chat model gets a first step that fits it, not
// "3–5 examples in the prompt".
func TestFirstStepFitsTheModelType(t *testing.T) {
	e := newTestEngine(t)
	for task, want := range map[string]string{"speech_to_text": "word error rate", "text_to_image": "judge 20+", "chat_qa": "few-shot"} {
		rec, err := e.Recommend(ans(t, "task", task), LangEN)
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Steps) == 0 || rec.Steps[0].Step != StepPrompting {
			t.Fatalf("%s: steps %+v", task, rec.Steps)
		}
		if !strings.Contains(rec.Steps[0].Detail, want) {
			t.Errorf("%s: first step %q does not mention %q", task, rec.Steps[0].Detail, want)
		}
	}
}
