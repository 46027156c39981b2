package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/errs"
)

// ErrForeignAuditKey is returned when the audit key is not the one the
// database's audit log is keyed with.
var ErrForeignAuditKey = errors.New("audit key does not match this database's audit log")

// ErrAuditNotKeyed is returned when the audit log holds entries that were
// never keyed and this process is not told to key them (KeyAuditLog).
var ErrAuditNotKeyed = errors.New("the audit log is not keyed with the audit key yet")

// errNoAuditKey is returned by an append to a keyed log without the key.
var errNoAuditKey = errors.New("the audit log is keyed, but this process has no audit key (the hwa1 line of the key file or HOMEWARD_KEY)")

// setAuditKey takes the audit key of opts: AuditKey, else the keyring's,
// whose audit key, when it was made just now, may key an old log (as the
// command line does).
func (s *Store) setAuditKey(opts *Options) {
	key := opts.AuditKey
	if key == nil && opts.Keyring != nil {
		key = opts.Keyring.AuditKey()
		opts.KeyAuditLog = opts.KeyAuditLog || opts.Keyring.AuditKeyAdded()
	}
	if key != nil {
		s.auditKey, s.auditProbe = key, audit.KeyProbe(key)
	}
	s.keyAuditLog = opts.KeyAuditLog
}

// readAuditHead reads the audit_head row: the newest entry and the probe
// of the key the log is keyed with ("" when never keyed).
func (s *Store) readAuditHead(ctx context.Context, q queryer, forUpdate bool) (audit.Head, string, error) {
	lock := ""
	if forUpdate && s.engine == Postgres {
		lock = " FOR UPDATE" // one appender at a time across app processes
	}
	var h audit.Head
	var probe string
	err := q.QueryRowContext(ctx, `SELECT seq, hash, key_probe FROM audit_head WHERE id = 1`+lock).Scan(&h.Seq, &h.Hash, &probe)
	return h, probe, s.wrap(err, "read audit head")
}

// auditKeyFor says which key the chain under probe is appended with: the
// store's audit key when the log is keyed with it (or empty, so that this
// key may start it), nil for the plain chain of a store without a key.
func (s *Store) auditKeyFor(head audit.Head, probe string) ([]byte, error) {
	switch {
	case s.auditKey == nil && probe == "":
		return nil, nil
	case s.auditKey == nil:
		return nil, errs.Internal(errNoAuditKey)
	case probe == s.auditProbe, probe == "" && head.Seq == 0:
		return s.auditKey, nil
	case probe == "":
		return nil, errs.Internal(fmt.Errorf("%w: run homeward audit key", ErrAuditNotKeyed))
	}
	return nil, errs.Internal(fmt.Errorf("%w: every app process must use the same audit key (the hwa1 line of the key file or HOMEWARD_KEY)", ErrForeignAuditKey))
}

// appendAudit writes one audit entry inside tx, so that a change and its
// entry are saved together or not at all. The actor comes from the context.
func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, action, objectType string, objectID int64, outcome string) error {
	return s.appendAudits(ctx, tx, action, objectType, []int64{objectID}, outcome)
}

// auditRowsPerInsert bounds the entries of one INSERT of appendAudits: 11
// values each stay under SQLite's oldest limit of 999 variables.
const auditRowsPerInsert = 90

