// Package partners holds the directory of partner organisations and their
// services, in the terms of the Open Referral Human Services Data
// Specification (HSDS) 3.0, and the referrals that send a mentee to a
// service: their statuses, the fields they share and the rules of each step.
//
// Glossary words: Partner (an organisation of the directory; HSDS says
// "partner", a word kept at the HSDS boundary, in internal/hsds),
// Service, Referral, Outcome (what a referral's help led to).
package partners

import (
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/text"
)

// Limits of the directory's fields.
const (
	MaxName     = 200
	MaxShort    = 400
	MaxLong     = 4000
	MaxContacts = 20
	MaxAreas    = 50
	MaxDocs     = 30
	MaxLangs    = 20
	MaxDomains  = 12
)

var (
	langCode    = regexp.MustCompile(`^[a-z]{2,3}$`)
	countryCode = regexp.MustCompile(`^[A-Z]{2}$`)
	domainKey   = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)
	uuidText    = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// ValidID tells whether s is an HSDS identifier as Homeward writes them: a
// lower-case UUID.
func ValidID(s string) bool { return uuidText.MatchString(s) }

// ContactPerson is a person at an organisation (HSDS contact with one phone).
type ContactPerson struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// Partner is a partner organisation (HSDS organization).
type Partner struct {
	ID int64 `json:"id"`
	// HSDSID is the organisation's identifier in HSDS files (a UUID); an
	// import finds the organisation by it.
	HSDSID      string          `json:"hsds_id"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Website     string          `json:"website"`
	Email       string          `json:"email"`
	Phone       string          `json:"phone"`
	Contacts    []ContactPerson `json:"contacts"`
	// Services are filled where a page or a file needs them.
	Services []Service `json:"services,omitempty"`
	// Users counts the organisation's active partner accounts: with none,
	// referrals go by phone or email and staff record the answers.
	Users     int       `json:"users"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ServiceStatus is HSDS's service status.
type ServiceStatus string

const (
	Active            ServiceStatus = "active"
	Inactive          ServiceStatus = "inactive"
	Defunct           ServiceStatus = "defunct"
	TemporarilyClosed ServiceStatus = "temporarily closed"
)

// ServiceStatuses lists them.
var ServiceStatuses = []ServiceStatus{Active, TemporarilyClosed, Inactive, Defunct}

// Area is where a service helps: a whole country (City empty) or a city in it.
type Area struct {
	Country string `json:"country"` // ISO 3166-1 alpha-2
	City    string `json:"city"`
}

// Service is what an organisation offers (HSDS service). NeedDomains are
// the need domains (program.DefaultNeedDomains and the programs' own) it
// helps with; HSDS files carry them as taxonomy terms.
type Service struct {
	ID                 int64         `json:"id"`
	HSDSID             string        `json:"hsds_id"`
	PartnerID          int64         `json:"partner_id"`
	PartnerName        string        `json:"partner_name,omitempty"`
	Name               string        `json:"name"`
	Description        string        `json:"description"`
	Status             ServiceStatus `json:"status"`
	Email              string        `json:"email"`
	URL                string        `json:"url"`
	Eligibility        string        `json:"eligibility"`
	ApplicationProcess string        `json:"application_process"`
	Fees               string        `json:"fees"`
	Schedule           string        `json:"schedule"`
	Languages          []string      `json:"languages"`
	Areas              []Area        `json:"areas"`
	RequiredDocuments  []string      `json:"required_documents"`
	NeedDomains        []string      `json:"need_domains"`
	// Results counts the service's referrals by how they ended; filled by
	// the directory's lists.
	Results   Results   `json:"results"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Results are a service's referrals by outcome.
type Results struct {
	Sent         int `json:"sent"`     // ever sent (not drafts)
	Open         int `json:"open"`     // sent, accepted or in progress
	GotHelp      int `json:"got_help"` // ended with help
	Ended        int `json:"ended"`    // got help, could not help or declined
	CouldNotHelp int `json:"could_not_help"`
	Declined     int `json:"declined"`
}

// SuccessPercent is the share of ended referrals that got help, in whole
// percent, and false when none has ended (no share to show). Withdrawn
// referrals are not the partner's doing and do not count.
func (r Results) SuccessPercent() (int, bool) {
	if r.Ended == 0 {
		return 0, false
	}
	return (r.GotHelp*100 + r.Ended/2) / r.Ended, true
}

// SuccessPercentText is SuccessPercent for pages: "" when none has ended.
func (r Results) SuccessPercentText() string {
	if p, ok := r.SuccessPercent(); ok {
		return strconv.Itoa(p)
	}
	return ""
}

// Normalize trims the organisation's fields.
func (o *Partner) Normalize() {
	o.Name = strings.Join(strings.Fields(o.Name), " ")
	o.HSDSID = strings.ToLower(strings.TrimSpace(o.HSDSID))
	for _, p := range []*string{&o.Description, &o.Website, &o.Email, &o.Phone} {
		*p = strings.TrimSpace(*p)
	}
	var cs []ContactPerson
	for _, c := range o.Contacts {
		c.Name, c.Title = strings.Join(strings.Fields(c.Name), " "), strings.TrimSpace(c.Title)
		c.Email, c.Phone = strings.TrimSpace(c.Email), strings.TrimSpace(c.Phone)
		if c != (ContactPerson{}) {
			cs = append(cs, c)
		}
	}
	o.Contacts = cs
}

// Validate checks the organisation; field names are the form's
// ("contacts.1.email" for the second contact).
func (o *Partner) Validate() error {
	f := map[string]string{}
	if o.HSDSID != "" && !ValidID(o.HSDSID) {
		f["hsds_id"] = "validation.hsds_id"
	}
	text.Check(f, "name", o.Name, true, false, MaxName)
	text.Check(f, "description", o.Description, false, true, MaxLong)
	checkURL(f, "website", o.Website)
	checkEmail(f, "email", o.Email)
	text.Check(f, "phone", o.Phone, false, false, MaxName)
	if len(o.Contacts) > MaxContacts {
		f["contacts"] = "validation.too_many"
	}
	for i, c := range o.Contacts {
		p := "contacts." + strconv.Itoa(i) + "."
		text.Check(f, p+"name", c.Name, true, false, MaxName)
		text.Check(f, p+"title", c.Title, false, false, MaxName)
		checkEmail(f, p+"email", c.Email)
		text.Check(f, p+"phone", c.Phone, false, false, MaxName)
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// Normalize trims the service's fields, upper-cases country codes,
// lower-cases languages and domains and drops repeats.
func (s *Service) Normalize() {
	s.Name = strings.Join(strings.Fields(s.Name), " ")
	s.HSDSID = strings.ToLower(strings.TrimSpace(s.HSDSID))
	for _, p := range []*string{&s.Description, &s.Email, &s.URL, &s.Eligibility, &s.ApplicationProcess, &s.Fees, &s.Schedule} {
		*p = strings.TrimSpace(*p)
	}
	s.Status = ServiceStatus(strings.ToLower(strings.TrimSpace(string(s.Status))))
	if s.Status == "" {
		s.Status = Active
	}
	s.Languages = normList(s.Languages, strings.ToLower)
	s.NeedDomains = normList(s.NeedDomains, strings.ToLower)
	s.RequiredDocuments = normList(s.RequiredDocuments, func(v string) string { return strings.Join(strings.Fields(v), " ") })
	var areas []Area
	for _, a := range s.Areas {
		a = Area{Country: strings.ToUpper(strings.TrimSpace(a.Country)), City: strings.Join(strings.Fields(a.City), " ")}
		if a != (Area{}) && !slices.Contains(areas, a) {
			areas = append(areas, a)
		}
	}
	s.Areas = areas
}

// Validate checks the service.
func (s *Service) Validate() error {
	f := map[string]string{}
	if s.HSDSID != "" && !ValidID(s.HSDSID) {
		f["hsds_id"] = "validation.hsds_id"
	}
	text.Check(f, "name", s.Name, true, false, MaxName)
	text.Check(f, "description", s.Description, false, true, MaxLong)
	if !slices.Contains(ServiceStatuses, s.Status) {
		f["status"] = "validation.choice"
	}
	checkEmail(f, "email", s.Email)
	checkURL(f, "url", s.URL)
	text.Check(f, "eligibility", s.Eligibility, false, true, MaxLong)
	text.Check(f, "application_process", s.ApplicationProcess, false, true, MaxLong)
	text.Check(f, "fees", s.Fees, false, true, MaxShort)
	text.Check(f, "schedule", s.Schedule, false, true, MaxShort)
	for _, l := range s.Languages {
		if !langCode.MatchString(l) {
			f["languages"] = "validation.language_codes"
		}
	}
	if len(s.Languages) > MaxLangs {
		f["languages"] = "validation.too_many"
	}
	for _, d := range s.NeedDomains {
		if !domainKey.MatchString(d) {
			f["need_domains"] = "validation.domain_keys"
		}
	}
	if len(s.NeedDomains) == 0 {
		f["need_domains"] = "validation.required"
	} else if len(s.NeedDomains) > MaxDomains {
		f["need_domains"] = "validation.too_many"
	}
	for _, a := range s.Areas {
		if !countryCode.MatchString(a.Country) {
			f["areas"] = "validation.area"
		} else if a.City != "" && (!text.Clean(a.City, false) || len([]rune(a.City)) > MaxName) {
			f["areas"] = "validation.area"
		}
	}
	if len(s.Areas) > MaxAreas {
		f["areas"] = "validation.too_many"
	}
	for _, d := range s.RequiredDocuments {
		if !text.Clean(d, false) || len([]rune(d)) > MaxShort {
			f["required_documents"] = "validation.bad_characters"
		}
	}
	if len(s.RequiredDocuments) > MaxDocs {
		f["required_documents"] = "validation.too_many"
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// ParseAreas reads areas typed one per line or comma-separated as
// "LT Vilnius", "LT: Vilnius", "LT/Vilnius" or "LT".
func ParseAreas(s string) []Area {
	var out []Area
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
		// Trimmed after the separators become spaces: ":Vilnius" or "/" is
		// not an area without a country.
		line = strings.TrimSpace(strings.NewReplacer(":", " ", "/", " ").Replace(line))
		if line == "" {
			continue
		}
		country, city, _ := strings.Cut(line, " ")
		out = append(out, Area{Country: strings.ToUpper(strings.TrimSpace(country)), City: strings.TrimSpace(city)})
	}
	return out
}

// FormatAreas writes areas for the form, one per line, as ParseAreas reads them.
func FormatAreas(areas []Area) string {
	var b strings.Builder
	for i, a := range areas {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(a.Country)
		if a.City != "" {
			b.WriteString(" " + a.City)
		}
	}
	return b.String()
}

// Directory is the whole directory: organisations with their services.
type Directory struct {
	Partners []Partner `json:"partners"`
}

func checkEmail(f map[string]string, field, v string) {
	if v == "" {
		return
	}
	if a, err := mail.ParseAddress(v); err != nil || a.Address != v || len(v) > 254 {
		f[field] = "validation.email"
	}
}

func checkURL(f map[string]string, field, v string) {
	if v == "" {
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(v) > 500 || !text.Clean(v, false) {
		f[field] = "validation.url"
	}
}

func normList(in []string, norm func(string) string) []string {
	var out []string
	for _, v := range in {
		v = norm(strings.TrimSpace(v))
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
