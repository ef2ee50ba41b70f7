package app

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

// catalogScreen browses the model catalog, shows a model card, tries a
// model on an endpoint and imports models from a file.
type catalogScreen struct {
	a    *App
	view fyne.CanvasObject

	name     *widget.Entry
	task     *widget.Select
	kind     *widget.Select
	license  *widget.Select
	openOnly *widget.Check
	count    *widget.Label
	list     *widget.List
	models   []advisor.Model // filtered
	selected *advisor.Model
	card     *fyne.Container
	notice   *widget.Label

	// Catalog from models.dev (issue 12): where the prices come from and a refresh.
	info          *widget.Label
	refreshBtn    *widget.Button
	refreshCancel context.CancelFunc
	refreshBar    *widget.ProgressBar
	refreshDlg    dialog.Dialog

	// Try it
	detected  []localServer  // local servers found when the screen opened
	tryServer *widget.Select // "server · model" of each detected server, fills URL and model
	tryKind   *widget.Select
	tryURL    *widget.Entry
	tryDeploy *widget.Entry
	tryAPIVer *widget.Entry
	tryModel  *widget.Entry
	tryKeyEnv *widget.Entry
	tryKey    *widget.Entry
	tryPrompt *textBox
	trySend   *widget.Button
	tryAnswer *widget.Label
	tryStats  *widget.Label
	tryCancel context.CancelFunc
	// Connections (issue 12): the provider serving the model, and Connect.
	tryProvider string
	tryConnect  *widget.Button

	taskValues, typeValues, licenses []string
}

func newCatalogScreen(a *App) *catalogScreen {
	c := &catalogScreen{a: a}
	q, _ := advisor.QuestionByKey("task")
	c.taskValues = append([]string{""}, q.Values...)
	taskLabels := []string{lang.L("catalog.any")}
	for _, v := range q.Values {
		taskLabels = append(taskLabels, valueLabel("task", v))
	}
	c.typeValues = append([]string{""}, advisor.ModelTypes...)
	typeLabels := []string{lang.L("catalog.any")}
	for _, t := range advisor.ModelTypes {
		typeLabels = append(typeLabels, typeLabel(t))
	}
	c.licenses = []string{""}
	if a.engine != nil {
		seen := map[string]bool{}
		for _, m := range a.engine.Catalog() {
			if m.License != "" && !seen[m.License] {
				seen[m.License] = true
				c.licenses = append(c.licenses, m.License)
			}
		}
		sort.Strings(c.licenses[1:])
	}
	licenseLabels := []string{lang.L("catalog.any")}
	for _, l := range c.licenses[1:] {
		licenseLabels = append(licenseLabels, licenseLabel(l))
	}

	c.name = widget.NewEntry()
	c.name.SetPlaceHolder(lang.L("catalog.name.placeholder"))
	c.name.OnChanged = func(string) { c.applyFilter() }
	c.task = newSelect(taskLabels, func(string) { c.applyFilter() })
	c.kind = newSelect(typeLabels, func(string) { c.applyFilter() })
	c.license = newSelect(licenseLabels, func(string) { c.applyFilter() })
	c.openOnly = widget.NewCheck(lang.L("catalog.open_only"), func(bool) { c.applyFilter() })
	c.count = widget.NewLabel("")
	c.count.TextStyle.Italic = true
	c.notice = widget.NewLabel("")
	c.notice.Importance = widget.SuccessImportance
	c.notice.Hide()

	filters := container.NewGridWithColumns(5,
		labelled(lang.L("catalog.name"), c.name),
		labelled(lang.L("catalog.task"), c.task),
		labelled(lang.L("catalog.type"), c.kind),
		labelled(lang.L("catalog.license"), c.license),
		container.NewVBox(widget.NewLabel(""), c.openOnly),
	)
	c.list = widget.NewList(func() int { return len(c.models) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		m := c.models[i]
		txt := m.Name + " · " + m.Provider
		if m.Status == advisor.StatusDeprecated || m.Status == advisor.StatusRetired {
			txt += " ⚠"
		}
		o.(*widget.Label).SetText(txt)
	})
	c.list.OnSelected = func(i widget.ListItemID) { c.onSelect(i) }
	c.card = container.NewVBox(hint(lang.L("catalog.pick")))

	importBtn := widget.NewButtonWithIcon(lang.L("catalog.import"), theme.FileIcon(), c.onImport)
	c.refreshBtn = widget.NewButtonWithIcon(lang.L("catalog.refresh"), theme.ViewRefreshIcon(), func() { c.refresh("") })
	fromFile := widget.NewButtonWithIcon(lang.L("catalog.refresh.file"), theme.FolderOpenIcon(), c.onRefreshFromFile)
	c.info = widget.NewLabel("")
	c.info.TextStyle.Italic = true
	c.info.Wrapping = fyne.TextWrapWord
	left := container.NewBorder(nil, c.count, nil, nil, c.list)
	split := container.NewHSplit(left, container.NewVScroll(c.card))
	split.Offset = 0.32
	body := container.NewBorder(container.NewVBox(filters, c.info, c.notice), nil, nil, nil, split)
	c.view = screen(lang.L("catalog.title"), container.NewHBox(c.refreshBtn, fromFile, importBtn), body, nil)
	c.showInfo()
	c.task.SetSelectedIndex(0)
	c.kind.SetSelectedIndex(0)
	c.license.SetSelectedIndex(0)
	c.applyFilter()
	c.detectServers()
	return c
}

