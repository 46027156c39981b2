package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/text"
)

// Requests: the new needs a mentee raises over time, text and resolution
// sealed; a request moves the case's quiet period. Every write follows the
// rules in case_work.go.

const requestColumns = `id, case_id, domain, urgency, text_sealed, status, resolution_sealed, raised_by_mentee,
	COALESCE(recorded_by, 0), created_at, updated_at, resolved_at, version`

// scanRequest reads a request row; the sealed text and resolution are
// returned apart, unopened.
func scanRequest(r scanner) (cases.Request, []byte, []byte, error) {
	var q cases.Request
	var txt, res []byte
	var resolved sql.Null[time.Time]
	err := r.Scan(&q.ID, &q.CaseID, &q.Domain, &q.Urgency, &txt, &q.Status, &res, &q.RaisedByMentee, &q.RecordedBy,
		&q.CreatedAt, &q.UpdatedAt, &resolved, &q.Version)
	q.CreatedAt, q.UpdatedAt, q.ResolvedAt = q.CreatedAt.UTC(), q.UpdatedAt.UTC(), nullTime(resolved)
	return q, txt, res, err
}

// openRequest opens a request's text and resolution.
func (s *Store) openRequest(key []byte, q *cases.Request, txt, res []byte) error {
	var err error
	if q.Text, err = s.openField(key, txt, "requests", "text_sealed", q.ID); err != nil {
		return err
	}
	q.Resolution, err = s.openField(key, res, "requests", "resolution_sealed", q.ID)
	return err
}

