// Package audit defines Homeward's audit log: an append-only, hash-chained
// record of every login, every write, every read of a sealed field and every
// export. An entry holds who, what, which object, the outcome, the request id
// and the address — never a sensitive value.
//
// Each entry's hash covers its fields and the previous entry's hash, so an
// edited, deleted or reordered entry breaks the chain at that point, and a cut
// tail shows against the audit_head row and against heads kept off the server
// (Verify, HeadLog). The hash is an HMAC-SHA-256 under the audit key, which
// lives in the key file beside the key-encryption keys and never in the
// database: someone who can write to the database but lacks the key file
// cannot recompute the chain after an edit.
//
// Glossary words: Seal (an audited read opens sealed fields), Report and
// export (audited reads of many records).
package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// Genesis is the previous hash of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Outcomes.
const (
	OK     = "ok"
	Denied = "denied"
	Failed = "failed"
)

// Entry is one line of the audit log.
type Entry struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`  // "user:12", "token:3", "system", "anonymous"
	Action     string    `json:"action"` // "program.create", "login.failure", "mentee.read_sealed", …
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Outcome    string    `json:"outcome"`
	RequestID  string    `json:"request_id"`
	Address    string    `json:"address"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// ComputeHash returns the hash of the entry's content and its PrevHash: an
// HMAC-SHA-256 under key, or, with a nil key, the plain SHA-256 of the
// chains written before the audit key (and of stores opened without one).
// The sequence number is not hashed: order is carried by the chain itself,
// which lets Verify tell a reordered entry from an edited one.
func (e Entry) ComputeHash(key []byte) string {
	h, label := sha256.New(), "homeward-audit-v1"
	if key != nil {
		h, label = hmac.New(sha256.New, key), "homeward-audit-v2-keyed"
	}
	field := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field(label)
	field(e.PrevHash)
	field(e.At.UTC().Format(time.RFC3339Nano))
	for _, s := range []string{e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Outcome, e.RequestID, e.Address} {
		field(s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// KeyProbe is what the database keeps to recognise the audit key a chain is
// keyed with (an HMAC of a fixed text: it tells nothing of the key).
func KeyProbe(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("homeward audit key probe"))
	return hex.EncodeToString(m.Sum(nil))
}

// Head is the position and hash of the newest entry, printed by
// `homeward audit head` to be kept off the server.
type Head struct {
	Seq  int64
	Hash string
}

func (h Head) String() string { return fmt.Sprintf("%d:%s", h.Seq, h.Hash) }

// ParseHead reads the "seq:hash" form.
func ParseHead(s string) (Head, error) {
	var h Head
	var hash string
	if _, err := fmt.Sscanf(s, "%d:%s", &h.Seq, &hash); err != nil || h.Seq < 0 || len(hash) != 64 {
		return h, fmt.Errorf("head %q is not of the form <seq>:<64 hex digits>", s)
	}
	if _, err := hex.DecodeString(hash); err != nil {
		return h, fmt.Errorf("head %q is not of the form <seq>:<64 hex digits>", s)
	}
	h.Hash = hash
	return h, nil
}

// Actor is who acts in a request, carried in the context to the store, which
// writes the audit entry in the same transaction as the change.
type Actor struct {
	Who       string
	RequestID string
	Address   string
}

type actorKey struct{}

// WithActor returns a context that carries the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the context's actor; without one the actor is "system"
// (the command line, background work).
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Who: "system"}
}
