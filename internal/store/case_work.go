package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"homeward/internal/errs"
)

// The work on a case: needs (needs.go), plan steps (plan_steps.go),
// contacts (contacts.go), requests (requests.go) and notes (notes.go). This
// file holds what they share. The rules every one of them follows:
//
//   - every write runs in one transaction with its audit entry and moves the
//     case's version (touchCase);
//   - a write to a closed case is refused (workRefuseClosed), except a note,
//     which may follow a closure;
//   - an edit names the version its editor started from and is refused when
//     someone else saved first (workStale);
//   - every read that opens sealed text records one audit entry, and a read
//     that opens nothing records none.

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

// workLater returns the later of a stored time (maybe nil) and t.
func workLater(old *time.Time, t time.Time) *time.Time {
	if old != nil && old.After(t) {
		return old
	}
	return &t
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
