package advisor

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/llm-advisor/llm-advisor/assets"

	"github.com/llm-advisor/llm-advisor/internal/safefile"
	"github.com/llm-advisor/llm-advisor/locale"
)

// Engine turns answers into a recommendation with rules that are data
// (assets/rules, plus the user's rules.yaml) and a model catalog
// (assets/catalog, plus the user's catalog.yaml). It is safe for concurrent use.
type Engine struct {
	rules       []*rule
	assumptions []*assumption
	problems    []error

	mu      sync.RWMutex
	catalog []Model

	// Catalog from models.dev (issue 12).
	catInfo   CatalogInfo
	check     CatalogCheck
	providers []Provider
	today     string // YYYY-MM-DD: the day lifecycle and price age are judged on
}

type engineConfig struct {
	rulesFS     fs.FS
	rulesDir    string
	catalogFS   fs.FS
	catalogDir  string
	userDir     string
	userDirSet  bool
	rulesFiles  []string
	catalogFile []string

	dataDir    string // where the last good models.dev copy is kept
	dataDirSet bool
	modelsDev  *ModelsDev
	today      string
}

// WithDataDir reads the last good models.dev catalog from dir instead of
// DataDir(); an empty dir uses the bundled copy only.
func WithDataDir(dir string) Option {
	return func(c *engineConfig) { c.dataDir, c.dataDirSet = dir, true }
}

// WithModelsDev uses d as the models.dev catalog (tests, and a refresh that
// was just checked).
func WithModelsDev(d *ModelsDev) Option {
	return func(c *engineConfig) { c.modelsDev = d }
}

// WithToday judges lifecycle and price age on day (YYYY-MM-DD) instead of today.
func WithToday(day string) Option {
	return func(c *engineConfig) { c.today = day }
}

// Option configures NewEngine.
type Option func(*engineConfig)

// WithUserDir reads rules.yaml and catalog.yaml from dir instead of the
// default UserDir(); an empty dir reads no user files.
func WithUserDir(dir string) Option {
	return func(c *engineConfig) { c.userDir, c.userDirSet = dir, true }
}

// WithRulesFile adds a user rules file (after the user folder's rules.yaml).
func WithRulesFile(path string) Option {
	return func(c *engineConfig) { c.rulesFiles = append(c.rulesFiles, path) }
}

// WithCatalogFile adds a user catalog file (after the user folder's catalog.yaml).
func WithCatalogFile(path string) Option {
	return func(c *engineConfig) { c.catalogFile = append(c.catalogFile, path) }
}

// WithBuiltins replaces the embedded rules and catalog (tests).
func WithBuiltins(rules fs.FS, rulesDir string, catalog fs.FS, catalogDir string) Option {
	return func(c *engineConfig) {
		c.rulesFS, c.rulesDir, c.catalogFS, c.catalogDir = rules, rulesDir, catalog, catalogDir
	}
}

// NewEngine loads and type-checks the built-in rules and catalog, then the
// user's overrides (by default from UserDir()). An error in the built-ins is
// returned as err. A broken user file never stops the engine: it is left out
// and reported by Problems() as a *LoadError naming the file, the line and
// the rule or model id, and the built-ins keep working.
func NewEngine(opts ...Option) (*Engine, error) {
	c := engineConfig{rulesFS: assets.Rules, rulesDir: "rules", catalogFS: assets.Catalog, catalogDir: "catalog"}
	for _, o := range opts {
		o(&c)
	}
	base, err := builtinRules(c.rulesFS, c.rulesDir)
	if err != nil {
		return nil, fmt.Errorf("built-in rules: %w", err)
	}
	c.defaultDirs()
	e := &Engine{today: c.today}
	if e.today == "" {
		e.today = time.Now().UTC().Format("2006-01-02")
	}
	if err := e.loadCatalog(c); err != nil {
		return nil, err
	}
	rulesFiles, catalogFiles := c.userFiles()
	set := e.loadUserRules(base, rulesFiles, c.userDir != "")
	e.loadUserCatalog(catalogFiles, c.userDir != "")
	sortCatalog(e.catalog)
	applyLifecycle(e.catalog, e.today)
	for i := range e.catalog {
		if m := &e.catalog[i]; m.ParamsB == 0 && m.Params != "" {
			m.ParamsB, m.ActiveParamsB = paramsFromName(m.Params)
		}
	}
	e.catInfo.Catalog = len(e.catalog)
	e.catInfo.Stale = StaleOn(e.catInfo.AsOf, e.today)
	sortRules(set.rules)
	e.rules = set.rules
	e.assumptions = set.assumptions
	return e, nil
}

