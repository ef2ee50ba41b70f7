package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/assets"
	"github.com/llm-advisor/llm-advisor/internal/safefile"
	"github.com/llm-advisor/llm-advisor/locale"
)

// newEngine loads the rules engine with the user's overrides; a broken user
// file is reported on stderr and left out (the built-ins keep working).
func newEngine(env Env) (*advisor.Engine, error) {
	eng, err := advisor.NewEngine()
	if err != nil {
		return nil, err
	}
	for _, p := range eng.Problems() {
		fmt.Fprintf(env.Stderr, "llm-advisor: ignoring user file: %v\n", p)
	}
	return eng, nil
}

// runRecommend is `recommend --answers FILE [--json]`.
func runRecommend(env Env) error {
	const usage = "usage: recommend --answers FILE [--json] [--lang en|pt-BR]"
	fs := flag.NewFlagSet("recommend", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	answersPath := fs.String("answers", "", "answers file (JSON)")
	asJSON := fs.Bool("json", false, "print the recommendation as JSON")
	langFlag := fs.String("lang", "", "language of the texts: en or pt-BR (default: the user's locale; English with --json)")
	if err := fs.Parse(env.Args); err != nil {
		return usagef("%v; %s", err, usage)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; %s", fs.Arg(0), usage)
	}
	if *answersPath == "" {
		return usagef("missing --answers FILE; %s", usage)
	}
	a, err := readAnswers(*answersPath)
	if err != nil {
		return err
	}
	eng, err := newEngine(env)
	if err != nil {
		return err
	}
	lang := Lang()
	if *asJSON {
		lang = "en" // stable texts for scripts unless --lang says otherwise
	}
	switch *langFlag {
	case "":
	case "en", "pt-BR":
		lang = *langFlag
	default:
		return usagef("--lang %q is not allowed; allowed values: en, pt-BR", *langFlag)
	}
	rec, err := eng.Recommend(a, lang)
	if err != nil {
		var ae *advisor.AnswerError
		if errors.As(err, &ae) {
			return usagef("%s: %v", *answersPath, err)
		}
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rec)
	}
	writeRecommendation(env.Stdout, rec)
	return nil
}

// readAnswers reads and strictly parses an answers file; every problem is bad input (exit 2).
func readAnswers(path string) (advisor.Answers, error) {
	f, err := safefile.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return advisor.Answers{}, usagef("answers file %s does not exist", path)
		}
		return advisor.Answers{}, usagef("answers file %s: %v", path, err)
	}
	defer f.Close()
	a, err := advisor.ParseAnswers(f)
	if err != nil {
		return advisor.Answers{}, usagef("%s: %v", path, err)
	}
	return a, nil
}

// labels of the readable output, per language.
var recLabels = map[string]map[string]string{
	"en": {
		"title": "Recommendation", "model": "Model", "weights": "weights", "hosting": "hosting", "size": "size",
		"strategy": "Strategy", "main": "main step", "plan": "Plan", "gate": "when to move on",
		"also": "Also needed", "shortlist": "Shortlist (estimated monthly cost)", "month": "a month",
		"noprice": "no price", "costs": "Cost assumptions", "why": "Why (rules that fired)",
		"source": "source", "warnings": "Warnings", "conflicts": "Conflicts", "relax": "to resolve",
		"change": "change the answers", "assumptions": "Assumptions (questions you did not answer)",
		"none": "none", "selfhost": "no API cost (runs on your hardware)", "alsofor": "Also needed:",
	},
	"pt-BR": {
		"title": "Recomendação", "model": "Modelo", "weights": "pesos", "hosting": "hospedagem", "size": "porte",
		"strategy": "Estratégia", "main": "etapa principal", "plan": "Plano", "gate": "quando avançar",
		"also": "Também necessário", "shortlist": "Lista de modelos (custo mensal estimado)", "month": "por mês",
		"noprice": "sem preço", "costs": "Premissas de custo", "why": "Por quê (regras aplicadas)",
		"source": "fonte", "warnings": "Avisos", "conflicts": "Conflitos", "relax": "para resolver",
		"change": "mude as respostas", "assumptions": "Premissas (perguntas que você não respondeu)",
		"none": "nenhum", "selfhost": "sem custo de API (roda no seu hardware)", "alsofor": "Também é preciso:",
	},
}

// plainWords names the contract's words for a non-engineer (model types
// come from the GUI's labels, see plain).
var plainWords = map[string]map[string]string{
	"en": {
		"open": "open", "proprietary": "proprietary", "either": "open or proprietary",
		"managed-service": "managed service", "self-hosted": "on your own hardware", "local-app": "packaged local app",
		"small": "small", "mid": "mid-size", "frontier": "frontier", "reasoning": "reasoning model",
		"prompting": "prompting", "rag": "retrieval (RAG)", "fine-tuning": "fine-tuning", "training": "training",
	},
	"pt-BR": {
		"open": "abertos", "proprietary": "proprietários", "either": "abertos ou proprietários",
		"managed-service": "serviço gerenciado", "self-hosted": "no seu próprio hardware", "local-app": "app local pronto",
		"small": "pequeno", "mid": "médio", "frontier": "de ponta", "reasoning": "modelo de raciocínio",
		"prompting": "prompts", "rag": "recuperação (RAG)", "fine-tuning": "ajuste fino", "training": "treinamento",
	},
}

