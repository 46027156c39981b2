package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/demo"
)

func runDemo(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flagSet("demo", "Fill an empty database with generated demo data (deterministic for a size and seed).\n"+
		"small: three programs with mentors, about forty people's case journeys and two years of generated history; medium adds 5,000 generated\n"+
		"cases; large adds cases up to 100,000 with 1,000,000 contacts (a few minutes), to measure the lists.", stderr)
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
	start := time.Now()
	sum, err := demo.FillWith(ctx, st, auth.NewHasher(), demo.Options{Size: sz, Seed: *seed, Progress: stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Demo data (%s, seed %d) written to %s in %s: %d programs.\n", sz, *seed, db.where(),
		time.Since(start).Round(time.Second), sum.Programs)
	printDemoData(stdout, sum)
	fmt.Fprintln(stdout, "Demo users (password shown once, not stored anywhere):")
	printDemoUsers(stdout, sum)
	return nil
}

// printDemoData tells what the demo holds, by state.
func printDemoData(w io.Writer, sum demo.Summary) {
	var states []string
	for _, s := range cases.States {
		if n := sum.States[s]; n > 0 {
			states = append(states, fmt.Sprintf("%s %d", s, n))
		}
	}
	fmt.Fprintf(w, "%d people, %d cases (%s), %d contacts, %d requests, %d referrals to partners.\n", sum.Mentees, sum.Cases,
		strings.Join(states, ", "), sum.Contacts, sum.Requests, sum.Referrals)
	if sum.BulkStaff > 0 {
		fmt.Fprintf(w, "%d generated staff users (no password: send a reset link to sign in as one).\n", sum.BulkStaff)
	}
}

// printDemoUsers lists the demo sign-ins: one user per role, then the
// volunteer mentors of the case journeys.
func printDemoUsers(w io.Writer, sum demo.Summary) {
	width := 34
	for _, c := range sum.Users {
		width = max(width, len(c.Email))
	}
	for i, c := range sum.Users {
		if i == len(auth.Roles) {
			fmt.Fprintln(w, "Volunteer mentors:")
		}
		fmt.Fprintf(w, "  %-*s %s\n", width, c.Email, c.Password)
	}
	if len(sum.Users) > len(auth.Roles) {
		fmt.Fprintln(w, "The demo mentee signs in to the portal of an active case whose mentor is the demo mentor; the demo\n"+
			"coordinator and psychologist work in the three modelled programs, the volunteer mentors in one each.")
	}
}
