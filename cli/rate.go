package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/user"
	"strconv"
	"strings"

	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/internal/safefile"
	"github.com/llm-advisor/llm-advisor/workspace"
)

const rateUsage = "rate --result ID --score 0..1 [--note TEXT] | --import FILE.csv | --export-html FILE --run ID [--who NAME] [--db FILE]"

// runRate is `rate`: a person's score of one answer (0 to 1, a note), or a
// CSV of them (columns result_id, score[, note]; a header row optional; ,
// or ; between fields; a decimal comma accepted). Good rows of a file are
// kept even when others are bad; every bad row is named by its line.
func runRate(env Env) error {
	fs := flag.NewFlagSet("rate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	id := fs.Int64("result", 0, "result id of the answer (report --format csv lists them)")
	scoreText := fs.String("score", "", "score from 0 (bad) to 1 (good)")
	note := fs.String("note", "", "optional note")
	file := fs.String("import", "", "CSV file of ratings (result_id, score[, note]) or of blind choices (left_result, right_result, choice, who, judged_at)")
	html := fs.String("export-html", "", "write a blind comparison of --run as one HTML page for a colleague")
	runID := fs.Int64("run", 0, "run id (with --export-html)")
	who := fs.String("who", "", "who rates (default: the system user name)")
	dbPath := fs.String("db", "", "database file (default: the user's data folder; LLM_ADVISOR_DB overrides)")
	if err := fs.Parse(env.Args); err != nil {
		return usagef("%v; usage: %s", err, rateUsage)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; usage: %s", fs.Arg(0), rateUsage)
	}
	if *html != "" {
		if *file != "" || *id != 0 || *scoreText != "" {
			return usagef("--export-html goes with --run only; usage: %s", rateUsage)
		}
		if *runID <= 0 {
			return usagef("--export-html needs --run ID (a positive run id); usage: %s", rateUsage)
		}
		ctx := context.Background()
		store, path, err := openExisting(ctx, *dbPath)
		if err != nil {
			return err
		}
		defer store.Close()
		return exportBlind(ctx, env, store, path, *runID, *html)
	}
	if (*file == "") == (*id == 0 && *scoreText == "") {
		return usagef("give --result ID --score S, or --import FILE.csv; usage: %s", rateUsage)
	}
	var one float64
	if *file == "" {
		if *id <= 0 {
			return usagef("--result ID is required (a positive result id); usage: %s", rateUsage)
		}
		s, err := parseScore(*scoreText)
		if err != nil {
			return usagef("--score %q: %v", *scoreText, err)
		}
		one = s
		if len(*note) > data.MaxRatingNote {
			return usagef("--note has %d bytes; at most %d", len(*note), data.MaxRatingNote)
		}
	}
	name := *who
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
	}
	ctx := context.Background()
	store, path, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	if *file == "" {
		if err := store.SaveRating(ctx, data.Rating{ResultID: *id, Score: one, Note: *note, Who: name}); err != nil {
			if errors.Is(err, data.ErrNotFound) {
				return usagef("--result %d: no such result in %s", *id, path)
			}
			return err
		}
		fmt.Fprintf(env.Stdout, "result %d rated %s by %s\n", *id, strconv.FormatFloat(one, 'f', -1, 64), name)
		return nil
	}
	return importRatings(ctx, env, store, *file, name)
}

// parseScore reads a score from 0 to 1 ("0.8" or "0,8").
func parseScore(s string) (float64, error) { return workspace.ParseScore(s) }

// importRatings keeps every good row of a ratings or blind choices file
// (workspace.ImportPeople) and names the bad ones.
func importRatings(ctx context.Context, env Env, store *data.Store, file, who string) error {
	b, err := safefile.Read(file, workspace.MaxPeopleFile)
	if err != nil {
		return usagef("--import %s: %v", file, err)
	}
	got, err := workspace.New(store, nil, nil).ImportPeople(ctx, b, who)
	if err != nil {
		return usagef("--import %s: %v", file, err)
	}
	if got.Judgements > 0 || (got.Ratings == 0 && bytes.HasPrefix(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), []byte("left_result"))) {
		fmt.Fprintf(env.Stdout, "%d blind choices imported from %s\n", got.Judgements, file)
	} else {
		fmt.Fprintf(env.Stdout, "%d ratings imported from %s\n", got.Ratings, file)
	}
	bad := got.Bad
	if len(bad) > 0 {
		const show = 20
		nbad := len(bad)
		more := ""
		if len(bad) > show {
			more = fmt.Sprintf("\n... and %d more", len(bad)-show)
			bad = bad[:show]
		}
		return fmt.Errorf("%s: %d bad rows, left out (fix them and import the file again; good rows are kept):\n%s%s", file, nbad, strings.Join(bad, "\n"), more)
	}
	return nil
}

// exportBlind writes a blind comparison of a run as one HTML page a
// colleague opens in a browser (no server): their choices download as a
// CSV that `rate --import` reads back.
func exportBlind(ctx context.Context, env Env, store *data.Store, path string, runID int64, out string) error {
	run, err := store.Run(ctx, runID)
	if err != nil {
		if errors.Is(err, data.ErrNotFound) {
			return usagef("--run %d: no such run in %s", runID, path)
		}
		return err
	}
	results, err := store.Results(ctx, run.ID)
	if err != nil {
		return err
	}
	v := computeVerdict(run.ID, run.Plan, results, verdict.FromAcceptance(run.Plan.Acceptance), Lang(), catalogPrices())
	page, err := workspace.BlindPage(*run, results, v, Lang())
	if errors.Is(err, workspace.ErrNothingToCompare) {
		return usagef("--run %d: %v", runID, err)
	}
	if err != nil {
		return err
	}
	if err := workspace.WriteBlindFile(out, page); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "blind comparison of run %d (%d pairs of answers) written to %s\nsend it to a colleague; import the file they send back with: llm-advisor rate --import FILE\n", run.ID, len(page.Items), termSafe(out))
	return nil
}
