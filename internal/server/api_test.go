package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"homeward/internal/store"
)

type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func decodeJSON[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	return v
}

type programJSON struct {
	ID             int64    `json:"id"`
	Name           string   `json:"name"`
	Languages      []string `json:"languages"`
	MentorCapacity int      `json:"mentor_capacity"`
	QuietWeeks     int      `json:"quiet_weeks"`
	Version        int      `json:"version"`
	Cadence        struct {
		FirstWeeks   int     `json:"first_weeks"`
		LaterPerWeek float64 `json:"later_per_week"`
	} `json:"cadence"`
	NeedDomains []string `json:"need_domains"`
}

func TestAPIProgramLifecycle(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	res, body := a.do("POST", "/api/v1/programs", strings.NewReader(`{"name":"API program","languages":["uk"],"cadence":{"later_per_week":0.5}}`), "Content-Type", "application/json")
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	p := decodeJSON[programJSON](t, body)
	if res.Header.Get("Location") != "/api/v1/programs/"+itoa(p.ID) {
		t.Errorf("Location %q", res.Header.Get("Location"))
	}
	// Left-out settings take their defaults, also inside a partly given object.
	if p.MentorCapacity != 1 || p.QuietWeeks != 3 || p.Cadence.FirstWeeks != 4 || p.Cadence.LaterPerWeek != 0.5 || len(p.NeedDomains) != 12 {
		t.Errorf("defaults not applied: %+v", p)
	}

	res, body = a.do("GET", "/api/v1/programs/"+itoa(p.ID), nil)
	if res.StatusCode != 200 || decodeJSON[programJSON](t, body).Name != "API program" {
		t.Fatalf("get: %d %s", res.StatusCode, body)
	}

	res, body = a.do("PATCH", "/api/v1/programs/"+itoa(p.ID), strings.NewReader(`{"version":1,"quiet_weeks":5}`))
	got := decodeJSON[programJSON](t, body)
	if res.StatusCode != 200 || got.QuietWeeks != 5 || got.Version != 2 || got.Name != "API program" || got.Languages[0] != "uk" {
		t.Fatalf("patch: %d %s", res.StatusCode, body)
	}
	// Own outcome kinds: a key may not shadow a built-in kind; the labels
	// come back as typed.
	res, body = a.do("PATCH", "/api/v1/programs/"+itoa(p.ID), strings.NewReader(`{"version":2,"own_outcome_kinds":[{"key":"job_found","label":"Job"}]}`))
	if e := decodeJSON[apiError](t, body); res.StatusCode != 422 || !strings.Contains(e.Error.Fields["own_outcome_kinds"], "built-in") {
		t.Errorf("an own kind shadowing a built-in one: %d %s", res.StatusCode, body)
	}
	res, body = a.do("PATCH", "/api/v1/programs/"+itoa(p.ID), strings.NewReader(`{"version":2,"own_outcome_kinds":[{"key":"course_started","label":"Почав курс перепідготовки"}]}`))
	if res.StatusCode != 200 || !strings.Contains(body, `"own_outcome_kinds":[{"key":"course_started","label":"Почав курс перепідготовки"}]`) {
		t.Errorf("own outcome kinds: %d %s", res.StatusCode, body)
	}
	res, body = a.do("PATCH", "/api/v1/programs/"+itoa(p.ID), strings.NewReader(`{"version":1,"quiet_weeks":6}`))
	if e := decodeJSON[apiError](t, body); res.StatusCode != http.StatusConflict || e.Error.Code != "conflict" {
		t.Errorf("stale patch: %d %s", res.StatusCode, body)
	}
	res, body = a.do("PATCH", "/api/v1/programs/"+itoa(p.ID), strings.NewReader(`{"quiet_weeks":6}`))
	if e := decodeJSON[apiError](t, body); res.StatusCode != 422 || e.Error.Fields["version"] == "" {
		t.Errorf("patch without version: %d %s", res.StatusCode, body)
	}
	for _, bad := range []string{`{"version":null,"quiet_weeks":6}`, `{"version":0}`, `{"version":3000000000}`, `{"version":"1"}`} {
		res, body = a.do("PATCH", "/api/v1/programs/"+itoa(p.ID), strings.NewReader(bad))
		if e := decodeJSON[apiError](t, body); res.StatusCode != 422 || e.Error.Fields["version"] == "" {
			t.Errorf("patch %s: %d %s", bad, res.StatusCode, body)
		}
	}
	res, body = a.do("POST", "/api/v1/programs", strings.NewReader(`{"name":"x"}`), "Content-Type", "application/jsonx")
	if res.StatusCode != 422 || decodeJSON[apiError](t, body).Error.Code != "invalid_body" {
		t.Errorf("wrong content type: %d %s", res.StatusCode, body)
	}
	res, _ = a.do("PATCH", "/api/v1/programs/9999", strings.NewReader(`{"version":1}`))
	if res.StatusCode != 404 {
		t.Errorf("patch of a missing program: %d", res.StatusCode)
	}
}

