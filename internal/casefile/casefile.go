// Package casefile reads a cases file — CSV or TSV (separator `,` `;` or
// tab detected, UTF-8 with or without BOM, else Windows-1252 converted and
// said) or an Excel workbook — into a table whose columns are mapped to case
// fields from their Portuguese or English headers, and then into cases,
// every row that does not make a case listed by its line. Both the GUI and
// the command line read cases files through it; neither needs the other.
//
// Messages are translation keys with their template data (Problem), and the
// caller's translator (Tr) turns them into the user's language: the GUI
// passes Fyne's lang.L, the command line its own.
package casefile

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// Tr translates a key with its template data into the user's language
// (Fyne's lang.L has this shape); it returns the key when it has no text.
type Tr func(key string, args map[string]any) string

// MaxBytes bounds a cases file read into memory (CSV, TSV, XLSX).
const MaxBytes = 32 << 20

// MaxUnzipBytes bounds what a workbook may unpack to (a zip bomb is small
// packed); excelize's own default allows 16 GB.
const MaxUnzipBytes int64 = 256 << 20

// MaxCases is the most examples a live test takes (PRODUCT.md: 5–500).
const MaxCases = 500

// Fields are the columns a cases file may have, in the order the
// column-mapping preview shows them.
var Fields = []string{"input", "expected", "checks", "pattern", "image", "audio", "relevant"}

// AllChecks are the checks a case may name.
var AllChecks = []string{advisor.CheckExact, advisor.CheckContains, advisor.CheckRegex, advisor.CheckJSON, advisor.CheckSimilarity, advisor.CheckJudge}

// Problem is a row of a file that was left out, and why (or, as a note,
// what was done to read the file): a translation key and its template data.
// Line 0 is the file as a whole.
type Problem struct {
	Line int
	Key  string
	Args map[string]any
}

// Text is the problem in the language of tr.
func (p Problem) Text(tr Tr) string { return tr(p.Key, p.Args) }

func problem(line int, key string, args map[string]any) Problem {
	return Problem{Line: line, Key: key, Args: args}
}

// headerAliases maps the header names found in real files (Portuguese and
// English, with or without accents) to a case field.
var headerAliases = map[string]string{
	"input": "input", "entrada": "input", "pergunta": "input", "prompt": "input", "question": "input", "texto": "input", "mensagem": "input",
	"expected": "expected", "esperado": "expected", "resposta": "expected", "resposta esperada": "expected", "resposta_esperada": "expected",
	"answer": "expected", "saida esperada": "expected", "gabarito": "expected", "referencia": "expected", "transcricao": "expected",
	"checks": "checks", "verificacoes": "checks", "verificacao": "checks", "checagens": "checks", "checagem": "checks",
	"pattern": "pattern", "padrao": "pattern", "regex": "pattern", "expressao regular": "pattern",
	"image": "image", "imagem": "image", "foto": "image",
	"audio": "audio", "arquivo de audio": "audio", "gravacao": "audio",
	"relevant": "relevant", "relevantes": "relevant", "documentos relevantes": "relevant",
}

// checkAliases are the Portuguese names a file may give a check (accents
// and case ignored), so a Brazilian file need not use the English ones.
var checkAliases = map[string]string{
	"exato": advisor.CheckExact, "exata": advisor.CheckExact, "igual": advisor.CheckExact,
	"contem": advisor.CheckContains, "inclui": advisor.CheckContains,
	"expressao regular": advisor.CheckRegex,
	"similaridade":      advisor.CheckSimilarity, "semelhanca": advisor.CheckSimilarity,
	"juiz": advisor.CheckJudge, "avaliador": advisor.CheckJudge,
}

var accents = strings.NewReplacer("á", "a", "à", "a", "â", "a", "ã", "a", "é", "e", "ê", "e", "í", "i", "ó", "o", "ô", "o", "õ", "o", "ú", "u", "ü", "u", "ç", "c")

// CheckNames are a file's check names as the live test names them.
func CheckNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		k := accents.Replace(strings.ToLower(strings.TrimSpace(n)))
		if c, ok := checkAliases[k]; ok {
			n = c
		}
		out[i] = n
	}
	return out
}

// FileNames are the names a file may use for fields or checks, in the
// language of tr ("<prefix><name>"), as the preview lists them.
func FileNames(tr Tr, prefix string, names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n
		if s := tr(prefix+n, nil); s != prefix+n {
			out[i] = s
		}
	}
	return strings.Join(out, ", ")
}

// FieldOfHeader is the case field a header names, or "".
func FieldOfHeader(h string) string {
	k := accents.Replace(strings.ToLower(strings.TrimSpace(h)))
	k = strings.Join(strings.Fields(k), " ")
	return headerAliases[k]
}

// Table is a cases file read as rows, before its columns are mapped to
// case fields: what the import preview shows and lets the user remap.
type Table struct {
	Header  []string
	Rows    [][]string // data rows (without the header)
	Lines   []int      // the file line of each row (1-based; the header is line 1)
	Bad     []Problem
	Notes   []Problem // what was done to read the file: separator, encoding
	Mapping map[string]int
	// Separator is the one the columns were split at (0 for a workbook);
	// Converted says the text was read as Windows-1252 and converted.
	Separator rune
	Converted bool
}

