package store_test

import (
	"strconv"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
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

		// Losing the record takes its notifications out of sight: mentor2
		// unmatched from their case sees nothing of it.
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
		_, oc := j.intake(j.other.ID, person("OT-0001", "Olga", 1980), cases.Intake)
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
		if len(coord2) != len(coord)+2 || coord2[0] != "release_ahead:case:"+itoa64(oc.ID) && coord2[1] != "release_ahead:case:"+itoa64(oc.ID) {
			t.Fatalf("coordinator's inbox the next day %v (was %v), wrote %d", coord2, coord, n)
		}
		mentor2, _ := j.inbox(j.mentor)
		if len(mentor2) != len(got)+len(before) {
			t.Fatalf("the mentor was told again the next day: %v", mentor2)
		}
	})
}
