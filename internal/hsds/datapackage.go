package hsds

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"homeward/internal/partners"
)

// column is a CSV column Homeward writes and reads.
type column struct {
	name   string
	format string // Frictionless string format: "uuid", "email", "uri"
	// required is HSDS's constraint, written to datapackage.json and, but
	// for lenient columns, checked when reading.
	required bool
	lenient  bool
	// header tells that a reader needs the column in the file.
	header bool
	enum   []string
}

type foreignKey struct{ field, resource string }

type tableDef struct {
	name   string // the HSDS table; its file is name + ".csv"
	plural string // the file name of HSDS's own datapackage.json
	cols   []column
	fks    []foreignKey
	needed bool // the package must have it
	max    *int
}

func idCol() column { return column{name: "id", format: "uuid", required: true, header: true} }

func refCol(name string, required, header bool) column {
	return column{name: name, format: "uuid", required: required, header: header}
}

var statuses = func() []string {
	var s []string
	for _, st := range partners.ServiceStatuses {
		s = append(s, string(st))
	}
	return s
}()

// tables are the HSDS tables Homeward uses, in the order it writes and
// reads them.
var tables = []*tableDef{
	{name: "organization", plural: "organizations", needed: true, max: &maxOrganizations, cols: []column{
		idCol(), {name: "name", required: true, header: true}, {name: "description"},
		{name: "email", format: "email"}, {name: "website", format: "uri"},
	}},
	{name: "service", plural: "services", needed: true, max: &maxServices, cols: []column{
		idCol(), refCol("organization_id", true, true), {name: "name", required: true, header: true},
		{name: "description"}, {name: "url", format: "uri"}, {name: "email", format: "email"},
		{name: "status", required: true, header: true, enum: statuses}, {name: "application_process"},
		{name: "fees_description"}, {name: "eligibility_description"},
	}, fks: []foreignKey{{"organization_id", "organization"}}},
	{name: "contact", plural: "contacts", cols: []column{
		idCol(), refCol("organization_id", false, true), {name: "name"}, {name: "title"},
		{name: "email", format: "email"},
	}, fks: []foreignKey{{"organization_id", "organization"}}},
	{name: "phone", plural: "phones", cols: []column{
		idCol(), refCol("organization_id", false, false), refCol("service_id", false, false),
		refCol("contact_id", false, false), {name: "number", required: true, header: true},
	}, fks: []foreignKey{{"organization_id", "organization"}, {"service_id", "service"}, {"contact_id", "contact"}}},
	{name: "language", plural: "languages", cols: []column{
		idCol(), refCol("service_id", false, true), {name: "name"}, {name: "code", header: true},
	}, fks: []foreignKey{{"service_id", "service"}}},
	{name: "service_area", plural: "service_areas", cols: []column{
		idCol(), refCol("service_id", false, true), {name: "name"},
	}, fks: []foreignKey{{"service_id", "service"}}},
	{name: "required_document", plural: "required_documents", cols: []column{
		idCol(), refCol("service_id", false, true), {name: "document", header: true},
	}, fks: []foreignKey{{"service_id", "service"}}},
	{name: "schedule", plural: "schedules", cols: []column{
		idCol(), refCol("service_id", false, true), {name: "description", header: true},
	}, fks: []foreignKey{{"service_id", "service"}}},
	{name: "taxonomy", plural: "taxonomies", cols: []column{
		idCol(), {name: "name", required: true, header: true}, {name: "description", required: true, lenient: true},
	}},
	{name: "taxonomy_term", plural: "taxonomy_terms", cols: []column{
		idCol(), {name: "code", header: true}, {name: "name", required: true, header: true},
		{name: "description", required: true, lenient: true}, refCol("taxonomy_id", false, true),
	}, fks: []foreignKey{{"taxonomy_id", "taxonomy"}}},
	{name: "attribute", plural: "attributes", cols: []column{
		idCol(), refCol("link_id", true, true), {name: "link_type", required: true, header: true},
		{name: "link_entity", required: true, header: true}, refCol("taxonomy_term_id", true, true),
	}, fks: []foreignKey{{"taxonomy_term_id", "taxonomy_term"}}},
}