// defaultDirs fills in the user's configuration folder and the data folder
// (the models.dev copy) unless an option set them.
func (c *engineConfig) defaultDirs() {
	if !c.userDirSet {
		if d, err := UserDir(); err == nil {
			c.userDir = d
		}
	}
	if !c.dataDirSet && !c.userDirSet {
		if d, err := DataDir(); err == nil {
			c.dataDir = d
		}
	}
}

// userFiles lists the user's rules and catalog files: those of the user's
// folder first (they may be missing), then those the options name.
func (c *engineConfig) userFiles() (rulesFiles, catalogFiles []string) {
	if c.userDir != "" {
		rulesFiles = append(rulesFiles, filepath.Join(c.userDir, "rules.yaml"))
		catalogFiles = append(catalogFiles, filepath.Join(c.userDir, "catalog.yaml"))
	}
	return append(rulesFiles, c.rulesFiles...), append(catalogFiles, c.catalogFile...)
}

// loadCatalog builds the catalog from models.dev (the last good refresh in
// the data folder, else the bundled copy) with the curated entries merged
// in. A curated entry the bundled copy refuses is an error of the build.
func (e *Engine) loadCatalog(c engineConfig) error {
	md := c.modelsDev
	var mdModels []Model // md's models, when they come from the bundled copy
	if md == nil && c.dataDir != "" {
		// The last good refresh wins over the bundled copy; a copy that no
		// longer reads is reported and the bundled one used.
		d, err := LoadModelsDevCopy(c.dataDir)
		if err != nil {
			e.problems = append(e.problems, &LoadError{File: filepath.Join(c.dataDir, ModelsDevFile), Err: err})
		}
		md = d
	}
	if md == nil {
		d, models, err := bundledCatalog(c.catalogFS, c.catalogDir)
		if err != nil {
			return fmt.Errorf("built-in models.dev catalog: %w", err)
		}
		md, mdModels = d, models
	}
	ovs, facts, err := builtinCurated(c.catalogFS, c.catalogDir)
	if err != nil {
		return err
	}
	if md != nil {
		if mdModels == nil {
			mdModels = md.toModels()
		}
		applyProviderFacts(mdModels, facts)
		e.providers = md.ProviderList()
		e.catInfo = CatalogInfo{AsOf: md.AsOf, Source: md.Source, FetchedAt: md.FetchedAt, Providers: len(md.Providers), Models: md.Models()}
	}
	e.catalog = mergeCatalog(mdModels, ovs, &e.check)
	if len(e.check.Refused) > 0 && md != nil && md.Source == "bundled" {
		r := e.check.Refused[0]
		return fmt.Errorf("built-in catalog: %s:%d: %s: %s", r.File, r.Line, r.ID, r.Problem)
	}
	return nil
}

// readUserFile reads a user file; a missing first file of the user's folder
// (inUserDir) is no problem, any other failure is one of Problems().
func (e *Engine) readUserFile(i int, p string, limit int64, inUserDir bool) ([]byte, bool) {
	b, err := safefile.Read(p, limit)
	if err != nil {
		if !(i == 0 && inUserDir && errors.Is(err, fs.ErrNotExist)) {
			e.problems = append(e.problems, &LoadError{File: p, Err: err})
		}
		return nil, false
	}
	return b, true
}

// loadUserRules puts the user's rules files over base; a broken file is
// left out and reported.
func (e *Engine) loadUserRules(base *ruleSet, files []string, inUserDir bool) *ruleSet {
	set := base
	for i, p := range files {
		b, ok := e.readUserFile(i, p, MaxRulesBytes, inUserDir)
		if !ok {
			continue
		}
		user, err := parseRules(p, b)
		if err == nil {
			err = checkUserIDs(user)
		}
		if err != nil {
			e.problems = append(e.problems, err)
			continue
		}
		set = mergeRules(set, user)
	}
	return set
}

