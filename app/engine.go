package app

import (
	"context"
	"log"
	"path/filepath"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

// The rules engine and catalog (issue 18, item 12: idle memory). Home needs
// the engine only for the problems of the user's own rules and catalog
// files; without such files there are none, so the engine is built when a
// screen other than Home, or a run resumed from Home, first needs it, and a
// process that only sits on Home never holds it (about 5 MB resident with
// the bundled catalog's pages). With such files it is built at start, as
// Home lists their problems.

// engineOptions are the options of the app's engine: the last good
// models.dev copy lives beside the database.
func engineOptions(dbPath string, perr error) []advisor.Option {
	if perr != nil {
		return nil
	}
	return []advisor.Option{advisor.WithDataDir(filepath.Dir(dbPath))}
}

// buildEngine builds the engine off the UI goroutine; "Connect a provider"
// offers what models.dev adds to the curated providers.
func buildEngine(opts []advisor.Option) (*advisor.Engine, error) {
	eng, err := advisor.NewEngine(opts...)
	if eng != nil {
		livetest.SetCatalogProviders(livetest.ProvidersFromCatalog(eng.Providers()))
	}
	return eng, err
}

// setEngine makes eng (err: why it did not load) the app's engine and the
// open workspace's, and says what went wrong with it. UI goroutine.
func (a *App) setEngine(eng *advisor.Engine, err error) {
	a.engine, a.engineErr, a.engineTried = eng, err, true
	if a.ws != nil {
		giveEngine(a.ws, eng, err)
	}
	if err != nil {
		a.showError(fail("err.engine", err))
		return
	}
	for _, p := range eng.Problems() {
		log.Printf("llm-advisor: user rules/catalog: %v", p)
	}
}

// engineTaker is a space that prices runs and reports with the engine (the
// SQLite workspace): it takes the one built after it opened.
type engineTaker interface {
	SetEngine(eng *advisor.Engine, err error)
}

// giveEngine hands eng to ws when ws prices with it.
func giveEngine(ws space, eng *advisor.Engine, err error) {
	if t, ok := ws.(engineTaker); ok {
		t.SetEngine(eng, err)
	}
}

// withEngine runs f on the UI goroutine once the engine has been built, or
// has failed to (f then finds a.engine nil, as the screens did before the
// engine loaded): at once when that is done, else after building it off the
// UI goroutine. Calls waiting for the same build run in order.
func (a *App) withEngine(f func()) {
	if a.engineTried {
		f()
		return
	}
	a.afterEngine = append(a.afterEngine, f)
	if a.engineLoading {
		return
	}
	a.engineLoading = true
	opts := engineOptions(a.dataPath())
	a.goWork(func(ctx context.Context) {
		eng, err := buildEngine(opts)
		a.ui(func() {
			a.engineLoading = false
			if !a.engineTried { // the start may have built one meanwhile
				a.setEngine(eng, err)
			}
			waiting := a.afterEngine
			a.afterEngine = nil
			for _, f := range waiting {
				f()
			}
		})
	})
}
