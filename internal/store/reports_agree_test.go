package store_test

import (
	"context"
	"fmt"
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

		all := []int64{programs[0].ID, programs[1].ID, programs[2].ID, programs[3].ID}
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