// loadUserCatalog merges the user's catalog files into the catalog; a
// broken file or a refused entry is left out and reported.
func (e *Engine) loadUserCatalog(files []string, inUserDir bool) {
	for i, p := range files {
		b, ok := e.readUserFile(i, p, MaxCatalogBytes, inUserDir)
		if !ok {
			continue
		}
		ovs, err := parseOverlays(p, b)
		if err != nil {
			e.problems = append(e.problems, err)
			continue
		}
		var userCheck CatalogCheck
		e.catalog = mergeCatalog(e.catalog, ovs, &userCheck)
		for _, r := range userCheck.Refused {
			e.problems = append(e.problems, &LoadError{File: p, Line: r.Line, Kind: "model", ID: r.ID, Err: fmt.Errorf("%s", r.Problem)})
		}
	}
}

func checkUserIDs(s *ruleSet) error {
	seen := map[string]bool{}
	for _, r := range s.rules {
		if seen[r.ID] {
			return &LoadError{File: r.file, Line: r.line, Kind: "rule", ID: r.ID, Err: fmt.Errorf("duplicate id")}
		}
		seen[r.ID] = true
	}
	return nil
}

// Problems lists the user files that could not be used (each a *LoadError).
func (e *Engine) Problems() []error { return append([]error(nil), e.problems...) }

// CatalogInfo says where the models.dev part of the catalog comes from and how old it is.
func (e *Engine) CatalogInfo() CatalogInfo {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.catInfo
}

// CatalogCheck is what merging the curated entries into models.dev found (`catalog --check`).
func (e *Engine) CatalogCheck() CatalogCheck { return e.check }

// Providers lists the models.dev providers of the catalog (id, name, key
// variables, OpenAI-compatible base URL, docs), by id.
func (e *Engine) Providers() []Provider { return append([]Provider(nil), e.providers...) }

// Provider returns the models.dev provider with the given id.
func (e *Engine) Provider(id string) (Provider, bool) {
	for _, p := range e.providers {
		if p.ID == id {
			return p, true
		}
	}
	return Provider{}, false
}

// Today is the day (YYYY-MM-DD) the engine judges lifecycle and price age on.
func (e *Engine) Today() string { return e.today }

// Catalog returns a copy of the model catalog.
func (e *Engine) Catalog() []Model {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return append([]Model(nil), e.catalog...)
}

// Model returns the catalog model with the given id.
func (e *Engine) Model(id string) (Model, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	for _, m := range e.catalog {
		if m.ID == id {
			return m, true
		}
	}
	return Model{}, false
}

// CachedPrice is the catalog's price of cached prompt tokens (models.dev
// cache_read, USD per 1M) of a token-priced model; false when the catalog
// has none for it.
func (e *Engine) CachedPrice(id string) (float64, bool) {
	if e == nil || id == "" {
		return 0, false
	}
	m, ok := e.Model(id)
	if !ok || m.PriceUnit != "" || m.PriceCacheReadPer1M <= 0 {
		return 0, false
	}
	return m.PriceCacheReadPer1M, true
}

// AddModels adds models to the catalog, replacing those with the same id.
func (e *Engine) AddModels(ms ...Model) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, m := range ms {
		m.Status = m.StatusOn(e.today)
		replaced := false
		for i := range e.catalog {
			if e.catalog[i].ID == m.ID {
				e.catalog[i] = m
				replaced = true
				break
			}
		}
		if !replaced {
			e.catalog = append(e.catalog, m)
		}
	}
}

// Rules describes every active rule, in evaluation order, in lang.
func (e *Engine) Rules(lang ...string) []RuleInfo {
	l := LangEN
	if len(lang) > 0 {
		l = normLang(lang[0])
	}
	out := make([]RuleInfo, 0, len(e.rules))
	for _, r := range e.rules {
		out = append(out, RuleInfo{ID: r.ID, Title: r.Title.In(l), Reason: r.Reason.In(l), Strength: r.Strength, Stage: r.Stage, Source: strings.Join(r.Source, " "), When: r.When, File: r.file})
	}
	return out
}

// fieldVal is a decided value and the precedence (§2.4) of the rule that decided it.
type fieldVal struct {
	val  string
	prec int // 0 = undecided
}

// set stores v unless a rule of higher priority (lower number) already decided.
func (f *fieldVal) set(v string, prec int) bool {
	if f.prec != 0 && prec > f.prec {
		return false
	}
	f.val, f.prec = v, prec
	return true
}

type stepState struct {
	in   bool
	prec int
}

