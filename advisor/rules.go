package advisor

import (
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/expr-lang/expr/vm"
	"github.com/llm-advisor/llm-advisor/assets"
	"gopkg.in/yaml.v3"
)

// Text is a plain-language text in English and Brazilian Portuguese.
type Text struct {
	EN string `yaml:"en"`
	PT string `yaml:"pt-BR"`
}

// In returns the text in lang ("en" or "pt-BR"), falling back to English.
func (t Text) In(lang string) string {
	if lang == LangPT && t.PT != "" {
		return t.PT
	}
	return t.EN
}

func (t Text) empty() bool { return t.EN == "" && t.PT == "" }

// Languages of the texts.
const (
	LangEN = "en"
	LangPT = "pt-BR"
)

// normLang maps "pt", "pt_BR", "pt-br"… to LangPT and anything else to LangEN.
func normLang(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "pt") {
		return LangPT
	}
	return LangEN
}

// Rule strengths (decision-guidance §2).
const (
	StrengthHard   = "hard"
	StrengthStrong = "strong"
	StrengthSoft   = "soft"
)

// ruleSpec is one rule as written in assets/rules/*.yaml.
type ruleSpec struct {
	ID         string     `yaml:"id"`
	Title      Text       `yaml:"title"`
	Reason     Text       `yaml:"reason"`
	When       string     `yaml:"when"`
	Effect     effectSpec `yaml:"effect"`
	Strength   string     `yaml:"strength"`
	Stage      int        `yaml:"stage"`      // decision-guidance §2.5, 1..7
	Precedence int        `yaml:"precedence"` // decision-guidance §2.4, 1 (legal) .. 8 (preference)
	Source     []string   `yaml:"source"`
	Disabled   bool       `yaml:"disabled"` // a user file can switch a built-in rule off
}

type effectSpec struct {
	Filter    *Filter             `yaml:"filter"`
	Model     map[string]string   `yaml:"model"`      // type, architecture, weights, hosting, size_tier
	ModelExpr map[string]string   `yaml:"model_expr"` // the same, computed by an expression yielding a string
	Plan      planSpec            `yaml:"plan"`
	Steps     map[string]stepSpec `yaml:"steps"` // plain-language text for plan steps
	Also      []string            `yaml:"also"`
	Warn      bool                `yaml:"warn"` // the reason is also a warning
	Warning   Text                `yaml:"warning"`
	Conflict  *conflictSpec       `yaml:"conflict"`
}

type planSpec struct {
	Add        []string `yaml:"add"`
	Remove     []string `yaml:"remove"`
	Primary    string   `yaml:"primary"`
	NotPrimary []string `yaml:"not_primary"` // steps that may never carry the use case
}

type stepSpec struct {
	Detail Text `yaml:"detail"`
	Gate   Text `yaml:"gate"`
}

type conflictSpec struct {
	Between    []Text            `yaml:"between"`
	Relaxation Text              `yaml:"relaxation"`
	Relax      map[string]string `yaml:"relax"`      // answer key → new value
	RelaxExpr  map[string]string `yaml:"relax_expr"` // answer key → expression yielding the new value
}

// Filter is a hard constraint on the catalog. A model passes when it meets
// every field that is set.
type Filter struct {
	Weights         string   `yaml:"weights"`          // the model's weights must be this (open)
	Hosting         []string `yaml:"hosting"`          // the model must offer one of these hostings
	Regions         []string `yaml:"regions"`          // a managed deployment must process in one of these; self-hostable models pass when self-hosted
	BAA             bool     `yaml:"baa"`              // a BAA must be available for the managed service, or the model self-hosted
	ExcludeLicenses []string `yaml:"exclude_licenses"` // licences (substring, any case) that rule the model out
	FitHardware     bool     `yaml:"fit_hardware"`     // a self-hosted model must fit the user's hardware
	Languages       string   `yaml:"languages"`        // many: models known to cover few languages are out
}

// rule is a compiled rule.
type rule struct {
	ruleSpec
	file      string
	line      int
	when      *vm.Program
	modelExpr map[string]*vm.Program
	relaxExpr map[string]*vm.Program
	order     int
}

