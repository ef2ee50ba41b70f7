package app

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/url"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/advisor/modelsdev"
)

// catalogDataDir is where the last good models.dev copy is kept: beside the
// database, in the folder the user chose or the default data folder.
func (a *App) catalogDataDir() string {
	if p, err := a.dataPath(); err == nil {
		return filepath.Dir(p)
	}
	d, _ := advisor.DataDir()
	return d
}

// showInfo says where the prices come from and how old they are.
func (c *catalogScreen) showInfo() {
	if c.info == nil || c.a.engine == nil {
		return
	}
	info := c.a.engine.CatalogInfo()
	src := info.Source
	if src == "bundled" {
		src = lang.L("catalog.info.bundled")
	}
	txt := lang.L("catalog.info", map[string]any{"N": info.Catalog, "Date": info.AsOf, "Source": src})
	if info.Stale {
		txt += " " + lang.L("catalog.stale")
		c.info.Importance = widget.WarningImportance
	} else {
		c.info.Importance = widget.MediumImportance
	}
	c.info.SetText(txt)
}

func (c *catalogScreen) onRefreshFromFile() {
	c.a.pickFile("err.refresh", []string{".json"}, c.refresh)
}

// refresh loads a models.dev api.json (the live one when from is empty)
// with a progress bar and Cancel; a refused file leaves the catalog as it was.
func (c *catalogScreen) refresh(from string) {
	if c.refreshCancel != nil {
		return // one refresh at a time
	}
	ctx, cancel := context.WithCancel(c.a.ctx)
	c.refreshCancel = cancel
	c.refreshBtn.Disable()
	c.refreshBar = widget.NewProgressBar()
	status := widget.NewLabel(lang.L("catalog.refresh.fetching", map[string]any{"Source": orDefault(from, modelsdev.DefaultURL)}))
	status.Wrapping = fyne.TextWrapWord
	cancelBtn := widget.NewButton(lang.L("btn.cancel"), func() { cancel() })
	box := container.NewVBox(status, c.refreshBar, container.NewHBox(cancelBtn))
	c.refreshDlg = dialog.NewCustomWithoutButtons(lang.L("catalog.refresh"), box, c.a.win)
	c.refreshDlg.Resize(fyne.NewSize(460, 160))
	c.refreshDlg.Show()
	dir := c.a.catalogDataDir()
	bar := c.refreshBar
	var lastShown int64
	c.a.goWork(func(context.Context) {
		defer cancel()
		res, err := modelsdev.Refresh(ctx, modelsdev.Options{From: from, DataDir: dir, Progress: func(read, total int64) {
			if read-lastShown < 128<<10 && read != total {
				return // one update per 128 KB is enough for the eye
			}
			lastShown = read
			c.a.ui(func() {
				if total > 0 {
					bar.SetValue(float64(read) / float64(total))
				} else {
					bar.SetValue(0.5)
				}
			})
		}})
		var eng *advisor.Engine
		if err == nil {
			eng, err = advisor.NewEngine(advisor.WithDataDir(dir))
		}
		c.a.ui(func() {
			c.refreshCancel = nil
			c.refreshBtn.Enable()
			c.refreshDlg.Hide()
			if err != nil {
				c.showRefreshError(err)
				return
			}
			livetest.SetCatalogProviders(livetest.ProvidersFromCatalog(eng.Providers()))
			c.a.setEngine(eng, nil) // the workspace prices runs with it too
			c.applyFilter()
			c.showInfo()
			c.notice.SetText(lang.L("catalog.refreshed", map[string]any{"N": res.Catalog.Models(), "P": len(res.Catalog.Providers), "Date": res.Catalog.AsOf}))
			c.notice.Importance = widget.SuccessImportance
			c.notice.Show()
		})
	})
}

