package advisor

import (
	"regexp"
	"strings"
	"testing"
)

// today12 is the day issue 12 was written against; tests pin it so they
// keep their meaning when the calendar moves on.
const today12 = "2026-12-01"

func engine12(tb testing.TB) *Engine {
	tb.Helper()
	e, err := NewEngine(WithUserDir(""), WithToday(today12))
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func TestFreshInstallCatalogFromModelsDev(t *testing.T) {
	e := engine12(t)
	info := e.CatalogInfo()
	if info.Source != "bundled" || info.AsOf != "2026-07-02" || info.Models != 867 || info.Providers != 14 {
		t.Errorf("catalog info %+v", info)
	}
	if info.Stale {
		t.Error("a 2026-07-02 copy is not yet 6 months old on 2026-12-01")
	}
	priced := 0
	for _, m := range e.Catalog() {
		if m.PriceInPer1M > 0 && m.PriceAsOf != "" {
			priced++
		}
	}
	if priced < 500 {
		t.Errorf("%d models with a dated price, want ≥ 500", priced)
	}
	// Cached-input prices are kept; OpenAI's gpt-4o caches at 1.25 (models.dev).
	m, _ := e.Model("gpt-4o")
	if m.PriceInPer1M != 2.5 || m.PriceOutPer1M != 10 || m.PriceCacheReadPer1M != 1.25 || m.PriceAsOf != "2026-07-02" {
		t.Errorf("gpt-4o prices %v/%v cache %v as of %s", m.PriceInPer1M, m.PriceOutPer1M, m.PriceCacheReadPer1M, m.PriceAsOf)
	}
	// Curated values win over models.dev: the curated size tier and licence stay.
	if m.SizeTier != TierMid || m.License != "OpenAI API terms" || m.ShutdownDate != "2027-01-14" || m.LifecycleSource == "" {
		t.Errorf("gpt-4o curated fields lost: %+v", m)
	}
	if StaleOn("2026-05-30", today12) != true || StaleOn("2026-06-02", today12) != false {
		t.Error("StaleOn: 6 months")
	}
}

func TestProvidersPublished(t *testing.T) {
	e := engine12(t)
	ps := e.Providers()
	if len(ps) != 14 {
		t.Fatalf("%d providers", len(ps))
	}
	p, ok := e.Provider("deepseek")
	if !ok || p.API != "https://api.deepseek.com" || p.Env[0] != "DEEPSEEK_API_KEY" || p.Name != "DeepSeek" || p.Doc == "" {
		t.Errorf("deepseek %+v", p)
	}
	p, _ = e.Provider("openai")
	if p.Env[0] != "OPENAI_API_KEY" || p.Models != 51 {
		t.Errorf("openai %+v", p)
	}
}

func TestLifecycleOnADay(t *testing.T) {
	cases := []struct {
		m      Model
		status string
		days   int
		risk   bool
	}{
		{Model{Status: StatusActive}, StatusActive, -1, false},
		{Model{Status: StatusActive, ShutdownDate: "2027-06-01"}, StatusDeprecated, 182, true}, // announced: deprecated
		{Model{Status: StatusDeprecated, ShutdownDate: "2027-01-14"}, StatusDeprecated, 44, true},
		{Model{Status: StatusDeprecated, ShutdownDate: "2026-12-01"}, StatusRetired, 0, true}, // the day itself
		{Model{Status: "retiring", ShutdownDate: "2026-12-11"}, StatusRetired, 0, true},
		{Model{Status: StatusPreview}, StatusPreview, -1, false},
		{Model{Status: StatusLegacy}, StatusDeprecated, -1, true},
	}
	for i, c := range cases {
		today := today12
		if i == 4 {
			today = "2026-12-12"
		}
		if got := c.m.StatusOn(today); got != c.status {
			t.Errorf("%d: status %s, want %s", i, got, c.status)
		}
		if got := c.m.DaysLeft(today); got != c.days {
			t.Errorf("%d: days left %d, want %d", i, got, c.days)
		}
		if got := c.m.LifecycleRisk(today); got != c.risk {
			t.Errorf("%d: risk %v, want %v", i, got, c.risk)
		}
	}
	e := engine12(t)
	for id, want := range map[string]string{"gemini-2.5-pro": StatusRetired, "google-vertex/gemini-2.5-pro": StatusRetired,
		"o4-mini": StatusRetired, "gpt-4.1-mini": StatusDeprecated, "o3": StatusDeprecated, "gpt-5.5": StatusActive} {
		if m, ok := e.Model(id); !ok || m.Status != want {
			t.Errorf("%s: %v %s, want %s", id, ok, m.Status, want)
		}
	}
}

// riskyFirst reports the first shortlisted model when it is deprecated,
// retired or within SoonDays of shutdown.
func riskyFirst(e *Engine, sl []Shortlisted) string {
	if len(sl) == 0 {
		return ""
	}
	s := sl[0]
	m := Model{Status: s.Status, ShutdownDate: s.ShutdownDate}
	if s.Status == StatusDeprecated || s.Status == StatusRetired || m.LifecycleRisk(e.Today()) {
		return s.ID + " (" + s.Status + " " + s.ShutdownDate + ")"
	}
	return ""
}

func TestScenariosNeverStartOnARetiringModel(t *testing.T) {
	e := engine12(t)
	for _, sc := range loadScenarios(t) {
		a, err := ParseAnswersBytes(sc.Answers)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{LangEN, LangPT} {
			rec, err := e.Recommend(a, lang)
			if err != nil {
				t.Fatal(err)
			}
			if bad := riskyFirst(e, rec.Shortlist); bad != "" {
				t.Errorf("%s (%s): first on the shortlist is %s", sc.Name, lang, bad)
			}
			safeSeen, riskAfterSafe := false, false
			for i, s := range rec.Shortlist {
				if s.Status == StatusRetired {
					t.Errorf("%s: retired %s shortlisted", sc.Name, s.ID)
				}
				risky := s.Status == StatusDeprecated
				if !risky {
					safeSeen = true
				} else if !safeSeen && i > 0 {
					riskAfterSafe = true
				}
				if risky && !strings.Contains(s.Why, s.ShutdownDate) && s.ShutdownDate != "" {
					t.Errorf("%s: %s does not show its shutdown date: %s", sc.Name, s.ID, s.Why)
				}
			}
			_ = riskAfterSafe
		}
	}
}

// The EU support bot of the issue: GPT-4.1 mini (shutdown 2027-01-14) ranked
// first before; now a model with no retirement announced comes first, every
// retiring one after all the others, and the retired Gemini 2.5 never.
func TestEUSupportBotLifecycleOrder(t *testing.T) {
	e := engine12(t)
	a := Answers{Task: []string{"chat_qa"}, KnowledgeSource: "own_documents", KBSize: "500_5000", ChangeRate: "weekly",
		Citations: "nice_to_have", Residency: "eu", Regulation: StringList{"gdpr"}, Sensitivity: "internal", BudgetMonthly: "100_1k",
		TeamSkills: "app_developers", Latency: "interactive", Volume: "100_10k", Deployment: "cloud_api_ok"}
	rec, err := e.Recommend(a, LangEN)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Shortlist) == 0 {
		t.Fatal("empty shortlist")
	}
	seenRisky := false
	for _, s := range rec.Shortlist {
		if strings.HasPrefix(s.ID, "gemini-2.5-pro") || strings.HasPrefix(s.ID, "google-vertex/gemini-2.5-pro") || s.Status == StatusRetired {
			t.Errorf("retired model shortlisted: %+v", s)
		}
		risky := s.Status == StatusDeprecated
		if seenRisky && !risky {
			t.Errorf("%s (no retirement) listed after a retiring model", s.ID)
		}
		seenRisky = seenRisky || risky
	}
	if bad := riskyFirst(e, rec.Shortlist); bad != "" {
		t.Errorf("first is %s", bad)
	}
}