// run is one evaluation.
type run struct {
	e       *Engine
	lang    string
	raw     Answers
	env     RuleEnv
	fired   map[string]bool
	model   map[string]*fieldVal
	plan    map[string]*stepState
	primary fieldVal
	notPrim map[string]bool
	steps   map[string]stepSpec
	// stepPrec is the precedence of the rule that wrote each step text
	// ("rag.detail", "rag.gate").
	stepPrec map[string]int
	filters  []Filter
	dirty    bool
	rec      *Recommendation
	// warnings about the shortlist, replaced each time it is rebuilt
	slWarnings []string
	byID       map[string]int // catalog positions by id (catalogIndex)
	byIDLen    int            // the catalog's length when byID was built
}

// Recommend evaluates the rules over the answers and returns the
// recommendation with its texts in lang ("en" or "pt-BR"). An answer outside
// the vocabulary is an *AnswerError.
func (e *Engine) Recommend(a Answers, lang string) (*Recommendation, error) {
	if err := validateAnswers(&a); err != nil {
		return nil, err
	}
	lang = normLang(lang)
	rec := &Recommendation{
		Also: []string{}, Shortlist: []Shortlisted{}, Fired: []Fired{}, Warnings: []string{},
		Conflicts: []Conflict{}, Assumptions: []string{}, Steps: []PlanStep{}, Lang: lang,
	}
	r := &run{
		e: e, lang: lang, raw: a, rec: rec,
		fired: map[string]bool{}, notPrim: map[string]bool{}, steps: map[string]stepSpec{}, stepPrec: map[string]int{},
		model: map[string]*fieldVal{}, plan: map[string]*stepState{},
	}
	for k := range modelFields {
		r.model[k] = &fieldVal{}
	}
	for _, s := range Steps {
		r.plan[s] = &stepState{}
	}
	r.initEnv()
	eff, err := r.assume(a)
	if err != nil {
		return nil, err
	}
	r.env.setAnswers(eff)

	shortlisted := false
	for _, rl := range e.rules {
		if rl.Stage >= 6 && !shortlisted {
			r.finishModel()
			r.buildShortlist(eff)
			shortlisted = true
		}
		if err := r.apply(rl); err != nil {
			return nil, err
		}
	}
	if !shortlisted || r.dirty {
		r.finishModel()
		r.buildShortlist(eff)
	}
	r.finishPlan()
	r.finishMoney(eff)
	rec.Warnings = append(rec.Warnings, r.slWarnings...)
	rec.CostAssumptions = costAssumptions(eff, usageFor(eff).withPlan(eff, r.plan[StepRAG].in), rec.Model.Type, lang)
	return rec, nil
}

func (r *run) initEnv() {
	r.env.CheapestCost = -1
	r.env.BudgetCap = -1
	r.env.ShortlistLicenses = []string{}
	r.env.AtLeast = atLeast
	r.env.AtMost = atMost
	r.env.Known = func(key string) bool { return answered(&r.raw, key) }
	r.env.Fired = func(id string) bool { return r.fired[id] }
	r.env.PlanHas = func(step string) bool { s, ok := r.plan[step]; return ok && s.in }
	r.env.HasTask = func(t string) bool { return contains(r.env.Tasks, t) }
	r.env.BudgetBandFor = budgetBandFor
	r.env.HasLanguage = func(l string) bool { return hasLanguage(r.env.LanguageList, l) }
	r.env.OnlyLanguage = func(l string) bool { return onlyLanguage(r.env.LanguageList, l) }
}

// assume fills unknown answers with the conservative assumptions, in order;
// each sees the answers and assumptions before it.
func (r *run) assume(a Answers) (Answers, error) {
	eff := a
	eff.Task = append([]string(nil), a.Task...)
	// An exact amount wins over the band of the same name (contract
	// Additions); it is converted to USD at the user's rate (or the dated
	// default, said as an assumption).
	money := MoneyOf(eff)
	if !money.IsUSD() && money.Default && (eff.BudgetMonthlyAmount != nil || eff.BudgetBuildAmount != nil || eff.Currency != "") {
		r.rec.Assumptions = append(r.rec.Assumptions, rateAssumption(money, r.lang))
	}
	if eff.BudgetMonthlyAmount != nil {
		eff.BudgetMonthly = budgetBandFor(money.ToUSD(*eff.BudgetMonthlyAmount))
	}
	if eff.BudgetBuildAmount != nil {
		eff.BudgetBuild = budgetBuildBandFor(money.ToUSD(*eff.BudgetBuildAmount))
	}
	// A list of languages answers "how many languages" too.
	if eff.Languages == "" && len(eff.LanguageList) > 0 {
		eff.Languages = languagesBand(eff.LanguageList)
	}
	r.env.setAnswers(eff)
	for _, as := range r.e.assumptions {
		if answered(&eff, as.Key) {
			continue
		}
		if as.when != nil {
			ok, err := runBool(as.when, &r.env)
			if err != nil {
				return eff, fmt.Errorf("assumption %s (%s:%d): %w", as.Key, as.file, as.line, err)
			}
			if !ok {
				continue
			}
		}
		setAnswer(&eff, as.Key, as.Value)
		r.env.setAnswers(eff)
		r.rec.Assumptions = append(r.rec.Assumptions, as.Text.In(r.lang))
	}
	return eff, nil
}

