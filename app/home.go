package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/data"
)

// homeScreen lists recent decisions and starts new ones.
type homeScreen struct {
	a         *App
	view      fyne.CanvasObject
	newButton *widget.Button
	list      *widget.List
	empty     *widget.Label
	decisions []data.Decision
	loaded    bool

	// An interrupted live test (the window closed or the app died mid-run),
	// offered to finish.
	unfinished *data.Run
	resumeCard *widget.Card
	resumeText *widget.Label
	resumeBtn  *widget.Button
}

func newHomeScreen(a *App) *homeScreen {
	h := &homeScreen{a: a}
	h.newButton = widget.NewButtonWithIcon(lang.L("home.new"), theme.ContentAddIcon(), h.onNew)
	h.newButton.Importance = widget.HighImportance
	catalog := widget.NewButtonWithIcon(lang.L("nav.catalog"), theme.ListIcon(), func() { a.show(screenCatalog) })
	settings := widget.NewButtonWithIcon(lang.L("nav.settings"), theme.SettingsIcon(), func() { a.show(screenSettings) })

	h.list = widget.NewList(func() int { return len(h.decisions) }, h.createRow, h.updateRow)
	h.empty = wrapped(lang.L("home.loading")) // not hint: see createRow

	var top []fyne.CanvasObject
	if !a.prefs.Bool(prefHintSeen) {
		top = append(top, h.firstRunHint())
	}
	if a.engine != nil {
		if probs := a.engine.Problems(); len(probs) > 0 {
			top = append(top, problemsCard(probs))
		}
	}
	h.resumeText = wrapped("")
	h.resumeBtn = widget.NewButtonWithIcon(lang.L("results.resume"), theme.MediaPlayIcon(), h.onResume)
	h.resumeBtn.Importance = widget.HighImportance
	h.resumeCard = widget.NewCard(lang.L("home.unfinished.title"), "", container.NewBorder(nil, nil, nil, container.NewVBox(h.resumeBtn), h.resumeText))
	h.resumeCard.Hide()
	top = append(top, h.resumeCard)
	top = append(top, heading(lang.L("home.recent")))
	body := container.NewBorder(container.NewVBox(top...), nil, nil, nil, container.NewStack(h.list, container.NewVBox(h.empty)))
	h.view = screen(lang.L("home.title"), container.NewHBox(catalog, settings, h.newButton), body, nil)
	h.load()
	return h
}

// firstRunHint explains the three steps, one sentence each.
func (h *homeScreen) firstRunHint() fyne.CanvasObject {
	steps := container.NewVBox(
		wrapped("1. "+lang.L("home.hint.answer")),
		wrapped("2. "+lang.L("home.hint.recommend")),
		wrapped("3. "+lang.L("home.hint.test")),
	)
	var card *widget.Card
	got := widget.NewButton(lang.L("home.hint.dismiss"), func() {
		h.a.prefs.SetBool(prefHintSeen, true)
		card.Hide()
	})
	card = widget.NewCard(lang.L("home.hint.title"), "", container.NewBorder(nil, nil, nil, container.NewVBox(got), steps))
	return card
}

// problemsCard lists the errors of the user's own rules and catalog files:
// those entries are left out and the built-in ones keep working.
func problemsCard(probs []error) fyne.CanvasObject {
	box := container.NewVBox()
	for _, p := range probs {
		l := wrapped("• " + p.Error())
		l.Importance = widget.WarningImportance
		box.Add(l)
	}
	return widget.NewCard(lang.L("home.problems"), lang.L("home.problems.sub"), box)
}

func (h *homeScreen) createRow() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	// Secondary text: regular under the bold title (LowImportance would
	// draw it in the faint disabled colour). Not italic: Home, where the app
	// sits idle, draws only the regular and bold styles, as every style
	// costs its fonts parsed (about 4 MB for italic: Fyne's Noto Sans Italic
	// and the system's fallback for it, both kept for the process's life).
	meta := widget.NewLabel("")
	open := widget.NewButtonWithIcon(lang.L("btn.open"), theme.FolderOpenIcon(), nil)
	dup := widget.NewButtonWithIcon(lang.L("btn.duplicate"), theme.ContentCopyIcon(), nil)
	del := widget.NewButtonWithIcon(lang.L("btn.delete"), theme.DeleteIcon(), nil)
	del.Importance = widget.DangerImportance
	return container.NewBorder(nil, nil, nil, container.NewCenter(container.NewHBox(open, dup, del)), container.NewVBox(title, meta))
}

func (h *homeScreen) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	d := h.decisions[i]
	c := o.(*fyne.Container)
	texts := c.Objects[0].(*fyne.Container).Objects
	texts[0].(*widget.Label).SetText(decisionTitle(d))
	status := lang.L("home.status.draft")
	if d.Status == "final" {
		status = lang.L("home.status.final")
	}
	texts[1].(*widget.Label).SetText(status + " · " + d.UpdatedAt.Local().Format("2006-01-02 15:04"))
	btns := c.Objects[1].(*fyne.Container).Objects[0].(*fyne.Container).Objects
	id := d.ID
	btns[0].(*widget.Button).OnTapped = func() { h.onOpen(id) }
	btns[1].(*widget.Button).OnTapped = func() { h.onDuplicate(id) }
	btns[2].(*widget.Button).OnTapped = func() { h.onDelete(id, decisionTitle(d)) }
}

