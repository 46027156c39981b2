package hsds

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"homeward/internal/partners"
)

const (
	org1ID  = "0b5a3a56-8c8e-4b8e-9a53-0e1f1c2d3e4f"
	org2ID  = "1c6b4b67-9d9f-4c9f-8b64-1f2a2d3e4f50"
	org3ID  = "2d7c5c78-aeaf-4daf-9c75-2a3b3e4f5061"
	svc1ID  = "3e8d6d89-bfbf-4ebf-8d86-3b4c4f506172"
	svc2ID  = "4f9e7e9a-c0c0-4fc0-9e97-4c5d50617283"
	svc3ID  = "5fae8fab-d1d1-40d1-afa8-5d6e61728394"
	freshID = "6abf90bc-e2e2-41e2-b0b9-6e7f728394a5"
)

func sample() partners.Directory {
	return partners.Directory{Partners: []partners.Partner{
		{
			HSDSID:      org1ID,
			Name:        "  Vilnius   Shelter ",
			Description: "Beds and meals.\nOpen to everyone.",
			Website:     "https://shelter.example.org",
			Email:       "info@shelter.example.org",
			Phone:       "+370 5 123 4567",
			Contacts: []partners.ContactPerson{
				{Name: "Ona Onaitė", Title: "Coordinator", Email: "ona@shelter.example.org", Phone: "+370 600 00001"},
				{Name: "Jonas Jonaitis", Email: "jonas@shelter.example.org"},
				{Name: "Rūta", Title: "Night desk", Phone: "+370 600 00003"},
			},
			Services: []partners.Service{
				{
					HSDSID:             svc1ID,
					Name:               "Emergency housing",
					Description:        "Short stays, \"quoted\", with commas, and\nnew lines.",
					Status:             partners.TemporarilyClosed,
					Email:              "housing@shelter.example.org",
					URL:                "https://shelter.example.org/housing",
					Eligibility:        "Adults leaving prison.",
					ApplicationProcess: "Call, then visit.",
					Fees:               "Free",
					Schedule:           "Mon–Fri 9:00–17:00",
					Languages:          []string{"lt", "EN", "ru"},
					Areas:              []partners.Area{{Country: "lt", City: "Vilnius"}, {Country: "LT", City: "Kaunas"}, {Country: "LV"}},
					RequiredDocuments:  []string{"Identity card", "Release certificate"},
					NeedDomains:        []string{"housing", "employment", "legal_debt"},
				},
				{HSDSID: svc2ID, Name: "Meals", NeedDomains: []string{"income"}},
			},
		},
		{
			HSDSID: strings.ToUpper(org2ID),
			Name:   "Kaunas Jobs",
			Services: []partners.Service{{
				HSDSID: svc3ID, Name: "Job club", Status: partners.Active,
				Areas:       []partners.Area{{Country: "LT"}},
				NeedDomains: []string{"employment", "housing"},
			}},
		},
		{HSDSID: org3ID, Name: "Quiet partner"},
	}}
}

func normalized(d partners.Directory) partners.Directory {
	var out partners.Directory
	for _, o := range d.Partners {
		o.Normalize()
		var ss []partners.Service
		for _, s := range o.Services {
			s.Normalize()
			ss = append(ss, s)
		}
		o.Services = ss
		out.Partners = append(out.Partners, o)
	}
	return out
}

