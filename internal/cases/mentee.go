package cases

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/iso"
	"homeward/internal/text"
)

// Mentee is a person supported by a program: their profile, and the record
// around it. The sensitive history is apart (History), sealed and read only
// through its own call.
type Mentee struct {
	ID int64 `json:"id"`
	Profile
	// UserID is the mentee's portal account, 0 without one.
	UserID    int64     `json:"user_id,omitempty"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Profile is what staff write of a mentee: the fields of the intake and
// profile forms, of the API's mentee body and of the store's profile
// columns, all of them this one type. A new field is added here, to
// Normalize and Validate, and where the README's recipe "Add a field end
// to end" says.
type Profile struct {
	CaseCode string `json:"case_code"` // used instead of the name wherever the name is not needed
	FullName string `json:"full_name"` // sealed
	// BirthYear is 0 when unknown.
	BirthYear       int      `json:"birth_year"`
	Gender          Gender   `json:"gender"`
	Languages       []string `json:"languages"` // ISO 639-1 codes
	Country         string   `json:"country"`   // ISO 3166-1 alpha-2
	City            string   `json:"city"`
	Family          string   `json:"family"` // family situation
	Children        int      `json:"children"`
	Occupation      string   `json:"occupation"`
	ContactChannels string   `json:"contact_channels"` // safe ways to reach the person; sealed
	ContactTimes    string   `json:"contact_times"`    // safe times
	ReferralSource  string   `json:"referral_source"`
}

// Gender as the person states it.
type Gender string

const (
	GenderUnstated Gender = ""
	Female         Gender = "female"
	Male           Gender = "male"
	GenderOther    Gender = "other"
)

// Genders lists the choices, unstated first.
var Genders = []Gender{GenderUnstated, Female, Male, GenderOther}

// Limits of the mentee's fields.
const (
	MaxName     = 160
	MaxShort    = 200
	MaxLong     = 4000
	MaxHistory  = 20000
	MaxCodeRune = 32
)

var (
	caseCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,31}$`)
)

// Normalize trims the fields and upper-cases the codes.
func (m *Profile) Normalize() {
	m.CaseCode = strings.ToUpper(strings.TrimSpace(m.CaseCode))
	m.FullName = strings.Join(strings.Fields(m.FullName), " ")
	m.Country = strings.ToUpper(strings.TrimSpace(m.Country))
	for _, p := range []*string{&m.City, &m.Family, &m.Occupation, &m.ContactChannels, &m.ContactTimes, &m.ReferralSource} {
		*p = strings.TrimSpace(*p)
	}
	var langs []string
	for _, l := range m.Languages {
		l = strings.ToLower(strings.TrimSpace(l))
		if l != "" && !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	m.Languages = langs
}

// Validate checks every field; currentYear bounds the birth year.
func (m *Profile) Validate(currentYear int) error {
	f := map[string]string{}
	if !caseCode.MatchString(m.CaseCode) {
		f["case_code"] = "validation.case_code"
	}
	text.Check(f, "full_name", m.FullName, true, false, MaxName)
	if m.BirthYear != 0 && (m.BirthYear < currentYear-110 || m.BirthYear > currentYear-10) {
		f["birth_year"] = "validation.birth_year"
	}
	if !slices.Contains(Genders, m.Gender) {
		f["gender"] = "validation.choice"
	}
	for _, l := range m.Languages {
		if !iso.IsLanguage(l) {
			f["languages"] = "validation.language_codes"
		}
	}
	if len(m.Languages) > 20 {
		f["languages"] = "validation.too_many"
	}
	if m.Country != "" && !iso.IsCountry(m.Country) {
		f["country"] = "validation.country_code"
	}
	if m.Children < 0 || m.Children > 30 {
		f["children"] = "validation.children"
	}
	text.Check(f, "city", m.City, false, false, MaxShort)
	text.Check(f, "family", m.Family, false, true, MaxLong)
	text.Check(f, "occupation", m.Occupation, false, false, MaxShort)
	text.Check(f, "contact_channels", m.ContactChannels, false, true, MaxLong)
	text.Check(f, "contact_times", m.ContactTimes, false, false, MaxShort)
	text.Check(f, "referral_source", m.ReferralSource, false, false, MaxShort)
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// ValidateIntake is Validate at intake, where the case code may be left to
// the program to make (made): then every field but the code is checked.
func (m *Profile) ValidateIntake(currentYear int, made bool) error {
	if !made {
		return m.Validate(currentYear)
	}
	c := *m
	c.CaseCode = "MADE-BY-PROGRAM"
	return c.Validate(currentYear)
}

// HistoryPart is one part of the sensitive history.
type HistoryPart string

const (
	Persecution    HistoryPart = "persecution"
	Arrests        HistoryPart = "arrests"  // arrests and searches
	Sentence       HistoryPart = "sentence" // sentence and facility
	CriminalRecord HistoryPart = "criminal_record"
	Health         HistoryPart = "health"
)

// HistoryParts lists the parts in the order pages show them.
var HistoryParts = []HistoryPart{Persecution, Arrests, Sentence, CriminalRecord, Health}

// Valid tells whether p is a part of the history.
func (p HistoryPart) Valid() bool { return slices.Contains(HistoryParts, p) }

// History is the mentee's sensitive history: each part sealed, readable by
// the program's coordinators and the case's psychologist, and by the mentor
// only for the parts the mentee chose to share.
type History struct {
	MenteeID int64                  `json:"mentee_id"`
	Parts    map[HistoryPart]string `json:"parts"`
	// Shared lists the parts the mentee chose to share with their mentor.
	Shared []HistoryPart `json:"shared"`
	// SharedBy and SharedAt record who recorded the mentee's choice, when.
	SharedBy int64      `json:"shared_by,omitempty"`
	SharedAt *time.Time `json:"shared_at,omitempty"`
	Version  int        `json:"version"`
}

// Validate checks the parts' text and the shared list.
func (h *History) Validate() error {
	f := map[string]string{}
	for p, v := range h.Parts {
		if !p.Valid() {
			f["parts"] = "validation.choice"
			continue
		}
		text.Check(f, string(p), v, false, true, MaxHistory)
	}
	for _, p := range h.Shared {
		if !p.Valid() {
			f["shared"] = "validation.choice"
		}
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// ConsentKind is what a consent is given for.
type ConsentKind string

const (
	ConsentProcessing ConsentKind = "processing"      // processing of the person's data
	ConsentPartners   ConsentKind = "partner_sharing" // sharing with partner organisations
	ConsentReporting  ConsentKind = "reporting"       // anonymous reporting
)

// ConsentKinds lists the kinds.
var ConsentKinds = []ConsentKind{ConsentProcessing, ConsentPartners, ConsentReporting}

// Valid tells whether k is a consent kind.
func (k ConsentKind) Valid() bool { return slices.Contains(ConsentKinds, k) }

// Consent is one record of a consent given or withdrawn; the newest of a
// kind is in force.
type Consent struct {
	ID             int64       `json:"id"`
	MenteeID       int64       `json:"mentee_id"`
	Kind           ConsentKind `json:"kind"`
	Given          bool        `json:"given"`
	RecordedBy     int64       `json:"recorded_by"`
	RecordedByName string      `json:"recorded_by_name"`
	RecordedAt     time.Time   `json:"recorded_at"`
}

// DuplicateCandidate is an existing mentee who may be the person about to
// be created, and why.
type DuplicateCandidate struct {
	Mentee Mentee `json:"mentee"`
	// Why: "case_code", "name" (a shared name word) and/or "birth_year".
	Why []string `json:"why"`
}
