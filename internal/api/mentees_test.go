package api

import (
	"reflect"
	"strings"
	"testing"

	"homeward/internal/cases"
)

// jsonFields maps the JSON names of t's fields (embedded structs' fields
// promoted) to the fields.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		out[name] = f
	}
	return out
}

// readProfile reads a body checked against menteeInput onto cases.Mentee:
// every field of menteeInput must be the mentee's field of the same name,
// JSON name and type, and intake's other fields none of the mentee's.
func TestMenteeInputIsTheMenteesProfile(t *testing.T) {
	mentee := jsonFields(reflect.TypeFor[cases.Mentee]())
	in := jsonFields(reflect.TypeFor[menteeInput]())
	if len(in) != 13 {
		t.Errorf("menteeInput has %d fields; the profile a client writes has 13", len(in))
	}
	for name, f := range in {
		m, ok := mentee[name]
		if !ok || m.Name != f.Name || m.Type != f.Type {
			t.Errorf("menteeInput.%s (json %q, %v) is not cases.Mentee's field of that JSON name", f.Name, name, f.Type)
		}
	}
	intake := reflect.TypeFor[intakeInput]()
	for i := range intake.NumField() {
		f := intake.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if _, ok := mentee[name]; ok && !f.Anonymous {
			t.Errorf("intakeInput.%s (json %q) is a field of cases.Mentee too: readProfile would write it", f.Name, name)
		}
	}
}
