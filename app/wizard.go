package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// wizardScreen asks the questions of advisor.Questions, one group per step.
// Every change is saved to the current decision as a draft.
type wizardScreen struct {
	a    *App
	view fyne.CanvasObject

	step      int
	answers   advisor.Answers
	progress  *widget.ProgressBar
	stepLabel *widget.Label // "Step 2 of 7", beside the bar
	title     *widget.Label
	intro     *widget.Label
	body      *fyne.Container
	scroll    *container.Scroll
	problem   *widget.Label // inline validation message
	back      *widget.Button
	next      *widget.Button

	// One widget per question, built for every step up front so values survive navigation.
	useCase    *wizardEntry
	selects    map[string]*wizardSelect // single-choice questions and the main task
	extraTasks *checkGrid
	grids      map[string]*checkGrid        // list questions other than the task (regulation, clouds)
	fields     map[string]*widget.Entry     // numbers, the country, the language list, the rate's date
	fieldErrs  map[string]*widget.Label     // the inline message under a field that does not parse
	blocks     map[string]fyne.CanvasObject // each question's block, hidden when Question.Asked is false
	steps      [][]fyne.CanvasObject
	loading    bool     // true while widgets are being filled from the answers
	onAsked    []func() // run when the answers that decide which questions show change
}

func newWizardScreen(a *App) *wizardScreen {
	w := &wizardScreen{a: a, selects: map[string]*wizardSelect{}, grids: map[string]*checkGrid{},
		fields: map[string]*widget.Entry{}, fieldErrs: map[string]*widget.Label{}, blocks: map[string]fyne.CanvasObject{}}
	if a.decision == nil {
		w.view = screen(lang.L("wizard.title"), nil, container.NewCenter(container.NewVBox(
			wrapped(lang.L("wizard.no_decision")),
			widget.NewButtonWithIcon(lang.L("home.new"), theme.ContentAddIcon(), func() {
				a.show(screenHome)
				if a.home != nil {
					a.home.onNew()
				}
			}))), nil)
		return w
	}
	w.answers = a.decision.Answers
	w.answers.Task = append([]string(nil), w.answers.Task...)

	w.progress = widget.NewProgressBar()
	// The step is written beside the bar, not on it: text on the bar is
	// drawn light on light blue (under 2:1 on the light theme).
	w.progress.TextFormatter = func() string { return "" }
	w.stepLabel = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	w.title = heading("")
	w.intro = hint("")
	w.problem = widget.NewLabel("")
	w.problem.Importance = widget.DangerImportance
	w.problem.Wrapping = fyne.TextWrapWord
	w.problem.Hide()
	w.back = widget.NewButtonWithIcon(lang.L("btn.back"), theme.NavigateBackIcon(), w.onBack)
	w.next = widget.NewButtonWithIcon(lang.L("btn.next"), theme.NavigateNextIcon(), w.onNext)
	w.next.IconPlacement = widget.ButtonIconTrailingText
	w.next.Importance = widget.HighImportance

	w.loading = true
	for _, g := range advisor.Groups {
		var items []fyne.CanvasObject
		for _, q := range advisor.Questions {
			if q.Group == g {
				items = append(items, w.question(q))
			}
		}
		w.steps = append(w.steps, items)
	}
	w.loading = false
	w.refreshAsked()

	w.body = container.NewVBox()
	w.scroll = container.NewVScroll(w.body)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, w.stepLabel, w.progress), w.title, w.intro)
	keys := hint(lang.L("wizard.keys"))
	// Centred, so the buttons keep their height when the text beside them wraps.
	bottom := container.NewBorder(nil, nil, container.NewCenter(w.back), container.NewCenter(w.next), container.NewVBox(w.problem, keys))
	w.view = screen(lang.L("wizard.title"), nil, container.NewBorder(top, nil, nil, nil, w.scroll), bottom)
	a.onKey = w.onKey
	// Inside a text box or a list Enter and Escape belong to the field:
	// Ctrl+Enter and Alt+Left work everywhere.
	a.addShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { w.onNext() })
	a.addShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyLeft, Modifier: fyne.KeyModifierAlt}, func(fyne.Shortcut) { w.onBack() })
	// A draft opens on the step where it was left (the use case first, if it
	// is still empty).
	start := 0
	if strings.TrimSpace(w.answers.UseCase) != "" {
		start = min(max(a.prefs.Int(draftStepKey(a.decision.ID)), 0), len(advisor.Groups)-1)
	}
	w.showStep(start)
	return w
}

