package store_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/demo"
	"homeward/internal/program"
	"homeward/internal/report"
	"homeward/internal/store"
)

// TestOutcomeFactsAgreeWithTheWindowedStatements checks that OutcomeFacts,
// which counts the states from the transitions into and out of them, counts
// what the statements it replaced count by pairing each transition with the
// next (reports_reference_test.go): on generated histories (reopened cases,
// people in two programs, referrals, custody, mentors) and on cases that
// move exactly at a period's start or end, for every program, some of them
// and one, over long and short periods.
func TestOutcomeFactsAgreeWithTheWindowedStatements(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		opts.Keyring = keyring(t)
		s := open(t, opts)
		all := agreeHistory(t, s)
		day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
		sets := map[string][]int64{"every program": all, "two programs": {all[0], all[2]}, "one program": {all[0]}}
		periods := [][2]time.Time{
			{day(2022, 3, 15), day(2026, 3, 15)}, // the whole history
			{day(2025, 3, 16), day(2026, 3, 15)}, // the last twelve months
			{day(2025, 10, 1), day(2025, 12, 31)},
			{day(2025, 7, 1), day(2025, 9, 30)}, // the edges' period
			{day(2025, 7, 1), day(2025, 7, 1)},
			{day(2024, 2, 10), day(2024, 11, 3)},
		}
		for name, ids := range sets {
			for _, p := range periods {
				q := report.Query{ProgramIDs: ids, From: p[0], To: p[1]}
				got, err := s.OutcomeFacts(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				want, err := store.OutcomeFactsReferenceForTest(ctx, s, q)
				if err != nil {
					t.Fatal(err)
				}
				if !sameFacts(got, want) {
					t.Errorf("%s from %s to %s:\n got %+v\nwant %+v", name, p[0].Format(time.DateOnly), p[1].Format(time.DateOnly), got, want)
				}
			}
		}
	})
}

