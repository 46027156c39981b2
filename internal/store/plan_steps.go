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

// Plan steps: the steps of a case's plan, one plan per period, each edit
// saved against the version its editor started from. Every write follows
// the rules in case_work.go.

// workDate turns a date into midnight UTC of the same calendar day.
func workDate(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return &d
}

// A plan step's title is sealed under the mentee's data key (title_sealed):
// what a person plans tells about them.
const planStepColumns = `id, case_id, period, title_sealed, domain, owner, due_on, status, done_at, version, created_at, updated_at`

// scanPlanStep reads a step and its sealed title (opened by openPlanStep).
func scanPlanStep(r scanner) (cases.PlanStep, []byte, error) {
	var st cases.PlanStep
	var title []byte
	var due, done sql.Null[time.Time]
	err := r.Scan(&st.ID, &st.CaseID, &st.Period, &title, &st.Domain, &st.Owner, &due, &st.Status, &done,
		&st.Version, &st.CreatedAt, &st.UpdatedAt)
	st.DueOn, st.DoneAt = nullTime(due), nullTime(done)
	st.CreatedAt, st.UpdatedAt = st.CreatedAt.UTC(), st.UpdatedAt.UTC()
	return st, title, err
}

// planStep reads one step with its title opened.
func (s *Store) planStep(ctx context.Context, q queryer, id int64) (cases.PlanStep, error) {
	st, title, err := scanPlanStep(q.QueryRowContext(ctx, `SELECT `+planStepColumns+` FROM plan_steps WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return st, errs.NotFound("plan step")
	}
	if err != nil {
		return st, s.wrap(err, "read plan step")
	}
	key, err := s.caseKey(ctx, q, st.CaseID)
	if err != nil {
		return st, err
	}
	st.Title, err = s.openField(key, title, "plan_steps", "title_sealed", st.ID)
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
			status, done_at, version, created_at, updated_at) VALUES ($1, $2, '', $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id`,
			st.CaseID, st.Period, st.Domain, string(st.Owner), s.nullTS(st.DueOn), string(st.Status),
			s.nullTS(st.DoneAt), s.ts(now)).Scan(&st.ID); err != nil {
			return s.wrap(err, "insert plan step")
		}
		if err := s.sealPlanStepTitle(ctx, tx, st.CaseID, st.ID, st.Title); err != nil {
			return err
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
	if err := checkVersion(st.Version); err != nil {
		return st, err
	}
	var out cases.PlanStep
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, _, err := scanPlanStep(tx.QueryRowContext(ctx, `SELECT `+planStepColumns+` FROM plan_steps WHERE id = $1`, st.ID))
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
		res, err := tx.ExecContext(ctx, `UPDATE plan_steps SET domain = $1, owner = $2, due_on = $3,
			status = $4, done_at = $5, version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8`,
			st.Domain, string(st.Owner), s.nullTS(st.DueOn), string(st.Status), s.nullTS(done), s.ts(now),
			st.ID, st.Version)
		if err != nil {
			return s.wrap(err, "update plan step")
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.wrap(err, "update plan step")
		} else if n == 0 {
			return workStale("plan step")
		}
		if err := s.sealPlanStepTitle(ctx, tx, cur.CaseID, st.ID, st.Title); err != nil {
			return err
		}
		if err := s.touchCase(ctx, tx, cur.CaseID); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, "plan_step.update", "plan_step", st.ID, audit.OK); err != nil {
			return err
		}
		out, err = s.planStep(ctx, tx, st.ID)
		return err
	})
	if err != nil {
		return st, err
	}
	return out, nil
}

// GetPlanStep returns one plan step of the case (any case when caseID is
// 0), its title opened; the read is audited (case.plan_read). A step of
// another case is not found, before anything sealed is opened.
func (s *Store) GetPlanStep(ctx context.Context, caseID, id int64) (cases.PlanStep, error) {
	st, title, err := scanPlanStep(s.read.QueryRowContext(ctx, `SELECT `+planStepColumns+` FROM plan_steps
		WHERE id = $1 AND ($2 = 0 OR case_id = $2)`, id, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return st, errs.NotFound("plan step")
	}
	if err != nil {
		return st, s.wrap(err, "read plan step")
	}
	titles := caseTexts{table: "plan_steps", column: "title_sealed"}
	titles.add(st.ID, title)
	return st, titles.open(ctx, s, st.CaseID, "case.plan_read", func(_ int, t string) { st.Title = t })
}

// PlanStepRef returns one plan step without its title: who owns it and on
// which case, for a check before anything sealed is opened.
func (s *Store) PlanStepRef(ctx context.Context, id int64) (cases.PlanStep, error) {
	st, _, err := scanPlanStep(s.read.QueryRowContext(ctx, `SELECT `+planStepColumns+` FROM plan_steps WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return st, errs.NotFound("plan step")
	}
	return st, s.wrap(err, "read plan step")
}

// sealPlanStepTitle seals and stores a step's title.
func (s *Store) sealPlanStepTitle(ctx context.Context, tx *sql.Tx, caseID, id int64, title string) error {
	key, err := s.caseKey(ctx, tx, caseID)
	if err != nil {
		return err
	}
	sealed, err := s.sealField(key, "plan_steps", "title_sealed", id, title)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE plan_steps SET title_sealed = $1 WHERE id = $2`, sealed, id)
	return s.wrap(err, "seal plan step")
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
	titles := caseTexts{table: "plan_steps", column: "title_sealed"}
	for rows.Next() {
		st, title, err := scanPlanStep(rows)
		if err != nil {
			return nil, s.wrap(err, "read plan step")
		}
		out = append(out, st)
		titles.add(st.ID, title)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list plan steps")
	}
	rows.Close()
	return out, titles.open(ctx, s, caseID, "case.plan_read", func(i int, t string) { out[i].Title = t })
}
