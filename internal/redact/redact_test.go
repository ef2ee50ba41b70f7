package redact

import (
	"strings"
	"testing"
)

func TestCleanHidesKeysHeadersAndCutKeys(t *testing.T) {
	const key = "sk-SENTINEL-4f9a8b7c6d5e4f3a2b1c"
	r := New(key, "short")
	cases := map[string]string{
		"your key " + key + " is bad":                               "your key [API key hidden] is bad",
		`{"headers":{"Authorization":"Bearer other-token-123456"}}`: `{"headers":{"Authorization":"Bearer [API key hidden]"}}`,
		"api-key: abcdefgh12345678":                                 "api-key: [API key hidden]",
		"the body was cut: sk-SENTINEL-4f9a…":                       "the body was cut: [API key hidden]…",
		"short stays":                                               "short stays",
	}
	for in, want := range cases {
		if got := r.Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
	var nilR *Redactor
	if got := nilR.Clean("Bearer abcdefgh12345"); got != "Bearer [API key hidden]" {
		t.Errorf("nil redactor: %q", got)
	}
}

func TestLooksLikeKey(t *testing.T) {
	for _, s := range []string{"sk-proj-abc123def456", "AIzaSyA1b2C3d4E5f6G7h8", "gsk_1234567890abcdef", "a8F3kLq9ZpX2mN7vB4cD1eR6"} {
		if !LooksLikeKey(s) {
			t.Errorf("%q should look like a key", s)
		}
	}
	for _, s := range []string{"OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "MY_LLM_KEY", "GROQ_API_KEY", "TOGETHER_API_KEY"} {
		if LooksLikeKey(s) {
			t.Errorf("%q is a variable name", s)
		}
	}
	if !strings.Contains(New("x").Clean("x"), "x") {
		t.Error("a one-letter value must not be treated as a key")
	}
}
