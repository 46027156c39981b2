package hsds

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"homeward/internal/partners"
)

// The HSDS objects as Homeward writes them, in the order of jsonOrder.

type jPage struct {
	TotalItems int    `json:"total_items"`
	TotalPages int    `json:"total_pages"`
	PageNumber int    `json:"page_number"`
	Size       int    `json:"size"`
	FirstPage  bool   `json:"first_page"`
	LastPage   bool   `json:"last_page"`
	Empty      bool   `json:"empty"`
	Contents   []jOrg `json:"contents"`
}

type jOrg struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Website     string     `json:"website,omitempty"`
	Email       string     `json:"email,omitempty"`
	Phones      []jPhone   `json:"phones"`
	Contacts    []jContact `json:"contacts"`
	Services    []jService `json:"services"`
}

type jPhone struct {
	ID        string `json:"id"`
	ContactID string `json:"contact_id,omitempty"`
	Number    string `json:"number"`
}

type jContact struct {
	ID             string   `json:"id"`
	OrganizationID string   `json:"organization_id"`
	Name           string   `json:"name"`
	Title          string   `json:"title,omitempty"`
	Email          string   `json:"email,omitempty"`
	Phones         []jPhone `json:"phones"`
}

type jService struct {
	ID                     string      `json:"id"`
	OrganizationID         string      `json:"organization_id"`
	Name                   string      `json:"name"`
	Description            string      `json:"description,omitempty"`
	URL                    string      `json:"url,omitempty"`
	Email                  string      `json:"email,omitempty"`
	Status                 string      `json:"status"`
	EligibilityDescription string      `json:"eligibility_description,omitempty"`
	ApplicationProcess     string      `json:"application_process,omitempty"`
	FeesDescription        string      `json:"fees_description,omitempty"`
	Languages              []jLanguage `json:"languages"`
	ServiceAreas           []jArea     `json:"service_areas"`
	RequiredDocuments      []jDocument `json:"required_documents"`
	Schedules              []jSchedule `json:"schedules"`
	Attributes             []jAttr     `json:"attributes"`
}

type jLanguage struct {
	ID        string `json:"id"`
	ServiceID string `json:"service_id"`
	Name      string `json:"name"`
	Code      string `json:"code"`
}

type jArea struct {
	ID         string  `json:"id"`
	ServiceID  string  `json:"service_id"`
	Name       string  `json:"name"`
	Attributes []jAttr `json:"attributes"`
}

type jDocument struct {
	ID        string `json:"id"`
	ServiceID string `json:"service_id"`
	Document  string `json:"document"`
}

type jSchedule struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id"`
	Description string `json:"description"`
}

type jAttr struct {
	ID             string `json:"id"`
	LinkID         string `json:"link_id"`
	LinkType       string `json:"link_type"`
	LinkEntity     string `json:"link_entity"`
	TaxonomyTermID string `json:"taxonomy_term_id"`
	TaxonomyTerm   jTerm  `json:"taxonomy_term"`
}

type jTerm struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	Code           string     `json:"code"`
	Description    string     `json:"description"`
	TaxonomyID     string     `json:"taxonomy_id"`
	TaxonomyDetail *jTaxonomy `json:"taxonomy_detail,omitempty"`
}

type jTaxonomy struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

var (
	domainTaxonomy  = jTaxonomy{domainTaxonomyID, domainTaxonomyName, domainTaxonomyDescription}
	countryTaxonomy = jTaxonomy{countryTaxonomyID, countryTaxonomyName, countryTaxonomyDescription}
)

func term(tax *jTaxonomy, code string) jTerm {
	return jTerm{ID: termID(tax.ID, code), Name: code, Code: code, Description: code, TaxonomyID: tax.ID, TaxonomyDetail: tax}
}

