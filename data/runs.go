package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// ErrRunActive is returned by ClaimRun when another live process still runs
// the run.
var ErrRunActive = errors.New("the run is still running in another process")

// StaleAfter is how long a running run may go without a heartbeat before
// ReconcileRuns treats it as interrupted even though its owner pid is alive
// (the pid may have been reused, or the run lives on another machine).
// SaveResult refreshes the heartbeat; a runner waiting longer than this
// between results should call Heartbeat.
const StaleAfter = 10 * time.Minute

// Run is one live test: its plan, the prompt templates it used and its state.
type Run struct {
	ID         int64
	DecisionID int64 // 0: not linked to a decision (a CLI run)
	Name       string
	Plan       advisor.Plan
	Templates  map[string]string // prompt template per strategy
	Status     string            // advisor.RunRunning, RunDone, RunCancelled, RunInterrupted, RunFailed
	Total      int               // cells planned
	StartedAt  time.Time         // UTC
	EndedAt    time.Time         // zero while running

	// Set by the store, informative only.
	OwnerPID  int       // process that runs (or last ran) it
	OwnerHost string    // host name of that process
	Heartbeat time.Time // last sign of life of the owner
}

var runStates = []string{advisor.RunRunning, advisor.RunDone, advisor.RunCancelled, advisor.RunInterrupted, advisor.RunFailed}

func validRunStatus(s string) bool {
	for _, v := range runStates {
		if v == s {
			return true
		}
	}
	return false
}

// envName is what an environment variable name looks like; anything else in
// api_key_env is most likely a key pasted into the wrong field.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// secretParam is a URL query parameter that may carry a credential.
var secretParam = regexp.MustCompile(`(?i)key|token|secret|password|passwd|sig|auth|credential`)

// scrubEndpoint removes anything from an endpoint that could be a key: a
// password or user in the base URL, query parameters named like a key, and an
// api_key_env that is not an environment variable name. API keys are never
// stored.
func scrubEndpoint(e advisor.Endpoint) advisor.Endpoint {
	if e.APIKeyEnv != "" && !envName.MatchString(e.APIKeyEnv) {
		e.APIKeyEnv = ""
	}
	if e.BaseURL != "" {
		u, err := url.Parse(e.BaseURL)
		if err != nil {
			// Unreadable, so it cannot be checked: keep only what precedes
			// any userinfo or query.
			b := e.BaseURL
			if i := strings.IndexAny(b, "?#"); i >= 0 {
				b = b[:i]
			}
			if i := strings.LastIndex(b, "@"); i >= 0 {
				b = b[i+1:]
			}
			e.BaseURL = b
			return e
		}
		u.User = nil
		if u.RawQuery != "" {
			q := u.Query()
			for k := range q {
				if secretParam.MatchString(k) {
					q.Del(k)
				}
			}
			u.RawQuery = q.Encode()
		}
		u.Fragment, u.RawFragment = "", ""
		e.BaseURL = u.String()
	}
	return e
}

