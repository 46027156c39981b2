package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"homeward/internal/store"
	"homeward/internal/testdb"
)

// Everything a person types about someone the program serves goes through
// the API with a marker of its own — the mentee's name, profile, history,
// custody details and release plan, case move and match end
// reasons, plan steps, contacts, requests and their resolution, notes,
// referral messages, consent notes and partner answers, feedback, outcome
// notes, follow-up notes, and a mentor's application — and none of the
// markers is found in the SQLite file or its WAL, nor in a pg_dump. The
// case code (readable by design, see README "What stays readable") is,
// which shows the search looks in the right place.
func TestTypedTextIsNotReadableInTheDatabase(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, a *app, dump func() []byte) {
		w := newReferralWorld(t, a)
		prog := w.prog
		prog.Custody.Enabled = true
		var err error
		if w.prog, err = a.store.UpdateProgram(context.Background(), prog); err != nil {
			t.Fatal(err)
		}
		var markers []string
		mark := func(field string) string {
			m := "Qzx" + strings.ReplaceAll(field, "_", "") + "marker"
			markers = append(markers, m)
			return m
		}
		body := w.call(w.coord, http.StatusCreated, "POST", "/api/v1/mentees", fmt.Sprintf(
			`{"case_code":"MK-001","full_name":%q,"birth_year":1984,"languages":["be"],"country":"lt","program_id":%d,
			"city":%q,"family":%q,"occupation":%q,"contact_channels":%q,"contact_times":%q,"referral_source":%q,"state":"intake","confirm_new":true}`,
			mark("first")+" "+mark("surname"), w.prog.ID, mark("city"), mark("family"), mark("occupation"), mark("channels"),
			mark("times"), mark("referral_source")))
		created := decodeJSON[struct {
			Mentee apiMentee `json:"mentee"`
			Case   apiCase   `json:"case"`
		}](t, body)
		m, c := created.Mentee, created.Case
		hist := decodeJSON[apiHistory](t, w.call(w.coord, 200, "GET", apiMenteePath(m.ID, "/history"), ""))
		w.call(w.coord, 200, "PUT", apiMenteePath(m.ID, "/history"), fmt.Sprintf(
			`{"parts":{"persecution":%q,"arrests":%q,"sentence":%q,"criminal_record":%q,"health":%q},"version":%d}`,
			mark("persecution"), mark("arrests"), mark("sentence"), mark("record"), mark("health"), hist.Version))
		w.call(w.coord, 200, "PUT", apiCasePath(c.ID, "/custody"), fmt.Sprintf(
			`{"phase":"in_custody","facility_detail":%q,"release_plan":{"pickup":%q,"first_night":%q,"first_appointments":%q}}`,
			mark("facility"), mark("pickup"), mark("night"), mark("appointments")))
		move := func(to, extra string) {
			t.Helper()
			w.call(w.coord, 200, "POST", apiCasePath(c.ID, "/transitions"), `{"to":"`+to+`"`+extra+`}`)
		}
		w.call(w.coord, http.StatusCreated, "POST", apiMenteePath(m.ID, "/consents"), `{"kind":"processing","given":true}`)
		w.call(w.coord, http.StatusCreated, "POST", apiMenteePath(m.ID, "/consents"), `{"kind":"partner_sharing","given":true}`)
		w.call(w.coord, 200, "POST", apiCasePath(c.ID, "/needs"), `{"assessments":[{"domain":"legal_debt","severity":"high","status":"not_started"}]}`)
		move("waiting", fmt.Sprintf(`,"reason":%q`, mark("move_reason")))
		w.call(w.coord, 200, "PUT", apiCasePath(c.ID, "/match"), fmt.Sprintf(`{"mentor_id":%d}`, w.mentor2.ID))
		w.call(w.coord, 200, "DELETE", apiCasePath(c.ID, "/match"), fmt.Sprintf(`{"reason":%q}`, mark("match_end")))
		w.call(w.coord, 200, "PUT", apiCasePath(c.ID, "/match"), fmt.Sprintf(`{"mentor_id":%d}`, w.mentor2.ID))
		w.call(w.coord, 200, "PUT", apiCasePath(c.ID, "/psychologist"), fmt.Sprintf(`{"psychologist_id":%d}`, w.psych.ID))
		step := decodeJSON[apiRecord](t, w.call(w.mentor2, http.StatusCreated, "POST", apiCasePath(c.ID, "/plan-steps"),
			fmt.Sprintf(`{"title":%q,"domain":"legal_debt","owner":"mentee"}`, mark("step"))))
		w.call(w.mentor2, 200, "PATCH", apiCasePath(c.ID, fmt.Sprintf("/plan-steps/%d", step.ID)),
			fmt.Sprintf(`{"title":%q,"version":%d}`, mark("step_renamed"), step.Version))
		at := a.store.Now().Format(time.RFC3339)
		w.call(w.mentor2, http.StatusCreated, "POST", apiCasePath(c.ID, "/contacts"),
			fmt.Sprintf(`{"at":%q,"channel":"call","minutes":30,"summary":%q}`, at, mark("contact")))
		req := decodeJSON[apiRecord](t, w.call(w.mentor2, http.StatusCreated, "POST", apiCasePath(c.ID, "/requests"),
			fmt.Sprintf(`{"domain":"legal_debt","urgency":"soon","text":%q}`, mark("request"))))
		w.call(w.mentor2, 200, "PATCH", apiCasePath(c.ID, fmt.Sprintf("/requests/%d", req.ID)),
			fmt.Sprintf(`{"status":"resolved","resolution":%q,"version":%d}`, mark("resolution"), req.Version))
		w.call(w.coord, http.StatusCreated, "POST", apiCasePath(c.ID, "/notes"), fmt.Sprintf(`{"visibility":"team","body":%q}`, mark("note")))
		ref := decodeJSON[apiReferral](t, w.call(w.mentor2, http.StatusCreated, "POST", apiCasePath(c.ID, "/referrals"), fmt.Sprintf(
			`{"service_id":%d,"domain":"legal_debt","message":%q,"share":["languages"],"send":true,"consent_given":true,"consent_note":%q}`,
			w.debt.ID, mark("referral_message"), mark("consent_note"))))
		rpath := fmt.Sprintf("/api/v1/referrals/%d", ref.ID)
		acc := decodeJSON[apiReferral](t, w.call(w.partner, http.StatusCreated, "POST", rpath+"/events",
			fmt.Sprintf(`{"version":%d,"status":"accepted","message":%q}`, ref.Version, mark("partner_answer"))))
		w.call(w.partner, http.StatusCreated, "POST", rpath+"/events", fmt.Sprintf(
			`{"version":%d,"status":"got_help","outcome":{"kind":"debt_case_closed","note":%q}}`, acc.Version, mark("partner_outcome")))
		w.call(w.coord, http.StatusCreated, "POST", apiCasePath(c.ID, "/outcomes"), fmt.Sprintf(`{"kind":"job_found","note":%q}`, mark("outcome")))
		move("active", "")
		move("closing", "")
		w.call(w.coord, 200, "POST", apiCasePath(c.ID, "/closing/agreement"), "")
		w.call(w.psych, 200, "POST", apiCasePath(c.ID, "/closing/final-meeting"), "")
		w.call(w.coord, 200, "PUT", apiCasePath(c.ID, "/feedback"), fmt.Sprintf(`{"support":5,"mentor":5,"text":%q}`, mark("feedback")))
		move("closed", fmt.Sprintf(`,"closure_reason":"completed","reason":%q`, mark("closing_reason")))
		fus := decodeJSON[apiList[apiRecord]](t, w.call(w.coord, 200, "GET", apiCasePath(c.ID, "/follow-ups"), ""))
		w.call(w.coord, 200, "PUT", apiCasePath(c.ID, fmt.Sprintf("/follow-ups/%d", fus.Items[0].ID)),
			fmt.Sprintf(`{"work_kept":"yes","housing":"yes","rearrested":"no","note":%q,"version":%d}`, mark("follow_up"), fus.Items[0].Version))
		p := a.applyProgram("Markers")
		if res, body := a.applyFrom("198.51.100.77", "POST", "/api/v1/mentor-applications", strings.NewReader(applyJSON(p.ID, nil)),
			"Content-Type", "application/json"); res.StatusCode != http.StatusAccepted {
			t.Fatalf("application: %d %s", res.StatusCode, body)
		}
		markers = append(markers, applicantName, applicantLived)

		// Every marker reads back to the program through the API, so each
		// really was stored.
		for _, path := range []string{apiMenteePath(m.ID, ""), apiMenteePath(m.ID, "/history"), apiCasePath(c.ID, "/custody"),
			apiCasePath(c.ID, "/transitions"), apiCasePath(c.ID, "/match"), apiCasePath(c.ID, "/plan-steps"), apiCasePath(c.ID, "/outcomes")} {
			if got := w.call(w.coord, 200, "GET", path, ""); !strings.Contains(got, "Qzx") {
				t.Errorf("%s reads back no marker: %s", path, got)
			}
		}

		raw := dump()
		if !bytes.Contains(raw, []byte("MK-001")) {
			t.Fatal("the database bytes lack the readable case code: the test looks in the wrong place")
		}
		for _, mk := range markers {
			if bytes.Contains(raw, []byte(mk)) {
				t.Errorf("the database holds %q readable", mk)
			}
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		a := newAppOn(t, store.Options{DataDir: dir})
		run(t, a, func() []byte {
			var out []byte
			for _, name := range []string{store.SQLiteFile, store.SQLiteFile + "-wal"} {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if errors.Is(err, os.ErrNotExist) {
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, b...)
			}
			return out
		})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		url := testdb.Postgres(t)
		a := newAppOn(t, store.Options{DatabaseURL: url})
		run(t, a, func() []byte {
			out, err := exec.CommandContext(context.Background(), testdb.Tool(t, "pg_dump"), "--data-only", "--dbname", url).Output()
			if err != nil {
				t.Fatalf("pg_dump: %v", err)
			}
			return out
		})
	})
}
