package data

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	_ "github.com/mattn/go-sqlite3"
)

func TestKindResultsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	run := newRun(t, s)
	start := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	yes := true
	want := []advisor.Result{
		{RunID: run.ID, Endpoint: "emb", Model: "m", Strategy: advisor.StrategyEmbedding, Case: 3, Set: "search", Kind: advisor.CaseKindEmbedding,
			Score: 0.5, Metrics: map[string]float64{advisor.MetricK: 4, advisor.MetricRecallAtK: 0.5, advisor.MetricReciprocalRank: 1.0 / 3},
			Output: "a.md\nb.md", StartedAt: start, EndedAt: start.Add(time.Second)},
		{RunID: run.ID, Endpoint: "img", Model: "m", Strategy: advisor.StrategyImage, Case: 4, Set: "pics", Kind: advisor.CaseKindImage,
			Artifact: "/tmp/images/run-1/img-4-0.png", Unscored: true, Metrics: map[string]float64{advisor.MetricImageBytes: 1234},
			StartedAt: start, EndedAt: start.Add(time.Second)},
		{RunID: run.ID, Endpoint: "img", Model: "m", Strategy: advisor.StrategyImage, Case: 5, Set: "pics", Kind: advisor.CaseKindImage,
			Verdict: &yes, Score: 1, Passed: true, StartedAt: start, EndedAt: start.Add(time.Second)},
	}
	for i := range want {
		if err := s.SaveResult(ctx, &want[i]); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Results(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
	one, err := s.Result(ctx, want[1].ID)
	if err != nil || !reflect.DeepEqual(one, want[1]) {
		t.Fatalf("Result(%d) = %+v, %v", want[1].ID, one, err)
	}
	if _, err := s.Result(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Result(999): %v, want ErrNotFound", err)
	}
}

func TestSetVerdict(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	run := newRun(t, s)
	img := advisor.Result{RunID: run.ID, Endpoint: "img", Strategy: advisor.StrategyImage, Kind: advisor.CaseKindImage, Unscored: true, Artifact: "x.png"}
	failed := advisor.Result{RunID: run.ID, Endpoint: "img", Strategy: advisor.StrategyImage, Case: 1, Kind: advisor.CaseKindImage, ErrorClass: advisor.ErrTimeout}
	chat := advisor.Result{RunID: run.ID, Endpoint: "c", Strategy: advisor.StrategyZeroShot, Kind: advisor.CaseKindChat}
	for _, r := range []*advisor.Result{&img, &failed, &chat} {
		if err := s.SaveResult(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, accept := range []bool{false, true, false} {
		if err := s.SetVerdict(ctx, img.ID, accept); err != nil {
			t.Fatal(err)
		}
		got, err := s.Result(ctx, img.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantScore := 0.0
		if accept {
			wantScore = 1
		}
		if got.Verdict == nil || *got.Verdict != accept || got.Score != wantScore || got.Passed != accept || got.Unscored {
			t.Fatalf("after verdict %v: verdict %v score %v passed %v unscored %v", accept, got.Verdict, got.Score, got.Passed, got.Unscored)
		}
	}
	if err := s.SetVerdict(ctx, chat.ID, true); !errors.Is(err, ErrNotRatable) {
		t.Fatalf("verdict on a chat result: %v, want ErrNotRatable", err)
	}
	if err := s.SetVerdict(ctx, failed.ID, true); !errors.Is(err, ErrNotRatable) {
		t.Fatalf("verdict on a failed image: %v, want ErrNotRatable", err)
	}
	if err := s.SetVerdict(ctx, 12345, true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("verdict on no result: %v, want ErrNotFound", err)
	}
	// A resumed run that generates the image again starts unrated.
	again := img
	again.ID, again.Verdict = 0, nil
	if err := s.SaveResult(ctx, &again); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Result(ctx, again.ID)
	if got.Verdict != nil || !got.Unscored {
		t.Fatalf("a replaced image keeps the old verdict: %+v", got)
	}
}

// TestUpgradeFrom0001 opens a database that only has the first schema, with
// a result in it, and checks the result reads back as a chat result.
func TestUpgradeFrom0001(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		ms[0].sql,
		"CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
		"INSERT INTO schema_migrations VALUES (1, '" + ms[0].name + "', '2026-11-01T00:00:00.000000000Z')",
		"INSERT INTO runs (id, plan, status, started_at, heartbeat_at) VALUES (1, '{}', 'done', '2026-11-01T00:00:00.000000000Z', '2026-11-01T00:00:00.000000000Z')",
		"INSERT INTO results (run_id, endpoint, strategy, case_index, repeat_index, score, passed) VALUES (1, 'a', 'zero-shot', 0, 0, 1, 1)",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rs, err := s.Results(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].CaseKind() != advisor.CaseKindChat || rs[0].Kind != "" || rs[0].Verdict != nil || rs[0].Unscored || rs[0].Metrics != nil || rs[0].Score != 1 {
		t.Fatalf("old result after the upgrade: %+v", rs)
	}
}

func TestCaseSetEndpointsScrubbed(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	p := advisor.Plan{Endpoints: []advisor.Endpoint{{Name: "a", Model: "m"}}, Cases: []advisor.Case{{Input: "x"}},
		CaseSets: []advisor.CaseSet{{Name: "s", Kind: advisor.CaseKindEmbedding, Endpoints: []advisor.Endpoint{
			{Name: "e", Model: "m", BaseURL: "https://user:pw@host/v1?api_key=sk-secret&x=1", APIKeyEnv: "sk-pasted-key-not-a-name"}}}}}
	r := &Run{Plan: p}
	if err := s.CreateRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.Run(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	ep := got.Plan.CaseSets[0].Endpoints[0]
	if ep.BaseURL != "https://host/v1?x=1" || ep.APIKeyEnv != "" {
		t.Fatalf("case set endpoint stored as %+v", ep)
	}
	if p.CaseSets[0].Endpoints[0].APIKeyEnv == "" {
		t.Fatal("scrubbing changed the caller's plan")
	}
}
