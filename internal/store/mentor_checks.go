package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/errs"
	"homeward/internal/mentors"
	"homeward/internal/zone"
)

// dateOnly is a time as a day at 00:00 UTC.
func dateOnly(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// RecordCheck records a check of a mentor, done on a day (and valid until
// another, or for good); the newest check of a kind is the one that counts.
func (s *Store) RecordCheck(ctx context.Context, c mentors.Check, actorID int64) (mentors.Check, error) {
	c.DoneOn = dateOnly(c.DoneOn)
	if c.ExpiresOn != nil {
		e := dateOnly(*c.ExpiresOn)
		c.ExpiresOn = &e
	}
	if err := c.Validate(zone.TodayIn(ctx, s.now())); err != nil {
		return c, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		row, err := s.lockMentor(ctx, tx, c.MentorID, 0)
		if err != nil {
			return err
		}
		if row.Stage == mentors.StageRejected || row.Stage == mentors.StageRetired {
			return errs.Conflict("Checks are recorded for mentors in screening or accepted.", map[string]string{"kind": "mentor.refused.check_stage"})
		}
		now := s.now()
		c.RecordedBy, c.RecordedAt = actorID, now
		if err := tx.QueryRowContext(ctx, `INSERT INTO mentor_checks (mentor_id, kind, result, done_on, expires_on,
			recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			c.MentorID, c.Kind, string(c.Result), s.ts(c.DoneOn), s.nullTS(c.ExpiresOn), nullID(actorID), s.ts(now)).Scan(&c.ID); err != nil {
			return s.wrap(err, "insert check")
		}
		if err := s.touchMentor(ctx, tx, c.MentorID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "mentor.check", "mentor", c.MentorID, audit.OK)
	})
	return c, err
}

// MentorChecks returns every check of a mentor, newest first.
func (s *Store) MentorChecks(ctx context.Context, mentorID int64) ([]mentors.Check, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT c.id, c.mentor_id, c.kind, c.result, c.done_on, c.expires_on,
		COALESCE(c.recorded_by, 0), COALESCE(NULLIF(u.name, ''), u.email, ''), c.recorded_at
		FROM mentor_checks c LEFT JOIN users u ON u.id = c.recorded_by WHERE c.mentor_id = $1
		ORDER BY c.done_on DESC, c.id DESC`, mentorID)
	if err != nil {
		return nil, s.wrap(err, "list checks")
	}
	defer rows.Close()
	out := []mentors.Check{}
	for rows.Next() {
		c, err := scanCheck(rows)
		if err != nil {
			return nil, s.wrap(err, "scan check")
		}
		out = append(out, c)
	}
	return out, s.wrap(rows.Err(), "list checks")
}

// AddMentorNote adds an interview or screening note, sealed under the
// mentor's data key.
func (s *Store) AddMentorNote(ctx context.Context, mentorID int64, body string, actorID int64) (mentors.Note, error) {
	body = strings.TrimSpace(body)
	n := mentors.Note{MentorID: mentorID, Body: body, AuthorID: actorID}
	if err := mentors.CheckNote(body); err != nil {
		return n, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		row, err := s.lockMentor(ctx, tx, mentorID, 0)
		if err != nil {
			return err
		}
		key, err := s.openKey(row.keyID, row.kekID, row.sealedKey)
		if err != nil {
			return err
		}
		n.CreatedAt = s.now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO mentor_notes (mentor_id, body_sealed, author_id, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, mentorID, []byte{}, nullID(actorID), s.ts(n.CreatedAt)).Scan(&n.ID); err != nil {
			return s.wrap(err, "insert mentor note")
		}
		sealed, err := s.sealField(key, "mentor_notes", "body_sealed", n.ID, body)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mentor_notes SET body_sealed = $1 WHERE id = $2`, sealed, n.ID); err != nil {
			return s.wrap(err, "seal mentor note")
		}
		if err := s.touchMentor(ctx, tx, mentorID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "mentor.note_create", "mentor", mentorID, audit.OK)
	})
	return n, err
}

// MentorNotes opens a mentor's notes, newest first, and audits the read.
func (s *Store) MentorNotes(ctx context.Context, mentorID int64) ([]mentors.Note, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT n.id, n.body_sealed, COALESCE(n.author_id, 0),
		COALESCE(NULLIF(u.name, ''), u.email, ''), n.created_at, m.data_key_id, COALESCE(dk.kek_id, ''), dk.sealed_key
		FROM mentor_notes n JOIN mentors m ON m.id = n.mentor_id LEFT JOIN data_keys dk ON dk.id = m.data_key_id
		LEFT JOIN users u ON u.id = n.author_id WHERE n.mentor_id = $1 ORDER BY n.id DESC`, mentorID)
	if err != nil {
		return nil, s.wrap(err, "list mentor notes")
	}
	defer rows.Close()
	out := []mentors.Note{}
	var key []byte
	for rows.Next() {
		n := mentors.Note{MentorID: mentorID}
		var sealed, sealedKey []byte
		var keyID int64
		var kekID string
		if err := rows.Scan(&n.ID, &sealed, &n.AuthorID, &n.AuthorName, &n.CreatedAt, &keyID, &kekID, &sealedKey); err != nil {
			return nil, s.wrap(err, "scan mentor note")
		}
		if key == nil {
			if key, err = s.openKey(keyID, kekID, sealedKey); err != nil {
				return nil, err
			}
		}
		if n.Body, err = s.openField(key, sealed, "mentor_notes", "body_sealed", n.ID); err != nil {
			return nil, err
		}
		n.CreatedAt = n.CreatedAt.UTC()
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list mentor notes")
	}
	if len(out) > 0 {
		if err := s.Audit(ctx, "mentor.notes_read", "mentor", mentorID, audit.OK); err != nil {
			return nil, err
		}
	}
	return out, nil
}
