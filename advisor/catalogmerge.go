package advisor

import (
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/llm-advisor/llm-advisor/assets"
	"gopkg.in/yaml.v3"
)

// overlay is one curated catalog entry: the keys it sets win over what
// models.dev says about the model with the same id; an entry that matches
// nothing must be a whole model and is added as it is.
type overlay struct {
	m    Model
	keys []string // JSON names of the fields the entry sets
	file string
	line int
	node *yaml.Node
}

// lineAt is the line of field in the entry, or the entry's line.
func (o overlay) lineAt(field string) int {
	if o.node != nil {
		if l := lineOf(o.node, field); l > 0 {
			return l
		}
	}
	return o.line
}

// parseOverlays reads curated entries (the format of ParseCatalog) without
// requiring them to be complete.
func parseOverlays(file string, b []byte) ([]overlay, error) {
	list, err := modelList(file, b)
	if err != nil || list == nil {
		return nil, err
	}
	var out []overlay
	seen := map[string]bool{}
	for _, n := range list.Content {
		m, err := decodeModel(file, n)
		if err != nil {
			return nil, err
		}
		if m.ID == "" {
			return nil, &LoadError{File: file, Line: n.Line, Kind: "model", Err: fmt.Errorf("id: missing")}
		}
		if seen[m.ID] {
			return nil, &LoadError{File: file, Line: n.Line, Kind: "model", ID: m.ID, Err: fmt.Errorf("duplicate id")}
		}
		seen[m.ID] = true
		o := overlay{m: m, file: file, line: n.Line, node: n}
		for i := 0; i+1 < len(n.Content); i += 2 {
			o.keys = append(o.keys, n.Content[i].Value)
		}
		out = append(out, o)
	}
	return out, nil
}

// modelField maps a JSON name of Model to its field index.
var modelField = func() map[string]int {
	t := reflect.TypeOf(Model{})
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		name := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
		if name != "" && name != "-" {
			out[name] = i
		}
	}
	return out
}()

// CheckItem is one finding of `catalog --check`.
type CheckItem struct {
	ID        string `json:"id"`
	File      string `json:"file,omitempty"`
	Line      int    `json:"line,omitempty"`
	Field     string `json:"field,omitempty"`
	Curated   string `json:"curated,omitempty"`
	ModelsDev string `json:"models_dev,omitempty"`
	Problem   string `json:"problem,omitempty"`
}

// CatalogCheck is what merging the curated entries into models.dev found:
// entries that match no models.dev model (Standalone ones are expected to),
// fields where the two disagree (the curated value is used) and entries that
// could not be used.
type CatalogCheck struct {
	Unmatched     []CheckItem `json:"unmatched"`
	Standalone    []CheckItem `json:"standalone"`
	Disagreements []CheckItem `json:"disagreements"`
	Refused       []CheckItem `json:"refused"`
}

// compared are the fields both sources state; a curated value that differs
// from models.dev's is reported (and wins).
var compared = []string{"weights", "context_tokens", "price_in_per_1m", "price_out_per_1m", "modalities_in", "modalities_out", "tool_call", "status"}

