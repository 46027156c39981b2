package server_test

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"

	"homeward/internal/store"
	"homeward/internal/testdb"
)

// A client that sends a write with an Idempotency-Key and, having lost the
// answer, sends it again, gets the first answer again, and the note is
// stored once; the same key on another request is refused, another user's
// identical key is theirs alone, and a stolen database reads neither the
// key nor the answer.
func TestAPIRetriedWriteWithTheSameIdempotencyKeyIsDoneOnce(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, a *app) {
		j := newAPIJourney(t, a)
		_, c := j.matched("ID-001", "Retry Person", j.mentor)
		path := apiCasePath(c.ID, "/notes")
		const key = "3f1c9e4e-8a7b-4c55-9d2e-6b1f0a7c2d11"
		note := `{"visibility":"team","body":"Marker-Retry-4711 asked about the flat"}`
		send := func(p apiPerson, key, body string) (*http.Response, string) {
			keep := a.session
			a.session = ""
			defer func() { a.session = keep }()
			return a.do("POST", path, strings.NewReader(body), "Authorization", "Bearer "+p.token, "Content-Type", "application/json",
				"Idempotency-Key", key)
		}
		notes := func() int {
			t.Helper()
			return len(decodeJSON[apiList[apiRecord]](t, j.call(j.coord, 200, "GET", path, "")).Items)
		}

		res, first := send(j.coord, key, note)
		if res.StatusCode != http.StatusCreated || res.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("first send: %d %s", res.StatusCode, first)
		}
		res, again := send(j.coord, key, note)
		if res.StatusCode != http.StatusCreated || again != first || res.Header.Get("Idempotent-Replayed") != "true" ||
			!strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("the retry: %d %q, want the first answer %q replayed", res.StatusCode, again, first)
		}
		if n := notes(); n != 1 {
			t.Fatalf("%d notes after a retry, want 1", n)
		}

		// The same key on another request is a mistake, said so; nothing is stored.
		res, body := send(j.coord, key, `{"visibility":"team","body":"something else"}`)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "already used for another request") {
			t.Fatalf("the key on another request: %d %s", res.StatusCode, body)
		}
		// Another user's key of the same value is their own.
		if res, body := send(j.mentor, key, `{"visibility":"mentor","body":"the mentor's own"}`); res.StatusCode != http.StatusCreated ||
			res.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("another user's key of the same value: %d %s", res.StatusCode, body)
		}
		// A key too short to be unguessable is refused before anything runs.
		if res, body := send(j.coord, "1", note); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Idempotency-Key") {
			t.Fatalf("a short key: %d %s", res.StatusCode, body)
		}
		// Without a key, every send is a new note.
		j.call(j.coord, http.StatusCreated, "POST", path, note)
		if n := notes(); n != 3 { // the coordinator reads the mentor's note too
			t.Fatalf("%d notes after a send without a key, want 3", n)
		}

		// A first request whose process died before it answered: the retry
		// is told the outcome is unknown instead of being run twice.
		st := a.store
		const lost = "9d7a1b2c-0000-4c55-9d2e-6b1f0a7c2d12"
		if res, _ := send(j.coord, lost, note); res.StatusCode != http.StatusCreated {
			t.Fatal("the lost request's first send")
		}
		if err := forceIdempotencyPending(st); err != nil {
			t.Fatal(err)
		}
		if res, body := send(j.coord, lost, note); res.StatusCode != http.StatusConflict || !strings.Contains(body, "idempotency_pending") {
			t.Fatalf("a retry of a request without a kept answer: %d %s", res.StatusCode, body)
		}
		if n := notes(); n != 4 {
			t.Fatalf("%d notes, want 4", n)
		}
		if dump := dumpIdempotencyKeys(t, st); strings.Contains(dump, key) || strings.Contains(dump, "Marker-Retry-4711") {
			t.Fatal("the database holds a key or an answer readable")
		}
	}
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); run(t, newApp(t)) })
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		run(t, newAppOn(t, store.Options{DatabaseURL: testdb.Postgres(t)}))
	})
}

// forceIdempotencyPending puts every kept answer back to pending, as a
// process that died between the write and keeping its answer leaves it.
func forceIdempotencyPending(st *store.Store) error {
	_, err := writePool(st).ExecContext(context.Background(), `UPDATE idempotency_keys SET state = 'pending', answer_sealed = NULL`)
	return err
}

// dumpIdempotencyKeys reads every column of every kept key as text.
func dumpIdempotencyKeys(t *testing.T, st *store.Store) string {
	t.Helper()
	rows, err := writePool(st).QueryContext(context.Background(), `SELECT key_hash, request_hash, COALESCE(answer_sealed, key_hash) FROM idempotency_keys`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var k, r, s []byte
		if err := rows.Scan(&k, &r, &s); err != nil {
			t.Fatal(err)
		}
		b.Write(k)
		b.Write(r)
		b.Write(s)
	}
	if b.Len() == 0 {
		t.Fatal("no idempotency key was kept")
	}
	return b.String()
}

// writePool is the store's pool that writes: "write" on SQLite, "main" on
// PostgreSQL.
func writePool(st *store.Store) *sql.DB {
	if db, ok := st.Pools()["write"]; ok {
		return db
	}
	return st.Pools()["main"]
}
