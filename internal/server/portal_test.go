package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// portalWorld is a program with a coordinator and a mentor, a mentee with a
// portal account whose case is active, and another person's case.
type portalWorld struct {
	a           *app
	program     program.Program
	coordinator auth.User
	coordToken  string
	mentor      auth.User
	mentee      auth.User
	menteeToken string
	menteeID    int64
	c           cases.Case // the mentee's case, active
	mine        cases.PlanStep
	mine2       cases.PlanStep
	mentors     cases.PlanStep // owned by the mentor
	other       cases.Case     // another person's case
	others      cases.PlanStep // owned by the other mentee
}

var portalCount atomic.Int64

// portalIntake takes a person in and brings their case to waiting.
func (w *portalWorld) portalIntake(name string) (cases.Mentee, cases.Case) {
	t := w.a.t
	t.Helper()
	ctx := context.Background()
	n := portalCount.Add(1)
	m, c, err := w.a.store.CreateIntake(ctx, store.Intake{ProgramID: w.program.ID, State: cases.Intake, ActorID: w.coordinator.ID,
		Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: fmt.Sprintf("PT-%04d", n), FullName: name, BirthYear: 1985}}})
	if err != nil {
		t.Fatalf("intake: %v", err)
	}
	if _, err := w.a.store.RecordConsent(ctx, cases.Consent{MenteeID: m.ID, Kind: cases.ConsentProcessing, Given: true, RecordedBy: w.coordinator.ID}); err != nil {
		t.Fatal(err)
	}
	if err := w.a.store.AssessNeeds(ctx, c.ID, []cases.Assessment{{Domain: "housing", Severity: cases.Critical, Status: cases.NotStarted}}, w.coordinator.ID); err != nil {
		t.Fatal(err)
	}
	w.move(c.ID, cases.Waiting)
	return m, c
}

func (w *portalWorld) move(caseID int64, to cases.State) {
	w.a.t.Helper()
	if _, err := w.a.store.Transition(context.Background(), store.TransitionInput{CaseID: caseID, To: to, Reason: "test", ActorID: w.coordinator.ID}); err != nil {
		w.a.t.Fatalf("move to %s: %v", to, err)
	}
}

func (w *portalWorld) step(caseID int64, title string, owner cases.Owner) cases.PlanStep {
	w.a.t.Helper()
	due := time.Now().UTC().AddDate(0, 0, 14)
	st, err := w.a.store.AddPlanStep(context.Background(), cases.PlanStep{CaseID: caseID, Title: title, Domain: "documents", Owner: owner, Status: cases.StepOpen, DueOn: &due})
	if err != nil {
		w.a.t.Fatalf("plan step: %v", err)
	}
	return st
}

