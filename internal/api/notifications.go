package api

import (
	"net/http"

	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// notificationList is the user's inbox, newest first (?unread=1 for the
// unread ones only), with the bell's unread count: only notifications whose
// record the user may still see.
type notificationList struct {
	list[store.Notification]
	Unread int `json:"unread"`
}

func (a *API) notificationList(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	unread := false
	switch r.URL.Query().Get("unread") {
	case "", "0", "false":
	case "1", "true":
		unread = true
	default:
		return errs.Invalid(map[string]string{"unread": "validation.choice"})
	}
	sc := policy.NotificationScope(policy.Actor(r.Context()))
	items, next, err := a.store.Notifications(r.Context(), sc, unread, p)
	if err != nil {
		return err
	}
	n, err := a.store.UnreadNotifications(r.Context(), sc)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, notificationList{list: newList(items, next), Unread: n})
}

// notificationsRead marks the user's notifications read: those of "ids",
// or every unread one with "all": true.
func (a *API) notificationsRead(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		IDs []int64 `json:"ids"`
		All bool    `json:"all"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.All == (in.IDs != nil) {
		return errs.Invalid(map[string]string{"ids": "validation.notification_ids"})
	}
	ids := in.IDs
	if in.All {
		ids = nil
	}
	u := policy.Actor(r.Context())
	marked, err := a.store.MarkNotificationsRead(r.Context(), u.ID, ids)
	if err != nil {
		return err
	}
	n, err := a.store.UnreadNotifications(r.Context(), policy.NotificationScope(u))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]int{"marked": marked, "unread": n})
}
