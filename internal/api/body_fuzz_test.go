package api

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"homeward/internal/errs"
)

// bodyFuzzInputs are inputs of real handlers: a person's intake (with an
// embedded profile), a partner and a service (optional fields, lists of
// objects), a plan step.
var bodyFuzzInputs = []func() any{
	func() any { return new(intakeInput) },
	func() any { return new(partnerInput) },
	func() any { return new(serviceInput) },
	func() any { return new(planStepInput) },
}

// A request body is outside input: whatever it holds, reading and decoding
// it either refuses it as invalid input (too large when over the limit),
// never as a failure of ours, or gives a value whose every field was named
// in the body by its own name, and which encodes to a body that decodes to
// the same value.
func FuzzDecodeBody(f *testing.F) {
	for _, c := range []struct {
		body string
		in   uint8
	}{
		{`{"case_code":"HW-041","full_name":"Aliaksandr Novik","birth_year":1981,"languages":["be","ru"],"country":"lt","program_id":3,"state":"intake","confirm_new":true,"consents":["data_processing"]}`, 0},
		{`{"case_code":"HW-042","full_name":"A","program_id":1,"confirm_new":true,"link_mentee_id":2}`, 0},
		{`{"case_code":"x","birth_year":"1981"}`, 0},
		{`{"name":"Broken","email":"not an email","contacts":[{"name":"X","email":"x@"}]}`, 1},
		{`{"name":"Unknown","founded":1990}`, 1},
		{`{"name":null,"contacts":[],"version":2}`, 1},
		{`{"contacts":[{"name":"X","mobile":"1"}]}`, 1},
		{`{"partner_id":4,"name":"Bad","need_domains":[],"email":"nope","languages":["english"],"areas":[{"country":"LT","city":"Vilnius"}]}`, 2},
		{`{"areas":[{"country":"LT","town":"Vilnius"}]}`, 2},
		{`{"title":"Find a room","domain":"housing","owner":"mentee","due_on":"2030-06-01"}`, 3},
		{`{"TITLE":"case","Due_On":null}`, 3},
		{`{"title":"a"} {"title":"b"}`, 3},
		{`[]`, 3},
		{"\uFEFF{}", 3},
		{`{"title":"\ud800\u00e9\xff"}`, 3},
	} {
		f.Add(c.body, c.in, "application/json", false)
	}
	f.Add(`{}`, uint8(3), "", false)
	f.Add(`{}`, uint8(3), "text/plain", false)
	f.Add(`{}`, uint8(3), "application/json; charset=utf-8", true)
	f.Fuzz(func(t *testing.T, body string, in uint8, contentType string, over bool) {
		if over {
			body += strings.Repeat(" ", maxBody)
		}
		r := httptest.NewRequest(http.MethodPost, "/api/v1/x", strings.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		b, err := readBody(httptest.NewRecorder(), r)
		mt, _, ctErr := mime.ParseMediaType(contentType)
		jsonType := contentType == "" || (ctErr == nil && mt == "application/json")
		switch {
		case !jsonType:
			wantKind(t, body, err, errs.KindInvalid)
			return
		case len(body) > maxBody:
			wantKind(t, body, err, errs.KindTooLarge)
			return
		case err != nil || string(b) != body:
			t.Fatalf("body %q read as %q, %v", body, b, err)
		}
		v := bodyFuzzInputs[int(in)%len(bodyFuzzInputs)]()
		if err := decodeStrict(b, v); err != nil {
			wantKind(t, body, err, errs.KindInvalid)
			for name, key := range errs.As(err).Fields {
				if key == "validation.unknown_field" && !keyOf(b, name) {
					t.Fatalf("body %q: unknown field %q is not one of its keys", body, name)
				}
			}
			return
		}
		typ := reflect.TypeOf(v).Elem()
		if !allKnown(typ, b) {
			t.Fatalf("body %q names a field %s does not have, and was taken", body, typ)
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%+v from %q does not encode: %v", v, body, err)
		}
		again := bodyFuzzInputs[int(in)%len(bodyFuzzInputs)]()
		if err := decodeStrict(out, again); err != nil || !reflect.DeepEqual(v, again) {
			t.Fatalf("%q decodes to %+v, which encodes to %s, which decodes to %+v (%v)", body, v, out, again, err)
		}
	})
}

func wantKind(t *testing.T, body string, err error, k errs.Kind) {
	t.Helper()
	if e := errs.As(err); err == nil || e.Kind != k || e.Message == "" {
		t.Fatalf("body %.200q: %#v, want kind %d", body, err, k)
	}
}

// allKnown tells whether every key of every object in raw is a field of t
// where it stands, as encoding/json matches names (exactly, else with case
// folded).
func allKnown(t reflect.Type, raw json.RawMessage) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return true // null
		}
		fields := jsonFields(t)
		for k, v := range obj {
			f, ok := fields[k]
			for name, g := range fields {
				if !ok && strings.EqualFold(name, k) {
					f, ok = g, true
				}
			}
			if !ok || !allKnown(f.Type, v) {
				return false
			}
		}
	case reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return true // null
		}
		for _, item := range items {
			if !allKnown(t.Elem(), item) {
				return false
			}
		}
	}
	return true
}

// keyOf tells whether name is a key of an object anywhere in the first JSON
// value of b.
func keyOf(b []byte, name string) bool {
	var v any
	if json.NewDecoder(bytes.NewReader(b)).Decode(&v) != nil {
		return false
	}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == name || walk(x) {
					return true
				}
			}
		case []any:
			for _, x := range v {
				if walk(x) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}
