package advisor

import (
	"fmt"
	"math"
	"slices"
)

// answerPtr returns the field of a single-valued answer key without
// reflection (the engine reads and fills answers on every Recommend); nil for
// "task" and unknown keys.
func answerPtr(a *Answers, key string) *string {
	if f, ok := answerFields[key]; ok {
		return f(a)
	}
	return nil
}

// answerFields maps each single-valued answer key to its field.
var answerFields = map[string]func(*Answers) *string{
	"use_case":           func(a *Answers) *string { return &a.UseCase },
	"knowledge_source":   func(a *Answers) *string { return &a.KnowledgeSource },
	"change_rate":        func(a *Answers) *string { return &a.ChangeRate },
	"kb_size":            func(a *Answers) *string { return &a.KBSize },
	"citations":          func(a *Answers) *string { return &a.Citations },
	"output_format":      func(a *Answers) *string { return &a.OutputFormat },
	"labeled_examples":   func(a *Answers) *string { return &a.LabeledExamples },
	"domain_corpus":      func(a *Answers) *string { return &a.DomainCorpus },
	"latency":            func(a *Answers) *string { return &a.Latency },
	"volume":             func(a *Answers) *string { return &a.Volume },
	"input_length":       func(a *Answers) *string { return &a.InputLength },
	"budget_monthly":     func(a *Answers) *string { return &a.BudgetMonthly },
	"budget_build":       func(a *Answers) *string { return &a.BudgetBuild },
	"sensitivity":        func(a *Answers) *string { return &a.Sensitivity },
	"residency":          func(a *Answers) *string { return &a.Residency },
	"deployment":         func(a *Answers) *string { return &a.Deployment },
	"hardware":           func(a *Answers) *string { return &a.Hardware },
	"license_needs":      func(a *Answers) *string { return &a.LicenseNeeds },
	"team_skills":        func(a *Answers) *string { return &a.TeamSkills },
	"error_cost":         func(a *Answers) *string { return &a.ErrorCost },
	"languages":          func(a *Answers) *string { return &a.Languages },
	"reasoning":          func(a *Answers) *string { return &a.Reasoning },
	"time_to_value":      func(a *Answers) *string { return &a.TimeToValue },
	"lifecycle":          func(a *Answers) *string { return &a.Lifecycle },
	"eval_set":           func(a *Answers) *string { return &a.EvalSet },
	"residency_country":  func(a *Answers) *string { return &a.ResidencyCountry },
	"currency":           func(a *Answers) *string { return &a.Currency },
	"exchange_rate_date": func(a *Answers) *string { return &a.ExchangeRateDate },
	"build_or_buy":       func(a *Answers) *string { return &a.BuildOrBuy },
	"agent_actions":      func(a *Answers) *string { return &a.AgentActions },
	"structured_output":  func(a *Answers) *string { return &a.StructuredOutput },
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
// It normalises a's values in place, but never writes into a list's backing
// array: the caller's copy of the Answers shares it (Recommend takes them by
// value, and the app reads its copy on the UI goroutine while a
// recommendation is worked out on another), so a list with a value to change
// is copied first.
func validateAnswers(a *Answers) error {
	for _, q := range Questions {
		if l := listPtr(a, q.Key); l != nil {
			copied := false
			for i, v := range *l {
				n, err := normValue(q, v)
				if err != nil {
					return err
				}
				if n == v {
					continue
				}
				if !copied {
					*l = slices.Clone(*l)
					copied = true
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
