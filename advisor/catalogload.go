package advisor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/llm-advisor/llm-advisor/internal/safefile"
)

// Lifecycle states of a catalog model.
const (
	StatusActive     = "active"
	StatusPreview    = "preview"
	StatusDeprecated = "deprecated" // announced for retirement; may still have a shutdown date ahead
	StatusRetired    = "retired"    // shut down: can no longer be called

	// Older names, still read in catalog files.
	StatusRetiring = StatusDeprecated
	StatusShutDown = StatusRetired
	StatusLegacy   = "legacy"
)

// normStatus maps the older status names onto the contract's.
func normStatus(s string) string {
	switch s {
	case "retiring", StatusLegacy:
		return StatusDeprecated
	case "shut_down":
		return StatusRetired
	}
	return s
}

// Price units of a catalog model.
const (
	PriceTokens = ""
	PriceMinute = "minute"
	PriceImage  = "image"
)

// ParseCatalog reads models from YAML (or JSON, which is YAML too): either a
// list of models or a mapping with a `models:` list. Keys are the JSON names
// of Model; an unknown key, a bad value or a missing price date is a
// *LoadError with the file, the line and the model id.
func ParseCatalog(file string, b []byte) ([]Model, error) {
	list, err := modelList(file, b)
	if err != nil || list == nil {
		return nil, err
	}
	var out []Model
	for _, n := range list.Content {
		m, err := parseModel(file, n)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	seen := map[string]bool{}
	for i, m := range out {
		if seen[m.ID] {
			return nil, &LoadError{File: file, Line: list.Content[i].Line, Kind: "model", ID: m.ID, Err: fmt.Errorf("duplicate id")}
		}
		seen[m.ID] = true
	}
	return out, nil
}

// modelList is the list of model entries of a catalog file: the document
// itself or its `models:` list (nil for an empty document).
func modelList(file string, b []byte) (*yaml.Node, error) {
	root, err := parseYAMLAny(file, b)
	if err != nil || root == nil {
		return nil, err
	}
	list := root
	if root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if k := root.Content[i]; k.Value != "models" {
				return nil, &LoadError{File: file, Line: k.Line, Err: fmt.Errorf("unknown top-level key %q; want models", k.Value)}
			}
		}
		list = mapValue(root, "models")
	}
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, &LoadError{File: file, Line: root.Line, Err: fmt.Errorf("expected a list of models (or models: [...])")}
	}
	return list, nil
}

// Limits of the rule and catalog files read from disk: the embedded ones
// are well under 1 MB; a models.dev api.json is about 2 MB.
const (
	MaxRulesBytes   = 8 << 20
	MaxCatalogBytes = 32 << 20
)

// ParseCatalogFile reads a catalog file from disk (the GUI's "import models").
func ParseCatalogFile(p string) ([]Model, error) {
	b, err := safefile.Read(p, MaxCatalogBytes)
	if err != nil {
		return nil, err
	}
	return ParseCatalog(p, b)
}

func parseYAMLAny(file string, b []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := unmarshalBounded(file, b, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

func parseModel(file string, n *yaml.Node) (Model, error) {
	m, err := decodeModel(file, n)
	if err != nil {
		return Model{}, err
	}
	if err := validateModel(m); err != nil {
		return Model{}, entryError(file, "model", n)(lineOf(n, err.field), err)
	}
	m.Status = normStatus(m.Status)
	return m, nil
}

// decodeModel reads one model entry without checking that it is complete
// (a curated entry may only add to a models.dev model).
func decodeModel(file string, n *yaml.Node) (Model, error) {
	fail := entryError(file, "model", n)
	if n.Kind != yaml.MappingNode {
		return Model{}, fail(0, fmt.Errorf("a model must be a mapping"))
	}
	if line, err := checkKeys(n, reflect.TypeOf(Model{}), "json"); err != nil {
		return Model{}, fail(line, err)
	}
	// YAML → generic value → JSON → Model, so the JSON names of Model are the keys.
	var raw any
	if err := n.Decode(&raw); err != nil {
		return Model{}, fail(yamlErrLine(err), err)
	}
	js, err := json.Marshal(raw)
	if err != nil {
		return Model{}, fail(0, err)
	}
	var m Model
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		line := 0
		var te *json.UnmarshalTypeError
		if ok := asTypeErr(err, &te); ok {
			line = lineOf(n, te.Field)
		}
		return Model{}, fail(line, err)
	}
	return m, nil
}

func asTypeErr(err error, te **json.UnmarshalTypeError) bool {
	t, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*te = t
	}
	return ok
}

type fieldError struct {
	field string
	msg   string
}

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

func validateModel(m Model) *fieldError {
	for _, check := range []func(*Model) *fieldError{checkModelKinds, checkModelLifecycle, checkModelHosting, checkModelRest} {
		if err := check(&m); err != nil {
			return err
		}
	}
	return nil
}

func badField(field, format string, args ...any) *fieldError {
	return &fieldError{field: field, msg: fmt.Sprintf(format, args...)}
}

