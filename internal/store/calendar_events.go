package store

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"homeward/internal/cases"
)

// CalendarKind is what a date of a calendar feed marks.
type CalendarKind string

const (
	CalendarContactDue   CalendarKind = "contact_due"   // the next contact by the program's cadence (a moment)
	CalendarPlanStep     CalendarKind = "plan_step"     // an open plan step's due day
	CalendarFollowUp     CalendarKind = "follow_up"     // a follow-up's due day
	CalendarFinalMeeting CalendarKind = "final_meeting" // the psychologist's final meeting, when it was held (a moment)
	CalendarRelease      CalendarKind = "release"       // the expected release day of a case in custody
)

// CalendarKinds lists them.
var CalendarKinds = []CalendarKind{CalendarContactDue, CalendarPlanStep, CalendarFollowUp, CalendarFinalMeeting, CalendarRelease}

// CalendarEvent is one date of a case in a calendar feed. It holds the case
// code and no name, and nothing sealed: a plan step's title is not read.
type CalendarEvent struct {
	Kind     CalendarKind
	CaseID   int64
	CaseCode string
	// RecordID is the plan step's or the follow-up's id, the period of a
	// final meeting, 0 for the others: with Kind and CaseID it names the
	// event for good.
	RecordID int64
	// At is the moment, or for an AllDay event its day (midnight UTC).
	At     time.Time
	AllDay bool
}

// calendarSource is how one kind of event is read: the columns (the
// record's id, the case's id and code, the date), the tables (the case
// aliased c, so that the scope applies) and the conditions.
type calendarSource struct {
	kind   CalendarKind
	allDay bool
	record string // the record id's column
	date   string // the date's column
	from   string
	cond   []string
}

var calendarSources = []calendarSource{
	{kind: CalendarContactDue, record: "0", date: "c.contact_due_at", from: "cases c"},
	{kind: CalendarPlanStep, allDay: true, record: "ps.id", date: "ps.due_on", from: "plan_steps ps JOIN cases c ON c.id = ps.case_id",
		cond: []string{"ps.due_on IS NOT NULL", "ps.status IN ('open', 'in_progress')", "ps.period = c.period", "c.state <> 'closed'"}},
	{kind: CalendarFollowUp, allDay: true, record: "fu.id", date: "fu.due_on", from: "follow_ups fu JOIN cases c ON c.id = fu.case_id",
		cond: []string{"fu.done_at IS NULL"}},
	{kind: CalendarFinalMeeting, record: "cl.period", date: "cl.final_meeting_at", from: "closings cl JOIN cases c ON c.id = cl.case_id",
		cond: []string{"cl.final_meeting_at IS NOT NULL"}},
	{kind: CalendarRelease, allDay: true, record: "0", date: "c.expected_release", from: "cases c",
		cond: []string{"c.expected_release IS NOT NULL", "c.custody_phase = '" + string(cases.InCustody) + "'"}},
}

// calendarQuery is the query of one kind of event (CalendarEvents runs
// it; the query plan test explains it): the scope's cases' dates within
// the window, those from now on first, at most limit.
func (s *Store) calendarQuery(src calendarSource, scope CaseScope, from, to, now time.Time, limit int) (string, []any) {
	lo, hi, pivot := from, to, now
	if src.allDay {
		lo, hi, pivot = cases.Day(from), cases.Day(to), cases.Day(now)
	}
	where, args := scope.where(slices.Clone(src.cond), nil)
	args = append(args, s.ts(lo), s.ts(hi), s.ts(pivot), limit)
	n := len(args)
	d := src.date
	where = append(where, d+" >= $"+itoa(n-3), d+" <= $"+itoa(n-2))
	upcoming := d + " >= $" + itoa(n-1)
	return `SELECT ` + src.record + `, c.id, c.case_code, ` + d + ` FROM ` + src.from + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY CASE WHEN ` + upcoming + ` THEN 0 ELSE 1 END, CASE WHEN ` + upcoming + ` THEN ` + d + ` END, ` + d + ` DESC, c.id LIMIT $` + itoa(n), args
}

// CalendarEvents returns the dates of the scope's cases between from and
// to (days: from the day of from to the day of to): next contacts due, open
// plan steps and follow-ups due, final meetings held, expected releases of
// cases in custody. At most limit of them: those from now on first, then
// the latest before now; returned in order of time. Each kind is one query
// along an index over the window.
func (s *Store) CalendarEvents(ctx context.Context, scope CaseScope, from, to, now time.Time, limit int) ([]CalendarEvent, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []CalendarEvent
	for _, src := range calendarSources {
		q, args := s.calendarQuery(src, scope, from, to, now, limit)
		rows, err := s.read.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, s.wrap(err, "list calendar events")
		}
		for rows.Next() {
			e := CalendarEvent{Kind: src.kind, AllDay: src.allDay}
			if err := rows.Scan(&e.RecordID, &e.CaseID, &e.CaseCode, &e.At); err != nil {
				rows.Close()
				return nil, s.wrap(err, "read calendar event")
			}
			e.At = e.At.UTC()
			if e.AllDay {
				e.At = cases.Day(e.At)
			}
			out = append(out, e)
		}
		if err := rows.Close(); err != nil {
			return nil, s.wrap(err, "list calendar events")
		}
		if err := rows.Err(); err != nil {
			return nil, s.wrap(err, "list calendar events")
		}
	}
	// The nearest from now on first, then the latest before; cut at limit.
	today := cases.Day(now)
	ahead := func(e CalendarEvent) bool {
		if e.AllDay {
			return !e.At.Before(today)
		}
		return !e.At.Before(now)
	}
	slices.SortStableFunc(out, func(a, b CalendarEvent) int {
		aa, ba := ahead(a), ahead(b)
		switch {
		case aa && !ba:
			return -1
		case !aa && ba:
			return 1
		case aa:
			return a.At.Compare(b.At)
		}
		return b.At.Compare(a.At)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	slices.SortStableFunc(out, func(a, b CalendarEvent) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.CaseID, b.CaseID), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.RecordID, b.RecordID))
	})
	return out, nil
}
