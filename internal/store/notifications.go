package store

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/errs"
)

// Notification kinds: what happened, told in the app (the bell and the
// inbox). Each links to one record (ObjectType, ObjectID).
const (
	// NotifyUrgentRequest: an urgent request was raised on a case (its
	// program's coordinators and its mentor, at once).
	NotifyUrgentRequest = "urgent_request"
	// NotifyNewMatch: the mentor was matched with a case (at once).
	NotifyNewMatch = "new_match"
	// NotifyContactOverdue: a contact with the case's mentee is overdue
	// (the mentor, once per due date).
	NotifyContactOverdue = "contact_overdue"
	// NotifyOverdueDigest: some cases of a program have a contact overdue
	// (the program's coordinators, once a day).
	NotifyOverdueDigest = "overdue_digest"
	// NotifyQuietCase: no new request for the program's quiet weeks: time
	// to ask about completion (the mentor, once per quiet period).
	NotifyQuietCase = "quiet_case"
	// NotifyReferralReceived: a referral was sent to the partner through
	// the portal (its partner users, at once).
	NotifyReferralReceived = "referral_received"
	// NotifyReferralAnswered: the partner answered a referral (whoever
	// sent it, at once).
	NotifyReferralAnswered = "referral_answered"
	// NotifyFollowUpDue: a follow-up of a closed case is due (the
	// program's coordinators, once per follow-up).
	NotifyFollowUpDue = "follow_up_due"
	// NotifyCheckExpiring: a mentor's check expires within 30 days (the
	// program's coordinators, once per check).
	NotifyCheckExpiring = "check_expiring"
	// NotifyReleaseAhead: a release date in a custody program is 30, 7 or
	// 1 day ahead (the coordinators and the mentor, once per step).
	NotifyReleaseAhead = "release_ahead"
	// NotifyReadyToFinish: the mentee agreed to finish (the program's
	// coordinators and the case's psychologist, at once).
	NotifyReadyToFinish = "ready_to_finish"
)

// NotificationKinds lists every kind, for the texts and the API.
var NotificationKinds = []string{NotifyUrgentRequest, NotifyNewMatch, NotifyContactOverdue, NotifyOverdueDigest,
	NotifyQuietCase, NotifyReferralReceived, NotifyReferralAnswered, NotifyFollowUpDue, NotifyCheckExpiring,
	NotifyReleaseAhead, NotifyReadyToFinish}

// The records a notification links to.
const (
	NotifyOnCase     = "case"
	NotifyOnReferral = "referral"
	NotifyOnMentor   = "mentor"
	NotifyOnProgram  = "program"
)

// Notification is one thing a user is told. It holds ids, never copies of
// sealed text or names; CaseCode (of the case, or the referral's case) and
// ProgramName are read with it for its text.
type Notification struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	ObjectType  string     `json:"object_type"`
	ObjectID    int64      `json:"object_id"`
	ProgramID   int64      `json:"program_id"`
	CaseCode    string     `json:"case_code,omitempty"`
	ProgramName string     `json:"-"`
	CreatedAt   time.Time  `json:"created_at"`
	ReadAt      *time.Time `json:"read_at"`
}

// NotificationScope says which records a reader may still see, so that a
// notification of a record they lost (a mentor unmatched from the case, a
// partner user moved to another organisation) leaves their inbox. The
// policy makes it (policy.NotificationScope).
type NotificationScope struct {
	UserID int64
	// Cases are the cases whose page the reader may open.
	Cases CaseScope
	// ReferralCases are the cases whose referrals the reader works on.
	ReferralCases CaseScope
	// PartnerID is the organisation whose portal referrals the reader answers.
	PartnerID int64
	// MentorPrograms are the programs whose mentors the reader manages.
	MentorPrograms []int64
	// DigestPrograms are the programs whose digests the reader gets.
	DigestPrograms []int64
}