func tableByName(name string) *tableDef {
	for _, t := range tables {
		if t.name == name {
			return t
		}
	}
	panic("hsds: no table " + name)
}

// The datapackage.json Homeward writes (Frictionless tabular data package).

type dpPackage struct {
	Name      string       `json:"name"`
	Title     string       `json:"title"`
	Profile   string       `json:"profile"`
	Resources []dpResource `json:"resources"`
}

type dpResource struct {
	Name      string   `json:"name"`
	Path      string   `json:"path"`
	Profile   string   `json:"profile"`
	Format    string   `json:"format"`
	Mediatype string   `json:"mediatype"`
	Encoding  string   `json:"encoding"`
	Schema    dpSchema `json:"schema"`
}

type dpSchema struct {
	Fields      []dpField      `json:"fields"`
	PrimaryKey  string         `json:"primaryKey"`
	ForeignKeys []dpForeignKey `json:"foreignKeys,omitempty"`
}

type dpField struct {
	Name        string         `json:"name"`
	Type        string         `json:"type"`
	Format      string         `json:"format,omitempty"`
	Constraints *dpConstraints `json:"constraints,omitempty"`
}

type dpConstraints struct {
	Required bool     `json:"required,omitempty"`
	Unique   bool     `json:"unique,omitempty"`
	Enum     []string `json:"enum,omitempty"`
}

type dpForeignKey struct {
	Fields    string      `json:"fields"`
	Reference dpReference `json:"reference"`
}

type dpReference struct {
	Resource string `json:"resource"`
	Fields   string `json:"fields"`
}

func descriptor() dpPackage {
	p := dpPackage{Name: "homeward-partner-directory", Title: "Homeward partner directory (HSDS 3.0)",
		Profile: "tabular-data-package"}
	for _, t := range tables {
		r := dpResource{Name: t.name, Path: t.name + ".csv", Profile: "tabular-data-resource", Format: "csv",
			Mediatype: "text/csv", Encoding: "utf-8", Schema: dpSchema{PrimaryKey: "id"}}
		for _, c := range t.cols {
			f := dpField{Name: c.name, Type: "string", Format: c.format}
			if c.required || c.name == "id" || c.enum != nil {
				f.Constraints = &dpConstraints{Required: c.required, Unique: c.name == "id", Enum: c.enum}
			}
			r.Schema.Fields = append(r.Schema.Fields, f)
		}
		for _, k := range t.fks {
			r.Schema.ForeignKeys = append(r.Schema.ForeignKeys, dpForeignKey{k.field, dpReference{k.resource, "id"}})
		}
		p.Resources = append(p.Resources, r)
	}
	return p
}

// zipTime is the modification time of the entries Homeward writes, fixed
// so that the same directory gives the same bytes.
var zipTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteDataPackage writes the directory as an HSDS tabular data package: a
// zip of datapackage.json and one CSV file per table. Every organisation
// and service needs an HSDS identifier of its own.
func WriteDataPackage(w io.Writer, d partners.Directory) error {
	orgs, err := export(d)
	if err != nil {
		return err
	}
	rows := flatten(orgs)
	zw := zip.NewWriter(w)
	add := func(name string, data []byte) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	}
	dp, err := json.MarshalIndent(descriptor(), "", "  ")
	if err != nil {
		return err
	}
	if err := add("datapackage.json", append(dp, '\n')); err != nil {
		return err
	}
	for _, t := range tables {
		var b bytes.Buffer
		cw := csv.NewWriter(&b)
		head := make([]string, len(t.cols))
		for i, c := range t.cols {
			head[i] = c.name
		}
		_ = cw.Write(head)
		for _, r := range rows[t.name] {
			rec := make([]string, len(t.cols))
			for i, c := range t.cols {
				rec[i] = r[c.name]
			}
			_ = cw.Write(rec)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if err := add(t.name+".csv", b.Bytes()); err != nil {
			return err
		}
	}
	return zw.Close()
}