func shortlistModels(t *testing.T, e *Engine, a Answers) ([]Model, *Recommendation) {
	t.Helper()
	rec, err := e.Recommend(a, LangEN)
	if err != nil {
		t.Fatal(err)
	}
	var out []Model
	for _, s := range rec.Shortlist {
		m, ok := e.Model(s.ID)
		if !ok {
			t.Fatalf("shortlisted %s is not in the catalog", s.ID)
		}
		out = append(out, m)
	}
	return out, rec
}

func TestNonProductionLicenceNeverForBusiness(t *testing.T) {
	e := engine12(t)
	// An internal code assistant on the company's own GPU: the review found
	// Codestral's non-production licence on top.
	for _, needs := range []string{"internal_use", "commercial_product", ""} {
		a := Answers{Task: []string{"code"}, Deployment: "own_servers", Hardware: "gpu_24gb", LicenseNeeds: needs, TeamSkills: "ml_and_ops"}
		ms, rec := shortlistModels(t, e, a)
		if len(ms) == 0 {
			t.Fatalf("%q: empty shortlist: %v", needs, rec.Warnings)
		}
		for _, m := range ms {
			if !businessLicenceOK(m) {
				t.Errorf("%q: %s (%s) shortlisted", needs, m.ID, m.License)
			}
		}
		if needs == "internal_use" && !strings.Contains(strings.Join(rec.Warnings, " "), "Codestral 22B") {
			t.Errorf("%q: no note that Codestral 22B was left out: %v", needs, rec.Warnings)
		}
	}
}

