package jobs

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/i18n"
	"homeward/internal/mail"
	"homeward/internal/policy"
	"homeward/internal/store"
	"homeward/internal/zone"
)

// KindMail sends one e-mail: the at-once e-mail of a notification (payload
// {"notification": id}, queued with the notification) or a user's daily
// digest (payload {"user": id, "digest": "2026-12-06"}, the day in their
// zone). It reads what it tells when it runs, and records what it sent
// under the mail's key, so that a job done twice sends once (unless the
// process dies between the send and the record).
const KindMail = store.KindMail

// KindMailDigest looks once an hour, across all nodes, for the users whose
// clock shows DigestHour in that hour, and queues the digest of each who
// has something to be told.
const KindMailDigest = "mail_digest"

// DigestHour is the hour of the day, in each user's zone, the digest goes out.
const DigestHour = 8

// MailAttempts is how often a mail job is tried before it waits for the
// admin (about half a day of a mail server away, with the back-off).
const MailAttempts = store.MailAttempts

// mailer sends the e-mails.
type mailer struct {
	st     *store.Store
	send   *mail.Sender
	bundle *i18n.Bundle
}

// RegisterMail handles the mail jobs and schedules the digest's hourly
// look, and tells the store that e-mail is on (notifications then queue
// their at-once e-mails).
func RegisterMail(r *Runner, st *store.Store, s *mail.Sender, b *i18n.Bundle) {
	m := &mailer{st: st, send: s, bundle: b}
	st.SetMail(true)
	r.Handle(KindMail, m.mail)
	r.Every(KindMailDigest, time.Hour, m.digests)
}

// digestWindow is the digest of the hour starting at start for a user in
// loc: when it goes out (DigestHour on their clock, if that falls in the
// hour), the day it is of, and since when it counts (DigestHour the day
// before).
func digestWindow(start time.Time, loc *time.Location) (at, from time.Time, day string, ok bool) {
	for _, t := range []time.Time{start, start.Add(time.Hour - time.Nanosecond)} {
		l := t.In(loc)
		at = zone.Wall(l.Year(), l.Month(), l.Day(), DigestHour, 0, loc)
		if !at.Before(start) && at.Before(start.Add(time.Hour)) {
			from = zone.Wall(l.Year(), l.Month(), l.Day()-1, DigestHour, 0, loc)
			return at.UTC(), from.UTC(), l.Format("2006-01-02"), true
		}
	}
	return time.Time{}, time.Time{}, "", false
}

// periodStart is the hour a digest job was scheduled for, from its key.
func periodStart(j store.Job) time.Time {
	if _, p, ok := strings.Cut(j.UniqueKey, ":"); ok {
		if t, err := time.Parse("2006-01-02.1504", p); err == nil {
			return t
		}
	}
	return j.RunAt.Truncate(time.Hour)
}

// digests queues, for the hour of job j, the digest of each user whose
// clock shows DigestHour in it and who has something to be told.
func (m *mailer) digests(ctx context.Context, j store.Job) error {
	start := periodStart(j)
	users, err := m.st.MailUsers(ctx)
	if err != nil {
		return err
	}
	var list []store.NewJob
	for _, u := range users {
		at, from, day, ok := digestWindow(start, zone.Of(u.Zone))
		if !ok {
			continue
		}
		n, err := m.digestCounts(ctx, u.ID, from, at)
		if err != nil {
			if errs.Is(err, errs.KindNotFound) {
				continue
			}
			return err
		}
		if total(n) == 0 {
			continue
		}
		list = append(list, store.NewJob{Kind: KindMail, RunAt: at, MaxAttempts: MailAttempts,
			Payload: store.JobPayload{"user": u.ID, "digest": day}, UniqueKey: digestKey(u.ID, day)})
	}
	if len(list) == 0 {
		return nil
	}
	_, _, err = m.st.EnqueueJobs(ctx, list)
	return err
}

func digestKey(userID int64, day string) string {
	return "mail:digest:" + strconv.FormatInt(userID, 10) + ":" + day
}