// visible returns the condition on a notification n, read with its record
// (notificationJoins: the case c, the referral r and its case rc, the
// mentor m), that the record is still the reader's, with its arguments
// appended to args. Joins, not subqueries, so that both engines read the
// reader's few notifications by index and each record by its key.
func (sc NotificationScope) visible(args []any) (string, []any) {
	var or []string
	add := func(cond string, fill func(where []string, args []any) ([]string, []any)) {
		var where []string
		where, args = fill(nil, args)
		or = append(or, "("+cond+" AND "+strings.Join(where, " AND ")+")")
	}
	in := func(col string, ids []int64) func([]string, []any) ([]string, []any) {
		return func(where []string, a []any) ([]string, []any) {
			if len(ids) == 0 {
				return append(where, "1 = 0"), a
			}
			where = append(where, col+" IN ("+placeholders(len(a)+1, len(ids))+")")
			for _, id := range ids {
				a = append(a, id)
			}
			return where, a
		}
	}
	add("c.id IS NOT NULL", sc.Cases.where)
	add("rc.id IS NOT NULL", func(where []string, a []any) ([]string, []any) {
		var w []string
		w, a = sc.ReferralCases.where(nil, a)
		for _, cond := range w {
			where = append(where, caseAlias.ReplaceAllString(cond, "rc."))
		}
		return where, a
	})
	if sc.PartnerID != 0 {
		add("r.id IS NOT NULL AND r.sent_at IS NOT NULL AND r.channel = 'portal'", func(where []string, a []any) ([]string, []any) {
			a = append(a, sc.PartnerID)
			return append(where, "r.partner_id = $"+itoa(len(a))), a
		})
	}
	add("m.id IS NOT NULL", in("m.program_id", sc.MentorPrograms))
	add("n.object_type = 'program'", in("n.program_id", sc.DigestPrograms))
	return "(" + strings.Join(or, " OR ") + ")", args
}

// caseAlias finds the case alias in a CaseScope's conditions.
var caseAlias = regexp.MustCompile(`\bc\.`)

// note is a notification to write: a recipient, a kind, its record and
// the key that makes writing it twice write it once.
type note struct {
	userID     int64
	kind       string
	objectType string
	objectID   int64
	programID  int64
	key        string
}