// scrubPlan returns a copy of p that is safe to store.
func scrubPlan(p advisor.Plan) advisor.Plan {
	eps := make([]advisor.Endpoint, len(p.Endpoints))
	for i, e := range p.Endpoints {
		eps[i] = scrubEndpoint(e)
	}
	p.Endpoints = eps
	if p.Embedding != nil {
		e := scrubEndpoint(*p.Embedding)
		p.Embedding = &e
	}
	if p.Judge != nil {
		e := scrubEndpoint(*p.Judge)
		p.Judge = &e
	}
	if len(p.CaseSets) > 0 {
		sets := make([]advisor.CaseSet, len(p.CaseSets))
		for i, cs := range p.CaseSets {
			if len(cs.Endpoints) > 0 {
				eps := make([]advisor.Endpoint, len(cs.Endpoints))
				for j, e := range cs.Endpoints {
					eps[j] = scrubEndpoint(e)
				}
				cs.Endpoints = eps
			}
			sets[i] = cs
		}
		p.CaseSets = sets
	}
	return p
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateRun stores a new run owned by this process: it sets r.ID,
// r.StartedAt and r.Status (running). The plan is stored without anything
// that looks like a key.
func (s *Store) CreateRun(ctx context.Context, r *Run) error {
	plan, err := json.Marshal(scrubPlan(r.Plan))
	if err != nil {
		return fmt.Errorf("create run: plan: %w", err)
	}
	tpl := r.Templates
	if tpl == nil {
		tpl = map[string]string{}
	}
	templates, err := json.Marshal(tpl)
	if err != nil {
		return fmt.Errorf("create run: templates: %w", err)
	}
	t := now()
	pid, host := os.Getpid(), hostname()
	var id int64
	err = s.w.QueryRowContext(ctx, `INSERT INTO runs (decision_id, name, plan, templates, status, total, started_at, owner_pid, owner_host, heartbeat_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		nullID(r.DecisionID), r.Name, string(plan), string(templates), advisor.RunRunning, r.Total, formatTime(t), pid, host, formatTime(t)).Scan(&id)
	if err != nil {
		return fmt.Errorf("create run: %w", classify(err))
	}
	r.ID, r.StartedAt, r.EndedAt, r.Status = id, t, time.Time{}, advisor.RunRunning
	r.OwnerPID, r.OwnerHost, r.Heartbeat = pid, host, t
	return nil
}

// SetRunStatus changes a run's state. The terminal states (done, cancelled,
// interrupted, failed) set its end time; running clears it.
func (s *Store) SetRunStatus(ctx context.Context, id int64, status string) error {
	if !validRunStatus(status) {
		return fmt.Errorf("set status of run %d: %q is not allowed; allowed values: %s", id, status, strings.Join(runStates, ", "))
	}
	var ended any
	if status != advisor.RunRunning {
		ended = formatTime(now())
	}
	res, err := s.w.ExecContext(ctx, "UPDATE runs SET status = ?, ended_at = ? WHERE id = ?", status, ended, id)
	if err != nil {
		return fmt.Errorf("set status of run %d: %w", id, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set status of run %d: %w", id, ErrNotFound)
	}
	return nil
}

// SetRunTotal corrects the number of cells a run plans: a strategy ladder
// that stopped early ran fewer than the whole plan, and its progress and
// listing must say so (12 of 12, not 12 of 24).
func (s *Store) SetRunTotal(ctx context.Context, id int64, total int) error {
	if total < 0 {
		return fmt.Errorf("set total of run %d: %d is negative", id, total)
	}
	res, err := s.w.ExecContext(ctx, "UPDATE runs SET total = ? WHERE id = ?", total, id)
	if err != nil {
		return fmt.Errorf("set total of run %d: %w", id, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set total of run %d: %w", id, ErrNotFound)
	}
	return nil
}

// Heartbeat tells ReconcileRuns that the run's owner is still at work.
// SaveResult does the same, so only a runner that may wait longer than
// StaleAfter between results needs it.
func (s *Store) Heartbeat(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, "UPDATE runs SET heartbeat_at = ? WHERE id = ?", formatTime(now()), id)
	if err != nil {
		return fmt.Errorf("heartbeat of run %d: %w", id, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("heartbeat of run %d: %w", id, ErrNotFound)
	}
	return nil
}

const runColumns = "id, decision_id, name, plan, templates, status, total, started_at, ended_at, owner_pid, owner_host, heartbeat_at"

func scanRun(sc interface{ Scan(...any) error }) (Run, error) {
	var (
		r                         Run
		decision                  sql.NullInt64
		plan, templates           string
		started, ended, heartbeat sql.NullString
	)
	if err := sc.Scan(&r.ID, &decision, &r.Name, &plan, &templates, &r.Status, &r.Total, &started, &ended, &r.OwnerPID, &r.OwnerHost, &heartbeat); err != nil {
		return r, err
	}
	r.DecisionID = decision.Int64
	if err := json.Unmarshal([]byte(plan), &r.Plan); err != nil {
		return r, fmt.Errorf("plan: %w", err)
	}
	if err := json.Unmarshal([]byte(templates), &r.Templates); err != nil {
		return r, fmt.Errorf("templates: %w", err)
	}
	var err error
	if r.StartedAt, err = parseTime(started); err != nil {
		return r, err
	}
	if r.EndedAt, err = parseTime(ended); err != nil {
		return r, err
	}
	if r.Heartbeat, err = parseTime(heartbeat); err != nil {
		return r, err
	}
	return r, nil
}

// Run returns the run with the given id, or an error wrapping ErrNotFound.
func (s *Store) Run(ctx context.Context, id int64) (*Run, error) {
	r, err := scanRun(s.r.QueryRowContext(ctx, "SELECT "+runColumns+" FROM runs WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("run %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("run %d: %w", id, err)
	}
	return &r, nil
}

// ListRuns returns the runs of a decision (every run when decisionID is 0),
// the newest first.
func (s *Store) ListRuns(ctx context.Context, decisionID int64) ([]Run, error) {
	q := "SELECT " + runColumns + " FROM runs ORDER BY started_at DESC, id DESC"
	var args []any
	if decisionID != 0 {
		q = "SELECT " + runColumns + " FROM runs WHERE decision_id = ? ORDER BY started_at DESC, id DESC"
		args = append(args, decisionID)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list runs of decision %d: %w", decisionID, err)
	}
	defer rows.Close()
	var rs []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("list runs of decision %d: %w", decisionID, err)
		}
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list runs of decision %d: %w", decisionID, err)
	}
	return rs, nil
}

// DeleteRun deletes a run and its results.
func (s *Store) DeleteRun(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, "DELETE FROM runs WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("delete run %d: %w", id, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("delete run %d: %w", id, ErrNotFound)
	}
	return nil
}

// ownerGone reports whether the owner of a running run is gone: its process
// has exited (same host), or it has not shown a sign of life for StaleAfter.
func ownerGone(pid int, host string, heartbeat, t time.Time) bool {
	if host == hostname() {
		if pid == os.Getpid() {
			return false // this process: its runner knows what it is doing
		}
		if !pidAlive(pid) {
			return true
		}
	}
	return t.Sub(heartbeat) > StaleAfter
}

// ClaimRun makes this process the owner of a run that is to be resumed: its
// state goes back to running and its end time is cleared. A run that another
// live process is still running is refused with ErrRunActive.
func (s *Store) ClaimRun(ctx context.Context, id int64) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("claim run %d: %w", id, classify(err))
	}
	defer tx.Rollback()
	var (
		status, host string
		pid          int
		hb           sql.NullString
	)
	err = tx.QueryRowContext(ctx, "SELECT status, owner_pid, owner_host, heartbeat_at FROM runs WHERE id = ?", id).Scan(&status, &pid, &host, &hb)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("claim run %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("claim run %d: %w", id, err)
	}
	t := now()
	if status == advisor.RunRunning && !(host == hostname() && pid == os.Getpid()) {
		heartbeat, err := parseTime(hb)
		if err != nil {
			return fmt.Errorf("claim run %d: %w", id, err)
		}
		if !ownerGone(pid, host, heartbeat, t) {
			return fmt.Errorf("claim run %d: %w (process %d on %s)", id, ErrRunActive, pid, host)
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE runs SET status = ?, ended_at = NULL, owner_pid = ?, owner_host = ?, heartbeat_at = ? WHERE id = ?",
		advisor.RunRunning, os.Getpid(), hostname(), formatTime(t), id); err != nil {
		return fmt.Errorf("claim run %d: %w", id, classify(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("claim run %d: %w", id, classify(err))
	}
	return nil
}

// ReconcileRuns marks as interrupted the runs left "running" by a process
// that is gone (it crashed or was killed), and returns how many it marked.
// Open calls it; a long-lived program may call it again before listing runs.
func (s *Store) ReconcileRuns(ctx context.Context) (int, error) {
	type candidate struct {
		id        int64
		heartbeat string
	}
	rows, err := s.r.QueryContext(ctx, "SELECT id, owner_pid, owner_host, heartbeat_at FROM runs WHERE status = ?", advisor.RunRunning)
	if err != nil {
		return 0, fmt.Errorf("reconcile runs: %w", err)
	}
	t := now()
	var gone []candidate
	for rows.Next() {
		var (
			c    candidate
			pid  int
			host string
		)
		if err := rows.Scan(&c.id, &pid, &host, &c.heartbeat); err != nil {
			rows.Close()
			return 0, fmt.Errorf("reconcile runs: %w", err)
		}
		hb, err := parseTime(sql.NullString{String: c.heartbeat, Valid: true})
		if err != nil {
			rows.Close()
			return 0, fmt.Errorf("reconcile runs: run %d: %w", c.id, err)
		}
		if ownerGone(pid, host, hb, t) {
			gone = append(gone, c)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return 0, fmt.Errorf("reconcile runs: %w", err)
	}
	rows.Close()

	n := 0
	for _, c := range gone {
		// The heartbeat in the condition keeps a run that came back to life
		// (or was claimed) since it was read from being marked.
		res, err := s.w.ExecContext(ctx, "UPDATE runs SET status = ?, ended_at = ? WHERE id = ? AND status = ? AND heartbeat_at = ?",
			advisor.RunInterrupted, formatTime(t), c.id, advisor.RunRunning, c.heartbeat)
		if err != nil {
			return n, fmt.Errorf("reconcile runs: run %d: %w", c.id, classify(err))
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

var hostName = func() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	return h
}()

func hostname() string { return hostName }
