package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// op is one operation the benchmark drives: request makes its i-th
// request on one of the cases.
type op struct {
	name, title string
	want        int
	request     func(base string, i int, caseID int64) (*http.Request, error)
}

var sorts = []string{"due", "opened", "code"}

var ops = []op{
	{"list", "case list (active, sorted, 50 a page)", http.StatusOK, func(base string, i int, _ int64) (*http.Request, error) {
		return http.NewRequest(http.MethodGet, base+"/api/v1/cases?state=active&limit=50&sort="+sorts[i%len(sorts)], nil)
	}},
	{"case", "one case", http.StatusOK, func(base string, _ int, id int64) (*http.Request, error) {
		return http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/cases/%d", base, id), nil)
	}},
	{"contacts", "a case's contacts (audited read)", http.StatusOK, func(base string, _ int, id int64) (*http.Request, error) {
		return http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/cases/%d/contacts", base, id), nil)
	}},
	{"add-contact", "add a contact", http.StatusCreated, func(base string, i int, id int64) (*http.Request, error) {
		body, err := json.Marshal(map[string]any{
			"at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "channel": "call", "minutes": 20,
			"summary": fmt.Sprintf("Benchmark call %d: talked about the week ahead and the job interview.", i), "needs": []string{},
		})
		if err != nil {
			return nil, err
		}
		r, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/cases/%d/contacts", base, id), bytes.NewReader(body))
		if err == nil {
			r.Header.Set("Content-Type", "application/json")
		}
		return r, err
	}},
}

func opNames() []string {
	var names []string
	for _, o := range ops {
		names = append(names, o.name)
	}
	return names
}

func opByName(name string) (op, bool) {
	for _, o := range ops {
		if o.name == name {
			return o, true
		}
	}
	return op{}, false
}

// driver sends the requests with the coordinator's token.
type driver struct {
	base   string
	token  string
	client *http.Client
}

func newDriver(base, token string) *driver {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 1000, 1000
	return &driver{base: base, token: token, client: &http.Client{Transport: t, Timeout: time.Minute}}
}

// do sends r and reads the whole answer; it returns the status.
func (d *driver) do(r *http.Request) (int, []byte, error) {
	r.Header.Set("Authorization", "Bearer "+d.token)
	resp, err := d.client.Do(r)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// caseIDs are the ids of up to 2,000 of the coordinator's active cases, on
// which the other operations work in turn.
func (d *driver) caseIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	cursor := ""
	for len(ids) < 2000 {
		r, err := http.NewRequestWithContext(ctx, http.MethodGet, d.base+"/api/v1/cases?state=active&limit=500&cursor="+url.QueryEscape(cursor), nil)
		if err != nil {
			return nil, err
		}
		status, body, err := d.do(r)
		if err != nil {
			return nil, err
		}
		if status != http.StatusOK {
			return nil, fmt.Errorf("case list: status %d: %s", status, body)
		}
		var page struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, fmt.Errorf("case list: %w", err)
		}
		for _, c := range page.Items {
			ids = append(ids, c.ID)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("the coordinator has no active case")
	}
	return ids, nil
}

// result is one operation's run.
type result struct {
	elapsed   time.Duration
	latencies []time.Duration // of the answers with the expected status, sorted
	errors    int
	cpu       time.Duration // the server's
}

func (r result) perSecond() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

func (r result) quantile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[int(q*float64(len(r.latencies)-1))]
}

// cpuPerRequest is the server's CPU time per answer, in milliseconds.
func (r result) cpuPerRequest() float64 {
	n := len(r.latencies) + r.errors
	if n == 0 {
		return 0
	}
	return float64(r.cpu) / float64(time.Millisecond) / float64(n)
}

// drive runs o with n clients: a second to warm up, then for d, measured.
func (d *driver) drive(ctx context.Context, s *server, o op, ids []int64, n int, dur time.Duration) (result, error) {
	var next atomic.Int64
	if _, err := d.run(ctx, s, o, ids, n, time.Second, &next); err != nil {
		return result{}, err
	}
	return d.run(ctx, s, o, ids, n, dur, &next)
}

func (d *driver) run(ctx context.Context, s *server, o op, ids []int64, n int, dur time.Duration, next *atomic.Int64) (result, error) {
	cpu0, err := s.cpu()
	if err != nil {
		return result{}, err
	}
	start := time.Now()
	end := start.Add(dur)
	var (
		mu      sync.Mutex
		res     result
		wg      sync.WaitGroup
		firstMu sync.Mutex
		first   error
	)
	for range n {
		wg.Go(func() {
			var lat []time.Duration
			bad := 0
			for time.Now().Before(end) && ctx.Err() == nil {
				i := int(next.Add(1))
				r, err := o.request(d.base, i, ids[i%len(ids)])
				if err != nil {
					firstMu.Lock()
					first = err
					firstMu.Unlock()
					return
				}
				t := time.Now()
				status, body, err := d.do(r.WithContext(ctx))
				if err == nil && status == o.want {
					lat = append(lat, time.Since(t))
					continue
				}
				bad++
				firstMu.Lock()
				if first == nil && bad == 1 && err == nil && status != http.StatusServiceUnavailable && status != http.StatusTooManyRequests {
					first = fmt.Errorf("%s: status %d: %.200s", o.name, status, body)
				}
				firstMu.Unlock()
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.errors += bad
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	cpu1, err := s.cpu()
	if err != nil {
		return result{}, err
	}
	res.cpu = cpu1 - cpu0
	slices.Sort(res.latencies)
	if first != nil {
		return res, first
	}
	return res, ctx.Err()
}
