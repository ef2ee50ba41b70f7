package report

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// t0 is the fixed clock of every fixture, so goldens stay stable.
var t0 = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

const sentinelEnv = "REPORT_TEST_SENTINEL_KEY"

func fptr(v float64) *float64 { return &v }

func round(v float64, dec int) float64 {
	p := math.Pow(10, float64(dec))
	return math.Round(v*p) / p
}

// fixturePlan is a realistic live test: three models on three strategies.
func fixturePlan(cases int) advisor.Plan {
	p := advisor.Plan{
		Name:       "support bot check",
		DecisionID: 7,
		Endpoints: []advisor.Endpoint{
			{Name: "openai", Kind: advisor.KindOpenAI, BaseURL: "https://api.openai.com/v1", Model: "gpt-4o-mini-2024-07-18", APIKeyEnv: sentinelEnv, CatalogID: "gpt-4o-mini", PriceInPer1M: fptr(0.15), PriceOutPer1M: fptr(0.6)},
			{Name: "azure", Kind: advisor.KindAzure, BaseURL: "https://contoso.openai.azure.com", Model: "gpt-4o", APIKeyEnv: sentinelEnv, Deployment: "gpt4o-prod", CatalogID: "gpt-4o", PriceInPer1M: fptr(2.5), PriceOutPer1M: fptr(10)},
			{Name: "local", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:11434/v1", Model: "meta-llama/Llama-3.1-8B-Instruct", CatalogID: "llama-3.1-8b"},
		},
		Strategies:  []string{advisor.StrategyZeroShot, advisor.StrategyFewShot, advisor.StrategyRAG},
		FewShot:     []advisor.Example{{Input: "Posso trocar um produto?", Output: "Sim, em até 30 dias com a nota fiscal."}},
		Documents:   "./docs",
		System:      "Você é o assistente de suporte da Loja Exemplo.",
		Concurrency: 4,
		Repeats:     1,
		MaxTokens:   256,
	}
	for i := 0; i < cases; i++ {
		p.Cases = append(p.Cases, advisor.Case{
			Input:    fmt.Sprintf("Pergunta %d: qual é o prazo de devolução para o pedido nº %d?", i, 1000+i),
			Expected: "30 dias",
			Checks:   []string{advisor.CheckContains},
		})
	}
	return p
}

// fixtureResults simulates the run deterministically: the bigger model is
// better and slower, retrieval helps, a few requests fail.
func fixtureResults(p advisor.Plan, repeats int) []advisor.Result {
	rng := rand.New(rand.NewPCG(42, 7))
	var out []advisor.Result
	base := map[string][3]float64{ // quality, latency ms, ttft ms
		"openai": {0.72, 900, 280},
		"azure":  {0.86, 1500, 420},
		"local":  {0.55, 2300, 650},
	}
	boost := map[string]float64{advisor.StrategyZeroShot: 0, advisor.StrategyFewShot: 0.06, advisor.StrategyRAG: 0.15}
	n := 0
	for ei, ep := range p.Endpoints {
		b, ok := base[ep.Name]
		if !ok {
			b = [3]float64{0.4 + 0.04*float64(ei%10), 700 + 150*float64(ei), 200 + 30*float64(ei)}
		}
		for _, st := range p.Strategies {
			for ci := range p.Cases {
				for rep := 0; rep < repeats; rep++ {
					r := advisor.Result{
						RunID: 12, Endpoint: ep.Name, Model: ep.Model, Strategy: st, Case: ci, Repeat: rep,
						TTFTMs:    b[2] * (0.8 + 0.4*rng.Float64()),
						LatencyMs: b[1] * (0.7 + 0.8*rng.Float64()),
						QueueMs:   5 * rng.Float64(),
						TokensIn:  180 + rng.IntN(60), TokensOut: 40 + rng.IntN(80),
						StartedAt: t0.Add(time.Duration(n) * time.Second), EndedAt: t0.Add(time.Duration(n)*time.Second + 900*time.Millisecond),
					}
					if st == advisor.StrategyRAG {
						r.TokensIn += 600
					}
					if ep.PriceInPer1M != nil {
						r.CostUSD = (float64(r.TokensIn)**ep.PriceInPer1M + float64(r.TokensOut)**ep.PriceOutPer1M) / 1e6
					} else {
						r.TokensEstimated = true
					}
					q := b[0] + boost[st]
					if rng.Float64() < q {
						r.Score, r.Passed = 1, true
						r.Output = fmt.Sprintf("O prazo de devolução é de 30 dias a partir da entrega do pedido nº %d. Guarde a nota fiscal — ela é necessária.", 1000+ci)
					} else {
						r.Score = 0
						r.Output = "Não tenho essa informação; por favor, entre em contato com o atendimento."
					}
					r.Checks = []advisor.CheckResult{{Check: advisor.CheckContains, Score: r.Score, Reason: "expected text"}}
					if ep.Name == "local" && ci%9 == 4 {
						r = advisor.Result{RunID: 12, Endpoint: ep.Name, Model: ep.Model, Strategy: st, Case: ci, Repeat: rep, ErrorClass: advisor.ErrTimeout, ErrorMessage: "no answer within 60s", LatencyMs: 60000, StartedAt: r.StartedAt, EndedAt: r.EndedAt}
					}
					if ep.Name == "azure" && ci%13 == 7 && st == advisor.StrategyFewShot {
						r = advisor.Result{RunID: 12, Endpoint: ep.Name, Model: ep.Model, Strategy: st, Case: ci, Repeat: rep, ErrorClass: advisor.ErrRateLimited, ErrorMessage: "429 Too Many Requests", StartedAt: r.StartedAt, EndedAt: r.EndedAt}
					}
					// Round as a database column would, so the goldens do not
					// depend on the last bits of floating point.
					r.TTFTMs, r.LatencyMs, r.QueueMs = round(r.TTFTMs, 1), round(r.LatencyMs, 1), round(r.QueueMs, 1)
					r.CostUSD = round(r.CostUSD, 9)
					out = append(out, r)
					n++
				}
			}
		}
	}
	return out
}

func fixtureRecommendation(lang string) *advisor.Recommendation {
	rec := &advisor.Recommendation{
		Model:    advisor.ModelChoice{Type: advisor.TypeTextLLM, Architecture: advisor.ArchDecoderOnly, Weights: advisor.WeightsEither, Hosting: advisor.HostingManaged, SizeTier: advisor.TierSmall},
		Strategy: advisor.Strategy{Primary: advisor.StepRAG, Plan: []string{advisor.StepPrompting, advisor.StepRAG, advisor.StepFineTuning}},
		Shortlist: []advisor.Shortlisted{
			{ID: "gpt-4o-mini", Name: "GPT-4o mini", MonthlyCostUSD: 41.5, CostKnown: true, Why: "cheap, fast, good at short answers"},
			{ID: "gpt-4o", Name: "GPT-4o", MonthlyCostUSD: 690, CostKnown: true, Why: "best quality in the shortlist"},
			{ID: "mistral-small-3.1", Name: "Mistral Small 3.1 24B Instruct", MonthlyCostUSD: 28, CostKnown: true, Why: "open weights, EU hosting"},
			{ID: "llama-3.1-8b", Name: "Llama 3.1 8B Instruct", MonthlyCostUSD: 12.25, CostKnown: true, SelfHosted: true, Why: "runs on your own GPU"},
			{ID: "phi-4-mini", Name: "Phi-4 mini", Why: "small enough for a laptop"},
		},
		Also: []string{advisor.TypeSpeechToText},
		AlsoShortlist: []advisor.AlsoShortlist{{Type: advisor.TypeSpeechToText, Shortlist: []advisor.Shortlisted{
			{ID: "whisper-1", Name: "Whisper", MonthlyCostUSD: 18, CostKnown: true, Why: "transcribes calls before answering"},
		}}},
		Fired: []advisor.Fired{
			{ID: "S4", Title: "Knowledge that changes", Because: "Your policies change monthly, so the model must look them up (RAG) instead of memorising them.", Source: "https://platform.openai.com/docs/guides/optimizing-llm-accuracy", Strength: "strong"},
			{ID: "S9", Title: "Examples exist", Because: "You have 50–500 labelled examples: enough for few-shot prompts and, later, a fine-tune.", Source: "https://platform.openai.com/docs/guides/fine-tuning"},
		},
		Warnings:        []string{"Hosted fine-tunes stop working when their base model is retired."},
		Conflicts:       []advisor.Conflict{{ID: "C3", Between: []string{"latency=instant", "reasoning=hard"}, Relaxation: "Accept interactive latency (about 2 s) for hard questions."}},
		Assumptions:     []string{"Volume unknown: assumed 100–10,000 requests a day."},
		CostAssumptions: "1,000 requests a day, 800 tokens in and 150 out per request, 30 days.",
		Steps: []advisor.PlanStep{
			{Step: advisor.StepPrompting, Detail: "Start with a system prompt and 3–5 examples.", Gate: "move on when answers miss facts from your documents"},
			{Step: advisor.StepRAG, Detail: "Retrieve passages from your help centre and cite them."},
			{Step: advisor.StepFineTuning, Detail: "Fine-tune a small model for tone.", Gate: "only if evals show format drift"},
		},
		Lang: lang,
	}
	if isPT(lang) {
		rec.Fired[0].Title = "Conhecimento que muda"
		rec.Fired[0].Because = "Suas políticas mudam todo mês; o modelo deve consultá-las (Geração aumentada por recuperação, RAG) em vez de decorá-las."
		rec.Warnings = []string{"Fine-tunes hospedados param de funcionar quando o modelo base é aposentado."}
	}
	return rec
}

// fixture is a full report input: decision, recommendation, run, results.
func fixture(lang string, cases int) Input {
	plan := fixturePlan(cases)
	return Input{
		Title:     "Suporte ao cliente — Loja Exemplo",
		Generated: t0.Add(2 * time.Hour),
		Lang:      lang,
		UseCase:   "Responder dúvidas de clientes sobre trocas, devoluções e prazos de entrega, citando a política da loja.",
		Answers: advisor.Answers{
			UseCase: "Responder dúvidas de clientes", Task: []string{"chat_qa"}, KnowledgeSource: "own_documents",
			ChangeRate: "monthly", Citations: "required", OutputFormat: "free_text", LabeledExamples: "50_500",
			Latency: "interactive", Volume: "100_10k", Sensitivity: "personal", Regulation: advisor.StringList{"gdpr"}, Languages: "few",
		},
		Recommendation: fixtureRecommendation(lang),
		Run:            &RunInfo{ID: 12, Name: plan.Name, Status: advisor.RunDone, StartedAt: t0, EndedAt: t0.Add(14 * time.Minute), Plan: plan},
		Results:        fixtureResults(plan, 1),
		History: []RunPoint{
			{ID: 9, Date: t0.Add(-72 * time.Hour), Quality: 0.61, LatencyP50: 1900, CostPer1K: 2.1},
			{ID: 10, Date: t0.Add(-48 * time.Hour), Quality: 0.68, LatencyP50: 1650, CostPer1K: 2.4},
		},
	}
}
