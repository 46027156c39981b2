package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"homeward/internal/audit"
	"homeward/internal/errs"
	"homeward/internal/partners"
)

// The whole directory at once: its HSDS export and import. Partners and
// services one by one are in partners.go and services.go.

// hsdsTaken turns a unique violation on an HSDS identifier into a field message.
func hsdsTaken(err error) error {
	if errs.Is(err, errs.KindConflict) {
		return errs.Conflict("Another record of the directory has this HSDS identifier.", map[string]string{"hsds_id": "validation.hsds_id_taken"})
	}
	return err
}

// Directory returns the whole directory, organisations by name with their
// services by name: what an HSDS export writes.
func (s *Store) Directory(ctx context.Context) (partners.Directory, error) {
	var d partners.Directory
	rows, err := s.read.QueryContext(ctx, `SELECT `+partnerColumns+` FROM partners o ORDER BY o.name_key, o.id`)
	if err != nil {
		return d, s.wrap(err, "list partners")
	}
	at := map[int64]int{}
	for rows.Next() {
		o, err := scanPartner(rows)
		if err != nil {
			rows.Close()
			return d, s.wrap(err, "read partner")
		}
		at[o.ID] = len(d.Partners)
		d.Partners = append(d.Partners, o)
	}
	if err := rows.Close(); err != nil {
		return d, s.wrap(err, "list partners")
	}
	if err := rows.Err(); err != nil {
		return d, s.wrap(err, "list partners")
	}
	// Services in pages of MaxLimit: the detail queries take one id list each.
	var cursor string
	for {
		page, next, err := s.Services(ctx, ServiceFilter{AnyStatus: true}, Page{Limit: MaxLimit, Cursor: cursor})
		if err != nil {
			return d, err
		}
		for _, v := range page {
			i := at[v.PartnerID]
			d.Partners[i].Services = append(d.Partners[i].Services, v)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	// Every export is audited (the directory holds partner staff's names
	// and contacts).
	if err := s.Audit(ctx, "directory.export", "directory", 0, audit.OK); err != nil {
		return d, err
	}
	return d, nil
}

// ImportResult counts what an import changed.
type ImportResult struct {
	PartnersCreated int `json:"partners_created"`
	PartnersUpdated int `json:"partners_updated"`
	ServicesCreated int `json:"services_created"`
	ServicesUpdated int `json:"services_updated"`
}

// ImportDirectory merges a directory read from an HSDS file, all or
// nothing: organisations and services are found by their HSDS identifier
// and updated, or created; what the file does not hold stays as it is
// (referrals keep their services). A service may move to another
// organisation of the file.
func (s *Store) ImportDirectory(ctx context.Context, d partners.Directory) (ImportResult, error) {
	var r ImportResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		r = ImportResult{}
		for _, o := range d.Partners {
			if !partners.ValidID(strings.ToLower(strings.TrimSpace(o.HSDSID))) {
				return errs.Invalid(map[string]string{"hsds_id": "validation.hsds_id"})
			}
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM partners WHERE hsds_id = $1`, strings.ToLower(strings.TrimSpace(o.HSDSID))).Scan(&id)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				created, err := s.createPartnerTx(ctx, tx, o)
				if err != nil {
					return err
				}
				id = created.ID
				r.PartnersCreated++
			case err != nil:
				return s.wrap(err, "find partner")
			default:
				o.ID = id
				if err := s.updatePartnerTx(ctx, tx, o, false); err != nil {
					return err
				}
				r.PartnersUpdated++
			}
			for _, v := range o.Services {
				v.PartnerID = id
				if !partners.ValidID(strings.ToLower(strings.TrimSpace(v.HSDSID))) {
					return errs.Invalid(map[string]string{"hsds_id": "validation.hsds_id"})
				}
				var sid int64
				err := tx.QueryRowContext(ctx, `SELECT id FROM services WHERE hsds_id = $1`, strings.ToLower(strings.TrimSpace(v.HSDSID))).Scan(&sid)
				switch {
				case errors.Is(err, sql.ErrNoRows):
					if _, err := s.createServiceTx(ctx, tx, v); err != nil {
						return err
					}
					r.ServicesCreated++
				case err != nil:
					return s.wrap(err, "find service")
				default:
					v.ID = sid
					if err := s.updateServiceTx(ctx, tx, v, false); err != nil {
						return err
					}
					r.ServicesUpdated++
				}
			}
		}
		return s.appendAudit(ctx, tx, "directory.import", "directory", 0, audit.OK)
	})
	return r, err
}
