package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/store"
)

// A change is one write to the cohort's rows and where it must leave the
// rollup of ended months: write runs it; want is the instant rolled_until
// must move back to (with one more generation), or stays when
// the state must not change at all.
type rollupChange struct {
	name  string
	write func(t *testing.T)
	want  time.Time
}

// stays is the want of a change that must leave the rollup as it is.
var stays = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// yearOne is the beginning of the rollup: a change that alters every month.
var yearOne = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

// Every change to a row the outcomes report counts, at a time before the
// rollup's end, moves the end back to that time in the same transaction, so
// that the report never reads a month counted before the change; a change
// at or after the end (what happens now), and a change to what the report
// does not count (a contact's summary, a case's signals), leave it alone.
func TestEveryCountedChangeBeforeTheRollupMovesItBack(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		c := newCohort(t, opts)
		c.build(t)
		s := c.s
		rolled := dayOf(2025, 6, 1)
		sql := func(q string, args ...any) func(t *testing.T) {
			return func(t *testing.T) { t.Helper(); c.exec(t, q, args...) }
		}
		a := c.arg
		id := func(q string, args ...any) int64 {
			t.Helper()
			v, err := store.QueryStringForTest(ctx, s, `SELECT CAST(`+q+` AS TEXT)`, args...)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		c1, c2, c3, c4, c5, c6 := c.caseIDs["C1"], c.caseIDs["C2"], c.caseIDs["C3"], c.caseIDs["C4"], c.caseIDs["C5"], c.caseIDs["C6"]
		// The mentors who applied (the cohort's M1, and the other program's);
		// the mentors' accounts are mentors too.
		m1 := id(`(SELECT id FROM mentors WHERE created_at = $1)`, a(on(2025, 1, 3)))
		m3 := id(`(SELECT id FROM mentors WHERE created_at = $1)`, a(on(2025, 3, 3)))
		b := c.boolean

		changes := []rollupChange{
			// Transitions.
			{"a transition now", sql(`INSERT INTO case_transitions (case_id, period, from_state, to_state, at) VALUES ($1, 1, 'waiting', 'matched', $2)`,
				c5, a(on(2025, 9, 9))), stays},
			{"a transition's reason", sql(`UPDATE case_transitions SET reason = 'typed', reason_sealed = NULL WHERE case_id = $1`, c1), stays},
			{"transitions rewritten as they were", sql(`UPDATE case_transitions SET to_state = to_state, at = at WHERE case_id = $1`, c1), stays},
			{"a transition moved back", sql(`UPDATE case_transitions SET at = $1 WHERE case_id = $2 AND at = $3`,
				a(on(2025, 5, 30)), c5, a(on(2025, 9, 9))), on(2025, 5, 30)},
			{"a past closing's reason", sql(`UPDATE case_transitions SET closure_reason = 'transferred' WHERE case_id = $1 AND at = $2`,
				c2, a(on(2025, 2, 20))), on(2025, 2, 20)},
			{"a past transition deleted", sql(`DELETE FROM case_transitions WHERE case_id = $1 AND at = $2`, c5, a(on(2025, 5, 30))), on(2025, 5, 30)},
			{"a past transition", sql(`INSERT INTO case_transitions (case_id, period, from_state, to_state, at) VALUES ($1, 1, 'referred', 'intake', $2)`,
				c6, a(on(2025, 4, 4))), on(2025, 4, 4)},

			// Matches.
			{"a match now", sql(`INSERT INTO matches (case_id, mentor_id, period, started_at) VALUES ($1, $2, 1, $3)`,
				c5, c.u2, a(on(2025, 9, 1))), stays},
			{"a match ended now", sql(`UPDATE matches SET ended_at = $1, end_reason_sealed = NULL WHERE case_id = $2 AND ended_at IS NULL`,
				a(on(2025, 9, 20)), c5), stays},
			{"a match's end reason", sql(`UPDATE matches SET end_reason = 'typed' WHERE case_id = $1`, c1), stays},
			{"a past match's end moved", sql(`UPDATE matches SET ended_at = $1 WHERE case_id = $2 AND period = 1`,
				a(on(2025, 5, 25)), c1), on(2025, 5, 20)},
			{"a match's start moved back", sql(`UPDATE matches SET started_at = $1 WHERE case_id = $2 AND started_at = $3`,
				a(on(2025, 5, 6)), c5, a(on(2025, 9, 1))), on(2025, 5, 6)},
			{"a past match's mentor", sql(`UPDATE matches SET mentor_id = $1 WHERE case_id = $2`, c.u1, c2), on(2025, 3, 20)},
			{"a past match deleted", sql(`DELETE FROM matches WHERE case_id = $1`, c5), on(2025, 5, 6)},
			{"a past match", sql(`INSERT INTO matches (case_id, mentor_id, period, started_at, ended_at) VALUES ($1, $2, 1, $3, $4)`,
				c5, c.u2, a(on(2025, 4, 1)), a(on(2025, 4, 2))), on(2025, 4, 1)},

			// Contacts: through the store, as a mentor records them.
			{"a contact now", func(t *testing.T) {
				if _, err := s.AddContact(ctx, cases.Contact{CaseID: c1, At: on(2026, 3, 1), Channel: cases.Call, Minutes: 20,
					Summary: "Talked", RecordedBy: c.u1}); err != nil {
					t.Fatal(err)
				}
			}, stays},
			{"a contact backdated", func(t *testing.T) {
				if _, err := s.AddContact(ctx, cases.Contact{CaseID: c1, At: on(2025, 4, 20), Channel: cases.Call, Minutes: 20,
					Summary: "Talked", RecordedBy: c.u1}); err != nil {
					t.Fatal(err)
				}
			}, on(2025, 4, 20)},
			{"contacts' summaries and needs", sql(`UPDATE contacts SET summary_sealed = NULL, needs = '["housing"]', recorded_by = NULL WHERE case_id = $1`, c1), stays},
			{"a past contact's minutes", sql(`UPDATE contacts SET minutes = 45 WHERE case_id = $1 AND at = $2`, c4, a(on(2025, 5, 20))), on(2025, 5, 20)},
			{"a contact moved back", sql(`UPDATE contacts SET at = $1 WHERE case_id = $2 AND at = $3`, a(on(2025, 3, 30)), c1, a(on(2026, 3, 1))), on(2025, 3, 30)},
			{"a past contact deleted", sql(`DELETE FROM contacts WHERE case_id = $1 AND at = $2`, c1, a(on(2025, 3, 30))), on(2025, 3, 30)},

			// Referrals: a draft has no time; sending it counts when it is sent.
			{"a draft referral", sql(`INSERT INTO referrals (id, case_id, program_id, service_id, partner_id, domain, message_sealed, status, channel,
				created_at, updated_at) VALUES (923, $1, $2, 911, 901, 'employment', $3, 'draft', 'email', $4, $4)`,
				c5, c.a.ID, []byte{0}, a(on(2025, 3, 1))), stays},
			{"a draft referral's domain", sql(`UPDATE referrals SET domain = 'housing' WHERE id = 923`), stays},
			{"a referral sent now", sql(`UPDATE referrals SET sent_at = $1, status = 'sent' WHERE id = 923`, a(on(2025, 10, 1))), stays},
			{"a referral's message", sql(`UPDATE referrals SET message_sealed = $1, updated_at = $2, version = version + 1 WHERE id = 921`,
				[]byte{1}, a(on(2025, 1, 1))), stays},
			{"a past referral's partner", sql(`UPDATE referrals SET partner_id = 902, service_id = 912 WHERE id = 921`), on(2025, 3, 5)},
			{"a referral sent earlier", sql(`UPDATE referrals SET sent_at = $1 WHERE id = 923`, a(on(2025, 5, 2))), on(2025, 5, 2)},
			{"a past referral", sql(`INSERT INTO referrals (id, case_id, program_id, service_id, partner_id, domain, message_sealed, status, channel,
				created_at, sent_at, updated_at) VALUES (924, $1, $2, 911, 901, 'employment', $3, 'sent', 'email', $4, $4, $4)`,
				c5, c.a.ID, []byte{0}, a(on(2025, 5, 3))), on(2025, 5, 3)},

			// Referral events.
			{"a referral event now", sql(`INSERT INTO referral_events (referral_id, from_status, status, side, at) VALUES (923, 'draft', 'sent', 'referrer', $1)`,
				a(on(2025, 10, 1))), stays},
			{"a referral event's message", sql(`UPDATE referral_events SET message_sealed = NULL, reason = 'typed' WHERE referral_id = 921`), stays},
			{"a past referral event's status", sql(`UPDATE referral_events SET status = 'no_help' WHERE referral_id = 921 AND status = 'got_help'`),
				on(2025, 4, 1)},
			{"a referral event moved back", sql(`UPDATE referral_events SET at = $1 WHERE referral_id = 923`, a(on(2025, 5, 2))), on(2025, 5, 2)},
			{"a past referral event deleted", sql(`DELETE FROM referral_events WHERE referral_id = 923`), on(2025, 5, 2)},
			{"a past referral event", sql(`INSERT INTO referral_events (referral_id, from_status, status, side, at) VALUES (923, 'draft', 'sent', 'referrer', $1)`,
				a(on(2025, 5, 4))), on(2025, 5, 4)},

			// Outcomes: through the store, then by hand.
			{"an outcome today", addOutcome(t, c, c1, cases.HousingSecured, dayOf(2026, 3, 1)), stays},
			{"an outcome backdated to after the rollup", addOutcome(t, c, c1, cases.DebtCaseClosed, dayOf(2025, 8, 30)), stays},
			{"outcomes' notes", sql(`UPDATE outcomes SET note = '', note_sealed = NULL, recorded_by = NULL WHERE case_id = $1`, c1), stays},
			{"an outcome on the rollup's first day", sql(`UPDATE outcomes SET kind = 'other' WHERE case_id = $1`, c4), stays},
			{"a past outcome's kind", sql(`UPDATE outcomes SET kind = 'other' WHERE case_id = $1`, c6), dayOf(2025, 3, 1)},
			{"a past outcome after release", sql(`UPDATE outcomes SET after_release = `+b(false)+` WHERE case_id = $1 AND occurred_on = $2`,
				c1, a(dayOf(2025, 4, 15))), dayOf(2025, 4, 15)},
			{"an outcome moved back", sql(`UPDATE outcomes SET occurred_on = $1 WHERE case_id = $2 AND occurred_on = $3`,
				a(dayOf(2025, 5, 5)), c1, a(dayOf(2025, 8, 30))), dayOf(2025, 5, 5)},
			{"a past outcome deleted", sql(`DELETE FROM outcomes WHERE case_id = $1 AND occurred_on = $2`, c1, a(dayOf(2025, 5, 5))), dayOf(2025, 5, 5)},

			// Follow-ups: planned ones have no time.
			{"a follow-up planned", sql(`INSERT INTO follow_ups (case_id, period, months, due_on) VALUES ($1, 1, 12, $2)`, c1, a(dayOf(2025, 5, 20))), stays},
			{"a planned follow-up's answers", sql(`UPDATE follow_ups SET work_kept = 'yes', note_sealed = NULL, version = version + 1
				WHERE case_id = $1 AND months = 12`, c1), stays},
			{"a follow-up done now", sql(`UPDATE follow_ups SET done_at = $1 WHERE case_id = $2 AND months = 12`, a(on(2026, 2, 2)), c1), stays},
			{"a follow-up's answer after the rollup", sql(`UPDATE follow_ups SET rearrested = 'no' WHERE case_id = $1 AND months = 12`, c3), stays},
			{"a past follow-up's housing", sql(`UPDATE follow_ups SET housing = 'no' WHERE case_id = $1 AND months = 6`, c3), on(2025, 1, 5)},
			{"a follow-up undone", sql(`UPDATE follow_ups SET done_at = NULL WHERE case_id = $1 AND months = 6`, c3), on(2025, 1, 5)},
			{"a past follow-up", sql(`INSERT INTO follow_ups (case_id, period, months, due_on, done_at) VALUES ($1, 1, 24, $2, $3)`,
				c3, a(dayOf(2025, 5, 30)), a(on(2025, 5, 31))), on(2025, 5, 31)},
			{"a past follow-up deleted", sql(`DELETE FROM follow_ups WHERE case_id = $1 AND months = 24`, c3), on(2025, 5, 31)},

			// Feedback.
			{"feedback now", sql(`INSERT INTO feedback (case_id, period, support, mentor, plan, recommend, recorded_at) VALUES ($1, 2, 4, 4, 4, 4, $2)`,
				c1, a(on(2026, 1, 1))), stays},
			{"feedback's text", sql(`UPDATE feedback SET text_sealed = NULL, in_portal = `+b(true)+`, recorded_by = NULL WHERE case_id = $1`, c1), stays},
			{"a past rating", sql(`UPDATE feedback SET plan = 2 WHERE case_id = $1 AND period = 1`, c1), on(2025, 5, 15)},
			{"a rating after the rollup", sql(`UPDATE feedback SET declined = `+b(false)+`, support = 3 WHERE case_id = $1`, c2), stays},
			{"feedback moved back", sql(`UPDATE feedback SET recorded_at = $1 WHERE case_id = $2 AND period = 2`, a(on(2025, 5, 16)), c1), on(2025, 5, 16)},
			{"past feedback deleted", sql(`DELETE FROM feedback WHERE case_id = $1 AND period = 2`, c1), on(2025, 5, 16)},

			// Mentors: applied, accepted, retired.
			{"a mentor applies now", func(t *testing.T) {
				if _, err := s.CreateMentorApplication(ctx, applicationFor(c.a.ID)); err != nil {
					t.Fatal(err)
				}
			}, stays},
			{"a mentor's details", sql(`UPDATE mentors SET stage = 'interview', capacity = 3, paused_until = $1, city = 'Brno', version = version + 1,
				updated_at = $1 WHERE id = $2`, a(on(2025, 1, 1)), m1), stays},
			{"a mentor accepted now", sql(`UPDATE mentors SET accepted_at = $1 WHERE id = (SELECT max(id) FROM mentors)`, a(on(2026, 3, 1))), stays},
			{"a past acceptance moved", sql(`UPDATE mentors SET accepted_at = $1 WHERE id = $2`, a(on(2025, 7, 1)), m1), on(2025, 2, 1)},
			{"a mentor retired now", sql(`UPDATE mentors SET retired_at = $1 WHERE id = $2`, a(on(2026, 3, 1)), m1), stays},
			{"a retirement moved back", sql(`UPDATE mentors SET retired_at = $1 WHERE id = $2`, a(on(2025, 5, 9)), m1), on(2025, 5, 9)},
			{"a mentor's origin", sql(`UPDATE mentors SET origin = 'account' WHERE id = $1`, m1), on(2025, 1, 3)},
			{"a past mentor deleted", sql(`DELETE FROM mentors WHERE id = $1`, m3), on(2025, 3, 3)},

			// Training.
			{"training reported", sql(`UPDATE training_completions SET reported_at = $1, confirmed_by = $2 WHERE mentor_id = $3`,
				a(on(2025, 1, 1)), c.coord, m1), stays},
			{"training confirmed now", sql(`INSERT INTO training_completions (mentor_id, module_id, status, reported_at) VALUES
				((SELECT max(id) FROM mentors), 931, 'reported', $1)`, a(on(2026, 3, 1))), stays},
			{"training confirmed now", sql(`UPDATE training_completions SET status = 'confirmed', confirmed_at = $1
				WHERE mentor_id = (SELECT max(id) FROM mentors)`, a(on(2026, 3, 1))), stays},
			{"a past confirmation withdrawn", sql(`UPDATE training_completions SET status = 'reported', confirmed_at = NULL
				WHERE mentor_id = $1 AND module_id = 932`, m1), on(2025, 3, 10)},
			{"a past confirmation deleted", sql(`DELETE FROM training_completions WHERE mentor_id = $1 AND module_id = 931`, m1), on(2025, 2, 10)},
			{"a past confirmation", sql(`INSERT INTO training_completions (mentor_id, module_id, status, confirmed_at) VALUES ($1, 931, 'confirmed', $2)`,
				m1, a(on(2025, 2, 11))), on(2025, 2, 11)},
			{"a module's title", sql(`UPDATE training_modules SET title = 'Basics 2', description = 'x', position = 4 WHERE id = 931`), stays},
			{"a module's hours", sql(`UPDATE training_modules SET hours = 7 WHERE id = 931`), yearOne},
			{"a module archived", sql(`UPDATE training_modules SET archived = ` + b(true) + ` WHERE id = 932`), yearOne},
			{"a module", sql(`INSERT INTO training_modules (id, program_id, title, required, hours, created_at, updated_at)
				VALUES (933, $1, 'New', `+b(true)+`, 1, $2, $2)`, c.a.ID, a(on(2026, 3, 1))), yearOne},
			{"a module deleted", sql(`DELETE FROM training_modules WHERE id = 933`), yearOne},
			{"no module deleted", sql(`DELETE FROM training_modules WHERE id = 999`), stays},

			// Programs: through the store.
			{"a program's name", func(t *testing.T) {
				p, err := s.GetProgram(ctx, c.b.ID)
				if err != nil {
					t.Fatal(err)
				}
				p.Name = "Renamed program"
				if _, err := s.UpdateProgram(ctx, p); err != nil {
					t.Fatal(err)
				}
			}, stays},
			{"a program's hours per contact", func(t *testing.T) {
				p, err := s.GetProgram(ctx, c.b.ID)
				if err != nil {
					t.Fatal(err)
				}
				p.HoursPerContact = 2
				if _, err := s.UpdateProgram(ctx, p); err != nil {
					t.Fatal(err)
				}
			}, yearOne},
			{"a program's custody", sql(`UPDATE programs SET custody_enabled = `+b(false)+` WHERE id = $1`, c.a.ID), yearOne},
			{"a program", func(t *testing.T) {
				if _, err := s.CreateProgram(ctx, newProgram("Brand new")); err != nil {
					t.Fatal(err)
				}
			}, stays},
			{"a program deleted", sql(`DELETE FROM programs WHERE name = 'Brand new'`), yearOne},

			// Cases: what the report counts them by, from their beginning.
			{"a case's signals and state", sql(`UPDATE cases SET last_contact_at = $1, last_request_at = $1, contact_due_at = $1, quiet_at = $1,
				state = 'closing', state_since = $1, urgent_requests = 2, case_code = 'X1', version = version + 1, updated_at = $1 WHERE id = $2`,
				a(on(2025, 1, 1)), c1), stays},
			{"a late case's custody", sql(`UPDATE cases SET custody_phase = 'in_custody', released_on = NULL WHERE id = $1`, c5), stays},
			{"a case created late", sql(`UPDATE cases SET created_at = $1 WHERE id = $2`, a(on(2026, 1, 1)), c4), stays},
			{"a case released after the rollup", sql(`UPDATE cases SET released_on = $1 WHERE id = $2`, a(dayOf(2025, 12, 1)), c4), stays},
			{"a case's release dated back", sql(`UPDATE cases SET released_on = $1 WHERE id = $2`, a(dayOf(2025, 3, 10)), c4), dayOf(2025, 3, 10)},
			{"a case's release cleared", sql(`UPDATE cases SET released_on = NULL WHERE id = $1`, c4), dayOf(2025, 3, 10)},
			{"a case at another facility (counted from the rows)", sql(`UPDATE cases SET facility_id = $1 WHERE id = $2`, c.facility["Pankrác"], c4), stays},
			{"a case's custody phase from in custody to after release", sql(`UPDATE cases SET custody_phase = 'after_release' WHERE id = $1`, c4), stays},
			{"a case's custody phase cleared", sql(`UPDATE cases SET custody_phase = '' WHERE id = $1`, c4), on(2025, 5, 1)},
			{"a case's custody phase set", sql(`UPDATE cases SET custody_phase = 'in_custody' WHERE id = $1`, c4), on(2025, 5, 1)},
			{"a case moved", sql(`UPDATE cases SET program_id = $1 WHERE id = $2`, c.b.ID, c2), on(2025, 2, 1)},
		}
		check := func(ch rollupChange) {
			t.Helper()
			if err := store.SetReportMonthsRolledUntilForTest(ctx, s, rolled); err != nil {
				t.Fatal(err)
			}
			_, gen, err := store.ReportMonthsStateForTest(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			ch.write(t)
			at, gen2, err := store.ReportMonthsStateForTest(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case ch.want.Equal(stays) && (!at.Equal(rolled) || gen2 != gen):
				t.Errorf("%s: the rollup moved to %v (generation %d → %d), want it left at %v", ch.name, at, gen, gen2, rolled)
			case !ch.want.Equal(stays) && (!at.Equal(ch.want) || gen2 != gen+1):
				t.Errorf("%s: the rollup is at %v (generation %d → %d), want it moved back to %v (generation %d)",
					ch.name, at, gen, gen2, ch.want, gen+1)
			}
		}
		for _, ch := range changes {
			check(ch)
		}
		// A case, once the rows that refer to it are gone, from its creation.
		deleteCaseRows(t, c, c6)
		check(rollupChange{"a case deleted", sql(`DELETE FROM cases WHERE id = $1`, c6), on(2025, 2, 1)})
	})
}

