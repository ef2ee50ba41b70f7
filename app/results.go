package app

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/report"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// Export formats of the Results screen.
const (
	formatPDF      = "pdf"
	formatHTML     = "html"
	formatMarkdown = "md"
	formatCSV      = "csv"
	formatJSON     = "json"
	formatJSONL    = "jsonl"
)

// resultsScreen shows a run's evidence: charts, a summary table, outputs
// side by side (filtered by model and strategy), the decision's run history
// and the exports.
type resultsScreen struct {
	a    *App
	view fyne.CanvasObject

	runs     []data.Run
	runSel   *widget.Select
	run      *data.Run
	results  []advisor.Result
	warmups  []advisor.Result // the run's warm-up requests: exported raw, counted in no figure
	summary  []advisor.SummaryRow
	history  []report.RunPoint // every run of the decision (History tab)
	earlier  []report.RunPoint // the runs before the selected one, as reports draw them (workspace.History)
	charts   *fyne.Container
	images   []*canvas.Image
	table    *widget.Table
	sideBy   *widget.Table
	model    *widget.Select
	strategy *widget.Select
	columns  []sideColumn
	byCell   map[advisor.Cell]int // index in results of each endpoint × strategy × case (repeat 0)
	status   *widget.Label
	exports  map[string]*widget.Button
	histList *fyne.Container
	tabs     *container.AppTabs
	imageTab *container.TabItem          // shown only for runs with image examples
	gallery  *fyne.Container             // generated images with Accept / Reject
	verdicts map[int64][2]*widget.Button // accept and reject button of each image result
	resume   *widget.Button              // finishes an interrupted, cancelled or failed run
	remove   *widget.Button              // deletes the selected run and its results
	loaded   bool                        // the results of the selected run are in
	priced   map[string]bool             // endpoints with a known price (else cost shows as unknown, never $0)
	exported string
	verdict  *verdictTab // the first tab: the pick and why

	// People judge (issue 16): their scores and blind choices of the run's
	// answers, and the tab where they judge and compare with a baseline.
	people    verdict.People
	peopleTab *peopleTab
	compareBt *widget.Button // "Compare answers": the blind comparison
}

// sideColumn is one endpoint × strategy column of the side-by-side table.
type sideColumn struct{ endpoint, strategy string }

func newResultsScreen(a *App) *resultsScreen {
	r := &resultsScreen{a: a, exports: map[string]*widget.Button{}}
	r.status = hint(lang.L("results.loading"))
	r.runSel = newSelect(nil, nil)
	r.runSel.PlaceHolder = lang.L("results.pick_run")
	r.charts = container.NewGridWrap(fyne.NewSize(520, 300))
	r.model = newSelect(nil, func(string) { r.refreshSide() })
	r.strategy = newSelect(nil, func(string) { r.refreshSide() })
	r.table = widget.NewTableWithHeaders(r.summarySize, func() fyne.CanvasObject { return widget.NewLabel("") }, r.summaryCell)
	r.table.ShowHeaderColumn = false
	r.table.CreateHeader = func() fyne.CanvasObject {
		// A heading wider than its column ends in "…" instead of running
		// over the next one ("Typical time (p50)" over "Cost / 1k").
		l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	r.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 && id.Col < len(summaryHeaders) {
			o.(*widget.Label).SetText(lang.L(summaryHeaders[id.Col]))
		}
	}
	for i, w := range summaryWidths {
		r.table.SetColumnWidth(i, w)
	}
	r.sideBy = widget.NewTable(r.sideSize, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		return l
	}, r.sideCell)
	r.histList = container.NewVBox()
	r.gallery = container.NewGridWrap(fyne.NewSize(300, 420))

	bar := container.NewHBox()
	for _, f := range []string{formatPDF, formatHTML, formatMarkdown, formatCSV, formatJSON, formatJSONL} {
		f := f
		b := widget.NewButtonWithIcon(lang.L("results.export."+f), theme.DocumentSaveIcon(), func() { r.onExport(f) })
		b.Disable()
		r.exports[f] = b
		bar.Add(b)
	}

	sideTop := container.NewHBox(widget.NewLabel(lang.L("results.filter.model")), r.model, widget.NewLabel(lang.L("results.filter.strategy")), r.strategy)
	r.verdict = newVerdictTab(r)
	r.peopleTab = newPeopleTab(r)
	r.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("results.tab.verdict"), r.verdict.view),
		container.NewTabItem(lang.L("results.tab.people"), r.peopleTab.view),
		container.NewTabItem(lang.L("results.tab.charts"), container.NewVScroll(r.charts)),
		container.NewTabItem(lang.L("results.tab.summary"), container.NewBorder(nil, hint(lang.L("results.legend")), nil, nil, r.table)),
		container.NewTabItem(lang.L("results.tab.side"), container.NewBorder(sideTop, nil, nil, nil, r.sideBy)),
		container.NewTabItem(lang.L("results.tab.history"), container.NewVScroll(r.histList)),
	)
	r.imageTab = container.NewTabItem(lang.L("results.tab.images"), container.NewVScroll(r.gallery))
	r.resume = widget.NewButtonWithIcon(lang.L("results.resume"), theme.MediaPlayIcon(), func() {
		if r.run != nil {
			resumeRun(a, *r.run)
		}
	})
	r.resume.Hide()
	r.remove = widget.NewButtonWithIcon(lang.L("results.delete"), theme.DeleteIcon(), r.onDelete)
	r.remove.Disable()
	capacity := widget.NewButtonWithIcon(lang.L("capacity.open"), theme.ViewFullScreenIcon(), func() {
		if r.run != nil {
			a.capacityPlan = r.run.Plan
			a.show(screenCapacity)
		}
	})
	r.compareBt = widget.NewButtonWithIcon(lang.L("people.blind"), theme.VisibilityOffIcon(), r.peopleTab.onBlind)
	r.compareBt.Disable()
	// "Compare answers" sits beside the status line, where a narrow window
	// still has room (the run row is full).
	top := container.NewVBox(container.NewBorder(nil, nil, widget.NewLabel(lang.L("results.run")), container.NewHBox(capacity, r.resume, r.remove), r.runSel),
		container.NewBorder(nil, nil, nil, r.compareBt, r.status))
	bottom := container.NewBorder(nil, nil, widget.NewLabel(lang.L("results.export")), nil, container.NewHScroll(bar))
	r.view = screen(lang.L("results.title"), nil, container.NewBorder(top, nil, nil, nil, r.tabs), bottom)
	r.loadRuns()
	return r
}

