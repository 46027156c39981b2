package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"homeward/internal/cases"
	"homeward/internal/report"
)

// The report's months: the facts of every calendar month (UTC) that has
// ended, counted once by the report-months job (RollUpReportMonths) and
// kept in report_months, so that a report of whole months that ended (what
// viewers, the funder table and every download count, report.WholeMonths)
// adds up a few hundred rows instead of counting a million (issue 14: the
// whole funder report within a second at 100,000 cases).
//
// Each row is a count of one fact in one month of one program: n and an
// amount (hours, days), for an item (a channel, a closure reason, an
// outcome kind, ...). A month is a position, 2 × (year × 12 + month − 1);
// the odd position before it, 2 × that − 1, is the instant the month
// begins, where a stretch of support or a match that began and ended at
// that very instant lies (a report counts it when the instant is inside its
// period, not at its start).
//
// Figures that count people (or cases, or mentors) once however many
// months they appear in carry, per row, the position where the same person
// last appeared before (mark, −1 for never): a report of positions a to b
// counts the rows within them whose mark lies before a, so each person
// once, in the month they first appear in the period. Program 0 holds
// those rows for every program together, where a person in two programs is
// one person.
//
// The rollup holds every month that ended before both rolled_until and
// counted_until of report_months_state. The triggers of
// 0034_report_months.sql move rolled_until back to the time of any change
// of a counted row before it, in the change's transaction, and count the
// move in generation; the job moves rolled_until forward before it counts,
// counts in a snapshot taken after that, and stores its rows (and moves
// counted_until) only if no change has moved rolled_until since.

// monthPosition is the position of t's month.
func monthPosition(t time.Time) int {
	t = t.UTC()
	return 2 * (t.Year()*12 + int(t.Month()) - 1)
}

// monthRow is one row of report_months.
type monthRow struct {
	program int64
	pos     int
	fact    string
	item    string
	mark    int
	n       int64
	amount  float64
}

// The facts of report_months that count people once across programs: their
// rows of program 0 are counted so. Every other fact's rows of program 0
// add up the programs' rows, so that a report of every program reads one
// set of rows.
var peopleFacts = map[string]bool{
	"entered": true, "closed": true, "outcome": true, "outcome_after_release": true,
	"released": true, "training_mentors": true, "active_mentors": true,
}

// errRollupOvertaken is a rollup counted before a change it missed: it is
// not stored, and the next run counts again.
var errRollupOvertaken = errors.New("report months: a counted row changed while counting")

// RollUpReportMonths counts the report's facts of the months that ended
// and are not rolled up yet (or were changed since), and stores them. It
// returns how many months it stored (0 when all were up to date, or when
// changes overtook three counts in a row: the next run counts again).
func (s *Store) RollUpReportMonths(ctx context.Context) (int, error) {
	// A change that overtakes the count is rare (a row dated back while
	// it counts): count again at once, a few times, before leaving it to
	// the next run.
	for range 3 {
		n, err := s.rollUpReportMonths(ctx)
		if !errors.Is(err, errRollupOvertaken) {
			return n, err
		}
	}
	return 0, nil
}

// rollUpReportMonths counts once; errRollupOvertaken when a change
// overtook the count.
func (s *Store) rollUpReportMonths(ctx context.Context) (int, error) {
	now := s.now().UTC()
	end := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	// Announce the count: from now on a change before end moves
	// rolled_until back and counts a generation.
	var from time.Time
	var generation int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		lock := ""
		if s.engine == Postgres {
			lock = " FOR UPDATE"
		}
		var rolled, counted storedTime
		if err := tx.QueryRowContext(ctx, `SELECT rolled_until, counted_until, generation FROM report_months_state WHERE id = 1`+lock).
			Scan(&rolled, &counted, &generation); err != nil {
			return s.wrap(err, "read report months")
		}
		from = earlier(rolled.T, counted.T)
		if !from.Before(end) {
			return nil
		}
		generation++
		_, err := tx.ExecContext(ctx, `UPDATE report_months_state SET rolled_until = $1, counted_until = $2, generation = $3 WHERE id = 1`,
			s.ts(end), s.ts(from), generation)
		return s.wrap(err, "start report months")
	})
	if err != nil || !from.Before(end) {
		return 0, err
	}
	if err := s.awaitWritersBefore(ctx); err != nil {
		return 0, err
	}
	rows, oldest, err := s.countMonths(ctx, end)
	if err != nil {
		return 0, err
	}
	rows = addEveryProgram(rows)
	first := monthPosition(from) - 1
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE report_months_state SET counted_until = $1 WHERE id = 1 AND generation = $2`, s.ts(end), generation)
		if err != nil {
			return s.wrap(err, "store report months")
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errRollupOvertaken
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_months WHERE position >= $1`, first); err != nil {
			return s.wrap(err, "store report months")
		}
		return s.insertMonthRows(ctx, tx, rows, first)
	})
	if err != nil {
		return 0, err
	}
	return (monthPosition(end) - max(monthPosition(from), monthPosition(oldest))) / 2, nil
}