// detectServers looks for local servers off the UI goroutine, so Try it can
// offer them.
func (c *catalogScreen) detectServers() {
	detect := c.a.detect
	if detect == nil {
		return
	}
	c.a.goWork(func(ctx context.Context) {
		servers := detect(ctx)
		c.a.ui(func() {
			c.detected = servers
			c.fillServers()
		})
	})
}

// serverChoices are the detected servers' models, one "server · model" each.
func (c *catalogScreen) serverChoices() (labels []string, eps []advisor.Endpoint) {
	for _, srv := range c.detected {
		for _, m := range srv.Models {
			labels = append(labels, srv.Name+" · "+m)
			eps = append(eps, advisor.Endpoint{Kind: advisor.KindCompatible, BaseURL: srv.BaseURL, Model: m})
		}
	}
	return labels, eps
}

// fillServers lists the detected servers in Try it.
func (c *catalogScreen) fillServers() {
	if c.tryServer == nil {
		return
	}
	labels, _ := c.serverChoices()
	c.tryServer.Options = labels
	if len(labels) == 0 {
		c.tryServer.PlaceHolder = lang.L("catalog.try.no_server")
		c.tryServer.Disable()
	} else {
		c.tryServer.PlaceHolder = lang.L("catalog.try.pick_server")
		c.tryServer.Enable()
	}
	c.tryServer.Refresh()
}

// onServer fills the address and model name of the detected server picked.
func (c *catalogScreen) onServer(i int) {
	_, eps := c.serverChoices()
	if i < 0 || i >= len(eps) {
		return
	}
	setKind(c.tryKind, eps[i].Kind)
	c.tryURL.SetText(eps[i].BaseURL)
	c.tryModel.SetText(eps[i].Model)
}

// labelled puts a small caption above a field.
func labelled(caption string, field fyne.CanvasObject) fyne.CanvasObject {
	l := widget.NewLabel(caption)
	l.TextStyle.Bold = true
	return container.NewVBox(l, field)
}

func (c *catalogScreen) applyFilter() {
	if c.list == nil || c.a.engine == nil {
		return
	}
	f := advisor.CatalogFilter{Name: strings.TrimSpace(c.name.Text), OpenOnly: c.openOnly.Checked}
	if i := c.task.SelectedIndex(); i > 0 {
		f.Task = c.taskValues[i]
	}
	if i := c.kind.SelectedIndex(); i > 0 {
		f.Type = c.typeValues[i]
	}
	if i := c.license.SelectedIndex(); i > 0 {
		f.License = c.licenses[i]
	}
	c.models = advisor.FilterCatalog(c.a.engine.Catalog(), f)
	c.count.SetText(countText("catalog.count", len(c.models)))
	c.list.UnselectAll()
	c.list.Refresh()
	// The card stays only while its model is still in the list: a card the
	// filter removed would be taken for one of the results.
	if c.selected == nil {
		return
	}
	for i, m := range c.models {
		if m.ID == c.selected.ID {
			c.list.Select(i)
			return
		}
	}
	c.clearCard()
}

