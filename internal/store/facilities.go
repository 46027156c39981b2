package store

import (
	"context"
	"database/sql"
	"errors"

	"homeward/internal/audit"
	"homeward/internal/errs"
	"homeward/internal/program"
)

const facilityColumns = `id, program_id, name, kind, archived, version, created_at, updated_at`

func scanFacility(r scanner) (program.Facility, error) {
	var f program.Facility
	err := r.Scan(&f.ID, &f.ProgramID, &f.Name, &f.Kind, &f.Archived, &f.Version, &f.CreatedAt, &f.UpdatedAt)
	f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	return f, err
}

// Facilities returns the facilities of a program by name, archived ones
// last. The caller has decided on the program (policy.ProgramView).
func (s *Store) Facilities(ctx context.Context, programID int64) ([]program.Facility, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+facilityColumns+` FROM facilities WHERE program_id = $1
		ORDER BY archived, name, id`, programID)
	if err != nil {
		return nil, s.wrap(err, "list facilities")
	}
	defer rows.Close()
	out := []program.Facility{}
	for rows.Next() {
		f, err := scanFacility(rows)
		if err != nil {
			return nil, s.wrap(err, "scan facility")
		}
		out = append(out, f)
	}
	return out, s.wrap(rows.Err(), "list facilities")
}

// GetFacility returns one facility or errs.NotFound.
func (s *Store) GetFacility(ctx context.Context, id int64) (program.Facility, error) {
	f, err := scanFacility(s.read.QueryRowContext(ctx, `SELECT `+facilityColumns+` FROM facilities WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, errs.NotFound("facility")
	}
	return f, s.wrap(err, "read facility")
}

// facilityNameTaken is the answer to a name another facility of the
// program has (letters' case aside): the unique index on (program_id,
// name_key) refuses it, even when two are saved at the same moment.
func (s *Store) facilityNameTaken(err error, what string) error {
	if isUniqueViolation(err) {
		return errs.Invalid(map[string]string{"name": "validation.facility_taken"})
	}
	return s.wrap(err, what)
}

// CreateFacility validates and stores a new facility of f.ProgramID.
func (s *Store) CreateFacility(ctx context.Context, f program.Facility) (program.Facility, error) {
	f.Normalize()
	if err := f.Validate(); err != nil {
		return f, err
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.programTx(ctx, tx, f.ProgramID); err != nil {
			return err
		}
		now := s.ts(s.now())
		err := tx.QueryRowContext(ctx, `INSERT INTO facilities (program_id, name, name_key, kind, archived, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id`, f.ProgramID, f.Name, nameKey(f.Name), string(f.Kind), f.Archived, now).Scan(&id)
		if err != nil {
			return s.facilityNameTaken(err, "insert facility")
		}
		return s.appendAudit(ctx, tx, "facility.create", "facility", id, audit.OK)
	})
	if err != nil {
		return f, err
	}
	return s.GetFacility(ctx, id)
}

// UpdateFacility stores a renamed, re-kinded, archived or restored
// facility; f.Version must be the version the editor started from
// (errs.Conflict when someone saved meanwhile). The program of a facility
// does not change, and the cases that point at it keep pointing at it.
func (s *Store) UpdateFacility(ctx context.Context, f program.Facility) (program.Facility, error) {
	f.Normalize()
	if err := f.Validate(); err != nil {
		return f, err
	}
	if err := checkVersion(f.Version); err != nil {
		return f, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var programID int64
		err := tx.QueryRowContext(ctx, `SELECT program_id FROM facilities WHERE id = $1`, f.ID).Scan(&programID)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("facility")
		}
		if err != nil {
			return s.wrap(err, "update facility")
		}
		f.ProgramID = programID
		res, err := tx.ExecContext(ctx, `UPDATE facilities SET name = $1, name_key = $2, kind = $3, archived = $4, version = version + 1,
			updated_at = $5 WHERE id = $6 AND version = $7`, f.Name, nameKey(f.Name), string(f.Kind), f.Archived, s.ts(s.now()), f.ID, f.Version)
		if err != nil {
			return s.facilityNameTaken(err, "update facility")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Conflict("Someone else changed this facility meanwhile. Reload to see their change.", nil)
		}
		return s.appendAudit(ctx, tx, "facility.update", "facility", f.ID, audit.OK)
	})
	if err != nil {
		return f, err
	}
	return s.GetFacility(ctx, f.ID)
}
