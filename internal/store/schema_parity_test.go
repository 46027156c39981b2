package store

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"homeward/internal/testdb"
)

// The two migration sets (migrations/sqlite and migrations/postgres) must
// build the same schema: the same tables, and in each the same columns
// (name, type family, nullability, default), primary key, indexes,
// foreign keys, UNIQUE and CHECK constraints. The schema is read back from
// each engine's catalogue after migrating a fresh database, normalized to
// what the two engines can both say, and compared fact by fact.
//
// Not compared: collations (PostgreSQL's name keys are COLLATE "C", which
// orders as SQLite's default BINARY does), triggers (the audit log's
// append-only guard is written per engine, see 0002_audit.sql), and whether
// an integer primary key numbers itself (SQLite's INTEGER PRIMARY KEY always
// can, PostgreSQL's only with an identity).

// engineOnlyTables are tables that exist on one engine by design, each with
// the reason the migrations give. None so far.
var engineOnlyTables = map[string]string{}

// schemaFacts is a schema as facts: per table, a key ("column name",
// "index name", "primary key", ...) and what it says.
type schemaFacts map[string]map[string]string

func (f schemaFacts) add(table, key, value string) {
	if f[table] == nil {
		f[table] = map[string]string{}
	}
	if old, ok := f[table][key]; ok {
		// A key seen again (the same CHECK twice): count it.
		n, _ := strconv.Atoi(strings.TrimPrefix(old, "×"))
		value = "×" + strconv.Itoa(max(n, 1)+1)
	}
	f[table][key] = value
}

