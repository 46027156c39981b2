package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"homeward/internal/auth"
	"homeward/internal/mail"
	"homeward/internal/server"
	"homeward/internal/store"
)

// mailbox is a mail server inside the test: it keeps what it accepts and
// refuses the address refuse for good.
type mailbox struct {
	refuse string
	mu     sync.Mutex
	got    map[string][]string // by recipient, the raw messages
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailboxSession{m: m}, nil }

func (m *mailbox) to(addr string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.got[addr]...)
}

type mailboxSession struct {
	m  *mailbox
	to string
}

func (s *mailboxSession) Reset()                               { s.to = "" }
func (s *mailboxSession) Logout() error                        { return nil }
func (s *mailboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == s.m.refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
	}
	s.to = to
	return nil
}

func (s *mailboxSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	s.m.got[s.to] = append(s.m.got[s.to], string(raw))
	return nil
}

// withMail rebuilds the app's server with e-mail set up, sent to a mail
// server inside the test.
func (a *app) withMail(refuse string) *mailbox {
	a.t.Helper()
	box := &mailbox{refuse: refuse, got: map[string][]string{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		a.t.Fatal(err)
	}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	go func() { _ = srv.Serve(ln) }()
	a.t.Cleanup(func() { _ = srv.Close() })
	cfg, err := mail.ParseURL("smtp://"+ln.Addr().String(), "homeward@example.org")
	if err != nil {
		a.t.Fatal(err)
	}
	cfg.Site, cfg.Timeout = "https://homeward.example.org", 5*time.Second
	s, err := server.New(server.Config{Store: a.store, Identity: a.ids, Bundle: mustBundle(a.t), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Version: "test", Mail: mail.NewSender(cfg)})
	if err != nil {
		a.t.Fatal(err)
	}
	a.srv = s
	return box
}

// A person chooses how each kind of notification comes by e-mail on their
// account page, and the API reads and changes the same choices; a choice
// that does not exist is refused and nothing is saved.
func TestNotificationSettingsOnTheAccountPageAndTheAPI(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	coord, session := a.signedIn("coord-mail@example.org", auth.Coordinator)
	a.session = session
	res, body := a.do("GET", "/account", nil)
	wantPage(t, "account page", res, body, 200, "E-mail notifications", "E-mail is not set up on this server yet",
		`name="urgent_request" value="at_once" checked`, `name="new_match" value="digest" checked`)

	form := url.Values{}
	for _, k := range store.NotificationKinds {
		form.Set(k, store.DeliverDigest)
	}
	form.Set(store.NotifyUrgentRequest, "sometimes")
	res, body = a.postForm("/account/notification-settings", form)
	wantPage(t, "an unknown delivery", res, body, http.StatusUnprocessableEntity, "Choose at once, daily summary or never.")
	if set, err := a.store.NotificationSettings(ctx, coord.ID); err != nil || set.Kinds[store.NotifyUrgentRequest] != store.DeliverAtOnce || set.Kinds[store.NotifyNewMatch] != store.DeliverDigest {
		t.Fatalf("a refused form saved something: %+v %v", set, err)
	}

	form.Set(store.NotifyUrgentRequest, store.DeliverNever)
	res, body = a.postForm("/account/notification-settings", form, "Cookie", "lang=cs")
	wantRedirect(t, "save", res, body, "/account?done=notification_settings")
	res, body = a.do("GET", "/account?done=notification_settings", nil)
	wantPage(t, "after saving", res, body, 200, "Your e-mail choices are saved.", `name="urgent_request" value="never" checked`)
	if set, err := a.store.NotificationSettings(ctx, coord.ID); err != nil || set.Language != "cs" {
		t.Errorf("the e-mails' language is %q (%v), want the page's, cs", set.Language, err)
	}

	secret, _, err := a.store.CreateAPIToken(ctx, coord.ID, "mail", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	res, body = a.withBearer(secret, "GET", "/api/v1/account/notification-settings", "")
	if res.StatusCode != 200 || !strings.Contains(body, `"urgent_request":"never"`) || !strings.Contains(body, `"mail":false`) || !strings.Contains(body, `"language":"cs"`) {
		t.Fatalf("API get: %d %s", res.StatusCode, body)
	}
	res, body = a.withBearer(secret, "PUT", "/api/v1/account/notification-settings", `{"kinds":{"new_match":"at_once"},"language":"uk"}`)
	if res.StatusCode != 200 || !strings.Contains(body, `"new_match":"at_once"`) || !strings.Contains(body, `"urgent_request":"never"`) || !strings.Contains(body, `"language":"uk"`) {
		t.Fatalf("API put: %d %s", res.StatusCode, body)
	}
	for _, bad := range []string{`{"kinds":{"new_match":"hourly"}}`, `{"kinds":{"gossip":"never"}}`, `{"language":"xx"}`} {
		if res, body := a.withBearer(secret, "PUT", "/api/v1/account/notification-settings", bad); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("API put %s: %d %s", bad, res.StatusCode, body)
		}
	}

	// A mentee gets no notifications: no choices, and the API refuses.
	_, menteeSession := a.signedIn("mentee-mail@example.org", auth.Mentee)
	a.session = menteeSession
	if res, body := a.do("GET", "/account", nil); res.StatusCode != 200 || strings.Contains(body, "notification-settings") {
		t.Errorf("a mentee's account page offers e-mail choices: %d", res.StatusCode)
	}
}

// With e-mail set up, the admin sends a just-made invitation or reset
// link to its person by e-mail from the page that shows it; the e-mail
// holds the link and no name; a refused address shows the link again with
// the reason; the admin's jobs page says e-mail is set up and lists the
// refusal with the staff member's address.
func TestOneTimeLinksCanBeSentByEmail(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	res, body := a.do("GET", "/admin/jobs", nil)
	wantPage(t, "jobs page without e-mail", res, body, 200, "E-mail is not set up (serve --smtp-url)")
	box := a.withMail("gone@example.org")

	res, body = a.postForm("/admin/users", url.Values{"email": {"new@example.org"}, "name": {"Nadia Newcomer"}, "role": {"viewer"}})
	wantPage(t, "invite", res, body, 200, "Send it to new@example.org by e-mail", `name="link"`)
	token := regexp.MustCompile(`name="link" value="([^"]+)"`).FindStringSubmatch(body)
	if token == nil {
		t.Fatal("no link to send on the page")
	}
	u, _, err := a.store.UserForLogin(context.Background(), "new@example.org")
	if err != nil {
		t.Fatal(err)
	}
	res, body = a.postForm("/admin/users/"+itoa(u.ID)+"/link-mail", url.Values{"link": {token[1]}})
	wantRedirect(t, "send the invitation", res, body, "/admin/users/"+itoa(u.ID)+"?done=link_mailed")
	got := box.to("new@example.org")
	if len(got) != 1 || !strings.Contains(strings.ReplaceAll(got[0], "=\r\n", ""), "https://homeward.example.org/link/"+token[1]) {
		t.Fatalf("the invitation e-mail %q does not hold the link", got)
	}
	if strings.Contains(got[0], "Nadia") || strings.Contains(got[0], "Newcomer") {
		t.Errorf("the invitation e-mail names the person:\n%s", got[0])
	}
	// A link that is not the user's is not sent.
	other, _ := a.signedIn("other-mail@example.org", auth.Viewer)
	res, body = a.postForm("/admin/users/"+itoa(other.ID)+"/link-mail", url.Values{"link": {token[1]}})
	wantPage(t, "someone else's link", res, body, http.StatusConflict, "This link can no longer be sent")
	if n := len(box.to("other-mail@example.org")); n != 0 {
		t.Errorf("someone else's link was sent %d times", n)
	}

	// A refused address: the link is shown again, with the reason.
	res, body = a.postForm("/admin/users", url.Values{"email": {"gone@example.org"}, "role": {"viewer"}})
	gone := regexp.MustCompile(`name="link" value="([^"]+)"`).FindStringSubmatch(body)
	g, _, err := a.store.UserForLogin(context.Background(), "gone@example.org")
	if err != nil || gone == nil {
		t.Fatalf("invite gone@: %v %d", err, res.StatusCode)
	}
	res, body = a.postForm("/admin/users/"+itoa(g.ID)+"/link-mail", url.Values{"link": {gone[1]}})
	wantPage(t, "a refused address", res, body, http.StatusUnprocessableEntity, "The mail server refused the address gone@example.org", "/link/"+gone[1])

	res, body = a.do("GET", "/admin/jobs", nil)
	wantPage(t, "jobs page with e-mail", res, body, 200, "E-mail is set up (smtp://127.0.0.1:", "Sent: 1. Refused for good: 1.", "gone@example.org", "smtp.550", "An invitation link")
	if bytes.Contains([]byte(body), []byte(gone[1])) {
		t.Error("the jobs page shows the link")
	}
}
