// Package server assembles Homeward's HTTP server: the route tables of the
// pages, the API and the operations endpoints on one mux, the middleware
// around them, and a graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"homeward/internal/api"
	"homeward/internal/i18n"
	"homeward/internal/identity"
	"homeward/internal/jobs"
	"homeward/internal/mail"
	"homeward/internal/route"
	"homeward/internal/seal"
	"homeward/internal/secure"
	"homeward/internal/store"
	"homeward/internal/web"
)

// Config is what the server is built from.
type Config struct {
	Store    *store.Store
	Identity *identity.Service
	Bundle   *i18n.Bundle
	Log      *slog.Logger
	Version  string
	// SecureCookies: see web.Deps.SecureCookies.
	SecureCookies bool
	// MetricsToken is the bearer token /metrics asks for; empty turns
	// metrics off.
	MetricsToken string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header
	// names the client (for throttling and the audit log's addresses).
	TrustedProxies []netip.Prefix
	// Jobs is this process's runner of background jobs, for its metrics;
	// nil when it runs none.
	Jobs *jobs.Runner
	// Mail sends e-mail (serve --smtp-url); nil when it is not set up.
	Mail *mail.Sender
	// Epochs: see web.Deps.Epochs.
	Epochs seal.Epochs
}

// Server is the assembled HTTP handler with its route tables.
type Server struct {
	handler  http.Handler
	web      *web.Web
	api      *api.API
	ops      []route.Route
	log      *slog.Logger
	identity *identity.Service
	cookie   string // the session cookie's name
}

// New builds the server.
func New(cfg Config) (*Server, error) {
	pages, err := web.New(web.Deps{Store: cfg.Store, Identity: cfg.Identity, Bundle: cfg.Bundle, Log: cfg.Log,
		Version: cfg.Version, SecureCookies: cfg.SecureCookies, Mail: cfg.Mail, Epochs: cfg.Epochs})
	if err != nil {
		return nil, err
	}
	var linkLifetime time.Duration
	if cfg.Identity != nil {
		linkLifetime = cfg.Identity.Config().LinkLifetime
	}
	a := api.New(api.Deps{Store: cfg.Store, Bundle: cfg.Bundle, Log: cfg.Log, LinkLifetime: linkLifetime, Mail: cfg.Mail})

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for name, db := range cfg.Store.Pools() {
		reg.MustRegister(collectors.NewDBStatsCollector(db, name))
	}
	reg.MustRegister(jobs.StateCollector(cfg.Store))
	if cfg.Jobs != nil {
		reg.MustRegister(cfg.Jobs.Collector())
	}
	m := newMetrics(reg)

	s := &Server{web: pages, api: a, log: cfg.Log, identity: cfg.Identity, cookie: identity.CookieName(cfg.SecureCookies)}
	s.ops = opsRoutes(cfg.Store, reg, cfg.MetricsToken)

	mux := http.NewServeMux()
	for name, table := range s.RouteTables() {
		if err := route.Mount(mux, table, s.guard); err != nil {
			return nil, fmt.Errorf("%s routes: %w", name, err)
		}
	}
	var h http.Handler = mux
	h = s.recoverPanics(h)
	h = s.resumeSession(h)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPI(r) {
			a.Forbidden(w, r)
		} else {
			pages.Forbidden(w, r)
		}
	}))
	h = cop.Handler(h)
	h = secure.Headers(cfg.SecureCookies, h)
	h = observe(cfg.Log, m, cfg.TrustedProxies, h)
	s.handler = h
	return s, nil
}

// Handler is the whole server as one http.Handler.
func (s *Server) Handler() http.Handler { return s.handler }

// RouteTables returns every route table: operations, pages, API.
func (s *Server) RouteTables() map[string][]route.Route {
	return map[string][]route.Route{"ops": s.ops, "web": s.web.Routes(), "api": s.api.Routes()}
}

// recoverPanics turns a panic in a handler into a logged 500 answer in the
// surface's own form (a page, or a JSON error), so one bad request never
// takes the process down.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil || v == http.ErrAbortHandler {
				if v != nil {
					panic(v)
				}
				return
			}
			err := fmt.Errorf("panic: %v", v)
			s.log.Error("handler panicked", "request_id", route.InfoFrom(r.Context()).RequestID, "err", err, "stack", string(debug.Stack()))
			if isAPI(r) {
				s.api.RenderPanic(w, r, err)
			} else {
				s.web.RenderPanic(w, r, err)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, api.Prefix+"/") }

// Run serves on addr until ctx is cancelled, then shuts down gracefully:
// it stops accepting, lets requests in flight finish (up to the grace period)
// and returns. ready, when not nil, receives the bound address.
func Run(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready func(net.Addr)) error {
	ln, err := Listen(addr)
	if err != nil {
		return err
	}
	return Serve(ctx, ln, h, log, ready)
}

// Listen takes the address to serve on, so that a command can learn that
// it is taken before it does anything else (such as writing demo data).
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// Serve is Run on a listener taken by Listen; it closes the listener.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger, ready func(net.Addr)) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// The grace period is over: cut the remaining connections, so that no
		// handler still runs when the caller closes the database.
		_ = srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