// addEveryProgram adds to rows, as program 0, the sums over the programs of
// every fact but those that count people across programs (counted so by
// their statements).
func addEveryProgram(rows []monthRow) []monthRow {
	type key struct {
		pos        int
		fact, item string
		mark       int
	}
	sums := map[key]*monthRow{}
	var keys []key
	for _, r := range rows {
		if peopleFacts[r.fact] {
			continue
		}
		k := key{r.pos, r.fact, r.item, r.mark}
		sum := sums[k]
		if sum == nil {
			sum = &monthRow{pos: r.pos, fact: r.fact, item: r.item, mark: r.mark}
			sums[k] = sum
			keys = append(keys, k)
		}
		sum.n += r.n
		sum.amount += r.amount
	}
	for _, k := range keys {
		rows = append(rows, *sums[k])
	}
	return rows
}

// ReportMonthsUntil is the end of the months the rollup holds: reports of
// whole months that ended by then read them (the year 1 when none).
func (s *Store) ReportMonthsUntil(ctx context.Context) (time.Time, error) {
	return s.reportMonthsUntil(ctx, s.read)
}

// reportMonthsUntil is ReportMonthsUntil as q (a report's transaction)
// sees it: before both rolled_until and counted_until.
func (s *Store) reportMonthsUntil(ctx context.Context, q queryer) (time.Time, error) {
	var rolled, counted storedTime
	err := q.QueryRowContext(ctx, `SELECT rolled_until, counted_until FROM report_months_state WHERE id = 1`).Scan(&rolled, &counted)
	return earlier(rolled.T, counted.T), s.wrap(err, "report months state")
}

