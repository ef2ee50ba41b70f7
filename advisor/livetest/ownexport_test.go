package livetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A report the app saved into the documents folder is never read as a
// document of a retrieval test.
func TestOwnExportsAreNotDocuments(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"faq.md":                      "Opening hours are 9 to 5.",
		"llm-advisor-run-3.md":        "# Live test report",
		"LLM-Advisor-Report.md":       "# Recommendation",
		"notes/llm-advisor-run-12.md": "# Another report",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var read []string
	skipped, err := walkDocuments(dir, func(rel, path string) error { read = append(read, rel); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(read) != 1 || read[0] != "faq.md" {
		t.Errorf("documents read: %v, want only faq.md", read)
	}
	if len(skipped) != 3 || !strings.Contains(strings.Join(skipped, "|"), "a report of LLM Advisor") {
		t.Errorf("skipped: %v", skipped)
	}
}
