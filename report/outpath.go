package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/llm-advisor/llm-advisor/internal/safefile"
)

// ErrUnsafeOut is wrapped by CheckOut's refusals.
var ErrUnsafeOut = errors.New("refusing to write the export there")

// CheckOut refuses an export path that would destroy something: one that
// resolves (through symbolic links, hard links or another spelling) to one
// of the protected files — the database and its -wal, -shm and -journal
// files — or that exists and is not a regular file (a folder, a device such
// as /dev/null, a named pipe). Writing replaces the target by renaming a
// temporary file over it, so either would be lost.
func CheckOut(out string, protected ...string) error {
	if out == "" {
		return fmt.Errorf("%w: no file name given", ErrUnsafeOut)
	}
	st, err := os.Stat(out)
	switch {
	case err == nil && !st.Mode().IsRegular():
		return fmt.Errorf("%w: %s is %s, not a file; choose a new file name", ErrUnsafeOut, out, safefile.Kind(st.Mode()))
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%w: %s: %v", ErrUnsafeOut, out, err)
	}
	if lst, lerr := os.Lstat(out); lerr == nil && lst.Mode()&os.ModeSymlink != 0 && err != nil {
		// A dangling link: the rename would replace the link, harmless, but
		// its target may be a protected file not created yet.
		if t, rerr := os.Readlink(out); rerr == nil {
			if !filepath.IsAbs(t) {
				t = filepath.Join(filepath.Dir(out), t)
			}
			out = t
		}
	}
	outAbs := resolved(out)
	for _, p := range protected {
		if p == "" {
			continue
		}
		if ps, perr := os.Stat(p); perr == nil && st != nil && os.SameFile(st, ps) || resolved(p) == outAbs {
			return fmt.Errorf("%w: %s is the database (or one of its files, %s); choose another file name", ErrUnsafeOut, out, filepath.Base(p))
		}
	}
	return nil
}

// resolved is path made absolute with its folder's symbolic links resolved,
// so two spellings of one file compare equal even before the file exists.
func resolved(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	dir, base := filepath.Split(abs)
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	if full, err := filepath.EvalSymlinks(filepath.Join(dir, base)); err == nil {
		return full
	}
	return filepath.Join(dir, base)
}
