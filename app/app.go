// Package app is the Fyne desktop GUI of LLM Advisor: one file per screen,
// every widget, dialog and fyne.Do lives here. Long work runs off the UI
// goroutine through the workspace package (runs, prices, reports and exports,
// shared with the command line) and the advisor, data and report packages,
// and reports back through App.ui — one fyne.Do per update.
package app

import (
	"context"
	"errors"
	"image/color"
	"log"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// ID is the application ID (also in FyneApp.toml).
const ID = "io.github.llmadvisor"

// Preference keys, all of them.
const (
	prefLanguage    = "language"    // "" follows the system, "en" or "pt-BR"
	prefTheme       = "theme"       // "" follows the system, "light" or "dark"
	prefConcurrency = "concurrency" // default concurrency of a live test
	prefDataFolder  = "data_folder" // folder of advisor.db; "" = data.DefaultPath()
	prefHintSeen    = "first_run_hint_seen"
	prefDraftStep   = "draft_step" // + ".<decision id>": the wizard step a draft was left on

	// Folders remembered apart, so a report is never saved by default where
	// the documents of a retrieval test are.
	prefExportFolder = "export_folder" // where reports and tables were last saved
	prefDocsFolder   = "docs_folder"   // the documents folder last picked for a live test

	prefRaterName = "rater_name" // who rates answers and chooses in blind comparisons
)

// Screen names, used by the navigation and to rebuild the current screen
// when the language changes.
const (
	screenHome           = "home"
	screenWizard         = "wizard"
	screenRecommendation = "recommendation"
	screenLiveTest       = "livetest"
	screenRun            = "run"
	screenResults        = "results"
	screenCapacity       = "capacity"
	screenBlind          = "blind" // the blind side-by-side comparison of a run's answers
	screenRate           = "rate"  // scoring a run's answers one by one
	screenCatalog        = "catalog"
	screenSettings       = "settings"
)

// minWindow is the smallest window the screens are laid out for.
var minWindow = fyne.NewSize(1024, 700)

// App is the running desktop application.
type App struct {
	fyne  fyne.App
	win   fyne.Window
	prefs fyne.Preferences

	// ui runs f on the UI goroutine: fyne.Do in the app, a queue the test
	// goroutine drains in tests (so widgets are only ever touched by one goroutine).
	ui func(f func())

	ctx    context.Context // cancelled when the window closes
	cancel context.CancelFunc
	work   sync.WaitGroup

	release      func()         // gives the heap back to the OS (memory.go); nil: never
	lastChart    shortlistChart // the last shortlist chart drawn (recommendation.go); UI goroutine only
	releaseTimer *time.Timer    // runs release once Home is drawn (memory.go)

	// Set on the UI goroutine once built (engine.go): at start when Home
	// lists the problems of the user's own files, else on first need.
	engine        *advisor.Engine
	engineErr     error    // why the engine did not build
	engineTried   bool     // the engine was built, or failed to
	engineLoading bool     // being built off the UI goroutine
	afterEngine   []func() // what waits for it (withEngine)

	// Set once by the loader goroutine, then only read on the UI goroutine.
	ws       space // decisions, runs, prices, reports and exports, as the command line does them
	storeErr error // why the store did not open, shown on Home
	ready    bool

	drafts *draftSaver

	// Navigation and the current screen.
	nav       map[string]*widget.Button
	content   *fyne.Container
	current   string
	onKey     func(*fyne.KeyEvent) // the current screen's Enter/Escape handler
	focus     fyne.Focusable       // what the current screen wants focused once shown
	shortcuts []fyne.Shortcut      // the current screen's shortcuts, removed when it goes
	lastError string               // the sentence of the last error shown (tests read it)

	// The decision being worked on and what the screens share.
	decision *data.Decision
	// capacity: "Can it carry my traffic?" for the plan of the run it was
	// opened from.
	capacity     *capacityScreen
	capacityPlan advisor.Plan
	candidates   []advisor.Endpoint // live-test candidates (shortlist, "Add to test", detected servers)
	setup        *testSetup         // the live-test setup being edited
	// sessionKeys holds API keys typed in this session, by endpoint name, in
	// memory only: used when the OS keyring cannot keep them.
	sessionKeys map[string]string
	lastRun     int64
	// batchResumed: this session already picked up a batch run the last
	// one left at the provider (issue 17); it is done once.
	batchResumed bool
	lastOpened   bool // the Recommendation screen opened the last decision after a start

	// Issue 18 (walkthrough defects).
	closeAsk *dialog.ConfirmDialog // "a test is running — close anyway?" (tests read it)

	// Issue 15 (hardening): environment variables the user confirmed this
	// session as keys to send although their names do not say API key, and
	// the question last asked (tests answer it).
	allowedKeyEnvs map[string]bool
	keyEnvAsk      *keyEnvQuestion

	// Screens a test touches.
	home     *homeScreen
	wizard   *wizardScreen
	rec      *recommendationScreen
	catalog  *catalogScreen
	settings *settingsScreen
	live     *liveTestScreen
	run      *runScreen
	results  *resultsScreen

	// runHeartbeat is how often a run marks itself alive (0:
	// workspace.HeartbeatEvery; tests shorten it).
	runHeartbeat time.Duration
	// batchPoll is the time between polls of a batch run (0: the
	// workspace's default; tests shorten it).
	batchPoll time.Duration

	// detect finds local OpenAI-compatible servers (tests replace it).
	detect func(ctx context.Context) []localServer

	// People judge (issue 16): the run the blind comparison and the rating
	// screens work on, and those screens (tests touch them).
	people *peopleRun
	blind  *blindScreen
	rate   *rateScreen

	// Connections (issue 12): the providers connected, and the connect
	// dialog while it is open (tests touch it).
	conns   *connections
	connect *connectDialog
}

// New builds the application's main window on a Fyne app. The database and
// the rules engine load off the UI goroutine; Home shows them when ready.
func New(a fyne.App) *App {
	return newApp(a, func(f func()) { fyne.Do(f) }, debug.FreeOSMemory)
}

// newApp is New with ui running updates on the UI goroutine and release
// giving the heap back to the operating system after Home (nil: never).
func newApp(a fyne.App, ui func(func()), release func()) *App {
	ctx, cancel := context.WithCancel(context.Background())
	x := &App{fyne: a, prefs: a.Preferences(), ui: ui, ctx: ctx, cancel: cancel, release: release}
	x.drafts = newDraftSaver(x)
	x.detect = detectLocal
	x.conns = newConnections()
	setupTranslations()
	applyLanguage(x.prefs.String(prefLanguage))
	applyTheme(a, x.prefs.String(prefTheme))

	x.win = a.NewWindow(lang.L("app.title"))
	x.win.Resize(minWindow)
	x.win.SetOnClosed(x.shutdown)
	x.win.SetCloseIntercept(x.onCloseRequest)
	x.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if x.onKey != nil {
			x.onKey(ev)
		}
	})
	x.content = container.NewStack()
	x.win.SetContent(x.layout())
	x.show(screenHome)
	x.load()
	return x
}