// export turns the directory into HSDS objects with their identifiers.
func export(d partners.Directory) ([]jOrg, error) {
	orgs := make([]jOrg, 0, len(d.Partners))
	orgIDs, serviceIDs := map[string]bool{}, map[string]bool{}
	for i, o := range d.Partners {
		o.Normalize()
		if !partners.ValidID(o.HSDSID) || orgIDs[o.HSDSID] {
			return nil, fmt.Errorf("hsds: organisation %d has no HSDS id of its own", i+1)
		}
		orgIDs[o.HSDSID] = true
		jo := jOrg{ID: o.HSDSID, Name: o.Name, Description: o.Description, Website: o.Website, Email: o.Email,
			Phones: []jPhone{}, Contacts: []jContact{}, Services: []jService{}}
		if o.Phone != "" {
			jo.Phones = append(jo.Phones, jPhone{ID: childID(o.HSDSID, "phone", 0), Number: o.Phone})
		}
		for k, c := range o.Contacts {
			jc := jContact{ID: childID(o.HSDSID, "contact", k), OrganizationID: o.HSDSID, Name: c.Name, Title: c.Title,
				Email: c.Email, Phones: []jPhone{}}
			if c.Phone != "" {
				jc.Phones = append(jc.Phones, jPhone{ID: childID(jc.ID, "phone", 0), ContactID: jc.ID, Number: c.Phone})
			}
			jo.Contacts = append(jo.Contacts, jc)
		}
		for j, s := range o.Services {
			s.Normalize()
			if !partners.ValidID(s.HSDSID) || serviceIDs[s.HSDSID] {
				return nil, fmt.Errorf("hsds: service %d of organisation %d has no HSDS id of its own", j+1, i+1)
			}
			serviceIDs[s.HSDSID] = true
			jo.Services = append(jo.Services, exportService(o.HSDSID, s))
		}
		orgs = append(orgs, jo)
	}
	return orgs, nil
}

func exportService(orgID string, s partners.Service) jService {
	id := s.HSDSID
	js := jService{ID: id, OrganizationID: orgID, Name: s.Name, Description: s.Description, URL: s.URL,
		Email: s.Email, Status: string(s.Status), EligibilityDescription: s.Eligibility,
		ApplicationProcess: s.ApplicationProcess, FeesDescription: s.Fees,
		Languages: []jLanguage{}, ServiceAreas: []jArea{}, RequiredDocuments: []jDocument{},
		Schedules: []jSchedule{}, Attributes: []jAttr{}}
	for k, l := range s.Languages {
		js.Languages = append(js.Languages, jLanguage{ID: childID(id, "language", k), ServiceID: id, Name: l, Code: l})
	}
	for k, a := range s.Areas {
		aid := childID(id, "service_area", k)
		name := a.City
		if name == "" {
			name = a.Country
		}
		t := term(&countryTaxonomy, a.Country)
		js.ServiceAreas = append(js.ServiceAreas, jArea{ID: aid, ServiceID: id, Name: name, Attributes: []jAttr{{
			ID: childID(aid, "attribute", 0), LinkID: aid, LinkType: "service_area", LinkEntity: "service_area",
			TaxonomyTermID: t.ID, TaxonomyTerm: t,
		}}})
	}
	for k, doc := range s.RequiredDocuments {
		js.RequiredDocuments = append(js.RequiredDocuments, jDocument{ID: childID(id, "required_document", k), ServiceID: id, Document: doc})
	}
	if s.Schedule != "" {
		js.Schedules = append(js.Schedules, jSchedule{ID: childID(id, "schedule", 0), ServiceID: id, Description: s.Schedule})
	}
	for k, dom := range s.NeedDomains {
		t := term(&domainTaxonomy, dom)
		js.Attributes = append(js.Attributes, jAttr{ID: childID(id, "attribute", k), LinkID: id, LinkType: "service",
			LinkEntity: "service", TaxonomyTermID: t.ID, TaxonomyTerm: t})
	}
	return js
}

// WriteJSON writes the directory as the HSDS API's answer for the list of
// organisations with their full services, on one page. Every organisation
// and service needs an HSDS identifier of its own.
func WriteJSON(w io.Writer, d partners.Directory) error {
	orgs, err := export(d)
	if err != nil {
		return err
	}
	n := len(orgs)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jPage{TotalItems: n, TotalPages: 1, PageNumber: 1, Size: n, FirstPage: true, LastPage: true,
		Empty: n == 0, Contents: orgs})
}

// limitReader reads at most max bytes and remembers why it stopped.
type limitReader struct {
	r    io.Reader
	left int64
	over bool
	err  error // the underlying reader's error other than EOF
}

var errTooLarge = errors.New("hsds: file too large")

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// At the limit: fine if nothing follows.
		var one [1]byte
		n, err := io.ReadFull(l.r, one[:])
		if n == 0 && err == io.EOF {
			return 0, io.EOF
		}
		if err != nil && err != io.EOF {
			l.err = err
			return 0, err
		}
		l.over = true
		return 0, errTooLarge
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if err != nil && err != io.EOF {
		l.err = err
	}
	return n, err
}

