package jobs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/i18n"
	"homeward/internal/mail"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/testsupport"
)

// smtpServer is a mail server inside the test (emersion/go-smtp): it keeps
// every message it accepts, refuses the recipients of bounce, and can be
// stopped (connections refused) and started again on the same address.
type smtpServer struct {
	t      *testing.T
	addr   string
	bounce string

	mu   sync.Mutex
	srv  *smtp.Server
	got  []received
	down bool
}

type received struct {
	to  string
	raw []byte
}

func newSMTPServer(t *testing.T, bounce string) *smtpServer {
	s := &smtpServer{t: t, bounce: bounce}
	s.start("127.0.0.1:0")
	t.Cleanup(s.stop)
	return s
}

func (s *smtpServer) start(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.t.Fatal(err)
	}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	s.mu.Lock()
	s.srv, s.addr, s.down = srv, ln.Addr().String(), false
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// stop closes the listener: connections are refused until start.
func (s *smtpServer) stop() {
	s.mu.Lock()
	srv := s.srv
	s.down = true
	s.mu.Unlock()
	_ = srv.Close()
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

func (s *smtpServer) to(addr string) []received {
	var out []received
	for _, m := range s.messages() {
		if m.to == addr {
			out = append(out, m)
		}
	}
	return out
}

func (s *smtpServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: s}, nil }

type smtpSession struct {
	srv *smtpServer
	to  string
}

func (x *smtpSession) Reset()        { x.to = "" }
func (x *smtpSession) Logout() error { return nil }
func (x *smtpSession) Mail(string, *smtp.MailOptions) error {
	return nil
}

func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == x.srv.bounce {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
	}
	x.to = to
	return nil
}

func (x *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.srv.mu.Lock()
	defer x.srv.mu.Unlock()
	x.srv.got = append(x.srv.got, received{to: x.to, raw: raw})
	return nil
}

// decoded is a received message's subject and body as a person reads them.
func decoded(t *testing.T, m received) (subject, body string) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(m.raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	var r io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return subject, string(b)
}