func plain(lang, w string) string {
	if contains(advisor.ModelTypes, w) {
		// Model types by the names the GUI shows (assets/translations).
		if l, err := assets.Labels(lang); err == nil && l["type."+w] != "" {
			return l["type."+w]
		}
	}
	if s, ok := plainWords[lang][w]; ok {
		return s
	}
	return w
}

// writeRecommendation prints the recommendation for a reader, in rec.Lang.
func writeRecommendation(w io.Writer, rec *advisor.Recommendation) {
	lang := rec.Lang
	if _, ok := recLabels[lang]; !ok {
		lang = "en"
	}
	L := recLabels[lang]
	heading := func(s string) { fmt.Fprintf(w, "\n%s\n%s\n", s, strings.Repeat("=", len([]rune(s)))) }

	heading(L["title"])
	m := rec.Model
	fmt.Fprintf(w, "%s: %s — %s %s, %s %s, %s %s\n", L["model"], plain(lang, m.Type), L["weights"], plain(lang, m.Weights),
		L["hosting"], plain(lang, m.Hosting), L["size"], plain(lang, m.SizeTier))
	steps := make([]string, len(rec.Strategy.Plan))
	for i, s := range rec.Strategy.Plan {
		steps[i] = plain(lang, s)
	}
	fmt.Fprintf(w, "%s: %s (%s: %s)\n", L["strategy"], strings.Join(steps, " → "), L["main"], plain(lang, rec.Strategy.Primary))
	if len(rec.Also) > 0 {
		also := make([]string, len(rec.Also))
		for i, t := range rec.Also {
			also[i] = plain(lang, t)
		}
		fmt.Fprintf(w, "%s: %s\n", L["also"], strings.Join(also, ", "))
	}

	heading(L["plan"])
	for i, s := range rec.Steps {
		fmt.Fprintf(w, "%d. %s: %s\n", i+1, plain(lang, s.Step), s.Detail)
		if s.Gate != "" {
			fmt.Fprintf(w, "   %s: %s\n", L["gate"], s.Gate)
		}
	}

	heading(L["shortlist"])
	if len(rec.Shortlist) == 0 {
		fmt.Fprintln(w, L["none"])
	}
	for _, s := range rec.Shortlist {
		cost := L["noprice"]
		if s.SelfHosted {
			cost = L["selfhost"]
		} else if s.CostKnown {
			cost = usd(lang, s.MonthlyCostUSD) + " " + L["month"]
		}
		fmt.Fprintf(w, "- %s (%s): %s\n  %s\n", s.Name, s.ID, cost, s.Why)
	}
	for _, as := range rec.AlsoShortlist {
		fmt.Fprintf(w, "%s %s:\n", L["alsofor"], plain(lang, as.Type))
		if len(as.Shortlist) == 0 {
			fmt.Fprintf(w, "  %s\n", L["none"])
		}
		for _, s := range as.Shortlist {
			cost := L["noprice"]
			if s.SelfHosted {
				cost = L["selfhost"]
			} else if s.CostKnown {
				cost = usd(lang, s.MonthlyCostUSD) + " " + L["month"]
			}
			fmt.Fprintf(w, "  - %s (%s): %s\n", s.Name, s.ID, cost)
		}
	}
	if rec.CostAssumptions != "" {
		fmt.Fprintf(w, "%s: %s\n", L["costs"], rec.CostAssumptions)
	}

	heading(L["why"])
	for _, f := range rec.Fired {
		fmt.Fprintf(w, "- %s [%s] %s\n  %s\n  %s: %s\n", f.ID, f.Strength, f.Title, f.Because, L["source"], f.Source)
	}
	if len(rec.Warnings) > 0 {
		heading(L["warnings"])
		for _, s := range rec.Warnings {
			fmt.Fprintf(w, "- %s\n", s)
		}
	}
	if len(rec.Conflicts) > 0 {
		heading(L["conflicts"])
		for _, c := range rec.Conflicts {
			fmt.Fprintf(w, "- %s (%s)\n  %s: %s\n", strings.Join(c.Between, " × "), c.ID, L["relax"], c.Relaxation)
			if len(c.Relax) > 0 {
				keys := make([]string, 0, len(c.Relax))
				for k := range c.Relax {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				parts := make([]string, len(keys))
				for i, k := range keys {
					parts[i] = k + "=" + c.Relax[k]
				}
				fmt.Fprintf(w, "  %s: %s\n", L["change"], strings.Join(parts, ", "))
			}
		}
	}
	if len(rec.Assumptions) > 0 {
		heading(L["assumptions"])
		for _, s := range rec.Assumptions {
			fmt.Fprintf(w, "- %s\n", s)
		}
	}
}

// usd formats a monthly cost as every screen does: "$72.00" / "US$ 72,00".
func usd(lang string, v float64) string { return locale.For(lang).Money(v) }
