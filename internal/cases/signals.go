package cases

import (
	"math"
	"slices"
	"time"

	"homeward/internal/program"
)

// Signal names a progress signal; the case list filters by these.
type Signal string

const (
	// SignalOverdue: the next contact by the program's cadence is overdue.
	SignalOverdue Signal = "overdue"
	// SignalQuiet: no new request for the program's quiet period — ask
	// about completion.
	SignalQuiet Signal = "quiet"
	// SignalUrgent: the mentee raised a request "right away" that is not
	// resolved or declined yet.
	SignalUrgent Signal = "urgent"
)

// Signals lists them.
var Signals = []Signal{SignalUrgent, SignalOverdue, SignalQuiet}

// Valid tells whether s is a signal.
func (s Signal) Valid() bool { return slices.Contains(Signals, s) }

const day = 24 * time.Hour

// ContactInterval is the time between contacts the program's cadence
// expects at a moment of a case: more often in the first weeks after the
// match, less often later.
func ContactInterval(p program.Program, activeSince, at time.Time) time.Duration {
	perWeek := p.Cadence.LaterPerWeek
	if at.Before(activeSince.Add(time.Duration(p.Cadence.FirstWeeks) * 7 * day)) {
		perWeek = p.Cadence.FirstPerWeek
	}
	if perWeek <= 0 {
		perWeek = 1
	}
	return time.Duration(float64(7*day) / perWeek).Round(time.Minute)
}

// ContactDue is when the next contact is due: one interval after the last
// contact, or after the match when there was none.
func ContactDue(p program.Program, activeSince time.Time, lastContact *time.Time) time.Time {
	from := activeSince
	if lastContact != nil && lastContact.After(from) {
		from = *lastContact
	}
	return from.Add(ContactInterval(p, activeSince, from))
}

// QuietAt is when the quiet period ends: the program's quiet weeks after the
// last request, or after the match when there was none.
func QuietAt(p program.Program, activeSince time.Time, lastRequest *time.Time) time.Time {
	from := activeSince
	if lastRequest != nil && lastRequest.After(from) {
		from = *lastRequest
	}
	return from.Add(time.Duration(p.QuietWeeks) * 7 * day)
}

// Due computes the signal times a case stores, from its state and dates:
// the contact due while supported, the quiet end while active.
func Due(p program.Program, c Case) (contactDue, quiet *time.Time) {
	if !c.State.SupportedByMentor() || c.ActiveSince == nil {
		return nil, nil
	}
	d := ContactDue(p, *c.ActiveSince, c.LastContactAt)
	contactDue = &d
	if c.State == Active {
		q := QuietAt(p, *c.ActiveSince, c.LastRequestAt)
		quiet = &q
	}
	return contactDue, quiet
}

// Progress is what the case page shows of the signals.
type Progress struct {
	ContactOverdue bool       `json:"contact_overdue"`
	ContactDueAt   *time.Time `json:"contact_due_at,omitempty"`
	DaysOverdue    int        `json:"days_overdue"`
	// Quiet: no new request for the quiet period; ask about completion.
	Quiet      bool       `json:"quiet"`
	QuietSince *time.Time `json:"quiet_since,omitempty"`
	// RequestsPerWeek counts new requests in each week since the period
	// began, oldest first.
	RequestsPerWeek []int `json:"requests_per_week"`
	// Trend is the slope of RequestsPerWeek in requests a week per week:
	// below zero is progress.
	Trend float64 `json:"trend"`
	// Falling tells whether the trend is clearly downwards.
	Falling bool `json:"falling"`
}

// ProgressOf computes a case's signals at now from its stored dates and the
// times its requests were raised in the current period.
func ProgressOf(c Case, requestTimes []time.Time, now time.Time) Progress {
	var pr Progress
	if c.ContactDueAt != nil && c.State.SupportedByMentor() {
		pr.ContactDueAt = c.ContactDueAt
		if now.After(*c.ContactDueAt) {
			pr.ContactOverdue = true
			pr.DaysOverdue = int(now.Sub(*c.ContactDueAt) / day)
		}
	}
	if c.QuietAt != nil && c.State == Active && !now.Before(*c.QuietAt) {
		pr.Quiet = true
		pr.QuietSince = c.QuietAt
	}
	pr.RequestsPerWeek = WeeklyCounts(c.OpenedAt, requestTimes, now)
	pr.Trend = slope(pr.RequestsPerWeek)
	pr.Falling = len(pr.RequestsPerWeek) >= 3 && pr.Trend < -0.05
	return pr
}

// WeeklyCounts counts times in each week from start to now (at least one
// week, at most 520).
func WeeklyCounts(start time.Time, times []time.Time, now time.Time) []int {
	weeks := int(now.Sub(start)/(7*day)) + 1
	weeks = max(1, min(weeks, 520))
	counts := make([]int, weeks)
	for _, t := range times {
		w := int(t.Sub(start) / (7 * day))
		if t.Before(start) {
			w = 0
		}
		if w >= weeks {
			w = weeks - 1
		}
		counts[w]++
	}
	return counts
}

// slope is the least-squares slope of ys over 0, 1, 2, ….
func slope(ys []int) float64 {
	n := float64(len(ys))
	if n < 2 {
		return 0
	}
	var sx, sy, sxx, sxy float64
	for i, y := range ys {
		x := float64(i)
		sx += x
		sy += float64(y)
		sxx += x * x
		sxy += x * float64(y)
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return 0
	}
	return math.Round((n*sxy-sx*sy)/d*1000) / 1000
}