// appendAudits writes one audit entry per object (the same action, outcome
// and actor, e.g. one mentee.name_read per person a list opens) inside tx,
// one after the other in the chain, as that many appendAudit calls would:
// with one read of the head, an INSERT of up to auditRowsPerInsert entries
// at a time, and one move of the head.
func (s *Store) appendAudits(ctx context.Context, tx *sql.Tx, action, objectType string, objectIDs []int64, outcome string) error {
	if len(objectIDs) == 0 {
		return nil
	}
	a := audit.ActorFrom(ctx)
	head, probe, err := s.readAuditHead(ctx, tx, true)
	if err != nil {
		return err
	}
	key, err := s.auditKeyFor(head, probe)
	if err != nil {
		return err
	}
	if key != nil {
		probe = s.auditProbe // the first entry of a new log marks it keyed
	}
	at := s.now()
	stamp := s.ts(at)
	for start := 0; start < len(objectIDs); start += auditRowsPerInsert {
		chunk := objectIDs[start:min(start+auditRowsPerInsert, len(objectIDs))]
		var q strings.Builder
		q.WriteString(`INSERT INTO audit_log (seq, at, actor, action, object_type, object_id,
		outcome, request_id, address, prev_hash, hash) VALUES `)
		args := make([]any, 0, 11*len(chunk))
		for i, objectID := range chunk {
			id := ""
			if objectID != 0 {
				id = strconv.FormatInt(objectID, 10)
			}
			e := audit.Entry{
				Seq: head.Seq + 1, At: at, Actor: a.Who, Action: action, ObjectType: objectType,
				ObjectID: id, Outcome: outcome, RequestID: a.RequestID, Address: a.Address, PrevHash: head.Hash,
			}
			e.Hash = e.ComputeHash(key)
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(s.rowPlaceholders(len(args)+1, 11))
			args = append(args, e.Seq, stamp, e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Outcome, e.RequestID, e.Address, e.PrevHash, e.Hash)
			head = audit.Head{Seq: e.Seq, Hash: e.Hash}
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return s.wrap(err, "append audit entry")
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2, key_probe = $3 WHERE id = 1`, head.Seq, head.Hash, probe)
	return s.wrap(err, "move audit head")
}

// rowPlaceholders is the parenthesised placeholders of one row of a
// multi-row INSERT, its values numbered from `from`: "($1, $2, …)" on
// PostgreSQL, "(?, ?, …)" on SQLite, which binds those by position, where a
// numbered one is looked up by its name through every name of the
// statement, at each parse and each bind: quadratic in a long INSERT.
func (s *Store) rowPlaceholders(from, n int) string {
	if s.engine == SQLite {
		return "(" + strings.Repeat("?, ", n-1) + "?)"
	}
	return "(" + placeholders(from, n) + ")"
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
	h, _, err := s.readAuditHead(ctx, s.read, false)
	return h, err
}

// checkAuditKey runs at open: a store with an audit key refuses a log keyed
// with another, and keys a log never keyed when told to (KeyAuditLog). With
// refuse (a serve: a migrating, unshared open) it refuses a log it may not
// key. A schema not yet migrated is left alone (see KeyNewAuditLog).
func (s *Store) checkAuditKey(ctx context.Context, refuse bool) error {
	if s.auditKey == nil {
		return nil
	}
	if cur, latest, err := s.SchemaVersion(ctx); err != nil || cur < latest {
		return err
	}
	head, probe, err := s.readAuditHead(ctx, s.read, false)
	if err != nil {
		return err
	}
	switch {
	case probe == s.auditProbe, probe == "" && head.Seq == 0:
		return nil
	case probe != "":
		return fmt.Errorf("%w: this database's audit log is keyed with another audit key than the hwa1 line of the key file (or HOMEWARD_KEY); every app process must use the same one (restore the right one from your backup)", ErrForeignAuditKey)
	case s.keyAuditLog:
		_, err := s.KeyAuditLog(ctx)
		return err
	case refuse:
		return fmt.Errorf("%w: its %d entries have plain hashes although the key file (or HOMEWARD_KEY) holds an audit key. If this database was restored from before keying, or the hwa1 line was added to HOMEWARD_KEY by hand, check it with homeward audit verify (with --head-log if you keep one), then run homeward audit key. Otherwise someone with write access to the database may have rewritten it", ErrAuditNotKeyed, head.Seq)
	}
	return nil
}

// KeyNewAuditLog does after Migrate what Open does on a current schema:
// refuse another audit key, and key a log never keyed when the store was
// opened with KeyAuditLog (homeward migrate, on an older schema).
func (s *Store) KeyNewAuditLog(ctx context.Context) error { return s.checkAuditKey(ctx, false) }

// KeyAuditLog keys an audit log that was never keyed: it verifies the plain
// chain (against the audit_head row), then re-hashes every entry with the
// audit key, in one transaction that holds the head, so appends wait. A log
// that does not verify is left as it is, since keying it would hide the
// break. It returns the number of entries keyed: 0 when the log was keyed
// already (with this key) or empty.
func (s *Store) KeyAuditLog(ctx context.Context) (int64, error) {
	if s.auditKey == nil {
		return 0, errors.New("key the audit log: no audit key (the hwa1 line of the key file or HOMEWARD_KEY)")
	}
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		head, probe, err := s.readAuditHead(ctx, tx, true)
		if err != nil {
			return err
		}
		if probe != "" || head.Seq == 0 {
			_, err := s.auditKeyFor(head, probe)
			return err
		}
		v := audit.NewVerifier(nil)
		for after := int64(0); ; {
			batch, err := s.auditBatch(ctx, tx, after)
			if err != nil {
				return err
			}
			if len(batch) == 0 {
				break
			}
			for _, e := range batch {
				if p := v.Next(e); p != nil {
					return fmt.Errorf("the audit log is not keyed, since keying it would hide where it is broken: %w", p)
				}
				after = e.Seq
			}
		}
		if _, p := v.Finish(head); p != nil {
			return fmt.Errorf("the audit log is not keyed, since keying it would hide where it is broken: %w", p)
		}
		if err := s.allowAuditRewrite(ctx, tx, true); err != nil {
			return err
		}
		prev := audit.Genesis
		for after := int64(0); ; {
			batch, err := s.auditBatch(ctx, tx, after)
			if err != nil {
				return err
			}
			if len(batch) == 0 {
				break
			}
			for _, e := range batch {
				e.PrevHash = prev
				e.Hash = e.ComputeHash(s.auditKey)
				if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3`, e.PrevHash, e.Hash, e.Seq); err != nil {
					return s.wrap(err, "key audit entry")
				}
				prev, after, n = e.Hash, e.Seq, n+1
			}
		}
		if err := s.allowAuditRewrite(ctx, tx, false); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE audit_head SET hash = $1, key_probe = $2 WHERE id = 1`, prev, s.auditProbe)
		return s.wrap(err, "mark audit log keyed")
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// allowAuditRewrite lifts (or puts back) the trigger that refuses updates
// of the audit log, inside KeyAuditLog's transaction only. It is put back
// as migration 0002 made it, also when someone had dropped it.
func (s *Store) allowAuditRewrite(ctx context.Context, tx *sql.Tx, allow bool) error {
	var stmts []string
	switch {
	case s.engine == Postgres && allow:
		stmts = []string{`DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log`}
	case s.engine == Postgres:
		stmts = []string{`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`}
	case allow:
		stmts = []string{`DROP TRIGGER IF EXISTS audit_log_no_update`}
	default:
		stmts = []string{`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`}
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return s.wrap(err, "key audit log")
		}
	}
	return nil
}

// auditBatch reads up to a thousand entries after the given position.
func (s *Store) auditBatch(ctx context.Context, q rowsQueryer, after int64) ([]audit.Entry, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1000`, after)
	if err != nil {
		return nil, s.wrap(err, "read audit log")
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, s.wrap(err, "read audit entry")
		}
		out = append(out, e)
	}
	return out, s.wrap(rows.Err(), "read audit log")
}

