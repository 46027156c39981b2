package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"homeward/internal/errs"
)

// A request's JSON body: read within a bound, decoded strictly (no unknown
// field, nothing after the object), the version of an update read apart,
// and what a decoding error means to the client.

// maxBody bounds every JSON request body.
const maxBody = 1 << 20

// readBody reads a JSON request body of at most maxBody bytes. A missing
// Content-Type is taken as JSON; any other type than application/json is refused.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return nil, invalidBody("The body must be JSON (Content-Type: application/json).")
		}
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return nil, decodeError(err)
	}
	return b, nil
}

// decodeStrict reads one JSON object from b into v: no unknown fields,
// nothing after the object. Errors name the field.
func decodeStrict(b []byte, v any) error {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return invalidBody("The body must be one JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return invalidBody("The body must hold one JSON object and nothing after it.")
	}
	return nil
}

// decode reads the request body into v with readBody and decodeStrict.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := readBody(w, r)
	if err != nil {
		return err
	}
	return decodeStrict(b, v)
}

func decodeError(err error) error {
	var (
		tooLarge *http.MaxBytesError
		typeErr  *json.UnmarshalTypeError
		syntax   *json.SyntaxError
	)
	switch {
	case errors.As(err, &tooLarge):
		return errs.TooLarge()
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return errs.Invalid(map[string]string{typeErr.Field: "validation.wrong_type"})
	case errors.As(err, &typeErr):
		return invalidBody("The body must be one JSON object.")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return invalidBody("The body is not valid JSON.")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// The name is quoted as Go quotes strings: unquoted, it is the key sent.
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		if s, err := strconv.Unquote(name); err == nil {
			name = s
		}
		return errs.Invalid(map[string]string{name: "validation.unknown_field"})
	}
	return invalidBody("The body could not be read as the expected object.")
}

func invalidBody(msg string) error {
	return &errs.Error{Kind: errs.KindInvalid, Code: "invalid_body", Message: msg}
}

// versionedBody reads a body that must carry the version the client last
// read. It is decoded strictly into v before anything is read from the
// database: v is the handler's input, or a scratch value of its type when
// the handler then decodes the body it returns onto the current record.
// The version is read apart, so that null or a missing version does not
// pass as "the current one".
func versionedBody(w http.ResponseWriter, r *http.Request, v any) ([]byte, int, error) {
	body, err := readBody(w, r)
	if err != nil {
		return nil, 0, err
	}
	if err := decodeStrict(body, v); err != nil {
		return nil, 0, err
	}
	var ver struct {
		Version *int64 `json:"version"`
	}
	_ = json.Unmarshal(body, &ver)
	if ver.Version == nil || *ver.Version < 1 || *ver.Version > math.MaxInt32 {
		return nil, 0, errs.Invalid(map[string]string{"version": "validation.version_required"})
	}
	return body, int(*ver.Version), nil
}

// patch sets *to to *from when the client sent the field (from is not
// nil): a field the body leaves out keeps its value.
func patch[T any](to, from *T) {
	if from != nil {
		*to = *from
	}
}
