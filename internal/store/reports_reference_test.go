package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"

	"homeward/internal/cases"
	"homeward/internal/report"
)

// The outcomes report's statements as they were first written: each
// case's stretches paired by a window (LEAD) over its transitions, and
// every figure counted from them. Slow on a large history, but plain; the
// tests check that OutcomeFacts counts what these count.

// outcomeFactsReference counts the facts of an outcomes report from
// what happened in the query's period: the transitions, matches, contacts,
// requests, referral events, outcomes, follow-ups, feedback and mentors'
// records of the query's programs. Every figure is an SQL aggregate; Go
// only adds up a few grouped rows. The statements run in one read-only
// transaction, so the figures agree with each other. The caller has
// checked that the user may see reports of every program of the query.
func (s *Store) outcomeFactsReference(ctx context.Context, q report.Query) (report.Facts, error) {
	var f report.Facts
	if err := q.Validate(); err != nil {
		return f, err
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if s.engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.read.BeginTx(ctx, opts)
	if err != nil {
		return f, s.wrap(err, "begin report")
	}
	defer func() { _ = tx.Rollback() }()
	r := &refQuery{s: s, tx: tx, q: q}
	for _, step := range []func(context.Context, *report.Facts) error{
		r.transitions, r.spreads, r.contacts, r.requests, r.referrals, r.outcomes,
		r.followUps, r.mentors, r.feedback, r.custody,
	} {
		if err := step(ctx, &f); err != nil {
			return report.Facts{}, err
		}
	}
	return f, nil
}

// refQuery runs the statements of one report. Every statement takes the
// period's start as $1, its end (exclusive) as $2 and the programs as $3…;
// further arguments follow.
type refQuery struct {
	s  *Store
	tx *sql.Tx
	q  report.Query
}

// args are the arguments every statement starts with, and "programs" the
// placeholders of the programs, for "program_id IN (…)".
func (r *refQuery) args(more ...any) ([]any, string) {
	args := []any{r.s.ts(r.q.Start()), r.s.ts(r.q.End())}
	ph := make([]string, len(r.q.ProgramIDs))
	for i, id := range r.q.ProgramIDs {
		args = append(args, id)
		ph[i] = "$" + itoa(len(args))
	}
	return append(args, more...), strings.Join(ph, ", ")
}

// time is placeholder n as a time: PostgreSQL is told its type where it
// could not infer it (in LEAST, GREATEST and VALUES).
func (r *refQuery) time(n int) string {
	if r.s.engine == Postgres {
		return "CAST($" + itoa(n) + " AS TIMESTAMPTZ)"
	}
	return "$" + itoa(n)
}

// month is the calendar month of a time column as year×12 + month − 1.
func (r *refQuery) month(col string) string {
	if r.s.engine == Postgres {
		return "(EXTRACT(YEAR FROM " + col + " AT TIME ZONE 'UTC')::INTEGER * 12 + EXTRACT(MONTH FROM " + col + " AT TIME ZONE 'UTC')::INTEGER - 1)"
	}
	return "(CAST(substr(" + col + ", 1, 4) AS INTEGER) * 12 + CAST(substr(" + col + ", 6, 2) AS INTEGER) - 1)"
}

// days is the whole calendar days (UTC) from time b to time a.
func (r *refQuery) days(a, b string) string {
	if r.s.engine == Postgres {
		return "((" + a + " AT TIME ZONE 'UTC')::DATE - (" + b + " AT TIME ZONE 'UTC')::DATE)"
	}
	return "CAST(julianday(substr(" + a + ", 1, 10)) - julianday(substr(" + b + ", 1, 10)) AS INTEGER)"
}

// span is the days, with their fraction, from time b to time a.
func (r *refQuery) span(a, b string) string {
	if r.s.engine == Postgres {
		return "CAST(EXTRACT(EPOCH FROM (" + a + " - " + b + ")) / 86400.0 AS DOUBLE PRECISION)"
	}
	return "(julianday(" + a + ") - julianday(" + b + "))"
}

// least and greatest of two values.
func (r *refQuery) least(a, b string) string {
	if r.s.engine == Postgres {
		return "LEAST(" + a + ", " + b + ")"
	}
	return "MIN(" + a + ", " + b + ")"
}

func (r *refQuery) greatest(a, b string) string {
	if r.s.engine == Postgres {
		return "GREATEST(" + a + ", " + b + ")"
	}
	return "MAX(" + a + ", " + b + ")"
}

// rows runs a statement and hands each row to scan.
func (r *refQuery) rows(ctx context.Context, what, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := r.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return r.s.wrap(err, "report "+what)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return r.s.wrap(err, "report "+what)
		}
	}
	return r.s.wrap(rows.Err(), "report "+what)
}