// RuleInfo describes one rule for an "all rules" view.
type RuleInfo struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Reason   string `json:"reason"`
	Strength string `json:"strength"`
	Stage    int    `json:"stage"`
	Source   string `json:"source"`
	When     string `json:"when"`
	File     string `json:"file"`
}

// assumptionSpec is what the engine assumes for an unanswered key.
type assumptionSpec struct {
	Key   string `yaml:"key"`
	Value string `yaml:"value"`
	When  string `yaml:"when"` // optional condition on the answers so far
	Text  Text   `yaml:"text"`
}

type assumption struct {
	assumptionSpec
	file string
	line int
	when *vm.Program
}

// ruleSet is what one rules file holds.
type ruleSet struct {
	rules       []*rule
	assumptions []*assumption
}

var modelFields = map[string][]string{
	"type":         ModelTypes,
	"architecture": {ArchDecoderOnly, ArchEncoderOnly, ArchEncoderDecoder, ArchDiffusion},
	"weights":      {WeightsOpen, WeightsProprietary, WeightsEither},
	"hosting":      {HostingManaged, HostingSelfHosted, HostingLocalApp},
	"size_tier":    {TierSmall, TierMid, TierFrontier, TierReasoning},
}

// Steps lists the plan steps in the order a plan takes them.
var Steps = []string{StepPrompting, StepRAG, StepFineTuning, StepTraining}

// parseRules reads one rules file: `rules:` and/or `assumptions:`.
func parseRules(file string, b []byte) (*ruleSet, error) {
	root, err := parseYAMLDoc(file, b)
	if err != nil || root == nil {
		return &ruleSet{}, err
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; k.Value != "rules" && k.Value != "assumptions" {
			return nil, &LoadError{File: file, Line: k.Line, Err: fmt.Errorf("unknown top-level key %q; want rules or assumptions", k.Value)}
		}
	}
	set := &ruleSet{}
	if n := mapValue(root, "assumptions"); n != nil {
		if n.Kind != yaml.SequenceNode {
			return nil, &LoadError{File: file, Line: n.Line, Err: fmt.Errorf("assumptions must be a list")}
		}
		for _, item := range n.Content {
			a, err := parseAssumption(file, item)
			if err != nil {
				return nil, err
			}
			set.assumptions = append(set.assumptions, a)
		}
	}
	if n := mapValue(root, "rules"); n != nil {
		if n.Kind != yaml.SequenceNode {
			return nil, &LoadError{File: file, Line: n.Line, Err: fmt.Errorf("rules must be a list")}
		}
		for _, item := range n.Content {
			r, err := parseRule(file, item)
			if err != nil {
				return nil, err
			}
			set.rules = append(set.rules, r)
		}
	}
	return set, nil
}

func parseAssumption(file string, n *yaml.Node) (*assumption, error) {
	id := ""
	if v := mapValue(n, "key"); v != nil {
		id = v.Value
	}
	fail := func(line int, err error) error {
		if line == 0 {
			line = n.Line
		}
		return &LoadError{File: file, Line: line, Kind: "assumption", ID: id, Err: err}
	}
	if line, err := checkKeys(n, reflect.TypeOf(assumptionSpec{}), "yaml"); err != nil {
		return nil, fail(line, err)
	}
	a := &assumption{file: file, line: n.Line}
	if err := n.Decode(&a.assumptionSpec); err != nil {
		return nil, fail(yamlErrLine(err), err)
	}
	var probe Answers
	if err := probe.Set(a.Key, []string{a.Value}); err != nil {
		return nil, fail(0, err)
	}
	if a.Text.EN == "" || a.Text.PT == "" {
		return nil, fail(0, fmt.Errorf("text needs both en and pt-BR"))
	}
	if a.When != "" {
		p, err := compileBool(a.When)
		if err != nil {
			return nil, fail(lineOf(n, "when"), fmt.Errorf("when: %v", err))
		}
		a.when = p
	}
	return a, nil
}

