package app

import (
	"context"
	"fmt"
	"log"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

// connections are the providers the user connected (kept in the config
// folder's connections.json, without keys) and those whose key variable is
// set in the environment.
type connections struct {
	saved []livetest.Connection
	env   []livetest.Connection
	path  string
	// providers lists the providers to offer (tests point one at a local server).
	providers func() []livetest.Provider
	local     []localServer // the last detected local servers
	// mapped is what the last mapping found for each shortlisted candidate,
	// by candidate name: the provider to suggest and an Ollama tag to pull.
	mapped map[string]livetest.Candidate
}

func newConnections() *connections {
	c := &connections{path: livetest.ConnectionsPath(), providers: livetest.Providers, mapped: map[string]livetest.Candidate{}}
	saved, err := livetest.LoadConnections(c.path)
	if err != nil {
		log.Printf("llm-advisor: %v", err)
	}
	c.saved = saved
	c.env = livetest.EnvConnections()
	return c
}

// all is every connection: the ones the user made first, then the
// environment's for providers the user did not connect.
func (c *connections) all() []livetest.Connection {
	out := append([]livetest.Connection(nil), c.saved...)
	for _, e := range c.env {
		if !c.has(e.Provider) {
			out = append(out, e)
		}
	}
	return out
}

func (c *connections) has(provider string) bool {
	for _, s := range c.saved {
		if s.Provider == provider {
			return true
		}
	}
	return false
}

func (c *connections) provider(id string) (livetest.Provider, bool) {
	for _, p := range c.providers() {
		if p.ID == id {
			return p, true
		}
	}
	return livetest.Provider{}, false
}

// put adds or replaces the connection of a provider (a local server by its
// URL) and writes the file off the UI goroutine.
func (a *App) putConnection(conn livetest.Connection) {
	c := a.conns
	kept := c.saved[:0:0]
	for _, s := range c.saved {
		same := s.Provider == conn.Provider && (conn.Provider != livetest.LocalProvider || s.BaseURL == conn.BaseURL)
		if !same {
			kept = append(kept, s)
		}
	}
	c.saved = append(kept, conn)
	a.saveConnections()
}

// removeConnection forgets a provider: its connection, its key, and the
// candidates that ran on it go back to needing a connection.
func (a *App) removeConnection(conn livetest.Connection) {
	c := a.conns
	kept := c.saved[:0:0]
	for _, s := range c.saved {
		if !(s.Provider == conn.Provider && s.BaseURL == conn.BaseURL) {
			kept = append(kept, s)
		}
	}
	c.saved = kept
	for i, ep := range a.candidates {
		if ep.CatalogID != "" && ep.Provider == conn.Provider && conn.Provider != livetest.LocalProvider {
			a.candidates[i] = advisor.Endpoint{Name: ep.Name, Kind: advisor.KindCompatible, Model: ep.CatalogID, CatalogID: ep.CatalogID}
		}
	}
	provider := conn.Provider
	a.saveConnections()
	if provider != livetest.LocalProvider {
		a.goWork(func(context.Context) { livetest.ForgetKey(livetest.ConnectionKeyName(provider)) })
	}
	a.mapCandidates()
}

func (a *App) saveConnections() {
	path, list := a.conns.path, append([]livetest.Connection(nil), a.conns.saved...)
	a.goWork(func(context.Context) {
		if err := livetest.SaveConnections(path, list); err != nil {
			a.ui(func() { a.showError(fail("err.connect_save", err)) })
		}
	})
}

// mapModel finds where a catalog model can run now.
func (a *App) mapModel(id string) livetest.Candidate {
	m := advisor.Model{ID: id}
	if a.engine != nil {
		if mm, ok := a.engine.Model(id); ok {
			m = mm
		}
	}
	return livetest.MapCandidate(m, a.conns.all(), a.conns.local)
}

// mapCandidates puts every shortlisted candidate that needs a connection on
// one that serves it (connected providers, detected local servers), and
// remembers for the others which provider to suggest.
func (a *App) mapCandidates() {
	for i, ep := range a.candidates {
		if ep.CatalogID == "" {
			continue
		}
		if !livetest.NeedsConnection(ep) {
			delete(a.conns.mapped, ep.Name)
			continue
		}
		cand := a.mapModel(ep.CatalogID)
		a.conns.mapped[ep.Name] = cand
		if cand.Connected {
			cand.Endpoint.Name = ep.Name
			a.candidates[i] = cand.Endpoint
		}
	}
}

// connectionLine says in a line what a connection is and where its key is.
func connectionLine(c livetest.Connection) string {
	name := c.Name
	if name == "" {
		name = c.Provider
	}
	var where string
	switch c.KeyPlace {
	case livetest.KeyInKeyring:
		where = lang.L("connect.key.keyring")
	case livetest.KeyInFile:
		where = lang.L("connect.key.file")
	case livetest.KeyInMemory:
		where = lang.L("connect.key.memory")
	case livetest.KeyInEnv:
		where = lang.L("connect.key.env", map[string]any{"Var": c.KeyEnv})
	default:
		where = lang.L("connect.key.none")
	}
	models := ""
	if n := len(c.Models); n > 0 {
		models = " · " + lang.L("connect.models", map[string]any{"N": n})
	}
	return fmt.Sprintf("✓ %s%s · %s", name, models, where)
}

// connectionsBox lists the connections with a Remove button each, and the
// "Connect a provider" button.
func (l *liveTestScreen) connectionsBox() fyne.CanvasObject {
	l.connBox = container.NewVBox()
	l.connectBtn = widget.NewButtonWithIcon(lang.L("connect.button"), theme.LoginIcon(), func() { l.a.openConnect("", l.afterConnect) })
	l.connectBtn.Importance = widget.HighImportance
	l.refreshConnections()
	return container.NewVBox(container.NewBorder(nil, nil, nil, l.connectBtn, hint(lang.L("connect.sub"))), l.connBox)
}

func (l *liveTestScreen) refreshConnections() {
	if l.connBox == nil {
		return
	}
	l.connBox.Objects = nil
	for _, c := range l.a.conns.all() {
		c := c
		text := widget.NewLabel(connectionLine(c))
		text.Truncation = fyne.TextTruncateEllipsis
		if c.KeyPlace == livetest.KeyInEnv && !l.a.conns.has(c.Provider) {
			l.connBox.Add(text)
			continue
		}
		remove := widget.NewButtonWithIcon(lang.L("btn.remove"), theme.DeleteIcon(), func() {
			l.a.removeConnection(c)
			l.refreshConnections()
			l.refreshCandidates()
		})
		l.connBox.Add(container.NewBorder(nil, nil, nil, remove, text))
	}
	l.connBox.Refresh()
}

// afterConnect maps the candidates onto the new connection and shows them.
func (l *liveTestScreen) afterConnect(livetest.Connection) {
	l.a.mapCandidates()
	l.refreshConnections()
	l.refreshCandidates()
}

// connectDialog is the "Connect a provider" dialog: pick the provider, give
// the key (Azure: resource and deployment; a local server: its address),
// and Check and connect makes real calls before anything is kept.
type connectDialog struct {
	a          *App
	ids        []string // provider id per select index; the last is LocalProvider
	provider   *widget.Select
	keyRow     *fyne.Container
	key        *widget.Entry
	keysLink   *widget.Hyperlink
	azureRows  *fyne.Container
	resource   *widget.Entry
	deployment *widget.Entry
	localRow   *fyne.Container
	localURL   *widget.Entry
	remember   *widget.Check
	rememberTx *widget.Label
	check      *widget.Button
	cancelBtn  *widget.Button
	busy       *widget.ProgressBarInfinite
	status     *widget.Label
	dlg        dialog.Dialog
	stop       context.CancelFunc
	done       func(livetest.Connection)
	connected  *livetest.Connection // set once a check passed
	model      string               // the model to check with ("" = the provider's choice)
}

// openConnect shows the connect dialog with a provider chosen (suggest may
// be ""), and calls done on the UI goroutine once a connection works.
func (a *App) openConnect(suggest string, done func(livetest.Connection)) *connectDialog {
	d := &connectDialog{a: a, done: done}
	a.connect = d
	var names []string
	for _, p := range a.conns.providers() {
		d.ids = append(d.ids, p.ID)
		names = append(names, p.Name)
	}
	d.ids = append(d.ids, livetest.LocalProvider)
	names = append(names, lang.L("connect.local"))
	d.provider = newSelect(names, func(string) { d.onProvider() })
	d.key = widget.NewPasswordEntry()
	d.key.SetPlaceHolder(lang.L("connect.key.placeholder"))
	d.keysLink = widget.NewHyperlink(lang.L("connect.get_key"), nil)
	d.keyRow = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("connect.key"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), d.keysLink, d.key))
	d.resource = widget.NewEntry()
	d.resource.SetPlaceHolder("my-resource")
	d.deployment = widget.NewEntry()
	d.deployment.SetPlaceHolder("gpt-4o-mini")
	d.azureRows = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("connect.azure.resource"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, d.resource),
		hint(lang.L("connect.azure.resource_hint")),
		container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("connect.azure.deployment"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, d.deployment),
		hint(lang.L("connect.azure.deployment_hint")))
	d.localURL = widget.NewEntry()
	d.localURL.SetPlaceHolder("http://127.0.0.1:11434/v1")
	d.localURL.SetText("http://127.0.0.1:11434/v1") // Ollama's, the most common
	if len(a.conns.local) > 0 {
		d.localURL.SetText(a.conns.local[0].BaseURL)
	}
	d.localRow = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("connect.local.url"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, d.localURL),
		hint(lang.L("connect.local.hint")))
	d.remember = widget.NewCheck(lang.L("connect.remember"), nil)
	d.rememberTx = wrapped(lang.L("connect.remember.hint", map[string]any{"Path": livetest.KeyFilePath()}))
	d.rememberTx.TextStyle.Italic = true
	d.status = wrapped("")
	d.busy = widget.NewProgressBarInfinite()
	d.busy.Stop()
	d.busy.Hide()
	d.check = widget.NewButtonWithIcon(lang.L("connect.check"), theme.ConfirmIcon(), d.onCheck)
	d.check.Importance = widget.HighImportance
	d.cancelBtn = widget.NewButton(lang.L("btn.cancel"), d.onCancel)

	body := container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("connect.provider"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, d.provider),
		d.keyRow, d.azureRows, d.localRow, d.remember, d.rememberTx, d.busy, d.status)
	content := container.NewBorder(nil, container.NewHBox(spacer(), d.cancelBtn, d.check), nil, nil, container.NewVScroll(body))
	d.dlg = dialog.NewCustomWithoutButtons(lang.L("connect.title"), content, a.win)
	i := indexOf(d.ids, suggest)
	if i < 0 {
		i = 0
	}
	d.provider.SetSelectedIndex(i)
	d.dlg.Resize(fyne.NewSize(680, 520))
	d.dlg.Show()
	if d.selected() != livetest.LocalProvider {
		a.win.Canvas().Focus(d.key)
	}
	return d
}