func decisionTitle(d data.Decision) string {
	if strings.TrimSpace(d.Title) != "" {
		return d.Title
	}
	return lang.L("home.untitled")
}

// load reads the recent decisions off the UI goroutine.
func (h *homeScreen) load() {
	st := h.a.ws
	if st == nil {
		if h.a.storeErr != nil {
			h.empty.SetText(lang.L("home.no_store", map[string]any{"Detail": h.a.storeErr.Error()}))
			h.empty.Importance = widget.DangerImportance
			h.empty.Refresh()
		}
		return // refreshed when the store opens
	}
	ws, resumed := h.a.ws, h.a.batchResumed
	h.a.goWork(func(ctx context.Context) {
		ds, err := st.ListDecisions(ctx, 50)
		var unfinished *data.Run
		var done int
		if err == nil {
			unfinished, done, err = lastInterrupted(ctx, st)
		}
		var waiting *data.Run
		if !resumed {
			waiting = waitingBatch(ctx, ws)
		}
		h.a.ui(func() {
			if err != nil {
				h.a.showError(fail("err.list_decisions", err))
				return
			}
			h.showUnfinished(unfinished, done)
			if waiting != nil && h.a.run == nil && !h.a.batchResumed {
				// The last session closed while a provider held this run's
				// batches: polling goes on where it stopped.
				h.a.batchResumed = true
				resumeRun(h.a, *waiting)
			}
			h.decisions = ds
			h.loaded = true
			if len(ds) == 0 {
				h.empty.SetText(lang.L("home.none"))
				h.empty.Show()
			} else {
				h.empty.Hide()
			}
			h.list.Refresh()
		})
	})
}

// waitingBatch is the newest run whose batches a provider still holds and
// that no live process runs (nil when none).
func waitingBatch(ctx context.Context, ws space) *data.Run {
	if ws == nil {
		return nil
	}
	ids, err := ws.WaitingBatchRuns(ctx)
	if err != nil || len(ids) == 0 {
		return nil
	}
	run, err := ws.Run(ctx, ids[len(ids)-1])
	if err != nil || run.Status == advisor.RunRunning || run.Status == advisor.RunDone {
		return nil
	}
	return run
}

// lastInterrupted is the newest run left interrupted (the window closed
// or the app died while it ran) and how many of its results are in.
func lastInterrupted(ctx context.Context, st decisionSpace) (*data.Run, int, error) {
	runs, err := st.ListRuns(ctx, 0)
	if err != nil {
		return nil, 0, err
	}
	for _, r := range runs {
		if r.Status != advisor.RunInterrupted {
			continue
		}
		n, err := st.CountResults(ctx, r.ID)
		if err != nil {
			return nil, 0, err
		}
		if n < r.Total {
			r := r
			return &r, n, nil
		}
	}
	return nil, 0, nil
}

// showUnfinished offers to finish an interrupted run, naming it and how far it got.
func (h *homeScreen) showUnfinished(r *data.Run, done int) {
	h.unfinished = r
	if r == nil {
		h.resumeCard.Hide()
		return
	}
	h.resumeText.SetText(lang.L("home.unfinished.body", map[string]any{"Name": r.Name, "Done": done, "Total": r.Total,
		"Date": r.StartedAt.Local().Format("2006-01-02 15:04")}))
	h.resumeCard.Show()
}

// onResume opens the run's decision and finishes the run.
func (h *homeScreen) onResume() {
	r := h.unfinished
	if r == nil || h.a.ws == nil {
		return
	}
	run := *r
	st := h.a.ws
	h.resumeBtn.Disable()
	h.a.goWork(func(ctx context.Context) {
		var d *data.Decision
		var err error
		if run.DecisionID != 0 {
			d, err = st.Decision(ctx, run.DecisionID)
		}
		h.a.ui(func() {
			if err != nil && !errors.Is(err, data.ErrNotFound) {
				h.resumeBtn.Enable()
				h.a.showError(fail("err.resume", err))
				return
			}
			if d != nil {
				h.a.decision = d
				h.a.candidates, h.a.setup = nil, nil
			}
			resumeRun(h.a, run)
		})
	})
}

// onNew creates a draft decision and opens the wizard on it.
func (h *homeScreen) onNew() {
	if !h.a.needStore() {
		return
	}
	st := h.a.ws
	h.a.goWork(func(ctx context.Context) {
		d := &data.Decision{Status: "draft"}
		err := st.SaveDecision(ctx, d)
		h.a.ui(func() {
			if err != nil {
				h.a.showError(fail("err.save_decision", err))
				return
			}
			h.a.openDecision(d)
		})
	})
}

func (h *homeScreen) onOpen(id int64) {
	st := h.a.ws
	h.a.goWork(func(ctx context.Context) {
		d, err := st.Decision(ctx, id)
		h.a.ui(func() {
			if err != nil {
				h.a.showError(fail("err.open_decision", err))
				return
			}
			h.a.openDecision(d)
		})
	})
}

