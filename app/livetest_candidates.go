package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

// The candidates part of the live-test setup: the endpoints to compare,
// added by hand, from the shortlist or from servers detected on this machine.

// endpointKinds are the kinds of endpoint, in the order the editors offer them.
var endpointKinds = []string{advisor.KindOpenAI, advisor.KindAzure, advisor.KindCompatible}

func kindLabel(k string) string { return labelOr("kind."+k, k) }

// newKindSelect offers the endpoint kinds by their plain names.
func newKindSelect(changed func(kind string)) *widget.Select {
	var s *widget.Select
	s = newSelect(labelsOf(endpointKinds, kindLabel), func(string) {
		if changed != nil {
			changed(selectedKind(s))
		}
	})
	return s
}

func selectedKind(s *widget.Select) string {
	if i := s.SelectedIndex(); i >= 0 && i < len(endpointKinds) {
		return endpointKinds[i]
	}
	return ""
}

func setKind(s *widget.Select, kind string) { s.SetSelectedIndex(indexOf(endpointKinds, kind)) }

func labelsOf(values []string, label func(string) string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = label(v)
	}
	return out
}

// localServer is a detected OpenAI-compatible server on this machine.
type localServer = livetest.LocalServer

func detectLocal(ctx context.Context) []localServer { return livetest.Detect(ctx) }

func (l *liveTestScreen) refreshCandidates() {
	defer l.a.saveSetupDraft()
	var rows []fyne.CanvasObject // set at once: every Add lays out what the box holds
	if len(l.a.candidates) == 0 {
		rows = append(rows, hint(lang.L("live.candidates.none")))
	}
	l.connectRow, l.pullBtns = nil, nil
	for i, ep := range l.a.candidates {
		i := i
		if livetest.NeedsConnection(ep) {
			rows = append(rows, l.needsConnectionRow(i, ep))
			continue
		}
		where := ep.BaseURL
		if where == "" && ep.Kind == advisor.KindOpenAI {
			where = "api.openai.com"
		}
		if where == "" {
			where = lang.L("live.ep.no_url")
		}
		text := widget.NewLabel(fmt.Sprintf("%s · %s · %s · %s", ep.Name, kindLabel(ep.Kind), ep.Model, where))
		text.Truncation = fyne.TextTruncateEllipsis
		edit := widget.NewButtonWithIcon(lang.L("btn.edit"), theme.DocumentCreateIcon(), func() { l.editEndpoint(i) })
		remove := widget.NewButtonWithIcon(lang.L("btn.remove"), theme.DeleteIcon(), func() {
			l.a.candidates = append(l.a.candidates[:i:i], l.a.candidates[i+1:]...)
			l.refreshCandidates()
		})
		rows = append(rows, container.NewBorder(nil, nil, nil, container.NewHBox(edit, remove), text))
	}
	l.candidates.Objects = rows
	l.candidates.Refresh()
	l.refreshHelpers()
	l.relayout()
}

// onDetect looks for local servers off the UI goroutine.
func (l *liveTestScreen) onDetect() {
	l.detectBtn.Disable()
	l.detected.Objects = []fyne.CanvasObject{hint(lang.L("live.detecting"))}
	l.detected.Refresh()
	detect := l.a.detect
	l.a.goWork(func(ctx context.Context) {
		servers := detect(ctx)
		l.a.ui(func() {
			l.detectBtn.Enable()
			l.detectedSrv = servers
			l.a.conns.local = servers
			l.a.mapCandidates()
			l.refreshCandidates()
			l.showDetected()
		})
	})
}

func (l *liveTestScreen) showDetected() {
	l.detected.Objects = nil
	l.detectedAdd = nil
	if len(l.detectedSrv) == 0 {
		l.detected.Add(hint(lang.L("live.detect.none")))
	}
	for _, srv := range l.detectedSrv {
		srv := srv
		l.detected.Add(widget.NewLabelWithStyle(lang.L("live.detect.found", map[string]any{"Name": srv.Name, "URL": srv.BaseURL}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		row := container.NewGridWrap(fyne.NewSize(260, 38))
		for _, m := range srv.Models {
			m := m
			b := widget.NewButtonWithIcon(m, theme.ContentAddIcon(), func() {
				l.a.candidates = append(l.a.candidates, advisor.Endpoint{Name: srv.Name + " " + m, Kind: advisor.KindCompatible, BaseURL: srv.BaseURL, Model: m})
				l.refreshCandidates()
			})
			b.Alignment = widget.ButtonAlignLeading
			l.detectedAdd = append(l.detectedAdd, b)
			row.Add(b)
		}
		l.detected.Add(row)
	}
	l.detected.Refresh()
	l.relayout()
}

// mergeCandidates is first followed by the endpoints of more whose names are
// not in first yet.
func mergeCandidates(first, more []advisor.Endpoint) []advisor.Endpoint {
	out := append([]advisor.Endpoint(nil), first...)
	for _, ep := range more {
		dup := false
		for _, have := range out {
			dup = dup || have.Name == ep.Name
		}
		if !dup {
			out = append(out, ep)
		}
	}
	return out
}
