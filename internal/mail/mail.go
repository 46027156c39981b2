// Package mail sends Homeward's e-mail (optional: serve --smtp-url) with
// wneessen/go-mail, and writes its messages. An e-mail carries no personal
// data: no names, no case codes, no request text, nothing sealed; only
// what kind of thing happened, how many, and a link to Homeward (or, for
// an invitation or a password reset, the one-time link itself).
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Config is how Homeward reaches its mail server.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string // never logged; see Redacted
	// SSL is smtps:// (TLS from the first byte); smtp:// uses STARTTLS when
	// the server offers it.
	SSL  bool
	From string // the sender's address
	// Site is the address people open Homeward at, for the links.
	Site string
	// Timeout bounds one connection and send (default 30 seconds).
	Timeout time.Duration
}

// ParseURL reads smtp://[user:pass@]host[:port] or smtps://… and the
// sender's address. The port defaults to 587 (smtp) or 465 (smtps).
func ParseURL(raw, from string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		// The URL itself is not repeated: it may hold the password.
		return Config{}, errors.New("give the mail server as smtp://user:password@host:port or smtps://…")
	}
	c := Config{Host: u.Hostname(), SSL: u.Scheme == "smtps", Port: 587}
	if c.SSL {
		c.Port = 465
	}
	if p := u.Port(); p != "" {
		if c.Port, err = strconv.Atoi(p); err != nil || c.Port <= 0 || c.Port > 65535 {
			return Config{}, errors.New("the mail server's port is not a number from 1 to 65535")
		}
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	a, err := mail.ParseAddress(strings.TrimSpace(from))
	if err != nil || a.Name != "" {
		return Config{}, fmt.Errorf("--mail-from %q: give the sender's address, such as homeward@example.org", from)
	}
	c.From = a.Address
	return c, nil
}

// Redacted is the server's address without the password, for the log.
func (c Config) Redacted() string {
	u := url.URL{Scheme: "smtp", Host: c.Host + ":" + strconv.Itoa(c.Port)}
	if c.SSL {
		u.Scheme = "smtps"
	}
	if c.Username != "" {
		u.User = url.User(c.Username)
	}
	return u.String()
}

// Message is one e-mail's subject and plain-text body.
type Message struct {
	Subject string
	Body    string
}

// Bounce is a permanent refusal by the mail server (a 5xx reply): sending
// again cannot help. Code is the server's reply code.
type Bounce struct {
	Code int
	err  error
}

func (b *Bounce) Error() string {
	return fmt.Sprintf("mail server refused the message (%d): %v", b.Code, b.err)
}
func (b *Bounce) Unwrap() error { return b.err }

// Sender sends e-mail through the configured server.
type Sender struct {
	cfg Config
}

// NewSender makes a sender; nothing is dialled until Send.
func NewSender(cfg Config) *Sender {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Sender{cfg: cfg}
}

// Server is the mail server's address without the password, for the admin.
func (s *Sender) Server() string { return s.cfg.Redacted() }

// Site is the address the links in the e-mails point at.
func (s *Sender) Site() string { return strings.TrimRight(s.cfg.Site, "/") }

// Send sends one message to one address. A permanent refusal is a
// *Bounce; anything else (the server down, a 4xx reply) may pass.
func (s *Sender) Send(ctx context.Context, to string, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("sender address: %w", err)
	}
	if err := msg.To(to); err != nil {
		return &Bounce{Code: 553, err: errors.New("the recipient's address is not valid")}
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout)}
	if s.cfg.SSL {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("mail client: %w", err)
	}
	err = c.DialAndSendWithContext(ctx, msg)
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return err // the server away: its address and the network's words
	}
	// go-mail's text names the recipient and repeats the server's reply,
	// which may too: only the reason and the codes go on (to the log).
	clean := fmt.Errorf("mail server: %s (reply %d %s)", se.Reason, se.ErrorCode(), se.EnhancedStatusCode())
	if !se.IsTemp() && se.ErrorCode() >= 500 {
		return &Bounce{Code: se.ErrorCode(), err: clean}
	}
	return clean
}