type record = map[string]string

// flatten turns the HSDS objects into the rows of each table.
func flatten(orgs []jOrg) map[string][]record {
	out := map[string][]record{}
	put := func(table string, r record) { out[table] = append(out[table], r) }
	terms := map[string]jTerm{}
	attr := func(a jAttr) {
		terms[a.TaxonomyTermID] = a.TaxonomyTerm
		put("attribute", record{"id": a.ID, "link_id": a.LinkID, "link_type": a.LinkType,
			"link_entity": a.LinkEntity, "taxonomy_term_id": a.TaxonomyTermID})
	}
	for _, o := range orgs {
		put("organization", record{"id": o.ID, "name": o.Name, "description": o.Description, "email": o.Email,
			"website": o.Website})
		for _, p := range o.Phones {
			put("phone", record{"id": p.ID, "organization_id": o.ID, "number": p.Number})
		}
		for _, c := range o.Contacts {
			put("contact", record{"id": c.ID, "organization_id": o.ID, "name": c.Name, "title": c.Title,
				"email": c.Email})
			for _, p := range c.Phones {
				put("phone", record{"id": p.ID, "contact_id": c.ID, "number": p.Number})
			}
		}
		for _, s := range o.Services {
			put("service", record{"id": s.ID, "organization_id": o.ID, "name": s.Name, "description": s.Description,
				"url": s.URL, "email": s.Email, "status": s.Status, "application_process": s.ApplicationProcess,
				"fees_description": s.FeesDescription, "eligibility_description": s.EligibilityDescription})
			for _, l := range s.Languages {
				put("language", record{"id": l.ID, "service_id": s.ID, "name": l.Name, "code": l.Code})
			}
			for _, d := range s.RequiredDocuments {
				put("required_document", record{"id": d.ID, "service_id": s.ID, "document": d.Document})
			}
			for _, sc := range s.Schedules {
				put("schedule", record{"id": sc.ID, "service_id": s.ID, "description": sc.Description})
			}
			for _, a := range s.Attributes {
				attr(a)
			}
			for _, a := range s.ServiceAreas {
				put("service_area", record{"id": a.ID, "service_id": s.ID, "name": a.Name})
				for _, at := range a.Attributes {
					attr(at)
				}
			}
		}
	}
	for _, t := range []jTaxonomy{domainTaxonomy, countryTaxonomy} {
		put("taxonomy", record{"id": t.ID, "name": t.Name, "description": t.Description})
	}
	var ts []jTerm
	for _, t := range terms {
		ts = append(ts, t)
	}
	// Need domains first, then countries, each by code.
	slices.SortFunc(ts, func(a, b jTerm) int {
		if a.TaxonomyID != b.TaxonomyID {
			if a.TaxonomyID == domainTaxonomyID {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Code, b.Code)
	})
	for _, t := range ts {
		put("taxonomy_term", record{"id": t.ID, "code": t.Code, "name": t.Name, "description": t.Description,
			"taxonomy_id": t.TaxonomyID})
	}
	return out
}

// Read reads a data package (a zip) or, for anything else, JSON.
func Read(name string, data []byte) (partners.Directory, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return ReadDataPackage(name, bytes.NewReader(data), int64(len(data)))
	}
	return ReadJSON(name, bytes.NewReader(data))
}

// table is a CSV file as read.
type table struct {
	def    *tableDef
	file   string
	idx    int // the resource's place in datapackage.json: problems sort by it
	header map[string]int
	rows   [][]string
}

func (t *table) col(field string) int {
	if i, ok := t.header[field]; ok {
		return i
	}
	for i, c := range t.def.cols {
		if c.name == field {
			return 1000 + i
		}
	}
	return 2000
}

func (t *table) get(r []string, col string) string {
	if i, ok := t.header[col]; ok && i < len(r) {
		return r[i]
	}
	return ""
}

