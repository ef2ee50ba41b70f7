package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// TestCSVFormulaInjection: cells from outputs and endpoint names that start
// with = + - @ are neutralised (OWASP), numbers are left alone.
func TestCSVFormulaInjection(t *testing.T) {
	rs := []advisor.Result{{RunID: 1, Endpoint: "=HYPERLINK(\"http://evil\",\"x\")", Model: "@SUM(A1)", Strategy: "zero-shot",
		Output: "+cmd|' /C calc'!A0", ErrorMessage: "-2+3", CostUSD: 0.5}}
	var b bytes.Buffer
	if err := WriteCSV(&b, rs); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	row := map[string]string{}
	for i, h := range recs[0] {
		row[h] = recs[1][i]
	}
	for _, col := range []string{"endpoint", "model", "output", "error_message"} {
		if !strings.HasPrefix(row[col], "'") {
			t.Errorf("%s = %q: not neutralised", col, row[col])
		}
	}
	if row["cost_usd"] != "0.5" || row["strategy"] != "zero-shot" {
		t.Errorf("plain cells changed: %q %q", row["cost_usd"], row["strategy"])
	}
}

// TestMarkdownEscapesLinks: an output cannot become a link or an image.
func TestMarkdownEscapesLinks(t *testing.T) {
	got := mdText("[click](javascript:alert(1)) ![x](http://evil/p.png) \\[y](z)")
	if strings.Contains(got, "](") && !strings.Contains(got, `\](`) {
		t.Errorf("link syntax survives: %q", got)
	}
	if strings.Contains(got, "[click]") || strings.Contains(got, "![x]") {
		t.Errorf("link syntax survives: %q", got)
	}
	if !strings.Contains(got, `\\\[y\]`) {
		t.Errorf("a backslash can undo the escape: %q", got)
	}
}

// A disk that fills in the middle of a Markdown export (the third file, then
// the last one) leaves nothing behind: no chart PNG, no copied image, no
// images folder, no temporary file. Files that were there before stay as
// they were. Without a failure the same export writes every file.
func TestMarkdownDiskFullLeavesNothing(t *testing.T) {
	root := t.TempDir()
	writeImages(t, root)
	in := kindsFixture("en", root)
	ok := t.TempDir()
	if _, err := WriteMarkdown(ok, "r.md", in); err != nil {
		t.Fatal(err)
	}
	all := listFiles(t, ok)
	if len(all) < 4 {
		t.Fatalf("a full export wrote only %v; the test needs charts and images", all)
	}
	files := 0
	for _, f := range all {
		if st, err := os.Stat(filepath.Join(ok, f)); err == nil && !st.IsDir() {
			files++
		}
	}
	for _, failAt := range []int{3, files} {
		t.Run(fmt.Sprint("fails at file ", failAt), func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("mine"), 0o644); err != nil {
				t.Fatal(err)
			}
			n := 0
			old := writeData
			writeData = func(f *os.File, b []byte) error {
				if n++; n == failAt {
					f.Write(b[:len(b)/2])
					return syscall.ENOSPC
				}
				return old(f, b)
			}
			defer func() { writeData = old }()
			_, err := WriteMarkdown(dir, "r.md", in)
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("err %v, want the disk-full error", err)
			}
			if got := listFiles(t, dir); len(got) != 1 || got[0] != "keep.txt" {
				t.Errorf("left behind: %v, want only keep.txt", got)
			}
		})
	}
}

// listFiles is every file and folder under dir, relative, sorted.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