// Run shows the main window and runs the event loop until it closes.
func (a *App) Run() { a.win.ShowAndRun() }

// onCloseRequest closes the window, asking first while a live test runs:
// closing stops it (what is in stays saved, and Home offers to finish it).
func (a *App) onCloseRequest() {
	if !a.running() {
		a.win.Close()
		return
	}
	d := dialog.NewConfirm(lang.L("close.running.title"), lang.L("close.running.body"), func(ok bool) {
		if ok {
			a.win.Close()
		}
	}, a.win)
	d.SetConfirmText(lang.L("close.running.close"))
	d.SetDismissText(lang.L("close.running.keep"))
	a.closeAsk = d
	d.Show()
}

// running reports whether a live test is running in this window.
func (a *App) running() bool { return a.run != nil && !a.run.finished && a.run.stop != nil }

// shutdownWait bounds how long closing the window waits for background work
// to stop; a run cut short is marked interrupted at the next start.
const shutdownWait = 5 * time.Second

// shutdown cancels every piece of background work, waits for it (a bounded
// time: every result is already committed) and closes the store.
func (a *App) shutdown() {
	if a.current == screenLiveTest {
		a.saveSetupDraft()
	}
	a.cancel()
	done := make(chan struct{})
	go func() { a.work.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(shutdownWait):
		log.Printf("llm-advisor: background work still running after %v; closing anyway", shutdownWait)
		return
	}
	if a.ws != nil {
		if err := a.ws.Close(); err != nil {
			log.Printf("llm-advisor: close store: %v", err)
		}
		a.setWorkspace(nil)
	}
}

