package web

import (
	"maps"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
)

// resend is a form that was sent after its session had ended. It is kept in
// the pages of signing in (hidden fields, never on the server), so that once
// the person has signed in again they can send what they typed.
type resend struct {
	Action string // the path the form was sent to
	Form   string // its fields, URL-encoded
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

// readResend reads a kept form from the hidden fields of a sign-in page.
func readResend(r *http.Request) *resend {
	rs := &resend{Action: r.PostForm.Get("resend.action"), Form: r.PostForm.Get("resend.form")}
	if rs.Action == "" || !resendable(rs.Action) {
		return nil
	}
	if _, err := url.ParseQuery(rs.Form); err != nil {
		return nil
	}
	return rs
}

// LoginToResend answers a form sent without a valid session: the sign-in
// page, holding the form so that it can be sent again afterwards.
func (h *Web) LoginToResend(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil || len(r.PostForm) == 0 || !resendable(r.URL.Path) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	page := loginPage{Next: "/", Message: "login.resend_hint", Resend: &resend{Action: r.URL.Path, Form: r.PostForm.Encode()}}
	if err := h.render(w, r, http.StatusUnauthorized, "login", "", page); err != nil {
		h.fail(w, r, err)
	}
}

// signedInTo continues after the last step of signing in: to the kept form,
// ready to be sent again, or to the page the person wanted.
func (h *Web) signedInTo(w http.ResponseWriter, r *http.Request, next string, rs *resend) error {
	if rs != nil {
		return h.render(w, r, http.StatusOK, "resend", "", rs)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
