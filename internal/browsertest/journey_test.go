package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"homeward/internal/auth"
	"homeward/internal/store"
)

// One mentee's journey from the referral to a completed closure and the
// first follow-up, through the pages only, as the four people who walk it
// do: a coordinator, a mentor, a psychologist and the mentee, each in a
// browser session of their own. Only the program and the staff accounts
// are made in the store beforehand. Each step checks what that person sees.
func TestJourneyReferralToFollowUp(t *testing.T) {
	coord := startBare(t)
	ctx := t.Context()

	// The program and its staff; nothing else.
	prog, err := coord.store.CreateProgram(ctx, testProgram("Return to freedom"))
	if err != nil {
		t.Fatal(err)
	}
	const (
		coordEmail, coordName   = "coordinator@example.org", "Cora Coordinator"
		mentorEmail, mentorName = "mentor@example.org", "Mark Mentor"
		psyEmail, psyName       = "psychologist@example.org", "Petra Psychologist"
		menteeEmail             = "ales@example.org"
	)
	_, coordSecret := coord.staff(coordEmail, coordName, auth.Coordinator, prog.ID)
	mentorUser, mentorSecret := coord.staff(mentorEmail, mentorName, auth.Mentor, prog.ID)
	psyUser, psySecret := coord.staff(psyEmail, psyName, auth.Psychologist, prog.ID)

	mentor, psy, mentee := coord.session(), coord.session(), coord.session()
	all := people{coord, mentor, psy, mentee}
	en := coord.en

	// What the coordinator types in and the others later see.
	const (
		code        = "HW-0001"
		fullName    = "Ales Novik"
		persecution = "Detained twice after the 2020 protests; his flat was searched."
		health      = "Asthma: needs an inhaler; sleeps badly since the arrest."
		stepMentee  = "Register at the job centre"
		stepMentor  = "Find a room to rent"
		summary     = "First meeting at the café: agreed the first two steps."
		askText     = "I need help to renew my passport at the consulate."
		resolution  = "Booked a consulate appointment together for Tuesday."
		feedback    = "My mentor listened, and I found work."
	)
	var (
		caseID, menteeID string // from the addresses the pages lead to
		casePath         string
		inviteLink       string
	)
	moveTo := func(p *app, to, reason string, status int) {
		p.t.Helper()
		if p.has("#move-case:not([open])") { // the move form is folded until asked for
			p.click("#move-case summary")
		}
		p.choose("#move-to", to)
		p.fill("#move-reason", reason)
		p.send("move the case to "+to, casePath+"/transitions", status)
	}

	all.step(t, "coordinator takes the person in", func(t *testing.T) {
		coord.signIn(coordEmail, coordSecret)
		coord.follow("open the cases", `header nav a[href="/cases"]`)
		coord.wantText("main .empty", en.T("cases.empty.coordinator"))
		coord.follow("take a person in", `main a[href="/mentees/new"]`)
		coord.wantHere("the intake form", "/mentees/new")

		// The coordinator's only program is already chosen.
		if got := coord.value("f-program"); got != fmt.Sprint(prog.ID) {
			t.Errorf("the intake form's program is %q, want the coordinator's program %d", got, prog.ID)
		}
		coord.click("#s-referred")
		coord.fill("#f-case_code", code)
		coord.fill("#f-full_name", fullName)
		coord.fill("#f-birth_year", "1988")
		coord.choose("#f-gender", "male")
		coord.fill("#f-languages", "Belarusian, russian") // by name, stored as be, ru
		coord.fill("#f-country", "Lithuania")
		coord.fill("#f-city", "Vilnius")
		coord.fill("#f-family", "Married, the wife and son are still in Minsk.")
		coord.fill("#f-children", "1")
		coord.fill("#f-occupation", "Welder")
		coord.fill("#f-contact_channels", "Signal only; never a phone call.")
		coord.fill("#f-contact_times", "Evenings after 18:00")
		coord.fill("#f-referral_source", "Human rights centre")
		coord.send("check and create", "/mentees/check", http.StatusOK)
		if coord.here() == "/mentees/check" {
			// Someone similar is known: this is a new person all the same.
			coord.sendWith("continue with a new person", `form[action="/mentees"]:has(input[name=confirmed]) button[type=submit]`, http.StatusOK)
		}
		caseID = coord.match("after the intake", `^/cases/([0-9]+)$`)[1]
		casePath = "/cases/" + caseID
		coord.wantIn("main h1", code)
		coord.wantBadge(en.T("case.state.referred"))
		coord.wantIn("main h1", fullName) // the name beside the code, for those who may read it

		moveTo(coord, "intake", "First call done: he wants support.", http.StatusOK)
		coord.wantHere("after the move", casePath+"?done=moved")
		coord.wantText("main .notice", en.T("case.done.moved"))
		coord.wantBadge(en.T("case.state.intake"))
		coord.wantIn("ol.timeline", en.T("case.state.referred")+" → "+en.T("case.state.intake"), "First call done: he wants support.", coordName)

		// Waiting for a mentor needs the consent and the needs first; the
		// page says so and keeps what was typed.
		moveTo(coord, "waiting", "Too early.", http.StatusConflict)
		coord.wantIn("main", en.T("case.refused.consent"))
		coord.wantBadge(en.T("case.state.intake"))
		if got := coord.value("move-reason"); got != "Too early." {
			t.Errorf("the refused move lost its reason: %q", got)
		}
	})

	all.step(t, "coordinator records the consent and the sealed history", func(t *testing.T) {
		coord.open(casePath)
		coord.follow("open the profile", `nav.tabs a[href^="/mentees/"]`)
		menteeID = coord.match("the profile tab", `^/mentees/([0-9]+)$`)[1]
		menteePath := "/mentees/" + menteeID
		coord.wantIn("main dl.facts", fullName, code, "Vilnius, Lithuania", "Welder", "Signal only; never a phone call.")

		coord.choose("#f-consent-kind", "processing")
		coord.click("#f-consent-given")
		coord.send("record the consent", menteePath+"/consents", http.StatusOK)
		coord.wantHere("after the consent", menteePath+"?done=consent")
		coord.wantText("main .notice", en.T("mentees.done.consent"))
		coord.wantIn("#consents tbody tr:first-child", en.T("consents.kind.processing"), en.T("consents.given"), coordName)

		coord.follow("open the sensitive history", `main a[href="`+menteePath+`/history"]`)
		coord.follow("edit the sensitive history", `main a[href="`+menteePath+`/history/edit"]`)
		coord.fill("#f-persecution", persecution)
		coord.fill("#f-health", health)
		coord.send("save the history", menteePath+"/history", http.StatusOK)
		coord.wantHere("after saving the history", menteePath+"/history?done=saved")
		coord.wantIn(`section[aria-labelledby="part-persecution"]`, persecution)
		coord.wantIn(`section[aria-labelledby="part-health"]`, health)

	})

	all.step(t, "coordinator assesses the needs and the case waits", func(t *testing.T) {
		coord.open(casePath)
		coord.follow("assess the needs", `main a[href="`+casePath+`/needs"]`)
		coord.choose("#severity-housing", "high")
		coord.choose("#status-housing", "in_progress")
		coord.choose("#severity-employment", "critical")
		coord.choose("#status-employment", "not_started")
		coord.send("save the assessment", casePath+"/needs", http.StatusOK)
		coord.wantHere("after the assessment", casePath+"?done=needs")
		coord.wantText("main .notice", en.T("case.done.needs"))
		// The critical need comes first, whatever the program's order.
		rows := coord.texts("table.needs tbody tr")
		if len(rows) != 2 {
			t.Fatalf("the needs table has %d rows, want 2: %q", len(rows), rows)
		}
		for i, want := range [][2]string{
			{en.T("domain.employment"), en.T("need.severity.critical")},
			{en.T("domain.housing"), en.T("need.severity.high")},
		} {
			if !strings.HasPrefix(rows[i], want[0]) || !strings.Contains(rows[i], want[1]) {
				t.Errorf("need row %d is %q, want %s first with %s", i+1, rows[i], want[0], want[1])
			}
		}

		moveTo(coord, "waiting", "Consent and needs recorded.", http.StatusOK)
		coord.wantBadge(en.T("case.state.waiting"))
		coord.wantIn(`section[aria-labelledby="match"]`, en.T("case.match.waiting"))
	})

	all.step(t, "coordinator matches the mentor and assigns the psychologist", func(t *testing.T) {
		option := fmt.Sprintf(`#match-mentor option[value="%d"]`, mentorUser.ID)
		if !coord.has(option) {
			t.Fatalf("the mentor is not offered for the match")
		}
		if got, load := coord.content(option), en.T("case.match.load", "load", 0, "capacity", 1); !containsAll(got, mentorName, load) {
			t.Errorf("the mentor is offered as %q, want their name and %q", got, load)
		}
		coord.choose("#match-mentor", fmt.Sprint(mentorUser.ID))
		coord.send("match", casePath+"/match", http.StatusOK)
		coord.wantHere("after the match", casePath+"?done=matched")
		coord.wantText("main .notice", en.T("case.done.matched"))
		coord.wantBadge(en.T("case.state.matched"))
		coord.wantIn(`section[aria-labelledby="match"]`, mentorName)

		// With the mentor known, the person chooses what to share with
		// them: their health, nothing else. (A match withdraws what was
		// shared before it, so this is recorded once the mentor is matched.)
		menteePath := "/mentees/" + menteeID
		coord.open(menteePath + "/history")
		coord.wantIn("#sharing", en.T("history.sharing_never"))
		coord.click("#share-health")
		coord.send("record what is shared", menteePath+"/sharing", http.StatusOK)
		coord.wantHere("after the sharing", menteePath+"/history?done=sharing")
		coord.wantText("main .notice", en.T("history.done.sharing"))
		if n := coord.count(`#sharing input[name=shared]:checked`); n != 1 || !coord.has(`#share-health:checked`) {
			t.Errorf("%d parts shown as shared, want only health", n)
		}
		coord.open(casePath)

		coord.choose("#psy-user", fmt.Sprint(psyUser.ID))
		coord.send("assign the psychologist", casePath+"/psychologist", http.StatusOK)
		coord.wantHere("after assigning", casePath+"?done=psychologist")
		coord.wantIn(`section[aria-labelledby="psychologist"]`, psyName)

		// Active needs the first plan steps, agreed at the first meeting.
		moveTo(coord, "active", "Too early.", http.StatusConflict)
		coord.wantIn("main", en.T("case.refused.plan"))
		coord.wantBadge(en.T("case.state.matched"))
	})

	all.step(t, "coordinator gives the mentee a portal account", func(t *testing.T) {
		menteePath := "/mentees/" + menteeID
		coord.open(menteePath)
		coord.wantIn("#portal", en.T("portal_access.none"))
		coord.fill("#f-portal-email", menteeEmail)
		coord.send("invite to the portal", menteePath+"/portal", http.StatusOK)
		coord.wantIn("main .notice", menteeEmail)
		inviteLink = coord.value("one-time-link")
		if !strings.HasPrefix(inviteLink, "/link/") {
			t.Fatalf("the invitation link is %q, want /link/…", inviteLink)
		}
		coord.open(menteePath)
		coord.wantNo("the profile after the invitation", `form[action="`+menteePath+`/portal"]`)
	})

	all.step(t, "mentee accepts the invitation", func(t *testing.T) {
		mentee.open(inviteLink)
		mentee.wantText("main h1", en.T("link.invite.title"))
		mentee.fill("#f-password", testPassword)
		mentee.fill("#f-password_again", testPassword)
		mentee.send("choose a password", inviteLink, http.StatusOK)
		// No second factor for a mentee in this program: straight to the portal.
		mentee.wantHere("after the invitation", "/my")
		mentee.wantText("main h1", en.T("portal.hello", "name", fullName))
		mentee.wantIn(`section[aria-labelledby="my-plan"]`, en.T("portal.plan.empty"))
		mentee.wantIn(`section[aria-labelledby="my-contact"]`, en.T("portal.contact.mentor", "name", mentorName))
		mentee.wantNotIn("the portal", persecution, health)
	})

	var menteeStep string // the address of the mentee's own step's form
	all.step(t, "mentor plans with the mentee, records a contact and reads what was shared", func(t *testing.T) {
		mentor.signIn(mentorEmail, mentorSecret)
		mentor.follow("open the cases", `header nav a[href="/cases"]`)
		link := `table.list a[href="` + casePath + `"]`
		mentor.wantText(chromedp.CSS(link), code)
		if rows := mentor.count("table.list tbody tr"); rows != 1 {
			t.Errorf("the mentor's list shows %d cases, want their one", rows)
		}
		mentor.follow("open the case", link)
		mentor.wantBadge(en.T("case.state.matched"))
		mentor.wantNo("the mentor's overview", `form[action="`+casePath+`/transitions"]`)
		mentor.wantNo("the mentor's overview", `form[action="`+casePath+`/match"]`)

		due := mentor.store.Now().AddDate(0, 0, 14).Format("2006-01-02")
		for _, s := range []struct{ title, domain, owner string }{
			{stepMentee, "employment", "mentee"},
			{stepMentor, "housing", "mentor"},
		} {
			if mentor.has("#add-step:not([open])") { // folded once the plan has a step
				mentor.click("#add-step summary")
			}
			mentor.fill("#f-title", s.title)
			mentor.choose("#f-domain", s.domain)
			mentor.choose("#f-owner", s.owner)
			mentor.choose("#f-due_on", due)
			mentor.send("add the step "+s.title, casePath+"/plan-steps", http.StatusOK)
			mentor.wantHere("after adding a step", casePath+"?done=step_added")
			mentor.wantText("main .notice", en.T("case.done.step_added"))
		}
		rows := mentor.texts("table.plan tbody tr")
		if len(rows) != 2 {
			t.Fatalf("the plan has %d steps, want 2: %q", len(rows), rows)
		}
		for _, want := range [][]string{
			{stepMentee, en.T("domain.employment"), en.T("plan.owner.mentee"), due},
			{stepMentor, en.T("domain.housing"), en.T("plan.owner.mentor"), due},
		} {
			if !slices.ContainsFunc(rows, func(r string) bool { return containsAll(r, want...) }) {
				t.Errorf("no plan step shows %q: %q", want, rows)
			}
		}

		mentor.follow("open the contacts", `nav.tabs a[href="`+casePath+`/contacts"]`)
		mentor.wantText("main .empty", en.T("contacts.empty"))
		if mentor.value("f-at") == "" {
			t.Errorf("the contact's time is not filled in with now")
		}
		mentor.choose("#f-channel", "in_person")
		mentor.fill("#f-minutes", "45")
		mentor.fill("#f-summary", summary)
		mentor.click(`input[name=needs][value=employment]`)
		mentor.send("record the contact", casePath+"/contacts", http.StatusOK)
		mentor.wantHere("after the contact", casePath+"/contacts?done=contact")
		mentor.wantText("main .notice", en.T("work.done.contact"))
		mentor.wantIn("ul.work-list li.work-item", en.T("contacts.channel.in_person"), en.N("contacts.minutes_n", 45), summary,
			en.T("domain.employment"), mentorName)

		// The history: the part the person shared, and only that part.
		mentor.follow("open the profile", `nav.tabs a[href="/mentees/`+menteeID+`"]`)
		mentor.wantNo("the mentor's profile page", `form[action="/mentees/`+menteeID+`/consents"]`)
		mentor.wantNo("the mentor's profile page", `form[action="/mentees/`+menteeID+`/portal"]`)
		mentor.follow("open the sensitive history", `main a[href="/mentees/`+menteeID+`/history"]`)
		mentor.wantIn(`section[aria-labelledby="part-health"]`, health)
		mentor.wantIn(`section[aria-labelledby="part-persecution"]`, en.T("history.not_shared"))
		mentor.wantNotIn("the mentor's history page", persecution)
		mentor.wantNo("the mentor's history page", `a[href$="/history/edit"]`)
		mentor.wantNo("the mentor's history page", `form[action$="/sharing"]`)

		// The plan is agreed: the coordinator makes the case active.
		coord.open(casePath)
		moveTo(coord, "active", "First meeting held; the plan is agreed.", http.StatusOK)
		coord.wantBadge(en.T("case.state.active"))
		mentor.open(casePath)
		mentor.wantBadge(en.T("case.state.active"))
	})

	all.step(t, "mentee works on the plan and asks for help", func(t *testing.T) {
		mentee.open("/my")
		steps := mentee.texts("ol.portal-steps li .portal-step-title")
		if !slices.Contains(steps, stepMentee) || !slices.Contains(steps, stepMentor) || len(steps) != 2 {
			t.Errorf("the portal's plan shows %q, want both steps", steps)
		}
		// Only the mentee's own step can be marked done by them.
		if n := mentee.count(`form[action^="/my/steps/"]`); n != 1 {
			t.Fatalf("the portal offers %d steps to mark done, want 1 (the mentee's own)", n)
		}
		menteeStep = mentee.attr(`form[action^="/my/steps/"]`, "action")
		mentee.wantIn(`li.portal-step:has(form[action="`+menteeStep+`"])`, stepMentee, en.T("portal.owner.mentee"))
		mentee.send("mark my step done", menteeStep, http.StatusOK)
		mentee.wantHere("after marking the step", "/my?done=step")
		mentee.wantText("main .notice", en.T("portal.flash.step"))
		mentee.wantIn("li.portal-step.is-done", stepMentee, en.T("portal.plan.done"))
		mentee.wantNo("the portal after the step", `form[action^="/my/steps/"]`)

		mentee.choose("#f-ask-domain", "documents")
		mentee.click("#f-ask-urgency-soon")
		mentee.fill("#f-ask-text", askText)
		mentee.send("ask for help", "/my/requests", http.StatusOK)
		mentee.wantHere("after asking", "/my?done=request")
		mentee.wantText("main .notice", en.T("portal.flash.request"))
		mentee.wantIn("ul.portal-requests li", askText, en.T("portal.request_status.open"), en.T("domain.documents"))
	})

	all.step(t, "mentor sees the step done and resolves the request", func(t *testing.T) {
		mentor.open(casePath)
		step := strings.TrimSuffix(strings.TrimPrefix(menteeStep, "/my/steps/"), "/done")
		if got := mentor.attr(`#step-status-`+step+` option[selected]`, "value"); got != "done" {
			t.Errorf("the mentor sees the mentee's step as %q, want done", got)
		}

		mentor.follow("open the requests", `nav.tabs a[href="`+casePath+`/requests"]`)
		item := `ul.work-list li.work-item`
		if n := mentor.count(item); n != 1 {
			t.Fatalf("the requests tab lists %d requests, want the mentee's one", n)
		}
		mentor.wantIn(item, askText, en.T("domain.documents"), en.T("requests.urgency.soon"),
			en.T("requests.status.open"), en.T("requests.raised_by_mentee"))
		mentor.click(item + ` details.work-edit summary`)
		form := item + ` form[action^="` + casePath + `/requests/"]`
		mentor.choose(form+` select[name=status]`, "resolved")
		mentor.fill(form+` textarea[name=resolution]`, resolution)
		mentor.sendWith("resolve the request", form+` button[type=submit]`, http.StatusOK)
		mentor.match("after resolving", `^`+casePath+`/requests\?done=request_updated$`)
		mentor.wantText("main .notice", en.T("work.done.request_updated"))
		mentor.wantIn(item, en.T("requests.status.resolved"), resolution)

		mentee.open("/my")
		mentee.wantIn("ul.portal-requests li", askText, en.T("portal.request_status.resolved"))
	})

	all.step(t, "coordinator asks about readiness to finish", func(t *testing.T) {
		coord.open(casePath)
		moveTo(coord, "closing", "Quiet for weeks: asked whether he is ready to finish.", http.StatusOK)
		coord.wantBadge(en.T("case.state.closing"))
		// Completed needs the closing steps first; the page says which, with
		// the closing form open as it was sent.
		coord.click("#close-case summary")
		coord.choose("#move-closure", "completed")
		coord.sendWith("close too early", "#close-case button[type=submit]", http.StatusConflict)
		coord.wantIn("#close-case", en.T("case.refused.agreement"))
		if got := coord.value("move-closure"); got != "completed" {
			t.Errorf("the refused closing form holds the reason %q, want completed", got)
		}
		coord.wantBadge(en.T("case.state.closing"))

		coord.follow("open the closing", `nav.tabs a[href="`+casePath+`/closing"]`)
		coord.wantIn("ol.closing-steps li:nth-child(1)", en.T("closing.step.readiness"), en.T("closing.done"), coordName)
		coord.wantIn(`ol.closing-steps li[aria-current="step"]`, en.T("closing.step.agreement"))
		coord.wantIn("main .closing-next", en.T("closing.next.agreement"))
	})

	all.step(t, "mentee is ready to finish and gives feedback", func(t *testing.T) {
		mentee.open("/my")
		mentee.wantText("#finish", en.T("portal.closing.ready_title"))
		mentee.send("I am ready", "/my/agreement", http.StatusOK)
		mentee.wantHere("after agreeing", "/my?done=agreed")
		mentee.wantText("main .notice", en.T("portal.flash.agreed"))
		mentee.wantText("#finish", en.T("portal.feedback.title"))
		// The scale's buttons are the labels (the radios themselves are
		// hidden under them), so a person clicks the labels.
		for _, r := range []string{"f-support-5", "f-mentor-5", "f-plan-4", "f-recommend-5"} {
			mentee.click(`label[for="` + r + `"]`)
			if !mentee.has("#" + r + ":checked") {
				t.Errorf("clicking the label of %s did not choose it", r)
			}
		}
		mentee.fill("#f-fb-text", feedback)
		mentee.sendWith("send the feedback", `form[action="/my/feedback"] button[type=submit]:not([name])`, http.StatusOK)
		mentee.wantHere("after the feedback", "/my?done=feedback")
		mentee.wantText("main .notice", en.T("portal.flash.feedback"))
		mentee.wantIn(`section[aria-labelledby="finish"]`, en.T("portal.feedback.thanks"))
		mentee.wantNo("the portal after the feedback", `form[action="/my/feedback"]`)
	})

	all.step(t, "psychologist records the final meeting", func(t *testing.T) {
		psy.signIn(psyEmail, psySecret)
		psy.follow("open the cases", `header nav a[href="/cases"]`)
		link := `table.list a[href="` + casePath + `"]`
		psy.wantText(chromedp.CSS(link), code)
		psy.follow("open the case", link)
		psy.wantBadge(en.T("case.state.closing"))
		psy.follow("open the closing", `nav.tabs a[href="`+casePath+`/closing"]`)
		psy.wantIn(`ol.closing-steps li:nth-child(2)`, en.T("closing.done"), en.T("closing.in_portal"))
		psy.wantIn(`ol.closing-steps li[aria-current="step"]`, en.T("closing.step.final_meeting"))
		// The psychologist reads the mentee's feedback (an audited read).
		psy.wantIn("main blockquote", feedback)
		psy.wantIn("main dl.facts", "5 / 5", "4 / 5")
		psy.wantNo("the psychologist's closing tab", `form[action="`+casePath+`/closing/agreement"]`)
		psy.send("record the final meeting", casePath+"/closing/final-meeting", http.StatusOK)
		psy.wantHere("after the final meeting", casePath+"/closing?done=final_meeting")
		psy.wantText("main .notice", en.T("work.done.final_meeting"))
		psy.wantIn("ol.closing-steps li:nth-child(3)", en.T("closing.done"), psyName)
		psy.wantNo("the closing tab after the final meeting", `form[action="`+casePath+`/closing/final-meeting"]`)

		// The mentor is told there is feedback, not what it says.
		mentor.open(casePath + "/closing")
		mentor.wantIn("main", en.T("feedback.given_hidden"))
		mentor.wantNotIn("the mentor's closing tab", feedback)
	})

	var followUp string // the address of the 6-month follow-up's form
	all.step(t, "coordinator closes the case as completed", func(t *testing.T) {
		coord.open(casePath + "/closing")
		coord.wantIn("main .closing-next", en.T("closing.next.close"))
		// The closing tab leads to the overview with the closing form open.
		coord.follow("go to the overview", `main .closing-next a[href="`+casePath+`?close=1#close-case"]`)
		coord.choose("#move-closure", "completed")
		coord.click("#move-outcome-job_found")
		coord.fill("#close-reason", "Working since last month; ready to go on alone.")
		coord.sendWith("close the case", "#close-case button[type=submit]", http.StatusOK)
		coord.wantHere("after closing", casePath+"?done=moved")
		coord.wantBadge(en.T("case.state.closed") + " · " + en.T("case.closure.completed"))

		coord.follow("open the closing", `nav.tabs a[href="`+casePath+`/closing"]`)
		coord.wantIn("main .closing-next", en.T("closing.next.follow_ups"))
		coord.wantIn("ol.closing-steps li:nth-child(5)", en.T("closing.done"), en.T("case.closure.completed"))
		coord.wantIn("#outcomes + ul.work-list", en.T("outcomes.kind.job_found"))
		fus := coord.texts(`li.work-item[id^="follow-up-"] .work-meta`)
		if len(fus) != 2 || !strings.Contains(fus[0], en.N("followups.months", 6)) || !strings.Contains(fus[1], en.N("followups.months", 12)) {
			t.Fatalf("the closing tab lists the follow-ups %q, want one at 6 and one at 12 months", fus)
		}
		followUp = coord.attr(`li.work-item[id^="follow-up-"] form[action*="/follow-ups/"]`, "action")
		if followUp == "" {
			t.Fatalf("the 6-month follow-up has no form to record it")
		}

		// The match ended with the closure: the mentor's place is free and
		// the case is no longer theirs.
		mentor.open("/cases")
		mentor.wantText("main .empty", en.T("cases.empty.mentor"))
		mentor.load("the closed case, as its former mentor", http.StatusNotFound, chromedp.Navigate(mentor.url+casePath))

		mentee.open("/my")
		mentee.wantNo("the portal of a closed case", `form[action="/my/requests"]`)
	})

	all.step(t, "six months later the coordinator records the follow-up", func(t *testing.T) {
		// The clock moves on past the 6-month follow-up's due date; every
		// session has long ended, so the coordinator signs in again.
		coord.clock.Add(200 * 24 * time.Hour)
		coord.signIn(coordEmail, coordSecret)
		coord.open(casePath + "/closing")
		six := `li.work-item:has(form[action="` + followUp + `"])`
		coord.wantIn(six, en.N("followups.months", 6), en.T("followups.overdue"))
		coord.click(`form[action="` + followUp + `"] input[name=work_kept][value=yes]`)
		coord.click(`form[action="` + followUp + `"] input[name=housing][value=yes]`)
		coord.click(`form[action="` + followUp + `"] input[name=rearrested][value=no]`)
		coord.send("record the follow-up", followUp, http.StatusOK)
		coord.wantHere("after the follow-up", casePath+"/closing?done=follow_up")
		coord.wantText("main .notice", en.T("work.done.follow_up"))
		coord.wantIn(six, en.T("followups.done"), coordName)
		facts := coord.texts(six + " dl.facts dd")
		if want := []string{en.T("followups.answer.yes"), en.T("followups.answer.yes"), en.T("followups.answer.no")}; !slices.Equal(facts, want) {
			t.Errorf("the 6-month follow-up shows %q (work, housing, re-arrest), want %q", facts, want)
		}
		coord.wantNo("the 12-month follow-up", `li.work-item[id^="follow-up-"]:not(:has(form[action="`+followUp+`"])) .status-done`)
	})

	all.step(t, "the audit holds the sealed reads", func(t *testing.T) {
		entries, err := auditAll(ctx, coord.store)
		if err != nil {
			t.Fatal(err)
		}
		has := func(action, objectType, objectID string, userID int64) bool {
			return slices.ContainsFunc(entries, func(e auditEntry) bool {
				return e.action == action && e.objectType == objectType && e.objectID == objectID &&
					(userID == 0 || e.actor == fmt.Sprintf("user:%d", userID))
			})
		}
		if !has("mentee.history_read", "mentee", menteeID, mentorUser.ID) {
			t.Errorf("the audit has no read of the history by the mentor")
		}
		if !has("case.feedback_read", "case", caseID, psyUser.ID) {
			t.Errorf("the audit has no read of the feedback by the psychologist")
		}
	})
}

// auditEntry is what the journey checks of an audit entry.
type auditEntry struct{ actor, action, objectType, objectID string }

// auditAll reads the whole audit log.
func auditAll(ctx context.Context, st *store.Store) ([]auditEntry, error) {
	var out []auditEntry
	cursor := ""
	for {
		list, next, err := st.ListAudit(ctx, store.AuditFilter{}, store.Page{Limit: store.MaxLimit, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, e := range list {
			out = append(out, auditEntry{e.Actor, e.Action, e.ObjectType, e.ObjectID})
		}
		if next == "" {
			return out, nil
		}
		cursor = next
	}
}

// containsAll tells whether s holds every one of the strings.
func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
