package identity

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/store"
)

// TOTP parameters: the ones every authenticator app understands.
const (
	totpPeriod = 30 // seconds
	totpDigits = otp.DigitsSix
	// RecoveryCodes is how many recovery codes a user gets at a time.
	RecoveryCodes = 10
)

// stageFor is the stage a new session of the user starts at: a user with a
// second factor must prove it; one without, whose role or program requires
// one, must set one up first.
func (s *Service) stageFor(ctx context.Context, u auth.User) (string, error) {
	f, err := s.store.UserFactors(ctx, u.ID)
	if err != nil {
		return "", err
	}
	if f.Any() {
		return auth.StageChallenge, nil
	}
	required, err := s.SecondFactorRequired(ctx, u)
	if err != nil {
		return "", err
	}
	if required {
		return auth.StageEnrol, nil
	}
	return auth.StageFull, nil
}

// SecondFactorRequired tells whether the user must have a second factor:
// every staff role must; a mentee when one of their programs says so.
func (s *Service) SecondFactorRequired(ctx context.Context, u auth.User) (bool, error) {
	if u.Role.NeedsSecondFactor() {
		return true, nil
	}
	return s.store.MenteeSecondFactor(ctx, u.Programs)
}

// Factors returns the second factors the user has set up.
func (s *Service) Factors(ctx context.Context, userID int64) (store.Factors, error) {
	return s.store.UserFactors(ctx, userID)
}

// TOTPEnrolment is an authenticator app being set up: the otpauth:// URL the
// QR code holds, and the secret to type in by hand.
type TOTPEnrolment struct {
	URL    string
	Secret string
}

// mayAddFactor refuses to add a factor from a session that has not proved
// the factors the user already has: with the password alone, nobody may set
// up a factor of their own and so sign in past the second step. A signed-in
// session must have proved its person within the last minutes
// (RequireFreshProof); one held at enrolment has just given the password.
func (s *Service) mayAddFactor(c Current) error {
	switch c.Session.Stage {
	case auth.StageEnrol:
		return nil
	case auth.StageFull:
		return s.RequireFreshProof(c)
	}
	return errs.Forbidden("Prove your second factor first.")
}

// FreshProofCode is the code of ErrFreshProof.
const FreshProofCode = "fresh_proof_required"

// ErrFreshProof refuses a sensitive action to a session that has not proved
// its person (password and second factor) within auth.FreshProofWindow.
var ErrFreshProof = &errs.Error{Kind: errs.KindForbidden, Code: FreshProofCode,
	Message: "Confirm it is you first: enter your password and your second factor again."}

// RequireFreshProof refuses (ErrFreshProof) unless the request's session
// proved its person within the last ten minutes: the check before creating
// API tokens, adding or removing second factors, making recovery codes, a
// person's export and approving an erasure. A request with an API token is
// always refused: a token proves nothing afresh (these actions are for the
// pages and the command line).
func (s *Service) RequireFreshProof(c Current) error { return FreshProof(c, s.store.Now()) }

// FreshProof is RequireFreshProof's rule at the time now, for a surface
// that holds no Service (the API).
func FreshProof(c Current, now time.Time) error {
	if c.Token != nil || !c.Session.FreshAt(now) {
		return ErrFreshProof
	}
	return nil
}

// label is what authenticator apps and passkey prompts show for an account:
// the setting, never the person's e-mail address.
func (s *Service) label() string {
	if s.cfg.AuthenticatorLabel != "" {
		return s.cfg.AuthenticatorLabel
	}
	return DefaultAuthenticatorLabel
}

// BeginTOTP starts setting up an authenticator app, or resumes the set-up
// this session began (after a mistyped code). The secret is new for each
// session that begins: no other session ever sees it.
func (s *Service) BeginTOTP(ctx context.Context, c Current) (TOTPEnrolment, error) {
	if err := s.mayAddFactor(c); err != nil {
		return TOTPEnrolment{}, err
	}
	if secret, err := s.store.TOTPSecret(ctx, c.User.ID, c.Session.ID); err == nil {
		return enrolment(s.label(), secret)
	} else if !errs.Is(err, errs.KindNotFound) {
		return TOTPEnrolment{}, err
	}
	// The app shows the label as issuer and account: a phone that others
	// see does not name the person, nor that they use this service.
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.label(), AccountName: s.label(), Period: totpPeriod, Digits: totpDigits, SecretSize: 20})
	if err != nil {
		return TOTPEnrolment{}, fmt.Errorf("make authenticator secret: %w", err)
	}
	if err := s.store.BeginTOTP(ctx, c.User.ID, c.Session.ID, key.Secret()); err != nil {
		return TOTPEnrolment{}, err
	}
	return TOTPEnrolment{URL: key.URL(), Secret: key.Secret()}, nil
}

