package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/identity"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// accountPage is the data of the person's own account page: second
// factors, sessions, API tokens and calendar feed.
type accountPage struct {
	User     auth.User
	Factors  store.Factors
	Required bool // the role or a program requires a second factor
	Passkeys []store.Passkey
	Sessions []auth.Session
	Current  int64 // this browser's session
	Tokens   []store.APIToken
	Now      time.Time
	Message  string // catalogue key of a refusal
	NewToken string // a token just made, shown once
	Token    *form  // the form of a new token
	Zone     *form  // the form of the user's own time zone; nil for a mentee
	// ProgramZone is the zone the user follows without their own.
	ProgramZone string
	Done        string // catalogue key of a notice after a change
	// CalendarAllowed says that the person may have a calendar feed (a
	// role with a case list); Calendar is their working feed, or nil.
	CalendarAllowed bool
	Calendar        *store.CalendarFeed
	NewCalendar     string // the address of a feed just made, shown once
	// Notify is the form of the person's e-mail choices (nil for a
	// mentee, who gets no notifications); MailOn says e-mail is set up.
	Notify *form
	MailOn bool
}

// NotificationKinds are the rows of the e-mail choices, in order.
func (p *accountPage) NotificationKinds() []string { return store.NotificationKinds }

// TokenDays are the lifetimes a token may be given on the page.
func (p *accountPage) TokenDays() []int { return []int{7, 30, 90, 365} }

func (h *Web) account(w http.ResponseWriter, r *http.Request) error {
	p := &accountPage{}
	switch r.URL.Query().Get("done") {
	case "time_zone":
		p.Done = "account.time_zone_saved"
	case "calendar_revoked":
		p.Done = "account.calendar_revoked"
	case "notification_settings":
		p.Done = "account.notification_settings_saved"
	}
	return h.renderAccount(w, r, http.StatusOK, p)
}

func (h *Web) renderAccount(w http.ResponseWriter, r *http.Request, status int, p *accountPage) error {
	if err := h.loadAccount(r, p); err != nil {
		return err
	}
	return h.render(w, r, status, "account", "account", p)
}

// loadAccount fills the account page with the person's factors, sessions
// and tokens.
func (h *Web) loadAccount(r *http.Request, p *accountPage) error {
	c, _ := identity.From(r.Context())
	ctx, uid := r.Context(), c.User.ID
	p.User, p.Current, p.Now = c.User, c.Session.ID, h.store.Now()
	if p.Token == nil {
		p.Token = newForm(map[string]string{"days": "30"})
	}
	if p.Zone == nil && c.User.Role != auth.Mentee {
		p.Zone = newForm(map[string]string{"time_zone": c.User.TimeZone})
	}
	p.ProgramZone = auth.User{ProgramTimeZone: c.User.ProgramTimeZone}.Zone()
	p.MailOn = h.mail != nil
	if p.Notify == nil && policy.Can(c.User, policy.OwnNotificationSettings, 0) {
		set, err := h.store.NotificationSettings(ctx, uid)
		if err != nil {
			return err
		}
		p.Notify = notificationSettingsForm(set)
	}
	var err error
	if p.Factors, err = h.identity.Factors(ctx, uid); err != nil {
		return err
	}
	if p.Required, err = h.identity.SecondFactorRequired(ctx, c.User); err != nil {
		return err
	}
	if p.Passkeys, err = h.identity.Passkeys(ctx, uid); err != nil {
		return err
	}
	if p.Sessions, err = h.store.ListSessions(ctx, uid); err != nil {
		return err
	}
	if p.Tokens, err = h.store.APITokens(ctx, uid); err != nil {
		return err
	}
	if p.CalendarAllowed = policy.Can(c.User, policy.CaseList, 0); p.CalendarAllowed {
		p.Calendar, err = h.store.CalendarFeedOf(ctx, uid)
	}
	return err
}

// accountRefused shows the account page with the reason an action was
// refused, or the error page for anything else.
func (h *Web) accountRefused(w http.ResponseWriter, r *http.Request, err error) error {
	if e := errs.As(err); e.Kind == errs.KindConflict && (e.Code == "last_factor" || e.Code == "no_factor") {
		return h.renderAccount(w, r, http.StatusConflict, &accountPage{Message: "account." + e.Code})
	}
	return err
}

// sessionEnd ends one of the person's sessions; ending this one signs out.
func (h *Web) sessionEnd(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.From(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return h.notFound(w, r)
	}
	if err := h.store.EndSession(r.Context(), c.User.ID, id); err != nil {
		return err
	}
	if id == c.Session.ID {
		h.clearSessionCookie(w)
		w.Header().Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/account#sessions", http.StatusSeeOther)
	return nil
}

// tokenCreate makes an API token and shows it once.
func (h *Web) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	c, _ := identity.From(r.Context())
	if err := h.identity.RequireFreshProof(c); err != nil {
		return err
	}
	f := newForm(nil)
	f.read(r, []string{"name", "days"})
	f.Values["name"] = strings.TrimSpace(f.Values["name"])
	p := &accountPage{Token: f}
	days, err := strconv.Atoi(f.Values["days"])
	if err != nil {
		days = 0
	}
	plain, _, err := h.store.CreateAPIToken(r.Context(), c.User.ID, f.Values["name"], time.Duration(days)*24*time.Hour)
	if err != nil {
		if errs.Is(err, errs.KindInvalid) {
			// The store names the lifetime as the API does.
			f.refuse(renameField(err, "expires", "days"), "")
			return h.renderAccount(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	p.NewToken, p.Token = plain, nil
	return h.renderAccount(w, r, http.StatusCreated, p)
}

// tokenRevoke revokes one of the person's API tokens.
func (h *Web) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.From(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return h.notFound(w, r)
	}
	if err := h.store.RevokeAPIToken(r.Context(), c.User.ID, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/account#tokens", http.StatusSeeOther)
	return nil
}