func writeJSON(t *testing.T, d partners.Directory) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteJSON(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writePackage(t *testing.T, d partners.Directory) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteDataPackage(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readPackage(data []byte) (partners.Directory, error) {
	return ReadDataPackage("pkg.zip", bytes.NewReader(data), int64(len(data)))
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	want := normalized(sample())

	js := writeJSON(t, sample())
	if !bytes.Equal(js, writeJSON(t, sample())) {
		t.Error("JSON differs between two writes")
	}
	got, err := ReadJSON("dir.json", bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("JSON round trip:\n got %+v\nwant %+v", got, want)
	}

	pkg := writePackage(t, sample())
	if !bytes.Equal(pkg, writePackage(t, sample())) {
		t.Error("data package differs between two writes")
	}
	got, err = readPackage(pkg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("data package round trip:\n got %+v\nwant %+v", got, want)
	}

	// JSON → directory → data package → directory.
	fromJSON, err := Read("dir.json", js)
	if err != nil {
		t.Fatal(err)
	}
	pkg2 := writePackage(t, fromJSON)
	if !bytes.Equal(pkg, pkg2) {
		t.Error("data package of the JSON's directory differs")
	}
	got, err = Read("pkg.zip", pkg2)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("JSON → package round trip:\n got %+v\nwant %+v", got, want)
	}

	// The JSON has HSDS's shape.
	var page map[string]any
	if err := json.Unmarshal(js, &page); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{"total_items": 3.0, "total_pages": 1.0, "page_number": 1.0, "size": 3.0,
		"first_page": true, "last_page": true, "empty": false} {
		if page[k] != v {
			t.Errorf("%s = %v, want %v", k, page[k], v)
		}
	}
}

func TestEmptyDirectory(t *testing.T) {
	t.Parallel()
	js := writeJSON(t, partners.Directory{})
	if !strings.Contains(string(js), `"empty": true`) || !strings.Contains(string(js), `"contents": []`) {
		t.Errorf("empty page: %s", js)
	}
	for _, data := range [][]byte{js, writePackage(t, partners.Directory{})} {
		d, err := Read("x", data)
		if err != nil || len(d.Partners) != 0 {
			t.Errorf("empty directory: %+v, %v", d, err)
		}
	}
}

func TestBareArray(t *testing.T) {
	t.Parallel()
	var page struct{ Contents json.RawMessage }
	if err := json.Unmarshal(writeJSON(t, sample()), &page); err != nil {
		t.Fatal(err)
	}
	d, err := ReadJSON("dir.json", bytes.NewReader(page.Contents))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, normalized(sample())) {
		t.Errorf("bare array: %+v", d)
	}
}

func TestWriteNeedsIDs(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(*partners.Directory){
		"organisation without id": func(d *partners.Directory) { d.Partners[0].HSDSID = "" },
		"bad service id":          func(d *partners.Directory) { d.Partners[0].Services[1].HSDSID = "42" },
		"same service id":         func(d *partners.Directory) { d.Partners[1].Services[0].HSDSID = svc1ID },
		"same organisation id":    func(d *partners.Directory) { d.Partners[2].HSDSID = org1ID },
	} {
		d := sample()
		change(&d)
		if err := WriteJSON(io.Discard, d); err == nil {
			t.Errorf("%s: WriteJSON wrote", name)
		}
		if err := WriteDataPackage(io.Discard, d); err == nil {
			t.Errorf("%s: WriteDataPackage wrote", name)
		}
	}
}

func TestProblemsError(t *testing.T) {
	t.Parallel()
	p := Problems{{File: "service.csv", Row: 2, Field: "name", Key: "validation.required"}, {}}
	if got, want := p.Error(), "hsds: 2 problems, first: service.csv 2 name validation.required"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// wantProblems checks that reading failed with exactly these problems.
func wantProblems(t *testing.T, d partners.Directory, err error, want ...Problem) {
	t.Helper()
	if !reflect.DeepEqual(d, partners.Directory{}) {
		t.Errorf("got a directory with %d organisations", len(d.Partners))
	}
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v is not Problems", err)
	}
	if !slices.Equal(ps, want) {
		t.Errorf("problems:\n got %+v\nwant %+v", []Problem(ps), want)
	}
}

