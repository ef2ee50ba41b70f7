package livetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/llm-advisor/llm-advisor/advisor"
	"gopkg.in/yaml.v3"
)

// Plan defaults, applied by ParsePlan and Defaults.
const (
	DefaultConcurrency         = 4
	DefaultRepeats             = 1
	DefaultMaxTokens           = 256
	DefaultTimeoutSeconds      = 60
	DefaultTopK                = 4
	DefaultSimilarityThreshold = 0.8
)

// Allowed values of the plan's enumerations, in the order error messages list them.
var (
	Kinds      = []string{advisor.KindOpenAI, advisor.KindAzure, advisor.KindCompatible}
	Strategies = []string{advisor.StrategyZeroShot, advisor.StrategyFewShot, advisor.StrategyRAG}
	CheckNames = []string{advisor.CheckExact, advisor.CheckContains, advisor.CheckRegex, advisor.CheckJSON, advisor.CheckSimilarity, advisor.CheckJudge}
)

// PlanError is a bad plan: the field (as a path like endpoints[1].kind) and
// what is wrong with it.
type PlanError struct {
	Field string
	Msg   string
}

func (e *PlanError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// LoadPlan reads a plan file (YAML or JSON), applies the defaults and
// validates it. A relative documents folder is taken relative to the plan
// file and made absolute, so a stored plan still works from anywhere.
func LoadPlan(path string) (advisor.Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return advisor.Plan{}, fmt.Errorf("read plan: %w", err)
	}
	p, err := decodePlan(b, path)
	if err != nil {
		return advisor.Plan{}, err
	}
	if p.Documents != "" && !filepath.IsAbs(p.Documents) {
		p.Documents = filepath.Join(filepath.Dir(path), p.Documents)
	}
	if p.Documents != "" {
		if abs, err := filepath.Abs(p.Documents); err == nil {
			p.Documents = abs
		}
	}
	Defaults(&p)
	if err := ValidatePlan(p); err != nil {
		return advisor.Plan{}, err
	}
	return p, nil
}

// ParsePlan decodes a plan from YAML or JSON (JSON when name ends in .json
// or the text starts with "{"), strictly: an unknown field is an error that
// names it. Defaults are applied and the plan is validated.
func ParsePlan(b []byte, name string) (advisor.Plan, error) {
	p, err := decodePlan(b, name)
	if err != nil {
		return advisor.Plan{}, err
	}
	Defaults(&p)
	if err := ValidatePlan(p); err != nil {
		return advisor.Plan{}, err
	}
	return p, nil
}

var (
	yamlUnknown = regexp.MustCompile(`line (\d+): field (\S+) not found in type advisor\.(\w+)`)
	jsonUnknown = regexp.MustCompile(`json: unknown field "([^"]+)"`)
)

func decodePlan(b []byte, name string) (advisor.Plan, error) {
	var p advisor.Plan
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return p, &PlanError{Msg: "the plan is empty"}
	}
	if strings.EqualFold(filepath.Ext(name), ".json") || trimmed[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			if m := jsonUnknown.FindStringSubmatch(err.Error()); m != nil {
				return p, &PlanError{Field: m[1], Msg: "unknown field; see the plan format in the contract (name, endpoints, strategies, few_shot, documents, cases, ...)"}
			}
			return p, &PlanError{Msg: fmt.Sprintf("%s is not valid JSON: %v", displayName(name), err)}
		}
		return p, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(trimmed))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		if m := yamlUnknown.FindStringSubmatch(err.Error()); m != nil {
			return p, &PlanError{Field: m[2], Msg: fmt.Sprintf("unknown field (line %s, in %s)", m[1], yamlTypeName(m[3]))}
		}
		return p, &PlanError{Msg: fmt.Sprintf("%s is not valid YAML: %v", displayName(name), err)}
	}
	return p, nil
}

func displayName(name string) string {
	if name == "" {
		return "the plan"
	}
	return name
}

func yamlTypeName(t string) string {
	switch t {
	case "Plan":
		return "the plan"
	case "Endpoint":
		return "an endpoint"
	case "Case":
		return "a case"
	case "Example":
		return "a few_shot example"
	}
	return t
}

