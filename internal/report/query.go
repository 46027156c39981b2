package report

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"homeward/internal/errs"
)

// Query is what a report covers: one or more programs and a period of
// whole days, From and To both included (a report "to 31 March" counts the
// 31st). Days are midnight UTC, as cases.Day keeps them.
type Query struct {
	ProgramIDs []int64
	From, To   time.Time
}

// MaxDays is the longest period a report covers: ten years and a little, so
// that a program's whole life fits and a typo does not ask for centuries.
const MaxDays = 3700

// Start is the first instant the report counts.
func (q Query) Start() time.Time { return day(q.From) }

// End is the first instant after the period: the day after To.
func (q Query) End() time.Time { return day(q.To).AddDate(0, 0, 1) }

// Days is the length of the period in days.
func (q Query) Days() int { return int(q.End().Sub(q.Start()).Hours()/24 + 0.5) }

// Previous is the period of the same length just before this one: what a
// trend compares with.
func (q Query) Previous() Query {
	n := q.Days()
	return Query{ProgramIDs: q.ProgramIDs, From: q.Start().AddDate(0, 0, -n), To: q.Start().AddDate(0, 0, -1)}
}

// Validate checks the query: at least one program, a period whose end is
// not before its start, no longer than MaxDays.
func (q *Query) Validate() error {
	f := map[string]string{}
	if len(q.ProgramIDs) == 0 {
		f["program_id"] = "validation.required"
	}
	slices.Sort(q.ProgramIDs)
	q.ProgramIDs = slices.Compact(q.ProgramIDs)
	switch {
	case q.From.IsZero():
		f["from"] = "validation.required"
	case q.To.IsZero():
		f["to"] = "validation.required"
	case day(q.To).Before(day(q.From)):
		f["to"] = "validation.report_to_before_from"
	case q.Days() > MaxDays:
		f["to"] = "validation.report_too_long"
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	q.From, q.To = day(q.From), day(q.To)
	return nil
}

// Months are the calendar months the period touches, each as its first day
// (the first and the last may be partly outside the period).
func (q Query) Months() []time.Time {
	var out []time.Time
	m := time.Date(q.Start().Year(), q.Start().Month(), 1, 0, 0, 0, 0, time.UTC)
	for ; m.Before(q.End()); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return out
}

// MonthEnds are the instants the report reads the cases' states at, one per
// month of Months: the end of the month, or the end of the period in its
// last month.
func (q Query) MonthEnds() []time.Time {
	months := q.Months()
	out := make([]time.Time, len(months))
	for i, m := range months {
		out[i] = m.AddDate(0, 1, 0)
		if out[i].After(q.End()) {
			out[i] = q.End()
		}
	}
	return out
}

// WholeMonths is the query as a suppressed report covers it: whole
// calendar months that ended before today, from the month of From to the
// month of To (or the last month that ended, when To's month has not);
// a period with no such month becomes the last month that ended. Counts
// of days, or of a month still running, could be told apart by asking for
// two periods a day apart and subtracting: a suppressed count of one day
// is what identifies a person best, so suppressed reports never count
// less than a month. It returns whether the period changed.
func (q Query) WholeMonths(today time.Time) (Query, bool) {
	month := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC) }
	lastEnded := month(day(today)).AddDate(0, 0, -1)
	out := q
	out.From = month(q.Start())
	out.To = month(day(q.To)).AddDate(0, 1, -1)
	if out.To.After(lastEnded) {
		out.To = lastEnded
	}
	if out.To.Before(out.From) {
		out.From, out.To = month(lastEnded), lastEnded
	}
	return out, !out.From.Equal(day(q.From)) || !out.To.Equal(day(q.To))
}

// MaxPrograms is how many programs one report covers at most.
const MaxPrograms = 50

// Presets are the periods a report offers in one click.
var Presets = []string{"this_month", "last_month", "last_quarter", "this_year", "last_year", "whole"}

// Preset returns the period of a preset on the day today; "whole" runs
// from start (the day the oldest program began) to today.
func Preset(name string, today, start time.Time) (from, to time.Time, ok bool) {
	today = day(today)
	y, m := today.Year(), today.Month()
	month := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	switch name {
	case "this_month":
		return month, today, true
	case "last_month":
		return month.AddDate(0, -1, 0), month.AddDate(0, 0, -1), true
	case "last_quarter":
		q := time.Date(y, time.Month((int(m)-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
		return q.AddDate(0, -3, 0), q.AddDate(0, 0, -1), true
	case "this_year":
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), today, true
	case "last_year":
		return time.Date(y-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y-1, 12, 31, 0, 0, 0, 0, time.UTC), true
	case "whole":
		if start = day(start); start.IsZero() || start.After(today) {
			start = today
		}
		if earliest := today.AddDate(0, 0, 1-MaxDays); start.Before(earliest) {
			start = earliest // the longest period a report covers
		}
		return start, today, true
	}
	return time.Time{}, time.Time{}, false
}

func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// ParsePrograms reads the programs a report is asked for: program_id,
// repeated or comma-separated.
func ParsePrograms(v url.Values) ([]int64, error) {
	var ids []int64
	for _, raw := range v["program_id"] {
		for _, s := range strings.Split(raw, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				return nil, errs.Invalid(map[string]string{"program_id": "validation.choice"})
			}
			if !slices.Contains(ids, id) {
				if len(ids) == MaxPrograms {
					return nil, errs.Invalid(map[string]string{"program_id": "validation.too_many"})
				}
				ids = append(ids, id)
			}
		}
	}
	return ids, nil
}

// ParseQuery reads a report's period for the programs: from and to (days,
// YYYY-MM-DD), or a preset (Presets; this_year when nothing is given) on
// the day today, where "whole" begins at start. It returns the preset
// used, "" for days given.
func ParseQuery(v url.Values, programIDs []int64, today, start time.Time) (Query, string, error) {
	q := Query{ProgramIDs: programIDs}
	preset := strings.TrimSpace(v.Get("preset"))
	from, to := strings.TrimSpace(v.Get("from")), strings.TrimSpace(v.Get("to"))
	if preset == "" && from == "" && to == "" {
		preset = "this_year"
	}
	if preset != "" && preset != "custom" {
		var ok bool
		if q.From, q.To, ok = Preset(preset, today, start); !ok {
			return q, "", errs.Invalid(map[string]string{"preset": "validation.choice"})
		}
		return q, preset, q.Validate()
	}
	f := map[string]string{}
	var err error
	if q.From, err = time.Parse(time.DateOnly, from); err != nil {
		f["from"] = "validation.date"
	}
	if q.To, err = time.Parse(time.DateOnly, to); err != nil {
		f["to"] = "validation.date"
	}
	if len(f) > 0 {
		return q, "", errs.Invalid(f)
	}
	return q, "", q.Validate()
}
