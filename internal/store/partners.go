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
	"homeward/internal/partners"
)

// The directory of partner organisations and their services is shared by
// every program of the installation: it holds no personal data of mentees
// (contacts are the partners' own staff), so every staff member may read it.

// partnerUsersOf counts the active partner users of the organisation whose
// id is the SQL expression given: with none, referrals go by phone or email.
func partnerUsersOf(orgID string) string {
	return `(SELECT count(*) FROM users u WHERE u.partner_id = ` + orgID + ` AND ` + activePartner + `)`
}

// activePartner is the condition on users u of an active partner user.
const activePartner = `u.role = 'partner' AND u.status = 'active'`

var partnerColumns = `o.id, o.hsds_id, o.name, o.description, o.website, o.email, o.phone, o.contacts,
	o.version, o.created_at, o.updated_at, ` + partnerUsersOf("o.id")

// PartnerUsers counts the organisation's active partner users.
func (s *Store) PartnerUsers(ctx context.Context, orgID int64) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM users u WHERE u.partner_id = $1 AND `+activePartner, orgID).Scan(&n)
	return n, s.wrap(err, "count partner users")
}

func scanPartner(r scanner) (partners.Partner, error) {
	var o partners.Partner
	var contacts string
	err := r.Scan(&o.ID, &o.HSDSID, &o.Name, &o.Description, &o.Website, &o.Email, &o.Phone, &contacts,
		&o.Version, &o.CreatedAt, &o.UpdatedAt, &o.Users)
	if err != nil {
		return o, err
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(contacts), &o.Contacts); err != nil {
		return o, fmt.Errorf("decode contacts: %w", err)
	}
	return o, nil
}

func contactsJSON(cs []partners.ContactPerson) string {
	if cs == nil {
		cs = []partners.ContactPerson{}
	}
	b, _ := json.Marshal(cs)
	return string(b)
}

// CreatePartner stores a new partner organisation (a new HSDS
// identifier when it has none).
func (s *Store) CreatePartner(ctx context.Context, o partners.Partner) (partners.Partner, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		o, err = s.createPartnerTx(ctx, tx, o)
		return err
	})
	return o, err
}

func (s *Store) createPartnerTx(ctx context.Context, tx *sql.Tx, o partners.Partner) (partners.Partner, error) {
	o.Normalize()
	if o.HSDSID == "" {
		o.HSDSID = newHSDSID()
	}
	if err := o.Validate(); err != nil {
		return o, err
	}
	now := s.now()
	o.CreatedAt, o.UpdatedAt, o.Version = now, now, 1
	if err := tx.QueryRowContext(ctx, `INSERT INTO partners (hsds_id, name, name_key, description, website, email,
		phone, contacts, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id`,
		o.HSDSID, o.Name, nameKey(o.Name), o.Description, o.Website, o.Email, o.Phone, contactsJSON(o.Contacts), s.ts(now)).Scan(&o.ID); err != nil {
		return o, hsdsTaken(s.wrap(err, "insert partner"))
	}
	return o, s.appendAudit(ctx, tx, "partner.create", "partner", o.ID, audit.OK)
}

// UpdatePartner saves an edited organisation; o.Version must be the
// version the editor started from. The HSDS identifier stays.
func (s *Store) UpdatePartner(ctx context.Context, o partners.Partner) (partners.Partner, error) {
	if err := checkVersion(o.Version); err != nil {
		return o, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var cur string
		err := tx.QueryRowContext(ctx, `SELECT hsds_id FROM partners WHERE id = $1`, o.ID).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("partner")
		}
		if err != nil {
			return s.wrap(err, "read partner")
		}
		o.HSDSID = cur
		return s.updatePartnerTx(ctx, tx, o, true)
	})
	if err != nil {
		return o, err
	}
	return s.GetPartner(ctx, o.ID)
}

func (s *Store) updatePartnerTx(ctx context.Context, tx *sql.Tx, o partners.Partner, guard bool) error {
	o.Normalize()
	if err := o.Validate(); err != nil {
		return err
	}
	q := `UPDATE partners SET name = $1, name_key = $2, description = $3, website = $4, email = $5, phone = $6,
		contacts = $7, version = version + 1, updated_at = $8 WHERE id = $9`
	args := []any{o.Name, nameKey(o.Name), o.Description, o.Website, o.Email, o.Phone, contactsJSON(o.Contacts), s.ts(s.now()), o.ID}
	if guard {
		q += ` AND version = $10`
		args = append(args, o.Version)
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return s.wrap(err, "update partner")
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.wrap(err, "update partner")
	} else if n == 0 {
		return errs.Conflict("Someone else changed this organisation while you were editing it. Reload to see their change, then edit again.", nil)
	}
	return s.appendAudit(ctx, tx, "partner.update", "partner", o.ID, audit.OK)
}

// GetPartner returns an organisation with its services (and their
// results).
func (s *Store) GetPartner(ctx context.Context, id int64) (partners.Partner, error) {
	o, err := scanPartner(s.read.QueryRowContext(ctx, `SELECT `+partnerColumns+` FROM partners o WHERE o.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, errs.NotFound("partner")
	}
	if err != nil {
		return o, s.wrap(err, "read partner")
	}
	o.Services, _, err = s.Services(ctx, ServiceFilter{PartnerID: id, AnyStatus: true}, Page{Limit: MaxLimit})
	return o, err
}

