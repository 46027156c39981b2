package route

import (
	"net/http"
)

// Func is a handler that returns its failure instead of answering it: it
// says only what differs from other handlers, and the surface's one error
// answer (the API's JSON error, the pages' error page or form) is written
// by Handle. The rule: a Func writes nothing before it returns an error.
type Func func(http.ResponseWriter, *http.Request) error

// Handle adapts fn to an http.Handler: an error fn returns is answered by
// fail. A Func that broke the rule and wrote before failing gets no second
// answer: the error goes to logFail alone, which must not write.
func Handle(fn Func, fail, logFail func(http.ResponseWriter, *http.Request, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &trackingWriter{ResponseWriter: w}
		err := fn(tw, r)
		if err == nil {
			return
		}
		if tw.wrote {
			logFail(w, r, err)
			return
		}
		fail(w, r, err)
	})
}

// trackingWriter notes whether a handler has started its answer.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) WriteHeader(status int) {
	t.wrote = true
	t.ResponseWriter.WriteHeader(status)
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the server's writer.
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }
