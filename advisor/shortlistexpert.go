package advisor

import (
	"fmt"
	"math"
	"strings"
)

// The checks of "a shortlist an expert would sign" (issue 12): each says
// whether a model may be listed for these answers, and why not.

// leftOut is why a model was left off the shortlist, in both languages.
// A soft reason (the prompt does not fit the context or the memory) lets the
// model back on, with the reason as a warning, when nothing else is left.
type leftOut struct {
	en, pt string
	soft   bool
}

// businessLicenceOK: the wizard advises businesses, and internal use is
// business use, so a non-commercial or non-production licence never fits.
func businessLicenceOK(m Model) bool {
	switch m.LicenseClass {
	case LicenseNonCommercial, LicenseNonProduction:
		return false
	}
	l := strings.ToLower(m.License)
	return !strings.Contains(l, "non-production") && !strings.Contains(l, "non-commercial") && !strings.Contains(l, "cc-by-nc")
}

// langPrimary is the primary subtag of a BCP 47 code: pt-BR → pt.
func langPrimary(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	if i := strings.IndexAny(code, "-_"); i > 0 {
		code = code[:i]
	}
	return code
}

// languageFit says whether m handles every language of list: known yes,
// known no, or not stated (unknown).
func languageFit(m Model, list []string) (ok, known bool) {
	if len(list) == 0 {
		return true, true
	}
	if len(m.LanguageList) > 0 {
		have := map[string]bool{}
		for _, l := range m.LanguageList {
			have[langPrimary(l)] = true
		}
		for _, l := range list {
			if !have[langPrimary(l)] {
				return false, true
			}
		}
		return true, true
	}
	onlyEnglish := true
	for _, l := range list {
		if langPrimary(l) != "en" {
			onlyEnglish = false
		}
	}
	switch m.Languages {
	case "many":
		return true, true
	case "english_only":
		return onlyEnglish, true
	}
	if onlyEnglish && isLanguageModel(m.Type) {
		return true, false
	}
	return true, false
}

func isLanguageModel(t string) bool {
	return t == TypeTextLLM || t == TypeMultimodalLLM || t == TypeCodeLLM
}

// wantsAgent reports whether the use case has the model act through tools.
func wantsAgent(a Answers) bool {
	return contains(a.Task, "agent")
}

// canCallTools: models.dev says so (tool_call), or a curated entry lists the agent task.
func canCallTools(m Model) bool { return m.ToolCall || contains(m.Tasks, "agent") }

// OpenAIFineTuneClose is when OpenAI's self-serve fine-tuning stops taking
// new jobs from its remaining active customers (deprecations page,
// 2026-05-07 notice); organisations that never fine-tuned lost it then.
const OpenAIFineTuneClose = "2027-01-06"

// fineTuneWhere is where the user can run a fine-tuning job for m, or "".
func fineTuneWhere(m Model, selfHost bool, today string) string {
	if selfHost && m.Weights == WeightsOpen && selfHostable(m) {
		return "self"
	}
	for _, p := range m.FineTune {
		if p == "self" {
			if selfHost && m.Weights == WeightsOpen {
				return "self"
			}
			continue
		}
		if selfHost {
			continue
		}
		if p == "openai" {
			continue // closed to organisations that never used it; closes for all on OpenAIFineTuneClose
		}
		if p == m.ProviderID || m.ProviderID == "" {
			return p
		}
	}
	return ""
}

// fineTunePlace names where the job runs, in lang.
func fineTunePlace(where, lang string) string {
	names := map[string][2]string{
		"self":           {"on your own hardware (LoRA adapters you keep)", "no seu próprio hardware (adaptadores LoRA que ficam com você)"},
		"openai":         {"on OpenAI's self-serve fine-tuning, which closes to new jobs on " + OpenAIFineTuneClose + " and already refuses organisations that never used it", "no ajuste fino self-service da OpenAI, que deixa de aceitar novos trabalhos em " + OpenAIFineTuneClose + " e já recusa organizações que nunca o usaram"},
		"azure":          {"on Azure OpenAI fine-tuning", "no ajuste fino do Azure OpenAI"},
		"google-vertex":  {"on Vertex AI tuning", "no ajuste (tuning) do Vertex AI"},
		"mistral":        {"on Mistral's fine-tuning API", "na API de ajuste fino da Mistral"},
		"togetherai":     {"on Together AI fine-tuning", "no ajuste fino da Together AI"},
		"amazon-bedrock": {"on Amazon Bedrock custom models", "nos modelos personalizados do Amazon Bedrock"},
	}
	n, ok := names[where]
	if !ok {
		n = [2]string{"on " + where, "em " + where}
	}
	if lang == LangPT {
		return n[1]
	}
	return n[0]
}