// Options force what Read would otherwise detect; the zero value detects.
type Options struct {
	Separator rune   // ',' ';' or '\t'; 0 detects
	Encoding  string // "utf-8" or "windows-1252"; "" detects
	// UnzipLimit bounds what a workbook may unpack to; 0 is MaxUnzipBytes.
	UnzipLimit int64
}

// Read reads a CSV/TSV (separator `,` `;` or tab detected from the header;
// UTF-8 with or without BOM, else Windows-1252 converted and said) or an
// XLSX file (the first sheet) into rows. Every row that cannot be read is
// reported with its line; a quote that is never closed spoils only its own
// line, never the rows after it. Errors are in the language of tr.
func Read(name string, r io.Reader, opt Options, tr Tr) (*Table, error) {
	base := filepath.Base(name)
	b, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s", tr("cases.err.read", map[string]any{"File": base, "Detail": err.Error()}))
	}
	if len(b) > MaxBytes {
		return nil, fmt.Errorf("%s", tr("cases.err.too_big", map[string]any{"File": base, "MB": MaxBytes >> 20}))
	}
	t := &Table{}
	var all [][]string
	var lines []int
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		limit := opt.UnzipLimit
		if limit <= 0 {
			limit = MaxUnzipBytes
		}
		all, lines, err = ReadXLSX(b, limit)
		if err != nil {
			return nil, fmt.Errorf("%s", tr("cases.err.xlsx", map[string]any{"File": base, "Detail": err.Error()}))
		}
	default:
		b = t.decode(b, opt.Encoding)
		sep := opt.Separator
		if sep == 0 {
			sep = DetectSeparator(b)
			if strings.EqualFold(filepath.Ext(name), ".tsv") {
				sep = '\t'
			}
		}
		t.Separator = sep
		if sep != ',' {
			t.Notes = append(t.Notes, problem(0, "cases.note.separator", map[string]any{"Sep": SepName(sep)}))
		}
		var bad []Problem
		all, lines, bad = SplitCSV(b, sep)
		t.Bad = append(t.Bad, bad...)
	}
	// The header is the first row that is not empty.
	for len(all) > 0 && rowEmpty(all[0]) {
		all, lines = all[1:], lines[1:]
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%s", tr("cases.err.empty", map[string]any{"File": base}))
	}
	t.Header = all[0]
	for i := range t.Header {
		t.Header[i] = strings.TrimSpace(t.Header[i])
	}
	for i, row := range all[1:] {
		if rowEmpty(row) {
			continue
		}
		t.Rows = append(t.Rows, row)
		t.Lines = append(t.Lines, lines[i+1])
	}
	t.Mapping = map[string]int{}
	for i, h := range t.Header {
		if f := FieldOfHeader(h); f != "" {
			if _, dup := t.Mapping[f]; !dup {
				t.Mapping[f] = i
			}
		}
	}
	return t, nil
}

// decode drops a UTF-8 BOM, and converts Windows-1252 text (forced, or
// found because the text is not valid UTF-8), noting the conversion.
func (t *Table) decode(b []byte, encoding string) []byte {
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) && encoding != "windows-1252" {
		return b[3:] // a BOM says UTF-8
	}
	if encoding == "utf-8" || (encoding == "" && utf8.Valid(b)) {
		return b
	}
	dec, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return b
	}
	t.Converted = true
	t.Notes = append(t.Notes, problem(0, "cases.note.cp1252", nil))
	return dec
}

func rowEmpty(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// ReadXLSX reads the first sheet of a workbook that unpacks to at most
// limit bytes.
func ReadXLSX(b []byte, limit int64) ([][]string, []int, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: limit, UnzipXMLSizeLimit: limit / 4})
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, fmt.Errorf("no sheet")
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, nil, err
	}
	lines := make([]int, len(rows))
	for i := range rows {
		lines[i] = i + 1
	}
	return rows, lines, nil
}

