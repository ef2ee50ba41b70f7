package data

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

func price(v float64) *float64 { return &v }

func fullPlan() advisor.Plan {
	return advisor.Plan{
		Name: "support bot check",
		Endpoints: []advisor.Endpoint{
			{Name: "local", Kind: advisor.KindCompatible, BaseURL: "http://127.0.0.1:11434/v1", Model: "llama3.2", PriceInPer1M: price(0), PriceOutPer1M: price(0), Concurrency: 4},
			{Name: "azure", Kind: advisor.KindAzure, BaseURL: "https://res.openai.azure.com", Model: "gpt-4o-mini", APIKeyEnv: "AZURE_OPENAI_API_KEY",
				Deployment: "mini", APIVersion: "2024-10-21", CatalogID: "gpt-4o-mini", PriceInPer1M: price(0.15), PriceOutPer1M: price(0.6)},
		},
		Strategies: []string{advisor.StrategyZeroShot, advisor.StrategyFewShot, advisor.StrategyRAG},
		FewShot:    []advisor.Example{{Input: "Where is my order?", Output: "Let me check."}},
		Documents:  "./docs",
		Cases: []advisor.Case{
			{Input: "Refund?", Expected: "30 days", Checks: []string{advisor.CheckContains, advisor.CheckRegex}, Pattern: `30\s+days`},
			{Input: "JSON please", Checks: []string{advisor.CheckJSON}, Schema: `{"type":"object"}`},
		},
		System: "You are helpful.", Concurrency: 8, Repeats: 2, MaxTokens: 256, Temperature: 0.2, TimeoutSeconds: 60,
		Embedding:           &advisor.Endpoint{Name: "emb", Kind: advisor.KindOpenAI, Model: "text-embedding-3-small", APIKeyEnv: "OPENAI_API_KEY"},
		Judge:               &advisor.Endpoint{Name: "judge", Kind: advisor.KindOpenAI, Model: "gpt-4o", APIKeyEnv: "OPENAI_API_KEY"},
		Rubric:              "Polite and correct.",
		SimilarityThreshold: 0.8, TopK: 4,
	}
}

func TestRunRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	d := &Decision{Title: "d"}
	if err := s.SaveDecision(ctx, d); err != nil {
		t.Fatal(err)
	}
	r := &Run{DecisionID: d.ID, Name: "first", Plan: fullPlan(), Total: 24,
		Templates: map[string]string{advisor.StrategyRAG: "Sources:\n{{passages}}\n\nQuestion: {{input}}", advisor.StrategyZeroShot: "{{input}}"}}
	if err := s.CreateRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	if r.ID == 0 || r.Status != advisor.RunRunning || r.StartedAt.IsZero() || !r.EndedAt.IsZero() || r.OwnerPID != os.Getpid() {
		t.Fatalf("after create: %+v", r)
	}
	got, err := s.Run(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, r)
	}

	loose := &Run{Name: "cli", Plan: advisor.Plan{Name: "p"}}
	if err := s.CreateRun(ctx, loose); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Run(ctx, loose.ID); err != nil || got.DecisionID != 0 || got.Templates == nil {
		t.Errorf("run without decision: %+v, %v", got, err)
	}
	ofD, err := s.ListRuns(ctx, d.ID)
	if err != nil || len(ofD) != 1 || ofD[0].ID != r.ID {
		t.Errorf("runs of the decision: %+v, %v", ofD, err)
	}
	all, err := s.ListRuns(ctx, 0)
	if err != nil || len(all) != 2 || all[0].ID != loose.ID || all[1].ID != r.ID {
		t.Errorf("all runs, newest first: %+v, %v", all, err)
	}

	if err := s.SetRunStatus(ctx, r.ID, advisor.RunDone); err != nil {
		t.Fatal(err)
	}
	got, err = s.Run(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != advisor.RunDone || got.EndedAt.IsZero() || got.EndedAt.Before(got.StartedAt) {
		t.Errorf("after done: status %s ended %v started %v", got.Status, got.EndedAt, got.StartedAt)
	}
	if err := s.SetRunStatus(ctx, r.ID, "paused"); err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("status paused: %v; want an error listing the allowed states", err)
	}
	if err := s.SetRunStatus(ctx, 999, advisor.RunDone); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing run: %v", err)
	}
	if _, err := s.Run(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing run: %v", err)
	}
	if err := s.CreateRun(ctx, &Run{DecisionID: 12345}); err == nil {
		t.Error("a run of a missing decision was accepted")
	}
	if err := s.DeleteRun(ctx, loose.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(ctx, loose.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted run: %v", err)
	}
}

func TestEndpointHasNoKeyField(t *testing.T) {
	// Keys come from the keyring or the environment, never from a plan; a
	// field that could hold one would end up in the database.
	suspicious := regexp.MustCompile(`(?i)key|secret|password|credential|bearer|auth|token$`)
	for _, typ := range []reflect.Type{reflect.TypeOf(advisor.Endpoint{}), reflect.TypeOf(advisor.Plan{})} {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if suspicious.MatchString(f.Name) && f.Name != "APIKeyEnv" {
				t.Errorf("%s.%s looks like it holds a secret; keys must not be part of a plan", typ.Name(), f.Name)
			}
		}
	}
}