func lineOf(n *yaml.Node, key string) int {
	if v := mapValue(n, key); v != nil {
		return v.Line
	}
	return n.Line
}

// entryError reports an error in one entry (a rule or a model) of a YAML
// file: at the given line, or the entry's own line when it is 0, naming the
// file, the kind of entry and its id.
func entryError(file, kind string, n *yaml.Node) func(line int, err error) error {
	id := ""
	if v := mapValue(n, "id"); v != nil {
		id = v.Value
	}
	return func(line int, err error) error {
		if line == 0 {
			line = n.Line
		}
		return &LoadError{File: file, Line: line, Kind: kind, ID: id, Err: err}
	}
}

func parseRule(file string, n *yaml.Node) (*rule, error) {
	fail := entryError(file, "rule", n)
	if n.Kind != yaml.MappingNode {
		return nil, fail(0, fmt.Errorf("a rule must be a mapping"))
	}
	if line, err := checkKeys(n, reflect.TypeOf(ruleSpec{}), "yaml"); err != nil {
		return nil, fail(line, err)
	}
	r := &rule{file: file, line: n.Line}
	if err := n.Decode(&r.ruleSpec); err != nil {
		return nil, fail(yamlErrLine(err), err)
	}
	if r.ID == "" {
		return nil, fail(0, fmt.Errorf("missing id"))
	}
	if r.Disabled {
		return r, nil
	}
	if key, err := checkRuleHeader(r); err != nil {
		line := 0
		if key != "" {
			line = lineOf(n, key)
		}
		return nil, fail(line, err)
	}
	p, err := compileBool(r.When)
	if err != nil {
		return nil, fail(lineOf(n, "when"), fmt.Errorf("when: %v", err))
	}
	r.when = p
	at := effectLines(n)
	for _, check := range []func(*rule, effectLine) (int, error){checkModelEffect, checkPlanEffect, checkFilterEffect, checkWarningEffect, checkConflictEffect} {
		if line, err := check(r, at); err != nil {
			return nil, fail(line, err)
		}
	}
	return r, nil
}

// effectLine is the line of effect.<path...> of a rule, as deep as the file
// goes.
type effectLine func(path ...string) int

func effectLines(n *yaml.Node) effectLine {
	eff := mapValue(n, "effect")
	return func(path ...string) int {
		cur, line := eff, n.Line
		for _, k := range path {
			v := mapValue(cur, k)
			if v == nil {
				break
			}
			cur, line = v, v.Line
		}
		if eff != nil && line == n.Line {
			line = eff.Line
		}
		return line
	}
}

// checkRuleHeader checks a rule's texts, strength, stage, precedence and
// source; the key is the field at fault ("" for the rule itself).
func checkRuleHeader(r *rule) (key string, err error) {
	switch {
	case r.Title.EN == "" || r.Title.PT == "":
		return "title", fmt.Errorf("title needs both en and pt-BR")
	case r.Reason.EN == "" || r.Reason.PT == "":
		return "reason", fmt.Errorf("reason needs both en and pt-BR")
	case r.Strength != StrengthHard && r.Strength != StrengthStrong && r.Strength != StrengthSoft:
		return "strength", fmt.Errorf("strength %q; allowed: hard, strong, soft", r.Strength)
	case r.Stage < 1 || r.Stage > 7:
		return "stage", fmt.Errorf("stage %d; allowed 1..7 (decision-guidance §2.5)", r.Stage)
	case r.Precedence < 1 || r.Precedence > 8:
		return "precedence", fmt.Errorf("precedence %d; allowed 1..8 (decision-guidance §2.4)", r.Precedence)
	case len(r.Source) == 0:
		return "", fmt.Errorf("missing source")
	}
	return "", nil
}