// clearCard empties the detail pane.
func (c *catalogScreen) clearCard() {
	c.selected = nil
	c.tryServer = nil
	if c.tryCancel != nil {
		c.tryCancel()
	}
	c.card.Objects = []fyne.CanvasObject{hint(lang.L("catalog.pick"))}
	c.card.Refresh()
}

func (c *catalogScreen) onSelect(i int) {
	if i < 0 || i >= len(c.models) {
		return
	}
	m := c.models[i]
	if c.selected != nil && c.selected.ID == m.ID && len(c.card.Objects) == 2 {
		return // the same card, re-selected after filtering: keep what was typed
	}
	c.selected = &m
	c.card.Objects = []fyne.CanvasObject{c.modelCard(m), c.tryBox(m)}
	c.card.Refresh()
}

// modelCard shows everything the catalog knows about a model.
func (c *catalogScreen) modelCard(m advisor.Model) fyne.CanvasObject {
	// The rows are made first and the form once: every Append redraws
	// every row of the form before it.
	var rows []*widget.FormItem
	row := func(label string, obj fyne.CanvasObject) { rows = append(rows, widget.NewFormItem(label, obj)) }
	add := func(key, value string) {
		if strings.TrimSpace(value) != "" {
			row(lang.L(key), wrapped(value))
		}
	}
	add("catalog.card.provider", m.Provider)
	add("catalog.card.type", typeLabel(m.Type))
	add("catalog.card.architecture", archLabel(m.Architecture))
	lic := weightsLabel(m.Weights) + " · " + licenseName(m)
	if m.LicenseNotes != "" {
		lic += " — " + m.LicenseNotes
	}
	add("catalog.card.license", lic)
	add("catalog.card.modalities", modalities(m.ModalitiesIn)+" → "+modalities(m.ModalitiesOut))
	add("catalog.card.limits", limitsText(m))
	add("catalog.card.capabilities", capabilitiesText(m))
	add("catalog.card.params", paramsNote(m.Params))
	add("catalog.card.tier", tierLabel(m.SizeTier))
	price := wrapped(priceText(m))
	if c.a.engine != nil && advisor.StaleOn(m.PriceAsOf, c.a.engine.Today()) {
		price.SetText(price.Text + " — " + lang.L("catalog.stale"))
		price.Importance = widget.WarningImportance
	}
	row(lang.L("catalog.card.price"), price)
	add("catalog.card.price_more", extraPrices(m))
	var hosting []string
	for _, h := range m.Hosting {
		hosting = append(hosting, hostingLabel(h))
	}
	needs := strings.Join(hosting, ", ")
	if m.MinMemoryGB > 0 {
		needs += " · " + lang.L("catalog.card.memory", map[string]any{"GB": fmt.Sprintf("%g", m.MinMemoryGB)})
	}
	if m.CPUOK {
		needs += " · " + lang.L("catalog.card.cpu_ok")
	}
	if len(m.Regions) > 0 {
		needs += " · " + lang.L("catalog.card.regions") + " " + strings.Join(m.Regions, ", ")
	}
	add("catalog.card.hosting", needs)
	today := ""
	if c.a.engine != nil {
		today = c.a.engine.Today()
	}
	st := wrapped(lifecycleText(m, today))
	if m.LifecycleRisk(today) {
		st.Importance = widget.WarningImportance
	}
	row(lang.L("catalog.card.status"), st)
	if u, err := url.Parse(firstURL(m.LifecycleSource)); err == nil && u.Host != "" {
		row("", widget.NewHyperlink(lang.L("catalog.card.lifecycle_source")+" "+u.Host, u))
	}
	if fit, imp := c.runsOnText(m); fit != "" {
		l := wrapped(fit)
		l.Importance = imp
		row(lang.L("catalog.card.runs_here"), l)
	}
	if b := benchmarksBox(m); b != nil {
		row(lang.L("catalog.card.benchmarks"), b)
	}

	title := heading(m.Name)
	box := container.NewVBox(title, wrapped(modelDescription(m)), widget.NewForm(rows...))
	if link := sourceLink(m.Source); link != nil {
		box.Add(link)
	}
	addBtn := widget.NewButtonWithIcon(lang.L("catalog.add_to_test"), theme.ContentAddIcon(), func() { c.onAddToTest(m) })
	box.Add(container.NewHBox(addBtn))
	return widget.NewCard("", "", box)
}