// sealRequest stores a request's resolution (and its text when withText).
func (s *Store) sealRequest(ctx context.Context, tx *sql.Tx, key []byte, q cases.Request, withText bool) error {
	res, err := s.sealField(key, "requests", "resolution_sealed", q.ID, q.Resolution)
	if err != nil {
		return err
	}
	if !withText {
		_, err = tx.ExecContext(ctx, `UPDATE requests SET resolution_sealed = $1 WHERE id = $2`, res, q.ID)
		return s.wrap(err, "seal request")
	}
	txt, err := s.sealField(key, "requests", "text_sealed", q.ID, q.Text)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE requests SET text_sealed = $1, resolution_sealed = $2 WHERE id = $3`, txt, res, q.ID)
	return s.wrap(err, "seal request")
}

// requestFinished tells whether a request status ends the work on it.
func requestFinished(st cases.RequestStatus) bool {
	return st == cases.RequestResolved || st == cases.RequestDeclined
}

// AddRequest records a request raised now (its text and resolution sealed)
// on the case's current period and moves the case's quiet period. The
// status defaults to open.
func (s *Store) AddRequest(ctx context.Context, r cases.Request) (cases.Request, error) {
	if r.Status == "" {
		r.Status = cases.RequestOpen
	}
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
		if err := r.Validate(p.NeedDomains); err != nil {
			return err
		}
		now := s.now()
		r.CreatedAt, r.UpdatedAt, r.Version, r.ResolvedAt = now, now, 1, nil
		if requestFinished(r.Status) {
			r.ResolvedAt = &now
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO requests (case_id, period, domain, urgency, status,
			raised_by_mentee, recorded_by, created_at, updated_at, resolved_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, 1) RETURNING id`,
			r.CaseID, ct.Period, r.Domain, string(r.Urgency), string(r.Status), r.RaisedByMentee, nullID(r.RecordedBy),
			s.ts(now), s.nullTS(r.ResolvedAt)).Scan(&r.ID); err != nil {
			return s.wrap(err, "insert request")
		}
		key, err := s.dataKey(ctx, tx, ct.KeyID)
		if err != nil {
			return err
		}
		if err := s.sealRequest(ctx, tx, key, r, true); err != nil {
			return err
		}
		ct.LastRequestAt = workLater(ct.LastRequestAt, now)
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET last_request_at = $1 WHERE id = $2`, s.ts(*ct.LastRequestAt), r.CaseID); err != nil {
			return s.wrap(err, "move last request")
		}
		if err := s.refreshSignals(ctx, tx, ct.Case); err != nil {
			return err
		}
		if err := s.countUrgent(ctx, tx, r.CaseID); err != nil {
			return err
		}
		if r.Urgency == cases.Urgent {
			if err := s.notifyCaseTx(ctx, tx, ct, true, []int64{ct.MentorID}, r.RecordedBy, NotifyUrgentRequest,
				fmt.Sprintf("urgent_request:request:%d", r.ID)); err != nil {
				return err
			}
		}
		if err := s.touchCase(ctx, tx, r.CaseID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "request.add", "request", r.ID, audit.OK)
	})
	return r, err
}

// UpdateRequest saves a request's status and resolution (its domain,
// urgency and text stay as raised); r.Version must be the version the
// editor started from. A request whose case is not r.CaseID (when set) is
// not found; the case must be open. The returned request carries the
// stored fields with the resolution as saved; its text is not opened again
// (it is r.Text as given).
func (s *Store) UpdateRequest(ctx context.Context, r cases.Request) (cases.Request, error) {
	if err := checkVersion(r.Version); err != nil {
		return r, err
	}
	r.Resolution = strings.TrimSpace(r.Resolution)
	f := map[string]string{}
	if !slices.Contains(cases.RequestStatuses, r.Status) {
		f["status"] = "validation.choice"
	}
	text.Check(f, "resolution", r.Resolution, false, true, cases.MaxLong)
	if len(f) > 0 {
		return r, errs.Invalid(f)
	}
	var out cases.Request
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, _, _, err := scanRequest(tx.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM requests WHERE id = $1`, r.ID))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && r.CaseID != 0 && r.CaseID != cur.CaseID) {
			return errs.NotFound("request")
		}
		if err != nil {
			return s.wrap(err, "read request")
		}
		ct, err := s.lockCase(ctx, tx, cur.CaseID)
		if err != nil {
			return err
		}
		if !ct.State.Open() {
			return workRefuseClosed()
		}
		now := s.now()
		var resolved *time.Time
		switch {
		case requestFinished(r.Status) && cur.ResolvedAt != nil:
			resolved = cur.ResolvedAt
		case requestFinished(r.Status):
			resolved = &now
		}
		res, err := tx.ExecContext(ctx, `UPDATE requests SET status = $1, resolved_at = $2, updated_at = $3,
			version = version + 1 WHERE id = $4 AND version = $5`,
			string(r.Status), s.nullTS(resolved), s.ts(now), r.ID, r.Version)
		if err != nil {
			return s.wrap(err, "update request")
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.wrap(err, "update request")
		} else if n == 0 {
			return workStale("request")
		}
		key, err := s.dataKey(ctx, tx, ct.KeyID)
		if err != nil {
			return err
		}
		if err := s.sealRequest(ctx, tx, key, cases.Request{ID: r.ID, Resolution: r.Resolution}, false); err != nil {
			return err
		}
		if err := s.countUrgent(ctx, tx, cur.CaseID); err != nil {
			return err
		}
		if err := s.touchCase(ctx, tx, cur.CaseID); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, "request.update", "request", r.ID, audit.OK); err != nil {
			return err
		}
		out, _, _, err = scanRequest(tx.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM requests WHERE id = $1`, r.ID))
		return s.wrap(err, "read request")
	})
	if err != nil {
		return r, err
	}
	out.Text, out.Resolution = r.Text, r.Resolution
	names, err := s.UserNames(ctx, []int64{out.RecordedBy})
	out.RecordedByName = names[out.RecordedBy]
	return out, err
}

// GetRequest returns one request with its text opened (audited as request.read).
func (s *Store) GetRequest(ctx context.Context, id int64) (cases.Request, error) {
	r, txt, res, err := scanRequest(s.read.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM requests WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Request{}, errs.NotFound("request")
	}
	if err != nil {
		return cases.Request{}, s.wrap(err, "read request")
	}
	key, err := s.caseKey(ctx, s.read, r.CaseID)
	if err != nil {
		return cases.Request{}, err
	}
	if err := s.openRequest(key, &r, txt, res); err != nil {
		return cases.Request{}, err
	}
	names, err := s.UserNames(ctx, []int64{r.RecordedBy})
	if err != nil {
		return cases.Request{}, err
	}
	r.RecordedByName = names[r.RecordedBy]
	if err := s.Audit(ctx, "request.read", "request", id, audit.OK); err != nil {
		return cases.Request{}, err
	}
	return r, nil
}

// Requests returns the case's requests, newest first, with text and
// resolution opened (audited once as case.requests_read when there are any).
func (s *Store) Requests(ctx context.Context, caseID int64) ([]cases.Request, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+requestColumns+` FROM requests WHERE case_id = $1
		ORDER BY created_at DESC, id DESC`, caseID)
	if err != nil {
		return nil, s.wrap(err, "list requests")
	}
	defer rows.Close()
	var out []cases.Request
	var sealed [][2][]byte
	for rows.Next() {
		r, txt, res, err := scanRequest(rows)
		if err != nil {
			return nil, s.wrap(err, "read request")
		}
		out = append(out, r)
		sealed = append(sealed, [2][]byte{txt, res})
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list requests")
	}
	rows.Close()
	if len(out) == 0 {
		return nil, nil
	}
	key, err := s.caseKey(ctx, s.read, caseID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i := range out {
		if err := s.openRequest(key, &out[i], sealed[i][0], sealed[i][1]); err != nil {
			return nil, err
		}
		ids[i] = out[i].RecordedBy
	}
	names, err := s.UserNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].RecordedByName = names[out[i].RecordedBy]
	}
	if err := s.Audit(ctx, "case.requests_read", "case", caseID, audit.OK); err != nil {
		return nil, err
	}
	return out, nil
}

// RequestTimes returns when each request of the case's current period was
// raised, oldest first, without opening anything (for the signals).
func (s *Store) RequestTimes(ctx context.Context, caseID int64) ([]time.Time, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT r.created_at FROM requests r JOIN cases c ON c.id = r.case_id
		WHERE r.case_id = $1 AND r.period = c.period ORDER BY r.created_at, r.id`, caseID)
	if err != nil {
		return nil, s.wrap(err, "list request times")
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return nil, s.wrap(err, "read request time")
		}
		out = append(out, t.UTC())
	}
	return out, s.wrap(rows.Err(), "list request times")
}

// urgentOpen is the condition of a request (alias r) that makes its case
// urgent: raised "right away", not resolved or declined yet.
const urgentOpen = `r.urgency = 'urgent' AND r.status IN ('open', 'in_progress')`

// countUrgent keeps cases.urgent_requests, the case's open urgent
// requests, which the case list filters and the home pages count by.
func (s *Store) countUrgent(ctx context.Context, tx *sql.Tx, caseIDs ...int64) error {
	for _, id := range caseIDs {
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET urgent_requests = (SELECT COUNT(*) FROM requests r
			WHERE r.case_id = $1 AND `+urgentOpen+`) WHERE id = $1`, id); err != nil {
			return s.wrap(err, "count urgent requests")
		}
	}
	return nil
}