func TestAPIErrorsNameTheField(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cases := []struct {
		name, body string
		status     int
		code       string
		field      string
	}{
		{"empty name", `{"name":""}`, 422, "invalid", "name"},
		{"bad codes", `{"name":"x","countries":["Czechia"]}`, 422, "invalid", "countries"},
		{"wrong type", `{"name":"x","mentor_capacity":"two"}`, 422, "invalid", "mentor_capacity"},
		{"unknown field", `{"name":"x","colour":"red"}`, 422, "invalid", "colour"},
		{"not JSON", `{"name":`, 422, "invalid_body", ""},
		{"two objects", `{"name":"a"}{"name":"b"}`, 422, "invalid_body", ""},
		{"an array", `[]`, 422, "invalid_body", ""},
		{"NUL in the name", `{"name":"a\u0000b"}`, 422, "invalid", "name"},
		{"huge custody months", `{"name":"x","custody":{"months_before":3000000000}}`, 422, "invalid", "custody.months_before"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, body := a.do("POST", "/api/v1/programs", strings.NewReader(c.body))
			e := decodeJSON[apiError](t, body)
			if res.StatusCode != c.status || e.Error.Code != c.code || e.Error.Message == "" {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
			if c.field != "" && e.Error.Fields[c.field] == "" {
				t.Errorf("fields %v do not name %q", e.Error.Fields, c.field)
			}
		})
	}
	// Field messages follow Accept-Language.
	_, body := a.do("POST", "/api/v1/programs", strings.NewReader(`{"name":""}`), "Accept-Language", "cs")
	if msg := decodeJSON[apiError](t, body).Error.Fields["name"]; msg == "" || msg == "This field is required." {
		t.Errorf("Czech field message: %q", msg)
	}
	if n, _ := a.store.CountPrograms(t.Context(), store.ProgramFilter{}); n != 0 {
		t.Errorf("%d programs saved from bad requests", n)
	}
	big := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	res, body := a.do("POST", "/api/v1/programs", strings.NewReader(big))
	if res.StatusCode != http.StatusRequestEntityTooLarge || decodeJSON[apiError](t, body).Error.Code != "too_large" {
		t.Errorf("2 MiB body: %d %s", res.StatusCode, body)
	}
	res, body = a.do("DELETE", "/api/v1/programs/1", nil)
	if res.StatusCode != 405 || res.Header.Get("Allow") != "GET, PATCH" || decodeJSON[apiError](t, body).Error.Code != "method_not_allowed" {
		t.Errorf("DELETE on a program: %d Allow=%q %s", res.StatusCode, res.Header.Get("Allow"), body)
	}
	res, body = a.do("GET", "/api/v1/nothing-here", nil)
	if res.StatusCode != 404 || decodeJSON[apiError](t, body).Error.Code != "not_found" {
		t.Errorf("unknown API route: %d %s", res.StatusCode, body)
	}
}

func TestAPIListPagination(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for i := range 7 {
		a.program("P" + pad(i))
	}
	type page struct {
		Items      []programJSON `json:"items"`
		NextCursor string        `json:"next_cursor"`
	}
	var names []string
	target := "/api/v1/programs?limit=3"
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		res, body := a.do("GET", target, nil)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d %s", target, res.StatusCode, body)
		}
		p := decodeJSON[page](t, body)
		for _, it := range p.Items {
			names = append(names, it.Name)
		}
		if p.NextCursor == "" {
			break
		}
		target = "/api/v1/programs?limit=3&cursor=" + p.NextCursor
	}
	if strings.Join(names, ",") != "P00,P01,P02,P03,P04,P05,P06" {
		t.Errorf("pages gave %v", names)
	}
	_, body := a.do("GET", "/api/v1/programs", nil)
	if p := decodeJSON[page](t, body); len(p.Items) != 7 || p.NextCursor != "" || !strings.Contains(body, `"next_cursor":""`) {
		t.Errorf("default page: %s", body)
	}
	for _, bad := range []string{"limit=0", "limit=501", "limit=x", "cursor=%25%25"} {
		res, body := a.do("GET", "/api/v1/programs?"+bad, nil)
		if e := decodeJSON[apiError](t, body); res.StatusCode != 422 || len(e.Error.Fields) != 1 {
			t.Errorf("%s: %d %s", bad, res.StatusCode, body)
		}
	}
	_, body = a.do("GET", "/api/v1/programs?limit=500", nil)
	if len(decodeJSON[page](t, body).Items) != 7 {
		t.Errorf("limit=500 refused")
	}
	_, body = a.do("GET", "/api/v1/programs", nil)
	if !strings.HasPrefix(body, `{"items":[`) {
		t.Errorf("list shape: %s", body[:40])
	}
	if _, body := a.do("GET", "/api/v1/openapi.json", nil); !strings.Contains(body, `"openapi": "3.1.0"`) {
		t.Errorf("openapi.json not served")
	}
}
