package livetest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// embedder returns one embedding per text.
type embedder func(ctx context.Context, texts []string) ([][]float32, error)

// judger asks the judge endpoint for a score and a reason.
type judger func(ctx context.Context, c advisor.Case, output string) (float64, string, error)

type scorer struct {
	threshold float64
	embed     embedder
	judge     judger
}

// score runs the case's checks on a successful output.
func (s *scorer) score(ctx context.Context, c advisor.Case, output string) (float64, bool, []advisor.CheckResult) {
	if len(c.Checks) == 0 {
		return 1, true, []advisor.CheckResult{{Check: "none", Score: 1, Reason: "no checks: a complete answer counts as a pass"}}
	}
	results := make([]advisor.CheckResult, 0, len(c.Checks))
	sum, passed := 0.0, true
	for _, name := range c.Checks {
		r, pass := s.check(ctx, name, c, output)
		results = append(results, r)
		sum += r.Score
		passed = passed && pass
	}
	return sum / float64(len(results)), passed, results
}

func (s *scorer) check(ctx context.Context, name string, c advisor.Case, output string) (advisor.CheckResult, bool) {
	r := advisor.CheckResult{Check: name}
	switch name {
	case advisor.CheckExact:
		if normalize(output) == normalize(c.Expected) {
			r.Score, r.Reason = 1, "the answer is the expected one"
		} else {
			r.Reason = fmt.Sprintf("the answer is not %q", truncate(c.Expected, 80))
		}
	case advisor.CheckContains:
		if strings.Contains(normalize(output), normalize(c.Expected)) {
			r.Score, r.Reason = 1, fmt.Sprintf("the answer contains %q", truncate(c.Expected, 80))
		} else {
			r.Reason = fmt.Sprintf("the answer does not contain %q", truncate(c.Expected, 80))
		}
	case advisor.CheckRegex:
		pat := c.Pattern
		if pat == "" {
			pat = c.Expected
		}
		re, err := regexp.Compile(pat)
		switch {
		case err != nil:
			r.Reason = fmt.Sprintf("the pattern %q is not a valid regular expression: %v", pat, err)
		case re.MatchString(output):
			r.Score, r.Reason = 1, fmt.Sprintf("the answer matches %q", pat)
		default:
			r.Reason = fmt.Sprintf("the answer does not match %q", pat)
		}
	case advisor.CheckJSON:
		r.Score, r.Reason = checkJSON(output, c.Schema)
	case advisor.CheckSimilarity:
		if s.embed == nil {
			r.Reason = "no embedding endpoint in the plan"
			return r, false
		}
		vs, err := s.embed(ctx, []string{output, c.Expected})
		if err != nil || len(vs) != 2 {
			r.Reason = fmt.Sprintf("could not embed the texts: %v", err)
			return r, false
		}
		cos := advisor.Cosine(vs[0], vs[1])
		r.Score = math.Max(0, math.Min(1, cos))
		pass := cos >= s.threshold
		verdict := "below"
		if pass {
			verdict = "at or above"
		}
		r.Reason = fmt.Sprintf("cosine similarity %.3f, %s the threshold %.2f", cos, verdict, s.threshold)
		return r, pass
	case advisor.CheckJudge:
		if s.judge == nil {
			r.Reason = "no judge endpoint in the plan"
			return r, false
		}
		sc, reason, err := s.judge(ctx, c, output)
		if err != nil {
			r.Reason = "the judge failed: " + err.Error()
			return r, false
		}
		r.Score, r.Reason = sc, reason
	default:
		r.Reason = fmt.Sprintf("unknown check %q", name)
	}
	return r, r.Score >= 0.5
}

// normalize is s trimmed, every run of ASCII white space (RE2's \s:
// tab, newline, form feed, carriage return, space) made one space, and in
// lower case. It is scored for every answer, so it is a loop over the bytes
// rather than a regexp (issue 13: the runner's own cost per request).
func normalize(s string) string {
	s = strings.TrimSpace(s)
	var b []byte
	for i := 0; i < len(s); i++ {
		if !isSpaceRE2(s[i]) {
			if b != nil {
				b = append(b, s[i])
			}
			continue
		}
		j := i + 1
		for j < len(s) && isSpaceRE2(s[j]) {
			j++
		}
		if b == nil && (j > i+1 || s[i] != ' ') {
			b = append(make([]byte, 0, len(s)), s[:i]...)
		}
		if b != nil {
			b = append(b, ' ')
		}
		i = j - 1
	}
	if b != nil {
		s = string(b)
	}
	return strings.ToLower(s)
}

