package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

const langCookie = "lang"

// setLanguage stores the user's language choice in a cookie and returns to
// the page the switcher was on.
func (h *Web) setLanguage(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	lang := r.PostFormValue("lang")
	if h.bundle.Supported(lang) {
		http.SetCookie(w, &http.Cookie{
			Name:     langCookie,
			Value:    lang,
			Path:     "/",
			MaxAge:   int((365 * 24 * time.Hour).Seconds()),
			HttpOnly: true,
			Secure:   r.TLS != nil,
			SameSite: http.SameSiteLaxMode,
		})
	}
	http.Redirect(w, r, localPath(r.PostFormValue("return")), http.StatusSeeOther)
	return nil
}

// localPath accepts only a path on this site, so the switcher cannot be used
// to send someone elsewhere.
func localPath(p string) string {
	for _, c := range p {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return "/" // browsers drop or rewrite these, turning "/\t/x" into "//x"
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return "/"
	}
	return p
}