// onDuplicate copies a decision: its answers, its recommendation and the
// examples of its live test, under the title with "(copy)" after it.
func (h *homeScreen) onDuplicate(id int64) {
	st := h.a.ws
	mark := lang.L("home.copy_mark")
	from := h.a.setupDraftPath(id)
	h.a.goWork(func(ctx context.Context) {
		newID, err := st.DuplicateDecision(ctx, id, mark)
		if err == nil {
			err = copySetup(ctx, st, id, from, h.a.setupDraftPath(newID))
		}
		h.a.ui(func() {
			if err != nil {
				h.a.showError(fail("err.duplicate", err))
				return
			}
			h.load()
		})
	})
}

func (h *homeScreen) onDelete(id int64, title string) {
	dialog.ShowConfirm(lang.L("home.delete.title"), lang.L("home.delete.confirm", map[string]any{"Title": title}), func(ok bool) {
		if ok {
			h.deleteDecision(id)
		}
	}, h.a.win)
}

func (h *homeScreen) deleteDecision(id int64) {
	st := h.a.ws
	h.a.goWork(func(ctx context.Context) {
		err := st.DeleteDecision(ctx, id)
		h.a.ui(func() {
			if err != nil {
				h.a.showError(fail("err.delete", err))
				return
			}
			h.a.prefs.RemoveValue(draftStepKey(id))
			h.a.removeSetupDraft(id)
			if h.a.decision != nil && h.a.decision.ID == id {
				h.a.decision = nil
			}
			h.load()
		})
	})
}

// copySetup gives a duplicated decision the live-test setup of the
// original: its saved setup when there is one, else the endpoints, examples
// and options of its latest run.
func copySetup(ctx context.Context, st decisionSpace, id int64, from, to string) error {
	if from == "" || to == "" {
		return nil
	}
	b, err := os.ReadFile(from)
	if errors.Is(err, fs.ErrNotExist) {
		runs, lerr := st.ListRuns(ctx, id)
		if lerr != nil {
			return lerr
		}
		if len(runs) == 0 {
			return nil
		}
		p := runs[0].Plan
		b, err = json.MarshalIndent(setupDraft{Candidates: p.Endpoints, Cases: p.Cases, FewShot: p.FewShot,
			Documents: p.Documents, Strategies: p.Strategies, Concurrency: p.Concurrency, Repeats: p.Repeats,
			Rubric: p.Rubric, Kind: p.Kind, Language: p.Language, ImageSize: p.ImageSize}, "", "  ")
	}
	if err != nil {
		return fmt.Errorf("copy the live-test setup: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		return fmt.Errorf("copy the live-test setup: %w", err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		return fmt.Errorf("copy the live-test setup: %w", err)
	}
	return nil
}

// retitle is a decision's title after its use case changed from oldUseCase
// to useCase: the first line of the use case, followed by whatever the
// title had after the old first line — "(copy)" stays on a duplicate
// however often its answers change.
func retitle(title, oldUseCase, useCase string) string {
	t := titleFrom(useCase)
	if old := titleFrom(oldUseCase); strings.HasPrefix(title, old) {
		if rest := strings.TrimSpace(strings.TrimPrefix(title, old)); rest != "" {
			if t == "" {
				return rest
			}
			return t + " " + rest
		}
	}
	return t
}

// openDecision makes d the current decision: a draft resumes in the wizard,
// a finished one shows its recommendation.
func (a *App) openDecision(d *data.Decision) {
	a.decision = d
	a.candidates = nil
	a.setup = nil
	a.lastRun = 0
	if d.Recommendation != nil && d.Status == "final" {
		a.show(screenRecommendation)
		return
	}
	a.show(screenWizard)
}

// draftSaver writes drafts in order: each change gets a sequence number and
// an older snapshot never overwrites a newer one. Saves use a background
// context so closing the window still writes the last change.
type draftSaver struct {
	a       *App
	seq     int64 // UI goroutine only
	mu      sync.Mutex
	saved   int64 // guarded by mu
	pending sync.WaitGroup
}

func newDraftSaver(a *App) *draftSaver { return &draftSaver{a: a} }

// save stores a copy of d (called on the UI goroutine).
func (s *draftSaver) save(d data.Decision) {
	st := s.a.ws
	if st == nil || d.ID == 0 {
		return
	}
	d.Answers.Task = append([]string(nil), d.Answers.Task...)
	s.seq++
	seq := s.seq
	s.pending.Add(1)
	s.a.work.Add(1)
	go func() {
		defer s.a.work.Done()
		defer s.pending.Done()
		s.mu.Lock()
		defer s.mu.Unlock()
		if seq <= s.saved {
			return
		}
		if err := st.SaveDecision(context.Background(), &d); err != nil {
			if s.a.ctx.Err() == nil {
				s.a.ui(func() { s.a.showError(fail("err.save_decision", err)) })
			}
			return
		}
		s.saved = seq
	}()
}

// wait blocks until every save started so far has finished (tests).
func (s *draftSaver) wait() { s.pending.Wait() }
