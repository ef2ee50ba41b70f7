// Package safefile reads files that come from outside the program (plans,
// answers, rules, catalogs, documents, case media) so that none of them can
// hang or exhaust it: only regular files are read, never a device, a named
// pipe or a socket, and never more than a stated number of bytes.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrNotRegular is wrapped by the error for a path that is not a regular
// file (a folder, a device such as /dev/zero, a named pipe, a socket).
var ErrNotRegular = errors.New("not a regular file")

// TooLargeError is a file over the limit its reader allows.
type TooLargeError struct {
	Path  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %s, the most this program reads from such a file", filepath.Base(e.Path), Size(e.Limit))
}

// Kind names what a file mode is, in plain words.
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a file"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a plain file"
}

func notRegular(path string, m fs.FileMode) error {
	return fmt.Errorf("%s is %s, %w; give a plain file", path, Kind(m), ErrNotRegular)
}

// Open opens path for reading when it is a regular file (a symbolic link to
// one is fine). It never blocks on a named pipe: the file is opened without
// waiting and checked again once open.
func Open(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular(path, st.Mode())
	}
	f, err := openNoWait(path)
	if err != nil {
		return nil, err
	}
	st, err = f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, notRegular(path, st.Mode())
	}
	return f, nil
}

// Read reads a regular file of at most limit bytes; a larger one gives a
// *TooLargeError and nothing more than limit+1 bytes is ever read. Size()
// is not trusted (it is 0 for a device and may change while reading).
func Read(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(f, path, limit)
}

// ReadAll reads r to its end, at most limit bytes; name is used in the
// error of a reader that has more.
func ReadAll(r io.Reader, name string, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &TooLargeError{Path: name, Limit: limit}
	}
	return b, nil
}

// Size is a byte count in plain words (KB and MB are 1024-based).
func Size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
