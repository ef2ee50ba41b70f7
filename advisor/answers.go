// Package advisor is the domain of LLM Advisor: the answers a user gives, the
// rules engine that turns them into a recommendation, the model catalog, and
// the live test that checks the recommendation on the user's own examples.
// It imports no GUI, database or chart code.
package advisor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/llm-advisor/llm-advisor/internal/safefile"
)

// Question describes one key of the answers vocabulary (shared/contract/answers.md):
// its JSON key, the values it allows (nil for free text) and the wizard group it
// belongs to. The wizard, the parser and the engine all read this one table.
type Question struct {
	Key    string
	Values []string
	Multi  bool   // one value or a list (task: the first value is the main task)
	Group  string // wizard step
	Kind   string // how the value is written: KindChoice (Values), KindText, KindNumber, KindCountry, KindLanguage
	// Only is a condition in the answers' own words under which the wizard
	// asks the question ("residency=country"); empty means always.
	Only string
}

// Kinds of answer values.
const (
	KindChoice   = ""         // one of Values (or a list of them when Multi)
	KindText     = "text"     // free text (the use case)
	KindNumber   = "number"   // a number ≥ 0 (exchange_rate must be > 0)
	KindCountry  = "country"  // an ISO 3166-1 alpha-2 code, e.g. BR
	KindLanguage = "language" // BCP 47 language tags, e.g. pt-BR
	KindDate     = "date"     // an ISO 8601 calendar date, e.g. 2026-12-01
)

// Sample is a valid value for the question (tests and examples).
func (q Question) Sample() []string {
	switch q.Kind {
	case KindText:
		return []string{"text"}
	case KindNumber:
		return []string{"5.5"}
	case KindCountry:
		return []string{"BR"}
	case KindLanguage:
		return []string{"pt-BR", "en"}
	case KindDate:
		return []string{"2026-12-01"}
	}
	if q.Multi && len(q.Values) > 1 {
		return q.Values[:2]
	}
	return q.Values[:1]
}

// Wizard groups, in the order the wizard asks them: hard constraints first
// (task, data and where it may run), then knowledge, behaviour, performance
// and economics, and the team last (decision-guidance §1, ordering tip).
const (
	GroupTask      = "task"
	GroupData      = "data"
	GroupKnowledge = "knowledge"
	GroupBehaviour = "behaviour"
	GroupScale     = "scale"
	GroupTeam      = "team"
)

// Groups lists the wizard groups in order.
var Groups = []string{GroupTask, GroupData, GroupKnowledge, GroupBehaviour, GroupScale, GroupTeam}

var budgetBands = []string{"0", "lt_100", "100_1k", "1k_10k", "gt_10k", "gt_1m"}