func TestResidencyCountry(t *testing.T) {
	e := engine12(t)
	a := Answers{Task: []string{"chat_qa"}, Residency: "country", ResidencyCountry: "BR", Deployment: "cloud_api_ok", TeamSkills: "app_developers"}
	ms, rec := shortlistModels(t, e, a)
	if len(ms) == 0 {
		t.Fatalf("empty shortlist: %v", rec.Warnings)
	}
	for i, m := range ms {
		if !rec.Shortlist[i].SelfHosted && !containsFold(m.Countries, "BR") {
			t.Errorf("%s keeps no data in BR (%v)", m.ID, m.Countries)
		}
	}
}

func TestLanguageList(t *testing.T) {
	e := engine12(t)
	llama, _ := e.Model("llama-3.1-8b-instruct")
	if ok, known := languageFit(llama, []string{"pt-BR", "en"}); !ok || !known {
		t.Error("Llama 3.1 lists Portuguese")
	}
	if ok, known := languageFit(llama, []string{"ja"}); ok || !known {
		t.Error("Llama 3.1 does not list Japanese")
	}
	phi3, _ := e.Model("phi-3-mini")
	if ok, _ := languageFit(phi3, []string{"pt-BR"}); ok {
		t.Error("an English-only model passes for pt-BR")
	}
	a := Answers{Task: []string{"chat_qa"}, Deployment: "on_device", Hardware: "laptop_16gb", LanguageList: []string{"ja"}}
	ms, rec := shortlistModels(t, e, a)
	for _, m := range ms {
		if m.ID == "llama-3.1-8b-instruct" || m.ID == "phi-3-mini" {
			t.Errorf("%s shortlisted for Japanese", m.ID)
		}
	}
	if !strings.Contains(strings.Join(rec.Warnings, " "), "does not list ja") {
		t.Errorf("no note on the left-out models: %v", rec.Warnings)
	}
}

func TestAgentsNeedToolCalling(t *testing.T) {
	e := engine12(t)
	a := Answers{Task: []string{"agent"}, Deployment: "cloud_api_ok", TeamSkills: "app_developers"}
	ms, _ := shortlistModels(t, e, a)
	if len(ms) == 0 {
		t.Fatal("empty shortlist")
	}
	for _, m := range ms {
		if !canCallTools(m) {
			t.Errorf("%s cannot call tools", m.ID)
		}
	}
	// models.dev's gpt-5-chat-latest says tool_call: false.
	m, _ := e.Model("gpt-5-chat-latest")
	if canCallTools(m) {
		t.Error("gpt-5-chat-latest: tool_call false in models.dev")
	}
}

