package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
)

// The values a request's fields and query carry: dates and times, ids,
// the period of a case. Each parser records its field's error in f, and
// invalidIf answers them all at once.

// parseDate reads a date ("2026-05-31", or a date-time whose date is taken)
// of the named field; nil or "" is no date.
func parseDate(field string, s *string, f map[string]string) *time.Time {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil
	}
	v := strings.TrimSpace(*s)
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		t, err = time.Parse(time.RFC3339, v)
		if err != nil {
			f[field] = "validation.date"
			return nil
		}
		t = t.UTC()
		t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return &t
}

// dateString is the input form of a stored date.
func dateString(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.DateOnly)
	return &s
}

// parseTime reads a date-time in RFC 3339 of the named field; "" is the zero time.
func parseTime(field, s string, f map[string]string) time.Time {
	if strings.TrimSpace(s) == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		f[field] = "validation.api_date_time"
		return time.Time{}
	}
	return t.UTC()
}

// queryID reads a positive id from the query parameter name; "" is 0.
func queryID(r *http.Request, name string, f map[string]string) int64 {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		f[name] = "validation.whole_number"
		return 0
	}
	return id
}

// periodOf reads ?period= (a period of the case, 1 to its current one);
// without it, the case's current period.
func periodOf(r *http.Request, c cases.Case) (int, error) {
	s := r.URL.Query().Get("period")
	if s == "" {
		return c.Period, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > c.Period {
		return 0, errs.Invalid(map[string]string{"period": "validation.period"})
	}
	return n, nil
}

// invalidIf returns the fields as an errs.Invalid, or nil without any.
func invalidIf(f map[string]string) error {
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}
