package cli

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestKeyEnvPlanErrors: a key pasted into api_key_env is a plan error that
// names the field and never repeats the value; a variable whose name does
// not say API key is read only after --allow-key-env confirms it.
func TestKeyEnvPlanErrors(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.Copy(io.Discard, r.Body)
		ltSSE(w, "four")
	}))
	defer srv.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")

	const pasted = "sk-proj-Zq81hG2pLm0xVt7YcK4eR9sW"
	plan := ltWritePlan(t, dir, srv.URL, 1, "    api_key_env: "+pasted+"\n")
	code, out, errs := runCLI("test", "--plan", plan, "--db", db)
	if code != ExitUsage || !strings.Contains(errs, "endpoints[0].api_key_env") || !strings.Contains(errs, "looks like an API key") {
		t.Errorf("pasted key: exit %d, stderr %q", code, errs)
	}
	if strings.Contains(out+errs, pasted[:12]) {
		t.Errorf("the pasted key was repeated: %q", out+errs)
	}

	t.Setenv("AWS_SECRET_ACCESS_KEY", "aws-secret-value-123456")
	plan = ltWritePlan(t, dir, srv.URL, 1, "    api_key_env: AWS_SECRET_ACCESS_KEY\n")
	code, _, errs = runCLI("test", "--plan", plan, "--db", db)
	if code != ExitUsage || !strings.Contains(errs, "--allow-key-env AWS_SECRET_ACCESS_KEY") || !strings.Contains(errs, "127.0.0.1") {
		t.Errorf("unconfirmed variable: exit %d, stderr %q", code, errs)
	}
	if hits.Load() != 0 {
		t.Fatalf("%d requests were sent before the user confirmed", hits.Load())
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a refused plan created the database")
	}
	code, _, errs = runCLI("test", "--plan", plan, "--db", db, "--allow-key-env", "AWS_SECRET_ACCESS_KEY")
	if code != ExitOK || hits.Load() != 1 {
		t.Errorf("confirmed: exit %d, %d requests, stderr %q", code, hits.Load(), errs)
	}
}

var _ = fmt.Sprint

// TestAnswersFileBOMAndDevices: an answers file saved by Windows Notepad
// (UTF-8 with a byte order mark) is read; /dev/zero and a folder are clear
// errors (exit 2), not a hang or an out-of-memory crash.
func TestAnswersFileBOMAndDevices(t *testing.T) {
	p := filepath.Join(t.TempDir(), "answers.json")
	os.WriteFile(p, []byte("\xef\xbb\xbf"+`{"use_case": "Answer refund questions", "task": ["chat_qa"]}`), 0o644)
	if code, _, errs := runCLI("recommend", "--answers", p, "--json"); code != ExitOK {
		t.Errorf("answers with a BOM: exit %d: %s", code, errs)
	}
	for _, bad := range []string{"/dev/zero", filepath.Dir(p)} {
		code, _, errs := runCLI("recommend", "--answers", bad)
		if code != ExitUsage || !strings.Contains(errs, "give a plain file") {
			t.Errorf("--answers %s: exit %d, stderr %q", bad, code, errs)
		}
	}
}

// TestDatabasePathChecks: a file: URI is refused before go-sqlite3 reads it
// as one; a read-only command given a missing folder creates nothing; a
// damaged LLM Advisor database is called damaged, not foreign.
func TestDatabasePathChecks(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other.db")
	code, _, errs := runCLI("test", "--plan", ltWritePlan(t, dir, "http://127.0.0.1:1", 1, ""), "--db", "file:"+other)
	if code == ExitOK || !strings.Contains(errs, "not a file: URI") {
		t.Errorf("file: URI: exit %d %q", code, errs)
	}
	missing := filepath.Join(dir, "missing-dir", "x.db")
	code, _, errs = runCLI("verdict", "--result", "1", "--accept", "--db", missing)
	if code != ExitUsage || !strings.Contains(errs, "no database at") {
		t.Errorf("verdict on a missing db: exit %d %q", code, errs)
	}
	if _, err := os.Stat(filepath.Dir(missing)); err == nil {
		t.Error("verdict created the missing folder")
	}
	db, _, _ := reportDB(t, nil)
	b, _ := os.ReadFile(db)
	for i := 100; i < len(b) && i < 100+4096*2; i++ {
		b[i] = 0xAA // damage the schema page, keep the header
	}
	os.WriteFile(db, b, 0o600)
	os.Remove(db + "-wal")
	os.Remove(db + "-shm")
	code, _, errs = runCLI("report", "--run", "1", "--format", "csv", "--out", filepath.Join(dir, "r.csv"), "--db", db)
	if code == ExitOK || !strings.Contains(errs, "LLM Advisor database, but damaged") {
		t.Errorf("damaged own database: exit %d %q", code, errs)
	}
}

