package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/text"
)

// Matches: a mentor on a case, one at a time, each kept as history when it
// ends. How a program's pool is matched in one go is in matching.go.

// openStates are the states in which a case holds a place of its mentor's capacity.
const openStates = `('matched', 'active', 'closing')`

// Match assigns a mentor to a waiting case: the mentor must be an active
// mentor of the case's program, ready (mentors.Readiness: accepted,
// trained, checks valid, not paused) and with a free place, checked under a
// lock of the mentor's account so that two coordinators cannot both take
// the last place.
func (s *Store) Match(ctx context.Context, caseID, mentorID, actorID int64) (cases.Case, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if ct.State != cases.Waiting {
			return errs.Conflict("Only a case waiting for a mentor can be matched.", map[string]string{"state": "case.refused.match_state"})
		}
		if err := s.lockStaff(ctx, tx, mentorID, ct.ProgramID, auth.Mentor, "mentor_id", "validation.mentor_not_in_program"); err != nil {
			return err
		}
		free, err := s.lockMentorsForMatch(ctx, tx, ct.ProgramID, []int64{mentorID})
		if err != nil {
			return err
		}
		places, ready := free[mentorID]
		switch {
		case !ready:
			return errs.Conflict("This mentor is not ready for matching: see what the mentor's page says is missing.", map[string]string{"mentor_id": "case.refused.mentor_not_ready"})
		case places < 1:
			return errs.Conflict("This mentor already supports as many mentees as they can.", map[string]string{"mentor_id": "case.refused.capacity"})
		}
		return s.matchTx(ctx, tx, ct, mentorID, actorID)
	})
	if err != nil {
		return cases.Case{}, err
	}
	return s.GetCase(ctx, caseID)
}

// matchTx records the match of a locked, waiting case with a mentor whose
// readiness and place were checked, inside tx.
func (s *Store) matchTx(ctx context.Context, tx *sql.Tx, ct caseTx, mentorID, actorID int64) error {
	now := s.now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO matches (case_id, mentor_id, period, started_at, assigned_by)
		VALUES ($1, $2, $3, $4, $5)`, ct.ID, mentorID, ct.Period, s.ts(now), nullID(actorID)); err != nil {
		return s.wrap(err, "insert match")
	}
	c := ct.Case
	c.MentorID, c.State, c.StateSince, c.ActiveSince = mentorID, cases.Matched, now, &now
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET mentor_id = $1, state = $2, state_since = $3, active_since = $3,
		version = version + 1, updated_at = $3 WHERE id = $4`, mentorID, string(cases.Matched), s.ts(now), ct.ID); err != nil {
		return s.wrap(err, "match case")
	}
	if err := s.refreshSignals(ctx, tx, c); err != nil {
		return err
	}
	if err := s.addTransition(ctx, tx, cases.Transition{CaseID: ct.ID, Period: c.Period, From: cases.Waiting,
		To: cases.Matched, ActorID: actorID, At: now}); err != nil {
		return err
	}
	if err := s.notifyCaseTx(ctx, tx, ct, false, []int64{mentorID}, actorID, NotifyNewMatch,
		fmt.Sprintf("new_match:case:%d:%d", ct.ID, now.UnixMilli())); err != nil {
		return err
	}
	return s.appendAudit(ctx, tx, "case.match", "case", ct.ID, audit.OK)
}