// firstURL is the first http(s) address in a source note.
func firstURL(s string) string {
	for _, f := range strings.Fields(s) {
		if strings.HasPrefix(f, "http://") || strings.HasPrefix(f, "https://") {
			return strings.TrimRight(f, ").,;")
		}
	}
	return ""
}

func priceText(m advisor.Model) string {
	var s string
	switch {
	case m.PriceUnit != "":
		s = lang.L("catalog.card.price_unit", map[string]any{"Price": money(m.PricePerUnit), "Unit": labelOr("catalog.unit."+m.PriceUnit, m.PriceUnit)})
	case m.PriceInPer1M == 0 && m.PriceOutPer1M == 0:
		s = lang.L("catalog.card.price_free")
	default:
		s = lang.L("catalog.card.price_tokens", map[string]any{"In": money(m.PriceInPer1M), "Out": money(m.PriceOutPer1M)})
	}
	if m.PriceAsOf != "" {
		s += " " + lang.L("catalog.card.as_of", map[string]any{"Date": m.PriceAsOf})
	}
	if m.PriceNote != "" {
		s += " — " + m.PriceNote
	}
	return s
}

// tryBox sends a sample prompt to an endpoint serving the model.
func (c *catalogScreen) tryBox(m advisor.Model) fyne.CanvasObject {
	ep := endpointForModel(c.a, m.ID)
	c.tryKind = newKindSelect(nil)
	setKind(c.tryKind, ep.Kind)
	c.tryURL = widget.NewEntry()
	c.tryURL.SetPlaceHolder("http://127.0.0.1:11434/v1")
	c.tryDeploy = widget.NewEntry()
	c.tryAPIVer = widget.NewEntry()
	c.tryAPIVer.SetPlaceHolder("2024-10-21")
	c.tryServer = newSelect(nil, func(string) { c.onServer(c.tryServer.SelectedIndex()) })
	c.fillServers()
	c.tryModel = widget.NewEntry()
	// The catalog id is not the name a server knows the model by (a local
	// server calls it what its file is called): only OpenAI's own API uses
	// the same name, so only then is it filled in.
	if ep.Kind == advisor.KindOpenAI {
		c.tryModel.SetText(m.ID)
	}
	c.tryModel.SetPlaceHolder(lang.L("catalog.try.model.placeholder"))
	c.tryKeyEnv = widget.NewEntry()
	c.tryKeyEnv.SetText(ep.APIKeyEnv)
	c.tryKeyEnv.SetPlaceHolder("OPENAI_API_KEY")
	c.tryKey = widget.NewPasswordEntry()
	c.tryKey.SetPlaceHolder(lang.L("catalog.try.key.placeholder"))
	c.tryPrompt = newTextBox(2)
	c.tryPrompt.SetText(lang.L("catalog.try.sample"))
	c.tryAnswer = wrapped("")
	c.tryStats = widget.NewLabel("")
	c.tryStats.TextStyle.Italic = true
	c.trySend = widget.NewButtonWithIcon(lang.L("catalog.try.send"), theme.MailSendIcon(), c.onTry)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("catalog.try.server"), c.tryServer),
		widget.NewFormItem(lang.L("live.ep.kind"), c.tryKind),
		widget.NewFormItem(lang.L("live.ep.base_url"), c.tryURL),
		widget.NewFormItem(lang.L("live.ep.deployment"), c.tryDeploy),
		widget.NewFormItem(lang.L("live.ep.api_version"), c.tryAPIVer),
		widget.NewFormItem(lang.L("live.ep.model"), c.tryModel),
		widget.NewFormItem(lang.L("live.ep.key_env"), c.tryKeyEnv),
		widget.NewFormItem(lang.L("live.ep.key"), c.tryKey),
		widget.NewFormItem(lang.L("catalog.try.prompt"), c.tryPrompt),
	)
	conn := c.tryConnection(m)
	return widget.NewCard(lang.L("catalog.try"), lang.L("catalog.try.sub"), container.NewVBox(conn, form, container.NewHBox(c.trySend), c.tryAnswer, c.tryStats))
}

