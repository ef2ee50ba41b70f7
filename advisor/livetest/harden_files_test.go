//go:build unix

package livetest

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDocumentsFolderReadsOnlyRegularFilesInside: a named pipe, a link to
// /dev/zero, a link leading out of the folder and a dangling link are each
// skipped with a reason; the real document is read; nothing hangs.
func TestDocumentsFolderReadsOnlyRegularFilesInside(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(outside, []byte("outside secret words"), 0o600)
	os.WriteFile(filepath.Join(dir, "good.txt"), []byte("returns within thirty days"), 0o600)
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Symlink("/dev/zero", filepath.Join(dir, "zero.txt"))
	os.Symlink(outside, filepath.Join(dir, "passwd.txt"))
	os.Symlink(filepath.Join(dir, "missing.txt"), filepath.Join(dir, "dangling.md"))
	os.Symlink(filepath.Join(dir, "good.txt"), filepath.Join(dir, "alias.md"))

	type out struct {
		n       int
		texts   string
		skipped []string
		err     error
	}
	done := make(chan out, 1)
	go func() {
		cs, sk, err := ScanFolder(dir)
		var b strings.Builder
		for _, c := range cs {
			b.WriteString(c.Source + ":" + c.Text + "\n")
		}
		done <- out{len(cs), b.String(), sk, err}
	}()
	var o out
	select {
	case o = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("reading the documents folder hangs")
	}
	if o.err != nil {
		t.Fatal(o.err)
	}
	if strings.Contains(o.texts, "outside secret") || !strings.Contains(o.texts, "good.txt:returns") || !strings.Contains(o.texts, "alias.md:returns") {
		t.Errorf("chunks:\n%s", o.texts)
	}
	all := strings.Join(o.skipped, "\n")
	for _, want := range []string{"pipe.txt (not a plain file: a named pipe)", "zero.txt (a link to outside the folder)", "passwd.txt (a link to outside the folder)", "dangling.md (a link to nothing)"} {
		if !strings.Contains(all, want) {
			t.Errorf("skipped lacks %q:\n%s", want, all)
		}
	}
	// A case's image that is a pipe or a device is a bad case, not a hang.
	for _, p := range []string{filepath.Join(dir, "pipe.txt"), "/dev/zero"} {
		ch := make(chan error, 1)
		go func() { _, err := readMedia(p, MaxImageBytes, sniffImage); ch <- err }()
		select {
		case err := <-ch:
			if err == nil || !strings.Contains(err.Error(), "not a plain file") {
				t.Errorf("media %s: %v", p, err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("reading %s as a case's image hangs", p)
		}
	}
}
