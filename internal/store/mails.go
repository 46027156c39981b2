package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"homeward/internal/audit"
)

// What an e-mail is for (mails.purpose).
const (
	MailNotification = "notification" // one notification, at once
	MailDigest       = "digest"       // the daily digest
	MailInvitation   = "invitation"   // an invitation link
	MailReset        = "reset"        // a password-reset link
)

// Mail states: sent, or refused for good by the mail server.
const (
	MailSent    = "sent"
	MailBounced = "bounced"
)

// Mail is a record of one e-mail: whom it went to, what for, and how it
// ended; never its address, subject or body. Email is the recipient's
// address for the admin's page, and only when they are staff (a mentee's
// address is never shown).
type Mail struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Purpose   string    `json:"purpose"`
	State     string    `json:"state"`
	Error     string    `json:"error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Email     string    `json:"-"`
}

// MailDone reports whether the e-mail of a key has been sent already: a
// mail job done twice then sends once. (One refused for good is sent again
// when the admin retries its job.)
func (s *Store) MailDone(ctx context.Context, key string) (bool, error) {
	var one int
	err := s.read.QueryRowContext(ctx, `SELECT 1 FROM mails WHERE unique_key = $1 AND state = 'sent'`, key).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, s.wrap(err, "read mail")
}

// RecordMail records an e-mail sent (state MailSent) or refused for good
// (MailBounced, with the SMTP code as errCode), once per key: a later
// outcome of the same key (a retried bounce) replaces the earlier.
func (s *Store) RecordMail(ctx context.Context, userID int64, purpose, key, state, errCode string) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO mails (user_id, purpose, unique_key, state, error, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (unique_key) DO UPDATE SET state = excluded.state, error = excluded.error, created_at = excluded.created_at`,
		userID, purpose, key, state, mailErrorCode(errCode), s.ts(s.now()))
	return s.wrap(err, "record mail")
}

// Mails lists the e-mails of a state, newest first, at most limit: the
// admin's view of what was sent and refused.
func (s *Store) Mails(ctx context.Context, state string, limit int) ([]Mail, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT m.id, m.user_id, m.purpose, m.state, m.error, m.created_at,
		CASE WHEN u.role = 'mentee' THEN '' ELSE u.email END
		FROM mails m JOIN users u ON u.id = m.user_id WHERE m.state = $1 ORDER BY m.id DESC LIMIT $2`, state, limit)
	if err != nil {
		return nil, s.wrap(err, "list mails")
	}
	defer rows.Close()
	var out []Mail
	for rows.Next() {
		var m Mail
		if err := rows.Scan(&m.ID, &m.UserID, &m.Purpose, &m.State, &m.Error, &m.CreatedAt, &m.Email); err != nil {
			return nil, s.wrap(err, "list mails")
		}
		m.CreatedAt = m.CreatedAt.UTC()
		out = append(out, m)
	}
	return out, s.wrap(rows.Err(), "list mails")
}

// CountMails counts the e-mails by state.
func (s *Store) CountMails(ctx context.Context) (map[string]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT state, count(*) FROM mails GROUP BY state`)
	if err != nil {
		return nil, s.wrap(err, "count mails")
	}
	defer rows.Close()
	out := map[string]int{MailSent: 0, MailBounced: 0}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, s.wrap(err, "count mails")
		}
		out[state] = n
	}
	return out, s.wrap(rows.Err(), "count mails")
}

// RecordLinkMail records a one-time link the admin sent to a user by
// e-mail (state MailSent) or that the server refused for good
// (MailBounced, errCode its SMTP code), with an audit entry. The link
// itself is never stored.
func (s *Store) RecordLinkMail(ctx context.Context, userID int64, purpose, state, errCode string) error {
	now := s.now()
	key := "link:" + purpose + ":" + strconv.FormatInt(userID, 10) + ":" + strconv.FormatInt(now.UnixNano(), 10)
	outcome := audit.OK
	if state != MailSent {
		outcome = audit.Failed
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mails (user_id, purpose, unique_key, state, error, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, userID, purpose, key, state, mailErrorCode(errCode), s.ts(now)); err != nil {
			return s.wrap(err, "record mail")
		}
		return s.appendAudit(ctx, tx, "user.link_mail", "user", userID, outcome)
	})
}

// mailErrorCode is what a mail's error column keeps: nothing, or a short code.
func mailErrorCode(code string) string {
	if code == "" {
		return ""
	}
	return JobErrorCode(code)
}
