//go:build unix && cgo

package data

/*
#include <signal.h>
#include <string.h>
#include <unistd.h>

static const char *busMessage = "";

static void onBus(int sig) {
	(void)sig;
	// Only async-signal-safe calls: write and _exit.
	ssize_t n = write(2, busMessage, strlen(busMessage));
	(void)n;
	_exit(1);
}

static int installBusHandler(const char *msg) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	busMessage = msg;
	sa.sa_handler = onBus;
	// SA_ONSTACK: the Go runtime asks it of every handler installed by C code.
	sa.sa_flags = SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGBUS, &sa, NULL);
}
*/
import "C"

// busMessage is what a user reads when SQLite's memory-mapped files fail.
// SQLite maps the -shm file (the WAL index) into memory; when a write to it
// fails — the disk is full, or another program truncated or removed it —
// the process gets SIGBUS inside SQLite's C code, which the Go runtime turns
// into a stack dump. This handler prints a plain sentence and exits 1
// instead; everything committed before stays in the database.
const busMessage = "llm-advisor: stopped: the database's shared-memory file (the -shm file beside it) could not be written — " +
	"most often the disk is full, or another program changed or removed that file. " +
	"Everything saved before is still in the database. Free some space (or close the other program), then start again; " +
	"a live test continues with: llm-advisor test --resume ID\n"

var busText = C.CString(busMessage) // kept for the life of the process

func init() {
	C.installBusHandler(busText)
}
