package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/partners"
)

// ReferralRef is what the policy needs to know of a referral: its case's
// program and team, the organisation it goes to, where it stands and how
// it travels.
type ReferralRef struct {
	ID, CaseID, ProgramID, MentorID, PsychologistID, PartnerID int64
	Status                                                     partners.Status
	Channel                                                    partners.ReferralChannel
	// Sent: the referral was sent (with the mentee's consent) at some
	// point; a draft withdrawn unsent never was, and no partner sees it.
	Sent bool
}

// lockReferral reads a referral for a write inside tx, after locking its
// case (every write on a referral locks the case first, so two writes on
// one referral run one after the other on every engine), and its row.
func (s *Store) lockReferral(ctx context.Context, tx *sql.Tx, id int64) (partners.Referral, caseTx, error) {
	var caseID int64
	err := tx.QueryRowContext(ctx, `SELECT case_id FROM referrals WHERE id = $1`, id).Scan(&caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return partners.Referral{}, caseTx{}, errs.NotFound("referral")
	}
	if err != nil {
		return partners.Referral{}, caseTx{}, s.wrap(err, "read referral")
	}
	ct, err := s.lockCase(ctx, tx, caseID)
	if err != nil {
		return partners.Referral{}, ct, err
	}
	cur, _, err := scanReferral(tx.QueryRowContext(ctx, `SELECT `+referralColumns+` FROM `+referralFrom+` WHERE r.id = $1`+s.forUpdate(" OF r"), id))
	if err != nil {
		return cur, ct, s.wrap(err, "read referral")
	}
	return cur, ct, nil
}

// guarded checks an UPDATE that names the version it read: no row means
// someone changed the referral meanwhile.
func (s *Store) guarded(res sql.Result, err error) error {
	if err != nil {
		return s.wrap(err, "update referral")
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.wrap(err, "update referral")
	} else if n == 0 {
		return workStale("referral")
	}
	return nil
}

// ReferralRef returns the policy's view of a referral, reading nothing sealed.
func (s *Store) ReferralRef(ctx context.Context, id int64) (ReferralRef, error) {
	r := ReferralRef{ID: id}
	err := s.read.QueryRowContext(ctx, `SELECT r.case_id, c.program_id, COALESCE(c.mentor_id, 0), COALESCE(c.psychologist_id, 0),
		r.partner_id, r.status, r.channel, r.sent_at IS NOT NULL FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.id = $1`, id).Scan(
		&r.CaseID, &r.ProgramID, &r.MentorID, &r.PsychologistID, &r.PartnerID, &r.Status, &r.Channel, &r.Sent)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.NotFound("referral")
	}
	return r, s.wrap(err, "read referral")
}

const referralColumns = `r.id, r.case_id, r.program_id, c.case_code, r.service_id, v.name, r.partner_id, o.name, r.domain,
	r.share, r.status, r.reason, r.channel, r.consent_given, COALESCE(r.consent_by, 0), r.consent_at,
	COALESCE(r.created_by, 0), r.created_at, r.sent_at, r.answered_at, r.updated_at, COALESCE(r.outcome_id, 0), r.version,
	r.message_sealed, r.shared_sealed, r.consent_note_sealed`

const referralFrom = `referrals r JOIN cases c ON c.id = r.case_id JOIN services v ON v.id = r.service_id
	JOIN partners o ON o.id = r.partner_id`

// sealedReferral holds a referral's sealed columns as read.
type sealedReferral struct{ message, shared, consentNote []byte }

func scanReferral(row scanner) (partners.Referral, sealedReferral, error) {
	var r partners.Referral
	var share string
	var consentAt, sent, answered sql.Null[time.Time]
	var sr sealedReferral
	err := row.Scan(&r.ID, &r.CaseID, &r.ProgramID, &r.CaseCode, &r.ServiceID, &r.ServiceName, &r.PartnerID,
		&r.PartnerName, &r.Domain, &share, &r.Status, &r.Reason, &r.Channel, &r.ConsentGiven,
		&r.ConsentBy, &consentAt, &r.CreatedBy, &r.CreatedAt, &sent, &answered, &r.UpdatedAt, &r.OutcomeID, &r.Version,
		&sr.message, &sr.shared, &sr.consentNote)
	if err != nil {
		return r, sr, err
	}
	r.ConsentAt, r.SentAt, r.AnsweredAt = nullTime(consentAt), nullTime(sent), nullTime(answered)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(share), &r.Share); err != nil {
		return r, sr, fmt.Errorf("decode shared fields: %w", err)
	}
	return r, sr, nil
}