// earlier is the earlier of two times.
func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// awaitWritersBefore waits, on PostgreSQL, until every transaction of this
// database that was writing when the count was announced has ended: one of
// them may have changed a row before rolled_until moved forward (its
// trigger then saw nothing to do) and commit after the count's snapshot.
// SQLite has one writer at a time, so none can be under way. It waits at
// most a minute, then fails (the job tries again later).
func (s *Store) awaitWritersBefore(ctx context.Context) error {
	if s.engine != Postgres {
		return nil
	}
	type writer struct{ pid, xid string }
	var writers []writer
	rows, err := s.read.QueryContext(ctx, `SELECT CAST(pid AS TEXT), CAST(backend_xid AS TEXT) FROM pg_stat_activity
		WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`)
	if err != nil {
		return s.wrap(err, "report months writers")
	}
	for rows.Next() {
		var w writer
		if err := rows.Scan(&w.pid, &w.xid); err != nil {
			rows.Close()
			return s.wrap(err, "report months writers")
		}
		writers = append(writers, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s.wrap(err, "report months writers")
	}
	deadline := time.Now().Add(time.Minute)
	for _, w := range writers {
		for {
			var running bool
			if err := s.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
				WHERE CAST(pid AS TEXT) = $1 AND CAST(backend_xid AS TEXT) = $2)`, w.pid, w.xid).Scan(&running); err != nil {
				return s.wrap(err, "report months writers")
			}
			if !running {
				break
			}
			if time.Now().After(deadline) {
				return errWriterUnderWay
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return nil
}

// errWriterUnderWay is a writer that stayed under way for a minute.
var errWriterUnderWay = errors.New("report months: a transaction stayed under way for a minute")

// insertMonthRows stores the rows at positions from first on.
func (s *Store) insertMonthRows(ctx context.Context, tx *sql.Tx, rows []monthRow, first int) error {
	const batch = 400
	var ph []string
	var args []any
	flush := func() error {
		if len(ph) == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO report_months (program_id, position, fact, item, mark, n, amount) VALUES `+strings.Join(ph, ", "), args...)
		ph, args = ph[:0], args[:0]
		return s.wrap(err, "store report months")
	}
	for _, r := range rows {
		if r.pos < first {
			continue
		}
		k := len(args)
		ph = append(ph, "($"+itoa(k+1)+", $"+itoa(k+2)+", $"+itoa(k+3)+", $"+itoa(k+4)+", $"+itoa(k+5)+", $"+itoa(k+6)+", $"+itoa(k+7)+")")
		args = append(args, r.program, r.pos, r.fact, r.item, r.mark, r.n, r.amount)
		if len(ph) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// monthSQL writes the statements of the rollup for one engine.
type monthSQL struct{ engine Engine }

// pos is the position of the month of time column col.
func (m monthSQL) pos(col string) string {
	if m.engine == Postgres {
		return "(2 * (CAST(EXTRACT(YEAR FROM (" + col + ") AT TIME ZONE 'UTC') AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM (" + col + ") AT TIME ZONE 'UTC') AS INTEGER) - 1))"
	}
	return "(2 * " + sqliteMonth(col) + ")"
}

// monthStart is whether time column col is the first instant of its month.
func (m monthSQL) monthStart(col string) string {
	if m.engine == Postgres {
		return "((" + col + ") = date_trunc('month', (" + col + ") AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"
	}
	return "(substr(" + col + ", 9) = '01 00:00:00.000000+00:00')"
}

// instantPos is the position of a stretch that begins and ends at time
// col: its month's, or the instant before it when col begins the month.
func (m monthSQL) instantPos(col string) string {
	return "(" + m.pos(col) + " - CASE WHEN " + m.monthStart(col) + " THEN 1 ELSE 0 END)"
}

// end is placeholder $1, the end of the last month counted, as a time.
func (m monthSQL) end() string {
	if m.engine == Postgres {
		return "CAST($1 AS TIMESTAMPTZ)"
	}
	return "$1"
}

// join keeps, on SQLite, the cases before their rows: each case's rows
// are then read along its index, in order, not each looked up.
func (m monthSQL) join() string {
	if m.engine == Postgres {
		return "JOIN"
	}
	return "CROSS JOIN"
}

func (m monthSQL) float(expr string) string {
	if m.engine == Postgres {
		return "CAST(" + expr + " AS DOUBLE PRECISION)"
	}
	return "CAST(" + expr + " AS REAL)"
}

func (m monthSQL) least(a, b string) string {
	if m.engine == Postgres {
		return "LEAST(" + a + ", " + b + ")"
	}
	return "MIN(" + a + ", " + b + ")"
}

func (m monthSQL) greatest(a, b string) string {
	if m.engine == Postgres {
		return "GREATEST(" + a + ", " + b + ")"
	}
	return "MAX(" + a + ", " + b + ")"
}

// row is a statement's select list in the shape of report_months.
func (m monthSQL) row(program, pos, fact, item, mark, n, amount string) string {
	return program + ", " + pos + ", '" + fact + "', CAST(" + item + " AS TEXT), " + mark + ", " + n + ", " + m.float(amount)
}

// people counts fact once per person: ev is a statement of (p, x, item,
// pos) rows, a program, a person (or case, or mentor), an item and a
// position; each distinct row gets the position where the same person
// (and item) last appeared before, within its program and, for the facts
// that count people across programs (peopleFacts), across them too (as
// program 0).
func (m monthSQL) people(fact, ev string) string {
	q := `WITH ev AS (` + ev + `),
		d AS MATERIALIZED (SELECT DISTINCT p, x, item, pos FROM ev)
		SELECT ` + m.row("p", "pos", fact, "item", "mark", "COUNT(*)", "0") + ` FROM (
			SELECT p, item, pos, LAG(pos, 1, -1) OVER (PARTITION BY p, x, item ORDER BY pos) AS mark FROM d) l
		GROUP BY p, pos, item, mark`
	if peopleFacts[fact] {
		q += `
		UNION ALL
		SELECT ` + m.row("0", "pos", fact, "item", "mark", "COUNT(*)", "0") + ` FROM (
			SELECT item, pos, LAG(pos, 1, -1) OVER (PARTITION BY x, item ORDER BY pos) AS mark
			FROM (SELECT DISTINCT x, item, pos FROM d) e) l
		GROUP BY pos, item, mark`
	}
	return q
}

// months is a WITH list item mo(pos, lo, hi) of the months from first to
// the one before end, with args for their bounds.
func (m monthSQL) months(first, end time.Time, s *Store, args *[]any) string {
	var values []string
	for t := first; t.Before(end); t = t.AddDate(0, 1, 0) {
		*args = append(*args, s.ts(t), s.ts(t.AddDate(0, 1, 0)))
		lo, hi := "$"+itoa(len(*args)-1), "$"+itoa(len(*args))
		if m.engine == Postgres {
			lo, hi = "CAST("+lo+" AS TIMESTAMPTZ)", "CAST("+hi+" AS TIMESTAMPTZ)"
		}
		values = append(values, "("+itoa(monthPosition(t))+", "+lo+", "+hi+")")
	}
	if len(values) == 0 {
		return "mo(pos, lo, hi) AS (SELECT 0, " + m.end() + ", " + m.end() + " WHERE 1 = 0)"
	}
	return "mo(pos, lo, hi) AS (VALUES " + strings.Join(values, ", ") + ")"
}

// presence is the positions where stretches st(p, x, s, e) of positive
// length overlap a month, and where those of none lie.
func (m monthSQL) presence(st string) string {
	return `SELECT st.p, st.x, '' AS item, mo.pos FROM ` + st + ` st JOIN mo ON st.s < mo.hi AND st.e > mo.lo WHERE st.e > st.s
		UNION ALL
		SELECT st.p, st.x, '', ` + m.instantPos("st.s") + ` FROM ` + st + ` st WHERE st.e <= st.s`
}

// countMonths counts the report's facts of every month before end, in one
// read-only snapshot, and the first month anything happened in.
func (s *Store) countMonths(ctx context.Context, end time.Time) ([]monthRow, time.Time, error) {
	tx, err := s.beginReport(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer func() { _ = tx.Rollback() }()
	m := monthSQL{engine: s.engine}
	// The first month anything was counted in: the months of the
	// stretches and open periods are drawn from it.
	var oldest storedTime
	if err := tx.QueryRowContext(ctx, `SELECT MIN(at) FROM (SELECT MIN(at) AS at FROM case_transitions
		UNION ALL SELECT MIN(started_at) FROM matches) x`).Scan(&oldest); err != nil {
		return nil, time.Time{}, s.wrap(err, "report months start")
	}
	first := oldest.T
	if !oldest.Valid {
		first = end
	}
	first = time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC)
	var rows []monthRow
	scan := func(what, q string, args []any) error {
		r, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return s.wrap(err, "report months "+what)
		}
		defer r.Close()
		for r.Next() {
			var x monthRow
			var item sql.NullString
			if err := r.Scan(&x.program, &x.pos, &x.fact, &item, &x.mark, &x.n, &x.amount); err != nil {
				return s.wrap(err, "report months "+what)
			}
			x.item = item.String
			rows = append(rows, x)
		}
		return s.wrap(r.Err(), "report months "+what)
	}
	endArg := []any{s.ts(end)}
	monthArgs := func() ([]any, string) {
		args := []any{s.ts(end)}
		return args, m.months(first, end, s, &args)
	}
	support, outOfSupport := inStates("t.to_state", groupStates[2]), inStates("t.from_state", groupStates[2])
	uOut := inStates("u.from_state", groupStates[2]) + " AND NOT " + inStates("u.to_state", groupStates[2])
	opening := `t.from_state IN ('', 'closed')`

	// The people who entered, and whose case closed (by reason).
	if err := scan("entered", m.people("entered", `SELECT c.program_id AS p, c.mentee_id AS x, '' AS item, `+m.pos("t.at")+` AS pos
		FROM case_transitions t JOIN cases c ON c.id = t.case_id WHERE `+opening+` AND t.at < $1`), endArg); err != nil {
		return nil, time.Time{}, err
	}
	if err := scan("closed", m.people("closed", `SELECT c.program_id AS p, c.mentee_id AS x, t.closure_reason AS item, `+m.pos("t.at")+` AS pos
		FROM case_transitions t JOIN cases c ON c.id = t.case_id WHERE t.to_state = 'closed' AND t.at < $1`), endArg); err != nil {
		return nil, time.Time{}, err
	}
	// The outcomes, by kind, and those after release.
	for _, fact := range []string{"outcome", "outcome_after_release"} {
		cond := ""
		if fact == "outcome_after_release" {
			cond = " AND o.after_release"
		}
		if err := scan(fact, m.people(fact, `SELECT c.program_id AS p, c.mentee_id AS x, o.kind AS item, `+m.pos("o.occurred_on")+` AS pos
			FROM outcomes o JOIN cases c ON c.id = o.case_id WHERE o.occurred_on < $1`+cond), endArg); err != nil {
			return nil, time.Time{}, err
		}
	}
	// The people released, in programs with a custody phase.
	if err := scan("released", m.people("released", `SELECT c.program_id AS p, c.mentee_id AS x, '' AS item, `+m.pos("c.released_on")+` AS pos
		FROM cases c JOIN programs pr ON pr.id = c.program_id WHERE pr.custody_enabled AND c.released_on < $1`), endArg); err != nil {
		return nil, time.Time{}, err
	}
	// The training confirmed: the mentors it was of, and its hours.
	if err := scan("training", m.people("training_mentors", `SELECT tm.program_id AS p, tc.mentor_id AS x, '' AS item, `+m.pos("tc.confirmed_at")+` AS pos
		FROM training_completions tc JOIN training_modules tm ON tm.id = tc.module_id
		WHERE tc.status = 'confirmed' AND tc.confirmed_at < $1`)+`
		UNION ALL
		SELECT `+m.row("tm.program_id", m.pos("tc.confirmed_at"), "training_hours", "''", "-1", "COUNT(*)", "COALESCE(SUM(tm.hours), 0)")+`
		FROM training_completions tc JOIN training_modules tm ON tm.id = tc.module_id
		WHERE tc.status = 'confirmed' AND tc.confirmed_at < $1
		GROUP BY tm.program_id, `+m.pos("tc.confirmed_at"), endArg); err != nil {
		return nil, time.Time{}, err
	}
	// The mentors who supported a case: their matches' months.
	args, mo := monthArgs()
	if err := scan("active mentors", `WITH `+mo+`,
		mt AS MATERIALIZED (SELECT c.program_id AS p, m.mentor_id AS x, m.started_at AS s,
			CASE WHEN m.ended_at IS NULL OR m.ended_at > `+m.end()+` THEN `+m.end()+` ELSE m.ended_at END AS e
			FROM matches m JOIN cases c ON c.id = m.case_id WHERE m.started_at < $1),
		pres AS (`+m.presence("mt")+`),
		`+strings.TrimPrefix(m.people("active_mentors", `SELECT p, x, item, pos FROM pres`), "WITH "), args); err != nil {
		return nil, time.Time{}, err
	}
	// The cases supported: their stretches of support, each from a
	// transition into support to the next out of it; and the days.
	args, mo = monthArgs()
	stretches := `WITH ` + mo + `,
		st0 AS MATERIALIZED (SELECT c.program_id AS p, t.case_id AS x, t.at AS s,
			(SELECT u.at FROM case_transitions u WHERE u.case_id = t.case_id AND u.id > t.id AND ` + uOut + `
				ORDER BY u.id LIMIT 1) AS e0
			FROM case_transitions t JOIN cases c ON c.id = t.case_id
			WHERE ` + support + ` AND NOT ` + outOfSupport + ` AND t.at < $1),
		sst AS (SELECT p, x, s, CASE WHEN e0 IS NULL OR e0 > ` + m.end() + ` THEN ` + m.end() + ` ELSE e0 END AS e FROM st0),
		pres AS (` + m.presence("sst") + `),`
	if err := scan("supported", stretches+`
		`+strings.TrimPrefix(m.people("supported", `SELECT p, x, item, pos FROM pres`), "WITH ")+`
		UNION ALL
		SELECT `+m.row("sst.p", "mo.pos", "supported_days", "''", "-1", "COUNT(*)",
		"SUM("+spanOf(s.engine, m.least("sst.e", "mo.hi"), m.greatest("sst.s", "mo.lo"))+")")+`
		FROM sst JOIN mo ON sst.s < mo.hi AND sst.e > mo.lo WHERE sst.e > sst.s
		GROUP BY sst.p, mo.pos`, args); err != nil {
		return nil, time.Time{}, err
	}
	// The open cases in custody and after release at each month's end.
	args, mo = monthArgs()
	if err := scan("custody", `WITH `+mo+`,
		op AS MATERIALIZED (SELECT c.program_id AS p, c.released_on AS released, t.at AS o,
			(SELECT u.at FROM case_transitions u WHERE u.case_id = t.case_id AND u.id > t.id AND u.to_state = 'closed'
				ORDER BY u.id LIMIT 1) AS cl
			FROM programs pr JOIN cases c ON c.program_id = pr.id JOIN case_transitions t ON t.case_id = c.id
			WHERE pr.custody_enabled AND c.custody_phase <> '' AND `+opening+` AND t.at < $1)
		SELECT `+m.row("op.p", "mo.pos", "custody", "CASE WHEN op.released < mo.hi THEN 'after_release' ELSE 'in_custody' END", "-1", "COUNT(*)", "0")+`
		FROM op JOIN mo ON op.o < mo.hi AND (op.cl IS NULL OR op.cl >= mo.hi)
		GROUP BY op.p, mo.pos, CASE WHEN op.released < mo.hi THEN 'after_release' ELSE 'in_custody' END`, args); err != nil {
		return nil, time.Time{}, err
	}
	// The days from a period's opening to its first match, and from the
	// first match to the closing, as counts of each number of days.
	if err := scan("spreads", `WITH fm AS (SELECT m.case_id, m.period, MIN(m.started_at) AS at FROM matches m
			WHERE m.started_at < $1 GROUP BY m.case_id, m.period),
		sp AS (
			SELECT c.program_id AS p, `+m.pos("fm.at")+` AS pos, 'entry_to_match' AS what, `+daysOf(s.engine, "fm.at", `(SELECT MIN(t.at) FROM case_transitions t
				WHERE t.case_id = fm.case_id AND t.period = fm.period AND t.from_state IN ('', 'closed'))`)+` AS d
			FROM fm JOIN cases c ON c.id = fm.case_id
			UNION ALL
			SELECT c.program_id, `+m.pos("t.at")+`, 'match_to_close', `+daysOf(s.engine, "t.at", `(SELECT MIN(m.started_at) FROM matches m
				WHERE m.case_id = t.case_id AND m.period = t.period)`)+`
			FROM case_transitions t JOIN cases c ON c.id = t.case_id WHERE t.to_state = 'closed' AND t.at < $1)
		SELECT `+m.row("p", "pos", "spread", "what", "d", "COUNT(*)", "0")+` FROM sp WHERE d IS NOT NULL GROUP BY p, pos, what, d`, endArg); err != nil {
		return nil, time.Time{}, err
	}
	// The contacts by channel with their minutes, and the hours of those
	// without minutes.
	if err := scan("contacts", `SELECT `+m.row("c.program_id", m.pos("ct.at"), "contacts", "ct.channel", "-1", "COUNT(*)",
		"COALESCE(SUM(CASE WHEN ct.minutes > 0 THEN ct.minutes ELSE 0 END), 0)")+`
		FROM cases c `+m.join()+` contacts ct ON ct.case_id = c.id WHERE ct.at < $1
		GROUP BY c.program_id, `+m.pos("ct.at")+`, ct.channel
		UNION ALL
		SELECT `+m.row("c.program_id", m.pos("ct.at"), "contact_hours", "''", "-1", "COUNT(*)", "COALESCE(SUM(pr.hours_per_contact), 0)")+`
		FROM programs pr JOIN cases c ON c.program_id = pr.id `+m.join()+` contacts ct ON ct.case_id = c.id
		WHERE ct.minutes <= 0 AND ct.at < $1
		GROUP BY c.program_id, `+m.pos("ct.at"), endArg); err != nil {
		return nil, time.Time{}, err
	}
	// The referrals sent by need domain and partner, in the month they were
	// sent; and those that got help, in the later of that month and the
	// month of their first "got help" (a report counts them when both lie
	// within its period), marked with the month they were sent: a month's
	// rows then hang only on what happened by its end, as the triggers
	// expect.
	if err := scan("referrals", `WITH rf AS (SELECT r.program_id AS p, `+m.pos("r.sent_at")+` AS pos,
			r.domain || '|' || CAST(r.partner_id AS TEXT) AS item,
			(SELECT MIN(e.at) FROM referral_events e WHERE e.referral_id = r.id AND e.status = 'got_help') AS helped
			FROM referrals r WHERE r.sent_at < $1)
		SELECT `+m.row("p", "pos", "referrals", "item", "-1", "COUNT(*)", "0")+` FROM rf GROUP BY p, pos, item
		UNION ALL
		SELECT `+m.row("p", m.greatest("pos", m.pos("helped")), "referrals_helped", "item", "pos", "COUNT(*)", "0")+`
		FROM rf WHERE helped < $1 GROUP BY p, `+m.greatest("pos", m.pos("helped"))+`, item, pos`, endArg); err != nil {
		return nil, time.Time{}, err
	}
	// The follow-ups done, and what they found.
	fu := `SELECT c.program_id AS p, ` + m.pos("fu.done_at") + ` AS pos, fu.months AS item, fu.work_kept, fu.housing, fu.rearrested
		FROM follow_ups fu JOIN cases c ON c.id = fu.case_id WHERE fu.done_at < $1`
	var fus []string
	for fact, cond := range map[string]string{"follow_ups": "TRUE", "follow_ups_work_kept": "work_kept = 'yes'",
		"follow_ups_housing_kept": "housing = 'yes'", "follow_ups_rearrested": "rearrested = 'yes'"} {
		fus = append(fus, `SELECT `+m.row("p", "pos", fact, "item", "-1", "COUNT(*)", "0")+` FROM fu WHERE `+cond+` GROUP BY p, pos, item`)
	}
	slices.Sort(fus)
	if err := scan("follow-ups", `WITH fu AS (`+fu+`) `+strings.Join(fus, " UNION ALL "), endArg); err != nil {
		return nil, time.Time{}, err
	}
	// The feedback by its ratings.
	ratings := []string{"CASE WHEN fb.declined THEN '1' ELSE '0' END"}
	for _, q := range feedbackColumns {
		ratings = append(ratings, "COALESCE(CAST(fb."+q+" AS TEXT), '0')")
	}
	item := strings.Join(ratings, " || ',' || ")
	if err := scan("feedback", `SELECT `+m.row("c.program_id", m.pos("fb.recorded_at"), "feedback", item, "-1", "COUNT(*)", "0")+`
		FROM feedback fb JOIN cases c ON c.id = fb.case_id WHERE fb.recorded_at < $1
		GROUP BY c.program_id, `+m.pos("fb.recorded_at")+`, `+item, endArg); err != nil {
		return nil, time.Time{}, err
	}
	// The mentors who applied, were accepted, retired, and finished their
	// required training.
	var recs []string
	for fact, col := range map[string]string{"applied": "created_at", "accepted": "accepted_at", "retired": "retired_at"} {
		cond := ""
		if fact == "applied" {
			cond = " AND m.origin = 'application'"
		}
		recs = append(recs, `SELECT `+m.row("m.program_id", m.pos("m."+col), fact, "''", "-1", "COUNT(*)", "0")+`
			FROM mentors m WHERE m.`+col+` < $1`+cond+` GROUP BY m.program_id, `+m.pos("m."+col))
	}
	slices.Sort(recs)
	recs = append(recs, `SELECT `+m.row("x.program_id", m.pos("x.done"), "trained", "''", "-1", "COUNT(*)", "0")+` FROM (
			SELECT m.id, m.program_id, MAX(tc.confirmed_at) AS done, COUNT(*) AS n
			FROM mentors m JOIN training_completions tc ON tc.mentor_id = m.id
				JOIN training_modules tm ON tm.id = tc.module_id AND tm.program_id = m.program_id
			WHERE tc.status = 'confirmed' AND tm.required AND NOT tm.archived
			GROUP BY m.id, m.program_id) x
			JOIN (SELECT t2.program_id, COUNT(*) AS n FROM training_modules t2 WHERE t2.required AND NOT t2.archived
				GROUP BY t2.program_id) req ON req.program_id = x.program_id AND req.n = x.n
			WHERE x.done < $1 GROUP BY x.program_id, `+m.pos("x.done"))
	if err := scan("mentors", strings.Join(recs, " UNION ALL "), endArg); err != nil {
		return nil, time.Time{}, err
	}
	// The cases in each state group at each month's end: the moves in
	// and out of each group by month, added up here.
	var moves []string
	for _, states := range groupStates {
		moves = append(moves, "SUM(CASE WHEN "+inStates("t.to_state", states)+" THEN 1 ELSE 0 END) - SUM(CASE WHEN "+inStates("t.from_state", states)+" THEN 1 ELSE 0 END)")
	}
	mv, err := tx.QueryContext(ctx, `SELECT c.program_id, `+m.pos("t.at")+`, `+strings.Join(moves, ", ")+`
		FROM case_transitions t JOIN cases c ON c.id = t.case_id WHERE t.at < $1
		GROUP BY c.program_id, `+m.pos("t.at")+` ORDER BY 1, 2`, endArg...)
	if err != nil {
		return nil, time.Time{}, s.wrap(err, "report months states")
	}
	defer mv.Close()
	last := monthPosition(end) - 2
	var program int64 = -1
	var pos int
	open := make([]int64, len(groupStates))
	// fill emits the counts of program from pos up to (not including) to.
	fill := func(to int) {
		for ; pos < to; pos += 2 {
			for g, n := range open {
				if n != 0 {
					rows = append(rows, monthRow{program: program, pos: pos, fact: "state", item: strconv.Itoa(g), mark: -1, n: n})
				}
			}
		}
	}
	for mv.Next() {
		var p int64
		var at int
		d := make([]int64, len(groupStates))
		if err := mv.Scan(&p, &at, &d[0], &d[1], &d[2]); err != nil {
			return nil, time.Time{}, s.wrap(err, "report months states")
		}
		if p != program {
			if program >= 0 {
				fill(last + 2)
			}
			program, pos = p, at
			clear(open)
		}
		fill(at)
		for g := range open {
			open[g] += d[g]
		}
	}
	if err := mv.Err(); err != nil {
		return nil, time.Time{}, s.wrap(err, "report months states")
	}
	if program >= 0 {
		fill(last + 2)
	}
	return rows, first, nil
}

// fromMonths counts the facts of the query from report_months, when the
// query is of whole months the rollup holds, and of one program or every
// program (a person in several programs of some of them would need
// counting once across exactly those). It returns false when it cannot;
// the requests and the facilities are counted live, as they are cheap or
// do not add up by month.
func (r *reportQuery) fromMonths(ctx context.Context, f *report.Facts) (bool, error) {
	q := r.q
	start, end := q.Start(), q.End()
	if start.Day() != 1 || end.Day() != 1 || !(r.every || len(q.ProgramIDs) == 1) {
		return false, nil
	}
	until, err := r.s.reportMonthsUntil(ctx, r.tx)
	if err != nil {
		return false, err
	}
	if end.After(until) {
		return false, nil
	}
	a, b := monthPosition(start), monthPosition(end)-2
	program := int64(0) // every program's rows
	if !r.every {
		program = q.ProgramIDs[0]
	}
	months := q.Months()
	f.Openings = make([]int, len(months))
	f.Completions = make([]int, len(months))
	f.States = make([][]int, len(months))
	for i := range f.States {
		f.States[i] = make([]int, len(report.StateGroups))
	}
	f.Closed = make([]int, len(cases.ClosureReasons))
	f.Contacts = make([]int, len(cases.Channels))
	f.Feedback = make([][]int, len(feedbackColumns))
	for i := range f.Feedback {
		f.Feedback[i] = make([]int, 5)
	}
	spreads := map[string]map[int]int{"entry_to_match": {}, "match_to_close": {}}
	minutes := map[string]int64{}
	outcomes := map[string]*report.OutcomeCount{}
	referrals := map[string]*report.ReferralCount{}
	var hours float64
	err = r.rows(ctx, "months", `SELECT position, fact, item, mark, n, amount FROM report_months
		WHERE program_id = $1 AND position >= $2 AND position <= $3`, []any{program, a, b}, func(rows *sql.Rows) error {
		var x monthRow
		if err := rows.Scan(&x.pos, &x.fact, &x.item, &x.mark, &x.n, &x.amount); err != nil {
			return err
		}
		first := x.mark < a // the person's first month in the period
		i := x.pos/2 - a/2  // the month, for the figures by month
		n := int(x.n)
		switch x.fact {
		case "entered":
			if first {
				f.Entered += n
				f.Openings[i] += n
			}
		case "closed":
			if first {
				for j, reason := range cases.ClosureReasons {
					if x.item == string(reason) {
						f.Closed[j] += n
					}
				}
				if x.item == string(cases.Completed) {
					f.Completions[i] += n
				}
			}
		case "outcome", "outcome_after_release":
			if first {
				o := outcomes[x.item]
				if o == nil {
					o = &report.OutcomeCount{Kind: x.item}
					outcomes[x.item] = o
				}
				if x.fact == "outcome" {
					o.People += n
				} else {
					o.AfterRelease += n
				}
			}
		case "released":
			if first {
				f.Released += n
			}
		case "training_mentors":
			if first {
				f.TrainingMentors += n
			}
		case "active_mentors":
			if first {
				f.Mentors.Active += n
			}
		case "supported":
			if first {
				f.SupportedCases += n
			}
		case "supported_days":
			f.SupportedDays += x.amount
		case "training_hours":
			f.TrainingHours += x.amount
		case "state":
			g, _ := strconv.Atoi(x.item)
			if x.pos%2 == 0 && g >= 0 && g < len(report.StateGroups) {
				f.States[i][g] += n
			}
		case "custody":
			if x.pos == b {
				if x.item == "in_custody" {
					f.InCustody += n
				} else {
					f.AfterRelease += n
				}
			}
		case "spread":
			spreads[x.item][x.mark] += n
		case "contacts":
			for j, ch := range cases.Channels {
				if string(ch) == x.item {
					f.Contacts[j] += n
				}
			}
			minutes[x.item] += int64(x.amount)
		case "contact_hours":
			hours += x.amount
		case "referrals", "referrals_helped":
			if x.fact == "referrals_helped" && x.mark < a {
				return nil // sent before the period
			}
			c := referrals[x.item]
			if c == nil {
				domain, partner, _ := strings.Cut(x.item, "|")
				id, _ := strconv.ParseInt(partner, 10, 64)
				c = &report.ReferralCount{Domain: domain, PartnerID: id}
				referrals[x.item] = c
			}
			if x.fact == "referrals" {
				c.Sent += n
			} else {
				c.GotHelp += n
			}
		case "follow_ups", "follow_ups_work_kept", "follow_ups_housing_kept", "follow_ups_rearrested":
			for j, m := range report.FollowUpMonths {
				if x.item != strconv.Itoa(m) {
					continue
				}
				c := &f.FollowUps[j]
				switch x.fact {
				case "follow_ups":
					c.Done += n
				case "follow_ups_work_kept":
					c.WorkKept += n
				case "follow_ups_housing_kept":
					c.HousingKept += n
				case "follow_ups_rearrested":
					c.Rearrested += n
				}
			}
		case "feedback":
			parts := strings.Split(x.item, ",")
			if len(parts) != len(feedbackColumns)+1 {
				return nil
			}
			if parts[0] == "1" {
				f.FeedbackDeclined += n
				return nil
			}
			for j, v := range parts[1:] {
				if rating, _ := strconv.Atoi(v); rating >= 1 && rating <= 5 {
					f.Feedback[j][rating-1] += n
				}
			}
		case "applied":
			f.Mentors.Applied += n
		case "accepted":
			f.Mentors.Accepted += n
		case "retired":
			f.Mentors.Retired += n
		case "trained":
			f.Mentors.Trained += n
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	// The channels' minutes are added up as whole minutes, then turned
	// into hours, as the live count does.
	channels := make([]string, 0, len(minutes))
	for ch := range minutes {
		channels = append(channels, ch)
	}
	slices.Sort(channels) // as the live count adds them, by channel
	for _, ch := range channels {
		f.ContactHours += float64(minutes[ch]) / 60
	}
	f.ContactHours += hours
	f.EntryToMatch, f.MatchToClose = spreadOf(spreads["entry_to_match"]), spreadOf(spreads["match_to_close"])
	kinds := make([]string, 0, len(outcomes))
	for k := range outcomes {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		if outcomes[k].People > 0 {
			f.Outcomes = append(f.Outcomes, *outcomes[k])
		}
	}
	if err := r.partnerNames(ctx, f, referrals); err != nil {
		return false, err
	}
	return true, nil
}

// spreadOf is the distribution of a count of each number of days.
func spreadOf(counts map[int]int) report.Spread {
	days := make([]int, 0, len(counts))
	var sp report.Spread
	for d, n := range counts {
		days = append(days, d)
		sp.N += n
	}
	slices.Sort(days)
	upto := 0
	half, quarter := (sp.N+1)/2, (3*sp.N+3)/4
	medianSet := false
	for _, d := range days {
		upto += counts[d]
		if !medianSet && upto >= half {
			sp.Median, medianSet = d, true
		}
		if upto >= quarter {
			sp.P75 = d
			break
		}
	}
	return sp
}

// partnerNames adds the referrals, with their partners' names, in the
// order of the domains and partners.
func (r *reportQuery) partnerNames(ctx context.Context, f *report.Facts, referrals map[string]*report.ReferralCount) error {
	if len(referrals) == 0 {
		return nil
	}
	names := map[int64]string{}
	err := r.rows(ctx, "partners", `SELECT id, name FROM partners`, nil, func(rows *sql.Rows) error {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		names[id] = name
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range referrals {
		if c.Sent > 0 {
			c.PartnerName = names[c.PartnerID]
			f.Referrals = append(f.Referrals, *c)
		}
	}
	slices.SortFunc(f.Referrals, func(x, y report.ReferralCount) int {
		if c := strings.Compare(x.Domain, y.Domain); c != 0 {
			return c
		}
		return int(x.PartnerID - y.PartnerID)
	})
	return nil
}
