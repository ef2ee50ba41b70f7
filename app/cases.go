package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/internal/casefile"
)

// maxCases is the most examples a live test takes (PRODUCT.md: 5–500).
const maxCases = casefile.MaxCases

var allChecks = casefile.AllChecks

// caseProblem is a row of an imported file that was left out, and why: a
// translation key and its template data.
type caseProblem casefile.Problem

// Reason is the problem in the user's language.
func (p caseProblem) Reason() string { return lang.L(p.Key, p.Args) }

func problem(line int, key string, args map[string]any) caseProblem {
	return caseProblem{Line: line, Key: key, Args: args}
}

// importCases reads a cases file for the import preview: a CSV, TSV or
// XLSX file as a table whose columns the user may map (its good cases and
// bad rows under the mapping found from the headers), or a JSONL file.
func importCases(kind, name string, r io.Reader) (*importPreview, error) {
	p := &importPreview{file: name}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson", ".json":
		b, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
		if err != nil {
			return nil, fmt.Errorf("%s", lang.L("cases.err.read", map[string]any{"File": filepath.Base(name), "Detail": err.Error()}))
		}
		if len(b) > maxImportBytes {
			return nil, fmt.Errorf("%s", lang.L("cases.err.too_big", map[string]any{"File": filepath.Base(name), "MB": maxImportBytes >> 20}))
		}
		p.cases, p.bad = parseJSONLCases(kind, bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
		if len(p.cases) > maxCases {
			p.bad = append(p.bad, problem(0, "cases.bad.too_many", map[string]any{"Max": maxCases, "N": len(p.cases) - maxCases}))
			p.cases = p.cases[:maxCases]
		}
	case ".csv", ".tsv", ".txt", ".xlsx", ".xlsm":
		t, err := readCaseTable(name, r)
		if err != nil {
			return nil, err
		}
		p.table = t
		p.remap(kind)
	default:
		return nil, fmt.Errorf("%s", lang.L("cases.err.type", map[string]any{"File": filepath.Base(name), "Ext": filepath.Ext(name)}))
	}
	return p, nil
}

func parseJSONLCases(kind string, b []byte) ([]advisor.Case, []caseProblem) {
	var cases []advisor.Case
	var bad []caseProblem
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var c advisor.Case
		dec := json.NewDecoder(strings.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			bad = append(bad, problem(line, "cases.bad.json", map[string]any{"Detail": err.Error()}))
			continue
		}
		c.Input = strings.TrimSpace(c.Input)
		if p, bad1 := caseProblemOf(kind, c, line); bad1 {
			bad = append(bad, p)
			continue
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		bad = append(bad, problem(line+1, "cases.bad.json", map[string]any{"Detail": err.Error()}))
	}
	return cases, bad
}

// splitList splits "a; b | c, d" into its items.
func splitList(s string) []string { return casefile.SplitList(s) }

// caseProblemOf says what is wrong with a case of a kind, if anything.
func caseProblemOf(kind string, c advisor.Case, line int) (caseProblem, bool) {
	p, bad := casefile.CaseProblem(kind, c, line, caseTr)
	return caseProblem(p), bad
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
