package app

import (
	"context"
	"fmt"
	"log"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// Version is the app's version when it was not built by `fyne package`
// (which sets the metadata from FyneApp.toml); a test keeps the two equal.
const Version = "0.1.0"

// licenceName is the project's licence (LICENSE at the top of the repository).
const licenceName = "MIT"

// aboutCard is Settings → About: version, licence, where the data lives, how
// big the database is and how fresh the catalog's prices are.
type aboutCard struct {
	a       *App
	view    fyne.CanvasObject
	version *widget.Label
	folder  *widget.Label
	size    *widget.Label
	catalog *widget.Label
}

func newAboutCard(a *App) *aboutCard {
	c := &aboutCard{a: a}
	c.version = widget.NewLabel(a.version())
	c.folder = widget.NewLabel("")
	c.folder.Wrapping = fyne.TextWrapBreak
	c.size = widget.NewLabel("…")
	c.catalog = widget.NewLabel(catalogSummary(a.engine))
	c.catalog.Wrapping = fyne.TextWrapWord
	if path, err := a.dataPath(); err == nil {
		c.folder.SetText(filepath.Dir(path))
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.L("about.version"), c.version),
		widget.NewFormItem(lang.L("about.licence"), widget.NewLabel(licenceName)),
		widget.NewFormItem(lang.L("about.data_folder"), c.folder),
		widget.NewFormItem(lang.L("about.db_size"), c.size),
		widget.NewFormItem(lang.L("about.catalog"), c.catalog),
	)
	c.view = container.NewVBox(widget.NewLabelWithStyle(lang.L("about.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), form)
	c.load()
	return c
}

// load measures the database off the UI goroutine.
func (c *aboutCard) load() {
	st := c.a.ws
	if st == nil {
		c.size.SetText(lang.L("about.db_closed"))
		return
	}
	c.a.goWork(func(ctx context.Context) {
		n, err := st.Size()
		c.a.ui(func() {
			if err != nil {
				c.size.SetText(err.Error())
				return
			}
			c.folder.SetText(filepath.Dir(st.Path()))
			c.size.SetText(formatBytes(n))
		})
	})
}

// version is the packaged version (FyneApp.toml through `fyne package`) or Version.
func (a *App) version() string {
	if md := a.fyne.Metadata(); md.Version != "" {
		if md.Build > 0 {
			return fmt.Sprintf("%s (build %d)", md.Version, md.Build)
		}
		return md.Version
	}
	return Version
}

// catalogSummary says how many models and rules there are and the span of
// the catalog's price dates, so a user can tell how fresh the figures are.
func catalogSummary(eng *advisor.Engine) string {
	if eng == nil {
		return "—"
	}
	// The prices are models.dev's, as of the copy in use; the few curated
	// models that models.dev does not list keep their own dates on their cards.
	info := eng.CatalogInfo()
	s := lang.L("about.catalog.value", map[string]any{"Models": info.Catalog, "Rules": len(eng.Rules()), "Date": info.AsOf})
	if info.Stale {
		s += " " + lang.L("catalog.stale")
	}
	return s
}

func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%s %cB", numbers().Number(float64(n)/float64(div), 1), "KMGTPE"[exp])
}

// offerOtherFolder explains that the database could not be opened where it
// is and offers to keep the data somewhere else. Nothing is moved or
// overwritten: the old file stays as it was.
func (a *App) offerOtherFolder(err error) {
	log.Printf("llm-advisor: %v", err)
	a.lastError = lang.L("err.open_store")
	path, _ := a.dataPath()
	sentence := widget.NewLabel(a.lastError)
	sentence.Wrapping = fyne.TextWrapWord
	sentence.TextStyle.Bold = true
	msg := widget.NewLabel(lang.L("err.folder_unusable", map[string]any{"Folder": filepath.Dir(path)}))
	msg.Wrapping = fyne.TextWrapWord
	detail := widget.NewLabel(err.Error())
	detail.Wrapping = fyne.TextWrapWord
	detail.TextStyle.Italic = true
	d := dialog.NewCustomConfirm(lang.L("err.title"), lang.L("btn.choose_folder"), lang.L("btn.not_now"),
		container.NewVBox(sentence, msg, detail), func(choose bool) {
			if choose {
				a.chooseDataFolder()
			}
		}, a.win)
	d.Resize(fyne.NewSize(560, 260))
	d.Show()
}

// chooseDataFolder asks for a folder and opens (or creates) the database there.
func (a *App) chooseDataFolder() {
	a.pickFolder("err.folder", a.useDataFolder)
}

// useDataFolder keeps the data in dir from now on and opens (or creates) the
// database there.
func (a *App) useDataFolder(dir string) {
	a.prefs.SetString(prefDataFolder, dir)
	a.reopenStore(filepath.Join(dir, "advisor.db"))
}