func (d *connectDialog) selected() string {
	if i := d.provider.SelectedIndex(); i >= 0 && i < len(d.ids) {
		return d.ids[i]
	}
	return ""
}

// onProvider shows the fields the chosen provider needs.
func (d *connectDialog) onProvider() {
	id := d.selected()
	p, _ := d.a.conns.provider(id)
	d.keyRow.Hidden = id == livetest.LocalProvider
	d.remember.Hidden, d.rememberTx.Hidden = d.keyRow.Hidden, d.keyRow.Hidden
	d.azureRows.Hidden = p.Kind != advisor.KindAzure
	d.localRow.Hidden = id != livetest.LocalProvider
	if u, err := url.Parse(p.KeysURL); err == nil && p.KeysURL != "" {
		d.keysLink.SetURL(u)
		d.keysLink.Show()
	} else {
		d.keysLink.Hide()
	}
	d.status.SetText("")
	if d.dlg != nil {
		d.dlg.Refresh()
	}
}

// connection is the connection the dialog describes, or a reason it cannot
// be checked yet (naming the field and the fix).
func (d *connectDialog) connection() (livetest.Connection, string) {
	id := d.selected()
	if id == livetest.LocalProvider {
		u := strings.TrimSpace(d.localURL.Text)
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return livetest.Connection{}, lang.L("connect.need_url")
		}
		name := lang.L("connect.local.name")
		for _, s := range d.a.conns.local {
			if s.BaseURL == strings.TrimRight(u, "/") {
				name = s.Name
			}
		}
		return livetest.Connection{Provider: livetest.LocalProvider, Name: name, Kind: advisor.KindCompatible, BaseURL: strings.TrimRight(u, "/")}, ""
	}
	p, ok := d.a.conns.provider(id)
	if !ok {
		return livetest.Connection{}, lang.L("connect.need_provider")
	}
	if strings.TrimSpace(d.key.Text) == "" {
		return livetest.Connection{}, lang.L("connect.need_key", map[string]any{"Provider": p.Name})
	}
	if p.Kind == advisor.KindAzure && (strings.TrimSpace(d.resource.Text) == "" || strings.TrimSpace(d.deployment.Text) == "") {
		return livetest.Connection{}, lang.L("connect.need_azure")
	}
	return livetest.NewConnection(p, d.resource.Text, d.deployment.Text), ""
}

