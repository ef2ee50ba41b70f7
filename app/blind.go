package app

import (
	"context"
	"errors"
	"os/user"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// peopleRun is the run the blind comparison and the rating screens work on,
// with its results and verdict, set by Results before it opens them.
type peopleRun struct {
	run     data.Run
	results []advisor.Result
	v       verdict.Verdict
}

// raterName is who rates and chooses: the name the user gave last, else
// the system user name.
func (a *App) raterName() string {
	if n := strings.TrimSpace(a.prefs.String(prefRaterName)); n != "" {
		return n
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

// blindScreen is the blind side-by-side comparison: for each case two
// answers in the session's random order, the names hidden until the choice
// (1 or ← left better, 2 or → right better, 3 or ↓ the same, 4 or ↑ both
// bad, Backspace back). Every choice is stored at once, so closing the app
// loses nothing and the session resumes where it stopped, in its order.
type blindScreen struct {
	a    *App
	pr   *peopleRun
	view fyne.CanvasObject

	who      *widget.Entry
	progress *widget.Label
	input    *widget.Label
	expected *widget.Label
	left     *widget.Label
	right    *widget.Label
	revealed *widget.Label // the names of the last choice's two answers
	done     *widget.Label
	choices  map[string]*widget.Button
	back     *widget.Button
	restart  *widget.Button
	pair     fyne.CanvasObject

	blind *workspace.Blind
	idx   int  // the item on screen
	busy  bool // a choice is being saved
}

func newBlindScreen(a *App, pr *peopleRun) *blindScreen {
	b := &blindScreen{a: a, pr: pr, choices: map[string]*widget.Button{}}
	b.who = widget.NewEntry()
	b.who.SetText(a.raterName())
	b.who.OnSubmitted = func(string) { b.onWho() }
	b.progress = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	wrap := func() *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	b.input, b.expected, b.left, b.right = wrap(), wrap(), wrap(), wrap()
	b.revealed = wrap()
	b.revealed.Importance = widget.SuccessImportance
	b.done = wrap()
	b.done.Hide()
	bar := container.NewHBox()
	icons := map[string]fyne.Resource{verdict.ChoiceLeft: theme.NavigateBackIcon(), verdict.ChoiceRight: theme.NavigateNextIcon(),
		verdict.ChoiceSame: theme.MenuDropDownIcon(), verdict.ChoiceBothBad: theme.MenuDropUpIcon()}
	for _, c := range verdict.Choices {
		c := c
		btn := widget.NewButtonWithIcon(lang.L("blind.choice."+c), icons[c], func() { b.choose(c) })
		b.choices[c] = btn
		bar.Add(btn)
	}
	b.back = widget.NewButtonWithIcon(lang.L("blind.back"), theme.ContentUndoIcon(), b.onBack)
	bar.Add(b.back)
	b.restart = widget.NewButtonWithIcon(lang.L("blind.restart"), theme.ViewRefreshIcon(), func() { b.open(true) })
	toResults := widget.NewButtonWithIcon(lang.L("blind.to_results"), theme.NavigateBackIcon(), func() { a.show(screenResults) })

	col := func(title string, l *widget.Label) fyne.CanvasObject {
		return widget.NewCard("", "", container.NewBorder(widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil,
			container.NewVScroll(l)))
	}
	caseBox := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("blind.input"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), b.input,
		widget.NewLabelWithStyle(lang.L("blind.expected"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), b.expected)
	answers := container.NewGridWithColumns(2, col(lang.L("blind.left"), b.left), col(lang.L("blind.right"), b.right))
	b.pair = container.NewBorder(caseBox, nil, nil, nil, answers)
	keysHint := hint(lang.L("blind.keys"))
	keysHint.Wrapping = fyne.TextWrapWord
	top := container.NewVBox(
		container.NewBorder(nil, nil, heading(lang.L("blind.title")), container.NewHBox(b.restart, toResults)),
		keysHint,
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("people.who")), nil, b.who),
		b.progress, b.revealed, b.done)
	b.view = container.NewBorder(top, container.NewHScroll(bar), nil, nil, b.pair)
	a.onKey = b.onKey
	b.setEnabled(false)
	b.progress.SetText(lang.L("results.loading"))
	b.open(false)
	return b
}

// onWho takes a new name: the session of that person (theirs to resume).
func (b *blindScreen) onWho() {
	name := strings.TrimSpace(b.who.Text)
	if name == "" {
		b.who.SetText(b.a.raterName())
		return
	}
	b.a.prefs.SetString(prefRaterName, name)
	b.a.win.Canvas().Unfocus()
	b.open(false)
}

// open resumes the person's latest session of the run or starts one (fresh).
func (b *blindScreen) open(fresh bool) {
	ws, pr, who := b.a.ws, b.pr, strings.TrimSpace(b.who.Text)
	if ws == nil || pr == nil {
		return
	}
	b.busy = true
	b.a.goWork(func(ctx context.Context) {
		bl, err := ws.OpenBlind(ctx, pr.run, pr.results, pr.v, who, fresh)
		b.a.ui(func() {
			b.busy = false
			if err != nil {
				if errors.Is(err, workspace.ErrNothingToCompare) {
					b.progress.SetText(lang.L("blind.nothing"))
					return
				}
				b.a.showError(fail("err.blind", err))
				return
			}
			b.blind = bl
			b.idx = bl.Next()
			b.revealed.SetText("")
			b.render()
		})
	})
}

func (b *blindScreen) setEnabled(on bool) {
	for _, btn := range b.choices {
		if on {
			btn.Enable()
		} else {
			btn.Disable()
		}
	}
	if on && b.idx > 0 {
		b.back.Enable()
	} else if b.blind == nil || b.idx == 0 {
		b.back.Disable()
	}
}

// render shows the item at idx, or the end of the session.
func (b *blindScreen) render() {
	if b.blind == nil {
		return
	}
	n := len(b.blind.Session.Items)
	if b.idx >= n {
		b.progress.SetText(lang.L("blind.progress", map[string]any{"N": n, "Of": n}))
		b.pair.Hide()
		b.done.SetText(lang.L("blind.done", map[string]any{"N": n}))
		b.done.Show()
		b.showTally()
		b.setEnabled(false)
		if n > 0 {
			b.back.Enable()
		}
		return
	}
	b.done.Hide()
	b.pair.Show()
	b.progress.SetText(lang.L("blind.progress", map[string]any{"N": b.idx + 1, "Of": n}))
	c := b.blind.Case(b.idx)
	it := b.blind.Session.Items[b.idx]
	b.input.SetText(clip(c.Input))
	b.expected.SetText(clip(orDash(c.Expected)))
	b.left.SetText(clip(b.blind.Answers[it.Left].Output))
	b.right.SetText(clip(b.blind.Answers[it.Right].Output))
	b.setEnabled(true)
}

// optionName is how a candidate is named on the people's screens:
// "endpoint · strategy in words".
func optionName(k verdict.Key) string { return k.Endpoint + " · " + strategyLabel(k.Strategy) }

// showTally adds what the choices so far say to the end of the session:
// the verdict's blind figures with everyone's choices in.
func (b *blindScreen) showTally() {
	ws, pr := b.a.ws, b.pr
	if ws == nil || pr == nil {
		return
	}
	b.a.goWork(func(ctx context.Context) {
		people, err := ws.People(ctx, pr.run.ID)
		b.a.ui(func() {
			if err != nil {
				b.a.showError(fail("err.blind", err))
				return
			}
			v := pr.v
			v.Candidates = append([]verdict.Candidate(nil), v.Candidates...)
			verdict.AddPeople(&v, pr.results, people)
			b.done.SetText(lang.L("blind.done", map[string]any{"N": len(b.blind.Session.Items)}) + "\n\n" + strings.Join(peopleLines(v), "\n"))
		})
	})
}

// clip bounds a text on screen: a very long answer would make the labels slow.
func clip(s string) string {
	const most = 6000
	if len(s) <= most {
		return s
	}
	r := []rune(s[:most])
	return string(r[:len(r)-1]) + " […]"
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// choose stores the choice on the item on screen, reveals the two names
// and moves on.
func (b *blindScreen) choose(c string) {
	if b.blind == nil || b.busy || b.idx >= len(b.blind.Session.Items) {
		return
	}
	ws, bl, i := b.a.ws, b.blind, b.idx
	b.busy = true
	b.a.goWork(func(ctx context.Context) {
		l, r, err := ws.Choose(ctx, bl, i, c)
		b.a.ui(func() {
			b.busy = false
			if err != nil {
				b.a.showError(fail("err.blind", err))
				return
			}
			b.revealed.SetText(lang.L("blind.revealed", map[string]any{
				"Choice": lang.L("blind.chose." + c), "Left": optionName(l), "Right": optionName(r)}))
			if b.idx == i {
				b.idx++
			}
			b.render()
		})
	})
}

// onBack shows the previous item again, to change its choice.
func (b *blindScreen) onBack() {
	if b.blind == nil || b.busy || b.idx == 0 {
		return
	}
	b.idx--
	b.revealed.SetText("")
	b.render()
}

// onKey is the screen's keyboard: the choice keys and Backspace. Keys typed
// into the name field go to the field, not here.
func (b *blindScreen) onKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.Key1, fyne.KeyLeft:
		b.choose(verdict.ChoiceLeft)
	case fyne.Key2, fyne.KeyRight:
		b.choose(verdict.ChoiceRight)
	case fyne.Key3, fyne.KeyDown:
		b.choose(verdict.ChoiceSame)
	case fyne.Key4, fyne.KeyUp:
		b.choose(verdict.ChoiceBothBad)
	case fyne.KeyBackspace:
		b.onBack()
	}
}
