package identity

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/store"
)

// relyingParty is the WebAuthn relying party of the site: its id is the
// site's host name, and only the site's own origin may use its passkeys.
func relyingParty(siteURL, label string) (*webauthn.WebAuthn, error) {
	if siteURL == "" {
		siteURL = "http://localhost"
	}
	u, err := url.Parse(siteURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("site address %q: not an absolute URL", siteURL)
	}
	// A ceremony must finish within minutes, not whenever the session ends.
	limit := webauthn.TimeoutConfig{Enforce: true, Timeout: 3 * time.Minute, TimeoutUVD: 3 * time.Minute}
	return webauthn.New(&webauthn.Config{
		RPID:          u.Hostname(),
		RPDisplayName: label,
		RPOrigins:     []string{u.Scheme + "://" + u.Host},
		Timeouts:      webauthn.TimeoutsConfig{Login: limit, Registration: limit},
	})
}

// passkeyUser is a user as go-webauthn sees them. The names a passkey
// manager shows are the neutral label, never the e-mail address.
type passkeyUser struct {
	u     auth.User
	label string
	creds []webauthn.Credential
	ids   []int64 // store ids of creds, same order
}

func (p *passkeyUser) WebAuthnID() []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(p.u.ID))
}
func (p *passkeyUser) WebAuthnName() string                       { return p.label }
func (p *passkeyUser) WebAuthnDisplayName() string                { return p.label }
func (p *passkeyUser) WebAuthnCredentials() []webauthn.Credential { return p.creds }

func (s *Service) passkeyUser(ctx context.Context, u auth.User) (*passkeyUser, error) {
	keys, err := s.store.Passkeys(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	p := &passkeyUser{u: u, label: s.label()}
	for _, k := range keys {
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(k.Credential), &c); err != nil {
			return nil, fmt.Errorf("read passkey %d: %w", k.ID, err)
		}
		p.creds, p.ids = append(p.creds, c), append(p.ids, k.ID)
	}
	return p, nil
}

// Passkeys lists the user's passkeys.
func (s *Service) Passkeys(ctx context.Context, userID int64) ([]store.Passkey, error) {
	return s.store.Passkeys(ctx, userID)
}

var errCeremony = &errs.Error{Kind: errs.KindInvalid, Code: "passkey_failed", Message: "The passkey could not be checked; try again."}

// BeginPasskeyRegistration starts adding a passkey: it returns the options
// for navigator.credentials.create as JSON and keeps the ceremony on the
// session. User verification (PIN or biometrics) is required.
func (s *Service) BeginPasskeyRegistration(ctx context.Context, c Current) ([]byte, error) {
	if err := s.mayAddFactor(c); err != nil {
		return nil, err
	}
	pu, err := s.passkeyUser(ctx, c.User)
	if err != nil {
		return nil, err
	}
	exclude := make([]protocol.CredentialDescriptor, len(pu.creds))
	for i, cr := range pu.creds {
		exclude[i] = cr.Descriptor()
	}
	creation, session, err := s.rp.BeginRegistration(pu,
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementPreferred,
			UserVerification: protocol.VerificationRequired,
		}),
		webauthn.WithExclusions(exclude))
	if err != nil {
		return nil, fmt.Errorf("begin passkey registration: %w", err)
	}
	return s.keepCeremony(ctx, c, session, creation)
}

func (s *Service) keepCeremony(ctx context.Context, c Current, session *webauthn.SessionData, options any) ([]byte, error) {
	data, err := json.Marshal(session)
	if err != nil {
		return nil, err
	}
	if err := s.store.SetCeremony(ctx, c.Session.ID, string(data)); err != nil {
		return nil, err
	}
	return json.Marshal(options)
}

// ceremony takes the session's passkey ceremony: it is used once, even by
// two requests at the same moment.
func (s *Service) ceremony(ctx context.Context, c Current) (webauthn.SessionData, error) {
	var sd webauthn.SessionData
	if c.Session.Ceremony == "" || json.Unmarshal([]byte(c.Session.Ceremony), &sd) != nil {
		return sd, errCeremony
	}
	taken, err := s.store.TakeCeremony(ctx, c.Session.ID, c.Session.Ceremony)
	if err != nil {
		return sd, err
	}
	if !taken {
		return sd, errCeremony
	}
	return sd, nil
}

// FinishPasskeyRegistration checks the browser's answer and stores the
// passkey under the name. The user's other sessions end; a session held at
// enrolment is now signed in (under the new token returned, else ""), and
// recovery codes are returned when the user had none.
func (s *Service) FinishPasskeyRegistration(ctx context.Context, c Current, name string, response []byte) (codes []string, token string, err error) {
	if err := s.mayAddFactor(c); err != nil {
		return nil, "", err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "Passkey"
	}
	if utf8.RuneCountInString(name) > 80 {
		return nil, "", errs.Invalid(map[string]string{"name": "validation.too_long"})
	}
	sd, err := s.ceremony(ctx, c)
	if err != nil {
		return nil, "", err
	}
	pu, err := s.passkeyUser(ctx, c.User)
	if err != nil {
		return nil, "", err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return nil, "", errCeremony
	}
	cred, err := s.rp.CreateCredential(pu, sd, parsed)
	if err != nil {
		return nil, "", errCeremony
	}
	data, err := json.Marshal(cred)
	if err != nil {
		return nil, "", err
	}
	if err := s.store.AddPasskey(ctx, c.User.ID, name, cred.ID, string(data), c.Session.ID, c.Session.Stage == auth.StageEnrol); err != nil {
		return nil, "", err
	}
	return s.afterEnrolment(ctx, c, "passkey")
}

