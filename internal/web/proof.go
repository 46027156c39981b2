package web

import (
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"homeward/internal/errs"
	"homeward/internal/identity"
	"homeward/internal/route"
)

// A fresh proof: before creating API tokens, adding or removing second
// factors, making recovery codes, a person's export and approving an
// erasure, a session must have proved its person (password and second
// factor) within the last ten minutes. A handler asks with
// h.identity.RequireFreshProof(c) and returns its error: fail then shows
// the "confirm it is you" page (askFreshProof), which keeps the form that
// was sent, or the page that was asked for, and comes back to it.

// confirmPage is the data of the "confirm it is you" page.
type confirmPage struct {
	*form   // the password and code (never shown again)
	Next    string
	Back    string // where cancel goes: the page the person came from
	Resend  *resend
	TOTP    bool // the person has an authenticator app
	Passkey bool // the person has a passkey
	Factor  bool // the person has a second factor at all
	Until   string
}

// confirmPath is the address of the "confirm it is you" page that comes back to next.
func confirmPath(next string) string { return "/account/confirm?next=" + url.QueryEscape(next) }

func (h *Web) fillConfirmPage(r *http.Request, p *confirmPage, userID int64) {
	if f, err := h.identity.Factors(r.Context(), userID); err == nil {
		p.TOTP, p.Passkey, p.Factor = f.TOTP, f.Passkeys > 0, f.Any()
	}
}

// askFreshProof shows the "confirm it is you" page in place of an action
// that needs a fresh proof. A form that was sent is kept, sealed for the
// person, to send again once they have confirmed; a page that was asked for
// is where they come back to.
func (h *Web) askFreshProof(w http.ResponseWriter, r *http.Request) {
	c, ok := identity.From(r.Context())
	if !ok {
		h.showError(w, r, errorPage{Status: http.StatusForbidden, TitleKey: "error.forbidden.title", BodyKey: "error.forbidden.body"})
		return
	}
	p := &confirmPage{form: newForm(nil), Next: returnPath(r)}
	if r.Method == http.MethodPost {
		p.Next = "/"
		if strings.HasPrefix(r.URL.Path, "/account/") {
			p.Next = "/account"
		}
		p.Back = p.Next
		if r.PostForm == nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			_ = r.ParseForm()
		}
		// The path of this very request, sealed by the server: it may be
		// a form of the account, which a kept form after an ended session
		// may not.
		if localPath(r.URL.Path) == r.URL.Path && plainPath.MatchString(r.URL.Path) {
			rs, err := h.keep(r, c.User.ID)
			if err != nil {
				// Confirming still works; the form is sent again by hand.
				h.log.Warn("form not kept", "request_id", route.InfoFrom(r.Context()).RequestID, "err", err)
			}
			p.Resend = rs
		}
	}
	p.Back = cmp.Or(cameFrom(r), p.Back, "/")
	h.fillConfirmPage(r, p, c.User.ID)
	if err := h.render(w, r, http.StatusForbidden, "confirm", "account", p); err != nil {
		h.serverError(w, r, err)
	}
}

// cameFrom is the page of this site the request came from (its Referer),
// when it is another page than this one; "" otherwise.
func cameFrom(r *http.Request) string {
	u, err := url.Parse(r.Referer())
	if err != nil || u.Host != r.Host || u.Path == "" {
		return ""
	}
	back := localPath(u.RequestURI())
	if back == "/" && u.Path != "/" || back == r.URL.RequestURI() || back == r.URL.Path {
		return ""
	}
	return back
}

// confirmForm shows the "confirm it is you" page, to come back to next.
func (h *Web) confirmForm(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.From(r.Context())
	p := &confirmPage{form: newForm(nil), Next: localPath(r.URL.Query().Get("next"))}
	p.Back = cmp.Or(cameFrom(r), p.Next)
	h.fillConfirmPage(r, p, c.User.ID)
	return h.render(w, r, http.StatusOK, "confirm", "account", p)
}

// confirmProve checks the password and the code, then goes on to the kept
// form or back to the page. A passkey was checked already (the page's
// script sent it, with the password, before sending this form): the session
// is then fresh, and the form only goes on.
func (h *Web) confirmProve(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, maxSignInBytes); err != nil {
		return err
	}
	c, _ := identity.From(r.Context())
	p := &confirmPage{form: newForm(nil), Next: localPath(r.PostForm.Get("next")), Resend: readResend(r)}
	p.Back = localPath(cmp.Or(r.PostForm.Get("back"), p.Next))
	if h.identity.RequireFreshProof(c) == nil {
		return h.signedInTo(w, r, c.User.ID, p.Next, p.Resend)
	}
	err := h.identity.ConfirmProof(r.Context(), c, r.PostForm.Get("password"), r.PostForm.Get("code"))
	if err == nil {
		return h.signedInTo(w, r, c.User.ID, p.Next, p.Resend)
	}
	h.fillConfirmPage(r, p, c.User.ID)
	var locked *identity.LockedError
	switch {
	case errors.As(err, &locked):
		p.Until = locked.Until.In(zoneOf(r)).Format("15:04 MST")
		p.say("login.locked")
		return h.render(w, r, http.StatusTooManyRequests, "confirm", "account", p)
	case errs.Is(err, errs.KindInvalid):
		for field, key := range errs.As(err).Fields {
			p.Errors[field] = key
		}
		if len(p.Errors) == 0 {
			p.Errors["code"] = "factor.bad_code"
		}
		return h.render(w, r, http.StatusUnprocessableEntity, "confirm", "account", p)
	default:
		return err
	}
}

// confirmPasskeyOptions starts proving a passkey on the "confirm it is you" page.
func (h *Web) confirmPasskeyOptions(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.From(r.Context())
	opts, err := h.identity.BeginPasskeyProof(r.Context(), c)
	h.passkeyJSON(w, r, json.RawMessage(opts), err)
	return nil
}

// confirmPasskey checks the password and the passkey together.
func (h *Web) confirmPasskey(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.From(r.Context())
	b, err := readPasskeyBody(w, r)
	if err != nil {
		h.passkeyJSON(w, r, nil, err)
		return nil
	}
	var in struct {
		Password   string          `json:"password"`
		Credential json.RawMessage `json:"credential"`
	}
	if json.Unmarshal(b, &in) != nil {
		h.passkeyJSON(w, r, nil, errs.Invalid(nil))
		return nil
	}
	err = h.identity.FinishPasskeyProof(r.Context(), c, in.Password, in.Credential)
	h.passkeyJSON(w, r, map[string]bool{"ok": true}, err)
	return nil
}
