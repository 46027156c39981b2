package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"homeward/internal/audit"
	"homeward/internal/cases"
)

// Needs: the assessment of each domain of a case, every reassessment a
// new row with the one it replaced kept as history. Every write follows the
// rules in case_work.go.

// AssessNeeds records an assessment of some of the case's domains: a row
// for each domain that is new or changed (severity or status), the one it
// replaces kept as history. Unchanged domains are left as they are, unless
// their current row belongs to an earlier period: a reopened case gets
// its own assessment even when nothing changed, so that the current period
// counts as assessed.
func (s *Store) AssessNeeds(ctx context.Context, caseID int64, as []cases.Assessment, actorID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, caseID)
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
		if err := cases.ValidateAssessments(as, p.NeedDomains); err != nil {
			return err
		}
		now := s.now()
		changed := 0
		for _, a := range as {
			var prevID int64
			var prevPeriod int
			var sev, status string
			err := tx.QueryRowContext(ctx, `SELECT id, period, severity, status FROM needs
				WHERE case_id = $1 AND domain = $2 AND current ORDER BY id DESC LIMIT 1`, caseID, a.Domain).
				Scan(&prevID, &prevPeriod, &sev, &status)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				prevID = 0
			case err != nil:
				return s.wrap(err, "read current need")
			case prevPeriod == ct.Period && cases.Severity(sev) == a.Severity && cases.NeedStatus(status) == a.Status:
				continue // unchanged
			default:
				if _, err := tx.ExecContext(ctx, `UPDATE needs SET current = $1 WHERE id = $2`, false, prevID); err != nil {
					return s.wrap(err, "replace need")
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO needs (case_id, period, domain, severity, status, current,
				previous_id, assessed_by, assessed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				caseID, ct.Period, a.Domain, string(a.Severity), string(a.Status), true,
				nullID(prevID), nullID(actorID), s.ts(now)); err != nil {
				return s.wrap(err, "insert need")
			}
			changed++
		}
		if changed > 0 {
			if err := s.touchCase(ctx, tx, caseID); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, "case.needs_assess", "case", caseID, audit.OK)
	})
}

const needColumns = `n.id, n.case_id, n.domain, n.severity, n.status, COALESCE(n.assessed_by, 0), n.assessed_at,
	p.id, p.severity, p.status, p.assessed_by, p.assessed_at`

// needs reads assessments with the ones they replaced, and the assessors' names.
func (s *Store) needs(ctx context.Context, query string, args ...any) ([]cases.Need, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.wrap(err, "read needs")
	}
	defer rows.Close()
	var out []cases.Need
	var ids []int64
	for rows.Next() {
		var n cases.Need
		var pid, pby sql.NullInt64
		var psev, pstatus sql.NullString
		var pat sql.Null[time.Time]
		if err := rows.Scan(&n.ID, &n.CaseID, &n.Domain, &n.Severity, &n.Status, &n.AssessedBy, &n.AssessedAt,
			&pid, &psev, &pstatus, &pby, &pat); err != nil {
			return nil, s.wrap(err, "read need")
		}
		n.AssessedAt = n.AssessedAt.UTC()
		ids = append(ids, n.AssessedBy)
		if pid.Valid {
			n.Previous = &cases.Need{ID: pid.Int64, CaseID: n.CaseID, Domain: n.Domain,
				Severity: cases.Severity(psev.String), Status: cases.NeedStatus(pstatus.String), AssessedBy: pby.Int64}
			if pat.Valid {
				n.Previous.AssessedAt = pat.V.UTC()
			}
			ids = append(ids, pby.Int64)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "read needs")
	}
	names, err := s.UserNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].AssessedByName = names[out[i].AssessedBy]
		if p := out[i].Previous; p != nil {
			p.AssessedByName = names[p.AssessedBy]
		}
	}
	return out, nil
}

// CurrentNeeds returns the newest assessment of each domain of the case,
// each with the one it replaced (Previous), critical first.
func (s *Store) CurrentNeeds(ctx context.Context, caseID int64) ([]cases.Need, error) {
	domains, err := s.caseDomains(ctx, s.read, caseID)
	if err != nil {
		return nil, err
	}
	out, err := s.needs(ctx, `SELECT `+needColumns+` FROM needs n LEFT JOIN needs p ON p.id = n.previous_id
		WHERE n.case_id = $1 AND n.current ORDER BY n.id`, caseID)
	if err != nil {
		return nil, err
	}
	cases.SortNeeds(out, domains)
	return out, nil
}

// NeedHistory returns every assessment of the case, newest first, each with
// the one it replaced.
func (s *Store) NeedHistory(ctx context.Context, caseID int64) ([]cases.Need, error) {
	return s.needs(ctx, `SELECT `+needColumns+` FROM needs n LEFT JOIN needs p ON p.id = n.previous_id
		WHERE n.case_id = $1 ORDER BY n.assessed_at DESC, n.id DESC`, caseID)
}