func (c *catalogScreen) onTry() {
	ep := advisor.Endpoint{Name: "try", Kind: selectedKind(c.tryKind), BaseURL: strings.TrimSpace(c.tryURL.Text),
		Model: strings.TrimSpace(c.tryModel.Text), APIKeyEnv: strings.TrimSpace(c.tryKeyEnv.Text), Provider: c.tryProvider}
	if ep.Kind == advisor.KindAzure {
		ep.Deployment, ep.APIVersion = strings.TrimSpace(c.tryDeploy.Text), strings.TrimSpace(c.tryAPIVer.Text)
	}
	if c.selected != nil {
		ep.CatalogID = c.selected.ID
	}
	if p := addressProblem(ep.BaseURL, ep.Kind); p != "" {
		c.tryAnswer.Importance = widget.DangerImportance
		c.tryAnswer.SetText(p)
		return
	}
	if ep.Model == "" && ep.Kind != advisor.KindAzure {
		c.tryAnswer.Importance = widget.DangerImportance
		c.tryAnswer.SetText(lang.L("catalog.try.need_model"))
		return
	}
	key := c.tryKey.Text
	prompt := c.tryPrompt.Text
	if c.tryCancel != nil {
		c.tryCancel()
	}
	c.trySend.Disable()
	c.tryAnswer.SetText(lang.L("catalog.try.waiting"))
	c.tryStats.SetText("")
	ctx, cancel := context.WithCancel(c.a.ctx)
	c.tryCancel = cancel
	c.a.goWork(func(context.Context) {
		defer cancel()
		k := key
		if k == "" {
			k, _ = livetest.LookupKey(ep)
		}
		res, err := livetest.Try(ctx, ep, k, prompt)
		c.a.ui(func() {
			c.trySend.Enable()
			if err != nil {
				c.tryAnswer.SetText(callFailure("catalog.try.failed", ep, err))
				c.tryAnswer.Importance = widget.DangerImportance
				c.tryAnswer.Refresh()
				return
			}
			c.tryAnswer.Importance = widget.MediumImportance
			c.tryAnswer.SetText(res.Output)
			c.tryStats.SetText(lang.L("catalog.try.stats", map[string]any{
				"Latency": numbers().Number(res.LatencyMs, 0), "TTFT": numbers().Number(res.TTFTMs, 0),
				"In": res.TokensIn, "Out": res.TokensOut,
			}))
		})
	})
}

// onAddToTest puts the model among the live-test candidates.
func (c *catalogScreen) onAddToTest(m advisor.Model) {
	for _, ep := range c.a.candidates {
		if ep.CatalogID == m.ID {
			c.notice.SetText(lang.L("catalog.already_added", map[string]any{"Name": m.Name}))
			c.notice.Show()
			return
		}
	}
	ep := endpointForModel(c.a, m.ID)
	if c.tryURL != nil && c.selected != nil && c.selected.ID == m.ID {
		if u := strings.TrimSpace(c.tryURL.Text); u != "" {
			ep.BaseURL = u
			ep.Kind = selectedKind(c.tryKind)
		}
		if m := strings.TrimSpace(c.tryModel.Text); m != "" {
			ep.Model = m
		}
	}
	c.a.candidates = append(c.a.candidates, ep)
	c.notice.SetText(lang.L("catalog.added", map[string]any{"Name": m.Name, "N": len(c.a.candidates)}))
	c.notice.Show()
}

func (c *catalogScreen) onImport() {
	c.a.pickFile("err.import_models", []string{".yaml", ".yml", ".json"}, c.importFile)
}

// importFile reads models from a file off the UI goroutine and adds them to the engine.
func (c *catalogScreen) importFile(path string) {
	eng := c.a.engine
	if eng == nil {
		return
	}
	c.a.goWork(func(ctx context.Context) {
		ms, err := advisor.ParseCatalogFile(path)
		if err == nil {
			eng.AddModels(ms...)
		}
		c.a.ui(func() {
			if err != nil {
				c.a.showError(fail("err.import_models", err))
				return
			}
			c.notice.SetText(lang.L("catalog.imported", map[string]any{"N": len(ms)}))
			c.notice.Show()
			c.applyFilter()
		})
	})
}

func modalities(ms []string) string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, labelOr("modality."+m, m))
	}
	return strings.Join(out, ", ")
}

// thousands writes n with a thin space between groups of three digits,
// readable in both languages.
func thousands(n int) string {
	s := fmt.Sprintf("%d", n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u202f')
		}
		b.WriteRune(r)
	}
	return b.String()
}
