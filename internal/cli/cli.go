// Package cli is the homeward command line: the subcommands, their flags and
// the HOMEWARD_* environment variables that stand in for the flags.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"sort"
	"strings"

	"homeward/internal/errs"
)

// version is set at build time with -ldflags "-X homeward/internal/cli.version=v1.2.3".
var version = ""

// Version is this binary's version: the one set at build time, else the VCS
// revision Go recorded, else "dev".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" && dirty {
			return rev + "-dirty"
		}
		if rev != "" {
			return rev
		}
	}
	return "dev"
}

// env is how the commands read the environment (os.Getenv, or a map in tests).
type env func(string) string

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error
}

func commands() map[string]command {
	list := []command{
		{"serve", "run the web server (creates and migrates the database on first start)", runServe},
		{"migrate", "apply pending database migrations and report the schema version", runMigrate},
		{"demo", "fill an empty database with generated demo data", runDemo},
		{"audit", "verify the audit log's hash chain, or print its head", runAudit},
		{"backup", "write an encrypted backup of the database while Homeward runs", runBackup},
		{"restore", "restore a backup into a new data directory and check it", runRestore},
		{"keys", "rotate the key-encryption key, retire old ones", runKeys},
		{"user", "invite a user (prints a one-time link)", runUser},
		{"token", "make, list and revoke API tokens", runToken},
		{"jobs", "list the background jobs that are queued, running or failed", runJobs},
		{"erase", "erase the person of a case at once, as the administrator (GDPR art. 17)", runErase},
		{"import", "import a program's existing cases from a CSV or XLSX file, for a coordinator", runImport},
		{"version", "print the version", runVersion},
	}
	m := map[string]command{}
	for _, c := range list {
		m[c.name] = c
	}
	return m
}

// errUsage marks an error already explained by a usage message.
var errUsage = errors.New("usage")

// knownEnv lists every HOMEWARD_* variable Homeward reads: the twins of the
// commands' flags (TestKnownEnvCoversEveryFlag keeps this in step) and the
// test harness's switches.
var knownEnv = map[string]bool{
	"HOMEWARD_ADDR": true, "HOMEWARD_DATA": true, "HOMEWARD_DATABASE": true, "HOMEWARD_DEMO": true, "HOMEWARD_DEMO_SIZE": true,
	"HOMEWARD_LOG_FORMAT": true, "HOMEWARD_SIZE": true, "HOMEWARD_SEED": true, "HOMEWARD_HEAD": true,
	"HOMEWARD_TEST_POSTGRES": true, "HOMEWARD_REQUIRE_POSTGRES": true, "HOMEWARD_BENCH_CASES": true, "HOMEWARD_REQUIRE_BROWSER": true,
	"HOMEWARD_CHROMIUM": true, "HOMEWARD_SCREENSHOTS": true, "HOMEWARD_KEY": true,
	"HOMEWARD_URL": true, "HOMEWARD_INSECURE_COOKIES": true, "HOMEWARD_EMAIL": true, "HOMEWARD_ROLE": true,
	"HOMEWARD_PROGRAM": true, "HOMEWARD_NAME": true, "HOMEWARD_USER": true, "HOMEWARD_EXPIRES": true, "HOMEWARD_ID": true,
	"HOMEWARD_METRICS_TOKEN": true, "HOMEWARD_TRUSTED_PROXIES": true, "HOMEWARD_STATE": true,
	"HOMEWARD_SMTP_URL": true, "HOMEWARD_MAIL_FROM": true,
	"HOMEWARD_AUDIT_HEAD_LOG": true, "HOMEWARD_HEAD_LOG": true, "HOMEWARD_AUTHENTICATOR_LABEL": true,
	"HOMEWARD_TO": true, "HOMEWARD_RECIPIENTS": true, "HOMEWARD_FROM": true, "HOMEWARD_IDENTITY": true, "HOMEWARD_BACKUP_PASSPHRASE": true,
	"HOMEWARD_BACKUP_DIR": true, "HOMEWARD_BACKUP_KEEP": true, "HOMEWARD_BACKUP_RECIPIENTS": true,
	"HOMEWARD_BACKUP_RETENTION": true, "HOMEWARD_KEY_ROTATION": true,
}

