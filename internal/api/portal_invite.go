package api

import (
	"net/http"

	"homeward/internal/auth"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// portalInvite gives a mentee a portal account, as the profile's form does
// (web/portal_invite.go): an invited user of the mentee role in the
// programs of the person's cases the coordinator manages, linked to the
// person, and their one-time invitation link, in this answer only. The
// person's profile is not read.
func (a *API) portalInvite(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "mentee")
	if err != nil {
		return err
	}
	visible, _, err := a.menteeAccess(r, id, policy.PortalAccount)
	if err != nil {
		return err
	}
	var in struct {
		Email string `json:"email"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	u := auth.User{Email: in.Email, Role: auth.Mentee, Programs: policy.ManagedPrograms(policy.Actor(r.Context()), visible)}
	u, token, err := a.store.InviteMentee(r.Context(), id, u, a.link)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, invitation{UserID: u.ID, InvitationPath: "/link/" + token, ExpiresAt: a.store.Now().Add(a.link)})
}
