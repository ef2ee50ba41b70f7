package advisor

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
	case "regulation":
		return &a.Regulation
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
	}
	return nil
}

// answered reports whether key has an answer.
func answered(a *Answers, key string) bool {
	if key == "task" {
		return len(a.Task) > 0
	}
	p := answerPtr(a, key)
	return p != nil && *p != ""
}

// setAnswer stores one value (already checked against the vocabulary at load).
func setAnswer(a *Answers, key, value string) {
	if key == "task" {
		a.Task = []string{value}
		return
	}
	if p := answerPtr(a, key); p != nil {
		*p = value
	}
}

// validateAnswers is Answers.Validate without reflection.
func validateAnswers(a *Answers) error {
	for _, q := range Questions {
		if q.Values == nil {
			continue
		}
		if q.Key == "task" {
			for _, v := range a.Task {
				if !contains(q.Values, v) {
					return &AnswerError{Key: q.Key, Value: v, Allowed: q.Values}
				}
			}
			continue
		}
		if p := answerPtr(a, q.Key); p != nil && *p != "" && !contains(q.Values, *p) {
			return &AnswerError{Key: q.Key, Value: *p, Allowed: q.Values}
		}
	}
	return nil
}
