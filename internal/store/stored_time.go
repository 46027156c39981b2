package store

import (
	"fmt"
	"strings"
	"time"
)

// storedTime scans a time column: PostgreSQL's time, the SQLite driver's
// time, or on SQLite a time read as its stored text (textTimes), which it
// decodes from the fixed width of sqliteTime without time.Parse. (For a
// column it knows to hold times, the driver tries one general layout after
// the other on each value: most of a list's decoding.)
type storedTime struct {
	T     time.Time
	Valid bool // false for NULL
}

func (st *storedTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*st = storedTime{}
		return nil
	case time.Time:
		*st = storedTime{T: x.UTC(), Valid: true}
		return nil
	case string:
		t, err := parseStoredTime(x)
		*st = storedTime{T: t, Valid: err == nil}
		return err
	case []byte:
		t, err := parseStoredTime(string(x))
		*st = storedTime{T: t, Valid: err == nil}
		return err
	}
	return fmt.Errorf("scan a time: unexpected %T", v)
}

// ptr is the time, nil for NULL.
func (st storedTime) ptr() *time.Time {
	if !st.Valid {
		return nil
	}
	t := st.T
	return &t
}

// parseStoredTime decodes a time stored on SQLite ("2006-01-02
// 15:04:05.000000+00:00", UTC); text of another shape goes to time.Parse.
func parseStoredTime(v string) (time.Time, error) {
	if len(v) == len(sqliteTime) && v[4] == '-' && v[7] == '-' && v[10] == ' ' && v[13] == ':' && v[16] == ':' &&
		v[19] == '.' && v[26:] == "+00:00" {
		num := func(from, to int) int {
			n := 0
			for i := from; i < to; i++ {
				c := v[i]
				if c < '0' || c > '9' {
					return -1
				}
				n = n*10 + int(c-'0')
			}
			return n
		}
		y, mo, d, h, mi, s, us := num(0, 4), num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19), num(20, 26)
		if y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h < 24 && mi >= 0 && mi < 60 && s >= 0 && s < 60 && us >= 0 {
			t := time.Date(y, time.Month(mo), d, h, mi, s, us*1000, time.UTC)
			if t.Day() == d { // not a 31st of a shorter month
				return t, nil
			}
		}
	}
	for _, layout := range []string{sqliteTime, time.RFC3339Nano, "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("scan a time: unreadable stored time %q", v)
}

// textTimes rewrites a column list so that SQLite returns the given time
// columns as their stored text, which storedTime decodes.
func textTimes(columns string, times ...string) string {
	var pairs []string
	for _, c := range times {
		pairs = append(pairs, c, "CAST("+c+" AS TEXT)")
	}
	return strings.NewReplacer(pairs...).Replace(columns)
}
