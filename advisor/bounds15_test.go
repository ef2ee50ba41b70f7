package advisor

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/llm-advisor/llm-advisor/internal/safefile"
)

// TestRulesAndCatalogFilesAreBounded (issue 15 item 3): a user's rules or
// catalog file over its limit, a device or a named pipe in its place, and a
// small file of YAML aliases that expands to gigabytes are each refused as a
// load problem naming the file; the built-in rules and catalog still load.
// ParseCatalogFile ("import models") refuses the same.
func TestRulesAndCatalogFilesAreBounded(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: the size says over the limit without writing 32 MB.
	if err := f.Truncate(MaxCatalogBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fifo := filepath.Join(dir, "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	var bomb strings.Builder
	bomb.WriteString("a: &a \"" + strings.Repeat("x", 100_000) + "\"\nb: [")
	for i := 0; i < 1000; i++ {
		bomb.WriteString("*a, ")
	}
	bomb.WriteString("*a]\n")
	bombPath := filepath.Join(dir, "bomb.yaml")
	if err := os.WriteFile(bombPath, []byte(bomb.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, path string
		rules      bool
		want       func(error) bool
	}{
		{"rules over the limit", big, true, func(err error) bool { var tl *safefile.TooLargeError; return errors.As(err, &tl) }},
		{"catalog over the limit", big, false, func(err error) bool { var tl *safefile.TooLargeError; return errors.As(err, &tl) }},
		{"rules from a named pipe", fifo, true, func(err error) bool { return errors.Is(err, safefile.ErrNotRegular) }},
		{"catalog from a device", "/dev/zero", false, func(err error) bool { return errors.Is(err, safefile.ErrNotRegular) }},
		{"rules alias bomb", bombPath, true, func(err error) bool { return strings.Contains(err.Error(), "YAML aliases") }},
		{"catalog alias bomb", bombPath, false, func(err error) bool { return strings.Contains(err.Error(), "YAML aliases") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := WithCatalogFile(tc.path)
			if tc.rules {
				opt = WithRulesFile(tc.path)
			}
			e, err := NewEngine(opt)
			if err != nil {
				t.Fatalf("the built-ins no longer load: %v", err)
			}
			ps := e.Problems()
			if len(ps) != 1 || !tc.want(ps[0]) || !strings.Contains(ps[0].Error(), tc.path) {
				t.Fatalf("problems %v, want one naming %s", ps, tc.path)
			}
			if !tc.rules {
				if _, err := ParseCatalogFile(tc.path); err == nil || !tc.want(err) {
					t.Errorf("ParseCatalogFile(%s): err %v", tc.path, err)
				}
			}
		})
	}
}