func isSpaceRE2(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// stripFence removes a Markdown code fence around a text, if there is one.
func stripFence(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "```") {
		return s
	}
	s = strings.TrimPrefix(s, "```")
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[i+1:] // the language tag line
	} else {
		return ""
	}
	if i := strings.LastIndex(s, "```"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func checkJSON(output, schemaText string) (float64, string) {
	text := stripFence(output)
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return 0, "the answer is not valid JSON: " + err.Error()
	}
	if schemaText == "" {
		return 1, "the answer is valid JSON"
	}
	sch, err := parseSchema(schemaText)
	if err != nil {
		return 0, err.Error()
	}
	if errs := sch.validate(v, "$"); len(errs) > 0 {
		if len(errs) > 3 {
			errs = append(errs[:3], fmt.Sprintf("and %d more", len(errs)-3))
		}
		return 0.25, "valid JSON, but not as the schema says: " + strings.Join(errs, "; ")
	}
	return 1, "valid JSON that matches the schema"
}

// schema is the subset of JSON Schema the json check understands.
type schema struct {
	Type       any                `json:"type"` // a name or a list of names
	Properties map[string]*schema `json:"properties"`
	Required   []string           `json:"required"`
	Items      *schema            `json:"items"`
	Enum       []any              `json:"enum"`
}

func parseSchema(text string) (*schema, error) {
	var s schema
	if err := json.Unmarshal([]byte(text), &s); err != nil {
		return nil, fmt.Errorf("the schema is not valid JSON: %v", err)
	}
	return &s, nil
}

func (s *schema) types() []string {
	switch t := s.Type.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if str, ok := x.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

func (s *schema) validate(v any, path string) []string {
	if s == nil {
		return nil
	}
	var errs []string
	if ts := s.types(); len(ts) > 0 {
		got := jsonType(v)
		ok := false
		for _, t := range ts {
			if t == got || (t == "number" && got == "integer") {
				ok = true
			}
		}
		if !ok {
			return []string{fmt.Sprintf("%s is %s, not %s", path, got, strings.Join(ts, " or "))}
		}
	}
	if len(s.Enum) > 0 {
		found := false
		for _, e := range s.Enum {
			if fmt.Sprint(e) == fmt.Sprint(v) {
				found = true
			}
		}
		if !found {
			errs = append(errs, fmt.Sprintf("%s is %v, not one of %v", path, v, s.Enum))
		}
	}
	if obj, ok := v.(map[string]any); ok {
		for _, k := range s.Required {
			if _, ok := obj[k]; !ok {
				errs = append(errs, fmt.Sprintf("%s.%s is missing", path, k))
			}
		}
		keys := make([]string, 0, len(s.Properties))
		for k := range s.Properties {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if x, ok := obj[k]; ok {
				errs = append(errs, s.Properties[k].validate(x, path+"."+k)...)
			}
		}
	}
	if arr, ok := v.([]any); ok && s.Items != nil {
		for i, x := range arr {
			errs = append(errs, s.Items.validate(x, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return errs
}

// judgePrompt asks for a JSON verdict.
const judgePrompt = `You are grading an answer. Follow the rubric.

Rubric: %s

Question: %s
%s
Answer to grade:
%s

Reply with JSON only: {"score": a number from 0 to 1, "reason": "one short sentence"}`

func judgeMessage(rubric string, c advisor.Case, output string) string {
	exp := ""
	if c.Expected != "" {
		exp = "\nAn accepted answer: " + c.Expected + "\n"
	}
	return fmt.Sprintf(judgePrompt, rubric, c.Input, exp, output)
}

var jsonObject = regexp.MustCompile(`(?s)\{.*\}`)

// parseVerdict reads the judge's {"score", "reason"}, tolerating a code
// fence or words around the JSON. A score given out of 10 or 100 is scaled.
func parseVerdict(text string) (float64, string, error) {
	body := stripFence(text)
	var v struct {
		Score  *float64 `json:"score"`
		Reason string   `json:"reason"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil || v.Score == nil {
		m := jsonObject.FindString(body)
		if m == "" || json.Unmarshal([]byte(m), &v) != nil || v.Score == nil {
			return 0, "", fmt.Errorf("the judge's reply has no JSON score: %q", truncate(text, 200))
		}
	}
	s := *v.Score
	switch {
	case s > 10 && s <= 100:
		s /= 100
	case s > 1 && s <= 10:
		s /= 10
	}
	s = math.Max(0, math.Min(1, s))
	reason := strings.TrimSpace(v.Reason)
	if reason == "" {
		reason = "the judge gave no reason"
	}
	return s, "judge: " + reason, nil
}