const packageFile = "datapackage.json"

// zipEntryCount reads the number of entries from a zip's end of central
// directory record (the last 22 bytes, or before a comment of up to 64 KiB).
// A zip64 archive (0xFFFF entries) is refused: a directory file never
// needs one.
func zipEntryCount(r io.ReaderAt, size int64) (int, bool) {
	const eocd, maxComment = 22, 1<<16 - 1
	if size < eocd {
		return 0, false
	}
	n := min(size, eocd+maxComment)
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, size-n); err != nil && !errors.Is(err, io.EOF) {
		return 0, false
	}
	for i := len(buf) - eocd; i >= 0; i-- {
		if buf[i] == 'P' && buf[i+1] == 'K' && buf[i+2] == 5 && buf[i+3] == 6 {
			count := int(buf[i+10]) | int(buf[i+11])<<8
			return count, count != 0xFFFF
		}
	}
	return 0, false
}

// ReadDataPackage reads an HSDS tabular data package (a zip with
// datapackage.json) as WriteDataPackage writes it. Other HSDS tables and
// columns in it are ignored. name is the zip's name, for whole-package
// problems.
func ReadDataPackage(name string, r io.ReaderAt, size int64) (partners.Directory, error) {
	c := &collector{}
	whole := spot{loc{file: name, order: []int{-2}}, ""}
	// The entry count from the end record first: zip.NewReader reads the
	// whole central directory into memory, however many entries it lists.
	if n, ok := zipEntryCount(r, size); !ok {
		c.add(whole, "hsds.bad_zip")
		return c.fail()
	} else if n > maxEntries {
		c.add(whole, "hsds.too_many")
		return c.fail()
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		c.add(whole, "hsds.bad_zip")
		return c.fail()
	}
	if len(zr.File) > maxEntries {
		c.add(whole, "hsds.too_many")
		return c.fail()
	}
	entries := map[string]*zip.File{}
	for _, f := range zr.File {
		switch {
		case f.Name == "" || strings.ContainsAny(f.Name, `/\`) || strings.Contains(f.Name, ".."):
			c.add(whole, "hsds.unsafe_path")
		case entries[f.Name] != nil:
			c.add(whole, "hsds.bad_zip")
		}
		entries[f.Name] = f
	}
	if !c.empty() {
		return c.fail()
	}
	budget := maxTotalSize
	dpAt := spot{loc{file: packageFile, order: []int{-1}}, ""}
	f := entries[packageFile]
	if f == nil {
		c.add(dpAt, "hsds.missing_file")
		return c.fail()
	}
	data, key := readEntry(f, &budget)
	if key != "" {
		c.add(dpAt, key)
		return c.fail()
	}
	found := readDescriptor(c, data)
	if !c.empty() {
		return c.fail()
	}
	tabs := map[string]*table{}
	for _, def := range tables {
		t := found[def.name]
		if t == nil {
			if def.needed {
				c.add(spot{loc{file: def.name + ".csv", order: []int{-1}}, ""}, "hsds.missing_file")
			}
			tabs[def.name] = &table{def: def, file: def.name + ".csv", idx: 1 << 20}
			continue
		}
		tabs[def.name] = t
		at := spot{loc{file: t.file, t: t}, ""}
		f := entries[t.file]
		if f == nil {
			c.add(at, "hsds.missing_file")
			continue
		}
		data, key := readEntry(f, &budget)
		if key != "" {
			c.add(at, key)
			if budget < 0 {
				break
			}
			continue
		}
		readCSV(c, t, data)
	}
	if !c.empty() {
		return c.fail()
	}
	return readTables(c, tabs)
}

// readEntry reads a zip entry within the limits, whatever its header
// says; key is the problem, if any.
func readEntry(f *zip.File, budget *int64) (data []byte, key string) {
	rc, err := f.Open()
	if err != nil {
		return nil, "hsds.bad_zip"
	}
	defer rc.Close()
	limit := min(maxEntrySize, *budget)
	data, err = io.ReadAll(io.LimitReader(rc, limit+1))
	switch {
	case err != nil:
		return nil, "hsds.bad_zip"
	case int64(len(data)) > limit:
		if limit < maxEntrySize {
			*budget = -1 // the package as a whole is too large
		}
		return nil, "hsds.too_large"
	}
	*budget -= int64(len(data))
	return data, ""
}

// readDescriptor checks datapackage.json and finds the tables in it.
func readDescriptor(c *collector, data []byte) map[string]*table {
	at := func(field string) spot { return spot{loc{file: packageFile, order: []int{-1}}, field} }
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		c.add(at(""), "hsds.bad_json")
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.add(at(""), "hsds.bad_package")
		return nil
	}
	res, ok := m["resources"].([]any)
	if !ok || len(res) == 0 {
		c.add(at("resources"), "hsds.bad_package")
		return nil
	}
	found := map[string]*table{}
	for i, r := range res {
		p := "resources[" + strconv.Itoa(i) + "]"
		rm, ok := r.(map[string]any)
		if !ok {
			c.add(at(p), "hsds.bad_package")
			continue
		}
		if n, ok := rm["name"].(string); !ok || n == "" {
			c.add(at(p+".name"), "hsds.bad_package")
		}
		path, ok := rm["path"].(string)
		if !ok {
			if _, list := rm["path"].([]any); !list { // a multipart resource: not one of ours
				c.add(at(p+".path"), "hsds.bad_package")
			}
			continue
		}
		for _, def := range tables {
			if path != def.name+".csv" && path != def.plural+".csv" {
				continue
			}
			if found[def.name] != nil {
				c.add(at(p+".path"), "hsds.bad_package")
				break
			}
			found[def.name] = &table{def: def, file: path, idx: i}
		}
	}
	return found
}

// readCSV parses a table and checks its header.
func readCSV(c *collector, t *table, data []byte) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	cr := csv.NewReader(bytes.NewReader(data))
	head, err := cr.Read()
	if err != nil {
		c.add(spot{loc{file: t.file, t: t}, ""}, "hsds.bad_csv")
		return
	}
	t.header = map[string]int{}
	for i, h := range head {
		h = strings.TrimSpace(h)
		if _, dup := t.header[h]; dup {
			// Name the column only if it is one of ours: the header is the
			// file's text.
			field := ""
			if t.col(h) < 2000 {
				field = h
			}
			c.add(spot{loc{file: t.file, t: t}, field}, "hsds.bad_csv")
			continue
		}
		t.header[h] = i
	}
	for _, col := range t.def.cols {
		if _, ok := t.header[col.name]; col.header && !ok {
			c.add(spot{loc{file: t.file, t: t}, col.name}, "hsds.missing_column")
		}
	}
	max := maxRows
	if t.def.max != nil {
		max = *t.def.max
	}
	for row := 1; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return
		}
		if row > max {
			c.add(spot{loc{file: t.file, row: row, t: t}, ""}, "hsds.too_many")
			return
		}
		if err != nil {
			c.add(spot{loc{file: t.file, row: row, t: t}, ""}, "hsds.bad_csv")
			if !errors.Is(err, csv.ErrFieldCount) {
				return
			}
			continue
		}
		t.rows = append(t.rows, rec)
	}
}

// readTables builds the directory from the tables' rows.
func readTables(c *collector, tabs map[string]*table) (partners.Directory, error) {
	type idx[T any] map[string]T
	orgs, services := idx[*xOrg]{}, idx[*xService]{}
	contacts, areas := idx[*xContact]{}, idx[*xArea]{}
	phones, taxonomies, terms := idx[bool]{}, idx[int]{}, idx[*jTermInfo]{}
	var orgList []*xOrg
	var serviceList []*xService
	rows := func(name string, each func(t *table, r []string, l loc)) {
		t := tabs[name]
		for i, r := range t.rows {
			l := loc{file: t.file, row: i + 1, t: t}
			// HSDS's required values, but those checked on the way.
			for _, col := range t.def.cols {
				if col.required && !col.lenient && col.format != "uuid" {
					required(c, l.at(col.name), t.get(r, col.name))
				}
			}
			each(t, r, l)
		}
	}
	has := func(m map[string]bool) func(string) bool { return func(id string) bool { return m[id] } }
	seen := ids{}
	rows("organization", func(t *table, r []string, l loc) {
		id, ok := seen.check(c, l.at("id"), t.get(r, "id"))
		x := &xOrg{at: l, skip: !ok, o: partners.Partner{HSDSID: id, Name: t.get(r, "name"),
			Description: t.get(r, "description"), Website: t.get(r, "website"), Email: t.get(r, "email")}}
		if ok {
			orgs[id] = x
		}
		orgList = append(orgList, x)
	})
	orgExists := func(id string) bool { return orgs[id] != nil }
	serviceExists := func(id string) bool { return services[id] != nil }
	seen = ids{}
	rows("service", func(t *table, r []string, l loc) {
		id, ok := seen.check(c, l.at("id"), t.get(r, "id"))
		x := &xService{at: l, skip: !ok, s: partners.Service{HSDSID: id, Name: t.get(r, "name"),
			Description: t.get(r, "description"), URL: t.get(r, "url"), Email: t.get(r, "email"),
			Status: partners.ServiceStatus(t.get(r, "status")), ApplicationProcess: t.get(r, "application_process"),
			Fees: t.get(r, "fees_description"), Eligibility: t.get(r, "eligibility_description")}}
		if ok {
			services[id] = x
		}
		if oid, found := ref(c, l.at("organization_id"), t.get(r, "organization_id"), true, orgExists); found && ok {
			orgs[oid].services = append(orgs[oid].services, x)
		}
		serviceList = append(serviceList, x)
	})
	seen = ids{}
	rows("contact", func(t *table, r []string, l loc) {
		id, ok := seen.check(c, l.at("id"), t.get(r, "id"))
		x := &xContact{at: l, c: partners.ContactPerson{Name: t.get(r, "name"), Title: t.get(r, "title"), Email: t.get(r, "email")}}
		if ok {
			contacts[id] = x
		}
		if oid, found := ref(c, l.at("organization_id"), t.get(r, "organization_id"), false, orgExists); found && ok {
			orgs[oid].contacts = append(orgs[oid].contacts, x)
		}
	})
	seen = ids{}
	rows("phone", func(t *table, r []string, l loc) {
		if id, ok := seen.check(c, l.at("id"), t.get(r, "id")); ok {
			phones[id] = true
		}
		oid, orgOK := ref(c, l.at("organization_id"), t.get(r, "organization_id"), false, orgExists)
		sid, _ := ref(c, l.at("service_id"), t.get(r, "service_id"), false, serviceExists)
		cid, contactOK := ref(c, l.at("contact_id"), t.get(r, "contact_id"), false, func(id string) bool { return contacts[id] != nil })
		number := t.get(r, "number")
		switch {
		case strings.TrimSpace(number) == "":
		case cid != "":
			if xc := contacts[cid]; contactOK && !xc.phone {
				xc.c.Phone, xc.phoneAt, xc.phone = number, l.at("number"), true
			}
		case oid != "" && sid == "":
			if o := orgs[oid]; orgOK && !o.phone {
				o.o.Phone, o.phoneAt, o.phone = number, l.at("number"), true
			}
		}
	})
	// The service's records: each row belongs to the service it names, if any.
	serviceRows := func(name string, each func(t *table, r []string, l loc, s *xService, id string)) {
		seen := ids{}
		rows(name, func(t *table, r []string, l loc) {
			id, _ := seen.check(c, l.at("id"), t.get(r, "id"))
			sid, ok := ref(c, l.at("service_id"), t.get(r, "service_id"), false, serviceExists)
			var s *xService
			if ok {
				s = services[sid]
			}
			each(t, r, l, s, id)
		})
	}
	serviceRows("language", func(t *table, r []string, l loc, s *xService, _ string) {
		if s == nil {
			return
		}
		if code := t.get(r, "code"); required(c, l.at("code"), code) {
			s.langs = append(s.langs, item{code, l.at("code")})
		}
	})
	serviceRows("service_area", func(t *table, r []string, l loc, s *xService, id string) {
		a := &xArea{at: l, name: t.get(r, "name")}
		if id != "" && partners.ValidID(id) && areas[id] == nil {
			areas[id] = a
		}
		if s != nil {
			s.areas = append(s.areas, a)
		}
	})
	serviceRows("required_document", func(t *table, r []string, l loc, s *xService, _ string) {
		if s != nil {
			s.docs = append(s.docs, item{t.get(r, "document"), l.at("document")})
		}
	})
	serviceRows("schedule", func(t *table, r []string, l loc, s *xService, _ string) {
		if d := t.get(r, "description"); s != nil && !s.sched && strings.TrimSpace(d) != "" {
			s.s.Schedule, s.schedAt, s.sched = d, l.at("description"), true
		}
	})
	seen = ids{}
	rows("taxonomy", func(t *table, r []string, l loc) {
		if id, ok := seen.check(c, l.at("id"), t.get(r, "id")); ok {
			taxonomies[id] = taxonomyKind(id, t.get(r, "name"))
		}
	})
	seen = ids{}
	rows("taxonomy_term", func(t *table, r []string, l loc) {
		id, ok := seen.check(c, l.at("id"), t.get(r, "id"))
		info := &jTermInfo{code: t.get(r, "code"), at: l}
		tid, taxOK := ref(c, l.at("taxonomy_id"), t.get(r, "taxonomy_id"), false, func(id string) bool {
			_, ok := taxonomies[id]
			return ok
		})
		switch {
		case taxOK:
			info.kind = taxonomies[tid]
		case tid != "":
			info.broken = true
		}
		if info.kind != taxOther && !required(c, l.at("code"), info.code) {
			info.broken = true
		}
		if ok {
			terms[id] = info
		}
	})
	seen = ids{}
	rows("attribute", func(t *table, r []string, l loc) {
		seen.check(c, l.at("id"), t.get(r, "id"))
		entity := strings.ToLower(strings.TrimSpace(t.get(r, "link_entity")))
		exists := func(string) bool { return true }
		switch entity {
		case "organization":
			exists = orgExists
		case "service":
			exists = serviceExists
		case "service_area":
			exists = func(id string) bool { return areas[id] != nil }
		case "contact":
			exists = func(id string) bool { return contacts[id] != nil }
		case "phone":
			exists = has(phones)
		}
		lid, linkOK := ref(c, l.at("link_id"), t.get(r, "link_id"), true, exists)
		tid, termOK := ref(c, l.at("taxonomy_term_id"), t.get(r, "taxonomy_term_id"), true, func(id string) bool { return terms[id] != nil })
		var s *xService
		var a *xArea
		if linkOK && entity == "service" {
			s = services[lid]
		}
		if linkOK && entity == "service_area" {
			a = areas[lid]
		}
		if !termOK || terms[tid].broken {
			if s != nil {
				s.brokenDomains = true
			}
			if a != nil {
				a.broken = true
			}
			return
		}
		term := terms[tid]
		switch {
		case s != nil && term.kind == taxDomain:
			s.domains = append(s.domains, item{term.code, term.at.at("code")})
		case a != nil && term.kind == taxCountry:
			setCountry(c, a, term.code, term.at.at("code"), l.at("taxonomy_term_id"))
		}
	})
	for _, s := range serviceList {
		for _, a := range s.areas {
			if !a.hasCountry && !a.broken {
				c.add(a.at.at("attributes"), "hsds.area_country")
			}
		}
	}
	return finish(c, orgList, serviceList)
}