func newPortalWorld(t *testing.T, a *app) *portalWorld {
	t.Helper()
	ctx := context.Background()
	portalCount := portalCount.Load()
	w := &portalWorld{a: a, program: a.program(fmt.Sprintf("Portal program %d", portalCount))}
	w.coordinator, w.coordToken = a.signedIn(fmt.Sprintf("coord-portal-%d@example.org", portalCount), auth.Coordinator, w.program.ID)
	w.mentor, _ = a.signedIn(fmt.Sprintf("mentor-portal-%d@example.org", portalCount), auth.Mentor, w.program.ID)
	w.mentor, _ = a.store.GetUser(ctx, w.mentor.ID)
	w.mentor.Name = "Marta Mentor"
	var err error
	if w.mentor, err = a.store.UpdateUser(ctx, w.mentor, w.mentor.UpdatedAt); err != nil {
		t.Fatal(err)
	}
	w.mentee, w.menteeToken = a.signedIn(fmt.Sprintf("mentee-portal-%d@example.org", portalCount), auth.Mentee, w.program.ID)

	m, c := w.portalIntake("Alena Example")
	w.menteeID = m.ID
	if err := a.store.LinkMenteeUser(ctx, m.ID, w.mentee.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.Match(ctx, c.ID, w.mentor.ID, w.coordinator.ID); err != nil {
		t.Fatal(err)
	}
	w.mine = w.step(c.ID, "Apply for a passport", cases.OwnerMentee)
	w.mine2 = w.step(c.ID, "Visit the job centre", cases.OwnerMentee)
	w.mentors = w.step(c.ID, "Find a lawyer for the debt case", cases.OwnerMentor)
	w.move(c.ID, cases.Active)
	if _, err := a.store.AddNote(ctx, cases.Note{CaseID: c.ID, Visibility: cases.VisibleTeam, Body: "STAFF-ONLY-NOTE-7731", AuthorID: w.coordinator.ID}); err != nil {
		t.Fatal(err)
	}
	w.c, _ = a.store.GetCase(ctx, c.ID)

	_, w.other = w.portalIntake("Boris Other")
	w.others = w.step(w.other.ID, "Other person's step", cases.OwnerMentee)
	return w
}

// as makes the next requests as the holder of the session token.
func (w *portalWorld) as(token string) { w.a.session = token }

func (w *portalWorld) planStep(id int64) cases.PlanStep {
	w.a.t.Helper()
	st, err := w.a.store.GetPlanStep(context.Background(), 0, id)
	if err != nil {
		w.a.t.Fatal(err)
	}
	return st
}

func versionForm(v int) url.Values { return url.Values{"version": {fmt.Sprint(v)}} }

// The mentee's whole way through the portal: the plan and their own steps,
// asking for help, agreeing to finish, the feedback, the download.
func TestPortal(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) { portalJourney(t, newApp(t)) })
	t.Run("postgres", func(t *testing.T) { portalJourney(t, newAppOn(t, store.Options{DatabaseURL: testdb.Postgres(t)})) })
}