// oneOf refuses a value outside allowed; optional allows "" too.
func oneOf(field, v string, allowed []string, optional bool) *fieldError {
	if (optional && v == "") || contains(allowed, v) {
		return nil
	}
	return badField(field, "%q is not allowed; allowed values: %s", v, strings.Join(allowed, ", "))
}

// checkModelKinds checks the id, the name and every field with a fixed set
// of values but hosting.
func checkModelKinds(m *Model) *fieldError {
	if m.ID == "" {
		return badField("id", "missing")
	}
	if m.Name == "" {
		return badField("name", "missing")
	}
	for _, f := range []struct {
		field, v string
		allowed  []string
		optional bool
	}{
		{"type", m.Type, ModelTypes, false},
		{"architecture", m.Architecture, modelFields["architecture"], false},
		{"weights", m.Weights, []string{WeightsOpen, WeightsProprietary}, false},
		{"status", m.Status, []string{StatusActive, StatusPreview, StatusDeprecated, StatusRetired, "retiring", "shut_down", StatusLegacy}, false},
		{"license_class", m.LicenseClass, []string{LicenseCommercial, LicenseNonCommercial, LicenseNonProduction}, true},
	} {
		if err := oneOf(f.field, f.v, f.allowed, f.optional); err != nil {
			return err
		}
	}
	if m.Successor != "" && m.Status == StatusActive && m.ShutdownDate == "" {
		return badField("successor", "an active model without a shutdown date has no successor; set status or shutdown_date")
	}
	if err := oneOf("size_tier", m.SizeTier, modelFields["size_tier"], true); err != nil {
		return err
	}
	return oneOf("price_unit", m.PriceUnit, []string{PriceTokens, PriceMinute, PriceImage}, false)
}

// checkModelLifecycle checks the price date and the shutdown date.
func checkModelLifecycle(m *Model) *fieldError {
	if _, err := time.Parse("2006-01-02", m.PriceAsOf); err != nil {
		return badField("price_as_of", "%q: every model needs the date of its price (YYYY-MM-DD)", m.PriceAsOf)
	}
	if m.ShutdownDate != "" {
		if _, err := time.Parse("2006-01-02", m.ShutdownDate); err != nil {
			return badField("shutdown_date", "%q is not YYYY-MM-DD", m.ShutdownDate)
		}
	}
	if (m.Status == "retiring" || m.Status == "shut_down") && m.ShutdownDate == "" {
		return badField("shutdown_date", "a %s model needs its shutdown date", m.Status)
	}
	return nil
}

// checkModelHosting checks where the model may run.
func checkModelHosting(m *Model) *fieldError {
	if len(m.Hosting) == 0 {
		return badField("hosting", "missing; allowed values: %s", strings.Join(modelFields["hosting"], ", "))
	}
	for _, h := range m.Hosting {
		if err := oneOf("hosting", h, modelFields["hosting"], false); err != nil {
			return err
		}
	}
	if m.Weights == WeightsProprietary && (contains(m.Hosting, HostingSelfHosted) || contains(m.Hosting, HostingLocalApp)) {
		return badField("hosting", "proprietary weights cannot be self-hosted")
	}
	return nil
}

// checkModelRest checks the tasks, the languages, the prices and the source.
func checkModelRest(m *Model) *fieldError {
	for _, t := range m.Tasks {
		if err := oneOf("tasks", t, taskValues(), false); err != nil {
			return err
		}
	}
	if err := oneOf("languages", m.Languages, []string{"english_only", "few", "many"}, true); err != nil {
		return err
	}
	if m.PriceInPer1M < 0 || m.PriceOutPer1M < 0 || m.PricePerUnit < 0 {
		return badField("price_in_per_1m", "prices cannot be negative")
	}
	if m.Source == "" {
		return badField("source", "missing")
	}
	return nil
}

// UserDir is the folder for user overrides:
// filepath.Join(os.UserConfigDir(), "llm-advisor"). It may hold rules.yaml
// (extra or replacement rules and assumptions, by id / key) and catalog.yaml
// (extra or replacement models, by id).
func UserDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "llm-advisor"), nil
}

// CatalogFilter selects catalog models (the catalog view and `catalog`
// command). Empty fields match everything.
type CatalogFilter struct {
	Task     string // an answer task value, e.g. "summarize"
	License  string // substring of the licence, any case
	Name     string // substring of the id, name or provider, any case
	OpenOnly bool   // open weights only
	Type     string // a model type
}

// FilterCatalog returns the models that match f, in their order.
func FilterCatalog(ms []Model, f CatalogFilter) []Model {
	out := []Model{}
	lic := strings.ToLower(f.License)
	name := strings.ToLower(f.Name)
	for _, m := range ms {
		if f.Task != "" && !contains(m.Tasks, f.Task) {
			continue
		}
		if lic != "" && !strings.Contains(strings.ToLower(m.License), lic) {
			continue
		}
		if name != "" && !strings.Contains(strings.ToLower(m.ID+" "+m.Name+" "+m.Provider), name) {
			continue
		}
		if f.OpenOnly && m.Weights != WeightsOpen {
			continue
		}
		if f.Type != "" && m.Type != f.Type {
			continue
		}
		out = append(out, m)
	}
	return out
}

func taskValues() []string {
	q, _ := QuestionByKey("task")
	return q.Values
}