// notifyTx writes notifications inside tx, each once per recipient and
// key (a second write of the same key does nothing). With e-mail set up,
// each written notification whose recipient wants its kind at once gets
// its mail job in the same transaction.
func (s *Store) notifyTx(ctx context.Context, tx *sql.Tx, notes []note) (int, error) {
	var written []writtenNote
	now := s.ts(s.now())
	for _, n := range notes {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO notifications (user_id, kind, object_type, object_id, program_id, unique_key, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id, unique_key) DO NOTHING RETURNING id`,
			n.userID, n.kind, n.objectType, n.objectID, n.programID, n.key, now).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return len(written), s.wrap(err, "write notification")
		default:
			written = append(written, writtenNote{id: id, userID: n.userID, kind: n.kind})
		}
	}
	if s.mail.Load() && len(written) > 0 {
		if err := s.queueAtOnceMailTx(ctx, tx, written); err != nil {
			return len(written), err
		}
	}
	return len(written), nil
}

// notifyEach is a note of one record to each of several recipients but
// the actor (who knows what they did).
func notifyEach(users []int64, actorID int64, kind, objectType string, objectID, programID int64, key string) []note {
	var out []note
	for _, u := range users {
		if u == 0 || u == actorID || slices.ContainsFunc(out, func(n note) bool { return n.userID == u }) {
			continue
		}
		out = append(out, note{userID: u, kind: kind, objectType: objectType, objectID: objectID, programID: programID, key: key})
	}
	return out
}

// coordinatorsTx returns the active coordinators of a program.
func (s *Store) coordinatorsTx(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, programID int64) ([]int64, error) {
	return s.ids(ctx, q, `SELECT u.id FROM users u JOIN user_programs up ON up.user_id = u.id AND up.program_id = $1
		WHERE u.role = 'coordinator' AND u.status = 'active' ORDER BY u.id`, programID)
}

// ids reads a column of ids.
func (s *Store) ids(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.wrap(err, "read recipients")
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, s.wrap(err, "read recipients")
		}
		out = append(out, id)
	}
	return out, s.wrap(rows.Err(), "read recipients")
}

// notifyCaseTx tells the program's coordinators (when coordinators) and
// the given users of an event on a case, inside the event's transaction.
func (s *Store) notifyCaseTx(ctx context.Context, tx *sql.Tx, ct caseTx, coordinators bool, users []int64, actorID int64, kind, key string) error {
	var to []int64
	if coordinators {
		var err error
		if to, err = s.coordinatorsTx(ctx, tx, ct.ProgramID); err != nil {
			return err
		}
	}
	_, err := s.notifyTx(ctx, tx, notifyEach(append(to, users...), actorID, kind, NotifyOnCase, ct.ID, ct.ProgramID, key))
	return err
}

const notificationColumns = `n.id, n.kind, n.object_type, n.object_id, n.program_id, COALESCE(c.case_code, rc.case_code, ''),
	p.name, n.created_at, n.read_at`

// notificationJoins reads a notification n with its record: the case c,
// the referral r and its case rc, or the mentor m.
const notificationJoins = `notifications n
	LEFT JOIN cases c ON n.object_type = 'case' AND c.id = n.object_id
	LEFT JOIN referrals r ON n.object_type = 'referral' AND r.id = n.object_id
	LEFT JOIN cases rc ON rc.id = r.case_id
	LEFT JOIN mentors m ON n.object_type = 'mentor' AND m.id = n.object_id`

const notificationFrom = notificationJoins + ` JOIN programs p ON p.id = n.program_id`

func scanNotification(row scanner) (Notification, error) {
	var n Notification
	var read sql.Null[time.Time]
	err := row.Scan(&n.ID, &n.Kind, &n.ObjectType, &n.ObjectID, &n.ProgramID, &n.CaseCode, &n.ProgramName, &n.CreatedAt, &read)
	n.CreatedAt, n.ReadAt = n.CreatedAt.UTC(), nullTime(read)
	if n.ObjectType != NotifyOnCase && n.ObjectType != NotifyOnReferral {
		n.CaseCode = ""
	}
	return n, err
}

// inboxQuery is the query of a page of the reader's inbox (after the id
// afterID when not 0, limit rows) and, without the cursor and the limit,
// of its count.
func inboxQuery(sc NotificationScope, unread bool, afterID int64, limit int) (query string, args []any, count string, countArgs []any) {
	args = []any{sc.UserID}
	var vis string
	vis, args = sc.visible(args)
	where := "n.user_id = $1 AND " + vis
	if unread {
		where += " AND n.read_at IS NULL"
	}
	count, countArgs = `SELECT count(*) FROM `+notificationJoins+` WHERE `+where, slices.Clone(args)
	if afterID != 0 {
		args = append(args, afterID)
		where += " AND n.id < $" + itoa(len(args))
	}
	args = append(args, limit)
	query = `SELECT ` + notificationColumns + ` FROM ` + notificationFrom + ` WHERE ` + where + ` ORDER BY n.id DESC LIMIT $` + itoa(len(args))
	return query, args, count, countArgs
}

// Notifications returns a page of the reader's inbox, newest first: only
// notifications whose record the reader may still see; unread only when
// unread is true.
func (s *Store) Notifications(ctx context.Context, sc NotificationScope, unread bool, p Page) ([]Notification, string, error) {
	k, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := p.limit()
	query, args, count, countArgs := inboxQuery(sc, unread, k.ID, limit+1)
	if p.Total != nil {
		if err := s.read.QueryRowContext(ctx, count, countArgs...).Scan(p.Total); err != nil {
			return nil, "", s.wrap(err, "count notifications")
		}
	}
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", s.wrap(err, "list notifications")
	}
	defer rows.Close()
	out := []Notification{}
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, "", s.wrap(err, "scan notification")
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.wrap(err, "list notifications")
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeCursor(cursorKey{ID: out[limit-1].ID})
	}
	return out, next, nil
}

// UnreadNotifications counts the reader's unread notifications whose
// record they may still see: the bell's number (one indexed count).
func (s *Store) UnreadNotifications(ctx context.Context, sc NotificationScope) (int, error) {
	_, _, count, args := inboxQuery(sc, true, 0, 0)
	var n int
	err := s.read.QueryRowContext(ctx, count, args...).Scan(&n)
	return n, s.wrap(err, "count unread notifications")
}

// OpenNotification marks one of the reader's notifications read and
// returns it, when its record is still theirs (errs.NotFound otherwise).
func (s *Store) OpenNotification(ctx context.Context, sc NotificationScope, id int64) (Notification, error) {
	args := []any{sc.UserID, id}
	var vis string
	vis, args = sc.visible(args)
	n, err := scanNotification(s.read.QueryRowContext(ctx, `SELECT `+notificationColumns+` FROM `+notificationFrom+
		` WHERE n.user_id = $1 AND n.id = $2 AND `+vis, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return n, errs.NotFound("notification")
	}
	if err != nil {
		return n, s.wrap(err, "read notification")
	}
	if n.ReadAt == nil {
		if _, err := s.MarkNotificationsRead(ctx, sc.UserID, []int64{id}); err != nil {
			return n, err
		}
		now := s.now()
		n.ReadAt = &now
	}
	return n, nil
}

// MaxMarkRead bounds the ids of one mark-read.
const MaxMarkRead = 500

// MarkNotificationsRead marks the user's notifications read: those of ids,
// or every unread one when ids is nil. It returns how many it marked.
func (s *Store) MarkNotificationsRead(ctx context.Context, userID int64, ids []int64) (int, error) {
	if ids != nil && (len(ids) == 0 || len(ids) > MaxMarkRead) {
		return 0, errs.Invalid(map[string]string{"ids": "validation.notification_ids"})
	}
	var marked int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		args := []any{s.ts(s.now()), userID}
		q := `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`
		if ids != nil {
			q += " AND id IN (" + placeholders(3, len(ids)) + ")"
			for _, id := range ids {
				args = append(args, id)
			}
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return s.wrap(err, "mark notifications read")
		}
		k, err := res.RowsAffected()
		if err != nil {
			return s.wrap(err, "mark notifications read")
		}
		marked = int(k)
		if marked == 0 {
			return nil
		}
		return s.appendAudit(ctx, tx, "notification.read", "user", userID, audit.OK)
	})
	return marked, err
}

// The steps before a release date at which a custody case's coordinators
// and mentor are told, in days.
var releaseSteps = []int{1, 7, 30}

// CheckExpiryAhead is how long before a mentor's check expires the
// program's coordinators are told.
const CheckExpiryAhead = 30 * 24 * time.Hour

// WriteDueNotifications writes the notifications of what is due on the
// store's clock: contacts overdue (the mentor; the coordinators' daily
// digest per program), quiet cases (the mentor), follow-ups due (the
// coordinators), mentors' checks expiring within 30 days (the
// coordinators) and release dates 30, 7 and 1 day ahead (the coordinators
// and the mentor). Each is keyed by its record and due date, or the day
// for the digest, so that running it twice, or every day, writes each once.
// It returns how many it wrote.
func (s *Store) WriteDueNotifications(ctx context.Context) (int, error) {
	now := s.now().UTC()
	today := now.Truncate(24 * time.Hour)
	day := today.Format("2006-01-02")
	var notes []note
	coordinators := map[int64][]int64{}
	coord := func(programID int64) ([]int64, error) {
		if c, ok := coordinators[programID]; ok {
			return c, nil
		}
		c, err := s.coordinatorsTx(ctx, s.read, programID)
		coordinators[programID] = c
		return c, err
	}
	type row struct {
		id, programID, userID int64
		at                    time.Time
	}
	read := func(query string, args ...any) ([]row, error) {
		rows, err := s.read.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, s.wrap(err, "read what is due")
		}
		defer rows.Close()
		var out []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.programID, &r.userID, &r.at); err != nil {
				return nil, s.wrap(err, "read what is due")
			}
			r.at = r.at.UTC()
			out = append(out, r)
		}
		return out, s.wrap(rows.Err(), "read what is due")
	}
	stamp := func(t time.Time) string { return t.UTC().Format("2006-01-02t1504") }

	// Contacts overdue: the mentor once per due date, the coordinators a
	// digest per program and day.
	overdue, err := read(`SELECT c.id, c.program_id, COALESCE(c.mentor_id, 0), c.contact_due_at FROM cases c
		WHERE c.state IN `+openStates+` AND c.contact_due_at < $1 ORDER BY c.id`, s.ts(now))
	if err != nil {
		return 0, err
	}
	digest := map[int64]bool{}
	for _, r := range overdue {
		notes = append(notes, notifyEach([]int64{r.userID}, 0, NotifyContactOverdue, NotifyOnCase, r.id, r.programID,
			"contact_overdue:case:"+idKey(r.id)+":"+stamp(r.at))...)
		if !digest[r.programID] {
			digest[r.programID] = true
			to, err := coord(r.programID)
			if err != nil {
				return 0, err
			}
			notes = append(notes, notifyEach(to, 0, NotifyOverdueDigest, NotifyOnProgram, r.programID, r.programID,
				"overdue_digest:program:"+idKey(r.programID)+":"+day)...)
		}
	}
	// Quiet cases: the mentor, once per quiet period.
	quiet, err := read(`SELECT c.id, c.program_id, COALESCE(c.mentor_id, 0), c.quiet_at FROM cases c
		WHERE c.state = 'active' AND c.quiet_at <= $1 ORDER BY c.id`, s.ts(now))
	if err != nil {
		return 0, err
	}
	for _, r := range quiet {
		notes = append(notes, notifyEach([]int64{r.userID}, 0, NotifyQuietCase, NotifyOnCase, r.id, r.programID,
			"quiet_case:case:"+idKey(r.id)+":"+stamp(r.at))...)
	}
	// Follow-ups due: the coordinators, once per follow-up.
	follow, err := read(`SELECT f.id, c.program_id, c.id, f.due_on FROM follow_ups f JOIN cases c ON c.id = f.case_id
		WHERE f.done_at IS NULL AND f.due_on <= $1 ORDER BY f.id`, s.ts(now))
	if err != nil {
		return 0, err
	}
	for _, r := range follow {
		to, err := coord(r.programID)
		if err != nil {
			return 0, err
		}
		notes = append(notes, notifyEach(to, 0, NotifyFollowUpDue, NotifyOnCase, r.userID, r.programID,
			"follow_up_due:follow_up:"+idKey(r.id))...)
	}
	// Mentors' checks expiring within 30 days (the newest of each kind):
	// the coordinators, once per check.
	checks, err := read(`SELECT k.id, m.program_id, m.id, k.expires_on FROM mentor_checks k JOIN mentors m ON m.id = k.mentor_id
		WHERE k.expires_on >= $1 AND k.expires_on <= $2 AND m.user_id IS NOT NULL AND m.retired_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM mentor_checks k2 WHERE k2.mentor_id = k.mentor_id AND k2.kind = k.kind
			AND (k2.done_on > k.done_on OR (k2.done_on = k.done_on AND k2.id > k.id)))
		ORDER BY k.id`, s.ts(today), s.ts(today.Add(CheckExpiryAhead)))
	if err != nil {
		return 0, err
	}
	for _, r := range checks {
		to, err := coord(r.programID)
		if err != nil {
			return 0, err
		}
		notes = append(notes, notifyEach(to, 0, NotifyCheckExpiring, NotifyOnMentor, r.userID, r.programID,
			"check_expiring:mentor_check:"+idKey(r.id))...)
	}
	// Release dates ahead in custody: the coordinators and the mentor at
	// the nearest step (30, 7, 1 day) the date is within, once per step
	// and date (a moved date is told again).
	release, err := read(`SELECT c.id, c.program_id, COALESCE(c.mentor_id, 0), c.expected_release FROM cases c
		WHERE c.custody_phase = 'in_custody' AND c.state <> 'closed' AND c.expected_release >= $1 AND c.expected_release <= $2
		ORDER BY c.id`, s.ts(today), s.ts(today.Add(time.Duration(releaseSteps[len(releaseSteps)-1])*24*time.Hour)))
	if err != nil {
		return 0, err
	}
	for _, r := range release {
		days := int(r.at.Truncate(24*time.Hour).Sub(today) / (24 * time.Hour))
		i := slices.IndexFunc(releaseSteps, func(step int) bool { return days <= step })
		if i < 0 {
			continue
		}
		to, err := coord(r.programID)
		if err != nil {
			return 0, err
		}
		notes = append(notes, notifyEach(append(slices.Clone(to), r.userID), 0, NotifyReleaseAhead, NotifyOnCase, r.id, r.programID,
			"release_ahead:case:"+idKey(r.id)+":"+r.at.Format("2006-01-02")+":"+itoa(releaseSteps[i]))...)
	}
	if len(notes) == 0 {
		return 0, nil
	}
	var written int
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		written, err = s.notifyTx(ctx, tx, notes)
		return err
	})
	return written, err
}

// idKey is an id in a notification's key.
func idKey(id int64) string { return strconv.FormatInt(id, 10) }
