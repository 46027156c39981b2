package cases

import (
	"slices"
	"testing"
	"time"

	"homeward/internal/errs"
	"homeward/internal/program"
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
