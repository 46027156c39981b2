package web

import (
	"net/http"
	"strings"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/store"
)

// linkPage is the data of the page behind a one-time link, and its form:
// the password twice and, on the setup link, the first admin's email
// address and name.
type linkPage struct {
	*form
	Token   string
	Purpose string
}

func (h *Web) linkForm(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	l, err := h.store.CheckLink(r.Context(), token)
	if err != nil {
		return h.linkInvalid(w, r, err)
	}
	return h.render(w, r, http.StatusOK, "link", "", &linkPage{form: newForm(nil), Token: token, Purpose: l.Purpose})
}

// useLink sets the password chosen on a one-time link page (and, on the
// setup link, creates the first admin) and signs the person in.
func (h *Web) useLink(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	l, err := h.store.CheckLink(r.Context(), token)
	if err != nil {
		return h.linkInvalid(w, r, err)
	}
	page := &linkPage{form: newForm(nil), Token: token, Purpose: l.Purpose}
	page.read(r, []string{"email", "name", "password", "password_again"})
	pw, again := page.Values["password"], page.Values["password_again"]
	// A password is never shown again.
	delete(page.Values, "password")
	delete(page.Values, "password_again")
	page.Values["email"], page.Values["name"] = strings.TrimSpace(page.Values["email"]), strings.TrimSpace(page.Values["name"])
	if pw != again {
		page.Errors["password_again"] = "validation.password_mismatch"
	}
	if err := auth.CheckPassword("password", pw); err != nil {
		page.Errors["password"] = errs.As(err).Fields["password"]
	}
	var admin *auth.User
	if l.Purpose == store.LinkSetup {
		admin = &auth.User{Email: page.Values["email"], Name: page.Values["name"], Role: auth.Admin}
		if err := admin.Validate(); err != nil {
			page.refuse(err, "")
		}
	}
	if len(page.Errors) > 0 {
		return h.render(w, r, http.StatusUnprocessableEntity, "link", "", page)
	}
	session, stage, err := h.identity.UseLink(r.Context(), token, admin, pw, clientAddress(r), r.UserAgent())
	if err != nil {
		if page.refuse(err, "") {
			return h.render(w, r, http.StatusUnprocessableEntity, "link", "", page)
		}
		return h.linkInvalid(w, r, err)
	}
	h.endCurrentSession(r)
	h.setSessionCookie(w, session)
	if stage == auth.StageFull {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, h.StagePath(stage), http.StatusSeeOther)
	return nil
}

func (h *Web) linkInvalid(w http.ResponseWriter, r *http.Request, err error) error {
	if errs.As(err).Code == "link_invalid" {
		return h.render(w, r, http.StatusNotFound, "error", "", errorPage{Status: http.StatusNotFound, TitleKey: "link.invalid.title", BodyKey: "link.invalid.body"})
	}
	return err
}
