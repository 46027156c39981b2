package server

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"homeward/internal/route"
	"homeward/internal/store"
)

// opsRoutes is the route table of the operations endpoints, for load
// balancers and monitoring. They reveal no data.
func opsRoutes(st *store.Store, reg *prometheus.Registry) []route.Route {
	return []route.Route{
		{Method: "GET", Path: "/healthz", Access: route.Public, Handler: http.HandlerFunc(healthz)},
		{Method: "GET", Path: "/readyz", Access: route.Public, Handler: readyz(st)},
		{Method: "GET", Path: "/metrics", Access: route.Public, Handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{})},
	}
}

// healthz answers while the process is alive.
func healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 while the database answers, 503 otherwise.
func readyz(st *store.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := st.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unavailable\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
}