// kvCacheGB is the memory the KV cache takes at tokens of context (16-bit
// cache). Where the catalog has no figure for the model it is estimated from
// the parameter count (grouped-query attention as in Llama 3.1 8B, 128 KiB a
// token), and estimated is true.
func kvCacheGB(m Model, tokens int) (gb float64, estimated bool) {
	kb := m.KVCacheKBPerToken
	if kb <= 0 {
		p := m.ParamsB
		if p <= 0 {
			p = 8
		}
		kb = 128 * pow(p/8, 0.45)
		estimated = true
	}
	return kb * float64(tokens) / (1024 * 1024), estimated
}

func pow(x, y float64) float64 { return math.Pow(x, y) }

// WeightsGB is the memory the weights take at bits per parameter, plus 10 %
// for the runtime; 0 when the parameter count is unknown.
func WeightsGB(m Model, bits float64) float64 {
	if m.ParamsB <= 0 {
		return 0
	}
	return m.ParamsB * bits / 8 * 1.1
}

// Fit is whether a self-hosted model fits the user's hardware.
type Fit struct {
	Verdict    string  `json:"verdict"` // fits | tight | does_not_fit | unknown
	NeedGB     float64 `json:"need_gb"`
	WeightsGB  float64 `json:"weights_gb"`
	KVCacheGB  float64 `json:"kv_cache_gb"`
	HaveGB     float64 `json:"have_gb"`
	Tokens     int     `json:"context_tokens"`
	Bits       float64 `json:"bits"`
	KVEstimate bool    `json:"kv_estimated,omitempty"`
}

// Fit verdicts.
const (
	FitsYes   = "fits"
	FitsTight = "tight"
	FitsNo    = "does_not_fit"
	FitsUnk   = "unknown"
)

