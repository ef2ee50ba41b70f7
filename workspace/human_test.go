package workspace

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	stdhtml "html"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/report"
)

// humanRun stores a run of two endpoints (good, poor) on n cases, every
// answer an attempt at markup, and returns the workspace, the run and its
// results as stored.
func humanRun(t *testing.T, n int) (*Workspace, data.Run, []advisor.Result) {
	t.Helper()
	ctx := context.Background()
	w, err := OpenWith(ctx, filepath.Join(t.TempDir(), "advisor.db"), nil, errors.New("no catalog"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	plan := advisor.Plan{Name: "tone <b>check</b>", Strategies: []string{advisor.StrategyZeroShot},
		Endpoints: []advisor.Endpoint{{Name: "good", Kind: "openai-compatible", BaseURL: "http://127.0.0.1:1/v1", Model: "g"}, {Name: "poor", Kind: "openai-compatible", BaseURL: "http://127.0.0.1:1/v1", Model: "p"}}}
	for i := 0; i < n; i++ {
		plan.Cases = append(plan.Cases, advisor.Case{Input: fmt.Sprintf("question %d <script>alert(1)</script>", i), Expected: "polite"})
	}
	run := &data.Run{Name: plan.Name, Plan: plan, Total: 2 * n}
	if err := w.Store().CreateRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		for _, ep := range []string{"good", "poor"} {
			r := advisor.Result{RunID: run.ID, Endpoint: ep, Model: ep, Strategy: advisor.StrategyZeroShot, Case: i,
				Output: fmt.Sprintf("%s answer %d </script><img src=x onerror=alert(1)>", ep, i), Score: 1, Passed: true,
				StartedAt: time.Now().UTC(), EndedAt: time.Now().UTC()}
			if ep == "poor" && i%2 == 0 {
				r.Score, r.Passed = 0, false
			}
			if err := w.Store().SaveResult(ctx, &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	res, err := w.Store().Results(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	return w, *run, res
}

// TestBlindHTMLChoicesImport drives the exported page's own script in a
// JavaScript engine (goja) with a small DOM of the elements it uses: the
// names stay hidden until a choice, the keys choose, the download is a CSV
// that ImportPeople reads back into the colleague's judgements. The page
// itself is checked for its policy (only its own script and style, by
// hash; no address it could fetch) and for escaping the answers' markup.
func TestBlindHTMLChoicesImport(t *testing.T) {
	ctx := context.Background()
	w, run, res := humanRun(t, 8)
	v := verdict.Compute(verdict.Input{RunID: run.ID, Results: res})
	page, err := BlindPage(run, res, v, "pt-BR")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteBlindHTML(&buf, page); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if strings.Contains(html, "<img src=x") || strings.Contains(html, "</script><img") || strings.Contains(html, "<script>alert") || strings.Contains(html, "<b>check") {
		t.Fatal("an answer's markup reached the page unescaped")
	}
	if m := regexp.MustCompile(`(?i)(https?:|//[a-z0-9])`).FindString(html); m != "" {
		t.Errorf("the page names an address (%q): it must fetch nothing", m)
	}
	if n := strings.Count(html, "<script"); n != 3 {
		t.Errorf("%d script elements; want the two data blocks and the one script", n)
	}
	scripts := regexp.MustCompile(`(?s)<script([^>]*)>(.*?)</script>`).FindAllStringSubmatch(html, -1)
	blocks := map[string]string{}
	code := ""
	for _, s := range scripts {
		if id := regexp.MustCompile(`id="(\w+)"`).FindStringSubmatch(s[1]); id != nil {
			blocks[id[1]] = s[2]
		} else {
			code = s[2]
		}
	}
	sum := sha256.Sum256([]byte(code))
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(html)
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(html)
	ssum := sha256.Sum256([]byte(style[1]))
	if csp == nil || !strings.HasPrefix(stdhtml.UnescapeString(csp[1]), "default-src 'none'; script-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'; style-src 'sha256-"+base64.StdEncoding.EncodeToString(ssum[:])+"';") {
		t.Errorf("the CSP does not allow exactly the page's script by its hash: %s", regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>`).FindString(html))
	}

	vm := goja.New()
	els := map[string]*goja.Object{}
	listeners := map[string]goja.Callable{} // "id event"
	fire := func(id, ev string) {
		f := listeners[id+" "+ev]
		if f == nil {
			t.Fatalf("nothing listens to %s on #%s", ev, id)
		}
		if _, err := f(els[id], vm.NewObject()); err != nil {
			t.Fatal(err)
		}
	}
	get := func(id string) *goja.Object {
		if o, ok := els[id]; ok {
			return o
		}
		o := vm.NewObject()
		o.Set("id", id)
		o.Set("textContent", blocks[id])
		o.Set("value", "")
		o.Set("hidden", false)
		o.Set("addEventListener", func(ev string, f goja.Callable) { listeners[id+" "+ev] = f })
		els[id] = o
		return o
	}
	var keydown goja.Callable
	var downloads []string
	blobs := map[string]string{}
	doc := vm.NewObject()
	doc.Set("getElementById", get)
	doc.Set("addEventListener", func(ev string, f goja.Callable) {
		if ev == "keydown" {
			keydown = f
		}
	})
	doc.Set("createElement", func(tag string) *goja.Object {
		a := vm.NewObject()
		a.Set("click", func() { downloads = append(downloads, blobs[a.Get("href").String()]) })
		return a
	})
	body := vm.NewObject()
	body.Set("appendChild", func(goja.Value) {})
	body.Set("removeChild", func(goja.Value) {})
	doc.Set("body", body)
	vm.Set("document", doc)
	store := map[string]string{}
	ls := vm.NewObject()
	ls.Set("getItem", func(k string) goja.Value {
		if s, ok := store[k]; ok {
			return vm.ToValue(s)
		}
		return goja.Null()
	})
	ls.Set("setItem", func(k, s string) { store[k] = s })
	vm.Set("localStorage", ls)
	if _, err := vm.RunString(`function Blob(parts, opt){ this.text = parts.join(""); this.type = opt && opt.type; }`); err != nil {
		t.Fatal(err)
	}
	url := vm.NewObject()
	url.Set("createObjectURL", func(b *goja.Object) string {
		u := fmt.Sprintf("blob:%d", len(blobs))
		blobs[u] = b.Get("text").String()
		return u
	})
	vm.Set("URL", url)
	if _, err := vm.RunString(code); err != nil {
		t.Fatalf("the page's script fails: %v", err)
	}
	text := func(id string) string { return get(id).Get("textContent").String() }
	press := func(key string) {
		ev := vm.NewObject()
		ev.Set("key", key)
		tgt := vm.NewObject()
		tgt.Set("tagName", "BODY")
		ev.Set("target", tgt)
		ev.Set("preventDefault", func() {})
		if _, err := keydown(doc, ev); err != nil {
			t.Fatal(err)
		}
	}
	if keydown == nil {
		t.Fatal("the page listens to no key")
	}
	if got := text("progress"); got != "1 de 8" {
		t.Errorf("progress %q, want 1 de 8", got)
	}
	shown := func() string {
		return text("in") + "|" + text("ex") + "|" + text("lt") + "|" + text("rt") + "|" + text("was")
	}
	first := page.Items[0]
	if s := shown(); strings.Contains(s, "(zero-shot)") || !strings.Contains(s, first.LeftText) || !strings.Contains(s, first.RightText) {
		t.Fatalf("before the first choice the page shows %q: answers without names", s)
	}
	get("who").Set("value", `Carla "C", QA`)
	fire("who", "input")
	keys := []string{"1", "ArrowRight", "3", "4", "Backspace", "ArrowUp", "2", "ArrowLeft", "1", "2", "ArrowDown"}
	want := []string{"left", "right", "same", "both_bad", "right", "left", "left", "right"} // the last ArrowDown comes after the end
	for i, k := range keys {
		press(k)
		if i == 0 {
			if was := text("was"); !strings.Contains(was, first.LeftName) || !strings.Contains(was, first.RightName) || !strings.Contains(was, "esquerda") {
				t.Errorf("after the choice the names are not revealed: %q", was)
			}
			if text("progress") != "2 de 8" {
				t.Errorf("progress after one choice %q", text("progress"))
			}
		}
	}
	if get("done").Get("hidden").ToBoolean() {
		t.Error("the done note is hidden after the last choice")
	}
	fire("dl", "click")
	if len(downloads) != 1 {
		t.Fatalf("%d downloads", len(downloads))
	}
	csv := downloads[0]
	if !strings.HasPrefix(csv, "left_result,right_result,choice,who,judged_at\r\n") || strings.Count(csv, "\r\n") != 9 {
		t.Fatalf("download %q", csv)
	}
	got, err := w.ImportPeople(ctx, []byte(csv), "fallback")
	if err != nil || got.Judgements != 8 || len(got.Bad) != 0 {
		t.Fatalf("import %+v, %v", got, err)
	}
	js, err := w.Store().RunJudgements(ctx, run.ID)
	if err != nil || len(js) != 8 {
		t.Fatalf("stored %d judgements, %v", len(js), err)
	}
	byPair := map[[2]int64]data.Judgement{}
	for _, j := range js {
		byPair[[2]int64{j.Left, j.Right}] = j
	}
	for i, it := range page.Items {
		j, ok := byPair[[2]int64{it.Left, it.Right}]
		if !ok || j.Choice != want[i] || j.Who != `Carla "C", QA` || j.At.IsZero() {
			t.Errorf("item %d: stored %+v, want %s by Carla", i, j, want[i])
		}
	}
	// The browser kept the progress: a reload resumes at the end.
	if len(store) != 1 {
		t.Errorf("progress kept under %d keys", len(store))
	}
}

// A ratings file and a choices file both import; bad rows are named by
// line and the good ones kept.
func TestImportPeopleFormats(t *testing.T) {
	ctx := context.Background()
	w, run, res := humanRun(t, 2)
	id := func(ep string, c int) int64 {
		for _, r := range res {
			if r.Endpoint == ep && r.Case == c {
				return r.ID
			}
		}
		t.Fatalf("no %s %d", ep, c)
		return 0
	}
	g0, p0, g1, p1 := id("good", 0), id("poor", 0), id("good", 1), id("poor", 1)
	ratings := fmt.Sprintf("\xef\xbb\xbfresult_id;score;note\n%d;0,75;tom certo\n%d;2\nx;1\n", g0, p0)
	got, err := w.ImportPeople(ctx, []byte(ratings), "ana")
	if err != nil || got.Ratings != 1 || len(got.Bad) != 2 || !strings.HasPrefix(got.Bad[0], "line 3: score") || !strings.HasPrefix(got.Bad[1], "line 4: result_id") {
		t.Fatalf("ratings %+v, %v", got, err)
	}
	choices := fmt.Sprintf("left_result,right_result,choice,who,judged_at\n%d,%d,left,,2026-12-02T10:00:00Z\n%d,%d,sideways,bo,\n%d,%d,right,bo,yesterday\n%d,%d,same,bo\n",
		g0, p0, g0, p0, g1, p1, g0, p1)
	got, err = w.ImportPeople(ctx, []byte(choices), "ana")
	if err != nil || got.Judgements != 1 || len(got.Bad) != 3 {
		t.Fatalf("choices %+v, %v", got, err)
	}
	for i, want := range []string{"line 3: choice", "line 4: judged_at", "line 5: judgement: results"} {
		if !strings.HasPrefix(got.Bad[i], want) {
			t.Errorf("bad row %d: %q, want %s…", i, got.Bad[i], want)
		}
	}
	p, err := w.People(ctx, run.ID)
	if err != nil || len(p.Scores) != 1 || p.Scores[g0][0] != 0.75 || len(p.Judgements) != 1 || p.Judgements[0].Who != "ana" {
		t.Errorf("people %+v, %v", p, err)
	}
}

// A blind session resumes where it stopped, with the same layout, after the
// database is closed and opened again; a fresh one lays out anew.
func TestBlindSessionResumes(t *testing.T) {
	ctx := context.Background()
	w, run, res := humanRun(t, 6)
	v := verdict.Compute(verdict.Input{RunID: run.ID, Results: res})
	b, err := w.OpenBlind(ctx, run, res, v, "ana", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Session.Items) != 6 || b.Next() != 0 {
		t.Fatalf("items %d, next %d", len(b.Session.Items), b.Next())
	}
	for i, c := range []string{verdict.ChoiceLeft, verdict.ChoiceSame} {
		l, r, err := w.Choose(ctx, b, i, c)
		if err != nil {
			t.Fatal(err)
		}
		if l == r || (l.Endpoint != "good" && l.Endpoint != "poor") {
			t.Errorf("revealed %v and %v", l, r)
		}
	}
	path := w.Path()
	w.Close()
	w2, err := OpenWith(ctx, path, nil, errors.New("no catalog"))
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	b2, err := w2.OpenBlind(ctx, run, res, v, "ana", false)
	if err != nil {
		t.Fatal(err)
	}
	if b2.Session.ID != b.Session.ID || b2.Next() != 2 || b2.Choices[0] != verdict.ChoiceLeft || b2.Choices[1] != verdict.ChoiceSame {
		t.Fatalf("resumed %+v next %d", b2.Choices, b2.Next())
	}
	for i := range b.Session.Items {
		if b.Session.Items[i] != b2.Session.Items[i] {
			t.Fatalf("item %d moved: %+v → %+v", i, b.Session.Items[i], b2.Session.Items[i])
		}
	}
	b3, err := w2.OpenBlind(ctx, run, res, v, "ana", true)
	if err != nil || b3.Session.ID == b.Session.ID {
		t.Fatalf("fresh %+v, %v", b3, err)
	}
	// Starting over judges again: the new session has no choices yet, and
	// its choices replace the old ones (one per person per pair).
	if len(b3.Choices) != 0 || b3.Next() != 0 {
		t.Errorf("fresh session starts with %d choices", len(b3.Choices))
	}
	if _, _, err := w2.Choose(ctx, b3, 0, verdict.ChoiceRight); err != nil {
		t.Fatal(err)
	}
	js, err := w2.Store().RunJudgements(ctx, run.ID)
	if err != nil || len(js) > 3 || len(js) < 2 {
		t.Errorf("%d judgements after starting over, %v", len(js), err)
	}
}
