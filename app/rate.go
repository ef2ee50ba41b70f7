package app

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
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

// Rating scales of the rating screen.
const (
	scaleThumbs = "thumbs" // 👎 0, 👍 1
	scaleFive   = "five"   // 1–5 as 0, .25, .5, .75, 1
)

// rateScreen scores one candidate's answers one at a time: thumbs or 1 to
// 5, with an optional note, for a run with one candidate or a user who
// prefers scoring to choosing. Keys: 1–5 (thumbs: 1 down, 2 up), ← and →
// move. Every score is stored at once with who and when.
type rateScreen struct {
	a    *App
	pr   *peopleRun
	view fyne.CanvasObject

	who      *widget.Entry
	cand     *widget.Select
	scale    *widget.RadioGroup
	progress *widget.Label
	input    *widget.Label
	expected *widget.Label
	answer   *widget.Label
	current  *widget.Label
	note     *textBox
	scores   *fyne.Container
	buttons  []*widget.Button

	keys    []verdict.Key
	answers []advisor.Result // the chosen candidate's answers, by case
	mine    map[int64]data.Rating
	idx     int
	busy    bool
}

func newRateScreen(a *App, pr *peopleRun) *rateScreen {
	s := &rateScreen{a: a, pr: pr, mine: map[int64]data.Rating{}}
	s.who = widget.NewEntry()
	s.who.SetText(a.raterName())
	s.who.OnSubmitted = func(name string) {
		if n := strings.TrimSpace(name); n != "" {
			a.prefs.SetString(prefRaterName, n)
		}
		a.win.Canvas().Unfocus()
		s.load()
	}
	var labels []string
	for _, c := range pr.v.Candidates {
		s.keys = append(s.keys, c.Key())
		labels = append(labels, optionName(c.Key()))
	}
	// Picking an option or a scale hands the keys back to the screen: a
	// focused radio would take 1 and 2 for itself.
	s.cand = newSelect(labels, func(string) { s.pickCandidate(); a.win.Canvas().Unfocus() })
	s.scale = widget.NewRadioGroup([]string{lang.L("rate.scale.thumbs"), lang.L("rate.scale.five")}, func(string) { s.drawButtons(); a.win.Canvas().Unfocus() })
	s.scale.Horizontal = true
	s.scale.Required = true
	wrap := func() *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	s.progress = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.input, s.expected, s.answer, s.current = wrap(), wrap(), wrap(), wrap()
	s.note = newTextBox(2)
	s.note.SetPlaceHolder(lang.L("rate.note"))
	s.scores = container.NewHBox()
	prev := widget.NewButtonWithIcon(lang.L("rate.prev"), theme.NavigateBackIcon(), func() { s.move(-1) })
	next := widget.NewButtonWithIcon(lang.L("rate.next"), theme.NavigateNextIcon(), func() { s.move(1) })
	toResults := widget.NewButtonWithIcon(lang.L("blind.to_results"), theme.NavigateBackIcon(), func() { a.show(screenResults) })
	keysHint := hint(lang.L("rate.keys"))
	keysHint.Wrapping = fyne.TextWrapWord
	bold := func(k string) *widget.Label {
		return widget.NewLabelWithStyle(lang.L(k), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	top := container.NewVBox(
		container.NewBorder(nil, nil, heading(lang.L("rate.title")), toResults),
		keysHint,
		container.NewGridWithColumns(2,
			container.NewBorder(nil, nil, widget.NewLabel(lang.L("people.who")), nil, s.who),
			container.NewBorder(nil, nil, widget.NewLabel(lang.L("rate.option")), nil, s.cand)),
		s.scale, s.progress)
	body := container.NewVScroll(container.NewVBox(bold("blind.input"), s.input, bold("blind.expected"), s.expected, bold("rate.answer"), s.answer))
	bottom := container.NewVBox(s.current, s.note, container.NewHScroll(container.NewHBox(s.scores, widget.NewSeparator(), prev, next)))
	s.view = container.NewBorder(top, bottom, nil, nil, body)
	s.scale.SetSelected(lang.L("rate.scale.five"))
	a.onKey = s.onKey
	if len(labels) > 0 {
		s.cand.SetSelectedIndex(0)
	}
	return s
}

func (s *rateScreen) scaleName() string {
	if s.scale.Selected == lang.L("rate.scale.thumbs") {
		return scaleThumbs
	}
	return scaleFive
}

// values are the scale's scores, in the order of their keys.
func (s *rateScreen) values() []float64 {
	if s.scaleName() == scaleThumbs {
		return []float64{0, 1}
	}
	return []float64{0, 0.25, 0.5, 0.75, 1}
}

func (s *rateScreen) drawButtons() {
	s.scores.Objects = nil
	s.buttons = nil
	for i, v := range s.values() {
		v := v
		text := lang.L("rate.score", map[string]any{"N": i + 1})
		var icon fyne.Resource
		if s.scaleName() == scaleThumbs {
			text = fmt.Sprintf("%d · %s", i+1, []string{lang.L("rate.thumbs_down"), lang.L("rate.thumbs_up")}[i])
			icon = []fyne.Resource{theme.CancelIcon(), theme.ConfirmIcon()}[i]
		}
		b := widget.NewButtonWithIcon(text, icon, func() { s.rate(v) })
		s.buttons = append(s.buttons, b)
		s.scores.Add(b)
	}
	s.scores.Refresh()
	s.render()
}

func (s *rateScreen) pickCandidate() {
	i := s.cand.SelectedIndex()
	if i < 0 || i >= len(s.keys) {
		return
	}
	k := s.keys[i]
	s.answers = nil
	for _, r := range s.pr.results {
		if r.ID != 0 && !r.Warmup && r.Repeat == 0 && r.Set == k.Set && r.Endpoint == k.Endpoint && r.Strategy == k.Strategy {
			s.answers = append(s.answers, r)
		}
	}
	sort.Slice(s.answers, func(a, b int) bool { return s.answers[a].Case < s.answers[b].Case })
	s.load()
}

// load reads who's ratings and shows the first answer they did not rate.
func (s *rateScreen) load() {
	ws, runID, who := s.a.ws, s.pr.run.ID, strings.TrimSpace(s.who.Text)
	if ws == nil {
		return
	}
	s.busy = true
	s.a.goWork(func(ctx context.Context) {
		mine, err := ws.RatingsBy(ctx, runID, who)
		s.a.ui(func() {
			s.busy = false
			if err != nil {
				s.a.showError(fail("err.rate", err))
				return
			}
			s.mine = mine
			s.idx = 0
			for s.idx < len(s.answers)-1 {
				if _, ok := s.mine[s.answers[s.idx].ID]; !ok {
					break
				}
				s.idx++
			}
			s.render()
		})
	})
}

func (s *rateScreen) rated() int {
	n := 0
	for _, r := range s.answers {
		if _, ok := s.mine[r.ID]; ok {
			n++
		}
	}
	return n
}

func (s *rateScreen) render() {
	if s.progress == nil {
		return
	}
	if len(s.answers) == 0 {
		s.progress.SetText(lang.L("rate.none"))
		for _, b := range s.buttons {
			b.Disable()
		}
		return
	}
	r := s.answers[s.idx]
	s.progress.SetText(lang.L("rate.progress", map[string]any{"N": s.idx + 1, "Of": len(s.answers), "Rated": s.rated()}))
	c := workspace.CaseOf(s.pr.run.Plan, r.Set, r.Case)
	s.input.SetText(clip(c.Input))
	s.expected.SetText(clip(orDash(c.Expected)))
	out := r.Output
	if r.ErrorClass != "" {
		out = lang.L("rate.failed", map[string]any{"Error": r.ErrorClass})
	}
	s.answer.SetText(clip(orDash(out)))
	if g, ok := s.mine[r.ID]; ok {
		s.current.SetText(lang.L("rate.current", map[string]any{"Score": s.scoreWords(g.Score)}))
		s.note.SetText(g.Note)
	} else {
		s.current.SetText(lang.L("rate.unrated"))
		s.note.SetText("")
	}
	for _, b := range s.buttons {
		b.Enable()
	}
}

// scoreWords is a stored score in the scale on screen: "4 of 5", "👍".
func (s *rateScreen) scoreWords(v float64) string {
	if s.scaleName() == scaleThumbs && (v == 0 || v == 1) {
		if v == 1 {
			return lang.L("rate.thumbs_up")
		}
		return lang.L("rate.thumbs_down")
	}
	n := strconv.FormatFloat(math.Round((1+v*4)*10)/10, 'f', -1, 64)
	if strings.HasPrefix(s.a.langCode(), "pt") {
		n = strings.ReplaceAll(n, ".", ",")
	}
	return lang.L("rate.of_five", map[string]any{"N": n})
}

// rate stores the score (and the note) of the answer on screen and moves on.
func (s *rateScreen) rate(v float64) {
	if s.busy || len(s.answers) == 0 {
		return
	}
	r := s.answers[s.idx]
	g := data.Rating{ResultID: r.ID, Score: v, Note: strings.TrimSpace(s.note.Text), Who: strings.TrimSpace(s.who.Text)}
	ws := s.a.ws
	s.busy = true
	s.a.goWork(func(ctx context.Context) {
		err := ws.Rate(ctx, g)
		s.a.ui(func() {
			s.busy = false
			if err != nil {
				s.a.showError(fail("err.rate", err))
				return
			}
			s.mine[r.ID] = g
			s.a.win.Canvas().Unfocus()
			if s.idx < len(s.answers)-1 {
				s.idx++
			}
			s.render()
		})
	})
}

func (s *rateScreen) move(d int) {
	if s.busy {
		return
	}
	if n := s.idx + d; n >= 0 && n < len(s.answers) {
		s.idx = n
		s.render()
	}
}

func (s *rateScreen) onKey(ev *fyne.KeyEvent) {
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5}
	vals := s.values()
	for i, k := range keys {
		if ev.Name == k && i < len(vals) {
			s.rate(vals[i])
			return
		}
	}
	switch ev.Name {
	case fyne.KeyLeft:
		s.move(-1)
	case fyne.KeyRight:
		s.move(1)
	}
}
