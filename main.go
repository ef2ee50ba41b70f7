// Command llm-advisor helps a non-engineer choose the right kind of large
// language model and strategy for a use case, tests the choice on their own
// examples and exports a report. Without arguments it opens the desktop app;
// with a subcommand (recommend, catalog, test, report) it runs headless.
package main

import (
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	// Before Fyne reads the locale: "C.UTF-8" means English, not an error.
	_ "github.com/llm-advisor/llm-advisor/internal/clocale"

	"github.com/llm-advisor/llm-advisor/app"
	"github.com/llm-advisor/llm-advisor/assets"
	"github.com/llm-advisor/llm-advisor/cli"
)

func main() {
	if len(os.Args) > 1 {
		// `llm-advisor test … | head -2`: a closed stdout must not kill a
		// run half-way (writes then fail with EPIPE and the run goes on).
		signal.Ignore(syscall.SIGPIPE)
		os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	a := fyneapp.NewWithID(app.ID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	app.New(a).Run()
}