// mergeCatalog lays the curated entries over the models.dev models, by id.
func mergeCatalog(base []Model, ovs []overlay, check *CatalogCheck) []Model {
	idx := make(map[string]int, len(base))
	for i, m := range base {
		idx[m.ID] = i
	}
	out := base
	for _, o := range ovs {
		i, ok := idx[o.m.ID]
		if !ok {
			m := o.m
			if err := validateModel(m); err != nil {
				check.Refused = append(check.Refused, CheckItem{ID: m.ID, File: o.file, Line: o.lineAt(err.field), Field: err.field,
					Problem: "matches no models.dev model and is not a whole model: " + err.Error()})
				continue
			}
			m.Status = normStatus(m.Status)
			item := CheckItem{ID: m.ID, File: o.file, Line: o.line}
			if m.Standalone {
				check.Standalone = append(check.Standalone, item)
			} else {
				item.Problem = "matches no models.dev model (a renamed or misspelt id? mark it standalone: true if models.dev does not list it)"
				check.Unmatched = append(check.Unmatched, item)
			}
			idx[m.ID] = len(out)
			out = append(out, m)
			continue
		}
		orig := out[i]
		dst := reflect.ValueOf(&out[i]).Elem()
		src := reflect.ValueOf(o.m)
		for _, k := range o.keys {
			fi, ok := modelField[k]
			if !ok {
				continue
			}
			if contains(compared, k) {
				was, now := dst.Field(fi), src.Field(fi)
				differ := !was.IsZero() && !reflect.DeepEqual(was.Interface(), now.Interface())
				if k == "status" { // models.dev only knows "deprecated"; its silence is not "active"
					differ = was.String() == StatusDeprecated && normStatus(now.String()) == StatusActive
				}
				if differ {
					check.Disagreements = append(check.Disagreements, CheckItem{ID: o.m.ID, File: o.file, Line: o.line, Field: k,
						Curated: fmt.Sprint(now.Interface()), ModelsDev: fmt.Sprint(was.Interface())})
				}
			}
			dst.Field(fi).Set(src.Field(fi))
		}
		m := &out[i]
		m.Status = normStatus(m.Status)
		if err := validateModel(*m); err != nil {
			check.Refused = append(check.Refused, CheckItem{ID: m.ID, File: o.file, Line: o.lineAt(err.field), Field: err.field, Problem: err.Error()})
			out[i] = orig
		}
	}
	return out
}

// embeddedCurated keeps the parse of the embedded curated entries and
// provider facts (assets.Catalog): they never change while the program runs
// and the engine only reads them (a merged field is copied into the
// engine's own model).
var embeddedCurated struct {
	once  sync.Once
	ovs   []overlay
	facts map[string]providerFacts
	err   error
}

// builtinCurated is the curated entries and provider facts of fsys; the
// embedded ones are read once per process.
func builtinCurated(fsys fs.FS, dir string) ([]overlay, map[string]providerFacts, error) {
	load := func() ([]overlay, map[string]providerFacts, error) {
		ovs, err := loadOverlaysFS(fsys, dir)
		if err != nil {
			return nil, nil, fmt.Errorf("built-in catalog: %w", err)
		}
		facts, err := loadProviderFacts(fsys, dir)
		if err != nil {
			return nil, nil, fmt.Errorf("built-in provider facts: %w", err)
		}
		return ovs, facts, nil
	}
	if fsys != fs.FS(assets.Catalog) || dir != "catalog" {
		return load()
	}
	c := &embeddedCurated
	c.once.Do(func() { c.ovs, c.facts, c.err = load() })
	return c.ovs, c.facts, c.err
}

// loadOverlaysFS reads every curated *.yaml file of a folder.
func loadOverlaysFS(fsys fs.FS, dir string) ([]overlay, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var all []overlay
	where := map[string]string{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		os, err := parseOverlays(name, b)
		if err != nil {
			return nil, err
		}
		for _, o := range os {
			if f, dup := where[o.m.ID]; dup {
				return nil, &LoadError{File: name, Line: o.line, Kind: "model", ID: o.m.ID, Err: fmt.Errorf("duplicate id (also in %s)", f)}
			}
			where[o.m.ID] = name
		}
		all = append(all, os...)
	}
	return all, nil
}

// sortCatalog lists the makers' own models first, then the curated models
// models.dev does not list, then clouds and hosts, then resellers; by
// provider and name within each group.
func sortCatalog(ms []Model) {
	group := func(m Model) int {
		switch {
		case m.Reseller:
			return 3
		case !m.FromModelsDev:
			return 1
		case firstParty[m.ProviderID]:
			return 0
		}
		return 2
	}
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if ga, gb := group(a), group(b); ga != gb {
			return ga < gb
		}
		if a.Provider != b.Provider {
			return a.Provider < b.Provider
		}
		return a.Name < b.Name
	})
}
