package web

import (
	"maps"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"

	"homeward/internal/errs"
	"homeward/internal/route"
)

// resend is a form that was sent after its session had ended (or before a
// sensitive step that needs a fresh proof). It is kept in the pages of
// signing in (a hidden field, never on the server), sealed for the user of
// that session (store.SealKeptForm), so that once that person has signed in
// again they can send what they typed, and nobody else ever sees it.
type resend struct {
	Action string // the path the form was sent to, once opened
	Form   string // its fields, URL-encoded, once opened
	Sealed string // the sealed form, in the pages of signing in
}

// Fields returns the kept form's fields in a stable order, for hidden inputs.
func (rs *resend) Fields() []struct{ Name, Value string } {
	v, _ := url.ParseQuery(rs.Form)
	var out []struct{ Name, Value string }
	for _, name := range slices.Sorted(maps.Keys(v)) {
		for _, x := range v[name] {
			out = append(out, struct{ Name, Value string }{name, x})
		}
	}
	return out
}

// resendable tells whether a form sent to path may be kept for sending
// again: not the forms of signing in themselves.
func resendable(p string) bool {
	// Only a plain, clean path: no escapes or dot segments that would name
	// another page than they seem to.
	if localPath(p) != p || path.Clean(p) != p || !plainPath.MatchString(p) {
		return false
	}
	for _, prefix := range []string{"/login", "/logout", "/link/", "/language", "/account"} {
		if strings.HasPrefix(p, prefix) {
			return false
		}
	}
	return true
}

var plainPath = regexp.MustCompile(`^/[A-Za-z0-9/_-]*$`)

// maxSignInBytes bounds the sign-in forms, which may carry a kept form (of
// up to maxFormBytes, URL-encoded once more).
const maxSignInBytes = 4 * maxFormBytes

// readResend reads a kept form, still sealed, from the hidden field of a
// sign-in page.
func readResend(r *http.Request) *resend {
	if v := r.PostForm.Get("resend.sealed"); v != "" {
		return &resend{Sealed: v}
	}
	return nil
}

// keep seals the form of the request, sent to its path, for the user.
func (h *Web) keep(r *http.Request, userID int64) (*resend, error) {
	sealed, err := h.store.SealKeptForm(r.Context(), userID, r.URL.Path, r.PostForm.Encode())
	if err != nil {
		return nil, err
	}
	return &resend{Sealed: sealed}, nil
}

// LoginToResend answers a form sent without a valid session: the sign-in
// page, holding the form, sealed for the user of the session that ended
// (userID), so that they can send it again once signed in. Without a
// session to name its user (none was sent, or it was ended and deleted), a
// form is not kept: whoever signs in next must not get it.
func (h *Web) LoginToResend(w http.ResponseWriter, r *http.Request, userID int64) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil || len(r.PostForm) == 0 || !resendable(r.URL.Path) || userID == 0 {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	rs, err := h.keep(r, userID)
	if err != nil {
		// The form cannot be kept: signing in still can.
		h.log.Warn("form not kept", "request_id", route.InfoFrom(r.Context()).RequestID, "err", err)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	page := loginPage{Next: "/", Message: "login.resend_hint", Resend: rs}
	if err := h.render(w, r, http.StatusUnauthorized, "login", "", page); err != nil {
		h.fail(w, r, err)
	}
}

// signedInTo continues after the last step of signing in (or of confirming
// it is them) as the user: to the kept form, opened and ready to be sent
// again, or to the page the person wanted. A kept form that is not the
// user's is dropped without a word.
func (h *Web) signedInTo(w http.ResponseWriter, r *http.Request, userID int64, next string, rs *resend) error {
	if rs != nil {
		action, form, err := h.store.OpenKeptForm(r.Context(), userID, rs.Sealed)
		if _, ferr := url.ParseQuery(form); err == nil && ferr == nil && localPath(action) == action {
			return h.render(w, r, http.StatusOK, "resend", "", &resend{Action: action, Form: form})
		} else if err != nil && !errs.Is(err, errs.KindNotFound) {
			return err
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