// stretches is the statement's table of the cases' stretches: each
// transition with the time the next one of the case began (NULL for the
// case's current state). A case is in a stretch's state from its at until
// its until.
func (r *refQuery) stretches(programs string) string {
	return `stretch AS (
		SELECT t.case_id, c.mentee_id, t.period, t.from_state, t.to_state, t.closure_reason, t.at,
			LEAD(t.at) OVER (PARTITION BY t.case_id ORDER BY t.id) AS until
		FROM case_transitions t JOIN cases c ON c.id = t.case_id
		WHERE c.program_id IN (` + programs + `))`
}

// stateGroup is the report.StateGroups index of a state, as SQL (-1 for
// closed).
const refStateGroup = `CASE to_state WHEN 'referred' THEN 0 WHEN 'intake' THEN 0 WHEN 'waiting' THEN 1
	WHEN 'matched' THEN 2 WHEN 'active' THEN 2 WHEN 'closing' THEN 2 ELSE -1 END`

// transitions counts the people who entered, those who entered and
// completed per month (each in the month they first did in the period), the closures by reason, the cases in each state at
// every month's end, and the days cases were supported in the period.
func (r *refQuery) transitions(ctx context.Context, f *report.Facts) error {
	args, programs := r.args()
	months := r.q.Months()
	first := months[0].Year()*12 + int(months[0].Month()) - 1
	f.Openings = make([]int, len(months))
	f.Completions = make([]int, len(months))
	f.States = make([][]int, len(months))
	for i := range f.States {
		f.States[i] = make([]int, len(report.StateGroups))
	}
	f.Closed = make([]int, len(cases.ClosureReasons))
	// A case is in a state at a month's end e when its stretch began
	// before e and did not end before e: so the count at e is the
	// stretches begun before e less those ended before e. Both are
	// counted per month here and added up below.
	began := make([][]int, len(report.StateGroups))
	ended := make([][]int, len(report.StateGroups))
	for g := range began {
		began[g] = make([]int, len(months)+1) // [0]: before the period; [i+1]: in month i
		ended[g] = make([]int, len(months)+1)
	}
	bucket := func(m int) int { return min(max(m-first+1, 0), len(months)) }
	q := `WITH ` + r.stretches(programs) + `
		SELECT 'entered', 0, 0, COUNT(DISTINCT mentee_id), 0.0 FROM stretch
			WHERE from_state IN ('', 'closed') AND at >= $1 AND at < $2
		UNION ALL
		SELECT 'opened', ` + r.month("first") + `, 0, COUNT(*), 0.0 FROM (
			SELECT mentee_id, MIN(at) AS first FROM stretch
			WHERE from_state IN ('', 'closed') AND at >= $1 AND at < $2 GROUP BY mentee_id) x GROUP BY 2
		UNION ALL
		SELECT 'completed', ` + r.month("first") + `, 0, COUNT(*), 0.0 FROM (
			SELECT mentee_id, MIN(at) AS first FROM stretch
			WHERE to_state = 'closed' AND closure_reason = 'completed' AND at >= $1 AND at < $2 GROUP BY mentee_id) x GROUP BY 2
		UNION ALL
		SELECT 'closed:' || closure_reason, 0, 0, COUNT(DISTINCT mentee_id), 0.0 FROM stretch
			WHERE to_state = 'closed' AND at >= $1 AND at < $2 GROUP BY closure_reason
		UNION ALL
		SELECT 'began', ` + r.month("at") + `, ` + refStateGroup + `, COUNT(*), 0.0 FROM stretch
			WHERE at < $2 AND to_state <> 'closed' GROUP BY 2, 3
		UNION ALL
		SELECT 'ended', ` + r.month("until") + `, ` + refStateGroup + `, COUNT(*), 0.0 FROM stretch
			WHERE until < $2 AND to_state <> 'closed' GROUP BY 2, 3
		UNION ALL
		SELECT 'supported', 0, 0, COUNT(DISTINCT case_id), COALESCE(SUM(` +
		r.span(r.least("COALESCE(until, "+r.time(2)+")", r.time(2)), r.greatest("at", r.time(1))) + `), 0.0) FROM stretch
			WHERE to_state IN ('matched', 'active', 'closing') AND at < $2 AND (until IS NULL OR until > $1)`
	err := r.rows(ctx, "transitions", q, args, func(rows *sql.Rows) error {
		var what string
		var month, group, n int
		var days float64
		if err := rows.Scan(&what, &month, &group, &n, &days); err != nil {
			return err
		}
		i := month - first
		switch {
		case what == "entered":
			f.Entered = n
		case what == "opened" && i >= 0 && i < len(months):
			f.Openings[i] = n
		case what == "completed" && i >= 0 && i < len(months):
			f.Completions[i] = n
		case strings.HasPrefix(what, "closed:"):
			for j, reason := range cases.ClosureReasons {
				if what == "closed:"+string(reason) {
					f.Closed[j] = n
				}
			}
		case what == "began" && group >= 0:
			began[group][bucket(month)] += n
		case what == "ended" && group >= 0:
			ended[group][bucket(month)] += n
		case what == "supported":
			f.SupportedDays, f.SupportedCases = days, n
		}
		return nil
	})
	// The count at the end of month i: the stretches begun before the
	// period or up to month i, less those ended so; month i ends at the
	// first instant of the next month (or the period's end), so everything
	// counted in month i lies before it.
	for g := range began {
		open := began[g][0] - ended[g][0]
		for i := range months {
			open += began[g][i+1] - ended[g][i+1]
			f.States[i][g] = open
		}
	}
	return err
}