// checkModelEffect checks the model fields a rule sets and compiles its
// model expressions.
func checkModelEffect(r *rule, at effectLine) (int, error) {
	e := &r.Effect
	for k, v := range e.Model {
		allowed, ok := modelFields[k]
		if !ok {
			return at("model"), fmt.Errorf("model: unknown field %q; allowed: type, architecture, weights, hosting, size_tier", k)
		}
		if !contains(allowed, v) {
			return at("model", k), fmt.Errorf("model.%s: %q is not allowed; allowed values: %s", k, v, strings.Join(allowed, ", "))
		}
	}
	for k, src := range e.ModelExpr {
		if _, ok := modelFields[k]; !ok {
			return at("model_expr"), fmt.Errorf("model_expr: unknown field %q", k)
		}
		p, err := compileString(src)
		if err != nil {
			return at("model_expr", k), fmt.Errorf("model_expr.%s: %v", k, err)
		}
		if r.modelExpr == nil {
			r.modelExpr = map[string]*vm.Program{}
		}
		r.modelExpr[k] = p
	}
	return 0, nil
}

// checkPlanEffect checks the plan steps, the texts' steps and the further
// model types a rule names.
func checkPlanEffect(r *rule, at effectLine) (int, error) {
	e := &r.Effect
	steps := append(append(append([]string{}, e.Plan.Add...), e.Plan.Remove...), e.Plan.NotPrimary...)
	if e.Plan.Primary != "" {
		steps = append(steps, e.Plan.Primary)
	}
	for s := range e.Steps {
		steps = append(steps, s)
	}
	for _, s := range steps {
		if !contains(Steps, s) {
			return at("plan"), fmt.Errorf("plan step %q; allowed: %s", s, strings.Join(Steps, ", "))
		}
	}
	for _, t := range e.Also {
		if !contains(ModelTypes, t) {
			return at("also"), fmt.Errorf("also: %q is not a model type; allowed: %s", t, strings.Join(ModelTypes, ", "))
		}
	}
	return 0, nil
}

// checkWarningEffect checks a rule's warning is in both languages.
func checkWarningEffect(r *rule, at effectLine) (int, error) {
	if w := r.Effect.Warning; (w.EN == "") != (w.PT == "") {
		return at("warning"), fmt.Errorf("warning needs both en and pt-BR")
	}
	return 0, nil
}

// checkFilterEffect checks the values of a rule's hard filter.
func checkFilterEffect(r *rule, at effectLine) (int, error) {
	f := r.Effect.Filter
	if f == nil {
		return 0, nil
	}
	if f.Weights != "" && f.Weights != WeightsOpen && f.Weights != WeightsProprietary {
		return at("filter"), fmt.Errorf("filter.weights %q; allowed: open, proprietary", f.Weights)
	}
	for _, h := range f.Hosting {
		if !contains(modelFields["hosting"], h) {
			return at("filter"), fmt.Errorf("filter.hosting %q; allowed: %s", h, strings.Join(modelFields["hosting"], ", "))
		}
	}
	if f.Languages != "" && f.Languages != "many" && f.Languages != "few" {
		return at("filter"), fmt.Errorf("filter.languages %q; allowed: many, few", f.Languages)
	}
	return 0, nil
}

// checkConflictEffect checks a rule's conflict (texts in both languages, the
// wishes that clash, answers that relax it) and compiles its relax
// expressions.
func checkConflictEffect(r *rule, at effectLine) (int, error) {
	c := r.Effect.Conflict
	if c == nil {
		return 0, nil
	}
	if c.Relaxation.EN == "" || c.Relaxation.PT == "" {
		return at("conflict"), fmt.Errorf("conflict.relaxation needs both en and pt-BR")
	}
	if len(c.Between) < 2 {
		return at("conflict"), fmt.Errorf("conflict.between needs the two (or more) wishes that clash")
	}
	for _, b := range c.Between {
		if b.EN == "" || b.PT == "" {
			return at("conflict"), fmt.Errorf("conflict.between entries need both en and pt-BR")
		}
	}
	for k, v := range c.Relax {
		var probe Answers
		if err := probe.Set(k, []string{v}); err != nil {
			return at("conflict", "relax", k), fmt.Errorf("conflict.relax: %v", err)
		}
	}
	for k, src := range c.RelaxExpr {
		if _, ok := QuestionByKey(k); !ok {
			return at("conflict", "relax_expr"), fmt.Errorf("conflict.relax_expr: unknown answer key %q", k)
		}
		p, err := compileString(src)
		if err != nil {
			return at("conflict", "relax_expr", k), fmt.Errorf("conflict.relax_expr.%s: %v", k, err)
		}
		if r.relaxExpr == nil {
			r.relaxExpr = map[string]*vm.Program{}
		}
		r.relaxExpr[k] = p
	}
	return 0, nil
}

