package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/demo"
	"homeward/internal/i18n"
	"homeward/internal/identity"
	"homeward/internal/jobs"
	"homeward/internal/mail"
	"homeward/internal/seal"
	"homeward/internal/server"
	"homeward/internal/store"
)

func runServe(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flagSet("serve", "Run the Homeward web server. The database is created and migrated on first start.\nSIGINT or SIGTERM shut it down gracefully.", stderr)
	var db dbFlags
	db.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	publicURL := fs.String("url", "", "the address people open, for links in invitations (default http://ADDR); https:// makes cookies Secure")
	insecure := fs.Bool("insecure-cookies", false, "allow a plain http:// --url on an address other than this machine (cookies then travel unencrypted: only for a closed test network)")
	withDemo := fs.Bool("demo", false, "fill an empty database with demo data and print how to sign in")
	demoSize := fs.String("demo-size", "small", "the size of the --demo data: small, medium or large (see homeward demo --help)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	proxies := fs.String("trusted-proxies", "", "addresses or networks (CIDR) of the reverse proxies in front of Homeward, separated by commas; only their X-Forwarded-For names the client")
	headLog := fs.String("audit-head-log", "", "a file outside the data directory, where the database cannot reach, to which the audit log's head is appended at start, every minute it moved and at shutdown; homeward audit verify --head-log checks every head in it")
	metricsToken := fs.String("metrics-token", "", "the bearer token /metrics asks of the scraper; empty turns metrics off (prefer the environment twin HOMEWARD_METRICS_TOKEN: flags show in ps)")
	smtpURL := fs.String("smtp-url", "", "the mail server for e-mail, smtp://user:password@host:port (STARTTLS when the server offers it) or smtps://…; empty: no e-mail (prefer the environment twin HOMEWARD_SMTP_URL: flags show in ps)")
	mailFrom := fs.String("mail-from", "", "the sender's address of Homeward's e-mail, such as homeward@example.org (needed with --smtp-url)")
	label := fs.String("authenticator-label", identity.DefaultAuthenticatorLabel, "the name authenticator apps and passkey prompts show for every account, in place of the person's e-mail address")
	backupDir := fs.String("backup-dir", "", "write an encrypted backup here every day (a job, once a day across all app processes); empty: no daily backup")
	backupKeep := fs.Int("backup-keep", 14, "how many daily backups --backup-dir keeps; older ones are removed")
	backupTo := fs.String("backup-recipients", "", "a file of age public keys (age1…) the daily backups are encrypted to; else "+envPassphrase)
	retention := fs.Int("backup-retention", 90, "days backups are kept, here and wherever they are copied to: a retired key-encryption key is destroyed that long after its retirement, and the backups that need it no longer open")
	rotation := fs.Int("key-rotation", 30, "days between scheduled rotations of the key-encryption key (a job, once across all app processes, when the keyring is the key file); 0: no scheduled rotation")
	if err := parse(fs, args, e); err != nil {
		return err
	}
	if *label = strings.TrimSpace(*label); *label == "" || len(*label) > 60 || strings.ContainsAny(*label, ":\x00\n\r") {
		return fmt.Errorf("--authenticator-label %q: give a short name without a colon", *label)
	}
	var mailCfg *mail.Config
	if *smtpURL != "" {
		c, err := mail.ParseURL(*smtpURL, *mailFrom)
		if err != nil {
			return fmt.Errorf("--smtp-url: %w", err)
		}
		mailCfg = &c
	} else if *mailFrom != "" {
		return fmt.Errorf("--mail-from is given without --smtp-url: set both, or neither for no e-mail")
	}
	if *retention < 1 || *retention > 3650 {
		return fmt.Errorf("--backup-retention %d: give the days backups are kept, 1 to 3650", *retention)
	}
	if *backupDir != "" && *retention < *backupKeep {
		return fmt.Errorf("--backup-retention %d is shorter than the %d days --backup-keep keeps daily backups: the older ones could not be opened", *retention, *backupKeep)
	}
	if *rotation < 0 || *rotation > 365 {
		return fmt.Errorf("--key-rotation %d: give the days between rotations, 1 to 365, or 0 for none", *rotation)
	}
	if *logFormat != "text" && *logFormat != "json" {
		return fmt.Errorf("--log-format %q: choose text or json", *logFormat)
	}
	sz, err := demo.ParseSize(*demoSize)
	if err != nil {
		return fmt.Errorf("--demo-size: %w", err)
	}
	log := newLogger(stderr, *logFormat)
	trusted, err := parsePrefixes(*proxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	base, secure, err := siteURL(*publicURL, *addr, *insecure)
	if err != nil {
		return err
	}
	var heads *audit.HeadLog
	if *headLog != "" {
		if heads, err = audit.OpenHeadLog(*headLog, db.data); err != nil {
			return err
		}
	}
	// The address first: a port already taken fails here, before any demo
	// data (and its one-time passwords) is written.
	ln, err := server.Listen(*addr)
	if err != nil {
		return err
	}
	defer ln.Close()

	st, err := db.openStore(ctx, log, openHow{keys: true}, e, stderr)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("closing the database", "err", err)
		} else {
			log.Info("database closed")
		}
	}()
	if heads != nil {
		stop, err := keepHeads(ctx, st, heads, time.Minute, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	hasher := auth.NewHasher()
	idCfg := identity.DefaultConfig()
	idCfg.SiteURL = base
	idCfg.AuthenticatorLabel = *label
	if base == "" {
		// Passkeys need a host name, not an address: this machine is localhost.
		_, port, _ := net.SplitHostPort(*addr)
		idCfg.SiteURL = "http://localhost:" + port
	}
	ids, err := identity.New(st, hasher, idCfg)
	if err != nil {
		return err
	}
	var demoSum *demo.Summary
	if *withDemo {
		sum, err := demo.FillWith(ctx, st, hasher, demo.Options{Size: sz, Seed: 1, Progress: stderr})
		switch {
		case err == demo.ErrNotEmpty:
			log.Info("demo: the database already holds data; nothing added")
		case err != nil:
			return fmt.Errorf("demo data: %w", err)
		default:
			demoSum = &sum
		}
	}
	bundle, err := i18n.Load()
	if err != nil {
		return err
	}
	setup, err := ids.SetupLink(ctx)
	if err != nil {
		return err
	}
	// The background jobs: every serve process works on them (see
	// internal/jobs); they stop, giving back what they hold, before the
	// database closes.
	runner := jobs.New(st, jobs.Options{Log: log})
	jobs.RegisterPurge(runner, st)
	jobs.RegisterNotify(runner, st)
	jobs.RegisterRetention(runner, st)
	jobs.RegisterReportMonths(runner, st)
	// E-mail, when set up: the mail jobs, and the one-time links' e-mails.
	var sender *mail.Sender
	if mailCfg != nil {
		mailCfg.Site = idCfg.SiteURL
		sender = mail.NewSender(*mailCfg)
		jobs.RegisterMail(runner, st, sender, bundle)
		log.Info("e-mail is set up", "server", mailCfg.Redacted(), "from", mailCfg.From)
	} else {
		log.Info("e-mail is not set up (--smtp-url): nobody gets e-mail")
	}
	epochs := seal.Epochs{Rotate: time.Duration(*rotation) * 24 * time.Hour, Retention: time.Duration(*retention) * 24 * time.Hour}
	switch {
	case !st.Keyring().FromFile():
		epochs.Rotate = 0
		log.Warn("the keyring comes from " + seal.EnvKey + ", which Homeward cannot rewrite: no scheduled key rotation, so backups stay readable with those keys and an erasure does not reach them by itself; rotate by hand (README, Keys)")
	case epochs.Scheduled():
		jobs.RegisterKeys(runner, st, epochs)
	default:
		log.Warn("--key-rotation 0: no scheduled key rotation, so an erasure does not reach older backups by itself")
	}
	if *backupDir != "" {
		b, err := dailyBackups(st, db, *backupDir, *backupKeep, *backupTo, e)
		if err != nil {
			return err
		}
		jobs.RegisterBackup(runner, st, b)
	}
	srv, err := server.New(server.Config{Store: st, Identity: ids, Bundle: bundle, Log: log, Version: Version(), SecureCookies: secure,
		MetricsToken: *metricsToken, TrustedProxies: trusted, Jobs: runner, Mail: sender, Epochs: epochs})
	if err != nil {
		return err
	}
	jctx, stopJobs := context.WithCancel(ctx)
	jobsDone := make(chan struct{})
	go func() {
		defer close(jobsDone)
		if err := runner.Run(jctx); err != nil {
			log.Error("background jobs", "err", err)
		}
	}()
	defer func() {
		stopJobs()
		<-jobsDone
	}()
	return server.Serve(ctx, ln, srv.Handler(), log, func(a net.Addr) {
		url := base
		if url == "" {
			url = "http://" + browsable(a)
		}
		log.Info("homeward is listening", "url", url, "version", Version())
		if demoSum != nil {
			fmt.Fprintf(stdout, "Demo data written: %d programs.\n", demoSum.Programs)
			printDemoData(stdout, *demoSum)
			fmt.Fprintf(stdout, "Sign in at %s/login as one of (password shown once, not stored anywhere):\n", url)
			printDemoUsers(stdout, *demoSum)
		} else if *withDemo {
			fmt.Fprintf(stdout, "Open %s in your browser (the database already held data; no demo data added).\n", url)
		}
		if setup != "" {
			fmt.Fprintf(stdout, "\nNo user exists yet. Set up the first administrator with this one-time link (valid 72 hours; a restart replaces it):\n  %s/link/%s\n\n", url, setup)
		}
	})
}

// keepHeads appends the audit head to the head log now, then every interval
// when it moved; the returned stop appends the last one (call it once the
// server and the jobs have stopped writing).
func keepHeads(ctx context.Context, st *store.Store, hl *audit.HeadLog, every time.Duration, log *slog.Logger) (stop func(), err error) {
	write := func(ctx context.Context) error {
		h, err := st.AuditHead(ctx)
		if err != nil {
			return err
		}
		return hl.Append(h, st.Now())
	}
	if err := write(ctx); err != nil {
		return nil, fmt.Errorf("audit head log: %w", err)
	}
	hctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-hctx.Done():
				return
			case <-t.C:
				if err := write(hctx); err != nil && hctx.Err() == nil {
					log.Error("audit head log", "err", err)
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
		if err := write(context.WithoutCancel(ctx)); err != nil {
			log.Error("audit head log at shutdown", "err", err)
		}
	}, nil
}

// siteURL checks the public URL and tells whether cookies must be Secure.
// A plain http:// URL is accepted on this machine (127.0.0.1, localhost) and
// elsewhere only with --insecure-cookies.
func siteURL(raw, addr string, insecure bool) (string, bool, error) {
	if raw == "" {
		host, _, _ := net.SplitHostPort(addr)
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) && !insecure {
			return "", false, fmt.Errorf("--addr %s is reachable from other machines: set --url https://… (behind a TLS proxy), or --insecure-cookies for a closed test network", addr)
		}
		return "", false, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return "", false, fmt.Errorf("--url %q: give the address people open, such as https://homeward.example.org", raw)
	}
	base := strings.TrimSuffix(u.String(), "/")
	if u.Scheme == "https" {
		return base, true, nil
	}
	ip := net.ParseIP(u.Hostname())
	if u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) && !insecure {
		return "", false, fmt.Errorf("--url %s is plain http on another machine: use https://, or --insecure-cookies for a closed test network", raw)
	}
	// Plain cookies also need a listener that only this machine reaches.
	if _, _, err := siteURL("", addr, insecure); err != nil {
		return "", false, err
	}
	return base, false, nil
}

// browsable turns a listen address into one a browser can open: this
// machine by name (passkeys are bound to a host name, not an address).
func browsable(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || tcp.IP == nil || tcp.IP.IsUnspecified() {
		port := "8080"
		if ok {
			port = strconv.Itoa(tcp.Port)
		}
		return "localhost:" + port
	}
	if tcp.IP.IsLoopback() {
		return "localhost:" + strconv.Itoa(tcp.Port)
	}
	return a.String()
}

func newLogger(w io.Writer, format string) *slog.Logger {
	if w == nil {
		w = os.Stderr
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// parsePrefixes reads addresses and CIDR networks separated by commas.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a network such as 10.0.0.0/8", f)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
