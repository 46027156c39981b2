package identity

import (
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// A code counts in its own 30-second step and the one before and after (for
// a phone whose clock is a little off), never further.
func TestMatchStep(t *testing.T) {
	t.Parallel()
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	now := time.Date(2026, 11, 21, 12, 0, 15, 0, time.UTC)
	step := now.Unix() / 30
	for _, c := range []struct {
		offset time.Duration
		ok     bool
	}{
		{0, true}, {-30 * time.Second, true}, {30 * time.Second, true},
		{-60 * time.Second, false}, {60 * time.Second, false}, {10 * time.Minute, false},
	} {
		code, err := totp.GenerateCode(secret, now.Add(c.offset))
		if err != nil {
			t.Fatal(err)
		}
		got, ok := matchStep(secret, code, now)
		if ok != c.ok {
			t.Errorf("a code from %v away: accepted %v, want %v", c.offset, ok, c.ok)
		}
		if ok && got != step+int64(c.offset/(30*time.Second)) {
			t.Errorf("a code from %v away matched step %d, want %d", c.offset, got, step+int64(c.offset/(30*time.Second)))
		}
	}
	code, _ := totp.GenerateCode(secret, now)
	for _, typed := range []string{code[:3] + " " + code[3:], " " + code + " "} {
		if _, ok := matchStep(secret, typed, now); !ok {
			t.Errorf("the code typed as %q was refused; spaces do not matter", typed)
		}
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef", code + "0"} {
		if _, ok := matchStep(secret, bad, now); ok {
			t.Errorf("%q was accepted", bad)
		}
	}
}

func TestNormalizeRecoveryCode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ABCD-EFGH-IJKL-MNOP":     "ABCDEFGHIJKLMNOP",
		"abcd efgh ijkl mnop":     "ABCDEFGHIJKLMNOP",
		" abcd-EFGH-ijkl-MNOP ":   "ABCDEFGHIJKLMNOP",
		"123456":                  "123456",
		"abcd-efgh-ijkl-mnop-qrs": "ABCDEFGHIJKLMNOPQRS",
	} {
		if got := normalizeRecoveryCode(in); got != want {
			t.Errorf("normalizeRecoveryCode(%q) = %q, want %q", in, got, want)
		}
	}
}
