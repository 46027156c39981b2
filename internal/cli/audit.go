package cli

import (
	"context"
	"fmt"
	"io"

	"homeward/internal/audit"
)

func runAudit(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	sub, err := subcommand(args, []string{"verify", "head", "key"}, "Usage: homeward audit verify [--head SEQ:HASH] [--head-log FILE] | homeward audit head | homeward audit key\n\n"+
		"  verify  walk the audit log and name the first entry that was edited, deleted, reordered or\n"+
		"          cut from the end (against the audit_head row); with --head (the output of an\n"+
		"          earlier 'audit head') or --head-log (the file serve --audit-head-log keeps), also\n"+
		"          a tail cut by someone who moved the audit_head row back\n"+
		"  head    print the newest entry's position and hash; keep it off the server\n"+
		"  key     key a log written before the audit key (its plain chain is verified first)", stderr)
	if err != nil {
		return err
	}
	fs := flagSet("audit "+sub, map[string]string{
		"verify": "Verify the audit log's keyed hash chain. Exit status 0: intact; 1: broken, with the first bad entry named.",
		"head":   "Print the newest audit entry as SEQ:HASH, to keep somewhere the server cannot change.",
		"key":    "Key an audit log written before the audit key: verify its plain chain, then re-hash every entry\nwith the audit key of the key file (or HOMEWARD_KEY). serve does this by itself when it adds\nthe audit key to the key file; run it after restoring a database from before that, or after\nadding the hwa1 line to HOMEWARD_KEY by hand.",
	}[sub], stderr)
	var db dbFlags
	db.register(fs)
	headFlag, headLog := "", ""
	if sub == "verify" {
		fs.StringVar(&headFlag, "head", "", "a head printed earlier by 'homeward audit head'; entries cut after it are found too")
		fs.StringVar(&headLog, "head-log", "", "the file serve --audit-head-log appends the head to: every head in it is checked")
	}
	if err := parse(fs, args[1:], e); err != nil {
		return err
	}
	var kept []audit.Head
	if headFlag != "" {
		h, err := audit.ParseHead(headFlag)
		if err != nil {
			return err
		}
		kept = append(kept, h)
	}
	if headLog != "" {
		heads, err := audit.ReadHeadLog(headLog)
		if err != nil {
			return err
		}
		kept = append(kept, heads...)
	}
	st, err := db.openStore(ctx, newLogger(io.Discard, "text"), openHow{noMigrate: true, shared: true}, e, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "head":
		h, err := st.AuditHead(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, h)
		return nil
	case "key":
		n, err := st.KeyAuditLog(ctx)
		if err != nil {
			return err
		}
		h, err := st.AuditHead(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			fmt.Fprintf(stdout, "the audit log is keyed; head %s\n", h)
			return nil
		}
		fmt.Fprintf(stdout, "audit log keyed: %d entries, head %s (heads kept before no longer match)\n", n, h)
		return nil
	}
	h, err := st.VerifyAudit(ctx, kept...)
	if err != nil {
		return err
	}
	if len(kept) > 0 {
		fmt.Fprintf(stdout, "audit log intact: %d entries, head %s; %d kept heads match\n", h.Seq, h, len(kept))
		return nil
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries, head %s\n", h.Seq, h)
	return nil
}