func shareJSON(fs []partners.Field) string {
	if fs == nil {
		fs = []partners.Field{}
	}
	b, _ := json.Marshal(fs)
	return string(b)
}

// referralRefused is a refusal of a step on a referral, with its message key.
func referralRefused(key string) error {
	return errs.Conflict("This referral cannot do this now.", map[string]string{"referral": key})
}

// CreateReferral records a referral from an open case to a service, as a
// draft, or sent at once when send is true (the mentee's consent is then
// required). The organisation is the service's; a referral to an
// organisation with active partner users travels through the portal,
// otherwise by r.Channel (phone or email), and staff record the answers.
func (s *Store) CreateReferral(ctx context.Context, r partners.Referral, send bool) (partners.Referral, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, r.CaseID)
		if err != nil {
			return err
		}
		if !ct.State.Open() {
			return workRefuseClosed()
		}
		p, err := s.programTx(ctx, tx, ct.ProgramID)
		if err != nil {
			return err
		}
		if err := s.referralRoute(ctx, tx, &r); err != nil {
			return err
		}
		r.Normalize()
		if err := r.Validate(p.NeedDomains); err != nil {
			return err
		}
		now := s.now()
		r.ProgramID, r.CaseCode, r.Status, r.Version = ct.ProgramID, ct.Code, partners.Draft, 1
		r.CreatedAt, r.UpdatedAt = now, now
		if err := tx.QueryRowContext(ctx, `INSERT INTO referrals (case_id, program_id, service_id, partner_id, domain,
			message_sealed, share, status, channel, created_by, created_at, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1) RETURNING id`,
			r.CaseID, r.ProgramID, r.ServiceID, r.PartnerID, r.Domain, []byte{}, shareJSON(r.Share), string(r.Status),
			string(r.Channel), nullID(r.CreatedBy), s.ts(now)).Scan(&r.ID); err != nil {
			return s.wrap(err, "insert referral")
		}
		key, err := s.dataKey(ctx, tx, ct.KeyID)
		if err != nil {
			return err
		}
		if err := s.sealReferralMessage(ctx, tx, key, r.ID, r.Message); err != nil {
			return err
		}
		if err := s.insertReferralEvent(ctx, tx, key, partners.Event{ReferralID: r.ID, From: "", Status: partners.Draft,
			Side: partners.SideReferrer, ByUser: r.CreatedBy, At: now}); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, "referral.create", "referral", r.ID, audit.OK); err != nil {
			return err
		}
		if send {
			if err := s.sendReferralTx(ctx, tx, key, ct, &r); err != nil {
				return err
			}
		}
		return s.touchCase(ctx, tx, r.CaseID)
	})
	return r, err
}

// SendReferral saves a draft's message, shared fields and consent and, when
// send is true, sends it. r.Version must be the version the editor started from.
func (s *Store) SendReferral(ctx context.Context, r partners.Referral, send bool) (partners.Referral, error) {
	if err := checkVersion(r.Version); err != nil {
		return r, err
	}
	var out partners.Referral
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, ct, err := s.lockReferral(ctx, tx, r.ID)
		if err == nil && r.CaseID != 0 && r.CaseID != cur.CaseID {
			err = errs.NotFound("referral")
		}
		if err != nil {
			return err
		}
		if !ct.State.Open() {
			return workRefuseClosed()
		}
		if cur.Status != partners.Draft {
			return referralRefused("referral.refused.not_draft")
		}
		if cur.Version != r.Version {
			return workStale("referral")
		}
		p, err := s.programTx(ctx, tx, ct.ProgramID)
		if err != nil {
			return err
		}
		cur.Message, cur.Share, cur.Domain = r.Message, r.Share, r.Domain
		cur.ConsentGiven, cur.ConsentNote = r.ConsentGiven, r.ConsentNote
		if cur.Channel != partners.Portal && (r.Channel == partners.Phone || r.Channel == partners.Email) {
			cur.Channel = r.Channel
		}
		cur.Normalize()
		if err := cur.Validate(p.NeedDomains); err != nil {
			return err
		}
		cur.ConsentBy = r.ConsentBy
		if err := s.guarded(tx.ExecContext(ctx, `UPDATE referrals SET domain = $1, share = $2, channel = $3, updated_at = $4,
			version = version + 1 WHERE id = $5 AND version = $6`, cur.Domain, shareJSON(cur.Share), string(cur.Channel), s.ts(s.now()), cur.ID, cur.Version)); err != nil {
			return err
		}
		cur.Version++
		key, err := s.dataKey(ctx, tx, ct.KeyID)
		if err != nil {
			return err
		}
		if err := s.sealReferralMessage(ctx, tx, key, cur.ID, cur.Message); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, "referral.update", "referral", cur.ID, audit.OK); err != nil {
			return err
		}
		if send {
			if err := s.sendReferralTx(ctx, tx, key, ct, &cur); err != nil {
				return err
			}
		}
		out = cur
		return s.touchCase(ctx, tx, cur.CaseID)
	})
	return out, err
}

