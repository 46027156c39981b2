package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"homeward/internal/audit"
	"homeward/internal/cases"
	"homeward/internal/errs"
)

// ErasureFilter limits the list of erasure requests: to the programs in
// ProgramIDs unless All (the admin), and to one status ("" is pending).
type ErasureFilter struct {
	ProgramIDs []int64
	All        bool
	Status     cases.ErasureStatus
}

const erasureColumns = `e.id, e.case_id, e.mentee_id, e.program_id, c.case_code, e.reason, e.status,
	COALESCE(e.asked_by, 0), e.asked_at, COALESCE(e.decided_by, 0), e.decided_at, e.version`

func scanErasure(r scanner) (cases.ErasureRequest, error) {
	var e cases.ErasureRequest
	var decided sql.Null[time.Time]
	err := r.Scan(&e.ID, &e.CaseID, &e.MenteeID, &e.ProgramID, &e.CaseCode, &e.Reason, &e.Status,
		&e.AskedBy, &e.AskedAt, &e.DecidedBy, &decided, &e.Version)
	e.AskedAt = e.AskedAt.UTC()
	e.DecidedAt = nullTime(decided)
	return e, err
}

// AskErasure records a coordinator's request to erase the mentee of a case.
// The person must not be erased already, and no other request of theirs
// may be waiting.
func (s *Store) AskErasure(ctx context.Context, caseID int64, reason cases.ErasureReason, askedBy int64) (cases.ErasureRequest, error) {
	if err := cases.CheckErasureReason(reason); err != nil {
		return cases.ErasureRequest{}, err
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if err := s.notErased(ctx, tx, ct.MenteeID); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO erasure_requests (case_id, mentee_id, program_id, reason, status, asked_by, asked_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, ct.ID, ct.MenteeID, ct.ProgramID, string(reason),
			string(cases.ErasurePending), nullID(askedBy), s.ts(s.now())).Scan(&id)
		if isUniqueViolation(err) {
			return errs.Conflict("An erasure of this person is already waiting for a decision.", nil)
		}
		if err != nil {
			return s.wrap(err, "insert erasure request")
		}
		return s.appendAudit(ctx, tx, "erasure.ask", "erasure_request", id, audit.OK)
	})
	if err != nil {
		return cases.ErasureRequest{}, err
	}
	return s.GetErasureRequest(ctx, id)
}

// notErased refuses a mentee whose data was erased.
func (s *Store) notErased(ctx context.Context, q queryer, menteeID int64) error {
	var erased sql.Null[time.Time]
	if err := q.QueryRowContext(ctx, `SELECT erased_at FROM mentees WHERE id = $1`, menteeID).Scan(&erased); err != nil {
		return s.wrap(err, "read mentee")
	}
	if erased.Valid {
		return errShredded()
	}
	return nil
}

