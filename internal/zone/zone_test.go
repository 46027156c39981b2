package zone

import (
	"context"
	"testing"
	"time"
)

func TestLoadRefusesWhatIsNotAZone(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"", "Local", "Europe/Nowhere", "europe/prague ", "/etc/localtime", "../etc/passwd", "Europe/../UTC", "CET\x00"} {
		if _, ok := Load(name); ok {
			t.Errorf("Load(%q) = ok, want refused", name)
		}
		if Valid(name) {
			t.Errorf("Valid(%q) = true", name)
		}
	}
	for _, name := range []string{"UTC", "Europe/Prague", "America/Argentina/Buenos_Aires", "Asia/Kathmandu"} {
		loc, ok := Load(name)
		if !ok || loc.String() != name {
			t.Errorf("Load(%q) = %v, %v", name, loc, ok)
		}
	}
	if Of("Europe/Nowhere") != time.UTC || Of("") != time.UTC {
		t.Error("an unknown or empty stored name should read as UTC")
	}
}

func TestWallAcrossTheChangesOfTheClocks(t *testing.T) {
	t.Parallel()
	prague := Of("Europe/Prague")
	utc := func(s string) time.Time {
		x, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	for _, c := range []struct {
		name      string
		y         int
		m         time.Month
		d, h, min int
		want      string
	}{
		{"winter", 2026, time.January, 15, 18, 0, "2026-01-15T17:00:00Z"},
		{"summer", 2026, time.July, 15, 18, 0, "2026-07-15T16:00:00Z"},
		{"the evening before the clocks go forward", 2026, time.March, 28, 18, 0, "2026-03-28T17:00:00Z"},
		{"the evening after the clocks go forward", 2026, time.March, 29, 18, 0, "2026-03-29T16:00:00Z"},
		{"just before the gap", 2026, time.March, 29, 1, 59, "2026-03-29T00:59:00Z"},
		// 02:30 never happens on 29 March 2026 in Prague: it moves on by the gap, to 03:30 CEST.
		{"in the gap", 2026, time.March, 29, 2, 30, "2026-03-29T01:30:00Z"},
		{"just after the gap", 2026, time.March, 29, 3, 0, "2026-03-29T01:00:00Z"},
		// 02:30 happens twice on 25 October 2026: the first time, in summer time.
		{"in the overlap", 2026, time.October, 25, 2, 30, "2026-10-25T00:30:00Z"},
		{"after the overlap", 2026, time.October, 25, 3, 0, "2026-10-25T02:00:00Z"},
		{"the evening after the clocks go back", 2026, time.October, 25, 18, 0, "2026-10-25T17:00:00Z"},
	} {
		got := Wall(c.y, c.m, c.d, c.h, c.min, prague)
		if !got.Equal(utc(c.want)) {
			t.Errorf("%s: %d-%02d-%02d %02d:%02d in Prague = %s, want %s", c.name, c.y, c.m, c.d, c.h, c.min, got.UTC().Format(time.RFC3339), c.want)
		}
		if got.Location() != prague {
			t.Errorf("%s: the result is in %v, want Prague's clock", c.name, got.Location())
		}
	}
	// A zone with no changes, and one half an hour off, are read plainly.
	if got := Wall(2026, time.June, 1, 9, 0, Of("Asia/Kolkata")); !got.Equal(utc("2026-06-01T03:30:00Z")) {
		t.Errorf("Kolkata: %s", got.UTC())
	}
	if got := Wall(2026, time.June, 1, 9, 0, time.UTC); !got.Equal(utc("2026-06-01T09:00:00Z")) {
		t.Errorf("UTC: %s", got.UTC())
	}
}

func TestTodayIsTheDayOnTheUsersClock(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
	for name, want := range map[string]time.Time{
		"Europe/Prague":    time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC),
		"America/New_York": time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC),
		"UTC":              time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC),
	} {
		if got := Today(now, Of(name)); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%s: today %v, want %v", name, got, want)
		}
	}
	prague := Of("Europe/Prague")
	if got := TodayIn(WithLocation(context.Background(), prague), now); got.Day() != 11 {
		t.Errorf("the context's zone not used: %v", got)
	}
	if got := TodayIn(context.Background(), now); got.Day() != 10 {
		t.Errorf("no zone in the context should be UTC: %v", got)
	}
}
