package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"

	"os/user"
	"strconv"
	"strings"

	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/internal/safefile"
)

const rateUsage = "rate --result ID --score 0..1 [--note TEXT] | --import FILE.csv [--who NAME] [--db FILE]"

// maxRatingsFile bounds a ratings CSV (bytes): 10 MB is some 200,000 rows.
const maxRatingsFile = 10 << 20

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
	file := fs.String("import", "", "CSV file of ratings: result_id, score[, note]")
	who := fs.String("who", "", "who rates (default: the system user name)")
	dbPath := fs.String("db", "", "database file (default: the user's data folder; LLM_ADVISOR_DB overrides)")
	if err := fs.Parse(env.Args); err != nil {
		return usagef("%v; usage: %s", err, rateUsage)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; usage: %s", fs.Arg(0), rateUsage)
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
func parseScore(s string) (float64, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	x, err := strconv.ParseFloat(t, 64)
	if err != nil || x < 0 || x > 1 || x != x {
		return 0, errors.New("the score must be a number from 0 to 1, such as 0.8")
	}
	return x, nil
}

// importRatings keeps every good row of a ratings CSV and names the bad ones.
func importRatings(ctx context.Context, env Env, store *data.Store, file, who string) error {
	b, err := safefile.Read(file, maxRatingsFile)
	if err != nil {
		return usagef("--import %s: %v", file, err)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.Comma = ','
	if first, _, _ := bytes.Cut(b, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	var bad []string
	saved := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad = append(bad, fmt.Sprintf("line %d: %v", pe.Line, pe.Err))
				continue
			}
			return err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if saved == 0 && len(bad) == 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "result_id") {
			continue // the header
		}
		if len(rec) < 2 || len(rec) > 3 {
			bad = append(bad, fmt.Sprintf("line %d: %d columns; want result_id, score[, note]", line, len(rec)))
			continue
		}
		id, err := strconv.ParseInt(strings.TrimSpace(rec[0]), 10, 64)
		if err != nil || id <= 0 {
			bad = append(bad, fmt.Sprintf("line %d: result_id %q is not a positive whole number", line, rec[0]))
			continue
		}
		score, err := parseScore(rec[1])
		if err != nil {
			bad = append(bad, fmt.Sprintf("line %d: score %q: %v", line, rec[1], err))
			continue
		}
		note := ""
		if len(rec) == 3 {
			note = rec[2]
		}
		if err := store.SaveRating(ctx, data.Rating{ResultID: id, Score: score, Note: note, Who: who}); err != nil {
			if errors.Is(err, data.ErrNotFound) {
				bad = append(bad, fmt.Sprintf("line %d: no result %d in this database", line, id))
				continue
			}
			bad = append(bad, fmt.Sprintf("line %d: %v", line, err))
			continue
		}
		saved++
	}
	fmt.Fprintf(env.Stdout, "%d ratings imported from %s\n", saved, file)
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
