package livetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/internal/redact"
	"github.com/llm-advisor/llm-advisor/internal/safefile"
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
	DefaultMaxWER              = 0.1 // a transcription passes at 10% word errors or fewer
)

// Limits of the files a case sends (the OpenAI API's): 25 MB of audio for a
// transcription, 20 MB for an image in a chat message. Options can lower them.
const (
	MaxAudioBytes = 25 << 20
	MaxImageBytes = 20 << 20
)

// Bounds of a plan, so that no plan can exhaust memory before anything is
// sent: the file, what it expands to (YAML aliases), the repeats, the
// request timeout and the number of requests in all.
const (
	MaxPlanBytes     = 16 << 20
	MaxPlanExpanded  = 64 << 20
	MaxRepeats       = 1000
	MaxRequests      = 200_000
	MaxTimeoutSecond = 24 * 60 * 60
	MaxMaxTokens     = 1 << 20
)

// File formats a case may send, by file name extension.
var (
	AudioFormats = []string{".wav", ".mp3", ".m4a"}
	ImageFormats = []string{".png", ".jpg", ".jpeg"}
)

// Allowed values of the plan's enumerations, in the order error messages list them.
var (
	Kinds      = []string{advisor.KindOpenAI, advisor.KindAzure, advisor.KindCompatible}
	Strategies = []string{advisor.StrategyZeroShot, advisor.StrategyFewShot, advisor.StrategyRAG}
	CheckNames = []string{advisor.CheckExact, advisor.CheckContains, advisor.CheckRegex, advisor.CheckJSON, advisor.CheckSimilarity, advisor.CheckJudge}
	CaseKinds  = []string{advisor.CaseKindChat, advisor.CaseKindEmbedding, advisor.CaseKindTranscription, advisor.CaseKindImage}
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
	b, err := safefile.Read(path, MaxPlanBytes)
	if err != nil {
		return advisor.Plan{}, fmt.Errorf("read plan: %w", err)
	}
	p, err := decodePlan(b, path)
	if err != nil {
		return advisor.Plan{}, err
	}
	resolvePaths(&p, filepath.Dir(path))
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
		var top map[string]json.RawMessage
		if json.Unmarshal(trimmed, &top) == nil {
			for _, k := range zeroFields {
				if v, ok := top[k]; ok && strings.TrimSpace(string(v)) == "0" {
					return p, zeroError(k)
				}
			}
		}
		if err := dec.Decode(&p); err != nil {
			if m := jsonUnknown.FindStringSubmatch(err.Error()); m != nil {
				return p, &PlanError{Field: m[1], Msg: "unknown field; see the plan format in the contract (name, endpoints, strategies, few_shot, documents, cases, ...)"}
			}
			return p, &PlanError{Msg: fmt.Sprintf("%s is not valid JSON: %v", displayName(name), err)}
		}
		return p, nil
	}
	// Measure what the YAML expands to before building it: a small file of
	// aliases to one long string can stand for gigabytes.
	var doc yaml.Node
	if err := yaml.Unmarshal(trimmed, &doc); err != nil {
		return p, &PlanError{Msg: fmt.Sprintf("%s is not valid YAML: %v", displayName(name), err)}
	}
	if n := advisor.YAMLExpandedSize(&doc, MaxPlanExpanded); n > MaxPlanExpanded {
		return p, &PlanError{Msg: fmt.Sprintf("%s expands to more than %s (YAML aliases repeat its text); a plan needs far less", displayName(name), safefile.Size(MaxPlanExpanded))}
	}
	if err := explicitZeros(&doc); err != nil {
		return p, err
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

// zeroFields are the plan's numbers for which 0 is not "use the default"
// but a mistake, when written out.
var zeroFields = []string{"repeats", "concurrency", "max_tokens", "timeout_seconds"}

func zeroError(field string) error {
	return &PlanError{Field: field, Msg: "0 is not allowed; leave the field out for the default, or give 1 or more"}
}

// explicitZeros refuses a top-level zeroField written as 0.
func explicitZeros(doc *yaml.Node) error {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	m := doc.Content[0].Content
	for i := 0; i+1 < len(m); i += 2 {
		if contains(zeroFields, m[i].Value) && m[i+1].Kind == yaml.ScalarNode && strings.TrimSpace(m[i+1].Value) == "0" {
			return zeroError(m[i].Value)
		}
	}
	return nil
}

// resolvePaths makes the plan's folders and the cases' image and audio
// files absolute, taking relative ones relative to dir (the plan file's).
func resolvePaths(p *advisor.Plan, dir string) {
	abs := func(f *string) {
		if *f == "" {
			return
		}
		if !filepath.IsAbs(*f) {
			*f = filepath.Join(dir, *f)
		}
		if a, err := filepath.Abs(*f); err == nil {
			*f = a
		}
	}
	cases := func(cs []advisor.Case) {
		for i := range cs {
			abs(&cs[i].Image)
			abs(&cs[i].Audio)
		}
	}
	abs(&p.Documents)
	cases(p.Cases)
	for i := range p.CaseSets {
		abs(&p.CaseSets[i].Documents)
		cases(p.CaseSets[i].Cases)
	}
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
	case "CaseSet":
		return "a case set"
	case "Document":
		return "a corpus document"
	}
	return t
}

