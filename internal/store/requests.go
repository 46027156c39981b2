package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/text"
)

// The work on a case: needs, plan steps, contacts, requests and notes.
// Every write runs in one transaction with its audit entry and moves the
// case's version (touchCase); every read that opens sealed text records
// one audit entry, and a read that opens nothing records none.

// workRefuseClosed refuses a change to a closed case.
func workRefuseClosed() error {
	return errs.Conflict("The case is closed. Reopen it first.", map[string]string{"state": "case.refused.closed"})
}

// workRefuseReferred refuses a contact on a case nobody has taken in yet.
func workRefuseReferred() error {
	return errs.Conflict("Take the person in first: nobody has talked to them yet.", map[string]string{"state": "case.refused.referred"})
}

// workStale refuses a write that started from an older version of what.
func workStale(what string) error {
	return errs.Conflict("Someone else changed this "+what+" while you were editing it. Reload to see their change, then edit again.", nil)
}

// workVersion checks a version sent back by an editor.
func workVersion(v int) error {
	if v < 1 || v > math.MaxInt32 {
		return errs.Invalid(map[string]string{"version": "validation.version_required"})
	}
	return nil
}

// workUser is a user id as a query argument: NULL for 0.
func workUser(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// workLater returns the later of a stored time (maybe nil) and t.
func workLater(old *time.Time, t time.Time) *time.Time {
	if old != nil && old.After(t) {
		return old
	}
	return &t
}

// workDate turns a date into midnight UTC of the same calendar day.
func workDate(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return &d
}

// caseDomains reads the need domains of the case's program.
func (s *Store) caseDomains(ctx context.Context, q queryer, caseID int64) ([]string, error) {
	var raw string
	err := q.QueryRowContext(ctx, `SELECT p.need_domains FROM cases c JOIN programs p ON p.id = c.program_id WHERE c.id = $1`, caseID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("case")
	}
	if err != nil {
		return nil, s.wrap(err, "read need domains")
	}
	var domains []string
	if err := json.Unmarshal([]byte(raw), &domains); err != nil {
		return nil, errs.Internal(fmt.Errorf("decode need domains: %w", err))
	}
	return domains, nil
}

// ---- Needs ----

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
				workUser(prevID), workUser(actorID), s.ts(now)); err != nil {
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

// ---- Plan steps ----

const planStepColumns = `id, case_id, period, title, domain, owner, due_on, status, done_at, version, created_at, updated_at`

func scanPlanStep(r scanner) (cases.PlanStep, error) {
	var st cases.PlanStep
	var due, done sql.Null[time.Time]
	err := r.Scan(&st.ID, &st.CaseID, &st.Period, &st.Title, &st.Domain, &st.Owner, &due, &st.Status, &done,
		&st.Version, &st.CreatedAt, &st.UpdatedAt)
	st.DueOn, st.DoneAt = nullTime(due), nullTime(done)
	st.CreatedAt, st.UpdatedAt = st.CreatedAt.UTC(), st.UpdatedAt.UTC()
	return st, err
}

// AddPlanStep adds a step to the current period's plan of an open case. The
// status defaults to open.
func (s *Store) AddPlanStep(ctx context.Context, st cases.PlanStep) (cases.PlanStep, error) {
	st.Normalize()
	if st.Status == "" {
		st.Status = cases.StepOpen
	}
	st.DueOn = workDate(st.DueOn)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, st.CaseID)
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
		if err := st.Validate(p.NeedDomains); err != nil {
			return err
		}
		now := s.now()
		st.Period, st.Version, st.CreatedAt, st.UpdatedAt, st.DoneAt = ct.Period, 1, now, now, nil
		if st.Status == cases.StepDone {
			st.DoneAt = &now
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO plan_steps (case_id, period, title, domain, owner, due_on,
			status, done_at, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id`,
			st.CaseID, st.Period, st.Title, st.Domain, string(st.Owner), s.nullTS(st.DueOn), string(st.Status),
			s.nullTS(st.DoneAt), s.ts(now)).Scan(&st.ID); err != nil {
			return s.wrap(err, "insert plan step")
		}
		if err := s.touchCase(ctx, tx, st.CaseID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "plan_step.add", "plan_step", st.ID, audit.OK)
	})
	return st, err
}

// UpdatePlanStep saves a step's title, domain, owner, due date and status;
// st.Version must be the version the editor started from. The step stays on
// its case and period: a step whose case is not st.CaseID (when set) is not
// found. The case must be open.
func (s *Store) UpdatePlanStep(ctx context.Context, st cases.PlanStep) (cases.PlanStep, error) {
	st.Normalize()
	st.DueOn = workDate(st.DueOn)
	if err := workVersion(st.Version); err != nil {
		return st, err
	}
	var out cases.PlanStep
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := scanPlanStep(tx.QueryRowContext(ctx, `SELECT `+planStepColumns+` FROM plan_steps WHERE id = $1`, st.ID))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && st.CaseID != 0 && st.CaseID != cur.CaseID) {
			return errs.NotFound("plan step")
		}
		if err != nil {
			return s.wrap(err, "read plan step")
		}
		ct, err := s.lockCase(ctx, tx, cur.CaseID)
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
		if err := st.Validate(p.NeedDomains); err != nil {
			return err
		}
		now := s.now()
		var done *time.Time
		switch {
		case st.Status == cases.StepDone && cur.DoneAt != nil:
			done = cur.DoneAt
		case st.Status == cases.StepDone:
			done = &now
		}
		res, err := tx.ExecContext(ctx, `UPDATE plan_steps SET title = $1, domain = $2, owner = $3, due_on = $4,
			status = $5, done_at = $6, version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9`,
			st.Title, st.Domain, string(st.Owner), s.nullTS(st.DueOn), string(st.Status), s.nullTS(done), s.ts(now),
			st.ID, st.Version)
		if err != nil {
			return s.wrap(err, "update plan step")
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.wrap(err, "update plan step")
		} else if n == 0 {
			return workStale("plan step")
		}
		if err := s.touchCase(ctx, tx, cur.CaseID); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, "plan_step.update", "plan_step", st.ID, audit.OK); err != nil {
			return err
		}
		out, err = scanPlanStep(tx.QueryRowContext(ctx, `SELECT `+planStepColumns+` FROM plan_steps WHERE id = $1`, st.ID))
		return s.wrap(err, "read plan step")
	})
	if err != nil {
		return st, err
	}
	return out, nil
}

// GetPlanStep returns one plan step.
func (s *Store) GetPlanStep(ctx context.Context, id int64) (cases.PlanStep, error) {
	st, err := scanPlanStep(s.read.QueryRowContext(ctx, `SELECT `+planStepColumns+` FROM plan_steps WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return st, errs.NotFound("plan step")
	}
	return st, s.wrap(err, "read plan step")
}

// PlanSteps returns the case's plan steps, current period first (then the
// earlier ones, newest first), then by due date with undated steps last,
// then in the order they were added.
func (s *Store) PlanSteps(ctx context.Context, caseID int64) ([]cases.PlanStep, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+planStepColumns+` FROM plan_steps WHERE case_id = $1
		ORDER BY period DESC, due_on IS NULL, due_on, id`, caseID)
	if err != nil {
		return nil, s.wrap(err, "list plan steps")
	}
	defer rows.Close()
	var out []cases.PlanStep
	for rows.Next() {
		st, err := scanPlanStep(rows)
		if err != nil {
			return nil, s.wrap(err, "read plan step")
		}
		out = append(out, st)
	}
	return out, s.wrap(rows.Err(), "list plan steps")
}