// resetSharing withdraws what the mentee shared of their history with a
// mentor, inside tx, when a match of theirs ends: the mentee chose to share
// with one person, and what a next mentor may read must be asked anew.
func (s *Store) resetSharing(ctx context.Context, tx *sql.Tx, menteeID int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE mentees SET shared_parts = '[]', shared_by = NULL, shared_at = NULL,
		history_version = history_version + 1 WHERE id = $1 AND shared_parts <> '[]'`, menteeID)
	if err != nil {
		return s.wrap(err, "withdraw history sharing")
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return s.appendAudit(ctx, tx, "mentee.history_sharing_reset", "mentee", menteeID, audit.OK)
	}
	return nil
}

// EndMatch ends the running match of a matched or active case, which goes
// back to waiting for another mentor. The reason is required.
func (s *Store) EndMatch(ctx context.Context, caseID int64, reason string, actorID int64) (cases.Case, error) {
	reason = strings.TrimSpace(reason)
	bad := map[string]string{}
	text.Check(bad, "reason", reason, true, true, cases.MaxReason)
	if len(bad) > 0 {
		return cases.Case{}, errs.Invalid(bad)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if ct.State != cases.Matched && ct.State != cases.Active {
			return errs.Conflict("Only a matched or active case has a match to end.", map[string]string{"state": "case.refused.end_match_state"})
		}
		now := s.now()
		if err := s.endMatches(ctx, tx, caseID, reason, now); err != nil {
			return err
		}
		c := ct.Case
		if err := s.resetSharing(ctx, tx, c.MenteeID); err != nil {
			return err
		}
		c.MentorID, c.ActiveSince, c.State, c.StateSince = 0, nil, cases.Waiting, now
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET mentor_id = NULL, active_since = NULL, state = $1, state_since = $2,
			version = version + 1, updated_at = $2 WHERE id = $3`, string(cases.Waiting), s.ts(now), caseID); err != nil {
			return s.wrap(err, "end match")
		}
		if err := s.refreshSignals(ctx, tx, c); err != nil {
			return err
		}
		if err := s.addTransition(ctx, tx, cases.Transition{CaseID: caseID, Period: c.Period, From: ct.State,
			To: cases.Waiting, Reason: reason, ActorID: actorID, At: now}); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "case.match_end", "case", caseID, audit.OK)
	})
	if err != nil {
		return cases.Case{}, err
	}
	return s.GetCase(ctx, caseID)
}

// endMatches ends the case's open match (there is at most one) with the
// reason, sealed under the mentee's data key.
func (s *Store) endMatches(ctx context.Context, tx *sql.Tx, caseID int64, reason string, now time.Time) error {
	ids, err := s.int64s(ctx, tx, `SELECT id FROM matches WHERE case_id = $1 AND ended_at IS NULL ORDER BY id`, caseID)
	if err != nil || len(ids) == 0 {
		return err
	}
	key, err := s.caseKey(ctx, tx, caseID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		sealed, err := s.sealField(key, "matches", "end_reason_sealed", id, reason)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE matches SET ended_at = $1, end_reason_sealed = $2 WHERE id = $3`,
			s.ts(now), sealed, id); err != nil {
			return s.wrap(err, "end match")
		}
	}
	return nil
}

// CaseMatches returns the matches of a case, oldest first, with the
// mentors' names and the end reasons opened (audited as case.matches_read
// when there is one to open).
func (s *Store) CaseMatches(ctx context.Context, caseID int64) ([]cases.Match, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT x.id, x.case_id, x.period, x.mentor_id, COALESCE(u.name, ''),
		COALESCE(u.email, ''), x.started_at, COALESCE(x.assigned_by, 0), x.ended_at, x.end_reason_sealed
		FROM matches x LEFT JOIN users u ON u.id = x.mentor_id WHERE x.case_id = $1 ORDER BY x.id`, caseID)
	if err != nil {
		return nil, s.wrap(err, "list matches")
	}
	defer rows.Close()
	var out []cases.Match
	reasons := caseTexts{table: "matches", column: "end_reason_sealed"}
	for rows.Next() {
		var m cases.Match
		var email string
		var ended sql.Null[time.Time]
		var reason []byte
		if err := rows.Scan(&m.ID, &m.CaseID, &m.Period, &m.MentorID, &m.MentorName, &email, &m.StartedAt,
			&m.AssignedBy, &ended, &reason); err != nil {
			return nil, s.wrap(err, "scan match")
		}
		if m.MentorName == "" {
			m.MentorName = email
		}
		m.StartedAt, m.EndedAt = m.StartedAt.UTC(), nullTime(ended)
		out = append(out, m)
		reasons.add(m.ID, reason)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list matches")
	}
	rows.Close()
	return out, reasons.open(ctx, s, caseID, "case.matches_read", func(i int, r string) { out[i].EndReason = r })
}
