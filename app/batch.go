package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

// The Batch API (issue 17) in the GUI: the setup offers it when a run is
// large and no latency is being measured, with the saving in the estimate;
// the run screen shows the batches' state; a batch run the window closed on
// is picked up again when the app opens (Home).

// batchOfferMin is the number of requests from which the Batch API is
// offered: below it a normal run is quick and the saving small.
const batchOfferMin = 500

// batchOffered: the plan could go through the Batch API, is large, and
// measures no latency (no latency target in its criteria).
func (l *liveTestScreen) batchOffered(est livetest.Estimate) bool {
	acc := l.s.acceptance
	latency := acc != nil && (acc.FirstAnswerP95Ms != nil || acc.TotalP95Ms != nil)
	return est.BatchPossible && est.Requests >= batchOfferMin && !latency && !l.s.ladder
}

// updateBatchOffer shows or hides the Batch API choice for the estimate
// and says what it saves; a hidden choice is off.
func (l *liveTestScreen) updateBatchOffer(est livetest.Estimate) {
	if l.batchCheck == nil {
		return
	}
	if !l.batchOffered(est) {
		l.s.batch = false
		l.batchCheck.SetChecked(false)
		l.batchCheck.Hide()
		l.batchHint.Hide()
		return
	}
	l.batchCheck.Text = lang.L("live.batch.offer", map[string]any{"Batch": money(est.BatchCostUSD), "Full": money(est.FullPriceCostUSD),
		"Saving": money(est.BatchSavingUSD)})
	l.batchCheck.Refresh()
	l.batchCheck.Show()
	l.batchHint.Show()
}

func (l *liveTestScreen) newBatchCheck() {
	l.batchCheck = widget.NewCheck("", func(on bool) {
		if l.s.batch != on {
			l.s.batch = on
			l.updateEstimate()
		}
	})
	l.batchCheck.SetChecked(l.s.batch)
	l.batchHint = hint(lang.L("live.batch.hint"))
	l.batchHint.Wrapping = fyne.TextWrapWord
	// Hidden until an estimate says the run is large enough to offer it.
	l.batchCheck.Hide()
	l.batchHint.Hide()
}

// batchText is a batch state in the screen's language.
func batchText(s livetest.BatchState) string {
	n := numbers()
	switch s.State {
	case "submitted":
		return lang.L("run.batch.submitted", map[string]any{"Total": n.Number(float64(s.Total), 0)})
	case "in_progress":
		return lang.L("run.batch.in_progress", map[string]any{"Done": n.Number(float64(s.Completed+s.Failed), 0), "Total": n.Number(float64(s.Total), 0)})
	}
	return lang.L("run.batch.done")
}

// onBatch shows the batches' state on the run screen.
func (r *runScreen) onBatch(s livetest.BatchState) {
	r.batchState = s
	r.batch.SetText(batchText(s) + "\n" + lang.L("run.batch.close_ok"))
	r.batch.Show()
}
