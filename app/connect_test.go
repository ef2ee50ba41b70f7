package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"github.com/zalando/go-keyring"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

// noKeyring makes the OS keyring unavailable, as on a Linux desktop without
// Secret Service or in a container, and clears every provider's key
// variable so nothing is connected from the environment.
func noKeyring(t *testing.T) {
	t.Helper()
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	for _, p := range livetest.Providers() {
		for _, e := range p.Env {
			t.Setenv(e, "")
		}
	}
	t.Cleanup(func() {
		for _, p := range livetest.Providers() {
			livetest.ForgetKey(livetest.ConnectionKeyName(p.ID))
		}
	})
}

// fakeProvider speaks a provider's OpenAI-compatible wire format: GET
// /v1/models lists models, POST /v1/chat/completions streams "Paris" with
// usage; any other key than key gets the provider's 401.
type fakeProvider struct {
	srv    *httptest.Server
	mu     sync.Mutex
	models []string
	chats  map[string]int // by model
}

func newFakeProvider(t *testing.T, key string) *fakeProvider {
	f := &fakeProvider{chats: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if r.Header.Get("Authorization") != "Bearer "+key {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}}`)
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		switch r.URL.Path {
		case "/v1/models":
			var b strings.Builder
			b.WriteString(`{"object":"list","data":[`)
			for i, m := range f.models {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, `{"id":%q,"object":"model","owned_by":"fake"}`, m)
			}
			b.WriteString("]}")
			fmt.Fprint(w, b.String())
		case "/v1/chat/completions":
			model := ""
			if i := bytes.Index(body, []byte(`"model":"`)); i >= 0 {
				rest := body[i+len(`"model":"`):]
				model = string(rest[:bytes.IndexByte(rest, '"')])
			}
			f.chats[model]++
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprintf(w, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":%q,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Paris\"},\"finish_reason\":\"stop\"}]}\n\n", model)
			fmt.Fprint(w, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":1,\"total_tokens\":13}}\n\ndata: [DONE]\n\n")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// pointProvider makes the app offer the provider id at the fake server.
func pointProvider(h *harness, id, baseURL string) {
	h.a.conns.providers = func() []livetest.Provider {
		ps := livetest.Providers()
		for i := range ps {
			if ps[i].ID == id {
				ps[i].API = baseURL
			}
		}
		return ps
	}
}

// connectFlow goes Recommendation → Test this, connects the provider the
// first candidate needs (through its "Connect" button, a wrong key first,
// then the right one) and returns the fake server and the provider's id.
func connectFlow(t *testing.T, h *harness, key string, remember bool) (*fakeProvider, string) {
	t.Helper()
	story, answers := scenario(t, "k1-eu-support-bot.json")
	h.newDecision()
	h.answerWizard(story, answers)
	h.waitFor("recommendation", func() bool { return h.a.current == screenRecommendation && h.a.rec != nil && h.a.rec.rec != nil })
	test.Tap(h.a.rec.testThis)
	h.waitFor("live test", func() bool { return h.a.current == screenLiveTest && h.a.live != nil })
	l := h.a.live
	if len(h.a.candidates) < 2 {
		t.Fatalf("the shortlist gave %d candidates; the flow needs two or more", len(h.a.candidates))
	}
	for _, ep := range h.a.candidates {
		if !livetest.NeedsConnection(ep) {
			t.Fatalf("with nothing connected, %+v can run", ep)
		}
	}
	// Start with nothing connected says why and names the candidates.
	var names []string
	for _, ep := range h.a.candidates {
		names = append(names, ep.Name)
	}
	l.addCases(advisor.Case{Input: "ping", Expected: "pong"})
	test.Tap(l.start)
	if want := lang.L("connect.none_runnable", map[string]any{"Names": strings.Join(names, ", ")}); !l.problem.Visible() || l.problem.Text != want {
		t.Errorf("Start with nothing connected: %q, want %q", l.problem.Text, want)
	}
	l.removeCase(0)
	if len(l.connectRow) != len(h.a.candidates) {
		t.Fatalf("%d Connect buttons for %d candidates", len(l.connectRow), len(h.a.candidates))
	}
	// The first candidate's provider serves it; the fake lists its catalog id.
	target := h.a.conns.mapped[h.a.candidates[0].Name].Suggest
	fake := newFakeProvider(t, key)
	for _, ep := range h.a.candidates {
		if h.a.conns.mapped[ep.Name].Suggest == target {
			fake.models = append(fake.models, ep.CatalogID)
		}
	}
	fake.models = append(fake.models, "text-embedding-3-small")
	pointProvider(h, target, fake.srv.URL+"/v1")

	test.Tap(l.connectRow[0])
	d := h.a.connect
	if d == nil || d.selected() != target {
		t.Fatalf("the Connect button opened %+v, want provider %s chosen", d, target)
	}
	test.Tap(d.check) // no key yet
	if !strings.Contains(d.status.Text, lang.L("connect.key")) {
		t.Errorf("checking without a key says %q", d.status.Text)
	}
	test.Type(d.key, "wrong-key")
	test.Tap(d.check)
	h.waitFor("the refused key", func() bool {
		return d.check.Disabled() == false && d.status.Text != "" && !strings.Contains(d.status.Text, "…")
	})
	p, _ := h.a.conns.provider(target)
	if want := lang.L("connect.problem.bad_key", map[string]any{"Provider": p.Name}); d.status.Text != want {
		t.Errorf("a refused key says %q, want %q", d.status.Text, want)
	}
	if len(h.a.conns.saved) != 0 {
		t.Error("a connection whose key was refused was kept")
	}
	d.key.SetText("")
	test.Type(d.key, key)
	d.remember.SetChecked(remember)
	test.Tap(d.check)
	h.waitFor("connected", func() bool { return d.connected != nil })
	h.settle()
	return fake, target
}

// In the GUI: Recommendation → Test this → connect one provider (a local
// server speaking its OpenAI-compatible format, /models included) → Start
// runs the candidates that provider serves and notes the others, which
// never block Start.
func TestConnectProviderThenStart(t *testing.T) {
	noKeyring(t)
	h := newHarness(t, "en")
	h.a.detect = func(context.Context) []localServer { return nil }
	const key = "sk-connect-flow-key-0001"
	fake, target := connectFlow(t, h, key, false)
	l := h.a.live
	var connected, left []advisor.Endpoint
	for _, ep := range h.a.candidates {
		if livetest.NeedsConnection(ep) {
			left = append(left, ep)
		} else {
			connected = append(connected, ep)
		}
	}
	if len(connected) == 0 || len(left) == 0 {
		t.Fatalf("after connecting %s: %d connected, %d left; the scenario's shortlist must mix providers", target, len(connected), len(left))
	}
	for _, ep := range connected {
		if ep.Provider != target || ep.BaseURL != fake.srv.URL+"/v1" || ep.CatalogID == "" {
			t.Errorf("connected candidate %+v", ep)
		}
	}
	if len(l.connectRow) != len(left) {
		t.Errorf("%d Connect buttons for %d unconnected candidates", len(l.connectRow), len(left))
	}
	conns, err := livetest.LoadConnections(livetest.ConnectionsPath())
	if err != nil || len(conns) != 1 || conns[0].Provider != target || conns[0].KeyPlace != livetest.KeyInMemory || len(conns[0].Models) != len(fake.models) {
		t.Errorf("saved connections %+v %v", conns, err)
	}
	if len(l.connBox.Objects) != 1 {
		t.Errorf("%d connection lines, want 1", len(l.connBox.Objects))
	}

	l.strategies.SetSelected([]string{advisor.StrategyZeroShot})
	l.addCases(advisor.Case{Input: "Capital of France?", Expected: "Paris"}, advisor.Case{Input: "Say Paris", Expected: "Paris"})
	test.Tap(l.start)
	h.waitFor("run finished", func() bool { return h.a.run != nil && h.a.run.finished })
	r := h.a.run
	if r.state != advisor.RunDone || r.errCount != 0 || r.done != 2*len(connected) {
		t.Fatalf("run %q: %d done, %d errors (%s)", r.state, r.done, r.errCount, h.a.lastError)
	}
	var names []string
	for _, ep := range left {
		names = append(names, ep.Name)
	}
	note := lang.L("connect.left_out", map[string]any{"Names": strings.Join(names, ", ")})
	if len(r.notes) == 0 || r.notes[0] != note {
		t.Errorf("run notes %q, want %q", r.notes, note)
	}
	fake.mu.Lock()
	for _, ep := range connected {
		// One check request went to the first model when connecting.
		if n := fake.chats[ep.Model]; n < 2 {
			t.Errorf("%s got %d chat requests", ep.Model, n)
		}
	}
	fake.mu.Unlock()
	res, err := h.store().Results(context.Background(), r.run.ID)
	if err != nil || len(res) != 2*len(connected) {
		t.Fatalf("%d results stored (%v)", len(res), err)
	}
	for _, x := range res {
		if !x.Passed || x.Output != "Paris" {
			t.Errorf("result %+v", x)
		}
	}
}

// The connect dialog names what is wrong in both languages, and a
// provider with nothing listening says so.
func TestConnectProblemsInBothLanguages(t *testing.T) {
	noKeyring(t)
	for _, lng := range []string{"en", "pt-BR"} {
		t.Run(lng, func(t *testing.T) {
			h := newMemHarness(t, lng)
			h.newDecision()
			h.a.show(screenLiveTest)
			test.Tap(h.a.live.connectBtn)
			d := h.a.connect
			d.provider.SetSelectedIndex(indexOf(d.ids, livetest.LocalProvider))
			if d.localRow.Hidden || !d.keyRow.Hidden {
				t.Error("a local server asks for a key")
			}
			d.localURL.SetText("127.0.0.1:11434")
			test.Tap(d.check)
			if d.status.Text != lang.L("connect.need_url") {
				t.Errorf("an address without http:// says %q", d.status.Text)
			}
			dead := httptest.NewServer(http.NotFoundHandler())
			u := dead.URL + "/v1"
			dead.Close()
			d.localURL.SetText(u)
			test.Tap(d.check)
			h.waitFor("check", func() bool { return !d.check.Disabled() })
			if want := lang.L("connect.problem.unreachable", map[string]any{"URL": u}); d.status.Text != want {
				t.Errorf("nothing listening says %q, want %q", d.status.Text, want)
			}
			d.provider.SetSelectedIndex(indexOf(d.ids, "azure"))
			if d.azureRows.Hidden || d.keyRow.Hidden {
				t.Error("Azure does not ask for its resource and deployment")
			}
			d.key.SetText("k")
			test.Tap(d.check)
			if d.status.Text != lang.L("connect.need_azure") {
				t.Errorf("Azure without a resource says %q", d.status.Text)
			}
			if lng == "pt-BR" && (strings.Contains(d.status.Text, "Fill") || strings.Contains(lang.L("connect.problem.no_credit", map[string]any{"Provider": "X"}), "credit")) {
				t.Errorf("English in pt-BR: %q", d.status.Text)
			}
			d.onCancel()
		})
	}
}

// A key given in the connect dialog lands in no file of the data and
// config folders, no log line, no preference and no report when there is
// no keyring; with "remember on this computer" it is only in the key file,
// which only the user can read.
func TestConnectKeyNeverInDataOrConfigFiles(t *testing.T) {
	noKeyring(t)
	dir, cfg := t.TempDir(), t.TempDir()
	var logs bytes.Buffer
	log.SetOutput(&logs)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	h := newHarnessIn(t, "en", dir, cfg)
	const sentinel = "sk-SENTINEL-connect-7f3a9c"
	fake, target := connectFlow(t, h, sentinel, false)
	l := h.a.live
	l.strategies.SetSelected([]string{advisor.StrategyZeroShot})
	l.addCases(advisor.Case{Input: "Capital of France?", Expected: "Paris"})
	test.Tap(l.start)
	h.waitFor("run finished", func() bool { return h.a.run != nil && h.a.run.finished })
	test.Tap(h.a.run.results)
	h.waitFor("results", func() bool { return h.a.results != nil && h.a.results.loaded })
	in := h.a.results.input(h.a.results.results)
	for _, format := range []string{formatPDF, formatHTML, formatCSV, formatJSON} {
		f, err := os.Create(filepath.Join(dir, "report."+format))
		if err != nil {
			t.Fatal(err)
		}
		if err := writeExport(f, format, in); err != nil {
			t.Errorf("%s: %v", format, err)
		}
		f.Close()
	}
	h.a.results.exportMarkdown(dir, in)
	h.waitFor("markdown", func() bool { return h.a.results.exported == formatMarkdown })
	h.a.show(screenHome)
	h.settle()

	cfg2 := t.TempDir()
	walk := func(allowKeyFile bool, fa fyne.App) {
		t.Helper()
		// Preferences (in memory in tests; a file in the app's storage otherwise).
		prefs, ok := fa.Preferences().(interface{ ReadValues(func(map[string]any)) })
		if !ok {
			t.Fatalf("cannot read the preferences of %T", fa.Preferences())
		}
		prefs.ReadValues(func(vals map[string]any) {
			for k, v := range vals {
				if strings.Contains(fmt.Sprint(v), sentinel) {
					t.Errorf("the key is in the preference %q", k)
				}
			}
		})
		for _, root := range []string{dir, cfg, cfg2} {
			filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
				if err != nil || e.IsDir() {
					return nil
				}
				b, _ := os.ReadFile(path)
				if !bytes.Contains(b, []byte(sentinel)) {
					return nil
				}
				if allowKeyFile && path == livetest.KeyFilePath() {
					return nil
				}
				t.Errorf("the key is in %s", path)
				return nil
			})
		}
		if bytes.Contains(logs.Bytes(), []byte(sentinel)) {
			t.Error("the key is in the log")
		}
	}
	walk(false, h.fa)
	if mds, _ := filepath.Glob(filepath.Join(dir, "*.md")); len(mds) == 0 {
		t.Error("no Markdown report was written to check")
	}
	if _, err := os.Stat(livetest.KeyFilePath()); !os.IsNotExist(err) {
		t.Errorf("a key file exists although nobody asked to remember: %v", err)
	}
	// The key still works this session: it is in memory.
	if k, err := livetest.LookupKey(advisor.Endpoint{Name: "x", Provider: target, Kind: advisor.KindCompatible, APIKeyEnv: "UNSET_FOR_TEST"}); err != nil || k != sentinel {
		t.Errorf("session key: %q %v", k, err)
	}
	if line := connectionLine(h.a.conns.saved[0]); !strings.Contains(line, lang.L("connect.key.memory")) {
		t.Errorf("the connection does not say where its key is: %q", line)
	}

	// Remember on this computer: the key file, 0600, and nowhere else. The
	// dialog is opened from the live test's own Connect button this time
	// (the wizard and recommendation on the way were walked above).
	h2 := newHarnessIn(t, "en", t.TempDir(), cfg2)
	pointProvider(h2, target, fake.srv.URL+"/v1")
	h2.a.show(screenLiveTest)
	test.Tap(h2.a.live.connectBtn)
	d := h2.a.connect
	p, _ := h2.a.conns.provider(target)
	if d == nil {
		t.Fatal("the live test's Connect button opened no dialog")
	}
	d.provider.SetSelected(p.Name)
	if d.selected() != target {
		t.Fatalf("chose %q in the dialog, want provider %s", d.selected(), target)
	}
	test.Type(d.key, sentinel)
	d.remember.SetChecked(true)
	test.Tap(d.check)
	h2.waitFor("connected", func() bool { return d.connected != nil })
	h2.settle()
	st, err := os.Stat(livetest.KeyFilePath())
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v %v", st, err)
	}
	b, _ := os.ReadFile(livetest.KeyFilePath())
	if !bytes.Contains(b, []byte(sentinel)) {
		t.Error("the remembered key is not in the key file")
	}
	walk(true, h2.fa)
}