// The Done-when of issue 16's e-mail: with a mail server inside the test,
// an urgent request reaches the mentor at once (once), a coordinator who
// chose "never" gets nothing, the digest goes out at 08:00 in the user's
// zone holding no name, case code or sealed text, a mail server that
// refuses connections for a while loses no mail, and a refused address
// shows as a bounce for the admin.
func TestMailAtOnceDigestAndAServerAway(t *testing.T) {
	t.Parallel()
	testsupport.Engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		st := testsupport.OpenStore(t, opts)
		// 06:30 UTC on a winter Monday: 07:30 in Prague (UTC+1).
		start := time.Date(2026, 12, 7, 6, 30, 0, 0, time.UTC)
		clock := (&testsupport.Clock{}).Use(st)
		clock.Set(time.Until(start))
		bundle, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		smtpd := newSMTPServer(t, "gone@example.org")
		cfg, err := mail.ParseURL("smtp://"+smtpd.addr, "homeward@example.org")
		if err != nil {
			t.Fatal(err)
		}
		cfg.Site = "https://homeward.example.org"
		cfg.Timeout = 5 * time.Second

		p := program.New()
		p.Name, p.MentorChecks, p.TimeZone = "Volnyja", nil, "Europe/Prague"
		prog, err := st.CreateProgram(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		coord := testsupport.User(t, st, "coord@example.org", auth.Coordinator, prog.ID)
		mentor := testsupport.User(t, st, "mira@example.org", auth.Mentor, prog.ID)
		// A second coordinator whose address the server refuses for good.
		gone := testsupport.User(t, st, "gone@example.org", auth.Coordinator, prog.ID)
		// The coordinator wants no e-mail of urgent requests; the mentor
		// keeps the defaults (urgent at once, a new match in the digest)
		// and reads Czech.
		if err := st.SetNotificationSettings(ctx, coord.ID, store.NotificationSettings{Kinds: map[string]string{store.NotifyUrgentRequest: store.DeliverNever}}); err != nil {
			t.Fatal(err)
		}
		if err := st.SetNotificationSettings(ctx, mentor.ID, store.NotificationSettings{Language: "cs"}); err != nil {
			t.Fatal(err)
		}

		r := New(st, testOptions("mail"))
		RegisterMail(r, st, mail.NewSender(cfg), bundle)
		rctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { _ = r.Run(rctx); close(done) }()
		t.Cleanup(func() { stop(); <-done })

		// A person taken in, matched with the mentor (a new match: the
		// mentor's digest), raises an urgent request (the mentor at once;
		// the coordinator chose never).
		const name, code, text = "Aliaksandra Sidarenka", "LT-0101", "Bailiff at the door"
		m, c, err := st.CreateIntake(ctx, store.Intake{Mentee: cases.Mentee{Profile: cases.Profile{CaseCode: code, FullName: name, BirthYear: 1990,
			Languages: []string{"be"}, Country: "LT", City: "Vilnius"}}, ProgramID: prog.ID, State: cases.Intake, ActorID: coord.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.RecordConsent(ctx, cases.Consent{MenteeID: m.ID, Kind: cases.ConsentProcessing, Given: true, RecordedBy: coord.ID}); err != nil {
			t.Fatal(err)
		}
		if err := st.AssessNeeds(ctx, c.ID, []cases.Assessment{{Domain: "housing", Severity: cases.High, Status: cases.NotStarted}}, coord.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Transition(ctx, store.TransitionInput{CaseID: c.ID, To: cases.Waiting, ActorID: coord.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Match(ctx, c.ID, mentor.ID, coord.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddRequest(ctx, cases.Request{CaseID: c.ID, Domain: "legal_debt", Urgency: cases.Urgent, Text: text, RaisedByMentee: true}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the mentor's urgent e-mail", func() bool { return len(smtpd.to(mentor.Email)) == 1 })
		cs := bundle.Printer("cs")
		subject, body := decoded(t, smtpd.to(mentor.Email)[0])
		if want := cs.T("mail.at_once_subject", "kind", cs.T("mail.kind.urgent_request")); subject != want || want == "mail.at_once_subject" {
			t.Errorf("the urgent e-mail's subject is %q, want %q (Czech)", subject, want)
		}
		if !strings.Contains(body, "https://homeward.example.org/notifications") {
			t.Errorf("the urgent e-mail has no link to Homeward:\n%s", body)
		}
		for _, m := range smtpd.messages() {
			_, body := decoded(t, m)
			for _, secret := range []string{name, "Aliaksandra", "Sidarenka", code, text, "Bailiff", prog.Name} {
				if bytes.Contains(m.raw, []byte(secret)) || strings.Contains(body, secret) {
					t.Errorf("an e-mail to %s holds %q:\n%s", m.to, secret, m.raw)
				}
			}
		}

		// The second coordinator's urgent e-mail bounces: it shows to the
		// admin, and its job waits failed for a retry.
		waitFor(t, "the bounced mail's job failed", func() bool {
			list, _, err := st.ListJobs(ctx, store.JobFailed, store.Page{})
			return err == nil && len(list) == 1
		})
		bounced, _ := st.Mails(ctx, store.MailBounced, 10)
		if b := bounced[0]; b.UserID != gone.ID || b.Error != "smtp.550" || b.Email != gone.Email {
			t.Errorf("bounce %+v, want the second coordinator's with smtp.550", b)
		}
		err = mail.NewSender(cfg).Send(ctx, gone.Email, mail.Message{Subject: "s", Body: "b"})
		var bounce *mail.Bounce
		if !errors.As(err, &bounce) || bounce.Code != 550 || strings.Contains(err.Error(), gone.Email) {
			t.Errorf("a refused address: %v, want a bounce 550 that does not repeat the address", err)
		}
		failed, _, err := st.ListJobs(ctx, store.JobFailed, store.Page{})
		if err != nil || len(failed) != 1 || failed[0].LastError != "smtp.bounced" {
			t.Errorf("failed jobs %+v (%v), want the bounced mail's", failed, err)
		}

		// Nothing more before 08:00 in Prague: the coordinator chose never.
		if got := smtpd.to(coord.Email); len(got) != 0 {
			t.Fatalf("the coordinator, who chose never, got %d e-mails", len(got))
		}

		// The mail server goes away; at 08:00 in Prague (07:00 UTC) the
		// digest is due and cannot be sent: it is tried again, backing off.
		smtpd.stop()
		digestJob := func() store.Job {
			list, _, err := st.ListJobs(ctx, store.JobQueued, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range list {
				if j.UniqueKey == digestKey(mentor.ID, "2026-12-07") {
					return j
				}
			}
			return store.Job{}
		}
		// Before 08:00 in Prague no digest is queued (the look of the hour
		// from 06:00 UTC found nobody at 08:00).
		waitFor(t, "the look of 06:00 UTC done", func() bool {
			list, _, err := st.ListJobs(ctx, store.JobDone, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range list {
				if j.UniqueKey == "mail_digest:2026-12-07.0600" {
					return true
				}
			}
			return false
		})
		if j := digestJob(); j.ID != 0 {
			t.Fatalf("a digest was queued before 08:00 in Prague: %+v", j)
		}
		clock.Set(time.Until(time.Date(2026, 12, 7, 7, 0, 30, 0, time.UTC)))
		for attempt := 1; attempt <= 3; attempt++ {
			waitFor(t, "a failed attempt at the digest", func() bool {
				j := digestJob()
				return j.Attempts == attempt && j.LastError == "smtp.unavailable"
			})
			clock.Add(time.Duration(1<<attempt) * time.Minute)
		}
		if got := smtpd.to(mentor.Email); len(got) != 1 {
			t.Fatalf("the mentor got %d e-mails while the server was away, want still 1", len(got))
		}
		smtpd.start(smtpd.addr)
		waitFor(t, "the digest sent once the server is back", func() bool { return len(smtpd.to(mentor.Email)) == 2 })
		subject, body = decoded(t, smtpd.to(mentor.Email)[1])
		if want := cs.N("mail.digest_subject", 1); subject != want {
			t.Errorf("the digest's subject is %q, want %q", subject, want)
		}
		if want := cs.N("mail.count", 1, "kind", cs.T("mail.kind.new_match")); !strings.Contains(body, want) {
			t.Errorf("the digest does not say %q:\n%s", want, body)
		}
		if strings.Contains(body, cs.T("mail.kind.urgent_request")) {
			t.Errorf("the digest counts the urgent request, which went at once:\n%s", body)
		}
		for _, secret := range []string{name, "Aliaksandra", "Sidarenka", code, text, "Bailiff", prog.Name} {
			if raw := smtpd.to(mentor.Email)[1].raw; bytes.Contains(raw, []byte(secret)) || strings.Contains(body, secret) {
				t.Errorf("the digest holds %q:\n%s", secret, raw)
			}
		}
		if got := smtpd.to(coord.Email); len(got) != 0 {
			t.Errorf("the coordinator got %d e-mails, want none (urgent: never; nothing for the digest)", len(got))
		}

		// A mail job done twice sends once.
		waitFor(t, "the digest recorded sent", func() bool {
			n, err := st.CountMails(ctx)
			return err == nil && n[store.MailSent] == 2
		})
		mr := &mailer{st: st, send: mail.NewSender(cfg), bundle: bundle}
		if err := mr.digest(ctx, mentor.ID, "2026-12-07"); err != nil {
			t.Fatal(err)
		}
		if got := smtpd.to(mentor.Email); len(got) != 2 {
			t.Errorf("a digest done twice sent %d e-mails, want 2 in all", len(got))
		}
		sent, err := st.CountMails(ctx)
		if err != nil || sent[store.MailSent] != 2 || sent[store.MailBounced] != 1 {
			t.Errorf("mails %v (%v), want 2 sent and 1 bounced", sent, err)
		}
	})
}

// The digest goes out at 08:00 on each user's own clock: the hour of a
// zone with a half-hour offset, and no other hour of the day.
func TestDigestWindowIsEightOnTheUsersClock(t *testing.T) {
	t.Parallel()
	kolkata, err := time.LoadLocation("Asia/Kolkata") // UTC+5:30
	if err != nil {
		t.Skip("no zone database")
	}
	day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	var hits []time.Time
	for h := range 24 {
		if at, from, d, ok := digestWindow(day.Add(time.Duration(h)*time.Hour), kolkata); ok {
			hits = append(hits, at)
			if d != "2026-12-07" || at.Sub(from) != 24*time.Hour {
				t.Errorf("digest at %v: day %s, from %v", at, d, from)
			}
		}
	}
	if want := time.Date(2026, 12, 7, 2, 30, 0, 0, time.UTC); len(hits) != 1 || !hits[0].Equal(want) {
		t.Errorf("digest times %v, want only %v", hits, want)
	}
	if _, err := mail.ParseURL("smtp://user:s3cret@mail.example.org", "not an address"); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("a bad sender: %v", err)
	}
	if _, err := mail.ParseURL("http://user:s3cret@mail.example.org", "a@example.org"); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("a bad scheme: %v (the password must not show)", err)
	}
	cfg, err := mail.ParseURL("smtps://user:s3cret@mail.example.org", "a@example.org")
	if err != nil || cfg.Port != 465 || !cfg.SSL || strings.Contains(cfg.Redacted(), "s3cret") {
		t.Errorf("smtps: %+v %v, redacted %s", cfg, err, cfg.Redacted())
	}
}
