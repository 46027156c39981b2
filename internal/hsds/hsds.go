// Package hsds reads and writes Homeward's partner directory as Open
// Referral Human Services Data Specification (HSDS) 3.0 files: the JSON of
// the HSDS API's paginated organisation list (organisations with their full
// services) and the tabular data package (a zip of datapackage.json and CSV
// files).
//
// Reading checks the whole file and names the file, row and field of every
// problem it finds; a file with any problem gives nothing but its Problems.
// Problems never hold the file's values, only where they are and an i18n
// key, because the values may be personal data.
//
// Homeward keeps less than HSDS can say: one phone per organisation and per
// contact, one schedule text per service, and no locations, programs or
// service phones. Reading takes the first phone and the first schedule with
// a description and ignores the records Homeward does not model (the rows of
// other tables, contacts of services or locations, languages of locations).
//
// Glossary words: Partner (HSDS's "organization": this package is the one
// place that keeps HSDS's word), Service.
package hsds

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"homeward/internal/errs"
	"homeward/internal/partners"
)

// Problem is one error in a file: File is the file name ("service.csv", or
// the JSON file's name), Row is the 1-based data row of a CSV file (header
// is row 0; 0 also means the whole file), or for JSON the 1-based position
// of the organisation in "contents" (0: the whole file); Field is the column
// (CSV) or a path inside the organisation for JSON, e.g. "services[1].name";
// Key is an i18n message key ("validation.required", "hsds.unknown_id", ...).
type Problem struct {
	File  string `json:"file"`
	Row   int    `json:"row"`
	Field string `json:"field"`
	Key   string `json:"key"`
}

// Problems is returned as the error when a file is broken; all problems
// found (cap at 200), in file order.
type Problems []Problem

// Error tells how many problems there are and the first.
func (p Problems) Error() string {
	if len(p) == 0 {
		return "hsds: no problems"
	}
	f := p[0]
	return fmt.Sprintf("hsds: %d problems, first: %s %d %s %s", len(p), f.File, f.Row, f.Field, f.Key)
}

// MaxProblems caps the problems a reader returns.
const MaxProblems = 200

// Limits of what a reader accepts. Variables so that tests can lower them.
var (
	maxOrganizations       = 5000
	maxServices            = 20000
	maxRows                = 200000   // rows of any other table
	maxEntries             = 64       // zip entries
	maxEntrySize     int64 = 20 << 20 // uncompressed bytes of one zip entry
	maxTotalSize     int64 = 64 << 20 // uncompressed bytes of all entries read
	maxJSONSize      int64 = 64 << 20
)

// maxCollected bounds the problems kept before sorting, whatever the file.
const maxCollected = 20000

// Fixed identifiers of the taxonomies Homeward writes, and the namespace of
// the identifiers it derives for child records.
const (
	domainTaxonomyID    = "2df72cd8-607f-4290-88c8-fc580ae9c6b8"
	domainTaxonomyName  = "Homeward need domains"
	countryTaxonomyID   = "ef738faa-5458-4f78-be7a-a98ec44b3a5e"
	countryTaxonomyName = "ISO 3166-1 alpha-2"
	idNamespace         = "9a00c7af-6c59-4f4e-8559-2c149bfa8695"

	domainTaxonomyDescription  = "The need domains that partner services help with, as keys."
	countryTaxonomyDescription = "Countries by their two-letter ISO 3166-1 code."
)

// childID derives the identifier of a parent's child record: a version 5
// style (SHA-1, name-based) UUID of the parent's identifier, the child's
// kind and its position, so that the same directory always gets the same
// identifiers.
func childID(parent, kind string, pos int) string {
	return nameID(parent, kind+"/"+strconv.Itoa(pos))
}

