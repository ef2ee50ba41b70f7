//go:build unix

package safefile

import (
	"os"
	"syscall"
)

// openNoWait opens for reading without blocking on a named pipe that has
// no writer (O_NONBLOCK has no effect on regular files).
func openNoWait(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