// languagesBand is the languages answer a list of BCP 47 tags implies:
// English only, a few (up to 10 distinct languages) or many.
func languagesBand(tags []string) string {
	seen := map[string]bool{}
	for _, t := range tags {
		base, _, _ := strings.Cut(strings.ToLower(t), "-")
		seen[base] = true
	}
	switch {
	case len(seen) == 1 && seen["en"]:
		return "english_only"
	case len(seen) <= 10:
		return "few"
	}
	return "many"
}

// finishMoney writes the currency and each shortlisted model's cost in it.
func (r *run) finishMoney(a Answers) {
	m := MoneyOf(a)
	r.rec.Currency, r.rec.ExchangeRate, r.rec.ExchangeRateDate = m.Currency, m.PerUSD, m.Date
	for i := range r.rec.Shortlist {
		r.rec.Shortlist[i].MonthlyCost = m.FromUSD(r.rec.Shortlist[i].MonthlyCostUSD)
	}
	for j := range r.rec.AlsoShortlist {
		for i := range r.rec.AlsoShortlist[j].Shortlist {
			s := &r.rec.AlsoShortlist[j].Shortlist[i]
			s.MonthlyCost = m.FromUSD(s.MonthlyCostUSD)
		}
	}
}

func runBool(p *vm.Program, env *RuleEnv) (bool, error) {
	out, err := expr.Run(p, env)
	if err != nil {
		return false, err
	}
	b, _ := out.(bool)
	return b, nil
}

func runString(p *vm.Program, env *RuleEnv) (string, error) {
	out, err := expr.Run(p, env)
	if err != nil {
		return "", err
	}
	s, _ := out.(string)
	return s, nil
}

// apply evaluates one rule and, when it fires, applies its effect.
func (r *run) apply(rl *rule) error {
	ok, err := runBool(rl.when, &r.env)
	if err != nil {
		return fmt.Errorf("rule %s (%s:%d): %w", rl.ID, rl.file, rl.line, err)
	}
	if !ok {
		return nil
	}
	r.fired[rl.ID] = true
	rec := r.rec
	rec.Fired = append(rec.Fired, Fired{ID: rl.ID, Title: rl.Title.In(r.lang), Because: rl.Reason.In(r.lang), Source: strings.Join(rl.Source, " "), Strength: rl.Strength})
	ef := &rl.Effect
	if ef.Filter != nil {
		r.filters = append(r.filters, *ef.Filter)
		r.dirty = true
	}
	if err := r.applyModel(rl); err != nil {
		return err
	}
	r.applyPlan(ef, rl.Precedence)
	r.applySteps(ef, rl.Precedence)
	for _, t := range ef.Also {
		if !contains(rec.Also, t) {
			rec.Also = append(rec.Also, t)
		}
	}
	if ef.Warn {
		rec.Warnings = append(rec.Warnings, rl.Reason.In(r.lang))
	}
	if !ef.Warning.empty() {
		rec.Warnings = append(rec.Warnings, ef.Warning.In(r.lang))
	}
	if ef.Conflict != nil {
		cf, err := r.conflictOf(rl)
		if err != nil {
			return err
		}
		rec.Conflicts = append(rec.Conflicts, cf)
	}
	r.env.ShortlistCount = len(rec.Shortlist)
	return nil
}

