package report

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"homeward/internal/errs"
)

// A report's query comes from the user's address: whatever it holds, the
// programs read are positive, named in it, each once and at most
// MaxPrograms; a period read is whole days, from not after to, at most
// MaxDays long, for exactly the programs it was given; every refusal is
// invalid input, never a failure of ours.
func FuzzParseQuery(f *testing.F) {
	for _, q := range []string{"", "program_id=1", "program_id=1,2&program_id=2&preset=last_quarter",
		"program_id=3&from=2024-03-05&to=2024-12-31", "program_id=3&preset=custom&from=2024-03-05&to=2024-03-05",
		"program_id=1&from=2024-03-05&to=2024-03-04", "program_id=1&from=2000-01-01&to=2030-01-01", "program_id=-1",
		"program_id=9223372036854775808", "program_id=1&preset=whole", "program_id=1&preset=yesterday", "program_id=1&from=2024-02-30",
		"program_id=" + strings.Repeat("1,", 60), "program_id=1&to=2024-01-01", "program_id=%20%2C7"} {
		f.Add(q, int64(1772755200), int64(1577836800)) // 2026-03-06 and 2020-01-01
	}
	f.Add("program_id=1&preset=this_month", int64(-62135596800), int64(0))
	f.Fuzz(func(t *testing.T, raw string, todayUnix, startUnix int64) {
		// The clock and the programs' start are ours, not the user's:
		// between the years 1 and 9999.
		const lo, hi = -62135596800, 253402214400
		today := time.Unix(lo+mod(todayUnix, hi-lo), 0).UTC()
		start := time.Unix(lo+mod(startUnix, hi-lo), 0).UTC()
		v, _ := url.ParseQuery(raw) // what the server reads of a bad query, too
		ids, err := ParsePrograms(v)
		if err != nil {
			wantInvalid(t, raw, err, "program_id")
			return
		}
		named := map[int64]bool{}
		for _, s := range v["program_id"] {
			for p := range strings.SplitSeq(s, ",") {
				if id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64); err == nil {
					named[id] = true
				}
			}
		}
		if len(ids) > MaxPrograms {
			t.Fatalf("%q: %d programs", raw, len(ids))
		}
		for i, id := range ids {
			if id <= 0 || !named[id] || slices.Contains(ids[:i], id) {
				t.Fatalf("%q: programs %v", raw, ids)
			}
		}
		q, preset, err := ParseQuery(v, slices.Clone(ids), today, start)
		if err != nil {
			wantInvalid(t, raw, err, "")
			return
		}
		want := slices.Sorted(slices.Values(ids))
		if !slices.Equal(q.ProgramIDs, want) {
			t.Fatalf("%q: query for programs %v, given %v", raw, q.ProgramIDs, ids)
		}
		if preset != "" && !slices.Contains(Presets, preset) {
			t.Fatalf("%q: preset %q", raw, preset)
		}
		switch {
		case q.From.After(q.To):
			t.Fatalf("%q: from %v after to %v", raw, q.From, q.To)
		case !q.From.Equal(day(q.From)) || !q.To.Equal(day(q.To)):
			t.Fatalf("%q: from %v and to %v are not whole days", raw, q.From, q.To)
		case q.Days() < 1 || q.Days() > MaxDays:
			t.Fatalf("%q: %d days", raw, q.Days())
		}
	})
}

func mod(a, n int64) int64 { return (a%n + n) % n }

// wantInvalid fails unless err is invalid input naming field (any field
// when field is "").
func wantInvalid(t *testing.T, raw string, err error, field string) {
	t.Helper()
	e := errs.As(err)
	if e.Kind != errs.KindInvalid || len(e.Fields) == 0 || (field != "" && e.Fields[field] == "") {
		t.Fatalf("%q: error %#v, want invalid input naming %q", raw, e, field)
	}
}
