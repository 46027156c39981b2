package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
)

// appendAudit writes one audit entry inside tx, so that a change and its
// entry are saved together or not at all. The actor comes from the context.
func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, action, objectType string, objectID int64, outcome string) error {
	a := audit.ActorFrom(ctx)
	id := ""
	if objectID != 0 {
		id = strconv.FormatInt(objectID, 10)
	}
	lock := ""
	if s.engine == Postgres {
		lock = " FOR UPDATE" // one appender at a time across app processes
	}
	var head audit.Head
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+lock).Scan(&head.Seq, &head.Hash); err != nil {
		return s.wrap(err, "read audit head")
	}
	e := audit.Entry{
		Seq: head.Seq + 1, At: s.now(), Actor: a.Who, Action: action, ObjectType: objectType,
		ObjectID: id, Outcome: outcome, RequestID: a.RequestID, Address: a.Address, PrevHash: head.Hash,
	}
	e.Hash = e.ComputeHash()
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor, action, object_type, object_id,
		outcome, request_id, address, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.Seq, s.ts(e.At), e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Outcome, e.RequestID, e.Address, e.PrevHash, e.Hash); err != nil {
		return s.wrap(err, "append audit entry")
	}
	_, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, e.Seq, e.Hash)
	return s.wrap(err, "move audit head")
}

// Audit records an event that changes nothing else (a login, a read of a
// sealed field, an export) in its own transaction.
func (s *Store) Audit(ctx context.Context, action, objectType string, objectID int64, outcome string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.appendAudit(ctx, tx, action, objectType, objectID, outcome)
	})
}

// AuditHead returns the newest entry's position and hash, to keep off the server.
func (s *Store) AuditHead(ctx context.Context) (audit.Head, error) {
	var h audit.Head
	err := s.read.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&h.Seq, &h.Hash)
	return h, s.wrap(err, "read audit head")
}

const auditColumns = `seq, at, actor, action, object_type, object_id, outcome, request_id, address, prev_hash, hash`

func scanAudit(r scanner) (audit.Entry, error) {
	var e audit.Entry
	err := r.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Outcome, &e.RequestID, &e.Address, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return e, err
}

// VerifyAudit walks the whole log in order and returns its head, or the
// first problem: an entry edited, deleted or reordered, or, when kept is
// given, a tail cut off after the kept head. It streams, so it runs in
// constant memory on any size of log.
func (s *Store) VerifyAudit(ctx context.Context, kept *audit.Head) (audit.Head, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return audit.Head{}, s.wrap(err, "read audit log")
	}
	defer rows.Close()
	v := audit.NewVerifier()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return audit.Head{}, s.wrap(err, "read audit entry")
		}
		if p := v.Next(e); p != nil {
			return audit.Head{}, p
		}
		if kept != nil {
			if p := audit.CheckKept(e, *kept); p != nil {
				return audit.Head{}, p
			}
		}
	}
	if err := rows.Err(); err != nil {
		return audit.Head{}, s.wrap(err, "read audit log")
	}
	head, p := v.Finish(kept)
	if p != nil {
		return head, p
	}
	return head, nil
}

// AuditFilter narrows the audit list.
type AuditFilter struct {
	// Actor is who acted as the log writes them ("user:3", "system"), or a
	// user's e-mail address, which finds what they did signed in and with
	// their API tokens.
	Actor      string
	ObjectType string
	// ObjectID is a record's id, or, for a case or a mentee, its case code.
	ObjectID string
	// From and To keep entries written at or after From and before To; a
	// zero time leaves that end open.
	From, To time.Time
}

