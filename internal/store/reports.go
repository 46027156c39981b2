package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"homeward/internal/cases"
	"homeward/internal/report"
)

// OutcomeFacts counts the facts of an outcomes report (report.Facts) from
// what happened in the query's period: the transitions, matches, contacts,
// requests, referral events, outcomes, follow-ups, feedback and mentors'
// records of the query's programs. Every figure is an SQL aggregate; Go
// only adds up a few grouped rows. The statements run in one read-only
// transaction, so the figures agree with each other. The caller has
// checked that the user may see reports of every program of the query.
//
// The statements are shaped for 100,000 cases and a million contacts: each
// reads its rows once along an index (0018_report_indexes.sql), no window
// runs over a whole table, and when the query covers every program no row
// is looked up in the cases just to check its program. SQLite, which has
// no hash aggregation, then counts the states month by month along an
// index rather than grouping every transition by its month.
func (s *Store) OutcomeFacts(ctx context.Context, q report.Query) (report.Facts, error) {
	return s.outcomeFacts(ctx, q, false, false)
}

// outcomeFacts is OutcomeFacts; filtered makes every statement filter by
// program even when the query covers every program, and live counts every
// row even when the months are rolled up (for tests that the ways agree).
func (s *Store) outcomeFacts(ctx context.Context, q report.Query, filtered, live bool) (report.Facts, error) {
	f, _, err := s.outcomeFactsFrom(ctx, q, filtered, live)
	return f, err
}

// outcomeFactsFrom is outcomeFacts, and whether the facts came from the
// rolled-up months.
func (s *Store) outcomeFactsFrom(ctx context.Context, q report.Query, filtered, live bool) (report.Facts, bool, error) {
	var f report.Facts
	if err := q.Validate(); err != nil {
		return f, false, err
	}
	tx, err := s.beginReport(ctx)
	if err != nil {
		return f, false, err
	}
	defer func() { _ = tx.Rollback() }()
	r := &reportQuery{s: s, tx: tx, q: q}
	if err := r.coverage(ctx); err != nil {
		return f, false, err
	}
	r.every = r.every && !filtered
	steps := []func(context.Context, *report.Facts) error{
		r.transitions, r.people, r.spreads, r.contacts, r.requests, r.referrals, r.outcomes,
		r.followUps, r.mentors, r.feedback, r.custody, r.facilities,
	}
	rolled := false
	if !filtered && !live {
		// Whole months that ended come from the rollup, but for the
		// requests (two ranges of an index) and the facilities (which do
		// not add up by month).
		var err error
		rolled, err = r.fromMonths(ctx, &f)
		if err != nil {
			return report.Facts{}, false, err
		}
		if rolled {
			steps = []func(context.Context, *report.Facts) error{r.requests, r.facilities}
		}
	}
	for _, step := range steps {
		if err := step(ctx, &f); err != nil {
			return report.Facts{}, false, err
		}
	}
	return f, rolled, nil
}

// beginReport begins the read-only transaction a report's statements (or
// the report months' count) run in, so that they agree with each other:
// one snapshot on either engine.
func (s *Store) beginReport(ctx context.Context) (*sql.Tx, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.read.BeginTx(ctx, opts)
	if err != nil {
		return nil, s.wrap(err, "begin report")
	}
	if s.engine == Postgres {
		// Each statement runs once over at most a few hundred thousand
		// rows: compiling it (JIT, which the planner's estimates for a
		// large history turn on) takes longer than running it.
		if _, err := tx.ExecContext(ctx, `SET LOCAL jit = off`); err != nil {
			_ = tx.Rollback()
			return nil, s.wrap(err, "report settings")
		}
	}
	return tx, nil
}

// reportQuery runs the statements of one report. Every statement takes the
// period's start as $1, its end (exclusive) as $2 and, unless the query
// covers every program, the programs as $3…; further arguments follow.
type reportQuery struct {
	s  *Store
	tx *sql.Tx
	q  report.Query
	// every: the query covers every program, so every case is in it and
	// no statement filters by program.
	every bool
	// programs are the placeholders of the programs, for "IN (…)".
	programs string
}

