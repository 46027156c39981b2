package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"homeward/internal/audit"
	"homeward/internal/cases"
	"homeward/internal/errs"
)

// Contacts: the logged interactions with the mentee, each summary sealed;
// a contact moves the case's last contact and the next one due. Every write
// follows the rules in case_work.go.

// AddContact records a contact (its summary sealed) and moves the case's
// last contact and the next one due. The case must be open and taken in
// (not referred), and the contact may not lie before the case's current
// period opened; one logged more than a day after it took place is
// audited as contact.add_backdated.
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
		if err := c.Validate(p.NeedDomains, ct.OpenedAt, now); err != nil {
			return err
		}
		needs, err := json.Marshal(workDistinct(c.Needs))
		if err != nil {
			return errs.Internal(err)
		}
		c.CreatedAt = now
		if err := tx.QueryRowContext(ctx, `INSERT INTO contacts (case_id, at, channel, minutes, needs, recorded_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			c.CaseID, s.ts(c.At), string(c.Channel), c.Minutes, string(needs), nullID(c.RecordedBy), s.ts(now)).Scan(&c.ID); err != nil {
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
		action := "contact.add"
		if c.Backdated(now) {
			action = "contact.add_backdated"
		}
		return s.appendAudit(ctx, tx, action, "contact", c.ID, audit.OK)
	})
	return c, err
}

// workDistinct drops repeated values, keeping the first of each in the
// order given (slices.Sort and slices.Compact would reorder them, and a
// contact's domains are shown as they were entered); it never returns nil,
// so the stored JSON is [] rather than null.
func workDistinct(l []string) []string {
	out := []string{}
	for _, v := range l {
		if !slices.Contains(out, v) {
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