// Defaults fills in what a plan leaves out: concurrency 4, repeats 1,
// max_tokens 256, a 60 s timeout, top_k 4, similarity threshold 0.8, the
// zero-shot strategy, and each endpoint's kind (openai-compatible when it has
// a base URL, openai otherwise; an endpoint naming a provider gets that
// provider's kind, base URL and key variable, see ResolveEndpoint). A case with an expected answer and no checks
// gets the contains check.
func Defaults(p *advisor.Plan) {
	// Only a missing value (0) gets the default; a negative one is left for
	// ValidatePlan to name.
	if p.Concurrency == 0 {
		p.Concurrency = DefaultConcurrency
	}
	if p.Repeats == 0 {
		p.Repeats = DefaultRepeats
	}
	if p.MaxTokens == 0 {
		p.MaxTokens = DefaultMaxTokens
	}
	if p.TimeoutSeconds == 0 {
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
		*ep = ResolveEndpoint(*ep)
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
	defCases := func(kind string, cs []advisor.Case) {
		if kind != "" && kind != advisor.CaseKindChat {
			return
		}
		for i := range cs {
			if len(cs[i].Checks) == 0 && cs[i].Expected != "" {
				cs[i].Checks = []string{advisor.CheckContains}
			}
		}
	}
	defCases(p.Kind, p.Cases)
	if p.Kind == advisor.CaseKindTranscription && p.MaxWER <= 0 {
		p.MaxWER = DefaultMaxWER
	}
	for i := range p.CaseSets {
		cs := &p.CaseSets[i]
		if cs.Kind == "" {
			cs.Kind = advisor.CaseKindChat
		}
		for j := range cs.Endpoints {
			defKind(&cs.Endpoints[j])
		}
		if cs.Kind == advisor.CaseKindTranscription && cs.MaxWER <= 0 {
			cs.MaxWER = DefaultMaxWER
		}
		defCases(cs.Kind, cs.Cases)
	}
}

// ValidatePlan reports every problem of a plan (after Defaults) in one error;
// each names the field, the value and what is allowed. Files a case sends
// are checked by their name here (format); whether they can be read and fit
// the size limit is checked when the case runs, so one bad file fails its
// own case only.
func ValidatePlan(p advisor.Plan) error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &PlanError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if p.Kind != "" && !contains(CaseKinds, p.Kind) {
		bad("kind", "%q is not allowed; allowed: %s", p.Kind, strings.Join(CaseKinds, ", "))
	}
	if len(p.Endpoints) == 0 && needPlanEndpoints(p) {
		bad("endpoints", "at least one endpoint is needed")
	}
	names := endpointNames{}
	names.check("endpoints", p.Endpoints, bad)
	validateStrategies(p, bad)
	if p.NumCases() == 0 {
		bad("cases", "at least one case is needed (an input and the answer you would accept)")
	}
	validateCaseSets(p, names, bad)
	needEmbedding, needJudge := validateSets(p, bad)
	validateHelpers(p, needEmbedding, needJudge, bad)
	validateLimits(p, bad)
	var be *PlanError
	if errors.As(ValidateBatch(p), &be) {
		bad(be.Field, "%s", be.Msg)
	}
	return errors.Join(errs...)
}

// needPlanEndpoints: some cases run on the plan's own endpoints (its
// top-level cases, or a case set that names none of its own).
func needPlanEndpoints(p advisor.Plan) bool {
	need := len(p.Cases) > 0 || len(p.CaseSets) == 0
	for _, cs := range p.CaseSets {
		need = need || len(cs.Endpoints) == 0
	}
	return need
}

// endpointNames is every endpoint seen so far in a plan, by name. One name,
// one endpoint: results are keyed by the endpoint's name, so a name may
// appear in several sets only for the very same endpoint.
type endpointNames map[string]advisor.Endpoint