// agreeHistory fills the store with the generated histories the report
// tests compare on, its clock at 15 March 2026: four programs, 400 cases
// over them, 300 more with two years of history over the second and third
// (people in two programs among them), and the edges on the first. It
// returns the programs.
func agreeHistory(t *testing.T, s *store.Store) []int64 {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	var programs []program.Program
	for _, p := range demo.Programs(demo.Medium, 3)[:4] {
		saved, err := s.CreateProgram(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		programs = append(programs, saved)
	}
	if _, err := demo.Bulk(ctx, s, demo.BulkSpec{Cases: 400, Contacts: 4000, Programs: programs, Seed: 5, Now: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Bulk(ctx, s, demo.BulkSpec{Cases: 300, Contacts: 3000, Programs: programs[1:3], Seed: 6, Now: now,
		History: 2 * 365 * 24 * time.Hour, CodePrefix: "H"}); err != nil {
		t.Fatal(err)
	}
	edges(t, s, programs[0].ID)
	return []int64{programs[0].ID, programs[1].ID, programs[2].ID, programs[3].ID}
}

// TestRolledUpMonthsCountWhatTheRowsCount checks that a report of whole
// months read from the rollup (report_months.go) counts exactly what the
// statements over every row count: on the generated histories and the
// edges (cases that move at the very first instant of July and of October
// 2025), for every program and for one, over months that begin and end
// at the edges; that a report the rollup cannot serve (some programs, a
// period of days, a month not rolled up) is counted from the rows; and
// that a change to an ended month sends its reports back to the rows until
// the job counts again.
func TestRolledUpMonthsCountWhatTheRowsCount(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		opts.Keyring = keyring(t)
		s := open(t, opts)
		all := agreeHistory(t, s)
		n, err := s.RollUpReportMonths(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n < 24 {
			t.Fatalf("the job rolled up %d months, want the two years and more of history", n)
		}
		if n, err := s.RollUpReportMonths(ctx); err != nil || n != 0 {
			t.Fatalf("a second run rolled up %d months (%v), want none", n, err)
		}
		day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
		periods := [][2]time.Time{
			{day(2022, 3, 1), day(2026, 2, 28)}, // the whole history
			{day(2025, 3, 1), day(2026, 2, 28)}, // the last twelve months
			{day(2025, 7, 1), day(2025, 9, 30)}, // the edges' quarter
			{day(2025, 7, 1), day(2025, 7, 31)},
			{day(2025, 6, 1), day(2025, 6, 30)},
			{day(2025, 10, 1), day(2025, 10, 31)},
			{day(2025, 8, 1), day(2025, 12, 31)},
			{day(2024, 2, 1), day(2024, 11, 30)},
		}
		check := func(name string, ids []int64, from, to time.Time, wantRolled bool) {
			t.Helper()
			q := report.Query{ProgramIDs: ids, From: from, To: to}
			got, rolled, err := store.OutcomeFactsRolledForTest(ctx, s, q)
			if err != nil {
				t.Fatal(err)
			}
			if rolled != wantRolled {
				t.Errorf("%s from %s to %s: from the rollup %v, want %v", name, from.Format(time.DateOnly), to.Format(time.DateOnly), rolled, wantRolled)
			}
			want, err := store.OutcomeFactsLiveForTest(ctx, s, q)
			if err != nil {
				t.Fatal(err)
			}
			if !sameFacts(got, want) {
				t.Errorf("%s from %s to %s:\n got %+v\nwant %+v", name, from.Format(time.DateOnly), to.Format(time.DateOnly), got, want)
			}
		}
		sets := map[string][]int64{"every program": all, "the edges' program": all[:1], "a program of people in two": all[1:2]}
		for name, ids := range sets {
			for _, p := range periods {
				check(name, ids, p[0], p[1], true)
			}
		}
		check("two programs", []int64{all[0], all[2]}, day(2025, 7, 1), day(2025, 9, 30), false)
		check("every program", all, day(2025, 7, 2), day(2025, 9, 30), false)
		check("every program", all, day(2026, 3, 1), day(2026, 3, 14), false)

		// An outcome recorded today, dated in August 2025, changes that
		// month: its reports count the rows until the job runs again.
		before, _, err := store.OutcomeFactsRolledForTest(ctx, s, report.Query{ProgramIDs: all, From: day(2025, 8, 1), To: day(2025, 8, 31)})
		if err != nil {
			t.Fatal(err)
		}
		caseID, err := store.QueryStringForTest(ctx, s, `SELECT CAST(id AS TEXT) FROM cases WHERE case_code = 'EDGE-0'`)
		if err != nil {
			t.Fatal(err)
		}
		coordID, err := store.QueryStringForTest(ctx, s, `SELECT CAST(id AS TEXT) FROM users WHERE email = 'edges@example.org'`)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := strconv.ParseInt(caseID, 10, 64)
		by, _ := strconv.ParseInt(coordID, 10, 64)
		if _, err := s.AddOutcome(ctx, cases.Outcome{CaseID: id, Kind: cases.HousingSecured, OccurredOn: day(2025, 8, 20), RecordedBy: by}); err != nil {
			t.Fatal(err)
		}
		check("every program", all, day(2025, 8, 1), day(2025, 8, 31), false)
		check("every program", all, day(2025, 7, 1), day(2025, 7, 31), true)
		if n, err := s.RollUpReportMonths(ctx); err != nil || n != 7 {
			t.Fatalf("the job rolled up %d months again (%v), want August 2025 to February 2026", n, err)
		}
		after, _, err := store.OutcomeFactsRolledForTest(ctx, s, report.Query{ProgramIDs: all, From: day(2025, 8, 1), To: day(2025, 8, 31)})
		if err != nil {
			t.Fatal(err)
		}
		if sameFacts(before, after) {
			t.Error("the outcome dated in August did not change August's report")
		}
		for _, p := range periods[:3] {
			check("every program", all, p[0], p[1], true)
		}

		// More changes reach the counted months: a referral sent in
		// November gets help in January (recorded now, dated back) and
		// another in March, the month still running; a release is dated
		// back; a contact is recorded for December. Once the job has
		// counted again, and once March has ended and been counted, every
		// period agrees with the rows.
		sent := func(from, to string) string {
			t.Helper()
			id, err := store.QueryStringForTest(ctx, s, `SELECT CAST(MIN(r.id) AS TEXT) FROM referrals r
				WHERE r.sent_at >= '`+from+`' AND r.sent_at < '`+to+`' AND r.sent_at IS NOT NULL
				AND NOT EXISTS (SELECT 1 FROM referral_events e WHERE e.referral_id = r.id AND e.status = 'got_help')`)
			if err != nil || id == "" {
				t.Fatalf("no referral sent from %s to %s without help: %q %v", from, to, id, err)
			}
			return id
		}
		for _, help := range []struct {
			referral string
			at       time.Time
		}{{sent("2025-11-01", "2025-12-01"), day(2026, 1, 10)}, {sent("2025-12-01", "2026-01-01"), day(2026, 3, 10)}} {
			if err := store.ExecForTest(ctx, s, `INSERT INTO referral_events (referral_id, from_status, status, side, at)
				VALUES (`+help.referral+`, 'sent', 'got_help', 'partner', $1)`, store.TimeArgForTest(s, help.at)); err != nil {
				t.Fatal(err)
			}
		}
		released, err := store.QueryStringForTest(ctx, s, `SELECT CAST(MIN(id) AS TEXT) FROM cases WHERE custody_phase <> '' AND released_on IS NULL`)
		if err != nil || released == "" {
			t.Fatalf("no case in custody: %q %v", released, err)
		}
		if err := store.ExecForTest(ctx, s, `UPDATE cases SET custody_phase = 'after_release', released_on = $1 WHERE id = `+released,
			store.TimeArgForTest(s, day(2025, 9, 15))); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddContact(ctx, cases.Contact{CaseID: id, At: day(2025, 12, 3).Add(10 * time.Hour), Channel: cases.Channels[1], Minutes: 50, RecordedBy: by}); err != nil {
			t.Fatal(err)
		}
		check("every program", all, day(2025, 11, 1), day(2026, 1, 31), false)
		if _, err := s.RollUpReportMonths(ctx); err != nil {
			t.Fatal(err)
		}
		// The months the changes reached, and the whole history (every
		// period above was compared once already: under the race detector
		// each comparison counts every row on SQLite, for minutes).
		more := [][2]time.Time{periods[0], {day(2025, 11, 1), day(2026, 1, 31)}, {day(2025, 9, 1), day(2025, 9, 30)}}
		for name, ids := range sets {
			for _, p := range more {
				check(name, ids, p[0], p[1], true)
			}
		}
		april := time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return april })
		if n, err := s.RollUpReportMonths(ctx); err != nil || n != 1 {
			t.Fatalf("in April the job counted %d months (%v), want March", n, err)
		}
		for name, ids := range sets {
			check(name, ids, day(2025, 12, 1), day(2026, 3, 31), true)
			check(name, ids, day(2026, 3, 1), day(2026, 3, 31), true)
		}
	})
}