// spreads counts the days from a period's opening to its first match (for
// matches made in the period) and from the first match to the closing
// (for closings in the period): how many, the median and the 75th
// percentile by nearest rank, ranked in SQL.
func (r *refQuery) spreads(ctx context.Context, f *report.Facts) error {
	args, programs := r.args()
	q := `WITH opened AS (
			SELECT t.case_id, t.period, MIN(t.at) AS at FROM case_transitions t JOIN cases c ON c.id = t.case_id
			WHERE c.program_id IN (` + programs + `) AND t.from_state IN ('', 'closed') GROUP BY t.case_id, t.period),
		first_match AS (
			SELECT m.case_id, m.period, MIN(m.started_at) AS at FROM matches m JOIN cases c ON c.id = m.case_id
			WHERE c.program_id IN (` + programs + `) GROUP BY m.case_id, m.period),
		closing AS (
			SELECT t.case_id, t.period, t.at FROM case_transitions t JOIN cases c ON c.id = t.case_id
			WHERE c.program_id IN (` + programs + `) AND t.to_state = 'closed' AND t.at >= $1 AND t.at < $2),
		spread AS (
			SELECT 'entry_to_match' AS what, ` + r.days("fm.at", "o.at") + ` AS days
				FROM first_match fm JOIN opened o ON o.case_id = fm.case_id AND o.period = fm.period
				WHERE fm.at >= $1 AND fm.at < $2
			UNION ALL
			SELECT 'match_to_close', ` + r.days("cl.at", "fm.at") + `
				FROM closing cl JOIN first_match fm ON fm.case_id = cl.case_id AND fm.period = cl.period),
		ranked AS (
			SELECT what, days, ROW_NUMBER() OVER (PARTITION BY what ORDER BY days) AS n,
				COUNT(*) OVER (PARTITION BY what) AS total FROM spread)
		SELECT what, MAX(total), MIN(CASE WHEN n >= (total + 1) / 2 THEN days END),
			MIN(CASE WHEN n >= (3 * total + 3) / 4 THEN days END)
		FROM ranked GROUP BY what`
	return r.rows(ctx, "spreads", q, args, func(rows *sql.Rows) error {
		var what string
		var sp report.Spread
		if err := rows.Scan(&what, &sp.N, &sp.Median, &sp.P75); err != nil {
			return err
		}
		if what == "entry_to_match" {
			f.EntryToMatch = sp
		} else {
			f.MatchToClose = sp
		}
		return nil
	})
}