// check checks one list of endpoints (field is its place in the plan): each
// has a name unique in the list and naming no other endpoint of the plan,
// and valid fields.
func (byName endpointNames) check(field string, eps []advisor.Endpoint, bad func(field, format string, args ...any)) {
	names := map[string]bool{}
	for i, ep := range eps {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case ep.Name == "":
			bad(f+".name", "every endpoint needs a name")
		case names[ep.Name]:
			bad(f+".name", "%q is used twice; endpoint names must be unique", ep.Name)
		default:
			if prev, ok := byName[ep.Name]; ok && !reflect.DeepEqual(prev, ep) {
				bad(f+".name", "%q names a different endpoint elsewhere in the plan; give each endpoint its own name", ep.Name)
			}
			byName[ep.Name] = ep
		}
		names[ep.Name] = true
		validateEndpoint(f, ep, bad)
	}
}

// validateStrategies checks the strategy names, and that the few-shot
// strategy has its examples when chat cases will use it.
func validateStrategies(p advisor.Plan, bad func(field, format string, args ...any)) {
	for i, s := range p.Strategies {
		if !contains(Strategies, s) {
			bad(fmt.Sprintf("strategies[%d]", i), "%q is not allowed; allowed: %s", s, strings.Join(Strategies, ", "))
		}
	}
	hasChat := false
	for _, s := range p.Sets() {
		hasChat = hasChat || (s.Kind == advisor.CaseKindChat && len(s.Cases) > 0)
	}
	if hasChat && contains(p.Strategies, advisor.StrategyFewShot) && len(p.FewShot) == 0 {
		bad("few_shot", "the few-shot strategy needs at least one example (input and output)")
	}
}

// validateCaseSets checks each case set's name, kind, cases and endpoints
// (names counts the plan's endpoints across sets).
func validateCaseSets(p advisor.Plan, names endpointNames, bad func(field, format string, args ...any)) {
	setNames := map[string]bool{}
	for j, cs := range p.CaseSets {
		f := fmt.Sprintf("case_sets[%d]", j)
		switch {
		case strings.TrimSpace(cs.Name) == "":
			bad(f+".name", "every case set needs a name")
		case setNames[cs.Name]:
			bad(f+".name", "%q is used twice; case set names must be unique", cs.Name)
		}
		setNames[cs.Name] = true
		if !contains(CaseKinds, cs.Kind) {
			bad(f+".kind", "%q is not allowed; allowed: %s", cs.Kind, strings.Join(CaseKinds, ", "))
		}
		if len(cs.Cases) == 0 {
			bad(f+".cases", "the case set has no cases")
		}
		names.check(f+".endpoints", cs.Endpoints, bad)
	}
}

// validateSets checks every set's fields and cases (validateSet) and
// reports whether any needs the embedding and the judge endpoints.
func validateSets(p advisor.Plan, bad func(field, format string, args ...any)) (needEmbedding, needJudge bool) {
	for i, s := range p.Sets() {
		prefix := "" // the top-level set's fields are the plan's own
		if len(p.Cases) == 0 || i > 0 {
			prefix = fmt.Sprintf("case_sets[%d].", i-boolInt(len(p.Cases) > 0))
		}
		e, j := validateSet(prefix, s, p.Strategies, bad)
		needEmbedding, needJudge = needEmbedding || e, needJudge || j
	}
	return needEmbedding, needJudge
}

// validateHelpers checks the embedding and judge endpoints: present when a
// check needs them (the judge with a rubric), valid when given.
func validateHelpers(p advisor.Plan, needEmbedding, needJudge bool, bad func(field, format string, args ...any)) {
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
		if strings.TrimSpace(p.Rubric) == "" && !everyJudgeHasRubric(p) {
			bad("rubric", "the judge check needs a rubric in plain words")
		}
	}
	if p.Judge != nil {
		validateEndpoint("judge", *p.Judge, bad)
	}
}

