package data

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// A rating is kept across a restart; the same person rating again replaces
// the score, another person adds one; a missing result, a score outside 0..1
// and an overlong note are refused; deleting the run takes the ratings along.
func TestRatingsSurviveRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "r.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	run := newRun(t, s)
	res := result(run.ID, "a", "zero-shot", 0, 0)
	if err := s.SaveResult(ctx, &res); err != nil {
		t.Fatal(err)
	}
	for _, g := range []Rating{{ResultID: res.ID, Score: 0.25, Who: "ana"}, {ResultID: res.ID, Score: 1, Note: " tone right ", Who: "ana"}, {ResultID: res.ID, Score: 0, Who: "bruno"}} {
		if err := s.SaveRating(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveRating(ctx, Rating{ResultID: res.ID + 99, Score: 1}); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing result: %v", err)
	}
	if err := s.SaveRating(ctx, Rating{ResultID: res.ID, Score: 1.5}); err == nil {
		t.Error("score 1.5 accepted")
	}
	if err := s.SaveRating(ctx, Rating{ResultID: res.ID, Score: 1, Note: string(make([]byte, MaxRatingNote+1))}); err == nil {
		t.Error("overlong note accepted")
	}
	s.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	gs, err := s.RunRatings(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Rating{}
	for _, g := range gs {
		got[g.Who] = g
	}
	if len(gs) != 2 || got["ana"].Score != 1 || got["ana"].Note != "tone right" || got["bruno"].Score != 0 || got["ana"].At.IsZero() {
		t.Errorf("ratings after a restart: %+v", gs)
	}
	if err := s.DeleteRun(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	s.r.QueryRowContext(ctx, "SELECT count(*) FROM ratings").Scan(&n)
	if n != 0 {
		t.Errorf("%d ratings left after the run was deleted", n)
	}
}