func total(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// digestCounts counts what a user's digest tells, under what they may see now.
func (m *mailer) digestCounts(ctx context.Context, userID int64, from, to time.Time) (map[string]int, error) {
	u, err := m.st.GetUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.Status != auth.StatusActive {
		return nil, nil
	}
	return m.st.DigestCounts(ctx, policy.NotificationScope(u), from, to)
}

// mail sends the e-mail of job j, once.
func (m *mailer) mail(ctx context.Context, j store.Job) error {
	if id, ok := j.Payload.Int("notification"); ok {
		return m.atOnce(ctx, id)
	}
	uid, ok1 := j.Payload.Int("user")
	day, ok2 := j.Payload.Code("digest")
	if !ok1 || !ok2 {
		return Permanent(Coded("mail.payload", errors.New("a mail job names neither a notification nor a digest")))
	}
	return m.digest(ctx, uid, day)
}

// atOnce sends the e-mail of one notification, when its user still wants
// its kind at once and may still get e-mail.
func (m *mailer) atOnce(ctx context.Context, id int64) error {
	key := "notification:" + strconv.FormatInt(id, 10)
	if done, err := m.st.MailDone(ctx, key); err != nil || done {
		return err
	}
	uid, kind, atOnce, err := m.st.NotificationForMail(ctx, id)
	if errs.Is(err, errs.KindNotFound) || (err == nil && !atOnce) {
		return nil
	}
	if err != nil {
		return err
	}
	rcp, err := m.st.MailRecipient(ctx, uid)
	if errs.Is(err, errs.KindNotFound) || (err == nil && rcp.User.Status != auth.StatusActive) {
		return nil
	}
	if err != nil {
		return err
	}
	msg := mail.AtOnce(m.bundle.Printer(rcp.Language), m.send.Site(), kind)
	return m.deliver(ctx, rcp, store.MailNotification, key, msg)
}

// digest sends a user's digest of a day (in their zone): the counts of
// their unread notifications since the digest before, when there are any.
func (m *mailer) digest(ctx context.Context, uid int64, day string) error {
	key := "digest:" + strconv.FormatInt(uid, 10) + ":" + day
	if done, err := m.st.MailDone(ctx, key); err != nil || done {
		return err
	}
	d, err := time.Parse("2006-01-02", day)
	if err != nil {
		return Permanent(Coded("mail.payload", err))
	}
	rcp, err := m.st.MailRecipient(ctx, uid)
	if errs.Is(err, errs.KindNotFound) || (err == nil && rcp.User.Status != auth.StatusActive) {
		return nil
	}
	if err != nil {
		return err
	}
	loc := zone.Of(rcp.User.Zone())
	to := zone.Wall(d.Year(), d.Month(), d.Day(), DigestHour, 0, loc).UTC()
	from := zone.Wall(d.Year(), d.Month(), d.Day()-1, DigestHour, 0, loc).UTC()
	counts, err := m.st.DigestCounts(ctx, policy.NotificationScope(rcp.User), from, to)
	if err != nil {
		return err
	}
	if total(counts) == 0 {
		return nil
	}
	msg := mail.Digest(m.bundle.Printer(rcp.Language), m.send.Site(), store.NotificationKinds, counts)
	return m.deliver(ctx, rcp, store.MailDigest, key, msg)
}

// deliver sends a message and records it. A refusal for good (a bounce)
// is recorded for the admin and fails the job at once; anything else (the
// server away) is tried again, backing off.
func (m *mailer) deliver(ctx context.Context, rcp store.MailRecipient, purpose, key string, msg mail.Message) error {
	err := m.send.Send(ctx, rcp.User.Email, msg)
	var b *mail.Bounce
	switch {
	case errors.As(err, &b):
		if rerr := m.st.RecordMail(ctx, rcp.User.ID, purpose, key, store.MailBounced, "smtp."+strconv.Itoa(b.Code)); rerr != nil {
			return rerr
		}
		return Permanent(Coded("smtp.bounced", err))
	case err != nil:
		return Coded("smtp.unavailable", err)
	}
	return m.st.RecordMail(ctx, rcp.User.ID, purpose, key, store.MailSent, "")
}
