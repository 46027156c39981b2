package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"homeward/internal/route"
	"homeward/internal/store"
)

// opsRoutes is the route table of the operations endpoints, for load
// balancers and monitoring. They reveal no personal data. Health answers
// anyone; metrics (which show how the service is used) only a scraper that
// sends the metrics token.
func opsRoutes(st *store.Store, reg *prometheus.Registry, metricsToken string) []route.Route {
	return []route.Route{
		{Method: "GET", Path: "/healthz", Access: route.Public, Handler: http.HandlerFunc(healthz)},
		{Method: "GET", Path: "/readyz", Access: route.Public, Handler: readyz(st)},
		{Method: "GET", Path: "/metrics", Access: route.Public, Handler: withMetricsToken(metricsToken, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))},
	}
}

// withMetricsToken lets through only a request with "Authorization: Bearer
// <token>". Without a configured token, metrics are off (404).
func withMetricsToken(token string, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if token == "" {
			http.Error(w, "metrics are off: start serve with HOMEWARD_METRICS_TOKEN", http.StatusNotFound)
			return
		}
		got, ok := bearer(r)
		sum := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "send the metrics token as Authorization: Bearer …", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
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
