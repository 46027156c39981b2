package demo

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/store"
)

// report counts the small demo's history as a funder report would: from
// the history rows (transitions, matches, outcomes, follow-ups, referrals,
// feedback, contacts, mentors), never from the cases' current state.
type report struct {
	t    *testing.T
	st   *store.Store
	db   *sql.DB
	from any // the start of the past year, as the engine compares times
}

func newHistory(t *testing.T, st *store.Store) *report {
	pools := st.Pools()
	db := pools["read"]
	if db == nil {
		db = pools["main"]
	}
	return &report{t: t, st: st, db: db, from: dbTime(st, st.Now().AddDate(-1, 0, 0))}
}

// dbTime is t as the store passes times to its engine.
func dbTime(st *store.Store, t time.Time) any {
	if st.Engine() == store.SQLite {
		return t.UTC().Format("2006-01-02 15:04:05.000000+00:00")
	}
	return t
}

// count runs a query of one number.
func (h *report) count(query string, args ...any) int {
	h.t.Helper()
	var n sql.NullInt64
	if err := h.db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
	return int(n.Int64)
}

// byKey runs a query of (key, number) rows.
func (h *report) byKey(query string, args ...any) map[string]int {
	h.t.Helper()
	rows, err := h.db.QueryContext(context.Background(), query, args...)
	if err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			h.t.Fatal(err)
		}
		out[k] = n
	}
	if err := rows.Err(); err != nil {
		h.t.Fatal(err)
	}
	return out
}

// opening is the condition on case_transitions t of a transition that
// opens a period: the creation, or a reopening.
const opening = `(t.from_state = '' OR t.from_state = 'closed')`