// validateLimits checks the plan's numbers against their allowed ranges.
func validateLimits(p advisor.Plan, bad func(field, format string, args ...any)) {
	if p.Concurrency > 1024 || p.Concurrency < 0 {
		bad("concurrency", "%d is not allowed; allowed: 1 to 1024", p.Concurrency)
	}
	if p.Repeats < 0 || p.Repeats > MaxRepeats {
		bad("repeats", "%d is not allowed; allowed: 1 to %d", p.Repeats, MaxRepeats)
	}
	if p.MaxTokens < 0 || p.MaxTokens > MaxMaxTokens {
		bad("max_tokens", "%d is not allowed; allowed: 1 to %d", p.MaxTokens, MaxMaxTokens)
	}
	if p.TimeoutSeconds < 0 || p.TimeoutSeconds > MaxTimeoutSecond {
		bad("timeout_seconds", "%d is not allowed; allowed: 1 to %d (a day)", p.TimeoutSeconds, MaxTimeoutSecond)
	}
	if n := RequestCount(p); n > MaxRequests {
		bad("repeats", "the plan makes %d requests (cases × strategies × endpoints × repeats); at most %d are allowed in one run — split it or lower repeats", n, MaxRequests)
	}
	if p.Temperature < 0 || p.Temperature > 2 {
		bad("temperature", "%v is not allowed; allowed: 0 to 2", p.Temperature)
	}
	if p.SimilarityThreshold > 1 {
		bad("similarity_threshold", "%v is not allowed; allowed: 0 to 1", p.SimilarityThreshold)
	}
}

