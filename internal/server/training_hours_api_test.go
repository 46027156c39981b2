package server_test

import (
	"fmt"
	"net/http"
	"testing"
)

// A module's hours through the API: read, written on create and update,
// left as they are when a patch does not name them, and refused outside
// 0–200 in quarters.
func TestAPITrainingModuleHours(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		w := newMentorWorld(t, a)
		const bad = "Enter hours from 0 to 200, in quarters, or leave it empty."
		for _, h := range []string{"2.3", "-0.25", "201", `"2"`} {
			f := w.refusedFields("POST", "/api/v1/training-modules", fmt.Sprintf(`{"program_id":%d,"title":"Safety","hours":%s}`, w.p.ID, h), http.StatusUnprocessableEntity)
			if h != `"2"` && f["hours"] != bad {
				t.Errorf("hours %s: fields %v", h, f)
			}
		}
		if mods, _ := a.store.Modules(t.Context(), w.p.ID); len(mods) != 0 {
			t.Fatalf("a refused module was stored: %+v", mods)
		}
		type module struct {
			ID      int64    `json:"id"`
			Hours   *float64 `json:"hours"`
			Version int      `json:"version"`
		}
		m := decodeJSON[module](t, w.api("POST", "/api/v1/training-modules", fmt.Sprintf(`{"program_id":%d,"title":"Safety","hours":3.5}`, w.p.ID), http.StatusCreated))
		if m.Hours == nil || *m.Hours != 3.5 {
			t.Fatalf("created %+v, want 3.5 hours", m)
		}
		unknown := decodeJSON[module](t, w.api("POST", "/api/v1/training-modules", fmt.Sprintf(`{"program_id":%d,"title":"Reading"}`, w.p.ID), http.StatusCreated))
		if unknown.Hours == nil || *unknown.Hours != 0 {
			t.Errorf("a module without hours: %+v, want hours 0 in the answer", unknown)
		}

		path := fmt.Sprintf("/api/v1/training-modules/%d", m.ID)
		if f := w.refusedFields("PATCH", path, fmt.Sprintf(`{"version":%d,"hours":200.1}`, m.Version), http.StatusUnprocessableEntity); f["hours"] != bad {
			t.Errorf("a patch to 200.1 hours: fields %v", f)
		}
		m = decodeJSON[module](t, w.api("PATCH", path, fmt.Sprintf(`{"version":%d,"title":"Safety and confidentiality"}`, m.Version), http.StatusOK))
		if *m.Hours != 3.5 {
			t.Errorf("a patch without hours left %g", *m.Hours)
		}
		m = decodeJSON[module](t, w.api("PATCH", path, fmt.Sprintf(`{"version":%d,"hours":200}`, m.Version), http.StatusOK))
		if *m.Hours != 200 {
			t.Errorf("patched to %g hours, want 200", *m.Hours)
		}
		list := decodeJSON[apiList[module]](t, w.api("GET", fmt.Sprintf("/api/v1/training-modules?program_id=%d", w.p.ID), "", http.StatusOK))
		if len(list.Items) != 2 || *list.Items[0].Hours != 200 || *list.Items[1].Hours != 0 {
			t.Errorf("the list %+v", list.Items)
		}
	})
}
