package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"homeward/internal/audit"
	"homeward/internal/errs"
	"homeward/internal/program"
)

const programColumns = `id, name, description, languages, countries, mentor_capacity,
	cadence_first_weeks, cadence_first_per_week, cadence_later_per_week, quiet_weeks,
	duration_min_months, duration_max_months, custody_enabled, custody_months_before,
	custody_months_after, need_domains, mentee_second_factor, version, created_at, updated_at, applications_open,
	mentor_checks, hours_per_contact, match_weights, referral_reminder_days, own_outcome_kinds, funder_table, time_zone,
	case_code_pattern, retention_months`

// ProgramFilter narrows the program list.
type ProgramFilter struct {
	// Query matches programs whose name contains it, ignoring case.
	Query string
	// Scoped limits the list to the programs in IDs (policy.Programs); an
	// unscoped filter lists every program.
	Scoped bool
	IDs    []int64
}

// where adds the filter's conditions.
func (f ProgramFilter) where(where []string, args []any) ([]string, []any) {
	if q := nameKey(f.Query); q != "" {
		args = append(args, "%"+escapeLike(q)+"%")
		where = append(where, fmt.Sprintf(`name_key LIKE $%d ESCAPE '\'`, len(args)))
	}
	if f.Scoped {
		if len(f.IDs) == 0 {
			return append(where, "1 = 0"), args
		}
		marks := make([]string, len(f.IDs))
		for i, id := range f.IDs {
			args = append(args, id)
			marks[i] = fmt.Sprintf("$%d", len(args))
		}
		where = append(where, "id IN ("+strings.Join(marks, ", ")+")")
	}
	return where, args
}

// ListPrograms returns one page of programs ordered by name (ignoring case,
// the same order on both engines), and the cursor of
// the next page ("" on the last page).
func (s *Store) ListPrograms(ctx context.Context, f ProgramFilter, p Page) ([]program.Program, string, error) {
	k, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := p.limit()
	where, args := f.where([]string{"1 = 1"}, nil)
	if p.Cursor != "" {
		// name_key is unique, so it alone is the keyset position.
		args = append(args, k.S)
		where = append(where, fmt.Sprintf("name_key > $%d", len(args)))
	}
	args = append(args, limit+1)
	q := fmt.Sprintf(`SELECT %s FROM programs WHERE %s ORDER BY name_key LIMIT $%d`,
		programColumns, strings.Join(where, " AND "), len(args))
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", s.wrap(err, "list programs")
	}
	defer rows.Close()
	var out []program.Program
	for rows.Next() {
		pr, err := scanProgram(rows)
		if err != nil {
			return nil, "", s.wrap(err, "scan program")
		}
		out = append(out, pr)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.wrap(err, "list programs")
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = encodeCursor(cursorKey{S: nameKey(last.Name), ID: last.ID})
	}
	return out, next, nil
}

// CountPrograms counts the programs that match the filter.
func (s *Store) CountPrograms(ctx context.Context, f ProgramFilter) (int, error) {
	where, args := f.where([]string{"1 = 1"}, nil)
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM programs WHERE `+strings.Join(where, " AND "), args...).Scan(&n)
	return n, s.wrap(err, "count programs")
}

// GetProgram returns one program or errs.NotFound.
func (s *Store) GetProgram(ctx context.Context, id int64) (program.Program, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+programColumns+` FROM programs WHERE id = $1`, id)
	p, err := scanProgram(row)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errs.NotFound("program")
	}
	return p, s.wrap(err, "get program")
}

// CreateProgram normalises, validates and stores a new program and returns it
// as stored.
func (s *Store) CreateProgram(ctx context.Context, p program.Program) (program.Program, error) {
	defer s.usersChanged()
	p.Normalize()
	if err := p.Validate(); err != nil {
		return p, err
	}

	now := s.now()
	p.CreatedAt, p.UpdatedAt, p.Version = now, now, 1
	langs, countries, domains := jsonList(p.Languages), jsonList(p.Countries), jsonList(p.NeedDomains)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO programs (name, name_key, description, languages,
			countries, mentor_capacity, cadence_first_weeks, cadence_first_per_week,
			cadence_later_per_week, quiet_weeks, duration_min_months, duration_max_months,
			custody_enabled, custody_months_before, custody_months_after, need_domains,
			version, created_at, updated_at, mentee_second_factor, applications_open, mentor_checks,
			hours_per_contact, match_weights, referral_reminder_days, own_outcome_kinds, funder_table, time_zone,
			case_code_pattern, retention_months)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27,
			$28, $29, $30)
			RETURNING id`,
			p.Name, nameKey(p.Name), p.Description, langs, countries, p.MentorCapacity,
			p.Cadence.FirstWeeks, p.Cadence.FirstPerWeek, p.Cadence.LaterPerWeek, p.QuietWeeks,
			p.DurationMin, p.DurationMax, p.Custody.Enabled, p.Custody.MonthsBefore,
			p.Custody.MonthsAfter, domains, p.Version, s.ts(p.CreatedAt), s.ts(p.UpdatedAt), p.MenteeSecondFactor, p.ApplicationsOpen,
			jsonList(p.MentorChecks), p.HoursPerContact, weightsJSON(p.MatchWeights), p.ReferralReminderDays,
			ownOutcomeKindsJSON(p.OwnOutcomeKinds), funderTableJSON(p.FunderTable), p.TimeZone,
			p.CaseCodePattern, p.RetentionMonths,
		).Scan(&p.ID)
		if err != nil {
			return s.nameTaken(s.wrap(err, "insert program"))
		}
		return s.appendAudit(ctx, tx, "program.create", "program", p.ID, audit.OK)
	})
	return p, err
}

