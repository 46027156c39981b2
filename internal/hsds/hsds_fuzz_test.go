package hsds

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"homeward/internal/partners"
)

// checkRead fails unless what a reader gave is either the Problems of a
// file (and no directory), each naming its file and a message key, or a
// valid directory that both writers write as files that read back to the
// same directory.
func checkRead(t *testing.T, d partners.Directory, err error) {
	t.Helper()
	if err != nil {
		var ps Problems
		if !errors.As(err, &ps) || len(ps) == 0 || len(ps) > MaxProblems {
			t.Fatalf("error %v is not the file's problems", err)
		}
		for _, p := range ps {
			if p.File == "" || p.Row < 0 || !strings.Contains(p.Key, ".") {
				t.Fatalf("problem %+v does not say where and what", p)
			}
		}
		if !reflect.DeepEqual(d, partners.Directory{}) {
			t.Fatalf("problems %v, and a directory of %d organisations", err, len(d.Partners))
		}
		return
	}
	for _, o := range d.Partners {
		if !partners.ValidID(o.HSDSID) || o.Validate() != nil {
			t.Fatalf("organisation %+v is not valid: %v", o, o.Validate())
		}
		for _, s := range o.Services {
			if !partners.ValidID(s.HSDSID) || s.Validate() != nil {
				t.Fatalf("service %+v is not valid: %v", s, s.Validate())
			}
		}
	}
	var js, pkg bytes.Buffer
	if err := WriteJSON(&js, d); err != nil {
		t.Fatalf("the directory read does not write as JSON: %v", err)
	}
	if back, err := ReadJSON("again.json", bytes.NewReader(js.Bytes())); err != nil || !reflect.DeepEqual(back, d) {
		t.Fatalf("read %+v, written as JSON, read back as %+v (%v)", d, back, err)
	}
	if err := WriteDataPackage(&pkg, d); err != nil {
		t.Fatalf("the directory read does not write as a data package: %v", err)
	}
	if back, err := Read("again.zip", pkg.Bytes()); err != nil || !reflect.DeepEqual(back, d) {
		t.Fatalf("read %+v, written as a data package, read back as %+v (%v)", d, back, err)
	}
}

// HSDS JSON is a file from outside: whatever it holds, reading it gives
// its problems or a directory that round-trips through both formats.
func FuzzReadJSON(f *testing.F) {
	var page bytes.Buffer
	if err := WriteJSON(&page, sample()); err != nil {
		f.Fatal(err)
	}
	var whole struct{ Contents json.RawMessage }
	if err := json.Unmarshal(page.Bytes(), &whole); err != nil {
		f.Fatal(err)
	}
	var empty bytes.Buffer
	WriteJSON(&empty, partners.Directory{})
	for _, s := range [][]byte{page.Bytes(), whole.Contents, empty.Bytes(), append([]byte("\uFEFF"), whole.Contents...),
		[]byte(`{"contents": [}`), []byte("name,id\n"), []byte(`{"total_items": 0}`), []byte(`[] []`),
		[]byte(`[{"id":"` + org1ID + `","name":"A","services":[{"id":"` + svc1ID + `","name":"S","attributes":[` +
			`{"taxonomy_term_id":"` + freshID + `"}]}]}]`),
		[]byte(`[{"id":"` + org1ID + `","name":"A","contacts":[{"name":"C","phones":[{"number":"1"},{"number":7}]}]}]`)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ReadJSON("dir.json", bytes.NewReader(data))
		checkRead(t, d, err)
	})
}

// A data package is a file from outside. The fuzzer changes one file of
// the sample's package (or adds one), or, when whole is set, gives the
// bytes as the whole upload: reading gives the problems or a directory
// that round-trips through both formats.
func FuzzReadDataPackage(f *testing.F) {
	var pkg bytes.Buffer
	if err := WriteDataPackage(&pkg, sample()); err != nil {
		f.Fatal(err)
	}
	for i := range unzipF(f, pkg.Bytes()) {
		f.Add(uint8(i), []byte(nil), false)
	}
	f.Add(uint8(0), []byte(`{"resources":[{"name":"organization","path":"organization.csv"}]}`), false)
	f.Add(uint8(1), []byte("id,name\n"+org1ID+",\"A\"\"\n"), false)
	f.Add(uint8(2), []byte("id,name,organization_id\n"+svc1ID+",S,"+freshID+"\n"), false)
	f.Add(uint8(200), []byte("id\n1\n"), false)
	f.Add(uint8(0), pkg.Bytes(), true)
	f.Add(uint8(0), []byte("PK\x03\x04 not really"), true)
	files := unzipF(f, pkg.Bytes())
	f.Fuzz(func(t *testing.T, entry uint8, data []byte, whole bool) {
		if !whole {
			// Stored, not compressed: compressing each try is most of its time.
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			put := func(name string, content []byte) {
				w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
				if err != nil {
					t.Fatal(err)
				}
				w.Write(content)
			}
			for i, fl := range files {
				if i == int(entry) && data != nil {
					fl.data = data
				}
				put(fl.name, fl.data)
			}
			if int(entry) >= len(files) {
				put("extra.csv", data)
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			data = b.Bytes()
		}
		d, err := Read("pkg.zip", data)
		checkRead(t, d, err)
	})
}

type zipFile struct {
	name string
	data []byte
}

// unzipF is the files of a data package, in order.
func unzipF(f *testing.F, pkg []byte) []zipFile {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		f.Fatal(err)
	}
	var out []zipFile
	for _, e := range zr.File {
		rc, err := e.Open()
		if err != nil {
			f.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, zipFile{e.Name, b})
	}
	return out
}
