package api

import (
	"net/http"
	"time"

	"homeward/internal/auth"
	"homeward/internal/policy"
)

// portalAccountView is a mentee's portal account as its coordinators see
// it: the address is opened from its seal for them (and the read audited).
type portalAccountView struct {
	UserID    int64     `json:"user_id"`
	Email     string    `json:"email"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

func viewOfPortal(u auth.User) portalAccountView {
	return portalAccountView{UserID: u.ID, Email: u.Email, Status: u.Status, CreatedAt: u.CreatedAt}
}

// portalGet shows a mentee's portal account (404 when they have none).
func (a *API) portalGet(w http.ResponseWriter, r *http.Request) error {
	id, _, err := a.menteeIDFromPath(r, policy.PortalAccount)
	if err != nil {
		return err
	}
	u, err := a.store.PortalAccount(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, viewOfPortal(u))
}

// portalLink makes a new one-time link for a mentee's portal account, in
// this answer only: an invitation while the person has not chosen a
// password, a password reset once they have; none for a disabled account
// (409).
func (a *API) portalLink(w http.ResponseWriter, r *http.Request) error {
	id, _, err := a.menteeIDFromPath(r, policy.PortalAccount)
	if err != nil {
		return err
	}
	purpose, token, err := a.store.PortalLink(r.Context(), id, a.link)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, linkAnswer{Purpose: purpose, Path: "/link/" + token, ExpiresAt: a.store.Now().Add(a.link)})
}

// portalStatus disables a mentee's portal account or enables it again.
func (a *API) portalStatus(w http.ResponseWriter, r *http.Request) error {
	id, _, err := a.menteeIDFromPath(r, policy.PortalAccount)
	if err != nil {
		return err
	}
	var in struct {
		Status string `json:"status"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.store.SetPortalStatus(r.Context(), id, in.Status); err != nil {
		return err
	}
	u, err := a.store.PortalAccount(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, viewOfPortal(u))
}
