package server

import (
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"homeward/internal/audit"
	"homeward/internal/errs"
	"homeward/internal/route"
)

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush and deadlines underneath.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// metrics are the HTTP figures /metrics exposes.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "homeward_http_requests_total",
			Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "homeward_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by route pattern.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

// clientAddress is where a request came from: the connection's address, or,
// when that is a trusted proxy, the nearest address in X-Forwarded-For that
// is not one of the trusted proxies. Forwarded headers from anyone else are
// ignored: a client could write anything there.
func clientAddress(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	isTrusted := func(s string) bool {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			return false
		}
		a = a.Unmap()
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if !isTrusted(host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" || isTrusted(hop) {
			continue
		}
		if a, err := netip.ParseAddr(hop); err == nil {
			return a.Unmap().String()
		}
		return host // a malformed hop: the proxy's own address is all we know
	}
	return host
}

// observe is the outermost middleware: it gives the request an id, logs one
// line when the request ends and counts it by route pattern. The log line
// holds the pattern, not the path, and never the query string: neither a
// search term nor anything a person typed reaches the log.
func observe(log *slog.Logger, m *metrics, trusted []netip.Prefix, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx, info := route.WithInfo(r.Context())
		// A request acts as "anonymous" until its session is resumed.
		ctx = audit.WithActor(ctx, audit.Actor{Who: "anonymous", RequestID: info.RequestID, Address: clientAddress(r, trusted)})
		sw := &statusWriter{ResponseWriter: w}
		sw.Header().Set("X-Request-Id", info.RequestID)
		defer func() {
			pattern := info.Pattern
			if pattern == "" {
				pattern = "unmatched"
			}
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			elapsed := time.Since(start)
			m.requests.WithLabelValues(pattern, strconv.Itoa(sw.status)).Inc()
			m.latency.WithLabelValues(pattern).Observe(elapsed.Seconds())
			level := slog.LevelInfo
			switch {
			case sw.status == http.StatusServiceUnavailable, sw.status == errs.StatusClientClosed:
				level = slog.LevelWarn // an outage or a client gone: not a fault of this process
			case sw.status >= 500:
				level = slog.LevelError
			}
			log.LogAttrs(r.Context(), level, "request",
				slog.String("request_id", info.RequestID),
				slog.String("method", r.Method),
				slog.String("route", pattern),
				slog.Int("status", sw.status),
				slog.Int64("bytes", sw.bytes),
				slog.Duration("duration", elapsed))
		}()
		next.ServeHTTP(sw, r.WithContext(ctx))
	})
}
