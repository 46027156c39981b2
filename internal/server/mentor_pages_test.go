package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/mentors"
	"homeward/internal/program"
	"homeward/internal/store"
)

// mentorWorld is a program that takes applications on its public form and
// requires the default checks (a background check and a signed agreement),
// with its coordinator signed in: every call goes through the pages as the
// coordinator unless it says otherwise.
type mentorWorld struct {
	t            *testing.T
	a            *app
	p            program.Program
	coord        auth.User
	coordSession string
	module       mentors.Module // the required module, once requireModule made it
	sent         int            // applications sent, one client address each
}

func newMentorWorld(t *testing.T, a *app) *mentorWorld {
	t.Helper()
	w := &mentorWorld{t: t, a: a, p: a.applyProgram(fmt.Sprintf("Mentors %d", appCount.Add(1)))}
	w.coord, w.coordSession = a.signedIn(fmt.Sprintf("coordinator%d@example.org", appCount.Add(1)), auth.Coordinator, w.p.ID)
	a.session = w.coordSession
	return w
}

// asCoordinator sends the next requests as the program's coordinator.
func (w *mentorWorld) asCoordinator() { w.a.session = w.coordSession }

// day is the date n days from the store's today, as a date field takes it.
func (w *mentorWorld) day(n int) string {
	return w.a.store.Now().AddDate(0, 0, n).Format(time.DateOnly)
}

// apply sends an application through the public form, as a person would,
// and returns the new mentor's id.
func (w *mentorWorld) apply(name, email string) int64 {
	w.t.Helper()
	w.sent++
	addr := fmt.Sprintf("203.0.113.%d", w.sent)
	v := applyValues(w.a.applyForm(addr, w.p.ID))
	v.Set("full_name", name)
	v.Set("email", email)
	if res, body := w.a.applyPost(addr, w.p.ID, v); res.StatusCode != http.StatusSeeOther {
		w.t.Fatalf("application of %s: %d\n%s", name, res.StatusCode, body)
	}
	return w.a.applications()[0]
}

