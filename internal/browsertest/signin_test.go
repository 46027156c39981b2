package browsertest

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"homeward/internal/auth"
	"homeward/internal/program"
	"homeward/internal/store"
)

// The first administrator sets Homeward up through the one-time link the
// server printed, sets up an authenticator app on the way, signs out and
// signs in again with a code.
func TestFirstAdminSetupWithAuthenticatorApp(t *testing.T) {
	a := startBare(t)
	token, err := a.ids.SetupLink(t.Context())
	if err != nil || token == "" {
		t.Fatalf("setup link: %q %v", token, err)
	}
	a.open("/link/" + token)
	a.do("fill the set-up form",
		chromedp.SendKeys(chromedp.ID("f-email"), "first@example.org"),
		chromedp.SendKeys(chromedp.ID("f-name"), "Ada"),
		chromedp.SendKeys(chromedp.ID("f-password"), testPassword),
		chromedp.SendKeys(chromedp.ID("f-password_again"), testPassword))
	a.load("set up", http.StatusOK, chromedp.Click(chromedp.CSS("form.form button[type=submit]")))
	if got := a.path(); got != "/login/enrol" {
		t.Fatalf("after choosing a password the admin is at %s, want /login/enrol (a second factor first)", got)
	}
	a.wantText("main h1", a.en.T("enrol.title"))
	secret := a.enrolTOTP()
	a.signOut()
	a.signIn("first@example.org", secret)
	a.wantText("header .who", "first@example.org")
}

// enrolTOTP sets up an authenticator app from the set-up choice on the
// current page, as a person does with their phone, and returns the secret.
func (a *app) enrolTOTP() string {
	a.t.Helper()
	a.load("choose an authenticator app", http.StatusOK, chromedp.Click(chromedp.CSS(`form[action="/account/totp/begin"] button`)))
	a.do("see the QR code", chromedp.WaitVisible(chromedp.CSS("figure.qr-code svg")))
	// The phone reads the QR code; the test reads the key printed under it.
	secret := strings.TrimSpace(get(a, "read the key", chromedp.TextContent(chromedp.ID("totp-secret"))))
	if !regexp.MustCompile(`^[A-Z2-7]{32}$`).MatchString(secret) {
		a.t.Fatalf("the key under the QR code is %q", secret)
	}
	a.do("type the code", chromedp.SendKeys(chromedp.ID("f-code"), a.code(secret)))
	a.load("confirm", http.StatusOK, chromedp.Click(chromedp.CSS("form.form button[type=submit]")))
	a.wantRecoveryCodes("#recovery-codes")
	a.load("continue", http.StatusOK, chromedp.Click(chromedp.CSS("main a.button")))
	if got := a.path(); got != "/" {
		a.t.Fatalf("after setting up the app the browser is at %s, want /", got)
	}
	return secret
}

