package app

import (
	"context"
	"errors"
	"log"
	"strconv"
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

// The endpoint editor of the live-test setup and its connection test.

// endpointEditor is the dialog that edits one candidate endpoint.
type endpointEditor struct {
	kind       *widget.Select
	name       *widget.Entry
	baseURL    *widget.Entry
	deployment *widget.Entry
	apiVersion *widget.Entry
	model      *widget.Entry
	key        *widget.Entry
	keyEnv     *widget.Entry
	priceIn    *widget.Entry
	priceOut   *widget.Entry
	priceUnit  *widget.Entry // per minute of audio or per image, for those kinds
	testBtn    *widget.Button
	testResult *widget.Label
	kindOfTest string
	dialog     *dialog.FormDialog
}

// editEndpoint opens the endpoint editor (i < 0 adds one).
func (l *liveTestScreen) editEndpoint(i int) {
	ep := advisor.Endpoint{Kind: advisor.KindCompatible}
	if i >= 0 && i < len(l.a.candidates) {
		ep = l.a.candidates[i]
	}
	e := newEndpointEditor(ep, l.s.kind)
	l.editor = e
	e.testBtn = widget.NewButtonWithIcon(lang.L("live.ep.test"), theme.ViewRefreshIcon(), func() { l.onTestConnection(e) })
	items := e.formItems(l.s.kind)
	setKind(e.kind, ep.Kind)
	e.dialog = dialog.NewForm(lang.L("live.ep.title"), lang.L("btn.save"), lang.L("btn.cancel"), items, func(ok bool) {
		if ok {
			l.saveEndpoint(e, ep, i)
		}
	}, l.a.win)
	e.dialog.Resize(fyne.NewSize(720, 640))
	e.dialog.Show()
}

// newEndpointEditor is the editor's fields filled from ep, for cases of kind
// (the test button is added by editEndpoint).
func newEndpointEditor(ep advisor.Endpoint, kind string) *endpointEditor {
	e := &endpointEditor{}
	e.kind = newKindSelect(nil)
	e.name = widget.NewEntry()
	e.name.SetText(ep.Name)
	e.baseURL = widget.NewEntry()
	e.baseURL.SetText(ep.BaseURL)
	e.deployment = widget.NewEntry()
	e.deployment.SetText(ep.Deployment)
	e.apiVersion = widget.NewEntry()
	e.apiVersion.SetText(ep.APIVersion)
	e.apiVersion.SetPlaceHolder("2024-10-21")
	e.model = widget.NewEntry()
	e.model.SetText(ep.Model)
	e.key = widget.NewPasswordEntry()
	e.key.SetPlaceHolder(lang.L("live.ep.key.placeholder"))
	e.keyEnv = widget.NewEntry()
	e.keyEnv.SetText(ep.APIKeyEnv)
	e.keyEnv.SetPlaceHolder("OPENAI_API_KEY")
	e.priceIn = widget.NewEntry()
	e.priceOut = widget.NewEntry()
	if ep.PriceInPer1M != nil {
		e.priceIn.SetText(strconv.FormatFloat(*ep.PriceInPer1M, 'f', -1, 64))
	}
	if ep.PriceOutPer1M != nil {
		e.priceOut.SetText(strconv.FormatFloat(*ep.PriceOutPer1M, 'f', -1, 64))
	}
	e.priceUnit = widget.NewEntry()
	switch {
	case ep.PricePerMinute != nil:
		e.priceUnit.SetText(strconv.FormatFloat(*ep.PricePerMinute, 'f', -1, 64))
	case ep.PricePerImage != nil:
		e.priceUnit.SetText(strconv.FormatFloat(*ep.PricePerImage, 'f', -1, 64))
	}
	e.priceUnit.SetPlaceHolder(lang.L("live.ep.price.placeholder"))
	e.kindOfTest = kind
	e.priceIn.SetPlaceHolder(lang.L("live.ep.price.placeholder"))
	e.priceOut.SetPlaceHolder(lang.L("live.ep.price.placeholder"))
	e.testResult = wrapped("")
	return e
}

// formItems are the editor's rows for cases of kind; the kind of endpoint
// relabels the address and turns Azure's rows on and off as it changes.
func (e *endpointEditor) formItems(kind string) []*widget.FormItem {
	urlItem := widget.NewFormItem(lang.L("live.ep.base_url"), e.baseURL)
	depItem := widget.NewFormItem(lang.L("live.ep.deployment"), e.deployment)
	verItem := widget.NewFormItem(lang.L("live.ep.api_version"), e.apiVersion)
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("live.ep.kind"), e.kind),
		widget.NewFormItem(lang.L("live.ep.name"), e.name),
		urlItem, depItem, verItem,
		widget.NewFormItem(lang.L("live.ep.model"), e.model),
		widget.NewFormItem(lang.L("live.ep.key"), e.key),
		widget.NewFormItem(lang.L("live.ep.key_env"), e.keyEnv),
		widget.NewFormItem(lang.L("live.ep.price_in"), e.priceIn),
		widget.NewFormItem(lang.L("live.ep.price_out"), e.priceOut),
	}
	switch kind {
	case advisor.CaseKindTranscription:
		items = append(items, widget.NewFormItem(lang.L("live.ep.price_minute"), e.priceUnit))
	case advisor.CaseKindImage:
		items = append(items, widget.NewFormItem(lang.L("live.ep.price_image"), e.priceUnit))
	}
	items = append(items, widget.NewFormItem("", container.NewVBox(e.testBtn, e.testResult)))
	items[6].HintText = lang.L("live.ep.key.hint")
	items[7].HintText = lang.L("live.ep.key_env.hint")
	onKind := func(k string) {
		if k == advisor.KindAzure {
			urlItem.Text = lang.L("live.ep.azure_resource")
			e.baseURL.SetPlaceHolder("https://my-resource.openai.azure.com")
			e.deployment.Enable()
			e.apiVersion.Enable()
		} else {
			urlItem.Text = lang.L("live.ep.base_url")
			if k == advisor.KindOpenAI {
				e.baseURL.SetPlaceHolder("https://api.openai.com/v1")
			} else {
				e.baseURL.SetPlaceHolder("http://127.0.0.1:11434/v1")
			}
			e.deployment.Disable()
			e.apiVersion.Disable()
		}
		if e.dialog != nil {
			e.dialog.Refresh()
		}
	}
	// The address's form is checked as it is typed; Save waits for a good one.
	e.baseURL.Validator = func(v string) error { return addressError(v, selectedKind(e.kind)) }
	e.kind.OnChanged = func(string) {
		onKind(selectedKind(e.kind))
		_ = e.baseURL.Validate()
	}
	return items
}

