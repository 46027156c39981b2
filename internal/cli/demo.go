package cli

import (
	"context"
	"fmt"
	"io"

	"homeward/internal/auth"
	"homeward/internal/demo"
)

func runDemo(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flagSet("demo", "Fill an empty database with generated demo data (deterministic for a size and seed).", stderr)
	var db dbFlags
	db.register(fs)
	size := fs.String("size", "small", "how much data: small, medium or large")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same data")
	if err := parse(fs, args, e); err != nil {
		return err
	}
	sz, err := demo.ParseSize(*size)
	if err != nil {
		return err
	}
	log := newLogger(stderr, "text")
	st, err := db.openStore(ctx, log, openHow{keys: true}, e, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := demo.Fill(ctx, st, auth.NewHasher(), sz, *seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Demo data (%s, seed %d) written to %s: %d programs.\nDemo users (password shown once, not stored anywhere):\n", sz, *seed, db.where(), sum.Programs)
	for _, c := range sum.Users {
		fmt.Fprintf(stdout, "  %-34s %s\n", c.Email, c.Password)
	}
	return nil
}
