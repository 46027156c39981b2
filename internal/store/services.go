package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"homeward/internal/audit"
	"homeward/internal/errs"
	"homeward/internal/partners"
)

const serviceColumns = `v.id, v.hsds_id, v.partner_id, o.name, v.name, v.description, v.status, v.email, v.url,
	v.eligibility, v.application_process, v.fees, v.schedule, v.required_documents, v.version, v.created_at, v.updated_at`

// newHSDSID returns a random (version 4) UUID for a new organisation or service.
func newHSDSID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// CreateService stores a new service of an organisation.
func (s *Store) CreateService(ctx context.Context, v partners.Service) (partners.Service, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		v, err = s.createServiceTx(ctx, tx, v)
		return err
	})
	if err != nil {
		return v, err
	}
	return s.GetService(ctx, v.ID)
}

func (s *Store) createServiceTx(ctx context.Context, tx *sql.Tx, v partners.Service) (partners.Service, error) {
	v.Normalize()
	if v.HSDSID == "" {
		v.HSDSID = newHSDSID()
	}
	if err := v.Validate(); err != nil {
		return v, err
	}
	if err := s.partnerExists(ctx, tx, v.PartnerID); err != nil {
		return v, err
	}
	now := s.now()
	v.CreatedAt, v.UpdatedAt, v.Version = now, now, 1
	if err := tx.QueryRowContext(ctx, `INSERT INTO services (hsds_id, partner_id, name, name_key, description, status,
		email, url, eligibility, application_process, fees, schedule, required_documents, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $14) RETURNING id`,
		v.HSDSID, v.PartnerID, v.Name, nameKey(v.Name), v.Description, string(v.Status), v.Email, v.URL,
		v.Eligibility, v.ApplicationProcess, v.Fees, v.Schedule, jsonList(v.RequiredDocuments), s.ts(now)).Scan(&v.ID); err != nil {
		return v, hsdsTaken(s.wrap(err, "insert service"))
	}
	if err := s.saveServiceLists(ctx, tx, v, false); err != nil {
		return v, err
	}
	return v, s.appendAudit(ctx, tx, "service.create", "service", v.ID, audit.OK)
}

// saveServiceLists stores what the directory filters by: domains, languages, areas.
func (s *Store) saveServiceLists(ctx context.Context, tx *sql.Tx, v partners.Service, replace bool) error {
	if replace {
		for _, t := range []string{"service_domains", "service_languages", "service_areas"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE service_id = $1`, v.ID); err != nil {
				return s.wrap(err, "clear service lists")
			}
		}
	}
	for _, d := range v.NeedDomains {
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_domains (service_id, domain) VALUES ($1, $2)`, v.ID, d); err != nil {
			return s.wrap(err, "insert service domain")
		}
	}
	for _, l := range v.Languages {
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_languages (service_id, language) VALUES ($1, $2)`, v.ID, l); err != nil {
			return s.wrap(err, "insert service language")
		}
	}
	for i, a := range v.Areas {
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_areas (service_id, position, country, city, city_key) VALUES ($1, $2, $3, $4, $5)`,
			v.ID, i, a.Country, a.City, nameKey(a.City)); err != nil {
			return s.wrap(err, "insert service area")
		}
	}
	return nil
}

// UpdateService saves an edited service; v.Version must be the version the
// editor started from. The HSDS identifier stays.
func (s *Store) UpdateService(ctx context.Context, v partners.Service) (partners.Service, error) {
	if err := checkVersion(v.Version); err != nil {
		return v, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var cur string
		err := tx.QueryRowContext(ctx, `SELECT hsds_id FROM services WHERE id = $1`, v.ID).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("service")
		}
		if err != nil {
			return s.wrap(err, "read service")
		}
		v.HSDSID = cur
		return s.updateServiceTx(ctx, tx, v, true)
	})
	if err != nil {
		return v, err
	}
	return s.GetService(ctx, v.ID)
}

