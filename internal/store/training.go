package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/errs"
	"homeward/internal/mentors"
)

const moduleColumns = `id, program_id, title, description, required, archived, position, hours, version, created_at, updated_at`

func scanModule(r scanner) (mentors.Module, error) {
	var m mentors.Module
	err := r.Scan(&m.ID, &m.ProgramID, &m.Title, &m.Description, &m.Required, &m.Archived, &m.Position,
		&m.Hours, &m.Version, &m.CreatedAt, &m.UpdatedAt)
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return m, err
}

// Modules returns the training modules of a program in their order,
// archived ones last.
func (s *Store) Modules(ctx context.Context, programID int64) ([]mentors.Module, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+moduleColumns+` FROM training_modules WHERE program_id = $1
		ORDER BY archived, position, id`, programID)
	if err != nil {
		return nil, s.wrap(err, "list modules")
	}
	defer rows.Close()
	out := []mentors.Module{}
	for rows.Next() {
		m, err := scanModule(rows)
		if err != nil {
			return nil, s.wrap(err, "scan module")
		}
		out = append(out, m)
	}
	return out, s.wrap(rows.Err(), "list modules")
}

// GetModule returns one module or errs.NotFound.
func (s *Store) GetModule(ctx context.Context, id int64) (mentors.Module, error) {
	m, err := scanModule(s.read.QueryRowContext(ctx, `SELECT `+moduleColumns+` FROM training_modules WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, errs.NotFound("training module")
	}
	return m, s.wrap(err, "read module")
}

// CreateModule validates and stores a new module of m.ProgramID.
func (s *Store) CreateModule(ctx context.Context, m mentors.Module) (mentors.Module, error) {
	m.Normalize()
	if err := m.Validate(); err != nil {
		return m, err
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.programTx(ctx, tx, m.ProgramID); err != nil {
			return err
		}
		now := s.ts(s.now())
		err := tx.QueryRowContext(ctx, `INSERT INTO training_modules (program_id, title, description, required, archived,
			position, hours, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id`,
			m.ProgramID, m.Title, m.Description, m.Required, m.Archived, m.Position, m.Hours, now).Scan(&id)
		if err != nil {
			return s.wrap(err, "insert module")
		}
		return s.appendAudit(ctx, tx, "training_module.create", "training_module", id, audit.OK)
	})
	if err != nil {
		return m, err
	}
	return s.GetModule(ctx, id)
}

// UpdateModule stores an edited module; m.Version must be the version the
// editor started from (errs.Conflict when someone saved meanwhile). The
// program of a module does not change.
func (s *Store) UpdateModule(ctx context.Context, m mentors.Module) (mentors.Module, error) {
	m.Normalize()
	if err := m.Validate(); err != nil {
		return m, err
	}
	if err := checkVersion(m.Version); err != nil {
		return m, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE training_modules SET title = $1, description = $2, required = $3,
			archived = $4, position = $5, hours = $6, version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9`,
			m.Title, m.Description, m.Required, m.Archived, m.Position, m.Hours, s.ts(s.now()), m.ID, m.Version)
		if err != nil {
			return s.wrap(err, "update module")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists bool
			if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM training_modules WHERE id = $1`, m.ID).Scan(&exists); err != nil {
				return s.wrap(err, "update module")
			}
			if !exists {
				return errs.NotFound("training module")
			}
			return errs.Conflict("Someone else changed this module meanwhile. Reload to see their change.", nil)
		}
		return s.appendAudit(ctx, tx, "training_module.update", "training_module", m.ID, audit.OK)
	})
	if err != nil {
		return m, err
	}
	return s.GetModule(ctx, m.ID)
}

// MentorTraining returns the modules of the mentor's program (archived ones
// only where the mentor completed them) with the mentor's completions.
func (s *Store) MentorTraining(ctx context.Context, mentorID int64) ([]mentors.ModuleProgress, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT t.id, t.program_id, t.title, t.description, t.required, t.archived,
		t.position, t.hours, t.version, t.created_at, t.updated_at,
		COALESCE(tc.status, ''), tc.reported_at, COALESCE(tc.confirmed_by, 0), COALESCE(NULLIF(u.name, ''), u.email, ''), tc.confirmed_at
		FROM mentors m JOIN training_modules t ON t.program_id = m.program_id
		LEFT JOIN training_completions tc ON tc.module_id = t.id AND tc.mentor_id = m.id
		LEFT JOIN users u ON u.id = tc.confirmed_by
		WHERE m.id = $1 AND (NOT t.archived OR tc.mentor_id IS NOT NULL)
		ORDER BY t.archived, t.position, t.id`, mentorID)
	if err != nil {
		return nil, s.wrap(err, "list training")
	}
	defer rows.Close()
	out := []mentors.ModuleProgress{}
	for rows.Next() {
		var p mentors.ModuleProgress
		var status string
		var reported, confirmed sql.Null[time.Time]
		m := &p.Module
		if err := rows.Scan(&m.ID, &m.ProgramID, &m.Title, &m.Description, &m.Required, &m.Archived, &m.Position,
			&m.Hours, &m.Version, &m.CreatedAt, &m.UpdatedAt, &status, &reported, &p.Completion.ConfirmedBy,
			&p.Completion.ConfirmedByName, &confirmed); err != nil {
			return nil, s.wrap(err, "scan training")
		}
		m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
		p.Completion.MentorID, p.Completion.ModuleID = mentorID, m.ID
		p.Completion.Status = mentors.CompletionStatus(status)
		p.Completion.ReportedAt, p.Completion.ConfirmedAt = nullTime(reported), nullTime(confirmed)
		out = append(out, p)
	}
	return out, s.wrap(rows.Err(), "list training")
}

// SetCompletion records a mentor's completion of a module of their program:
// by the mentor themself (byMentor: only "reported", or withdrawing a
// report that is not confirmed yet), or by a coordinator ("confirmed", or
// NotDone to withdraw). Confirming a report keeps when it was reported.
func (s *Store) SetCompletion(ctx context.Context, mentorID, moduleID int64, status mentors.CompletionStatus, byMentor bool, actorID int64) error {
	switch {
	case byMentor && status != mentors.Reported && status != mentors.NotDone,
		!byMentor && status != mentors.Confirmed && status != mentors.NotDone:
		return errs.Invalid(map[string]string{"status": "validation.choice"})
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var ok bool
		err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM mentors m JOIN training_modules t ON t.program_id = m.program_id
			WHERE m.id = $1 AND t.id = $2`, mentorID, moduleID).Scan(&ok)
		if err != nil {
			return s.wrap(err, "check module")
		}
		if !ok {
			return errs.Invalid(map[string]string{"module_id": "validation.module_of_program"})
		}
		var cur string
		err = tx.QueryRowContext(ctx, `SELECT status FROM training_completions WHERE mentor_id = $1 AND module_id = $2`,
			mentorID, moduleID).Scan(&cur)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return s.wrap(err, "read completion")
		}
		if byMentor && cur == string(mentors.Confirmed) {
			return errs.Conflict("A coordinator has confirmed this module already.", map[string]string{"status": "training.refused.confirmed"})
		}
		now := s.ts(s.now())
		switch status {
		case mentors.NotDone:
			if _, err := tx.ExecContext(ctx, `DELETE FROM training_completions WHERE mentor_id = $1 AND module_id = $2`, mentorID, moduleID); err != nil {
				return s.wrap(err, "withdraw completion")
			}
		case mentors.Reported:
			if _, err := tx.ExecContext(ctx, `INSERT INTO training_completions (mentor_id, module_id, status, reported_at)
				VALUES ($1, $2, 'reported', $3) ON CONFLICT (mentor_id, module_id) DO NOTHING`, mentorID, moduleID, now); err != nil {
				return s.wrap(err, "report completion")
			}
		case mentors.Confirmed:
			if _, err := tx.ExecContext(ctx, `INSERT INTO training_completions (mentor_id, module_id, status, confirmed_by, confirmed_at)
				VALUES ($1, $2, 'confirmed', $3, $4) ON CONFLICT (mentor_id, module_id)
				DO UPDATE SET status = 'confirmed', confirmed_by = $3, confirmed_at = $4`, mentorID, moduleID, nullID(actorID), now); err != nil {
				return s.wrap(err, "confirm completion")
			}
		}
		if err := s.touchMentor(ctx, tx, mentorID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "mentor.training_"+completionAction(status, byMentor), "mentor", mentorID, audit.OK)
	})
}

// TrainingHours sums the hours of the training modules of the programs
// whose completion a coordinator confirmed in [from, to): the training
// time mentors gave, for a funder's match funding. A module of unknown
// length (0 hours) adds nothing; an archived module's confirmed
// completions still count, as the time was given.
func (s *Store) TrainingHours(ctx context.Context, programIDs []int64, from, to time.Time) (float64, error) {
	return s.trainingHours(ctx, s.read, programIDs, from, to)
}

// trainingHours is TrainingHours on q: the reader, or a report's transaction.
func (s *Store) trainingHours(ctx context.Context, q queryer, programIDs []int64, from, to time.Time) (float64, error) {
	args := []any{s.ts(from), s.ts(to)}
	var marks []string
	for _, id := range programIDs {
		args = append(args, id)
		marks = append(marks, "$"+itoa(len(args)))
	}
	if len(marks) == 0 {
		return 0, nil
	}
	var hours float64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(sum(t.hours), 0) FROM training_completions tc
		JOIN training_modules t ON t.id = tc.module_id
		WHERE tc.status = 'confirmed' AND tc.confirmed_at >= $1 AND tc.confirmed_at < $2
		AND t.program_id IN (`+strings.Join(marks, ", ")+`)`, args...).Scan(&hours)
	return hours, s.wrap(err, "sum training hours")
}

func completionAction(st mentors.CompletionStatus, byMentor bool) string {
	switch {
	case st == mentors.NotDone:
		return "withdraw"
	case byMentor:
		return "report"
	}
	return "confirm"
}
