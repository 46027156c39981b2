package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"

	"homeward/internal/demo"
	"homeward/internal/i18n"
	"homeward/internal/server"
)

func runServe(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flagSet("serve", "Run the Homeward web server. The database is created and migrated on first start.\nSIGINT or SIGTERM shut it down gracefully.", stderr)
	var db dbFlags
	db.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	withDemo := fs.Bool("demo", false, "fill an empty database with small demo data and print how to sign in")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	if err := parse(fs, args, e); err != nil {
		return err
	}
	if *logFormat != "text" && *logFormat != "json" {
		return fmt.Errorf("--log-format %q: choose text or json", *logFormat)
	}
	log := newLogger(stderr, *logFormat)

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
	var demoSum *demo.Summary
	if *withDemo {
		sum, err := demo.Fill(ctx, st, demo.Small, 1)
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
	srv, err := server.New(server.Config{Store: st, Bundle: bundle, Log: log, Version: Version()})
	if err != nil {
		return err
	}
	return server.Run(ctx, *addr, srv.Handler(), log, func(a net.Addr) {
		url := "http://" + browsable(a)
		log.Info("homeward is listening", "url", url, "version", Version())
		if *withDemo {
			if demoSum != nil {
				fmt.Fprintf(stdout, "Demo data written: %d programs.\n", demoSum.Programs)
			}
			fmt.Fprintf(stdout, "Open %s in your browser.\n", url)
			fmt.Fprintln(stdout, "There is no sign-in yet (it comes with user accounts); keep --addr on 127.0.0.1 until then. Demo data holds no real person.")
		}
	})
}

// browsable turns a listen address into one a browser can open (0.0.0.0 → 127.0.0.1).
func browsable(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || tcp.IP == nil || tcp.IP.IsUnspecified() {
		port := "8080"
		if ok {
			port = strconv.Itoa(tcp.Port)
		}
		return "127.0.0.1:" + port
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