// The summary's columns: what decides (quality, passed, speed, cost) comes
// first, so it is on screen at the window's smallest width (1024 px); the
// finer figures follow.
var summaryHeaders = []string{"results.col.endpoint", "results.col.strategy", "results.col.quality", "results.col.pass",
	"results.col.p50", "results.col.cost1k", "results.col.errors", "results.col.requests",
	"results.col.p95", "results.col.ttft", "results.col.tps", "results.col.details"}

var summaryWidths = []float32{170, 150, 80, 80, 100, 110, 70, 90, 100, 110, 90, 320}

// noFigure stands for a figure a row does not have (every request failed,
// nothing scored): never "0 ms" or "$0", which read as instant and free.
const noFigure = "—"

func (r *resultsScreen) summarySize() (int, int) { return len(r.summary), len(summaryHeaders) }

func (r *resultsScreen) summaryCell(id widget.TableCellID, o fyne.CanvasObject) {
	if id.Row >= len(r.summary) {
		return
	}
	v := r.summaryText(r.summary[id.Row], summaryHeaders[id.Col])
	l := o.(*widget.Label)
	l.SetText(v)
	l.Truncation = fyne.TextTruncateEllipsis
}

// summaryText is the figure of a summary row under the column header col.
func (r *resultsScreen) summaryText(s advisor.SummaryRow, col string) string {
	failed := s.AllFailed || s.Requests == s.Errors
	ms := func(v float64) string {
		if failed || v <= 0 {
			return noFigure
		}
		return numbers().Number(v, 0) + " ms"
	}
	switch col {
	case "results.col.endpoint":
		return s.Endpoint
	case "results.col.strategy":
		return strategyLabel(s.Strategy)
	case "results.col.requests":
		return fmt.Sprint(s.Requests)
	case "results.col.errors":
		return fmt.Sprint(s.Errors)
	case "results.col.p50":
		return ms(s.LatencyP50)
	case "results.col.p95":
		return ms(s.LatencyP95)
	case "results.col.ttft":
		return ms(s.TTFTP50)
	case "results.col.tps":
		if failed || s.TokensPerSec <= 0 {
			return noFigure
		}
		return numbers().Number(s.TokensPerSec, 1)
	case "results.col.cost1k":
		switch {
		case failed:
			return noFigure
		case !r.priced[s.Endpoint]:
			return lang.L("results.cost_unknown")
		}
		return money(s.CostPer1K)
	case "results.col.quality":
		if failed || s.Scored == 0 {
			return noFigure
		}
		return numbers().Percent(s.Quality)
	case "results.col.pass":
		return numbers().Percent(s.PassRate)
	case "results.col.details":
		return kindDetails(s)
	}
	return ""
}

