package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

func TestConnectCommand(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("LLM_ADVISOR_LANG", "en")
	t.Setenv("GROQ_API_KEY", "")
	const key = "gsk-cli-connect-key"
	t.Cleanup(func() { livetest.ForgetKey(livetest.ConnectionKeyName("groq")) })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.URL.Path != "/api/pull" && r.Header.Get("Authorization") != "Bearer "+key {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":{"message":"Invalid API Key","code":"invalid_api_key"}}`)
			return
		}
		switch r.URL.Path {
		case "/v1/models":
			fmt.Fprint(w, `{"object":"list","data":[{"id":"llama-3.1-8b-instant"},{"id":"whisper-large-v3"}]}`)
		case "/v1/chat/completions":
			ltSSE(w, "OK")
		case "/api/pull":
			fmt.Fprintln(w, `{"status":"downloading","total":100,"completed":50}`)
			fmt.Fprintln(w, `{"status":"success"}`)
		}
	}))
	defer srv.Close()
	run := func(stdin string, args ...string) (int, string, string) {
		var out, errb strings.Builder
		code := Run(args, strings.NewReader(stdin), &out, &errb)
		return code, out.String(), errb.String()
	}
	code, out, errs := run("wrong\n", "connect", "--provider", "groq", "--base-url", srv.URL+"/v1", "--key-stdin")
	if code != ExitFail || !strings.Contains(out, "Groq refused this key") {
		t.Errorf("bad key: exit %d, %q %q", code, out, errs)
	}
	code, out, _ = run("", "connect", "--provider", "groq", "--base-url", srv.URL+"/v1")
	if code != ExitUsage || !strings.Contains(out, "No key for Groq") || !strings.Contains(out, "GROQ_API_KEY") {
		t.Errorf("no key: exit %d, %q", code, out)
	}
	code, out, errs = run(key+"\n", "connect", "--provider", "groq", "--base-url", srv.URL+"/v1", "--key-stdin", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	var res connectResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || !res.OK || res.Model != "llama-3.1-8b-instant" || len(res.Models) != 2 {
		t.Errorf("%+v %v", res, err)
	}
	if strings.Contains(out+errs, key) {
		t.Error("the key is in the output")
	}
	conns, err := livetest.LoadConnections(livetest.ConnectionsPath())
	if err != nil || len(conns) != 1 || conns[0].Provider != "groq" {
		t.Errorf("connections %+v %v", conns, err)
	}
	b, _ := os.ReadFile(livetest.ConnectionsPath())
	if strings.Contains(string(b), key) {
		t.Error("the key is in the connections file")
	}
	code, out, _ = run("", "connect", "--list")
	if code != ExitOK || !strings.Contains(out, "groq") || !strings.Contains(out, "connected") || !strings.Contains(out, "https://api.anthropic.com/v1") {
		t.Errorf("list: %d %q", code, out)
	}
	code, out, errs = run("", "connect", "--pull", "llama3.1:8b", "--base-url", srv.URL+"/v1")
	if code != ExitOK || !strings.Contains(out, "llama3.1:8b is ready") || !strings.Contains(errs, "downloading  50%") {
		t.Errorf("pull: %d %q %q", code, out, errs)
	}
	if code, _, errs = run("", "connect", "--provider", "acme"); code != ExitUsage || !strings.Contains(errs, "anthropic") {
		t.Errorf("unknown provider: %d %q", code, errs)
	}
	if code, _, _ = run("", "connect", "--remove", "groq"); code != ExitOK {
		t.Error("remove failed")
	}
	if conns, _ := livetest.LoadConnections(livetest.ConnectionsPath()); len(conns) != 0 {
		t.Errorf("after remove: %+v", conns)
	}
}
