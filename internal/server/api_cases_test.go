package server_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// The JSON shapes the case journey's API answers with, as far as the tests read them.
type apiCase struct {
	ID             int64  `json:"id"`
	MenteeID       int64  `json:"mentee_id"`
	ProgramID      int64  `json:"program_id"`
	Code           string `json:"case_code"`
	State          string `json:"state"`
	ClosureReason  string `json:"closure_reason"`
	Period         int    `json:"period"`
	MentorID       int64  `json:"mentor_id"`
	PsychologistID int64  `json:"psychologist_id"`
	Version        int    `json:"version"`
}

type apiMentee struct {
	ID       int64     `json:"id"`
	CaseCode string    `json:"case_code"`
	FullName string    `json:"full_name"`
	Version  int       `json:"version"`
	Cases    []apiCase `json:"cases"`
}

type apiList[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

type apiRecord struct {
	ID         int64  `json:"id"`
	Version    int    `json:"version"`
	Status     string `json:"status"`
	Text       string `json:"text"`
	Summary    string `json:"summary"`
	Body       string `json:"body"`
	Visibility string `json:"visibility"`
	Kind       string `json:"kind"`
	Months     int    `json:"months"`
	WorkKept   string `json:"work_kept"`
}

type apiHistory struct {
	Parts    map[string]string `json:"parts"`
	Readable []string          `json:"readable"`
	Shared   []string          `json:"shared"`
	Version  int               `json:"version"`
}

// apiPerson is a user of the case journey's API tests, with an API token.
type apiPerson struct {
	auth.User
	token string
}

// apiJourney is a program with a user of every role, each with an API token.
type apiJourney struct {
	t                                                    *testing.T
	a                                                    *app
	prog                                                 program.Program
	coord, mentor, mentor2, psych, mentee, viewer, admin apiPerson
	partner                                              apiPerson
}

func newAPIJourney(t *testing.T, a *app) *apiJourney {
	t.Helper()
	j := &apiJourney{t: t, a: a, prog: a.program(fmt.Sprintf("Journey %d", appCount.Add(1)))}
	for _, p := range []struct {
		to   *apiPerson
		role auth.Role
	}{
		{&j.coord, auth.Coordinator}, {&j.mentor, auth.Mentor}, {&j.mentor2, auth.Mentor}, {&j.psych, auth.Psychologist},
		{&j.mentee, auth.Mentee}, {&j.viewer, auth.Viewer}, {&j.partner, auth.Partner},
	} {
		u, _ := a.signedIn(fmt.Sprintf("%s-%d@example.org", p.role, appCount.Add(1)), p.role, j.prog.ID)
		*p.to = apiPerson{User: u, token: j.token(u.ID)}
	}
	j.admin = apiPerson{User: a.user, token: j.token(a.user.ID)}
	return j
}

func (j *apiJourney) token(userID int64) string {
	j.t.Helper()
	plain, _, err := j.a.store.CreateAPIToken(context.Background(), userID, "journey", time.Hour)
	if err != nil {
		j.t.Fatal(err)
	}
	return plain
}

// call sends an API request as p and fails the test unless it answers status.
func (j *apiJourney) call(p apiPerson, status int, method, path, body string) string {
	j.t.Helper()
	res, got := j.a.withBearer(p.token, method, path, body)
	if res.StatusCode != status {
		j.t.Fatalf("%s %s as %s: %d, want %d\n%s", method, path, p.Role, res.StatusCode, status, got)
	}
	return got
}

// refused sends an API request as p and checks the answer is an error of
// the status and code, and returns it.
func (j *apiJourney) refused(p apiPerson, status int, code, method, path, body string) apiError {
	j.t.Helper()
	got := j.call(p, status, method, path, body)
	e := decodeJSON[apiError](j.t, got)
	if e.Error.Code != code || e.Error.Message == "" {
		j.t.Fatalf("%s %s as %s: code %q, want %q\n%s", method, path, p.Role, e.Error.Code, code, got)
	}
	return e
}

func apiCasePath(id int64, rest string) string { return fmt.Sprintf("/api/v1/cases/%d%s", id, rest) }

func apiMenteePath(id int64, rest string) string {
	return fmt.Sprintf("/api/v1/mentees/%d%s", id, rest)
}

// intake takes a person in through the API as the coordinator.
func (j *apiJourney) intake(code, name string, birthYear int) (apiMentee, apiCase) {
	j.t.Helper()
	body := j.call(j.coord, http.StatusCreated, "POST", "/api/v1/mentees", fmt.Sprintf(
		`{"case_code":%q,"full_name":%q,"birth_year":%d,"languages":["be","ru"],"country":"lt","program_id":%d,"state":"intake","confirm_new":true}`,
		code, name, birthYear, j.prog.ID))
	r := decodeJSON[struct {
		Mentee apiMentee `json:"mentee"`
		Case   apiCase   `json:"case"`
	}](j.t, body)
	return r.Mentee, r.Case
}

// waiting takes a person in and brings their case to waiting for a mentor,
// through the store.
func (j *apiJourney) waiting(code, name string) (apiMentee, apiCase) {
	j.t.Helper()
	m, c := j.intake(code, name, 1985)
	ctx := context.Background()
	st := j.a.store
	if _, err := st.RecordConsent(ctx, cases.Consent{MenteeID: m.ID, Kind: cases.ConsentProcessing, Given: true, RecordedBy: j.coord.ID}); err != nil {
		j.t.Fatal(err)
	}
	if err := st.AssessNeeds(ctx, c.ID, []cases.Assessment{{Domain: "housing", Severity: cases.High, Status: cases.NotStarted}}, j.coord.ID); err != nil {
		j.t.Fatal(err)
	}
	if _, err := st.Transition(ctx, store.TransitionInput{CaseID: c.ID, To: cases.Waiting, ActorID: j.coord.ID}); err != nil {
		j.t.Fatal(err)
	}
	return m, c
}

// matched brings a new case to matched with the mentor, through the store.
func (j *apiJourney) matched(code, name string, mentor apiPerson) (apiMentee, apiCase) {
	j.t.Helper()
	m, c := j.waiting(code, name)
	if _, err := j.a.store.Match(context.Background(), c.ID, mentor.ID, j.coord.ID); err != nil {
		j.t.Fatal(err)
	}
	return m, c
}

// apiEngines runs the test on SQLite and on PostgreSQL.
func apiEngines(t *testing.T, run func(t *testing.T, a *app)) {
	t.Run("sqlite", func(t *testing.T) { run(t, newApp(t)) })
	t.Run("postgres", func(t *testing.T) { run(t, newAppOn(t, store.Options{DatabaseURL: testdb.Postgres(t)})) })
}

// One mentee walks from referral to a completed closure and a follow-up,
// every step through the API, each role with its own token.
func TestAPICaseJourneyFromReferralToFollowUp(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		j := newAPIJourney(t, a)
		body := j.call(j.coord, http.StatusCreated, "POST", "/api/v1/mentees", fmt.Sprintf(
			`{"case_code":"hw-001","full_name":"Alesia  Karpovich","birth_year":1990,"gender":"female","languages":["be"],"program_id":%d}`, j.prog.ID))
		created := decodeJSON[struct {
			Mentee apiMentee `json:"mentee"`
			Case   apiCase   `json:"case"`
		}](t, body)
		m, c := created.Mentee, created.Case
		if m.CaseCode != "HW-001" || m.FullName != "Alesia Karpovich" || c.State != "referred" || c.Code != "HW-001" || c.Period != 1 {
			t.Fatalf("intake: %s", body)
		}
		move := func(to string, extra string) apiCase {
			t.Helper()
			got := decodeJSON[apiCase](t, j.call(j.coord, 200, "POST", apiCasePath(c.ID, "/transitions"), `{"to":"`+to+`"`+extra+`}`))
			if got.State != to {
				t.Fatalf("moved to %s, the case is %s", to, got.State)
			}
			return got
		}
		refuse := func(to, extra, says string) {
			t.Helper()
			e := j.refused(j.coord, http.StatusConflict, "conflict", "POST", apiCasePath(c.ID, "/transitions"), `{"to":"`+to+`"`+extra+`}`)
			if !strings.Contains(e.Error.Message, says) || e.Error.Fields["state"] == "" {
				t.Fatalf("refused move to %s: %+v, want the message to say %q and fields.state set", to, e.Error, says)
			}
		}

		move("intake", `,"reason":"first call made"`)
		refuse("waiting", "", "consent")
		j.call(j.coord, http.StatusCreated, "POST", apiMenteePath(m.ID, "/consents"), `{"kind":"processing","given":true}`)
		refuse("waiting", "", "needs")
		needs := decodeJSON[apiList[struct {
			Domain   string `json:"domain"`
			Severity string `json:"severity"`
		}]](t, j.call(j.coord, 200, "POST", apiCasePath(c.ID, "/needs"),
			`{"assessments":[{"domain":"employment","severity":"medium","status":"not_started"},{"domain":"housing","severity":"critical","status":"in_progress"}]}`))
		if len(needs.Items) != 2 || needs.Items[0].Domain != "housing" || needs.Items[0].Severity != "critical" {
			t.Fatalf("needs, critical first: %+v", needs.Items)
		}
		move("waiting", "")
		refuse("matched", "", "mentor")

		// The match: the mentor's single place (the program's capacity) is taken by it.
		match := decodeJSON[struct {
			Current *struct {
				MentorID int64 `json:"mentor_id"`
			} `json:"current"`
		}](t, j.call(j.coord, 200, "PUT", apiCasePath(c.ID, "/match"), fmt.Sprintf(`{"mentor_id":%d}`, j.mentor.ID)))
		if match.Current == nil || match.Current.MentorID != j.mentor.ID {
			t.Fatalf("match: %+v", match)
		}
		_, other := j.waiting("HW-002", "Pavel Other")
		e := j.refused(j.coord, http.StatusConflict, "conflict", "PUT", apiCasePath(other.ID, "/match"), fmt.Sprintf(`{"mentor_id":%d}`, j.mentor.ID))
		if e.Error.Fields["mentor_id"] == "" {
			t.Errorf("capacity full does not name mentor_id: %+v", e.Error)
		}
		j.call(j.coord, 200, "PUT", apiCasePath(c.ID, "/psychologist"), fmt.Sprintf(`{"psychologist_id":%d}`, j.psych.ID))

		// The first meeting: the mentor agrees the first plan step.
		refuse("active", "", "plan")
		step := decodeJSON[apiRecord](t, j.call(j.mentor, http.StatusCreated, "POST", apiCasePath(c.ID, "/plan-steps"),
			`{"title":"Find a room","domain":"housing","owner":"mentee","due_on":"2030-06-01"}`))
		if step.Status != "open" || step.Version != 1 {
			t.Fatalf("plan step: %+v", step)
		}
		move("active", "")
		step = decodeJSON[apiRecord](t, j.call(j.mentor, 200, "PATCH", apiCasePath(c.ID, fmt.Sprintf("/plan-steps/%d", step.ID)), `{"status":"in_progress","version":1}`))
		if step.Status != "in_progress" || step.Version != 2 {
			t.Fatalf("plan step update: %+v", step)
		}

		// Support: a contact, a request, notes.
		at := a.store.Now().Format(time.RFC3339)
		j.call(j.mentor, http.StatusCreated, "POST", apiCasePath(c.ID, "/contacts"),
			`{"at":"`+at+`","channel":"call","minutes":40,"summary":"Talked about the room","needs":["housing"]}`)
		contacts := decodeJSON[apiList[apiRecord]](t, j.call(j.coord, 200, "GET", apiCasePath(c.ID, "/contacts"), ""))
		if len(contacts.Items) != 1 || contacts.Items[0].Summary != "Talked about the room" {
			t.Fatalf("contacts: %+v", contacts)
		}
		req := decodeJSON[apiRecord](t, j.call(j.mentor, http.StatusCreated, "POST", apiCasePath(c.ID, "/requests"),
			`{"domain":"employment","urgency":"soon","text":"Needs a CV"}`))
		req = decodeJSON[apiRecord](t, j.call(j.mentor, 200, "PATCH", apiCasePath(c.ID, fmt.Sprintf("/requests/%d", req.ID)),
			fmt.Sprintf(`{"status":"resolved","resolution":"CV written","version":%d}`, req.Version)))
		if req.Status != "resolved" || req.Text != "Needs a CV" {
			t.Fatalf("request update: %+v", req)
		}
		signals := decodeJSON[struct {
			ContactOverdue  bool  `json:"contact_overdue"`
			RequestsPerWeek []int `json:"requests_per_week"`
		}](t, j.call(j.mentor, 200, "GET", apiCasePath(c.ID, "/signals"), ""))
		if len(signals.RequestsPerWeek) == 0 || signals.RequestsPerWeek[len(signals.RequestsPerWeek)-1] != 1 || signals.ContactOverdue {
			t.Errorf("signals: %+v", signals)
		}

		// Closing, step by step; each missing step is named.
		move("closing", "")
		refuse("closed", `,"closure_reason":"completed"`, "agree")
		j.call(j.coord, 200, "POST", apiCasePath(c.ID, "/closing/agreement"), "")
		refuse("closed", `,"closure_reason":"completed"`, "final meeting")
		j.refused(j.mentor, http.StatusForbidden, "forbidden", "POST", apiCasePath(c.ID, "/closing/final-meeting"), "")
		steps := decodeJSON[struct {
			AgreedAt       *time.Time `json:"agreed_at"`
			FinalMeetingAt *time.Time `json:"final_meeting_at"`
		}](t, j.call(j.psych, 200, "POST", apiCasePath(c.ID, "/closing/final-meeting"), ""))
		if steps.AgreedAt == nil || steps.FinalMeetingAt == nil {
			t.Fatalf("closing steps: %+v", steps)
		}
		refuse("closed", `,"closure_reason":"completed"`, "feedback")
		j.call(j.coord, http.StatusNoContent, "GET", apiCasePath(c.ID, "/feedback"), "")
		j.refused(j.mentor, http.StatusForbidden, "forbidden", "GET", apiCasePath(c.ID, "/feedback"), "")
		fb := decodeJSON[struct {
			Support int    `json:"support"`
			Text    string `json:"text"`
		}](t, j.call(j.coord, 200, "PUT", apiCasePath(c.ID, "/feedback"), `{"support":5,"mentor":5,"text":"Thank you for the room"}`))
		if fb.Support != 5 || fb.Text != "Thank you for the room" {
			t.Fatalf("feedback: %+v", fb)
		}
		closed := move("closed", `,"closure_reason":"completed","outcomes":[{"kind":"housing_secured"}]`)
		if closed.ClosureReason != "completed" || closed.MentorID != 0 {
			t.Fatalf("closed: %+v", closed)
		}

		// The match ended: the mentor no longer reaches the case, and their place is free again.
		j.refused(j.mentor, http.StatusNotFound, "not_found", "GET", apiCasePath(c.ID, ""), "")
		j.call(j.coord, 200, "PUT", apiCasePath(other.ID, "/match"), fmt.Sprintf(`{"mentor_id":%d}`, j.mentor.ID))
		matches := decodeJSON[struct {
			Current *struct{} `json:"current"`
			History []struct {
				EndedAt *time.Time `json:"ended_at"`
			} `json:"history"`
		}](t, j.call(j.coord, 200, "GET", apiCasePath(c.ID, "/match"), ""))
		if matches.Current != nil || len(matches.History) != 1 || matches.History[0].EndedAt == nil {
			t.Errorf("match after closing: %+v", matches)
		}
		outcomes := decodeJSON[apiList[apiRecord]](t, j.call(j.coord, 200, "GET", apiCasePath(c.ID, "/outcomes"), ""))
		if len(outcomes.Items) != 1 || outcomes.Items[0].Kind != "housing_secured" {
			t.Errorf("outcomes: %+v", outcomes)
		}
		// An outcome of an earlier day of the period, after release; the
		// list shows each outcome's day and whether it came after release.
		today := a.store.Now().UTC().Format("2006-01-02")
		type apiOutcome struct {
			Kind         string    `json:"kind"`
			OccurredOn   time.Time `json:"occurred_on"`
			AfterRelease *bool     `json:"after_release"`
		}
		o := decodeJSON[apiOutcome](t, j.call(j.coord, 201, "POST", apiCasePath(c.ID, "/outcomes"),
			`{"kind":"job_found","occurred_on":"`+today+`","after_release":true}`))
		if o.OccurredOn.Format("2006-01-02") != today || o.AfterRelease == nil || !*o.AfterRelease {
			t.Errorf("outcome recorded: %+v", o)
		}
		listed := decodeJSON[apiList[apiOutcome]](t, j.call(j.coord, 200, "GET", apiCasePath(c.ID, "/outcomes"), ""))
		if len(listed.Items) != 2 || listed.Items[0].AfterRelease == nil || *listed.Items[0].AfterRelease || !*listed.Items[1].AfterRelease {
			t.Errorf("outcomes with their days: %+v", listed)
		}
		transitions := decodeJSON[apiList[struct {
			From, To string
			Reason   string `json:"reason"`
			ActorID  int64  `json:"actor_id"`
		}]](t, j.call(j.coord, 200, "GET", apiCasePath(c.ID, "/transitions"), ""))
		var path []string
		for _, tr := range transitions.Items {
			path = append(path, tr.To)
		}
		if strings.Join(path, ",") != "referred,intake,waiting,matched,active,closing,closed" || transitions.Items[1].Reason != "first call made" {
			t.Errorf("transitions: %v %+v", path, transitions.Items)
		}

		// Follow-ups at 6 and 12 months.
		fus := decodeJSON[apiList[apiRecord]](t, j.call(j.coord, 200, "GET", apiCasePath(c.ID, "/follow-ups"), ""))
		if len(fus.Items) != 2 || fus.Items[0].Months != 6 || fus.Items[1].Months != 12 {
			t.Fatalf("follow-ups: %+v", fus)
		}
		fu := decodeJSON[apiRecord](t, j.call(j.coord, 200, "PUT", apiCasePath(c.ID, fmt.Sprintf("/follow-ups/%d", fus.Items[0].ID)),
			fmt.Sprintf(`{"work_kept":"yes","housing":"yes","rearrested":"no","note":"Still in the room","version":%d}`, fus.Items[0].Version)))
		if fu.WorkKept != "yes" {
			t.Errorf("follow-up: %+v", fu)
		}
		j.refused(j.coord, http.StatusConflict, "conflict", "PUT", apiCasePath(c.ID, fmt.Sprintf("/follow-ups/%d", fus.Items[0].ID)),
			fmt.Sprintf(`{"work_kept":"no","housing":"yes","rearrested":"no","version":%d}`, fus.Items[0].Version))
		closing := decodeJSON[struct {
			ClosedAt      *time.Time `json:"closed_at"`
			ClosureReason string     `json:"closure_reason"`
		}](t, j.call(j.psych, 200, "GET", apiCasePath(c.ID, "/closing"), ""))
		if closing.ClosedAt == nil || closing.ClosureReason != "completed" {
			t.Errorf("closing after the closure: %+v", closing)
		}
	})
}

