package cli

import (
	"flag"
	"fmt"
	"io"

	"github.com/llm-advisor/llm-advisor/workspace"
)

const importUsage = "import --promptfoo FILE --out PLAN.yaml | import --cases FILE.csv|.tsv|.xlsx --out PLAN.yaml [--plan EXISTING.yaml] [--separator ,|;|tab] [--encoding utf-8|windows-1252] [--kind chat|embedding|transcription|image]"

// runImport is `import --promptfoo`: a promptfoo config (and the prompt and
// test files it names) written as a live-test plan. What has no counterpart
// is listed on stderr, one line each, never dropped silently.
func runImport(env Env) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	src := fs.String("promptfoo", "", "promptfoo config (promptfooconfig.yaml)")
	out := fs.String("out", "", "plan file to write (YAML)")
	var co casesOptions
	fs.StringVar(&co.file, "cases", "", "cases file: CSV, TSV or Excel workbook (.xlsx)")
	fs.StringVar(&co.plan, "plan", "", "with --cases: a plan whose cases the file's are added to (everything else kept)")
	fs.StringVar(&co.sep, "separator", "", "with --cases: the column separator , ; or tab (default: detected)")
	fs.StringVar(&co.enc, "encoding", "", "with --cases: utf-8 or windows-1252 (default: detected)")
	fs.StringVar(&co.kind, "kind", "", "with --cases: what the cases test: chat (default), embedding, transcription or image")
	if err := fs.Parse(env.Args); err != nil {
		return usagef("%v; usage: %s", err, importUsage)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; usage: %s", fs.Arg(0), importUsage)
	}
	if co.file != "" {
		if *src != "" {
			return usagef("--promptfoo and --cases are two imports; give one; usage: %s", importUsage)
		}
		if *out == "" {
			return usagef("--out PLAN.yaml is required; usage: %s", importUsage)
		}
		return importCases(env, co, *out)
	}
	if co.plan != "" || co.sep != "" || co.enc != "" || co.kind != "" {
		return usagef("--plan, --separator, --encoding and --kind go with --cases; usage: %s", importUsage)
	}
	if *src == "" || *out == "" {
		return usagef("--promptfoo FILE (or --cases FILE) and --out PLAN.yaml are both required; usage: %s", importUsage)
	}
	im, err := workspace.ImportPromptfoo(*src)
	if err != nil {
		return usagef("%s: %v", *src, err)
	}
	if err := workspace.WritePlan(*out, im.Plan); err != nil {
		return err
	}
	for _, n := range im.NotesIn(Lang()) {
		fmt.Fprintf(env.Stderr, "note: %s\n", termSafe(n))
	}
	cases := len(im.Plan.Cases)
	for _, s := range im.Plan.CaseSets {
		cases += len(s.Cases)
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %d endpoints, %d cases; %d things left out (listed above)\n", *out, len(im.Plan.Endpoints), cases, len(im.Notes))
	return nil
}
