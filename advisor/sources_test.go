package advisor

import (
	"strings"
	"testing"
)

// Every page a built-in rule cites has a title, so the GUI and reports name
// the page instead of showing a bare domain.
func TestEverySourceHasATitle(t *testing.T) {
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range e.Rules() {
		for _, src := range strings.Fields(r.Source) {
			if !strings.HasPrefix(src, "http") {
				continue
			}
			n++
			if SourceTitle(src) == "" {
				t.Errorf("rule %s cites %s, which has no title in assets/rules/sources.json", r.ID, src)
			}
		}
	}
	if n == 0 {
		t.Fatal("no rule cites a web page")
	}
	if SourceTitle("https://example.com/unknown") != "" {
		t.Error("an unknown page has a title")
	}
}