// kindDetails are the figures of an embedding, transcription or image row.
func kindDetails(s advisor.SummaryRow) string {
	switch {
	case s.Embedding != nil:
		return lang.L("results.details.embedding", map[string]any{"K": s.Embedding.K, "Recall": numbers().Percent(s.Embedding.RecallAtK), "MRR": numbers().Number(s.Embedding.MRR, 2)})
	case s.Transcription != nil:
		return lang.L("results.details.transcription", map[string]any{"WER": numbers().Percent(s.Transcription.WER), "RTF": numbers().Number(s.Transcription.RTF, 2), "Cost": money(s.Transcription.CostPerMin)})
	case s.Image != nil:
		return lang.L("results.details.image", map[string]any{"Accepted": s.Image.Accepted, "Rated": s.Image.Rated, "Images": s.Image.Images, "Seconds": numbers().Number(s.Image.SecondsPerImage, 1)})
	}
	return ""
}

// loadRuns lists the decision's runs (every run when there is no decision).
func (r *resultsScreen) loadRuns() {
	st := r.a.ws
	if st == nil {
		return
	}
	var decisionID int64
	if r.a.decision != nil {
		decisionID = r.a.decision.ID
	}
	want := r.a.lastRun
	r.a.goWork(func(ctx context.Context) {
		runs, err := st.ListRuns(ctx, decisionID)
		r.a.ui(func() {
			if err != nil {
				r.a.showError(fail("err.load_results", err))
				return
			}
			r.runs = runs
			if len(runs) == 0 {
				r.status.SetText(lang.L("results.none"))
				return
			}
			var opts []string
			sel := 0
			for i, run := range runs {
				opts = append(opts, runLabel(run))
				if run.ID == want {
					sel = i
				}
			}
			r.runSel.Options = opts
			r.runSel.OnChanged = func(string) { r.selectRun(r.runSel.SelectedIndex()) }
			r.runSel.SetSelectedIndex(sel)
		})
	})
}

func runLabel(run data.Run) string {
	return fmt.Sprintf("#%d · %s · %s · %s", run.ID, run.StartedAt.Local().Format("2006-01-02 15:04"), labelOr("runstate."+run.Status, run.Status), run.Name)
}

// selectRun loads a run's results and the decision's history, and draws the
// charts, off the UI goroutine.
func (r *resultsScreen) selectRun(i int) {
	if i < 0 || i >= len(r.runs) {
		return
	}
	run := r.runs[i]
	r.run = &run
	r.loaded = false
	r.remove.Enable()
	if run.Status == advisor.RunInterrupted || run.Status == advisor.RunCancelled || run.Status == advisor.RunFailed {
		r.resume.Show()
	} else {
		r.resume.Hide()
	}
	r.status.SetText(lang.L("results.loading"))
	for _, b := range r.exports {
		b.Disable()
	}
	st, ws := r.a.ws, r.a.ws
	in := r.input(nil)
	runs := append([]data.Run(nil), r.runs...)
	r.a.goWork(func(ctx context.Context) {
		res, err := st.Results(ctx, run.ID)
		var history, earlier []report.RunPoint
		var charts []report.Chart
		var warm []advisor.Result
		if err == nil {
			warm, err = st.WarmupResults(ctx, run.ID)
		}
		if err == nil {
			history, err = runHistory(ctx, st, runs, run.ID, res)
		}
		if err == nil {
			earlier, err = ws.History(ctx, run)
		}
		var people verdict.People
		if err == nil {
			people, err = ws.People(ctx, run.ID)
		}
		if err == nil {
			in.Results, in.History = res, earlier
			// The verdict chart is drawn by the Verdict tab; the window shows the
			// drawn pictures as they are (no PNG to encode and decode).
			charts, err = report.Charts(in, report.ChartOptions{Width: 1040, Height: 600, Image: true, Only: func(name string) bool { return name != "verdict" }})
		}
		r.a.ui(func() {
			if err != nil {
				r.a.showError(fail("err.load_results", err))
				return
			}
			r.history, r.earlier = history, earlier
			r.warmups = warm
			r.people = people
			r.showHistory()
			r.show(res, charts)
		})
	})
}

