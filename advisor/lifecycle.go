package advisor

import "time"

// SoonDays is how close a shutdown date must be for a model to be treated
// as retiring: it is then never ranked first.
const SoonDays = 90

// StatusOn is the model's lifecycle status on today (YYYY-MM-DD): retired
// once its shutdown date has passed, deprecated while a shutdown date is
// announced, otherwise what the catalog says.
func (m Model) StatusOn(today string) string {
	s := normStatus(m.Status)
	if m.ShutdownDate != "" {
		if m.ShutdownDate <= today {
			return StatusRetired
		}
		if s == StatusActive || s == StatusPreview {
			return StatusDeprecated
		}
	}
	return s
}

// DaysLeft is the number of days from today to the shutdown date, or -1
// when no date is known.
func (m Model) DaysLeft(today string) int {
	if m.ShutdownDate == "" {
		return -1
	}
	s, err1 := time.Parse("2006-01-02", m.ShutdownDate)
	t, err2 := time.Parse("2006-01-02", today)
	if err1 != nil || err2 != nil {
		return -1
	}
	d := int(s.Sub(t).Hours() / 24)
	if d < 0 {
		return 0
	}
	return d
}

// LifecycleRisk reports whether the model must not be ranked first on
// today: deprecated, retired, or within SoonDays of its shutdown.
func (m Model) LifecycleRisk(today string) bool {
	switch m.StatusOn(today) {
	case StatusDeprecated, StatusRetired:
		return true
	}
	d := m.DaysLeft(today)
	return d >= 0 && d <= SoonDays
}

// applyLifecycle sets every model's status to the one it has on today.
func applyLifecycle(ms []Model, today string) {
	for i := range ms {
		ms[i].Status = ms[i].StatusOn(today)
	}
}
