package data

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// newStore opens a fresh database in a temporary folder.
func newStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "advisor.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

type migrationRow struct {
	version         int
	name, appliedAt string
}

func migrationRows(t *testing.T, s *Store) []migrationRow {
	t.Helper()
	rows, err := s.r.Query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []migrationRow
	for rows.Next() {
		var m migrationRow
		if err := rows.Scan(&m.version, &m.name, &m.appliedAt); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOpenTwiceAppliesMigrationsOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nested", "folder", "advisor.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	first := migrationRows(t, s)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(ms) || len(ms) == 0 {
		t.Fatalf("applied %d migrations, have %d files", len(first), len(ms))
	}
	for i, m := range ms {
		if first[i].version != m.version || first[i].name != m.name {
			t.Errorf("migration row %d = %+v, want version %d %s", i, first[i], m.version, m.name)
		}
	}
	d := &Decision{Title: "kept across opens"}
	if err := s.SaveDecision(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	defer s.Close()
	second := migrationRows(t, s)
	if len(second) != len(first) {
		t.Fatalf("second open: %d migration rows, want %d", len(second), len(first))
	}
	for i := range first {
		if first[i] != second[i] {
			t.Errorf("second open changed migration row %d: %+v → %+v", i, first[i], second[i])
		}
	}
	if got, err := s.Decision(ctx, d.ID); err != nil || got.Title != d.Title {
		t.Fatalf("decision after reopen = %+v, %v", got, err)
	}
}

func TestConnectionPragmas(t *testing.T) {
	s := newStore(t)
	for name, db := range map[string]*sql.DB{"writer": s.w, "reader": s.r} {
		var fk, timeout, sync int
		var journal string
		if err := db.QueryRow("SELECT (SELECT foreign_keys FROM pragma_foreign_keys), (SELECT timeout FROM pragma_busy_timeout), (SELECT synchronous FROM pragma_synchronous), (SELECT journal_mode FROM pragma_journal_mode)").
			Scan(&fk, &timeout, &sync, &journal); err != nil {
			t.Fatal(err)
		}
		if fk != 1 || timeout != 5000 || sync != 1 || journal != "wal" {
			t.Errorf("%s: foreign_keys=%d busy_timeout=%d synchronous=%d journal=%s; want 1, 5000, 1 (NORMAL), wal", name, fk, timeout, sync, journal)
		}
	}
	var appID int
	if err := s.r.QueryRow("PRAGMA application_id").Scan(&appID); err != nil {
		t.Fatal(err)
	}
	if appID != applicationID {
		t.Errorf("application_id = %#x, want %#x", appID, applicationID)
	}
	if !s.HasFTS5() {
		t.Error("HasFTS5 = false")
	}
	if _, err := s.r.Exec("CREATE TABLE x (y)"); err == nil {
		t.Error("reader connections accept writes; want query-only")
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv(EnvDB, "/some/where/my.db")
	if p, err := DefaultPath(); err != nil || p != "/some/where/my.db" {
		t.Errorf("with %s set: %q, %v", EnvDB, p, err)
	}
	t.Setenv(EnvDB, "")
	if runtime.GOOS != "linux" {
		t.Skip("the XDG rules below are Linux's")
	}
	xdg := t.TempDir()
	t.Setenv("XDG_DATA_HOME", xdg)
	if p, err := DefaultPath(); err != nil || p != filepath.Join(xdg, "llm-advisor", "advisor.db") {
		t.Errorf("with XDG_DATA_HOME: %q, %v", p, err)
	}
	home := t.TempDir()
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", home)
	if p, err := DefaultPath(); err != nil || p != filepath.Join(home, ".local", "share", "llm-advisor", "advisor.db") {
		t.Errorf("without XDG_DATA_HOME: %q, %v", p, err)
	}
}

func TestSize(t *testing.T) {
	s := newStore(t)
	n, err := s.Size()
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if n < fi.Size() || n == 0 {
		t.Errorf("Size = %d, file alone is %d bytes", n, fi.Size())
	}
}

func TestOpenRefusesAFileThatIsNotSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "advisor.db")
	junk := make([]byte, 8192)
	if _, err := rand.Read(junk); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), path)
	if err == nil {
		s.Close()
		t.Fatal("Open accepted random bytes")
	}
	t.Log(err)
	if !errors.Is(err, ErrNotAdvisorDB) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "not an LLM Advisor database") {
		t.Errorf("error %q should name %s and say it is not an LLM Advisor database", err, path)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after, junk) {
		t.Error("Open changed the file it refused")
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Error("Open left a -wal file next to the file it refused")
	}
}

func TestOpenRefusesAnotherProgramsDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	s, err := Open(context.Background(), path)
	if err == nil {
		s.Close()
		t.Fatal("Open accepted another program's database")
	}
	t.Log(err)
	if !errors.Is(err, ErrNotAdvisorDB) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %q should name %s and wrap ErrNotAdvisorDB", err, path)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("Open changed another program's database (journal mode or schema)")
	}
}

func TestOpenDamagedDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "advisor.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // checkpoints the WAL into the file
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Keep the SQLite header, wipe the rest of page 1 (the schema's root).
	for i := 100; i < 4096 && i < len(b); i++ {
		b[i] = 0xA5
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err == nil {
		s.Close()
		t.Fatal("Open accepted a damaged database")
	}
	t.Log(err)
	// Our own file, damaged: said so, not called another program's.
	if !errors.Is(err, ErrDamagedDB) || errors.Is(err, ErrNotAdvisorDB) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %q should name %s and wrap ErrDamagedDB", err, path)
	}
}

func TestOpenUnwritableFolder(t *testing.T) {
	// A regular file where the folder should be: no folder can be made there,
	// whoever runs the test.
	parent := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(parent, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(parent, "llm-advisor")
	_, err := Open(context.Background(), filepath.Join(dir, "advisor.db"))
	t.Log(err)
	if !errors.Is(err, ErrFolderNotWritable) || !strings.Contains(err.Error(), dir) {
		t.Errorf("error %v should wrap ErrFolderNotWritable and name %s", err, dir)
	}

	if os.Geteuid() == 0 || runtime.GOOS == "windows" {
		return // permissions do not stop root
	}
	ro := filepath.Join(t.TempDir(), "read-only")
	if err := os.Mkdir(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), filepath.Join(ro, "advisor.db"))
	if !errors.Is(err, ErrFolderNotWritable) || !strings.Contains(err.Error(), ro) {
		t.Errorf("read-only folder: error %v should wrap ErrFolderNotWritable and name %s", err, ro)
	}
}