// ReadJSON reads organisations as WriteJSON writes them, or a bare JSON
// array of HSDS organisations.
func ReadJSON(name string, r io.Reader) (partners.Directory, error) {
	br := bufio.NewReader(r)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\uFEFF")) {
		br.Discard(3) // a byte order mark, as some editors write
	}
	lr := &limitReader{r: br, left: maxJSONSize}
	p := &jsonReader{c: &collector{}, name: name, terms: map[string]*jTermInfo{}}
	for i := range p.ids {
		p.ids[i] = ids{}
	}
	dec := json.NewDecoder(lr)
	dec.UseNumber()
	err := p.read(dec)
	if err == nil {
		if _, e := dec.Token(); e != io.EOF {
			err = e
			if e == nil {
				err = errors.New("trailing data")
			}
		}
	}
	switch {
	case lr.err != nil:
		return partners.Directory{}, fmt.Errorf("hsds: reading %s: %w", name, lr.err)
	case lr.over:
		p.c.add(p.whole("", math.MaxInt), "hsds.too_large")
		return p.c.fail()
	case err == errStop:
		return p.c.fail()
	case err != nil:
		p.c.add(p.whole("", math.MaxInt), "hsds.bad_json")
		return p.c.fail()
	}
	p.resolve()
	return finish(p.c, p.orgs, p.services)
}

// errStop ends reading after a problem that leaves nothing to read.
var errStop = errors.New("stop")

type jTermInfo struct {
	kind   int
	code   string
	at     loc  // the term object or row
	broken bool // it has a problem of its own
}

// jAttrRef is an attribute waiting for its term: terms may be given in
// full once and referred to by identifier elsewhere.
type jAttrRef struct {
	at      loc
	termID  string
	service *xService // a service's attribute
	area    *xArea    // a service_area's attribute
}

type jsonReader struct {
	c        *collector
	name     string
	row      int // the organisation being read
	orgs     []*xOrg
	services []*xService
	ids      [9]ids
	terms    map[string]*jTermInfo
	attrs    []jAttrRef
}

// id kinds, indexes of jsonReader.ids.
const (
	kOrg = iota
	kService
	kPhone
	kContact
	kLanguage
	kArea
	kDocument
	kSchedule
	kAttribute
)

func (p *jsonReader) whole(field string, order int) spot {
	return spot{loc{file: p.name, json: true, order: []int{order}}, field}
}

func (p *jsonReader) read(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('['):
		return p.readList(dec)
	case json.Delim('{'):
	default:
		return errors.New("not an object")
	}
	seen := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if tok != "contents" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		if seen {
			return errors.New("contents twice")
		}
		seen = true
		if !dec.More() {
			return errors.New("no value")
		}
		tok, err = dec.Token()
		if err != nil {
			return err
		}
		if tok != json.Delim('[') {
			p.c.add(p.whole("contents", 0), "validation.wrong_type")
			return errStop
		}
		if err := p.readList(dec); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	if !seen {
		p.c.add(p.whole("contents", 0), "validation.required")
		return errStop
	}
	return nil
}

