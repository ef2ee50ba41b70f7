package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/internal/safefile"
	"github.com/llm-advisor/llm-advisor/report"
)

// TestMostlyFailedRunIsFailedAndResumeResendsFailures (issue 15 item 13):
// two of three requests failing ends the GUI run failed, saying "2 of 3";
// the command line exits 1 with the same status; resuming from Results sends
// the two failed requests again (and only them), and the run ends done.
func TestMostlyFailedRunIsFailedAndResumeResendsFailures(t *testing.T) {
	h := newHarnessIn(t, "en", t.TempDir(), t.TempDir())
	var healthy atomic.Bool
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		if !healthy.Load() && !strings.Contains(string(body), "France") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":{"message":"no such thing","type":"invalid_request_error"}}`)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, `data: {"choices":[{"index":0,"delta":{"content":"Paris"},"finish_reason":"stop"}]}`+"\n\ndata: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	ep := advisor.Endpoint{Name: "local", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "fake-model"}
	cases := []advisor.Case{{Input: "Capital of France?", Expected: "Paris"}, {Input: "Capital of Peru?", Expected: "Paris"}, {Input: "Capital of Chad?", Expected: "Paris"}}
	r := guiRun(h, ep, cases...)
	if r.state != advisor.RunFailed {
		t.Fatalf("GUI run with 2 of 3 failed ended %q, want failed", r.state)
	}
	if want := "2 of 3 requests failed"; !strings.Contains(r.status.Text, want) {
		t.Errorf("status %q, want it to say %q", r.status.Text, want)
	}

	p := r.run.Plan
	p.DecisionID = 0
	_, exit := runCLI(t, "test", "--plan", writePlan(t, p), "--db", filepath.Join(t.TempDir(), "cli.db"), "--json")
	if exit != 1 {
		t.Errorf("CLI exit %d for a mostly failed run, want 1", exit)
	}

	healthy.Store(true)
	before := hits.Load()
	test.Tap(r.results)
	h.waitFor("results loaded", func() bool { return h.a.results != nil && h.a.results.loaded })
	if !h.a.results.resume.Visible() {
		t.Fatal("Results offers no Resume for the mostly failed run")
	}
	test.Tap(h.a.results.resume)
	h.waitFor("resumed run finished", func() bool { return h.a.run != nil && h.a.run != r && h.a.run.finished })
	if got := h.a.run.state; got != advisor.RunDone {
		t.Errorf("resumed run ended %q, want done", got)
	}
	// The warm-up plus the two failed cells; the case that passed is not sent again.
	if sent := hits.Load() - before; sent != 3 {
		t.Errorf("resume sent %d requests, want 3 (a warm-up and the two that failed)", sent)
	}
	rs, err := h.store().Results(context.Background(), r.run.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ok, failed int
	for _, res := range rs {
		if res.Warmup {
			continue
		}
		if res.ErrorClass == "" {
			ok++
		} else {
			failed++
		}
	}
	if ok != 3 || failed != 0 {
		t.Errorf("after resume: %d ok, %d failed; want 3 and 0 (failed results replaced)", ok, failed)
	}
}

// TestCaseImportsAreBounded (issue 15): a workbook that unpacks to more
// than the limit (a zip bomb) is refused with the file's name, and a named
// pipe chosen as a cases or input file is refused at once instead of
// hanging the import.
func TestCaseImportsAreBounded(t *testing.T) {
	old := maxUnzipBytes
	t.Cleanup(func() { maxUnzipBytes = old })
	// 100 cells of 30,000 characters: 3 MB unpacked, a few KB packed.
	wb := excelize.NewFile()
	wb.SetCellValue("Sheet1", "A1", "input")
	for i := 2; i <= 101; i++ {
		wb.SetCellValue("Sheet1", fmt.Sprint("A", i), fmt.Sprint(i, strings.Repeat("x", 30000)))
	}
	b, err := wb.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() > 200<<10 {
		t.Fatalf("the bomb is %d bytes; it should be small", b.Len())
	}
	maxUnzipBytes = 4 << 20
	if _, _, err := readXLSX(b.Bytes()); err != nil {
		t.Fatalf("the workbook does not read under a limit it fits: %v", err)
	}
	maxUnzipBytes = 1 << 20
	if _, _, err := readXLSX(b.Bytes()); err == nil || !strings.Contains(err.Error(), "unzip size exceeds") {
		t.Errorf("a workbook unpacking past the limit: err %v, want the unzip limit", err)
	}

	fifo := filepath.Join(t.TempDir(), "cases.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readInputFile(fifo); err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("an input file that is a named pipe: err %v, want a refusal", err)
	}
	if _, err := safefile.Open(fifo); err == nil {
		t.Error("the cases import opener accepts a named pipe")
	}
}

// TestUnusualKeyEnvIsAskedFirst (issue 15 item 2): a live test whose
// endpoint takes its key from AWS_SECRET_ACCESS_KEY asks before sending it,
// naming the variable and the host. "Don't send" sends nothing and creates
// no run; "Send it" runs with the key, and the variable is not asked about
// again in the session. The capacity screen asks the same way.
func TestUnusualKeyEnvIsAskedFirst(t *testing.T) {
	t.Setenv("AWS_SECRET_ACCESS_KEY", "sentinel-cloud-secret")
	var hits atomic.Int64
	var auth atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		auth.Store(r.Header.Get("Authorization"))
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, `data: {"choices":[{"index":0,"delta":{"content":"Paris"},"finish_reason":"stop"}]}`+"\n\ndata: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	ep := advisor.Endpoint{Name: "cloud", Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "m", APIKeyEnv: "AWS_SECRET_ACCESS_KEY"}

	h := newHarnessIn(t, "en", t.TempDir(), t.TempDir())
	h.newDecision()
	h.a.candidates = []advisor.Endpoint{ep}
	h.a.show(screenLiveTest)
	l := h.a.live
	l.strategies.SetSelected([]string{advisor.StrategyZeroShot})
	l.addCases(advisor.Case{Input: "Capital of France?", Expected: "Paris"})
	test.Tap(l.start)
	h.settle()
	q := h.a.keyEnvAsk
	if q == nil {
		t.Fatal("no question before sending AWS_SECRET_ACCESS_KEY")
	}
	for _, want := range []string{"AWS_SECRET_ACCESS_KEY", host, "cloud"} {
		if !strings.Contains(q.text, want) {
			t.Errorf("the question %q does not name %q", q.text, want)
		}
	}
	q.answer(false)
	h.settle()
	if hits.Load() != 0 || h.a.run != nil || l.start.Disabled() {
		t.Fatalf("after Don't send: %d requests, run %v, start disabled %v", hits.Load(), h.a.run != nil, l.start.Disabled())
	}
	test.Tap(l.start)
	h.settle()
	if h.a.keyEnvAsk == nil {
		t.Fatal("not asked again after Don't send")
	}
	h.a.keyEnvAsk.answer(true)
	h.waitFor("run finished", func() bool { return h.a.run != nil && h.a.run.finished })
	if h.a.run.state != advisor.RunDone || auth.Load() != "Bearer sentinel-cloud-secret" {
		t.Errorf("after Send it: state %q, Authorization %q", h.a.run.state, auth.Load())
	}

	// The capacity screen: asked once more in a new session, then it runs.
	h2 := newHarnessIn(t, "pt-BR", t.TempDir(), t.TempDir())
	h2.a.capacityPlan = advisor.Plan{Name: "capacity", Endpoints: []advisor.Endpoint{ep}, Cases: []advisor.Case{{Input: "2+2?"}}}
	h2.a.show(screenCapacity)
	c := h2.a.capacity
	c.stepReq.SetText("3")
	c.stepSec.SetText("0,3")
	c.sweep.SetText("2")
	test.Tap(c.start)
	if !strings.Contains(c.status.Text, "3 a 20") || h2.a.keyEnvAsk != nil {
		t.Errorf("a sweep of 2 steps: status %q (want the allowed range)", c.status.Text)
	}
	c.sweep.SetText("3")
	before := hits.Load()
	test.Tap(c.start)
	h2.settle()
	if h2.a.keyEnvAsk == nil || !strings.Contains(h2.a.keyEnvAsk.text, "AWS_SECRET_ACCESS_KEY") || !strings.Contains(h2.a.keyEnvAsk.text, host) {
		t.Fatalf("the capacity test did not ask first (status %q)", c.status.Text)
	}
	if hits.Load() != before {
		t.Error("requests sent before the answer")
	}
	h2.a.keyEnvAsk.answer(true)
	h2.waitFor("sweep", func() bool { return !c.start.Disabled() && c.steps.Text != "" })
	tests, err := h2.store().LoadTests(context.Background(), 0)
	if err != nil || len(tests) != 1 {
		t.Fatalf("stored capacity tests %+v %v, want one", tests, err)
	}
	lt, err := h2.store().LoadTestByID(context.Background(), tests[0].ID)
	if err != nil || len(lt.Result.Steps) != 3 {
		t.Errorf("the stored sweep has %d steps (%v), want the 3 asked for", len(lt.Result.Steps), err)
	}
}

// TestCapacityInReportsFromBothFronts (issue 13): a capacity test stored
// for a decision is in the report the GUI exports (Markdown) and in the one
// the command line writes (report --decision, HTML), through the same
// workspace.Capacity.
func TestCapacityInReportsFromBothFronts(t *testing.T) {
	dir := t.TempDir()
	h := newHarnessIn(t, "en", dir, t.TempDir())
	h.newDecision()
	id := h.a.decision.ID
	ctx := context.Background()
	st := h.store()
	lid, err := st.CreateLoadTest(ctx, data.LoadTest{DecisionID: id, Name: "cap", Endpoint: "local", Model: "tiny", Plan: advisor.Plan{Name: "cap"}})
	if err != nil {
		t.Fatal(err)
	}
	f := func(v float64) *float64 { return &v }
	res := advisor.LoadResult{Endpoint: "local", Model: "tiny", MaxThroughputRPS: 19.6, SustainableRPS: f(15), Target: advisor.LoadTarget{TotalMs: 300},
		Steps: []advisor.LoadStep{
			{Kind: advisor.LoadSynchronous, OfferedRPS: 4.9, AchievedRPS: 4.9, Requests: 10, TotalP95Ms: f(205), SLOAttainment: f(1)},
			{Kind: advisor.LoadConstant, OfferedRPS: 15, AchievedRPS: 14.8, Requests: 30, TotalP95Ms: f(260), SLOAttainment: f(0.97)},
		}}
	for i, s := range res.Steps {
		if err := st.SaveLoadStep(ctx, lid, i, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.FinishLoadTest(ctx, lid, advisor.RunDone, res); err != nil {
		t.Fatal(err)
	}
	want := []string{"Can it carry the traffic?", "Most it served: 19.6 requests per second.", "up to 15.0 requests per second"}

	out := t.TempDir()
	var done atomic.Bool
	var exportErr error
	h.a.exportMarkdown(out, report.Input{Lang: "en", Title: "t", Generated: time.Now()}, func(err error) { exportErr = err; done.Store(true) })
	h.waitFor("export", done.Load)
	if exportErr != nil {
		t.Fatal(exportErr)
	}
	mds, _ := filepath.Glob(filepath.Join(out, "*.md"))
	if len(mds) != 1 {
		t.Fatalf("markdown files %v", mds)
	}
	md, _ := os.ReadFile(mds[0])
	for _, w := range want {
		if !strings.Contains(string(md), w) {
			t.Errorf("GUI export lacks %q", w)
		}
	}

	html := filepath.Join(t.TempDir(), "r.html")
	if _, exit := runCLI(t, "report", "--decision", fmt.Sprint(id), "--format", "html", "--out", html, "--db", filepath.Join(dir, "advisor.db"), "--lang", "en"); exit != 0 {
		t.Fatalf("report exit %d", exit)
	}
	page, _ := os.ReadFile(html)
	for _, w := range want {
		if !strings.Contains(string(page), w) {
			t.Errorf("CLI report lacks %q", w)
		}
	}
}

// TestSaveDialogNeverDestroysTheDatabase (issue 15 item 1, GUI): choosing
// the database, its -wal or -shm file, a folder or a named pipe as an
// export's name is refused in the dialog before anything is written — the
// database stays an intact SQLite file and the dialog says why, naming the
// file. A new name is written whole; an existing file is replaced only
// after the user says so.
func TestSaveDialogNeverDestroysTheDatabase(t *testing.T) {
	dir := t.TempDir()
	h := newHarnessIn(t, "pt-BR", dir, t.TempDir())
	h.newDecision() // the database has something to lose
	db := filepath.Join(dir, "advisor.db")
	before, err := os.ReadFile(db)
	if err != nil || !bytes.HasPrefix(before, []byte("SQLite format 3\x00")) {
		t.Fatalf("the database %s: %v", db, err)
	}
	if err := os.Mkdir(filepath.Join(dir, "a-folder.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.csv"), 0o644); err != nil {
		t.Fatal(err)
	}
	var wrote []string
	for _, name := range []string{"advisor.db", "advisor.db-wal", "advisor.db-shm", "a-folder.csv", "pipe.csv", "../x.csv", ""} {
		// No extension to add, so the names reach the files as typed.
		sd := h.a.askSavePath("x.csv", "", func(p string) { wrote = append(wrote, p) })
		sd.dir = dir
		sd.name.SetText(name)
		test.Tap(sd.save)
		if len(wrote) != 0 || !sd.problem.Visible() || sd.problem.Text == "" {
			t.Fatalf("name %q: written %v, problem %q", name, wrote, sd.problem.Text)
		}
		if strings.HasPrefix(name, "advisor.db") && !strings.Contains(sd.problem.Text, "banco de dados") {
			t.Errorf("name %q: the problem %q does not say it is the database", name, sd.problem.Text)
		}
		sd.d.Hide()
	}
	after, err := os.ReadFile(db)
	if err != nil || !bytes.Equal(before[:100], after[:100]) || len(after) < len(before) {
		t.Fatalf("the database changed: %v", err)
	}

	// A good name: the CSV is written through the atomic writer.
	var done atomic.Int32
	save := func(name string) *saveDialog {
		sd := h.a.askSavePath(name, ".csv", func(p string) {
			h.a.exportPath(p, formatCSV, report.Input{Lang: "pt-BR"}, func(err error) {
				if err != nil {
					t.Error(err)
				}
				done.Add(1)
			})
		})
		sd.dir = dir
		test.Tap(sd.save)
		return sd
	}
	save("resultados")
	h.waitFor("export", func() bool { return done.Load() == 1 })
	out := filepath.Join(dir, "resultados.csv")
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("the export %s: %v", out, err)
	}
	// The same name again: asked first; "no" leaves the file alone.
	os.WriteFile(out, []byte("mine"), 0o644)
	sd := save("resultados.csv")
	if sd.overwrite == nil {
		t.Fatal("no question before replacing an existing file")
	}
	test.Tap(findButton(t, h, "Não"))
	h.settle()
	if b, _ := os.ReadFile(out); string(b) != "mine" || done.Load() != 1 {
		t.Errorf("after No: the file holds %q, %d exports", b, done.Load())
	}
}

// findButton is the button labelled label in the dialog on top.
func findButton(t *testing.T, h *harness, label string) *widget.Button {
	t.Helper()
	for _, o := range test.LaidOutObjects(h.a.win.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == label {
			return b
		}
	}
	t.Fatalf("no %q button", label)
	return nil
}
