package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"homeward/internal/errs"
	"homeward/internal/identity"
	"homeward/internal/route"
)

// The passkey ceremonies are run by the page's script: it fetches options
// as JSON, asks the browser for the passkey, and sends the answer back.

const maxPasskeyBytes = 64 << 10

// passkeyJSON answers the script: the value, or {"error": message} with the
// status of the error.
func (h *Web) passkeyJSON(w http.ResponseWriter, r *http.Request, v any, err error) {
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		status, p := errs.Status(err), h.printer(r)
		msg := p.T("passkey.failed")
		var locked *identity.LockedError
		switch {
		case errors.As(err, &locked):
			status, msg = http.StatusTooManyRequests, p.T("login.locked", "until", locked.Until.In(zoneOf(r)).Format("15:04 MST"))
		case status >= 500:
			h.log.Error("passkey failed", "request_id", route.InfoFrom(r.Context()).RequestID, "err", err)
		case errs.As(err).Code == "last_factor":
			msg = p.T("account.last_factor")
		case errs.As(err).Code == identity.FreshProofCode:
			// The script goes to the "confirm it is you" page, and back.
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": p.T("confirm.body"), "confirm": confirmPath("/account")})
			return
		case errs.As(err).Code == "bad_password":
			msg = p.T("confirm.bad_password")
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}

func readPasskeyBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPasskeyBytes))
	if err != nil {
		return nil, errs.TooLarge()
	}
	return b, nil
}

// passkeyRegisterOptions starts adding a passkey.
func (h *Web) passkeyRegisterOptions(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.SigningIn(r.Context())
	opts, err := h.identity.BeginPasskeyRegistration(r.Context(), c)
	h.passkeyJSON(w, r, json.RawMessage(opts), err)
	return nil
}

// passkeyRegister stores the new passkey; the answer holds the first
// recovery codes when the person had none, and where to go on.
func (h *Web) passkeyRegister(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.SigningIn(r.Context())
	b, err := readPasskeyBody(w, r)
	if err != nil {
		h.passkeyJSON(w, r, nil, err)
		return nil
	}
	var in struct {
		Name       string          `json:"name"`
		Credential json.RawMessage `json:"credential"`
	}
	if json.Unmarshal(b, &in) != nil {
		h.passkeyJSON(w, r, nil, errs.Invalid(nil))
		return nil
	}
	codes, token, err := h.identity.FinishPasskeyRegistration(r.Context(), c, in.Name, in.Credential)
	if err == nil && token != "" {
		h.setSessionCookie(w, token) // signed in past enrolment, under a new token
	}
	h.passkeyJSON(w, r, map[string]any{"codes": codes}, err)
	return nil
}

// passkeyRemove removes one of the person's passkeys.
func (h *Web) passkeyRemove(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.From(r.Context())
	id, err := route.PathID(r, "id", "passkey")
	if err == nil {
		err = h.identity.RemovePasskey(r.Context(), c, id)
	}
	if err != nil {
		return h.accountRefused(w, r, err)
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

// passkeyLoginOptions starts proving a passkey at the second-factor step.
func (h *Web) passkeyLoginOptions(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.SigningIn(r.Context())
	opts, err := h.identity.BeginPasskeyLogin(r.Context(), c)
	h.passkeyJSON(w, r, json.RawMessage(opts), err)
	return nil
}

// passkeyLogin checks the passkey and signs the session in.
func (h *Web) passkeyLogin(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.SigningIn(r.Context())
	b, err := readPasskeyBody(w, r)
	if err == nil {
		var token string
		if token, err = h.identity.FinishPasskeyLogin(r.Context(), c, b); err == nil {
			h.setSessionCookie(w, token) // the token the password gave is dead
		}
	}
	h.passkeyJSON(w, r, map[string]bool{"ok": true}, err)
	return nil
}