// checkSmallHistory asserts that a report over the past year of each of
// the small demo's programs has something to show in every part of it,
// and that the history obeys the domain's rules.
func checkSmallHistory(t *testing.T, st *store.Store, programs []program.Program) {
	h := newHistory(t, st)
	var custody int64
	for _, p := range programs {
		if p.Custody.Enabled {
			custody = p.ID
		}
		t.Run(p.Name, func(t *testing.T) {
			h.t = t
			defer func() { h.t = t }()
			id := p.ID
			// People entered (distinct), and closures by reason.
			entered := h.count(`SELECT count(DISTINCT c.mentee_id) FROM case_transitions t JOIN cases c ON c.id = t.case_id
				WHERE c.program_id = $1 AND `+opening+` AND t.at >= $2`, id, h.from)
			if entered < 60 || entered > 150 {
				t.Errorf("%d people entered in the past year, want 60–150", entered)
			}
			closed := h.byKey(`SELECT t.closure_reason, count(*) FROM case_transitions t JOIN cases c ON c.id = t.case_id
				WHERE c.program_id = $1 AND t.to_state = 'closed' AND t.at >= $2 GROUP BY t.closure_reason`, id, h.from)
			if closed[string(cases.Completed)] < 25 {
				t.Errorf("closures of the past year: %v, want at least 25 completed", closed)
			}
			for _, r := range []cases.ClosureReason{cases.Withdrawn, cases.LostContact} {
				if closed[string(r)] == 0 {
					t.Errorf("closures of the past year: %v, none %s", closed, r)
				}
			}
			// Supported on a day half a year ago: the last transition at or
			// before it.
			then := dbTime(st, st.Now().AddDate(0, -6, 0))
			if n := h.count(`SELECT count(*) FROM cases c WHERE c.program_id = $1 AND (SELECT t.to_state FROM case_transitions t
				WHERE t.case_id = c.id AND t.at <= $2 ORDER BY t.at DESC, t.id DESC LIMIT 1) IN ('matched', 'active', 'closing')`, id, then); n < 20 {
				t.Errorf("%d people supported half a year ago", n)
			}
			if n := h.count(`SELECT count(*) FROM matches m JOIN cases c ON c.id = m.case_id WHERE c.program_id = $1 AND m.started_at >= $2`, id, h.from); n < 30 {
				t.Errorf("%d matches begun in the past year", n)
			}
			// Outcomes: distinct people per kind, every built-in kind.
			kinds := h.byKey(`SELECT o.kind, count(DISTINCT c.mentee_id) FROM outcomes o JOIN cases c ON c.id = o.case_id
				WHERE c.program_id = $1 AND o.occurred_on >= $2 GROUP BY o.kind`, id, h.from)
			main := map[bool][]cases.OutcomeKind{
				false: {cases.LegalStatusObtained, cases.HousingSecured, cases.JobFound},
				true:  {cases.JobFound, cases.HousingSecured, cases.RetrainingCompleted, cases.DebtCaseClosed},
			}[p.Custody.Enabled]
			for _, k := range cases.OutcomeKinds {
				if want := map[bool]int{true: 5, false: 1}[slices.Contains(main, k)]; kinds[string(k)] < want {
					t.Errorf("outcomes of the past year: %v; want %d people with %s", kinds, want, k)
				}
			}
			for _, own := range p.OwnOutcomeKinds {
				if kinds[own.Key] < 5 {
					t.Errorf("outcomes of the past year: %v; want people with the program's own %s", kinds, own.Key)
				}
			}
			// Follow-ups done in the past year, at 6 and at 12 months.
			follow := h.byKey(`SELECT `+castText("f.months")+`, count(*) FROM follow_ups f JOIN cases c ON c.id = f.case_id
				WHERE c.program_id = $1 AND f.done_at >= $2 AND f.work_kept = 'yes' AND f.housing = 'yes' GROUP BY f.months`, id, h.from)
			if follow["6"] < 5 || follow["12"] < 5 {
				t.Errorf("follow-ups of the past year with work and housing kept, by months: %v", follow)
			}
			// Referrals: helped in several domains, at several partners.
			helped := h.count(`SELECT count(*) FROM referrals WHERE program_id = $1 AND status = 'got_help' AND sent_at >= $2`, id, h.from)
			domains := h.count(`SELECT count(DISTINCT domain) FROM referrals WHERE program_id = $1 AND status = 'got_help' AND sent_at >= $2`, id, h.from)
			partners := h.count(`SELECT count(DISTINCT partner_id) FROM referrals WHERE program_id = $1 AND sent_at >= $2`, id, h.from)
			if helped < 5 || domains < 3 || partners < 2 {
				t.Errorf("referrals of the past year: %d got help in %d domains; %d partners", helped, domains, partners)
			}
			// Feedback with ratings, and some declined (over the history).
			if n := h.count(`SELECT count(*) FROM feedback f JOIN cases c ON c.id = f.case_id WHERE c.program_id = $1
				AND f.recorded_at >= $2 AND NOT f.declined AND f.recommend > 0`, id, h.from); n < 15 {
				t.Errorf("%d feedbacks with ratings in the past year", n)
			}
			// Mentors applied, accepted and retired over the year; training
			// confirmed.
			for what, q := range map[string]string{
				"applied":  `SELECT count(*) FROM mentors WHERE program_id = $1 AND origin = 'application' AND created_at >= $2`,
				"accepted": `SELECT count(*) FROM mentors WHERE program_id = $1 AND accepted_at >= $2`,
				"retired":  `SELECT count(*) FROM mentors WHERE program_id = $1 AND retired_at >= $2`,
				"trained": `SELECT count(DISTINCT tc.mentor_id) FROM training_completions tc JOIN mentors m ON m.id = tc.mentor_id
					JOIN training_modules tm ON tm.id = tc.module_id AND tm.program_id = m.program_id
					WHERE m.program_id = $1 AND tc.status = 'confirmed' AND tc.confirmed_at >= $2`,
			} {
				if n := h.count(q, id, h.from); n < 3 {
					t.Errorf("%d mentors %s in the past year", n, what)
				}
			}
			// Contacts on the program's channels; requests.
			channels := h.byKey(`SELECT ct.channel, count(*) FROM contacts ct JOIN cases c ON c.id = ct.case_id
				WHERE c.program_id = $1 AND ct.at >= $2 GROUP BY ct.channel`, id, h.from)
			want := []cases.Channel{cases.Call, cases.Message, cases.InPerson, cases.Letter}
			if p.Custody.Enabled {
				want = cases.Channels
			}
			for _, ch := range want {
				if channels[string(ch)] == 0 {
					t.Errorf("contacts of the past year by channel: %v, none by %s", channels, ch)
				}
			}
			if n := h.count(`SELECT count(*) FROM requests r JOIN cases c ON c.id = r.case_id WHERE c.program_id = $1 AND r.created_at >= $2`, id, h.from); n < 50 {
				t.Errorf("%d requests in the past year", n)
			}
		})
	}
	h.t = t
	// The custody program: people per facility, releases, outcomes after
	// release, re-arrests at 12 months.
	perFacility := h.byKey(`SELECT f.name, count(DISTINCT c.mentee_id) FROM cases c JOIN facilities f ON f.id = c.facility_id
		WHERE c.program_id = $1 GROUP BY f.name`, custody)
	if len(perFacility) != len(demoFacilities) {
		t.Errorf("people per facility: %v", perFacility)
	}
	for f, n := range perFacility {
		if n < 10 {
			t.Errorf("%d people at %s", n, f)
		}
	}
	if n := h.count(`SELECT count(*) FROM cases WHERE program_id = $1 AND released_on >= $2`, custody, h.from); n < 20 {
		t.Errorf("%d people released in the past year", n)
	}
	if n := h.count(`SELECT count(DISTINCT c.mentee_id) FROM outcomes o JOIN cases c ON c.id = o.case_id
		WHERE c.program_id = $1 AND o.kind = 'job_found' AND o.after_release AND o.occurred_on >= $2`, custody, h.from); n < 5 {
		t.Errorf("%d people found a job after release in the past year", n)
	}
	if n := h.count(`SELECT count(*) FROM follow_ups f JOIN cases c ON c.id = f.case_id WHERE c.program_id = $1
		AND f.months = 12 AND f.rearrested = 'yes' AND f.done_at >= $2`, custody, h.from); n < 1 || n > 10 {
		t.Errorf("%d re-arrests at 12-month follow-ups in the past year, want a few (of %d)", n, h.count(`SELECT count(*) FROM follow_ups f JOIN cases c ON c.id = f.case_id WHERE c.program_id = $1
		AND f.months = 12 AND f.done_at >= $2`, custody, h.from))
	}

	// Across the programs: some counts small enough to be suppressed;
	// people who entered twice (reopened); drafts never sent; declined
	// feedback.
	small := 0
	for _, r := range []cases.ClosureReason{cases.Withdrawn, cases.Transferred, cases.LostContact} {
		for _, n := range h.byKey(`SELECT `+castText("c.program_id")+`, count(*) FROM case_transitions t JOIN cases c ON c.id = t.case_id
			WHERE t.to_state = 'closed' AND t.closure_reason = $1 AND t.at >= $2 GROUP BY c.program_id`, string(r), h.from) {
			if n >= 1 && n <= 4 {
				small++
			}
		}
	}
	if small == 0 {
		t.Errorf("no closure reason of a program has 1–4 closures in the past year: suppression shows nowhere")
	}
	if n := h.count(`SELECT count(*) FROM (SELECT c.mentee_id FROM case_transitions t JOIN cases c ON c.id = t.case_id
		WHERE `+opening+` AND t.at >= $1 GROUP BY c.mentee_id, c.program_id HAVING count(*) > 1) x`, h.from); n < 1 {
		t.Errorf("%d people entered twice in the past year", n)
	}
	if n := h.count(`SELECT count(*) FROM (SELECT mentee_id FROM cases GROUP BY mentee_id HAVING count(*) > 1) x`); n < 1 {
		t.Errorf("%d people in two programs", n)
	}
	if n := h.count(`SELECT count(*) FROM feedback WHERE declined`); n < 2 {
		t.Errorf("%d declined feedbacks", n)
	}

	// The rules: outcomes after release only once released; a period's
	// first match after its opening; every referral's status its last
	// event's; a retired mentor supports nobody; follow-ups only of
	// completed periods.
	for what, q := range map[string]string{
		"outcomes after release before it": `SELECT count(*) FROM outcomes o JOIN cases c ON c.id = o.case_id
			WHERE o.after_release AND (c.released_on IS NULL OR o.occurred_on < c.released_on)`,
		"matches before their period opened": `SELECT count(*) FROM matches m JOIN case_transitions t ON t.case_id = m.case_id
			AND t.period = m.period AND ` + opening + ` WHERE m.started_at < t.at`,
		"referrals not at their last event's status": `SELECT count(*) FROM referrals r WHERE r.status <> (SELECT e.status
			FROM referral_events e WHERE e.referral_id = r.id ORDER BY e.id DESC LIMIT 1)`,
		"referrals to a service of another partner": `SELECT count(*) FROM referrals r JOIN services v ON v.id = r.service_id
			WHERE v.partner_id <> r.partner_id`,
		"got help without its outcome linked both ways": `SELECT count(*) FROM referrals r LEFT JOIN outcomes o ON o.id = r.outcome_id
			WHERE r.outcome_id IS NOT NULL AND (o.referral_id IS NULL OR o.referral_id <> r.id)`,
		"retired mentors with open cases": `SELECT count(*) FROM mentors m JOIN cases c ON c.mentor_id = m.user_id AND c.program_id = m.program_id
			WHERE m.stage = 'retired'`,
		"follow-ups of periods not completed": `SELECT count(*) FROM follow_ups f JOIN closings cl ON cl.case_id = f.case_id
			AND cl.period = f.period WHERE cl.closure_reason <> 'completed'`,
		"cases of a custody program at no facility": `SELECT count(*) FROM cases c JOIN programs p ON p.id = c.program_id
			WHERE p.custody_enabled AND c.facility_id IS NULL`,
	} {
		if n := h.count(q); n != 0 {
			t.Errorf("%d %s", n, what)
		}
	}
}

// castText is an integer column as text, for byKey.
func castText(col string) string {
	return fmt.Sprintf("CAST(%s AS TEXT)", col)
}