// saveEndpoint is the editor's Save: the endpoint replaces candidate i (or
// is added), and a typed key is kept for the session.
func (l *liveTestScreen) saveEndpoint(e *endpointEditor, ep advisor.Endpoint, i int) {
	nep, err := e.endpoint(ep)
	if err != nil {
		l.a.showError(fail("err.endpoint", err))
		return
	}
	if i >= 0 && i < len(l.a.candidates) {
		l.a.candidates[i] = nep
	} else {
		l.a.candidates = append(l.a.candidates, nep)
	}
	l.refreshCandidates()
	if key := e.key.Text; key != "" {
		name := nep.Name
		if l.a.sessionKeys == nil {
			l.a.sessionKeys = map[string]string{}
		}
		l.a.sessionKeys[name] = key
		l.a.goWork(func(context.Context) {
			// Without a keyring the key is kept in memory until the app closes.
			if _, err := livetest.StoreKey(name, key, false); err != nil {
				l.a.ui(func() { l.a.showError(fail("err.save_key", err)) })
			}
		})
	}
}

// endpoint reads the editor into an endpoint, keeping fields it does not show.
func (e *endpointEditor) endpoint(base advisor.Endpoint) (advisor.Endpoint, error) {
	ep := base
	ep.Kind = selectedKind(e.kind)
	ep.Name = strings.TrimSpace(e.name.Text)
	ep.BaseURL = strings.TrimSpace(e.baseURL.Text)
	ep.Deployment = strings.TrimSpace(e.deployment.Text)
	ep.APIVersion = strings.TrimSpace(e.apiVersion.Text)
	ep.Model = strings.TrimSpace(e.model.Text)
	ep.APIKeyEnv = strings.TrimSpace(e.keyEnv.Text)
	if ep.Name == "" {
		ep.Name = ep.Model
	}
	if ep.Name == "" {
		return ep, errors.New(lang.L("live.ep.no_name"))
	}
	// A bad price names the field as the form shows it, in the user's language.
	price := func(labelKey, s string) (*float64, error) {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 {
			return nil, errors.New(lang.L("live.ep.bad_price", map[string]any{"Field": lang.L(labelKey), "Value": s}))
		}
		return &v, nil
	}
	var err error
	if ep.PriceInPer1M, err = price("live.ep.price_in", e.priceIn.Text); err != nil {
		return ep, err
	}
	if ep.PriceOutPer1M, err = price("live.ep.price_out", e.priceOut.Text); err != nil {
		return ep, err
	}
	switch e.kindOfTest {
	case advisor.CaseKindTranscription:
		if ep.PricePerMinute, err = price("live.ep.price_minute", e.priceUnit.Text); err != nil {
			return ep, err
		}
	case advisor.CaseKindImage:
		if ep.PricePerImage, err = price("live.ep.price_image", e.priceUnit.Text); err != nil {
			return ep, err
		}
	}
	return ep, nil
}

