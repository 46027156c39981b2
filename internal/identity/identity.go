// Package identity is who is who in a request: signing in with throttling
// and lockout, sessions with idle and absolute timeouts, one-time links for
// the first admin, invitations and password resets, and the signed-in user
// carried in the request's context.
package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/store"
	"homeward/internal/zone"
)

// Config holds the timeouts and throttles.
type Config struct {
	IdleTimeout      time.Duration // a session unused this long ends (default 30 min)
	AbsoluteLifetime time.Duration // a session ends this long after sign-in (default 12 h)
	LinkLifetime     time.Duration // invitations and resets expire (default 72 h)
	Account          store.Throttle
	Address          store.Throttle
	// SiteURL is the site's public address; passkeys are bound to its host
	// name and origin. Empty means http://localhost.
	SiteURL string
	// AuthenticatorLabel is the name authenticator apps and passkey
	// prompts show for an account, in place of the person's e-mail address
	// (empty: DefaultAuthenticatorLabel).
	AuthenticatorLabel string
}

// DefaultAuthenticatorLabel is the label authenticator apps show by default.
const DefaultAuthenticatorLabel = "Homeward"

// DefaultConfig is the configuration Homeward runs with.
func DefaultConfig() Config {
	return Config{
		IdleTimeout:        30 * time.Minute,
		AbsoluteLifetime:   12 * time.Hour,
		LinkLifetime:       72 * time.Hour,
		AuthenticatorLabel: DefaultAuthenticatorLabel,
		Account:            store.Throttle{Limit: 5, Window: 15 * time.Minute, Lockout: 15 * time.Minute},
		Address:            store.Throttle{Limit: 30, Window: 15 * time.Minute, Lockout: 15 * time.Minute},
	}
}

// Service signs people in and out.
type Service struct {
	store  *store.Store
	hasher *auth.Hasher
	cfg    Config
	rp     *webauthn.WebAuthn
}

// New returns the service; an error means a site address passkeys cannot use.
func New(st *store.Store, h *auth.Hasher, cfg Config) (*Service, error) {
	if cfg.AuthenticatorLabel == "" {
		cfg.AuthenticatorLabel = DefaultAuthenticatorLabel
	}
	rp, err := relyingParty(cfg.SiteURL, cfg.AuthenticatorLabel)
	if err != nil {
		return nil, err
	}
	return &Service{store: st, hasher: h, cfg: cfg, rp: rp}, nil
}

// Config returns the service's configuration.
func (s *Service) Config() Config { return s.cfg }

// ErrBadCredentials is the one answer for an unknown account, a wrong
// password, and an account that may not sign in: nobody learns which.
var ErrBadCredentials = &errs.Error{Kind: errs.KindUnauthorized, Code: "bad_credentials", Message: "The email address or the password is not right."}

// LockedError says that sign-in is locked after repeated failures, and until when.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return fmt.Sprintf("too many failed sign-ins; try again after %s", e.Until.UTC().Format(time.RFC3339))
}

// SignIn checks an email address and password and starts a session. The
// work is the same whether the account exists or not: the password is
// always hashed, and failures always count, per account and per address.
//
// It returns the new session's token and the stage the session is at.
func (s *Service) SignIn(ctx context.Context, email, password, address, userAgent string) (token, stage string, err error) {
	// The account is named by the keyed hash of the address, whether it
	// exists or not: the throttle keeps no address readable.
	accountKey, err := s.store.AccountKey(ctx, email)
	if err != nil {
		return "", "", err
	}
	addressKey := "address:" + store.AddressGroup(address)
	// Count the attempt before checking the password, so that parallel
	// guesses are held to the limit too.
	if until, err := s.store.CountLoginAttempt(ctx, map[string]store.Throttle{accountKey: s.cfg.Account, addressKey: s.cfg.Address}); err != nil {
		return "", "", err
	} else if !until.IsZero() {
		return "", "", &LockedError{Until: until}
	}
	u, phc, err := s.store.UserForLogin(ctx, email)
	if err != nil && !errs.Is(err, errs.KindNotFound) {
		return "", "", err
	}
	// A stored hash that cannot be read counts as a wrong password; a
	// cancelled request stops here.
	ok, verr := s.hasher.Verify(ctx, phc, password)
	if errors.Is(verr, context.Canceled) || errors.Is(verr, context.DeadlineExceeded) {
		return "", "", verr
	}
	if !ok || u.Status != auth.StatusActive {
		if err := s.store.AuditLoginFailure(ctx, u.ID); err != nil {
			return "", "", err
		}
		return "", "", ErrBadCredentials
	}
	for _, k := range []string{accountKey, addressKey} {
		if err := s.store.ForgetLoginAttempts(ctx, k); err != nil {
			return "", "", err
		}
	}
	return s.startSession(ctx, u, address, userAgent)
}