// Defaults fills in what a plan leaves out: concurrency 4, repeats 1,
// max_tokens 256, a 60 s timeout, top_k 4, similarity threshold 0.8, the
// zero-shot strategy, and each endpoint's kind (openai-compatible when it has
// a base URL, openai otherwise). A case with an expected answer and no checks
// gets the contains check.
func Defaults(p *advisor.Plan) {
	if p.Concurrency <= 0 {
		p.Concurrency = DefaultConcurrency
	}
	if p.Repeats <= 0 {
		p.Repeats = DefaultRepeats
	}
	if p.MaxTokens <= 0 {
		p.MaxTokens = DefaultMaxTokens
	}
	if p.TimeoutSeconds <= 0 {
		p.TimeoutSeconds = DefaultTimeoutSeconds
	}
	if p.TopK <= 0 {
		p.TopK = DefaultTopK
	}
	if p.SimilarityThreshold <= 0 {
		p.SimilarityThreshold = DefaultSimilarityThreshold
	}
	if len(p.Strategies) == 0 {
		p.Strategies = []string{advisor.StrategyZeroShot}
	}
	defKind := func(ep *advisor.Endpoint) {
		if ep.Kind == "" {
			if ep.BaseURL != "" {
				ep.Kind = advisor.KindCompatible
			} else {
				ep.Kind = advisor.KindOpenAI
			}
		}
		if ep.Kind == advisor.KindAzure && ep.Model == "" {
			ep.Model = ep.Deployment
		}
	}
	for i := range p.Endpoints {
		defKind(&p.Endpoints[i])
	}
	if p.Embedding != nil {
		defKind(p.Embedding)
	}
	if p.Judge != nil {
		defKind(p.Judge)
	}
	for i := range p.Cases {
		if len(p.Cases[i].Checks) == 0 && p.Cases[i].Expected != "" {
			p.Cases[i].Checks = []string{advisor.CheckContains}
		}
	}
}

// ValidatePlan reports every problem of a plan (after Defaults) in one error;
// each names the field, the value and what is allowed.
func ValidatePlan(p advisor.Plan) error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &PlanError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if len(p.Endpoints) == 0 {
		bad("endpoints", "at least one endpoint is needed")
	}
	names := map[string]bool{}
	for i, ep := range p.Endpoints {
		f := fmt.Sprintf("endpoints[%d]", i)
		if ep.Name == "" {
			bad(f+".name", "every endpoint needs a name")
		} else if names[ep.Name] {
			bad(f+".name", "%q is used twice; endpoint names must be unique", ep.Name)
		}
		names[ep.Name] = true
		validateEndpoint(f, ep, bad)
	}
	for i, s := range p.Strategies {
		if !contains(Strategies, s) {
			bad(fmt.Sprintf("strategies[%d]", i), "%q is not allowed; allowed: %s", s, strings.Join(Strategies, ", "))
		}
	}
	if contains(p.Strategies, advisor.StrategyFewShot) && len(p.FewShot) == 0 {
		bad("few_shot", "the few-shot strategy needs at least one example (input and output)")
	}
	if contains(p.Strategies, advisor.StrategyRAG) {
		if p.Documents == "" {
			bad("documents", "the rag strategy needs a documents folder")
		} else if st, err := os.Stat(p.Documents); err != nil || !st.IsDir() {
			bad("documents", "%q is not a folder", p.Documents)
		}
	}
	if len(p.Cases) == 0 {
		bad("cases", "at least one case is needed (an input and the answer you would accept)")
	}
	needEmbedding, needJudge := false, false
	for i, c := range p.Cases {
		f := fmt.Sprintf("cases[%d]", i)
		if strings.TrimSpace(c.Input) == "" {
			bad(f+".input", "the input is empty")
		}
		for j, ch := range c.Checks {
			cf := fmt.Sprintf("%s.checks[%d]", f, j)
			switch ch {
			case advisor.CheckExact, advisor.CheckContains, advisor.CheckSimilarity:
				if c.Expected == "" {
					bad(cf, "the %s check needs the case's expected answer", ch)
				}
				if ch == advisor.CheckSimilarity {
					needEmbedding = true
				}
			case advisor.CheckRegex:
				pat := c.Pattern
				if pat == "" {
					pat = c.Expected
				}
				if pat == "" {
					bad(cf, "the regex check needs a pattern (or an expected answer to use as one)")
				} else if _, err := regexp.Compile(pat); err != nil {
					bad(f+".pattern", "%q is not a valid regular expression: %v", pat, err)
				}
			case advisor.CheckJSON:
				if c.Schema != "" {
					if _, err := parseSchema(c.Schema); err != nil {
						bad(f+".schema", "%v", err)
					}
				}
			case advisor.CheckJudge:
				needJudge = true
			default:
				bad(cf, "%q is not allowed; allowed: %s", ch, strings.Join(CheckNames, ", "))
			}
		}
	}
	if needEmbedding && p.Embedding == nil {
		bad("embedding", "the similarity check needs an embedding endpoint")
	}
	if p.Embedding != nil {
		validateEndpoint("embedding", *p.Embedding, bad)
	}
	if needJudge {
		if p.Judge == nil {
			bad("judge", "the judge check needs a judge endpoint")
		}
		if strings.TrimSpace(p.Rubric) == "" {
			bad("rubric", "the judge check needs a rubric in plain words")
		}
	}
	if p.Judge != nil {
		validateEndpoint("judge", *p.Judge, bad)
	}
	if p.Concurrency > 1024 {
		bad("concurrency", "%d is too many; allowed: 1 to 1024", p.Concurrency)
	}
	if p.Temperature < 0 || p.Temperature > 2 {
		bad("temperature", "%v is not allowed; allowed: 0 to 2", p.Temperature)
	}
	if p.SimilarityThreshold > 1 {
		bad("similarity_threshold", "%v is not allowed; allowed: 0 to 1", p.SimilarityThreshold)
	}
	return errors.Join(errs...)
}

