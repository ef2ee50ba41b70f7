package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/cli"
	"github.com/llm-advisor/llm-advisor/data"
)

// The GUI and the command line run live tests and write reports through the
// same workspace: these tests run one scenario through both fronts and
// compare what they export.

// guiRun starts a zero-shot live test of cases against ep from the live-test
// screen and waits for it to finish.
func guiRun(h *harness, ep advisor.Endpoint, cases ...advisor.Case) *runScreen {
	h.t.Helper()
	h.newDecision()
	h.a.candidates = []advisor.Endpoint{ep}
	h.a.show(screenLiveTest)
	l := h.a.live
	l.strategies.SetSelected([]string{advisor.StrategyZeroShot})
	l.checks.SetSelected([]string{advisor.CheckContains})
	l.addCases(cases...)
	test.Tap(l.start)
	h.waitFor("run finished", func() bool { return h.a.run != nil && h.a.run.finished })
	return h.a.run
}

// runCLI runs the command line and returns its stdout; exit is its status.
func runCLI(t *testing.T, args ...string) (stdout string, exit int) {
	t.Helper()
	var out, errOut bytes.Buffer
	exit = cli.Run(args, strings.NewReader(""), &out, &errOut)
	if exit != 0 && exit != 1 {
		t.Fatalf("llm-advisor %s: exit %d: %s", strings.Join(args, " "), exit, errOut.String())
	}
	return out.String(), exit
}

// writePlan writes a plan file the command line reads.
func writePlan(t *testing.T, p advisor.Plan) string {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// dates are the report's timestamps, which differ between two exports.
var dates = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC`)

// TestGUIAndCLIExportTheSameRun: a run made in the GUI against an endpoint
// without a price, exported from the Results screen and with `llm-advisor
// report`, gives the same document; both say "no price" and neither shows
// the endpoint as free.
func TestGUIAndCLIExportTheSameRun(t *testing.T) {
	dir := t.TempDir()
	h := newHarnessIn(t, "en", dir, t.TempDir())
	srv := openAIServer(t)
	ep := advisor.Endpoint{Name: "local", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "fake-model"}
	r := guiRun(h, ep, advisor.Case{Input: "Capital of France?", Expected: "Paris"}, advisor.Case{Input: "Say Paris", Expected: "Paris"})
	if r.state != advisor.RunDone {
		t.Fatalf("run %s: %s", r.state, h.a.lastError)
	}
	test.Tap(r.results)
	h.waitFor("results loaded", func() bool { return h.a.results != nil && h.a.results.loaded })
	rs := h.a.results
	var gui bytes.Buffer
	if err := writeExport(&gui, formatHTML, rs.input(rs.results)); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "cli.html")
	runCLI(t, "report", "--run", strconv.FormatInt(r.run.ID, 10), "--format", "html", "--lang", "en", "--out", out, "--db", filepath.Join(dir, "advisor.db"))
	fromCLI, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{"GUI": gui.String(), "CLI": string(fromCLI)} {
		if !strings.Contains(doc, "no price") {
			t.Errorf("%s export does not say the endpoint has no price", name)
		}
		if strings.Contains(doc, "$0.00") {
			t.Errorf("%s export shows the unpriced endpoint as $0.00", name)
		}
	}
	if g, c := dates.ReplaceAllString(gui.String(), "DATE"), dates.ReplaceAllString(string(fromCLI), "DATE"); g != c {
		t.Errorf("the GUI's and the CLI's exports of run %d differ at %s", r.run.ID, firstDiff(g, c))
	}
}

// firstDiff shows where two texts part.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("byte %d:\n GUI %q\n CLI %q", i, a[from:min(len(a), i+80)], b[from:min(len(b), i+80)])
}

// TestAllFailedRunIsFailedInBothFronts: every request refused (401) ends
// the run "failed" from the GUI, as from the command line, and the Results
// screen offers Resume for it.
func TestAllFailedRunIsFailedInBothFronts(t *testing.T) {
	dir := t.TempDir()
	h := newHarnessIn(t, "en", dir, t.TempDir())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":{"message":"bad key","type":"invalid_request_error"}}`)
	}))
	t.Cleanup(srv.Close)
	ep := advisor.Endpoint{Name: "local", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "fake-model"}
	c := advisor.Case{Input: "Capital of France?", Expected: "Paris"}
	r := guiRun(h, ep, c)
	if r.state != advisor.RunFailed {
		t.Errorf("GUI run with every request failed ended %q, want failed", r.state)
	}
	stored, err := h.store().Run(context.Background(), r.run.ID)
	if err != nil || stored.Status != advisor.RunFailed {
		t.Errorf("stored status %v %v, want failed", stored, err)
	}
	test.Tap(r.results)
	h.waitFor("results loaded", func() bool { return h.a.results != nil && h.a.results.loaded })
	if !h.a.results.resume.Visible() {
		t.Error("Results offers no Resume for the failed run")
	}

	p := r.run.Plan
	p.DecisionID = 0
	out, exit := runCLI(t, "test", "--plan", writePlan(t, p), "--db", filepath.Join(t.TempDir(), "cli.db"), "--json")
	var sum struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("CLI output %q: %v", out, err)
	}
	if exit != 1 || sum.Status != r.state {
		t.Errorf("CLI: exit %d, status %q; GUI: %q", exit, sum.Status, r.state)
	}
}

