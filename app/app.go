// Package app is the Fyne desktop GUI of LLM Advisor: one file per screen,
// every widget, dialog and fyne.Do lives here. Long work runs off the UI
// goroutine through the advisor, data and report packages.
package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// ID is the application ID (also in FyneApp.toml).
const ID = "io.github.llmadvisor"

// App is the running desktop application.
type App struct {
	fyne fyne.App
	win  fyne.Window
}

// New builds the application's main window on a Fyne app.
func New(a fyne.App) *App {
	w := a.NewWindow("LLM Advisor")
	w.Resize(fyne.NewSize(1024, 700))
	w.SetContent(container.NewCenter(widget.NewLabel("LLM Advisor")))
	return &App{fyne: a, win: w}
}

// Run shows the main window and runs the event loop until it closes.
func (a *App) Run() { a.win.ShowAndRun() }