// onCheck lists the provider's models and sends a one-token request with
// the key, off the UI goroutine; only a connection that works is kept.
func (d *connectDialog) onCheck() {
	conn, problem := d.connection()
	if problem != "" {
		d.status.Importance = widget.DangerImportance
		d.status.SetText(problem)
		return
	}
	key := strings.TrimSpace(d.key.Text)
	if conn.Provider == livetest.LocalProvider {
		key = ""
	}
	remember := d.remember.Checked
	d.check.Disable()
	d.busy.Show()
	d.busy.Start()
	d.status.Importance = widget.MediumImportance
	d.status.SetText(lang.L("connect.checking", map[string]any{"Provider": conn.Name}))
	ctx, stop := context.WithTimeout(d.a.ctx, 45*time.Second)
	d.stop = stop
	model := d.model
	d.a.goWork(func(context.Context) {
		defer stop()
		res := livetest.CheckConnection(ctx, conn, key, model)
		var place livetest.KeyPlace
		var kerr error
		if res.OK() && key != "" {
			place, kerr = livetest.StoreKey(livetest.ConnectionKeyName(conn.Provider), key, remember)
		}
		d.a.ui(func() { d.onChecked(conn, res, place, kerr) })
	})
}

func (d *connectDialog) onChecked(conn livetest.Connection, res livetest.Check, place livetest.KeyPlace, kerr error) {
	d.busy.Stop()
	d.busy.Hide()
	d.check.Enable()
	if !res.OK() {
		if res.Detail != "" {
			log.Printf("llm-advisor: connect %s: %s", conn.Provider, res.Detail)
		}
		d.status.Importance = widget.DangerImportance
		d.status.SetText(checkProblem(conn, res))
		return
	}
	if kerr != nil {
		d.a.showError(fail("err.save_key", kerr))
	}
	conn.Models, conn.CheckedAt = res.Models, time.Now().UTC()
	if conn.Provider != livetest.LocalProvider {
		conn.KeyPlace = place
	}
	d.connected = &conn
	d.a.putConnection(conn)
	d.dlg.Hide()
	if d.a.connect == d {
		d.a.connect = nil
	}
	if d.done != nil {
		d.done(conn)
	}
}