// enrolment rebuilds the otpauth:// URL of a kept secret.
func enrolment(label, secret string) (TOTPEnrolment, error) {
	q := url.Values{"secret": {secret}, "issuer": {label}, "period": {strconv.Itoa(totpPeriod)},
		"digits": {strconv.Itoa(totpDigits.Length())}, "algorithm": {"SHA1"}}
	link := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + label + ":" + label, RawQuery: q.Encode()}
	return TOTPEnrolment{URL: link.String(), Secret: secret}, nil
}

// matchStep returns the time step (now, one before or one after, for clocks
// a little apart) whose code is code, or false.
func matchStep(secret, code string, now time.Time) (int64, bool) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != totpDigits.Length() {
		return 0, false
	}
	current := now.Unix() / totpPeriod
	for _, step := range []int64{current - 1, current, current + 1} {
		want, err := hotp.GenerateCodeCustom(secret, uint64(step), hotp.ValidateOpts{Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// ConfirmTOTP finishes setting up the authenticator app with a code from it.
// The user's other sessions end; a session that was held at enrolment is now
// signed in, under the new session token returned (else ""). Recovery codes
// are made when the user has none, and returned.
func (s *Service) ConfirmTOTP(ctx context.Context, c Current, code string) (codes []string, token string, err error) {
	if err := s.mayAddFactor(c); err != nil {
		return nil, "", err
	}
	if err := s.countFactorAttempt(ctx, c.User.ID); err != nil {
		return nil, "", err
	}
	secret, err := s.store.TOTPSecret(ctx, c.User.ID, c.Session.ID)
	if errs.Is(err, errs.KindNotFound) {
		return nil, "", errs.Conflict("Start setting up the authenticator app again.", nil)
	}
	if err != nil {
		return nil, "", err
	}
	step, ok := matchStep(secret, code, s.store.Now())
	if !ok {
		return nil, "", store.ErrBadCode
	}
	if err := s.store.UseTOTPStep(ctx, c.User.ID, step, true, c.Session.ID, c.Session.Stage == auth.StageEnrol); err != nil {
		return nil, "", err
	}
	return s.afterEnrolment(ctx, c, "totp")
}

// afterEnrolment signs in a session that was held until a factor was set up
// (under a new token, returned), and gives a user without recovery codes
// their first ones.
func (s *Service) afterEnrolment(ctx context.Context, c Current, how string) (codes []string, token string, err error) {
	_ = s.store.ForgetLoginAttempts(ctx, factorKey(c.User.ID))
	if !c.Session.Full() {
		if token, err = s.store.CompleteSession(ctx, c.Session.ID, c.User.ID, how); err != nil {
			return nil, "", err
		}
	}
	f, err := s.store.UserFactors(ctx, c.User.ID)
	if err != nil || f.RecoveryLeft > 0 {
		return nil, token, err
	}
	codes, err = s.NewRecoveryCodes(ctx, c.User.ID)
	return codes, token, err
}

// RemoveTOTP removes the user's authenticator app; refused when it is the
// only second factor of a user who must have one.
func (s *Service) RemoveTOTP(ctx context.Context, c Current) error {
	if err := s.RequireFreshProof(c); err != nil {
		return err
	}
	f, err := s.store.UserFactors(ctx, c.User.ID)
	if err != nil {
		return err
	}
	if f.TOTP && f.Passkeys == 0 {
		if err := s.checkMayDropLast(ctx, c.User); err != nil {
			return err
		}
	}
	required, err := s.SecondFactorRequired(ctx, c.User)
	if err != nil {
		return err
	}
	return s.store.RemoveTOTP(ctx, c.User.ID, c.Session.ID, required)
}

func (s *Service) checkMayDropLast(ctx context.Context, u auth.User) error {
	required, err := s.SecondFactorRequired(ctx, u)
	if err != nil {
		return err
	}
	if required {
		return store.ErrLastFactor
	}
	return nil
}

// factorKey is the throttle key of a user's second-factor attempts.
func factorKey(userID int64) string { return fmt.Sprintf("factor:%d", userID) }

// countFactorAttempt holds second-factor guesses to the account's limit.
func (s *Service) countFactorAttempt(ctx context.Context, userID int64) error {
	until, err := s.store.CountLoginAttempt(ctx, map[string]store.Throttle{factorKey(userID): s.cfg.Account})
	if err != nil {
		return err
	}
	if !until.IsZero() {
		return &LockedError{Until: until}
	}
	return nil
}

// ProveSecondFactor checks a code from the authenticator app, or a recovery
// code, for a session held at its second-factor stage, and signs it in. It
// returns the session's new token: the one the password gave stops working.
// Guesses are throttled like passwords.
func (s *Service) ProveSecondFactor(ctx context.Context, c Current, code string) (string, error) {
	if c.Session.Stage != auth.StageChallenge {
		return "", errs.Conflict("This session needs no code.", nil)
	}
	how, err := s.checkCode(ctx, c, code)
	if err != nil {
		return "", err
	}
	return s.store.CompleteSession(ctx, c.Session.ID, c.User.ID, how)
}

// checkCode checks a code from the authenticator app, or spends a recovery
// code, throttled like passwords, and tells which it was.
func (s *Service) checkCode(ctx context.Context, c Current, code string) (how string, err error) {
	if err := s.countFactorAttempt(ctx, c.User.ID); err != nil {
		return "", err
	}
	how = "totp"
	if normalized := normalizeRecoveryCode(code); len(normalized) == recoveryCodeLen {
		if err := s.store.UseRecoveryCode(ctx, c.User.ID, auth.HashToken(normalized)); err != nil {
			return "", s.factorFailed(ctx, c, err)
		}
		how = "recovery_code"
	} else {
		secret, err := s.store.TOTPSecret(ctx, c.User.ID, 0)
		if errs.Is(err, errs.KindNotFound) {
			return "", s.factorFailed(ctx, c, store.ErrBadCode)
		}
		if err != nil {
			return "", err
		}
		step, ok := matchStep(secret, code, s.store.Now())
		if !ok {
			return "", s.factorFailed(ctx, c, store.ErrBadCode)
		}
		if err := s.store.UseTOTPStep(ctx, c.User.ID, step, false, c.Session.ID, false); err != nil {
			return "", s.factorFailed(ctx, c, err)
		}
	}
	return how, s.store.ForgetLoginAttempts(ctx, factorKey(c.User.ID))
}

// checkPassword checks a signed-in person's password again, throttled and
// locked like signing in.
func (s *Service) checkPassword(ctx context.Context, u auth.User, password string) error {
	key, err := s.store.UserAccountKey(ctx, u.ID)
	if err != nil {
		return err
	}
	if until, err := s.store.CountLoginAttempt(ctx, map[string]store.Throttle{key: s.cfg.Account}); err != nil {
		return err
	} else if !until.IsZero() {
		return &LockedError{Until: until}
	}
	_, phc, err := s.store.UserWithHash(ctx, u.ID)
	if err != nil && !errs.Is(err, errs.KindNotFound) {
		return err
	}
	ok, err := s.hasher.Verify(ctx, phc, password)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if !ok {
		if err := s.store.Audit(ctx, "session.proof_failure", "user", u.ID, "failure"); err != nil {
			return err
		}
		return ErrBadPassword
	}
	return s.store.ForgetLoginAttempts(ctx, key)
}

// ErrBadPassword is the answer to a wrong password on the "confirm it is
// you" page.
var ErrBadPassword = &errs.Error{Kind: errs.KindInvalid, Code: "bad_password", Message: "The password is not right.",
	Fields: map[string]string{"password": "confirm.bad_password"}}

// ConfirmProof checks a signed-in person's password and, when they have
// one, a code of their second factor (authenticator app or recovery code),
// and records the fresh proof on the session (RequireFreshProof). A person
// with only passkeys proves them with FinishPasskeyProof instead.
func (s *Service) ConfirmProof(ctx context.Context, c Current, password, code string) error {
	if !c.Session.Full() || c.Token != nil {
		return errs.Forbidden("Sign in first.")
	}
	if err := s.checkPassword(ctx, c.User, password); err != nil {
		return err
	}
	f, err := s.store.UserFactors(ctx, c.User.ID)
	if err != nil {
		return err
	}
	if !f.Any() {
		return s.store.ProveSession(ctx, c.Session.ID, c.User.ID, "password")
	}
	how, err := s.checkCode(ctx, c, code)
	if err != nil {
		return err
	}
	return s.store.ProveSession(ctx, c.Session.ID, c.User.ID, how)
}

// factorFailed audits a refused second factor and returns why.
func (s *Service) factorFailed(ctx context.Context, c Current, why error) error {
	if err := s.store.Audit(ctx, "login.second_factor_failure", "user", c.User.ID, "failure"); err != nil {
		return err
	}
	return why
}

// Recovery codes: 16 characters of base32, 80 bits, shown in groups of four.
const recoveryCodeLen = 16

func normalizeRecoveryCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, code)
}

// NewRecoveryCodes makes new recovery codes for the user, replacing the
// earlier ones, and returns them: they are shown once and only their hashes
// are kept.
func (s *Service) NewRecoveryCodes(ctx context.Context, userID int64) ([]string, error) {
	codes := make([]string, RecoveryCodes)
	hashes := make([][]byte, RecoveryCodes)
	for i := range codes {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		c := base32.StdEncoding.EncodeToString(b) // 16 characters
		codes[i] = c[0:4] + "-" + c[4:8] + "-" + c[8:12] + "-" + c[12:16]
		hashes[i] = auth.HashToken(c)
	}
	if err := s.store.ReplaceRecoveryCodes(ctx, userID, hashes); err != nil {
		return nil, err
	}
	return codes, nil
}
