package advisor

import (
	"fmt"
	"math"

	"github.com/llm-advisor/llm-advisor/locale"
)

// usage is the traffic behind a monthly cost estimate (decision-guidance §3.3).
type usage struct {
	requestsPerDay float64
	system         int // system prompt and instructions
	fewShot        int // examples in the prompt
	retrieved      int // retrieved chunks (RAG) or injected knowledge
	userInput      int
	out            int
	audioMinutes   float64 // per request, speech-to-text
	batch          bool    // batch API at 50%
	longContext    bool    // the whole document set is in the prompt (no retrieval)
}

func (u usage) inTokens() int { return u.system + u.fewShot + u.retrieved + u.userInput }

func (u usage) requestsPerMonth() float64 { return u.requestsPerDay * 30 }

// usageFor derives the traffic from the answers; unknown answers take the
// middle of the road and are named in the cost assumptions.
func usageFor(a Answers) usage {
	u := usage{system: 500, userInput: 500, out: 500}
	switch a.Volume {
	case "lt_100":
		u.requestsPerDay = 50
	case "10k_1m":
		u.requestsPerDay = 50_000
	case "gt_1m":
		u.requestsPerDay = 1_500_000
	default: // 100_10k or unknown
		u.requestsPerDay = 1_000
	}
	switch a.InputLength {
	case "long":
		u.userInput, u.audioMinutes = 40_000, 30 // ~100 pages at ~400 tokens/page
	case "very_long":
		u.userInput, u.audioMinutes = 160_000, 90 // ~400 pages
	default:
		u.audioMinutes = 5
	}
	if a.KnowledgeSource != "" && a.KnowledgeSource != "general_only" {
		u.retrieved = 2_000 // top-3..5 chunks of ~400 words [MANNING-COST]
	}
	task := a.MainTask()
	if task == "classify" || task == "extract" || a.OutputFormat == "template_or_json" || a.OutputFormat == "brand_voice" || a.OutputFormat == "labels_only" {
		u.fewShot = 1_000
	}
	switch {
	case task == "classify" || a.OutputFormat == "labels_only":
		u.out = 10
	case task == "extract" || a.OutputFormat == "template_or_json":
		u.out = 300
	case task == "summarize":
		u.out = 400
	case task == "write":
		u.out = 800
	case task == "code":
		u.out = 600
	}
	u.batch = a.Latency == "batch_overnight"
	return u
}

// kbTokens is the size of a whole document set in tokens (~400 a page), for
// long-context prompting.
func kbTokens(kbSize string) int {
	switch kbSize {
	case "lt_50_pages":
		return 50 * 400
	case "50_500":
		return 300 * 400
	case "500_5000":
		return 2000 * 400
	case "gt_5000":
		return 10000 * 400
	}
	return 0
}

// withPlan adjusts the traffic to the plan: when your own documents are used
// without retrieval, the whole set goes into every prompt.
func (u usage) withPlan(a Answers, hasRAG bool) usage {
	if !hasRAG && a.KnowledgeSource != "" && a.KnowledgeSource != "general_only" {
		if n := kbTokens(a.KBSize); n > 0 {
			u.retrieved, u.longContext = n, true
		}
	}
	return u
}

// selfHostedFor reports whether the answers rule out a hosted API, so a
// model would run on the user's own hardware.
func selfHostedFor(a Answers) bool {
	switch a.Deployment {
	case "own_servers", "on_device", "offline":
		return true
	}
	return a.Residency == "on_prem_only"
}

// EstimateMonthlyCost is the monthly API cost in USD of running model m for
// the use case in a, assuming retrieval (about 2,000 tokens of passages per
// request) whenever the answers name your own knowledge (decision-guidance §3.3: requests × (in × price_in + out
// × price_out) / 1M; per minute of audio or per image where the model is
// priced that way; batch at 50%). When the answers rule out hosted APIs and
// the model can be self-hosted, the API cost is 0 (hardware is needed
// instead). ok is false when the catalog has no price for the way the model
// would be used.
func EstimateMonthlyCost(m Model, a Answers) (usd float64, ok bool) {
	return costFor(m, usageFor(a), selfHostedFor(a) || (m.Weights == WeightsOpen && !contains(m.Hosting, HostingManaged)))
}

func costFor(m Model, u usage, selfHost bool) (float64, bool) {
	if selfHost && (contains(m.Hosting, HostingSelfHosted) || contains(m.Hosting, HostingLocalApp)) {
		return 0, true
	}
	if !contains(m.Hosting, HostingManaged) {
		return 0, false
	}
	reqs := u.requestsPerMonth()
	var usd float64
	switch m.PriceUnit {
	case PriceMinute:
		if m.PricePerUnit <= 0 {
			return 0, false
		}
		usd = reqs * u.audioMinutes * m.PricePerUnit
	case PriceImage:
		if m.PricePerUnit <= 0 {
			return 0, false
		}
		usd = reqs * m.PricePerUnit
	default:
		if m.PriceInPer1M <= 0 && m.PriceOutPer1M <= 0 {
			return 0, false
		}
		out := u.out
		if m.Type == TypeEmbedding {
			out = 0 // a query vector, no generated tokens
		}
		in := u.inTokens()
		if m.Type == TypeEmbedding {
			in = u.userInput
		}
		usd = reqs * (float64(in)*m.PriceInPer1M + float64(out)*m.PriceOutPer1M) / 1e6
	}
	if u.batch {
		usd /= 2
	}
	return math.Round(usd*100) / 100, true
}

