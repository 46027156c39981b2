package server_test

import (
	"cmp"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/identity"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// While PostgreSQL cannot be reached, pages and the API answer 503 with a
// retry hint (not 500 "internal"), and once it is back the same process
// serves again by itself, without a restart. The database "goes away"
// behind a proxy in the test that cuts every connection and refuses new
// ones, as a stopped server or a broken network does.
func TestDatabaseOutageAnswers503AndTheProcessRecovers(t *testing.T) {
	t.Parallel()
	px := newPGProxy(t, testdb.Postgres(t))
	a := newAppOn(t, store.Options{DatabaseURL: px.url})
	p := a.program("Outage")
	coord, session := a.signedIn("outage-coord@example.org", auth.Coordinator, p.ID)
	j := &apiJourney{t: t, a: a}
	token := j.token(coord.ID)
	a.session = session

	get := func() (page, api *http.Response, pageBody, apiBody string) {
		page, pageBody = a.do("GET", "/cases", nil)
		api, apiBody = a.withBearer(token, "GET", "/api/v1/cases", "")
		return
	}
	if page, api, _, _ := get(); page.StatusCode != 200 || api.StatusCode != 200 {
		t.Fatalf("before the outage: page %d, API %d", page.StatusCode, api.StatusCode)
	}

	px.down()
	for i := range 3 {
		page, api, pageBody, apiBody := get()
		if page.StatusCode != http.StatusServiceUnavailable || page.Header.Get("Retry-After") == "" ||
			!strings.Contains(pageBody, "cannot reach its database") {
			t.Fatalf("page during the outage (try %d): %d, Retry-After %q", i+1, page.StatusCode, page.Header.Get("Retry-After"))
		}
		if api.StatusCode != http.StatusServiceUnavailable || api.Header.Get("Retry-After") == "" ||
			decodeJSON[apiError](t, apiBody).Error.Code != "unavailable" {
			t.Fatalf("API during the outage (try %d): %d %s", i+1, api.StatusCode, apiBody)
		}
	}
	if strings.Contains(a.logs.String(), `"level":"ERROR"`) {
		t.Errorf("the outage was logged as errors, not warnings:\n%s", a.logs.String())
	}

	px.up()
	// A connection that broke in the outage may fail once more on its first
	// use; the pool then drops it. Within a few requests, everything serves.
	ok := false
	for range 5 {
		if page, api, _, _ := get(); page.StatusCode == 200 && api.StatusCode == 200 {
			ok = true
			break
		} else if page.StatusCode != http.StatusServiceUnavailable && page.StatusCode != 200 {
			t.Fatalf("after the outage: page %d", page.StatusCode)
		}
	}
	if !ok {
		t.Fatal("the process did not serve again once the database was back")
	}
	if res, body := a.withBearer(token, "POST", "/api/v1/programs/"+strconv.FormatInt(p.ID, 10)+"/facilities", `{"name":"Pankrác","kind":"prison"}`); res.StatusCode != http.StatusCreated {
		t.Fatalf("a write after the outage: %d %s", res.StatusCode, body)
	}
}

// pgProxy stands between the app and PostgreSQL; down cuts every
// connection and refuses new ones until up.
type pgProxy struct {
	t      *testing.T
	url    string
	target func() (net.Conn, error)
	mu     sync.Mutex
	isDown bool
	conns  []net.Conn
}

func newPGProxy(t *testing.T, dbURL string) *pgProxy {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	host, port := q.Get("host"), q.Get("port")
	if port == "" {
		port = cmp.Or(u.Port(), "5432")
	}
	var target func() (net.Conn, error)
	switch {
	case strings.HasPrefix(host, "/"):
		target = func() (net.Conn, error) { return net.Dial("unix", host+"/.s.PGSQL."+port) }
	default:
		h := cmp.Or(host, u.Hostname(), "localhost")
		target = func() (net.Conn, error) { return net.Dial("tcp", net.JoinHostPort(h, port)) }
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	px := &pgProxy{t: t, target: target}
	t.Cleanup(func() { ln.Close(); px.down() })
	go px.serve(ln)
	q.Del("host")
	q.Del("port")
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	u.Host = ln.Addr().String()
	u.RawQuery = q.Encode()
	px.url = u.String()
	return px
}

func (px *pgProxy) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		px.mu.Lock()
		down := px.isDown
		if !down {
			px.conns = append(px.conns, c)
		}
		px.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		go px.pipe(c)
	}
}

func (px *pgProxy) pipe(c net.Conn) {
	d, err := px.target()
	if err != nil {
		c.Close()
		return
	}
	px.mu.Lock()
	px.conns = append(px.conns, d)
	px.mu.Unlock()
	go func() { _, _ = io.Copy(d, c); d.Close() }()
	_, _ = io.Copy(c, d) // ends when either side closes or down cuts both
	c.Close()
}

func (px *pgProxy) down() {
	px.mu.Lock()
	defer px.mu.Unlock()
	px.isDown = true
	for _, c := range px.conns {
		c.Close()
	}
	px.conns = nil
}

func (px *pgProxy) up() {
	px.mu.Lock()
	defer px.mu.Unlock()
	px.isDown = false
}

// A client that went away before its answer is logged as a cancellation
// (499, a warning), not as a server error: an operator's error count stays
// the count of faults.
func TestClientGoneIsLoggedAsACancellation(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, a *app) {
		p := a.program("Gone")
		coord, session := a.signedIn("gone-coord@example.org", auth.Coordinator, p.ID)
		token := (&apiJourney{t: t, a: a}).token(coord.ID)
		for _, req := range []*http.Request{
			httptest.NewRequest("GET", "/cases", nil),
			httptest.NewRequest("GET", "/api/v1/cases", nil),
		} {
			req.AddCookie(&http.Cookie{Name: identity.CookieName(false), Value: session})
			req.Header.Set("Authorization", "Bearer "+token)
			ctx, cancel := context.WithCancel(req.Context())
			cancel()
			rec := httptest.NewRecorder()
			a.srv.Handler().ServeHTTP(rec, req.WithContext(ctx))
			if rec.Code != errs.StatusClientClosed {
				t.Errorf("%s after the client went away: %d, want %d", req.URL.Path, rec.Code, errs.StatusClientClosed)
			}
		}
		logs := a.logs.String()
		if strings.Contains(logs, `"level":"ERROR"`) || strings.Count(logs, `"status":499`) != 2 {
			t.Errorf("a client gone, as logged:\n%s", logs)
		}
	}
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); run(t, newApp(t)) })
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		run(t, newAppOn(t, store.Options{DatabaseURL: testdb.Postgres(t)}))
	})
}