// contacts counts the contacts in the period by channel, with the hours
// they took: the minutes recorded, or the program's hours per contact
// where none were.
func (r *refQuery) contacts(ctx context.Context, f *report.Facts) error {
	args, programs := r.args()
	f.Contacts = make([]int, len(cases.Channels))
	q := `SELECT ct.channel, COUNT(*),
			COALESCE(SUM(CASE WHEN ct.minutes > 0 THEN ct.minutes / 60.0 ELSE p.hours_per_contact END), 0.0)
		FROM contacts ct JOIN cases c ON c.id = ct.case_id JOIN programs p ON p.id = c.program_id
		WHERE c.program_id IN (` + programs + `) AND ct.at >= $1 AND ct.at < $2
		GROUP BY ct.channel`
	return r.rows(ctx, "contacts", q, args, func(rows *sql.Rows) error {
		var ch string
		var n int
		var hours float64
		if err := rows.Scan(&ch, &n, &hours); err != nil {
			return err
		}
		for j, c := range cases.Channels {
			if string(c) == ch {
				f.Contacts[j] = n
			}
		}
		f.ContactHours += hours
		return nil
	})
}

// requests counts the requests raised in the period and in the period of
// the same length before it.
func (r *refQuery) requests(ctx context.Context, f *report.Facts) error {
	args, programs := r.args(r.s.ts(r.q.Previous().Start()))
	n := len(args)
	q := `SELECT COALESCE(SUM(CASE WHEN rq.created_at >= $1 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN rq.created_at < $1 THEN 1 ELSE 0 END), 0)
		FROM requests rq JOIN cases c ON c.id = rq.case_id
		WHERE c.program_id IN (` + programs + `) AND rq.created_at >= $` + itoa(n) + ` AND rq.created_at < $2`
	return r.rows(ctx, "requests", q, args, func(rows *sql.Rows) error {
		return rows.Scan(&f.Requests, &f.RequestsBefore)
	})
}

// referrals counts the referrals sent in the period by need domain and
// partner, and those that got help by the period's end (by the referral's
// events, so that a later answer does not change a past period).
func (r *refQuery) referrals(ctx context.Context, f *report.Facts) error {
	args, programs := r.args()
	q := `SELECT r.domain, r.partner_id, pa.name, COUNT(*),
			COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM referral_events e
				WHERE e.referral_id = r.id AND e.status = 'got_help' AND e.at < $2) THEN 1 ELSE 0 END), 0)
		FROM referrals r JOIN partners pa ON pa.id = r.partner_id
		WHERE r.program_id IN (` + programs + `) AND r.sent_at >= $1 AND r.sent_at < $2
		GROUP BY r.domain, r.partner_id, pa.name`
	return r.rows(ctx, "referrals", q, args, func(rows *sql.Rows) error {
		var c report.ReferralCount
		if err := rows.Scan(&c.Domain, &c.PartnerID, &c.PartnerName, &c.Sent, &c.GotHelp); err != nil {
			return err
		}
		f.Referrals = append(f.Referrals, c)
		return nil
	})
}

// outcomes counts the people with an outcome in the period, by kind, and
// of those the people whose outcome came after their release.
func (r *refQuery) outcomes(ctx context.Context, f *report.Facts) error {
	args, programs := r.args()
	q := `SELECT o.kind, COUNT(DISTINCT c.mentee_id),
			COUNT(DISTINCT CASE WHEN o.after_release THEN c.mentee_id END)
		FROM outcomes o JOIN cases c ON c.id = o.case_id
		WHERE c.program_id IN (` + programs + `) AND o.occurred_on >= $1 AND o.occurred_on < $2
		GROUP BY o.kind`
	return r.rows(ctx, "outcomes", q, args, func(rows *sql.Rows) error {
		var c report.OutcomeCount
		if err := rows.Scan(&c.Kind, &c.People, &c.AfterRelease); err != nil {
			return err
		}
		f.Outcomes = append(f.Outcomes, c)
		return nil
	})
}

