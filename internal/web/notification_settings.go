package web

import (
	"net/http"

	"homeward/internal/identity"
	"homeward/internal/store"
)

// notificationSettingsForm is the account page's form of e-mail choices:
// a delivery (at once, daily digest, never) per kind of notification.
func notificationSettingsForm(set store.NotificationSettings) *form {
	f := newForm(nil)
	for _, k := range store.NotificationKinds {
		f.Values[k] = set.Kinds[k]
		f.Options[k] = store.Deliveries
	}
	return f
}

// notificationSettingsSave saves the person's e-mail choices, and the
// language of this page as the language of their e-mails.
func (h *Web) notificationSettingsSave(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.From(r.Context())
	f, err := readForm(w, r, store.NotificationKinds)
	if err != nil {
		return err
	}
	set := store.NotificationSettings{Language: h.printer(r).Lang(), Kinds: map[string]string{}}
	for _, k := range store.NotificationKinds {
		set.Kinds[k] = f.Values[k]
		f.Options[k] = store.Deliveries
	}
	if err := h.store.SetNotificationSettings(r.Context(), c.User.ID, set); err != nil {
		if f.refuse(err, "") {
			return h.renderAccount(w, r, http.StatusUnprocessableEntity, &accountPage{Notify: f})
		}
		return err
	}
	http.Redirect(w, r, "/account?done=notification_settings#notification-settings", http.StatusSeeOther)
	return nil
}
