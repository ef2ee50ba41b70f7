//go:build unix && cgo

package data

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSHMFailureIsAPlainMessage (issue 15 item 11): when the -shm file that
// SQLite maps into memory fails under it (here truncated by another
// program, as a full disk does to a write), the process gets SIGBUS inside
// SQLite. The user reads one plain sentence and the exit status is 1 — no
// Go stack dump — and what was committed before is still in the database.
// The failing process is this test binary run again as a child.
func TestSHMFailureIsAPlainMessage(t *testing.T) {
	if dir := os.Getenv("LLM_ADVISOR_SHM_CHILD"); dir != "" {
		st, err := Open(context.Background(), filepath.Join(dir, "a.db"))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SaveDecision(context.Background(), &Decision{Title: "kept"}); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(filepath.Join(dir, "a.db-shm"), 0); err != nil {
			t.Fatal(err)
		}
		st.ListDecisions(context.Background(), 10) // touches the mapped -shm: SIGBUS
		t.Fatal("no SIGBUS: the test no longer reproduces the failure")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSHMFailureIsAPlainMessage$", "-test.count=1")
	cmd.Env = append(os.Environ(), "LLM_ADVISOR_SHM_CHILD="+dir)
	var stderr, stdout bytes.Buffer
	cmd.Stderr, cmd.Stdout = &stderr, &stdout
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("child: %v, want exit 1\n%s%s", err, stdout.String(), stderr.String())
	}
	out := stderr.String()
	if !strings.Contains(out, "the -shm file beside it) could not be written") || !strings.Contains(out, "Everything saved before is still in the database") {
		t.Errorf("no plain message: %q", out)
	}
	for _, dump := range []string{"goroutine ", "SIGBUS:", "runtime.", "PC="} {
		if strings.Contains(out+stdout.String(), dump) {
			t.Errorf("a stack dump reached the user (%q): %s", dump, out)
		}
	}
	st, err := Open(context.Background(), filepath.Join(dir, "a.db"))
	if err != nil {
		t.Fatalf("reopen after the failure: %v", err)
	}
	defer st.Close()
	ds, err := st.ListDecisions(context.Background(), 10)
	if err != nil || len(ds) != 1 || ds[0].Title != "kept" {
		t.Errorf("after the failure: decisions %v %v, want the one committed before", ds, err)
	}
}
