package store_test

import (
	"testing"

	"homeward/internal/cases"
	"homeward/internal/store"
)

// With e-mail set up, a notification queues its e-mail job in its own
// transaction for a recipient who wants its kind at once, and none for one
// who chose the digest or never; without e-mail nothing is queued. Choices
// not made read as the defaults; an unknown choice saves nothing.
func TestAtOnceMailIsQueuedWithTheNotification(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		set, err := j.s.NotificationSettings(j.ctx, j.coord.ID)
		j.fatal(err)
		if set.Kinds[store.NotifyUrgentRequest] != store.DeliverAtOnce || set.Kinds[store.NotifyNewMatch] != store.DeliverDigest || set.Language != "en" {
			t.Fatalf("defaults %+v", set)
		}
		bad := store.NotificationSettings{Language: "cs", Kinds: map[string]string{store.NotifyNewMatch: store.DeliverNever, store.NotifyUrgentRequest: "hourly"}}
		if err := j.s.SetNotificationSettings(j.ctx, j.coord.ID, bad); err == nil {
			t.Fatal("an unknown delivery was accepted")
		}
		if set, _ := j.s.NotificationSettings(j.ctx, j.coord.ID); set.Kinds[store.NotifyNewMatch] != store.DeliverDigest || set.Language != "en" {
			t.Fatalf("a refused change saved something: %+v", set)
		}
		mailJobs := func() int {
			list, _, err := j.s.ListJobs(j.ctx, store.JobQueued, store.Page{Limit: store.MaxLimit})
			j.fatal(err)
			n := 0
			for _, job := range list {
				if job.Kind == store.KindMail {
					n++
				}
			}
			return n
		}

		// Without e-mail: notifications, no mail jobs.
		c := j.active(j.waiting("LT-0201", "Hanna Kavalenka"), j.mentor.ID)
		_, err = j.s.AddRequest(j.ctx, cases.Request{CaseID: c.ID, Domain: "legal_debt", Urgency: cases.Urgent, Text: "Bailiff", RaisedByMentee: true})
		j.fatal(err)
		if n := mailJobs(); n != 0 {
			t.Fatalf("%d mail jobs without e-mail set up", n)
		}

		// With e-mail: the mentor (default: at once) gets a job; the
		// coordinator, who chose never, none; the new match (digest) none.
		j.s.SetMail(true)
		j.fatal(j.s.SetNotificationSettings(j.ctx, j.coord.ID, store.NotificationSettings{Kinds: map[string]string{store.NotifyUrgentRequest: store.DeliverNever}}))
		c2 := j.active(j.waiting("LT-0202", "Ales Bialiatski"), j.mentor.ID)
		if n := mailJobs(); n != 0 {
			t.Fatalf("a new match (digest by default) queued %d mail jobs", n)
		}
		_, err = j.s.AddRequest(j.ctx, cases.Request{CaseID: c2.ID, Domain: "legal_debt", Urgency: cases.Urgent, Text: "Bailiff again", RaisedByMentee: true})
		j.fatal(err)
		list, _, err := j.s.ListJobs(j.ctx, store.JobQueued, store.Page{Limit: store.MaxLimit})
		j.fatal(err)
		var mail []store.Job
		for _, job := range list {
			if job.Kind == store.KindMail {
				mail = append(mail, job)
			}
		}
		if len(mail) != 1 || mail[0].MaxAttempts != store.MailAttempts {
			t.Fatalf("mail jobs %+v, want the mentor's one", mail)
		}
		id, _ := mail[0].Payload.Int("notification")
		uid, kind, atOnce, err := j.s.NotificationForMail(j.ctx, id)
		j.fatal(err)
		if uid != j.mentor.ID || kind != store.NotifyUrgentRequest || !atOnce || len(mail[0].Payload) != 1 {
			t.Errorf("the mail job is of user %d, kind %s (at once %v), payload %v; want the mentor's urgent request, an id only", uid, kind, atOnce, mail[0].Payload)
		}
	})
}