func (w *mentorWorld) standing(id int64) mentors.Standing {
	w.t.Helper()
	st, err := w.a.store.GetMentor(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return st
}

// version is the mentor's version, as the forms of their page carry it.
func (w *mentorWorld) version(id int64) string { return fmt.Sprint(w.standing(id).Mentor.Version) }

// post sends a form and fails the test unless the answer has the status.
func (w *mentorWorld) post(path string, v url.Values, want int) (*http.Response, string) {
	w.t.Helper()
	res, body := w.a.postForm(path, v)
	if res.StatusCode != want {
		w.t.Fatalf("POST %s: %d, want %d\n%s", path, res.StatusCode, want, body)
	}
	return res, body
}

// get fetches a page as whoever is signed in and fails unless it is 200.
func (w *mentorWorld) get(path string) string {
	w.t.Helper()
	return w.a.w1Get(w.a.session, path, http.StatusOK)
}

// follow fetches the page a redirect sends to, as a browser does: without
// the fragment.
func (w *mentorWorld) follow(res *http.Response) string {
	w.t.Helper()
	loc, _, _ := strings.Cut(res.Header.Get("Location"), "#")
	return w.get(loc)
}

func mentorPath(id int64, rest string) string { return fmt.Sprintf("/mentors/%d%s", id, rest) }

// move asks for a stage move as the mentor page's buttons do.
func (w *mentorWorld) move(id int64, to mentors.Stage, want int) string {
	w.t.Helper()
	_, body := w.post(mentorPath(id, "/stage"), url.Values{"stage": {string(to)}, "version": {w.version(id)}}, want)
	return body
}

// check records a passed check of a kind, done on one day and valid until
// another ("" for good), through the mentor page's form.
func (w *mentorWorld) check(id int64, kind, doneOn, expiresOn string) {
	w.t.Helper()
	w.post(mentorPath(id, "/checks"), url.Values{"kind": {kind}, "result": {"passed"}, "done_on": {doneOn}, "expires_on": {expiresOn}},
		http.StatusSeeOther)
}

// requireModule creates the program's required training module through the
// training page.
func (w *mentorWorld) requireModule(title string) mentors.Module {
	w.t.Helper()
	res, _ := w.post(fmt.Sprintf("/programs/%d/training", w.p.ID), url.Values{"title": {title},
		"description": {"What a mentor keeps to themself."}, "position": {"1"}, "required": {"on"}}, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/programs/%d/training?done=saved", w.p.ID) {
		w.t.Fatalf("after creating a module: %q", loc)
	}
	mods, err := w.a.store.Modules(context.Background(), w.p.ID)
	if err != nil || len(mods) == 0 {
		w.t.Fatalf("modules %v %v", mods, err)
	}
	w.module = mods[len(mods)-1]
	return w.module
}

// training records a module's completion as the mentor page's buttons do
// (as whoever is signed in).
func (w *mentorWorld) training(id int64, status mentors.CompletionStatus, want int) string {
	w.t.Helper()
	_, body := w.post(mentorPath(id, fmt.Sprintf("/training/%d", w.module.ID)), url.Values{"status": {string(status)}}, want)
	return body
}

// mentor makes a mentor account in the program (which makes it an accepted
// mentor there) and returns it with its session and its mentor record's id.
func (w *mentorWorld) mentor(email string) (auth.User, string, int64) {
	w.t.Helper()
	u, session := w.a.signedIn(email, auth.Mentor, w.p.ID)
	mine, err := w.a.store.MyMentors(context.Background(), u.ID)
	if err != nil || len(mine) != 1 {
		w.t.Fatalf("mentor records of %s: %v %v", email, mine, err)
	}
	return u, session, mine[0].Mentor.ID
}

// makeReady records the program's checks of a mentor (the background check
// valid for a year more) and confirms the required module, if there is one.
func (w *mentorWorld) makeReady(id int64) {
	w.t.Helper()
	w.check(id, "background_check", w.day(-30), w.day(335))
	w.check(id, "signed_agreement", w.day(-30), "")
	if w.module.ID != 0 {
		w.training(id, mentors.Confirmed, http.StatusSeeOther)
	}
	if st := w.standing(id); !st.Ready {
		w.t.Fatalf("mentor %d not ready: %+v", id, st.Reasons)
	}
}

// readyMentor is a mentor account of the program, ready for matching.
func (w *mentorWorld) readyMentor(email string) (auth.User, string, int64) {
	w.t.Helper()
	u, session, id := w.mentor(email)
	w.makeReady(id)
	return u, session, id
}

// boardColumn returns the part of the screening board of one stage.
func boardColumn(body string, stage mentors.Stage) string {
	i := strings.Index(body, `id="col-`+string(stage)+`"`)
	if i < 0 {
		return ""
	}
	end := strings.Index(body[i:], "</section>")
	if end < 0 {
		return body[i:]
	}
	return body[i : i+end]
}

// audited counts the audit entries of an action on one object (a mentor,
// a case, a user…).
func (a *app) audited(action, objectType string, id int64) int {
	a.t.Helper()
	entries, _, err := a.store.ListAudit(context.Background(), store.AuditFilter{ObjectType: objectType, ObjectID: itoa(id)}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		a.t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Action == action {
			n++
		}
	}
	return n
}

// An application from the public form waits on the board under "new"; the
// coordinator moves it to interview and checks. Impossible moves and stale
// forms are refused with a message, and change nothing.
func TestMentorScreeningOnTheBoard(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		w := newMentorWorld(t, a)
		id := w.apply("Hanna Applicant", "hanna.applicant@example.org")
		board := fmt.Sprintf("/mentors/board?program=%d", w.p.ID)
		card := fmt.Sprintf(`<a href="/mentors/%d">Hanna Applicant</a>`, id)
		body := w.get(board)
		if !strings.Contains(boardColumn(body, mentors.StageNew), card) {
			t.Fatalf("the board's new column lacks the application\n%s", body)
		}

		// Impossible moves: nothing changes, and the page says why.
		before := w.standing(id).Mentor
		for _, to := range []mentors.Stage{mentors.StageAccepted, mentors.StageRetired, mentors.StageChecks, "bogus"} {
			body := w.move(id, to, http.StatusConflict)
			ovHas(t, "refused move to "+string(to), body, "This move is not possible from the mentor's stage.", "Hanna Applicant")
		}
		if now := w.standing(id).Mentor; now.Stage != mentors.StageNew || now.Version != before.Version {
			t.Fatalf("refused moves changed the mentor: %s v%d, was %s v%d", now.Stage, now.Version, before.Stage, before.Version)
		}

		// From the board's own button, back to the board.
		res, _ := w.post(mentorPath(id, "/stage"), url.Values{"stage": {"interview"}, "version": {w.version(id)}, "return": {"board"}}, http.StatusSeeOther)
		if res.Header.Get("Location") != board {
			t.Errorf("a move from the board went to %q", res.Header.Get("Location"))
		}
		body = w.get(board)
		if !strings.Contains(boardColumn(body, mentors.StageInterview), card) || strings.Contains(boardColumn(body, mentors.StageNew), card) {
			t.Fatalf("after the move the card is not under interview alone\n%s", body)
		}

		// A form from before that move is stale: refused, nothing saved.
		_, body = w.post(mentorPath(id, "/stage"), url.Values{"stage": {"checks"}, "version": {fmt.Sprint(before.Version)}}, http.StatusConflict)
		ovHas(t, "stale move", body, "Someone else changed this mentor meanwhile.")
		if st := w.standing(id).Mentor.Stage; st != mentors.StageInterview {
			t.Fatalf("a stale form moved the mentor to %s", st)
		}
		res, _ = w.post(mentorPath(id, "/stage"), url.Values{"stage": {"checks"}, "version": {w.version(id)}}, http.StatusSeeOther)
		if res.Header.Get("Location") != mentorPath(id, "?done=moved") {
			t.Errorf("a move from the mentor page went to %q", res.Header.Get("Location"))
		}
		ovHas(t, "mentor page after the move", w.follow(res), "Stage changed.", "To interview", "Accept and invite")
		if !strings.Contains(boardColumn(w.get(board), mentors.StageChecks), card) {
			t.Errorf("the card is not under checks")
		}
	})
}