func validateEndpoint(f string, ep advisor.Endpoint, bad func(field, format string, args ...any)) {
	if !contains(Kinds, ep.Kind) {
		bad(f+".kind", "%q is not allowed; allowed: %s", ep.Kind, strings.Join(Kinds, ", "))
	}
	if ep.Model == "" {
		bad(f+".model", "the model name is missing")
	}
	switch ep.Kind {
	case advisor.KindAzure:
		if ep.Deployment == "" {
			bad(f+".deployment", "an azure endpoint needs its deployment name")
		}
		if ep.BaseURL == "" {
			bad(f+".base_url", "an azure endpoint needs its resource endpoint, e.g. https://NAME.openai.azure.com/")
		}
	case advisor.KindCompatible:
		if ep.BaseURL == "" {
			bad(f+".base_url", "an openai-compatible endpoint needs a base URL, e.g. http://127.0.0.1:11434/v1")
		}
	}
	if ep.BaseURL != "" && !strings.HasPrefix(ep.BaseURL, "http://") && !strings.HasPrefix(ep.BaseURL, "https://") {
		bad(f+".base_url", "%q is not allowed; allowed: an http:// or https:// URL", ep.BaseURL)
	}
	if ep.PriceInPer1M != nil && *ep.PriceInPer1M < 0 {
		bad(f+".price_in_per_1m", "%v is not allowed; allowed: 0 or more", *ep.PriceInPer1M)
	}
	if ep.PriceOutPer1M != nil && *ep.PriceOutPer1M < 0 {
		bad(f+".price_out_per_1m", "%v is not allowed; allowed: 0 or more", *ep.PriceOutPer1M)
	}
	if ep.Concurrency < 0 {
		bad(f+".concurrency", "%d is not allowed; allowed: 0 (the plan's) or more", ep.Concurrency)
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// Cells lists every request of a plan in the order the runner hands them out:
// case by case, so each endpoint and strategy advances evenly.
func Cells(p advisor.Plan) []advisor.Cell {
	repeats := max(p.Repeats, 1)
	strategies := p.Strategies
	if len(strategies) == 0 {
		strategies = []string{advisor.StrategyZeroShot}
	}
	var cells []advisor.Cell
	for r := 0; r < repeats; r++ {
		for c := range p.Cases {
			for _, s := range strategies {
				for _, ep := range p.Endpoints {
					cells = append(cells, advisor.Cell{Endpoint: ep.Name, Strategy: s, Case: c, Repeat: r})
				}
			}
		}
	}
	return cells
}