// A mentor reaches only the case they are matched to now, a psychologist
// only the case assigned to them; the admin, viewers, partners and mentees
// reach no case and no mentee. A refusal changes nothing.
func TestAPICaseAccessByRole(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	j := newAPIJourney(t, a)
	ctx := context.Background()
	mine, own := j.matched("HW-010", "Olga Own", j.mentor)
	theirs, other := j.matched("HW-011", "Ivan Other", j.mentor2)
	if _, err := a.store.AssignPsychologist(ctx, own.ID, j.psych.ID, j.coord.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.AddPlanStep(ctx, cases.PlanStep{CaseID: other.ID, Title: "Theirs", Owner: cases.OwnerMentor, Status: cases.StepOpen}); err != nil {
		t.Fatal(err)
	}
	otherStep, _ := a.store.PlanSteps(ctx, other.ID)
	otherReq, err := a.store.AddRequest(ctx, cases.Request{CaseID: other.ID, Domain: "housing", Urgency: cases.Normal, Text: "Theirs", Status: cases.RequestOpen, RecordedBy: j.coord.ID})
	if err != nil {
		t.Fatal(err)
	}
	at := a.store.Now().Format(time.RFC3339)

	// Everything of a case and of a mentee, read and written.
	onCase := func(c int64, m int64) [][3]string {
		return [][3]string{
			{"GET", apiCasePath(c, ""), ""},
			{"GET", apiCasePath(c, "/transitions"), ""},
			{"POST", apiCasePath(c, "/transitions"), `{"to":"active"}`},
			{"GET", apiCasePath(c, "/needs"), ""},
			{"POST", apiCasePath(c, "/needs"), `{"assessments":[{"domain":"housing","severity":"low","status":"done"}]}`},
			{"GET", apiCasePath(c, "/plan-steps"), ""},
			{"POST", apiCasePath(c, "/plan-steps"), `{"title":"Sneaky","owner":"mentor"}`},
			{"GET", apiCasePath(c, "/contacts"), ""},
			{"POST", apiCasePath(c, "/contacts"), `{"at":"` + at + `","channel":"call"}`},
			{"GET", apiCasePath(c, "/requests"), ""},
			{"POST", apiCasePath(c, "/requests"), `{"domain":"housing","text":"Sneaky"}`},
			{"GET", apiCasePath(c, "/notes"), ""},
			{"POST", apiCasePath(c, "/notes"), `{"visibility":"mentor","body":"Sneaky"}`},
			{"GET", apiCasePath(c, "/match"), ""},
			{"PUT", apiCasePath(c, "/match"), fmt.Sprintf(`{"mentor_id":%d}`, j.mentor.ID)},
			{"DELETE", apiCasePath(c, "/match"), `{"reason":"Sneaky"}`},
			{"PUT", apiCasePath(c, "/psychologist"), fmt.Sprintf(`{"psychologist_id":%d}`, j.psych.ID)},
			{"GET", apiCasePath(c, "/signals"), ""},
			{"GET", apiCasePath(c, "/closing"), ""},
			{"POST", apiCasePath(c, "/closing/agreement"), ""},
			{"POST", apiCasePath(c, "/closing/final-meeting"), ""},
			{"GET", apiCasePath(c, "/feedback"), ""},
			{"PUT", apiCasePath(c, "/feedback"), `{"declined":true}`},
			{"GET", apiCasePath(c, "/outcomes"), ""},
			{"POST", apiCasePath(c, "/outcomes"), `{"kind":"job_found"}`},
			{"GET", apiCasePath(c, "/follow-ups"), ""},
			{"GET", apiMenteePath(m, ""), ""},
			{"PUT", apiMenteePath(m, ""), `{"city":"Sneaky","version":1}`},
			{"GET", apiMenteePath(m, "/history"), ""},
			{"PUT", apiMenteePath(m, "/history"), `{"parts":{"health":"Sneaky"},"version":1}`},
			{"PUT", apiMenteePath(m, "/history/sharing"), `{"shared":["health"],"version":1}`},
			{"GET", apiMenteePath(m, "/consents"), ""},
			{"POST", apiMenteePath(m, "/consents"), `{"kind":"reporting","given":true}`},
		}
	}
	refusedAll := func(p apiPerson, calls [][3]string, allowed ...int) {
		t.Helper()
		for _, c := range calls {
			before, _ := a.store.AuditHead(ctx)
			res, body := a.withBearer(p.token, c[0], c[1], c[2])
			if !slices.Contains(allowed, res.StatusCode) {
				t.Errorf("%s %s as %s: %d, want one of %v\n%s", c[0], c[1], p.Role, res.StatusCode, allowed, body)
				continue
			}
			if after, _ := a.store.AuditHead(ctx); after != before {
				t.Errorf("%s %s as %s was refused but changed something", c[0], c[1], p.Role)
			}
		}
	}
	// The mentor of another case: as if the case did not exist.
	refusedAll(j.mentor, onCase(other.ID, theirs.ID), http.StatusNotFound)
	refusedAll(j.mentor, [][3]string{
		{"PATCH", apiCasePath(other.ID, fmt.Sprintf("/plan-steps/%d", otherStep[0].ID)), `{"status":"done","version":1}`},
		{"PATCH", apiCasePath(other.ID, fmt.Sprintf("/requests/%d", otherReq.ID)), `{"status":"resolved","version":1}`},
		// Another case's step or request through the mentor's own case.
		{"PATCH", apiCasePath(own.ID, fmt.Sprintf("/plan-steps/%d", otherStep[0].ID)), `{"status":"done","version":1}`},
		{"PATCH", apiCasePath(own.ID, fmt.Sprintf("/requests/%d", otherReq.ID)), `{"status":"resolved","version":1}`},
	}, http.StatusNotFound)
	// A psychologist not assigned to the case.
	refusedAll(j.psych, onCase(other.ID, theirs.ID), http.StatusNotFound)
	// Roles that never reach a person's record.
	for _, p := range []apiPerson{j.admin, j.viewer, j.partner, j.mentee} {
		refusedAll(p, onCase(own.ID, mine.ID), http.StatusNotFound, http.StatusForbidden)
		refusedAll(p, [][3]string{
			{"GET", "/api/v1/cases", ""},
			{"GET", "/api/v1/mentees", ""},
			{"POST", "/api/v1/mentees", fmt.Sprintf(`{"case_code":"HW-099","full_name":"Nobody","program_id":%d,"confirm_new":true}`, j.prog.ID)},
		}, http.StatusForbidden)
	}
	// The mentor's lists hold only their own case; the coordinator's both.
	for _, c := range []struct {
		p    apiPerson
		want []int64
	}{{j.mentor, []int64{own.ID}}, {j.mentor2, []int64{other.ID}}, {j.psych, []int64{own.ID}}, {j.coord, []int64{own.ID, other.ID}}} {
		list := decodeJSON[apiList[apiCase]](t, j.call(c.p, 200, "GET", "/api/v1/cases?sort=code", ""))
		var got []int64
		for _, it := range list.Items {
			got = append(got, it.ID)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("case list as %s: %v, want %v", c.p.Role, got, c.want)
		}
		body := j.call(c.p, 200, "GET", "/api/v1/mentees", "")
		mentees := decodeJSON[apiList[struct {
			ID       int64  `json:"id"`
			CaseCode string `json:"case_code"`
		}]](t, body)
		if len(mentees.Items) != len(c.want) || strings.Contains(body, "Olga") || strings.Contains(body, "Ivan") {
			t.Errorf("mentee list as %s (never with names): %s", c.p.Role, body)
		}
	}
	// What the mentor may do on their own case: read it and work on it, not manage it.
	j.call(j.mentor, 200, "GET", apiCasePath(own.ID, ""), "")
	j.call(j.mentor, 200, "GET", apiMenteePath(mine.ID, ""), "")
	j.call(j.mentor, http.StatusCreated, "POST", apiCasePath(own.ID, "/plan-steps"), `{"title":"Call the job centre","owner":"mentor"}`)
	for _, c := range [][3]string{
		{"POST", apiCasePath(own.ID, "/transitions"), `{"to":"active"}`},
		{"POST", apiCasePath(own.ID, "/needs"), `{"assessments":[{"domain":"housing","severity":"low","status":"done"}]}`},
		{"DELETE", apiCasePath(own.ID, "/match"), `{"reason":"Sneaky"}`},
		{"PUT", apiMenteePath(mine.ID, ""), `{"city":"Sneaky","version":1}`},
		{"PUT", apiMenteePath(mine.ID, "/history/sharing"), `{"shared":["health"],"version":1}`},
	} {
		j.refused(j.mentor, http.StatusForbidden, "forbidden", c[0], c[1], c[2])
	}
	// The psychologist reads the assigned case but does not work on it.
	j.call(j.psych, 200, "GET", apiCasePath(own.ID, "/contacts"), "")
	j.refused(j.psych, http.StatusForbidden, "forbidden", "POST", apiCasePath(own.ID, "/contacts"), `{"at":"`+at+`","channel":"call"}`)
}

// The sensitive history: coordinators and the case's psychologist read
// every part, the mentor only the parts the mentee shared; every read is
// audited.
func TestAPIHistoryPartsByRole(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	j := newAPIJourney(t, a)
	ctx := context.Background()
	m, c := j.matched("HW-020", "Maryia History", j.mentor)
	if _, err := a.store.AssignPsychologist(ctx, c.ID, j.psych.ID, j.coord.ID); err != nil {
		t.Fatal(err)
	}
	h := decodeJSON[apiHistory](t, j.call(j.coord, 200, "GET", apiMenteePath(m.ID, "/history"), ""))
	h = decodeJSON[apiHistory](t, j.call(j.coord, 200, "PUT", apiMenteePath(m.ID, "/history"), fmt.Sprintf(
		`{"parts":{"persecution":"Detained after a protest","health":"Back injury"},"version":%d}`, h.Version)))
	if h.Parts["persecution"] != "Detained after a protest" || h.Parts["health"] != "Back injury" || len(h.Readable) != 5 {
		t.Fatalf("history as saved: %+v", h)
	}
	// Nothing shared yet: the mentor reads no part at all.
	h = decodeJSON[apiHistory](t, j.call(j.mentor, 200, "GET", apiMenteePath(m.ID, "/history"), ""))
	if len(h.Parts) != 0 || len(h.Readable) != 0 {
		t.Fatalf("the mentor reads unshared history: %+v", h)
	}
	sh, err := j.a.store.HistorySharing(context.Background(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	j.call(j.coord, 200, "PUT", apiMenteePath(m.ID, "/history/sharing"), fmt.Sprintf(`{"shared":["persecution"],"version":%d}`, sh.Version))
	// A second choice made on the same (now old) version is refused.
	j.refused(j.coord, http.StatusConflict, "conflict", "PUT", apiMenteePath(m.ID, "/history/sharing"), fmt.Sprintf(`{"shared":["health"],"version":%d}`, sh.Version))
	body := j.call(j.mentor, 200, "GET", apiMenteePath(m.ID, "/history"), "")
	h = decodeJSON[apiHistory](t, body)
	if h.Parts["persecution"] != "Detained after a protest" || strings.Contains(body, "Back injury") || !slices.Equal(h.Readable, []string{"persecution"}) {
		t.Fatalf("the mentor's history: %s", body)
	}
	h = decodeJSON[apiHistory](t, j.call(j.psych, 200, "GET", apiMenteePath(m.ID, "/history"), ""))
	if h.Parts["health"] != "Back injury" {
		t.Errorf("the psychologist's history: %+v", h)
	}
	// Writing it is the coordinator's; a stale version is refused.
	j.refused(j.mentor, http.StatusForbidden, "forbidden", "PUT", apiMenteePath(m.ID, "/history"), `{"parts":{"health":"x"},"version":1}`)
	j.refused(j.coord, http.StatusConflict, "conflict", "PUT", apiMenteePath(m.ID, "/history"), `{"parts":{"health":"Stale"},"version":1}`)
	e := j.refused(j.coord, 422, "invalid", "PUT", apiMenteePath(m.ID, "/history/sharing"), `{"shared":["diary"],"version":1}`)
	if e.Error.Fields["shared"] == "" {
		t.Errorf("unknown part: %+v", e.Error)
	}
	entries, _, err := a.store.ListAudit(ctx, store.AuditFilter{ObjectType: "mentee"}, store.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	for _, en := range entries {
		if en.Action == "mentee.history_read" {
			reads++
		}
	}
	// Coordinator (after saving), mentor (with a shared part) and psychologist: three reads opened text.
	if reads < 3 {
		t.Errorf("%d audited history reads, want at least 3", reads)
	}
}

// Notes: each role reads and writes only the levels it may.
func TestAPINotesVisibility(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	j := newAPIJourney(t, a)
	_, c := j.matched("HW-030", "Notes Person", j.mentor)
	if _, err := a.store.AssignPsychologist(context.Background(), c.ID, j.psych.ID, j.coord.ID); err != nil {
		t.Fatal(err)
	}
	write := func(p apiPerson, vis string, status int) {
		t.Helper()
		body := j.call(p, status, "POST", apiCasePath(c.ID, "/notes"), `{"visibility":"`+vis+`","body":"`+string(p.Role)+` at `+vis+`"}`)
		if status == http.StatusForbidden && decodeJSON[apiError](t, body).Error.Code != "forbidden" {
			t.Errorf("refused note: %s", body)
		}
	}
	write(j.mentor, "mentor", http.StatusCreated)
	write(j.mentor, "team", http.StatusForbidden)
	write(j.mentor, "psychologist", http.StatusForbidden)
	write(j.coord, "team", http.StatusCreated)
	write(j.coord, "psychologist", http.StatusForbidden)
	write(j.psych, "psychologist", http.StatusCreated)
	e := j.refused(j.coord, 422, "invalid", "POST", apiCasePath(c.ID, "/notes"), `{"visibility":"everyone","body":"x"}`)
	if e.Error.Fields["visibility"] == "" {
		t.Errorf("unknown visibility: %+v", e.Error)
	}
	read := func(p apiPerson) []string {
		t.Helper()
		var got []string
		for _, n := range decodeJSON[apiList[apiRecord]](t, j.call(p, 200, "GET", apiCasePath(c.ID, "/notes"), "")).Items {
			got = append(got, n.Visibility)
		}
		slices.Sort(got)
		return got
	}
	for _, c := range []struct {
		p    apiPerson
		want string
	}{
		{j.mentor, "mentor"},
		{j.coord, "mentor,team"},
		{j.psych, "mentor,psychologist,team"},
	} {
		if got := strings.Join(read(c.p), ","); got != c.want {
			t.Errorf("notes %s reads: %s, want %s", c.p.Role, got, c.want)
		}
	}
}

// Before a new mentee is created the duplicate check answers 409 with the
// likely matches and creates nothing; confirm_new creates, link_mentee_id
// links to a person the coordinator may see, and to no one else.
func TestAPIIntakeDuplicateCheck(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	j := newAPIJourney(t, a)
	first, _ := j.intake("HW-040", "Aliaksandr Kazlou", 1980)
	post := func(body string) (*http.Response, string) {
		return a.withBearer(j.coord.token, "POST", "/api/v1/mentees", body)
	}
	res, body := post(fmt.Sprintf(`{"case_code":"HW-041","full_name":"Aliaksandr Novik","birth_year":1981,"program_id":%d}`, j.prog.ID))
	dup := decodeJSON[struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
		Candidates []struct {
			MenteeID int64    `json:"mentee_id"`
			CaseCode string   `json:"case_code"`
			Why      []string `json:"why"`
		} `json:"candidates"`
	}](t, body)
	if res.StatusCode != http.StatusConflict || dup.Error.Code != "duplicate" || len(dup.Candidates) != 1 ||
		dup.Candidates[0].MenteeID != first.ID || dup.Candidates[0].CaseCode != "HW-040" || !slices.Contains(dup.Candidates[0].Why, "name") {
		t.Fatalf("duplicate check: %d %s", res.StatusCode, body)
	}
	if strings.Contains(body, "Kazlou") {
		t.Errorf("the candidates carry the name: %s", body)
	}
	res, body = post(fmt.Sprintf(`{"case_code":"HW-040","full_name":"Someone Else","program_id":%d}`, j.prog.ID))
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, `"case_code"`) || !strings.Contains(body, `"candidates"`) {
		t.Fatalf("same case code: %d %s", res.StatusCode, body)
	}
	list := decodeJSON[apiList[apiMentee]](t, j.call(j.coord, 200, "GET", "/api/v1/mentees", ""))
	if len(list.Items) != 1 {
		t.Fatalf("the duplicate check created someone: %+v", list.Items)
	}
	// Bad input is named before any duplicate check.
	res, body = post(fmt.Sprintf(`{"case_code":"x","full_name":"","program_id":%d}`, j.prog.ID))
	if e := decodeJSON[apiError](t, body); res.StatusCode != 422 || e.Error.Fields["case_code"] == "" || e.Error.Fields["full_name"] == "" {
		t.Errorf("invalid intake: %d %s", res.StatusCode, body)
	}
	res, body = post(fmt.Sprintf(`{"case_code":"HW-042","full_name":"Aliaksandr Novik","program_id":%d,"confirm_new":true,"link_mentee_id":%d}`, j.prog.ID, first.ID))
	if e := decodeJSON[apiError](t, body); res.StatusCode != 422 || e.Error.Fields["link_mentee_id"] == "" {
		t.Errorf("both confirm and link: %d %s", res.StatusCode, body)
	}
	// Confirmed: a new person.
	res, body = post(fmt.Sprintf(`{"case_code":"HW-041","full_name":"Aliaksandr Novik","birth_year":1981,"program_id":%d,"confirm_new":true}`, j.prog.ID))
	if res.StatusCode != http.StatusCreated || !strings.HasPrefix(res.Header.Get("Location"), "/api/v1/mentees/") {
		t.Fatalf("confirmed new: %d %s", res.StatusCode, body)
	}
	// Linked: the known person gets a case in a second program of the coordinator's.
	second := a.program(fmt.Sprintf("Second %d", appCount.Add(1)))
	if err := apiAddProgram(a, j.coord.User, second.ID); err != nil {
		t.Fatal(err)
	}
	res, body = post(fmt.Sprintf(`{"program_id":%d,"link_mentee_id":%d}`, second.ID, first.ID))
	linked := decodeJSON[struct {
		Mentee apiMentee `json:"mentee"`
		Case   apiCase   `json:"case"`
	}](t, body)
	if res.StatusCode != http.StatusCreated || linked.Mentee.ID != first.ID || linked.Case.ProgramID != second.ID || linked.Case.Code != "HW-040" {
		t.Fatalf("link: %d %s", res.StatusCode, body)
	}
	res, body = post(fmt.Sprintf(`{"program_id":%d,"link_mentee_id":%d}`, second.ID, first.ID))
	if res.StatusCode != http.StatusConflict {
		t.Errorf("a second case in the same program: %d %s", res.StatusCode, body)
	}
	// A person in a program the coordinator does not coordinate cannot be linked into theirs.
	elsewhere := a.program(fmt.Sprintf("Elsewhere %d", appCount.Add(1)))
	stranger, _ := a.signedIn(fmt.Sprintf("stranger-%d@example.org", appCount.Add(1)), auth.Coordinator, elsewhere.ID)
	hidden, _, err := a.store.CreateIntake(context.Background(), store.Intake{ProgramID: elsewhere.ID, State: cases.Referred, ActorID: stranger.ID,
		Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: "EL-001", FullName: "Hidden Person"}}})
	if err != nil {
		t.Fatal(err)
	}
	res, body = post(fmt.Sprintf(`{"program_id":%d,"link_mentee_id":%d}`, j.prog.ID, hidden.ID))
	if e := decodeJSON[apiError](t, body); res.StatusCode != 422 || e.Error.Fields["link_mentee_id"] == "" {
		t.Errorf("link to a apiPerson the coordinator may not see: %d %s", res.StatusCode, body)
	}
	// Nor may they take anyone into the other program, and its people are not candidates.
	res, _ = post(fmt.Sprintf(`{"case_code":"HW-043","full_name":"Hidden Person","program_id":%d,"confirm_new":true}`, elsewhere.ID))
	if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
		t.Errorf("intake into another program: %d", res.StatusCode)
	}
	res, body = post(fmt.Sprintf(`{"case_code":"HW-044","full_name":"Hidden Person","program_id":%d}`, j.prog.ID))
	if res.StatusCode != http.StatusCreated {
		t.Errorf("a apiPerson only known in another program is offered as a candidate: %d %s", res.StatusCode, body)
	}
}

