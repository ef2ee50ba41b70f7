package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/internal/redact"
)

// Sentinel keys, one per endpoint role. Each is also looked for by its
// first 12 characters, so a key cut in half is caught too.
var sentinels = map[string]string{
	"SENTINEL_CHAT_API_KEY":  "sk-SENTINELchat-7f3a9c2e41d8b5a6",
	"SENTINEL_JUDGE_API_KEY": "sk-SENTINELjudg-1b2c3d4e5f6a7b8c",
	"SENTINEL_EMBED_API_KEY": "sk-SENTINELembd-9e8d7c6b5a4f3e2d",
}

// echoServer echoes the request's headers everywhere a server can: in the
// answer text, in the judge's reason, in JSON and non-JSON error bodies (one
// cut just after 300 characters), in the embedding error and in its own
// response headers.
func echoServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var hdr bytes.Buffer
		r.Header.Write(&hdr)
		echo := hdr.String()
		auth := r.Header.Get("Authorization")
		for k, v := range r.Header {
			w.Header().Set("X-Echo-"+k, strings.Join(v, ","))
		}
		switch {
		case strings.HasSuffix(r.URL.Path, "/embeddings"):
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, "embedding refused; you sent %s", echo)
		case bytes.Contains(body, []byte(`"judge-model"`)):
			reply, _ := json.Marshal(map[string]any{"score": 1, "reason": "I was called with " + auth})
			ltSSE(w, string(reply))
		case bytes.Contains(body, []byte("question 1")):
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			msg, _ := json.Marshal(map[string]any{"error": map[string]any{"message": "bad request with headers " + echo, "type": "invalid_request_error"}})
			w.Write(msg)
		case bytes.Contains(body, []byte("question 2")):
			w.WriteHeader(http.StatusTeapot)
			// Not JSON; the key starts at character 290, so a cut at 300
			// keeps only its beginning.
			fmt.Fprintf(w, "%s%s", strings.Repeat("x", 290-len("Bearer ")), auth)
		default:
			ltSSE(w, "four; your headers were "+echo)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestSentinelKeysLeakNowhere sends a sentinel key through every endpoint
// role (chat endpoint, judge, embedding) to a server that echoes it
// everywhere, then looks for each key in every file under the data and
// config folders, in every export and in everything printed.
func TestSentinelKeysLeakNowhere(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed to read the PDF export back; make deps installs it")
	}
	for k, v := range sentinels {
		t.Setenv(k, v)
	}
	home := t.TempDir()
	dataHome, configHome, out := filepath.Join(home, "data"), filepath.Join(home, "config"), filepath.Join(home, "out")
	for _, d := range []string{dataHome, configHome, out} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", dataHome)
	t.Setenv("XDG_CONFIG_HOME", configHome)
	t.Setenv("LLM_ADVISOR_DB", "")
	docs := filepath.Join(home, "docs")
	os.MkdirAll(docs, 0o700)
	os.WriteFile(filepath.Join(docs, "policy.md"), []byte("Returns are accepted within four weeks of purchase."), 0o600)

	srv := echoServer(t)
	plan := filepath.Join(home, "plan.yaml")
	os.WriteFile(plan, []byte(fmt.Sprintf(`name: sentinel
endpoints:
  - {name: main, kind: openai-compatible, base_url: %[1]s/v1, model: chat-model, api_key_env: SENTINEL_CHAT_API_KEY}
judge: {name: judge, kind: openai-compatible, base_url: %[1]s/v1, model: judge-model, api_key_env: SENTINEL_JUDGE_API_KEY}
embedding: {name: embed, kind: openai-compatible, base_url: %[1]s/v1, model: embed-model, api_key_env: SENTINEL_EMBED_API_KEY}
rubric: Is it right?
strategies: [zero-shot, rag]
documents: %[2]s
cases:
  - {input: "question 0", expected: "four", checks: [contains, judge, similarity]}
  - {input: "question 1", expected: "four", checks: [contains]}
  - {input: "question 2", expected: "four", checks: [contains]}
`, srv.URL, docs)), 0o600)

	var printed strings.Builder
	code, stdout, stderr := runCLI("test", "--plan", plan, "--json")
	printed.WriteString(stdout + stderr)
	if code == ExitUsage {
		t.Fatalf("test: exit %d: %s", code, stderr)
	}
	var sum testSummary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil || sum.RunID == 0 {
		t.Fatalf("summary: %v\n%s\n%s", err, stdout, stderr)
	}
	for _, f := range []string{"csv", "json", "html", "md", "pdf", "jsonl"} {
		code, so, se := runCLI("report", "--run", fmt.Sprint(sum.RunID), "--format", f, "--out", filepath.Join(out, "r."+f))
		printed.WriteString(so + se)
		if code != ExitOK {
			t.Fatalf("report --format %s: exit %d: %s", f, code, se)
		}
	}
	if !strings.Contains(printed.String(), redact.Hidden) && !strings.Contains(stdout, "error") {
		t.Log(printed.String())
	}

	haystacks := map[string]string{"stdout and stderr": printed.String()}
	for _, root := range []string{dataHome, configHome, out} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			haystacks[p] = string(b)
			if strings.HasSuffix(p, ".pdf") {
				txt, err := exec.Command("pdftotext", p, "-").Output()
				if err != nil {
					t.Fatalf("pdftotext %s: %v", p, err)
				}
				haystacks[p+" (text)"] = string(txt)
			}
			return nil
		})
	}
	if len(haystacks) < 8 {
		t.Fatalf("only %d places to look in; the run or the exports did not happen", len(haystacks))
	}
	// The server did echo: the hidden marker is in the stored answers.
	if !strings.Contains(haystacks[filepath.Join(out, "r.csv")], redact.Hidden) {
		t.Errorf("the CSV export has no %q: the echo server's echoes did not reach the results", redact.Hidden)
	}
	for where, text := range haystacks {
		for name, key := range sentinels {
			if strings.Contains(text, key[:12]) {
				i := strings.Index(text, key[:12])
				t.Errorf("%s (%s) found in %s: …%s…", name, key[:12], where, text[max(0, i-60):min(len(text), i+40)])
			}
		}
	}
}
