package auth

import (
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"homeward/internal/errs"
	"homeward/internal/zone"
)

// User statuses.
const (
	StatusInvited  = "invited"  // has a one-time link, no password yet
	StatusActive   = "active"   // may sign in
	StatusDisabled = "disabled" // may not sign in; sessions ended
)

// User is a person who signs in.
type User struct {
	ID       int64   `json:"id"`
	Email    string  `json:"email"`
	Name     string  `json:"name"`
	Role     Role    `json:"role"`
	Status   string  `json:"status"`
	Programs []int64 `json:"programs"`
	// PartnerID is a partner user's organisation (0 for every other role).
	PartnerID int64     `json:"partner_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// TimeZone is the user's own time zone (an IANA name, "Europe/Prague"),
	// "" to follow their program's.
	TimeZone string `json:"time_zone"`
	// ProgramTimeZone is the time zone of the user's first program (the
	// lowest id), "" for a user in no program; read with the user, never
	// written through it.
	ProgramTimeZone string `json:"-"`
}

// Zone is the time zone the user's times are shown and typed in: their own,
// else their program's, else UTC. A mentee always has their program's (the
// portal shows the program's times).
func (u User) Zone() string {
	switch {
	case u.TimeZone != "" && u.Role != Mentee:
		return u.TimeZone
	case u.ProgramTimeZone != "":
		return u.ProgramTimeZone
	}
	return "UTC"
}

// Normalize trims the fields and drops repeated programs.
func (u *User) Normalize() {
	u.Email = strings.TrimSpace(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	u.TimeZone = strings.TrimSpace(u.TimeZone)
	slices.Sort(u.Programs)
	u.Programs = slices.Compact(u.Programs)
}

// Validate checks the user's fields and names each bad one.
func (u *User) Validate() error {
	f := map[string]string{}
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || len(u.Email) > 254 {
		f["email"] = "validation.email"
	}
	if utf8.RuneCountInString(u.Name) > 120 || strings.ContainsFunc(u.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		f["name"] = "validation.too_long"
	}
	if !u.Role.Valid() {
		f["role"] = "validation.role"
	}
	if u.TimeZone != "" && !zone.Valid(u.TimeZone) {
		f["time_zone"] = "validation.time_zone"
	}
	if u.Role == Admin && len(u.Programs) > 0 {
		f["programs"] = "validation.admin_programs"
	}
	// A partner user without an organisation sees no referral at all (the
	// user form asks for one); no other role belongs to an organisation.
	if u.Role != Partner && u.PartnerID != 0 {
		f["partner_id"] = "validation.partner_users_only"
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}

// MembershipErrors names, as Validate does, what an administrator may not
// set on a user's memberships (the user form and the API ask it alike): a
// partner user belongs to an organisation, without which they would see
// nothing, and to no program; no user is made a mentee here. Validate leaves these to the administration,
// as the command line invites a partner user before their organisation is
// in the directory.
func (u User) MembershipErrors() map[string]string {
	f := map[string]string{}
	if u.Role == Partner && u.PartnerID == 0 {
		f["partner_id"] = "validation.partner_required"
	}
	if u.Role == Partner && len(u.Programs) > 0 {
		f["programs"] = "validation.partner_programs"
	}
	if u.Role == Mentee {
		// A mentee's portal account is given by the coordinators of the
		// person's programs, on the person's profile.
		f["role"] = "users.error.mentee_role"
	}
	return f
}

// EmailKey folds an email address for lookups and uniqueness.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Session is a signed-in browser.
type Session struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"user_id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	Address    string    `json:"address"`
	UserAgent  string    `json:"user_agent"`
	Stage      string    `json:"stage"`
	Ceremony   string    `json:"-"` // a passkey ceremony in progress
	// ProvedAt is when the session last proved its person (password and
	// second factor); zero when never.
	ProvedAt time.Time `json:"-"`
}

// FreshProofWindow is how recent a session's proof must be for the
// sensitive actions: creating API tokens, changing second factors, new
// recovery codes, a person's export, approving an erasure.
const FreshProofWindow = 10 * time.Minute

// FreshAt reports whether the session is signed in and proved its person
// within FreshProofWindow before now.
func (s Session) FreshAt(now time.Time) bool {
	return s.Full() && !s.ProvedAt.IsZero() && now.Before(s.ProvedAt.Add(FreshProofWindow))
}

// Session stages: what a session must pass before it may do anything but
// the second-factor pages.
const (
	StageChallenge = "challenge" // prove a second factor
	StageEnrol     = "enrol"     // set up a second factor, required for the role
	StageFull      = "full"      // signed in
)

// Full reports whether the session has passed every stage of signing in.
func (s Session) Full() bool { return s.Stage == StageFull }

// NeedsSecondFactor reports whether the role must use a second factor
// whatever its programs say: every staff role, that is all but the mentee
// (for whom a program may require it).
func (r Role) NeedsSecondFactor() bool { return r != Mentee }