func TestSchemaParity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	open := func(opts Options) *Store {
		s, err := Open(ctx, opts)
		if err != nil {
			t.Fatalf("open store: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	lite := sqliteSchema(t, open(Options{DataDir: t.TempDir()}).read)
	pg := postgresSchema(t, open(Options{DatabaseURL: testdb.Postgres(t)}).read)
	if len(lite) == 0 || len(pg) == 0 {
		t.Fatalf("read no tables: %d on SQLite, %d on PostgreSQL", len(lite), len(pg))
	}
	if diffs := schemaDiff(lite, pg); len(diffs) > 0 {
		t.Errorf("the SQLite and PostgreSQL migrations build different schemas (%d differences):\n\t%s",
			len(diffs), strings.Join(diffs, "\n\t"))
	}
}

// schemaDiff lists every difference, sorted by table and fact.
func schemaDiff(lite, pg schemaFacts) []string {
	var out []string
	for _, table := range unionKeys(lite, pg) {
		l, inLite := lite[table]
		p, inPG := pg[table]
		switch {
		case inLite && inPG:
		case engineOnlyTables[table] != "":
			continue
		case inLite:
			out = append(out, fmt.Sprintf("table %s: only on SQLite", table))
			continue
		default:
			out = append(out, fmt.Sprintf("table %s: only on PostgreSQL", table))
			continue
		}
		for _, k := range unionKeys(l, p) {
			lv, inL := l[k]
			pv, inP := p[k]
			switch {
			case !inP:
				out = append(out, fmt.Sprintf("table %s: %s: only on SQLite (%s)", table, k, lv))
			case !inL:
				out = append(out, fmt.Sprintf("table %s: %s: only on PostgreSQL (%s)", table, k, pv))
			case lv != pv:
				out = append(out, fmt.Sprintf("table %s: %s: SQLite %s, PostgreSQL %s", table, k, lv, pv))
			}
		}
	}
	return out
}

// unionKeys returns the keys of a and b, sorted, each once.
func unionKeys[V any](a, b map[string]V) []string {
	return slices.Compact(slices.Sorted(iter.Seq[string](func(yield func(string) bool) {
		for k := range a {
			if !yield(k) {
				return
			}
		}
		for k := range b {
			if !yield(k) {
				return
			}
		}
	})))
}

// typeFamily names a column type the way both engines can: SQLite's
// declared type, PostgreSQL's data_type. Times are TIMESTAMP on SQLite
// (fixed-width UTC text, see sqliteTime; the declared type is what makes
// the driver return a time.Time) and timestamptz on PostgreSQL; a
// PostgreSQL timestamp without time zone is not the same thing and stays
// apart.
func typeFamily(t string) string {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "integer", "int", "bigint", "smallint", "int2", "int4", "int8":
		return "integer"
	case "text", "character varying", "varchar", "character", "char":
		return "text"
	case "timestamp", "timestamp with time zone", "timestamptz":
		return "timestamp (UTC)"
	case "boolean", "bool":
		return "boolean"
	case "blob", "bytea":
		return "blob"
	case "real", "double precision", "double", "float", "float8", "float4":
		return "real"
	}
	return "other: " + t
}

var (
	pgCast     = regexp.MustCompile(`::[a-z_]+( [a-z_]+)*(\[\])?`)
	sqlParens  = regexp.MustCompile(`[()]`)
	sqlSpacing = regexp.MustCompile(`\s+`)
	sqlOpSpace = regexp.MustCompile(`\s*([=<>!+*/,-]+)\s*`)
	sqlWhere   = regexp.MustCompile(`(?i)\sWHERE\s`)
	sqlCheck   = regexp.MustCompile(`(?i)\bCHECK\s*\(`)
)

// normExpr normalizes an SQL expression (a CHECK, an index's WHERE) for
// comparison: in lower case, without PostgreSQL's casts and parentheses,
// one space between words and none around operators.
func normExpr(e string) string {
	e = pgCast.ReplaceAllString(strings.ToLower(e), "")
	e = sqlParens.ReplaceAllString(e, " ")
	e = sqlSpacing.ReplaceAllString(strings.TrimSpace(e), " ")
	return sqlOpSpace.ReplaceAllString(e, "$1")
}

// normDefault normalizes a column default: NULL is none, PostgreSQL's casts
// dropped, booleans as 0 and 1.
func normDefault(family string, d sql.NullString) string {
	if !d.Valid || strings.EqualFold(d.String, "null") {
		return "none"
	}
	v := strings.TrimSpace(pgCast.ReplaceAllString(d.String, ""))
	for strings.HasPrefix(v, "(") && strings.HasSuffix(v, ")") {
		v = strings.TrimSpace(v[1 : len(v)-1])
	}
	if !strings.HasPrefix(v, "'") {
		v = strings.ToLower(v)
	}
	if family == "integer" || family == "real" {
		// PostgreSQL shows a negative number quoted ('-1'::bigint).
		if n := strings.Trim(v, "'"); len(n) == len(v)-2 {
			if _, err := strconv.ParseFloat(n, 64); err == nil {
				v = n
			}
		}
	}
	if family == "timestamp (UTC)" {
		// PostgreSQL shows a time constant its own way ('… 00:00:00+00');
		// SQLite keeps the text as written, in store.sqliteTime's form.
		v = strings.Replace(strings.Replace(v, ".000000", "", 1), "+00:00'", "+00'", 1)
	}
	if family == "boolean" {
		switch v {
		case "false":
			v = "0"
		case "true":
			v = "1"
		}
	}
	return v
}

func columnDesc(family string, notNull bool, def sql.NullString) string {
	null := "NULL"
	if notNull {
		null = "NOT NULL"
	}
	return family + " " + null + " default " + normDefault(family, def)
}

// eachRow runs q and calls scan for each row, failing the test on any error.
func eachRow(t *testing.T, db *sql.DB, q string, scan func(*sql.Rows) error, args ...any) {
	t.Helper()
	rs, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rs.Close()
	for rs.Next() {
		if err := scan(rs); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
}

// sqliteChecks finds the CHECK expressions in a CREATE TABLE statement
// (ALTER TABLE ADD COLUMN rewrites it, so it holds them all).
func sqliteChecks(create string) []string {
	var lines []string
	for l := range strings.Lines(create) {
		l, _, _ = strings.Cut(l, "--")
		lines = append(lines, l)
	}
	s := strings.Join(lines, " ")
	var out []string
	for _, loc := range sqlCheck.FindAllStringIndex(s, -1) {
		depth, start := 0, loc[1]-1
		for i := start; i < len(s); i++ {
			switch s[i] {
			case '(':
				depth++
			case ')':
				depth--
			}
			if depth == 0 {
				out = append(out, s[start:i+1])
				break
			}
		}
	}
	return out
}

func sqliteSchema(t *testing.T, db *sql.DB) schemaFacts {
	t.Helper()
	f := schemaFacts{}
	creates := map[string]string{}
	eachRow(t, db, `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`, func(r *sql.Rows) error {
		var name, create string
		if err := r.Scan(&name, &create); err != nil {
			return err
		}
		creates[name] = create
		f[name] = map[string]string{}
		return nil
	})
	for table, create := range creates {
		var pk []string
		pkType := ""
		type col struct {
			name, family string
			notNull      bool
			def          sql.NullString
		}
		var cols []col
		eachRow(t, db, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY pk, cid`, func(r *sql.Rows) error {
			var c col
			var typ string
			var pkPos int
			if err := r.Scan(&c.name, &typ, &c.notNull, &c.def, &pkPos); err != nil {
				return err
			}
			c.family = typeFamily(typ)
			if pkPos > 0 {
				pk = append(pk, c.name)
				pkType = strings.ToUpper(typ)
			}
			cols = append(cols, c)
			return nil
		}, table)
		for _, c := range cols {
			// An INTEGER PRIMARY KEY is the rowid: never NULL, whatever
			// pragma_table_info says. Other primary key columns may hold
			// NULL on SQLite unless declared NOT NULL.
			rowid := len(pk) == 1 && pk[0] == c.name && pkType == "INTEGER"
			f.add(table, "column "+c.name, columnDesc(c.family, c.notNull || rowid, c.def))
		}
		if len(pk) > 0 {
			f.add(table, "primary key", "("+strings.Join(pk, ", ")+")")
		}
		type index struct {
			name, origin string
			unique       bool
			partial      bool
		}
		var indexes []index
		eachRow(t, db, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, func(r *sql.Rows) error {
			var ix index
			if err := r.Scan(&ix.name, &ix.unique, &ix.origin, &ix.partial); err != nil {
				return err
			}
			indexes = append(indexes, ix)
			return nil
		}, table)
		for _, ix := range indexes {
			var cols []string
			eachRow(t, db, `SELECT name, "desc" FROM pragma_index_xinfo(?) WHERE key ORDER BY seqno`, func(r *sql.Rows) error {
				var name sql.NullString
				var desc bool
				if err := r.Scan(&name, &desc); err != nil {
					return err
				}
				c := name.String
				if !name.Valid {
					c = "<expression>"
				}
				if desc {
					c += " desc"
				}
				cols = append(cols, c)
				return nil
			}, ix.name)
			switch ix.origin {
			case "pk": // compared as the primary key
			case "u":
				f.add(table, "unique constraint ("+strings.Join(cols, ", ")+")", "unique")
			default:
				var create sql.NullString
				if err := db.QueryRow(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, ix.name).Scan(&create); err != nil {
					t.Fatal(err)
				}
				where := ""
				if ix.partial {
					if loc := sqlWhere.FindStringIndex(create.String); loc != nil {
						where = " where " + normExpr(create.String[loc[1]:])
					}
				}
				f.add(table, "index "+ix.name, indexDesc(ix.unique, cols, where))
			}
		}
		type fk struct {
			ref, onUpdate, onDelete string
			from, to                []string
		}
		fks := map[int]*fk{}
		eachRow(t, db, `SELECT id, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, func(r *sql.Rows) error {
			var id int
			var ref, from, onUpdate, onDelete string
			var to sql.NullString
			if err := r.Scan(&id, &ref, &from, &to, &onUpdate, &onDelete); err != nil {
				return err
			}
			k := fks[id]
			if k == nil {
				k = &fk{ref: ref, onUpdate: onUpdate, onDelete: onDelete}
				fks[id] = k
			}
			k.from = append(k.from, from)
			k.to = append(k.to, to.String) // "" is the referenced table's primary key
			return nil
		}, table)
		for _, k := range fks {
			if slices.Contains(k.to, "") {
				k.to = nil
				eachRow(t, db, `SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, func(r *sql.Rows) error {
					var c string
					k.to = append(k.to, c)
					return r.Scan(&k.to[len(k.to)-1])
				}, k.ref)
			}
			f.add(table, "foreign key ("+strings.Join(k.from, ", ")+")", fkDesc(k.ref, k.to, k.onDelete, k.onUpdate))
		}
		for _, c := range sqliteChecks(create) {
			f.add(table, "check "+normExpr(strings.TrimSpace(c[1:len(c)-1])), "×1")
		}
	}
	return f
}

func indexDesc(unique bool, cols []string, where string) string {
	u := ""
	if unique {
		u = "unique "
	}
	return u + "(" + strings.Join(cols, ", ") + ")" + where
}

func fkDesc(ref string, to []string, onDelete, onUpdate string) string {
	return fmt.Sprintf("references %s (%s) on delete %s on update %s", ref, strings.Join(to, ", "),
		strings.ToLower(onDelete), strings.ToLower(onUpdate))
}

// pgAction spells a pg_constraint action code as SQLite's pragma does.
var pgAction = map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

func postgresSchema(t *testing.T, db *sql.DB) schemaFacts {
	t.Helper()
	f := schemaFacts{}
	eachRow(t, db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`, func(r *sql.Rows) error {
		var name string
		if err := r.Scan(&name); err != nil {
			return err
		}
		f[name] = map[string]string{}
		return nil
	})
	eachRow(t, db, `SELECT table_name, column_name, data_type, is_nullable = 'NO', column_default
		FROM information_schema.columns WHERE table_schema = current_schema()`, func(r *sql.Rows) error {
		var table, name, typ string
		var notNull bool
		var def sql.NullString
		if err := r.Scan(&table, &name, &typ, &notNull, &def); err != nil {
			return err
		}
		if _, ok := f[table]; ok {
			f.add(table, "column "+name, columnDesc(typeFamily(typ), notNull, def))
		}
		return nil
	})
	// The columns of a constraint or an index, in order, as one text.
	const attnames = `array_to_string(ARRAY(SELECT a.attname FROM unnest(%s) WITH ORDINALITY k(n, o)
		JOIN pg_attribute a ON a.attrelid = %s AND a.attnum = k.n ORDER BY k.o), ', ')`
	eachRow(t, db, `SELECT c.conrelid::regclass::text, c.contype, `+fmt.Sprintf(attnames, "c.conkey", "c.conrelid")+`,
			COALESCE(c.confrelid::regclass::text, ''), `+fmt.Sprintf(attnames, "c.confkey", "c.confrelid")+`,
			c.confdeltype, c.confupdtype, pg_get_constraintdef(c.oid)
		FROM pg_constraint c JOIN pg_class tc ON tc.oid = c.conrelid
		WHERE tc.relnamespace = current_schema()::regnamespace AND c.contype IN ('p', 'u', 'f', 'c')`, func(r *sql.Rows) error {
		var table, kind, cols, ref, refCols, onDelete, onUpdate, def string
		if err := r.Scan(&table, &kind, &cols, &ref, &refCols, &onDelete, &onUpdate, &def); err != nil {
			return err
		}
		switch kind {
		case "p":
			f.add(table, "primary key", "("+cols+")")
		case "u":
			f.add(table, "unique constraint ("+cols+")", "unique")
		case "f":
			f.add(table, "foreign key ("+cols+")", fkDesc(ref, strings.Split(refCols, ", "), pgAction[onDelete], pgAction[onUpdate]))
		case "c":
			f.add(table, "check "+normExpr(strings.TrimPrefix(def, "CHECK ")), "×1")
		}
		return nil
	})
	// Indexes made by CREATE INDEX: not those behind a primary key or a
	// UNIQUE constraint, which are compared as constraints.
	eachRow(t, db, `SELECT tc.relname, ic.relname, i.indisunique, COALESCE(pg_get_expr(i.indpred, i.indrelid), ''),
			array_to_string(ARRAY(SELECT COALESCE(a.attname, '<expression>') ||
				CASE WHEN i.indoption[k - 1] & 1 = 1 THEN ' desc' ELSE '' END
				FROM generate_series(1, i.indnkeyatts) k
				LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1] AND a.attnum > 0
				ORDER BY k), ', ')
		FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid
		WHERE tc.relnamespace = current_schema()::regnamespace
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))`, func(r *sql.Rows) error {
		var table, name, pred, cols string
		var unique bool
		if err := r.Scan(&table, &name, &unique, &pred, &cols); err != nil {
			return err
		}
		where := ""
		if pred != "" {
			where = " where " + normExpr(pred)
		}
		f.add(table, "index "+name, indexDesc(unique, strings.Split(cols, ", "), where))
		return nil
	})
	return f
}
