package store_test

import (
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/zone"
)

// intakeIn takes a person into program p (the fixture's intake uses its own program).
func (f *workFixture) intakeIn(t *testing.T, p program.Program, code string) cases.Case {
	t.Helper()
	_, c, err := f.s.CreateIntake(f.ctx, store.Intake{
		Mentee:    cases.Mentee{Profile: cases.Profile{CaseCode: code, FullName: "Ivan " + code}},
		ProgramID: p.ID, State: cases.Intake, ActorID: f.coord.ID,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOutcomeDates(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		c := f.intake(t, "OD-0001") // opens on 2026-01-05 at 09:00
		f.later(10 * 24 * time.Hour)
		day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

		today, err := f.s.AddOutcome(f.ctx, cases.Outcome{CaseID: c.ID, Kind: cases.JobFound, RecordedBy: f.coord.ID})
		if err != nil {
			t.Fatal(err)
		}
		if !today.OccurredOn.Equal(day(1, 15)) || !today.RecordedAt.Equal(f.now) || today.Released() || today.AfterRelease == nil {
			t.Errorf("outcome of today: occurred %v, recorded %v, after release %v", today.OccurredOn, today.RecordedAt, today.AfterRelease)
		}
		if f.audited(t, "outcome.add", "outcome", today.ID) != 1 || f.audited(t, "outcome.add_backdated", "outcome", today.ID) != 0 {
			t.Error("an outcome of today must be audited as outcome.add")
		}

		// The period's first day, given as a time of that day: allowed, and backdated.
		early, err := f.s.AddOutcome(f.ctx, cases.Outcome{CaseID: c.ID, Kind: cases.HousingSecured,
			OccurredOn: time.Date(2026, 1, 5, 7, 0, 0, 0, time.UTC), RecordedBy: f.coord.ID})
		if err != nil {
			t.Fatalf("an outcome on the period's first day: %v", err)
		}
		if !early.OccurredOn.Equal(day(1, 5)) {
			t.Errorf("occurred on %v, want the day", early.OccurredOn)
		}
		if f.audited(t, "outcome.add_backdated", "outcome", early.ID) != 1 || f.audited(t, "outcome.add", "outcome", early.ID) != 0 {
			t.Error("a backdated outcome must be audited as outcome.add_backdated")
		}

		_, err = f.s.AddOutcome(f.ctx, cases.Outcome{CaseID: c.ID, Kind: cases.JobFound, OccurredOn: day(1, 4)})
		wantField(t, "an outcome before the case's period", err, errs.KindInvalid, "occurred_on", "validation.before_case")
		_, err = f.s.AddOutcome(f.ctx, cases.Outcome{CaseID: c.ID, Kind: cases.JobFound, OccurredOn: day(1, 16)})
		wantField(t, "an outcome tomorrow", err, errs.KindInvalid, "occurred_on", "validation.not_future")

		list, err := f.s.Outcomes(f.ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != early.ID || list[1].ID != today.ID {
			t.Fatalf("outcomes %+v, want the earlier day first", list)
		}
		if !list[0].OccurredOn.Equal(day(1, 5)) || list[0].AfterRelease == nil || list[0].Released() ||
			!list[0].RecordedAt.Equal(f.now) || list[0].RecordedByName != "Cora Coordinator" {
			t.Errorf("read back %+v", list[0])
		}
	})
}

func TestContactBeforeCaseAndBackdated(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		c := f.intake(t, "CB-0001") // opens on 2026-01-05 at 09:00
		f.later(10 * 24 * time.Hour)
		add := func(at time.Time) (cases.Contact, error) {
			return f.s.AddContact(f.ctx, cases.Contact{CaseID: c.ID, At: at, Channel: cases.Call, Needs: []string{}, RecordedBy: f.mentor.ID})
		}
		_, err := add(time.Date(2026, 1, 4, 20, 0, 0, 0, time.UTC))
		wantField(t, "a contact before the case's period", err, errs.KindInvalid, "at", "validation.before_case")

		fresh, err := add(f.now.Add(-20 * time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		old, err := add(time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)) // earlier on the day the case opened
		if err != nil {
			t.Fatalf("a contact on the period's first day: %v", err)
		}
		if f.audited(t, "contact.add", "contact", fresh.ID) != 1 || f.audited(t, "contact.add_backdated", "contact", fresh.ID) != 0 {
			t.Error("a contact logged within a day must be audited as contact.add")
		}
		if f.audited(t, "contact.add_backdated", "contact", old.ID) != 1 || f.audited(t, "contact.add", "contact", old.ID) != 0 {
			t.Error("a contact logged ten days late must be audited as contact.add_backdated")
		}
	})
}

func TestOwnOutcomeKinds(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		p := newProgram("Retraining")
		p.OwnOutcomeKinds = []program.OwnOutcomeKind{{Key: "job_found", Label: "Job"}}
		_, err := f.s.CreateProgram(f.ctx, p)
		wantField(t, "an own kind shadowing a built-in one", err, errs.KindInvalid, "own_outcome_kinds", "validation.outcome_key_builtin")
		p.OwnOutcomeKinds = []program.OwnOutcomeKind{{Key: "Course-Started", Label: "Курс"}}
		_, err = f.s.CreateProgram(f.ctx, p)
		wantField(t, "a key with a dash", err, errs.KindInvalid, "own_outcome_kinds", "validation.outcome_keys")
		p.OwnOutcomeKinds = []program.OwnOutcomeKind{{Key: " Course_Started ", Label: " Пачаў курс перападрыхтоўкі "}, {Key: "", Label: ""}}
		own, err := f.s.CreateProgram(f.ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		own, err = f.s.GetProgram(f.ctx, own.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := program.OwnOutcomeKind{Key: "course_started", Label: "Пачаў курс перападрыхтоўкі"}
		if len(own.OwnOutcomeKinds) != 1 || own.OwnOutcomeKinds[0] != want {
			t.Fatalf("own kinds read back %+v, want [%+v]", own.OwnOutcomeKinds, want)
		}
		if plain, _ := f.s.GetProgram(f.ctx, f.prog.ID); plain.OwnOutcomeKinds == nil || len(plain.OwnOutcomeKinds) != 0 {
			t.Errorf("a program without own kinds reads %#v, want an empty list", plain.OwnOutcomeKinds)
		}

		mine := f.intakeIn(t, own, "RT-0001")
		o, err := f.s.AddOutcome(f.ctx, cases.Outcome{CaseID: mine.ID, Kind: "course_started", RecordedBy: f.coord.ID})
		if err != nil || o.Kind != "course_started" {
			t.Fatalf("the program's own kind on its case: %+v, %v", o, err)
		}
		if _, err := f.s.AddOutcome(f.ctx, cases.Outcome{CaseID: mine.ID, Kind: cases.DebtCaseClosed}); err != nil {
			t.Errorf("a built-in kind on a program with own kinds: %v", err)
		}
		other := f.intake(t, "WK-0001")
		_, err = f.s.AddOutcome(f.ctx, cases.Outcome{CaseID: other.ID, Kind: "course_started"})
		wantField(t, "another program's own kind", err, errs.KindInvalid, "kind", "validation.choice")
	})
}

func TestOutcomeAfterRelease(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		p := newProgram("Custody")
		p.Custody.Enabled = true
		cp, err := f.s.CreateProgram(f.ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		inside, released := f.intakeIn(t, cp, "CU-0001"), f.intakeIn(t, cp, "CU-0002")
		if err := f.s.SaveCustody(f.ctx, inside.ID, cases.Custody{Phase: cases.InCustody}, f.coord.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SaveCustody(f.ctx, released.ID, cases.Custody{Phase: cases.AfterRelease}, f.coord.ID); err != nil {
			t.Fatal(err)
		}
		no, yes := false, true
		for _, tc := range []struct {
			name   string
			caseID int64
			given  *bool
			want   bool
		}{
			{"in custody, not given", inside.ID, nil, false},
			{"after release, not given", released.ID, nil, true},
			{"after release, given false", released.ID, &no, false},
			{"in custody, given true", inside.ID, &yes, true},
		} {
			o, err := f.s.AddOutcome(f.ctx, cases.Outcome{CaseID: tc.caseID, Kind: cases.JobFound, AfterRelease: tc.given})
			if err != nil {
				t.Fatal(err)
			}
			if o.Released() != tc.want {
				t.Errorf("%s: after release %v, want %v", tc.name, o.Released(), tc.want)
			}
			list, err := f.s.Outcomes(f.ctx, tc.caseID)
			if err != nil {
				t.Fatal(err)
			}
			if got := list[len(list)-1]; got.ID != o.ID || got.Released() != tc.want {
				t.Errorf("%s: read back %+v", tc.name, got)
			}
		}
	})
}

// At 23:30 UTC on 10 March it is already 11 March for a coordinator in
// Prague and still 10 March for one in New York (the zone comes with the
// signed-in user in the context): an outcome's day, given or not, is
// judged against and defaults to the recorder's today.
func TestOutcomeDayIsTheRecordersToday(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		c := f.intake(t, "OZ-0001")
		f.now = time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
		eleventh := time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)
		prague := zone.WithLocation(f.ctx, zone.Of("Europe/Prague"))
		newYork := zone.WithLocation(f.ctx, zone.Of("America/New_York"))

		o, err := f.s.AddOutcome(prague, cases.Outcome{CaseID: c.ID, Kind: cases.JobFound, OccurredOn: eleventh, RecordedBy: f.coord.ID})
		if err != nil {
			t.Fatalf("11 March refused in Prague, where it is today: %v", err)
		}
		if f.audited(t, "outcome.add", "outcome", o.ID) != 1 {
			t.Error("an outcome of the Prague coordinator's today must be audited as outcome.add, not backdated")
		}
		if o, err = f.s.AddOutcome(prague, cases.Outcome{CaseID: c.ID, Kind: cases.HousingSecured, RecordedBy: f.coord.ID}); err != nil ||
			!o.OccurredOn.Equal(eleventh) {
			t.Errorf("no day given in Prague: %v, %v; want 11 March", o.OccurredOn, err)
		}

		_, err = f.s.AddOutcome(newYork, cases.Outcome{CaseID: c.ID, Kind: cases.JobFound, OccurredOn: eleventh, RecordedBy: f.coord.ID})
		wantField(t, "11 March in New York", err, errs.KindInvalid, "occurred_on", "validation.not_future")
		if o, err = f.s.AddOutcome(newYork, cases.Outcome{CaseID: c.ID, Kind: cases.HousingSecured, RecordedBy: f.coord.ID}); err != nil ||
			!o.OccurredOn.Equal(eleventh.AddDate(0, 0, -1)) {
			t.Errorf("no day given in New York: %v, %v; want 10 March", o.OccurredOn, err)
		}
	})
}
