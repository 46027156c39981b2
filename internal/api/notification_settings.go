package api

import (
	"net/http"

	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// notificationSettings is the user's e-mail choices: a delivery (at_once,
// digest, never) per kind of notification, the language of their e-mails,
// and whether e-mail is set up on this server at all.
type notificationSettings struct {
	store.NotificationSettings
	Mail bool `json:"mail"`
}

func (a *API) notificationSettingsGet(w http.ResponseWriter, r *http.Request) error {
	set, err := a.store.NotificationSettings(r.Context(), policy.Actor(r.Context()).ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, notificationSettings{NotificationSettings: set, Mail: a.mail != nil})
}

// notificationSettingsPut changes the user's e-mail choices: the kinds it
// names (the others keep theirs) and, when given, the language.
func (a *API) notificationSettingsPut(w http.ResponseWriter, r *http.Request) error {
	var in store.NotificationSettings
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Language != "" && !a.bundle.Supported(in.Language) {
		return errs.Invalid(map[string]string{"language": "validation.language"})
	}
	u := policy.Actor(r.Context())
	if err := a.store.SetNotificationSettings(r.Context(), u.ID, in); err != nil {
		return err
	}
	return a.notificationSettingsGet(w, r)
}
