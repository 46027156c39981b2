package store

import (
	"testing"
	"time"
)

// A time SQLite stores is read back as the same instant, whether as the
// store writes it or in another shape time.Parse knows; anything else is
// an error, never a wrong time.
func TestStoredTimeReadsWhatTheStoreWrites(t *testing.T) {
	t.Parallel()
	s := &Store{engine: SQLite}
	for _, want := range []time.Time{
		time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		time.Date(2025, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(2024, 2, 29, 0, 0, 0, 1000, time.FixedZone("Minsk", 3*3600)),
		noDue,
	} {
		var st storedTime
		if err := st.Scan(s.ts(want)); err != nil || !st.Valid || !st.T.Equal(want) || st.T.Location() != time.UTC {
			t.Errorf("%s stored as %q: read %s (valid %v), %v", want, s.ts(want), st.T, st.Valid, err)
		}
	}
	for text, want := range map[string]time.Time{
		"2026-03-02T09:00:00.5Z":           time.Date(2026, 3, 2, 9, 0, 0, 500000000, time.UTC),
		"2026-03-02 12:00:00":              time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC),
		"2026-03-02 09:00:00.000000+00:00": time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
	} {
		var st storedTime
		if err := st.Scan([]byte(text)); err != nil || !st.T.Equal(want) {
			t.Errorf("%q: read %s, %v; want %s", text, st.T, err, want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2026-02-31 09:00:00.000000+00:00", "2026-13-02 09:00:00.000000+00:00", "2026-03-02 09:00:00.0000x0+00:00"} {
		var st storedTime
		if err := st.Scan(bad); err == nil {
			t.Errorf("%q read as %s", bad, st.T)
		}
	}
	var st storedTime
	if err := st.Scan(nil); err != nil || st.Valid || st.ptr() != nil {
		t.Errorf("NULL: %+v, %v", st, err)
	}
}