// applyModel sets the model fields the rule names, as values or as
// expressions over the answers; a changed field makes the shortlist stale.
func (r *run) applyModel(rl *rule) error {
	ef, p := &rl.Effect, rl.Precedence
	for _, k := range sortedKeys(ef.Model) {
		if r.model[k].set(ef.Model[k], p) {
			r.dirty = true
		}
	}
	for _, k := range sortedKeys(rl.modelExpr) {
		v, err := runString(rl.modelExpr[k], &r.env)
		if err != nil {
			return fmt.Errorf("rule %s: model_expr.%s: %w", rl.ID, k, err)
		}
		if !contains(modelFields[k], v) {
			return fmt.Errorf("rule %s: model_expr.%s gave %q; allowed: %s", rl.ID, k, v, strings.Join(modelFields[k], ", "))
		}
		if r.model[k].set(v, p) {
			r.dirty = true
		}
	}
	r.syncModelEnv()
	return nil
}

// applyPlan adds and removes plan steps and sets the primary step, each
// only over a weaker (or no) earlier rule.
func (r *run) applyPlan(ef *effectSpec, p int) {
	for _, s := range ef.Plan.Add {
		if st := r.plan[s]; st.prec == 0 || p <= st.prec || st.in {
			st.in, st.prec = true, minPrec(st, p)
		}
	}
	for _, s := range ef.Plan.Remove {
		if st := r.plan[s]; st.prec == 0 || p <= st.prec || !st.in {
			st.in, st.prec = false, minPrec(st, p)
		}
	}
	if ef.Plan.Primary != "" {
		r.primary.set(ef.Plan.Primary, p)
		r.env.Primary = r.primary.val
	}
	for _, s := range ef.Plan.NotPrimary {
		r.notPrim[s] = true
	}
}

// applySteps keeps a step's text from the strongest rule that wrote it
// (lowest precedence number; the later one among equals): the general
// default of S1 never overwrites what a modality or a citation rule said
// about the same step ("index your items and return the nearest ones" for a
// pure search stays that, not "add them to the prompt").
func (r *run) applySteps(ef *effectSpec, p int) {
	for s, t := range ef.Steps {
		cur := r.steps[s]
		if !t.Detail.empty() && (r.stepPrec[s+".detail"] == 0 || p <= r.stepPrec[s+".detail"]) {
			cur.Detail = t.Detail
			r.stepPrec[s+".detail"] = p
		}
		if !t.Gate.empty() && (r.stepPrec[s+".gate"] == 0 || p <= r.stepPrec[s+".gate"]) {
			cur.Gate = t.Gate
			r.stepPrec[s+".gate"] = p
		}
		r.steps[s] = cur
	}
}

// conflictOf is the rule's conflict in the recommendation's language, with
// the answers that would relax it (fixed, or worked out from the answers).
func (r *run) conflictOf(rl *rule) (Conflict, error) {
	c := rl.Effect.Conflict
	cf := Conflict{ID: rl.ID, Relaxation: c.Relaxation.In(r.lang)}
	for _, b := range c.Between {
		cf.Between = append(cf.Between, b.In(r.lang))
	}
	if len(c.Relax) == 0 && len(rl.relaxExpr) == 0 {
		return cf, nil
	}
	cf.Relax = map[string]string{}
	for k, v := range c.Relax {
		cf.Relax[k] = v
	}
	for k, pr := range rl.relaxExpr {
		v, err := runString(pr, &r.env)
		if err != nil {
			return cf, fmt.Errorf("rule %s: relax_expr.%s: %w", rl.ID, k, err)
		}
		var probe Answers
		if err := probe.Set(k, []string{v}); err != nil {
			return cf, fmt.Errorf("rule %s: relax_expr.%s: %w", rl.ID, k, err)
		}
		cf.Relax[k] = v
	}
	r.budgetAmountRelax(&cf)
	return cf, nil
}

// budgetAmountRelax states a budget relaxation as the exact amount in the
// user's currency: the cheapest fitting model's monthly estimate, rounded up
// to a whole unit. When the user typed an exact budget it wins over the
// bands, so a relaxation of the band alone would change nothing: the amount
// is what the button sets.
func (r *run) budgetAmountRelax(cf *Conflict) {
	if _, ok := cf.Relax["budget_monthly"]; !ok || !(r.env.CheapestCost > 0) {
		return
	}
	m := MoneyOf(r.raw)
	amount := math.Ceil(m.FromUSD(r.env.CheapestCost))
	f := locale.For(r.lang).WithCurrency(m.Currency, m.PerUSD)
	shown := f.MoneyDec(m.ToUSD(amount), 0)
	if r.raw.BudgetMonthlyAmount != nil {
		delete(cf.Relax, "budget_monthly")
		cf.Relax["budget_monthly_amount"] = strconv.FormatFloat(amount, 'f', 0, 64)
	}
	if r.lang == LangPT {
		cf.Relaxation += " Valor exato: " + shown + " por mês, a estimativa do modelo mais barato que serve no seu volume."
	} else {
		cf.Relaxation += " Exact amount: " + shown + " a month, the cheapest fitting model's estimate at your volume."
	}
}

