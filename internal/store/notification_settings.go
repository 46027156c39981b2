package store

import (
	"context"
	"database/sql"
	"regexp"
	"slices"
	"strconv"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/errs"
)

// Deliveries: how a user is told of a kind of notification by e-mail (the
// bell and the inbox tell them always).
const (
	DeliverAtOnce = "at_once" // an e-mail as soon as it is written
	DeliverDigest = "digest"  // counted in the daily digest at 08:00 in their zone
	DeliverNever  = "never"   // no e-mail
)

// Deliveries lists the deliveries in the order the account page shows them.
var Deliveries = []string{DeliverAtOnce, DeliverDigest, DeliverNever}

// DefaultDelivery is the delivery of a kind the user has not chosen: an
// urgent request at once, everything else in the daily digest.
func DefaultDelivery(kind string) string {
	if kind == NotifyUrgentRequest {
		return DeliverAtOnce
	}
	return DeliverDigest
}

// KindMail is the job that sends one e-mail (internal/jobs, mail.go): its
// payload names a notification (at once) or a user and a day (the digest).
const KindMail = "mail"

// MailAttempts is how often a mail job is tried before it waits for the
// admin: with the runner's back-off (30 seconds doubling to an hour) a mail
// server may be away for about half a day and no mail is lost.
const MailAttempts = 20

// NotificationSettings are a user's choices for e-mail: the delivery of
// each kind of notification (every kind, defaults filled in) and the
// language of their e-mails.
type NotificationSettings struct {
	Language string            `json:"language"`
	Kinds    map[string]string `json:"kinds"`
}

var mailLanguagePattern = regexp.MustCompile(`^[a-z]{2}$`)

// NotificationSettings reads the user's settings, with the defaults of the
// kinds they have not chosen.
func (s *Store) NotificationSettings(ctx context.Context, userID int64) (NotificationSettings, error) {
	set := NotificationSettings{Kinds: map[string]string{}}
	err := s.read.QueryRowContext(ctx, `SELECT mail_language FROM users WHERE id = $1`, userID).Scan(&set.Language)
	if err == sql.ErrNoRows {
		return set, errs.NotFound("user")
	}
	if err != nil {
		return set, s.wrap(err, "read notification settings")
	}
	d, err := s.deliveries(ctx, s.read, []int64{userID})
	if err != nil {
		return set, err
	}
	for _, k := range NotificationKinds {
		set.Kinds[k] = d.of(userID, k)
	}
	if set.Language == "" {
		set.Language = "en"
	}
	return set, nil
}

