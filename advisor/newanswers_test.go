package advisor

import (
	"strings"
	"testing"
)

// TestNewAnswersChangeTheAdvice takes each answer added in 2026-12 and
// checks that giving it changes the advice where it should: the rule named
// fires with the fact quoted from its source (and cites that source), and
// without the answer the fact is not said. The base is the law
// firm: questions over its contracts, client personal data.
func TestNewAnswersChangeTheAdvice(t *testing.T) {
	base := []string{"task", "chat_qa", "knowledge_source", "own_documents", "kb_size", "gt_5000", "sensitivity", "personal", "team_skills", "app_developers"}
	cases := []struct {
		name   string
		add    []string // the new answer(s)
		rule   string   // the rule that must fire
		says   string   // a fact of the advice (in English)
		source string   // where the fact comes from: the rule cites it
		// without: the answers that must not give the advice (default: the
		// base with the case's task)
		without []string
	}{
		{"lgpd legal basis", []string{"regulation", "lgpd"}, "L1", "art. 7", "planalto.gov.br/ccivil_03/_ato2015-2018/2018/lei/l13709.htm", nil},
		{"lgpd transfer abroad", []string{"regulation", "lgpd"}, "L3", "23 August 2025", "resolucao-cd/anpd-n-19-de-23-de-agosto-de-2024", nil},
		{"lgpd sensitive data", []string{"regulation", "lgpd", "sensitivity", "special"}, "L2", "art. 11", "planalto.gov.br", nil},
		{"data stays in Brazil", []string{"residency", "country", "residency_country", "BR"}, "H2br", "Provisioned (reserved capacity) for gpt-4.1, gpt-4.1-mini, gpt-4o and gpt-4o-mini", "model-matrix/region-americas.md", nil},
		{"data stays in Brazil: Vertex", []string{"residency", "country", "residency_country", "BR"}, "H2br", "southamerica-east1", "vertex-ai/generative-ai/docs/learn/data-residency", nil},
		{"pci dss", []string{"regulation", "pci_dss"}, "P1", "PAN", "pcisecuritystandards.org", nil},
		{"eu ai act chat", []string{"regulation", "eu_ai_act"}, "E1", "art. 50(1)", "eur-lex.europa.eu/eli/reg/2024/1689", nil},
		{"eu ai act generated text", []string{"regulation", "eu_ai_act", "task", "write"}, "E2", "machine-readable", "eur-lex.europa.eu/eli/reg/2024/1689", nil},
		{"azure already", []string{"cloud_already", "azure"}, "CL1", "Azure OpenAI", "learn.microsoft.com/azure/ai-services/openai", nil},
		{"aws already", []string{"cloud_already", "aws"}, "CL2", "Amazon Bedrock", "docs.aws.amazon.com/bedrock", nil},
		{"google cloud already", []string{"cloud_already", "gcp"}, "CL3", "Vertex AI", "vertex-ai", nil},
		{"buy a product", []string{"build_or_buy", "product"}, "BB1", "Microsoft 365 Copilot", "microsoft-365-copilot-overview", nil},
		{"m365 and either", []string{"build_or_buy", "either", "cloud_already", "m365"}, "BB2", "Microsoft 365 Copilot", "microsoft-365-copilot-overview", nil},
		{"agent, mistakes trivial", []string{"task", "agent", "error_cost", "trivial"}, "AG1", "prompt injection", "LLM06_ExcessiveAgency", []string{"task", "chat_qa"}},
		{"agent may act irreversibly", []string{"task", "agent", "error_cost", "trivial", "agent_actions", "irreversible"}, "AG2", "explicit yes", "LLM06_ExcessiveAgency", []string{"task", "agent", "agent_actions", "read_only"}},
		{"agent's data behind APIs", []string{"task", "agent", "knowledge_source", "own_database_or_api"}, "AG4", "function calling", "function-calling", []string{"task", "chat_qa", "knowledge_source", "own_database_or_api"}},
		{"json schema every time", []string{"task", "extract", "structured_output", "json_schema"}, "SO1", "strict: true", "structured-outputs", nil},
	}
	e := newTestEngine(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			with := recommend(t, e, append(append([]string{}, base...), c.add...)...)
			var got *Fired
			for i := range with.Fired {
				if with.Fired[i].ID == c.rule {
					got = &with.Fired[i]
				}
			}
			if got == nil {
				t.Fatalf("%s did not fire for %v", c.rule, c.add)
			}
			if !strings.Contains(got.Because, c.says) {
				t.Errorf("%s says %q; want it to say %q", c.rule, got.Because, c.says)
			}
			if !strings.Contains(got.Source, c.source) {
				t.Errorf("%s cites %q; want %q", c.rule, got.Source, c.source)
			}
			if c.rule != "AG4" && !contains(with.Warnings, got.Because) {
				t.Errorf("%s's advice is not among the warnings", c.rule)
			}
			// Without the new answer (the task kept, unless the case says
			// otherwise) the advice is not given.
			other := c.without
			if other == nil {
				for i := 0; i+1 < len(c.add); i += 2 {
					if c.add[i] == "task" {
						other = []string{"task", c.add[i+1]}
					}
				}
			}
			without := recommend(t, e, append(append([]string{}, base...), other...)...)
			if firedIDs(without)[c.rule] {
				t.Errorf("%s fires without %v", c.rule, c.add)
			}
		})
	}
}

