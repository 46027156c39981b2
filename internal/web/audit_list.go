package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/store"
)

type auditPage struct {
	*form                                 // the filters' errors
	Actor, ObjectType, ObjectID, From, To string
	Kinds                                 []auditKind // the kinds of record to filter by
	Entries                               []auditRow
	Filtered                              bool
	Next                                  string // URL of the next page, "" on the last
	First                                 string // URL of the first page when not on it
}

// auditKind is a kind of record to filter by, and its words ("" for a
// kind typed into the address that has none).
type auditKind struct{ Value, Key string }

// auditKinds are the kinds of record the filter offers, with the one asked
// for even when it has no words, so that the form shows what is filtered.
func auditKinds(asked string) []auditKind {
	var out []auditKind
	for _, k := range audit.Kinds {
		if k != "organization" { // the partner's old name, found with "partner"
			out = append(out, auditKind{Value: k, Key: "audit.kind." + k})
		}
	}
	if asked != "" && !audit.KnownKind(asked) {
		out = append(out, auditKind{Value: asked})
	}
	return out
}

// auditRow is an entry in words, with links to what it names where there
// is a page for it. A case or a mentee is named by its case code, never by
// a name; a mentee who acted is named by their role, not their name.
type auditRow struct {
	audit.Entry
	When       string // UTC, to the second
	OutcomeKey string // the outcome's catalogue key; "" for an outcome without one
	ActionKey  string // the action's words; "" for a code without any
	KindKey    string // the record kind's words; "" for a kind without any
	ObjectName string // the case code of a case or mentee, else "" (the id is shown)
	ActorName  string // a staff member's name or e-mail address; "" when not known
	ActorEmail string
	ActorKey   string // words for an actor who is not named: system, anonymous, a mentee
	ActorToken string // the API token a user acted with
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
	page.Kinds = auditKinds(page.ObjectType)
	if page.ObjectID != "" && !isNumber(page.ObjectID) && page.ObjectType != "case" && page.ObjectType != "mentee" {
		// Only a case and a mentee have a code; any other record is found by its number.
		page.Errors["object_id"] = "audit.error.record_id"
	}
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
	names, err := h.store.AuditNamesOf(r.Context(), entries)
	if err != nil {
		return err
	}
	for _, e := range entries {
		page.Entries = append(page.Entries, auditRowOf(e, names, zoneOf(r)))
	}
	page.Next, page.First = pageLinks(r, "/admin/audit", cursor, next)
	return h.render(w, r, http.StatusOK, "audit", "audit", page)
}

// auditRowOf puts an entry in words.
func auditRowOf(e audit.Entry, names store.AuditNames, loc *time.Location) auditRow {
	row := auditRow{Entry: e, When: e.At.In(loc).Format("2006-01-02 15:04:05 MST"), OutcomeKey: auditOutcomes[e.Outcome],
		ObjectHref: objectHref(e.ObjectType, e.ObjectID, e.ObjectID != ""), ObjectName: names.Codes[e.ObjectType+":"+e.ObjectID]}
	if audit.KnownAction(e.Action) {
		row.ActionKey = "audit.action." + e.Action
	}
	if audit.KnownKind(e.ObjectType) {
		row.KindKey = "audit.kind." + e.ObjectType
	}
	switch a, ok := names.Actors[e.Actor]; {
	case e.Actor == "system" || e.Actor == "anonymous":
		row.ActorKey = "audit.actor." + e.Actor
	case !ok:
		row.ActorHref = objectHref(strings.Cut(e.Actor, ":"))
	case a.Role == auth.Mentee:
		// A mentee's name is theirs: the viewer says only that a mentee acted.
		row.ActorKey = "audit.actor.mentee"
		row.ActorHref = "/admin/users/" + strconv.FormatInt(a.UserID, 10)
		row.ActorToken = a.Token
	default:
		row.ActorName, row.ActorEmail, row.ActorToken = a.Name, a.Email, a.Token
		if row.ActorName == "" {
			row.ActorName = a.Email
		}
		row.ActorHref = "/admin/users/" + strconv.FormatInt(a.UserID, 10)
	}
	return row
}

func isNumber(s string) bool { return strings.Trim(s, "0123456789") == "" }

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