// SetNotificationSettings stores the user's deliveries (kinds not named
// keep theirs) and, when given, the language of their e-mails (a
// two-letter code the caller has checked is offered). Nothing is saved
// when a kind or a delivery is unknown.
func (s *Store) SetNotificationSettings(ctx context.Context, userID int64, set NotificationSettings) error {
	defer s.usersChanged()
	bad := map[string]string{}
	for k, d := range set.Kinds {
		if !slices.Contains(NotificationKinds, k) {
			bad["kinds"] = "validation.notification_kind"
		} else if !slices.Contains(Deliveries, d) {
			bad[k] = "validation.delivery"
		}
	}
	if set.Language != "" && !mailLanguagePattern.MatchString(set.Language) {
		bad["language"] = "validation.language"
	}
	if len(bad) > 0 {
		return errs.Invalid(bad)
	}
	kinds := make([]string, 0, len(set.Kinds))
	for k := range set.Kinds {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if set.Language != "" {
			res, err := tx.ExecContext(ctx, `UPDATE users SET mail_language = $1 WHERE id = $2`, set.Language, userID)
			if err != nil {
				return s.wrap(err, "save mail language")
			}
			if n, err := res.RowsAffected(); err == nil && n == 0 {
				return errs.NotFound("user")
			}
		}
		for _, k := range kinds {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notification_settings (user_id, kind, delivery) VALUES ($1, $2, $3)
				ON CONFLICT (user_id, kind) DO UPDATE SET delivery = excluded.delivery`, userID, k, set.Kinds[k]); err != nil {
				return s.wrap(err, "save notification settings")
			}
		}
		return s.appendAudit(ctx, tx, "user.notification_settings", "user", userID, audit.OK)
	})
}

// deliveryMap is the chosen deliveries of some users, by user and kind.
type deliveryMap map[int64]map[string]string

// of is the delivery of a kind for a user: chosen, or the default.
func (d deliveryMap) of(userID int64, kind string) string {
	if v, ok := d[userID][kind]; ok {
		return v
	}
	return DefaultDelivery(kind)
}

// deliveries reads the chosen deliveries of the users, in one query.
func (s *Store) deliveries(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, userIDs []int64) (deliveryMap, error) {
	out := deliveryMap{}
	if len(userIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(userIDs))
	for i, id := range userIDs {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT user_id, kind, delivery FROM notification_settings WHERE user_id IN (`+
		placeholders(1, len(userIDs))+`)`, args...)
	if err != nil {
		return nil, s.wrap(err, "read notification settings")
	}
	defer rows.Close()
	for rows.Next() {
		var uid int64
		var kind, d string
		if err := rows.Scan(&uid, &kind, &d); err != nil {
			return nil, s.wrap(err, "read notification settings")
		}
		if out[uid] == nil {
			out[uid] = map[string]string{}
		}
		out[uid][kind] = d
	}
	return out, s.wrap(rows.Err(), "read notification settings")
}

// writtenNote is a notification notifyTx has just written.
type writtenNote struct {
	id, userID int64
	kind       string
}

// queueAtOnceMailTx queues, inside the notifications' transaction, the
// mail job of each one whose recipient wants its kind at once.
func (s *Store) queueAtOnceMailTx(ctx context.Context, tx *sql.Tx, written []writtenNote) error {
	var users []int64
	for _, w := range written {
		if !slices.Contains(users, w.userID) {
			users = append(users, w.userID)
		}
	}
	d, err := s.deliveries(ctx, tx, users)
	if err != nil {
		return err
	}
	var list []NewJob
	for _, w := range written {
		if d.of(w.userID, w.kind) != DeliverAtOnce {
			continue
		}
		list = append(list, NewJob{Kind: KindMail, MaxAttempts: MailAttempts, Payload: JobPayload{"notification": w.id},
			UniqueKey: "mail:notification:" + strconv.FormatInt(w.id, 10)})
	}
	if len(list) == 0 {
		return nil
	}
	_, _, err = s.enqueueJobsTx(ctx, tx, list)
	return err
}

// SetMail says whether e-mail is set up (serve --smtp-url): only then do
// notifications queue e-mails.
func (s *Store) SetMail(on bool) { s.mail.Store(on) }

// MailOn reports whether e-mail is set up.
func (s *Store) MailOn() bool { return s.mail.Load() }

// MailRecipient is who an e-mail goes to, read when it is sent: the user
// (with their programs, for what they may still see) and the language of
// their e-mails.
type MailRecipient struct {
	User     auth.User
	Language string
}

// MailRecipient reads the user an e-mail goes to; errs.NotFound for a
// mentee, who gets none.
func (s *Store) MailRecipient(ctx context.Context, userID int64) (MailRecipient, error) {
	u, err := s.GetUser(ctx, userID)
	if err != nil {
		return MailRecipient{}, err
	}
	if u.Role == auth.Mentee {
		// Mentees get no e-mail: their address is sealed, and a message
		// from Homeward in their inbox could itself put them at risk.
		return MailRecipient{}, errs.NotFound("mail recipient")
	}
	r := MailRecipient{User: u}
	err = s.read.QueryRowContext(ctx, `SELECT mail_language FROM users WHERE id = $1`, userID).Scan(&r.Language)
	return r, s.wrap(err, "read mail language")
}

// NotificationForMail reads whom a notification was written for, its kind
// and whether that user still wants it at once: what its at-once e-mail
// needs. errs.NotFound when it is gone (its user was deleted).
func (s *Store) NotificationForMail(ctx context.Context, id int64) (userID int64, kind string, atOnce bool, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT user_id, kind FROM notifications WHERE id = $1`, id).Scan(&userID, &kind)
	if err == sql.ErrNoRows {
		return 0, "", false, errs.NotFound("notification")
	}
	if err != nil {
		return 0, "", false, s.wrap(err, "read notification")
	}
	d, err := s.deliveries(ctx, s.read, []int64{userID})
	if err != nil {
		return 0, "", false, err
	}
	return userID, kind, d.of(userID, kind) == DeliverAtOnce, nil
}

// DigestCounts counts, per kind, the reader's unread notifications written
// in [from, to) whose record they may still see and whose kind they get in
// the daily digest: all a digest says.
func (s *Store) DigestCounts(ctx context.Context, sc NotificationScope, from, to time.Time) (map[string]int, error) {
	args := []any{sc.UserID, s.ts(from), s.ts(to)}
	var vis string
	vis, args = sc.visible(args)
	rows, err := s.read.QueryContext(ctx, `SELECT n.kind, count(*) FROM `+notificationJoins+`
		WHERE n.user_id = $1 AND n.read_at IS NULL AND n.created_at >= $2 AND n.created_at < $3 AND `+vis+`
		GROUP BY n.kind`, args...)
	if err != nil {
		return nil, s.wrap(err, "count digest")
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			return nil, s.wrap(err, "count digest")
		}
		counts[kind] = n
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "count digest")
	}
	d, err := s.deliveries(ctx, s.read, []int64{sc.UserID})
	if err != nil {
		return nil, err
	}
	for k := range counts {
		if d.of(sc.UserID, k) != DeliverDigest {
			delete(counts, k)
		}
	}
	return counts, nil
}

// MailUser is a user who may get e-mail: active staff (mentees get none),
// with the time zone their digest is sent in.
type MailUser struct {
	ID   int64
	Zone string
}

// MailUsers lists the active users who may get e-mail, with their zones.
func (s *Store) MailUsers(ctx context.Context) ([]MailUser, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, role, time_zone,
		COALESCE((SELECT p.time_zone FROM user_programs up JOIN programs p ON p.id = up.program_id
			WHERE up.user_id = users.id ORDER BY up.program_id LIMIT 1), '')
		FROM users WHERE status = 'active' AND role <> 'mentee' ORDER BY id`)
	if err != nil {
		return nil, s.wrap(err, "list mail users")
	}
	defer rows.Close()
	var out []MailUser
	for rows.Next() {
		var u auth.User
		var role string
		if err := rows.Scan(&u.ID, &role, &u.TimeZone, &u.ProgramTimeZone); err != nil {
			return nil, s.wrap(err, "list mail users")
		}
		u.Role = auth.Role(role)
		out = append(out, MailUser{ID: u.ID, Zone: u.Zone()})
	}
	return out, s.wrap(rows.Err(), "list mail users")
}