func TestFineTuningPlanListsWhereTheJobRuns(t *testing.T) {
	e := engine12(t)
	a := Answers{Task: []string{"write"}, OutputFormat: "brand_voice", LabeledExamples: "500_10k", Deployment: "cloud_api_ok",
		TeamSkills: "ml_engineers", BudgetBuild: "1k_10k", EvalSet: "yes"}
	ms, rec := shortlistModels(t, e, a)
	if !contains(rec.Strategy.Plan, StepFineTuning) {
		t.Skipf("the rules do not add fine-tuning for these answers: %v", rec.Strategy.Plan)
	}
	if len(ms) == 0 {
		t.Fatalf("empty shortlist: %v", rec.Warnings)
	}
	for i, m := range ms {
		if m.ProviderID == "openai" {
			t.Errorf("%s: OpenAI's self-serve fine-tuning is closing", m.ID)
		}
		if !strings.Contains(rec.Shortlist[i].Why, "can be fine-tuned on") {
			t.Errorf("%s: why does not say where to fine-tune: %s", m.ID, rec.Shortlist[i].Why)
		}
	}
}

// Memory by hand: Llama 3.1 8B at 4-bit is 8 GB in the catalog (weights plus
// headroom); its KV cache is 32 layers × 8 KV heads × 128 dims × 2 (K, V) ×
// 2 bytes = 128 KiB a token, so 120,000 tokens take 120,000 × 128 / 1024² =
// 14.6 GiB: 22.6 GB in all, more than a 16 GB laptop; 1,000 tokens need
// 8 + 0.12 = 8.1 GB, which fits.
func TestRunsOnYourComputer(t *testing.T) {
	e := engine12(t)
	m, _ := e.Model("llama-3.1-8b-instruct")
	f := RunsOn(m, "laptop_16gb", 120_000)
	if f.Verdict != FitsNo || f.WeightsGB != 8 || f.KVCacheGB != 14.6 || f.NeedGB != 22.6 || f.HaveGB != 16 || f.KVEstimate {
		t.Errorf("120k tokens: %+v", f)
	}
	if f := RunsOn(m, "laptop_16gb", 1_000); f.Verdict != FitsYes || f.NeedGB != 8.1 {
		t.Errorf("1k tokens: %+v", f)
	}
	// 40,000 tokens: 8 + 4.9 = 12.9 GB > 85 % of 16 (13.6)? No: 12.9 < 13.6, fits;
	// 50,000 tokens: 8 + 6.1 = 14.1 GB > 13.6: tight.
	if f := RunsOn(m, "laptop_16gb", 50_000); f.Verdict != FitsTight || f.NeedGB != 14.1 {
		t.Errorf("50k tokens: %+v", f)
	}
	if f := RunsOn(m, "", 1000); f.Verdict != FitsUnk {
		t.Errorf("no hardware answer: %+v", f)
	}
	// A 16 GB laptop cannot hold a 120,000-token prompt: 300 pages of
	// documents in every prompt, run on the laptop, leaves the 8B model out
	// and says why.
	a := Answers{Task: []string{"chat_qa"}, Deployment: "on_device", Hardware: "laptop_16gb", KnowledgeSource: "own_documents", KBSize: "50_500", ChangeRate: "never"}
	ms, rec := shortlistModels(t, e, a)
	warn := strings.Join(rec.Warnings, " ")
	if !strings.Contains(warn, "Llama 3.1 8B Instruct: at 121,500 tokens of prompt it needs about 22.8 GB (weights 8 + KV cache 14.8), more than your 16 GB") {
		t.Errorf("no KV-cache note for Llama 3.1 8B: %v (plan %v)", rec.Warnings, rec.Strategy.Plan)
	}
	for _, m := range ms {
		if f := RunsOn(m, "laptop_16gb", 121_500); f.Verdict == FitsNo && !strings.Contains(warn, "No model holds the whole prompt") {
			t.Errorf("%s shortlisted though it needs %g GB, without the note", m.ID, f.NeedGB)
		}
	}
}

func TestParamsFromName(t *testing.T) {
	for s, want := range map[string][2]float64{
		"llama-3.1-8b-instant": {8, 0}, "Qwen3-235B-A22B-Instruct": {235, 22}, "gpt-4o": {0, 0}, "3.8B": {3.8, 0}, "gemma-4-26b-a4b-it": {26, 4},
	} {
		tot, act := paramsFromName(s)
		if tot != want[0] || act != want[1] {
			t.Errorf("%s: %v / %v, want %v", s, tot, act, want)
		}
	}
}