// goWork runs f off the UI goroutine with the window's context.
func (a *App) goWork(f func(ctx context.Context)) {
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		f(a.ctx)
	}()
}

// dataPath is where the database lives: the Settings folder, else data.DefaultPath().
func (a *App) dataPath() (string, error) {
	if dir := a.prefs.String(prefDataFolder); dir != "" {
		return filepath.Join(dir, "advisor.db"), nil
	}
	return data.DefaultPath()
}

// load opens the store off the UI goroutine, and the rules engine with it
// when the user has files of their own whose problems Home lists
// (engine.go); else the engine waits for its first need (withEngine).
func (a *App) load() {
	path, perr := a.dataPath()
	open := openSpace
	opts := engineOptions(path, perr)
	a.goWork(func(ctx context.Context) {
		var eng *advisor.Engine
		var eerr error
		eager := advisor.HasUserFiles(opts...)
		if eager {
			eng, eerr = buildEngine(opts)
		}
		var ws space
		err := perr
		if err == nil {
			// Runs left "running" by a process that died become "interrupted".
			ws, err = open(ctx, path, eng, eerr)
		}
		a.ui(func() {
			a.setWorkspace(ws)
			a.storeErr = err
			a.ready = true
			if eager && !a.engineTried {
				a.setEngine(eng, eerr)
			}
			if err != nil {
				a.offerOtherFolder(err)
			}
			a.refresh()
		})
	})
}

// setWorkspace makes ws (nil: none) the open database.
func (a *App) setWorkspace(ws space) {
	a.ws = ws
	if ws != nil && a.engineTried {
		giveEngine(ws, a.engine, a.engineErr) // built while the database was opening
	}
}

// runGoing reports whether a live test is running (or still finishing).
func (a *App) runGoing() bool {
	return (a.run != nil && !a.run.finished) || (a.ws != nil && a.ws.Busy())
}

// refuseFolderChange says the data folder cannot change during a live test.
func (a *App) refuseFolderChange() {
	where := ""
	if a.ws != nil {
		where = a.ws.Path()
	}
	a.showError(fail("settings.folder.busy", errors.New(lang.L("settings.folder.stays", map[string]any{"Path": where}))))
}

// reopenStore switches to the database at path (Settings). While a live
// test runs the database stays open under it: the switch is refused with a
// message saying to cancel or wait, and reports whether it went ahead.
func (a *App) reopenStore(path string) bool {
	if a.runGoing() {
		a.refuseFolderChange()
		return false
	}
	old, eng, open := a.ws, a.engine, openSpace
	a.setWorkspace(nil)
	a.goWork(func(ctx context.Context) {
		if old != nil {
			if err := old.Close(); err != nil {
				log.Printf("llm-advisor: close store: %v", err)
			}
		}
		ws, err := open(ctx, path, eng, nil)
		a.ui(func() {
			a.storeErr = err
			if err != nil {
				a.showError(fail("err.open_store", err))
				a.refresh()
				return
			}
			a.setWorkspace(ws)
			a.refresh()
		})
	})
	return true
}