// DetectSeparator picks `,` `;` or tab: the one found most often outside
// quotes on the first line (Excel in Portuguese writes `;`).
func DetectSeparator(b []byte) rune {
	line := b
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		line = b[:i]
	}
	counts := map[rune]int{}
	inQ := false
	for _, c := range string(line) {
		switch {
		case c == '"':
			inQ = !inQ
		case !inQ && (c == ',' || c == ';' || c == '\t'):
			counts[c]++
		}
	}
	best := ','
	for _, c := range []rune{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// SepName is a separator as the user writes it: "," ";" or "tab".
func SepName(r rune) string {
	switch r {
	case ';':
		return ";"
	case '\t':
		return "tab"
	}
	return ","
}

// maxQuotedLines is how far a quoted field may run over line breaks before
// the quote counts as never closed.
const maxQuotedLines = 200

// SplitCSV splits text into records. Quoted fields may hold the separator,
// doubled quotes and line breaks; a quote that is not closed within
// maxQuotedLines lines (or by the end of the file) makes that one line a bad
// row, and reading goes on at the next line.
func SplitCSV(b []byte, sep rune) (rows [][]string, lines []int, bad []Problem) {
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	src := strings.Split(text, "\n")
	if len(src) > 0 && src[len(src)-1] == "" {
		src = src[:len(src)-1]
	}
	for i := 0; i < len(src); {
		rec, used, ok := parseRecord(src[i:], sep)
		if !ok {
			bad = append(bad, problem(i+1, "cases.bad.quote", nil))
			i++
			continue
		}
		rows = append(rows, rec)
		lines = append(lines, i+1)
		i += used
	}
	return rows, lines, bad
}

// parseRecord reads one record starting at lines[0]; it reports how many
// lines the record used, and false for a quote never closed.
func parseRecord(lines []string, sep rune) ([]string, int, bool) {
	var rec []string
	var f strings.Builder
	li := 0
	s := []rune(lines[0])
	i := 0
	for {
		// Start of a field.
		if i < len(s) && s[i] == '"' {
			i++
			for {
				if i >= len(s) {
					li++
					if li >= len(lines) || li > maxQuotedLines {
						return nil, 0, false
					}
					f.WriteByte('\n')
					s, i = []rune(lines[li]), 0
					continue
				}
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						f.WriteRune('"')
						i += 2
						continue
					}
					i++
					break
				}
				f.WriteRune(s[i])
				i++
			}
			// Text after the closing quote up to the separator is kept as is.
			for i < len(s) && s[i] != sep {
				f.WriteRune(s[i])
				i++
			}
		} else {
			for i < len(s) && s[i] != sep {
				f.WriteRune(s[i])
				i++
			}
		}
		rec = append(rec, f.String())
		f.Reset()
		if i >= len(s) {
			return rec, li + 1, true
		}
		i++ // the separator
	}
}

// Cases maps the table's rows to cases with the current column mapping;
// rows that do not make a case are listed with their line and reason.
func (t *Table) Cases(kind string, tr Tr) ([]advisor.Case, []Problem) {
	get := func(row []string, field string) string {
		if i, ok := t.Mapping[field]; ok && i >= 0 && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	bad := append([]Problem(nil), t.Bad...)
	var out []advisor.Case
	for n, row := range t.Rows {
		line := t.Lines[n]
		if len(row) > len(t.Header) && !rowEmpty(row[len(t.Header):]) {
			bad = append(bad, problem(line, "cases.bad.columns", map[string]any{"N": len(row), "Header": len(t.Header)}))
			continue
		}
		c := advisor.Case{Input: get(row, "input"), Expected: get(row, "expected"), Pattern: get(row, "pattern"),
			Image: get(row, "image"), Audio: get(row, "audio"), Relevant: SplitList(get(row, "relevant"))}
		if checks := get(row, "checks"); checks != "" {
			c.Checks = CheckNames(SplitList(checks))
		}
		if p, isBad := CaseProblem(kind, c, line, tr); isBad {
			bad = append(bad, p)
			continue
		}
		out = append(out, c)
	}
	SortProblems(bad)
	if len(out) > MaxCases {
		bad = append(bad, problem(0, "cases.bad.too_many", map[string]any{"Max": MaxCases, "N": len(out) - MaxCases}))
		out = out[:MaxCases]
	}
	return out, bad
}

// Missing is the required field the mapping lacks ("" when none).
func (t *Table) Missing(kind string) string {
	need := "input"
	if kind == advisor.CaseKindTranscription {
		need = "audio"
	}
	if i, ok := t.Mapping[need]; !ok || i < 0 {
		return need
	}
	return ""
}

// SortProblems orders problems by line, keeping the order of equal lines.
func SortProblems(p []Problem) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j].Line < p[j-1].Line; j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}

// SplitList splits "a; b | c, d" into its items.
func SplitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' || r == ',' || r == ' ' })
}

var (
	audioFormats = []string{".wav", ".mp3", ".m4a"}
	imageFormats = []string{".png", ".jpg", ".jpeg"}
)

// CaseProblem says what is wrong with a case of a kind, if anything.
func CaseProblem(kind string, c advisor.Case, line int, tr Tr) (Problem, bool) {
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
		return Problem{}, false
	case advisor.CaseKindEmbedding:
		if c.Input == "" {
			return problem(line, "cases.bad.no_input", nil), true
		}
		if len(c.Relevant) == 0 {
			return problem(line, "cases.bad.no_relevant", nil), true
		}
		return Problem{}, false
	case advisor.CaseKindImage:
		if c.Input == "" {
			return problem(line, "cases.bad.no_input", nil), true
		}
		return Problem{}, false
	}
	if c.Input == "" {
		return problem(line, "cases.bad.no_input", nil), true
	}
	if c.Image != "" && !contains(imageFormats, strings.ToLower(filepath.Ext(c.Image))) {
		return problem(line, "cases.bad.image_format", map[string]any{"File": filepath.Base(c.Image)}), true
	}
	for _, ch := range c.Checks {
		if !contains(AllChecks, ch) {
			return problem(line, "cases.bad.check", map[string]any{"Check": ch, "Allowed": FileNames(tr, "live.import.check.", AllChecks)}), true
		}
	}
	return Problem{}, false
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
