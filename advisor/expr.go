package advisor

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// RuleEnv is what a rule's `when` condition sees (github.com/expr-lang/expr,
// type-checked when the rules load). Answer keys keep the contract's names and
// hold the answers after the conservative assumptions; the state fields hold
// what earlier stages decided; the functions compare and look things up.
//
// Functions:
//
//	atLeast(value, threshold)  ordinal comparison inside one answer's value list,
//	                           e.g. atLeast(labeled_examples, "50_500"); false when unknown
//	atMost(value, threshold)   the same, the other way
//	known(key)                 the user answered key (no assumption was needed)
//	fired(id)                  the rule id fired earlier in this evaluation
//	plan_has(step)             the plan so far contains the step
//	has_task(t)                t is the main task or one of the further tasks
//	budget_band_for(usd)       the budget_monthly band that covers a monthly cost
//	has_language(prefix)       a language_list tag is prefix or starts with prefix + "-"
//	                           (has_language("pt") holds for pt-BR)
//	only_language(prefix)      every language_list tag is that language (and the list is not empty)
type RuleEnv struct {
	Task            string   `expr:"task"`  // the main task
	Tasks           []string `expr:"tasks"` // every task, the main one first
	KnowledgeSource string   `expr:"knowledge_source"`
	ChangeRate      string   `expr:"change_rate"`
	KBSize          string   `expr:"kb_size"`
	Citations       string   `expr:"citations"`
	OutputFormat    string   `expr:"output_format"`
	LabeledExamples string   `expr:"labeled_examples"`
	DomainCorpus    string   `expr:"domain_corpus"`
	Latency         string   `expr:"latency"`
	Volume          string   `expr:"volume"`
	InputLength     string   `expr:"input_length"`
	BudgetMonthly   string   `expr:"budget_monthly"`
	BudgetBuild     string   `expr:"budget_build"`
	Sensitivity     string   `expr:"sensitivity"`
	Regulation      string   `expr:"regulation"`
	Residency       string   `expr:"residency"`
	Deployment      string   `expr:"deployment"`
	Hardware        string   `expr:"hardware"`
	LicenseNeeds    string   `expr:"license_needs"`
	TeamSkills      string   `expr:"team_skills"`
	ErrorCost       string   `expr:"error_cost"`
	Languages       string   `expr:"languages"`
	Reasoning       string   `expr:"reasoning"`
	TimeToValue     string   `expr:"time_to_value"`
	Lifecycle       string   `expr:"lifecycle"`
	EvalSet         string   `expr:"eval_set"`

	// Additions (2026-12). regulation above is the first regulation named
	// (for older rules); regulations holds them all: "lgpd" in regulations.
	Regulations      []string `expr:"regulations"`
	ResidencyCountry string   `expr:"residency_country"`  // ISO 3166-1 alpha-2, "" unknown
	Currency         string   `expr:"currency"`           // USD when not given
	ExchangeRate     float64  `expr:"exchange_rate"`      // units of currency per USD (the user's, else the dated default); 1 for USD
	BudgetMonthlyUSD float64  `expr:"budget_monthly_usd"` // the exact monthly budget in USD; -1 when not given
	BudgetBuildUSD   float64  `expr:"budget_build_usd"`   // the exact build budget in USD; -1 when not given
	CloudAlready     []string `expr:"cloud_already"`
	BuildOrBuy       string   `expr:"build_or_buy"`
	LanguageList     []string `expr:"language_list"` // BCP 47 tags, canonical (pt-BR, en)
	AgentActions     string   `expr:"agent_actions"`
	StructuredOutput string   `expr:"structured_output"`

	// State decided by earlier rules ("" while undecided).
	ModelType    string `expr:"model_type"`
	Architecture string `expr:"architecture"`
	Weights      string `expr:"weights"`
	Hosting      string `expr:"hosting"`
	SizeTier     string `expr:"size_tier"`
	Primary      string `expr:"primary"`

	// Set once the shortlist is built (stages 6 and 7); before that
	// cheapest_cost is -1 and the list is empty.
	CheapestCost      float64  `expr:"cheapest_cost"`      // USD/month of the cheapest priced shortlisted model; -1 unknown
	BudgetCap         float64  `expr:"budget_cap"`         // upper bound of budget_monthly in USD; -1 when unknown or open-ended
	ShortlistCount    int      `expr:"shortlist_count"`    // models on the shortlist
	ShortlistLicenses []string `expr:"shortlist_licenses"` // licences of the shortlisted models

	AtLeast       func(value, threshold string) bool `expr:"atLeast"`
	AtMost        func(value, threshold string) bool `expr:"atMost"`
	Known         func(key string) bool              `expr:"known"`
	Fired         func(id string) bool               `expr:"fired"`
	PlanHas       func(step string) bool             `expr:"plan_has"`
	HasTask       func(task string) bool             `expr:"has_task"`
	BudgetBandFor func(usd float64) string           `expr:"budget_band_for"`
	HasLanguage   func(prefix string) bool           `expr:"has_language"`
	OnlyLanguage  func(prefix string) bool           `expr:"only_language"`
}