// UpdateProgram stores the edited program. p.Version must be the version the
// editor started from: when someone else saved meanwhile, the update is refused
// with errs.Conflict instead of silently overwriting their change.
func (s *Store) UpdateProgram(ctx context.Context, p program.Program) (program.Program, error) {
	defer s.usersChanged()
	p.Normalize()
	if err := p.Validate(); err != nil {
		return p, err
	}

	if err := checkVersion(p.Version); err != nil {
		return p, err
	}
	p.UpdatedAt = s.now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE programs SET name = $1, name_key = $2,
			description = $3, languages = $4, countries = $5, mentor_capacity = $6,
			cadence_first_weeks = $7, cadence_first_per_week = $8, cadence_later_per_week = $9,
			quiet_weeks = $10, duration_min_months = $11, duration_max_months = $12,
			custody_enabled = $13, custody_months_before = $14, custody_months_after = $15,
			need_domains = $16, version = version + 1, updated_at = $17, mentee_second_factor = $20, applications_open = $21,
			mentor_checks = $22, hours_per_contact = $23, match_weights = $24, referral_reminder_days = $25,
			own_outcome_kinds = $26, funder_table = $27, time_zone = $28,
			case_code_pattern = $29, retention_months = $30
			WHERE id = $18 AND version = $19`,
			p.Name, nameKey(p.Name), p.Description, jsonList(p.Languages), jsonList(p.Countries),
			p.MentorCapacity, p.Cadence.FirstWeeks, p.Cadence.FirstPerWeek, p.Cadence.LaterPerWeek,
			p.QuietWeeks, p.DurationMin, p.DurationMax, p.Custody.Enabled, p.Custody.MonthsBefore,
			p.Custody.MonthsAfter, jsonList(p.NeedDomains), s.ts(p.UpdatedAt), p.ID, p.Version, p.MenteeSecondFactor, p.ApplicationsOpen,
			jsonList(p.MentorChecks), p.HoursPerContact, weightsJSON(p.MatchWeights), p.ReferralReminderDays,
			ownOutcomeKindsJSON(p.OwnOutcomeKinds), funderTableJSON(p.FunderTable), p.TimeZone,
			p.CaseCodePattern, p.RetentionMonths)
		if err != nil {
			return s.nameTaken(s.wrap(err, "update program"))
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.wrap(err, "update program")
		} else if n == 1 {
			return s.appendAudit(ctx, tx, "program.update", "program", p.ID, audit.OK)
		}
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM programs WHERE id = $1`, p.ID).Scan(&exists); err != nil {
			return s.wrap(err, "update program")
		}
		if !exists {
			return errs.NotFound("program")
		}
		return errs.Conflict("Someone else changed this program while you were editing it. Reload to see their change, then edit again.", nil)
	})
	if err != nil {
		return p, err
	}
	return s.GetProgram(ctx, p.ID)
}

// nameTaken turns a unique violation on programs into a message on the name field.
func (s *Store) nameTaken(err error) error {
	if errs.Is(err, errs.KindConflict) {
		return errs.Conflict("A program with this name already exists.", map[string]string{"name": "validation.name_taken"})
	}
	return err
}

type scanner interface{ Scan(dest ...any) error }

func scanProgram(r scanner) (program.Program, error) {
	var p program.Program
	var langs, countries, domains, checks, weights, own, funder string
	err := r.Scan(&p.ID, &p.Name, &p.Description, &langs, &countries, &p.MentorCapacity,
		&p.Cadence.FirstWeeks, &p.Cadence.FirstPerWeek, &p.Cadence.LaterPerWeek, &p.QuietWeeks,
		&p.DurationMin, &p.DurationMax, &p.Custody.Enabled, &p.Custody.MonthsBefore,
		&p.Custody.MonthsAfter, &domains, &p.MenteeSecondFactor, &p.Version, &p.CreatedAt, &p.UpdatedAt, &p.ApplicationsOpen,
		&checks, &p.HoursPerContact, &weights, &p.ReferralReminderDays, &own, &funder, &p.TimeZone,
		&p.CaseCodePattern, &p.RetentionMonths)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(weights), &p.MatchWeights); err != nil {
		return p, fmt.Errorf("decode match weights: %w", err)
	}
	if err := json.Unmarshal([]byte(funder), &p.FunderTable); err != nil {
		return p, fmt.Errorf("decode funder table: %w", err)
	}
	if err := json.Unmarshal([]byte(own), &p.OwnOutcomeKinds); err != nil {
		return p, fmt.Errorf("decode own outcome kinds: %w", err)
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	for _, l := range []struct {
		src string
		dst *[]string
	}{{langs, &p.Languages}, {countries, &p.Countries}, {domains, &p.NeedDomains}, {checks, &p.MentorChecks}} {
		if err := json.Unmarshal([]byte(l.src), l.dst); err != nil {
			return p, fmt.Errorf("decode list column: %w", err)
		}
	}
	return p, nil
}

func weightsJSON(w program.MatchWeights) string {
	b, _ := json.Marshal(w)
	return string(b)
}

// ownOutcomeKindsJSON is the stored form of a program's own outcome kinds
// ([] for none).
func ownOutcomeKindsJSON(l []program.OwnOutcomeKind) string {
	if l == nil {
		l = []program.OwnOutcomeKind{}
	}
	b, _ := json.Marshal(l)
	return string(b)
}

// funderTableJSON is the stored form of a program's funder table ([] for
// the default).
func funderTableJSON(l []program.FunderLine) string {
	if l == nil {
		l = []program.FunderLine{}
	}
	b, _ := json.Marshal(l)
	return string(b)
}

func jsonList(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, _ := json.Marshal(l)
	return string(b)
}

// nameKey folds a name for uniqueness and search the same way on both engines.
func nameKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
