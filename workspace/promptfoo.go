package workspace

import (
	"io"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

// ImportPromptfoo reads a promptfoo config as a plan (livetest.ImportPromptfoo);
// the notes name what has no counterpart and was left out.
func ImportPromptfoo(path string) (livetest.PromptfooImport, error) {
	return livetest.ImportPromptfoo(path)
}

// WritePlan writes a plan as YAML to path, atomically: a failed write keeps
// whatever file was there.
func WritePlan(path string, p advisor.Plan) error {
	b, err := livetest.PlanYAML(p)
	if err != nil {
		return err
	}
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
