package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"homeward/internal/auth"
	"homeward/internal/store"
)

func runToken(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	sub, err := subcommand(args, []string{"create", "list", "revoke"}, "Usage: homeward token create --user EMAIL --name NAME [--expires 720h]\n"+
		"       homeward token list --user EMAIL\n"+
		"       homeward token revoke --id ID\n\n"+
		"  create  make an API token for a user; prints the token alone on stdout, once\n"+
		"  list    list a user's tokens (never the tokens themselves)\n"+
		"  revoke  revoke a token at once", stderr)
	if err != nil {
		return err
	}
	fs := flagSet("token "+sub, map[string]string{
		"create": "Make an API token. It acts as its user, with no more rights than they have, and is sent\nas \"Authorization: Bearer …\". Only its fingerprint is stored: copy it now.",
		"list":   "List a user's API tokens: id, name, dates and whether each still works.",
		"revoke": "Revoke an API token; requests with it are refused from then on.",
	}[sub], stderr)
	var db dbFlags
	db.register(fs)
	var email, name *string
	var expires *time.Duration
	var id *int64
	switch sub {
	case "create":
		email = fs.String("user", "", "the email address of the token's user")
		name = fs.String("name", "", "what the token is for, e.g. \"monthly report script\"")
		expires = fs.Duration("expires", 720*time.Hour, "how long the token works (at most 8784h, a year)")
	case "list":
		email = fs.String("user", "", "the email address of the tokens' user")
	case "revoke":
		id = fs.Int64("id", 0, "the token's id (see token list)")
	}
	if err := parse(fs, args[1:], e); err != nil {
		return err
	}
	st, err := db.openStore(ctx, newLogger(io.Discard, "text"), openHow{noMigrate: true, shared: true}, e, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "create":
		u, _, err := st.UserForLogin(ctx, *email)
		if err != nil {
			return fmt.Errorf("--user %q: no such user", *email)
		}
		if err := mayHaveToken(ctx, st, u); err != nil {
			return err
		}
		plain, t, err := st.CreateAPIToken(ctx, u.ID, *name, *expires)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintln(stdout, plain)
		fmt.Fprintf(stderr, "API token %d %q for %s, valid until %s. It is shown only now.\n", t.ID, t.Name, u.Email, t.ExpiresAt.Format(time.RFC3339))
	case "list":
		u, _, err := st.UserForLogin(ctx, *email)
		if err != nil {
			return fmt.Errorf("--user %q: no such user", *email)
		}
		tokens, err := st.APITokens(ctx, u.ID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tEXPIRES\tLAST USED\tSTATUS")
		for _, t := range tokens {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, day(&t.CreatedAt), day(&t.ExpiresAt), day(t.LastUsedAt), tokenStatus(t, st.Now()))
		}
		return tw.Flush()
	case "revoke":
		if err := st.RevokeAPIToken(ctx, 0, *id); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stderr, "API token %d revoked.\n", *id)
	}
	return nil
}

// mayHaveToken refuses a token to a user who must use a second factor and
// has none: a token acts as its user, and must not be a way around the
// second factor they have not set up.
func mayHaveToken(ctx context.Context, st *store.Store, u auth.User) error {
	required := u.Role.NeedsSecondFactor()
	if !required {
		var err error
		if required, err = st.MenteeSecondFactor(ctx, u.Programs); err != nil {
			return err
		}
	}
	if !required {
		return nil
	}
	f, err := st.UserFactors(ctx, u.ID)
	if err != nil {
		return err
	}
	if !f.Any() {
		return fmt.Errorf("--user %q has not set up a second factor, which their role requires: they sign in once and set one up (an authenticator app or a passkey), then a token may be made", u.Email)
	}
	return nil
}

func day(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func tokenStatus(t store.APIToken, now time.Time) string {
	switch {
	case t.RevokedAt != nil:
		return "revoked"
	case !t.Active(now):
		return "expired"
	}
	return "active"
}
