package web

import (
	"net/http"
	"time"

	"homeward/internal/errs"
	"homeward/internal/identity"
	"homeward/internal/zone"
)

// zoneOf is the time zone the request's times are shown and typed in: the
// signed-in user's (auth.User.Zone: their own, else their program's, read
// with the user), UTC for anyone else. It queries nothing: the location is
// cached by name.
func zoneOf(r *http.Request) *time.Location {
	if c, ok := identity.SigningIn(r.Context()); ok {
		return zone.Of(c.User.Zone())
	}
	return time.UTC
}

// timeZoneSave sets the person's own time zone from the account page ("" to
// follow their program's). A mentee's times are always their program's. An
// unknown name shows the page again with what was typed and why.
func (h *Web) timeZoneSave(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.From(r.Context())
	f, err := readForm(w, r, []string{"time_zone"})
	if err != nil {
		return err
	}
	if err := h.store.SetUserTimeZone(r.Context(), c.User.ID, f.Value("time_zone")); err != nil {
		if errs.Is(err, errs.KindInvalid) {
			f.refuse(err, "")
			return h.renderAccount(w, r, http.StatusUnprocessableEntity, &accountPage{Zone: f})
		}
		return err
	}
	http.Redirect(w, r, "/account?done=time_zone#time-zone", http.StatusSeeOther)
	return nil
}
