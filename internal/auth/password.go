// Package auth holds the primitives of identity: password hashing with
// argon2id, the password rules, random tokens stored only as hashes, and
// the roles.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"homeward/internal/errs"
)

// Params are argon2id's costs. A hash records the costs it was made with,
// so a hash made with other costs still verifies.
type Params struct {
	MemoryKiB uint32
	Time      uint32 // passes
	Threads   uint8  // lanes
}

// DefaultParams are OWASP's minimum: 19 MiB, 2 passes, 1 lane. Every
// command of Homeward hashes with these.
var DefaultParams = Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// minMemoryKiB is the least memory a stored hash may claim and still be
// verified.
const minMemoryKiB = 1024

const (
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Password length limits, in characters.
const (
	MinPassword = 12
	MaxPassword = 128
)

// CheckPassword applies the password rules and names the field on failure.
func CheckPassword(field, pw string) error {
	n := utf8.RuneCountInString(pw)
	if !utf8.ValidString(pw) || n < MinPassword || n > MaxPassword {
		return errs.Invalid(map[string]string{field: "validation.password_length"})
	}
	return nil
}

// Hasher hashes and verifies passwords, running at most a few hashes at once:
// each takes 19 MiB, and a burst of logins must not exhaust memory.
type Hasher struct {
	params Params
	slots  chan struct{}
	dummy  string // a hash of nothing, verified for unknown accounts
}

// NewHasher returns a hasher with DefaultParams running at most
// max(2, NumCPU) hashes at once.
func NewHasher() *Hasher { return NewHasherWith(DefaultParams) }

// NewHasherWith returns a hasher with other costs: tests lower them (the
// least memory a hash may claim is 1 MiB), since hashing is slow on purpose.
func NewHasherWith(p Params) *Hasher {
	p.MemoryKiB = max(p.MemoryKiB, minMemoryKiB)
	p.Time = max(p.Time, 1)
	p.Threads = max(p.Threads, 1)
	h := &Hasher{params: p, slots: make(chan struct{}, max(2, runtime.NumCPU()))}
	h.dummy = h.hash(make([]byte, argonSaltLen), "not a password of anybody")
	return h
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

func (h *Hasher) hash(salt []byte, pw string) string {
	p := h.params
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Hash returns the PHC string of the password.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	return h.hash(salt, pw), nil
}

var errBadHash = errors.New("not an argon2id PHC string")

// Verify tells whether pw matches the PHC string. An empty phc (an unknown
// account, or one without a password yet) is checked against a dummy hash,
// so that the answer takes as long as for a real account.
func (h *Hasher) Verify(ctx context.Context, phc, pw string) (bool, error) {
	known := phc != ""
	if !known {
		phc = h.dummy
	}
	var version, m, t int
	var p uint8
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m < minMemoryKiB || t < 1 || p < 1 {
		return false, errBadHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, errBadHash
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(pw), salt, uint32(t), uint32(m), p, uint32(len(want)))
	return known && subtle.ConstantTimeCompare(got, want) == 1, nil
}