// startSession starts a session for the user at the stage they must pass
// next (a second factor to prove or to set up, or none).
func (s *Service) startSession(ctx context.Context, u auth.User, address, userAgent string) (token, stage string, err error) {
	ctx = audit.WithActor(ctx, actorFor(ctx, u))
	if stage, err = s.stageFor(ctx, u); err != nil {
		return "", "", err
	}
	token, err = s.store.StartSession(ctx, u.ID, stage, s.cfg.AbsoluteLifetime, address, userAgent)
	return token, stage, err
}

// Resume returns the session and user of a session token, or errs.NotFound.
func (s *Service) Resume(ctx context.Context, token string) (auth.Session, auth.User, error) {
	return s.store.SessionUser(ctx, token, s.cfg.IdleTimeout)
}

// SignOut ends the session.
func (s *Service) SignOut(ctx context.Context, sess auth.Session) error {
	return s.store.EndSession(ctx, sess.UserID, sess.ID)
}

// SetupLink returns a one-time link token to set up the first admin, or ""
// once any user exists. Each call replaces the previous setup link.
// Of several processes starting at once on one database, only the link of
// the last to call is valid.
func (s *Service) SetupLink(ctx context.Context) (string, error) {
	return s.store.CreateSetupLink(ctx, s.cfg.LinkLifetime)
}

// Invite creates an invited user and returns the token of their invitation link.
func (s *Service) Invite(ctx context.Context, u auth.User) (auth.User, string, error) {
	u, err := s.store.CreateUser(ctx, u)
	if err != nil {
		return u, "", err
	}
	token, err := s.store.CreateLink(ctx, store.LinkInvite, u.ID, s.cfg.LinkLifetime)
	return u, token, err
}

// UseLink spends a one-time link: it sets the password (creating the first
// admin for a setup link) and signs the person in.
// It returns the new session's token and the stage the session is at.
func (s *Service) UseLink(ctx context.Context, link string, admin *auth.User, password, address, userAgent string) (token, stage string, err error) {
	if err := auth.CheckPassword("password", password); err != nil {
		return "", "", err
	}
	phc, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return "", "", err
	}
	u, err := s.store.UseLink(ctx, link, admin, phc)
	if err != nil {
		return "", "", err
	}
	return s.startSession(ctx, u, address, userAgent)
}

// actorFor is the audit actor of a request once its user is known.
func actorFor(ctx context.Context, u auth.User) audit.Actor {
	a := audit.ActorFrom(ctx)
	a.Who = fmt.Sprintf("user:%d", u.ID)
	return a
}

type userKey struct{}

// Current is the signed-in user of a request and their session, or the
// API token the request came with.
type Current struct {
	User    auth.User
	Session auth.Session
	Token   *store.APIToken // set for a request with an API token, with a full Session
}

// WithCurrent returns a context that carries the signed-in user and makes
// them the actor of the audit entries the request writes; their time zone
// makes "today" theirs where a typed day is checked (zone.TodayIn).
func WithCurrent(ctx context.Context, c Current) context.Context {
	ctx = audit.WithActor(ctx, actorFor(ctx, c.User))
	ctx = zone.WithLocation(ctx, zone.Of(c.User.Zone()))
	return context.WithValue(ctx, userKey{}, c)
}

// From returns the signed-in user of the request, if any: only a session
// that has passed every stage of signing in (or an API token) counts.
func From(ctx context.Context) (Current, bool) {
	c, ok := ctx.Value(userKey{}).(Current)
	if !ok || !c.Session.Full() {
		return Current{}, false
	}
	return c, true
}

// SigningIn returns the user of a session at any stage of signing in, for
// the pages of the second factor (and signing out).
func SigningIn(ctx context.Context) (Current, bool) {
	c, ok := ctx.Value(userKey{}).(Current)
	return c, ok
}

// CookieName is the session cookie's name: with Secure cookies the __Host-
// prefix makes the browser refuse it from any other origin or path.
func CookieName(secure bool) string {
	if secure {
		return "__Host-hw_session"
	}
	return "hw_session"
}

// ResumeToken returns the API token a plain token names and its user, or errs.NotFound.
func (s *Service) ResumeToken(ctx context.Context, token string) (store.APIToken, auth.User, error) {
	return s.store.TokenUser(ctx, token)
}