// Questions is the whole answers vocabulary, in wizard order.
var Questions = []Question{
	{Key: "use_case", Group: GroupTask, Kind: KindText},
	{Key: "task", Multi: true, Group: GroupTask, Values: []string{"chat_qa", "summarize", "classify", "extract", "translate", "write", "code", "speech_to_text", "text_to_image", "image_understanding", "search_similar", "agent"}},
	{Key: "languages", Group: GroupTask, Values: []string{"english_only", "few", "many"}},
	{Key: "language_list", Group: GroupTask, Multi: true, Kind: KindLanguage},
	{Key: "agent_actions", Group: GroupTask, Only: "task=agent", Values: []string{"read_only", "reversible_writes", "irreversible"}},
	{Key: "sensitivity", Group: GroupData, Values: []string{"public", "internal", "personal", "special"}},
	{Key: "regulation", Group: GroupData, Multi: true, Values: []string{"none", "gdpr", "hipaa", "sector_other", "lgpd", "eu_ai_act", "pci_dss"}},
	{Key: "residency", Group: GroupData, Values: []string{"any", "eu", "us", "country", "on_prem_only"}},
	{Key: "residency_country", Group: GroupData, Kind: KindCountry, Only: "residency=country"},
	{Key: "deployment", Group: GroupData, Values: []string{"cloud_api_ok", "own_cloud_tenant", "own_servers", "on_device", "offline"}},
	{Key: "hardware", Group: GroupData, Values: []string{"none", "laptop_16gb", "gpu_24gb", "gpu_48gb", "gpu_80gb_plus", "cluster"}},
	{Key: "license_needs", Group: GroupData, Values: []string{"internal_use", "commercial_product", "redistribute_weights"}},
	{Key: "cloud_already", Group: GroupData, Multi: true, Values: []string{"none", "azure", "aws", "gcp", "m365", "google_workspace"}},
	{Key: "knowledge_source", Group: GroupKnowledge, Values: []string{"general_only", "own_documents", "own_database_or_api", "both"}},
	{Key: "kb_size", Group: GroupKnowledge, Values: []string{"lt_50_pages", "50_500", "500_5000", "gt_5000"}},
	{Key: "change_rate", Group: GroupKnowledge, Values: []string{"never", "yearly", "monthly", "weekly", "daily_or_live"}},
	{Key: "citations", Group: GroupKnowledge, Values: []string{"no", "nice_to_have", "required"}},
	{Key: "input_length", Group: GroupKnowledge, Values: []string{"short", "long", "very_long"}},
	{Key: "output_format", Group: GroupBehaviour, Values: []string{"free_text", "template_or_json", "brand_voice", "labels_only"}},
	{Key: "structured_output", Group: GroupBehaviour, Values: []string{"no", "json_schema"}},
	{Key: "labeled_examples", Group: GroupBehaviour, Values: []string{"none", "lt_50", "50_500", "500_10k", "gt_10k"}},
	{Key: "eval_set", Group: GroupBehaviour, Values: []string{"yes", "no"}},
	{Key: "domain_corpus", Group: GroupBehaviour, Values: []string{"small", "large", "huge"}},
	{Key: "reasoning", Group: GroupBehaviour, Values: []string{"simple", "moderate", "hard"}},
	{Key: "latency", Group: GroupScale, Values: []string{"instant", "interactive", "minutes_ok", "batch_overnight"}},
	{Key: "volume", Group: GroupScale, Values: []string{"lt_100", "100_10k", "10k_1m", "gt_1m"}},
	{Key: "currency", Group: GroupScale, Values: []string{"USD", "BRL", "EUR"}},
	{Key: "exchange_rate", Group: GroupScale, Kind: KindNumber, Only: "currency!=USD"},
	{Key: "exchange_rate_date", Group: GroupScale, Kind: KindDate, Only: "currency!=USD"},
	{Key: "budget_monthly", Group: GroupScale, Values: budgetBands},
	{Key: "budget_monthly_amount", Group: GroupScale, Kind: KindNumber},
	{Key: "budget_build", Group: GroupScale, Values: budgetBands},
	{Key: "budget_build_amount", Group: GroupScale, Kind: KindNumber},
	{Key: "error_cost", Group: GroupScale, Values: []string{"trivial", "annoying", "costly", "harmful_or_legal"}},
	{Key: "time_to_value", Group: GroupScale, Values: []string{"days", "weeks", "months"}},
	{Key: "lifecycle", Group: GroupScale, Values: []string{"no", "yes"}},
	{Key: "team_skills", Group: GroupTeam, Values: []string{"no_engineers", "app_developers", "ml_engineers", "ml_and_ops"}},
	{Key: "build_or_buy", Group: GroupTeam, Values: []string{"api", "product", "either"}},
}

// QuestionByKey returns the question with the given JSON key.
func QuestionByKey(key string) (Question, bool) {
	for _, q := range Questions {
		if q.Key == key {
			return q, true
		}
	}
	return Question{}, false
}