// everyJudgeHasRubric: each case with the judge check has its own rubric.
func everyJudgeHasRubric(p advisor.Plan) bool {
	for _, s := range p.Sets() {
		for _, c := range s.Cases {
			if slices.Contains(c.Checks, advisor.CheckJudge) && strings.TrimSpace(c.Rubric) == "" {
				return false
			}
		}
	}
	return true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// validateSet checks one case set's own fields and cases; prefix is "" for
// the plan's top-level cases and "case_sets[N]." otherwise. It reports
// whether the set needs the embedding and the judge endpoints.
func validateSet(prefix string, s advisor.CaseSet, strategies []string, bad func(field, format string, args ...any)) (needEmbedding, needJudge bool) {
	validateSetFields(prefix, s, bad)
	docIDs := validateSetKind(prefix, s, strategies, bad)
	for i, c := range s.Cases {
		e, j := validateCase(fmt.Sprintf("%scases[%d]", prefix, i), s, c, docIDs, bad)
		needEmbedding, needJudge = needEmbedding || e, needJudge || j
	}
	return needEmbedding, needJudge
}

// validateSetFields reports the set fields that only another kind of set
// uses.
func validateSetFields(prefix string, s advisor.CaseSet, bad func(field, format string, args ...any)) {
	onlyFor := func(field, kind string) {
		bad(prefix+field, "only %s sets use it; this set's kind is %s", kind, s.Kind)
	}
	if s.Kind != advisor.CaseKindEmbedding && len(s.Corpus) > 0 {
		onlyFor("corpus", advisor.CaseKindEmbedding)
	}
	if s.Kind != advisor.CaseKindTranscription {
		if s.Language != "" {
			onlyFor("language", advisor.CaseKindTranscription)
		}
		if s.MaxWER != 0 {
			onlyFor("max_wer", advisor.CaseKindTranscription)
		}
	}
	if s.Kind != advisor.CaseKindImage && s.ImageSize != "" {
		onlyFor("image_size", advisor.CaseKindImage)
	}
}

// validateSetKind checks the set fields of its own kind. For an embedding
// set it returns the ids of its documents when they can be listed (nil
// otherwise, and for other kinds).
func validateSetKind(prefix string, s advisor.CaseSet, strategies []string, bad func(field, format string, args ...any)) map[string]bool {
	var docIDs map[string]bool
	switch s.Kind {
	case advisor.CaseKindChat:
		if contains(strategies, advisor.StrategyRAG) && len(s.Cases) > 0 {
			if s.Documents == "" {
				bad(prefix+"documents", "the rag strategy needs a documents folder")
			} else if st, err := os.Stat(s.Documents); err != nil || !st.IsDir() {
				bad(prefix+"documents", "%q is not a folder", s.Documents)
			}
		}
	case advisor.CaseKindEmbedding:
		docIDs = validateSetDocuments(prefix, s, bad)
		if s.TopK < 0 {
			bad(prefix+"top_k", "%d is not allowed; allowed: 1 or more", s.TopK)
		}
	case advisor.CaseKindTranscription:
		if s.MaxWER < 0 {
			bad(prefix+"max_wer", "%v is not allowed; allowed: 0 or more", s.MaxWER)
		}
	case advisor.CaseKindImage:
		if s.ImageSize != "" && !imageSize.MatchString(s.ImageSize) {
			bad(prefix+"image_size", "%q is not allowed; allowed: WIDTHxHEIGHT, e.g. 1024x1024", s.ImageSize)
		}
	}
	return docIDs
}

// validateSetDocuments checks an embedding set's documents (its corpus
// items, else its documents folder) and returns their ids, or nil when the
// folder cannot be read.
func validateSetDocuments(prefix string, s advisor.CaseSet, bad func(field, format string, args ...any)) map[string]bool {
	switch {
	case len(s.Corpus) > 0:
		docIDs := map[string]bool{}
		for i, d := range s.Corpus {
			f := fmt.Sprintf("%scorpus[%d]", prefix, i)
			switch {
			case d.ID == "":
				bad(f+".id", "every document needs an id")
			case docIDs[d.ID]:
				bad(f+".id", "%q is used twice; document ids must be unique", d.ID)
			}
			if strings.TrimSpace(d.Text) == "" {
				bad(f+".text", "the document %q has no text", d.ID)
			}
			docIDs[d.ID] = true
		}
		return docIDs
	case s.Documents == "":
		bad(prefix+"documents", "an embedding set needs documents to search: a documents folder or corpus items (id and text)")
		return nil
	default:
		ids, err := documentIDs(s.Documents)
		if err != nil {
			bad(prefix+"documents", "%q is not a readable folder: %v", s.Documents, err)
			return nil
		}
		return ids
	}
}

// validateCase checks one case (f is its field, e.g. "cases[2]") of a set:
// no field only another kind uses, then the fields its kind needs. It
// reports whether the case needs the embedding and the judge endpoints.
func validateCase(f string, s advisor.CaseSet, c advisor.Case, docIDs map[string]bool, bad func(field, format string, args ...any)) (needEmbedding, needJudge bool) {
	validateCaseFields(f, s.Kind, c, bad)
	switch s.Kind {
	case advisor.CaseKindChat:
		if strings.TrimSpace(c.Input) == "" {
			bad(f+".input", "the input is empty")
		}
		if c.Image != "" && !contains(ImageFormats, strings.ToLower(filepath.Ext(c.Image))) {
			bad(f+".image", "%q is not a supported image; allowed: png, jpg", filepath.Base(c.Image))
		}
		return validateChecks(f, c, bad)
	case advisor.CaseKindEmbedding:
		validateEmbeddingCase(f, c, docIDs, bad)
	case advisor.CaseKindTranscription:
		if c.Audio == "" {
			bad(f+".audio", "a transcription case needs an audio file (wav, mp3 or m4a)")
		} else if !contains(AudioFormats, strings.ToLower(filepath.Ext(c.Audio))) {
			bad(f+".audio", "%q is not a supported audio file; allowed: wav, mp3, m4a", filepath.Base(c.Audio))
		}
		if strings.TrimSpace(c.Expected) == "" {
			bad(f+".expected", "a transcription case needs the reference transcript")
		}
	case advisor.CaseKindImage:
		if strings.TrimSpace(c.Input) == "" {
			bad(f+".input", "the prompt is empty")
		}
	}
	return false, false
}

// validateCaseFields reports the case fields that only cases of another
// kind of set use.
func validateCaseFields(f, kind string, c advisor.Case, bad func(field, format string, args ...any)) {
	notHere := func(field string, set bool, only string) {
		if set {
			bad(f+"."+field, "only %s cases use it; this case is in a %s set", only, kind)
		}
	}
	if kind != advisor.CaseKindChat {
		notHere("checks", len(c.Checks) > 0, advisor.CaseKindChat)
		notHere("image", c.Image != "", advisor.CaseKindChat)
	}
	if kind != advisor.CaseKindTranscription {
		notHere("audio", c.Audio != "", advisor.CaseKindTranscription)
	}
	if kind != advisor.CaseKindEmbedding {
		notHere("relevant", len(c.Relevant) > 0, advisor.CaseKindEmbedding)
	}
}

// validateEmbeddingCase checks an embedding case's query and the documents
// it should find (against docIDs, when the set's documents could be listed).
func validateEmbeddingCase(f string, c advisor.Case, docIDs map[string]bool, bad func(field, format string, args ...any)) {
	if strings.TrimSpace(c.Input) == "" {
		bad(f+".input", "the query is empty")
	}
	if len(c.Relevant) == 0 {
		bad(f+".relevant", "list the ids of the documents this query should find")
	}
	if docIDs == nil {
		return
	}
	var missing []string
	for _, id := range c.Relevant {
		if !docIDs[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		bad(f+".relevant", "%s not among the set's documents (ids are corpus ids, or .txt/.md file names relative to the documents folder)", quoteList(missing))
	}
}

var imageSize = regexp.MustCompile(`^[1-9][0-9]{1,4}x[1-9][0-9]{1,4}$`)

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	if len(q) == 1 {
		return q[0] + " is"
	}
	return strings.Join(q, ", ") + " are"
}

// documentIDs lists the ids of the documents an embedding set reads from a
// folder: the .txt and .md files (and PDFs when pdftotext is installed), relative to it.
func documentIDs(dir string) (map[string]bool, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, errors.New("not a folder")
	}
	ids := map[string]bool{}
	_, err = walkDocuments(dir, func(rel, _ string) error {
		ids[rel] = true
		return nil
	})
	return ids, err
}