// A screening note is shown to the coordinator, sealed in the database, and
// every read of the application and the notes is audited.
func TestMentorNotesAreSealedAndAudited(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		w := newMentorWorld(t, a)
		id := w.apply("Ales Noted", "ales.noted@example.org")
		const note = "Calm and steady; spoke about his brother in Zhodzina colony"

		_, body := w.post(mentorPath(id, "/notes"), url.Values{"body": {"   "}}, http.StatusUnprocessableEntity)
		ovHas(t, "empty note", body, "This field is required.")
		res, _ := w.post(mentorPath(id, "/notes"), url.Values{"body": {note}}, http.StatusSeeOther)
		reads, notesRead := a.audited("mentor.read", "mentor", id), a.audited("mentor.notes_read", "mentor", id)
		body = w.follow(res)
		ovHas(t, "mentor page", body, "Note added.", note, w.coord.Email)
		if a.audited("mentor.read", "mentor", id) != reads+1 || a.audited("mentor.notes_read", "mentor", id) != notesRead+1 {
			t.Errorf("opening the page audited %d application and %d notes reads, want one of each",
				a.audited("mentor.read", "mentor", id)-reads, a.audited("mentor.notes_read", "mentor", id)-notesRead)
		}

		var sealed []byte
		for _, db := range a.store.Pools() {
			if err := db.QueryRowContext(context.Background(), `SELECT body_sealed FROM mentor_notes WHERE mentor_id = $1`, id).Scan(&sealed); err != nil {
				t.Fatal(err)
			}
			break
		}
		if len(sealed) == 0 || strings.Contains(string(sealed), "Zhodzina") || strings.Contains(string(sealed), "Calm and steady") {
			t.Errorf("the note is stored in the clear: %q", sealed)
		}
	})
}