// compileBool compiles a condition against RuleEnv; a type error is reported
// here, when the rules load, not when a user asks for a recommendation.
func compileBool(src string) (*vm.Program, error) {
	if src == "" {
		return nil, fmt.Errorf("empty condition")
	}
	return expr.Compile(src, expr.Env(&RuleEnv{}), expr.AsBool())
}

// compileString compiles an expression that must yield a string.
func compileString(src string) (*vm.Program, error) {
	return expr.Compile(src, expr.Env(&RuleEnv{}), expr.AsKind(reflect.String))
}

// ordinal reports the positions of a and b in the first answer value list
// that holds both (answers' value lists are ordered from least to most).
func ordinal(a, b string) (int, int, bool) {
	if a == "" || b == "" {
		return 0, 0, false
	}
	for _, q := range Questions {
		ia, ib := -1, -1
		for i, v := range q.Values {
			if v == a {
				ia = i
			}
			if v == b {
				ib = i
			}
		}
		if ia >= 0 && ib >= 0 {
			return ia, ib, true
		}
	}
	return 0, 0, false
}

func atLeast(v, min string) bool {
	a, b, ok := ordinal(v, min)
	return ok && a >= b
}

func atMost(v, max string) bool {
	a, b, ok := ordinal(v, max)
	return ok && a <= b
}

// budgetCapUSD is the upper bound of a budget band; -1 when open-ended or unknown.
func budgetCapUSD(band string) float64 {
	switch band {
	case "0":
		return 0
	case "lt_100":
		return 100
	case "100_1k":
		return 1000
	case "1k_10k":
		return 10000
	}
	return -1
}

// budgetBandFor is the budget_monthly band that covers usd per month.
func budgetBandFor(usd float64) string {
	switch {
	case usd <= 0:
		return "0"
	case usd < 100:
		return "lt_100"
	case usd < 1000:
		return "100_1k"
	case usd < 10000:
		return "1k_10k"
	}
	return "gt_10k"
}

// budgetBuildBandFor is the budget_build band that covers a one-off amount.
func budgetBuildBandFor(usd float64) string {
	if usd >= 1_000_000 {
		return "gt_1m"
	}
	return budgetBandFor(usd)
}

// setAnswers copies answers into the environment.
func (env *RuleEnv) setAnswers(a Answers) {
	env.Task = a.MainTask()
	env.Tasks = a.Task
	if env.Tasks == nil {
		env.Tasks = []string{}
	}
	env.KnowledgeSource = a.KnowledgeSource
	env.ChangeRate = a.ChangeRate
	env.KBSize = a.KBSize
	env.Citations = a.Citations
	env.OutputFormat = a.OutputFormat
	env.LabeledExamples = a.LabeledExamples
	env.DomainCorpus = a.DomainCorpus
	env.Latency = a.Latency
	env.Volume = a.Volume
	env.InputLength = a.InputLength
	env.BudgetMonthly = a.BudgetMonthly
	env.BudgetBuild = a.BudgetBuild
	env.Sensitivity = a.Sensitivity
	env.Regulation = ""
	if len(a.Regulation) > 0 {
		env.Regulation = a.Regulation[0]
	}
	env.Regulations = nonNil(a.Regulation)
	env.ResidencyCountry = a.ResidencyCountry
	env.Currency = a.Currency
	if env.Currency == "" {
		env.Currency = "USD"
	}
	env.ExchangeRate = MoneyOf(a).PerUSD
	env.BudgetMonthlyUSD = amountUSD(a.BudgetMonthlyAmount, env.ExchangeRate)
	env.BudgetBuildUSD = amountUSD(a.BudgetBuildAmount, env.ExchangeRate)
	env.CloudAlready = nonNil(a.CloudAlready)
	env.BuildOrBuy = a.BuildOrBuy
	env.LanguageList = nonNil(a.LanguageList)
	env.AgentActions = a.AgentActions
	env.StructuredOutput = a.StructuredOutput
	env.Residency = a.Residency
	env.Deployment = a.Deployment
	env.Hardware = a.Hardware
	env.LicenseNeeds = a.LicenseNeeds
	env.TeamSkills = a.TeamSkills
	env.ErrorCost = a.ErrorCost
	env.Languages = a.Languages
	env.Reasoning = a.Reasoning
	env.TimeToValue = a.TimeToValue
	env.Lifecycle = a.Lifecycle
	env.EvalSet = a.EvalSet
}

func nonNil[T ~[]string](l T) []string {
	if l == nil {
		return []string{}
	}
	return []string(l)
}

// amountUSD converts an amount in the user's currency to USD; -1 when the
// amount or the rate is not known.
func amountUSD(amount *float64, rate float64) float64 {
	if amount == nil || rate <= 0 {
		return -1
	}
	return *amount / rate
}

// hasLanguage reports whether a tag of list is lang or a variant of it.
func hasLanguage(list []string, lang string) bool {
	for _, t := range list {
		if strings.EqualFold(t, lang) || strings.HasPrefix(strings.ToLower(t), strings.ToLower(lang)+"-") {
			return true
		}
	}
	return false
}

// onlyLanguage reports whether every tag of a non-empty list is lang.
func onlyLanguage(list []string, lang string) bool {
	if len(list) == 0 {
		return false
	}
	for _, t := range list {
		if !hasLanguage([]string{t}, lang) {
			return false
		}
	}
	return true
}
