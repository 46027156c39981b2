package store_test

import (
	"strconv"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/mentors"
	"homeward/internal/partners"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// inbox reads a user's whole inbox (as the policy scopes it) as
// "kind:object_type:object_id" strings, newest first, and the bell's count.
func (j *journey) inbox(u auth.User) ([]string, int) {
	j.t.Helper()
	u.Status = auth.StatusActive
	list, _, err := j.s.Notifications(j.ctx, policy.NotificationScope(u), false, store.Page{Limit: store.MaxLimit})
	j.fatal(err)
	out := []string{}
	for _, n := range list {
		out = append(out, n.Kind+":"+n.ObjectType+":"+itoa64(n.ObjectID))
	}
	unread, err := j.s.UnreadNotifications(j.ctx, policy.NotificationScope(u))
	j.fatal(err)
	return out, unread
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func (j *journey) wantInbox(who string, u auth.User, want ...string) {
	j.t.Helper()
	got, _ := j.inbox(u)
	if len(got) != len(want) {
		j.t.Fatalf("%s's inbox %v, want %v", who, got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			j.t.Fatalf("%s's inbox %v, want %v", who, got, want)
		}
	}
}

func TestNotificationsOfEventsReachTheirRecipientsOnly(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		svc, _, partner := j.partnerDirectory()
		elsewhere, err := j.s.CreatePartner(j.ctx, partners.Partner{Name: "Elsewhere", Email: "x@elsewhere.example"})
		j.fatal(err)
		partner2 := mustUser(t, j.s, auth.User{Email: "pp@elsewhere.example", Name: "Other Partner", Role: auth.Partner, PartnerID: elsewhere.ID}, auth.StatusActive)
		oCoord := mustUser(t, j.s, auth.User{Email: "oc@example.org", Name: "Other Coordinator", Role: auth.Coordinator, Programs: []int64{j.other.ID}}, auth.StatusActive)
		id := func(kind, typ string, n int64) string { return kind + ":" + typ + ":" + itoa64(n) }

		// A new match: the mentor is told, not the coordinator who made it.
		c := j.active(j.waiting("LT-0101", "Aliaksandra Sidarenka"), j.mentor.ID)
		c2 := j.active(j.waiting("LT-0102", "Hanna Kavalenka"), j.mentor2.ID)
		match := id(store.NotifyNewMatch, "case", c.ID)
		j.wantInbox("mentor", j.mentor, match)
		j.wantInbox("mentor2", j.mentor2, id(store.NotifyNewMatch, "case", c2.ID))
		j.wantInbox("coordinator", j.coord)

		// An urgent request raised by the mentee: the coordinators and the
		// mentor; recorded by the mentor: the coordinators. Not urgent: nobody.
		j.advance(time.Minute)
		r1, err := j.s.AddRequest(j.ctx, cases.Request{CaseID: c.ID, Domain: "legal_debt", Urgency: cases.Urgent, Text: "Bailiff at the door", RaisedByMentee: true})
		j.fatal(err)
		urgent := id(store.NotifyUrgentRequest, "case", c.ID)
		j.wantInbox("mentor", j.mentor, urgent, match)
		_, err = j.s.AddRequest(j.ctx, cases.Request{CaseID: c.ID, Domain: "legal_debt", Urgency: cases.Urgent, Text: "Again", RecordedBy: j.mentor.ID})
		j.fatal(err)
		_, err = j.s.AddRequest(j.ctx, cases.Request{CaseID: c.ID, Domain: "employment", Urgency: cases.Normal, Text: "A course", RecordedBy: j.mentor.ID})
		j.fatal(err)
		j.wantInbox("mentor", j.mentor, urgent, match)
		j.wantInbox("coordinator", j.coord, urgent, urgent)
		j.wantInbox("mentor of another case", j.mentor2, id(store.NotifyNewMatch, "case", c2.ID))
		j.wantInbox("coordinator of another program", oCoord)
		_ = r1

		// A referral through the portal: the partner's users, not another
		// organisation's; the partner's answer: whoever sent it.
		ref, err := j.s.CreateReferral(j.ctx, partners.Referral{CaseID: c.ID, ServiceID: svc.ID, Domain: "legal_debt",
			Message: "Fines", Share: []partners.Field{partners.Languages}, ConsentGiven: true, CreatedBy: j.mentor.ID, ConsentBy: j.mentor.ID}, true)
		j.fatal(err)
		j.wantInbox("partner", partner, id(store.NotifyReferralReceived, "referral", ref.ID))
		j.wantInbox("partner of another organisation", partner2)
		_, err = j.s.AddReferralEvent(j.ctx, ref.Version, partners.Event{ReferralID: ref.ID, Status: partners.Accepted, Side: partners.SidePartner, ByUser: partner.ID})
		j.fatal(err)
		answered := id(store.NotifyReferralAnswered, "referral", ref.ID)
		j.wantInbox("mentor", j.mentor, answered, urgent, match)
		j.wantInbox("coordinator", j.coord, urgent, urgent)

		// The mentee ready to finish: the coordinators and the case's psychologist.
		_, err = j.s.AssignPsychologist(j.ctx, c.ID, j.psych.ID, j.coord.ID)
		j.fatal(err)
		j.move(c.ID, cases.Closing)
		j.fatal(j.s.RecordAgreement(j.ctx, c.ID, 0, true))
		ready := id(store.NotifyReadyToFinish, "case", c.ID)
		j.wantInbox("psychologist", j.psych, ready)
		j.wantInbox("coordinator", j.coord, ready, urgent, urgent)
		j.wantInbox("mentor", j.mentor, answered, urgent, match)

		// Losing the record takes its notifications out of sight: a partner
		// user moved to another organisation, a psychologist replaced on
		// the case, mentor2 unmatched from their case.
		moved := partner
		moved.PartnerID = elsewhere.ID
		j.wantInbox("partner moved to another organisation", moved)
		psych2 := mustUser(t, j.s, auth.User{Email: "psy2@example.org", Name: "Second Psychologist", Role: auth.Psychologist, Programs: []int64{j.prog.ID}}, auth.StatusActive)
		_, err = j.s.AssignPsychologist(j.ctx, c.ID, psych2.ID, j.coord.ID)
		j.fatal(err)
		j.wantInbox("replaced psychologist", j.psych)
		j.wantInbox("the new psychologist (told of nothing that came before)", psych2)
		if _, n := j.inbox(j.mentor2); n != 1 {
			t.Fatalf("mentor2's unread count %d, want 1", n)
		}
		_, err = j.s.EndMatch(j.ctx, c2.ID, "Moved away", j.coord.ID)
		j.fatal(err)
		if got, n := j.inbox(j.mentor2); len(got) != 0 || n != 0 {
			t.Fatalf("after the match ended mentor2 still sees %v (%d unread)", got, n)
		}

		// The unread count, opening one, marking all read.
		if _, n := j.inbox(j.coord); n != 3 {
			t.Fatalf("coordinator's unread count %d, want 3", n)
		}
		coord := j.coord
		coord.Status = auth.StatusActive
		sc := policy.NotificationScope(coord)
		page, next, err := j.s.Notifications(j.ctx, sc, true, store.Page{Limit: 2})
		j.fatal(err)
		if len(page) != 2 || next == "" || page[0].CaseCode != "LT-0101" {
			t.Fatalf("first page %+v next %q", page, next)
		}
		rest, next, err := j.s.Notifications(j.ctx, sc, true, store.Page{Limit: 2, Cursor: next})
		j.fatal(err)
		if len(rest) != 1 || next != "" || rest[0].ID >= page[1].ID {
			t.Fatalf("second page %+v next %q", rest, next)
		}
		if _, err := j.s.OpenNotification(j.ctx, policy.NotificationScope(j.mentor), page[0].ID); err == nil {
			t.Fatal("the mentor opened the coordinator's notification")
		}
		opened, err := j.s.OpenNotification(j.ctx, sc, page[0].ID)
		j.fatal(err)
		if opened.ReadAt == nil {
			t.Fatal("an opened notification is not read")
		}
		if _, n := j.inbox(j.coord); n != 2 {
			t.Fatalf("after opening one the count is %d, want 2", n)
		}
		if n, err := j.s.MarkNotificationsRead(j.ctx, j.mentor.ID, []int64{page[1].ID}); err != nil || n != 0 {
			t.Fatalf("the mentor marked the coordinator's notification read: %d %v", n, err)
		}
		if n, err := j.s.MarkNotificationsRead(j.ctx, j.coord.ID, nil); err != nil || n != 2 {
			t.Fatalf("mark all read: %d %v", n, err)
		}
		if got, n := j.inbox(j.coord); n != 0 || len(got) != 3 {
			t.Fatalf("after mark all read: %v, %d unread", got, n)
		}
		if unread, _, err := j.s.Notifications(j.ctx, sc, true, store.Page{}); err != nil || len(unread) != 0 {
			t.Fatalf("unread after mark all read: %v %v", unread, err)
		}
	})
}