// A check with a date that is not one comes back as typed, the field named.
func TestMentorCheckWithABadDateKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	w := newMentorWorld(t, a)
	id := w.apply("Dzmitry Dated", "dzmitry.dated@example.org")
	_, body := w.post(mentorPath(id, "/checks"), url.Values{"kind": {"reference"}, "result": {"passed"},
		"done_on": {"31.12.2025"}, "expires_on": {"soon"}}, http.StatusUnprocessableEntity)
	ovHas(t, "check with bad dates", body, "Some fields need attention.", `id="e-done_on"`, `id="e-expires_on"`,
		"Enter a date such as 2025-03-31.", `value="31.12.2025"`, `value="soon"`, `<option value="reference" selected>`,
		`<details class="overview-more" open>`)
	_, body = w.post(mentorPath(id, "/checks"), url.Values{"kind": {"reference"}, "result": {"passed"},
		"done_on": {w.day(-3)}, "expires_on": {w.day(-5)}}, http.StatusUnprocessableEntity)
	ovHas(t, "check expiring before it was done", body, `id="e-expires_on"`,
		"The day it expires must be after the day it was done, within ten years.", `value="`+w.day(-3)+`"`)
	if checks, err := a.store.MentorChecks(context.Background(), id); err != nil || len(checks) != 0 {
		t.Fatalf("refused checks were stored: %v %v", checks, err)
	}
}

// A check about to expire shows on the board and on the mentor's page; once
// it has expired, the mentor is not ready and the page says why.
func TestMentorCheckExpiringThenExpired(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		w := newMentorWorld(t, a)
		id := w.apply("Olga Expiring", "olga.expiring@example.org")
		w.move(id, mentors.StageInterview, http.StatusSeeOther)
		w.move(id, mentors.StageChecks, http.StatusSeeOther)
		soon := w.day(10)
		w.check(id, "background_check", w.day(-355), soon)
		expiring := "Background check expires on " + soon
		board := boardColumn(w.get(fmt.Sprintf("/mentors/board?program=%d", w.p.ID)), mentors.StageChecks)
		ovHas(t, "board", board, "Olga Expiring", expiring)
		ovHas(t, "mentor page", w.get(mentorPath(id, "")), expiring)
		// A check valid for longer is not flagged.
		w.check(id, "signed_agreement", w.day(-1), w.day(40))
		ovLacks(t, "board", w.get(fmt.Sprintf("/mentors/board?program=%d", w.p.ID)), "Signed volunteer agreement expires")

		// A ready mentor whose check then expires.
		_, _, ready := w.mentor("vera.ready@example.org")
		w.check(ready, "background_check", w.day(-355), soon)
		w.check(ready, "signed_agreement", w.day(-355), "")
		body := w.get(mentorPath(ready, ""))
		ovHas(t, "ready mentor's page", body, "Ready for matching.", expiring)
		ovHas(t, "mentors expiring", w.get(fmt.Sprintf("/mentors?program=%d&expiring=1", w.p.ID)), "vera.ready@example.org")
		a.clock.Add(11 * 24 * time.Hour)
		w.coordSession = a.w1Session(w.coord) // the old one ran out with the days
		w.asCoordinator()
		body = w.get(mentorPath(ready, ""))
		ovHas(t, "page after the expiry", body, "Not ready for matching:", "Background check has expired.")
		ovLacks(t, "page after the expiry", body, "Ready for matching.", expiring)
		if st := w.standing(ready); st.Ready {
			t.Errorf("a mentor with an expired check is ready")
		}
	})
}

var inviteLink = regexp.MustCompile(`id="invite-link" class="link-value" type="text" value="(/link/[^"]+)"`)