// followUps counts the follow-ups at 6 and 12 months done in the period,
// and of those the ones that found work kept, housing kept, a re-arrest.
func (r *refQuery) followUps(ctx context.Context, f *report.Facts) error {
	args, programs := r.args()
	q := `SELECT fu.months, COUNT(*),
			COALESCE(SUM(CASE WHEN fu.work_kept = 'yes' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN fu.housing = 'yes' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN fu.rearrested = 'yes' THEN 1 ELSE 0 END), 0)
		FROM follow_ups fu JOIN cases c ON c.id = fu.case_id
		WHERE c.program_id IN (` + programs + `) AND fu.done_at >= $1 AND fu.done_at < $2
		GROUP BY fu.months`
	return r.rows(ctx, "follow-ups", q, args, func(rows *sql.Rows) error {
		var months int
		var c report.FollowUpCount
		if err := rows.Scan(&months, &c.Done, &c.WorkKept, &c.HousingKept, &c.Rearrested); err != nil {
			return err
		}
		for i, m := range report.FollowUpMonths {
			if m == months {
				f.FollowUps[i] = c
			}
		}
		return nil
	})
}

// mentors counts the mentors who applied, were accepted, finished their
// program's required training (their last required module confirmed in the
// period), supported a case and retired in the period, and the hours of
// the training confirmed in the period.
func (r *refQuery) mentors(ctx context.Context, f *report.Facts) error {
	args, programs := r.args()
	in := `m.program_id IN (` + programs + `)`
	q := `SELECT 'applied', COUNT(*) FROM mentors m
			WHERE ` + in + ` AND m.origin = 'application' AND m.created_at >= $1 AND m.created_at < $2
		UNION ALL
		SELECT 'accepted', COUNT(*) FROM mentors m WHERE ` + in + ` AND m.accepted_at >= $1 AND m.accepted_at < $2
		UNION ALL
		SELECT 'retired', COUNT(*) FROM mentors m WHERE ` + in + ` AND m.retired_at >= $1 AND m.retired_at < $2
		UNION ALL
		SELECT 'active', COUNT(DISTINCT mt.mentor_id) FROM matches mt JOIN cases c ON c.id = mt.case_id
			WHERE c.program_id IN (` + programs + `) AND mt.started_at < $2 AND (mt.ended_at IS NULL OR mt.ended_at > $1)
		UNION ALL
		SELECT 'training_mentors', COUNT(DISTINCT tc.mentor_id) FROM training_completions tc
			JOIN training_modules tm ON tm.id = tc.module_id
			WHERE tm.program_id IN (` + programs + `) AND tc.status = 'confirmed' AND tc.confirmed_at >= $1 AND tc.confirmed_at < $2
		UNION ALL
		SELECT 'trained', COUNT(*) FROM (
			SELECT m.id, m.program_id, MAX(tc.confirmed_at) AS done, COUNT(*) AS n
			FROM mentors m JOIN training_completions tc ON tc.mentor_id = m.id
				JOIN training_modules tm ON tm.id = tc.module_id AND tm.program_id = m.program_id
			WHERE ` + in + ` AND tc.status = 'confirmed' AND tm.required AND NOT tm.archived
			GROUP BY m.id, m.program_id) x
			WHERE x.done >= $1 AND x.done < $2 AND x.n = (SELECT COUNT(*) FROM training_modules t2
				WHERE t2.program_id = x.program_id AND t2.required AND NOT t2.archived)`
	err := r.rows(ctx, "mentors", q, args, func(rows *sql.Rows) error {
		var what string
		var n int
		if err := rows.Scan(&what, &n); err != nil {
			return err
		}
		switch what {
		case "applied":
			f.Mentors.Applied = n
		case "accepted":
			f.Mentors.Accepted = n
		case "retired":
			f.Mentors.Retired = n
		case "active":
			f.Mentors.Active = n
		case "trained":
			f.Mentors.Trained = n
		case "training_mentors":
			f.TrainingMentors = n
		}
		return nil
	})
	if err != nil {
		return err
	}
	f.TrainingHours, err = r.s.trainingHours(ctx, r.tx, r.q.ProgramIDs, r.q.Start(), r.q.End())
	return err
}

