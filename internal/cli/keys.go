package cli

import (
	"context"
	"fmt"
	"io"
)

func runKeys(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	sub, err := subcommand(args, []string{"rotate", "retire"}, "Usage: homeward keys rotate | homeward keys retire\n\n"+
		"  rotate  make a new key-encryption key current and re-seal every data key under it;\n"+
		"          safe while Homeward runs (with HOMEWARD_KEY: add the new key there first, restart, then rotate);\n"+
		"          serve also does it by itself every --key-rotation days when the keyring is the key file\n"+
		"  retire  remove the older keys from the key file once no data key needs them", stderr)
	if err != nil {
		return err
	}
	fs := flagSet("keys "+sub, map[string]string{
		"rotate": "Make a new key-encryption key current and re-seal every data key under it, in small\ntransactions, while Homeward keeps running. The old key stays until 'keys retire'.",
		"retire": "Remove every key but the current one from the key file, after checking that no data key\nstill needs them. The removed keys are saved to a file next to the key file: the backups\ntaken before need it, until serve destroys it once the backup retention has passed.",
	}[sub], stderr)
	var db dbFlags
	db.register(fs)
	if err := parse(fs, args[1:], e); err != nil {
		return err
	}
	log := newLogger(stderr, "text")
	st, err := db.openStore(ctx, log, openHow{noMigrate: true, keys: true, shared: true}, e, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	ring := st.Keyring()
	if sub == "rotate" {
		if ring.FromFile() {
			id, err := ring.AddCurrent()
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "key %s is now current (key file updated)\n", id)
		}
		n, err := st.RotateDataKeys(ctx)
		if err != nil {
			return fmt.Errorf("re-sealing stopped after %d data keys (run keys rotate again to resume): %w", n, err)
		}
		fmt.Fprintf(stdout, "re-sealed %d data keys under key %s\n", n, ring.Current())
		fmt.Fprintln(stdout, "When every app process uses the new key, run: homeward keys retire")
		return nil
	}
	ids := ring.IDs()
	for _, id := range ids[:len(ids)-1] {
		n, err := st.DataKeysSealedBy(ctx, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("key %s still seals %d data keys: run homeward keys rotate first", id, n)
		}
	}
	file, err := ring.Retire(st.Now())
	if err != nil {
		return err
	}
	if file == "" {
		fmt.Fprintln(stdout, "nothing to retire: the keyring holds only the current key")
		return nil
	}
	fmt.Fprintf(stdout, "retired keys %v; they were saved to %s\n", ids[:len(ids)-1], file)
	fmt.Fprintln(stdout, "Leave it there: serve destroys it once the backup retention (--backup-retention) has passed, and with it")
	fmt.Fprintln(stdout, "the last way to open the backups taken before. Destroy any copy you make of it by then too.")
	return nil
}
