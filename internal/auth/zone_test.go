package auth

import (
	"testing"

	"homeward/internal/errs"
)

// A user's times follow their own zone, else their program's, else UTC; a
// mentee's always their program's.
func TestUserZone(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		u    User
		want string
	}{
		{"own zone", User{Role: Mentor, TimeZone: "Europe/Prague", ProgramTimeZone: "Europe/Vilnius"}, "Europe/Prague"},
		{"the program's", User{Role: Coordinator, ProgramTimeZone: "Europe/Vilnius"}, "Europe/Vilnius"},
		{"no program", User{Role: Admin}, "UTC"},
		{"a mentee's is the program's", User{Role: Mentee, TimeZone: "Asia/Tokyo", ProgramTimeZone: "Europe/Warsaw"}, "Europe/Warsaw"},
	} {
		if got := c.u.Zone(); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestUserValidateRefusesAnUnknownZone(t *testing.T) {
	t.Parallel()
	u := User{Email: "a@example.org", Role: Mentor, TimeZone: " Europe/Praha "}
	u.Normalize()
	if err := u.Validate(); errs.As(err).Fields["time_zone"] != "validation.time_zone" {
		t.Errorf("an unknown zone: %v", err)
	}
	u.TimeZone = "Europe/Prague"
	if err := u.Validate(); err != nil {
		t.Errorf("a known zone: %v", err)
	}
}