// runHistory sums up every run of the decision, oldest first; cur is the
// selected run whose results are already loaded.
func runHistory(ctx context.Context, st decisionSpace, runs []data.Run, cur int64, curRes []advisor.Result) ([]report.RunPoint, error) {
	var pts []report.RunPoint
	for _, run := range runs {
		res := curRes
		if run.ID != cur {
			var err error
			if res, err = st.Results(ctx, run.ID); err != nil {
				return nil, err
			}
		}
		pts = append(pts, report.HistoryPoint(run.ID, run.StartedAt, res))
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].Date.Before(pts[j].Date) })
	return pts, nil
}

func (r *resultsScreen) show(res []advisor.Result, charts []report.Chart) {
	r.results = res
	r.byCell = make(map[advisor.Cell]int, len(res))
	for i, x := range res {
		if x.Repeat == 0 {
			r.byCell[x.Cell()] = i
		}
	}
	r.priced = map[string]bool{}
	if r.run != nil {
		unpriced := r.a.prices().Unpriced(r.run.Plan)
		for _, s := range r.run.Plan.Sets() {
			for _, ep := range s.Endpoints {
				r.priced[ep.Name] = !unpriced[ep.Name]
			}
		}
	}
	r.summary = advisor.Summarize(res)
	r.loaded = true
	if len(r.runs) == 1 {
		r.status.SetText(lang.L("results.count.one_run", map[string]any{"N": len(res)}))
	} else {
		r.status.SetText(lang.L("results.count", map[string]any{"N": len(res), "Runs": len(r.runs)}))
	}
	r.table.Refresh()
	r.verdict.load()
	r.charts.Objects = nil
	r.images = nil
	for _, c := range charts {
		if c.Image == nil {
			continue
		}
		img := canvas.NewImageFromImage(c.Image)
		img.FillMode = canvas.ImageFillContain
		r.images = append(r.images, img)
		r.charts.Add(img)
	}
	if len(r.images) == 0 {
		r.charts.Add(hint(lang.L("results.no_charts")))
	}
	r.charts.Refresh()

	models := []string{lang.L("results.filter.all")}
	strategies := []string{lang.L("results.filter.all")}
	for _, s := range r.summary {
		if !contains(models, s.Endpoint) {
			models = append(models, s.Endpoint)
		}
		if !contains(strategies, strategyLabel(s.Strategy)) {
			strategies = append(strategies, strategyLabel(s.Strategy))
		}
	}
	r.model.Options = models
	r.strategy.Options = strategies
	r.model.SetSelectedIndex(0)
	r.strategy.SetSelectedIndex(0)
	r.refreshSide()
	r.showImages()
	// The Images tab is for runs that generated images; a text-only run has none.
	if r.hasImages() {
		if !containsTab(r.tabs, r.imageTab) {
			r.tabs.Append(r.imageTab)
		}
	} else if containsTab(r.tabs, r.imageTab) {
		r.tabs.Remove(r.imageTab)
	}
	for f, b := range r.exports {
		if f == formatJSONL && !r.fineTuneOnPlan() {
			continue
		}
		b.Enable()
	}
}

// showImages lists the generated images, each with Accept and Reject: an
// image has no quality score until the user judges it.
func (r *resultsScreen) showImages() {
	r.gallery.Objects = nil
	r.verdicts = map[int64][2]*widget.Button{}
	dir := ""
	if r.a.ws != nil {
		dir = filepath.Dir(r.a.ws.Path())
	}
	for _, res := range r.results {
		if res.Kind != advisor.CaseKindImage || res.Artifact == "" || res.ErrorClass != "" {
			continue
		}
		res := res
		path := res.Artifact
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		img := canvas.NewImageFromFile(path)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(280, 260))
		prompt := ""
		if r.run != nil && res.Case < len(r.run.Plan.Cases) {
			prompt = oneLine(r.run.Plan.Cases[res.Case].Input, 80)
		}
		verdict := lang.L("results.image.unrated")
		if res.Verdict != nil && *res.Verdict {
			verdict = lang.L("results.image.accepted")
		} else if res.Verdict != nil {
			verdict = lang.L("results.image.rejected")
		}
		accept := widget.NewButtonWithIcon(lang.L("results.image.accept"), theme.ConfirmIcon(), func() { r.onVerdict(res.ID, true) })
		reject := widget.NewButtonWithIcon(lang.L("results.image.reject"), theme.CancelIcon(), func() { r.onVerdict(res.ID, false) })
		r.verdicts[res.ID] = [2]*widget.Button{accept, reject}
		caption := wrapped(fmt.Sprintf("#%d · %s · %s", res.Case+1, res.Endpoint, prompt))
		r.gallery.Add(container.NewBorder(nil, container.NewVBox(caption, widget.NewLabel(verdict), container.NewGridWithColumns(2, accept, reject)), nil, nil, img))
	}
	if len(r.gallery.Objects) == 0 {
		r.gallery.Add(hint(lang.L("results.image.none")))
	}
	r.gallery.Refresh()
}