// loadRuleFS reads every *.yaml file of a folder in name order.
func loadRuleFS(fsys fs.FS, dir string) (*ruleSet, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	all := &ruleSet{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		set, err := parseRules(name, b)
		if err != nil {
			return nil, err
		}
		all.rules = append(all.rules, set.rules...)
		all.assumptions = append(all.assumptions, set.assumptions...)
	}
	seen := map[string]*rule{}
	for _, r := range all.rules {
		if prev, dup := seen[r.ID]; dup {
			return nil, &LoadError{File: r.file, Line: r.line, Kind: "rule", ID: r.ID, Err: fmt.Errorf("duplicate id (first at %s:%d)", prev.file, prev.line)}
		}
		seen[r.ID] = r
	}
	return all, nil
}

// embeddedRules keeps the parse of the embedded rules (assets.Rules): they
// never change while the program runs, and compiling their conditions is
// most of an engine's start.
var embeddedRules struct {
	once sync.Once
	set  *ruleSet
	err  error
}

// builtinRules is the rule set of fsys: the embedded one is parsed once per
// process and each engine gets its own copy of each rule (the engine
// numbers its rules); the compiled conditions are shared, as they are only
// run.
func builtinRules(fsys fs.FS, dir string) (*ruleSet, error) {
	if fsys != fs.FS(assets.Rules) || dir != "rules" {
		return loadRuleFS(fsys, dir)
	}
	embeddedRules.once.Do(func() { embeddedRules.set, embeddedRules.err = loadRuleFS(fsys, dir) })
	if embeddedRules.err != nil {
		return nil, embeddedRules.err
	}
	src := embeddedRules.set
	out := &ruleSet{rules: make([]*rule, len(src.rules)), assumptions: slices.Clone(src.assumptions)}
	for i, r := range src.rules {
		cp := *r
		out.rules[i] = &cp
	}
	return out, nil
}

// mergeRules puts user rules over built-ins: same id replaces (or disables), a new id adds.
func mergeRules(base, user *ruleSet) *ruleSet {
	out := &ruleSet{assumptions: append([]*assumption{}, base.assumptions...)}
	byID := map[string]*rule{}
	for _, r := range user.rules {
		byID[r.ID] = r
	}
	used := map[string]bool{}
	for _, r := range base.rules {
		if u, ok := byID[r.ID]; ok {
			used[r.ID] = true
			if !u.Disabled {
				out.rules = append(out.rules, u)
			}
			continue
		}
		out.rules = append(out.rules, r)
	}
	for _, r := range user.rules {
		if !used[r.ID] && !r.Disabled {
			out.rules = append(out.rules, r)
		}
	}
	// User assumptions for a key take over every built-in one for that key,
	// at the place of the first.
	byKey := map[string][]*assumption{}
	for _, ua := range user.assumptions {
		byKey[ua.Key] = append(byKey[ua.Key], ua)
	}
	var merged []*assumption
	done := map[string]bool{}
	for _, a := range out.assumptions {
		if ua, ok := byKey[a.Key]; ok {
			if !done[a.Key] {
				merged = append(merged, ua...)
				done[a.Key] = true
			}
			continue
		}
		merged = append(merged, a)
	}
	for _, ua := range user.assumptions {
		if !done[ua.Key] {
			merged = append(merged, ua)
		}
	}
	out.assumptions = merged
	return out
}

// sortRules orders rules by stage (decision-guidance §2.5), then file order.
func sortRules(rs []*rule) {
	for i, r := range rs {
		r.order = i
	}
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Stage != rs[j].Stage {
			return rs[i].Stage < rs[j].Stage
		}
		return rs[i].order < rs[j].order
	})
}
