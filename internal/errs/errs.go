// Package errs holds the domain error kinds shared by the store, the domain
// packages, the web pages and the API. Each kind maps to one HTTP status in
// Status, the only place where that mapping lives.
//
// Messages of these errors are written for the person using Homeward: they
// never contain internals (SQL, file paths) or personal data.
package errs

import (
	"context"
	"errors"
	"net/http"
	"sort"
)

// Kind classifies a domain error.
type Kind int

const (
	KindInternal         Kind = iota // a bug or an outage; details only in the log
	KindInvalid                      // the input is wrong; Fields says where
	KindNotFound                     // no such record, or the actor may not know it exists
	KindConflict                     // the record changed meanwhile, or a unique value is taken
	KindUnauthorized                 // no valid identity
	KindForbidden                    // identity known, action refused
	KindTooLarge                     // the request body is over its limit
	KindUnavailable                  // a dependency (the database) is not reachable, or it took too long
	KindCanceled                     // the client went away; nobody reads the answer
	KindMethodNotAllowed             // the path exists, but not for this method
)

// StatusClientClosed is the status logged for a request whose client went
// away before the answer (nginx's 499); it never reaches a client.
const StatusClientClosed = 499

// Error is a domain error with a kind, a safe message and optional per-field messages.
type Error struct {
	Kind    Kind
	Code    string            // stable machine-readable code, e.g. "invalid", "not_found"
	Message string            // safe for the user to read
	Fields  map[string]string // field name → message key or text, for KindInvalid
	Err     error             // the cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Invalid reports bad input; fields maps each offending field to a message key.
func Invalid(fields map[string]string) error {
	return &Error{Kind: KindInvalid, Code: "invalid", Message: "Some fields need attention.", Fields: fields}
}

// NotFound reports a missing record of the named type ("program").
func NotFound(what string) error {
	return &Error{Kind: KindNotFound, Code: "not_found", Message: "No such " + what + "."}
}

// Conflict reports a write that lost a race or broke a uniqueness rule.
func Conflict(message string, fields map[string]string) error {
	return &Error{Kind: KindConflict, Code: "conflict", Message: message, Fields: fields}
}

// Forbidden reports an action the actor may not take.
func Forbidden(message string) error {
	return &Error{Kind: KindForbidden, Code: "forbidden", Message: message}
}

// TooLarge reports a request body over its limit.
func TooLarge() error {
	return &Error{Kind: KindTooLarge, Code: "too_large", Message: "The request is too large."}
}

// Unavailable reports that a dependency cannot be reached.
func Unavailable(err error) error {
	return &Error{Kind: KindUnavailable, Code: "unavailable", Message: "The service is temporarily unavailable.", Err: err}
}

// Internal wraps an unexpected error; its message never reaches the user.
func Internal(err error) error {
	return &Error{Kind: KindInternal, Code: "internal", Message: "Something went wrong on our side.", Err: err}
}

// As returns err as an *Error. A cancelled request becomes KindCanceled, a
// deadline KindUnavailable, and any other error KindInternal.
func As(err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, context.Canceled):
		return &Error{Kind: KindCanceled, Code: "canceled", Message: "The request was cancelled.", Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return Unavailable(err).(*Error)
	}
	return Internal(err).(*Error)
}

// Is reports whether err is a domain error of kind k.
func Is(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

// Status maps an error to its HTTP status. This is the one place that does so.
func Status(err error) int {
	switch As(err).Kind {
	case KindInvalid:
		return http.StatusUnprocessableEntity
	case KindNotFound:
		return http.StatusNotFound
	case KindConflict:
		return http.StatusConflict
	case KindUnauthorized:
		return http.StatusUnauthorized
	case KindForbidden:
		return http.StatusForbidden
	case KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case KindUnavailable:
		return http.StatusServiceUnavailable
	case KindCanceled:
		return StatusClientClosed
	case KindMethodNotAllowed:
		return http.StatusMethodNotAllowed
	default:
		return http.StatusInternalServerError
	}
}

// FieldNames returns the names of the invalid fields, sorted, for stable output.
func (e *Error) FieldNames() []string {
	names := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