// costAssumptions states the traffic behind the monthly costs, in lang.
func costAssumptions(a Answers, u usage, mainType, lang string) string {
	reqs := fmtInt(u.requestsPerMonth(), lang)
	perDay := fmtInt(u.requestsPerDay, lang)
	batch := ""
	switch mainType {
	case TypeSpeechToText:
		if lang == LangPT {
			s := fmt.Sprintf("%s requisições por mês (%s por dia, pela faixa de volume) × %.0f minutos de áudio cada; modelos auto-hospedados: custo de API zero, mas exigem hardware próprio.", reqs, perDay, u.audioMinutes)
			return s
		}
		return fmt.Sprintf("%s requests a month (%s a day, from the volume band) × %.0f minutes of audio each; self-hosted models: no API cost, but they need your own hardware.", reqs, perDay, u.audioMinutes)
	case TypeEmbedding:
		if lang == LangPT {
			return fmt.Sprintf("%s consultas por mês (%s por dia, pela faixa de volume) × %s tokens cada; indexar seus documentos é um custo único à parte; modelos auto-hospedados: custo de API zero, mas exigem hardware próprio.", reqs, perDay, fmtInt(float64(u.userInput), lang))
		}
		return fmt.Sprintf("%s queries a month (%s a day, from the volume band) × %s tokens each; indexing your documents is a separate one-off cost; self-hosted models: no API cost, but they need your own hardware.", reqs, perDay, fmtInt(float64(u.userInput), lang))
	case TypeImageGeneration:
		if lang == LangPT {
			return fmt.Sprintf("%s imagens por mês (%s por dia, pela faixa de volume), uma por requisição; modelos auto-hospedados: custo de API zero, mas exigem GPU própria.", reqs, perDay)
		}
		return fmt.Sprintf("%s images a month (%s a day, from the volume band), one per request; self-hosted models: no API cost, but they need your own GPU.", reqs, perDay)
	}
	if u.batch {
		if lang == LangPT {
			batch = " API em lote a 50% do preço."
		} else {
			batch = " Batch API at 50% of the price."
		}
	}
	if u.longContext {
		if lang == LangPT {
			batch += " Os custos não descontam o cache de prompt, que cobra o conjunto de documentos repetido por uma fração do preço."
		} else {
			batch += " Costs are before prompt-caching discounts, which bill the repeated document set at a fraction of the price."
		}
	}
	what, whatPT := "retrieved chunks", "de trechos recuperados"
	if u.longContext {
		what, whatPT = "your whole document set", "do seu conjunto inteiro de documentos"
	}
	if lang == LangPT {
		return fmt.Sprintf("%s requisições por mês (%s por dia, pela faixa de volume); %s tokens de entrada por requisição (%s de instruções + %s de exemplos + %s %s + %s da entrada do usuário, ~400 tokens por página) e %s tokens de saída; preços por 1M de tokens na data indicada em cada modelo.%s Modelos auto-hospedados: custo de API zero, mas exigem hardware próprio.",
			reqs, perDay, fmtInt(float64(u.inTokens()), lang), fmtInt(float64(u.system), lang), fmtInt(float64(u.fewShot), lang), fmtInt(float64(u.retrieved), lang), whatPT, fmtInt(float64(u.userInput), lang), fmtInt(float64(u.out), lang), batch)
	}
	return fmt.Sprintf("%s requests a month (%s a day, from the volume band); %s input tokens per request (%s instructions + %s examples + %s %s + %s user input, ~400 tokens a page) and %s output tokens; prices per 1M tokens as of each model's date.%s Self-hosted models: no API cost, but they need your own hardware.",
		reqs, perDay, fmtInt(float64(u.inTokens()), lang), fmtInt(float64(u.system), lang), fmtInt(float64(u.fewShot), lang), fmtInt(float64(u.retrieved), lang), what, fmtInt(float64(u.userInput), lang), fmtInt(float64(u.out), lang), batch)
}

// fmtInt writes 30000 as "30,000" (en) or "30.000" (pt-BR).
func fmtInt(f float64, lang string) string { return locale.For(lang).Number(f, 0) }

// hardwareGB is the memory the hardware answer offers for model weights.
func hardwareGB(h string) float64 {
	switch h {
	case "laptop_16gb":
		return 16
	case "gpu_24gb":
		return 24
	case "gpu_48gb":
		return 48
	case "gpu_80gb_plus":
		return 80
	case "cluster":
		return 1e6
	case "none":
		return 0
	}
	return -1
}