// The agent's facts behind APIs are read through tools, not indexed:
// retrieval leaves the plan, the first step says function calling, and no
// embedding model is asked for.
func TestAgentReadsAPIsThroughTools(t *testing.T) {
	e := newTestEngine(t)
	rec := recommend(t, e, "task", "agent", "knowledge_source", "own_database_or_api")
	if contains(rec.Strategy.Plan, StepRAG) || rec.Strategy.Primary != StepPrompting {
		t.Errorf("plan %v primary %s; want prompting with tools, no rag", rec.Strategy.Plan, rec.Strategy.Primary)
	}
	if len(rec.Steps) == 0 || !strings.Contains(rec.Steps[0].Detail, "function calling") {
		t.Errorf("steps %+v", rec.Steps)
	}
	if contains(rec.Also, TypeEmbedding) {
		t.Errorf("also %v asks for an embedding model", rec.Also)
	}
	// The same data for a code task (k7) still uses retrieval.
	if rec := recommend(t, e, "task", "code", "knowledge_source", "own_database_or_api"); !contains(rec.Strategy.Plan, StepRAG) {
		t.Errorf("code over a database lost rag: %v", rec.Strategy.Plan)
	}
}

// Conflicts and step texts appear only when their cause holds (issue 14).
func TestConflictsAndStepsOnlyWhenCaused(t *testing.T) {
	e := newTestEngine(t)
	conflictIDs := func(r *Recommendation) map[string]bool {
		m := map[string]bool{}
		for _, c := range r.Conflicts {
			m[c.ID] = true
		}
		return m
	}
	// C1: an air-gapped user is never offered "use the cloud".
	off := recommend(t, e, "task", "chat_qa", "deployment", "offline", "sensitivity", "special", "budget_monthly", "0", "team_skills", "no_engineers")
	for _, c := range off.Conflicts {
		if c.Relax["deployment"] == "cloud_api_ok" || strings.Contains(c.Relaxation, "hosted") {
			t.Errorf("offline user offered the cloud: %+v", c)
		}
	}
	if off.Model.Hosting != HostingLocalApp || !firedIDs(off)["C1b"] {
		t.Errorf("offline: hosting %s, fired %v", off.Model.Hosting, firedIDs(off))
	}
	// C5: no fine-tuning conflict when nobody's answers point at fine-tuning.
	for _, kv := range [][]string{
		{"task", "extract", "output_format", "template_or_json"},                                                          // examples unknown, JSON
		{"task", "extract", "output_format", "template_or_json", "labeled_examples", "none"},                              // a schema fixes a JSON shape
		{"task", "write", "output_format", "brand_voice", "labeled_examples", "none", "structured_output", "json_schema"}, // schema guaranteed
	} {
		if r := recommend(t, e, kv...); conflictIDs(r)["C5"] {
			t.Errorf("C5 fires for %v", kv)
		}
	}
	if r := recommend(t, e, "task", "write", "output_format", "brand_voice", "labeled_examples", "lt_50"); !conflictIDs(r)["C5"] {
		t.Error("C5 lost where a brand voice wants fine-tuning and examples are few")
	}
	// C11 only where fine-tuning or training is in the plan.
	if r := recommend(t, e, "task", "chat_qa", "knowledge_source", "own_documents", "change_rate", "monthly"); firedIDs(r)["C11"] {
		t.Error("C11 fires with no fine-tuning in the plan")
	}
	// Step texts stay with their task.
	speech := recommend(t, e, "task", "speech_to_text")
	search := recommend(t, e, "task", "search_similar", "knowledge_source", "own_documents", "kb_size", "gt_5000")
	image := recommend(t, e, "task", "text_to_image")
	for _, c := range []struct {
		rec       *Recommendation
		name, not string
	}{
		{speech, "speech", "image"}, {image, "image", "recording"}, {search, "search", "prompt"},
	} {
		for _, s := range c.rec.Steps {
			if strings.Contains(strings.ToLower(s.Detail), c.not) {
				t.Errorf("%s step %s says %q", c.name, s.Step, s.Detail)
			}
		}
	}
}

