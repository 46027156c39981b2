package server

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// Only a trusted proxy's X-Forwarded-For names the client; the nearest hop
// that is not a trusted proxy is the client, whatever a client wrote before it.
func TestClientAddress(t *testing.T) {
	t.Parallel()
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}
	for _, c := range []struct {
		remote, xff, want string
		trusted           []netip.Prefix
	}{
		{"203.0.113.7:5000", "", "203.0.113.7", trusted},
		{"203.0.113.7:5000", "198.51.100.1", "203.0.113.7", trusted}, // not from a proxy: the header is ignored
		{"127.0.0.1:5000", "198.51.100.1", "198.51.100.1", trusted},
		{"127.0.0.1:5000", "6.6.6.6, 198.51.100.1, 10.1.2.3", "198.51.100.1", trusted}, // the client forged the first hop
		{"127.0.0.1:5000", "", "127.0.0.1", trusted},
		{"127.0.0.1:5000", "not an address", "127.0.0.1", trusted},
		{"127.0.0.1:5000", "198.51.100.1", "127.0.0.1", nil}, // no trusted proxies configured
		{"[::ffff:10.0.0.1]:5000", "2001:db8::1", "2001:db8::1", trusted},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := clientAddress(r, c.trusted); got != c.want {
			t.Errorf("from %s with X-Forwarded-For %q: %q, want %q", c.remote, c.xff, got, c.want)
		}
	}
}
