package cli

import (
	"context"
	"flag"
	"log/slog"

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

// openStore opens the database, logging which one.
func (d *dbFlags) openStore(ctx context.Context, log *slog.Logger, noMigrate bool) (*store.Store, error) {
	o := d.options()
	o.NoMigrate = noMigrate
	s, err := store.Open(ctx, o)
	if err != nil {
		return nil, err
	}
	log.Info("database open", "engine", string(s.Engine()), "where", d.where())
	return s, nil
}
