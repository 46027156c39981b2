package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"homeward/internal/auth"
	"homeward/internal/identity"
)

func runUser(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	sub, err := subcommand(args, []string{"create"}, "Usage: homeward user create --email E --role R [--program ID[,ID…]] [--name N]\n\n"+
		"  create  invite a user: prints a one-time link where they choose their own password", stderr)
	if err != nil {
		return err
	}
	fs := flagSet("user "+sub, "Invite a user. Prints a one-time invitation link (valid 72 hours) for them to choose\ntheir own password: nobody else ever chooses or sees it.", stderr)
	var db dbFlags
	db.register(fs)
	email := fs.String("email", "", "the user's email address")
	role := fs.String("role", "", "one of: admin, coordinator, mentor, psychologist, mentee, partner, viewer")
	programs := fs.String("program", "", "program ids the user works in, separated by commas (every role but admin)")
	name := fs.String("name", "", "the user's name")
	base := fs.String("url", "http://127.0.0.1:8080", "the address people open, to build the link")
	if err := parse(fs, args[1:], e); err != nil {
		return err
	}
	u := auth.User{Email: *email, Name: *name, Role: auth.Role(*role)}
	for _, p := range strings.FieldsFunc(*programs, func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("--program %q: give program ids such as 1 or 1,3", *programs)
		}
		u.Programs = append(u.Programs, id)
	}
	st, err := db.openStore(ctx, newLogger(io.Discard, "text"), openHow{noMigrate: true, shared: true}, e, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	ids, err := identity.New(st, auth.NewHasher(), identity.DefaultConfig())
	if err != nil {
		return err
	}
	u, token, err := ids.Invite(ctx, u)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "%s/link/%s\n", strings.TrimSuffix(*base, "/"), token)
	fmt.Fprintf(stderr, "Invited %s as %s. Send them the link above over a safe channel; it works once, for 72 hours.\n", u.Email, u.Role)
	return nil
}