// minPrec keeps the strongest precedence that touched a step.
func minPrec(st *stepState, p int) int {
	if st.prec == 0 || p < st.prec {
		return p
	}
	return st.prec
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func (r *run) syncModelEnv() {
	r.env.ModelType = r.model["type"].val
	r.env.Architecture = r.model["architecture"].val
	r.env.Weights = r.model["weights"].val
	r.env.Hosting = r.model["hosting"].val
	r.env.SizeTier = r.model["size_tier"].val
}

// defaultArch is the architecture a model type implies.
var defaultArch = map[string]string{
	TypeTextLLM: ArchDecoderOnly, TypeMultimodalLLM: ArchDecoderOnly, TypeCodeLLM: ArchDecoderOnly,
	TypeEmbedding: ArchEncoderOnly, TypeSpeechToText: ArchEncoderDecoder, TypeImageGeneration: ArchDiffusion,
	TypeEncoderClassifier: ArchEncoderOnly, TypeEncoderDecoder: ArchEncoderDecoder,
}

// finishModel fills what no rule decided with neutral defaults.
func (r *run) finishModel() {
	m := &r.rec.Model
	m.Type = orDefault(r.model["type"].val, TypeTextLLM)
	m.Architecture = r.model["architecture"].val
	if m.Architecture == "" || (r.model["architecture"].prec > r.model["type"].prec && defaultArch[m.Type] != m.Architecture) {
		m.Architecture = defaultArch[m.Type]
	}
	m.Weights = orDefault(r.model["weights"].val, WeightsEither)
	m.Hosting = orDefault(r.model["hosting"].val, HostingManaged)
	m.SizeTier = orDefault(r.model["size_tier"].val, TierMid)
	also := r.rec.Also[:0]
	for _, t := range r.rec.Also {
		if t != m.Type {
			also = append(also, t)
		}
	}
	r.rec.Also = also
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// finishPlan orders the plan, picks the primary step and writes the steps.
func (r *run) finishPlan() {
	rec := r.rec
	plan := []string{}
	for _, s := range Steps {
		if r.plan[s].in {
			plan = append(plan, s)
		}
	}
	if len(plan) == 0 {
		plan = append(plan, StepPrompting)
	}
	primary := r.primary.val
	if primary == "" || !contains(plan, primary) || r.notPrim[primary] {
		primary = ""
		for _, s := range []string{StepRAG, StepPrompting} {
			if contains(plan, s) && !r.notPrim[s] {
				primary = s
				break
			}
		}
		if primary == "" {
			primary = plan[0]
		}
	}
	rec.Strategy = Strategy{Primary: primary, Plan: plan}
	for _, s := range plan {
		t := r.steps[s]
		rec.Steps = append(rec.Steps, PlanStep{Step: s, Detail: t.Detail.In(r.lang), Gate: t.Gate.In(r.lang)})
	}
}

// HasUserFiles reports whether NewEngine with the same options would read a
// file of the user's: rules.yaml or catalog.yaml in the user's folder, a
// rules or catalog file an option names, or a models.dev copy in the data
// folder. Only those files give Problems(), so when it is false an engine's
// Problems() is empty and a caller that only wants them (Home) need not
// build the engine. It only looks the files up; anything there that is not
// plainly missing (a file, a folder, one that cannot be looked at) counts.
func HasUserFiles(opts ...Option) bool {
	var c engineConfig
	for _, o := range opts {
		o(&c)
	}
	c.defaultDirs()
	if len(c.rulesFiles) > 0 || len(c.catalogFile) > 0 {
		return true
	}
	var paths []string
	if c.userDir != "" {
		paths = append(paths, filepath.Join(c.userDir, "rules.yaml"), filepath.Join(c.userDir, "catalog.yaml"))
	}
	if c.modelsDev == nil && c.dataDir != "" {
		paths = append(paths, filepath.Join(c.dataDir, ModelsDevFile))
	}
	for _, p := range paths {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			return true
		}
	}
	return false
}
