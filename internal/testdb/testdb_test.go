package testdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"
	"time"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func currentDB(t *testing.T, db *sql.DB) string {
	t.Helper()
	var name string
	if err := db.QueryRow("SELECT current_database()").Scan(&name); err != nil {
		t.Fatalf("current_database: %v", err)
	}
	return name
}

func hasTable(t *testing.T, db *sql.DB, table string) bool {
	t.Helper()
	var ok bool
	if err := db.QueryRow("SELECT to_regclass($1) IS NOT NULL", table).Scan(&ok); err != nil {
		t.Fatalf("to_regclass(%s): %v", table, err)
	}
	return ok
}

func TestSeparateDatabases(t *testing.T) {
	t.Parallel()
	u1, u2 := Postgres(t), Postgres(t)
	if u1 == u2 {
		t.Fatalf("same URL twice: %s", u1)
	}
	db1, db2 := open(t, u1), open(t, u2)
	n1, n2 := currentDB(t, db1), currentDB(t, db2)
	if n1 == n2 {
		t.Fatalf("both URLs point at database %s", n1)
	}
	t.Logf("databases %s and %s (%s)", n1, n2, u1)

	if hasTable(t, db1, "widgets") || hasTable(t, db2, "widgets") {
		t.Fatal("fresh database is not empty")
	}
	if _, err := db1.Exec("CREATE TABLE widgets (id int PRIMARY KEY)"); err != nil {
		t.Fatalf("create table: %v", err)
	}
	if !hasTable(t, db1, "widgets") {
		t.Error("table missing from the database it was created in")
	}
	if hasTable(t, db2, "widgets") {
		t.Error("table leaked into the other database")
	}
}

func TestDroppedOnCleanup(t *testing.T) {
	t.Parallel()
	var name string
	t.Run("use", func(t *testing.T) {
		db := open(t, Postgres(t))
		name = currentDB(t, db)
		// Leave a connection open: cleanup must drop the database anyway.
		if _, err := db.Exec("CREATE TABLE t (x int)"); err != nil {
			t.Fatalf("create table: %v", err)
		}
	})
	if name == "" {
		t.Skip("subtest did not get a database")
	}

	db := open(t, Postgres(t))
	var n int
	if err := db.QueryRow("SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatalf("query pg_database: %v", err)
	}
	if n != 0 {
		t.Errorf("database %s still exists after its test's cleanup", name)
	}
}

func TestParallel(t *testing.T) {
	t.Parallel()
	for i := range 8 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			db := open(t, Postgres(t))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := db.ExecContext(ctx, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)"); err != nil {
				t.Fatalf("exec: %v", err)
			}
		})
	}
}