func portalJourney(t *testing.T, a *app) {
	ctx := context.Background()
	w := newPortalWorld(t, a)
	w.as(w.menteeToken)

	// The plan of the current period, the mentor and "Done" on their own steps only.
	res, body := a.do("GET", "/my", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /my: %d\n%s", res.StatusCode, body)
	}
	for _, want := range []string{"Hello, Alena Example", `id="my-plan"`, "Apply for a passport", "Find a lawyer for the debt case",
		"My next contact", "Your mentor is Marta Mentor.", "They will contact you by", "Ask for help", "My requests", `action="/my/data"`,
		fmt.Sprintf(`action="/my/steps/%d/done"`, w.mine.ID), `<option value="housing">Housing</option>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the portal lacks %q", want)
		}
	}
	if strings.Contains(body, fmt.Sprintf(`action="/my/steps/%d/done"`, w.mentors.ID)) || strings.Contains(body, "Other person") {
		t.Errorf("the portal offers a step that is not the mentee's")
	}
	if strings.Contains(body, "Are you ready to finish?") || strings.Contains(body, `action="/my/feedback"`) {
		t.Errorf("the closing shows while the case is active")
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("portal Cache-Control %q", res.Header.Get("Cache-Control"))
	}

	// Someone else's steps are not found, and stay as they were.
	for what, id := range map[string]int64{"the mentor's step": w.mentors.ID, "another person's step": w.others.ID, "no step": 99999999} {
		v := 1
		if id != 99999999 {
			v = w.planStep(id).Version
		}
		if res, _ := a.postForm(fmt.Sprintf("/my/steps/%d/done", id), versionForm(v)); res.StatusCode != http.StatusNotFound {
			t.Errorf("marking %s done: %d, want 404", what, res.StatusCode)
		}
	}
	if st := w.planStep(w.mentors.ID); st.Status != cases.StepOpen {
		t.Errorf("the mentor's step became %s", st.Status)
	}
	if st := w.planStep(w.others.ID); st.Status != cases.StepOpen {
		t.Errorf("the other person's step became %s", st.Status)
	}

	// Their own step: done.
	res, _ = a.postForm(fmt.Sprintf("/my/steps/%d/done", w.mine.ID), versionForm(w.mine.Version))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/my?done=step" {
		t.Fatalf("mark done: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if st := w.planStep(w.mine.ID); st.Status != cases.StepDone || st.DoneAt == nil {
		t.Errorf("own step after done: %s %v", st.Status, st.DoneAt)
	}
	_, body = a.do("GET", "/my?done=step", nil)
	if !strings.Contains(body, "The step is marked as done") || strings.Contains(body, fmt.Sprintf(`action="/my/steps/%d/done"`, w.mine.ID)) {
		t.Errorf("after done, the page lacks the message or still offers the button")
	}
	// What is still to do comes first, the done step after it.
	if open, done := strings.Index(body, "Visit the job centre"), strings.Index(body, "Apply for a passport"); open < 0 || done < 0 || open > done {
		t.Errorf("the plan lists the done step before the open one (%d, %d)", done, open)
	}
	// A second tap changes nothing and does not fail.
	if res, _ := a.postForm(fmt.Sprintf("/my/steps/%d/done", w.mine.ID), versionForm(w.mine.Version)); res.StatusCode != http.StatusSeeOther {
		t.Errorf("done twice: %d", res.StatusCode)
	}
	// A step changed meanwhile: the plan as it is now, with a message.
	res, body = a.postForm(fmt.Sprintf("/my/steps/%d/done", w.mine2.ID), versionForm(w.mine2.Version+3))
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "This step was changed in the meantime") || !strings.Contains(body, "Visit the job centre") {
		t.Errorf("stale done: %d", res.StatusCode)
	}
	if st := w.planStep(w.mine2.ID); st.Status != cases.StepOpen {
		t.Errorf("a stale done was saved: %s", st.Status)
	}

	// Asking for help: bad input keeps the text and saves nothing.
	res, body = a.postForm("/my/requests", url.Values{"domain": {""}, "urgency": {"urgent"}, "text": {"I have nowhere to sleep from Friday"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "I have nowhere to sleep from Friday") ||
		!strings.Contains(body, `id="e-ask-domain"`) || !strings.Contains(body, `value="urgent" checked`) {
		t.Errorf("bad request: %d\n%s", res.StatusCode, body)
	}
	res, body = a.postForm("/my/requests", url.Values{"domain": {"housing"}, "urgency": {"urgent"}, "text": {"   "}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-ask-text"`) || !strings.Contains(body, `<option value="housing" selected>`) {
		t.Errorf("empty request: %d", res.StatusCode)
	}
	if list, _ := a.store.Requests(ctx, w.c.ID); len(list) != 0 {
		t.Fatalf("a refused request was saved: %+v", list)
	}
	res, _ = a.postForm("/my/requests", url.Values{"domain": {"housing"}, "urgency": {"urgent"}, "text": {"I have nowhere to sleep from Friday"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/my?done=request" {
		t.Fatalf("request: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = a.do("GET", "/my?done=request", nil)
	if !strings.Contains(body, "Your request was sent") || !strings.Contains(body, "I have nowhere to sleep from Friday") || !strings.Contains(body, "Received") {
		t.Errorf("the request is not among the mentee's requests")
	}
	// The staff see it, raised by the mentee.
	list, err := a.store.Requests(ctx, w.c.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("requests on the staff side: %v %v", list, err)
	}
	if r := list[0]; !r.RaisedByMentee || r.RecordedBy != w.mentee.ID || r.Urgency != cases.Urgent || r.Domain != "housing" || r.Status != cases.RequestOpen {
		t.Errorf("the request as the staff see it: %+v", r)
	}
	w.as(w.coordToken)
	if res, body := a.do("GET", fmt.Sprintf("/cases/%d/requests", w.c.ID), nil); res.StatusCode != http.StatusOK || !strings.Contains(body, "I have nowhere to sleep from Friday") {
		t.Errorf("the coordinator's request list: %d", res.StatusCode)
	}
	w.as(w.menteeToken)

	// Agreeing and feedback are refused while the case is not closing.
	res, body = a.postForm("/my/agreement", url.Values{})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "There is nothing to finish right now") {
		t.Errorf("agreement while active: %d", res.StatusCode)
	}
	res, body = a.postForm("/my/feedback", url.Values{"support": {"5"}, "text": {"Early words"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "There is nothing to finish right now") {
		t.Errorf("feedback while active: %d", res.StatusCode)
	}
	if cl, _ := a.store.ClosingOf(ctx, w.c.ID, w.c.Period); cl.AgreedAt != nil {
		t.Errorf("an agreement was recorded on an active case")
	}
	if fb, _ := a.store.FeedbackOf(ctx, w.c.ID, w.c.Period); fb != nil {
		t.Errorf("feedback was saved on an active case")
	}

	// The coordinator asks about readiness: the mentee agrees.
	w.move(w.c.ID, cases.Closing)
	_, body = a.do("GET", "/my", nil)
	if !strings.Contains(body, "Are you ready to finish?") || !strings.Contains(body, `action="/my/agreement"`) || strings.Contains(body, `action="/my/feedback"`) {
		t.Errorf("closing: the question is not asked")
	}
	res, _ = a.postForm("/my/agreement", url.Values{})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/my?done=agreed" {
		t.Fatalf("agree: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	cl, err := a.store.ClosingOf(ctx, w.c.ID, w.c.Period)
	if err != nil || cl.AgreedAt == nil || !cl.AgreedInPortal || cl.AgreedBy != w.mentee.ID {
		t.Errorf("agreement: %+v %v", cl, err)
	}
	_, body = a.do("GET", "/my?done=agreed", nil)
	if strings.Contains(body, `action="/my/agreement"`) || !strings.Contains(body, `action="/my/feedback"`) || !strings.Contains(body, "I&#39;d rather not") {
		t.Errorf("after agreeing, the feedback form is not shown")
	}

	// Feedback: bad ratings and an empty form come back with what was typed.
	res, body = a.postForm("/my/feedback", url.Values{"support": {"7"}, "mentor": {"5"}, "text": {"My mentor listened"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose a number from 1 to 5") ||
		!strings.Contains(body, "My mentor listened") || !strings.Contains(body, `id="f-mentor-5" name="mentor" value="5" checked`) {
		t.Errorf("bad rating: %d\n%s", res.StatusCode, body)
	}
	res, body = a.postForm("/my/feedback", url.Values{"text": {"  "}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-fb-text"`) {
		t.Errorf("empty feedback: %d", res.StatusCode)
	}
	if fb, _ := a.store.FeedbackOf(ctx, w.c.ID, w.c.Period); fb != nil {
		t.Errorf("refused feedback was saved: %+v", fb)
	}
	// "I'd rather not", then changing their mind.
	res, _ = a.postForm("/my/feedback", url.Values{"declined": {"1"}, "support": {"9"}, "text": {"ignored"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("decline: %d", res.StatusCode)
	}
	if fb, _ := a.store.FeedbackOf(ctx, w.c.ID, w.c.Period); fb == nil || !fb.Declined || !fb.InPortal || fb.Text != "" {
		t.Errorf("declined feedback: %+v", fb)
	}
	_, body = a.do("GET", "/my?done=feedback", nil)
	if !strings.Contains(body, "Thank you for your feedback") || strings.Contains(body, `action="/my/feedback"`) {
		t.Errorf("after the feedback the form still shows")
	}
	res, _ = a.postForm("/my/feedback", url.Values{"support": {"4"}, "mentor": {"5"}, "plan": {""}, "recommend": {"5"}, "text": {"My mentor listened"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/my?done=feedback" {
		t.Fatalf("feedback: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	fb, err := a.store.FeedbackOf(ctx, w.c.ID, w.c.Period)
	if err != nil || fb == nil || fb.Declined || !fb.InPortal || fb.Support != 4 || fb.Mentor != 5 || fb.Plan != 0 || fb.Recommend != 5 ||
		fb.Text != "My mentor listened" || fb.RecordedBy != w.mentee.ID {
		t.Errorf("feedback: %+v %v", fb, err)
	}

	// Download my data.
	before := portalAuditCount(t, a, "mentee.export")
	res, body = a.postForm("/my/data", url.Values{})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("data: %d\n%s", res.StatusCode, body)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") ||
		res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("data headers: %v", res.Header)
	}
	if strings.Contains(res.Header.Get("Content-Disposition"), w.c.Code) {
		t.Errorf("the file name holds the case code")
	}
	var export struct {
		Times       string       `json:"times"`
		NotIncluded []string     `json:"not_included"`
		Profile     cases.Mentee `json:"profile"`
		Consents    []cases.Consent
		Cases       []struct {
			Case        cases.Case         `json:"case"`
			Transitions []cases.Transition `json:"transitions"`
			Needs       []cases.Need       `json:"needs"`
			PlanSteps   []cases.PlanStep   `json:"plan_steps"`
			Contacts    []cases.Contact    `json:"contacts"`
			Requests    []cases.Request    `json:"requests"`
			Feedback    []cases.Feedback   `json:"feedback"`
			Outcomes    []cases.Outcome    `json:"outcomes"`
			FollowUps   []cases.FollowUp   `json:"follow_ups"`
		} `json:"cases"`
	}
	if err := json.Unmarshal([]byte(body), &export); err != nil {
		t.Fatalf("the download is not JSON: %v\n%s", err, body)
	}
	if export.Profile.ID != w.menteeID || export.Profile.FullName != "Alena Example" || len(export.Consents) != 1 || len(export.Cases) != 1 {
		t.Fatalf("export: profile %+v, %d consents, %d cases", export.Profile, len(export.Consents), len(export.Cases))
	}
	ec := export.Cases[0]
	if ec.Case.ID != w.c.ID || len(ec.Transitions) < 4 || len(ec.Needs) != 1 || len(ec.PlanSteps) != 3 || len(ec.Requests) != 1 ||
		ec.Requests[0].Text != "I have nowhere to sleep from Friday" || len(ec.Feedback) != 1 || ec.Feedback[0].Text != "My mentor listened" {
		t.Errorf("export of the case: %+v", ec)
	}
	if strings.Contains(body, "STAFF-ONLY-NOTE-7731") || strings.Contains(body, "Boris Other") || strings.Contains(body, "Other person's step") {
		t.Errorf("the export holds a staff note or another person's data")
	}
	if !strings.Contains(export.Times, "UTC") {
		t.Errorf("the file does not say its times are in UTC: %q", export.Times)
	}
	if len(export.NotIncluded) == 0 || !strings.Contains(export.NotIncluded[0], "notes") {
		t.Errorf("not_included does not name the notes: %q", export.NotIncluded)
	}
	if got := portalAuditCount(t, a, "mentee.export"); got != before+1 {
		t.Errorf("export audit entries: %d → %d", before, got)
	}
}

// portalAuditCount counts the audit entries of an action.
func portalAuditCount(t *testing.T, a *app, action string) int {
	t.Helper()
	n, cursor := 0, ""
	for {
		entries, next, err := a.store.ListAudit(context.Background(), store.AuditFilter{}, store.Page{Limit: store.MaxLimit, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Action == action {
				n++
			}
		}
		if next == "" {
			return n
		}
		cursor = next
	}
}

// The portal is the mentee's alone, and a mentee reaches no staff page.
func TestPortalAccess(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	w := newPortalWorld(t, a)

	for _, tok := range []string{w.coordToken, a.session} {
		w.as(tok)
		for _, c := range []struct{ method, path string }{{"GET", "/my"}, {"POST", "/my/data"}, {"POST", "/my/requests"}, {"POST", "/my/agreement"},
			{"POST", "/my/feedback"}, {"POST", fmt.Sprintf("/my/steps/%d/done", w.mine.ID)}} {
			var res *http.Response
			if c.method == "POST" {
				res, _ = a.postForm(c.path, url.Values{"domain": {"housing"}, "urgency": {"normal"}, "text": {"x"}, "version": {"1"}})
			} else {
				res, _ = a.do(c.method, c.path, nil)
			}
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("staff %s %s: %d, want 403", c.method, c.path, res.StatusCode)
			}
		}
	}

	w.as(w.menteeToken)
	if res, _ := a.do("GET", "/cases", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a mentee on /cases: %d, want 403", res.StatusCode)
	}
	for _, p := range []string{fmt.Sprintf("/cases/%d", w.c.ID), fmt.Sprintf("/cases/%d/requests", w.c.ID), fmt.Sprintf("/mentees/%d", w.menteeID)} {
		if res, _ := a.do("GET", p, nil); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
			t.Errorf("a mentee on their own case's staff page %s: %d, want 403 or 404", p, res.StatusCode)
		}
	}

	// A mentee account nobody has connected yet.
	_, lone := a.signedIn("mentee-unlinked@example.org", auth.Mentee, w.program.ID)
	w.as(lone)
	res, body := a.do("GET", "/my", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Your coordinator has not connected your account yet") || strings.Contains(body, `id="my-plan"`) {
		t.Errorf("unlinked mentee: %d\n%s", res.StatusCode, body)
	}
	for _, c := range []struct{ method, path string }{{"POST", "/my/data"}, {"POST", "/my/requests"}, {"POST", "/my/agreement"}, {"POST", "/my/feedback"},
		{"POST", fmt.Sprintf("/my/steps/%d/done", w.mine.ID)}} {
		var res *http.Response
		if c.method == "POST" {
			res, _ = a.postForm(c.path, url.Values{"domain": {"housing"}, "urgency": {"normal"}, "text": {"x"}, "version": {"1"}})
		} else {
			res, _ = a.do(c.method, c.path, nil)
		}
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("unlinked mentee %s %s: %d, want 404", c.method, c.path, res.StatusCode)
		}
	}
	if list, _ := a.store.Requests(context.Background(), w.c.ID); len(list) != 0 {
		t.Errorf("a refused request was saved")
	}
	if st := w.planStep(w.mine.ID); st.Status != cases.StepOpen {
		t.Errorf("a refused done was saved")
	}
}

// A mentee whose case has closed sees their plan, no help form, and their
// download; asking for help there is refused with a message.
func TestPortalAfterClosing(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	w := newPortalWorld(t, a)
	ctx := context.Background()
	w.move(w.c.ID, cases.Closing)
	if err := a.store.RecordAgreement(ctx, w.c.ID, w.coordinator.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := a.store.RecordFinalMeeting(ctx, w.c.ID, w.coordinator.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.store.SaveFeedback(ctx, cases.Feedback{CaseID: w.c.ID, Declined: true, RecordedBy: w.coordinator.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.Transition(ctx, store.TransitionInput{CaseID: w.c.ID, To: cases.Closed, ClosureReason: cases.Completed, ActorID: w.coordinator.ID}); err != nil {
		t.Fatal(err)
	}
	w.as(w.menteeToken)
	res, body := a.do("GET", "/my", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Apply for a passport") || strings.Contains(body, `action="/my/requests"`) ||
		strings.Contains(body, "They will contact you") {
		t.Errorf("closed case in the portal: %d", res.StatusCode)
	}
	res, body = a.postForm("/my/requests", url.Values{"domain": {"housing"}, "urgency": {"normal"}, "text": {"One more thing"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Your support here has ended") {
		t.Errorf("request on a closed case: %d", res.StatusCode)
	}
	res, _ = a.postForm(fmt.Sprintf("/my/steps/%d/done", w.mine.ID), versionForm(w.mine.Version))
	if res.StatusCode != http.StatusConflict {
		t.Errorf("done on a closed case: %d, want 409", res.StatusCode)
	}
	if res, _ := a.postForm("/my/data", url.Values{}); res.StatusCode != http.StatusOK {
		t.Errorf("download after closing: %d", res.StatusCode)
	}
}
