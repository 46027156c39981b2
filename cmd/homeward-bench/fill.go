package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"homeward/internal/auth"
	"homeward/internal/demo"
	"homeward/internal/seal"
	"homeward/internal/store"
)

// fill writes the demo data (medium's twelve programs, with the asked
// number of cases) into the new database (a database filled by an earlier
// run is kept as it is) and returns an API token of the
// demo coordinator. The token is made through the store: the coordinator has
// no second factor, which `homeward token create` would ask for, and the
// database is thrown away after the run.
func fill(ctx context.Context, c config) (string, error) {
	ring, _, err := seal.Load(c.data, "")
	if err != nil {
		return "", err
	}
	st, err := store.Open(ctx, store.Options{DataDir: c.data, DatabaseURL: c.database, Keyring: ring})
	if err != nil {
		return "", err
	}
	defer st.Close()
	_, err = demo.FillWith(ctx, st, auth.NewHasher(), demo.Options{Size: demo.Medium, Seed: c.seed, Cases: c.cases, Progress: os.Stderr})
	switch {
	case errors.Is(err, demo.ErrNotEmpty):
		// The --data directory of an earlier run: measured again as it is.
		fmt.Fprintln(os.Stderr, "the database is already filled (an earlier run's --data): measuring it as it is")
	case err != nil:
		return "", fmt.Errorf("demo data: %w", err)
	}
	u, _, err := st.UserForLogin(ctx, "coordinator@"+demo.DemoDomain)
	if err != nil {
		return "", fmt.Errorf("the demo coordinator: %w", err)
	}
	token, _, err := st.CreateAPIToken(ctx, u.ID, "homeward-bench", 24*time.Hour)
	return token, err
}