// readList reads the organisations of an array whose '[' is read.
func (p *jsonReader) readList(dec *json.Decoder) error {
	for dec.More() {
		p.row++
		if p.row > maxOrganizations {
			p.c.add(spot{loc{file: p.name, row: p.row, json: true}, ""}, "hsds.too_many")
			return errStop
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return err
		}
		if err := p.org(v); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// jobj is a JSON object with its place.
type jobj struct {
	p *jsonReader
	m map[string]any
	l loc
}

func (o jobj) str(key string) string {
	v, ok := o.m[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		o.p.c.add(o.l.at(key), "validation.wrong_type")
	}
	return s
}

// list returns the objects of an array field.
func (o jobj) list(key string) []jobj {
	v, ok := o.m[key]
	if !ok || v == nil {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		o.p.c.add(o.l.at(key), "validation.wrong_type")
		return nil
	}
	var out []jobj
	for i, e := range a {
		path := key + "[" + strconv.Itoa(i) + "]"
		m, ok := e.(map[string]any)
		if !ok {
			o.p.c.add(o.l.at(path), "validation.wrong_type")
			continue
		}
		out = append(out, jobj{o.p, m, loc{file: o.l.file, row: o.l.row, prefix: o.l.prefix + path + ".", json: true}})
	}
	return out
}

// obj returns an object field, or false.
func (o jobj) obj(key string) (jobj, bool) {
	v, ok := o.m[key]
	if !ok || v == nil {
		return jobj{}, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		o.p.c.add(o.l.at(key), "validation.wrong_type")
		return jobj{}, false
	}
	return jobj{o.p, m, loc{file: o.l.file, row: o.l.row, prefix: o.l.prefix + key + ".", json: true}}, true
}

// parent checks a field that names the enclosing record: if given, it must
// be that record's identifier.
func (o jobj) parent(key, id string) {
	if v := normID(o.str(key)); v != "" && v != id {
		o.p.c.add(o.l.at(key), "hsds.unknown_id")
	}
}

func (p *jsonReader) org(v any) error {
	l := loc{file: p.name, row: p.row, json: true}
	m, ok := v.(map[string]any)
	if !ok {
		p.c.add(l.at(""), "validation.wrong_type")
		return nil
	}
	o := jobj{p, m, l}
	x := &xOrg{at: l}
	id, ok := p.ids[kOrg].check(p.c, l.at("id"), o.str("id"))
	x.skip = !ok
	x.o = partners.Partner{HSDSID: id, Name: o.str("name"), Description: o.str("description"),
		Website: o.str("website"), Email: o.str("email")}
	for _, ph := range o.list("phones") {
		p.ids[kPhone].check(p.c, ph.l.at("id"), ph.str("id"))
		ph.parent("organization_id", id)
		number := ph.str("number")
		if required(p.c, ph.l.at("number"), number) && !x.phone {
			x.o.Phone, x.phoneAt, x.phone = number, ph.l.at("number"), true
		}
	}
	for _, co := range o.list("contacts") {
		cid, _ := p.ids[kContact].check(p.c, co.l.at("id"), co.str("id"))
		co.parent("organization_id", id)
		xc := &xContact{at: co.l, c: partners.ContactPerson{Name: co.str("name"), Title: co.str("title"), Email: co.str("email")}}
		for _, ph := range co.list("phones") {
			p.ids[kPhone].check(p.c, ph.l.at("id"), ph.str("id"))
			ph.parent("contact_id", cid)
			number := ph.str("number")
			if required(p.c, ph.l.at("number"), number) && !xc.phone {
				xc.c.Phone, xc.phoneAt, xc.phone = number, ph.l.at("number"), true
			}
		}
		x.contacts = append(x.contacts, xc)
	}
	for _, so := range o.list("services") {
		if len(p.services) >= maxServices {
			p.c.add(l.at(strings.TrimSuffix(so.l.prefix, ".")), "hsds.too_many")
			return errStop
		}
		s := p.service(so, id)
		x.services = append(x.services, s)
		p.services = append(p.services, s)
	}
	p.orgs = append(p.orgs, x)
	return nil
}

func (p *jsonReader) service(o jobj, orgID string) *xService {
	x := &xService{at: o.l}
	id, ok := p.ids[kService].check(p.c, o.l.at("id"), o.str("id"))
	x.skip = !ok
	o.parent("organization_id", orgID)
	x.s = partners.Service{HSDSID: id, Name: o.str("name"), Description: o.str("description"), URL: o.str("url"),
		Email: o.str("email"), Status: partners.ServiceStatus(o.str("status")),
		Eligibility: o.str("eligibility_description"), ApplicationProcess: o.str("application_process"),
		Fees: o.str("fees_description")}
	for _, lo := range o.list("languages") {
		p.ids[kLanguage].check(p.c, lo.l.at("id"), lo.str("id"))
		lo.parent("service_id", id)
		code := lo.str("code")
		if required(p.c, lo.l.at("code"), code) {
			x.langs = append(x.langs, item{code, lo.l.at("code")})
		}
	}
	for _, ao := range o.list("service_areas") {
		aid, _ := p.ids[kArea].check(p.c, ao.l.at("id"), ao.str("id"))
		ao.parent("service_id", id)
		a := &xArea{at: ao.l, name: ao.str("name")}
		for _, at := range ao.list("attributes") {
			p.attribute(at, aid, func(r *jAttrRef) { r.area = a })
		}
		x.areas = append(x.areas, a)
	}
	for _, do := range o.list("required_documents") {
		p.ids[kDocument].check(p.c, do.l.at("id"), do.str("id"))
		do.parent("service_id", id)
		x.docs = append(x.docs, item{do.str("document"), do.l.at("document")})
	}
	for _, sc := range o.list("schedules") {
		p.ids[kSchedule].check(p.c, sc.l.at("id"), sc.str("id"))
		sc.parent("service_id", id)
		if d := sc.str("description"); d != "" && !x.sched {
			x.s.Schedule, x.schedAt, x.sched = d, sc.l.at("description"), true
		}
	}
	for _, at := range o.list("attributes") {
		p.attribute(at, id, func(r *jAttrRef) { r.service = x })
	}
	return x
}

// attribute reads an attribute of the record with identifier owner.
func (p *jsonReader) attribute(o jobj, owner string, link func(*jAttrRef)) {
	p.ids[kAttribute].check(p.c, o.l.at("id"), o.str("id"))
	o.parent("link_id", owner)
	required(p.c, o.l.at("link_type"), o.str("link_type"))
	ref := jAttrRef{at: o.l, termID: normID(o.str("taxonomy_term_id"))}
	link(&ref)
	ok := true
	if t, has := o.obj("taxonomy_term"); has {
		tid, good := ids(nil).check(p.c, t.l.at("id"), t.str("id"))
		switch {
		case !good:
			ok = false
		case ref.termID == "":
			ref.termID = tid
		case ref.termID != tid:
			p.c.add(o.l.at("taxonomy_term_id"), "hsds.unknown_id")
			ok = false
		}
		if good && !p.term(t, tid) {
			ok = false
		}
	}
	switch {
	case !ok:
	case ref.termID == "":
		p.c.add(o.l.at("taxonomy_term_id"), "validation.required")
	case !partners.ValidID(ref.termID):
		p.c.add(o.l.at("taxonomy_term_id"), "hsds.bad_id")
	case ok:
		p.attrs = append(p.attrs, ref)
		return
	}
	ref.broken()
}

// broken marks the attribute's record: its problem is reported, and what
// it would have given is not missing for another reason.
func (r *jAttrRef) broken() {
	if r.service != nil {
		r.service.brokenDomains = true
	}
	if r.area != nil {
		r.area.broken = true
	}
}

// term records a term given in full; false when it is wrong.
func (p *jsonReader) term(t jobj, id string) bool {
	required(p.c, t.l.at("name"), t.str("name"))
	taxID := normID(t.str("taxonomy_id"))
	if taxID != "" && !partners.ValidID(taxID) {
		p.c.add(t.l.at("taxonomy_id"), "hsds.bad_id")
		return false
	}
	taxName := ""
	if d, ok := t.obj("taxonomy_detail"); ok {
		did := normID(d.str("id"))
		if did != "" && taxID != "" && did != taxID {
			p.c.add(d.l.at("id"), "hsds.unknown_id")
			return false
		}
		if taxID == "" {
			taxID = did
		}
		taxName = d.str("name")
	}
	info := &jTermInfo{kind: taxonomyKind(taxID, taxName), code: t.str("code"), at: t.l}
	if info.kind != taxOther && !required(p.c, t.l.at("code"), info.code) {
		return false
	}
	if old, ok := p.terms[id]; ok {
		if old.kind != info.kind || old.code != info.code {
			p.c.add(t.l.at("id"), "hsds.duplicate_id")
			return false
		}
		return true
	}
	p.terms[id] = info
	return true
}

// resolve gives the attributes their terms.
func (p *jsonReader) resolve() {
	for _, r := range p.attrs {
		t, ok := p.terms[r.termID]
		if !ok {
			p.c.add(r.at.at("taxonomy_term_id"), "hsds.unknown_id")
			r.broken()
			continue
		}
		switch {
		case r.service != nil && t.kind == taxDomain:
			r.service.domains = append(r.service.domains, item{t.code, t.at.at("code")})
		case r.area != nil && t.kind == taxCountry:
			setCountry(p.c, r.area, t.code, t.at.at("code"), r.at.at("taxonomy_term_id"))
		}
	}
	for _, s := range p.services {
		for _, a := range s.areas {
			if !a.hasCountry && !a.broken {
				p.c.add(a.at.at("attributes"), "hsds.area_country")
			}
		}
	}
}

// setCountry gives an area its country; a second, different one is a
// problem.
func setCountry(c *collector, a *xArea, code string, codeAt, attrAt spot) {
	switch {
	case !a.hasCountry:
		a.country, a.countryAt, a.hasCountry = code, codeAt, true
	case normCountry(a.country) != normCountry(code):
		c.add(attrAt, "hsds.area_country")
	}
}

func normCountry(s string) string {
	p := partners.Service{Areas: []partners.Area{{Country: s}}}
	p.Normalize()
	if len(p.Areas) == 0 {
		return ""
	}
	return p.Areas[0].Country
}
