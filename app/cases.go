package app

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// maxCases is the most examples a live test takes (PRODUCT.md: 5–500).
const maxCases = 500

var allChecks = []string{advisor.CheckExact, advisor.CheckContains, advisor.CheckRegex, advisor.CheckJSON, advisor.CheckSimilarity, advisor.CheckJudge}

// caseProblem is a row of an imported file that was left out, and why: a
// translation key and its template data.
type caseProblem struct {
	Line int
	Key  string
	Args map[string]any
}

// Reason is the problem in the user's language.
func (p caseProblem) Reason() string { return lang.L(p.Key, p.Args) }

func problem(line int, key string, args map[string]any) caseProblem {
	return caseProblem{Line: line, Key: key, Args: args}
}

// parseCasesOf reads test cases from a CSV file (header with an "input"
// column, optional "expected", "checks" separated by ; or |, "pattern") or a
// JSONL file (one {"input","expected","checks","pattern"} object a line).
// Bad rows are listed with their line number and left out; good ones are kept.
//
// Cases of other kinds: chat cases may name an "image", transcription cases
// need an "audio" file and the reference transcript as "expected", embedding
// queries list their "relevant" document ids.
func parseCasesOf(kind, name string, r io.Reader) ([]advisor.Case, []caseProblem, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", name, err)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var cases []advisor.Case
	var bad []caseProblem
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson", ".json":
		cases, bad = parseJSONLCases(kind, b)
	case ".csv", ".tsv", ".txt":
		cases, bad, err = parseCSVCases(kind, b, strings.EqualFold(filepath.Ext(name), ".tsv"))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
	default:
		return nil, nil, fmt.Errorf("%s: unknown file type %q; allowed: .csv, .tsv, .jsonl", name, filepath.Ext(name))
	}
	if len(cases) > maxCases {
		bad = append(bad, problem(0, "cases.bad.too_many", map[string]any{"Max": maxCases, "N": len(cases) - maxCases}))
		cases = cases[:maxCases]
	}
	return cases, bad, nil
}

func parseCSVCases(kind string, b []byte, tab bool) ([]advisor.Case, []caseProblem, error) {
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	if tab {
		cr.Comma = '\t'
	}
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("no header row: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	need := "input"
	if kind == advisor.CaseKindTranscription {
		need = "audio"
	}
	if _, ok := col[need]; !ok {
		return nil, nil, fmt.Errorf("the header row needs an %q column; found: %s", need, strings.Join(header, ", "))
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var cases []advisor.Case
	var bad []caseProblem
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad = append(bad, problem(pe.StartLine, "cases.bad.csv", map[string]any{"Detail": pe.Err.Error()}))
				continue
			}
			return nil, nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) > len(header) {
			bad = append(bad, problem(line, "cases.bad.columns", map[string]any{"N": len(rec), "Header": len(header)}))
			continue
		}
		c := advisor.Case{Input: get(rec, "input"), Expected: get(rec, "expected"), Pattern: get(rec, "pattern"),
			Image: get(rec, "image"), Audio: get(rec, "audio"), Relevant: splitList(get(rec, "relevant"))}
		if checks := get(rec, "checks"); checks != "" {
			c.Checks = splitList(checks)
		}
		if p, bad1 := caseProblemOf(kind, c, line); bad1 {
			bad = append(bad, p)
			continue
		}
		cases = append(cases, c)
	}
	return cases, bad, nil
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
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' || r == ',' || r == ' ' })
}

var (
	audioFormats = []string{".wav", ".mp3", ".m4a"}
	imageFormats = []string{".png", ".jpg", ".jpeg"}
)

// caseProblemOf says what is wrong with a case of a kind, if anything.
func caseProblemOf(kind string, c advisor.Case, line int) (caseProblem, bool) {
	switch kind {
	case advisor.CaseKindTranscription:
		if c.Audio == "" {
			return problem(line, "cases.bad.no_audio", nil), true
		}
		if !contains(audioFormats, strings.ToLower(filepath.Ext(c.Audio))) {
			return problem(line, "cases.bad.audio_format", map[string]any{"File": filepath.Base(c.Audio)}), true
		}
		if strings.TrimSpace(c.Expected) == "" {
			return problem(line, "cases.bad.no_transcript", nil), true
		}
		return caseProblem{}, false
	case advisor.CaseKindEmbedding:
		if c.Input == "" {
			return problem(line, "cases.bad.no_input", nil), true
		}
		if len(c.Relevant) == 0 {
			return problem(line, "cases.bad.no_relevant", nil), true
		}
		return caseProblem{}, false
	case advisor.CaseKindImage:
		if c.Input == "" {
			return problem(line, "cases.bad.no_input", nil), true
		}
		return caseProblem{}, false
	}
	if c.Input == "" {
		return problem(line, "cases.bad.no_input", nil), true
	}
	if c.Image != "" && !contains(imageFormats, strings.ToLower(filepath.Ext(c.Image))) {
		return problem(line, "cases.bad.image_format", map[string]any{"File": filepath.Base(c.Image)}), true
	}
	for _, ch := range c.Checks {
		if !contains(allChecks, ch) {
			return problem(line, "cases.bad.check", map[string]any{"Check": ch, "Allowed": strings.Join(allChecks, ", ")}), true
		}
	}
	return caseProblem{}, false
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