// Answers is what the user told the wizard, with exactly the contract's keys.
// An empty string (or an empty Task) means "I don't know": the engine then
// assumes conservatively and says what it assumed.
type Answers struct {
	UseCase         string     `json:"use_case,omitempty"`
	Task            []string   `json:"task,omitempty"`
	KnowledgeSource string     `json:"knowledge_source,omitempty"`
	ChangeRate      string     `json:"change_rate,omitempty"`
	KBSize          string     `json:"kb_size,omitempty"`
	Citations       string     `json:"citations,omitempty"`
	OutputFormat    string     `json:"output_format,omitempty"`
	LabeledExamples string     `json:"labeled_examples,omitempty"`
	DomainCorpus    string     `json:"domain_corpus,omitempty"`
	Latency         string     `json:"latency,omitempty"`
	Volume          string     `json:"volume,omitempty"`
	InputLength     string     `json:"input_length,omitempty"`
	BudgetMonthly   string     `json:"budget_monthly,omitempty"`
	BudgetBuild     string     `json:"budget_build,omitempty"`
	Sensitivity     string     `json:"sensitivity,omitempty"`
	Regulation      StringList `json:"regulation,omitempty"` // one value or a list
	Residency       string     `json:"residency,omitempty"`
	Deployment      string     `json:"deployment,omitempty"`
	Hardware        string     `json:"hardware,omitempty"`
	LicenseNeeds    string     `json:"license_needs,omitempty"`
	TeamSkills      string     `json:"team_skills,omitempty"`
	ErrorCost       string     `json:"error_cost,omitempty"`
	Languages       string     `json:"languages,omitempty"`
	Reasoning       string     `json:"reasoning,omitempty"`
	TimeToValue     string     `json:"time_to_value,omitempty"`
	Lifecycle       string     `json:"lifecycle,omitempty"`
	EvalSet         string     `json:"eval_set,omitempty"`

	// Additions (2026-12), contract "More answers". Money amounts are in
	// Currency; ExchangeRate is units of Currency per 1 USD (the engine
	// works in USD). A nil amount is "not given"; when given it wins over
	// the band of the same name.
	ResidencyCountry    string     `json:"residency_country,omitempty"` // ISO 3166-1 alpha-2, read when residency is country
	Currency            string     `json:"currency,omitempty"`
	ExchangeRate        float64    `json:"exchange_rate,omitempty"`
	ExchangeRateDate    string     `json:"exchange_rate_date,omitempty"` // the day the user's rate is from
	BudgetMonthlyAmount *float64   `json:"budget_monthly_amount,omitempty"`
	BudgetBuildAmount   *float64   `json:"budget_build_amount,omitempty"`
	CloudAlready        StringList `json:"cloud_already,omitempty"`
	BuildOrBuy          string     `json:"build_or_buy,omitempty"`
	LanguageList        StringList `json:"language_list,omitempty"` // BCP 47 tags
	AgentActions        string     `json:"agent_actions,omitempty"`
	StructuredOutput    string     `json:"structured_output,omitempty"`
}

// StringList is an answer that may be one value or a list. It reads either
// from JSON (answers saved before a key became a list stay readable).
type StringList []string

// UnmarshalJSON accepts "a", ["a", "b"] and null.
func (l *StringList) UnmarshalJSON(b []byte) error {
	t := bytes.TrimSpace(b)
	if string(t) == "null" {
		*l = nil
		return nil
	}
	var one string
	if err := json.Unmarshal(t, &one); err == nil {
		if one == "" {
			*l = nil
		} else {
			*l = StringList{one}
		}
		return nil
	}
	var many []string
	if err := json.Unmarshal(t, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

// Has reports whether v is one of the values.
func (l StringList) Has(v string) bool { return contains(l, v) }

// HasRegulation reports whether the user named the regulation.
func (a Answers) HasRegulation(r string) bool { return a.Regulation.Has(r) }

// AnswerError is a bad key or value in an answers file. It names the key, the
// value given and what is allowed, so a user can fix the file.
type AnswerError struct {
	Key     string
	Value   string
	Allowed []string
	Unknown bool // the key itself is not in the vocabulary
}

func (e *AnswerError) Error() string {
	if e.Unknown {
		keys := make([]string, len(Questions))
		for i, q := range Questions {
			keys[i] = q.Key
		}
		sort.Strings(keys)
		return fmt.Sprintf("unknown answer key %q; allowed keys: %s", e.Key, strings.Join(keys, ", "))
	}
	if e.Allowed == nil {
		return fmt.Sprintf("answer %q: %s", e.Key, e.Value)
	}
	return fmt.Sprintf("answer %q: %q is not allowed; allowed values: %s", e.Key, e.Value, strings.Join(e.Allowed, ", "))
}

// MaxAnswersBytes bounds an answers file: the answers are a small JSON
// object, a few KB even with a long use case.
const MaxAnswersBytes = 1 << 20

// ParseAnswers reads an answers JSON object strictly: an unknown key or value
// is an *AnswerError naming the key and the allowed values. A scenario file
// (shared/scenarios: story, answers, expect) is read as its answers.
func ParseAnswers(r io.Reader) (Answers, error) {
	b, err := safefile.ReadAll(r, "the answers file", MaxAnswersBytes)
	if err != nil {
		return Answers{}, fmt.Errorf("answers: %w", err)
	}
	// Windows Notepad starts UTF-8 files with a byte order mark.
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&raw); err != nil {
		return Answers{}, fmt.Errorf("answers: not a JSON object: %w", err)
	}
	if raw == nil {
		return Answers{}, fmt.Errorf("answers: not a JSON object")
	}
	raw, story, err := unwrapScenario(raw)
	if err != nil {
		return Answers{}, err
	}
	var a Answers
	// Visit keys in a fixed order so the first error reported is stable.
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		q, ok := QuestionByKey(k)
		if !ok {
			return Answers{}, &AnswerError{Key: k, Unknown: true}
		}
		vals, err := decodeValues(q, raw[k])
		if err != nil {
			return Answers{}, err
		}
		if err := a.Set(k, vals); err != nil {
			return Answers{}, err
		}
	}
	if a.UseCase == "" {
		a.UseCase = story
	}
	return a, nil
}

