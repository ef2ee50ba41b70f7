package cli

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/assets"
	"github.com/llm-advisor/llm-advisor/internal/casefile"
	"github.com/llm-advisor/llm-advisor/internal/safefile"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// casesOptions are the flags of `import --cases`.
type casesOptions struct {
	file, plan, sep, enc, kind string
}

// importCases is `import --cases`: a CSV, TSV or Excel cases file read as
// the GUI's import reads it (internal/casefile), its cases written as a
// plan — added to the cases of --plan when given. What was detected
// (separator, encoding, columns) and every row left out, by line, is said
// on stderr in the user's language.
func importCases(env Env, co casesOptions, out string) error {
	opt, err := co.readOptions()
	if err != nil {
		return err
	}
	var plan advisor.Plan
	if co.plan != "" {
		p, err := livetest.LoadPlan(co.plan)
		if err != nil {
			return usagef("%s: %v; fix the plan or leave out --plan to write a new one", co.plan, err)
		}
		plan = p
	}
	kind, err := co.caseKind(plan)
	if err != nil {
		return err
	}
	tr := cliTr(Lang())
	switch strings.ToLower(filepath.Ext(co.file)) {
	case ".csv", ".tsv", ".txt", ".xlsx", ".xlsm":
	default:
		return usagef("%s", tr("cases.err.type", map[string]any{"File": filepath.Base(co.file), "Ext": filepath.Ext(co.file)}))
	}
	f, err := safefile.Open(co.file)
	if err != nil {
		return usagef("%s: %v", co.file, err)
	}
	defer f.Close()
	t, err := casefile.Read(co.file, f, opt, tr)
	if err != nil {
		return usagef("%s: %s", co.file, termSafe(err.Error()))
	}
	if need := t.Missing(kind); need != "" {
		return usagef("%s: %s", co.file, termSafe(tr("cases.err.no_column", map[string]any{"Need": need, "Found": strings.Join(t.Header, ", "), "Names": strings.Join(casefile.Fields, ", ")})))
	}
	sayHowRead(env, co.file, t, tr)
	cases, bad := t.Cases(kind, tr)
	if room := casefile.MaxCases - len(plan.Cases); len(cases) > room {
		bad = append(bad, casefile.Problem{Key: "cases.bad.too_many", Args: map[string]any{"Max": casefile.MaxCases, "N": len(cases) - max(room, 0)}})
		cases = cases[:max(room, 0)]
	}
	if len(bad) > 0 {
		fmt.Fprintf(env.Stderr, "%s: %s\n", co.file, tr(badRowsKey(len(bad)), map[string]any{"N": len(bad)}))
	}
	for _, b := range bad {
		if b.Line == 0 {
			fmt.Fprintf(env.Stderr, "%s: %s\n", co.file, termSafe(b.Text(tr)))
			continue
		}
		fmt.Fprintf(env.Stderr, "%s:%d: %s\n", co.file, b.Line, termSafe(tr("live.import.line", map[string]any{"Line": b.Line, "Reason": b.Text(tr)})))
	}
	if len(cases) == 0 {
		return usagef("%s: no row makes an example (listed above); fix the rows or the header and import again", co.file)
	}
	if co.plan == "" {
		plan.Name = strings.TrimSuffix(filepath.Base(co.file), filepath.Ext(co.file))
		if kind != advisor.CaseKindChat {
			plan.Kind = kind
		}
	}
	plan.Cases = append(plan.Cases, cases...)
	if err := workspace.WritePlan(out, plan); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %d cases (%d from %s), %d rows left out (listed above)\n", out, len(plan.Cases), len(cases), co.file, len(bad))
	if len(plan.Endpoints) == 0 {
		fmt.Fprintf(env.Stderr, "note: %s has no endpoints yet; add them (or import into a plan with --plan) before `test --plan %s`\n", out, out)
	}
	return nil
}