func TestDueNotificationsAreWrittenOncePerDay(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		c := j.active(j.waiting("LT-0201", "Aliaksandra Sidarenka"), j.mentor.ID)
		j.active(j.waiting("LT-0202", "Hanna Kavalenka"), j.mentor2.ID)
		// A custody case of the other program, released in 7 days.
		om, oc := j.intake(j.other.ID, person("OT-0001", "Olga", 1980), cases.Intake)
		j.consent(om.ID, true)
		j.assess(oc.ID, "housing", cases.High, cases.NotStarted)
		j.move(oc.ID, cases.Waiting)
		_, err := j.s.Match(j.ctx, oc.ID, j.oMentor.ID, j.coord.ID)
		j.fatal(err)
		release := j.now().Truncate(24 * time.Hour).Add(7 * 24 * time.Hour)
		j.fatal(j.s.SaveCustody(j.ctx, oc.ID, cases.Custody{Phase: cases.InCustody, ExpectedRelease: &release}, j.coord.ID))

		// Weeks later: the first case's contact is overdue and it is quiet.
		j.advance(40 * 24 * time.Hour)
		before, _ := j.inbox(j.mentor)
		n, err := j.s.WriteDueNotifications(j.ctx)
		j.fatal(err)
		if n == 0 {
			t.Fatal("nothing written for what is due")
		}
		again, err := j.s.WriteDueNotifications(j.ctx)
		if err != nil || again != 0 {
			t.Fatalf("a second run the same day wrote %d (%v)", again, err)
		}
		got, _ := j.inbox(j.mentor)
		got = got[:len(got)-len(before)]
		has := func(list []string, want string) bool {
			for _, s := range list {
				if s == want {
					return true
				}
			}
			return false
		}
		for _, want := range []string{"contact_overdue:case:" + itoa64(c.ID), "quiet_case:case:" + itoa64(c.ID)} {
			if !has(got, want) {
				t.Errorf("mentor's inbox %v lacks %s", got, want)
			}
		}
		other, _ := j.inbox(j.mentor2)
		if has(other, "contact_overdue:case:"+itoa64(c.ID)) || has(other, "quiet_case:case:"+itoa64(c.ID)) {
			t.Errorf("the mentor of another case is told of it: %v", other)
		}
		coord, _ := j.inbox(j.coord)
		if !has(coord, "overdue_digest:program:"+itoa64(j.prog.ID)) || has(coord, "contact_overdue:case:"+itoa64(c.ID)) {
			t.Errorf("coordinator's inbox %v: want the digest, not each case", coord)
		}
		// 40 days on the release date has passed: not told. A new one in 30 days is.
		if has(coord, "release_ahead:case:"+itoa64(oc.ID)) {
			t.Errorf("a release date in the past is told: %v", coord)
		}
		release = j.now().Truncate(24 * time.Hour).Add(30 * 24 * time.Hour)
		j.fatal(j.s.SaveCustody(j.ctx, oc.ID, cases.Custody{Phase: cases.InCustody, ExpectedRelease: &release}, j.coord.ID))

		// The next day: the digest again, the case's overdue contact not
		// (same due date), the release date 30 days ahead once.
		j.advance(24 * time.Hour)
		n, err = j.s.WriteDueNotifications(j.ctx)
		j.fatal(err)
		if again, _ := j.s.WriteDueNotifications(j.ctx); again != 0 {
			t.Fatalf("a second run the next day wrote %d", again)
		}
		coord2, _ := j.inbox(j.coord)
		// (The custody case is overdue too: a digest for each program.)
		if len(coord2) != len(coord)+3 || coord2[0] != "release_ahead:case:"+itoa64(oc.ID) {
			t.Fatalf("coordinator's inbox the next day %v (was %v), wrote %d", coord2, coord, n)
		}
		mentor2, _ := j.inbox(j.mentor)
		if len(mentor2) != len(got)+len(before) {
			t.Fatalf("the mentor was told again the next day: %v", mentor2)
		}
		if o, _ := j.inbox(j.oMentor); !has(o, "release_ahead:case:"+itoa64(oc.ID)) {
			t.Errorf("the custody case's mentor is not told of the release: %v", o)
		}
		if has(mentor2, "release_ahead:case:"+itoa64(oc.ID)) {
			t.Error("a mentor of another program is told of the release")
		}
	})
}