// showRefreshError says in the user's language why a refresh failed; the
// catalog already shown stays.
func (c *catalogScreen) showRefreshError(err error) {
	var me *modelsdev.Error
	msg := lang.L("catalog.refresh.err.other")
	if errors.As(err, &me) && me.Kind != "" {
		msg = lang.L("catalog.refresh.err."+me.Kind, map[string]any{"Detail": me.Detail})
		if me.Kind == modelsdev.ErrCancelled {
			c.notice.SetText(msg)
			c.notice.Importance = widget.MediumImportance
			c.notice.Show()
			return
		}
	}
	c.notice.SetText(msg)
	c.notice.Importance = widget.DangerImportance
	c.notice.Show()
	log.Printf("llm-advisor: refresh catalog: %v", err)
}

func orDefault(s, d string) string {
	if strings.TrimSpace(s) == "" {
		return d
	}
	return s
}

// lifecycleText is a model's status, shutdown date, days left and successor.
func lifecycleText(m advisor.Model, today string) string {
	st := m.StatusOn(today)
	s := labelOr("catalog.status."+st, st)
	if m.ShutdownDate != "" {
		s += " · " + lang.L("catalog.card.shutdown", map[string]any{"Date": m.ShutdownDate})
		if d := m.DaysLeft(today); d > 0 {
			s += " " + lang.L("catalog.card.days_left", map[string]any{"N": d})
		}
	}
	if m.Successor != "" {
		s += " · " + lang.L("catalog.card.successor", map[string]any{"ID": m.Successor})
	}
	return s
}

