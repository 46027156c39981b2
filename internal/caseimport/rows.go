package caseimport

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/program"
	"homeward/internal/text"

	"github.com/xuri/excelize/v2"
)

// Problem is one broken cell (or a column the file lacks): Row is the
// row's number in the file (the header is row 1; 0 for the whole file),
// Cell the cell's name ("C12"), Column the file's header of it, Field the
// field it maps to and Key an i18n message key. Never a value of the file.
type Problem struct {
	Row    int    `json:"row"`
	Cell   string `json:"cell,omitempty"`
	Column string `json:"column,omitempty"`
	Field  string `json:"field,omitempty"`
	Key    string `json:"key"`
}

// MaxProblems caps the problems listed.
const MaxProblems = 500

// Row is one checked row: the person and their case as the file has them.
type Row struct {
	Line          int // the row's number in the file
	Profile       cases.Profile
	MadeCode      bool // the case code is left to the program's pattern
	Entry         time.Time
	State         cases.State
	LastContact   *time.Time
	Channel       cases.Channel
	Outcome       cases.OutcomeKind
	OutcomeDate   *time.Time
	OutcomeNote   string
	Closed        *time.Time
	ClosureReason cases.ClosureReason
}

// States an import may give a case: those that need no mentor.
var States = []cases.State{cases.Referred, cases.Intake, cases.Waiting, cases.Closed}

// Sheet is a checked file: its rows, and where each field is.
type Sheet struct {
	Header []string
	At     map[Field]int
	Rows   []Row
}

// Problem is the problem of row line's cell of field f.
func (s *Sheet) Problem(line int, f Field, key string) Problem {
	p := Problem{Row: line, Field: string(f), Key: key}
	if i, ok := s.At[f]; ok {
		p.Cell, p.Column = Cell(i, line), s.Header[i]
	}
	return p
}

