package app

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/internal/safefile"
	"github.com/llm-advisor/llm-advisor/report"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// peopleTab is the Results tab where people judge: compare answers blind,
// rate them, send a blind comparison to a colleague and import what comes
// back, and every option against a baseline, case by case, regressions
// first.
type peopleTab struct {
	r    *resultsScreen
	view fyne.CanvasObject

	blindBtn  *widget.Button
	rateBtn   *widget.Button
	exportBtn *widget.Button
	importBtn *widget.Button
	summary   *widget.Label // people's figures of the run

	baseline *widget.Select
	against  *widget.Select
	counts   *widget.Label
	diffList *widget.List
	keys     []verdict.Key
	diff     []verdict.CaseDiff
}

func newPeopleTab(r *resultsScreen) *peopleTab {
	p := &peopleTab{r: r}
	p.blindBtn = widget.NewButtonWithIcon(lang.L("people.blind"), theme.VisibilityOffIcon(), p.onBlind)
	p.blindBtn.Importance = widget.HighImportance
	p.rateBtn = widget.NewButtonWithIcon(lang.L("people.rate"), theme.ConfirmIcon(), p.onRate)
	p.exportBtn = widget.NewButtonWithIcon(lang.L("people.export"), theme.MailSendIcon(), p.onExport)
	p.importBtn = widget.NewButtonWithIcon(lang.L("people.import"), theme.DownloadIcon(), p.onImport)
	for _, b := range []*widget.Button{p.blindBtn, p.rateBtn, p.exportBtn, p.importBtn} {
		b.Disable()
	}
	p.summary = widget.NewLabel("")
	p.summary.Wrapping = fyne.TextWrapWord
	intro := hint(lang.L("people.intro"))
	intro.Wrapping = fyne.TextWrapWord
	p.baseline = newSelect(nil, func(string) { p.refreshDiff() })
	p.baseline.PlaceHolder = lang.L("diff.pick_baseline")
	p.against = newSelect(nil, func(string) { p.refreshDiff() })
	p.counts = widget.NewLabel("")
	p.counts.Wrapping = fyne.TextWrapWord
	p.diffList = widget.NewList(func() int { return len(p.diff) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i < len(p.diff) {
			o.(*widget.Label).SetText(p.diffText(p.diff[i]))
		}
	})
	diffTop := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("diff.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewGridWithColumns(2,
			container.NewBorder(nil, nil, widget.NewLabel(lang.L("diff.baseline")), nil, p.baseline),
			container.NewBorder(nil, nil, widget.NewLabel(lang.L("diff.against")), nil, p.against)),
		p.counts)
	top := container.NewVBox(intro,
		container.NewHScroll(container.NewHBox(p.blindBtn, p.rateBtn, p.exportBtn, p.importBtn)),
		p.summary, widget.NewSeparator())
	p.view = container.NewBorder(container.NewVBox(top, diffTop), nil, nil, nil, p.diffList)
	return p
}

