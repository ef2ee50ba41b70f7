package livetest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/zalando/go-keyring"
)

func TestKeysKeyringThenEnv(t *testing.T) {
	keyring.MockInit()
	ep := advisor.Endpoint{Name: "openai-main", Kind: advisor.KindOpenAI, APIKeyEnv: "LLM_ADVISOR_TEST_KEY"}
	t.Setenv("LLM_ADVISOR_TEST_KEY", "sk-from-env")
	if k, err := LookupKey(ep); err != nil || k != "sk-from-env" {
		t.Errorf("env fallback: %q %v", k, err)
	}
	if err := SaveKey("openai-main", "sk-from-keyring"); err != nil {
		t.Fatal(err)
	}
	if k, err := LookupKey(ep); err != nil || k != "sk-from-keyring" {
		t.Errorf("keyring first: %q %v", k, err)
	}
	if err := DeleteKey("openai-main"); err != nil {
		t.Fatal(err)
	}
	if err := DeleteKey("openai-main"); err != nil {
		t.Errorf("deleting a missing key: %v", err)
	}
	t.Setenv("LLM_ADVISOR_TEST_KEY", "")
	_, err := LookupKey(ep)
	var mk *MissingKeyError
	if !errors.As(err, &mk) || !strings.Contains(err.Error(), "LLM_ADVISOR_TEST_KEY") {
		t.Errorf("no key anywhere: %v", err)
	}
	local := advisor.Endpoint{Name: "ollama", Kind: advisor.KindCompatible}
	if k, err := LookupKey(local); err != nil || k != "" {
		t.Errorf("a local server without a key: %q %v", k, err)
	}
}

// Without a secret service (CI, a bare server) the keyring fails; that is
// not an error, the environment still works.
func TestKeysWithoutKeyringService(t *testing.T) {
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	t.Setenv("LLM_ADVISOR_TEST_KEY", "sk-env")
	ep := advisor.Endpoint{Name: "x", Kind: advisor.KindOpenAI, APIKeyEnv: "LLM_ADVISOR_TEST_KEY"}
	if k, err := LookupKey(ep); err != nil || k != "sk-env" {
		t.Errorf("%q %v", k, err)
	}
	if err := SaveKey("x", "sk"); err == nil || !strings.Contains(err.Error(), "keyring is not available") {
		t.Errorf("SaveKey without a keyring: %v", err)
	}
}

func TestDetect(t *testing.T) {
	srv := serve(t, replay(t, "models"))
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	p, _ := strconv.Atoi(port)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	deadPort := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	notOpenAI := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>")) }))
	_, port2, _ := net.SplitHostPort(strings.TrimPrefix(notOpenAI.URL, "http://"))
	p2, _ := strconv.Atoi(port2)

	got := DetectPorts(context.Background(), []LocalPort{{"dead", deadPort}, {"web", p2}, {"llama.cpp", p}})
	if len(got) != 1 {
		t.Fatalf("found %+v, want only the llama.cpp server", got)
	}
	if got[0].Name != "llama.cpp" || got[0].BaseURL != "http://127.0.0.1:"+port+"/v1" || len(got[0].Models) != 1 || got[0].Models[0] != "stories260K" {
		t.Errorf("found %+v", got[0])
	}
}

func TestTestConnectionAndTry(t *testing.T) {
	bad := serve(t, replay(t, "error-auth-wrong"))
	ep := advisor.Endpoint{Name: "l", Kind: advisor.KindCompatible, BaseURL: bad.URL + "/v1", Model: "stories260K"}
	_, err := TestConnection(context.Background(), ep, "sk-wrong")
	if err == nil || !strings.Contains(err.Error(), "the API key was refused (401)") || strings.Contains(err.Error(), "sk-wrong") {
		t.Errorf("TestConnection: %v", err)
	}
	good := serve(t, replay(t, "chat-stream"))
	ep.BaseURL = good.URL + "/v1"
	if d, err := TestConnection(context.Background(), ep, ""); err != nil || d <= 0 {
		t.Errorf("TestConnection ok: %v %v", d, err)
	}
	r, err := Try(context.Background(), ep, "", "Tell me a story about a cat.")
	if err != nil || r.Output != `"Here," Annack` || r.TokensOut != 12 || r.LatencyMs <= 0 {
		t.Errorf("Try: %+v %v", r, err)
	}
}