// hasImages reports whether the selected run has image examples.
func (r *resultsScreen) hasImages() bool {
	for _, res := range r.results {
		if res.Kind == advisor.CaseKindImage {
			return true
		}
	}
	if r.run != nil {
		for _, set := range r.run.Plan.CaseSets {
			if set.Kind == advisor.CaseKindImage {
				return true
			}
		}
	}
	return false
}

func containsTab(tabs *container.AppTabs, t *container.TabItem) bool {
	for _, x := range tabs.Items {
		if x == t {
			return true
		}
	}
	return false
}

// onVerdict records the user's verdict on an image and reloads the run.
func (r *resultsScreen) onVerdict(id int64, accepted bool) {
	st := r.a.ws
	if st == nil {
		return
	}
	for _, b := range r.verdicts[id] {
		b.Disable()
	}
	i := r.runSel.SelectedIndex()
	r.a.goWork(func(ctx context.Context) {
		err := st.SetVerdict(ctx, id, accepted)
		r.a.ui(func() {
			if err != nil {
				r.a.showError(fail("err.verdict", err))
				return
			}
			r.selectRun(i)
		})
	})
}

// onDelete deletes the selected run after asking.
func (r *resultsScreen) onDelete() {
	if r.run == nil {
		return
	}
	run := *r.run
	dialog.ShowConfirm(lang.L("results.delete.title"), lang.L("results.delete.confirm", map[string]any{"ID": run.ID}), func(ok bool) {
		if ok {
			r.deleteRun(run.ID)
		}
	}, r.a.win)
}

func (r *resultsScreen) deleteRun(id int64) {
	st := r.a.ws
	r.a.goWork(func(ctx context.Context) {
		err := st.DeleteRun(ctx, id)
		r.a.ui(func() {
			if err != nil {
				r.a.showError(fail("err.delete_run", err))
				return
			}
			if r.a.lastRun == id {
				r.a.lastRun = 0
			}
			r.a.show(screenResults)
		})
	})
}

// fineTuneOnPlan: the fine-tuning dataset is offered only when the plan has fine-tuning.
func (r *resultsScreen) fineTuneOnPlan() bool {
	rec := r.a.recommendation()
	return rec != nil && contains(rec.Strategy.Plan, advisor.StepFineTuning)
}

// refreshSide rebuilds the side-by-side columns for the filters.
func (r *resultsScreen) refreshSide() {
	r.columns = nil
	for _, s := range r.summary {
		if i := r.model.SelectedIndex(); i > 0 && r.model.Selected != s.Endpoint {
			continue
		}
		if i := r.strategy.SelectedIndex(); i > 0 && r.strategy.Selected != strategyLabel(s.Strategy) {
			continue
		}
		r.columns = append(r.columns, sideColumn{s.Endpoint, s.Strategy})
	}
	r.sideBy.SetColumnWidth(0, 240)
	for i := range r.columns {
		r.sideBy.SetColumnWidth(i+1, 280)
	}
	for row := 0; row <= r.caseCount(); row++ {
		r.sideBy.SetRowHeight(row, 110)
	}
	r.sideBy.SetRowHeight(0, 60)
	r.sideBy.Refresh()
}

func (r *resultsScreen) caseCount() int {
	if r.run != nil && len(r.run.Plan.Cases) > 0 {
		return len(r.run.Plan.Cases)
	}
	n := 0
	for _, res := range r.results {
		if res.Case+1 > n {
			n = res.Case + 1
		}
	}
	return n
}

func (r *resultsScreen) sideSize() (int, int) {
	return r.caseCount() + 1, len(r.columns) + 1
}