// refFeedbackColumns are the feedback's rated questions as columns, in the
// order of report.FeedbackQuestions; a constant list, since the statement
// names them.
var refFeedbackColumns = [...]string{"support", "mentor", "plan", "recommend"}

// feedback counts the ratings given in the period, by question and
// rating, and the people who declined to give feedback.
func (r *refQuery) feedback(ctx context.Context, f *report.Facts) error {
	args, programs := r.args()
	f.Feedback = make([][]int, len(refFeedbackColumns))
	from := ` FROM feedback fb JOIN cases c ON c.id = fb.case_id
		WHERE c.program_id IN (` + programs + `) AND fb.recorded_at >= $1 AND fb.recorded_at < $2`
	var parts []string
	for i, question := range refFeedbackColumns {
		f.Feedback[i] = make([]int, 5)
		parts = append(parts, `SELECT `+itoa(i)+`, fb.`+question+`, COUNT(*)`+from+
			` AND NOT fb.declined AND fb.`+question+` BETWEEN 1 AND 5 GROUP BY fb.`+question)
	}
	parts = append(parts, `SELECT -1, 0, COUNT(*)`+from+` AND fb.declined`)
	return r.rows(ctx, "feedback", strings.Join(parts, "\n\t\tUNION ALL\n\t\t"), args, func(rows *sql.Rows) error {
		var question, rating, n int
		if err := rows.Scan(&question, &rating, &n); err != nil {
			return err
		}
		switch {
		case question == -1:
			f.FeedbackDeclined = n
		case question < len(f.Feedback) && rating >= 1 && rating <= 5:
			f.Feedback[question][rating-1] = n
		}
		return nil
	})
}

// custody counts, in programs with a custody phase, the open cases in
// custody and after release at the period's end, the people released in
// the period, and the people at each facility while their case was open
// and they were not yet released.
func (r *refQuery) custody(ctx context.Context, f *report.Facts) error {
	args, programs := r.args()
	q := `WITH ` + r.stretches(programs) + `,
		open_at_end AS (SELECT DISTINCT case_id FROM stretch
			WHERE to_state <> 'closed' AND at < $2 AND (until IS NULL OR until >= $2)),
		open_in AS (SELECT DISTINCT case_id FROM stretch
			WHERE to_state <> 'closed' AND at < $2 AND (until IS NULL OR until > $1))
		SELECT 'phase', 0, '', COALESCE(SUM(CASE WHEN c.released_on IS NULL OR c.released_on >= $2 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN c.released_on < $2 THEN 1 ELSE 0 END), 0)
			FROM cases c JOIN programs p ON p.id = c.program_id
			WHERE c.id IN (SELECT case_id FROM open_at_end) AND p.custody_enabled AND c.custody_phase <> ''
		UNION ALL
		SELECT 'released', 0, '', COUNT(DISTINCT c.mentee_id), 0
			FROM cases c JOIN programs p ON p.id = c.program_id
			WHERE c.program_id IN (` + programs + `) AND p.custody_enabled AND c.released_on >= $1 AND c.released_on < $2
		UNION ALL
		SELECT 'facility', fa.id, fa.name, COUNT(DISTINCT c.mentee_id), 0
			FROM cases c JOIN facilities fa ON fa.id = c.facility_id
			WHERE c.program_id IN (` + programs + `) AND c.id IN (SELECT case_id FROM open_in)
				AND (c.released_on IS NULL OR c.released_on >= $1)
			GROUP BY fa.id, fa.name`
	err := r.rows(ctx, "custody", q, args, func(rows *sql.Rows) error {
		var what, name string
		var id int64
		var a, b int
		if err := rows.Scan(&what, &id, &name, &a, &b); err != nil {
			return err
		}
		switch what {
		case "phase":
			f.InCustody, f.AfterRelease = a, b
		case "released":
			f.Released = a
		case "facility":
			f.Facilities = append(f.Facilities, report.FacilityCount{ID: id, Name: name, People: a})
		}
		return nil
	})
	slices.SortFunc(f.Facilities, func(x, y report.FacilityCount) int {
		return cmp.Or(strings.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)), cmp.Compare(x.ID, y.ID))
	})
	return err
}