func TestDueFollowUpsAndExpiringChecksTellTheCoordinators(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		other, err := s.CreateProgram(ctx, newProgram("Elsewhere"))
		if err != nil {
			t.Fatal(err)
		}
		oCoord, err := s.CreateUser(ctx, auth.User{Email: "oc@example.org", Name: "Other Coordinator", Role: auth.Coordinator, Programs: []int64{other.ID}})
		if err != nil {
			t.Fatal(err)
		}
		// A completed case: follow-ups at 6 and 12 months.
		d := f.active(t, "W-2")
		f.move(t, d.ID, cases.Closing, "", "")
		for _, err := range []error{
			s.RecordAgreement(ctx, d.ID, f.coord.ID, false),
			s.RecordFinalMeeting(ctx, d.ID, f.psych.ID),
			s.SaveFeedback(ctx, cases.Feedback{CaseID: d.ID, Declined: true, RecordedBy: f.coord.ID}),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		f.move(t, d.ID, cases.Closed, cases.Completed, "")
		// The mentor's background check expires in seven months.
		mine, err := s.MyMentors(ctx, f.mentor.ID)
		if err != nil || len(mine) != 1 {
			t.Fatalf("the mentor's records %v (%v)", mine, err)
		}
		expires := f.now.AddDate(0, 7, 0)
		if _, err := s.RecordCheck(ctx, mentors.Check{MentorID: mine[0].Mentor.ID, Kind: "background_check", Result: mentors.Passed,
			DoneOn: f.now, ExpiresOn: &expires}, f.coord.ID); err != nil {
			t.Fatal(err)
		}
		due := func() int {
			t.Helper()
			n, err := s.WriteDueNotifications(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		kinds := func(u auth.User) map[string]int {
			t.Helper()
			u.Status = auth.StatusActive
			list, _, err := s.Notifications(ctx, policy.NotificationScope(u), false, store.Page{Limit: store.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int{}
			for _, n := range list {
				out[n.Kind+":"+n.ObjectType+":"+itoa64(n.ObjectID)]++
			}
			return out
		}
		followUp := "follow_up_due:case:" + itoa64(d.ID)
		check := "check_expiring:mentor:" + itoa64(mine[0].Mentor.ID)

		// Five months on: nothing of these is due.
		f.later(150 * 24 * time.Hour)
		due()
		if k := kinds(f.coord); k[followUp] != 0 || k[check] != 0 {
			t.Fatalf("told too early: %v", k)
		}
		// Six months and a half: the first follow-up is due and the check
		// expires within 30 days; twice the same day writes them once.
		f.later(45 * 24 * time.Hour)
		if due() == 0 || due() != 0 {
			t.Fatal("the due notifications were not written once")
		}
		k := kinds(f.coord)
		if k[followUp] != 1 || k[check] != 1 {
			t.Errorf("the coordinator's inbox %v, want the follow-up and the check once", k)
		}
		for who, u := range map[string]auth.User{"mentor": f.mentor, "psychologist": f.psych, "coordinator of another program": oCoord} {
			if k := kinds(u); k[followUp] != 0 || k[check] != 0 {
				t.Errorf("the %s is told of the follow-up or the check: %v", who, k)
			}
		}
		// The days after: not again.
		f.later(24 * time.Hour)
		due()
		if k := kinds(f.coord); k[followUp] != 1 || k[check] != 1 {
			t.Errorf("told again the next day: %v", k)
		}
	})
}
