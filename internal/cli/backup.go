package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"filippo.io/age"

	"homeward/internal/backup"
	"homeward/internal/jobs"
	"homeward/internal/seal"
	"homeward/internal/store"
)

// envPassphrase holds the passphrase of passphrase-encrypted backups: an
// environment variable only, never a flag (flags show in ps).
const envPassphrase = "HOMEWARD_BACKUP_PASSPHRASE"

// scryptWorkFactor is age's scrypt work factor for passphrase backups; 0 is
// age's default. Tests lower it.
var scryptWorkFactor = 0

// backupRecipients are the recipients of a backup: the public keys in the
// file, or the passphrase in the environment, never both, never neither.
func backupRecipients(file string, e env, flagName string) ([]age.Recipient, error) {
	pass := e(envPassphrase)
	switch {
	case file != "" && pass != "":
		return nil, fmt.Errorf("give --%s or %s, not both (age encrypts to public keys or to a passphrase)", flagName, envPassphrase)
	case file != "":
		return backup.Recipients(file)
	case pass != "":
		r, err := backup.PassphraseRecipient(pass, scryptWorkFactor)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", envPassphrase, err)
		}
		return []age.Recipient{r}, nil
	}
	return nil, fmt.Errorf("give --%s FILE (age public keys, one a line) or set %s: a backup is never written unencrypted", flagName, envPassphrase)
}