// GetErasureRequest returns one erasure request.
func (s *Store) GetErasureRequest(ctx context.Context, id int64) (cases.ErasureRequest, error) {
	e, err := scanErasure(s.read.QueryRowContext(ctx, `SELECT `+erasureColumns+`
		FROM erasure_requests e JOIN cases c ON c.id = e.case_id WHERE e.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, errs.NotFound("erasure request")
	}
	return e, s.wrap(err, "read erasure request")
}

// LatestErasure returns the newest erasure request of a mentee, nil
// without one.
func (s *Store) LatestErasure(ctx context.Context, menteeID int64) (*cases.ErasureRequest, error) {
	e, err := scanErasure(s.read.QueryRowContext(ctx, `SELECT `+erasureColumns+`
		FROM erasure_requests e JOIN cases c ON c.id = e.case_id WHERE e.mentee_id = $1 ORDER BY e.id DESC LIMIT 1`, menteeID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.wrap(err, "read erasure request")
	}
	return &e, nil
}

// ErasureRequests lists the erasure requests of a status in the filter's
// programs, oldest first, a page at a time.
func (s *Store) ErasureRequests(ctx context.Context, f ErasureFilter, p Page) ([]cases.ErasureRequest, string, error) {
	if !f.All && len(f.ProgramIDs) == 0 {
		return nil, "", nil
	}
	status := f.Status
	if status == "" {
		status = cases.ErasurePending
	}
	k, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	args := []any{string(status)}
	where := `e.status = $1`
	if !f.All {
		where += ` AND e.program_id IN (` + placeholders(len(args)+1, len(f.ProgramIDs)) + `)`
		for _, id := range f.ProgramIDs {
			args = append(args, id)
		}
	}
	if k.ID > 0 {
		at, err := time.Parse(time.RFC3339Nano, k.S)
		if err != nil {
			return nil, "", errs.Invalid(map[string]string{"cursor": "validation.cursor"})
		}
		args = append(args, s.ts(at), k.ID)
		where += ` AND (e.asked_at > $` + itoa(len(args)-1) + ` OR (e.asked_at = $` + itoa(len(args)-1) + ` AND e.id > $` + itoa(len(args)) + `))`
	}
	limit := p.limit()
	rows, err := s.read.QueryContext(ctx, `SELECT `+erasureColumns+` FROM erasure_requests e JOIN cases c ON c.id = e.case_id
		WHERE `+where+` ORDER BY e.asked_at, e.id LIMIT `+itoa(limit+1), args...)
	if err != nil {
		return nil, "", s.wrap(err, "list erasure requests")
	}
	defer rows.Close()
	var out []cases.ErasureRequest
	for rows.Next() {
		e, err := scanErasure(rows)
		if err != nil {
			return nil, "", s.wrap(err, "read erasure request")
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.wrap(err, "list erasure requests")
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = encodeCursor(cursorKey{S: last.AskedAt.Format(time.RFC3339Nano), ID: last.ID})
	}
	return out, next, nil
}

// lockErasure reads a waiting request inside tx, locked, and applies the
// two-person rule for deciderID.
func (s *Store) lockErasure(ctx context.Context, tx *sql.Tx, id, deciderID int64) (cases.ErasureRequest, error) {
	e, err := scanErasure(tx.QueryRowContext(ctx, `SELECT `+erasureColumns+`
		FROM erasure_requests e JOIN cases c ON c.id = e.case_id WHERE e.id = $1`+s.forUpdate(" OF e"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, errs.NotFound("erasure request")
	}
	if err != nil {
		return e, s.wrap(err, "read erasure request")
	}
	return e, cases.CheckErasureDecider(e, deciderID)
}

// RefuseErasure refuses a waiting request: the person's data stays.
func (s *Store) RefuseErasure(ctx context.Context, id, deciderID int64) (cases.ErasureRequest, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockErasure(ctx, tx, id, deciderID); err != nil {
			return err
		}
		if err := s.decideErasure(ctx, tx, id, cases.ErasureRefused, deciderID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "erasure.refuse", "erasure_request", id, audit.OK)
	})
	if err != nil {
		return cases.ErasureRequest{}, err
	}
	return s.GetErasureRequest(ctx, id)
}

// ApproveErasure approves a waiting request and erases the person in the
// same transaction (eraseMenteeTx).
func (s *Store) ApproveErasure(ctx context.Context, id, deciderID int64) (cases.ErasureRequest, error) {
	defer s.usersChanged()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		e, err := s.lockErasure(ctx, tx, id, deciderID)
		if err != nil {
			return err
		}
		return s.doErasureTx(ctx, tx, id, e.MenteeID, deciderID, "erasure.approve")
	})
	return s.erased(ctx, id, err)
}

// doErasureTx marks the request id done by by, audits it as action and
// erases the person inside tx.
func (s *Store) doErasureTx(ctx context.Context, tx *sql.Tx, id, menteeID, by int64, action string) error {
	if err := s.decideErasure(ctx, tx, id, cases.ErasureDone, by); err != nil {
		return err
	}
	if err := s.appendAudit(ctx, tx, action, "erasure_request", id, audit.OK); err != nil {
		return err
	}
	return s.eraseMenteeTx(ctx, tx, menteeID, by)
}

// erased follows an erasure's transaction (err its outcome): the log is
// emptied of the erased rows and the request read back.
func (s *Store) erased(ctx context.Context, id int64, err error) (cases.ErasureRequest, error) {
	if err != nil {
		return cases.ErasureRequest{}, err
	}
	s.afterErasure(ctx)
	return s.GetErasureRequest(ctx, id)
}

// EraseDirectly is the admin's erasure from the command line: asked and
// approved by the admin adminID in one step (its audit entry says so),
// erasing the mentee of the case at once; a request of theirs that waits is
// closed by it.
func (s *Store) EraseDirectly(ctx context.Context, caseID int64, reason cases.ErasureReason, adminID int64) (cases.ErasureRequest, error) {
	defer s.usersChanged()
	if err := cases.CheckErasureReason(reason); err != nil {
		return cases.ErasureRequest{}, err
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if err := s.notErased(ctx, tx, ct.MenteeID); err != nil {
			return err
		}
		now := s.ts(s.now())
		// The request that waits, if any, is the one this decides.
		err = tx.QueryRowContext(ctx, `SELECT id FROM erasure_requests WHERE mentee_id = $1 AND status = $2`,
			ct.MenteeID, string(cases.ErasurePending)).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if err := tx.QueryRowContext(ctx, `INSERT INTO erasure_requests (case_id, mentee_id, program_id, reason, status, asked_by, asked_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, ct.ID, ct.MenteeID, ct.ProgramID, string(reason),
				string(cases.ErasurePending), nullID(adminID), now).Scan(&id); err != nil {
				return s.wrap(err, "insert erasure request")
			}
		case err != nil:
			return s.wrap(err, "read erasure request")
		}
		return s.doErasureTx(ctx, tx, id, ct.MenteeID, adminID, "erasure.direct")
	})
	return s.erased(ctx, id, err)
}

