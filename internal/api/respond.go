package api

import (
	"encoding/json"
	"net/http"
	"strings"

	"homeward/internal/errs"
	"homeward/internal/route"
)

// errorBody is the one error shape of the API:
// {"error":{"code":"…","message":"…","fields":{…}}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// writeJSON writes v with the status: the success path of every handler,
// which ends with return writeJSON(…). The error is the encoder's; the
// answer has begun by then, so route.Handle gives it to logFail.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	return enc.Encode(v)
}

// handle adapts a handler that returns its error to the route table: an
// error is answered by fail (route.Handle). A write sent with an
// Idempotency-Key is done once (idempotent).
func (a *API) handle(fn route.Func) http.Handler {
	return a.idempotent(route.Handle(fn, a.fail, a.logFail))
}

// logFail logs an error a handler returned after its answer had begun
// (route.Handle): it writes nothing, as a second answer cannot be sent.
func (a *API) logFail(_ http.ResponseWriter, r *http.Request, err error) {
	a.log.Warn("api answer cut short", "request_id", route.InfoFrom(r.Context()).RequestID, "err", err)
}

// RetryAfterUnavailable is the Retry-After of a 503 answer, in seconds:
// the database is out of reach, and a process reconnects by itself.
const RetryAfterUnavailable = "5"

// fail writes a domain error. The status comes from errs.Status, the one
// mapping; internal errors are logged with the request id and answered with
// a message that reveals nothing. Field messages are translated to the
// language of Accept-Language.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	status := errs.Status(err)
	id := route.InfoFrom(r.Context()).RequestID
	if status == errs.StatusClientClosed {
		w.WriteHeader(status) // the client is gone
		return
	}
	switch {
	case status == http.StatusServiceUnavailable:
		// Not the request's fault, and a retry in a moment may succeed.
		w.Header().Set("Retry-After", RetryAfterUnavailable)
		a.log.Warn("api request unavailable", "request_id", id, "err", err)
	case status >= 500:
		a.log.Error("api request failed", "request_id", id, "err", err)
	}
	d := errorDetail{Code: e.Code, Message: e.Message}
	if status >= 500 {
		d.RequestID = id
	}
	if len(e.Fields) > 0 {
		p := a.bundle.Printer(a.bundle.Negotiate("", r.Header.Get("Accept-Language")))
		d.Fields = make(map[string]string, len(e.Fields))
		for k, v := range e.Fields {
			d.Fields[k] = p.T(v)
		}
	}
	_ = writeJSON(w, status, errorBody{Error: d})
}

// Forbidden answers a refused request (e.g. a cross-site POST) in the API's error shape.
func (a *API) Forbidden(w http.ResponseWriter, r *http.Request) {
	a.fail(w, r, errs.Forbidden("Cross-origin requests are refused."))
}

// Fail answers a domain error in the API's error shape, for the middleware.
func (a *API) Fail(w http.ResponseWriter, r *http.Request, err error) { a.fail(w, r, err) }

// Unauthorized answers a request without a valid session or token.
func (a *API) Unauthorized(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="homeward"`)
	a.fail(w, r, &errs.Error{Kind: errs.KindUnauthorized, Code: "unauthorized", Message: "Sign in or send a valid token."})
}

// RenderPanic answers a recovered panic in the API's error shape.
func (a *API) RenderPanic(w http.ResponseWriter, r *http.Request, err error) {
	a.fail(w, r, errs.Internal(err))
}

// notFound answers a request no route took: 405 with an Allow header when
// the path exists for other methods, 404 otherwise.
func (a *API) notFound(w http.ResponseWriter, r *http.Request) error {
	if allow := a.allowedMethods(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return &errs.Error{Kind: errs.KindMethodNotAllowed, Code: "method_not_allowed", Message: "This method is not allowed here; see the Allow header."}
	}
	return &errs.Error{Kind: errs.KindNotFound, Code: "not_found", Message: "No such API route."}
}

// allowedMethods lists the methods the API's routes serve for the request's path.
func (a *API) allowedMethods(r *http.Request) []string {
	var allow []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := a.probe.Handler(probe); pattern != "" {
			allow = append(allow, m)
		}
	}
	return allow
}