func runBackup(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flagSet("backup", "Write an encrypted backup of the database while Homeward runs: a consistent copy (SQLite:\n"+
		"VACUUM INTO; PostgreSQL: pg_dump, which must be on PATH) with a manifest (schema version, audit\n"+
		"head, the key ids a restore needs), encrypted with age to --recipients or with the passphrase in\n"+
		envPassphrase+". The key file is not in it: back it up apart.", stderr)
	var db dbFlags
	db.register(fs)
	to := fs.String("to", "", "the backup file to write (refused if it exists); - writes to standard output")
	recipients := fs.String("recipients", "", "a file of age public keys (age1…), one a line, that can open the backup; else "+envPassphrase)
	if err := parse(fs, args, e); err != nil {
		return err
	}
	if *to == "" {
		fmt.Fprintln(stderr, "--to is required")
		fs.Usage()
		return errUsage
	}
	rs, err := backupRecipients(*recipients, e, "recipients")
	if err != nil {
		return err
	}
	if db.database == "" {
		// Opening would create an empty database: a mistyped --data must not
		// give an empty backup.
		if _, err := os.Stat(filepath.Join(db.data, store.SQLiteFile)); err != nil {
			return fmt.Errorf("no database in %s (give the data directory of the installation with --data)", db.data)
		}
	}
	st, err := db.openStore(ctx, newLogger(io.Discard, "text"), openHow{noMigrate: true, shared: true}, e, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	o := backup.Options{To: rs, DatabaseURL: db.database, Version: Version()}
	if st.Engine() == store.SQLite {
		o.TempDir = db.data
	}
	var m backup.Manifest
	if *to == "-" {
		m, err = backup.Write(ctx, st, stdout, o)
	} else {
		m, err = backup.WriteFile(ctx, st, *to, false, o)
	}
	if err != nil {
		return err
	}
	where := *to
	if where == "-" {
		where = "standard output"
	}
	fmt.Fprintf(stderr, "backup written to %s: %s database at schema version %d, audit head %s, needs keys %s\n",
		where, m.Engine, m.SchemaVersion, m.AuditHead, strings.Join(m.KeyIDs, ", "))
	fmt.Fprintln(stderr, "The key file is not in the backup: keep its copy apart from the backups.")
	return nil
}

func runRestore(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flagSet("restore", "Restore a SQLite backup into a data directory that holds no database yet. Put the key file\n"+
		"(backed up apart) in that directory first, or set "+seal.EnvKey+". The backup opens with --identity\n"+
		"or "+envPassphrase+". Before it says done, it checks the manifest, the audit chain up to the\n"+
		"manifest's head and that the key file opens every data key; on any failure nothing is left behind.\n"+
		"With --database, a PostgreSQL backup is restored into that empty database with pg_restore (on\n"+
		"PATH), in one transaction, and the key file is read from --data (or "+seal.EnvKey+").", stderr)
	data := fs.String("data", "./data", "the data directory to restore into: no database in it yet, the key file there (or "+seal.EnvKey+")")
	database := fs.String("database", "", "a PostgreSQL URL (postgres://…) of an empty database to restore a PostgreSQL backup into")
	from := fs.String("from", "", "the backup file to restore; - reads standard input")
	identity := fs.String("identity", "", "a file of age identities (AGE-SECRET-KEY-1…) that opens the backup; else "+envPassphrase)
	if err := parse(fs, args, e); err != nil {
		return err
	}
	if *from == "" {
		fmt.Fprintln(stderr, "--from is required")
		fs.Usage()
		return errUsage
	}
	var ids []age.Identity
	switch pass := e(envPassphrase); {
	case *identity != "" && pass != "":
		return fmt.Errorf("give --identity or %s, not both", envPassphrase)
	case *identity != "":
		list, err := backup.Identities(*identity)
		if err != nil {
			return err
		}
		ids = list
	case pass != "":
		id, err := backup.PassphraseIdentity(pass)
		if err != nil {
			return fmt.Errorf("%s: %w", envPassphrase, err)
		}
		ids = []age.Identity{id}
	default:
		return fmt.Errorf("give --identity FILE or set %s to open the backup", envPassphrase)
	}
	// The keyring, without ever making a new one: a new key would open nothing.
	if strings.TrimSpace(e(seal.EnvKey)) == "" {
		if _, err := os.Stat(filepath.Join(*data, seal.KeyFile)); errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("no key file in %s: copy the key file (backed up apart) there as %s first, or set %s", *data, seal.KeyFile, seal.EnvKey)
		}
	}
	ring, _, err := seal.Load(*data, e(seal.EnvKey))
	if err != nil {
		return err
	}
	in := io.Reader(os.Stdin)
	if *from != "-" {
		f, err := os.Open(*from)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	var r backup.Restored
	where := *data
	if *database != "" {
		where = "the PostgreSQL database"
		r, err = backup.RestorePostgres(ctx, in, ids, ring, *database, "")
	} else {
		r, err = backup.RestoreSQLite(ctx, in, ids, ring, *data)
	}
	if err != nil {
		return err
	}
	m := r.Manifest
	fmt.Fprintf(stdout, "restored the backup of %s into %s\n", m.CreatedAt.Format("2006-01-02 15:04:05 UTC"), where)
	fmt.Fprintf(stdout, "schema version %d; audit log intact: %d entries, head %s (as the manifest says)\n", m.SchemaVersion, r.AuditEntries, m.AuditHead)
	fmt.Fprintf(stdout, "the key file opens all %d data keys (keys %s)\n", r.DataKeys, strings.Join(m.KeyIDs, ", "))
	if *database != "" {
		fmt.Fprintln(stdout, "done: start it with homeward serve --database URL, with this key file")
	} else {
		fmt.Fprintf(stdout, "done: start it with homeward serve --data %s\n", *data)
	}
	return nil
}

// dailyBackups checks serve's daily backup settings before the server starts,
// so that a mistake stops it at once rather than failing a job at midnight.
func dailyBackups(st *store.Store, db dbFlags, dir string, keep int, recipients string, e env) (jobs.Backups, error) {
	if keep < 1 {
		return jobs.Backups{}, fmt.Errorf("--backup-keep %d: keep at least 1", keep)
	}
	rs, err := backupRecipients(recipients, e, "backup-recipients")
	if err != nil {
		return jobs.Backups{}, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return jobs.Backups{}, fmt.Errorf("--backup-dir: %w", err)
	}
	probe, err := os.CreateTemp(dir, ".probe-")
	if err != nil {
		return jobs.Backups{}, fmt.Errorf("--backup-dir %s is not writable: %w", dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	o := backup.Options{To: rs, DatabaseURL: db.database, Version: Version()}
	if st.Engine() == store.SQLite {
		o.TempDir = db.data
	} else if _, err := exec.LookPath("pg_dump"); err != nil {
		return jobs.Backups{}, fmt.Errorf("--backup-dir: %w", backup.ErrNoPgDump)
	}
	return jobs.Backups{Dir: dir, Keep: keep, Write: o}, nil
}