func (s *Store) decideErasure(ctx context.Context, tx *sql.Tx, id int64, status cases.ErasureStatus, deciderID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE erasure_requests SET status = $1, decided_by = $2, decided_at = $3, version = version + 1
		WHERE id = $4`, string(status), nullID(deciderID), s.ts(s.now()), id)
	return s.wrap(err, "decide erasure request")
}

// The columns that may name the mentee's portal account as who recorded
// something, each with the rows of the person's it can be on (a portal
// account acts on its own person's cases only; the query is served by the
// tables' case indexes): they are emptied before the account is deleted. A
// reference anywhere else would refuse the deletion, and so the erasure.
var portalUserColumns = [][3]string{
	{"requests", "recorded_by", onCases}, {"feedback", "recorded_by", onCases}, {"closings", "agreed_by", onCases},
	{"closings", "readiness_asked_by", onCases}, {"closings", "final_meeting_by", onCases}, {"contacts", "recorded_by", onCases},
	{"outcomes", "recorded_by", onCases}, {"follow_ups", "recorded_by", onCases}, {"notes", "author_id", onCases},
	{"needs", "assessed_by", onCases}, {"case_transitions", "actor_id", onCases}, {"matches", "assigned_by", onCases},
	{"referrals", "consent_by", onCases}, {"referrals", "created_by", onCases}, {"referral_events", "by_user", onReferrals},
	{"mentees", "shared_by", `id = $2`}, {"erasure_requests", "asked_by", `mentee_id = $2`}, {"erasure_requests", "decided_by", `mentee_id = $2`},
}

// onCases and onReferrals limit a statement to the rows of one person's
// cases (the person's id is $2).
const (
	onCases     = `case_id IN (SELECT id FROM cases WHERE mentee_id = $2)`
	onReferrals = `referral_id IN (SELECT r.id FROM referrals r JOIN cases c ON c.id = r.case_id WHERE c.mentee_id = $2)`
)

// The sealed columns of the records on the person's cases: unreadable once
// the key is destroyed, and emptied too.
var caseSealedColumns = [][2]string{
	{"contacts", "summary_sealed"}, {"requests", "text_sealed"}, {"requests", "resolution_sealed"},
	{"feedback", "text_sealed"}, {"follow_ups", "note_sealed"}, {"referrals", "consent_note_sealed"},
	{"plan_steps", "title_sealed"}, {"outcomes", "note_sealed"}, {"case_transitions", "reason_sealed"},
	{"matches", "end_reason_sealed"},
}

// eraseMenteeTx erases a person inside tx: their open referrals are
// withdrawn and the partners' shared copies erased; their data key is
// destroyed (crypto-shredding: every sealed field is unreadable from now
// on), the hashes of their name's words removed, every readable field of
// theirs blanked and their case codes replaced by ERASED_<id>; their
// consents and their portal account (with its sessions, factors, tokens
// and notifications) are deleted. The case rows and the dated rows on them
// (transitions, matches, needs, contacts, requests, outcomes, follow-ups,
// referrals) stay, emptied of text, so that reports count the same.
func (s *Store) eraseMenteeTx(ctx context.Context, tx *sql.Tx, menteeID, by int64) error {
	var keyID, userID int64
	if err := tx.QueryRowContext(ctx, `SELECT data_key_id, COALESCE(user_id, 0) FROM mentees WHERE id = $1`+s.forUpdate(""),
		menteeID).Scan(&keyID, &userID); err != nil {
		return s.wrap(err, "read mentee")
	}
	// Withdraws the open referrals and erases the shared copies (it locks the cases).
	if err := s.withdrawSharingTx(ctx, tx, menteeID, by); err != nil {
		return err
	}
	now := s.ts(s.now())
	exec := func(what, q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return s.wrap(err, what)
	}
	if err := exec("destroy data key", `UPDATE data_keys SET sealed_key = NULL, destroyed_at = $1 WHERE id = $2 AND destroyed_at IS NULL`, now, keyID); err != nil {
		return err
	}
	for _, table := range []string{"mentee_name_words", "mentee_name_prefixes", "consents"} {
		if err := exec("erase "+table, `DELETE FROM `+table+` WHERE mentee_id = $1`, menteeID); err != nil {
			return err
		}
	}
	whereCases := ` WHERE case_id IN (SELECT id FROM cases WHERE mentee_id = $1)`
	for _, c := range caseSealedColumns {
		if err := exec("erase "+c[0], `UPDATE `+c[0]+` SET `+c[1]+` = NULL`+whereCases, menteeID); err != nil {
			return err
		}
	}
	// Free text typed about the person that a version before migration 0030
	// kept readable (the store seals it at its first start since).
	for _, q := range []string{
		`UPDATE plan_steps SET title = ''` + whereCases,
		`UPDATE outcomes SET note = ''` + whereCases,
		`UPDATE case_transitions SET reason = ''` + whereCases,
		`UPDATE matches SET end_reason = ''` + whereCases,
		`UPDATE referral_events SET message_sealed = NULL WHERE referral_id IN (SELECT r.id FROM referrals r JOIN cases c ON c.id = r.case_id WHERE c.mentee_id = $1)`,
	} {
		if err := exec("erase case texts", q, menteeID); err != nil {
			return err
		}
	}
	if err := exec("erase notes", `UPDATE notes SET body_sealed = $2`+whereCases, menteeID, []byte{}); err != nil {
		return err
	}
	if err := exec("erase cases", `UPDATE cases SET case_code = 'ERASED_' || CAST(id AS TEXT), facility_sealed = NULL,
		release_plan_sealed = NULL, match_profile_sealed = NULL, updated_at = $2, version = version + 1 WHERE mentee_id = $1`, menteeID, now); err != nil {
		return err
	}
	if err := exec("erase mentee", `UPDATE mentees SET case_code = $2, full_name_sealed = $3, birth_year = 0, gender = '',
		languages = '[]', country = '', city = '', family = '', children = 0, occupation = '', contact_channels_sealed = NULL,
		profile_sealed = NULL, contact_times = '', referral_source = '', user_id = NULL, persecution_sealed = NULL, arrests_sealed = NULL,
		sentence_sealed = NULL, criminal_record_sealed = NULL, health_sealed = NULL, shared_parts = '[]', shared_by = NULL,
		shared_at = NULL, erased_at = $4, updated_at = $4, version = version + 1, history_version = history_version + 1
		WHERE id = $1`, menteeID, cases.ErasedCode(menteeID), []byte{}, now); err != nil {
		return err
	}
	if userID != 0 {
		if err := s.deletePortalUserTx(ctx, tx, userID, menteeID); err != nil {
			return err
		}
	}
	return s.appendAudit(ctx, tx, "mentee.erase", "mentee", menteeID, audit.OK)
}

// deletePortalUserTx deletes a mentee's portal account: what it recorded
// keeps no pointer to it, its failed sign-ins (kept by e-mail address) go,
// and its own data key (its second factor's secret) is destroyed.
func (s *Store) deletePortalUserTx(ctx context.Context, tx *sql.Tx, userID, menteeID int64) error {
	var emailKey string
	var keyID sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT email_key, data_key_id FROM users WHERE id = $1`, userID).Scan(&emailKey, &keyID); err != nil {
		return s.wrap(err, "read portal account")
	}
	for _, c := range portalUserColumns {
		if _, err := tx.ExecContext(ctx, `UPDATE `+c[0]+` SET `+c[1]+` = NULL WHERE `+c[1]+` = $1 AND `+c[2], userID, menteeID); err != nil {
			return s.wrap(err, "forget portal account in "+c[0])
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, throttleKey("account:"+emailKey)); err != nil {
		return s.wrap(err, "forget failed sign-ins")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, userID); err != nil {
		return s.wrap(err, "delete portal account")
	}
	if keyID.Valid {
		if _, err := tx.ExecContext(ctx, `UPDATE data_keys SET sealed_key = NULL, destroyed_at = $1 WHERE id = $2 AND destroyed_at IS NULL`,
			s.ts(s.now()), keyID.Int64); err != nil {
			return s.wrap(err, "destroy the account's data key")
		}
	}
	return s.appendAudit(ctx, tx, "user.erase", "user", userID, audit.OK)
}

// afterErasure empties SQLite's write-ahead log into the database file and
// truncates it, so that the log keeps no older copy of the erased rows
// (with secure_delete on, the file's freed space is zeroed too). A busy
// reader may keep the log for now; the next checkpoint empties it.
func (s *Store) afterErasure(ctx context.Context) {
	if s.engine != SQLite {
		return
	}
	_, _ = s.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
}

// MenteeErased tells whether the mentee's data was erased.
func (s *Store) MenteeErased(ctx context.Context, menteeID int64) (bool, error) {
	err := s.notErased(ctx, s.read, menteeID)
	if err != nil && errs.As(err).Code == "erased" {
		return true, nil
	}
	return false, err
}
