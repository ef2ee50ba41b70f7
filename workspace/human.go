package workspace

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/report"
)

// People are the scores and blind choices people gave a run's answers, as
// the verdict takes them.
func (w *Workspace) People(ctx context.Context, runID int64) (verdict.People, error) {
	return PeopleOf(ctx, w.store, runID)
}

// PeopleOf is People on a store.
func PeopleOf(ctx context.Context, st *data.Store, runID int64) (verdict.People, error) {
	p := verdict.People{Scores: map[int64][]float64{}}
	rs, err := st.RunRatings(ctx, runID)
	if err != nil {
		return p, err
	}
	for _, g := range rs {
		p.Scores[g.ResultID] = append(p.Scores[g.ResultID], g.Score)
	}
	js, err := st.RunJudgements(ctx, runID)
	if err != nil {
		return p, err
	}
	for _, j := range js {
		p.Judgements = append(p.Judgements, j.Judgement)
	}
	return p, nil
}

// Blind is a blind side-by-side session ready to show: its stored layout,
// the run's answers by id, and who's choices so far by item.
type Blind struct {
	Session *data.BlindSession
	Plan    advisor.Plan
	Answers map[int64]advisor.Result
	Choices map[int]string // item index → choice, for the items already judged
}

// Next is the first item not yet judged, or len(Items) when all are.
func (b *Blind) Next() int {
	for i := range b.Session.Items {
		if _, ok := b.Choices[i]; !ok {
			return i
		}
	}
	return len(b.Session.Items)
}

// Case is the example an item asks about: its input and accepted answer.
func (b *Blind) Case(i int) advisor.Case {
	return CaseOf(b.Plan, b.Session.Items[i].Set, b.Session.Items[i].Case)
}

// CaseOf is case c of the case set named set ("" the plan's own cases).
func CaseOf(p advisor.Plan, set string, c int) advisor.Case {
	for _, s := range p.Sets() {
		if s.Name == set && c >= 0 && c < len(s.Cases) {
			return s.Cases[c]
		}
	}
	return advisor.Case{}
}

// ErrNothingToCompare is returned when a run has no two candidates with
// answers to the same cases.
var ErrNothingToCompare = errors.New("the run has no two options with answers to the same examples")

// OpenBlind resumes who's latest blind session of a run, or lays out a new
// one (fresh, or none yet) over the pairs the verdict has to separate
// (verdict.BlindPairs) with a new random seed. v is the run's verdict.
func (w *Workspace) OpenBlind(ctx context.Context, run data.Run, results []advisor.Result, v verdict.Verdict, who string, fresh bool) (*Blind, error) {
	var sess *data.BlindSession
	if !fresh {
		s, err := w.store.LatestBlindSession(ctx, run.ID, who)
		switch {
		case err == nil:
			sess = s
		case !errors.Is(err, data.ErrNotFound):
			return nil, err
		}
	}
	if sess == nil {
		seed := rand.Uint64()
		items := verdict.BlindItems(results, verdict.BlindPairs(v), seed)
		if len(items) == 0 {
			return nil, ErrNothingToCompare
		}
		sess = &data.BlindSession{RunID: run.ID, Who: who, Seed: seed, Items: items}
		if err := w.store.CreateBlindSession(ctx, sess); err != nil {
			return nil, err
		}
	}
	b := &Blind{Session: sess, Plan: run.Plan, Answers: map[int64]advisor.Result{}, Choices: map[int]string{}}
	for _, r := range results {
		b.Answers[r.ID] = r
	}
	js, err := w.store.RunJudgements(ctx, run.ID)
	if err != nil {
		return nil, err
	}
	// The session's own choices: a person who starts over judges again
	// (a new choice between the same two answers replaces the old one).
	mine := map[[2]int64]verdict.Judgement{}
	for _, j := range js {
		if j.Who == who && j.SessionID == sess.ID {
			mine[pairKey(j.Left, j.Right)] = j.Judgement
		}
	}
	for i, it := range sess.Items {
		if j, ok := mine[pairKey(it.Left, it.Right)]; ok {
			b.Choices[i] = AsShown(j, it)
		}
	}
	return b, nil
}

func pairKey(a, b int64) [2]int64 {
	if b < a {
		a, b = b, a
	}
	return [2]int64{a, b}
}

