package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"homeward/internal/store"
)

// metrics count what this process's runner did with the jobs it took.
type metrics struct {
	runs *prometheus.CounterVec
}

func newMetrics() *metrics {
	return &metrics{runs: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "homeward_job_runs_total",
		Help: "Jobs this process worked on, by kind and outcome (done, retry, failed, released, lease_lost).",
	}, []string{"kind", "outcome"})}
}

func (m *metrics) count(kind, outcome string) { m.runs.WithLabelValues(kind, outcome).Inc() }

// Collector is the runner's counters, for /metrics.
func (r *Runner) Collector() prometheus.Collector { return r.metrics.runs }

// stateCollector reports the jobs in the database by state, read at each
// scrape: the same figures on every node.
type stateCollector struct {
	st   *store.Store
	desc *prometheus.Desc
}

// StateCollector reports how many jobs are queued, running, done and
// failed (homeward_jobs), across all nodes.
func StateCollector(st *store.Store) prometheus.Collector {
	return &stateCollector{st: st, desc: prometheus.NewDesc("homeward_jobs",
		"Background jobs in the database by state; failed ones wait for the admin at /admin/jobs.", []string{"state"}, nil)}
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.st.CountJobs(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), state)
	}
}