const auditColumns = `seq, at, actor, action, object_type, object_id, outcome, request_id, address, prev_hash, hash`

func scanAudit(r scanner) (audit.Entry, error) {
	var e audit.Entry
	err := r.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Outcome, &e.RequestID, &e.Address, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return e, err
}

// VerifyAudit walks the whole log in order and returns its head, or the
// first problem: an entry edited (or re-hashed without the audit key),
// deleted or reordered, a tail cut off (the log ends before the audit_head
// row, or before one of the kept heads), or a kept head whose entry has
// another hash now. A keyed log needs the store's audit key. It reads one
// snapshot, and streams, so it runs in constant memory on any size of log.
func (s *Store) VerifyAudit(ctx context.Context, kept ...audit.Head) (audit.Head, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.read.BeginTx(ctx, opts)
	if err != nil {
		return audit.Head{}, s.wrap(err, "begin audit verify")
	}
	defer func() { _ = tx.Rollback() }()
	row, probe, err := s.readAuditHead(ctx, tx, false)
	if err != nil {
		return audit.Head{}, err
	}
	switch {
	case probe != "" && s.auditKey == nil:
		return audit.Head{}, errors.New("the audit log is keyed: verifying it needs the audit key (run where the key file is, or set HOMEWARD_KEY)")
	case probe != "" && probe != s.auditProbe:
		return audit.Head{}, fmt.Errorf("%w: the audit key of the key file (or HOMEWARD_KEY) is not the one the log is keyed with, or someone changed the audit_head row", ErrForeignAuditKey)
	}
	v := audit.NewVerifier(s.auditKey)
	if probe == "" {
		v.NotKeyed()
	}
	v.Keep(kept...)
	rows, err := tx.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return audit.Head{}, s.wrap(err, "read audit log")
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return audit.Head{}, s.wrap(err, "read audit entry")
		}
		if p := v.Next(e); p != nil {
			return audit.Head{}, p
		}
	}
	if err := rows.Err(); err != nil {
		return audit.Head{}, s.wrap(err, "read audit log")
	}
	head, p := v.Finish(row)
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