// coverage finds out whether the query covers every program.
func (r *reportQuery) coverage(ctx context.Context) error {
	var args []any
	ph := make([]string, len(r.q.ProgramIDs))
	for i, id := range r.q.ProgramIDs {
		args = append(args, id)
		ph[i] = "$" + itoa(i+1)
	}
	var others int
	err := r.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM programs WHERE id NOT IN (`+strings.Join(ph, ", ")+`)`, args...).Scan(&others)
	r.every = others == 0
	for i := range ph {
		ph[i] = "$" + itoa(i+3)
	}
	r.programs = strings.Join(ph, ", ")
	return r.s.wrap(err, "report programs")
}

// args are the arguments of a statement: the period's start and end, the
// programs unless the query covers every program, then more.
func (r *reportQuery) args(more ...any) []any {
	args := []any{r.s.ts(r.q.Start()), r.s.ts(r.q.End())}
	if !r.every {
		for _, id := range r.q.ProgramIDs {
			args = append(args, id)
		}
	}
	return append(args, more...)
}

// inPrograms is the condition that col, a program's id, is one of the
// query's programs: TRUE when the query covers every program.
func (r *reportQuery) inPrograms(col string) string {
	if r.every {
		return "TRUE"
	}
	return col + " IN (" + r.programs + ")"
}

// from is the FROM of a statement over table (as x, with a case_id): the
// table itself when the query covers every program, else its rows of the
// programs' cases (join).
func (r *reportQuery) from(table, x string) string {
	if r.every {
		return table + " " + x
	}
	return r.join(table, x, x+"_case")
}

// join is a FROM of table (as x) with each row's case (as c), of the
// query's programs. Over every program the rows come first, along the
// statement's index on table, each then looked up in the cases; otherwise
// the programs' cases come first, each then looked up in table by its
// index on case_id. On SQLite a CROSS JOIN keeps that order, which its
// planner, estimating a period's rows blind, would not always take.
func (r *reportQuery) join(table, x, c string) string {
	join := " JOIN "
	if r.s.engine == SQLite {
		join = " CROSS JOIN "
	}
	if r.every {
		return table + " " + x + join + "cases " + c + " ON " + c + ".id = " + x + ".case_id"
	}
	return "cases " + c + join + table + " " + x + " ON " + x + ".case_id = " + c + ".id AND " + r.inPrograms(c+".program_id")
}

// time is placeholder n as a time: PostgreSQL is told its type where it
// could not infer it (in VALUES and arithmetic).
func (r *reportQuery) time(n int) string {
	if r.s.engine == Postgres {
		return "CAST($" + itoa(n) + " AS TIMESTAMPTZ)"
	}
	return "$" + itoa(n)
}

// sqliteMonth is the calendar month of a time column of SQLite (UTC text)
// as year×12 + month − 1.
func sqliteMonth(col string) string {
	return "(CAST(substr(" + col + ", 1, 4) AS INTEGER) * 12 + CAST(substr(" + col + ", 6, 2) AS INTEGER) - 1)"
}

// days is the whole calendar days (UTC) from time b to time a.
func (r *reportQuery) days(a, b string) string { return daysOf(r.s.engine, a, b) }

// daysOf is days for an engine.
func daysOf(engine Engine, a, b string) string {
	if engine == Postgres {
		return "((" + a + " AT TIME ZONE 'UTC')::DATE - (" + b + " AT TIME ZONE 'UTC')::DATE)"
	}
	return "CAST(julianday(substr(" + a + ", 1, 10)) - julianday(substr(" + b + ", 1, 10)) AS INTEGER)"
}

// span is the days, with their fraction, from time b to time a.
func (r *reportQuery) span(a, b string) string { return spanOf(r.s.engine, a, b) }

// spanOf is span for an engine.
func spanOf(engine Engine, a, b string) string {
	if engine == Postgres {
		return "CAST(EXTRACT(EPOCH FROM (" + a + " - " + b + ")) / 86400.0 AS DOUBLE PRECISION)"
	}
	return "(julianday(" + a + ") - julianday(" + b + "))"
}

// rows runs a statement and hands each row to scan.
func (r *reportQuery) rows(ctx context.Context, what, query string, args []any, scan func(*sql.Rows) error) error {
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

// groupStates are the states of each of report.StateGroups.
var groupStates = [][]cases.State{
	{cases.Referred, cases.Intake},
	{cases.Waiting},
	{cases.Matched, cases.Active, cases.Closing},
}

// inStates is "col IN (…)" of states.
func inStates(col string, states []cases.State) string {
	q := make([]string, len(states))
	for i, st := range states {
		q[i] = "'" + string(st) + "'"
	}
	return col + " IN (" + strings.Join(q, ", ") + ")"
}

// A case moves from state to state by its transitions, each recording the
// state it left (from_state, '' for the first) and the state it went to; the
// case is in a transition's to_state from its at until the next transition.
// So the next transition's from_state is this one's to_state, and a case is
// in a state group at an instant when its transitions before that instant
// entered the group once more than they left it. Counting the transitions
// that entered and left each group, month by month, gives the cases in
// each group at every month's end without pairing each transition with the
// next (a window over every transition of the programs).
//
// The months are counted in buckets: 0 holds the transitions up to the
// period's start (at ≤ start), i+1 those in month i of the query's Months
// after the start.

// buckets are the bounds of the buckets: bucket i holds the times from
// bounds[i] to bounds[i+1], the first one included. The instant after the
// period's start is the start plus the microsecond times are stored to.
func (r *reportQuery) buckets() []time.Time {
	bounds := []time.Time{{}, r.q.Start().Add(time.Microsecond)}
	bounds = append(bounds, r.q.Months()[1:]...)
	return append(bounds, r.q.End())
}

// bucket is the bucket of time column col (before the period's end):
// PostgreSQL finds its month among the months' starts (added to args),
// SQLite takes it from col's text.
func (r *reportQuery) bucket(col string, args *[]any) string {
	months := r.q.Months()
	if r.s.engine == Postgres {
		*args = append(*args, months[1:])
		return "(CASE WHEN " + col + " <= $1 THEN 0 ELSE width_bucket(" + col + ", CAST($" + itoa(len(*args)) + " AS TIMESTAMPTZ[])) + 1 END)"
	}
	first := months[0].Year()*12 + int(months[0].Month()) - 1
	return "(CASE WHEN " + col + " <= $1 THEN 0 ELSE " + sqliteMonth(col) + " - " + itoa(first-1) + " END)"
}

// transitions counts the cases in each state group at every month's end,
// and the cases supported in the period with the days they were.
//
// A stretch of support counts from its start (or the period's start) to
// its end (or the period's end); summed over the transitions before the
// period's end, that is the days to the period's end from every transition
// into support less those from every transition out of it. A case was
// supported in the period when it was just after the period's start (its
// transitions until then entered support once more than they left it) or
// came into support (from outside it) within the period, less those that
// came in again: a case that left support within the period and came back
// counts once.
func (r *reportQuery) transitions(ctx context.Context, f *report.Facts) error {
	months := r.q.Months()
	f.States = make([][]int, len(months))
	for i := range f.States {
		f.States[i] = make([]int, len(report.StateGroups))
	}
	// Each row: the bucket, then for each state group the transitions into
	// it and out of it, then those into support from outside it.
	var counts []string
	for _, states := range groupStates {
		counts = append(counts, inStates("t.to_state", states), inStates("t.from_state", states))
	}
	support := len(groupStates) - 1
	toSupport, fromSupport := counts[2*support], counts[2*support+1]
	counts = append(counts, toSupport+" AND NOT "+fromSupport)
	var q string
	var args []any
	if r.every {
		q, args = r.countsByBucket(counts)
	} else {
		args = r.args()
		sums := make([]string, len(counts))
		for i, c := range counts {
			sums[i] = "SUM(CASE WHEN " + c + " THEN 1 ELSE 0 END)"
		}
		q = `SELECT ` + r.bucket("t.at", &args) + `, ` + strings.Join(sums, ", ") + `
			FROM ` + r.from("case_transitions", "t") + `
			WHERE t.at < $2 GROUP BY 1`
	}
	// moved[b][g] is the transitions into group g less those out of it in
	// bucket b; into and outOf count those of support before the period.
	moved := make([][]int, len(months)+1)
	for b := range moved {
		moved[b] = make([]int, len(report.StateGroups))
	}
	var into, outOf, cameIn int
	err := r.rows(ctx, "transitions", q, args, func(rows *sql.Rows) error {
		var b int
		n := make([]int, len(counts))
		dest := []any{&b}
		for i := range n {
			dest = append(dest, &n[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		b = min(max(b, 0), len(months))
		for g := range groupStates {
			moved[b][g] += n[2*g] - n[2*g+1]
		}
		if b == 0 {
			into, outOf = n[2*support], n[2*support+1]
		} else {
			cameIn += n[len(n)-1]
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The count at the end of month i: the moves up to the period's start
	// and in the months up to i (month i ends at the first instant of the
	// next month, or the period's end, so everything counted in it lies
	// before).
	for g := range groupStates {
		open := moved[0][g]
		for i := range months {
			open += moved[i+1][g]
			f.States[i][g] = open
		}
	}

	// Within the period: the days to its end from the transitions into
	// support and out of it (those within support cancel out), and the
	// cases that came into support again after leaving it.
	toEnd := r.span(r.time(2), "t.at")
	cameBack := strings.ReplaceAll(counts[len(counts)-1], "t.", "u.")
	q = `SELECT COALESCE(SUM(` + toEnd + `), 0.0), 0 FROM ` + r.from("case_transitions", "t") + `
			WHERE ` + toSupport + ` AND NOT ` + fromSupport + ` AND t.at > $1 AND t.at < $2
		UNION ALL
		SELECT -COALESCE(SUM(` + toEnd + `), 0.0), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM case_transitions u
				WHERE u.case_id = t.case_id AND u.id > t.id AND u.at < $2 AND ` + cameBack + `) THEN 1 ELSE 0 END), 0)
			FROM ` + r.from("case_transitions", "t") + `
			WHERE ` + fromSupport + ` AND NOT ` + toSupport + ` AND t.at > $1 AND t.at < $2`
	f.SupportedDays = float64(into-outOf) * float64(r.q.Days())
	var again int
	err = r.rows(ctx, "support", q, r.args(), func(rows *sql.Rows) error {
		var days float64
		var n int
		if err := rows.Scan(&days, &n); err != nil {
			return err
		}
		f.SupportedDays += days
		again += n
		return nil
	})
	f.SupportedCases = into - outOf + cameIn - again
	return err
}

// countsByBucket is the statement of transitions over every program: a
// row per bucket, each count a range of an index on (to_state, at) or
// (from_state, at), where grouping every transition by its month would
// cost SQLite a sort of them all.
func (r *reportQuery) countsByBucket(counts []string) (string, []any) {
	var args []any
	bounds := r.buckets()
	values := make([]string, len(bounds)-1)
	for i := range values {
		args = append(args, r.s.ts(bounds[i]), r.s.ts(bounds[i+1]))
		values[i] = "(" + itoa(i) + ", " + r.time(len(args)-1) + ", " + r.time(len(args)) + ")"
	}
	subs := make([]string, len(counts))
	for i, c := range counts {
		subs[i] = `(SELECT COUNT(*) FROM case_transitions t WHERE ` + c + ` AND t.at >= m.lo AND t.at < m.hi)`
	}
	return `WITH m(bucket, lo, hi) AS (VALUES ` + strings.Join(values, ", ") + `)
		SELECT m.bucket, ` + strings.Join(subs, ",\n\t\t\t") + ` FROM m`, args
}

// people counts the people who entered (a period of their case opened)
// and who completed in the period, each in the month they first did, and
// the people whose case closed in the period by reason.
func (r *reportQuery) people(ctx context.Context, f *report.Facts) error {
	args := r.args()
	months := r.q.Months()
	f.Openings = make([]int, len(months))
	f.Completions = make([]int, len(months))
	f.Closed = make([]int, len(cases.ClosureReasons))
	opened := r.bucket("x.first", &args)
	completed := r.bucket("first", &args)
	q := `WITH closing AS (
			SELECT t.closure_reason AS reason, c.mentee_id, MIN(t.at) AS first
			FROM ` + r.join("case_transitions", "t", "c") + `
			WHERE t.to_state = 'closed' AND t.at >= $1 AND t.at < $2
			GROUP BY t.closure_reason, c.mentee_id)
		SELECT 'opened', ` + opened + `, COUNT(*) FROM (
			SELECT c.mentee_id, MIN(t.at) AS first FROM ` + r.join("case_transitions", "t", "c") + `
			WHERE t.from_state IN ('', 'closed') AND t.at >= $1 AND t.at < $2
			GROUP BY c.mentee_id) x GROUP BY 2
		UNION ALL
		SELECT 'completed', ` + completed + `, COUNT(*) FROM closing WHERE reason = 'completed' GROUP BY 2
		UNION ALL
		SELECT 'closed:' || reason, 0, COUNT(*) FROM closing GROUP BY reason`
	return r.rows(ctx, "people", q, args, func(rows *sql.Rows) error {
		var what string
		var b, n int
		if err := rows.Scan(&what, &b, &n); err != nil {
			return err
		}
		// At the period's start exactly is bucket 0, but in month 0.
		i := min(max(b-1, 0), len(months)-1)
		switch {
		case what == "opened":
			f.Openings[i] += n
			f.Entered += n // each person once, in their first month
		case what == "completed":
			f.Completions[i] += n
		case strings.HasPrefix(what, "closed:"):
			for j, reason := range cases.ClosureReasons {
				if what == "closed:"+string(reason) {
					f.Closed[j] = n
				}
			}
		}
		return nil
	})
}

// spreads counts the days from a period's opening to its first match (for
// matches made in the period) and from the first match to the closing
// (for closings in the period): how many, the median and the 75th
// percentile by nearest rank, ranked in SQL over the days' counts. A
// match without an opening, or a closing without a match, counts no days
// (a NULL, whose count adds nothing).
func (r *reportQuery) spreads(ctx context.Context, f *report.Facts) error {
	args := r.args()
	q := `WITH first_match AS (
			SELECT m.case_id, m.period, MIN(m.started_at) AS at FROM ` + r.from("matches", "m") + `
			GROUP BY m.case_id, m.period),
		spread AS (
			SELECT 'entry_to_match' AS what, ` + r.days("fm.at", `(SELECT MIN(t.at) FROM case_transitions t
				WHERE t.case_id = fm.case_id AND t.period = fm.period AND t.from_state IN ('', 'closed'))`) + ` AS days
			FROM first_match fm WHERE fm.at >= $1 AND fm.at < $2
			UNION ALL
			SELECT 'match_to_close', ` + r.days("t.at", `(SELECT MIN(m.started_at) FROM matches m
				WHERE m.case_id = t.case_id AND m.period = t.period)`) + `
			FROM ` + r.from("case_transitions", "t") + `
			WHERE t.to_state = 'closed' AND t.at >= $1 AND t.at < $2),
		counted AS (
			SELECT what, days, CASE WHEN days IS NULL THEN 0 ELSE COUNT(*) END AS n FROM spread GROUP BY what, days),
		ranked AS (
			SELECT what, days, CAST(SUM(n) OVER (PARTITION BY what ORDER BY days) AS BIGINT) AS upto,
				CAST(SUM(n) OVER (PARTITION BY what) AS BIGINT) AS total
			FROM counted)
		SELECT what, MAX(total), COALESCE(MIN(CASE WHEN days IS NOT NULL AND upto >= (total + 1) / 2 THEN days END), 0),
			COALESCE(MIN(CASE WHEN days IS NOT NULL AND upto >= (3 * total + 3) / 4 THEN days END), 0)
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
// where none were (only those contacts are looked up with their case, or
// on SQLite counted case by case).
//
// Over every program SQLite, which would sort the contacts to group them,
// finds the channels present by a seek each (a loose scan of the index on
// (channel, at, minutes)) and counts each one's contacts and minutes along
// its range of that index.
func (r *reportQuery) contacts(ctx context.Context, f *report.Facts) error {
	args := r.args()
	f.Contacts = make([]int, len(cases.Channels))
	minutes := `COALESCE(SUM(CASE WHEN ct.minutes > 0 THEN ct.minutes ELSE 0 END), 0)`
	var q string
	if r.every && r.s.engine == SQLite {
		q = `WITH RECURSIVE channel(name) AS (
				SELECT MIN(channel) FROM contacts
				UNION ALL
				SELECT (SELECT MIN(ct.channel) FROM contacts ct WHERE ct.channel > channel.name) FROM channel
				WHERE channel.name IS NOT NULL)
			SELECT channel.name,
				(SELECT COUNT(*) FROM contacts ct WHERE ct.channel = channel.name AND ct.at >= $1 AND ct.at < $2),
				(SELECT ` + minutes + ` FROM contacts ct WHERE ct.channel = channel.name AND ct.at >= $1 AND ct.at < $2), 0.0
			FROM channel WHERE channel.name IS NOT NULL`
	} else {
		q = `SELECT ct.channel, COUNT(*), ` + minutes + `, 0.0
			FROM ` + r.from("contacts", "ct") + `
			WHERE ct.at >= $1 AND ct.at < $2
			GROUP BY ct.channel`
	}
	if r.s.engine == SQLite {
		// Each case of the programs counts its contacts without minutes
		// along their own index: a seek a case, in the order of the cases,
		// costs SQLite less than looking up the case of every contact.
		q += `
		UNION ALL
		SELECT '', 0, 0, COALESCE(SUM(p.hours_per_contact * (SELECT COUNT(*) FROM contacts ct INDEXED BY contacts_unrecorded_case
				WHERE ct.case_id = c.id AND ct.minutes <= 0 AND ct.at >= $1 AND ct.at < $2)), 0.0)
			FROM programs p CROSS JOIN cases c ON c.program_id = p.id
			WHERE ` + r.inPrograms("p.id")
	} else {
		q += `
		UNION ALL
		SELECT '', 0, 0, COALESCE(SUM(p.hours_per_contact), 0.0)
			FROM ` + r.join("contacts", "ct", "c") + ` JOIN programs p ON p.id = c.program_id
			WHERE ct.minutes <= 0 AND ct.at >= $1 AND ct.at < $2`
	}
	return r.rows(ctx, "contacts", q, args, func(rows *sql.Rows) error {
		var ch string
		var n, minutes int
		var hours float64
		if err := rows.Scan(&ch, &n, &minutes, &hours); err != nil {
			return err
		}
		for j, c := range cases.Channels {
			if string(c) == ch {
				f.Contacts[j] = n
			}
		}
		f.ContactHours += float64(minutes)/60 + hours
		return nil
	})
}