// draftStepKey is the preference that remembers the wizard step of a draft.
func draftStepKey(id int64) string { return fmt.Sprintf("%s.%d", prefDraftStep, id) }

// question builds one question: its text, why we ask, and the choice.
func (w *wizardScreen) question(q advisor.Question) fyne.CanvasObject {
	text := widget.NewLabelWithStyle(questionText(q.Key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	text.Wrapping = fyne.TextWrapWord
	why := hint(lang.L("wizard.why") + " " + questionWhy(q.Key))
	var input fyne.CanvasObject
	switch {
	case q.Kind == advisor.KindText: // free text: the use case
		w.useCase = newWizardEntry(w.onNext, w.onBack)
		w.useCase.SetMinRowsVisible(3)
		w.useCase.SetPlaceHolder(lang.L("wizard.use_case.placeholder"))
		w.useCase.SetText(w.answers.UseCase)
		w.useCase.OnChanged = func(s string) {
			w.answers.UseCase = s
			if strings.TrimSpace(s) != "" {
				w.problem.Hide()
			}
			w.changed()
		}
		input = w.useCase
	case q.Kind != advisor.KindChoice: // a number, a country, languages, a date
		input = w.field(q)
	case q.Key == "task": // a main task and more
		main := w.choice(q.Key, q.Values, func(v string) {
			rest := w.extraTaskValues()
			w.setTasks(v, rest)
		})
		w.extraTasks = newCheckGrid(q.Values, func(v string) string { return valueLabel(q.Key, v) }, 2, func([]string) {
			if w.loading {
				return
			}
			w.setTasks(w.answers.MainTask(), w.extraTaskValues())
		})
		if len(w.answers.Task) > 1 {
			w.extraTasks.SetSelected(w.answers.Task[1:])
		}
		input = container.NewVBox(main, widget.NewLabel(lang.L("wizard.task.more")), w.extraTasks.box)
	case q.Multi: // tick every value that applies; none ticked is "I don't know"
		g := newCheckGrid(q.Values, func(v string) string { return valueLabel(q.Key, v) }, 2, nil)
		g.SetSelected(w.answers.Get(q.Key))
		g.onChanged = func(vals []string) {
			if w.loading {
				return
			}
			if err := w.answers.Set(q.Key, vals); err != nil {
				w.a.showError(fail("err.answer", err))
				return
			}
			w.changed()
		}
		w.grids[q.Key] = g
		input = container.NewVBox(g.box, hint(lang.L("wizard.multi.hint")))
	default:
		input = w.choice(q.Key, q.Values, func(v string) {
			var vals []string
			if v != "" {
				vals = []string{v}
			}
			if err := w.answers.Set(q.Key, vals); err != nil {
				w.a.showError(fail("err.answer", err))
				return
			}
			w.changed()
		})
	}
	block := container.NewVBox(text, why, input, widget.NewSeparator())
	w.blocks[q.Key] = block
	return block
}

// field is a one-line box for a number, a country code, a list of language
// tags or a date. What the user types is checked as they type; a value
// that does not parse is named under the box, in the user's language, and
// the answer stays "I don't know" until it does.
func (w *wizardScreen) field(q advisor.Question) fyne.CanvasObject {
	e := widget.NewEntry()
	e.SetPlaceHolder(lang.L(fieldPlaceholder[q.Kind]))
	e.SetText(fieldText(q, w.answers.Get(q.Key), w.a.langCode()))
	msg := widget.NewLabel("")
	msg.Importance = widget.DangerImportance
	msg.Wrapping = fyne.TextWrapWord
	msg.Hide()
	e.OnChanged = func(s string) {
		if w.loading {
			return
		}
		vals, err := parseField(q, s, w.a.langCode())
		if err == nil {
			err = w.answers.Set(q.Key, vals)
		}
		if err != nil {
			msg.SetText(lang.L(fieldBad[q.Kind], map[string]any{"Value": strings.TrimSpace(s)}))
			msg.Show()
			_ = w.answers.Set(q.Key, nil)
		} else {
			msg.Hide()
		}
		w.changed()
	}
	w.fields[q.Key] = e
	w.fieldErrs[q.Key] = msg
	items := []fyne.CanvasObject{e, msg}
	if q.Key == "exchange_rate" {
		items = append(items, w.rateDefault())
	}
	return container.NewVBox(items...)
}

// rateDefault offers the dated default rate of the chosen currency, with a
// button that writes it (and its date) into the boxes.
func (w *wizardScreen) rateDefault() fyne.CanvasObject {
	label := hint("")
	use := widget.NewButton(lang.L("wizard.rate.use"), nil)
	box := container.NewVBox(label, container.NewHBox(use))
	update := func() {
		m := advisor.MoneyOf(w.answers)
		d, ok := advisor.DefaultRates[m.Currency]
		if !ok || m.IsUSD() {
			box.Hide()
			return
		}
		label.SetText(lang.L("wizard.rate.default", map[string]any{
			"Rate": formatRate(d.PerUSD, w.a.langCode()), "Currency": d.Currency, "Date": formatDay(d.Date, w.a.langCode()), "Source": d.Source}))
		use.OnTapped = func() {
			w.fields["exchange_rate"].SetText(formatRate(d.PerUSD, w.a.langCode()))
			if f := w.fields["exchange_rate_date"]; f != nil {
				f.SetText(formatDay(d.Date, w.a.langCode()))
			}
		}
		box.Show()
	}
	w.onAsked = append(w.onAsked, update)
	update()
	return box
}

// refreshAsked shows the questions that matter for the answers so far
// (the country only for "in our own country", the rate only for a
// currency other than the dollar, the agent's actions only for an agent).
func (w *wizardScreen) refreshAsked() {
	for _, q := range advisor.Questions {
		if b, ok := w.blocks[q.Key]; ok {
			if q.Asked(w.answers) {
				b.Show()
			} else {
				b.Hide()
			}
		}
	}
	for _, f := range w.onAsked {
		f()
	}
}

// choice is a drop-down with "I don't know" first (the default) and the
// labels of every allowed value.
func (w *wizardScreen) choice(key string, values []string, set func(value string)) *wizardSelect {
	labels := []string{dontKnow()}
	for _, v := range values {
		labels = append(labels, valueLabel(key, v))
	}
	s := newWizardSelect(labels, w.onKey)
	s.PlaceHolder = dontKnow()
	cur := w.answers.Get(key)
	s.SetSelectedIndex(0)
	if len(cur) > 0 {
		for i, v := range values {
			if v == cur[0] {
				s.SetSelectedIndex(i + 1)
			}
		}
	}
	s.OnChanged = func(string) {
		if w.loading {
			return
		}
		i := s.SelectedIndex()
		if i <= 0 {
			set("")
			return
		}
		set(values[i-1])
	}
	w.selects[key] = s
	return s
}

func (w *wizardScreen) extraTaskValues() []string { return w.extraTasks.Selected() }

// setTasks stores the main task first, then the other tasks (no repeats).
func (w *wizardScreen) setTasks(main string, more []string) {
	var tasks []string
	if main != "" {
		tasks = append(tasks, main)
	}
	for _, t := range more {
		if t != main {
			tasks = append(tasks, t)
		}
	}
	if err := w.answers.Set("task", tasks); err != nil {
		w.a.showError(fail("err.answer", err))
		return
	}
	w.changed()
}

// changed saves the draft: the answers and a title from the use case.
func (w *wizardScreen) changed() {
	if w.loading || w.a.decision == nil {
		return
	}
	d := w.a.decision
	d.Title = retitle(d.Title, d.Answers.UseCase, w.answers.UseCase)
	d.Answers = w.answers
	d.Answers.Task = append([]string(nil), w.answers.Task...)
	// Changed answers make the recommendation stale until Finish runs again.
	d.Status = "draft"
	w.a.drafts.save(*d)
	w.refreshAsked()
}

// titleFrom makes a decision title from the first line of the use case.
func titleFrom(useCase string) string {
	s := strings.TrimSpace(strings.SplitN(strings.TrimSpace(useCase), "\n", 2)[0])
	r := []rune(s)
	if len(r) > 70 {
		s = string(r[:69]) + "…"
	}
	return s
}

func (w *wizardScreen) showStep(i int) {
	w.step = i
	if w.a.decision != nil {
		w.a.prefs.SetInt(draftStepKey(w.a.decision.ID), i)
	}
	g := advisor.Groups[i]
	w.title.SetText(groupTitle(g))
	w.intro.SetText(groupIntro(g))
	w.progress.SetValue(float64(i+1) / float64(len(advisor.Groups)))
	w.stepLabel.SetText(lang.L("wizard.step_of", map[string]any{"N": i + 1, "Total": len(advisor.Groups)}))
	w.body.Objects = w.steps[i]
	w.body.Refresh()
	w.scroll.ScrollToTop()
	if i == 0 {
		w.back.SetText(lang.L("btn.home"))
	} else {
		w.back.SetText(lang.L("btn.back"))
	}
	if i == len(advisor.Groups)-1 {
		w.next.SetText(lang.L("wizard.finish"))
	} else {
		w.next.SetText(lang.L("btn.next"))
	}
	if w.a.wizard == w {
		// The field that had focus may have left the screen with its step.
		w.a.win.Canvas().Unfocus()
	}
	if i == 0 && w.useCase != nil {
		if w.a.wizard == w {
			w.a.win.Canvas().Focus(w.useCase)
		} else {
			w.a.focus = w.useCase // focused once the screen is in the window
		}
	}
}

// validate checks the current step; the use case is required in step 1.
func (w *wizardScreen) validate() bool {
	if advisor.Groups[w.step] == advisor.GroupTask && strings.TrimSpace(w.answers.UseCase) == "" {
		w.problem.SetText(lang.L("wizard.use_case.required"))
		w.problem.Show()
		w.a.win.Canvas().Focus(w.useCase)
		return false
	}
	w.problem.Hide()
	return true
}

func (w *wizardScreen) onNext() {
	if !w.validate() {
		return
	}
	if w.step < len(advisor.Groups)-1 {
		w.showStep(w.step + 1)
		return
	}
	w.onFinish()
}

func (w *wizardScreen) onBack() {
	w.problem.Hide()
	if w.step == 0 {
		w.a.show(screenHome)
		return
	}
	w.showStep(w.step - 1)
}

// onKey: Enter goes on, Escape goes back (when no field holds the key).
func (w *wizardScreen) onKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		w.onNext()
	case fyne.KeyEscape:
		w.onBack()
	}
}