// TestGUIRunSendsHeartbeats: a GUI run marks itself alive while requests
// take long, as a CLI run does (the server answers only once it sees a
// heartbeat newer than the run's start).
func TestGUIRunSendsHeartbeats(t *testing.T) {
	dir := t.TempDir()
	h := newHarnessIn(t, "en", dir, t.TempDir())
	h.a.runHeartbeat = 20 * time.Millisecond
	st, err := data.Open(context.Background(), filepath.Join(dir, "advisor.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var beat atomic.Bool
	inner := openAIServer(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			runs, err := st.ListRuns(r.Context(), 0)
			if err == nil && len(runs) > 0 && runs[0].Heartbeat.After(runs[0].StartedAt) {
				beat.Store(true)
				break
			}
		}
		inner.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	r := guiRun(h, advisor.Endpoint{Name: "local", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "fake-model"},
		advisor.Case{Input: "Capital of France?", Expected: "Paris"})
	if r.state != advisor.RunDone {
		t.Fatalf("run %s: %s", r.state, h.a.lastError)
	}
	if !beat.Load() {
		t.Error("the GUI run sent no heartbeat while its request was waiting")
	}
}

// TestGUIRunCountsCatalogUnitPrices: a transcription endpoint priced only
// through its catalog id (per minute of audio) costs the same in a GUI run
// as in a CLI run of the same plan: one second of audio at the catalog's
// price per minute, computed here by hand.
func TestGUIRunCountsCatalogUnitPrices(t *testing.T) {
	h := newHarness(t, "en")
	var catalogID string
	var perMinute float64
	for _, m := range h.a.engine.Catalog() {
		if m.PriceUnit == "minute" && m.PricePerUnit > 0 {
			catalogID, perMinute = m.ID, m.PricePerUnit
			break
		}
	}
	if catalogID == "" {
		t.Fatal("the catalog has no model priced per minute of audio")
	}
	srv := mediaServer(t)
	h.newDecision()
	h.a.candidates = []advisor.Endpoint{{Name: "whisper", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "whisper-1", CatalogID: catalogID}}
	h.a.show(screenLiveTest)
	h.a.live.kind.SetSelectedIndex(indexOf(caseKinds, advisor.CaseKindTranscription))
	l := h.a.live
	audio := filepath.Join(t.TempDir(), "a.wav")
	wav(t, audio) // one second
	l.addCases(advisor.Case{Audio: audio, Expected: "hello world"})
	test.Tap(l.start)
	h.waitFor("run", func() bool { return h.a.run != nil && h.a.run.finished })
	r := h.a.run
	if r.state != advisor.RunDone || len(r.got) != 1 {
		t.Fatalf("run %q, %d results (%s)", r.state, len(r.got), h.a.lastError)
	}
	want := perMinute / 60 // one second of audio
	if got := r.got[0].CostUSD; got < want*0.999 || got > want*1.001 {
		t.Errorf("GUI cost %v, want %v (1 s at %v per minute)", got, want, perMinute)
	}

	p := r.run.Plan
	p.DecisionID = 0
	db := filepath.Join(t.TempDir(), "cli.db")
	runCLI(t, "test", "--plan", writePlan(t, p), "--db", db, "--json")
	st, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err := st.Results(context.Background(), 1)
	if err != nil || len(res) != 1 {
		t.Fatalf("CLI results %v %v", res, err)
	}
	if res[0].CostUSD != r.got[0].CostUSD {
		t.Errorf("CLI cost %v, GUI cost %v", res[0].CostUSD, r.got[0].CostUSD)
	}
}

// TestDataFolderChangeRefusedWhileRunning: changing the data folder in
// Settings while a live test runs leaves the database open under it and says
// why; the run still finishes and is saved.
func TestDataFolderChangeRefusedWhileRunning(t *testing.T) {
	dir := t.TempDir()
	h := newHarnessIn(t, "en", dir, t.TempDir())
	release := make(chan struct{})
	inner := openAIServer(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-time.After(20 * time.Second):
		}
		inner.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	h.newDecision()
	h.a.candidates = []advisor.Endpoint{{Name: "local", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "fake-model"}}
	h.a.show(screenLiveTest)
	h.a.live.strategies.SetSelected([]string{advisor.StrategyZeroShot})
	h.a.live.addCases(advisor.Case{Input: "Capital of France?", Expected: "Paris"})
	test.Tap(h.a.live.start)
	h.waitFor("run started", func() bool { return h.a.run != nil })
	ws := h.a.ws

	h.a.show(screenSettings)
	other := t.TempDir()
	h.a.settings.onFolder(other)
	if h.a.ws != ws || h.a.ws == nil {
		t.Error("the database was switched under a running test")
	}
	if !strings.Contains(h.a.lastError, "A live test is running") {
		t.Errorf("error shown: %q", h.a.lastError)
	}
	if got := h.a.prefs.String(prefDataFolder); got != dir {
		t.Errorf("data folder preference %q, want it left at %q", got, dir)
	}
	close(release)
	h.waitFor("run finished", func() bool { return h.a.run.finished })
	if h.a.run.state != advisor.RunDone {
		t.Fatalf("run %s: %s", h.a.run.state, h.a.lastError)
	}
	// Now the folder can change.
	h.a.settings.onFolder(other)
	h.waitFor("reopened", func() bool { return h.a.ws != nil && h.a.ws != ws })
	if want := filepath.Join(other, "advisor.db"); h.store().Path() != want {
		t.Errorf("store at %s, want %s", h.store().Path(), want)
	}
}
