// Package data is LLM Advisor's local SQLite database: decisions, live-test
// runs and their results, and the documents indexed for retrieval. It is the
// only importer of github.com/mattn/go-sqlite3 (built with -tags sqlite_fts5).
package data

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// ErrNotFound is returned (wrapped) when a decision or run does not exist.
var ErrNotFound = errors.New("not found")

// ErrNotAdvisorDB is returned (wrapped, with the file name) when Open is given
// a file that is not an LLM Advisor database. The file is left untouched.
var ErrNotAdvisorDB = errors.New("not an LLM Advisor database")

// ErrDamagedDB is returned (wrapped) when the file is an LLM Advisor
// database (its header says so) that SQLite cannot read.
var ErrDamagedDB = errors.New("it is an LLM Advisor database, but damaged")

// ErrDiskFull wraps SQLITE_FULL: the disk (or the database's size limit) is
// full. Everything committed before it is still in the database.
var ErrDiskFull = errors.New("the disk is full; free some space and try again (results saved so far are kept)")

// ErrFolderNotWritable is returned (wrapped, with the folder name) when the
// database's folder cannot be created or written.
var ErrFolderNotWritable = errors.New("cannot write to the folder")

// applicationID marks a database file as ours ("LLMA"); 0001_init.sql sets it.
const applicationID = 0x4C4C4D41

// EnvDB is the environment variable that overrides the database path.
const EnvDB = advisor.EnvDB

// timeLayout stores timestamps as fixed-width UTC text, which sorts in time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// Store is an open LLM Advisor database. Its methods are safe for concurrent
// use. Writes go through one connection (SQLite has one writer at a time, and
// queueing in Go is cheaper than SQLite's busy sleeps); reads use a pool of
// their own, which WAL lets run while a write is in progress.
type Store struct {
	path string
	w    *sql.DB // writer: one connection, transactions BEGIN IMMEDIATE
	r    *sql.DB // readers: query-only connections

	saveResult *sql.Stmt // prepared on w: the hot path of a live test
}

// DefaultPath returns where the database lives: $LLM_ADVISOR_DB when set,
// otherwise advisor.db in an llm-advisor folder of the user's data folder
// ($XDG_DATA_HOME or ~/.local/share on Linux and other Unix systems,
// ~/Library/Application Support on macOS, %AppData% on Windows).
func DefaultPath() (string, error) {
	if p := os.Getenv(EnvDB); p != "" {
		return p, nil
	}
	dir, err := advisor.DataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "advisor.db"), nil
}

// dsn adds the connection pragmas to a file path. go-sqlite3 reads the
// parameters after '?' and opens the plain path before it.
func dsn(path string, extra url.Values) string {
	q := url.Values{}
	q.Set("_foreign_keys", "1")
	q.Set("_busy_timeout", "5000")
	q.Set("_synchronous", "NORMAL")
	for k, v := range extra {
		q[k] = v
	}
	return path + "?" + q.Encode()
}

// ErrNoDatabase is returned (wrapped) by OpenExisting for a missing file.
var ErrNoDatabase = errors.New("no database there")

// OpenExisting is Open for commands that only read: a missing file (or
// folder) is an error, never a reason to create one.
func OpenExisting(ctx context.Context, path string) (*Store, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("open database %s: %w", path, ErrNoDatabase)
	}
	return Open(ctx, path)
}

// Open opens the database at path, creating its folder and file if needed, and
// applies any migrations not applied yet. A file that is not an LLM Advisor
// database is refused (ErrNotAdvisorDB) and left as it was. Runs that a
// crashed or killed process left "running" become interrupted
// (ReconcileRuns).
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open database: no path given")
	}
	if strings.HasPrefix(strings.ToLower(path), "file:") {
		// go-sqlite3 would read it as a URI and skip the checks below.
		return nil, fmt.Errorf("open database %s: give a plain file path, not a file: URI", path)
	}
	if strings.Contains(path, "?") {
		// go-sqlite3 reads what follows '?' as connection parameters.
		return nil, fmt.Errorf("open database %s: the path must not contain '?'", path)
	}
	if err := checkFTS5(ctx); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open database %s: %w %s: %w", path, ErrFolderNotWritable, dir, err)
	}
	if err := checkWritable(dir); err != nil {
		return nil, fmt.Errorf("open database %s: %w %s: %w", path, ErrFolderNotWritable, dir, err)
	}
	if err := checkExisting(ctx, path); err != nil {
		return nil, err
	}

	w, err := sql.Open("sqlite3", dsn(path, url.Values{"_journal_mode": {"WAL"}, "_txlock": {"immediate"}}))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{path: path, w: w}
	if err := s.init(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite3", dsn(path, url.Values{"_query_only": {"1"}}))
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(4, runtime.NumCPU()))
	r.SetMaxIdleConns(max(4, runtime.NumCPU()))
	s.r = r
	// Runs a crash left "running" are shown as interrupted by every caller.
	if _, err := s.ReconcileRuns(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return s, nil
}

