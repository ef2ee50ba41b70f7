package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// sharedCopies are the folders of the shared folder (../shared beside the
// checkout) that tests read, copied into testdata/shared so that a clone of
// the repository alone runs every test.
var sharedCopies = []string{"scenarios", filepath.Join("fixtures", "llamacpp")}

// TestSharedCopiesMatch fails when a copy in testdata/shared differs from
// ../shared: a file changed, added or removed on either side. Without
// ../shared beside the checkout (a plain clone, CI) there is nothing to
// compare and the copies are what the tests use.
func TestSharedCopiesMatch(t *testing.T) {
	for _, dir := range sharedCopies {
		orig := filepath.Join("..", "shared", dir)
		if _, err := os.Stat(orig); err != nil {
			t.Logf("%s is not beside the checkout: the copy in testdata/shared is used as it is", orig)
			continue
		}
		copyDir := filepath.Join("testdata", "shared", dir)
		want, got := treeFiles(t, orig), treeFiles(t, copyDir)
		for name, b := range want {
			c, ok := got[name]
			switch {
			case !ok:
				t.Errorf("%s is missing from %s: copy it (cp -r %s testdata/shared/%s)", filepath.Join(orig, name), copyDir, orig, filepath.Dir(dir))
			case !bytes.Equal(b, c):
				t.Errorf("%s differs from %s: copy it again", filepath.Join(copyDir, name), filepath.Join(orig, name))
			}
		}
		var extra []string
		for name := range got {
			if _, ok := want[name]; !ok {
				extra = append(extra, name)
			}
		}
		sort.Strings(extra)
		for _, name := range extra {
			t.Errorf("%s is not in %s any more: remove it", filepath.Join(copyDir, name), orig)
		}
	}
}

// treeFiles is every regular file under dir, by slash path relative to it.
func treeFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatalf("read %s: %v", dir, err)
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no files", dir)
	}
	return out
}