// Accepting at the checks stage shows an invitation link once, and the
// link leads to choosing a password; accepting at another stage is refused.
func TestMentorAcceptInvitesOnce(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		w := newMentorWorld(t, a)
		const email = "ira.accepted@example.org"
		id := w.apply("Ira Accepted", email)
		w.move(id, mentors.StageInterview, http.StatusSeeOther)
		_, body := w.post(mentorPath(id, "/accept"), url.Values{"version": {w.version(id)}}, http.StatusConflict)
		ovHas(t, "accept at interview", body, "Only a mentor at the checks stage can be accepted.")
		if st := w.standing(id).Mentor; st.Stage != mentors.StageInterview || st.UserID != 0 {
			t.Fatalf("a refused acceptance left the mentor at %s with account %d", st.Stage, st.UserID)
		}
		if _, _, err := a.store.UserForLogin(context.Background(), email); err == nil {
			t.Fatal("a refused acceptance made an account")
		}

		w.move(id, mentors.StageChecks, http.StatusSeeOther)
		_, body = w.post(mentorPath(id, "/accept"), url.Values{"version": {w.version(id)}}, http.StatusOK)
		ovHas(t, "accepted", body, "Accepted. Send the invitation link below to the mentor.", "This link is shown only this once")
		m := inviteLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no invitation link on the page\n%s", body)
		}
		body = w.get(mentorPath(id, ""))
		if strings.Contains(body, m[1]) || strings.Contains(body, `id="invite-link"`) {
			t.Error("the invitation link is shown again")
		}
		ovHas(t, "accepted mentor's page", body, "New invitation link", "The invitation has not been used yet.")
		_, body = w.post(mentorPath(id, "/accept"), url.Values{"version": {w.version(id)}}, http.StatusConflict)
		ovHas(t, "accepting twice", body, "Only a mentor at the checks stage can be accepted.")

		a.session = ""
		res, body := a.do("GET", m[1], nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("the invitation link: %d\n%s", res.StatusCode, body)
		}
		ovHas(t, "invitation page", body, "Welcome to Homeward", "Choose your password to start.", `name="password"`, `name="password_again"`)
		res, body = a.postForm(m[1], url.Values{"password": {testPassword}, "password_again": {testPassword}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("choosing the password: %d\n%s", res.StatusCode, body)
		}
		if res, _ := a.do("GET", m[1], nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("the used link: %d, want 404", res.StatusCode)
		}
		for _, r := range w.standing(id).Reasons {
			if r.Key == mentors.ReasonAccountInvited {
				t.Errorf("the account is still invited after the link was used")
			}
		}
	})
}

// A required module keeps a mentor from being ready until a coordinator
// confirms it: the mentor's own report is not enough, and they cannot
// confirm it themself.
func TestMentorTrainingMakesReady(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		w := newMentorWorld(t, a)
		_, body := w.post(fmt.Sprintf("/programs/%d/training", w.p.ID), url.Values{"title": {" "}, "description": {"Kept as typed"},
			"required": {"on"}}, http.StatusUnprocessableEntity)
		ovHas(t, "module without a title", body, "This field is required.", "Kept as typed")
		mod := w.requireModule("Safety and confidentiality")
		ovHas(t, "training page", w.get(fmt.Sprintf("/programs/%d/training?done=saved", w.p.ID)), "Saved.", "1. Safety and confidentiality", "required")

		mentor, mentorSession, id := w.mentor("tanya.trainee@example.org")
		w.check(id, "background_check", w.day(-30), "")
		w.check(id, "signed_agreement", w.day(-30), "")
		ovHas(t, "coordinator's view", w.get(mentorPath(id, "")), "Not ready for matching:", "Training “Safety and confidentiality” is not done.")

		a.session = mentorSession
		home := w.get("/")
		ovHas(t, "mentor's home", home, "You are not ready to be matched yet:", "Safety and confidentiality", "I have completed it",
			fmt.Sprintf(`action="/mentors/%d/training/%d"`, id, mod.ID))
		res, _ := w.post(mentorPath(id, fmt.Sprintf("/training/%d", mod.ID)), url.Values{"status": {"reported"}}, http.StatusSeeOther)
		if res.Header.Get("Location") != "/?done=training#training" {
			t.Errorf("after reporting: %q", res.Header.Get("Location"))
		}
		home = w.get("/?done=training")
		ovHas(t, "home after reporting", home, "Thank you. A coordinator will confirm the module.", "Reported done on",
			"Training “Safety and confidentiality” is reported done; a coordinator still has to confirm it.")
		if w.standing(id).Ready {
			t.Fatal("a self-reported module made the mentor ready")
		}
		// The mentor cannot confirm it themself.
		w.training(id, mentors.Confirmed, http.StatusUnprocessableEntity)
		if tr, _ := a.store.MentorTraining(context.Background(), id); len(tr) != 1 || tr[0].Completion.Status != mentors.Reported {
			t.Fatalf("after the mentor's confirmation: %+v", tr)
		}

		w.asCoordinator()
		ovHas(t, "coordinator's view of the report", w.get(mentorPath(id, "")), "is reported done; a coordinator still has to confirm it.", "Confirm done")
		w.training(id, mentors.Confirmed, http.StatusSeeOther)
		body = w.get(mentorPath(id, "?done=training"))
		ovHas(t, "after confirming", body, "Training saved.", "Ready for matching.", "Confirmed on")
		ovLacks(t, "after confirming", body, "Not ready for matching:")

		// A confirmed module is the coordinator's: the mentor cannot withdraw it.
		a.session = mentorSession
		body = w.training(id, mentors.NotDone, http.StatusConflict)
		ovHas(t, "withdrawing a confirmed module", body, "A coordinator has confirmed this module already.")
		ovHas(t, "mentor's home when ready", w.get("/"), "You are ready to support someone.")
		if !w.standing(id).Ready {
			t.Errorf("%s is not ready after the confirmation", mentor.Email)
		}
	})
}

