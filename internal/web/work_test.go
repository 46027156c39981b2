package web

import (
	"testing"
	"time"

	"homeward/internal/zone"
)

// A datetime-local field is read and filled on the user's clock, also on
// the nights the clocks change.
func TestWorkTimeOnTheUsersClock(t *testing.T) {
	t.Parallel()
	prague := zone.Of("Europe/Prague")
	for _, c := range []struct{ typed, stored, shown string }{
		{"2026-01-15T18:00", "2026-01-15T17:00:00Z", "2026-01-15T18:00"},
		{"2026-07-15T18:00", "2026-07-15T16:00:00Z", "2026-07-15T18:00"},
		{"2026-07-15 18:00", "2026-07-15T16:00:00Z", "2026-07-15T18:00"},
		// Skipped when the clocks go forward: on by the gap.
		{"2026-03-29T02:30", "2026-03-29T01:30:00Z", "2026-03-29T03:30"},
		// Twice when the clocks go back: the first.
		{"2026-10-25T02:30", "2026-10-25T00:30:00Z", "2026-10-25T02:30"},
		{"2026-10-25T03:30", "2026-10-25T02:30:00Z", "2026-10-25T03:30"},
	} {
		at, ok := parseWorkTime(c.typed, prague)
		if !ok || at.Format(time.RFC3339) != c.stored || at.Location() != time.UTC {
			t.Errorf("%q in Prague is stored as %s (%v), want %s", c.typed, at.Format(time.RFC3339), ok, c.stored)
		}
		if got := workTimeInput(at, prague); got != c.shown {
			t.Errorf("%s is shown in Prague as %q, want %q", c.stored, got, c.shown)
		}
	}
	if at, ok := parseWorkTime("2026-01-15T18:00", time.UTC); !ok || at.Format(time.RFC3339) != "2026-01-15T18:00:00Z" {
		t.Errorf("in UTC: %s", at)
	}
	for _, bad := range []string{"", "18:00", "2026-02-30T10:00", "tomorrow"} {
		if _, ok := parseWorkTime(bad, prague); ok {
			t.Errorf("%q was read as a time", bad)
		}
	}
}

// when and day show an instant on the user's clock; a page bound to one
// zone does not show another's.
func TestTimesShownInTheZone(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 15, 23, 30, 0, 0, time.UTC)
	for _, c := range []struct{ zone, when, day string }{
		{"UTC", "2026-01-15 23:30 UTC", "2026-01-15"},
		{"Europe/Prague", "2026-01-16 00:30 CET", "2026-01-16"},
		{"America/New_York", "2026-01-15 18:30 EST", "2026-01-15"},
	} {
		f := pageFuncs(nil, nil, zone.Of(c.zone))
		when, day := f["when"].(func(any) string), f["day"].(func(any) string)
		if got := when(at); got != c.when {
			t.Errorf("%s: when = %q, want %q", c.zone, got, c.when)
		}
		if got := when(&at); got != c.when {
			t.Errorf("%s: when of a pointer = %q", c.zone, got)
		}
		if got := day(at); got != c.day {
			t.Errorf("%s: day = %q, want %q", c.zone, got, c.day)
		}
		if when((*time.Time)(nil)) != "" || day("not a time") != "" {
			t.Errorf("%s: nothing is shown for no time", c.zone)
		}
	}
}
