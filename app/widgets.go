package app

import (
	"image/color"
	"sync/atomic"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/locale"
)

// Small building blocks every screen uses.

// newSelect is widget.NewSelect with its place holder in the user's
// language: Fyne's own "(Select one)" has no translation, so a select with
// nothing chosen showed English in Portuguese. A screen may set its own.
func newSelect(options []string, changed func(string)) *widget.Select {
	s := widget.NewSelect(options, changed)
	s.PlaceHolder = lang.L("select.placeholder")
	return s
}

// heading is a bold title label.
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// wrapped is a label that wraps words.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// hint is a low-importance wrapped label (explanations under a field).
func hint(text string) *widget.Label {
	l := wrapped(text)
	l.TextStyle.Italic = true
	return l
}

// screen frames a screen: a title row, the body, an optional bottom bar.
func screen(title string, actions fyne.CanvasObject, body fyne.CanvasObject, bottom fyne.CanvasObject) fyne.CanvasObject {
	top := container.NewBorder(nil, nil, nil, actions, heading(title))
	var b fyne.CanvasObject
	if bottom != nil {
		b = container.NewVBox(widget.NewSeparator(), bottom)
	}
	return container.NewPadded(container.NewBorder(container.NewVBox(top, widget.NewSeparator()), b, nil, nil, body))
}

func spacer() fyne.CanvasObject { return layout.NewSpacer() }

// numbers formats figures in the language the screens are shown in (the
// "app.locale" text of the active translation, so numbers and words never
// disagree): "$1,234.56" / "US$ 1.234,56".
func numbers() locale.Formatter { return locale.For(lang.L("app.locale")) }

// money is an amount in US dollars as the screens show money: in the
// currency of the decision on screen, at its exchange rate (the engine and
// the database stay in USD).
func money(usd float64) string {
	m := screenMoney.Load()
	if m == nil {
		return numbers().Money(usd)
	}
	return numbers().WithCurrency(m.Currency, m.PerUSD).Money(usd)
}

// screenMoney is the currency of the decision the screens show; set by
// App.show each time a screen is shown.
var screenMoney atomic.Pointer[advisor.Money]

// moneyOfDecision is the currency a decision asks for: its
// recommendation's (as computed), else its answers'.
func moneyOfDecision(a *App) *advisor.Money {
	if a == nil || a.decision == nil {
		return nil
	}
	m := advisor.MoneyOf(a.decision.Answers)
	if r := a.decision.Recommendation; r != nil && r.Currency != "" {
		m = r.Money()
	}
	if m.IsUSD() {
		return nil
	}
	return &m
}

// countText is a translated count: key+".one" for exactly one, else key with
// N written with the language's thousands separator ("1 erro", "1.234 erros").
func countText(key string, n int) string {
	if n == 1 {
		if s := lang.L(key + ".one"); s != key+".one" {
			return s
		}
	}
	return lang.L(key, map[string]any{"N": numbers().Int(n)})
}

// checkGrid is a set of check boxes laid out in columns, so long option
// lists wrap instead of widening the screen. Values are what it reports.
type checkGrid struct {
	values    []string
	checks    []*widget.Check
	box       *fyne.Container
	onChanged func(values []string)
	setting   bool
}

func newCheckGrid(values []string, label func(string) string, cols int, changed func([]string)) *checkGrid {
	g := &checkGrid{values: values, onChanged: changed}
	var widest float32
	for _, v := range values {
		c := widget.NewCheck(label(v), func(bool) {
			if !g.setting && g.onChanged != nil {
				g.onChanged(g.Selected())
			}
		})
		g.checks = append(g.checks, c)
		widest = max(widest, c.MinSize().Width)
	}
	// Columns are as wide as the widest label: long labels (Portuguese
	// ones especially) go one under the other instead of widening the page.
	if float32(cols)*widest > checkGridMaxWidth {
		cols = 1
	}
	objs := make([]fyne.CanvasObject, len(g.checks)) // the grid made once: every Add lays out what it holds
	for i, c := range g.checks {
		objs[i] = c
	}
	g.box = container.NewGridWithColumns(cols, objs...)
	return g
}

// checkGridMaxWidth is the widest a check grid may be to fit a page of the
// smallest window (1024 px less the navigation and padding).
const checkGridMaxWidth = 760

// Selected lists the checked values in their order.
func (g *checkGrid) Selected() []string {
	var out []string
	for i, c := range g.checks {
		if c.Checked {
			out = append(out, g.values[i])
		}
	}
	return out
}

// SetSelected checks exactly the given values and reports the change once.
func (g *checkGrid) SetSelected(values []string) {
	g.setting = true
	for i, c := range g.checks {
		c.SetChecked(contains(values, g.values[i]))
	}
	g.setting = false
	if g.onChanged != nil {
		g.onChanged(g.Selected())
	}
}

// withMinHeight gives obj at least h of height (lists inside a scroll).
func withMinHeight(obj fyne.CanvasObject, h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(0, h))
	return container.NewStack(r, obj)
}

// textBox is a multi-line text field for forms: it wraps at word boundaries
// and leaves Tab to move to the next field (a plain multi-line entry types a
// tab character, so a keyboard user could never reach the field below).
type textBox struct {
	widget.Entry
	// stuck is the text and cursor Fyne left after a space typed at the
	// end of the text where the line wraps (see TypedRune); nil otherwise.
	stuck *stuckCursor
}

// stuckCursor is where the cursor was left before a space it should be after.
type stuckCursor struct {
	text     string
	row, col int
}

func newTextBox(rows int) *textBox {
	e := &textBox{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	e.SetMinRowsVisible(rows)
	return e
}

// AcceptsTab is false: Tab moves the focus on.
func (e *textBox) AcceptsTab() bool { return false }

// TypedRune types r as the Entry does, except for one case of Fyne 2.7.1:
// a space typed at the end of the text where the line wraps has no row
// and column after it until a letter follows, so the cursor stays before
// the space and the next letters went in before it ("must stay in" typed
// as "must stayin " in the pt-BR wizard; TestTypingALongStoryKeepsIt).
// The letter after such a space is appended to the text instead, and the
// cursor put after it. Appending clears the Entry's undo history (as
// Entry.Append does): the price of keeping what was typed.
func (e *textBox) TypedRune(r rune) {
	if s := e.stuck; s != nil && e.Text == s.text && e.CursorRow == s.row && e.CursorColumn == s.col && e.SelectedText() == "" && !e.Disabled() {
		e.stuck = nil
		e.Append(string(r))
		e.cursorAtEnd()
		return
	}
	e.stuck = nil
	want := -1
	if e.SelectedText() == "" && !e.Disabled() {
		want = e.CursorTextOffset() + 1
	}
	e.Entry.TypedRune(r)
	if want >= 0 && e.CursorTextOffset() != want && want == utf8.RuneCountInString(e.Text) {
		e.stuck = &stuckCursor{text: e.Text, row: e.CursorRow, col: e.CursorColumn}
	}
}

// cursorAtEnd puts the cursor after the last rune: on the last row, found
// as the highest whose start Fyne knows (a row past the last starts at 0).
func (e *textBox) cursorAtEnd() {
	end := utf8.RuneCountInString(e.Text)
	for r := e.CursorRow + 2; r >= 0; r-- {
		e.CursorRow, e.CursorColumn = r, 0
		begin := e.CursorTextOffset()
		if r == 0 || begin > 0 {
			e.CursorColumn = end - begin
			break
		}
	}
	e.Refresh()
}