// Check maps and checks every row of t for program p on today (the
// importer's day): every cell's value, the dates (none ahead of today,
// none before the entry), the states an import may give, and the same
// case code or person (name and birth year) twice in the file. The rows
// are returned only when there is no problem.
func Check(t Table, m Mapping, p program.Program, today time.Time) (*Sheet, []Problem) {
	at, problems := m.Resolve(t.Header)
	s := &Sheet{Header: t.Header, At: at}
	made := p.CaseCodePattern != ""
	required := []Field{FullName, EntryDate}
	if !made {
		required = append([]Field{CaseCode}, required...)
	}
	for _, f := range required {
		if _, ok := at[f]; !ok && !slices.ContainsFunc(problems, func(x Problem) bool { return x.Field == string(f) }) {
			problems = append(problems, Problem{Row: 1, Field: string(f), Key: "import.column_required"})
		}
	}
	if len(problems) > 0 {
		return s, problems
	}
	today = cases.Day(today)
	codes := map[string]int{}
	type person struct {
		name string
		year int
	}
	var people []person
	for k, cells := range t.Rows {
		line := k + 2
		if cells == nil {
			continue
		}
		cell := func(f Field) string {
			if i, ok := at[f]; ok && i < len(cells) {
				return cells[i]
			}
			return ""
		}
		bad := func(f Field, key string) { problems = append(problems, s.Problem(line, f, key)) }
		r := Row{Line: line}
		pr := &r.Profile
		pr.CaseCode, pr.FullName, pr.Country, pr.City = cell(CaseCode), cell(FullName), cell(Country), cell(City)
		pr.Languages = strings.FieldsFunc(cell(Languages), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '/' })
		if v := cell(BirthYear); v != "" {
			y, err := wholeNumber(v)
			if err != nil {
				bad(BirthYear, "validation.whole_number")
			}
			pr.BirthYear = y
		}
		g, ok := gender(cell(Gender))
		if !ok {
			bad(Gender, "validation.choice")
		}
		pr.Gender = g
		pr.Normalize()
		r.MadeCode = made && pr.CaseCode == ""
		if err := pr.ValidateIntake(today.Year(), r.MadeCode); err != nil {
			fields := errs.As(err).Fields
			for _, k := range slices.Sorted(maps.Keys(fields)) {
				if Field(k).Valid() && !(k == string(BirthYear) && pr.BirthYear == 0) {
					bad(Field(k), fields[k])
				}
			}
		}
		date := func(f Field, req bool) *time.Time {
			v := cell(f)
			if v == "" {
				if req {
					bad(f, "validation.required")
				}
				return nil
			}
			d, err := parseDate(v, t.Serials)
			switch {
			case err != nil:
				bad(f, "validation.date")
				return nil
			case d.After(today):
				bad(f, "validation.not_future")
				return nil
			}
			return &d
		}
		entry := date(EntryDate, true)
		if entry != nil {
			r.Entry = *entry
		}
		after := func(f Field, d *time.Time) *time.Time {
			if d != nil && entry != nil && d.Before(*entry) {
				bad(f, "validation.before_case")
				return nil
			}
			return d
		}
		r.LastContact = after(LastContact, date(LastContact, false))
		r.Channel = cases.Call
		if v := strings.ToLower(cell(ContactKind)); v != "" {
			r.Channel = cases.Channel(v)
			if !slices.Contains(cases.Channels, r.Channel) {
				bad(ContactKind, "validation.choice")
			}
		}
		r.OutcomeDate = after(OutcomeDate, date(OutcomeDate, false))
		r.OutcomeNote = cell(OutcomeNote)
		if v := strings.ToLower(cell(Outcome)); v != "" {
			r.Outcome = cases.OutcomeKind(v)
			if !r.Outcome.ValidFor(p) {
				bad(Outcome, "validation.choice")
			}
			f := map[string]string{}
			text.Check(f, "note", r.OutcomeNote, r.Outcome == cases.OtherOutcome, false, cases.MaxShort)
			if k, ok := f["note"]; ok {
				bad(OutcomeNote, k)
			}
		} else if cell(OutcomeDate) != "" || r.OutcomeNote != "" {
			bad(Outcome, "validation.required")
		}
		r.Closed = after(ClosingDate, date(ClosingDate, false))
		if r.Closed != nil && r.LastContact != nil && r.LastContact.After(*r.Closed) {
			bad(LastContact, "import.after_closing")
		}
		if r.Closed != nil && r.OutcomeDate != nil && r.OutcomeDate.After(*r.Closed) {
			bad(OutcomeDate, "import.after_closing")
		}
		r.State = cases.State(strings.ToLower(cell(State)))
		switch {
		case r.State == "" && cell(ClosingDate) != "":
			r.State = cases.Closed
		case r.State == "":
			r.State = cases.Intake
		case !r.State.Valid():
			bad(State, "validation.choice")
		case !slices.Contains(States, r.State):
			bad(State, "import.state_not_importable")
		}
		reason := strings.ToLower(cell(ClosureReason))
		if r.State == cases.Closed {
			if cell(ClosingDate) == "" {
				bad(ClosingDate, "validation.required")
			}
			r.ClosureReason = cases.ClosureReason(reason)
			switch {
			case reason == "":
				bad(ClosureReason, "validation.required")
			case !r.ClosureReason.Valid():
				bad(ClosureReason, "validation.choice")
			}
		} else if r.State.Valid() {
			if cell(ClosingDate) != "" {
				bad(ClosingDate, "import.closing_needs_closed")
			}
			if reason != "" {
				bad(ClosureReason, "import.closing_needs_closed")
			}
		}
		// The same case code, or the same person, twice in the file.
		if pr.CaseCode != "" {
			if first, ok := codes[pr.CaseCode]; ok && first != line {
				bad(CaseCode, "import.duplicate_in_file")
			} else {
				codes[pr.CaseCode] = line
			}
		}
		if pr.FullName != "" {
			me := person{strings.ToLower(pr.FullName), pr.BirthYear}
			if slices.ContainsFunc(people, func(o person) bool {
				return o.name == me.name && (o.year == 0 || me.year == 0 || abs(o.year-me.year) <= 1)
			}) {
				bad(FullName, "import.duplicate_in_file")
			}
			people = append(people, me)
		}
		s.Rows = append(s.Rows, r)
		if len(problems) >= MaxProblems {
			break
		}
	}
	if len(s.Rows) == 0 && len(problems) == 0 {
		problems = append(problems, Problem{Key: "import.no_rows"})
	}
	if len(problems) > 0 {
		s.Rows = nil
		if len(problems) > MaxProblems {
			problems = problems[:MaxProblems]
		}
	}
	return s, problems
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// wholeNumber reads an integer cell ("1985", or "1985.0" as a sheet may
// store it).
func wholeNumber(v string) (int, error) {
	if n, err := strconv.Atoi(v); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e6 {
		return 0, fmt.Errorf("not a whole number")
	}
	return int(f), nil
}

// gender reads the gender cell: the choice's key, or its first letter.
func gender(v string) (cases.Gender, bool) {
	switch strings.ToLower(v) {
	case "":
		return cases.GenderUnstated, true
	case "f", "female":
		return cases.Female, true
	case "m", "male":
		return cases.Male, true
	case "other":
		return cases.GenderOther, true
	}
	return "", false
}

// dateLayouts are the ways a date is written in a cell.
var dateLayouts = []string{time.DateOnly, "2.1.2006", "02.01.2006", "2006/1/2", "2006-01-02T15:04:05Z07:00", time.DateTime}

// parseDate reads a date cell: an ISO date, a day.month.year date, or in
// an XLSX file the day's serial number.
func parseDate(v string, serials bool) (time.Time, error) {
	for _, l := range dateLayouts {
		if d, err := time.Parse(l, v); err == nil {
			if d.Year() < 1900 {
				return time.Time{}, fmt.Errorf("date before 1900")
			}
			return cases.Day(d), nil
		}
	}
	if serials {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 1 && f < 2958466 {
			d, err := excelize.ExcelDateToTime(f, false)
			if err == nil && d.Year() >= 1900 {
				return cases.Day(d), nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("not a date")
}