// TestVersionAndTerminalSafety: --version says what a bug report needs;
// an ANSI escape in a name is shown, not obeyed.
func TestVersionAndTerminalSafety(t *testing.T) {
	code, out, _ := runCLI("--version")
	if code != ExitOK || !strings.HasPrefix(out, "llm-advisor ") || !strings.Contains(out, "go1.") {
		t.Errorf("--version: %d %q", code, out)
	}
	if got := termSafe("ep\x1b[2J\x1b]0;pwned\x07"); strings.ContainsAny(got, "\x1b\x07") || !strings.Contains(got, `\x1b[2J`) {
		t.Errorf("termSafe = %q", got)
	}
	var b strings.Builder
	printSummary(&b, testSummary{Rows: []summaryRow{{}}, Notes: []string{"file \x1b[31mred"}})
	if strings.Contains(b.String(), "\x1b") {
		t.Errorf("summary prints an escape: %q", b.String())
	}
}

// TestResumeRetriesFailedCells: a resume sends the failed requests again
// (their results are replaced); --keep-failed keeps them.
func TestResumeRetriesFailedCells(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.Copy(io.Discard, r.Body)
		if fail.Load() {
			http.Error(w, `{"error":{"message":"bad"}}`, http.StatusBadRequest)
			return
		}
		ltSSE(w, "four")
	}))
	defer srv.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	plan := ltWritePlan(t, dir, srv.URL, 2, "")
	runCLI("test", "--plan", plan, "--db", db)
	fail.Store(false)
	before := hits.Load()
	if code, _, errs := runCLI("test", "--resume", "1", "--db", db, "--keep-failed"); code != ExitFail || hits.Load() != before {
		t.Errorf("--keep-failed: exit %d, %d requests sent: %s", code, hits.Load()-before, errs)
	}
	code, out, errs := runCLI("test", "--resume", "1", "--db", db)
	if code != ExitOK || hits.Load()-before != 2 || !strings.Contains(out, "0 errors") {
		t.Errorf("resume: exit %d, %d requests sent\n%s\n%s", code, hits.Load()-before, out, errs)
	}
}

// TestResumeRefusesAChangedCorpus (issue 15 item 13): a run whose rag
// answers were drawn from a documents folder is not resumed after the folder
// changed (the earlier and the new answers would come from two sets of
// documents): exit 1 with a message that says what changed and what to do,
// and nothing is sent. With the folder put back, the resume goes on.
func TestResumeRefusesAChangedCorpus(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		if fail.Load() && strings.Contains(string(body), "question 1") {
			http.Error(w, `{"error":{"message":"bad"}}`, http.StatusBadRequest)
			return
		}
		ltSSE(w, "four")
	}))
	defer srv.Close()
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	if err := os.Mkdir(docs, 0o755); err != nil {
		t.Fatal(err)
	}
	policy := filepath.Join(docs, "policy.txt")
	if err := os.WriteFile(policy, []byte("Refunds within 30 days with a receipt."), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "a.db")
	plan := ltWritePlan(t, dir, srv.URL, 2, "strategies: [rag]\ndocuments: "+docs+"\n")
	if code, _, errs := runCLI("test", "--plan", plan, "--db", db); code != ExitOK {
		t.Fatalf("first run: exit %d, want 0 (one of two failed, not most): %s", code, errs)
	}
	fail.Store(false)
	if err := os.WriteFile(policy, []byte("Refunds within 7 days, no receipt needed."), 0o644); err != nil {
		t.Fatal(err)
	}
	before := hits.Load()
	code, _, errs := runCLI("test", "--resume", "1", "--db", db)
	if code != ExitFail || !strings.Contains(errs, "documents folder changed") || !strings.Contains(errs, "start a new run") {
		t.Errorf("resume after the folder changed: exit %d: %s", code, errs)
	}
	if sent := hits.Load() - before; sent != 0 {
		t.Errorf("%d requests sent to a run whose documents changed, want 0", sent)
	}
	if err := os.WriteFile(policy, []byte("Refunds within 30 days with a receipt."), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI("test", "--resume", "1", "--db", db); code != ExitOK || hits.Load()-before != 1 {
		t.Errorf("resume with the folder as it was: exit %d, %d sent\n%s\n%s", code, hits.Load()-before, out, errs)
	}
}