// wantRecoveryCodes checks that the list shows ten recovery codes.
func (a *app) wantRecoveryCodes(list string) {
	a.t.Helper()
	codes := get(a, "read the recovery codes", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll(`+"`"+list+` li`+"`"+`), li => li.textContent.trim())`))
	if len(codes) != 10 {
		a.t.Fatalf("%d recovery codes shown, want 10: %q", len(codes), codes)
	}
	for _, c := range codes {
		if !regexp.MustCompile(`^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$`).MatchString(c) {
			a.t.Errorf("recovery code %q is not four groups of four", c)
		}
	}
}

// signOut uses the header's sign-out button and expects the sign-in page.
func (a *app) signOut() {
	a.t.Helper()
	a.load("sign out", http.StatusOK, chromedp.Click(chromedp.CSS("form.signout button")))
	if got := a.path(); got != "/login" {
		a.t.Fatalf("after signing out the browser is at %s, want /login", got)
	}
	a.open("/")
	if got := a.path(); !strings.HasPrefix(got, "/login") {
		a.t.Fatalf("after signing out / shows %s, want the sign-in page", got)
	}
}

// An invited mentor chooses a password and sets up a passkey (a virtual
// authenticator with user verification stands in for the fingerprint
// reader), then signs in again with the passkey.
func TestInvitationWithPasskey(t *testing.T) {
	a := start(t)
	p, err := a.store.CreateProgram(t.Context(), testProgram("Passkeys"))
	if err != nil {
		t.Fatal(err)
	}
	u, token, err := a.ids.Invite(t.Context(), auth.User{Email: "mentor@example.org", Role: auth.Mentor, Programs: []int64{p.ID}})
	if err != nil {
		t.Fatal(err)
	}
	a.signOut()
	a.addVirtualAuthenticator()

	a.open("/link/" + token)
	a.do("choose a password",
		chromedp.SendKeys(chromedp.ID("f-password"), testPassword),
		chromedp.SendKeys(chromedp.ID("f-password_again"), testPassword))
	a.load("accept the invitation", http.StatusOK, chromedp.Click(chromedp.CSS("form.form button[type=submit]")))
	if got := a.path(); got != "/login/enrol" {
		t.Fatalf("after the invitation the mentor is at %s, want /login/enrol", got)
	}
	a.do("name the passkey and add it",
		chromedp.SendKeys(chromedp.ID("f-passkey-name"), "test laptop"),
		chromedp.Click(chromedp.CSS("form[data-passkey-register] button")),
		chromedp.WaitVisible(chromedp.CSS("[data-passkey-codes]")))
	a.wantRecoveryCodes("[data-passkey-codes] ol")
	keys, err := a.store.Passkeys(t.Context(), u.ID)
	if err != nil || len(keys) != 1 || keys[0].Name != "test laptop" {
		t.Fatalf("passkeys stored: %+v %v", keys, err)
	}
	a.load("continue", http.StatusOK, chromedp.Click(chromedp.CSS("[data-passkey-codes] a.button")))
	if got := a.path(); got != "/" {
		t.Fatalf("after adding the passkey the mentor is at %s, want /", got)
	}
	a.wantText("header .who", "mentor@example.org")

	a.signOut()
	a.password("mentor@example.org")
	a.wantText("main h1", a.en.T("factor.title"))
	a.load("use the passkey", http.StatusOK, chromedp.Click(chromedp.CSS("[data-passkey-login] button")))
	if got := a.path(); got != "/" {
		t.Fatalf("after the passkey the mentor is at %s, want /", got)
	}
	a.wantText("header .who", "mentor@example.org")
	if keys, _ := a.store.Passkeys(t.Context(), u.ID); len(keys) != 1 || keys[0].LastUsedAt == nil {
		t.Errorf("the passkey's use was not recorded: %+v", keys)
	}

	// Later, an API token needs a fresh proof: the password and the
	// passkey again, then the kept form is sent.
	a.clock.Add(11 * time.Minute)
	a.open("/account")
	a.do("name a token", chromedp.SendKeys(chromedp.ID("f-name"), "weekly export"))
	a.load("make the token", http.StatusForbidden, chromedp.Click(chromedp.CSS(`form[action="/account/tokens"] button[type=submit]`)))
	a.wantText("main h1", a.en.T("factor.title"))
	a.do("type the password", chromedp.SendKeys(chromedp.ID("f-password"), testPassword))
	a.load("confirm with the passkey", http.StatusOK, chromedp.Click(chromedp.CSS("[data-passkey-login] button")))
	a.wantText("main h1", a.en.T("resend.title"))
	a.load("send the kept form", http.StatusCreated, chromedp.Click(chromedp.CSS("#resend-form button[type=submit]")))
	if token := a.text("#new-token"); !strings.HasPrefix(token, "hwt_") {
		t.Errorf("the new token is not shown: %q", token)
	}
	if tokens, _ := a.store.APITokens(t.Context(), u.ID); len(tokens) != 1 || tokens[0].Name != "weekly export" {
		t.Errorf("tokens after confirming with the passkey: %+v", tokens)
	}
}

// addVirtualAuthenticator gives the tab a platform authenticator that
// verifies its user (as a fingerprint reader would) without a prompt.
func (a *app) addVirtualAuthenticator() {
	a.t.Helper()
	a.do("add a virtual authenticator", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
			Options: &webauthn.VirtualAuthenticatorOptions{
				Protocol:                    webauthn.AuthenticatorProtocolCtap2,
				Transport:                   webauthn.AuthenticatorTransportInternal,
				HasResidentKey:              true,
				HasUserVerification:         true,
				IsUserVerified:              true,
				AutomaticPresenceSimulation: true,
			}})
		return err
	}))
}

// When the session ends while a form is being filled in, sending it leads
// to signing in again, and then the form is sent with what was typed.
func TestExpiredSessionKeepsTheForm(t *testing.T) {
	a := start(t)
	const name, description = "Kept while signed out", "Typed before the session ended."
	a.open("/programs/new")
	a.do("fill in the form",
		chromedp.SendKeys(chromedp.ID("f-name"), name),
		chromedp.SendKeys(chromedp.ID("f-description"), description))

	// Meanwhile the session ends (the idle timeout): the form is kept,
	// sealed for this person.
	a.clock.Add(31 * time.Minute)

	a.load("save after the session ended", http.StatusUnauthorized, chromedp.Click(submitButton))
	a.wantText("main .alert", a.en.T("login.resend_hint"))
	a.password(testEmail)
	a.do("type the code", chromedp.SendKeys(chromedp.ID("f-code"), a.code(a.secret)))
	a.load("confirm the code", http.StatusOK, chromedp.Click(chromedp.CSS("#factor-form button[type=submit]")))
	a.wantText("main h1", a.en.T("resend.title"))
	a.load("send the kept form", http.StatusOK, chromedp.Click(chromedp.CSS("#resend-form button[type=submit]")))
	if got := a.path(); !regexp.MustCompile(`^/programs/[0-9]+\?saved=1$`).MatchString(got) {
		t.Fatalf("after sending the kept form the browser is at %s, want the new program", got)
	}
	a.wantText("main h1", name)
	if facts := a.text("main"); !strings.Contains(facts, description) {
		t.Errorf("the program page does not show the kept description")
	}
	if n, _ := a.store.CountPrograms(t.Context(), store.ProgramFilter{}); n != 1 {
		t.Errorf("%d programs stored, want 1", n)
	}
}

// testProgram is a valid program with the defaults, but no checks required
// of mentors: the staff accounts the tests make are ready to be matched.
func testProgram(name string) program.Program {
	p := program.New()
	p.Name = name
	p.MentorChecks = nil
	return p
}