// BeginPasskeyLogin starts proving a passkey for a session held at its
// second-factor stage: it returns the options for navigator.credentials.get.
func (s *Service) BeginPasskeyLogin(ctx context.Context, c Current) ([]byte, error) {
	if c.Session.Stage != auth.StageChallenge {
		return nil, errs.Conflict("This session needs no passkey.", nil)
	}
	return s.beginPasskeyAssertion(ctx, c)
}

// BeginPasskeyProof starts proving a passkey on the "confirm it is you"
// page of a signed-in session.
func (s *Service) BeginPasskeyProof(ctx context.Context, c Current) ([]byte, error) {
	if !c.Session.Full() || c.Token != nil {
		return nil, errs.Forbidden("Sign in first.")
	}
	return s.beginPasskeyAssertion(ctx, c)
}

func (s *Service) beginPasskeyAssertion(ctx context.Context, c Current) ([]byte, error) {
	pu, err := s.passkeyUser(ctx, c.User)
	if err != nil {
		return nil, err
	}
	if len(pu.creds) == 0 {
		return nil, errs.Conflict("You have no passkey.", nil)
	}
	assertion, session, err := s.rp.BeginLogin(pu, webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, fmt.Errorf("begin passkey login: %w", err)
	}
	return s.keepCeremony(ctx, c, session, assertion)
}

// FinishPasskeyLogin checks the browser's answer and signs the session in,
// under a new token (returned): the one the password gave stops working.
// Failures count against the same limit as codes.
func (s *Service) FinishPasskeyLogin(ctx context.Context, c Current, response []byte) (string, error) {
	if c.Session.Stage != auth.StageChallenge {
		return "", errs.Conflict("This session needs no passkey.", nil)
	}
	if err := s.checkPasskey(ctx, c, response); err != nil {
		return "", err
	}
	return s.store.CompleteSession(ctx, c.Session.ID, c.User.ID, "passkey")
}

// FinishPasskeyProof checks a signed-in person's password and the browser's
// answer of their passkey, and records the fresh proof on the session.
func (s *Service) FinishPasskeyProof(ctx context.Context, c Current, password string, response []byte) error {
	if !c.Session.Full() || c.Token != nil {
		return errs.Forbidden("Sign in first.")
	}
	if err := s.checkPassword(ctx, c.User, password); err != nil {
		return err
	}
	if err := s.checkPasskey(ctx, c, response); err != nil {
		return err
	}
	return s.store.ProveSession(ctx, c.Session.ID, c.User.ID, "passkey")
}

// checkPasskey checks the browser's answer to the session's passkey
// ceremony, throttled like codes.
func (s *Service) checkPasskey(ctx context.Context, c Current, response []byte) error {
	if err := s.countFactorAttempt(ctx, c.User.ID); err != nil {
		return err
	}
	sd, err := s.ceremony(ctx, c)
	if err != nil {
		return s.factorFailed(ctx, c, err)
	}
	pu, err := s.passkeyUser(ctx, c.User)
	if err != nil {
		return err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return s.factorFailed(ctx, c, errCeremony)
	}
	cred, err := s.rp.ValidateLogin(pu, sd, parsed)
	if err != nil {
		return s.factorFailed(ctx, c, errCeremony)
	}
	if cred.Authenticator.CloneWarning {
		// The signature counter went back: two copies of this passkey exist.
		return s.factorFailed(ctx, c, errCeremony)
	}
	for i, known := range pu.creds {
		if string(known.ID) == string(cred.ID) {
			data, err := json.Marshal(cred)
			if err != nil {
				return err
			}
			if err := s.store.UsePasskey(ctx, c.User.ID, pu.ids[i], string(data)); err != nil {
				return err
			}
		}
	}
	return s.store.ForgetLoginAttempts(ctx, factorKey(c.User.ID))
}

// RemovePasskey removes one of the user's passkeys; refused when it is the
// only second factor of a user who must have one.
func (s *Service) RemovePasskey(ctx context.Context, c Current, id int64) error {
	if err := s.RequireFreshProof(c); err != nil {
		return err
	}
	keys, err := s.store.Passkeys(ctx, c.User.ID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(keys, func(k store.Passkey) bool { return k.ID == id }) {
		return errs.NotFound("passkey") // someone else's passkey is not even there
	}
	f, err := s.store.UserFactors(ctx, c.User.ID)
	if err != nil {
		return err
	}
	if !f.TOTP && f.Passkeys == 1 {
		if err := s.checkMayDropLast(ctx, c.User); err != nil {
			return err
		}
	}
	required, err := s.SecondFactorRequired(ctx, c.User)
	if err != nil {
		return err
	}
	return s.store.RemovePasskey(ctx, c.User.ID, id, c.Session.ID, required)
}