// ---- Contacts ----

// AddContact records a contact (its summary sealed) and moves the case's
// last contact and the next one due. The case must be open and taken in
// (not referred).
func (s *Store) AddContact(ctx context.Context, c cases.Contact) (cases.Contact, error) {
	c.At = c.At.UTC().Truncate(time.Microsecond)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, c.CaseID)
		if err != nil {
			return err
		}
		switch {
		case !ct.State.Open():
			return workRefuseClosed()
		case ct.State == cases.Referred:
			return workRefuseReferred()
		}
		p, err := s.programTx(ctx, tx, ct.ProgramID)
		if err != nil {
			return err
		}
		now := s.now()
		if err := c.Validate(p.NeedDomains, now); err != nil {
			return err
		}
		needs, err := json.Marshal(workDistinct(c.Needs))
		if err != nil {
			return errs.Internal(err)
		}
		c.CreatedAt = now
		if err := tx.QueryRowContext(ctx, `INSERT INTO contacts (case_id, at, channel, minutes, needs, recorded_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			c.CaseID, s.ts(c.At), string(c.Channel), c.Minutes, string(needs), workUser(c.RecordedBy), s.ts(now)).Scan(&c.ID); err != nil {
			return s.wrap(err, "insert contact")
		}
		if c.Summary != "" {
			key, err := s.dataKey(ctx, tx, ct.KeyID)
			if err != nil {
				return err
			}
			sealed, err := s.sealField(key, "contacts", "summary_sealed", c.ID, c.Summary)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE contacts SET summary_sealed = $1 WHERE id = $2`, sealed, c.ID); err != nil {
				return s.wrap(err, "seal contact summary")
			}
		}
		ct.LastContactAt = workLater(ct.LastContactAt, c.At)
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET last_contact_at = $1 WHERE id = $2`, s.ts(*ct.LastContactAt), c.CaseID); err != nil {
			return s.wrap(err, "move last contact")
		}
		if err := s.refreshSignals(ctx, tx, ct.Case); err != nil {
			return err
		}
		if err := s.touchCase(ctx, tx, c.CaseID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "contact.add", "contact", c.ID, audit.OK)
	})
	return c, err
}

// workDistinct drops repeated values, keeping the first of each.
func workDistinct(l []string) []string {
	out := []string{}
	for _, v := range l {
		if !workHas(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// Contacts returns one keyset page of the case's contacts, newest first,
// with the summaries opened (audited once per call as case.contacts_read
// when the page holds any contact).
func (s *Store) Contacts(ctx context.Context, caseID int64, p Page) ([]cases.Contact, string, error) {
	k, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := p.limit()
	where, args := "case_id = $1", []any{caseID}
	if p.Cursor != "" {
		at, err := time.Parse(time.RFC3339Nano, k.S)
		if err != nil {
			return nil, "", errs.Invalid(map[string]string{"cursor": "validation.cursor"})
		}
		where += " AND (at, id) < ($2, $3)"
		args = append(args, s.ts(at), k.ID)
	}
	args = append(args, limit+1)
	rows, err := s.read.QueryContext(ctx, `SELECT id, case_id, at, channel, minutes, summary_sealed, needs,
		COALESCE(recorded_by, 0), created_at FROM contacts WHERE `+where+` ORDER BY at DESC, id DESC LIMIT $`+itoa(len(args)), args...)
	if err != nil {
		return nil, "", s.wrap(err, "list contacts")
	}
	defer rows.Close()
	var out []cases.Contact
	var sealed [][]byte
	for rows.Next() {
		var c cases.Contact
		var sum []byte
		var needs string
		if err := rows.Scan(&c.ID, &c.CaseID, &c.At, &c.Channel, &c.Minutes, &sum, &needs, &c.RecordedBy, &c.CreatedAt); err != nil {
			return nil, "", s.wrap(err, "read contact")
		}
		c.At, c.CreatedAt = c.At.UTC(), c.CreatedAt.UTC()
		if err := json.Unmarshal([]byte(needs), &c.Needs); err != nil {
			return nil, "", errs.Internal(fmt.Errorf("decode contact needs: %w", err))
		}
		out = append(out, c)
		sealed = append(sealed, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.wrap(err, "list contacts")
	}
	rows.Close()
	next := ""
	if len(out) > limit {
		out, sealed = out[:limit], sealed[:limit]
		last := out[limit-1]
		next = encodeCursor(cursorKey{S: last.At.Format(time.RFC3339Nano), ID: last.ID})
	}
	if len(out) == 0 {
		return nil, "", nil
	}
	key, err := s.caseKey(ctx, s.read, caseID)
	if err != nil {
		return nil, "", err
	}
	ids := make([]int64, len(out))
	for i := range out {
		if out[i].Summary, err = s.openField(key, sealed[i], "contacts", "summary_sealed", out[i].ID); err != nil {
			return nil, "", err
		}
		ids[i] = out[i].RecordedBy
	}
	names, err := s.UserNames(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	for i := range out {
		out[i].RecordedByName = names[out[i].RecordedBy]
	}
	if err := s.Audit(ctx, "case.contacts_read", "case", caseID, audit.OK); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// ---- Requests ----

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
			r.CaseID, ct.Period, r.Domain, string(r.Urgency), string(r.Status), r.RaisedByMentee, workUser(r.RecordedBy),
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
	if err := workVersion(r.Version); err != nil {
		return r, err
	}
	r.Resolution = strings.TrimSpace(r.Resolution)
	f := map[string]string{}
	if !workHas(cases.RequestStatuses, r.Status) {
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

func workHas[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
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

// ---- Notes ----

// AddNote adds a sealed note to a case (in any state: a note may follow a
// closure).
func (s *Store) AddNote(ctx context.Context, n cases.Note) (cases.Note, error) {
	if err := n.Validate(); err != nil {
		return n, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, n.CaseID)
		if err != nil {
			return err
		}
		key, err := s.dataKey(ctx, tx, ct.KeyID)
		if err != nil {
			return err
		}
		n.CreatedAt = s.now()
		// body_sealed is NOT NULL: the row goes in with an empty value and
		// is sealed once its id, which the seal is bound to, is known.
		if err := tx.QueryRowContext(ctx, `INSERT INTO notes (case_id, visibility, body_sealed, author_id, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			n.CaseID, string(n.Visibility), []byte{}, workUser(n.AuthorID), s.ts(n.CreatedAt)).Scan(&n.ID); err != nil {
			return s.wrap(err, "insert note")
		}
		sealed, err := s.sealField(key, "notes", "body_sealed", n.ID, n.Body)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notes SET body_sealed = $1 WHERE id = $2`, sealed, n.ID); err != nil {
			return s.wrap(err, "seal note")
		}
		if err := s.touchCase(ctx, tx, n.CaseID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "note.add", "note", n.ID, audit.OK)
	})
	return n, err
}

// Notes returns the case's notes of the given visibilities, newest first,
// opened (audited once as case.notes_read when there are any). No
// visibility returns nothing.
func (s *Store) Notes(ctx context.Context, caseID int64, vis []cases.Visibility) ([]cases.Note, error) {
	if len(vis) == 0 {
		return nil, nil
	}
	args := []any{caseID}
	ph := make([]string, len(vis))
	for i, v := range vis {
		args = append(args, string(v))
		ph[i] = "$" + itoa(len(args))
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, case_id, visibility, body_sealed, COALESCE(author_id, 0), created_at
		FROM notes WHERE case_id = $1 AND visibility IN (`+strings.Join(ph, ", ")+`) ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		return nil, s.wrap(err, "list notes")
	}
	defer rows.Close()
	var out []cases.Note
	var sealed [][]byte
	for rows.Next() {
		var n cases.Note
		var body []byte
		if err := rows.Scan(&n.ID, &n.CaseID, &n.Visibility, &body, &n.AuthorID, &n.CreatedAt); err != nil {
			return nil, s.wrap(err, "read note")
		}
		n.CreatedAt = n.CreatedAt.UTC()
		out = append(out, n)
		sealed = append(sealed, body)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list notes")
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
		if out[i].Body, err = s.openField(key, sealed[i], "notes", "body_sealed", out[i].ID); err != nil {
			return nil, err
		}
		ids[i] = out[i].AuthorID
	}
	names, err := s.UserNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].AuthorName = names[out[i].AuthorID]
	}
	if err := s.Audit(ctx, "case.notes_read", "case", caseID, audit.OK); err != nil {
		return nil, err
	}
	return out, nil
}