// addOutcome records an outcome of the case's second period through the
// store, as a coordinator does.
func addOutcome(t *testing.T, c *cohort, caseID int64, kind cases.OutcomeKind, occurred time.Time) func(t *testing.T) {
	return func(t *testing.T) {
		t.Helper()
		o := outcome(kind, 2, occurred, on(2026, 3, 1), true)
		o.CaseID, o.RecordedBy = caseID, c.coord
		if _, err := c.s.AddOutcome(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
}

// deleteCaseRows deletes every row that refers to a case (the store never
// deletes a case; an administrator might), so that the case can be.
func deleteCaseRows(t *testing.T, c *cohort, caseID int64) {
	t.Helper()
	ctx := context.Background()
	q := `SELECT group_concat(m.name, ' ') FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND p.name = 'case_id'`
	if c.opts.DatabaseURL != "" {
		q = `SELECT string_agg(table_name, ' ') FROM information_schema.columns
			WHERE table_schema = current_schema() AND column_name = 'case_id'`
	}
	list, err := store.QueryStringForTest(ctx, c.s, q)
	if err != nil {
		t.Fatal(err)
	}
	tables := strings.Fields(list)
	// The rows refer to one another (a referral to an outcome): delete what
	// can be deleted until nothing is left.
	for range len(tables) {
		var left []string
		for _, table := range tables {
			if err := store.ExecForTest(ctx, c.s, `DELETE FROM `+table+` WHERE case_id = $1`, caseID); err != nil {
				left = append(left, table)
			}
		}
		if tables = left; len(tables) == 0 {
			break
		}
	}
	if len(tables) > 0 {
		t.Fatalf("rows of case %d left in %v", caseID, tables)
	}
}