func (s *Store) updateServiceTx(ctx context.Context, tx *sql.Tx, v partners.Service, guard bool) error {
	v.Normalize()
	if err := v.Validate(); err != nil {
		return err
	}
	if err := s.partnerExists(ctx, tx, v.PartnerID); err != nil {
		return err
	}
	q := `UPDATE services SET partner_id = $1, name = $2, name_key = $3, description = $4, status = $5, email = $6,
		url = $7, eligibility = $8, application_process = $9, fees = $10, schedule = $11, required_documents = $12,
		version = version + 1, updated_at = $13 WHERE id = $14`
	args := []any{v.PartnerID, v.Name, nameKey(v.Name), v.Description, string(v.Status), v.Email, v.URL, v.Eligibility,
		v.ApplicationProcess, v.Fees, v.Schedule, jsonList(v.RequiredDocuments), s.ts(s.now()), v.ID}
	if guard {
		q += ` AND version = $15`
		args = append(args, v.Version)
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return s.wrap(err, "update service")
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.wrap(err, "update service")
	} else if n == 0 {
		return errs.Conflict("Someone else changed this service while you were editing it. Reload to see their change, then edit again.", nil)
	}
	if err := s.saveServiceLists(ctx, tx, v, true); err != nil {
		return err
	}
	return s.appendAudit(ctx, tx, "service.update", "service", v.ID, audit.OK)
}

// GetService returns one service with its lists and results.
func (s *Store) GetService(ctx context.Context, id int64) (partners.Service, error) {
	out, err := s.scanServices(ctx, `SELECT `+serviceColumns+` FROM services v JOIN partners o ON o.id = v.partner_id WHERE v.id = $1`, id)
	if err != nil {
		return partners.Service{}, err
	}
	if len(out) == 0 {
		return partners.Service{}, errs.NotFound("service")
	}
	return out[0], nil
}

// ServiceFilter narrows the directory's list of services.
type ServiceFilter struct {
	Query     string // part of the service's or the organisation's name
	Domain    string // helps with this need domain
	Country   string // helps in this country (or anywhere)
	City      string // helps in this city (or the whole country, or anywhere)
	Language  string // in this language
	PartnerID int64
	// AnyStatus lists services that are not active too.
	AnyStatus bool
	// Domains: helps with any of these need domains (a case's open needs).
	Domains []string
}

// Services returns one page of services ordered by name, with their lists
// and results, and the next page's cursor.
func (s *Store) Services(ctx context.Context, f ServiceFilter, p Page) ([]partners.Service, string, error) {
	k, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := p.limit()
	where, args := []string{"1 = 1"}, []any{}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if !f.AnyStatus {
		where = append(where, "v.status = "+arg(string(partners.Active)))
	}
	if f.PartnerID != 0 {
		where = append(where, "v.partner_id = "+arg(f.PartnerID))
	}
	if q := nameKey(f.Query); q != "" {
		m := arg("%" + escapeLike(q) + "%")
		where = append(where, fmt.Sprintf(`(v.name_key LIKE %s ESCAPE '\' OR o.name_key LIKE %s ESCAPE '\')`, m, m))
	}
	if d := strings.ToLower(strings.TrimSpace(f.Domain)); d != "" {
		where = append(where, "EXISTS (SELECT 1 FROM service_domains sd WHERE sd.service_id = v.id AND sd.domain = "+arg(d)+")")
	}
	var anyOf []string
	for _, d := range f.Domains {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			anyOf = append(anyOf, arg(d))
		}
	}
	if len(anyOf) > 0 {
		where = append(where, "EXISTS (SELECT 1 FROM service_domains sd WHERE sd.service_id = v.id AND sd.domain IN ("+strings.Join(anyOf, ", ")+"))")
	}
	if l := strings.ToLower(strings.TrimSpace(f.Language)); l != "" {
		where = append(where, "EXISTS (SELECT 1 FROM service_languages sl WHERE sl.service_id = v.id AND sl.language = "+arg(l)+")")
	}
	if c := strings.ToUpper(strings.TrimSpace(f.Country)); c != "" {
		// No areas: the service helps anywhere; a whole country covers its cities.
		cond := "sa.country = " + arg(c)
		if city := nameKey(f.City); city != "" {
			cond += " AND (sa.city_key = '' OR sa.city_key = " + arg(city) + ")"
		}
		where = append(where, "(NOT EXISTS (SELECT 1 FROM service_areas sa WHERE sa.service_id = v.id) OR EXISTS (SELECT 1 FROM service_areas sa WHERE sa.service_id = v.id AND "+cond+"))")
	}
	if p.Cursor != "" {
		a, b := arg(k.S), arg(k.ID)
		where = append(where, fmt.Sprintf("(v.name_key > %s OR (v.name_key = %s AND v.id > %s))", a, a, b))
	}
	lim := arg(limit + 1)
	out, err := s.scanServices(ctx, fmt.Sprintf(`SELECT %s FROM services v JOIN partners o ON o.id = v.partner_id
		WHERE %s ORDER BY v.name_key, v.id LIMIT %s`, serviceColumns, strings.Join(where, " AND "), lim), args...)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeCursor(cursorKey{S: nameKey(out[limit-1].Name), ID: out[limit-1].ID})
	}
	return out, next, nil
}