// AsShown is a judgement's choice as the item shows its answers: left and
// right swap when the judgement saw them the other way round.
func AsShown(j verdict.Judgement, it verdict.BlindItem) string {
	if j.Left == it.Left {
		return j.Choice
	}
	switch j.Choice {
	case verdict.ChoiceLeft:
		return verdict.ChoiceRight
	case verdict.ChoiceRight:
		return verdict.ChoiceLeft
	}
	return j.Choice
}

// Choose stores who's choice on item i and returns the candidates of the
// left and right answers, to reveal them.
func (w *Workspace) Choose(ctx context.Context, b *Blind, i int, choice string) (left, right verdict.Key, err error) {
	it := b.Session.Items[i]
	err = w.store.SaveJudgement(ctx, data.Judgement{Judgement: verdict.Judgement{Left: it.Left, Right: it.Right, Choice: choice, Who: b.Session.Who}, SessionID: b.Session.ID})
	if err != nil {
		return left, right, err
	}
	b.Choices[i] = choice
	l, r := b.Answers[it.Left], b.Answers[it.Right]
	return verdict.Key{Set: l.Set, Endpoint: l.Endpoint, Strategy: l.Strategy}, verdict.Key{Set: r.Set, Endpoint: r.Endpoint, Strategy: r.Strategy}, nil
}

// MaxPeopleFile bounds a ratings or choices file (bytes): 10 MB is some
// 200,000 rows.
const MaxPeopleFile = 10 << 20

// JudgementsHeader is the header of a blind choices file, what the exported
// blind comparison page downloads: one row per choice.
var JudgementsHeader = []string{"left_result", "right_result", "choice", "who", "judged_at"}

// Imported is what an import of ratings or blind choices kept and left out.
type Imported struct {
	Ratings    int
	Judgements int
	Bad        []string // "line N: why", one per bad row
}

// ImportPeople keeps every good row of a ratings file (columns result_id,
// score[, note]; a header row optional) or of a blind choices file (header
// left_result, right_result, choice, who[, judged_at], as the exported blind
// comparison downloads), told apart by the header. Fields may be separated
// by , or ; and a score may have a decimal comma; a UTF-8 BOM is dropped.
// who names the person when a row does not. Good rows are kept even when
// others are bad; every bad row is named by its line.
func (w *Workspace) ImportPeople(ctx context.Context, b []byte, who string) (Imported, error) {
	var out Imported
	if len(b) > MaxPeopleFile {
		return out, fmt.Errorf("the file has %d bytes; at most %d", len(b), MaxPeopleFile)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.Comma = ','
	first, _, _ := bytes.Cut(b, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	pairs := strings.HasPrefix(strings.ToLower(strings.TrimSpace(string(first))), "left_result")
	header := false
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				out.Bad = append(out.Bad, fmt.Sprintf("line %d: %v", pe.Line, pe.Err))
				continue
			}
			return out, err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if !header {
			header = true
			if h := strings.ToLower(strings.TrimSpace(rec[0])); h == "result_id" || h == "left_result" {
				continue
			}
		}
		var bad string
		if pairs {
			bad = w.importJudgement(ctx, rec, who)
			if bad == "" {
				out.Judgements++
			}
		} else {
			bad = w.importRating(ctx, rec, who)
			if bad == "" {
				out.Ratings++
			}
		}
		if bad != "" {
			out.Bad = append(out.Bad, fmt.Sprintf("line %d: %s", line, bad))
		}
	}
	return out, nil
}

// ParseScore reads a score from 0 to 1 ("0.8" or "0,8").
func ParseScore(s string) (float64, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	x, err := strconv.ParseFloat(t, 64)
	if err != nil || x < 0 || x > 1 || x != x {
		return 0, errors.New("the score must be a number from 0 to 1, such as 0.8")
	}
	return x, nil
}

func (w *Workspace) importRating(ctx context.Context, rec []string, who string) string {
	if len(rec) < 2 || len(rec) > 3 {
		return fmt.Sprintf("%d columns; want result_id, score[, note]", len(rec))
	}
	id, err := strconv.ParseInt(strings.TrimSpace(rec[0]), 10, 64)
	if err != nil || id <= 0 {
		return fmt.Sprintf("result_id %q is not a positive whole number", rec[0])
	}
	score, err := ParseScore(rec[1])
	if err != nil {
		return fmt.Sprintf("score %q: %v", rec[1], err)
	}
	note := ""
	if len(rec) == 3 {
		note = rec[2]
	}
	if err := w.store.SaveRating(ctx, data.Rating{ResultID: id, Score: score, Note: note, Who: who}); err != nil {
		if errors.Is(err, data.ErrNotFound) {
			return fmt.Sprintf("no result %d in this database", id)
		}
		return err.Error()
	}
	return ""
}

