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
	"reflect"
	"sort"
	"strings"
)

// Question describes one key of the answers vocabulary (shared/contract/answers.md):
// its JSON key, the values it allows (nil for free text) and the wizard group it
// belongs to. The wizard, the parser and the engine all read this one table.
type Question struct {
	Key    string
	Values []string
	Multi  bool   // task: one value or a list whose first value is the main task
	Group  string // wizard step
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
	{Key: "use_case", Group: GroupTask},
	{Key: "task", Multi: true, Group: GroupTask, Values: []string{"chat_qa", "summarize", "classify", "extract", "translate", "write", "code", "speech_to_text", "text_to_image", "image_understanding", "search_similar", "agent"}},
	{Key: "languages", Group: GroupTask, Values: []string{"english_only", "few", "many"}},
	{Key: "sensitivity", Group: GroupData, Values: []string{"public", "internal", "personal", "special"}},
	{Key: "regulation", Group: GroupData, Values: []string{"none", "gdpr", "hipaa", "sector_other"}},
	{Key: "residency", Group: GroupData, Values: []string{"any", "eu", "us", "country", "on_prem_only"}},
	{Key: "deployment", Group: GroupData, Values: []string{"cloud_api_ok", "own_cloud_tenant", "own_servers", "on_device", "offline"}},
	{Key: "hardware", Group: GroupData, Values: []string{"none", "laptop_16gb", "gpu_24gb", "gpu_48gb", "gpu_80gb_plus", "cluster"}},
	{Key: "license_needs", Group: GroupData, Values: []string{"internal_use", "commercial_product", "redistribute_weights"}},
	{Key: "knowledge_source", Group: GroupKnowledge, Values: []string{"general_only", "own_documents", "own_database_or_api", "both"}},
	{Key: "kb_size", Group: GroupKnowledge, Values: []string{"lt_50_pages", "50_500", "500_5000", "gt_5000"}},
	{Key: "change_rate", Group: GroupKnowledge, Values: []string{"never", "yearly", "monthly", "weekly", "daily_or_live"}},
	{Key: "citations", Group: GroupKnowledge, Values: []string{"no", "nice_to_have", "required"}},
	{Key: "input_length", Group: GroupKnowledge, Values: []string{"short", "long", "very_long"}},
	{Key: "output_format", Group: GroupBehaviour, Values: []string{"free_text", "template_or_json", "brand_voice", "labels_only"}},
	{Key: "labeled_examples", Group: GroupBehaviour, Values: []string{"none", "lt_50", "50_500", "500_10k", "gt_10k"}},
	{Key: "eval_set", Group: GroupBehaviour, Values: []string{"yes", "no"}},
	{Key: "domain_corpus", Group: GroupBehaviour, Values: []string{"small", "large", "huge"}},
	{Key: "reasoning", Group: GroupBehaviour, Values: []string{"simple", "moderate", "hard"}},
	{Key: "latency", Group: GroupScale, Values: []string{"instant", "interactive", "minutes_ok", "batch_overnight"}},
	{Key: "volume", Group: GroupScale, Values: []string{"lt_100", "100_10k", "10k_1m", "gt_1m"}},
	{Key: "budget_monthly", Group: GroupScale, Values: budgetBands},
	{Key: "budget_build", Group: GroupScale, Values: budgetBands},
	{Key: "error_cost", Group: GroupScale, Values: []string{"trivial", "annoying", "costly", "harmful_or_legal"}},
	{Key: "time_to_value", Group: GroupScale, Values: []string{"days", "weeks", "months"}},
	{Key: "lifecycle", Group: GroupScale, Values: []string{"no", "yes"}},
	{Key: "team_skills", Group: GroupTeam, Values: []string{"no_engineers", "app_developers", "ml_engineers", "ml_and_ops"}},
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
	UseCase         string   `json:"use_case,omitempty"`
	Task            []string `json:"task,omitempty"`
	KnowledgeSource string   `json:"knowledge_source,omitempty"`
	ChangeRate      string   `json:"change_rate,omitempty"`
	KBSize          string   `json:"kb_size,omitempty"`
	Citations       string   `json:"citations,omitempty"`
	OutputFormat    string   `json:"output_format,omitempty"`
	LabeledExamples string   `json:"labeled_examples,omitempty"`
	DomainCorpus    string   `json:"domain_corpus,omitempty"`
	Latency         string   `json:"latency,omitempty"`
	Volume          string   `json:"volume,omitempty"`
	InputLength     string   `json:"input_length,omitempty"`
	BudgetMonthly   string   `json:"budget_monthly,omitempty"`
	BudgetBuild     string   `json:"budget_build,omitempty"`
	Sensitivity     string   `json:"sensitivity,omitempty"`
	Regulation      string   `json:"regulation,omitempty"`
	Residency       string   `json:"residency,omitempty"`
	Deployment      string   `json:"deployment,omitempty"`
	Hardware        string   `json:"hardware,omitempty"`
	LicenseNeeds    string   `json:"license_needs,omitempty"`
	TeamSkills      string   `json:"team_skills,omitempty"`
	ErrorCost       string   `json:"error_cost,omitempty"`
	Languages       string   `json:"languages,omitempty"`
	Reasoning       string   `json:"reasoning,omitempty"`
	TimeToValue     string   `json:"time_to_value,omitempty"`
	Lifecycle       string   `json:"lifecycle,omitempty"`
	EvalSet         string   `json:"eval_set,omitempty"`
}

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

// ParseAnswers reads an answers JSON object strictly: an unknown key or value
// is an *AnswerError naming the key and the allowed values. A scenario file
// (shared/scenarios: story, answers, expect) is read as its answers.
func ParseAnswers(r io.Reader) (Answers, error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(r)
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
	if string(bytes.TrimSpace(msg)) == "null" {
		return nil, nil
	}
	var one string
	if err := json.Unmarshal(msg, &one); err == nil {
		if one == "" {
			return nil, nil
		}
		return []string{one}, nil
	}
	if q.Multi {
		var list []string
		if err := json.Unmarshal(msg, &list); err == nil {
			return list, nil
		}
		return nil, &AnswerError{Key: q.Key, Value: string(msg), Allowed: nil}
	}
	return nil, &AnswerError{Key: q.Key, Value: "must be a string, got " + string(msg)}
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
	for _, v := range values {
		if q.Values != nil && !contains(q.Values, v) {
			return &AnswerError{Key: key, Value: v, Allowed: q.Values}
		}
	}
	f := a.field(key)
	if f.Kind() == reflect.Slice {
		if len(values) == 0 {
			f.Set(reflect.Zero(f.Type()))
		} else {
			f.Set(reflect.ValueOf(append([]string(nil), values...)))
		}
		return nil
	}
	if len(values) == 0 {
		f.SetString("")
	} else {
		f.SetString(values[0])
	}
	return nil
}

// Get returns the answer for a key: nil when unknown, one value for most keys,
// the task list for "task".
func (a Answers) Get(key string) []string {
	if _, ok := QuestionByKey(key); !ok {
		return nil
	}
	f := a.field(key)
	if f.Kind() == reflect.Slice {
		return append([]string(nil), f.Interface().([]string)...)
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
