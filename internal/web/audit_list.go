package web

import (
	"net/http"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/store"
)

type auditPage struct {
	*form                                 // the filters' errors
	Actor, ObjectType, ObjectID, From, To string
	Entries                               []auditRow
	Filtered                              bool
	Next                                  string // URL of the next page, "" on the last
	First                                 string // URL of the first page when not on it
}

// auditRow is an entry with links to what it names, where there is a page for it.
type auditRow struct {
	audit.Entry
	When       string // UTC, to the second
	OutcomeKey string // the outcome's catalogue key; "" for an outcome without one
	ActorHref  string
	ObjectHref string
}

const (
	auditPageSize = 100
	dateLayout    = "2006-01-02"
	maxFilterLen  = 100
)

// auditList shows the audit log, newest first, 100 entries a page, filtered
// by actor, object and a range of days (UTC, both days included).
func (h *Web) auditList(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.AuditRead, 0); err != nil {
		return err
	}
	v := r.URL.Query()
	clip := func(name string) string {
		s := strings.TrimSpace(v.Get(name))
		if len(s) > maxFilterLen {
			s = s[:maxFilterLen]
		}
		return strings.ToValidUTF8(s, "")
	}
	page := auditPage{Actor: clip("actor"), ObjectType: clip("object_type"), ObjectID: clip("object_id"),
		From: clip("from"), To: clip("to"), form: newForm(nil)}
	f := store.AuditFilter{Actor: page.Actor, ObjectType: page.ObjectType, ObjectID: page.ObjectID}
	if page.From != "" {
		d, err := time.ParseInLocation(dateLayout, page.From, zoneOf(r)) // the user's day
		if err != nil {
			page.Errors["from"] = "audit.error.date"
		}
		f.From = d
	}
	if page.To != "" {
		d, err := time.ParseInLocation(dateLayout, page.To, zoneOf(r))
		if err != nil {
			page.Errors["to"] = "audit.error.date"
		}
		f.To = d.AddDate(0, 0, 1) // the whole "to" day
	}
	if len(page.Errors) == 0 && !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		page.Errors["to"] = "audit.error.range"
	}
	page.Filtered = page.Actor != "" || page.ObjectType != "" || page.ObjectID != "" || page.From != "" || page.To != ""
	if len(page.Errors) > 0 {
		// Listing without the filter that was meant would mislead: show the form only.
		return h.render(w, r, http.StatusUnprocessableEntity, "audit", "audit", page)
	}
	cursor := v.Get("cursor")
	entries, next, err := h.store.ListAudit(r.Context(), f, store.Page{Limit: auditPageSize, Cursor: cursor})
	if errs.Is(err, errs.KindInvalid) && cursor != "" {
		cursor = ""
		entries, next, err = h.store.ListAudit(r.Context(), f, store.Page{Limit: auditPageSize})
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		page.Entries = append(page.Entries, auditRow{Entry: e, When: e.At.In(zoneOf(r)).Format("2006-01-02 15:04:05 MST"),
			OutcomeKey: auditOutcomes[e.Outcome],
			ActorHref:  objectHref(strings.Cut(e.Actor, ":")), ObjectHref: objectHref(e.ObjectType, e.ObjectID, e.ObjectID != "")})
	}
	page.Next, page.First = pageLinks(r, "/admin/audit", cursor, next)
	return h.render(w, r, http.StatusOK, "audit", "audit", page)
}

// auditOutcomes names the outcomes.
var auditOutcomes = map[string]string{
	audit.OK:     "audit.outcome.ok",
	audit.Denied: "audit.outcome.denied",
	audit.Failed: "audit.outcome.failed",
}

// objectHref is the page of an object an audit entry names, or "".
func objectHref(kind, id string, ok bool) string {
	if !ok || id == "" || strings.Trim(id, "0123456789") != "" {
		return ""
	}
	switch kind {
	case "user":
		return "/admin/users/" + id
	case "program":
		return "/programs/" + id
	}
	return ""
}
