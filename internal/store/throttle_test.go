package store_test

import (
	"testing"

	"homeward/internal/store"
)

// Sign-in failures count per IPv4 address and per IPv6 /64: one home or
// server gets a whole /64, so counting single IPv6 addresses would not hold
// anyone back.
func TestAddressGroup(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"203.0.113.7":           "203.0.113.7",
		"2001:db8:1:2:3:4:5:6":  "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1":  "2001:db8:1:2::/64",
		"::ffff:203.0.113.7":    "::ffff:203.0.113.7",
		"not an address at all": "not an address at all",
	} {
		if got := store.AddressGroup(in); got != want {
			t.Errorf("store.AddressGroup(%q) = %q, want %q", in, got, want)
		}
	}
}