// A local Ollama without the shortlisted open model offers to download it:
// the pull streams its progress into a bar, and once done the model is found
// and the candidate runs there. Cancel stops a download.
func TestOllamaPullFromCandidate(t *testing.T) {
	noKeyring(t)
	h := newMemHarness(t, "en")
	const id, tag = "llama-3.1-8b-instruct", "llama3.1:8b"
	if _, ok := h.a.engine.Model(id); !ok {
		t.Fatalf("the catalog has no %s", id)
	}
	var mu sync.Mutex
	have := []string{"qwen2.5:7b"}
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/v1/models":
			mu.Lock()
			defer mu.Unlock()
			var b strings.Builder
			b.WriteString(`{"object":"list","data":[`)
			for i, m := range have {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, `{"id":%q}`, m)
			}
			b.WriteString("]}")
			fmt.Fprint(w, b.String())
		case "/api/pull":
			if strings.Contains(string(body), `"slow"`) {
				fmt.Fprintln(w, `{"status":"downloading","total":100,"completed":1}`)
				w.(http.Flusher).Flush()
				select {
				case <-block:
				case <-r.Context().Done():
				}
				return
			}
			fmt.Fprintln(w, `{"status":"pulling manifest"}`)
			fmt.Fprintln(w, `{"status":"downloading","total":4920000000,"completed":4920000000}`)
			mu.Lock()
			have = append(have, tag)
			mu.Unlock()
			fmt.Fprintln(w, `{"status":"success"}`)
		}
	}))
	defer srv.Close()
	defer close(block)
	h.a.detect = func(ctx context.Context) []localServer {
		return livetest.DetectPorts(ctx, []livetest.LocalPort{{Name: "Ollama", Port: port(srv.URL)}})
	}
	h.a.candidates = []advisor.Endpoint{{Name: id, Kind: advisor.KindCompatible, Model: id, CatalogID: id}}
	h.a.show(screenLiveTest)
	l := h.a.live
	h.waitFor("detected Ollama", func() bool { return len(l.detectedSrv) == 1 })
	h.settle()
	if len(l.pullBtns) != 1 || l.pullBtns[0].Text != lang.L("connect.pull", map[string]any{"Tag": tag}) {
		t.Fatalf("download buttons %d (%v)", len(l.pullBtns), h.a.conns.mapped[id])
	}

	// Cancel stops a download that is under way.
	l.openPull(h.a.conns.local[0].BaseURL, "slow")
	p := l.pull
	h.waitFor("progress", func() bool { return p.bar.Value > 0 })
	test.Tap(p.cancel)
	h.waitFor("cancelled", func() bool { return p.done })
	if p.status.Text != lang.L("connect.pull.cancelled") {
		t.Errorf("after Cancel: %q", p.status.Text)
	}
	p.dlg.Hide()

	test.Tap(l.pullBtns[0])
	p = l.pull
	h.waitFor("download", func() bool { return p.done })
	if p.err != nil {
		t.Fatal(p.err)
	}
	h.waitFor("candidate on Ollama", func() bool { return !livetest.NeedsConnection(h.a.candidates[0]) })
	if ep := h.a.candidates[0]; ep.Model != tag || ep.BaseURL != h.a.conns.local[0].BaseURL || ep.CatalogID != id {
		t.Errorf("candidate after the download: %+v", ep)
	}
}