// apiAddProgram gives the user one more program.
func apiAddProgram(a *app, u auth.User, programID int64) error {
	ctx := context.Background()
	got, err := a.store.GetUser(ctx, u.ID)
	if err != nil {
		return err
	}
	got.Programs = append(got.Programs, programID)
	_, err = a.store.UpdateUser(ctx, got, got.UpdatedAt)
	return err
}

// Versions guard concurrent edits; bad bodies and filters are named.
func TestAPICaseVersionsAndBadInput(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	j := newAPIJourney(t, a)
	m, c := j.matched("HW-050", "Version Person", j.mentor)

	// The mentee's profile.
	got := decodeJSON[apiMentee](t, j.call(j.coord, 200, "PUT", apiMenteePath(m.ID, ""), `{"city":"Vilnius","version":1}`))
	if got.Version != 2 || got.FullName != "Version Person" || len(got.Cases) != 1 {
		t.Fatalf("profile update: %+v", got)
	}
	j.refused(j.coord, http.StatusConflict, "conflict", "PUT", apiMenteePath(m.ID, ""), `{"city":"Kaunas","version":1}`)
	for _, bad := range []string{`{"city":"Kaunas"}`, `{"version":null}`, `{"version":0}`, `{"version":"2"}`} {
		if e := j.refused(j.coord, 422, "invalid", "PUT", apiMenteePath(m.ID, ""), bad); e.Error.Fields["version"] == "" {
			t.Errorf("%s: %+v", bad, e.Error)
		}
	}
	if e := j.refused(j.coord, 422, "invalid", "PUT", apiMenteePath(m.ID, ""), `{"user_id":5,"version":2}`); e.Error.Fields["user_id"] == "" {
		t.Errorf("the portal account is not written through the profile: %+v", e.Error)
	}

	// A plan step and a request.
	step := decodeJSON[apiRecord](t, j.call(j.mentor, http.StatusCreated, "POST", apiCasePath(c.ID, "/plan-steps"), `{"title":"Step","owner":"mentee"}`))
	j.call(j.mentor, 200, "PATCH", apiCasePath(c.ID, fmt.Sprintf("/plan-steps/%d", step.ID)), `{"title":"Step one","version":1}`)
	j.refused(j.coord, http.StatusConflict, "conflict", "PATCH", apiCasePath(c.ID, fmt.Sprintf("/plan-steps/%d", step.ID)), `{"status":"done","version":1}`)
	j.refused(j.coord, http.StatusNotFound, "not_found", "PATCH", apiCasePath(c.ID, "/plan-steps/999999"), `{"status":"done","version":1}`)
	req := decodeJSON[apiRecord](t, j.call(j.mentor, http.StatusCreated, "POST", apiCasePath(c.ID, "/requests"), `{"domain":"housing","text":"A room"}`))
	j.call(j.mentor, 200, "PATCH", apiCasePath(c.ID, fmt.Sprintf("/requests/%d", req.ID)), `{"status":"in_progress","version":1}`)
	j.refused(j.mentor, http.StatusConflict, "conflict", "PATCH", apiCasePath(c.ID, fmt.Sprintf("/requests/%d", req.ID)), `{"status":"resolved","version":1}`)

	// Bodies: not JSON, unknown fields, wrong types, bad values — each named, nothing saved.
	before := decodeJSON[apiList[apiRecord]](t, j.call(j.coord, 200, "GET", apiCasePath(c.ID, "/contacts"), ""))
	future := a.store.Now().Add(48 * time.Hour).Format(time.RFC3339)
	for _, tc := range []struct {
		name, method, path, body, code, field string
	}{
		{"not JSON", "POST", apiCasePath(c.ID, "/contacts"), `{"at":`, "invalid_body", ""},
		{"an array", "POST", apiCasePath(c.ID, "/contacts"), `[]`, "invalid_body", ""},
		{"two objects", "POST", apiCasePath(c.ID, "/notes"), `{"visibility":"mentor","body":"a"}{}`, "invalid_body", ""},
		{"unknown field", "POST", apiCasePath(c.ID, "/contacts"), `{"at":"2026-01-01T10:00:00Z","channel":"call","mood":"good"}`, "invalid", "mood"},
		{"wrong type", "POST", apiCasePath(c.ID, "/contacts"), `{"at":"2026-01-01T10:00:00Z","channel":"call","minutes":"ten"}`, "invalid", "minutes"},
		{"bad time", "POST", apiCasePath(c.ID, "/contacts"), `{"at":"yesterday","channel":"call"}`, "invalid", "at"},
		{"no time", "POST", apiCasePath(c.ID, "/contacts"), `{"channel":"call"}`, "invalid", "at"},
		{"future contact", "POST", apiCasePath(c.ID, "/contacts"), `{"at":"` + future + `","channel":"call"}`, "invalid", "at"},
		{"unknown channel", "POST", apiCasePath(c.ID, "/contacts"), `{"at":"2026-01-01T10:00:00Z","channel":"pigeon"}`, "invalid", "channel"},
		{"domain of no program", "POST", apiCasePath(c.ID, "/contacts"), `{"at":"2026-01-01T10:00:00Z","channel":"call","needs":["astrology"]}`, "invalid", "needs"},
		{"bad due date", "POST", apiCasePath(c.ID, "/plan-steps"), `{"title":"x","owner":"mentee","due_on":"31.12.2026"}`, "invalid", "due_on"},
		{"no title", "POST", apiCasePath(c.ID, "/plan-steps"), `{"owner":"mentee"}`, "invalid", "title"},
		{"plan step version on create", "POST", apiCasePath(c.ID, "/plan-steps"), `{"title":"x","owner":"mentee","version":1}`, "invalid", "version"},
		{"unknown state", "POST", apiCasePath(c.ID, "/transitions"), `{"to":"finished"}`, "invalid", "to"},
		{"closure without reason", "POST", apiCasePath(c.ID, "/transitions"), `{"to":"closed","closure_reason":"withdrawn"}`, "invalid", "reason"},
		{"no assessments", "POST", apiCasePath(c.ID, "/needs"), `{"assessments":[]}`, "invalid", "assessments"},
		{"bad severity", "POST", apiCasePath(c.ID, "/needs"), `{"assessments":[{"domain":"housing","severity":"dire","status":"done"}]}`, "invalid", "severity.housing"},
		{"no mentor", "PUT", apiCasePath(c.ID, "/match"), `{}`, "invalid", "mentor_id"},
		{"end without reason", "DELETE", apiCasePath(c.ID, "/match"), `{"reason":" "}`, "invalid", "reason"},
		{"consent without answer", "POST", apiMenteePath(m.ID, "/consents"), `{"kind":"processing"}`, "invalid", "given"},
		{"feedback with nothing", "PUT", apiCasePath(c.ID, "/feedback"), `{}`, "invalid", "text"},
		{"rating out of range", "PUT", apiCasePath(c.ID, "/feedback"), `{"support":9}`, "invalid", "support"},
		{"unknown outcome", "POST", apiCasePath(c.ID, "/outcomes"), `{"kind":"rich"}`, "invalid", "kind"},
		{"bad outcome day", "POST", apiCasePath(c.ID, "/outcomes"), `{"kind":"job_found","occurred_on":"31.12.2026"}`, "invalid", "occurred_on"},
		{"outcome before the case", "POST", apiCasePath(c.ID, "/outcomes"), `{"kind":"job_found","occurred_on":"2001-02-03"}`, "invalid", "occurred_on"},
		{"outcome tomorrow", "POST", apiCasePath(c.ID, "/outcomes"), `{"kind":"job_found","occurred_on":"` + a.store.Now().Add(48*time.Hour).Format("2006-01-02") + `"}`, "invalid", "occurred_on"},
		{"another program's own kind", "POST", apiCasePath(c.ID, "/outcomes"), `{"kind":"course_started"}`, "invalid", "kind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := a.withBearer(j.coord.token, tc.method, tc.path, tc.body)
			e := decodeJSON[apiError](t, body)
			if res.StatusCode != 422 || e.Error.Code != tc.code || (tc.field != "" && e.Error.Fields[tc.field] == "") {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
		})
	}
	after := decodeJSON[apiList[apiRecord]](t, j.call(j.coord, 200, "GET", apiCasePath(c.ID, "/contacts"), ""))
	if len(after.Items) != len(before.Items) {
		t.Errorf("bad contacts were saved: %d → %d", len(before.Items), len(after.Items))
	}
	res, body := a.withBearer(j.coord.token, "POST", apiCasePath(c.ID, "/contacts"), strings.Repeat(" ", 2<<20))
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: %d %s", res.StatusCode, body)
	}

	// The case list's filters.
	for _, q := range []string{"state=finished", "signal=sunny", "sort=name", "program_id=x", "mentor_id=-1", "limit=0", "cursor=%25"} {
		res, body := a.withBearer(j.coord.token, "GET", "/api/v1/cases?"+q, "")
		if e := decodeJSON[apiError](t, body); res.StatusCode != 422 || len(e.Error.Fields) != 1 {
			t.Errorf("?%s: %d %s", q, res.StatusCode, body)
		}
	}
	for q, want := range map[string]int{
		"state=matched": 1, "state=active": 0, fmt.Sprintf("mentor_id=%d", j.mentor.ID): 1, fmt.Sprintf("mentor_id=%d", j.mentor2.ID): 0,
		"code=hw-05": 1, "code=XX": 0, "need=housing": 1, "need=employment": 0, "signal=overdue": 0, "sort=opened": 1,
		fmt.Sprintf("program_id=%d", j.prog.ID): 1,
	} {
		list := decodeJSON[apiList[apiCase]](t, j.call(j.coord, 200, "GET", "/api/v1/cases?"+q, ""))
		if len(list.Items) != want {
			t.Errorf("?%s: %d cases, want %d", q, len(list.Items), want)
		}
	}
	// Paths: a missing case, a malformed id, a method a path does not serve.
	j.refused(j.coord, http.StatusNotFound, "not_found", "GET", apiCasePath(999999, ""), "")
	j.refused(j.coord, http.StatusNotFound, "not_found", "GET", "/api/v1/cases/abc", "")
	j.refused(j.coord, http.StatusNotFound, "not_found", "GET", apiMenteePath(999999, ""), "")
	res, body = a.withBearer(j.coord.token, "DELETE", apiCasePath(c.ID, ""), "")
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET" {
		t.Errorf("DELETE on a case: %d Allow=%q %s", res.StatusCode, res.Header.Get("Allow"), body)
	}
	res, _ = a.withBearer(j.coord.token, "GET", apiCasePath(c.ID, "/match"), "")
	if res.StatusCode != 200 {
		t.Errorf("match: %d", res.StatusCode)
	}
	res, _ = a.withBearer(j.coord.token, "POST", apiCasePath(c.ID, "/match"), "{}")
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, PUT, DELETE" {
		t.Errorf("POST on the match: %d Allow=%q", res.StatusCode, res.Header.Get("Allow"))
	}
}

