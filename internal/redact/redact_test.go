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

// TestCredentialPrefilter: the words checked before the regexp let through
// every text the regexp matches, in any case and with Unicode's folds.
func TestCredentialPrefilter(t *testing.T) {
	for _, s := range []string{
		"Authorization: Bearer sk-abcdefgh12345", "BEARER abcdefgh12345", "bEaReR\tabcdefgh12345",
		"basic dXNlcjpwYXNzd29yZA==", "BaſIC dXNlcjpwYXNzd29yZA==", "api-key: abcdefgh12345",
		`"X-API-KEY": "abcdefgh12345"`, "apikey=abcdefgh12345", "Api_Key='abcdefgh12345'", "x-api-Key: abcdefgh12345",
	} {
		if !credential.MatchString(s) {
			t.Fatalf("the regexp does not match %q: the case is wrong", s)
		}
		if !mayHoldCredential(s) {
			t.Errorf("the prefilter drops %q, which the regexp matches", s)
		}
	}
	for _, s := range []string{"", "Olá! O prazo de entrega é de 5 dias úteis.", "bear er", "ap i", "bas1c", "b"} {
		if mayHoldCredential(s) {
			t.Errorf("the prefilter lets %q through: it has none of the words", s)
		}
	}
}

// FuzzCredentialPrefilter: whatever the regexp matches, the prefilter lets through.
func FuzzCredentialPrefilter(f *testing.F) {
	for _, s := range []string{"Bearer abcdefgh12345", "BaſIC abcdefgh12345", "x-api-key: abcdefgh", "no key here"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if credential.MatchString(s) && !mayHoldCredential(s) {
			t.Errorf("the prefilter drops %q, which the regexp matches", s)
		}
	})
}

func BenchmarkCleanAnswer(b *testing.B) {
	r := New("sk-test-abcdefghijklmnop")
	s := strings.Repeat("O prazo de entrega é de 5 dias úteis, contados da confirmação do pagamento. ", 10)
	for i := 0; i < b.N; i++ {
		r.Clean(s)
	}
}
