package app

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2/lang"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// maxImportBytes bounds a cases file read into memory (CSV, TSV, XLSX).
const maxImportBytes = 32 << 20

// maxUnzipBytes bounds what a workbook may unpack to (a variable so a test
// can make a small bomb).
var maxUnzipBytes int64 = 256 << 20

// caseFields are the columns a cases file may have, in the order the
// column-mapping preview shows them.
var caseFields = []string{"input", "expected", "checks", "pattern", "image", "audio", "relevant"}

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

// checkNames are a file's check names as the live test names them.
func checkNames(names []string) []string {
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

// fileNames are the names a file may use for fields or checks, in the
// user's language ("live.import.name.<field>"), as the preview lists them.
func fileNames(prefix string, names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = labelOr(prefix+n, n)
	}
	return strings.Join(out, ", ")
}

var accents = strings.NewReplacer("á", "a", "à", "a", "â", "a", "ã", "a", "é", "e", "ê", "e", "í", "i", "ó", "o", "ô", "o", "õ", "o", "ú", "u", "ü", "u", "ç", "c")

// fieldOfHeader is the case field a header names, or "".
func fieldOfHeader(h string) string {
	k := accents.Replace(strings.ToLower(strings.TrimSpace(h)))
	k = strings.Join(strings.Fields(k), " ")
	return headerAliases[k]
}

// caseTable is a cases file read as rows, before its columns are mapped to
// case fields: what the import preview shows and lets the user remap.
type caseTable struct {
	header  []string
	rows    [][]string // data rows (without the header)
	lines   []int      // the file line of each row (1-based; the header is line 1)
	bad     []caseProblem
	notes   []caseProblem // what we did to read the file: separator, encoding
	mapping map[string]int
}

// readCaseTable reads a CSV/TSV (separator `,` `;` or tab detected from the
// header; UTF-8 with or without BOM, else Windows-1252 converted and said)
// or an XLSX file (the first sheet) into rows. Every row that cannot be read
// is reported with its line; a quote that is never closed spoils only its
// own line, never the rows after it.
func readCaseTable(name string, r io.Reader) (*caseTable, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s", lang.L("cases.err.read", map[string]any{"File": filepath.Base(name), "Detail": err.Error()}))
	}
	if len(b) > maxImportBytes {
		return nil, fmt.Errorf("%s", lang.L("cases.err.too_big", map[string]any{"File": filepath.Base(name), "MB": maxImportBytes >> 20}))
	}
	t := &caseTable{}
	var all [][]string
	var lines []int
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		all, lines, err = readXLSX(b)
		if err != nil {
			return nil, fmt.Errorf("%s", lang.L("cases.err.xlsx", map[string]any{"File": filepath.Base(name), "Detail": err.Error()}))
		}
	default:
		if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
			b = b[3:]
		} else if !utf8.Valid(b) {
			dec, derr := charmap.Windows1252.NewDecoder().Bytes(b)
			if derr == nil {
				b = dec
				t.notes = append(t.notes, problem(0, "cases.note.cp1252", nil))
			}
		}
		sep := detectSeparator(b)
		if strings.EqualFold(filepath.Ext(name), ".tsv") {
			sep = '\t'
		}
		if sep != ',' {
			t.notes = append(t.notes, problem(0, "cases.note.separator", map[string]any{"Sep": sepName(sep)}))
		}
		var bad []caseProblem
		all, lines, bad = splitCSV(b, sep)
		t.bad = append(t.bad, bad...)
	}
	// The header is the first row that is not empty.
	for len(all) > 0 && rowEmpty(all[0]) {
		all, lines = all[1:], lines[1:]
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%s", lang.L("cases.err.empty", map[string]any{"File": filepath.Base(name)}))
	}
	t.header = all[0]
	for i := range t.header {
		t.header[i] = strings.TrimSpace(t.header[i])
	}
	for i, row := range all[1:] {
		if rowEmpty(row) {
			continue
		}
		t.rows = append(t.rows, row)
		t.lines = append(t.lines, lines[i+1])
	}
	t.mapping = map[string]int{}
	for i, h := range t.header {
		if f := fieldOfHeader(h); f != "" {
			if _, dup := t.mapping[f]; !dup {
				t.mapping[f] = i
			}
		}
	}
	return t, nil
}

func rowEmpty(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// readXLSX reads the first sheet of a workbook.
func readXLSX(b []byte) ([][]string, []int, error) {
	// A workbook is a zip: its sheets may unpack to far more than the file
	// (a zip bomb); excelize's own default allows 16 GB.
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxUnzipBytes, UnzipXMLSizeLimit: maxUnzipBytes / 4})
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

// detectSeparator picks `,` `;` or tab: the one found most often outside
// quotes on the first line (Excel in Portuguese writes `;`).
func detectSeparator(b []byte) rune {
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

func sepName(r rune) string {
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

// splitCSV splits text into records. Quoted fields may hold the separator,
// doubled quotes and line breaks; a quote that is not closed within
// maxQuotedLines lines (or by the end of the file) makes that one line a bad
// row, and reading goes on at the next line.
func splitCSV(b []byte, sep rune) (rows [][]string, lines []int, bad []caseProblem) {
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

// cases maps the table's rows to cases with the current column mapping;
// rows that do not make a case are listed with their line and reason.
func (t *caseTable) cases(kind string) ([]advisor.Case, []caseProblem) {
	get := func(row []string, field string) string {
		if i, ok := t.mapping[field]; ok && i >= 0 && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	bad := append([]caseProblem(nil), t.bad...)
	var out []advisor.Case
	for n, row := range t.rows {
		line := t.lines[n]
		if len(row) > len(t.header) && !rowEmpty(row[len(t.header):]) {
			bad = append(bad, problem(line, "cases.bad.columns", map[string]any{"N": len(row), "Header": len(t.header)}))
			continue
		}
		c := advisor.Case{Input: get(row, "input"), Expected: get(row, "expected"), Pattern: get(row, "pattern"),
			Image: get(row, "image"), Audio: get(row, "audio"), Relevant: splitList(get(row, "relevant"))}
		if checks := get(row, "checks"); checks != "" {
			c.Checks = checkNames(splitList(checks))
		}
		if p, isBad := caseProblemOf(kind, c, line); isBad {
			bad = append(bad, p)
			continue
		}
		out = append(out, c)
	}
	sortProblems(bad)
	if len(out) > maxCases {
		bad = append(bad, problem(0, "cases.bad.too_many", map[string]any{"Max": maxCases, "N": len(out) - maxCases}))
		out = out[:maxCases]
	}
	return out, bad
}

// missing is the required field the mapping lacks ("" when none).
func (t *caseTable) missing(kind string) string {
	need := "input"
	if kind == advisor.CaseKindTranscription {
		need = "audio"
	}
	if i, ok := t.mapping[need]; !ok || i < 0 {
		return need
	}
	return ""
}

func sortProblems(p []caseProblem) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j].Line < p[j-1].Line; j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}
