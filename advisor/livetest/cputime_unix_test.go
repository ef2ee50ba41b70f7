//go:build unix

package livetest

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used (user and system, all
// threads, the garbage collector's included): a cost that does not grow
// when other processes share the cores, as wall-clock time does.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