// load fills the tab when a run's results and people's judgements are in.
func (p *peopleTab) load(v *verdict.Verdict) {
	on := v != nil && len(v.Candidates) > 0
	for _, b := range []*widget.Button{p.rateBtn, p.importBtn} {
		setEnabled(b, on)
	}
	two := on && len(verdict.BlindPairs(*v)) > 0
	setEnabled(p.blindBtn, two)
	setEnabled(p.exportBtn, two)
	p.summary.SetText("")
	p.keys = nil
	var names []string
	if v != nil {
		p.summary.SetText(strings.Join(peopleLines(*v), "\n"))
		for _, c := range v.Candidates {
			p.keys = append(p.keys, c.Key())
			names = append(names, optionName(c.Key()))
		}
	}
	prevB, prevA := p.baseline.Selected, p.against.Selected
	p.baseline.Options, p.against.Options = names, names
	p.baseline.ClearSelected()
	p.against.ClearSelected()
	switch {
	case contains(names, prevB):
		p.baseline.SetSelected(prevB)
	case len(names) > 1 && v != nil && v.Pick != nil:
		// The pick is the natural baseline: what would change if we moved?
		for i, c := range v.Candidates {
			if c.Endpoint == v.Pick.Endpoint && c.Strategy == v.Pick.Strategy {
				p.baseline.SetSelectedIndex(i)
			}
		}
	case len(names) > 1:
		p.baseline.SetSelectedIndex(0)
	}
	if contains(names, prevA) {
		p.against.SetSelected(prevA)
	}
	p.refreshDiff()
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// refreshDiff lists the chosen option's cases against the baseline,
// regressions first; with no second option chosen, the first other one.
func (p *peopleTab) refreshDiff() {
	p.diff = nil
	bi := p.baseline.SelectedIndex()
	if bi < 0 || bi >= len(p.keys) || len(p.keys) < 2 {
		p.counts.SetText(lang.L("diff.none"))
		p.diffList.Refresh()
		return
	}
	ai := p.against.SelectedIndex()
	if ai < 0 || ai == bi {
		ai = 0
		if ai == bi {
			ai = 1
		}
		if p.against.SelectedIndex() != ai {
			p.against.SetSelectedIndex(ai) // calls refreshDiff again
			return
		}
	}
	p.diff = verdict.BaselineDiff(p.r.results, p.keys[bi], p.keys[ai], p.r.people.Judgements)
	w, b, s := verdict.DiffCounts(p.diff)
	p.counts.SetText(lang.L("diff.counts", map[string]any{"Worse": w, "Better": b, "Same": s, "Baseline": p.baseline.Selected}))
	p.diffList.Refresh()
}

// diffText is one case of the diff: the outcome, both scores and the
// question's start.
func (p *peopleTab) diffText(d verdict.CaseDiff) string {
	mark := map[string]string{verdict.DiffWorse: "▼", verdict.DiffBetter: "▲", verdict.DiffSame: "="}[d.Outcome]
	in := ""
	if p.r.run != nil {
		in = workspace.CaseOf(p.r.run.Plan, d.Set, d.Case).Input
	}
	in = strings.Join(strings.Fields(in), " ")
	if r := []rune(in); len(r) > 80 {
		in = string(r[:80]) + "…"
	}
	by := ""
	if d.Human != "" {
		by = " · " + lang.L("diff.by_people")
	}
	return lang.L("diff.row", map[string]any{"Mark": mark, "Outcome": lang.L("diff." + d.Outcome), "Case": d.Case + 1,
		"Base": pct100(d.Baseline), "Other": pct100(d.Other), "Input": in}) + by
}

// peopleLines are the verdict's human figures in sentences, for the People
// and Verdict tabs.
func peopleLines(v verdict.Verdict) []string {
	var out []string
	for _, c := range v.Candidates {
		name := optionName(c.Key())
		if c.HumanQuality != nil {
			out = append(out, lang.L("people.line.score", map[string]any{"Name": name, "Score": pct100(*c.HumanQuality),
				"Lo": pct100(c.HumanCI[0]), "Hi": pct100(c.HumanCI[1]), "N": c.HumanRated, "Auto": pct100(c.Quality)}))
		}
		if c.HumanWinRate != nil {
			out = append(out, lang.L("people.line.wins", map[string]any{"Name": name, "Rate": pct100(*c.HumanWinRate),
				"Lo": pct100(c.HumanWinCI[0]), "Hi": pct100(c.HumanWinCI[1]), "N": c.HumanJudged}))
		}
	}
	for _, pr := range v.HumanPairs {
		out = append(out, "• "+pr.Sentence)
	}
	if v.HumanJudge != nil {
		s := v.HumanJudge.Sentence
		if !v.HumanJudge.Trusted {
			s = "⚠ " + s
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		out = append(out, lang.L("people.none"))
	}
	return out
}

// current is the run on screen with its results and verdict, for the
// people's screens.
func (p *peopleTab) current() *peopleRun {
	r := p.r
	if r.run == nil || !r.loaded || r.verdict.v == nil {
		return nil
	}
	return &peopleRun{run: *r.run, results: r.results, v: *r.verdict.v}
}

func (p *peopleTab) onBlind() {
	if pr := p.current(); pr != nil {
		p.r.a.people = pr
		p.r.a.show(screenBlind)
	}
}

func (p *peopleTab) onRate() {
	if pr := p.current(); pr != nil {
		p.r.a.people = pr
		p.r.a.show(screenRate)
	}
}

// onExport saves a blind comparison page for a colleague.
func (p *peopleTab) onExport() {
	pr := p.current()
	if pr == nil {
		return
	}
	a := p.r.a
	page, err := workspace.BlindPage(pr.run, pr.results, pr.v, a.langCode())
	if err != nil {
		a.showError(fail("err.blind", err))
		return
	}
	// The name is checked before anything is written (saveDialog).
	a.askSavePath(fmt.Sprintf("blind-comparison-run-%d.html", pr.run.ID), ".html", func(path string) { p.exportTo(path, page) })
}

// exportTo writes the page off the UI goroutine.
func (p *peopleTab) exportTo(path string, pg report.BlindPage) {
	a := p.r.a
	a.goWork(func(context.Context) {
		err := workspace.WriteBlindFile(path, pg)
		a.ui(func() {
			if err != nil {
				a.showError(fail("err.export", err))
				return
			}
			p.r.status.SetText(lang.L("people.exported", map[string]any{"N": len(pg.Items), "File": filepath.Base(path)}))
		})
	})
}

// onImport reads a colleague's choices file (or a ratings CSV).
func (p *peopleTab) onImport() {
	a := p.r.a
	a.pickFile("err.import_people", []string{".csv"}, p.importFile)
}

// importFile imports a ratings or choices file off the UI goroutine and
// says what was kept and what was left out.
func (p *peopleTab) importFile(path string) {
	a, ws := p.r.a, p.r.a.ws
	who := a.raterName()
	a.goWork(func(ctx context.Context) {
		b, err := safefile.Read(path, workspace.MaxPeopleFile)
		var got workspace.Imported
		if err == nil {
			got, err = ws.ImportPeople(ctx, b, who)
		}
		a.ui(func() {
			if err != nil {
				a.showError(fail("err.import_people", err))
				return
			}
			msg := lang.L("people.imported", map[string]any{"Ratings": got.Ratings, "Choices": got.Judgements, "File": filepath.Base(path)})
			if len(got.Bad) > 0 {
				bad := got.Bad
				if len(bad) > 10 {
					bad = append(bad[:10:10], "…")
				}
				msg += "\n\n" + lang.L("people.imported_bad", map[string]any{"N": len(got.Bad)}) + "\n" + strings.Join(bad, "\n")
			}
			l := widget.NewLabel(msg)
			l.Wrapping = fyne.TextWrapWord
			d := dialog.NewCustom(strings.TrimSuffix(lang.L("people.import"), "…"), lang.L("btn.close"), container.NewVScroll(l), a.win)
			d.Resize(fyne.NewSize(560, 320))
			d.Show()
			p.r.reloadPeople()
		})
	})
}
