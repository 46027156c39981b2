package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/report"
)

// A person's export holds everything about them, staff notes included, for
// a coordinator only; their erasure is asked by one coordinator and
// approved by another, never by the asker, and never asked by a mentor, a
// psychologist, a partner or a viewer. After it the export finds nothing,
// the case page stays with a neutral code and the report counts the same.
func TestErasureAndExportThroughTheAPIAndPages(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		j := newAPIJourney(t, a)
		u2, _ := a.signedIn(fmt.Sprintf("coordinator2-%d@example.org", appCount.Add(1)), auth.Coordinator, j.prog.ID)
		coord2 := apiPerson{User: u2, token: j.token(u2.ID)}
		m, c := j.matched("ER-1", "Quorvexa Zintrabelle", j.mentor)
		j.call(j.coord, http.StatusCreated, "POST", apiCasePath(c.ID, "/notes"), `{"visibility":"team","body":"Markernote Qqzx"}`)
		j.call(j.mentor, http.StatusCreated, "POST", apiCasePath(c.ID, "/contacts"), fmt.Sprintf(`{"at":%q,"channel":"call","minutes":20,"summary":"Markercontact Qqzx"}`, a.store.Now().Format(time.RFC3339)))

		// A token proves nothing afresh: the export wants a session that
		// proved its person within ten minutes.
		j.refused(j.coord, http.StatusForbidden, "fresh_proof_required", "GET", apiMenteePath(m.ID, "/export"), "")
		a.session = freshSession(t, a, j.coord.User)
		res, got := a.do("GET", apiMenteePath(m.ID, "/export"), nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("the export with a fresh session: %d %s", res.StatusCode, got)
		}
		for _, want := range []string{"Quorvexa Zintrabelle", "Markernote Qqzx", "Markercontact Qqzx", `"format":"homeward.mentee-record.v1"`} {
			if !strings.Contains(got, want) {
				t.Errorf("the export lacks %q", want)
			}
		}
		decodeJSON[struct {
			Cases []struct {
				Notes []any `json:"notes"`
			} `json:"cases"`
		}](t, got)
		for _, p := range []apiPerson{j.mentor, j.psych, j.viewer, j.partner, j.mentee, j.admin} {
			res, _ := a.withBearer(p.token, "GET", apiMenteePath(m.ID, "/export"), "")
			if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
				t.Errorf("the export as %s: %d", p.Role, res.StatusCode)
			}
			res, _ = a.withBearer(p.token, "POST", apiCasePath(c.ID, "/erasure"), `{"reason":"person_asked"}`)
			if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
				t.Errorf("asking for an erasure as %s: %d", p.Role, res.StatusCode)
			}
		}

		q := report.Query{ProgramIDs: []int64{j.prog.ID}, From: a.store.Now().AddDate(0, -1, 0), To: a.store.Now().AddDate(0, 0, 1)}
		before, err := a.store.OutcomeFacts(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}

		// Asked on the case page, by the coordinator, who prints the record
		// first: ten minutes after the proof, the page asks for it again.
		a.staleProof()
		if res, body := a.do("GET", fmt.Sprintf("/mentees/%d/export", m.ID), nil); strings.Contains(body, "Markernote Qqzx") ||
			!strings.Contains(body, "/account/confirm") {
			t.Errorf("the export after a stale proof: %d, no confirm page", res.StatusCode)
		}
		// Cancel goes back to the page the person came from, not to the
		// export, which would only ask again.
		profile := fmt.Sprintf("/mentees/%d", m.ID)
		if _, body := a.do("GET", profile+"/export", nil, "Referer", "http://example.com"+profile); !strings.Contains(body, `href="`+profile+`">`) {
			t.Error("the confirm page's cancel does not lead back to the profile")
		}
		a.session = freshSession(t, a, j.coord.User)
		res, body := a.do("GET", fmt.Sprintf("/mentees/%d/export", m.ID), nil)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Markernote Qqzx") || !strings.Contains(body, "Quorvexa Zintrabelle") {
			t.Errorf("the printable export: %d", res.StatusCode)
		}
		res, body = a.do("GET", fmt.Sprintf("/mentees/%d/export.json", m.ID), nil)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(body, "Markercontact Qqzx") {
			t.Errorf("the JSON export: %d %s", res.StatusCode, res.Header.Get("Content-Disposition"))
		}
		decodeJSON[map[string]any](t, body)
		res, _ = a.postForm(fmt.Sprintf("/cases/%d/erasure", c.ID), url.Values{"reason": {"nonsense"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a reason off the list: %d", res.StatusCode)
		}
		res, _ = a.postForm(fmt.Sprintf("/cases/%d/erasure", c.ID), url.Values{"reason": {"person_asked"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("asking on the page: %d", res.StatusCode)
		}
		_, body = a.do("GET", "/erasures", nil)
		if !strings.Contains(body, "ER-1") || strings.Contains(body, "/approve") {
			t.Errorf("the asker's list shows the request without a way to approve it:\n%s", body)
		}
		e := decodeJSON[apiList[cases.ErasureRequest]](t, j.call(coord2, http.StatusOK, "GET", "/api/v1/erasures", ""))
		if len(e.Items) != 1 || e.Items[0].CaseID != c.ID || e.Items[0].Status != cases.ErasurePending {
			t.Fatalf("the waiting requests: %+v", e.Items)
		}
		id := e.Items[0].ID
		if res, body := a.do("POST", fmt.Sprintf("/api/v1/erasures/%d/approve", id), nil); res.StatusCode != http.StatusForbidden ||
			!strings.Contains(body, "erasure_same_person") {
			t.Errorf("the asker approving, with a fresh proof: %d %s", res.StatusCode, body)
		}
		for _, p := range []apiPerson{j.mentor, j.psych, j.viewer, j.partner} {
			if res, _ := a.withBearer(p.token, "POST", fmt.Sprintf("/api/v1/erasures/%d/approve", id), ""); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
				t.Errorf("approving as %s: %d", p.Role, res.StatusCode)
			}
		}
		if res, _ := a.do("GET", apiMenteePath(m.ID, "/export"), nil); res.StatusCode != http.StatusOK {
			t.Errorf("the export while the erasure waits: %d", res.StatusCode)
		}
		j.refused(coord2, http.StatusForbidden, "fresh_proof_required", "POST", fmt.Sprintf("/api/v1/erasures/%d/approve", id), "")

		// Approved on the list page by the second coordinator.
		a.session = freshSession(t, a, coord2.User)
		_, body = a.do("GET", "/erasures", nil)
		if !strings.Contains(body, fmt.Sprintf("/erasures/%d/approve", id)) {
			t.Fatalf("the second coordinator's list has no approval:\n%s", body)
		}
		res, _ = a.postForm(fmt.Sprintf("/erasures/%d/approve", id), url.Values{})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approving on the page: %d", res.StatusCode)
		}
		// Sent again (a second tab, a double click): decided already, said so on the list.
		res, _ = a.postForm(fmt.Sprintf("/erasures/%d/approve", id), url.Values{})
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "done=decided") {
			t.Fatalf("approving a decided request: %d %q", res.StatusCode, loc)
		}
		if _, body := a.do("GET", res.Header.Get("Location"), nil); !strings.Contains(body, "decided meanwhile") {
			t.Error("the page after a request decided meanwhile does not say so")
		}
		after, err := a.store.OutcomeFacts(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Errorf("the report changed:\nbefore %+v\nafter  %+v", before, after)
		}
		if res, body := a.do("GET", apiMenteePath(m.ID, "/export"), nil); res.StatusCode != http.StatusNotFound || !strings.Contains(body, `"erased"`) {
			t.Errorf("the export after the erasure: %d %s", res.StatusCode, body)
		}
		got = j.call(j.coord, http.StatusOK, "GET", apiCasePath(c.ID, ""), "")
		if strings.Contains(got, "ER-1") || !strings.Contains(got, fmt.Sprintf("ERASED_%d", c.ID)) {
			t.Errorf("the erased case: %s", got)
		}
		res, body = a.do("GET", fmt.Sprintf("/cases/%d/erasure", c.ID), nil)
		if res.StatusCode != http.StatusOK || strings.Contains(body, "Quorvexa") || !strings.Contains(body, "anonymous figures") {
			t.Errorf("the erasure page after the erasure:\n%s", body)
		}
		res, body = a.do("GET", fmt.Sprintf("/cases/%d", c.ID), nil)
		if res.StatusCode != http.StatusOK || strings.Contains(body, "Quorvexa") || !strings.Contains(body, fmt.Sprintf("ERASED_%d", c.ID)) {
			t.Errorf("the case page after the erasure: %d", res.StatusCode)
		}
	})
}
