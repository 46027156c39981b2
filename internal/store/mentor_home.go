package store

import (
	"context"
	"database/sql"

	"homeward/internal/cases"
	"homeward/internal/zone"
)

// MenteeGlance is a case on a mentor's home page: its signals now.
type MenteeGlance struct {
	Case         cases.Case
	OpenRequests int // open or in progress, this period
	DueSteps     int // plan steps not done, due within a week (or overdue)
	OverdueSteps int // of which overdue
}

// MentorMentees returns the cases the mentor supports now (matched, active,
// closing) with their open requests and due plan steps, the next contact
// due first: one query. Only cases of programs the mentor is still in: one
// removed from a program sees none of its cases, as everywhere else.
func (s *Store) MentorMentees(ctx context.Context, mentorID int64) ([]MenteeGlance, error) {
	today := zone.TodayIn(ctx, s.now()) // the mentor's: a step is overdue from the day after its day on their calendar
	rows, err := s.read.QueryContext(ctx, `SELECT `+caseColumns+`,
		(SELECT count(*) FROM requests r WHERE r.case_id = c.id AND r.period = c.period AND r.status IN ('open', 'in_progress')),
		(SELECT count(*) FROM plan_steps st WHERE st.case_id = c.id AND st.period = c.period
			AND st.status IN ('open', 'in_progress') AND st.due_on IS NOT NULL AND st.due_on <= $2),
		(SELECT count(*) FROM plan_steps st WHERE st.case_id = c.id AND st.period = c.period
			AND st.status IN ('open', 'in_progress') AND st.due_on IS NOT NULL AND st.due_on < $3)
		FROM cases c LEFT JOIN users mu ON mu.id = c.mentor_id LEFT JOIN users pu ON pu.id = c.psychologist_id
		WHERE c.mentor_id = $1 AND c.state IN `+openStates+`
			AND c.program_id IN (SELECT up.program_id FROM user_programs up WHERE up.user_id = $1) ORDER BY c.contact_due_at, c.id`,
		mentorID, s.ts(today.AddDate(0, 0, 7)), s.ts(today))
	if err != nil {
		return nil, s.wrap(err, "list mentor's cases")
	}
	defer rows.Close()
	out := []MenteeGlance{}
	for rows.Next() {
		var g MenteeGlance
		c, err := scanCase(extraScanner{rows, []any{&g.OpenRequests, &g.DueSteps, &g.OverdueSteps}})
		if err != nil {
			return nil, s.wrap(err, "scan mentor's case")
		}
		g.Case = c
		out = append(out, g)
	}
	return out, s.wrap(rows.Err(), "list mentor's cases")
}

// extraScanner scans a row's leading columns with a scanner function and
// its trailing ones into extra.
type extraScanner struct {
	rows  *sql.Rows
	extra []any
}

func (e extraScanner) Scan(dest ...any) error { return e.rows.Scan(append(dest, e.extra...)...) }
