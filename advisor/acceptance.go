package advisor

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/llm-advisor/llm-advisor/assets"
)

// AcceptanceRule derives one acceptance field from one answer
// (assets/acceptance/*.yaml). A nil value in Values means "no limit".
type AcceptanceRule struct {
	ID     string         `yaml:"id"`
	Field  string         `yaml:"field"`
	Answer string         `yaml:"answer"`
	Values map[string]any `yaml:"values"`
	Why    string         `yaml:"why"`
	WhyPT  string         `yaml:"why_pt"` // the same in Brazilian Portuguese
	Source string         `yaml:"source"`
}

var acceptanceFields = map[string]bool{"min_quality": true, "first_answer_p95_ms": true, "total_p95_ms": true,
	"max_monthly_usd": true, "volume_per_day": true, "local_only": true}

var (
	acceptanceOnce  sync.Once
	acceptanceRules []AcceptanceRule
	acceptanceErr   error
)

// AcceptanceRules are the built-in derivations, validated on load: every
// field and answer key must exist and every value must be one of the
// answer's values.
func AcceptanceRules() ([]AcceptanceRule, error) {
	acceptanceOnce.Do(func() {
		names, err := fs.Glob(assets.Acceptance, "acceptance/*.yaml")
		if err != nil {
			acceptanceErr = err
			return
		}
		sort.Strings(names)
		for _, n := range names {
			b, err := fs.ReadFile(assets.Acceptance, n)
			if err != nil {
				acceptanceErr = err
				return
			}
			var rs []AcceptanceRule
			if err := yaml.Unmarshal(b, &rs); err != nil {
				acceptanceErr = fmt.Errorf("%s: %w", n, err)
				return
			}
			for _, r := range rs {
				if err := validateAcceptanceRule(r); err != nil {
					acceptanceErr = fmt.Errorf("%s: %s: %w", n, r.ID, err)
					return
				}
			}
			acceptanceRules = append(acceptanceRules, rs...)
		}
	})
	return acceptanceRules, acceptanceErr
}

func validateAcceptanceRule(r AcceptanceRule) error {
	if !acceptanceFields[r.Field] {
		return fmt.Errorf("unknown field %q", r.Field)
	}
	q, ok := QuestionByKey(r.Answer)
	if !ok {
		return fmt.Errorf("unknown answer key %q", r.Answer)
	}
	for v := range r.Values {
		if q.Values != nil && !contains(q.Values, v) {
			return fmt.Errorf("answer %s has no value %q", r.Answer, v)
		}
	}
	if r.Why == "" || r.WhyPT == "" || r.Source == "" {
		return fmt.Errorf("every derivation needs a why and a source")
	}
	return nil
}

// DeriveAcceptance fills the fields the plan's acceptance leaves out from
// the decision's answers, by AcceptanceRules, and records each derived
// field's source. A field the plan sets is never changed. A monthly budget
// given as an amount (budget_monthly_amount, in the answers' currency at
// their exchange_rate) wins over the band. Nil when nothing is set at all.
func DeriveAcceptance(plan *Acceptance, a Answers) (*Acceptance, error) {
	rules, err := AcceptanceRules()
	if err != nil {
		return plan, err
	}
	out := &Acceptance{}
	if plan != nil {
		c := *plan
		c.Sources = append([]AcceptanceSource(nil), plan.Sources...)
		out = &c
	}
	set := out.isSet
	done := map[string]bool{}
	if !set("max_monthly_usd") {
		if usd, src, ok := budgetAmountUSD(a); ok {
			out.MaxMonthlyUSD = &usd
			out.Sources = append(out.Sources, AcceptanceSource{Field: "max_monthly_usd", Answer: src,
				Why:   "The monthly budget you gave, compared with each model's monthly cost at your volume, from the tokens and prices this test measured.",
				WhyPT: "O orçamento mensal que você informou, comparado com o custo mensal de cada modelo no seu volume, a partir dos tokens e preços medidos neste teste."})
			done["max_monthly_usd"] = true
		}
	}
	for _, r := range rules {
		if done[r.Field] || set(r.Field) {
			continue
		}
		vals := a.Get(r.Answer)
		if len(vals) == 0 {
			continue
		}
		v, ok := r.Values[vals[0]]
		if !ok {
			continue
		}
		done[r.Field] = true
		if v == nil {
			continue // no limit for this answer
		}
		if err := out.setFrom(r, vals[0], v); err != nil {
			return plan, err
		}
		out.Sources = append(out.Sources, AcceptanceSource{Field: r.Field, Answer: r.Answer + "=" + vals[0], Why: r.Why, WhyPT: r.WhyPT, Source: r.Source})
	}
	if out.MinQuality == nil && out.FirstAnswerP95Ms == nil && out.TotalP95Ms == nil && out.MaxMonthlyUSD == nil &&
		out.VolumePerDay == nil && out.LocalOnly == nil {
		return nil, nil
	}
	return out, nil
}

// floatField is the field of a numeric acceptance limit; nil for
// local_only and unknown names.
func (x *Acceptance) floatField(field string) **float64 {
	switch field {
	case "min_quality":
		return &x.MinQuality
	case "first_answer_p95_ms":
		return &x.FirstAnswerP95Ms
	case "total_p95_ms":
		return &x.TotalP95Ms
	case "max_monthly_usd":
		return &x.MaxMonthlyUSD
	case "volume_per_day":
		return &x.VolumePerDay
	}
	return nil
}

// isSet tells whether the acceptance already has a value for field.
func (x *Acceptance) isSet(field string) bool {
	if field == "local_only" {
		return x.LocalOnly != nil
	}
	p := x.floatField(field)
	return p != nil && *p != nil
}

// setFrom sets the field of rule r to v, the rule's value for the answer
// val.
func (x *Acceptance) setFrom(r AcceptanceRule, val string, v any) error {
	if r.Field == "local_only" {
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("acceptance %s: %s must be true or false", r.ID, val)
		}
		x.LocalOnly = &b
		return nil
	}
	f, err := toFloat(v)
	if err != nil {
		return fmt.Errorf("acceptance %s: %s: %w", r.ID, val, err)
	}
	if p := x.floatField(r.Field); p != nil {
		*p = &f
	}
	return nil
}

// budgetAmountUSD reads budget_monthly_amount and exchange_rate from the
// answers when they exist (contract additions), as USD.
func budgetAmountUSD(a Answers) (float64, string, bool) {
	b, err := json.Marshal(a)
	if err != nil {
		return 0, "", false
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return 0, "", false
	}
	amt, ok := m["budget_monthly_amount"].(float64)
	if !ok || amt < 0 {
		return 0, "", false
	}
	rate := 1.0
	if r, ok := m["exchange_rate"].(float64); ok && r > 0 {
		rate = r
	}
	cur, _ := m["currency"].(string)
	src := "budget_monthly_amount=" + strconv.FormatFloat(amt, 'f', -1, 64)
	if cur != "" && cur != "USD" {
		src += " " + cur // the rate is said once beside the money, not in every source
	}
	return amt / rate, src, true
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case int:
		return float64(x), nil
	case float64:
		return x, nil
	}
	return 0, fmt.Errorf("not a number: %v", v)
}
