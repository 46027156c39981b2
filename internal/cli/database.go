package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"homeward/internal/seal"
	"homeward/internal/store"
)

// dbFlags are the flags every command that touches the database shares.
type dbFlags struct {
	data     string
	database string
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.data, "data", "./data", "data directory: the SQLite database and the key file live here")
	fs.StringVar(&d.database, "database", "", "PostgreSQL URL (postgres://…); empty means SQLite in --data")
}

func (d *dbFlags) options() store.Options {
	return store.Options{DataDir: d.data, DatabaseURL: d.database}
}

// where describes the database for messages, without a password.
func (d *dbFlags) where() string {
	if d.database == "" {
		return "SQLite in " + d.data
	}
	return "PostgreSQL"
}

// openHow says how a command opens the database.
type openHow struct {
	noMigrate bool // leave pending migrations (migrate applies them itself; maintenance commands must not)
	keys      bool // load the keyring: the command reads or writes protected fields
	shared    bool // run beside a serve on the same SQLite directory
}

// openStore opens the database, logging which one. It loads the keyring:
// from HOMEWARD_KEY, else from the key file in --data, created on first
// start with a loud note to back it up. Every command gets its audit key,
// which keys the audit log's chain; with keys, the command also gets the
// key-encryption keys that seal protected fields (commands that read no
// protected field, such as migrate and audit, open without them).
func (d *dbFlags) openStore(ctx context.Context, log *slog.Logger, how openHow, e env, stderr io.Writer) (*store.Store, error) {
	o := d.options()
	o.NoMigrate, o.Shared = how.noMigrate, how.shared
	if d.database != "" && !strings.HasPrefix(d.database, "postgres://") && !strings.HasPrefix(d.database, "postgresql://") {
		return d.open(ctx, log, o) // refused, before a key file is made for it
	}
	ring, created, err := seal.Load(d.data, e(seal.EnvKey))
	if err != nil {
		return nil, err
	}
	if ring.AuditKey() == nil {
		return nil, fmt.Errorf("%s holds no audit key: add a line hwa1:1:<32 random bytes in base64> (such as from: openssl rand -base64 32) to it on every app process, back it up with the other keys, then run homeward audit key once", seal.EnvKey)
	}
	switch {
	case created:
		fmt.Fprintf(stderr, `
!!! A new key file was created: %s
!!! It encrypts the protected fields of every record. Back it up now, and
!!! keep the copy APART from the database backups: without it the protected
!!! data cannot be read; with it next to the database, a stolen backup can.
!!! Several app processes must all use this same key (or set %s).

`, filepath.Join(d.data, seal.KeyFile), seal.EnvKey)
	case ring.AuditKeyAdded():
		fmt.Fprintf(stderr, `
!!! An audit key was added to the key file: %s
!!! It keys the audit log's hash chain. Back the key file up again now, apart
!!! from the database backups, and give the same file to every app process.

`, filepath.Join(d.data, seal.KeyFile))
	}
	o.AuditKey, o.KeyAuditLog = ring.AuditKey(), ring.AuditKeyAdded()
	if how.keys {
		o.Keyring = ring
	}
	return d.open(ctx, log, o)
}

func (d *dbFlags) open(ctx context.Context, log *slog.Logger, o store.Options) (*store.Store, error) {
	s, err := store.Open(ctx, o)
	if err != nil {
		return nil, err
	}
	log.Info("database open", "engine", string(s.Engine()), "where", d.where())
	return s, nil
}