// RunsOn says whether an open-weight model runs on hardware (an answer
// value such as laptop_16gb) at tokens of context: weights at 4-bit (the
// catalog's min_memory_gb when it has one) plus the KV cache. Over 85 % of
// the memory is tight.
func RunsOn(m Model, hardware string, tokens int) Fit {
	f := Fit{Verdict: FitsUnk, Tokens: tokens, Bits: 4, HaveGB: hardwareGB(hardware)}
	f.WeightsGB = WeightsGB(m, 4)
	if m.MinMemoryGB > 0 {
		f.WeightsGB = m.MinMemoryGB
	}
	if f.WeightsGB <= 0 {
		return f
	}
	f.KVCacheGB, f.KVEstimate = kvCacheGB(m, tokens)
	f.NeedGB = round1(f.WeightsGB + f.KVCacheGB)
	f.KVCacheGB = round1(f.KVCacheGB)
	f.WeightsGB = round1(f.WeightsGB)
	switch {
	case f.HaveGB < 0:
		f.Verdict = FitsUnk
	case f.NeedGB > f.HaveGB:
		f.Verdict = FitsNo
	case f.NeedGB > 0.85*f.HaveGB:
		f.Verdict = FitsTight
	default:
		f.Verdict = FitsYes
	}
	return f
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

// contextNeed is the tokens one request puts through the model.
func (u usage) contextNeed() int { return u.inTokens() + u.out }

// expertCheck says whether m may be shortlisted for a, run the way
// selfHost says, and if not, why.
func (r *run) expertCheck(m Model, a Answers, u usage, selfHost bool) *leftOut {
	if !businessLicenceOK(m) {
		return &leftOut{
			fmt.Sprintf("%s: its licence (%s) does not allow business use, and internal use is business use", m.Name, m.License),
			fmt.Sprintf("%s: a licença (%s) não permite uso empresarial, e uso interno é uso empresarial", m.Name, m.License), false}
	}
	if a.Residency == "country" && a.ResidencyCountry != "" && !selfHost {
		if !containsFold(m.Countries, a.ResidencyCountry) {
			return &leftOut{
				fmt.Sprintf("%s: no stated deployment that keeps data in %s", m.Name, strings.ToUpper(a.ResidencyCountry)),
				fmt.Sprintf("%s: nenhuma implantação declarada que mantenha os dados em %s", m.Name, strings.ToUpper(a.ResidencyCountry)), false}
		}
	}
	if isLanguageModel(m.Type) {
		if ok, known := languageFit(m, a.LanguageList); !ok && known {
			return &leftOut{
				fmt.Sprintf("%s: does not list %s among its languages", m.Name, strings.Join(a.LanguageList, ", ")),
				fmt.Sprintf("%s: não inclui %s entre os idiomas que suporta", m.Name, strings.Join(a.LanguageList, ", ")), false}
		}
		if wantsAgent(a) && !canCallTools(m) {
			return &leftOut{
				fmt.Sprintf("%s: cannot call tools, which an agent needs", m.Name),
				fmt.Sprintf("%s: não chama ferramentas, o que um agente exige", m.Name), false}
		}
		if need := u.contextNeed(); m.ContextTokens > 0 && need > m.ContextTokens {
			return &leftOut{
				fmt.Sprintf("%s: a request of about %s tokens does not fit its %s-token context", m.Name, fmtInt(float64(need), LangEN), fmtInt(float64(m.ContextTokens), LangEN)),
				fmt.Sprintf("%s: uma requisição de cerca de %s tokens não cabe no contexto de %s tokens", m.Name, fmtInt(float64(need), LangPT), fmtInt(float64(m.ContextTokens), LangPT)), true}
		}
		if selfHost && a.Deployment != "own_cloud_tenant" {
			if f := RunsOn(m, a.Hardware, u.contextNeed()); f.Verdict == FitsNo && u.contextNeed() > 8000 {
				return &leftOut{
					fmt.Sprintf("%s: at %s tokens of prompt it needs about %g GB (weights %g + KV cache %g), more than your %g GB", m.Name, fmtInt(float64(f.Tokens), LangEN), f.NeedGB, f.WeightsGB, f.KVCacheGB, f.HaveGB),
					fmt.Sprintf("%s: com %s tokens de prompt precisa de cerca de %s GB (pesos %s + cache KV %s), mais que os seus %s GB", m.Name, fmtInt(float64(f.Tokens), LangPT), gbPT(f.NeedGB), gbPT(f.WeightsGB), gbPT(f.KVCacheGB), gbPT(f.HaveGB)), true}
			}
		}
	}
	if r.plan[StepFineTuning] != nil && r.plan[StepFineTuning].in && isLanguageModel(m.Type) {
		if fineTuneWhere(m, selfHost, r.e.today) == "" {
			return &leftOut{
				fmt.Sprintf("%s: cannot be fine-tuned anywhere you could run the job", m.Name),
				fmt.Sprintf("%s: não pode ser ajustado (fine-tuning) em nenhum lugar onde você possa rodar o treino", m.Name), false}
		}
	}
	return nil
}

func gbPT(v float64) string { return strings.Replace(fmt.Sprintf("%g", v), ".", ",", 1) }

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// makerRisk: a model served by a cloud or host inherits its maker's
// retirement (an expert does not start a project on a model its maker is
// retiring, whatever the host's own calendar says).
func (e *Engine) makerRisk(m Model, byID map[string]int) (Model, bool) {
	if m.APIModel == "" || m.ID == m.APIModel {
		return Model{}, false
	}
	for _, id := range []string{m.APIModel, stripSnapshot(m.APIModel)} {
		if i, ok := byID[id]; ok {
			mk := e.catalog[i]
			if mk.FromModelsDev && firstParty[mk.ProviderID] && mk.LifecycleRisk(e.today) {
				return mk, true
			}
		}
	}
	return Model{}, false
}

// stripSnapshot cuts a dated or variant suffix off a model id
// (gpt-3.5-turbo-0301, gpt-4o-2024-08-06, claude-3-haiku-20240307,
// gpt-3.5-turbo-instruct): the regular expression
// (-\d{4}(-\d{2}-\d{2})?|-\d{8}|-instruct)$ written out, as the shortlist
// asks it of every catalog model on every recommendation.
func stripSnapshot(id string) string {
	if s, ok := strings.CutSuffix(id, "-instruct"); ok {
		return s
	}
	n := len(id)
	switch {
	case n >= 11 && id[n-11] == '-' && digits(id[n-10:n-6]) && id[n-6] == '-' && digits(id[n-5:n-3]) && id[n-3] == '-' && digits(id[n-2:]):
		return id[:n-11] // -2024-08-06
	case n >= 9 && id[n-9] == '-' && digits(id[n-8:]):
		return id[:n-9] // -20240307
	case n >= 5 && id[n-5] == '-' && digits(id[n-4:]):
		return id[:n-5] // -0301
	}
	return id
}

// digits tells whether s is ASCII digits only.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normName is the key under which offerings of one model are listed once.
func normName(m Model) string {
	n := strings.ToLower(m.Name)
	n = strings.TrimSpace(strings.TrimSuffix(n, "(latest)"))
	return n
}

// PromptTokens is how many tokens one request of the use case puts through
// the model (instructions, examples, retrieved passages, input and answer),
// the context a self-hosted model must hold; the whole document set counts
// when the answers say it goes in the prompt.
func PromptTokens(a Answers) int {
	u := usageFor(a)
	if a.KnowledgeSource != "" && a.KnowledgeSource != "general_only" && (a.KBSize == "lt_50_pages" || a.KBSize == "50_500") && a.ChangeRate != "weekly" && a.ChangeRate != "daily_or_live" {
		u = u.withPlan(a, false)
	}
	return u.contextNeed()
}