// onFinish runs the engine off the UI goroutine and shows the recommendation.
func (w *wizardScreen) onFinish() {
	a := w.a
	if a.engine == nil || a.ws == nil {
		a.showError(fail("err.no_store", fmt.Errorf("still loading")))
		return
	}
	w.next.Disable()
	d := *a.decision
	d.Title = retitle(d.Title, d.Answers.UseCase, w.answers.UseCase)
	d.Answers = w.answers
	d.Answers.Task = append([]string(nil), w.answers.Task...)
	eng, st, code := a.engine, a.ws, a.langCode()
	a.goWork(func(ctx context.Context) {
		a.drafts.wait() // the final save must land after every draft
		rec, err := eng.Recommend(d.Answers, code)
		if err == nil {
			d.Recommendation = rec
			d.Status = "final"
			err = st.SaveDecision(ctx, &d)
		}
		a.ui(func() {
			w.next.Enable()
			if err != nil {
				a.showError(fail("err.recommend", err))
				return
			}
			a.decision = &d
			a.candidates = nil
			a.show(screenRecommendation)
		})
	})
}

// wizardEntry is the multi-line use-case box. A text box keeps Enter and
// Escape for itself, so it hands the wizard's keys on: Ctrl+Enter goes to the
// next step and Escape goes back, as everywhere else in the wizard.
type wizardEntry struct {
	textBox
	next, back func()
}