// referralRoute sets where the referral goes: the organisation its service
// belongs to now, through the portal when that organisation has an active
// partner user, otherwise by r.Channel (phone unless email). A service
// that is not active takes no referral.
func (s *Store) referralRoute(ctx context.Context, tx *sql.Tx, r *partners.Referral) error {
	var status partners.ServiceStatus
	var users int
	err := tx.QueryRowContext(ctx, `SELECT v.partner_id, v.status, `+partnerUsersOf("v.partner_id")+`
		FROM services v WHERE v.id = $1`, r.ServiceID).Scan(&r.PartnerID, &status, &users)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.Invalid(map[string]string{"service_id": "validation.choice"})
	}
	if err != nil {
		return s.wrap(err, "read service")
	}
	if status != partners.Active {
		return errs.Invalid(map[string]string{"service_id": "referral.refused.service_closed"})
	}
	if users > 0 {
		r.Channel = partners.Portal
	} else if r.Channel != partners.Email {
		r.Channel = partners.Phone
	}
	return nil
}

// sendReferralTx sends a draft inside tx: it needs the mentee's consent to
// this referral and no withdrawn consent to partner sharing; it seals the
// shared fields' values as they are now (what the partner will see) and
// records the consent and the event.
func (s *Store) sendReferralTx(ctx context.Context, tx *sql.Tx, key []byte, ct caseTx, r *partners.Referral) error {
	if err := r.ReadyToSend(); err != nil {
		return err
	}
	// The service may have moved to another organisation, or that one may
	// have got (or lost) its partner users, since the draft was written:
	// the referral goes where the service is now.
	if err := s.referralRoute(ctx, tx, r); err != nil {
		return err
	}
	var given sql.NullBool
	err := tx.QueryRowContext(ctx, `SELECT given FROM consents WHERE mentee_id = $1 AND kind = $2
		ORDER BY recorded_at DESC, id DESC LIMIT 1`, ct.MenteeID, string(cases.ConsentPartners)).Scan(&given)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s.wrap(err, "read consent")
	}
	if given.Valid && !given.Bool {
		return errs.Invalid(map[string]string{"consent_given": "referral.refused.sharing_withdrawn"})
	}
	shared, err := s.referralSnapshot(ctx, tx, key, ct.MenteeID, r.Share)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(shared)
	sealed, err := s.sealField(key, "referrals", "shared_sealed", r.ID, string(b))
	if err != nil {
		return err
	}
	now := s.now()
	var note []byte
	if r.ConsentNote != "" {
		if note, err = s.sealField(key, "referrals", "consent_note_sealed", r.ID, r.ConsentNote); err != nil {
			return err
		}
	}
	if err := s.guarded(tx.ExecContext(ctx, `UPDATE referrals SET status = $1, shared_sealed = $2, consent_given = $3, consent_note_sealed = $4,
		consent_by = $5, consent_at = $6, sent_at = $6, updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8`,
		string(partners.Sent), sealed, true, note, nullID(r.ConsentBy), s.ts(now), r.ID, r.Version)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE referrals SET partner_id = $1, channel = $2 WHERE id = $3`, r.PartnerID, string(r.Channel), r.ID); err != nil {
		return s.wrap(err, "route referral")
	}
	if err := s.insertReferralEvent(ctx, tx, key, partners.Event{ReferralID: r.ID, From: partners.Draft, Status: partners.Sent,
		Side: partners.SideReferrer, ByUser: r.ConsentBy, At: now}); err != nil {
		return err
	}
	r.Status, r.SentAt, r.ConsentAt, r.UpdatedAt, r.Shared = partners.Sent, &now, &now, now, shared
	r.Version++
	if r.Channel == partners.Portal {
		// The partner's users are told at once; a referral by phone or
		// email reaches the organisation outside Homeward.
		users, err := s.ids(ctx, tx, `SELECT id FROM users WHERE partner_id = $1 AND role = 'partner' AND status = 'active' ORDER BY id`, r.PartnerID)
		if err != nil {
			return err
		}
		if _, err := s.notifyTx(ctx, tx, notifyEach(users, r.ConsentBy, NotifyReferralReceived, NotifyOnReferral, r.ID, ct.ProgramID,
			fmt.Sprintf("referral_received:referral:%d", r.ID))); err != nil {
			return err
		}
	}
	return s.appendAudit(ctx, tx, "referral.send", "referral", r.ID, audit.OK)
}

// referralSnapshot reads the values of the shared fields (the case code
// always goes) from the mentee's record inside tx.
func (s *Store) referralSnapshot(ctx context.Context, tx *sql.Tx, key []byte, menteeID int64, share []partners.Field) (map[partners.Field]string, error) {
	row, err := s.menteeRow(ctx, tx, "m.id = $1", menteeID)
	if err != nil {
		return nil, err
	}
	m, err := s.open(row)
	if err != nil {
		return nil, err
	}
	out := map[partners.Field]string{}
	var parts []cases.HistoryPart
	for _, f := range share {
		if v, ok := profileShare(m, f); ok {
			if v != "" || f != partners.BirthYear { // a year not given is not shared
				out[f] = v
			}
			continue
		}
		if p, ok := f.IsHistory(); ok {
			parts = append(parts, p)
		}
	}
	if len(parts) > 0 {
		_, sealed, _, err := s.historyRow(ctx, tx, menteeID, "")
		if err != nil {
			return nil, err
		}
		for _, p := range parts {
			v, err := s.openField(key, sealed[p], "mentees", historyColumn(p), menteeID)
			if err != nil {
				return nil, err
			}
			out[partners.HistoryField(p)] = v
		}
		if err := s.appendAudit(ctx, tx, "mentee.history_read", "mentee", menteeID, audit.OK); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) sealReferralMessage(ctx context.Context, tx *sql.Tx, key []byte, id int64, msg string) error {
	sealed, err := s.sealField(key, "referrals", "message_sealed", id, msg)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE referrals SET message_sealed = $1 WHERE id = $2`, sealed, id)
	return s.wrap(err, "seal referral message")
}