func TestPlanKeysNeverStored(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	p := fullPlan()
	p.Endpoints[0].BaseURL = "https://bob:sk-SECRET-in-userinfo@api.example.com/v1?api-key=sk-SECRET-in-query&region=eu"
	p.Endpoints[1].APIKeyEnv = "sk-proj-FAKE-pasted-here"
	p.Judge.BaseURL = "https://judge.example.com/v1?access_token=SECRET-token"
	original := fullPlan()
	original.Endpoints[0].BaseURL = p.Endpoints[0].BaseURL
	original.Endpoints[1].APIKeyEnv = p.Endpoints[1].APIKeyEnv
	original.Judge.BaseURL = p.Judge.BaseURL

	r := &Run{Name: "keys", Plan: p}
	if err := s.CreateRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, original) {
		t.Error("CreateRun changed the caller's plan")
	}
	got, err := s.Run(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u := got.Plan.Endpoints[0].BaseURL; u != "https://api.example.com/v1?region=eu" {
		t.Errorf("stored base URL %q", u)
	}
	if e := got.Plan.Endpoints[1].APIKeyEnv; e != "" {
		t.Errorf("stored api_key_env %q", e)
	}
	if e := got.Plan.Embedding.APIKeyEnv; e != "OPENAI_API_KEY" {
		t.Errorf("a real variable name was dropped: %q", e)
	}
	// Nothing of it anywhere in the files.
	for _, f := range []string{s.Path(), s.Path() + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, secret := range []string{"SECRET", "FAKE-pasted"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s contains a key (%s)", filepath.Base(f), secret)
			}
		}
	}
}

// deadPID returns the id of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if pidAlive(cmd.Process.Pid) {
		t.Fatal("the exited process is still alive")
	}
	return cmd.Process.Pid
}

func TestReconcileRuns(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	stale := formatTime(now().Add(-StaleAfter - time.Minute))
	fresh := formatTime(now())
	dead := deadPID(t)
	if !pidAlive(os.Getppid()) {
		t.Fatal("parent process not alive")
	}
	cases := []struct {
		name      string
		pid       int
		host      string
		heartbeat any
		status    string
		want      string
	}{
		{"dead owner", dead, hostname(), fresh, advisor.RunRunning, advisor.RunInterrupted},
		{"this process", os.Getpid(), hostname(), stale, advisor.RunRunning, advisor.RunRunning},
		{"live owner", os.Getppid(), hostname(), fresh, advisor.RunRunning, advisor.RunRunning},
		{"live pid, no heartbeat for long", os.Getppid(), hostname(), stale, advisor.RunRunning, advisor.RunInterrupted},
		{"other host, fresh", dead, "elsewhere", fresh, advisor.RunRunning, advisor.RunRunning},
		{"other host, stale", dead, "elsewhere", stale, advisor.RunRunning, advisor.RunInterrupted},
		{"already done", dead, hostname(), stale, advisor.RunDone, advisor.RunDone},
	}
	ids := make([]int64, len(cases))
	for i, c := range cases {
		r := &Run{Name: c.name}
		if err := s.CreateRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		ids[i] = r.ID
		if _, err := s.w.Exec("UPDATE runs SET owner_pid = ?, owner_host = ?, heartbeat_at = ?, status = ? WHERE id = ?", c.pid, c.host, c.heartbeat, c.status, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.ReconcileRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for i, c := range cases {
		r, err := s.Run(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != c.want {
			t.Errorf("%s: status %s, want %s", c.name, r.Status, c.want)
		}
		if c.status == advisor.RunRunning && c.want == advisor.RunInterrupted {
			want++
			if r.EndedAt.IsZero() {
				t.Errorf("%s: interrupted without an end time", c.name)
			}
		}
	}
	if n != want {
		t.Errorf("ReconcileRuns = %d, want %d", n, want)
	}
	if n, err := s.ReconcileRuns(ctx); err != nil || n != 0 {
		t.Errorf("second ReconcileRuns = %d, %v; want 0", n, err)
	}

	// Resume the interrupted one: it is ours and running again.
	if err := s.ClaimRun(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	r, err := s.Run(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != advisor.RunRunning || !r.EndedAt.IsZero() || r.OwnerPID != os.Getpid() || r.OwnerHost != hostname() {
		t.Errorf("after claim: %+v", r)
	}
	// A run a live process is still running cannot be claimed.
	if err := s.ClaimRun(ctx, ids[2]); !errors.Is(err, ErrRunActive) {
		t.Errorf("claim of a live run: %v, want ErrRunActive", err)
	}
	if err := s.ClaimRun(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("claim of a missing run: %v", err)
	}
}

func TestHeartbeat(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	r := &Run{Name: "hb"}
	if err := s.CreateRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	old := now().Add(-time.Hour)
	if _, err := s.w.Exec("UPDATE runs SET heartbeat_at = ? WHERE id = ?", formatTime(old), r.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Heartbeat(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.Run(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Heartbeat.After(old) {
		t.Errorf("heartbeat %v not refreshed (was %v)", got.Heartbeat, old)
	}
	if err := s.Heartbeat(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("heartbeat of a missing run: %v", err)
	}
}