// unwrapScenario accepts a known-answer scenario file as well as a bare
// answers object: {"story": ..., "answers": {...}, "expect": {...}} yields
// its answers, and its story stands in for use_case when that is not given.
// Any other key beside "answers" is still an error.
func unwrapScenario(raw map[string]json.RawMessage) (map[string]json.RawMessage, string, error) {
	inner, ok := raw["answers"]
	if !ok {
		return raw, "", nil
	}
	for k := range raw {
		if k != "answers" && k != "story" && k != "expect" {
			return nil, "", fmt.Errorf("answers: a scenario file has only story, answers and expect; unknown key %q", k)
		}
	}
	var answers map[string]json.RawMessage
	if err := json.Unmarshal(inner, &answers); err != nil || answers == nil {
		return nil, "", fmt.Errorf("answers: \"answers\" must be a JSON object")
	}
	var story string
	if msg, ok := raw["story"]; ok {
		if err := json.Unmarshal(msg, &story); err != nil {
			return nil, "", fmt.Errorf("answers: \"story\" must be a string")
		}
	}
	return answers, story, nil
}

// ParseAnswersBytes is ParseAnswers over a byte slice.
func ParseAnswersBytes(b []byte) (Answers, error) { return ParseAnswers(bytes.NewReader(b)) }

func decodeValues(q Question, msg json.RawMessage) ([]string, error) {
	t := bytes.TrimSpace(msg)
	if string(t) == "null" {
		return nil, nil
	}
	if q.Kind == KindNumber {
		var n json.Number
		if err := json.Unmarshal(t, &n); err == nil {
			return []string{n.String()}, nil
		}
	}
	var one string
	if err := json.Unmarshal(t, &one); err == nil {
		if one == "" {
			return nil, nil
		}
		return []string{one}, nil
	}
	if q.Multi {
		var list []string
		if err := json.Unmarshal(t, &list); err == nil {
			return list, nil
		}
		return nil, &AnswerError{Key: q.Key, Value: "must be a string or a list of strings, got " + string(t)}
	}
	if q.Kind == KindNumber {
		return nil, &AnswerError{Key: q.Key, Value: "must be a number, got " + string(t)}
	}
	return nil, &AnswerError{Key: q.Key, Value: "must be a string, got " + string(t)}
}

// Asked reports whether the wizard asks q given the answers so far: a
// question that only matters for one answer (the country when residency is
// "country", the exchange rate when money is not in dollars) is left out
// otherwise. Every question may still be given in an answers file.
func (q Question) Asked(a Answers) bool {
	if q.Only == "" {
		return true
	}
	neg := strings.Contains(q.Only, "!=")
	key, want, _ := strings.Cut(strings.Replace(q.Only, "!=", "=", 1), "=")
	got := a.Get(key)
	if key == "currency" && len(got) == 0 {
		got = []string{"USD"}
	}
	return contains(got, want) != neg
}

// normValue checks one value of q and returns it in its canonical form
// (a country code in capitals, a language tag as BCP 47 writes it, a number
// without spaces).
func normValue(q Question, v string) (string, error) {
	switch q.Kind {
	case KindText:
		return v, nil
	case KindNumber:
		n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return "", &AnswerError{Key: q.Key, Value: fmt.Sprintf("%q is not a number; write it with a dot for decimals, e.g. 5.43", v)}
		}
		if q.Key == "exchange_rate" && n <= 0 {
			return "", &AnswerError{Key: q.Key, Value: fmt.Sprintf("%s must be more than 0", strings.TrimSpace(v))}
		}
		if n < 0 {
			return "", &AnswerError{Key: q.Key, Value: fmt.Sprintf("%s must be 0 or more", strings.TrimSpace(v))}
		}
		return strconv.FormatFloat(n, 'f', -1, 64), nil
	case KindCountry:
		c := strings.ToUpper(strings.TrimSpace(v))
		if len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' {
			if r, err := language.ParseRegion(c); err == nil && r.IsCountry() && r.String() == c {
				return c, nil
			}
		}
		return "", &AnswerError{Key: q.Key, Value: fmt.Sprintf("%q is not an ISO 3166-1 alpha-2 country code; e.g. BR, PT, US", v)}
	case KindLanguage:
		tag, err := language.Parse(strings.TrimSpace(v))
		if err != nil || strings.TrimSpace(v) == "" {
			return "", &AnswerError{Key: q.Key, Value: fmt.Sprintf("%q is not a BCP 47 language tag; e.g. pt-BR, en, es", v)}
		}
		return tag.String(), nil
	case KindDate:
		d, err := time.Parse("2006-01-02", strings.TrimSpace(v))
		if err != nil {
			return "", &AnswerError{Key: q.Key, Value: fmt.Sprintf("%q is not a date written as YYYY-MM-DD", v)}
		}
		return d.Format("2006-01-02"), nil
	}
	if !contains(q.Values, v) {
		return "", &AnswerError{Key: q.Key, Value: v, Allowed: q.Values}
	}
	return v, nil
}