// sideCell: row 0 is the header, column 0 the case input.
func (r *resultsScreen) sideCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	l.TextStyle.Bold = id.Row == 0
	switch {
	case id.Row == 0 && id.Col == 0:
		l.SetText(lang.L("results.col.case"))
	case id.Row == 0:
		c := r.columns[id.Col-1]
		l.SetText(c.endpoint + "\n" + strategyLabel(c.strategy))
	case id.Col == 0:
		txt := fmt.Sprintf("#%d", id.Row)
		if r.run != nil && id.Row-1 < len(r.run.Plan.Cases) {
			c := r.run.Plan.Cases[id.Row-1]
			txt += " " + oneLine(c.Input, 120)
			if c.Expected != "" {
				txt += "\n✓ " + oneLine(c.Expected, 60)
			}
		}
		l.SetText(txt)
	default:
		c := r.columns[id.Col-1]
		l.SetText(r.cellText(c, id.Row-1))
	}
}

func (r *resultsScreen) cellText(c sideColumn, caseIdx int) string {
	i, ok := r.byCell[advisor.Cell{Endpoint: c.endpoint, Strategy: c.strategy, Case: caseIdx}]
	if !ok {
		return "—"
	}
	res := r.results[i]
	if res.ErrorClass != "" {
		return "⚠ " + labelOr("error."+res.ErrorClass, res.ErrorClass) + "\n" + noFigure
	}
	return fmt.Sprintf("%s %s · %s ms\n%s", lang.L("run.score"), numbers().Number(res.Score, 2), numbers().Number(res.LatencyMs, 0), oneLine(res.Output, 160))
}

// showHistory lists quality, latency and cost of every run of the decision.
func (r *resultsScreen) showHistory() {
	r.histList.Objects = nil
	if len(r.history) == 0 {
		r.histList.Add(hint(lang.L("results.none")))
	}
	for _, p := range r.history {
		r.histList.Add(widget.NewLabel(lang.L("results.history.row", map[string]any{
			"ID": p.ID, "Date": p.Date.Local().Format("2006-01-02 15:04"),
			"Quality": numbers().Percent(p.Quality), "P50": numbers().Number(p.LatencyP50, 0), "Cost": money(p.CostPer1K),
		})))
	}
	r.histList.Refresh()
}

// input is what the report package needs for the selected run.
func (r *resultsScreen) input(res []advisor.Result) report.Input {
	in := report.Input{Generated: time.Now().UTC(), Lang: r.a.langCode(), Results: res, Warmups: r.warmups, History: r.earlier, Title: lang.L("app.title")}
	if ws := r.a.ws; ws != nil {
		in.ArtifactRoot = ws.Dir() // generated images are kept beside the database
	}
	if r.run != nil {
		in.Title = r.run.Name // as the command line names it; a decision's title wins
	}
	if d := r.a.decision; d != nil {
		workspace.AddDecision(&in, *d)
	}
	if r.run != nil {
		// The unpriced endpoints read "no price", as in the command line's export.
		in.Run = workspace.PricesRunInfo(r.a.prices(), *r.run)
		in.People = r.people
	}
	return in
}

// reloadPeople reads people's judgements of the run on screen again (after
// an import) and judges again with them.
func (r *resultsScreen) reloadPeople() {
	if r.run == nil || r.a.ws == nil {
		return
	}
	ws, id := r.a.ws, r.run.ID
	r.a.goWork(func(ctx context.Context) {
		people, err := ws.People(ctx, id)
		r.a.ui(func() {
			if err != nil {
				r.a.showError(fail("err.load_results", err))
				return
			}
			if r.run == nil || r.run.ID != id {
				return
			}
			r.people = people
			r.verdict.refresh()
		})
	})
}

// onExport asks where to save and writes the file off the UI goroutine.
func (r *resultsScreen) onExport(format string) {
	if !r.loaded {
		return
	}
	r.a.exportDialog(format, r.input(r.results), func(err error) { r.exportDone(err, format) })
}

func exportName(in report.Input) string { return workspace.ExportName(in) }

// exportTo writes one format to w off the UI goroutine.
func (r *resultsScreen) exportTo(w io.WriteCloser, format string, in report.Input) {
	r.a.exportTo(w, format, in, func(err error) { r.exportDone(err, format) })
}

// writeExport writes one export of in, as the command line does.
func writeExport(w io.Writer, format string, in report.Input) error {
	return workspace.Write(w, format, in)
}

func (r *resultsScreen) exportMarkdown(dir string, in report.Input) {
	r.a.exportMarkdown(dir, in, func(err error) { r.exportDone(err, formatMarkdown) })
}

func (r *resultsScreen) exportDone(err error, format string) {
	if err != nil {
		r.a.showError(fail("err.export", err))
		return
	}
	r.exported = format
	r.status.SetText(lang.L("results.exported", map[string]any{"Format": strings.ToUpper(format)}))
}
