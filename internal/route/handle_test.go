package route_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"homeward/internal/route"
)

func TestHandleAnswersTheReturnedErrorOnce(t *testing.T) {
	t.Parallel()
	var failed, logged []error
	fail := func(w http.ResponseWriter, r *http.Request, err error) {
		failed = append(failed, err)
		w.WriteHeader(http.StatusTeapot)
	}
	logFail := func(w http.ResponseWriter, r *http.Request, err error) { logged = append(logged, err) }
	boom := errors.New("boom")

	// A handler that fails before writing: fail answers.
	rec := httptest.NewRecorder()
	route.Handle(func(w http.ResponseWriter, r *http.Request) error { return boom }, fail, logFail).
		ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusTeapot || len(failed) != 1 || len(logged) != 0 {
		t.Fatalf("failing before writing: status %d, failed %v, logged %v", rec.Code, failed, logged)
	}

	// A handler that wrote, then failed: its answer stands, the error is only logged.
	rec = httptest.NewRecorder()
	route.Handle(func(w http.ResponseWriter, r *http.Request) error {
		w.WriteHeader(http.StatusCreated)
		return boom
	}, fail, logFail).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusCreated || len(failed) != 1 || len(logged) != 1 {
		t.Fatalf("failing after writing: status %d, failed %v, logged %v", rec.Code, failed, logged)
	}

	// A handler that succeeds: neither is called.
	rec = httptest.NewRecorder()
	route.Handle(func(w http.ResponseWriter, r *http.Request) error {
		_, err := w.Write([]byte("ok"))
		return err
	}, fail, logFail).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Body.String() != "ok" || len(failed) != 1 || len(logged) != 1 {
		t.Fatalf("succeeding: body %q, failed %v, logged %v", rec.Body.String(), failed, logged)
	}
}