func (w *Workspace) importJudgement(ctx context.Context, rec []string, who string) string {
	if len(rec) < 3 || len(rec) > 5 {
		return fmt.Sprintf("%d columns; want left_result, right_result, choice, who, judged_at", len(rec))
	}
	var ids [2]int64
	for i := 0; i < 2; i++ {
		id, err := strconv.ParseInt(strings.TrimSpace(rec[i]), 10, 64)
		if err != nil || id <= 0 {
			return fmt.Sprintf("%s %q is not a positive whole number", JudgementsHeader[i], rec[i])
		}
		ids[i] = id
	}
	choice := strings.TrimSpace(rec[2])
	if !verdict.ValidChoice(choice) {
		return fmt.Sprintf("choice %q is not one of %s", rec[2], strings.Join(verdict.Choices, ", "))
	}
	name := who
	if len(rec) >= 4 && strings.TrimSpace(rec[3]) != "" {
		name = strings.TrimSpace(rec[3])
		if len(name) > 200 {
			return "who is longer than 200 bytes"
		}
	}
	var at time.Time
	if len(rec) == 5 && strings.TrimSpace(rec[4]) != "" {
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(rec[4]))
		if err != nil {
			return fmt.Sprintf("judged_at %q is not a time such as 2026-12-02T10:00:00Z", rec[4])
		}
		at = t.UTC()
	}
	err := w.store.SaveJudgement(ctx, data.Judgement{Judgement: verdict.Judgement{Left: ids[0], Right: ids[1], Choice: choice, Who: name}, At: at})
	if errors.Is(err, data.ErrNotFound) {
		return fmt.Sprintf("no result %d or %d in this database", ids[0], ids[1])
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// BlindPage lays out a new blind comparison of a run for a colleague (the
// pairs the verdict has to separate, a new random order) as the page
// report.WriteBlindHTML writes. Nothing is stored: the colleague's choices
// come back as a file (ImportPeople).
func BlindPage(run data.Run, results []advisor.Result, v verdict.Verdict, lang string) (report.BlindPage, error) {
	items := verdict.BlindItems(results, verdict.BlindPairs(v), rand.Uint64())
	if len(items) == 0 {
		return report.BlindPage{}, ErrNothingToCompare
	}
	by := map[int64]advisor.Result{}
	for _, r := range results {
		by[r.ID] = r
	}
	p := report.BlindPage{Title: run.Name, Lang: lang, RunID: run.ID}
	for _, it := range items {
		c := CaseOf(run.Plan, it.Set, it.Case)
		l, r := by[it.Left], by[it.Right]
		p.Items = append(p.Items, report.BlindPageItem{Left: it.Left, Right: it.Right, Input: c.Input, Expected: c.Expected,
			LeftText: l.Output, RightText: r.Output,
			LeftName:  verdict.Key{Endpoint: l.Endpoint, Strategy: l.Strategy}.Label(),
			RightName: verdict.Key{Endpoint: r.Endpoint, Strategy: r.Strategy}.Label()})
	}
	return p, nil
}

// WriteBlindFile writes the blind comparison page to path, atomically.
func WriteBlindFile(path string, p report.BlindPage) error {
	return writeAtomic(path, func(w io.Writer) error { return report.WriteBlindHTML(w, p) })
}

// Rate keeps a person's score of one answer (data.Store.SaveRating).
func (w *Workspace) Rate(ctx context.Context, g data.Rating) error { return w.store.SaveRating(ctx, g) }

// RatingsBy are who's ratings of a run's answers, by result id.
func (w *Workspace) RatingsBy(ctx context.Context, runID int64, who string) (map[int64]data.Rating, error) {
	rs, err := w.store.RunRatings(ctx, runID)
	if err != nil {
		return nil, err
	}
	out := map[int64]data.Rating{}
	for _, g := range rs {
		if g.Who == who {
			out[g.ResultID] = g
		}
	}
	return out, nil
}
