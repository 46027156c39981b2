// Package zone holds time zones: the IANA names users and programs choose,
// the locations they name, and how a time typed on a clock in a zone becomes
// an instant.
//
// Every instant is stored in UTC; a zone only decides how a time is shown
// and how a typed time is read. Days (due dates, dates of birth, outcome
// dates) are not instants and are never shifted by a zone.
package zone

import (
	"context"
	"strings"
	"sync"
	"time"
	// The zone database is built into the binary, so that a machine
	// without one (a bare container) knows every zone too.
	_ "time/tzdata"
)

// Default is the zone of a program that names none, and of a user whose
// program is not known.
const Default = "UTC"

// MaxName is the longest zone name accepted (the longest IANA name has 32
// characters).
const MaxName = 64

// locations caches what Load found: time.LoadLocation reads and parses the
// zone's data on every call. Only names that loaded are kept, so the cache
// holds at most the few hundred zones there are.
var locations sync.Map // name → *time.Location

// Load returns the location of an IANA zone name ("Europe/Prague"), or
// false for a name that is not a zone. "Local" and file paths are refused:
// a zone is always named.
func Load(name string) (*time.Location, bool) {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location), true
	}
	if !Valid(name) {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	locations.Store(name, loc)
	return loc, true
}

// Valid reports whether name is an IANA zone name Homeward accepts.
func Valid(name string) bool {
	if name == "" || len(name) > MaxName || name == "Local" || strings.HasPrefix(name, "/") ||
		strings.Contains(name, "..") || strings.ContainsAny(name, "\\ \x00") {
		return false
	}
	if _, ok := locations.Load(name); ok {
		return true
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// Of returns the location of name, or UTC for an empty or unknown name (a
// stored name is checked when it is saved; UTC is the safe reading of one
// that a later zone database dropped).
func Of(name string) *time.Location {
	if loc, ok := Load(name); ok {
		return loc
	}
	return time.UTC
}

// Wall is the instant at which a clock in loc shows the given day and time
// of day, by one rule for the hours a change of the clocks makes odd: the
// time is read with the offset in force before the change.
//   - A time that never happens (skipped when the clocks go forward) moves
//     on by the gap: 02:30 on the night Prague goes from 02:00 to 03:00 is
//     03:30 summer time (01:30 UTC).
//   - A time that happens twice (when the clocks go back) is its first
//     occurrence: 02:30 on the night Prague goes from 03:00 back to 02:00 is
//     02:30 summer time (00:30 UTC), not the hour after.
//
// (time.Date leaves the choice unspecified, and picks the second occurrence.)
func Wall(year int, month time.Month, day, hour, min int, loc *time.Location) time.Time {
	naive := time.Date(year, month, day, hour, min, 0, 0, time.UTC)
	// The offsets in force a day either side: a zone changes its clocks at
	// most once in two days.
	_, before := naive.Add(-24 * time.Hour).In(loc).Zone()
	_, after := naive.Add(24 * time.Hour).In(loc).Zone()
	for _, off := range []int{before, after} {
		t := naive.Add(-time.Duration(off) * time.Second)
		if _, o := t.In(loc).Zone(); o == off {
			return t.In(loc) // the first reading that the clock shows
		}
	}
	return naive.Add(-time.Duration(before) * time.Second).In(loc)
}

// Today is the day a clock in loc shows at now, kept as every day is kept
// (midnight UTC): the "today" a typed day is checked against. At 23:30 UTC
// on 10 March it is 11 March in Prague and still 10 March in New York.
func Today(now time.Time, loc *time.Location) time.Time {
	t := now.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

type locationKey struct{}

// WithLocation returns a context that carries the zone of the person a
// request acts for (set with the signed-in user), so that the store checks
// a typed day against their today.
func WithLocation(ctx context.Context, loc *time.Location) context.Context {
	return context.WithValue(ctx, locationKey{}, loc)
}

// LocationFrom is the zone the context carries, UTC when none (a job, the
// command line).
func LocationFrom(ctx context.Context) *time.Location {
	if loc, ok := ctx.Value(locationKey{}).(*time.Location); ok && loc != nil {
		return loc
	}
	return time.UTC
}

// TodayIn is Today for the person the context acts for.
func TodayIn(ctx context.Context, now time.Time) time.Time { return Today(now, LocationFrom(ctx)) }
