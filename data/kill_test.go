package data

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// envKillChild makes the test binary act as a live test that saves results
// until it is killed (TestKilledProcessLosesNoSavedResult).
const envKillChild = "LLM_ADVISOR_DATA_KILL_CHILD"

// TestMain runs the test binary as that live test when envKillChild names
// a database, and the tests otherwise.
func TestMain(m *testing.M) {
	if path := os.Getenv(envKillChild); path != "" {
		killChild(path)
	}
	os.Exit(m.Run())
}

// killChild saves results into the database at path until it is killed.
func killChild(path string) {
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	run := &Run{Name: "killed", Plan: advisor.Plan{Name: "killed"}, Total: 1 << 30}
	if err := s.CreateRun(ctx, run); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("run", run.ID)
	for i := 0; ; i++ {
		r := result(run.ID, "local", advisor.StrategyZeroShot, i, 0)
		if err := s.SaveResult(ctx, &r); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		// Reported only after SaveResult returned: it must survive the kill.
		fmt.Println("saved", r.ID)
	}
}

func TestKilledProcessLosesNoSavedResult(t *testing.T) {
	path := filepath.Join(t.TempDir(), "advisor.db")
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), envKillChild+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var runID int64
	saved := map[int64]bool{}
	sc := bufio.NewScanner(out)
	for sc.Scan() && len(saved) < 300 {
		kind, val, _ := strings.Cut(sc.Text(), " ")
		switch kind {
		case "error":
			t.Fatalf("child: %s", val)
		case "run":
			runID, _ = strconv.ParseInt(val, 10, 64)
		case "saved":
			id, _ := strconv.ParseInt(val, 10, 64)
			saved[id] = true
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix: no clean-up at all
		t.Fatal(err)
	}
	cmd.Wait()
	if runID == 0 || len(saved) < 300 {
		t.Fatalf("child reported run %d and %d results", runID, len(saved))
	}

	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open after kill: %v", err)
	}
	defer s.Close()
	rs, err := s.Results(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	have := map[int64]bool{}
	for _, r := range rs {
		have[r.ID] = true
	}
	for id := range saved {
		if !have[id] {
			t.Errorf("result %d was saved before the kill but is gone", id)
		}
	}
	// Open has found the run its dead owner left "running".
	run, err := s.Run(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != advisor.RunInterrupted || run.EndedAt.IsZero() {
		t.Errorf("after the kill: status %s, ended %v; want interrupted with an end time", run.Status, run.EndedAt)
	}
}