// onTestConnection sends a tiny request and reports the latency or the error.
func (l *liveTestScreen) onTestConnection(e *endpointEditor) {
	ep, err := e.endpoint(advisor.Endpoint{})
	if err == nil {
		if p := addressProblem(ep.BaseURL, ep.Kind); p != "" {
			err = errors.New(p)
		}
	}
	if err != nil {
		e.testResult.Importance = widget.DangerImportance
		e.testResult.SetText(err.Error())
		return
	}
	key := e.key.Text
	e.testBtn.Disable()
	e.testResult.Importance = widget.MediumImportance
	e.testResult.SetText(lang.L("live.ep.testing"))
	l.a.goWork(func(ctx context.Context) {
		k := key
		if k == "" {
			k, _ = livetest.LookupKey(ep)
		}
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		// The path and the model are checked too: a server may answer a
		// chat request whatever the model is called.
		models, lerr := livetest.ListModelsOf(ctx, ep, k)
		d, err := livetest.TestConnection(ctx, ep, k)
		problem := connectionProblem(ep, models, lerr, err)
		l.a.ui(func() {
			e.testBtn.Enable()
			if problem != "" {
				e.testResult.Importance = widget.DangerImportance
				e.testResult.SetText(problem)
				return
			}
			e.testResult.Importance = widget.SuccessImportance
			e.testResult.SetText(lang.L("live.ep.test_ok", map[string]any{"Ms": d.Milliseconds()}))
		})
	})
}

// callFailure says in plain words why a test call failed. When nothing
// answered at the address at all (no server, wrong port, unknown host) it
// says so and what to check, instead of the network library's own words
// ("dial tcp 127.0.0.1:1234: connect: connection refused"), which are logged.
func callFailure(prefixKey string, ep advisor.Endpoint, err error) string {
	var ce *livetest.CallError
	if errors.As(err, &ce) && ce.Class == advisor.ErrConnection && ce.Status == 0 {
		log.Printf("llm-advisor: %s: %v", ep.Name, err)
		where := ep.BaseURL
		if where == "" && ep.Kind == advisor.KindOpenAI {
			where = "https://api.openai.com/v1"
		}
		return lang.L("live.ep.unreachable", map[string]any{"URL": where})
	}
	return lang.L(prefixKey) + " " + err.Error()
}