func (d *connectDialog) onCancel() {
	if d.stop != nil {
		d.stop()
	}
	d.dlg.Hide()
	if d.a.connect == d {
		d.a.connect = nil
	}
}

// checkProblem says what a failed check means and what to do, in the
// user's language.
func checkProblem(conn livetest.Connection, res livetest.Check) string {
	vars := map[string]any{"Provider": conn.Name, "Model": res.Model, "URL": conn.BaseURL, "Detail": oneLine(res.Detail, 160)}
	switch res.Problem {
	case livetest.ProblemBadKey, livetest.ProblemModelAccess, livetest.ProblemNoCredit, livetest.ProblemRegion,
		livetest.ProblemUnreachable, livetest.ProblemRateLimited, livetest.ProblemNoKey:
		return lang.L("connect.problem."+res.Problem, vars)
	}
	return lang.L("connect.problem.other", vars)
}

// needsConnectionRow is a candidate that no connection serves yet: its name,
// "needs a connection", Connect (with the provider to suggest) and, for an
// open model a local Ollama lacks, Download.
func (l *liveTestScreen) needsConnectionRow(i int, ep advisor.Endpoint) fyne.CanvasObject {
	cand := l.a.conns.mapped[ep.Name]
	text := widget.NewLabel(lang.L("connect.needs", map[string]any{"Name": ep.Name}))
	text.Truncation = fyne.TextTruncateEllipsis
	text.Importance = widget.WarningImportance
	connect := widget.NewButtonWithIcon(lang.L("connect.connect"), theme.LoginIcon(), func() {
		d := l.a.openConnect(cand.Suggest, l.afterConnect)
		d.model = ""
	})
	l.connectRow = append(l.connectRow, connect)
	remove := widget.NewButtonWithIcon(lang.L("btn.remove"), theme.DeleteIcon(), func() {
		l.a.candidates = append(l.a.candidates[:i:i], l.a.candidates[i+1:]...)
		l.refreshCandidates()
	})
	btns := container.NewHBox(connect)
	if cand.Pull != "" {
		pull := widget.NewButtonWithIcon(lang.L("connect.pull", map[string]any{"Tag": cand.Pull}), theme.DownloadIcon(), func() {
			l.openPull(cand.PullURL, cand.Pull)
		})
		l.pullBtns = append(l.pullBtns, pull)
		btns.Add(pull)
	}
	btns.Add(remove)
	return container.NewBorder(nil, nil, nil, btns, text)
}

