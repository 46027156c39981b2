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

// readProfile reads a body checked against intakeInput onto cases.Profile:
// intake's other fields must be none of the profile's.
func TestIntakeFieldsAreNotTheProfiles(t *testing.T) {
	t.Parallel()
	profile := jsonFields(reflect.TypeFor[cases.Profile]())
	intake := reflect.TypeFor[intakeInput]()
	for i := range intake.NumField() {
		f := intake.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if _, ok := profile[name]; ok && !f.Anonymous {
			t.Errorf("intakeInput.%s (json %q) is a field of cases.Profile too: readProfile would write it", f.Name, name)
		}
	}
}