// benchmarksBox lists models.dev's published scores with source and date.
func benchmarksBox(m advisor.Model) fyne.CanvasObject {
	if len(m.Benchmarks) == 0 {
		return nil
	}
	box := container.NewVBox()
	for _, b := range m.Benchmarks {
		line := fmt.Sprintf("%s: %s", b.Name, trimFloat(b.Score))
		if b.Metric != "" {
			line += " " + b.Metric
		}
		if b.Date != "" {
			line += " · " + b.Date
		}
		if u, err := url.Parse(b.Source); err == nil && u.Host != "" {
			box.Add(container.NewHBox(widget.NewLabel(line), widget.NewHyperlink(u.Host, u)))
		} else {
			box.Add(widget.NewLabel(line))
		}
	}
	return box
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// limitsText is the context, input and output limits in tokens.
func limitsText(m advisor.Model) string {
	var parts []string
	if m.ContextTokens > 0 {
		parts = append(parts, lang.L("catalog.card.limit_context", map[string]any{"N": thousands(m.ContextTokens)}))
	}
	if m.InputTokens > 0 {
		parts = append(parts, lang.L("catalog.card.limit_input", map[string]any{"N": thousands(m.InputTokens)}))
	}
	if m.OutputTokens > 0 {
		parts = append(parts, lang.L("catalog.card.limit_output", map[string]any{"N": thousands(m.OutputTokens)}))
	}
	return strings.Join(parts, " · ")
}

// capabilitiesText lists what models.dev says the model can do.
func capabilitiesText(m advisor.Model) string {
	var parts []string
	if m.ToolCall {
		parts = append(parts, lang.L("catalog.card.cap.tools"))
	}
	if m.StructuredOutput {
		parts = append(parts, lang.L("catalog.card.cap.structured"))
	}
	if m.ReasoningModel {
		parts = append(parts, lang.L("catalog.card.cap.reasoning"))
	}
	if m.Attachment {
		parts = append(parts, lang.L("catalog.card.cap.files"))
	}
	return strings.Join(parts, ", ")
}

// extraPrices are the cached-input and Batch API prices.
func extraPrices(m advisor.Model) string {
	var parts []string
	if m.PriceCacheReadPer1M > 0 && m.PriceCacheWritePer1M > 0 {
		parts = append(parts, lang.L("catalog.card.price_cache", map[string]any{"Read": money(m.PriceCacheReadPer1M), "Write": money(m.PriceCacheWritePer1M)}))
	} else if m.PriceCacheReadPer1M > 0 {
		parts = append(parts, lang.L("catalog.card.price_cache_read", map[string]any{"Read": money(m.PriceCacheReadPer1M)}))
	}
	if m.PriceBatchInPer1M > 0 {
		parts = append(parts, lang.L("catalog.card.price_batch", map[string]any{"In": money(m.PriceBatchInPer1M), "Out": money(m.PriceBatchOutPer1M)}))
	}
	return strings.Join(parts, " · ")
}

// runsOnText answers "will it run on your computer?" for an open-weight
// model: against the hardware of the decision open now, at its prompt size.
func (c *catalogScreen) runsOnText(m advisor.Model) (string, widget.Importance) {
	if m.Weights != advisor.WeightsOpen || m.ParamsB <= 0 && m.MinMemoryGB <= 0 {
		return "", widget.MediumImportance
	}
	hw, tokens := "", 8000
	if d := c.a.decision; d != nil {
		hw = d.Answers.Hardware
		if n := advisor.PromptTokens(d.Answers); n > 0 {
			tokens = n
		}
	}
	f := advisor.RunsOn(m, hw, tokens)
	args := map[string]any{"Need": gb(f.NeedGB), "Weights": gb(f.WeightsGB), "KV": gb(f.KVCacheGB), "Have": gb(f.HaveGB), "Tokens": thousands(f.Tokens)}
	txt := lang.L("catalog.fit.need", args)
	imp := widget.MediumImportance
	switch f.Verdict {
	case advisor.FitsYes:
		txt = lang.L("catalog.fit.fits", args) + " " + txt
		imp = widget.SuccessImportance
	case advisor.FitsTight:
		txt = lang.L("catalog.fit.tight", args) + " " + txt
		imp = widget.WarningImportance
	case advisor.FitsNo:
		txt = lang.L("catalog.fit.no", args) + " " + txt
		imp = widget.DangerImportance
	default:
		txt += " " + lang.L("catalog.fit.unknown")
	}
	if f.KVEstimate {
		txt += " " + lang.L("catalog.fit.kv_estimate")
	}
	return txt, imp
}

func gb(v float64) string {
	s := strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0")
	if strings.HasPrefix(lang.L("catalog.decimal"), ",") {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// modelDescription is the card's first line: for a models.dev entry, said
// in the user's language from its facts (models.dev has no prose).
func modelDescription(m advisor.Model) string {
	if !m.FromModelsDev || !strings.HasSuffix(m.Description, "(models.dev).") {
		return m.Description
	}
	s := lang.L("catalog.card.md_served", map[string]any{"Name": m.Name, "Provider": m.Provider})
	if m.ReleaseDate != "" {
		s += ", " + lang.L("catalog.card.md_released", map[string]any{"Date": m.ReleaseDate})
	}
	if m.Knowledge != "" {
		s += ", " + lang.L("catalog.card.md_knowledge", map[string]any{"Date": m.Knowledge})
	}
	return s + " (models.dev)."
}

// licenseName is the licence; a hosted model's "<provider> terms" in the user's language.
func licenseName(m advisor.Model) string {
	if m.License == m.Provider+" terms" {
		return lang.L("catalog.card.provider_terms", map[string]any{"Provider": m.Provider})
	}
	return licenseLabel(m.License)
}

// licenseLabel is a licence as the filter and the card show it: a
// "<vendor> terms" (or "<vendor> … terms") catalog entry is the vendor's
// terms of service in the user's language; a licence's own name (Apache-2.0,
// Gemma Terms of Use) stays as it is spelled.
func licenseLabel(l string) string {
	if v, ok := strings.CutSuffix(l, " terms"); ok && v != "" {
		return lang.L("catalog.card.provider_terms", map[string]any{"Provider": v})
	}
	return l
}

// paramsNote is the catalog's parameter count in the user's language: the
// curated "235B total / 22B active" of a mixture-of-experts model.
func paramsNote(s string) string {
	total, active, ok := strings.Cut(s, " total / ")
	if !ok || !strings.HasSuffix(active, " active") {
		return s
	}
	return lang.L("catalog.card.params_moe", map[string]any{"Total": total, "Active": strings.TrimSuffix(active, " active")})
}
