package data

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// fullAnswers answers every question of the vocabulary, so that a field the
// store forgot would show up as a difference.
func fullAnswers(t testing.TB) advisor.Answers {
	t.Helper()
	m := map[string]any{}
	for _, q := range advisor.Questions {
		switch {
		case q.Kind == advisor.KindText:
			m[q.Key] = "a support bot for our shop, with “quotes” and ünïcode"
		case q.Kind != advisor.KindChoice && q.Multi:
			m[q.Key] = q.Sample()
		case q.Kind != advisor.KindChoice:
			m[q.Key] = q.Sample()[0]
		case q.Multi:
			m[q.Key] = q.Values[:2]
		default:
			m[q.Key] = q.Values[len(q.Values)-1]
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	a, err := advisor.ParseAnswers(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	v := reflect.ValueOf(a)
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).IsZero() {
			t.Fatalf("test answers leave %s empty", v.Type().Field(i).Name)
		}
	}
	return a
}

func fullRecommendation() *advisor.Recommendation {
	return &advisor.Recommendation{
		Model: advisor.ModelChoice{Type: advisor.TypeTextLLM, Architecture: advisor.ArchDecoderOnly,
			Weights: advisor.WeightsOpen, Hosting: advisor.HostingSelfHosted, SizeTier: advisor.TierMid},
		Strategy:        advisor.Strategy{Primary: advisor.StepRAG, Plan: []string{advisor.StepPrompting, advisor.StepRAG}},
		Also:            []string{advisor.TypeEmbedding},
		Shortlist:       []advisor.Shortlisted{{ID: "llama-3.1-8b", Name: "Llama 3.1 8B", MonthlyCostUSD: 72.5, Why: "fits a 24 GB GPU"}},
		Fired:           []advisor.Fired{{ID: "rag-for-changing-knowledge", Title: "RAG", Because: "the documents change weekly", Source: "https://example.org/guide", Strength: "strong"}},
		Warnings:        []string{"licence: check the acceptable-use policy"},
		Conflicts:       []advisor.Conflict{{ID: "c1", Between: []string{"deployment=offline", "budget_build=0"}, Relaxation: "allow a one-off budget", Relax: map[string]string{"budget_build": "lt_100"}}},
		Assumptions:     []string{"volume assumed 100-10k"},
		Steps:           []advisor.PlanStep{{Step: advisor.StepPrompting, Detail: "few-shot with 3-5 examples", Gate: "only if evals show drift"}},
		CostAssumptions: "500 tokens in, 200 out", Lang: "en",
	}
}

func TestDecisionRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	d := &Decision{Title: "Support bot", Answers: fullAnswers(t), Recommendation: fullRecommendation()}
	if err := s.SaveDecision(ctx, d); err != nil {
		t.Fatal(err)
	}
	if d.ID == 0 || d.Status != DecisionDraft || d.CreatedAt.IsZero() || !d.CreatedAt.Equal(d.UpdatedAt) || d.CreatedAt.Location() != time.UTC {
		t.Fatalf("after insert: %+v", d)
	}
	got, err := s.Decision(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, d)
	}

	// Update: new title, final, no recommendation any more.
	created := d.CreatedAt
	d.Title, d.Status, d.Recommendation = "Support bot v2", DecisionFinal, nil
	d.Answers.Task = []string{"summarize"}
	if err := s.SaveDecision(ctx, d); err != nil {
		t.Fatal(err)
	}
	if !d.CreatedAt.Equal(created) || d.UpdatedAt.Before(created) {
		t.Errorf("after update: created %v (was %v), updated %v", d.CreatedAt, created, d.UpdatedAt)
	}
	got, err = s.Decision(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Errorf("after update:\n got %+v\nwant %+v", got, d)
	}

	if _, err := s.Decision(ctx, d.ID+100); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing decision: %v, want ErrNotFound", err)
	}
	if err := s.SaveDecision(ctx, &Decision{ID: d.ID + 100}); !errors.Is(err, ErrNotFound) {
		t.Errorf("update of a missing decision: %v, want ErrNotFound", err)
	}
	if err := s.SaveDecision(ctx, &Decision{Status: "archived"}); err == nil {
		t.Error("status archived accepted")
	}
}

func TestListDecisionsNewestFirst(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	var ds []*Decision
	for _, title := range []string{"a", "b", "c"} {
		d := &Decision{Title: title}
		if err := s.SaveDecision(ctx, d); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	// Touch "a": it becomes the most recent.
	if err := s.SaveDecision(ctx, ds[0]); err != nil {
		t.Fatal(err)
	}
	all, err := s.ListDecisions(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, d := range all {
		titles = append(titles, d.Title)
	}
	if want := []string{"a", "c", "b"}; !reflect.DeepEqual(titles, want) {
		t.Errorf("order %v, want %v", titles, want)
	}
	two, err := s.ListDecisions(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(two) != 2 || two[0].ID != ds[0].ID {
		t.Errorf("limit 2: %+v", two)
	}
}

func TestDuplicateDecision(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	d := &Decision{Title: "Invoices", Answers: fullAnswers(t), Recommendation: fullRecommendation(), Status: DecisionFinal}
	if err := s.SaveDecision(ctx, d); err != nil {
		t.Fatal(err)
	}
	run := &Run{DecisionID: d.ID, Name: "r"}
	if err := s.CreateRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	id, err := s.DuplicateDecision(ctx, d.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Decision(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if id == d.ID || c.Title != "Invoices (copy)" || c.Status != DecisionDraft {
		t.Errorf("copy: id %d title %q status %q", id, c.Title, c.Status)
	}
	if !reflect.DeepEqual(c.Answers, d.Answers) || !reflect.DeepEqual(c.Recommendation, d.Recommendation) {
		t.Error("copy has different answers or recommendation")
	}
	runs, err := s.ListRuns(ctx, id)
	if err != nil || len(runs) != 0 {
		t.Errorf("copy has runs %v, %v; want none", runs, err)
	}
	if _, err := s.DuplicateDecision(ctx, 9999, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("duplicate of a missing decision: %v", err)
	}
	// The caller names the copy in the user's language.
	id, err = s.DuplicateDecision(ctx, d.ID, "(cópia)")
	if err != nil {
		t.Fatal(err)
	}
	if c, err := s.Decision(ctx, id); err != nil || c.Title != "Invoices (cópia)" {
		t.Errorf("Portuguese copy: %+v, %v", c, err)
	}
}

func TestDeleteDecisionCascades(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	d := &Decision{Title: "to delete"}
	if err := s.SaveDecision(ctx, d); err != nil {
		t.Fatal(err)
	}
	linked := &Run{DecisionID: d.ID, Name: "linked"}
	loose := &Run{Name: "cli run"}
	for _, r := range []*Run{linked, loose} {
		if err := s.CreateRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if err := s.SaveResult(ctx, &advisor.Result{RunID: r.ID, Endpoint: "e", Strategy: advisor.StrategyZeroShot, Case: i}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.DeleteDecision(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Decision(ctx, d.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("decision still there: %v", err)
	}
	if _, err := s.Run(ctx, linked.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("its run still there: %v", err)
	}
	var orphans int
	if err := s.r.QueryRow("SELECT count(*) FROM results WHERE run_id = ?", linked.ID).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 {
		t.Errorf("%d results of the deleted run remain", orphans)
	}
	if n, err := s.CountResults(ctx, loose.ID); err != nil || n != 3 {
		t.Errorf("the run without a decision has %d results (%v), want 3", n, err)
	}
	if err := s.DeleteDecision(ctx, d.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
}