// Run runs the command line with the environment environ ("KEY=value"
// entries, as os.Environ gives) and returns the process exit code.
func Run(ctx context.Context, args []string, environ []string, stdout, stderr io.Writer) int {
	vars := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
			// A misspelt setting would be silently ignored (HOMEWARD_DATABASE_URL
			// would start on SQLite): say so.
			if strings.HasPrefix(k, "HOMEWARD_") && !knownEnv[k] {
				fmt.Fprintf(stderr, "homeward: warning: %s is not a Homeward setting and is ignored (see homeward <command> --help)\n", k)
			}
		}
	}
	getenv := func(k string) string { return vars[k] }
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "homeward: unknown command %q\n\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	err := c.run(ctx, args[1:], getenv, stdout, stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(stderr, "homeward %s: %v\n", c.name, err)
	return 1
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "Homeward: case management for mentoring programs that help people return to society.")
	fmt.Fprintln(w, "\nUsage: homeward <command> [flags]\n\nCommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'homeward <command> --help' for the flags of a command. Every flag has a HOMEWARD_* environment twin.")
}

// subcommand picks the subcommand of a command with subcommands ("audit
// verify"): it returns the name, or prints the usage and returns nil for
// --help and errUsage for anything else.
func subcommand(args []string, names []string, usage string, stderr io.Writer) (string, error) {
	if len(args) > 0 {
		for _, n := range names {
			if args[0] == n {
				return n, nil
			}
		}
	}
	fmt.Fprintln(stderr, usage)
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		return "", flag.ErrHelp
	}
	return "", errUsage
}

// flagSet makes a FlagSet whose --help lists each flag with its environment twin.
func flagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("homeward "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: homeward %s [flags]\n\n%s\n\nFlags:\n", name, synopsis)
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" && f.DefValue != "false" {
				def = fmt.Sprintf(" (default %q)", f.DefValue)
			}
			fmt.Fprintf(fs.Output(), "  --%s\n      %s%s\n      env %s\n", f.Name, f.Usage, def, envName(f.Name))
		})
	}
	return fs
}

// envName is the environment twin of a flag: --data → HOMEWARD_DATA.
func envName(flagName string) string {
	return "HOMEWARD_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse applies the environment twins of the flags not given on the command
// line, then the command line itself. A flag given on the command line wins.
func parse(fs *flag.FlagSet, args []string, e env) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		if v := e(envName(f.Name)); v != "" {
			if serr := f.Value.Set(v); serr != nil {
				err = fmt.Errorf("%s=%q: %v", envName(f.Name), v, serr)
			}
		}
	})
	return err
}

func runVersion(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flagSet("version", "Print the version of this binary.", stderr)
	if err := parse(fs, args, e); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "homeward", Version())
	return nil
}

// describe turns a domain error with field messages into a line for the
// terminal, naming each field as its flag.
func describe(err error) error {
	e := errs.As(err)
	if len(e.Fields) == 0 {
		return err
	}
	var parts []string
	for _, f := range e.FieldNames() {
		parts = append(parts, fmt.Sprintf("--%s: %s", f, fieldHelp[e.Fields[f]]))
	}
	return errors.New(strings.Join(parts, "; "))
}

// fieldHelp words the validation keys for the terminal.
var fieldHelp = map[string]string{
	"validation.email":           "not an email address",
	"validation.email_taken":     "a user with this email address already exists",
	"validation.role":            "choose admin, coordinator, mentor, psychologist, mentee, partner or viewer",
	"validation.admin_programs":  "administrators are not assigned to programs",
	"validation.no_such_program": "no such program",
	"validation.too_long":        "too long",
	"validation.required":        "required",
	"validation.token_lifetime":  "give a duration up to 8784h (a year), such as 720h",
}