func (s *Store) insertReferralEvent(ctx context.Context, tx *sql.Tx, key []byte, e partners.Event) error {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO referral_events (referral_id, from_status, status, reason, side, by_user, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, e.ReferralID, string(e.From), string(e.Status), string(e.Reason),
		string(e.Side), nullID(e.ByUser), s.ts(e.At)).Scan(&id); err != nil {
		return s.wrap(err, "insert referral event")
	}
	if e.Message == "" {
		return nil
	}
	sealed, err := s.sealField(key, "referral_events", "message_sealed", id, e.Message)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE referral_events SET message_sealed = $1 WHERE id = $2`, sealed, id)
	return s.wrap(err, "seal referral event")
}

// AddReferralEvent moves a referral (or adds an update with a message) as
// e.Side; version must be the referral's version the actor saw. A move to
// got help with e.Outcome records that outcome on the case. It returns the
// referral as it is after the event (its message not opened).
func (s *Store) AddReferralEvent(ctx context.Context, version int, e partners.Event) (partners.Referral, error) {
	if err := checkVersion(version); err != nil {
		return partners.Referral{}, err
	}
	var out partners.Referral
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, ct, err := s.lockReferral(ctx, tx, e.ReferralID)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return workStale("referral")
		}
		p, err := s.programTx(ctx, tx, ct.ProgramID)
		if err != nil {
			return err
		}
		if err := e.Check(cur.Status, p); err != nil {
			return err
		}
		if cur.Status == partners.Draft && e.Status == partners.Sent {
			// Sending records the consent and the shared values: SendReferral.
			return referralRefused("referral.refused.send_with_consent")
		}
		now := s.now()
		e.From, e.At = cur.Status, now
		key, err := s.dataKey(ctx, tx, ct.KeyID)
		if err != nil {
			return err
		}
		answered := cur.AnsweredAt
		if e.Side == partners.SidePartner && answered == nil {
			answered = &now
		}
		outcomeID := cur.OutcomeID
		if e.Outcome != nil && e.Status == partners.GotHelp {
			e.Outcome.CaseID, e.Outcome.RecordedBy = cur.CaseID, e.ByUser
			o, err := s.addOutcomeTx(ctx, tx, *e.Outcome)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE outcomes SET referral_id = $1 WHERE id = $2`, cur.ID, o.ID); err != nil {
				return s.wrap(err, "link outcome")
			}
			outcomeID = o.ID
		}
		if err := s.guarded(tx.ExecContext(ctx, `UPDATE referrals SET status = $1, reason = $2, answered_at = $3, outcome_id = $4,
			updated_at = $5, version = version + 1 WHERE id = $6 AND version = $7`, string(e.Status), string(e.Reason), s.nullTS(answered),
			nullID(outcomeID), s.ts(now), cur.ID, cur.Version)); err != nil {
			return err
		}
		if err := s.insertReferralEvent(ctx, tx, key, e); err != nil {
			return err
		}
		if err := s.touchCase(ctx, tx, cur.CaseID); err != nil {
			return err
		}
		if e.Side == partners.SidePartner && e.Status != cur.Status {
			// Whoever sent the referral hears the partner's answer.
			sender := cur.ConsentBy
			if sender == 0 {
				sender = cur.CreatedBy
			}
			if _, err := s.notifyTx(ctx, tx, notifyEach([]int64{sender}, e.ByUser, NotifyReferralAnswered, NotifyOnReferral, cur.ID, ct.ProgramID,
				fmt.Sprintf("referral_answered:referral:%d:%d", cur.ID, cur.Version))); err != nil {
				return err
			}
		}
		if err := s.appendAudit(ctx, tx, "referral.event", "referral", cur.ID, audit.OK); err != nil {
			return err
		}
		cur.Status, cur.Reason, cur.AnsweredAt, cur.OutcomeID, cur.UpdatedAt = e.Status, e.Reason, answered, outcomeID, now
		cur.Version++
		out = cur
		return nil
	})
	return out, err
}