// edges adds to the program cases that move exactly at midnight on 1 July
// 2025 (a period's start) or 1 October 2025 (the day after its end): into
// support, out of it, out and back in at the same instant, in and out at
// the same instant, out and back within the period, opened and reopened.
func edges(t *testing.T, s *store.Store, programID int64) {
	t.Helper()
	ctx := context.Background()
	coord, err := s.CreateUser(ctx, auth.User{Email: "edges@example.org", Name: "Edges", Role: auth.Coordinator, Programs: []int64{programID}})
	if err != nil {
		t.Fatal(err)
	}
	start, end := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
	d := func(days int) time.Time { return start.AddDate(0, 0, days) }
	histories := [][]step{
		{{to: cases.Referred, at: d(-60)}, {to: cases.Intake, at: d(-50)}, {to: cases.Waiting, at: d(-40)}, {to: cases.Matched, at: start},
			{to: cases.Active, at: d(3)}},
		{{to: cases.Referred, at: d(-90)}, {to: cases.Waiting, at: d(-80)}, {to: cases.Matched, at: d(-70)}, {to: cases.Active, at: d(-60)},
			{to: cases.Closed, reason: cases.LostContact, at: start}},
		{{to: cases.Referred, at: d(-90)}, {to: cases.Waiting, at: d(-80)}, {to: cases.Matched, at: d(-70)}, {to: cases.Active, at: d(-60)},
			{to: cases.Waiting, at: start}, {to: cases.Matched, at: start}, {to: cases.Active, at: d(5)}},
		{{to: cases.Referred, at: d(-30)}, {to: cases.Waiting, at: d(-20)}, {to: cases.Matched, at: start},
			{to: cases.Closed, reason: cases.Withdrawn, at: start}},
		{{to: cases.Referred, at: d(-30)}, {to: cases.Waiting, at: d(-20)}, {to: cases.Matched, at: d(9)}, {to: cases.Active, at: d(12)},
			{to: cases.Waiting, at: d(31)}, {to: cases.Matched, at: d(45)}, {to: cases.Active, at: d(47)}, {to: cases.Waiting, at: d(60)},
			{to: cases.Matched, at: end}},
		{{to: cases.Referred, at: start}, {to: cases.Intake, at: d(1)}, {to: cases.Closed, reason: cases.Withdrawn, at: d(20)},
			{to: cases.Referred, at: d(40)}, {to: cases.Waiting, at: d(41)}, {to: cases.Matched, at: d(50)},
			{to: cases.Closing, at: d(70)}, {to: cases.Closed, reason: cases.Completed, at: end}},
		{{to: cases.Referred, at: d(-200)}, {to: cases.Waiting, at: d(-190)}, {to: cases.Matched, at: d(-180)}, {to: cases.Active, at: d(-170)},
			{to: cases.Closing, at: d(-10)}, {to: cases.Closed, reason: cases.Completed, at: d(-1)}, {to: cases.Referred, at: start},
			{to: cases.Waiting, at: start}, {to: cases.Matched, at: d(2)}},
	}
	for i, steps := range histories {
		trans, period := history(steps...)
		last := trans[len(trans)-1]
		for j := range trans {
			trans[j].ActorID = coord.ID
		}
		code := fmt.Sprintf("EDGE-%d", i)
		b := store.BulkCase{
			Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: code, FullName: "Person " + code, Languages: []string{"cs"}, Country: "CZ"},
				CreatedAt: steps[0].at},
			Case: cases.Case{ProgramID: programID, State: last.To, ClosureReason: last.ClosureReason, Period: period,
				OpenedAt: steps[0].at, StateSince: last.At, CreatedAt: steps[0].at, UpdatedAt: last.At},
			Consents:    []cases.Consent{{Kind: cases.ConsentProcessing, Given: true, RecordedBy: coord.ID, RecordedAt: steps[0].at}},
			Transitions: trans,
		}
		for _, x := range trans {
			if x.To == cases.Matched {
				b.Matches = append(b.Matches, cases.Match{MentorID: coord.ID, Period: x.Period, StartedAt: x.At})
			}
		}
		if err := s.BulkLoad(ctx, []store.BulkCase{b}); err != nil {
			t.Fatalf("case %s: %v", code, err)
		}
	}
}