// An exact budget in reais is converted at the user's rate (or the dated
// default, said as an assumption) and wins over the band.
func TestBudgetAmountInCurrency(t *testing.T) {
	e := newTestEngine(t)
	// R$ 2,000 at 5.00 per US$ = US$ 400 a month: the 100_1k band, the cap 400.
	rec := recommend(t, e, "task", "chat_qa", "currency", "BRL", "exchange_rate", "5", "budget_monthly_amount", "2000", "budget_monthly", "gt_10k")
	if rec.Currency != "BRL" || rec.ExchangeRate != 5 {
		t.Errorf("currency %s rate %v", rec.Currency, rec.ExchangeRate)
	}
	for _, s := range rec.Shortlist {
		if s.MonthlyCost != s.MonthlyCostUSD*5 {
			t.Errorf("%s: %v BRL for %v USD at 5", s.ID, s.MonthlyCost, s.MonthlyCostUSD)
		}
		if s.CostKnown && !s.SelfHosted && !strings.Contains(s.Why, "R$") {
			t.Errorf("%s: the monthly cost is not said in reais: %q", s.ID, s.Why)
		}
	}
	var env RuleEnv
	a := ans(t, "currency", "BRL", "exchange_rate", "5", "budget_monthly_amount", "2000")
	env.setAnswers(a)
	if env.BudgetMonthlyUSD != 400 {
		t.Errorf("budget in USD = %v, want 400", env.BudgetMonthlyUSD)
	}
	// No rate given: the dated default is used and said.
	rec = recommend(t, e, "task", "chat_qa", "currency", "BRL", "budget_monthly_amount", "2000")
	d := DefaultRates["BRL"]
	if rec.ExchangeRate != d.PerUSD || rec.ExchangeRateDate != d.Date {
		t.Errorf("default rate %v %s", rec.ExchangeRate, rec.ExchangeRateDate)
	}
	said := false
	for _, s := range rec.Assumptions {
		said = said || (strings.Contains(s, d.Date) && strings.Contains(s, "5.15"))
	}
	if !said {
		t.Errorf("the default rate is not named with its date: %v", rec.Assumptions)
	}
	// A language list answers "how many languages".
	if r := recommend(t, e, "task", "chat_qa", "language_list", "pt-BR"); hasAssumptionAbout(r, "languages") {
		t.Error("languages assumed although a list was given")
	}
}

func hasAssumptionAbout(r *Recommendation, what string) bool {
	for _, s := range r.Assumptions {
		if strings.Contains(s, "which languages") {
			return true
		}
	}
	return false
}