// A mentor sees their own record without the coordinators' notes, and
// nobody else's; the board and the list are not theirs.
func TestMentorSeesOnlyTheirOwnRecord(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		w := newMentorWorld(t, a)
		_, session, own := w.mentor("mira.mentor@example.org")
		other := w.apply("Petra Other", "petra.other@example.org")
		const note = "Coordinators only: references still to call"
		w.post(mentorPath(own, "/notes"), url.Values{"body": {note}}, http.StatusSeeOther)

		a.session = session
		body := w.get(mentorPath(own, ""))
		ovHas(t, "own record", body, "mira.mentor@example.org", "Ready for matching?")
		ovLacks(t, "own record", body, note, "Interview and screening notes", `action="/mentors/`+itoa(own)+`/notes"`,
			"Accept and invite", `action="/mentors/`+itoa(own)+`/checks"`)
		for _, path := range []string{mentorPath(other, ""), mentorPath(other, "/edit")} {
			if res, body := a.do("GET", path, nil); res.StatusCode != http.StatusNotFound || strings.Contains(body, "Petra") {
				t.Errorf("GET %s as a mentor: %d, want 404", path, res.StatusCode)
			}
		}
		if res, _ := a.postForm(mentorPath(other, "/notes"), url.Values{"body": {"mine"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("a note on another mentor: %d, want 404", res.StatusCode)
		}
		if res, _ := a.postForm(mentorPath(own, "/notes"), url.Values{"body": {"mine"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a note on their own record: %d, want 403", res.StatusCode)
		}
		for _, path := range []string{fmt.Sprintf("/mentors/board?program=%d", w.p.ID), fmt.Sprintf("/mentors?program=%d", w.p.ID)} {
			if res, body := a.do("GET", path, nil); res.StatusCode != http.StatusForbidden || strings.Contains(body, "Petra") {
				t.Errorf("GET %s as a mentor: %d, want 403", path, res.StatusCode)
			}
		}
		if res, body := a.do("GET", fmt.Sprintf("/api/v1/mentors/%d/notes", own), nil); res.StatusCode != http.StatusForbidden || strings.Contains(body, "references") {
			t.Errorf("their own notes through the API: %d %s", res.StatusCode, body)
		}
		if n := a.audited("mentor.notes_read", "mentor", own); n != 0 {
			t.Errorf("the mentor's look opened the notes %d times", n)
		}
	})
}

// Forms from a page shown before the mentor's stage changed are refused
// with a message the coordinator can see, although the form's section is
// gone from the page now.
func TestMentorFormsRefusedByTheStageSayWhy(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	w := newMentorWorld(t, a)
	_, _, id := w.mentor("rolf.retired@example.org")
	shown := w.version(id) // the page with the places form
	w.move(id, mentors.StageRetired, http.StatusSeeOther)

	_, body := w.post(mentorPath(id, "/availability"), url.Values{"version": {shown}, "capacity": {"2"}}, http.StatusConflict)
	ovHas(t, "places on a stale page", body, "Someone else changed this mentor meanwhile.")
	_, body = w.post(mentorPath(id, "/availability"), url.Values{"version": {w.version(id)}, "capacity": {"2"}}, http.StatusConflict)
	ovHas(t, "places of a retired mentor", body, "Only an accepted mentor has places to set.")
	ovLacks(t, "places of a retired mentor", body, "Some fields need attention.")
	_, body = w.post(mentorPath(id, "/checks"), url.Values{"kind": {"reference"}, "result": {"passed"}, "done_on": {w.day(-1)}}, http.StatusConflict)
	ovHas(t, "check of a retired mentor", body, "Checks are recorded for mentors in screening or accepted.")
	ovLacks(t, "check of a retired mentor", body, "Some fields need attention.")
	if st := w.standing(id); st.Mentor.Capacity != 0 || len(st.Checks) != 0 {
		t.Errorf("refused forms saved: capacity %d, %d checks", st.Mentor.Capacity, len(st.Checks))
	}
}

// Accepting someone who is a mentor of another program already adds the
// program to their account: there is no link to send, and the page does
// not ask for one.
func TestMentorAcceptOfAnExistingMentorSendsNoLink(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		w := newMentorWorld(t, a)
		elsewhere := a.applyProgram("Another program")
		u, _ := a.signedIn("kasia.both@example.org", auth.Mentor, elsewhere.ID)
		id := w.apply("Kasia Both", u.Email)
		w.move(id, mentors.StageInterview, http.StatusSeeOther)
		w.move(id, mentors.StageChecks, http.StatusSeeOther)
		_, body := w.post(mentorPath(id, "/accept"), url.Values{"version": {w.version(id)}}, http.StatusOK)
		ovLacks(t, "accepting an existing mentor", body, `id="invite-link"`, "Send the invitation link below")
		ovHas(t, "accepting an existing mentor", body, "They already have an account")
		if st := w.standing(id).Mentor; st.Stage != mentors.StageAccepted || st.UserID != u.ID {
			t.Fatalf("accepted at %s with account %d, want %d", st.Stage, st.UserID, u.ID)
		}
		got, err := a.store.GetUser(context.Background(), u.ID)
		if err != nil || !slices.Contains(got.Programs, w.p.ID) || !slices.Contains(got.Programs, elsewhere.ID) {
			t.Errorf("the account's programs are %v (%v), want both", got.Programs, err)
		}
	})
}

