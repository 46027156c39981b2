package cases

import (
	"slices"
	"testing"
	"time"

	"homeward/internal/errs"
	"homeward/internal/program"
	"homeward/internal/zone"
)

// The program package keeps the built-in kinds' keys (it may not import
// this one) so that a program's own kind cannot shadow one: both lists agree.
func TestOutcomeKindsMatchProgram(t *testing.T) {
	t.Parallel()
	var keys []string
	for _, k := range OutcomeKinds {
		keys = append(keys, string(k))
	}
	if !slices.Equal(keys, program.BuiltinOutcomeKinds) {
		t.Fatalf("cases.OutcomeKinds %v, program.BuiltinOutcomeKinds %v", keys, program.BuiltinOutcomeKinds)
	}
}

func TestOutcomeValidate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
	opened := time.Date(2026, 1, 5, 14, 0, 0, 0, time.UTC)
	p := program.New()
	p.OwnOutcomeKinds = []program.OwnOutcomeKind{{Key: "course_started", Label: "Started a course"}}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name  string
		o     Outcome
		field string // the refused field, "" for accepted
		day   time.Time
	}{
		{"no day given", Outcome{Kind: JobFound}, "", time.Time{}},
		{"the period's first day", Outcome{Kind: JobFound, OccurredOn: opened}, "", day(2026, 1, 5)},
		{"a day within", Outcome{Kind: JobFound, OccurredOn: day(2026, 2, 1)}, "", day(2026, 2, 1)},
		{"a time is its day", Outcome{Kind: JobFound, OccurredOn: time.Date(2026, 2, 1, 18, 0, 0, 0, time.UTC)}, "", day(2026, 2, 1)},
		{"before the period", Outcome{Kind: JobFound, OccurredOn: day(2026, 1, 4)}, "occurred_on", time.Time{}},
		{"tomorrow", Outcome{Kind: JobFound, OccurredOn: day(2026, 3, 11)}, "occurred_on", time.Time{}},
		{"the program's own kind", Outcome{Kind: "course_started"}, "", time.Time{}},
		{"another program's kind", Outcome{Kind: "course_finished"}, "kind", time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			err := o.Validate(p, opened, now)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if !o.OccurredOn.Equal(tc.day) {
					t.Errorf("occurred on %v, want %v", o.OccurredOn, tc.day)
				}
				return
			}
			if errs.As(err).Fields[tc.field] == "" {
				t.Fatalf("%s not refused: %v", tc.field, err)
			}
		})
	}
	o := Outcome{Kind: JobFound, OccurredOn: day(2026, 3, 9)}
	if !o.Backdated(now) || (&Outcome{OccurredOn: day(2026, 3, 10)}).Backdated(now) {
		t.Error("backdating: yesterday should be backdated, today not")
	}
}

func TestContactBeforeCase(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	opened := time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC)
	c := Contact{At: time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC), Channel: Call}
	if errs.As(c.Validate(nil, opened, now)).Fields["at"] != "validation.before_case" {
		t.Error("a contact before the period opened accepted")
	}
	c.At = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) // earlier on the day it opened
	if err := c.Validate(nil, opened, now); err != nil {
		t.Errorf("a contact on the period's first day refused: %v", err)
	}
	if !c.Backdated(now) {
		t.Error("a contact nine days old not backdated")
	}
	c.At = now.Add(-23 * time.Hour)
	if c.Backdated(now) {
		t.Error("a contact of yesterday evening counted as backdated")
	}
}

// At 23:30 UTC on 10 March it is already 11 March in Prague and still 10
// March in New York: an outcome of 11 March is today for the one and the
// future for the other, and the day of the period's opening is theirs too.
func TestOutcomeDayIsTheRecordersToday(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
	prague, _ := zone.Load("Europe/Prague")
	newYork, _ := zone.Load("America/New_York")
	p := program.New()
	eleventh := time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)

	o := Outcome{Kind: JobFound, OccurredOn: eleventh}
	if err := o.Validate(p, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), zone.Today(now, prague)); err != nil {
		t.Fatalf("11 March refused in Prague, where it is today: %v", err)
	}
	if o.Backdated(zone.Today(now, prague)) {
		t.Error("11 March recorded on 11 March in Prague counted as backdated")
	}
	o = Outcome{Kind: JobFound, OccurredOn: eleventh}
	if errs.As(o.Validate(p, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), zone.Today(now, newYork))).Fields["occurred_on"] != "validation.not_future" {
		t.Error("11 March accepted in New York, where it is still 10 March")
	}
	// A case opened at 23:30 UTC on 10 March was opened on 11 March in
	// Prague: an outcome of 10 March is before it there.
	o = Outcome{Kind: JobFound, OccurredOn: eleventh.AddDate(0, 0, -1)}
	if errs.As(o.Validate(p, zone.Today(now, prague), zone.Today(now, prague))).Fields["occurred_on"] != "validation.before_case" {
		t.Error("10 March accepted in Prague for a case opened there on 11 March")
	}
}

func TestReleasedOnIsTheRecordersToday(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
	prague, _ := zone.Load("Europe/Prague")
	newYork, _ := zone.Load("America/New_York")
	created := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	eleventh := time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)
	if k := CheckReleasedOn(eleventh, created, zone.Today(now, prague)); k != "" {
		t.Errorf("released on 11 March refused in Prague: %s", k)
	}
	if k := CheckReleasedOn(eleventh, created, zone.Today(now, newYork)); k != "validation.released_on_future" {
		t.Errorf("released on 11 March in New York: %q, want released_on_future", k)
	}
}