// GetReferral returns a referral with its message and, once sent, the
// shared values opened, and its names filled; the read is audited
// (referral.read).
func (s *Store) GetReferral(ctx context.Context, id int64) (partners.Referral, error) {
	r, sr, err := scanReferral(s.read.QueryRowContext(ctx, `SELECT `+referralColumns+` FROM `+referralFrom+` WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.NotFound("referral")
	}
	if err != nil {
		return r, s.wrap(err, "read referral")
	}
	key, err := s.caseKey(ctx, s.read, r.CaseID)
	if err != nil {
		return r, err
	}
	if r.Message, err = s.openField(key, sr.message, "referrals", "message_sealed", r.ID); err != nil {
		return r, err
	}
	if len(sr.consentNote) > 0 {
		if r.ConsentNote, err = s.openField(key, sr.consentNote, "referrals", "consent_note_sealed", r.ID); err != nil {
			return r, err
		}
	}
	if len(sr.shared) > 0 {
		txt, err := s.openField(key, sr.shared, "referrals", "shared_sealed", r.ID)
		if err != nil {
			return r, err
		}
		if err := json.Unmarshal([]byte(txt), &r.Shared); err != nil {
			return r, errs.Internal(fmt.Errorf("decode shared values: %w", err))
		}
	}
	names, err := s.UserNames(ctx, []int64{r.CreatedBy, r.ConsentBy})
	if err != nil {
		return r, err
	}
	r.CreatedByName, r.ConsentByName = names[r.CreatedBy], names[r.ConsentBy]
	return r, s.Audit(ctx, "referral.read", "referral", id, audit.OK)
}

// ReferralEvents returns a referral's timeline, oldest first, with the
// messages opened and the names of who made each change.
func (s *Store) ReferralEvents(ctx context.Context, referralID int64) ([]partners.Event, error) {
	var caseID int64
	if err := s.read.QueryRowContext(ctx, `SELECT case_id FROM referrals WHERE id = $1`, referralID).Scan(&caseID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errs.NotFound("referral")
		}
		return nil, s.wrap(err, "read referral")
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, from_status, status, reason, message_sealed, side, COALESCE(by_user, 0), at
		FROM referral_events WHERE referral_id = $1 ORDER BY id`, referralID)
	if err != nil {
		return nil, s.wrap(err, "list referral events")
	}
	type sealedEvent struct {
		partners.Event
		msg []byte
	}
	var evs []sealedEvent
	var ids []int64
	for rows.Next() {
		var e sealedEvent
		e.ReferralID = referralID
		if err := rows.Scan(&e.ID, &e.From, &e.Status, &e.Reason, &e.msg, &e.Side, &e.ByUser, &e.At); err != nil {
			rows.Close()
			return nil, s.wrap(err, "read referral event")
		}
		e.At = e.At.UTC()
		evs = append(evs, e)
		ids = append(ids, e.ByUser)
	}
	if err := rows.Close(); err != nil {
		return nil, s.wrap(err, "list referral events")
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list referral events")
	}
	names, err := s.UserNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	var key []byte
	out := make([]partners.Event, 0, len(evs))
	for _, e := range evs {
		if len(e.msg) > 0 {
			if key == nil {
				if key, err = s.caseKey(ctx, s.read, caseID); err != nil {
					return nil, err
				}
			}
			if e.Message, err = s.openField(key, e.msg, "referral_events", "message_sealed", e.ID); err != nil {
				return nil, err
			}
		}
		e.ByName = names[e.ByUser]
		out = append(out, e.Event)
	}
	if key != nil {
		if err := s.Audit(ctx, "referral.events_read", "referral", referralID, audit.OK); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReferralFilter narrows a list of referrals.
type ReferralFilter struct {
	CaseID    int64
	PartnerID int64 // a partner's inbox: sent through the portal (never a draft, nor one withdrawn unsent)
	// ProgramIDs and MentorID scope a staff list: the coordinator's programs,
	// or the mentor's own cases (MentorID set).
	ProgramIDs []int64
	MentorID   int64
	Scoped     bool
	Status     partners.Status
	// OpenOnly lists referrals that wait on someone (sent, accepted, in progress).
	OpenOnly bool
	// WaitingSince, when set, lists only referrals sent and unanswered
	// since before the time given for their program (now less the
	// program's reminder days); programs not in the map have none.
	WaitingSince map[int64]time.Time
}

// Referrals returns one page of referrals, newest change first, without
// their sealed parts, and the next page's cursor.
func (s *Store) Referrals(ctx context.Context, f ReferralFilter, p Page) ([]partners.Referral, string, error) {
	k, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := p.limit()
	where, args := []string{"1 = 1"}, []any{}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.CaseID != 0 {
		where = append(where, "r.case_id = "+arg(f.CaseID))
	}
	if f.PartnerID != 0 {
		where = append(where, "r.partner_id = "+arg(f.PartnerID), "r.sent_at IS NOT NULL", "r.channel = 'portal'")
	}
	if f.Scoped {
		var marks []string
		for _, id := range f.ProgramIDs {
			marks = append(marks, arg(id))
		}
		if len(marks) == 0 {
			where = append(where, "1 = 0")
		} else {
			where = append(where, "r.program_id IN ("+strings.Join(marks, ", ")+")")
		}
		if f.MentorID != 0 {
			where = append(where, "c.mentor_id = "+arg(f.MentorID))
		}
	}
	if f.Status != "" {
		where = append(where, "r.status = "+arg(string(f.Status)))
	}
	if f.OpenOnly {
		where = append(where, "r.status IN ('sent', 'accepted', 'in_progress')")
	}
	if f.WaitingSince != nil {
		var any []string
		ids := make([]int64, 0, len(f.WaitingSince))
		for id := range f.WaitingSince {
			ids = append(ids, id)
		}
		slices.Sort(ids) // the same query text for the same programs
		for _, id := range ids {
			any = append(any, fmt.Sprintf("(r.program_id = %s AND r.sent_at <= %s)", arg(id), arg(s.ts(f.WaitingSince[id]))))
		}
		if len(any) == 0 {
			any = []string{"1 = 0"}
		}
		where = append(where, "r.status = 'sent'", "("+strings.Join(any, " OR ")+")")
	}
	if err := s.count(ctx, p.Total, referralFrom, where, args); err != nil {
		return nil, "", err
	}
	if p.Cursor != "" {
		t, err := time.Parse(time.RFC3339Nano, k.S)
		if err != nil {
			return nil, "", errs.Invalid(map[string]string{"cursor": "validation.cursor"})
		}
		a, b := arg(s.ts(t)), arg(k.ID)
		where = append(where, fmt.Sprintf("(r.updated_at < %s OR (r.updated_at = %s AND r.id < %s))", a, a, b))
	}
	lim := arg(limit + 1)
	rows, err := s.read.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE %s ORDER BY r.updated_at DESC, r.id DESC LIMIT %s`,
		referralColumns, referralFrom, strings.Join(where, " AND "), lim), args...)
	if err != nil {
		return nil, "", s.wrap(err, "list referrals")
	}
	defer rows.Close()
	var out []partners.Referral
	for rows.Next() {
		r, _, err := scanReferral(rows)
		if err != nil {
			return nil, "", s.wrap(err, "read referral")
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.wrap(err, "list referrals")
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = encodeCursor(cursorKey{S: last.UpdatedAt.Format(time.RFC3339Nano), ID: last.ID})
	}
	return out, next, nil
}

// withdrawSharingTx follows a withdrawn consent to sharing with partners
// inside tx: every open referral of the mentee's cases is withdrawn (by,
// on the referrer's side), and the shared values of all of them are erased,
// so that no partner reads them any more. The field names stay, to show
// what had been shared.
func (s *Store) withdrawSharingTx(ctx context.Context, tx *sql.Tx, menteeID, by int64) error {
	ids, err := s.int64s(ctx, tx, `SELECT id FROM cases WHERE mentee_id = $1 ORDER BY id`, menteeID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.lockCase(ctx, tx, id); err != nil {
			return err
		}
	}
	type open struct {
		id     int64
		status partners.Status
	}
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.status FROM referrals r JOIN cases c ON c.id = r.case_id
		WHERE c.mentee_id = $1 AND r.status IN ('sent', 'accepted', 'in_progress') ORDER BY r.id`, menteeID)
	if err != nil {
		return s.wrap(err, "list open referrals")
	}
	var list []open
	for rows.Next() {
		var o open
		if err := rows.Scan(&o.id, &o.status); err != nil {
			rows.Close()
			return s.wrap(err, "read referral")
		}
		list = append(list, o)
	}
	if err := rows.Close(); err != nil {
		return s.wrap(err, "list open referrals")
	}
	now := s.now()
	for _, o := range list {
		if _, err := tx.ExecContext(ctx, `UPDATE referrals SET status = $1, reason = '', updated_at = $2, version = version + 1 WHERE id = $3`,
			string(partners.Withdrawn), s.ts(now), o.id); err != nil {
			return s.wrap(err, "withdraw referral")
		}
		if err := s.insertReferralEvent(ctx, tx, nil, partners.Event{ReferralID: o.id, From: o.status, Status: partners.Withdrawn,
			Side: partners.SideReferrer, ByUser: by, At: now}); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, "referral.event", "referral", o.id, audit.OK); err != nil {
			return err
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE referrals SET shared_sealed = NULL
		WHERE shared_sealed IS NOT NULL AND case_id IN (SELECT id FROM cases WHERE mentee_id = $1)`, menteeID)
	if err != nil {
		return s.wrap(err, "erase shared values")
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return s.appendAudit(ctx, tx, "referral.shared_erased", "mentee", menteeID, audit.OK)
	}
	return nil
}

// int64s runs a query of one integer column inside tx.
func (s *Store) int64s(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.wrap(err, "list ids")
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, s.wrap(err, "read id")
		}
		out = append(out, id)
	}
	return out, s.wrap(rows.Err(), "list ids")
}

// profileShare is the value of a shared profile field of the mentee as a
// referral shares it, and whether f is a profile field ("" shares nothing).
func profileShare(m cases.Mentee, f partners.Field) (string, bool) {
	switch f {
	case partners.FullName:
		return m.FullName, true
	case partners.BirthYear:
		if m.BirthYear != 0 {
			return strconv.Itoa(m.BirthYear), true
		}
		return "", true
	case partners.Gender:
		return string(m.Gender), true
	case partners.Languages:
		return strings.Join(m.Languages, ", "), true
	case partners.Location:
		return strings.TrimLeft(strings.Join([]string{m.City, m.Country}, ", "), ", "), true
	case partners.ContactChannels:
		return m.ContactChannels, true
	case partners.ContactTimes:
		return m.ContactTimes, true
	case partners.Occupation:
		return m.Occupation, true
	case partners.Family:
		return m.Family, true
	}
	return "", false
}