func newWizardEntry(next, back func()) *wizardEntry {
	e := &wizardEntry{next: next, back: back}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut takes Ctrl+Enter (Cmd+Enter on macOS) for Next.
func (e *wizardEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && (cs.KeyName == fyne.KeyReturn || cs.KeyName == fyne.KeyEnter) &&
		(cs.Modifier == fyne.KeyModifierControl || cs.Modifier == fyne.KeyModifierSuper) {
		e.next()
		return
	}
	e.Entry.TypedShortcut(s)
}

// TypedKey takes Escape for Back.
func (e *wizardEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		e.back()
		return
	}
	e.Entry.TypedKey(k)
}

// wizardSelect is a drop-down that, once an answer is picked and it keeps the
// focus, hands Enter and Escape to the wizard: a focused widget gets every key,
// so a plain Select would swallow them and the keys shown under the questions
// would do nothing right after the user chose an answer.
type wizardSelect struct {
	widget.Select
	onKey func(*fyne.KeyEvent)
}

func newWizardSelect(options []string, onKey func(*fyne.KeyEvent)) *wizardSelect {
	s := &wizardSelect{onKey: onKey}
	s.Options = options
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey passes Enter and Escape to the wizard; the arrows and Space still
// change or open the list.
func (s *wizardSelect) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape:
		if s.onKey != nil {
			s.onKey(k)
		}
		return
	}
	s.Select.TypedKey(k)
}
