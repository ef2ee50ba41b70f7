package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/llm-advisor/llm-advisor/data"
)

const verdictUsage = "verdict --result ID --accept|--reject [--db FILE] [--json]"

// verdictOut is what `verdict --json` prints.
type verdictOut struct {
	ResultID int64  `json:"result_id"`
	RunID    int64  `json:"run_id"`
	Endpoint string `json:"endpoint"`
	Case     int    `json:"case"`
	Artifact string `json:"artifact"`
	Accepted bool   `json:"accepted"`
}

// runVerdict is `verdict --result ID --accept|--reject [--db FILE] [--json]`:
// the user's judgement of a generated image, which becomes its quality
// score (1 accepted, 0 rejected).
func runVerdict(env Env) error {
	fs := flag.NewFlagSet("verdict", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	id := fs.Int64("result", 0, "result id of the image (test prints it)")
	accept := fs.Bool("accept", false, "the image is acceptable")
	reject := fs.Bool("reject", false, "the image is not acceptable")
	dbPath := fs.String("db", "", "database file (default: the user's data folder; LLM_ADVISOR_DB overrides)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := fs.Parse(env.Args); err != nil {
		return usagef("%v; usage: %s", err, verdictUsage)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; usage: %s", fs.Arg(0), verdictUsage)
	}
	if *id <= 0 {
		return usagef("--result ID is required (a positive result id); usage: %s", verdictUsage)
	}
	if *accept == *reject {
		return usagef("give exactly one of --accept and --reject")
	}
	ctx := context.Background()
	store, path, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.SetVerdict(ctx, *id, *accept); err != nil {
		switch {
		case errors.Is(err, data.ErrNotFound):
			return usagef("--result %d: no such result in %s", *id, path)
		case errors.Is(err, data.ErrNotRatable):
			return usagef("--result %d: %v", *id, err)
		}
		return err
	}
	r, err := store.Result(ctx, *id)
	if err != nil {
		return err
	}
	out := verdictOut{ResultID: r.ID, RunID: r.RunID, Endpoint: r.Endpoint, Case: r.Case, Artifact: r.Artifact, Accepted: *accept}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	word := "rejected"
	if *accept {
		word = "accepted"
	}
	fmt.Fprintf(env.Stdout, "result %d (run %d, %s, case %d): %s\n  %s\n", r.ID, r.RunID, r.Endpoint, r.Case, word, r.Artifact)
	return nil
}
