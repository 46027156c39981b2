package web

import (
	"net/http"
	"strings"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/store"
)

// linkPage is the data of the page behind a one-time link.
type linkPage struct {
	Token   string
	Purpose string
	Email   string
	Name    string
	Errors  map[string]string
}

// Value and Err let the field partial read the page like a form.
func (p *linkPage) Value(name string) string {
	switch name {
	case "email":
		return p.Email
	case "name":
		return p.Name
	}
	return ""
}

func (p *linkPage) Err(name string) string { return p.Errors[name] }

func (h *Web) linkForm(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	l, err := h.store.CheckLink(r.Context(), token)
	if err != nil {
		return h.linkInvalid(w, r, err)
	}
	return h.render(w, r, http.StatusOK, "link", "", &linkPage{Token: token, Purpose: l.Purpose, Errors: map[string]string{}})
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
	page := &linkPage{Token: token, Purpose: l.Purpose, Email: strings.TrimSpace(r.PostForm.Get("email")),
		Name: strings.TrimSpace(r.PostForm.Get("name")), Errors: map[string]string{}}
	pw := r.PostForm.Get("password")
	if pw != r.PostForm.Get("password_again") {
		page.Errors["password_again"] = "validation.password_mismatch"
	}
	if err := auth.CheckPassword("password", pw); err != nil {
		page.Errors["password"] = errs.As(err).Fields["password"]
	}
	var admin *auth.User
	if l.Purpose == store.LinkSetup {
		admin = &auth.User{Email: page.Email, Name: page.Name, Role: auth.Admin}
		if err := admin.Validate(); err != nil {
			for k, v := range errs.As(err).Fields {
				page.Errors[k] = v
			}
		}
	}
	if len(page.Errors) > 0 {
		return h.render(w, r, http.StatusUnprocessableEntity, "link", "", page)
	}
	session, stage, err := h.identity.UseLink(r.Context(), token, admin, pw, clientAddress(r), r.UserAgent())
	if err != nil {
		if e := errs.As(err); e.Kind == errs.KindInvalid || e.Kind == errs.KindConflict {
			for k, v := range e.Fields {
				page.Errors[k] = v
			}
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