// editJSON changes the sample's JSON.
func editJSON(t *testing.T, change func(orgs []any)) []byte {
	t.Helper()
	var page map[string]any
	if err := json.Unmarshal(writeJSON(t, sample()), &page); err != nil {
		t.Fatal(err)
	}
	change(page["contents"].([]any))
	b, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func obj(v any, path ...any) map[string]any {
	for _, p := range path {
		switch p := p.(type) {
		case int:
			v = v.([]any)[p]
		case string:
			v = v.(map[string]any)[p]
		}
	}
	return v.(map[string]any)
}

func TestBrokenJSON(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		data []byte
		want []Problem
	}{
		{"syntax", []byte(`{"contents": [}`), []Problem{{"dir.json", 0, "", "hsds.bad_json"}}},
		{"not JSON", []byte("name,id\n"), []Problem{{"dir.json", 0, "", "hsds.bad_json"}}},
		{"no contents", []byte(`{"total_items": 0}`), []Problem{{"dir.json", 0, "contents", "validation.required"}}},
		{"service without name", editJSON(t, func(orgs []any) {
			delete(obj(orgs, 0, "services", 1), "name")
		}), []Problem{{"dir.json", 1, "services[1].name", "validation.required"}}},
		{"bad status", editJSON(t, func(orgs []any) {
			obj(orgs, 0, "services", 0)["status"] = "open"
		}), []Problem{{"dir.json", 1, "services[0].status", "hsds.bad_status"}}},
		{"unknown taxonomy term", editJSON(t, func(orgs []any) {
			a := obj(orgs, 0, "services", 0, "attributes", 1)
			a["taxonomy_term_id"] = freshID
			delete(a, "taxonomy_term")
		}), []Problem{{"dir.json", 1, "services[0].attributes[1].taxonomy_term_id", "hsds.unknown_id"}}},
		{"area without country", editJSON(t, func(orgs []any) {
			obj(orgs, 0, "services", 0, "service_areas", 2)["attributes"] = []any{}
		}), []Problem{{"dir.json", 1, "services[0].service_areas[2].attributes", "hsds.area_country"}}},
		{"wrong type", editJSON(t, func(orgs []any) {
			obj(orgs, 0, "contacts", 1)["email"] = 7
		}), []Problem{{"dir.json", 1, "contacts[1].email", "validation.wrong_type"}}},
		{"bad child id", editJSON(t, func(orgs []any) {
			obj(orgs, 0, "services", 0, "languages", 2)["id"] = "x"
		}), []Problem{{"dir.json", 1, "services[0].languages[2].id", "hsds.bad_id"}}},
		{"several", editJSON(t, func(orgs []any) {
			delete(obj(orgs, 0, "services", 1), "name")
			obj(orgs, 0, "contacts", 2)["email"] = "not an address"
			obj(orgs, 1)["name"] = " "
			obj(orgs, 2)["id"] = org1ID
			obj(orgs, 0, "services", 0)["fees_description"] = strings.Repeat("€", partners.MaxShort+1)
		}), []Problem{
			{"dir.json", 1, "contacts[2].email", "validation.email"},
			{"dir.json", 1, "services[0].fees_description", "validation.too_long"},
			{"dir.json", 1, "services[1].name", "validation.required"},
			{"dir.json", 2, "name", "validation.required"},
			{"dir.json", 3, "id", "hsds.duplicate_id"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ReadJSON("dir.json", bytes.NewReader(tc.data))
			wantProblems(t, d, err, tc.want...)
		})
	}
}

// A term given in full once may be referred to by its identifier elsewhere.
func TestTermByID(t *testing.T) {
	t.Parallel()
	js := editJSON(t, func(orgs []any) {
		a := obj(orgs, 1, "services", 0, "attributes", 1)
		if obj(a, "taxonomy_term")["code"] != "housing" {
			t.Fatal("not the housing term")
		}
		delete(a, "taxonomy_term")
	})
	d, err := ReadJSON("dir.json", bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, normalized(sample())) {
		t.Errorf("got %+v", d)
	}
}

func TestJSONLimits(t *testing.T) {
	// Not parallel: it lowers the package's size limits while it runs.
	defer func(n int, s int64) { maxOrganizations, maxJSONSize = n, s }(maxOrganizations, maxJSONSize)
	js := writeJSON(t, sample())
	maxOrganizations = 2
	d, err := ReadJSON("dir.json", bytes.NewReader(js))
	wantProblems(t, d, err, Problem{"dir.json", 3, "", "hsds.too_many"})
	maxOrganizations = 5000
	maxJSONSize = int64(len(js))
	if _, err := ReadJSON("dir.json", bytes.NewReader(js)); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	maxJSONSize = int64(len(js) - 1)
	d, err = ReadJSON("dir.json", bytes.NewReader(js))
	wantProblems(t, d, err, Problem{"dir.json", 0, "", "hsds.too_large"})
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestJSONReadError(t *testing.T) {
	t.Parallel()
	_, err := ReadJSON("dir.json", failingReader{})
	var ps Problems
	if err == nil || errors.As(err, &ps) {
		t.Errorf("I/O error: %v", err)
	}
}

// A data package's files, in order, to change and zip again.
type files struct {
	names []string
	data  map[string][]byte
}

func unzip(t *testing.T, pkg []byte) *files {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	fs := &files{data: map[string][]byte{}}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		fs.names = append(fs.names, f.Name)
		fs.data[f.Name] = b
	}
	return fs
}

func (fs *files) zip(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range fs.names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(fs.data[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (fs *files) remove(name string) {
	fs.names = slices.DeleteFunc(fs.names, func(n string) bool { return n == name })
	delete(fs.data, name)
}

// edit changes a CSV file's records (the header is records[0]).
func (fs *files) edit(t *testing.T, name string, change func(records [][]string) [][]string) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(fs.data[name])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	recs = change(recs)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(recs)
	fs.data[name] = b.Bytes()
}

// set sets a cell of a CSV file: row 1 is the first data row.
func (fs *files) set(t *testing.T, name string, row int, col, v string) {
	fs.edit(t, name, func(recs [][]string) [][]string {
		recs[row][slices.Index(recs[0], col)] = v
		return recs
	})
}

func (fs *files) get(t *testing.T, name string, row int, col string) string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(fs.data[name])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[row][slices.Index(recs[0], col)]
}

func TestBrokenDataPackage(t *testing.T) {
	t.Parallel()
	pkg := writePackage(t, sample())
	cases := []struct {
		name   string
		change func(t *testing.T, fs *files)
		want   []Problem
	}{
		{"no datapackage.json", func(t *testing.T, fs *files) { fs.remove("datapackage.json") },
			[]Problem{{"datapackage.json", 0, "", "hsds.missing_file"}}},
		{"bad datapackage.json", func(t *testing.T, fs *files) { fs.data["datapackage.json"] = []byte(`{"resources": 3}`) },
			[]Problem{{"datapackage.json", 0, "resources", "hsds.bad_package"}}},
		{"declared file missing", func(t *testing.T, fs *files) { fs.remove("schedule.csv") },
			[]Problem{{"schedule.csv", 0, "", "hsds.missing_file"}}},
		{"missing column", func(t *testing.T, fs *files) {
			fs.edit(t, "service.csv", func(recs [][]string) [][]string {
				i := slices.Index(recs[0], "status")
				for k := range recs {
					recs[k] = slices.Delete(recs[k], i, i+1)
				}
				return recs
			})
		}, []Problem{{"service.csv", 0, "status", "hsds.missing_column"}}},
		{"bad CSV", func(t *testing.T, fs *files) {
			fs.data["language.csv"] = append(fs.data["language.csv"], []byte("a,\"b\n")...)
		}, []Problem{{"language.csv", 4, "", "hsds.bad_csv"}}},
		{"unknown organisation", func(t *testing.T, fs *files) {
			fs.set(t, "service.csv", 2, "organization_id", freshID)
		}, []Problem{{"service.csv", 2, "organization_id", "hsds.unknown_id"}}},
		{"duplicate service id", func(t *testing.T, fs *files) {
			fs.edit(t, "service.csv", func(recs [][]string) [][]string {
				return append(recs, slices.Clone(recs[1]))
			})
		}, []Problem{{"service.csv", 4, "id", "hsds.duplicate_id"}}},
		{"bad service id", func(t *testing.T, fs *files) { fs.set(t, "service.csv", 3, "id", "job-club") },
			// Its records now name a service that is not there.
			[]Problem{
				{"service.csv", 3, "id", "hsds.bad_id"},
				{"service_area.csv", 4, "service_id", "hsds.unknown_id"},
				{"attribute.csv", 8, "link_id", "hsds.unknown_id"},
				{"attribute.csv", 9, "link_id", "hsds.unknown_id"},
			}},
		{"contact's bad email", func(t *testing.T, fs *files) {
			fs.set(t, "contact.csv", 2, "email", "jonas at shelter")
		}, []Problem{{"contact.csv", 2, "email", "validation.email"}}},
		{"contact after an empty one", func(t *testing.T, fs *files) {
			fs.edit(t, "contact.csv", func(recs [][]string) [][]string {
				return append(recs,
					[]string{"7bc0a1cd-f3f3-42f3-a1ca-7f80839405b6", org1ID, "", "", ""},
					[]string{"8cd1b2de-0404-4304-b2db-809194a516c7", org1ID, "Petras", "", "petras@"})
			})
		}, []Problem{{"contact.csv", 5, "email", "validation.email"}}},
		{"bad language", func(t *testing.T, fs *files) { fs.set(t, "language.csv", 3, "code", "r1") },
			[]Problem{{"language.csv", 3, "code", "validation.language_codes"}}},
		{"bad country code", func(t *testing.T, fs *files) {
			fs.edit(t, "taxonomy_term.csv", func(recs [][]string) [][]string {
				for _, r := range recs {
					if r[1] == "LV" {
						r[1] = "LVA"
					}
				}
				return recs
			})
		}, []Problem{{"taxonomy_term.csv", 6, "code", "validation.area"}}},
		{"unknown taxonomy term", func(t *testing.T, fs *files) {
			fs.set(t, "attribute.csv", 2, "taxonomy_term_id", freshID)
		}, []Problem{{"attribute.csv", 2, "taxonomy_term_id", "hsds.unknown_id"}}},
		{"service without domains", func(t *testing.T, fs *files) {
			fs.edit(t, "attribute.csv", func(recs [][]string) [][]string {
				return slices.DeleteFunc(recs, func(r []string) bool { return r[1] == svc2ID })
			})
		}, []Problem{{"service.csv", 2, "attributes", "validation.required"}}},
		{"area without country", func(t *testing.T, fs *files) {
			area := fs.get(t, "service_area.csv", 1, "id")
			fs.edit(t, "attribute.csv", func(recs [][]string) [][]string {
				return slices.DeleteFunc(recs, func(r []string) bool { return r[1] == area })
			})
		}, []Problem{{"service_area.csv", 1, "attributes", "hsds.area_country"}}},
		{"unknown contact of a phone", func(t *testing.T, fs *files) {
			fs.set(t, "phone.csv", 2, "contact_id", freshID)
		}, []Problem{{"phone.csv", 2, "contact_id", "hsds.unknown_id"}}},
		{"entry outside", func(t *testing.T, fs *files) {
			fs.names = append(fs.names, "../x.csv")
			fs.data["../x.csv"] = []byte("id\n")
		}, []Problem{{"pkg.zip", 0, "", "hsds.unsafe_path"}}},
		{"entry in a folder", func(t *testing.T, fs *files) {
			fs.names = append(fs.names, "data/organization.csv")
		}, []Problem{{"pkg.zip", 0, "", "hsds.unsafe_path"}}},
		{"too many entries", func(t *testing.T, fs *files) {
			for i := range maxEntries {
				n := "extra" + strings.Repeat("x", i) + ".txt"
				fs.names = append(fs.names, n)
			}
		}, []Problem{{"pkg.zip", 0, "", "hsds.too_many"}}},
		{"several", func(t *testing.T, fs *files) {
			fs.set(t, "contact.csv", 2, "email", "jonas at shelter")
			fs.set(t, "service.csv", 2, "organization_id", freshID)
			fs.set(t, "service.csv", 1, "url", "ftp://shelter.example.org")
			fs.set(t, "service.csv", 1, "fees_description", strings.Repeat("€", partners.MaxShort+1))
			fs.set(t, "organization.csv", 3, "name", "")
		}, []Problem{
			{"organization.csv", 3, "name", "validation.required"},
			{"service.csv", 1, "url", "validation.url"},
			{"service.csv", 1, "fees_description", "validation.too_long"},
			{"service.csv", 2, "organization_id", "hsds.unknown_id"},
			{"contact.csv", 2, "email", "validation.email"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := unzip(t, pkg)
			tc.change(t, fs)
			d, err := readPackage(fs.zip(t))
			wantProblems(t, d, err, tc.want...)
		})
	}
}

func TestZipLimits(t *testing.T) {
	// Not parallel: it lowers the package's size limits while it runs.
	defer func(n, m int64) { maxEntrySize, maxTotalSize = n, m }(maxEntrySize, maxTotalSize)

	// The total: the files read before contact.csv fit, it does not.
	fs := unzip(t, writePackage(t, sample()))
	maxTotalSize = 10
	for _, n := range []string{"datapackage.json", "organization.csv", "service.csv"} {
		maxTotalSize += int64(len(fs.data[n]))
	}
	d, err := readPackage(fs.zip(t))
	wantProblems(t, d, err, Problem{"contact.csv", 0, "", "hsds.too_large"})
	maxTotalSize = 64 << 20

	maxEntrySize = 1 << 16
	fs = unzip(t, writePackage(t, sample()))
	// Highly compressible, just over the limit.
	fs.data["service.csv"] = append(fs.data["service.csv"], bytes.Repeat([]byte(" "), 1<<16)...)
	d, err = readPackage(fs.zip(t))
	wantProblems(t, d, err, Problem{"service.csv", 0, "", "hsds.too_large"})

	// An entry whose header claims less than it holds.
	fs = unzip(t, writePackage(t, sample()))
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range fs.names {
		data := fs.data[n]
		if n != "contact.csv" {
			w, _ := zw.Create(n)
			w.Write(data)
			continue
		}
		// Stored, but declared shorter than it is.
		w, err := zw.CreateRaw(&zip.FileHeader{Name: n, Method: zip.Store, CRC32: crc32.ChecksumIEEE(data),
			CompressedSize64: uint64(len(data)), UncompressedSize64: 10})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	zw.Close()
	d, err = readPackage(b.Bytes())
	wantProblems(t, d, err, Problem{"contact.csv", 0, "", "hsds.bad_zip"})
}

func TestBadZip(t *testing.T) {
	t.Parallel()
	d, err := Read("pkg.zip", []byte("PK\x03\x04 not really"))
	wantProblems(t, d, err, Problem{"pkg.zip", 0, "", "hsds.bad_zip"})
}

// Other HSDS tables and columns, and HSDS's own file names, are fine.
func TestForeignPackage(t *testing.T) {
	t.Parallel()
	fs := unzip(t, writePackage(t, sample()))
	var dp map[string]any
	json.Unmarshal(fs.data["datapackage.json"], &dp)
	res := dp["resources"].([]any)
	res = append(res, map[string]any{"name": "location", "path": "locations.csv"})
	for _, r := range res {
		r := r.(map[string]any)
		if r["path"] == "service.csv" {
			r["path"] = "services.csv"
		}
	}
	dp["resources"] = res
	fs.data["datapackage.json"], _ = json.Marshal(dp)
	fs.names = append(fs.names, "services.csv", "locations.csv")
	fs.data["services.csv"] = fs.data["service.csv"]
	fs.remove("service.csv")
	fs.data["locations.csv"] = []byte("id,name\n")
	fs.edit(t, "services.csv", func(recs [][]string) [][]string {
		for i := range recs {
			recs[i] = append(recs[i], "x")
		}
		recs[0][len(recs[0])-1] = "alert"
		return recs
	})
	// A language of a location, not of a service.
	fs.edit(t, "language.csv", func(recs [][]string) [][]string {
		return append(recs, []string{"7bc0a1cd-f3f3-42f3-a1ca-7f80839405b6", "", "Latvian", ""})
	})
	d, err := readPackage(fs.zip(t))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, normalized(sample())) {
		t.Errorf("got %+v", d)
	}
}