// scanServices runs a query of serviceColumns and fills each service's
// lists and results with one query per list for the whole page.
func (s *Store) scanServices(ctx context.Context, query string, args ...any) ([]partners.Service, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.wrap(err, "list services")
	}
	var out []partners.Service
	for rows.Next() {
		var v partners.Service
		var docs string
		if err := rows.Scan(&v.ID, &v.HSDSID, &v.PartnerID, &v.PartnerName, &v.Name, &v.Description, &v.Status,
			&v.Email, &v.URL, &v.Eligibility, &v.ApplicationProcess, &v.Fees, &v.Schedule, &docs, &v.Version,
			&v.CreatedAt, &v.UpdatedAt); err != nil {
			rows.Close()
			return nil, s.wrap(err, "read service")
		}
		v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
		if err := json.Unmarshal([]byte(docs), &v.RequiredDocuments); err != nil {
			rows.Close()
			return nil, fmt.Errorf("decode required documents: %w", err)
		}
		if len(v.RequiredDocuments) == 0 {
			v.RequiredDocuments = nil
		}
		out = append(out, v)
	}
	if err := rows.Close(); err != nil {
		return nil, s.wrap(err, "list services")
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list services")
	}
	if len(out) == 0 {
		return nil, nil
	}
	at := make(map[int64]int, len(out))
	ids := make([]any, len(out))
	marks := make([]string, len(out))
	for i, v := range out {
		at[v.ID] = i
		ids[i] = v.ID
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	in := "(" + strings.Join(marks, ", ") + ")"
	each := func(query string, scan func(r *sql.Rows) error) error {
		rows, err := s.read.QueryContext(ctx, query, ids...)
		if err != nil {
			return s.wrap(err, "list service details")
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return s.wrap(err, "read service details")
			}
		}
		return s.wrap(rows.Err(), "list service details")
	}
	if err := each(`SELECT service_id, domain FROM service_domains WHERE service_id IN `+in+` ORDER BY service_id, domain`, func(r *sql.Rows) error {
		var id int64
		var d string
		err := r.Scan(&id, &d)
		out[at[id]].NeedDomains = append(out[at[id]].NeedDomains, d)
		return err
	}); err != nil {
		return nil, err
	}
	if err := each(`SELECT service_id, language FROM service_languages WHERE service_id IN `+in+` ORDER BY service_id, language`, func(r *sql.Rows) error {
		var id int64
		var l string
		err := r.Scan(&id, &l)
		out[at[id]].Languages = append(out[at[id]].Languages, l)
		return err
	}); err != nil {
		return nil, err
	}
	if err := each(`SELECT service_id, country, city FROM service_areas WHERE service_id IN `+in+` ORDER BY service_id, position`, func(r *sql.Rows) error {
		var id int64
		var a partners.Area
		err := r.Scan(&id, &a.Country, &a.City)
		out[at[id]].Areas = append(out[at[id]].Areas, a)
		return err
	}); err != nil {
		return nil, err
	}
	if err := each(`SELECT service_id, status, count(*) FROM referrals WHERE service_id IN `+in+` GROUP BY service_id, status`, func(r *sql.Rows) error {
		var id int64
		var st partners.Status
		var n int
		err := r.Scan(&id, &st, &n)
		res := &out[at[id]].Results
		if st != partners.Draft {
			res.Sent += n
		}
		switch {
		case st.Open():
			res.Open += n
		case st == partners.GotHelp:
			res.GotHelp += n
			res.Ended += n
		case st == partners.CouldNotHelp:
			res.CouldNotHelp += n
			res.Ended += n
		case st == partners.Declined:
			res.Declined += n
			res.Ended += n
		}
		return err
	}); err != nil {
		return nil, err
	}
	return out, nil
}
