// Package seal encrypts sensitive fields: histories of persecution, criminal
// records, health, second-factor secrets.
//
// Envelope encryption: each field is sealed with AES-256-GCM under a data key
// of its record (one per mentee, one per case, …); data keys are stored in
// the database sealed by a key-encryption key (KEK) that never enters the
// database: it lives in the key file in the data directory or in the
// HOMEWARD_KEY environment variable. The associated data of every seal binds
// table, column and record id, so a sealed value copied to another row or
// column fails to open. Destroying a record's data key makes its fields
// unreadable for good, in backups too (crypto-shredding).
//
// Why the standard library and not tink-go: what Homeward needs is one AEAD
// with associated data and a small keyring. crypto/aes with crypto/cipher's
// GCM gives exactly that, is maintained with the Go toolchain, uses the
// FIPS 140-3 validated module, and adds no dependency; tink-go would bring a
// large dependency and its own keyset format for features we do not use.
// Random 96-bit nonces are safe here because a data key seals only one
// record's fields, far below GCM's 2^32 messages per key.
//
// Glossary words: Seal (to encrypt a field under a record's data key),
// Erasure (destroying a person's data key: what it sealed is gone).
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
)

// KeySize is the size of every key: AES-256.
const KeySize = 32

// version is the first byte of every sealed value, so the format can change.
const version byte = 1

// ErrOpen is returned when a sealed value cannot be opened: wrong key, wrong
// place (table, column or id), or tampered bytes. It says no more on purpose.
var ErrOpen = errors.New("sealed value cannot be opened")

// Place is what a sealed value is bound to: the associated data of the seal.
type Place struct {
	Table  string
	Column string
	ID     int64
}

func (p Place) ad() []byte {
	return []byte("homeward/v1\x00" + p.Table + "\x00" + p.Column + "\x00" + strconv.FormatInt(p.ID, 10))
}

// NewKey returns a fresh random key.
func NewKey() []byte {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic("seal: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	return k
}

func aead(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("seal: key of %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts plaintext under key, bound to place. The result is
// version ‖ nonce ‖ ciphertext ‖ tag.
func Seal(key, plaintext []byte, place Place) ([]byte, error) {
	g, err := aead(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1+g.NonceSize(), 1+g.NonceSize()+len(plaintext)+g.Overhead())
	out[0] = version
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("seal: nonce: %w", err)
	}
	return g.Seal(out, out[1:1+g.NonceSize()], plaintext, place.ad()), nil
}

// Open decrypts a value sealed by Seal with the same key and place.
func Open(key, sealed []byte, place Place) ([]byte, error) {
	g, err := aead(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < 1+g.NonceSize()+g.Overhead() || sealed[0] != version {
		return nil, ErrOpen
	}
	nonce, ct := sealed[1:1+g.NonceSize()], sealed[1+g.NonceSize():]
	pt, err := g.Open(nil, nonce, ct, place.ad())
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}
