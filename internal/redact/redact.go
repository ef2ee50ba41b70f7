// Package redact is the one place that hides API keys in text: every key a
// run uses (its endpoints', the judge's, the embedding endpoint's, whichever
// store they came from) is added to one Redactor, which cleans whatever a
// server sent back before it is stored, printed or exported.
package redact

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Hidden replaces a key in cleaned text.
const Hidden = "[API key hidden]"

// MinKey is the shortest value treated as a key: shorter values ("none",
// "ollama") would mangle ordinary text and protect nothing.
const MinKey = 8

// prefixLen is how much of a key's start is enough to hide the rest: a
// server that cuts its error message in the middle of a key still leaks
// that much, so an occurrence of the first prefixLen characters is hidden
// together with the key characters that follow it.
const prefixLen = 12

// Redactor hides known keys, and anything sent as a bearer token or an
// api-key header, in text. Its methods are safe for concurrent use; a nil
// Redactor still hides bearer tokens and api-key headers.
type Redactor struct {
	mu   sync.RWMutex
	keys []string // longest first
}

// New returns a Redactor that knows keys.
func New(keys ...string) *Redactor {
	r := &Redactor{}
	r.Add(keys...)
	return r
}

// Add teaches the Redactor more keys; values shorter than MinKey are ignored.
func (r *Redactor) Add(keys ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range keys {
		k = strings.TrimSpace(k)
		if len(k) < MinKey || contains(r.keys, k) {
			continue
		}
		r.keys = append(r.keys, k)
	}
	sort.Slice(r.keys, func(i, j int) bool { return len(r.keys[i]) > len(r.keys[j]) })
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// secretEnvName is an environment variable whose name says it holds a secret.
var secretEnvName = regexp.MustCompile(`(?i)(api_?key|_key$|token|secret|password)`)

// AddEnv adds the values of the named environment variables and of every
// variable whose name says it holds a secret.
func (r *Redactor) AddEnv(names ...string) {
	for _, n := range names {
		if n != "" {
			r.Add(os.Getenv(n))
		}
	}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && secretEnvName.MatchString(k) {
			r.Add(v)
		}
	}
}

// FromEnv is a Redactor that knows the values of the named variables and of
// every secret-looking variable in the environment.
func FromEnv(names ...string) *Redactor {
	r := New()
	r.AddEnv(names...)
	return r
}

// credential is what HTTP sends a key as: "Bearer KEY", "api-key: KEY",
// "x-api-key=KEY", also inside echoed JSON ("Authorization": "Bearer KEY").
var credential = regexp.MustCompile(`(?i)(bearer\s+|basic\s+|(?:x-)?api[-_]?key["']?\s*[:=]\s*["']?)([A-Za-z0-9._~+/=\-]{8,})`)

// mayHoldCredential reports whether s has one of the words credential
// needs ("bearer", "basic", "api", in any case), so that most answers skip
// the regexp (4 % of the runner's CPU at concurrency 100, issue 13). Under
// (?i) the regexp folds letters as Unicode does: of these words' letters
// only s has a fold outside ASCII (ſ, U+017F), so a text with ſ goes to
// the regexp too.
func mayHoldCredential(s string) bool {
	return hasFold(s, "bearer") || hasFold(s, "basic") || hasFold(s, "api") || strings.Contains(s, "ſ")
}

// hasFold reports whether s contains word (lower-case ASCII) in any case.
func hasFold(s, word string) bool {
	first := word[0]
	for i := 0; i+len(word) <= len(s); i++ {
		if s[i]|0x20 != first {
			continue
		}
		j := 1
		for j < len(word) && s[i+j]|0x20 == word[j] {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
}

// keyChars are the characters keys are made of, to find where a cut key ends.
func keyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~+/=", c) >= 0
}

// Clean returns s with every known key (and every start of one at least
// prefixLen long), bearer token and api-key header value hidden.
func (r *Redactor) Clean(s string) string {
	if s == "" {
		return s
	}
	if r != nil {
		r.mu.RLock()
		keys := r.keys
		r.mu.RUnlock()
		for _, k := range keys {
			if strings.Contains(s, k) {
				s = strings.ReplaceAll(s, k, Hidden)
			}
			if len(k) > prefixLen {
				s = hidePrefix(s, k[:prefixLen])
			}
		}
	}
	if mayHoldCredential(s) && credential.MatchString(s) {
		s = credential.ReplaceAllStringFunc(s, func(m string) string {
			sub := credential.FindStringSubmatch(m)
			if sub[2] == strings.Trim(Hidden, "[]") {
				return m
			}
			return sub[1] + Hidden
		})
	}
	return s
}

func hidePrefix(s, prefix string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, prefix)
		if i < 0 {
			if b.Len() == 0 {
				return s
			}
			b.WriteString(s)
			return b.String()
		}
		j := i + len(prefix)
		for j < len(s) && keyChar(s[j]) {
			j++
		}
		b.WriteString(s[:i])
		b.WriteString(Hidden)
		s = s[j:]
	}
}

// Knows reports whether s contains one of the Redactor's keys.
func (r *Redactor) Knows(s string) bool {
	if r == nil {
		return false
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, k := range r.keys {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

// keyShape is text that looks like an API key rather than a name: a known
// key prefix, or a long run of mixed-case letters and digits.
var knownPrefix = regexp.MustCompile(`^(sk-|sk_|pk-|rk-|gsk_|xai-|hf_|ghp_|github_pat_|AKIA|AIza|r8_|pplx-|nvapi-|key-)`)

// LooksLikeKey reports whether s looks like an API key itself (someone
// pasted the key where the name of its environment variable belongs).
func LooksLikeKey(s string) bool {
	s = strings.TrimSpace(s)
	if knownPrefix.MatchString(s) && len(s) >= 12 {
		return true
	}
	if len(s) < 20 {
		return false
	}
	var lower, upper, digit bool
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= '0' && c <= '9':
			digit = true
		}
	}
	return lower && upper && digit || lower && digit && !strings.Contains(s, "_")
}