// PartnerFilter narrows the organisation list.
type PartnerFilter struct {
	Query string // part of the name, ignoring case
}

// Partners returns one page of organisations by name, without their
// services, and the next page's cursor.
func (s *Store) Partners(ctx context.Context, f PartnerFilter, p Page) ([]partners.Partner, string, error) {
	k, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := p.limit()
	where, args := []string{"1 = 1"}, []any{}
	if q := nameKey(f.Query); q != "" {
		args = append(args, "%"+escapeLike(q)+"%")
		where = append(where, fmt.Sprintf(`o.name_key LIKE $%d ESCAPE '\'`, len(args)))
	}
	if err := s.count(ctx, p.Total, "partners o", where, args); err != nil {
		return nil, "", err
	}
	if p.Cursor != "" {
		args = append(args, k.S, k.ID)
		where = append(where, fmt.Sprintf("(o.name_key > $%d OR (o.name_key = $%d AND o.id > $%d))", len(args)-1, len(args)-1, len(args)))
	}
	args = append(args, limit+1)
	rows, err := s.read.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM partners o WHERE %s ORDER BY o.name_key, o.id LIMIT $%d`,
		partnerColumns, strings.Join(where, " AND "), len(args)), args...)
	if err != nil {
		return nil, "", s.wrap(err, "list partners")
	}
	defer rows.Close()
	var out []partners.Partner
	for rows.Next() {
		o, err := scanPartner(rows)
		if err != nil {
			return nil, "", s.wrap(err, "read partner")
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.wrap(err, "list partners")
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeCursor(cursorKey{S: nameKey(out[limit-1].Name), ID: out[limit-1].ID})
	}
	return out, next, nil
}

func (s *Store) partnerExists(ctx context.Context, tx *sql.Tx, id int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM partners WHERE id = $1`, id).Scan(&n); err != nil {
		return s.wrap(err, "read partner")
	}
	if n == 0 {
		return errs.Invalid(map[string]string{"partner_id": "validation.choice"})
	}
	return nil
}

// PartnerNames lists every organisation's id and name (nothing else),
// by name, for choices in forms: the user form's organisation of a partner user.
func (s *Store) PartnerNames(ctx context.Context) ([]partners.Partner, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, name FROM partners ORDER BY name_key, id`)
	if err != nil {
		return nil, s.wrap(err, "list partners")
	}
	defer rows.Close()
	var out []partners.Partner
	for rows.Next() {
		var o partners.Partner
		if err := rows.Scan(&o.ID, &o.Name); err != nil {
			return nil, s.wrap(err, "read partner")
		}
		out = append(out, o)
	}
	return out, s.wrap(rows.Err(), "list partners")
}