func nameID(parent, name string) string {
	ns, err := hex.DecodeString(strings.ReplaceAll(parent, "-", ""))
	if err != nil || len(ns) != 16 {
		panic("hsds: bad parent id") // callers pass valid ids only
	}
	h := sha1.New()
	h.Write(ns)
	h.Write([]byte(name))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	x := hex.EncodeToString(u)
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

func termID(taxonomy, code string) string { return nameID(taxonomy, "taxonomy_term/"+code) }

// normID is an identifier as compared: trimmed and lower-cased.
func normID(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// taxonomy kinds Homeward reads.
const (
	taxOther = iota
	taxDomain
	taxCountry
)

func taxonomyKind(id, name string) int {
	id, name = normID(id), strings.TrimSpace(name)
	switch {
	case id == domainTaxonomyID || strings.EqualFold(name, domainTaxonomyName):
		return taxDomain
	case id == countryTaxonomyID || strings.EqualFold(name, countryTaxonomyName):
		return taxCountry
	}
	return taxOther
}

// loc is where a record is: a CSV row, or an object inside a JSON
// organisation (prefix is its path, "services[0].").
type loc struct {
	file   string
	row    int
	prefix string
	t      *table // CSV tables: for the column order
	json   bool
	order  []int // explicit sort key, for whole-file problems
}

// spot is a field of a record.
type spot struct {
	l loc
	f string
}

func (l loc) at(field string) spot { return spot{l, field} }

type prob struct {
	p   Problem
	key []int
}

// collector gathers problems and sorts them in file order.
type collector struct {
	ps []prob
}

func (c *collector) add(s spot, key string) {
	if len(c.ps) >= maxCollected {
		return
	}
	p := Problem{File: s.l.file, Row: s.l.row, Field: s.l.prefix + s.f, Key: key}
	var k []int
	switch {
	case s.l.order != nil:
		k = s.l.order
	case s.l.t != nil:
		k = []int{s.l.t.idx, s.l.row, s.l.t.col(s.f)}
	case s.l.json:
		k = append([]int{s.l.row}, pathKey(p.Field)...)
	default:
		k = []int{-1, s.l.row}
	}
	c.ps = append(c.ps, prob{p, k})
}

func (c *collector) empty() bool { return len(c.ps) == 0 }

// problems sorts the problems in file order, keeps the first of each
// field (a structural problem is found before the domain's check of the
// same field) and caps them.
func (c *collector) problems() Problems {
	slices.SortStableFunc(c.ps, func(a, b prob) int { return slices.Compare(a.key, b.key) })
	type at struct {
		file  string
		row   int
		field string
	}
	seen := map[at]bool{}
	var out Problems
	for _, p := range c.ps {
		k := at{p.p.File, p.p.Row, p.p.Field}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, p.p)
		if len(out) == MaxProblems {
			break
		}
	}
	return out
}

func (c *collector) fail() (partners.Directory, error) {
	return partners.Directory{}, c.problems()
}

// jsonOrder is the order of the fields in the JSON Homeward writes; the
// problems of a JSON organisation sort by it.
var jsonOrder = func() map[string]int {
	m := map[string]int{}
	for i, f := range []string{"id", "organization_id", "service_id", "contact_id", "link_id", "link_type",
		"link_entity", "taxonomy_term_id", "taxonomy_term", "name", "code", "title", "document", "description",
		"website", "url", "email", "status", "eligibility_description", "application_process",
		"fees_description", "number", "phones", "contacts", "services", "languages", "service_areas",
		"required_documents", "schedules", "attributes", "taxonomy_id", "taxonomy_detail"} {
		m[f] = i
	}
	return m
}()

// pathKey turns "services[1].name" into a sort key.
func pathKey(path string) []int {
	var k []int
	if path == "" {
		return k
	}
	for seg := range strings.SplitSeq(path, ".") {
		name, idx, hasIdx := strings.Cut(seg, "[")
		o, ok := jsonOrder[name]
		if !ok {
			o = len(jsonOrder)
		}
		k = append(k, o)
		if hasIdx {
			n, _ := strconv.Atoi(strings.TrimSuffix(idx, "]"))
			k = append(k, n)
		}
	}
	return k
}

// The directory as read, with where each part came from; JSON and CSV
// readers both build it, and finish validates it.

type item struct {
	v  string
	at spot
}

type xContact struct {
	at      loc
	c       partners.ContactPerson
	phoneAt spot
	phone   bool
}

type xArea struct {
	at         loc
	name       string // the city, or the country code for the whole country
	country    string
	hasCountry bool
	countryAt  spot
	broken     bool // an attribute of it has a problem
}

type xService struct {
	at      loc
	s       partners.Service
	schedAt spot
	sched   bool
	langs   []item
	docs    []item
	domains []item
	areas   []*xArea
	// brokenDomains is set when an attribute could not be resolved: a
	// missing domain is then that problem's doing.
	brokenDomains bool
	skip          bool // its identifier is bad or taken: not validated
}

type xOrg struct {
	at       loc
	o        partners.Partner
	phoneAt  spot
	phone    bool
	contacts []*xContact
	services []*xService
	skip     bool
}

// fieldsOf returns the invalid fields of a Validate error.
func fieldsOf(err error) map[string]string {
	if err == nil {
		return nil
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return map[string]string{"": "hsds.invalid"}
}

// finish normalises and validates what was read and returns the directory,
// or the problems.
func finish(c *collector, orgs []*xOrg, services []*xService) (partners.Directory, error) {
	for _, o := range orgs {
		if !o.skip {
			checkOrg(c, o)
		}
	}
	for _, s := range services {
		if !s.skip {
			checkService(c, s)
		}
	}
	if !c.empty() {
		return c.fail()
	}
	d := partners.Directory{}
	for _, o := range orgs {
		org := o.o
		for _, s := range o.services {
			org.Services = append(org.Services, s.s)
		}
		d.Partners = append(d.Partners, org)
	}
	return d, nil
}

func checkOrg(c *collector, x *xOrg) {
	// Normalize drops contacts with nothing in them; keep the others'
	// places so that "contacts.N" finds its record.
	var kept []*xContact
	for _, xc := range x.contacts {
		probe := partners.Partner{Contacts: []partners.ContactPerson{xc.c}}
		probe.Normalize()
		if len(probe.Contacts) == 1 {
			kept = append(kept, xc)
		}
	}
	x.o.Contacts = nil
	for _, xc := range kept {
		x.o.Contacts = append(x.o.Contacts, xc.c)
	}
	x.o.Normalize()
	if len(x.o.Contacts) != len(kept) {
		kept = nil
	}
	for field, key := range fieldsOf(x.o.Validate()) {
		switch field {
		case "hsds_id":
			c.add(x.at.at("id"), key)
		case "name", "description", "website", "email":
			c.add(x.at.at(field), key)
		case "phone":
			c.add(x.phoneAt, key)
		case "contacts":
			if len(kept) > partners.MaxContacts {
				c.add(kept[partners.MaxContacts].at.at("id"), key)
			} else {
				c.add(x.at.at(jsonOr(x.at, "contacts", "id")), key)
			}
		default:
			rest, ok := strings.CutPrefix(field, "contacts.")
			n, f, _ := strings.Cut(rest, ".")
			i, err := strconv.Atoi(n)
			if !ok || err != nil || i < 0 || i >= len(kept) {
				c.add(x.at.at("id"), key)
				continue
			}
			switch f {
			case "phone":
				c.add(kept[i].phoneAt, key)
			case "name", "title", "email":
				c.add(kept[i].at.at(f), key)
			default:
				c.add(kept[i].at.at("id"), key)
			}
		}
	}
}

// jsonOr picks the field for JSON or for CSV.
func jsonOr(l loc, jsonField, csvField string) string {
	if l.json {
		return jsonField
	}
	return csvField
}

func checkService(c *collector, x *xService) {
	s := &x.s
	s.Languages, s.RequiredDocuments, s.NeedDomains, s.Areas = nil, nil, nil, nil
	for _, it := range x.langs {
		s.Languages = append(s.Languages, it.v)
	}
	for _, it := range x.docs {
		s.RequiredDocuments = append(s.RequiredDocuments, it.v)
	}
	for _, it := range x.domains {
		s.NeedDomains = append(s.NeedDomains, it.v)
	}
	var areas []*xArea
	for _, a := range x.areas {
		if a.hasCountry { // one without has its problem already
			areas = append(areas, a)
			s.Areas = append(s.Areas, a.area())
		}
	}
	rawStatus := s.Status
	s.Normalize()
	switch st := partners.ServiceStatus(strings.ToLower(strings.TrimSpace(string(rawStatus)))); {
	case st == "":
		c.add(x.at.at("status"), "validation.required")
	case !slices.Contains(partners.ServiceStatuses, st):
		c.add(x.at.at("status"), "hsds.bad_status")
	}
	for field, key := range fieldsOf(s.Validate()) {
		switch field {
		case "hsds_id":
			c.add(x.at.at("id"), key)
		case "name", "description", "url", "email", "status", "application_process":
			c.add(x.at.at(field), key)
		case "eligibility":
			c.add(x.at.at("eligibility_description"), key)
		case "fees":
			c.add(x.at.at("fees_description"), key)
		case "schedule":
			c.add(x.schedAt, key)
		case "languages":
			listProblems(c, x, key, x.langs, partners.MaxLangs, "languages", "languages",
				func(p *partners.Service, v item) { p.Languages = []string{v.v} },
				func(p *partners.Service) []string { return p.Languages })
		case "required_documents":
			listProblems(c, x, key, x.docs, partners.MaxDocs, "required_documents", "required_documents",
				func(p *partners.Service, v item) { p.RequiredDocuments = []string{v.v} },
				func(p *partners.Service) []string { return p.RequiredDocuments })
		case "need_domains":
			if key == "validation.required" {
				if !x.brokenDomains {
					c.add(x.at.at("attributes"), key)
				}
				continue
			}
			listProblems(c, x, key, x.domains, partners.MaxDomains, "need_domains", "attributes",
				func(p *partners.Service, v item) { p.NeedDomains = []string{v.v} },
				func(p *partners.Service) []string { return p.NeedDomains })
		case "areas":
			areaProblems(c, x, key, areas)
		default:
			c.add(x.at.at("id"), key)
		}
	}
}

// probe validates the service with one list changed and returns the key
// of field, if any.
func probe(s partners.Service, field string, change func(*partners.Service)) string {
	change(&s)
	s.Normalize()
	return fieldsOf(s.Validate())[field]
}

// listProblems finds the records behind a list field's error: each item
// that is wrong on its own, or the first one over the limit.
func listProblems(c *collector, x *xService, key string, items []item, max int, field, jsonField string,
	set func(*partners.Service, item), get func(*partners.Service) []string) {
	found := false
	for _, it := range items {
		if k := probe(x.s, field, func(p *partners.Service) { set(p, it) }); k != "" {
			c.add(it.at, k)
			found = true
		}
	}
	if found {
		return
	}
	if key == "validation.too_many" {
		var distinct []string
		for _, it := range items {
			p := x.s
			set(&p, it)
			p.Normalize()
			for _, v := range get(&p) {
				if !slices.Contains(distinct, v) {
					distinct = append(distinct, v)
					if len(distinct) == max+1 {
						c.add(it.at, key)
						return
					}
				}
			}
		}
	}
	c.add(x.at.at(jsonOr(x.at, jsonField, "id")), key)
}

func areaProblems(c *collector, x *xService, key string, areas []*xArea) {
	found := false
	for _, a := range areas {
		one := a.area()
		k := probe(x.s, "areas", func(p *partners.Service) { p.Areas = []partners.Area{one} })
		if k == "" {
			continue
		}
		found = true
		if probe(x.s, "areas", func(p *partners.Service) { p.Areas = []partners.Area{{Country: one.Country}} }) != "" {
			c.add(a.countryAt, k)
		} else {
			c.add(a.at.at("name"), k)
		}
	}
	if found {
		return
	}
	if key == "validation.too_many" {
		var distinct []partners.Area
		for _, a := range areas {
			p := partners.Service{Areas: []partners.Area{a.area()}}
			p.Normalize()
			for _, v := range p.Areas {
				if !slices.Contains(distinct, v) {
					distinct = append(distinct, v)
					if len(distinct) == partners.MaxAreas+1 {
						c.add(a.at.at("id"), key)
						return
					}
				}
			}
		}
	}
	c.add(x.at.at(jsonOr(x.at, "service_areas", "id")), key)
}

// ids checks identifiers: present, well-formed and not taken.
type ids map[string]bool

// check returns the normalised identifier, or "" with a problem; taken
// tells that the identifier was seen before (a problem too).
func (seen ids) check(c *collector, s spot, raw string) (id string, ok bool) {
	id = normID(raw)
	switch {
	case id == "":
		c.add(s, "validation.required")
	case !partners.ValidID(id):
		c.add(s, "hsds.bad_id")
	case seen != nil && seen[id]:
		c.add(s, "hsds.duplicate_id")
	default:
		if seen != nil {
			seen[id] = true
		}
		return id, true
	}
	return id, false
}

// ref checks a reference: empty is allowed unless required; otherwise it
// must be well-formed and found by exists.
func ref(c *collector, s spot, raw string, required bool, exists func(string) bool) (id string, ok bool) {
	id = normID(raw)
	switch {
	case id == "":
		if required {
			c.add(s, "validation.required")
		}
	case !partners.ValidID(id):
		c.add(s, "hsds.bad_id")
	case !exists(id):
		c.add(s, "hsds.unknown_id")
	default:
		return id, true
	}
	return id, false
}

// required reports an empty value.
func required(c *collector, s spot, v string) bool {
	if strings.TrimSpace(v) == "" {
		c.add(s, "validation.required")
		return false
	}
	return true
}

// area reads a service_area: its name is the city, or the country code
// (or nothing) for the whole country.
func (a *xArea) area() partners.Area {
	city := strings.TrimSpace(a.name)
	if strings.EqualFold(city, strings.TrimSpace(a.country)) {
		city = ""
	}
	return partners.Area{Country: a.country, City: city}
}
