package advisor

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// LoadError is a problem in a rules or catalog file: the file, the line and
// the id of the entry (rule, assumption or model) it concerns, so a user can
// find and fix it.
type LoadError struct {
	File string
	Line int    // 1-based; 0 when unknown
	Kind string // "rule", "assumption" or "model"
	ID   string
	Err  error
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.ID != "" {
		fmt.Fprintf(&b, ": %s %s", e.Kind, e.ID)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *LoadError) Unwrap() error { return e.Err }

// MaxYAMLExpanded bounds what a rules or catalog file may stand for with its
// YAML aliases expanded: a small file of aliases to one long string can
// stand for gigabytes once decoded.
const MaxYAMLExpanded = 64 << 20

// YAMLExpandedSize is the bytes of text a YAML node stands for with every
// alias expanded, counted without expanding anything; it stops counting
// past limit.
func YAMLExpandedSize(n *yaml.Node, limit int64) int64 {
	return expandedSize(n, map[*yaml.Node]int64{}, 0, limit)
}

func expandedSize(n *yaml.Node, memo map[*yaml.Node]int64, depth int, limit int64) int64 {
	if n == nil {
		return 0
	}
	if v, ok := memo[n]; ok {
		return v
	}
	if depth > 10_000 {
		return limit + 1
	}
	memo[n] = 0 // a cycle counts nothing more
	size := int64(len(n.Value)) + 1
	if n.Kind == yaml.AliasNode {
		size += expandedSize(n.Alias, memo, depth+1, limit)
	}
	for _, c := range n.Content {
		size += expandedSize(c, memo, depth+1, limit)
		if size > limit {
			break
		}
	}
	memo[n] = size
	return size
}

// unmarshalBounded parses b into doc and refuses a document whose aliases
// expand past MaxYAMLExpanded.
func unmarshalBounded(file string, b []byte, doc *yaml.Node) error {
	if err := yaml.Unmarshal(b, doc); err != nil {
		return &LoadError{File: file, Line: yamlErrLine(err), Err: err}
	}
	if YAMLExpandedSize(doc, MaxYAMLExpanded) > MaxYAMLExpanded {
		return &LoadError{File: file, Err: fmt.Errorf("the file expands to more than %d MB (YAML aliases repeat its text); rules and catalogs need far less", MaxYAMLExpanded>>20)}
	}
	return nil
}

// parseYAMLDoc parses one YAML document and returns its top-level mapping.
func parseYAMLDoc(file string, b []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := unmarshalBounded(file, b, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil // empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &LoadError{File: file, Line: root.Line, Err: fmt.Errorf("expected a mapping at the top level")}
	}
	return root, nil
}

// yamlErrLine pulls "line N" out of a yaml.v3 error message.
func yamlErrLine(err error) int {
	var n int
	s := err.Error()
	if i := strings.Index(s, "line "); i >= 0 {
		fmt.Sscanf(s[i+5:], "%d", &n)
	}
	return n
}

// mapValue returns the value node of key in a mapping node.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// checkKeys reports the first mapping key under n that the Go type t does not
// know (by its tag, "yaml" or "json"), with its line. It keeps user files
// strict: a misspelt key is an error, not a silently ignored field.
func checkKeys(n *yaml.Node, t reflect.Type, tag string) (int, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return 0, nil // a type error; Decode reports it
		}
		fields := map[string]reflect.Type{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := strings.Split(f.Tag.Get(tag), ",")[0]
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			fields[name] = f.Type
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			ft, ok := fields[k.Value]
			if !ok {
				known := make([]string, 0, len(fields))
				for name := range fields {
					known = append(known, name)
				}
				sort.Strings(known)
				return k.Line, fmt.Errorf("unknown key %q; known keys: %s", k.Value, strings.Join(known, ", "))
			}
			if line, err := checkKeys(n.Content[i+1], ft, tag); err != nil {
				return line, err
			}
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 || n.Kind != yaml.SequenceNode {
			return 0, nil
		}
		for _, c := range n.Content {
			if line, err := checkKeys(c, t.Elem(), tag); err != nil {
				return line, err
			}
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return 0, nil
		}
		for i := 1; i < len(n.Content); i += 2 {
			if line, err := checkKeys(n.Content[i], t.Elem(), tag); err != nil {
				return line, err
			}
		}
	}
	return 0, nil
}