// Contacts are paged with cursors, newest first.
func TestAPIContactsArePaged(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	j := newAPIJourney(t, a)
	_, c := j.matched("HW-060", "Paged Person", j.mentor)
	// Five contacts a minute apart, earlier today (none may lie before
	// the day the case opened, today in UTC).
	now := a.store.Now()
	start := now.Add(-5 * time.Hour)
	if day := now.UTC().Truncate(24 * time.Hour); start.Before(day) {
		start = day
	}
	for i := range 5 {
		at := start.Add(time.Duration(i) * time.Minute).Format(time.RFC3339)
		j.call(j.mentor, http.StatusCreated, "POST", apiCasePath(c.ID, "/contacts"), fmt.Sprintf(`{"at":%q,"channel":"message","summary":"Contact %d"}`, at, i))
	}
	var got []string
	target := apiCasePath(c.ID, "/contacts?limit=2")
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		page := decodeJSON[apiList[apiRecord]](t, j.call(j.mentor, 200, "GET", target, ""))
		for _, it := range page.Items {
			got = append(got, it.Summary)
		}
		if page.NextCursor == "" {
			break
		}
		target = apiCasePath(c.ID, "/contacts?limit=2&cursor="+page.NextCursor)
	}
	if strings.Join(got, ",") != "Contact 4,Contact 3,Contact 2,Contact 1,Contact 0" {
		t.Errorf("pages: %v", got)
	}
}