// requests counts the requests raised in the period and in the period of
// the same length before it: over every program two ranges of the index on
// created_at, otherwise the requests of the programs' cases.
func (r *reportQuery) requests(ctx context.Context, f *report.Facts) error {
	args := r.args(r.s.ts(r.q.Previous().Start()))
	before := "$" + itoa(len(args))
	q := `SELECT COALESCE(SUM(CASE WHEN rq.created_at >= $1 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN rq.created_at < $1 THEN 1 ELSE 0 END), 0)
		FROM ` + r.from("requests", "rq") + `
		WHERE rq.created_at >= ` + before + ` AND rq.created_at < $2`
	if r.every {
		q = `SELECT (SELECT COUNT(*) FROM requests rq WHERE rq.created_at >= $1 AND rq.created_at < $2),
			(SELECT COUNT(*) FROM requests rq WHERE rq.created_at >= ` + before + ` AND rq.created_at < $1)`
	}
	return r.rows(ctx, "requests", q, args, func(rows *sql.Rows) error {
		return rows.Scan(&f.Requests, &f.RequestsBefore)
	})
}

// referrals counts the referrals sent in the period by need domain and
// partner, and those that got help by the period's end (by the referral's
// events, so that a later answer does not change a past period).
func (r *reportQuery) referrals(ctx context.Context, f *report.Facts) error {
	args := r.args()
	q := `SELECT r.domain, r.partner_id, pa.name, COUNT(*),
			COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM referral_events e
				WHERE e.referral_id = r.id AND e.status = 'got_help' AND e.at < $2) THEN 1 ELSE 0 END), 0)
		FROM referrals r JOIN partners pa ON pa.id = r.partner_id
		WHERE r.sent_at >= $1 AND r.sent_at < $2 AND ` + r.inPrograms("r.program_id") + `
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
func (r *reportQuery) outcomes(ctx context.Context, f *report.Facts) error {
	args := r.args()
	q := `SELECT o.kind, COUNT(DISTINCT c.mentee_id),
			COUNT(DISTINCT CASE WHEN o.after_release THEN c.mentee_id END)
		FROM ` + r.join("outcomes", "o", "c") + `
		WHERE o.occurred_on >= $1 AND o.occurred_on < $2
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
func (r *reportQuery) followUps(ctx context.Context, f *report.Facts) error {
	args := r.args()
	q := `SELECT fu.months, COUNT(*),
			COALESCE(SUM(CASE WHEN fu.work_kept = 'yes' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN fu.housing = 'yes' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN fu.rearrested = 'yes' THEN 1 ELSE 0 END), 0)
		FROM ` + r.from("follow_ups", "fu") + `
		WHERE fu.done_at >= $1 AND fu.done_at < $2
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
func (r *reportQuery) mentors(ctx context.Context, f *report.Facts) error {
	args := r.args()
	in := r.inPrograms("m.program_id")
	q := `SELECT 'records',
			COALESCE(SUM(CASE WHEN m.origin = 'application' AND m.created_at >= $1 AND m.created_at < $2 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN m.accepted_at >= $1 AND m.accepted_at < $2 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN m.retired_at >= $1 AND m.retired_at < $2 THEN 1 ELSE 0 END), 0)
			FROM mentors m WHERE ` + in + `
		UNION ALL
		SELECT 'active', COUNT(DISTINCT mt.mentor_id), 0, 0 FROM ` + r.from("matches", "mt") + `
			WHERE mt.started_at < $2 AND (mt.ended_at IS NULL OR mt.ended_at > $1)
		UNION ALL
		SELECT 'training_mentors', COUNT(DISTINCT tc.mentor_id), 0, 0 FROM training_completions tc
			JOIN training_modules tm ON tm.id = tc.module_id
			WHERE ` + r.inPrograms("tm.program_id") + ` AND tc.status = 'confirmed' AND tc.confirmed_at >= $1 AND tc.confirmed_at < $2
		UNION ALL
		SELECT 'trained', COUNT(*), 0, 0 FROM (
			SELECT m.id, m.program_id, MAX(tc.confirmed_at) AS done, COUNT(*) AS n
			FROM mentors m JOIN training_completions tc ON tc.mentor_id = m.id
				JOIN training_modules tm ON tm.id = tc.module_id AND tm.program_id = m.program_id
			WHERE ` + in + ` AND tc.status = 'confirmed' AND tm.required AND NOT tm.archived
			GROUP BY m.id, m.program_id) x
			JOIN (SELECT t2.program_id, COUNT(*) AS n FROM training_modules t2 WHERE t2.required AND NOT t2.archived
				GROUP BY t2.program_id) req ON req.program_id = x.program_id AND req.n = x.n
			WHERE x.done >= $1 AND x.done < $2`
	err := r.rows(ctx, "mentors", q, args, func(rows *sql.Rows) error {
		var what string
		var a, b, c int
		if err := rows.Scan(&what, &a, &b, &c); err != nil {
			return err
		}
		switch what {
		case "records":
			f.Mentors.Applied, f.Mentors.Accepted, f.Mentors.Retired = a, b, c
		case "active":
			f.Mentors.Active = a
		case "trained":
			f.Mentors.Trained = a
		case "training_mentors":
			f.TrainingMentors = a
		}
		return nil
	})
	if err != nil {
		return err
	}
	f.TrainingHours, err = r.s.trainingHours(ctx, r.tx, r.q.ProgramIDs, r.q.Start(), r.q.End())
	return err
}

// feedbackColumns are the feedback's rated questions as columns, in the
// order of report.FeedbackQuestions; a constant list, since the statement
// names them.
var feedbackColumns = [...]string{"support", "mentor", "plan", "recommend"}

// feedback counts the ratings given in the period, by question and
// rating, and the people who declined to give feedback: the feedback is
// grouped by its ratings in SQL, and the groups added up per question.
func (r *reportQuery) feedback(ctx context.Context, f *report.Facts) error {
	args := r.args()
	f.Feedback = make([][]int, len(feedbackColumns))
	ratings := make([]string, len(feedbackColumns))
	for i, question := range feedbackColumns {
		f.Feedback[i] = make([]int, 5)
		ratings[i] = "fb." + question
	}
	q := `SELECT CASE WHEN fb.declined THEN 1 ELSE 0 END, ` + strings.Join(ratings, ", ") + `, COUNT(*)
		FROM ` + r.from("feedback", "fb") + `
		WHERE fb.recorded_at >= $1 AND fb.recorded_at < $2
		GROUP BY 1, ` + strings.Join(ratings, ", ")
	return r.rows(ctx, "feedback", q, args, func(rows *sql.Rows) error {
		var declined, n int
		rating := make([]int, len(feedbackColumns))
		dest := []any{&declined}
		for i := range rating {
			dest = append(dest, &rating[i])
		}
		if err := rows.Scan(append(dest, &n)...); err != nil {
			return err
		}
		if declined == 1 {
			f.FeedbackDeclined += n
			return nil
		}
		for i, v := range rating {
			if v >= 1 && v <= 5 {
				f.Feedback[i][v-1] += n
			}
		}
		return nil
	})
}

// custody counts, in programs with a custody phase, the open cases in
// custody and after release at the period's end, and the people released
// in the period. A case is open at the period's end when the last of its
// transitions before the end went to a state other than closed; only the
// cases in custody are looked up.
func (r *reportQuery) custody(ctx context.Context, f *report.Facts) error {
	args := r.args()
	q := `SELECT 'phase', COALESCE(SUM(CASE WHEN c.released_on IS NULL OR c.released_on >= $2 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN c.released_on < $2 THEN 1 ELSE 0 END), 0)
			FROM programs p JOIN cases c ON c.program_id = p.id
			WHERE ` + r.inPrograms("p.id") + ` AND p.custody_enabled AND c.custody_phase <> ''
				AND (SELECT t.to_state FROM case_transitions t WHERE t.case_id = c.id AND t.at < $2
					ORDER BY t.id DESC LIMIT 1) <> 'closed'
		UNION ALL
		SELECT 'released', COUNT(DISTINCT c.mentee_id), 0
			FROM cases c JOIN programs p ON p.id = c.program_id
			WHERE ` + r.inPrograms("c.program_id") + ` AND p.custody_enabled AND c.released_on >= $1 AND c.released_on < $2`
	return r.rows(ctx, "custody", q, args, func(rows *sql.Rows) error {
		var what string
		var a, b int
		if err := rows.Scan(&what, &a, &b); err != nil {
			return err
		}
		switch what {
		case "phase":
			f.InCustody, f.AfterRelease = a, b
		case "released":
			f.Released = a
		}
		return nil
	})
}

// facilities counts the people at each facility while their case was open
// in the period and they were not yet released: a case is open in the
// period when it was open just after the period's start or went to a
// state other than closed within the period. Only the cases at a facility
// are looked up (the CASE keeps the planner from looking up the others
// first).
func (r *reportQuery) facilities(ctx context.Context, f *report.Facts) error {
	q := `SELECT fa.id, fa.name, COUNT(DISTINCT c.mentee_id)
			FROM facilities fa JOIN cases c ON c.facility_id = fa.id
			WHERE c.facility_id IS NOT NULL AND ` + r.inPrograms("c.program_id") + ` AND (c.released_on IS NULL OR c.released_on >= $1)
				AND CASE WHEN c.facility_id IS NULL THEN FALSE
					ELSE (SELECT t.to_state FROM case_transitions t WHERE t.case_id = c.id AND t.at <= $1
							ORDER BY t.id DESC LIMIT 1) <> 'closed'
						OR EXISTS (SELECT 1 FROM case_transitions t WHERE t.case_id = c.id AND t.at > $1 AND t.at < $2
							AND t.to_state <> 'closed') END
			GROUP BY fa.id, fa.name`
	err := r.rows(ctx, "facilities", q, r.args(), func(rows *sql.Rows) error {
		var c report.FacilityCount
		if err := rows.Scan(&c.ID, &c.Name, &c.People); err != nil {
			return err
		}
		f.Facilities = append(f.Facilities, c)
		return nil
	})
	slices.SortFunc(f.Facilities, func(x, y report.FacilityCount) int {
		return cmp.Or(strings.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)), cmp.Compare(x.ID, y.ID))
	})
	return err
}

// ReportStart is the first day a report of the programs can count: the
// earliest of their creation and of their cases' (a program's cases may
// have been entered with their history from before it was set up here).
func (s *Store) ReportStart(ctx context.Context, programIDs []int64) (time.Time, error) {
	if len(programIDs) == 0 {
		return s.now(), nil
	}
	ph := make([]string, len(programIDs))
	args := make([]any, len(programIDs))
	for i, id := range programIDs {
		ph[i], args[i] = "$"+itoa(i+1), id
	}
	in := strings.Join(ph, ", ")
	var raw any // SQLite's MIN gives the stored text, PostgreSQL's a time
	err := s.read.QueryRowContext(ctx, `SELECT MIN(at) FROM (
		SELECT MIN(created_at) AS at FROM programs WHERE id IN (`+in+`)
		UNION ALL SELECT MIN(created_at) FROM cases WHERE program_id IN (`+in+`)) x`, args...).Scan(&raw)
	if err != nil {
		return time.Time{}, s.wrap(err, "report start")
	}
	switch v := raw.(type) {
	case time.Time:
		return v.UTC(), nil
	case string:
		if t, err := time.Parse(sqliteTime, v); err == nil {
			return t.UTC(), nil
		}
	}
	return s.now(), nil // no program: nothing to count before today
}
