package web

import (
	"strings"
	"testing"
	"time"

	"homeward/internal/zone"
)

// workFuzzZones are zones whose clocks do odd things: summer time on both
// halves of the world, half-hour and 45-minute offsets, a half-hour change
// (Lord Howe) and a day skipped (Apia, 30 December 2011).
var workFuzzZones = []string{"UTC", "Europe/Prague", "America/New_York", "America/Sao_Paulo", "Asia/Kathmandu",
	"Australia/Lord_Howe", "Pacific/Apia", "America/St_Johns"}

// A typed date and time is outside input: whatever is typed, a time read
// in a zone shows on that zone's clock as the time typed (to the minute),
// at its first occurrence when the clocks go back; only a time the clocks
// skip shows later, by the gap (at most a day).
func FuzzParseWorkTime(f *testing.F) {
	for _, s := range []string{"2026-01-15T18:00", "2026-07-15 18:00", " 2026-03-29T02:30 ", "2026-10-25T02:30",
		"2026-10-25T03:30:59", "2011-12-30T12:00", "2026-11-01T01:30", "0000-01-01T00:00", "9999-12-31T23:59",
		"1850-06-01T12:00", "2026-02-30T10:00", "18:00", "tomorrow", ""} {
		for i := range workFuzzZones {
			f.Add(s, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, s string, z uint8) {
		name := workFuzzZones[int(z)%len(workFuzzZones)]
		loc, ok := zone.Load(name)
		if !ok {
			t.Fatalf("zone %s is not known", name)
		}
		at, ok := parseWorkTime(s, loc)
		if !ok {
			if !at.IsZero() {
				t.Fatalf("%q was refused but read as %v", s, at)
			}
			return
		}
		if at.Location() != time.UTC {
			t.Fatalf("%q is kept in %v, not UTC", s, at.Location())
		}
		var typed time.Time // the clock reading typed, to the minute
		found := false
		for _, layout := range workTimeLayouts {
			if v, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
				typed, found = v.Truncate(time.Minute), true
				break
			}
		}
		if !found {
			t.Fatalf("%q was read as %v but no layout reads it", s, at)
		}
		shown := workTimeInput(at, loc)
		// The instants whose clock in loc shows the time typed: the time
		// typed less each offset the zone has around it.
		var readings []time.Time
		seen := map[int]bool{}
		for h := -48; h <= 48; h++ {
			_, off := typed.Add(time.Duration(h) * time.Hour).In(loc).Zone()
			if seen[off] {
				continue
			}
			seen[off] = true
			if x := typed.Add(-time.Duration(off) * time.Second); wall(x, loc).Equal(typed) {
				readings = append(readings, x)
			}
		}
		if len(readings) == 0 { // skipped: later by the gap
			gap := wall(at, loc).Sub(typed)
			if gap <= 0 || gap > 24*time.Hour {
				t.Fatalf("%q in %s (a time the clocks skip) is shown as %q", s, name, shown)
			}
			return
		}
		if shown != typed.Format(workTimeLayouts[0]) {
			t.Fatalf("%q in %s is shown as %q", s, name, shown)
		}
		for _, x := range readings {
			if x.Before(at) {
				t.Fatalf("%q in %s is read as %v, but %v shows it earlier", s, name, at, x)
			}
		}
	})
}

// wall is the clock reading of t in loc, as a time in UTC.
func wall(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}