// init checks the connection, migrates and prepares the hot statements.
func (s *Store) init(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return openError(s.path, err)
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	stmt, err := s.w.PrepareContext(ctx, saveResultSQL)
	if err != nil {
		return fmt.Errorf("open database %s: prepare: %w", s.path, classify(err))
	}
	s.saveResult = stmt
	return nil
}

// checkFTS5 fails when SQLite was built without full-text search, before
// any file is created.
func checkFTS5(ctx context.Context) error {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		return err
	}
	defer db.Close()
	var fts5 bool
	if err := db.QueryRowContext(ctx, "SELECT sqlite_compileoption_used('ENABLE_FTS5')").Scan(&fts5); err != nil {
		return err
	}
	if !fts5 {
		return errors.New("this program was built without SQLite full-text search (FTS5); build it with -tags sqlite_fts5")
	}
	return nil
}

// checkWritable makes sure files can be created in dir: SQLite needs that for
// its -wal and -shm files even when the database file itself is writable.
func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".llm-advisor-write-check-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// sqliteMagic opens every SQLite 3 database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// checkExisting refuses, before anything can write to it, a file that is not
// an LLM Advisor database: not SQLite at all, or another program's SQLite
// database. An empty or missing file is fine: Open creates the schema.
func checkExisting(ctx context.Context, path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	if fi.IsDir() {
		return fmt.Errorf("open database %s: %w (it is a folder)", path, ErrNotAdvisorDB)
	}
	if fi.Size() == 0 {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("open database %s: the file cannot be read and written: %w", path, err)
	}
	head := make([]byte, 100) // the SQLite header
	n, _ := io.ReadFull(f, head)
	f.Close()
	head = head[:n]
	if n < len(sqliteMagic) || !bytes.Equal(head[:len(sqliteMagic)], sqliteMagic) {
		return fmt.Errorf("open database %s: %w (the file is not a SQLite database; it was left untouched)", path, ErrNotAdvisorDB)
	}

	// A SQLite file: look inside with a connection that sets no persistent
	// pragma (no WAL switch), so another program's database stays as it was.
	db, err := sql.Open("sqlite3", dsn(path, url.Values{"_query_only": {"1"}}))
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	defer db.Close()
	var appID, tables int
	err = db.QueryRowContext(ctx, "SELECT (SELECT application_id FROM pragma_application_id), (SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%')").Scan(&appID, &tables)
	if err != nil {
		if len(head) >= 72 && binary.BigEndian.Uint32(head[68:72]) == applicationID {
			return fmt.Errorf("open database %s: %w (%v); it was left untouched — restore a backup or move it aside to start afresh", path, ErrDamagedDB, err)
		}
		return openError(path, err)
	}
	if appID != applicationID && tables > 0 {
		return fmt.Errorf("open database %s: %w (it is a SQLite database of another program; it was left untouched)", path, ErrNotAdvisorDB)
	}
	return nil
}

// openError explains the errors a damaged or foreign file gives.
func openError(path string, err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt) {
		return fmt.Errorf("open database %s: %w (the file is damaged or not a database; it was left untouched): %w", path, ErrNotAdvisorDB, err)
	}
	return fmt.Errorf("open database %s: %w", path, classify(err))
}

// classify wraps the SQLite errors a user can act on with a plain message.
func classify(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrFull {
		return fmt.Errorf("%w: %w", ErrDiskFull, err)
	}
	return err
}

// Close closes the database.
func (s *Store) Close() error {
	var errs []error
	if s.saveResult != nil {
		errs = append(errs, s.saveResult.Close())
	}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	errs = append(errs, s.w.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close database %s: %w", s.path, err)
	}
	return nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Files lists the files a database at path consists of: the file itself and
// the -wal, -shm and -journal files SQLite keeps beside it. Nothing else may
// ever be written to them (an export, for one).
func Files(path string) []string {
	return []string{path, path + "-wal", path + "-shm", path + "-journal"}
}

// Size returns the bytes the database takes on disk: the file plus its
// write-ahead log.
func (s *Store) Size() (int64, error) {
	fi, err := os.Stat(s.path)
	if err != nil {
		return 0, fmt.Errorf("database size: %w", err)
	}
	n := fi.Size()
	if wal, err := os.Stat(s.path + "-wal"); err == nil {
		n += wal.Size()
	}
	return n, nil
}

// HasFTS5 reports whether full-text search is available. Open refuses a
// build without it, so on an open Store it is always true.
func (s *Store) HasFTS5() bool { return true }

// formatTime stores t as fixed-width UTC text; the zero time is NULL.
func formatTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeLayout)
}

// parseTime reads what formatTime stored; NULL is the zero time.
func parseTime(ns sql.NullString) (time.Time, error) {
	if !ns.Valid || ns.String == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, ns.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad timestamp %q: %w", ns.String, err)
	}
	return t, nil
}

// now is the current time in UTC, without a monotonic reading so that a
// stored and re-read value compare equal.
func now() time.Time { return time.Now().UTC().Round(0) }