// readOptions are the forced separator and encoding.
func (co casesOptions) readOptions() (casefile.Options, error) {
	var opt casefile.Options
	switch co.sep {
	case "":
	case ",", ";":
		opt.Separator = rune(co.sep[0])
	case "tab", "\t", `\t`:
		opt.Separator = '\t'
	default:
		return opt, usagef("--separator %q is not allowed; allowed values: , ; tab", co.sep)
	}
	switch strings.ToLower(co.enc) {
	case "":
	case "utf-8", "utf8":
		opt.Encoding = "utf-8"
	case "windows-1252", "cp1252", "latin1", "iso-8859-1":
		opt.Encoding = "windows-1252"
	default:
		return opt, usagef("--encoding %q is not allowed; allowed values: utf-8, windows-1252", co.enc)
	}
	return opt, nil
}

// caseKind is what the cases test: --kind, else the plan's kind, else chat;
// cases added to a plan must be of its kind.
func (co casesOptions) caseKind(plan advisor.Plan) (string, error) {
	kind := co.kind
	switch {
	case kind == "":
		return planKind(plan), nil
	case kind != advisor.CaseKindChat && kind != advisor.CaseKindEmbedding && kind != advisor.CaseKindTranscription && kind != advisor.CaseKindImage:
		return "", usagef("--kind %q is not allowed; allowed values: chat, embedding, transcription, image", kind)
	case co.plan != "" && kind != planKind(plan):
		return "", usagef("--kind %s: the cases of %s are %s; import them into a plan of that kind, or give --kind %s", kind, co.plan, planKind(plan), planKind(plan))
	}
	return kind, nil
}

func planKind(p advisor.Plan) string {
	if p.Kind == "" {
		return advisor.CaseKindChat
	}
	return p.Kind
}

// sayHowRead says on stderr how the file was read: encoding, separator,
// the column of each field and the columns left unused.
func sayHowRead(env Env, file string, t *casefile.Table, tr casefile.Tr) {
	for _, n := range t.Notes {
		fmt.Fprintf(env.Stderr, "%s: %s\n", file, termSafe(n.Text(tr)))
	}
	m, unused := columnsRead(t, tr)
	fmt.Fprintf(env.Stderr, "%s: %s\n", file, termSafe(tr("cases.note.columns", map[string]any{"Map": m})))
	if unused != "" {
		fmt.Fprintf(env.Stderr, "%s: %s\n", file, termSafe(tr("cases.note.unused", map[string]any{"Cols": unused})))
	}
}

// columnsRead says which column feeds each field ("input ← “Pergunta”"),
// and lists the header's columns no field reads.
func columnsRead(t *casefile.Table, tr casefile.Tr) (string, string) {
	used := map[int]bool{}
	var m []string
	for _, f := range casefile.Fields {
		if i, ok := t.Mapping[f]; ok && i >= 0 && i < len(t.Header) {
			used[i] = true
			m = append(m, casefile.FileNames(tr, "live.import.name.", []string{f})+" ← “"+t.Header[i]+"”")
		}
	}
	var unused []string
	for i, h := range t.Header {
		if !used[i] && h != "" {
			unused = append(unused, "“"+h+"”")
		}
	}
	return strings.Join(m, ", "), strings.Join(unused, ", ")
}

// cliTr is the command line's translator for a language: the texts the GUI
// shows (assets.Labels), their {{.Field}} templates filled in as Fyne's
// lang.L fills them. A key without a text is returned as it is.
func cliTr(lang string) casefile.Tr {
	labels, err := assets.Labels(lang)
	if err != nil {
		labels = map[string]string{}
	}
	return func(key string, args map[string]any) string {
		s, ok := labels[key]
		if !ok {
			return key
		}
		if !strings.Contains(s, "{{") {
			return s
		}
		tpl, err := template.New(key).Option("missingkey=zero").Parse(s)
		if err != nil {
			return s
		}
		var b bytes.Buffer
		if err := tpl.Execute(&b, args); err != nil {
			return s
		}
		return b.String()
	}
}

// badRowsKey names the heading over the rows left out: "1 row" apart from "2 rows".
func badRowsKey(n int) string {
	if n == 1 {
		return "live.import.bad.one"
	}
	return "live.import.bad"
}