// A module edited from a stale page is refused with the module kept as it
// is; archiving a required module stops it from holding mentors back.
func TestTrainingModuleEditAndArchive(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	w := newMentorWorld(t, a)
	mod := w.requireModule("Safety")
	_, _, id := w.mentor("nina.waiting@example.org")
	w.check(id, "background_check", w.day(-30), "")
	w.check(id, "signed_agreement", w.day(-30), "")
	edit := func(v url.Values, want int) string {
		t.Helper()
		_, body := w.post(fmt.Sprintf("/training-modules/%d", mod.ID), v, want)
		return body
	}
	form := func(title string, version int, archived bool) url.Values {
		v := url.Values{"title": {title}, "description": {""}, "position": {"1"}, "required": {"on"}, "version": {fmt.Sprint(version)}}
		if archived {
			v.Set("archived", "on")
		}
		return v
	}
	edit(form("Safety and confidentiality", mod.Version, false), http.StatusSeeOther)
	body := edit(form("Stale title", mod.Version, false), http.StatusConflict)
	ovHas(t, "stale module edit", body, "Someone else changed this module meanwhile.", `value="Stale title"`)
	if got, _ := a.store.GetModule(context.Background(), mod.ID); got.Title != "Safety and confidentiality" {
		t.Fatalf("the stale edit saved %q", got.Title)
	}
	ovHas(t, "mentor page", w.get(mentorPath(id, "")), "Training “Safety and confidentiality” is not done.")

	edit(form("Safety and confidentiality", mod.Version+1, true), http.StatusSeeOther)
	body = w.get(mentorPath(id, ""))
	ovHas(t, "mentor page after archiving", body, "Ready for matching.")
	ovLacks(t, "mentor page after archiving", body, "Safety and confidentiality")
}
