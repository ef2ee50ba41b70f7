package app

import (
	"io"

	"fyne.io/fyne/v2/lang"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/internal/casefile"
)

// The cases-file import (CSV/TSV with separator and encoding detection,
// Portuguese headers, XLSX) lives in internal/casefile, shared with the
// command line's `import --cases`; this file adapts it to the preview.

// maxImportBytes bounds a cases file read into memory (CSV, TSV, XLSX, JSONL).
const maxImportBytes = casefile.MaxBytes

// maxUnzipBytes bounds what a workbook may unpack to (a variable so a test
// can make a small bomb).
var maxUnzipBytes = casefile.MaxUnzipBytes

// caseFields are the columns a cases file may have, in the order the
// column-mapping preview shows them.
var caseFields = casefile.Fields

// fileNames are the names a file may use for fields or checks, in the
// user's language ("live.import.name.<field>"), as the preview lists them.
func fileNames(prefix string, names []string) string {
	return casefile.FileNames(caseTr, prefix, names)
}

// caseTable is a cases file read as rows, before its columns are mapped to
// case fields: what the import preview shows and lets the user remap.
// header and mapping are the table's own (the preview's remapping edits the
// table's mapping); notes are its notes as the GUI shows them.
type caseTable struct {
	*casefile.Table
	header  []string
	mapping map[string]int
	notes   []caseProblem
}

// readCaseTable reads a CSV, TSV or XLSX cases file for the preview.
func readCaseTable(name string, r io.Reader) (*caseTable, error) {
	t, err := casefile.Read(name, r, casefile.Options{UnzipLimit: maxUnzipBytes}, caseTr)
	if err != nil {
		return nil, err
	}
	return &caseTable{Table: t, header: t.Header, mapping: t.Mapping, notes: problemsOf(t.Notes)}, nil
}

// readXLSX reads the first sheet of a workbook, within maxUnzipBytes.
func readXLSX(b []byte) ([][]string, []int, error) { return casefile.ReadXLSX(b, maxUnzipBytes) }

// cases maps the table's rows to cases with the current column mapping;
// rows that do not make a case are listed with their line and reason.
func (t *caseTable) cases(kind string) ([]advisor.Case, []caseProblem) {
	c, bad := t.Table.Cases(kind, caseTr)
	return c, problemsOf(bad)
}

// missing is the required field the mapping lacks ("" when none).
func (t *caseTable) missing(kind string) string { return t.Table.Missing(kind) }

func problemsOf(ps []casefile.Problem) []caseProblem {
	out := make([]caseProblem, len(ps))
	for i, p := range ps {
		out[i] = caseProblem(p)
	}
	return out
}

// caseTr is lang.L as a casefile translator.
func caseTr(key string, args map[string]any) string {
	if args == nil {
		return lang.L(key)
	}
	return lang.L(key, args)
}
