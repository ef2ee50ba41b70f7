// Package workspace is what the desktop app and the command line share
// below their screens and flags: the store, the rules engine and catalog,
// prices, running a live test (start, resume, heartbeat and the one rule for
// a run's final status), building a report's input and writing exports, and
// the folders beside the database (generated images, live-test setups).
//
// Both fronts call it, so a run or a report made from the GUI and from the
// command line hold the same figures.
package workspace

import (
	"context"
	"errors"
	"fmt"
	"log"
	"path/filepath"
	"sync"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/data"
)

// ErrBusy is returned by Close while a live test is still running in the
// workspace: the database must not be closed under it.
var ErrBusy = errors.New("a live test is still running")

// Workspace is an open database with the rules engine and catalog.
type Workspace struct {
	store *data.Store

	engMu  sync.RWMutex    // the engine may come after the database (SetEngine)
	engine *advisor.Engine // nil when the catalog could not be loaded (EngineErr says why) or is not loaded yet
	engErr error

	mu      sync.Mutex
	running int // runs being executed
	closed  bool
}

// Open opens (creating when missing) the database at path and loads the
// rules engine and catalog. Runs left "running" by a process that died are
// marked interrupted. A catalog that does not load is not fatal: prices are
// then unknown (and said so) and EngineErr tells why.
func Open(ctx context.Context, path string) (*Workspace, error) {
	eng, eerr := advisor.NewEngine()
	return OpenWith(ctx, path, eng, eerr)
}

// OpenWith is Open with an engine already loaded (eng may be nil, with
// engErr saying why): the GUI loads it once and may open several databases
// one after the other (Settings).
func OpenWith(ctx context.Context, path string, eng *advisor.Engine, engErr error) (*Workspace, error) {
	st, err := data.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if n, err := st.ReconcileRuns(ctx); err != nil {
		log.Printf("llm-advisor: reconcile runs: %v", err)
	} else if n > 0 {
		log.Printf("llm-advisor: %d interrupted runs found", n)
	}
	if eng != nil {
		// "Connect a provider" and plan `provider:` know what models.dev adds.
		livetest.SetCatalogProviders(livetest.ProvidersFromCatalog(eng.Providers()))
	}
	return New(st, eng, engErr), nil
}

// New is a workspace over an open store and a loaded engine (eng may be nil,
// with engErr saying why), without reconciling its runs (OpenWith does).
func New(st *data.Store, eng *advisor.Engine, engErr error) *Workspace {
	return &Workspace{store: st, engine: eng, engErr: engErr}
}

// Store is the workspace's database.
func (w *Workspace) Store() *data.Store { return w.store }

// Engine is the rules engine and catalog; nil when it did not load.
func (w *Workspace) Engine() *advisor.Engine {
	w.engMu.RLock()
	defer w.engMu.RUnlock()
	return w.engine
}

// EngineErr is why the engine did not load (nil when it did).
func (w *Workspace) EngineErr() error {
	w.engMu.RLock()
	defer w.engMu.RUnlock()
	return w.engErr
}

// SetEngine gives the workspace the engine loaded after the database was
// opened (the GUI builds it on first need, and again after a catalog
// refresh); runs and reports priced from then on use it.
func (w *Workspace) SetEngine(eng *advisor.Engine, engErr error) {
	w.engMu.Lock()
	defer w.engMu.Unlock()
	w.engine, w.engErr = eng, engErr
}

// Path is the database file.
func (w *Workspace) Path() string { return w.store.Path() }

// Dir is the folder of the database, where images and setups are kept.
func (w *Workspace) Dir() string {
	p := w.store.Path()
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return filepath.Dir(p)
}

// ImagesDir is where generated images are saved: an "images" folder beside
// the database, where reports find them again.
func (w *Workspace) ImagesDir() string { return filepath.Join(w.Dir(), "images") }

// SetupsDir is where the live-test setups of decisions are kept: a "setups"
// folder beside the database.
func (w *Workspace) SetupsDir() string { return filepath.Join(w.Dir(), "setups") }

// SetupPath is the file of decision id's live-test setup ("" for id 0).
func (w *Workspace) SetupPath(id int64) string {
	if id == 0 {
		return ""
	}
	return filepath.Join(w.SetupsDir(), fmt.Sprintf("decision-%d.json", id))
}

// Busy reports whether a live test is running in the workspace.
func (w *Workspace) Busy() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.running > 0
}

// Close closes the database. It refuses with ErrBusy while a live test runs:
// cancel the run and wait for it first.
func (w *Workspace) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running > 0 {
		return ErrBusy
	}
	if w.closed {
		return nil
	}
	w.closed = true
	return w.store.Close()
}

// begin counts a run in; it fails when the workspace is closed.
func (w *Workspace) begin() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return errors.New("the database is closed")
	}
	w.running++
	return nil
}

func (w *Workspace) end() {
	w.mu.Lock()
	w.running--
	w.mu.Unlock()
}
