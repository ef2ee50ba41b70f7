package advisor

import (
	"fmt"
	"math"
)

// answerPtr returns the field of a single-valued answer key without
// reflection (the engine reads and fills answers on every Recommend); nil for
// "task" and unknown keys.
func answerPtr(a *Answers, key string) *string {
	switch key {
	case "use_case":
		return &a.UseCase
	case "knowledge_source":
		return &a.KnowledgeSource
	case "change_rate":
		return &a.ChangeRate
	case "kb_size":
		return &a.KBSize
	case "citations":
		return &a.Citations
	case "output_format":
		return &a.OutputFormat
	case "labeled_examples":
		return &a.LabeledExamples
	case "domain_corpus":
		return &a.DomainCorpus
	case "latency":
		return &a.Latency
	case "volume":
		return &a.Volume
	case "input_length":
		return &a.InputLength
	case "budget_monthly":
		return &a.BudgetMonthly
	case "budget_build":
		return &a.BudgetBuild
	case "sensitivity":
		return &a.Sensitivity
	case "residency":
		return &a.Residency
	case "deployment":
		return &a.Deployment
	case "hardware":
		return &a.Hardware
	case "license_needs":
		return &a.LicenseNeeds
	case "team_skills":
		return &a.TeamSkills
	case "error_cost":
		return &a.ErrorCost
	case "languages":
		return &a.Languages
	case "reasoning":
		return &a.Reasoning
	case "time_to_value":
		return &a.TimeToValue
	case "lifecycle":
		return &a.Lifecycle
	case "eval_set":
		return &a.EvalSet
	case "residency_country":
		return &a.ResidencyCountry
	case "currency":
		return &a.Currency
	case "exchange_rate_date":
		return &a.ExchangeRateDate
	case "build_or_buy":
		return &a.BuildOrBuy
	case "agent_actions":
		return &a.AgentActions
	case "structured_output":
		return &a.StructuredOutput
	}
	return nil
}

// listPtr is the field of a list answer key; nil for the others.
func listPtr(a *Answers, key string) *[]string {
	switch key {
	case "task":
		return &a.Task
	case "regulation":
		return (*[]string)(&a.Regulation)
	case "cloud_already":
		return (*[]string)(&a.CloudAlready)
	case "language_list":
		return (*[]string)(&a.LanguageList)
	}
	return nil
}

// answered reports whether key has an answer.
func answered(a *Answers, key string) bool {
	if l := listPtr(a, key); l != nil {
		return len(*l) > 0
	}
	switch key {
	case "exchange_rate":
		return a.ExchangeRate > 0
	case "budget_monthly_amount":
		return a.BudgetMonthlyAmount != nil
	case "budget_build_amount":
		return a.BudgetBuildAmount != nil
	}
	p := answerPtr(a, key)
	return p != nil && *p != ""
}

// setAnswer stores one value (already checked against the vocabulary at load).
func setAnswer(a *Answers, key, value string) {
	if l := listPtr(a, key); l != nil {
		*l = []string{value}
		return
	}
	if p := answerPtr(a, key); p != nil {
		*p = value
		return
	}
	_ = a.Set(key, []string{value})
}

// validateAnswers is Answers.Validate without reflection for the common keys.
func validateAnswers(a *Answers) error {
	for _, q := range Questions {
		if l := listPtr(a, q.Key); l != nil {
			for i, v := range *l {
				n, err := normValue(q, v)
				if err != nil {
					return err
				}
				(*l)[i] = n
			}
			if q.Key != "task" {
				*l = dropNone(q, *l)
			}
			continue
		}
		if p := answerPtr(a, q.Key); p != nil && *p != "" && q.Kind != KindText {
			n, err := normValue(q, *p)
			if err != nil {
				return err
			}
			*p = n
		}
	}
	for key, n := range map[string]*float64{"budget_monthly_amount": a.BudgetMonthlyAmount, "budget_build_amount": a.BudgetBuildAmount} {
		if n != nil && (*n < 0 || math.IsNaN(*n) || math.IsInf(*n, 0)) {
			return &AnswerError{Key: key, Value: fmt.Sprintf("%v must be 0 or more", *n)}
		}
	}
	if a.ExchangeRate < 0 || math.IsNaN(a.ExchangeRate) || math.IsInf(a.ExchangeRate, 0) {
		return &AnswerError{Key: "exchange_rate", Value: fmt.Sprintf("%v must be more than 0", a.ExchangeRate)}
	}
	return nil
}
