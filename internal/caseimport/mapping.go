package caseimport

import (
	"slices"
	"strings"
)

// Field is a field of an imported case a column can map to.
type Field string

const (
	CaseCode      Field = "case_code"
	FullName      Field = "full_name"
	BirthYear     Field = "birth_year"
	Gender        Field = "gender"
	Languages     Field = "languages"
	Country       Field = "country"
	City          Field = "city"
	EntryDate     Field = "entry_date"
	State         Field = "state"
	LastContact   Field = "last_contact"
	ContactKind   Field = "contact_channel"
	Outcome       Field = "outcome"
	OutcomeDate   Field = "outcome_date"
	OutcomeNote   Field = "outcome_note"
	ClosingDate   Field = "closing_date"
	ClosureReason Field = "closure_reason"
)

// Fields lists them in the order pages show them.
var Fields = []Field{CaseCode, FullName, BirthYear, Gender, Languages, Country, City, EntryDate, State,
	LastContact, ContactKind, Outcome, OutcomeDate, OutcomeNote, ClosingDate, ClosureReason}

// Valid tells whether f is a field of an import.
func (f Field) Valid() bool { return slices.Contains(Fields, f) }

// Mapping says which column of the file (by its header) holds each field.
type Mapping map[Field]string

// ParseMapping reads "column=field" pairs separated by commas or new
// lines (the CLI's --map, the API's map). Unknown fields are refused by
// Check, which names them.
func ParseMapping(s string) (Mapping, []Problem) {
	m := Mapping{}
	var problems []Problem
	for _, pair := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		col, field, ok := strings.Cut(pair, "=")
		col, field = strings.TrimSpace(col), strings.ToLower(strings.TrimSpace(field))
		if !ok || col == "" || !Field(field).Valid() {
			problems = append(problems, Problem{Column: strings.TrimSpace(pair), Key: "import.unknown_field"})
			continue
		}
		m[Field(field)] = col
	}
	return m, problems
}

// String is the mapping as ParseMapping reads it, in field order.
func (m Mapping) String() string {
	var parts []string
	for _, f := range Fields {
		if c, ok := m[f]; ok {
			parts = append(parts, c+"="+string(f))
		}
	}
	return strings.Join(parts, ",")
}

// headerKey is a header as fields are matched by it: lower case, words
// joined by underscores.
func headerKey(h string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(h), func(r rune) bool {
		return r == ' ' || r == '_' || r == '-' || r == '.'
	}), "_")
}

// Resolve is the column index of each mapped field in header: the mapping's
// columns first, then, for a field it leaves out, a header that is the
// field's name ("Full name", "full_name"). A mapped column the file does
// not have is a problem.
func (m Mapping) Resolve(header []string) (map[Field]int, []Problem) {
	at := map[Field]int{}
	var problems []Problem
	for _, f := range Fields {
		col, ok := m[f]
		if !ok {
			continue
		}
		i := slices.IndexFunc(header, func(h string) bool { return strings.EqualFold(h, strings.TrimSpace(col)) })
		if i < 0 {
			problems = append(problems, Problem{Row: 1, Column: col, Field: string(f), Key: "import.no_such_column"})
			continue
		}
		at[f] = i
	}
	for _, f := range Fields {
		if _, ok := m[f]; ok {
			continue
		}
		if i := slices.IndexFunc(header, func(h string) bool { return headerKey(h) == string(f) }); i >= 0 {
			at[f] = i
		}
	}
	return at, problems
}
