package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"

	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/seal"
	"homeward/internal/store"
)

// IdempotencyHeader is the header a client sends with a write it may have
// to retry: the same key again answers the first answer, and the write is
// done once. A key is the client's own random value (a UUID), 16 to 255
// visible ASCII characters, for one request; a signed-in user's keys are
// remembered for store.IdempotencyKeep.
const IdempotencyHeader = "Idempotency-Key"

// maxIdempotentBody bounds the request body read before the handler: the
// largest any handler takes (a directory's HSDS file), so a key never
// refuses what the handler alone would take; each handler still applies its
// own limit. maxIdempotentAnswer bounds the answer kept for a retry.
const (
	maxIdempotentBody   = maxHSDSFile
	maxIdempotentAnswer = 1 << 20
)

// idempotentAnswer is what is kept of the first answer, sealed.
type idempotentAnswer struct {
	ContentType string `json:"content_type,omitempty"`
	Location    string `json:"location,omitempty"`
	Body        []byte `json:"body,omitempty"`
}

// idempotentPlace binds a kept answer's seal.
var idempotentPlace = seal.Place{Table: "idempotency_keys", Column: "answer_sealed"}

// idempotent runs a write sent with an Idempotency-Key once: the first
// request claims the key and its answer is kept; a retry of the same
// request under the same key gets that answer again (with
// "Idempotent-Replayed: true") and changes nothing; the same key on another
// request is refused (422), and a retry while the first is still running,
// or after it ended without an answer, gets a conflict (409) rather than a
// second write. A failure of the service (5xx) or a client gone before the
// answer (499) changes nothing, so the claim is dropped and a retry runs.
//
// The database holds only hashes of the key and the request, and the
// answer sealed under a key derived from the client's key, which it never
// sees: an answer may hold what a person typed. Reads, public requests and
// requests without the header pass straight through.
func (a *API) idempotent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get(IdempotencyHeader)
		u := policy.Actor(r.Context())
		if key == "" || u.ID == 0 || r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		if !validIdempotencyKey(key) {
			a.fail(w, r, errs.Invalid(map[string]string{IdempotencyHeader: "validation.idempotency_key"}))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxIdempotentBody))
		if err != nil {
			a.fail(w, r, decodeError(err))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		keyHash, sealKey := idempotencyHashes(u.ID, key)
		first, err := a.store.ClaimIdempotencyKey(r.Context(), keyHash, requestHash(r, body), u.ID)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if first != nil {
			a.replay(w, r, first, sealKey)
			return
		}
		rec := &recordingWriter{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		ctx := context.WithoutCancel(r.Context())
		if rec.status >= 500 || rec.status == 0 || rec.status == errs.StatusClientClosed {
			if err := a.store.ForgetIdempotencyKey(ctx, keyHash); err != nil {
				a.log.Warn("idempotency key not dropped", "err", err)
			}
			return
		}
		kept := idempotentAnswer{ContentType: rec.Header().Get("Content-Type"), Location: rec.Header().Get("Location")}
		if !rec.over {
			kept.Body = rec.body.Bytes()
		}
		plain, _ := json.Marshal(kept)
		sealed, err := seal.Seal(sealKey, plain, idempotentPlace)
		if err == nil {
			err = a.store.FinishIdempotencyKey(ctx, keyHash, store.IdempotentAnswer{Status: rec.status, Sealed: sealed})
		}
		if err != nil {
			// The write is done and answered; a retry will hear that the
			// outcome is unknown rather than do it twice.
			a.log.Warn("idempotent answer not kept", "err", err)
		}
	})
}

// replay answers a retry with the first answer.
func (a *API) replay(w http.ResponseWriter, r *http.Request, first *store.IdempotentAnswer, sealKey []byte) {
	var kept idempotentAnswer
	plain, err := seal.Open(sealKey, first.Sealed, idempotentPlace)
	if err == nil {
		err = json.Unmarshal(plain, &kept)
	}
	if err != nil {
		a.fail(w, r, errs.Internal(err))
		return
	}
	h := w.Header()
	if kept.ContentType != "" {
		h.Set("Content-Type", kept.ContentType)
	}
	if kept.Location != "" {
		h.Set("Location", kept.Location)
	}
	h.Set("Cache-Control", "no-store")
	h.Set("Idempotent-Replayed", "true")
	w.WriteHeader(first.Status)
	_, _ = w.Write(kept.Body)
}

// validIdempotencyKey accepts 16 to 255 visible ASCII characters: enough
// for a UUID, too long to guess.
func validIdempotencyKey(k string) bool {
	if len(k) < 16 || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// idempotencyHashes derives, from the user and the client's key, the hash
// the key is stored under and the key its answer is sealed with; neither
// gives the other.
func idempotencyHashes(userID int64, key string) (keyHash, sealKey []byte) {
	h := func(label string) []byte {
		d := sha256.New()
		d.Write([]byte(label))
		_ = binary.Write(d, binary.BigEndian, userID)
		d.Write([]byte(key))
		return d.Sum(nil)
	}
	return h("homeward/idempotency/key\x00"), h("homeward/idempotency/seal\x00")
}

// requestHash tells one request from another: method, path and query,
// content type and body.
func requestHash(r *http.Request, body []byte) []byte {
	d := sha256.New()
	for _, s := range []string{r.Method, r.URL.RequestURI(), r.Header.Get("Content-Type")} {
		d.Write([]byte(s))
		d.Write([]byte{0})
	}
	d.Write(body)
	return d.Sum(nil)
}

// recordingWriter passes an answer on and keeps its status and, up to
// maxIdempotentAnswer, its body.
type recordingWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	over   bool
}

func (rw *recordingWriter) WriteHeader(status int) {
	if rw.status == 0 {
		rw.status = status
	}
	rw.ResponseWriter.WriteHeader(status)
}

func (rw *recordingWriter) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	if !rw.over {
		if rw.body.Len()+len(b) > maxIdempotentAnswer {
			rw.over = true
			rw.body.Reset()
		} else {
			rw.body.Write(b)
		}
	}
	return rw.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the server's writer.
func (rw *recordingWriter) Unwrap() http.ResponseWriter { return rw.ResponseWriter }