// ListAudit returns one page of the audit log, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter, p Page) ([]audit.Entry, string, error) {
	k, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	where, args := []string{"1 = 1"}, []any{}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	switch {
	case f.Actor == "":
	case strings.Contains(f.Actor, "@"):
		args = append(args, auth.EmailKey(f.Actor))
		n := len(args)
		where = append(where, fmt.Sprintf(`actor IN (SELECT 'user:' || CAST(id AS TEXT) FROM users WHERE email_key = $%[1]d
			UNION ALL SELECT 'token:' || CAST(t.id AS TEXT) FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.email_key = $%[1]d)`, n))
	default:
		add("actor = $%d", f.Actor)
	}
	switch f.ObjectType {
	case "":
	case "partner":
		// Entries written before migration 12 name a partner "organization".
		add("object_type IN ($%d, 'organization')", f.ObjectType)
	default:
		add("object_type = $%d", f.ObjectType)
	}
	switch code := strings.ToUpper(f.ObjectID); {
	case f.ObjectID == "":
	case f.ObjectType == "case" && !isDigits(f.ObjectID):
		add("object_id IN (SELECT CAST(id AS TEXT) FROM cases WHERE case_code = $%d)", code)
	case f.ObjectType == "mentee" && !isDigits(f.ObjectID):
		add("object_id IN (SELECT CAST(id AS TEXT) FROM mentees WHERE case_code = $%d)", code)
	default:
		add("object_id = $%d", f.ObjectID)
	}
	if !f.From.IsZero() {
		add("at >= $%d", s.ts(f.From))
	}
	if !f.To.IsZero() {
		add("at < $%d", s.ts(f.To))
	}
	if p.Cursor != "" {
		add("seq < $%d", k.ID)
	}
	limit := p.limit()
	args = append(args, limit+1)
	rows, err := s.read.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM audit_log WHERE %s ORDER BY seq DESC LIMIT $%d`,
		auditColumns, strings.Join(where, " AND "), len(args)), args...)
	if err != nil {
		return nil, "", s.wrap(err, "list audit")
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, "", s.wrap(err, "scan audit entry")
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.wrap(err, "list audit")
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeCursor(cursorKey{ID: out[limit-1].Seq})
	}
	return out, next, nil
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// AuditActor is who an entry's actor is, as the users page shows them.
type AuditActor struct {
	UserID int64
	Name   string // "" when they gave none
	Email  string
	Role   auth.Role
	Token  string // the name of the API token they acted with, "" in a session
}

// AuditNames are the people and case codes a page of entries names.
type AuditNames struct {
	Actors map[string]AuditActor // by the entry's actor ("user:3", "token:5")
	Codes  map[string]string     // "case:17", "mentee:4" → its case code
}

// AuditNamesOf looks up who acted and the case codes of the cases and
// mentees a page of entries names, in one query for each kind of thing. A
// case or mentee is only ever named by its case code, never its name.
func (s *Store) AuditNamesOf(ctx context.Context, entries []audit.Entry) (AuditNames, error) {
	out := AuditNames{Actors: map[string]AuditActor{}, Codes: map[string]string{}}
	ids := map[string][]any{}
	seen := map[string]bool{}
	collect := func(kind, id string) {
		if isDigits(id) && !seen[kind+":"+id] {
			seen[kind+":"+id] = true
			n, _ := strconv.ParseInt(id, 10, 64)
			ids[kind] = append(ids[kind], n)
		}
	}
	for _, e := range entries {
		if kind, id, ok := strings.Cut(e.Actor, ":"); ok && (kind == "user" || kind == "token") {
			collect(kind, id)
		}
		if e.ObjectType == "case" || e.ObjectType == "mentee" {
			collect(e.ObjectType, e.ObjectID)
		}
	}
	queries := []struct{ kind, sql string }{
		{"user", `SELECT 'user:' || CAST(id AS TEXT), id, name, email, role, '' FROM users WHERE id IN (%s)`},
		{"token", `SELECT 'token:' || CAST(t.id AS TEXT), u.id, u.name, u.email, u.role, t.name FROM api_tokens t
			JOIN users u ON u.id = t.user_id WHERE t.id IN (%s)`},
	}
	for _, q := range queries {
		if len(ids[q.kind]) == 0 {
			continue
		}
		rows, err := s.read.QueryContext(ctx, fmt.Sprintf(q.sql, placeholders(1, len(ids[q.kind]))), ids[q.kind]...)
		if err != nil {
			return out, s.wrap(err, "read audit actors")
		}
		for rows.Next() {
			var key, role string
			var a AuditActor
			if err := rows.Scan(&key, &a.UserID, &a.Name, &a.Email, &role, &a.Token); err != nil {
				rows.Close()
				return out, s.wrap(err, "read audit actors")
			}
			a.Role = auth.Role(role)
			out.Actors[key] = a
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, s.wrap(err, "read audit actors")
		}
	}
	for kind, table := range map[string]string{"case": "cases", "mentee": "mentees"} {
		if len(ids[kind]) == 0 {
			continue
		}
		rows, err := s.read.QueryContext(ctx, fmt.Sprintf(`SELECT id, case_code FROM %s WHERE id IN (%s)`,
			table, placeholders(1, len(ids[kind]))), ids[kind]...)
		if err != nil {
			return out, s.wrap(err, "read audit case codes")
		}
		for rows.Next() {
			var id int64
			var code string
			if err := rows.Scan(&id, &code); err != nil {
				rows.Close()
				return out, s.wrap(err, "read audit case codes")
			}
			out.Codes[kind+":"+strconv.FormatInt(id, 10)] = code
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, s.wrap(err, "read audit case codes")
		}
	}
	return out, nil
}