// layout is the navigation bar on the left and the current screen.
func (a *App) layout() fyne.CanvasObject {
	a.nav = map[string]*widget.Button{}
	items := []struct{ name, key string }{
		{screenHome, "nav.home"}, {screenWizard, "nav.wizard"}, {screenRecommendation, "nav.recommendation"},
		{screenLiveTest, "nav.livetest"}, {screenResults, "nav.results"}, {screenCatalog, "nav.catalog"},
		{screenSettings, "nav.settings"},
	}
	labels := map[string]string{
		"nav.home": lang.L("nav.home"), "nav.wizard": lang.L("nav.wizard"),
		"nav.recommendation": lang.L("nav.recommendation"), "nav.livetest": lang.L("nav.livetest"),
		"nav.results": lang.L("nav.results"), "nav.catalog": lang.L("nav.catalog"), "nav.settings": lang.L("nav.settings"),
	}
	icons := map[string]fyne.Resource{
		screenHome: theme.HomeIcon(), screenWizard: theme.DocumentCreateIcon(), screenRecommendation: theme.ConfirmIcon(),
		screenLiveTest: theme.MediaPlayIcon(), screenResults: theme.GridIcon(), screenCatalog: theme.ListIcon(),
		screenSettings: theme.SettingsIcon(),
	}
	var buttons []fyne.CanvasObject // the box made once: every Add lays out what it holds
	for _, it := range items {
		name := it.name
		b := widget.NewButtonWithIcon(labels[it.key], icons[name], func() { a.show(name) })
		b.Alignment = widget.ButtonAlignLeading
		a.nav[name] = b
		buttons = append(buttons, b)
	}
	box := container.NewVBox(buttons...)
	title := widget.NewLabelWithStyle(lang.L("app.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	side := container.NewBorder(container.NewVBox(title, widget.NewSeparator()), nil, nil, nil, box)
	min := canvas.NewRectangle(color.Transparent)
	min.SetMinSize(minWindow)
	return container.NewStack(min, container.NewBorder(nil, nil, container.NewHBox(side, widget.NewSeparator()), nil, a.content))
}

// show switches to a screen, building it fresh. Every screen but Home may
// need the engine, so the first one shown waits for it to be built.
func (a *App) show(name string) {
	if name != screenHome && !a.engineTried {
		a.withEngine(func() { a.show(name) })
		return
	}
	if a.current == screenLiveTest && name != screenLiveTest {
		a.saveSetupDraft() // what was typed in the setup's text fields
	}
	a.onKey = nil
	for _, sc := range a.shortcuts {
		a.win.Canvas().RemoveShortcut(sc)
	}
	a.shortcuts = nil
	a.current = name
	screenMoney.Store(moneyOfDecision(a))
	for n, b := range a.nav {
		importance := widget.MediumImportance
		if n == name || (name == screenRun && n == screenLiveTest) || ((name == screenBlind || name == screenRate) && n == screenResults) {
			importance = widget.HighImportance
		}
		if b.Importance != importance { // a refresh redraws the button's icon from its SVG
			b.Importance = importance
			b.Refresh()
		}
	}
	var build func() fyne.CanvasObject
	switch name {
	case screenHome:
		build = func() fyne.CanvasObject { a.home = newHomeScreen(a); return a.home.view }
		defer a.releaseMemory()
	case screenWizard:
		build = func() fyne.CanvasObject { a.wizard = newWizardScreen(a); return a.wizard.view }
	case screenRecommendation:
		build = func() fyne.CanvasObject { a.rec = newRecommendationScreen(a); return a.rec.view }
	case screenLiveTest:
		build = func() fyne.CanvasObject { a.live = newLiveTestScreen(a); return a.live.view }
	case screenRun:
		build = func() fyne.CanvasObject { return a.run.view }
	case screenResults:
		build = func() fyne.CanvasObject { a.results = newResultsScreen(a); return a.results.view }
	case screenCapacity:
		build = func() fyne.CanvasObject { a.capacity = newCapacityScreen(a, a.capacityPlan); return a.capacity.view }
	case screenBlind:
		build = func() fyne.CanvasObject { a.blind = newBlindScreen(a, a.people); return a.blind.view }
	case screenRate:
		build = func() fyne.CanvasObject { a.rate = newRateScreen(a, a.people); return a.rate.view }
	case screenCatalog:
		build = func() fyne.CanvasObject { a.catalog = newCatalogScreen(a); return a.catalog.view }
	case screenSettings:
		build = func() fyne.CanvasObject { a.settings = newSettingsScreen(a); return a.settings.view }
	}
	a.focus = nil
	a.content.Objects = []fyne.CanvasObject{build()}
	a.content.Refresh()
	if a.focus != nil {
		a.win.Canvas().Focus(a.focus)
	}
}

// addShortcut adds a shortcut for the current screen only.
func (a *App) addShortcut(sc fyne.Shortcut, f func(fyne.Shortcut)) {
	a.win.Canvas().AddShortcut(sc, f)
	a.shortcuts = append(a.shortcuts, sc)
}

// refresh rebuilds the current screen (data loaded, language changed).
func (a *App) refresh() {
	if a.current == screenRun {
		return // a running test keeps its screen
	}
	a.show(a.current)
}

// relayout rebuilds the navigation and the current screen after a language change.
func (a *App) relayout() {
	a.win.SetTitle(lang.L("app.title"))
	a.content = container.NewStack()
	a.win.SetContent(a.layout())
	a.show(a.current)
}

// uiError carries the translation key of a short sentence for the user.
type uiError struct {
	key string
	err error
}

func (e *uiError) Error() string { return e.key + ": " + e.err.Error() }
func (e *uiError) Unwrap() error { return e.err }

// fail wraps err with the key of the sentence the user sees.
func fail(key string, err error) error { return &uiError{key: key, err: err} }

// showError logs err and shows it as a short translated sentence with the
// details below it. It is the only way the GUI reports an error.
func (a *App) showError(err error) {
	if err == nil {
		return
	}
	log.Printf("llm-advisor: %v", err)
	sentence := lang.L("err.generic")
	var ue *uiError
	if errors.As(err, &ue) {
		sentence = lang.L(ue.key)
		err = ue.err
	}
	switch {
	case errors.Is(err, context.Canceled):
		sentence = lang.L("err.cancelled")
	case errors.Is(err, data.ErrNotFound):
		sentence = lang.L("err.not_found")
	case errors.Is(err, os.ErrPermission):
		sentence = lang.L("err.permission")
	}
	a.lastError = sentence
	detail := widget.NewLabel(err.Error())
	detail.Wrapping = fyne.TextWrapWord
	detail.TextStyle.Italic = true
	msg := widget.NewLabel(sentence)
	msg.Wrapping = fyne.TextWrapWord
	msg.TextStyle.Bold = true
	box := container.NewVBox(msg, detail)
	d := dialog.NewCustom(lang.L("err.title"), lang.L("btn.close"), box, a.win)
	d.Resize(fyne.NewSize(520, 220))
	d.Show()
}

// needStore reports whether the store is open, telling the user when not.
func (a *App) needStore() bool {
	if a.ws != nil {
		return true
	}
	if a.storeErr != nil {
		a.showError(fail("err.open_store", a.storeErr))
		return false
	}
	a.showError(fail("err.no_store", errors.New("the database is not open yet")))
	return false
}

// langCode is the language of engine and report texts: "en" or "pt-BR".
func (a *App) langCode() string { return currentLang(a.prefs.String(prefLanguage)) }

// prices are the catalog's prices, as the workspace (and the command line)
// count them.
func (a *App) prices() workspace.Prices { return workspace.PricesOf(a.engine) }
