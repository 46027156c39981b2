package cli

import (
	"context"
	"fmt"
	"io"
)

func runMigrate(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flagSet("migrate", "Create the database if needed and apply pending migrations, each in its own transaction.", stderr)
	var db dbFlags
	db.register(fs)
	if err := parse(fs, args, e); err != nil {
		return err
	}
	log := newLogger(stderr, "text")
	st, err := db.openStore(ctx, log, openHow{noMigrate: true}, e, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	for _, name := range applied {
		fmt.Fprintln(stdout, "applied", name)
	}
	if err != nil {
		return err
	}
	if err := st.KeyNewAuditLog(ctx); err != nil {
		return err
	}
	cur, latest, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is at schema version %d of %d\n", db.where(), cur, latest)
	return nil
}
