package cli

import (
	"context"
	"fmt"
	"io"

	"homeward/internal/audit"
)

func runAudit(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	sub, err := subcommand(args, []string{"verify", "head"}, "Usage: homeward audit verify [--head SEQ:HASH] | homeward audit head\n\n"+
		"  verify  walk the audit log and name the first entry that was edited, deleted or reordered;\n"+
		"          with --head (the output of an earlier 'audit head'), also catch a cut tail\n"+
		"  head    print the newest entry's position and hash; keep it off the server", stderr)
	if err != nil {
		return err
	}
	fs := flagSet("audit "+sub, map[string]string{
		"verify": "Verify the audit log's hash chain. Exit status 0: intact; 1: broken, with the first bad entry named.",
		"head":   "Print the newest audit entry as SEQ:HASH, to keep somewhere the server cannot change.",
	}[sub], stderr)
	var db dbFlags
	db.register(fs)
	headFlag := ""
	if sub == "verify" {
		fs.StringVar(&headFlag, "head", "", "a head printed earlier by 'homeward audit head'; entries cut after it are found too")
	}
	if err := parse(fs, args[1:], e); err != nil {
		return err
	}
	var kept *audit.Head
	if headFlag != "" {
		h, err := audit.ParseHead(headFlag)
		if err != nil {
			return err
		}
		kept = &h
	}
	st, err := db.openStore(ctx, newLogger(io.Discard, "text"), openHow{noMigrate: true, shared: true}, e, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	if sub == "head" {
		h, err := st.AuditHead(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, h)
		return nil
	}
	h, err := st.VerifyAudit(ctx, kept)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries, head %s\n", h.Seq, h)
	return nil
}
