package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// NewToken returns a random token of 256 bits with a prefix that says what it
// is ("hws_" session, "hwl_" one-time link, "hwt_" API token, "hwc_"
// calendar feed), and the hash
// to store. Only the hash is ever stored, so a stolen database holds no
// usable token.
func NewToken(prefix string) (plain string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	plain = prefix + base64.RawURLEncoding.EncodeToString(b)
	return plain, HashToken(plain)
}

// HashToken is the stored form of a token.
func HashToken(plain string) []byte {
	h := sha256.Sum256([]byte(strings.TrimSpace(plain)))
	return h[:]
}

// Token prefixes.
const (
	SessionToken  = "hws_"
	LinkToken     = "hwl_"
	APIToken      = "hwt_"
	CalendarToken = "hwc_"
)
