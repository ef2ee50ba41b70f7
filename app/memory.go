package app

import "time"

// Idle memory (issue 18, item 12). Building a screen parses fonts, lays out
// widgets and, for Results, renders charts; Go keeps the heap that work grew
// to for minutes before its scavenger hands it back. Home is where the app
// sits idle, so once Home has been drawn the heap left over is returned to
// the operating system at once (about 8 MB when it was measured at 157 MB;
// an idle Home is 141 MB resident since the engine waits for its first need).

// releaseDelay is long enough for the screen just shown to be drawn (its
// fonts parsed, its textures uploaded) before the heap is given back.
const releaseDelay = 2 * time.Second

// releaseMemory returns the unused heap to the operating system shortly after
// Home is shown; showing Home again before then waits for the later one.
// It runs on the UI goroutine (from show), so the timer needs no lock.
// a.release is debug.FreeOSMemory in the app (New); the screen tests pass
// none, as a full collection under the race detector costs them seconds.
func (a *App) releaseMemory() {
	if a.release == nil {
		return
	}
	if a.releaseTimer != nil {
		a.releaseTimer.Reset(releaseDelay)
		return
	}
	a.releaseTimer = time.AfterFunc(releaseDelay, a.release)
}
