package web

import (
	"net/http"
	"strconv"

	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// notificationsPage is a user's inbox: what they were told, newest first.
// A notification names its kind and the case code (never a name); those
// whose record the reader may no longer see are left out by the store.
type notificationsPage struct {
	Items  []store.Notification
	Unread bool   // the list shows unread notifications only
	All    string // the address of the whole list
	Only   string // the address of the unread ones
	Next   string // URL of the next page, "" on the last
	First  string // URL of the first page when not on it
	Done   string // the notice of an action just done, as a catalogue key
}

const notificationsPageSize = 50

// notificationList shows the inbox, 50 a page, all or unread only.
func (h *Web) notificationList(w http.ResponseWriter, r *http.Request) error {
	sc := policy.NotificationScope(policy.Actor(r.Context()))
	page := notificationsPage{Unread: r.URL.Query().Get("unread") == "1", All: "/notifications", Only: "/notifications?unread=1"}
	if r.URL.Query().Get("done") == "read" {
		page.Done = "notifications.done.read"
	}
	cursor := r.URL.Query().Get("cursor")
	list, next, err := h.store.Notifications(r.Context(), sc, page.Unread, store.Page{Limit: notificationsPageSize, Cursor: cursor})
	if errs.Is(err, errs.KindInvalid) && cursor != "" {
		cursor = ""
		list, next, err = h.store.Notifications(r.Context(), sc, page.Unread, store.Page{Limit: notificationsPageSize})
	}
	if err != nil {
		return err
	}
	page.Items = list
	page.Next, page.First = pageLinks(r, "/notifications", cursor, next)
	return h.render(w, r, http.StatusOK, "notifications", "notifications", page)
}

// notificationsRead marks notifications read: with an id, that one, and
// goes to its record (a notification of a record the reader may no longer
// see is not found); without, every unread one of the user.
func (h *Web) notificationsRead(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	if raw := r.PostForm.Get("id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return errs.NotFound("notification")
		}
		n, err := h.store.OpenNotification(r.Context(), policy.NotificationScope(policy.Actor(r.Context())), id)
		if err != nil {
			return err
		}
		http.Redirect(w, r, notificationHref(n), http.StatusSeeOther)
		return nil
	}
	if _, err := h.store.MarkNotificationsRead(r.Context(), policy.Actor(r.Context()).ID, nil); err != nil {
		return err
	}
	http.Redirect(w, r, "/notifications?done=read", http.StatusSeeOther)
	return nil
}

// notificationHref is the address of a notification's record: the case,
// the referral, the mentor, or a program's cases with a contact overdue
// (the digest). The record's page checks again who may open it.
func notificationHref(n store.Notification) string {
	id := strconv.FormatInt(n.ObjectID, 10)
	switch n.ObjectType {
	case store.NotifyOnCase:
		return "/cases/" + id
	case store.NotifyOnReferral:
		return "/referrals/" + id
	case store.NotifyOnMentor:
		return "/mentors/" + id
	case store.NotifyOnProgram:
		return "/cases?program=" + id + "&signal=overdue"
	}
	return "/notifications"
}

// unreadCount is the bell's number for the signed-in user: one indexed
// count per page; 0 when it cannot be read (the page still shows).
func (h *Web) unreadCount(r *http.Request) int {
	n, err := h.store.UnreadNotifications(r.Context(), policy.NotificationScope(policy.Actor(r.Context())))
	if err != nil {
		return 0
	}
	return n
}