func port(u string) int {
	var p int
	fmt.Sscanf(u[strings.LastIndex(u, ":")+1:], "%d", &p)
	return p
}

// The catalog's Try it runs a model on the provider that serves it once
// that provider is connected, with the connection's key; before, it offers
// Connect.
func TestCatalogTryUsesTheConnection(t *testing.T) {
	noKeyring(t)
	const key = "gsk-try-it-key"
	h := newMemHarness(t, "en")
	fake := newFakeProvider(t, key)
	fake.models = []string{"llama-3.1-8b-instant"}
	h.a.show(screenCatalog)
	c := h.a.catalog
	c.name.SetText("llama-3.1-8b-instant")
	idx := -1
	for i, m := range c.models {
		if m.ProviderID == "groq" {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatalf("no Groq entry for llama-3.1-8b-instant among %d models", len(c.models))
	}
	c.list.Select(idx)
	if c.tryConnect == nil || c.tryProvider != "" {
		t.Fatalf("an unconnected model offers no Connect (provider %q)", c.tryProvider)
	}
	pointProvider(h, "groq", fake.srv.URL+"/v1")
	test.Tap(c.tryConnect)
	d := h.a.connect
	if d.selected() != "groq" {
		t.Fatalf("Connect chose %q", d.selected())
	}
	test.Type(d.key, key)
	test.Tap(d.check)
	h.waitFor("connected", func() bool { return d.connected != nil })
	h.settle()
	if c.tryProvider != "groq" || c.tryURL.Text != fake.srv.URL+"/v1" || c.tryModel.Text != "llama-3.1-8b-instant" {
		t.Fatalf("Try it after connecting: provider %q, URL %q, model %q", c.tryProvider, c.tryURL.Text, c.tryModel.Text)
	}
	test.Tap(c.trySend)
	h.waitFor("answer", func() bool { return !c.trySend.Disabled() && c.tryAnswer.Text != lang.L("catalog.try.waiting") })
	if c.tryAnswer.Text != "Paris" {
		t.Errorf("Try it answered %q", c.tryAnswer.Text)
	}
}