// pullDialog downloads a model into a local Ollama, with progress and Cancel.
type pullDialog struct {
	bar    *widget.ProgressBar
	status *widget.Label
	cancel *widget.Button
	dlg    dialog.Dialog
	stop   context.CancelFunc
	err    error
	done   bool
}

func (l *liveTestScreen) openPull(baseURL, tag string) {
	p := &pullDialog{bar: widget.NewProgressBar(), status: wrapped(lang.L("connect.pull.starting", map[string]any{"Tag": tag}))}
	l.pull = p
	ctx, stop := context.WithCancel(l.a.ctx)
	p.stop = stop
	p.cancel = widget.NewButtonWithIcon(lang.L("btn.cancel"), theme.CancelIcon(), func() { stop() })
	content := container.NewVBox(hint(lang.L("connect.pull.hint")), p.bar, p.status, container.NewHBox(spacer(), p.cancel))
	p.dlg = dialog.NewCustomWithoutButtons(lang.L("connect.pull.title", map[string]any{"Tag": tag}), content, l.a.win)
	p.dlg.Resize(fyne.NewSize(560, 220))
	p.dlg.Show()
	l.a.goWork(func(context.Context) {
		defer stop()
		last := time.Time{}
		err := livetest.PullModel(ctx, baseURL, tag, func(pr livetest.PullProgress) {
			// At most ten updates a second reach the UI.
			if now := time.Now(); now.Sub(last) >= 100*time.Millisecond || pr.Status == "success" {
				last = now
				l.a.ui(func() { p.show(pr) })
			}
		})
		l.a.ui(func() {
			p.done, p.err = true, err
			if err != nil {
				p.cancel.SetText(lang.L("btn.close"))
				p.cancel.OnTapped = p.dlg.Hide
				p.status.Importance = widget.DangerImportance
				if ctx.Err() != nil {
					p.status.SetText(lang.L("connect.pull.cancelled"))
				} else {
					p.status.SetText(lang.L("connect.pull.failed", map[string]any{"Error": err.Error()}))
				}
				return
			}
			p.dlg.Hide()
			l.onDetect() // the model is there now: find it and map the candidates
		})
	})
}

func (p *pullDialog) show(pr livetest.PullProgress) {
	p.bar.SetValue(pr.Fraction())
	if pr.Total > 0 {
		p.status.SetText(fmt.Sprintf("%s · %.0f / %.0f MB", pr.Status, float64(pr.Completed)/1e6, float64(pr.Total)/1e6))
	} else {
		p.status.SetText(pr.Status)
	}
}

// leftOut lists the candidates that cannot run yet (they need a connection).
func (l *liveTestScreen) leftOut() []string {
	var names []string
	for _, ep := range l.a.candidates {
		if livetest.NeedsConnection(ep) {
			names = append(names, ep.Name)
		}
	}
	return names
}

// tryConnection fills the Try it fields from the connection that serves the
// model, or offers to connect one; after connecting, the card is rebuilt.
func (c *catalogScreen) tryConnection(m advisor.Model) fyne.CanvasObject {
	cand := c.a.mapModel(m.ID)
	c.tryProvider = ""
	if cand.Connected {
		ep := cand.Endpoint
		c.tryProvider = ep.Provider
		setKind(c.tryKind, ep.Kind)
		c.tryURL.SetText(ep.BaseURL)
		c.tryModel.SetText(ep.Model)
		c.tryKeyEnv.SetText(ep.APIKeyEnv)
		c.tryDeploy.SetText(ep.Deployment)
		c.tryAPIVer.SetText(ep.APIVersion)
		name := ep.BaseURL
		if p, ok := c.a.conns.provider(ep.Provider); ok {
			name = p.Name
		}
		ok := wrapped(lang.L("connect.try.runs_on", map[string]any{"Provider": name}))
		ok.Importance = widget.SuccessImportance
		return ok
	}
	c.tryConnect = widget.NewButtonWithIcon(lang.L("connect.button"), theme.LoginIcon(), func() {
		c.a.openConnect(cand.Suggest, func(livetest.Connection) {
			if c.selected != nil && c.selected.ID == m.ID && c.a.catalog == c {
				c.card.Objects = []fyne.CanvasObject{c.modelCard(m), c.tryBox(m)}
				c.card.Refresh()
			}
		})
	})
	c.tryConnect.Importance = widget.HighImportance
	needs := wrapped(lang.L("connect.try.needs"))
	needs.Importance = widget.WarningImportance
	return container.NewBorder(nil, nil, nil, c.tryConnect, needs)
}
