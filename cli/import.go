package cli

import (
	"flag"
	"fmt"
	"io"

	"github.com/llm-advisor/llm-advisor/workspace"
)

const importUsage = "import --promptfoo FILE --out PLAN.yaml"

// runImport is `import --promptfoo`: a promptfoo config (and the prompt and
// test files it names) written as a live-test plan. What has no counterpart
// is listed on stderr, one line each, never dropped silently.
func runImport(env Env) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	src := fs.String("promptfoo", "", "promptfoo config (promptfooconfig.yaml)")
	out := fs.String("out", "", "plan file to write (YAML)")
	if err := fs.Parse(env.Args); err != nil {
		return usagef("%v; usage: %s", err, importUsage)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; usage: %s", fs.Arg(0), importUsage)
	}
	if *src == "" || *out == "" {
		return usagef("--promptfoo FILE and --out PLAN.yaml are both required; usage: %s", importUsage)
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