// validateChecks checks a chat case's checks.
func validateChecks(f string, c advisor.Case, bad func(field, format string, args ...any)) (needEmbedding, needJudge bool) {
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
	return needEmbedding, needJudge
}

func validateEndpoint(f string, ep advisor.Endpoint, bad func(field, format string, args ...any)) {
	if ep.Provider != "" {
		if _, ok := ProviderByID(ep.Provider); !ok {
			bad(f+".provider", "%q is not a provider this version knows; allowed: %s", ep.Provider, strings.Join(ProviderIDs(), ", "))
		}
	}
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
	} else if ep.BaseURL != "" {
		if u, err := url.Parse(ep.BaseURL); err != nil || u.Host == "" {
			bad(f+".base_url", "%q is not a valid URL; write it like http://127.0.0.1:11434/v1", ep.BaseURL)
		}
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
	// The value is never repeated: it may be the key itself.
	switch {
	case ep.APIKeyEnv == "":
	case redact.LooksLikeKey(ep.APIKeyEnv):
		bad(f+".api_key_env", "this looks like an API key itself, not the name of an environment variable; "+
			"keep the key in the OS keyring or in a variable (e.g. OPENAI_API_KEY) and write the variable's name here")
	case !envName.MatchString(ep.APIKeyEnv):
		bad(f+".api_key_env", "this is not the name of an environment variable (letters, digits and _ only, e.g. OPENAI_API_KEY)")
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

// RequestCount is len(Cells(p)) without building the cells (a plan's size
// is checked before anything that large is allocated); it saturates rather
// than overflows.
func RequestCount(p advisor.Plan) int64 {
	repeats := int64(max(p.Repeats, 1))
	strategies := int64(max(len(p.Strategies), 1))
	var per, index int64
	for _, s := range p.Sets() {
		eps, cases := int64(len(s.Endpoints)), int64(len(s.Cases))
		if s.Kind == advisor.CaseKindEmbedding && cases > 0 {
			index += eps
		}
		sts := strategies
		if s.Kind != "" && s.Kind != advisor.CaseKindChat {
			sts = 1
		}
		per += cases * sts * eps
	}
	if per > 0 && repeats > (1<<62)/per {
		return 1 << 62
	}
	return index + per*repeats
}

// Cells lists every request of a plan in the order the runner hands them out:
// first the one-off embedding of each embedding set's documents per
// endpoint, then, repeat by repeat, set by set, case by case, so each
// endpoint and strategy advances evenly. A chat case has a cell per strategy
// and endpoint; a case of another kind one per endpoint, with the kind as
// its strategy. Case is the case's run number (see advisor.Plan.Sets).
func Cells(p advisor.Plan) []advisor.Cell {
	repeats := max(p.Repeats, 1)
	strategies := p.Strategies
	if len(strategies) == 0 {
		strategies = []string{advisor.StrategyZeroShot}
	}
	sets := p.Sets()
	var cells []advisor.Cell
	for _, s := range sets {
		if s.Kind == advisor.CaseKindEmbedding && len(s.Cases) > 0 {
			for _, ep := range s.Endpoints {
				cells = append(cells, advisor.Cell{Endpoint: ep.Name, Strategy: advisor.StrategyIndex, Case: s.Offset})
			}
		}
	}
	for r := 0; r < repeats; r++ {
		for _, s := range sets {
			sts := strategies
			if s.Kind != advisor.CaseKindChat {
				sts = []string{s.Kind}
			}
			for c := range s.Cases {
				for _, st := range sts {
					for _, ep := range s.Endpoints {
						cells = append(cells, advisor.Cell{Endpoint: ep.Name, Strategy: st, Case: s.Offset + c, Repeat: r})
					}
				}
			}
		}
	}
	return cells
}