func TestCuratedOverlayMerge(t *testing.T) {
	base := []Model{{ID: "m1", Name: "M1", ContextTokens: 1000, PriceInPer1M: 1, Status: StatusActive, Type: TypeTextLLM, Architecture: ArchDecoderOnly,
		Weights: WeightsProprietary, Hosting: []string{HostingManaged}, PriceAsOf: "2026-07-02", Source: "https://models.dev/", License: "x", FromModelsDev: true}}
	ovs, err := parseOverlays("t.yaml", []byte(`models:
  - id: m1
    context_tokens: 2000
    size_tier: small
  - id: typo
    size_tier: mid
  - id: whole
    standalone: true
    name: Whole
    type: text-llm
    architecture: decoder-only
    weights: open
    license: MIT
    price_as_of: "2026-01-01"
    hosting: [self-hosted]
    min_memory_gb: 4
    status: active
    description: d
    source: https://example.com
`))
	if err != nil {
		t.Fatal(err)
	}
	var chk CatalogCheck
	out := mergeCatalog(base, ovs, &chk)
	if out[0].ContextTokens != 2000 || out[0].SizeTier != TierSmall || out[0].PriceInPer1M != 1 {
		t.Errorf("merged %+v", out[0])
	}
	if len(out) != 2 || out[1].ID != "whole" {
		t.Errorf("catalog %v", out)
	}
	if len(chk.Disagreements) != 1 || chk.Disagreements[0].Field != "context_tokens" || chk.Disagreements[0].Curated != "2000" || chk.Disagreements[0].ModelsDev != "1000" {
		t.Errorf("disagreements %+v", chk.Disagreements)
	}
	if len(chk.Refused) != 1 || chk.Refused[0].ID != "typo" || len(chk.Standalone) != 1 {
		t.Errorf("refused %+v standalone %+v", chk.Refused, chk.Standalone)
	}
}

func TestPricesLookupKeepsCachedAndBatch(t *testing.T) {
	e := engine12(t)
	// models.dev: claude-sonnet-4-5 3 / 15, cache read 0.3, cache write 3.75;
	// Anthropic's Message Batches are half price: 1.5 / 7.5.
	p, ok := e.Prices("claude-sonnet-4-5")
	if !ok || p.In != 3 || p.Out != 15 || p.CacheRead != 0.3 || p.CacheWrite != 3.75 || p.BatchIn != 1.5 || p.BatchOut != 7.5 || p.AsOf != "2026-07-02" {
		t.Errorf("claude-sonnet-4-5 prices %+v", p)
	}
	if p, _ := e.Prices("togetherai/Qwen/Qwen3.5-397B-A17B"); p.CacheRead != 0.35 || p.BatchIn != 0 {
		t.Errorf("cached_input spelling not read, or a batch price invented: %+v", p)
	}
	if _, ok := e.Prices("no-such-model"); ok {
		t.Error("unknown id priced")
	}
}

// TestStripSnapshotIsTheRegexp: the written-out suffix cut agrees with the
// regular expression it replaces, on every id of the catalog and on the
// edge cases.
func TestStripSnapshotIsTheRegexp(t *testing.T) {
	re := regexp.MustCompile(`(-\d{4}(-\d{2}-\d{2})?|-\d{8}|-instruct)$`)
	ids := []string{"gpt-3.5-turbo-0301", "gpt-4o-2024-08-06", "claude-3-haiku-20240307", "gpt-3.5-turbo-instruct",
		"gpt-4o", "-0301", "0301", "a-2024-08-6", "a-2024-8-06", "a-1234567", "a-123456789", "a-12-34-56", "x-instruct-0301",
		"x-0301-instruct", "a-2024-08-06-2024", "", "-", "a--2024", "a-20240307x", "m-9999-99-99"}
	for _, m := range newTestEngine(t).Catalog() {
		ids = append(ids, m.ID, m.APIModel)
	}
	for _, id := range ids {
		if got, want := stripSnapshot(id), re.ReplaceAllString(id, ""); got != want {
			t.Errorf("stripSnapshot(%q) = %q, the regexp gives %q", id, got, want)
		}
	}
}