// dropNone leaves "none" out of a list that names something else
// (["none", "lgpd"] is LGPD).
func dropNone(q Question, vals []string) []string {
	if !q.Multi || len(vals) < 2 || !contains(vals, "none") {
		return vals
	}
	out := vals[:0:0]
	for _, v := range vals {
		if v != "none" {
			out = append(out, v)
		}
	}
	return out
}

// Set stores values for a key after checking them against the vocabulary.
// No values clears the answer ("I don't know").
func (a *Answers) Set(key string, values []string) error {
	q, ok := QuestionByKey(key)
	if !ok {
		return &AnswerError{Key: key, Unknown: true}
	}
	if len(values) > 1 && !q.Multi {
		return &AnswerError{Key: key, Value: strings.Join(values, ","), Allowed: q.Values}
	}
	norm := make([]string, 0, len(values))
	for _, v := range values {
		n, err := normValue(q, v)
		if err != nil {
			return err
		}
		if !contains(norm, n) {
			norm = append(norm, n)
		}
	}
	norm = dropNone(q, norm)
	norm = dropNone(q, norm)
	f := a.field(key)
	switch f.Kind() {
	case reflect.Slice:
		if len(norm) == 0 {
			f.Set(reflect.Zero(f.Type()))
		} else {
			f.Set(reflect.ValueOf(append([]string(nil), norm...)).Convert(f.Type()))
		}
	case reflect.Float64:
		n := 0.0
		if len(norm) > 0 {
			n, _ = strconv.ParseFloat(norm[0], 64)
		}
		f.SetFloat(n)
	case reflect.Pointer:
		if len(norm) == 0 {
			f.Set(reflect.Zero(f.Type()))
		} else {
			n, _ := strconv.ParseFloat(norm[0], 64)
			f.Set(reflect.ValueOf(&n))
		}
	default:
		if len(norm) == 0 {
			f.SetString("")
		} else {
			f.SetString(norm[0])
		}
	}
	return nil
}

// Get returns the answer for a key: nil when unknown, one value for most keys,
// the list for the keys that take one (task first the main task); numbers
// are written as strconv writes them.
func (a Answers) Get(key string) []string {
	if _, ok := QuestionByKey(key); !ok {
		return nil
	}
	f := a.field(key)
	switch f.Kind() {
	case reflect.Slice:
		if f.Len() == 0 {
			return nil
		}
		return append([]string(nil), f.Convert(reflect.TypeOf([]string(nil))).Interface().([]string)...)
	case reflect.Float64:
		if n := f.Float(); n != 0 {
			return []string{strconv.FormatFloat(n, 'f', -1, 64)}
		}
		return nil
	case reflect.Pointer:
		if f.IsNil() {
			return nil
		}
		return []string{strconv.FormatFloat(f.Elem().Float(), 'f', -1, 64)}
	}
	if s := f.String(); s != "" {
		return []string{s}
	}
	return nil
}

// Empty reports whether no question is answered (not even the use case).
func (a Answers) Empty() bool {
	for _, q := range Questions {
		if len(a.Get(q.Key)) > 0 {
			return false
		}
	}
	return true
}

// MainTask is the first task, or "" when the task is unknown.
func (a Answers) MainTask() string {
	if len(a.Task) == 0 {
		return ""
	}
	return a.Task[0]
}

// Validate checks every answer against the vocabulary (for answers built in code).
func (a Answers) Validate() error {
	for _, q := range Questions {
		vals := a.Get(q.Key)
		var b Answers
		if err := b.Set(q.Key, vals); err != nil {
			return err
		}
	}
	return nil
}

// field finds the struct field whose JSON tag is key.
func (a *Answers) field(key string) reflect.Value {
	v := reflect.ValueOf(a).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
		if tag == key {
			return v.Field(i)
		}
	}
	panic("advisor: no Answers field for key " + key)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
