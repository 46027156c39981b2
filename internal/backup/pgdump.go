package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"homeward/internal/store"
)

// ErrNoPgDump is returned on PostgreSQL when pg_dump is not on PATH.
var ErrNoPgDump = errors.New("pg_dump is not installed (not on PATH): install the PostgreSQL client tools of your server's major version, or back up with pg_dump yourself (see the README)")

// PgDumpFile is the database's entry in a PostgreSQL backup.
const PgDumpFile = "homeward.pgdump"

// dumpPostgres runs pg_dump (custom format) on a snapshot exported together
// with the manifest's facts, into tmp.
func dumpPostgres(ctx context.Context, st *store.Store, databaseURL, tmp string) (Manifest, error) {
	m := Manifest{File: PgDumpFile}
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return m, ErrNoPgDump
	}
	dbname, env, err := pgConnection(databaseURL)
	if err != nil {
		return m, err
	}
	snapshot, facts, release, err := st.ExportSnapshot(ctx)
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer release()
	setFacts(&m, facts)
	path := filepath.Join(tmp, m.File)
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--no-owner", "--no-password",
		"--snapshot="+snapshot, "--file="+path, "--dbname="+dbname)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return m, fmt.Errorf("backup: pg_dump: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	release()
	return m, hashFile(&m, path)
}

// pgConnection splits a postgres:// URL into one without its password (for
// the command line, which others on the machine can read) and the
// environment that carries the password (PGPASSWORD).
func pgConnection(databaseURL string) (dbname string, env []string, err error) {
	u, err := url.Parse(databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, errors.New("the --database URL is not a postgres:// URL")
	}
	if u.User != nil {
		if p, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+p)
			u.User = url.User(u.User.Username())
		}
	}
	return u.String(), env, nil
}
