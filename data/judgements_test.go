package data

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"

	"github.com/llm-advisor/llm-advisor/advisor/verdict"
)

// A blind session and its choices are kept across a restart: the layout
// comes back as stored; choosing again between the same two answers (in
// either order) replaces the choice, another person adds one; a bad choice,
// an answer compared with itself, answers to different cases and a missing
// result are refused; deleting the run takes it all along.
func TestJudgementsSurviveRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	run := newRun(t, s)
	a, b, c := result(run.ID, "a", "zero-shot", 0, 0), result(run.ID, "b", "zero-shot", 0, 0), result(run.ID, "b", "zero-shot", 1, 0)
	for _, r := range []*advisor.Result{&a, &b, &c} {
		if err := s.SaveResult(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	sess := &BlindSession{RunID: run.ID, Who: "ana", Seed: 1<<63 + 5, Items: []verdict.BlindItem{{Case: 0, Left: b.ID, Right: a.ID}}}
	if err := s.CreateBlindSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	for _, j := range []Judgement{
		{Judgement: verdict.Judgement{Left: b.ID, Right: a.ID, Choice: verdict.ChoiceLeft, Who: "ana"}, SessionID: sess.ID},
		{Judgement: verdict.Judgement{Left: a.ID, Right: b.ID, Choice: verdict.ChoiceSame, Who: "ana"}, SessionID: sess.ID},
		{Judgement: verdict.Judgement{Left: a.ID, Right: b.ID, Choice: verdict.ChoiceBothBad, Who: "bruno"}},
	} {
		if err := s.SaveJudgement(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	for name, j := range map[string]verdict.Judgement{
		"choice":  {Left: a.ID, Right: b.ID, Choice: "maybe"},
		"itself":  {Left: a.ID, Right: a.ID, Choice: verdict.ChoiceLeft},
		"cases":   {Left: a.ID, Right: c.ID, Choice: verdict.ChoiceLeft},
		"missing": {Left: a.ID, Right: 9999, Choice: verdict.ChoiceLeft},
	} {
		err := s.SaveJudgement(ctx, Judgement{Judgement: j})
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
		if name == "missing" && !errors.Is(err, ErrNotFound) {
			t.Errorf("missing: %v", err)
		}
	}
	s.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.LatestBlindSession(ctx, run.ID, "ana")
	if err != nil || got.ID != sess.ID || got.Seed != sess.Seed || len(got.Items) != 1 || got.Items[0] != sess.Items[0] {
		t.Fatalf("session %+v, %v", got, err)
	}
	if _, err := s.LatestBlindSession(ctx, run.ID, "carla"); !errors.Is(err, ErrNotFound) {
		t.Errorf("carla has no session: %v", err)
	}
	js, err := s.RunJudgements(ctx, run.ID)
	if err != nil || len(js) != 2 {
		t.Fatalf("judgements %+v, %v", js, err)
	}
	if js[0].Who != "ana" || js[0].Choice != verdict.ChoiceSame || js[0].Left != a.ID || js[0].SessionID != sess.ID || js[0].At.IsZero() {
		t.Errorf("ana's %+v", js[0])
	}
	if js[1].Who != "bruno" || js[1].Choice != verdict.ChoiceBothBad || js[1].SessionID != 0 {
		t.Errorf("bruno's %+v", js[1])
	}
	if err := s.DeleteRun(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	if js, _ := s.RunJudgements(ctx, run.ID); len(js) != 0 {
		t.Errorf("judgements outlive their run: %+v", js)
	}
	if _, err := s.LatestBlindSession(ctx, run.ID, "ana"); !errors.Is(err, ErrNotFound) {
		t.Errorf("session outlives its run: %v", err)
	}
}
