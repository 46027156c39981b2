package web

import (
	"net/http"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// contactPageSize is how many contacts a page of the list shows.
const contactPageSize = 50

// contactsPage is a case's contacts tab: the contacts newest first, when
// the next one is due, and the form to record one for those who may.
type contactsPage struct {
	Header      caseHeader
	Contacts    []cases.Contact
	Next, First string     // addresses of the next and the first page of the list
	DueAt       *time.Time // the next contact by the program's cadence
	Form        *form      // nil when the user may not record contacts
	Done        string
}

// contactList shows the contacts of a case (their summaries opened, which
// the store audits), one keyset page at a time.
func (h *Web) contactList(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	var f *form
	// Contacts are recorded from the intake on, until the case closes.
	if policy.CanCase(policy.Actor(r.Context()), policy.CaseWork, policy.RefOf(c)) && c.State.Open() && c.State != cases.Referred {
		f = newForm(nil)
		f.Values["at"] = workTimeInput(h.store.Now(), zoneOf(r))
	}
	return h.renderContacts(w, r, http.StatusOK, c, f)
}

// renderContacts shows the contacts tab with the given form (empty, or as
// typed when refused).
func (h *Web) renderContacts(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
	hd, err := h.headerFor(r, c, "contacts")
	if err != nil {
		return err
	}
	page := contactsPage{Header: hd, DueAt: c.ContactDueAt, Form: f, Done: workDoneOf(r)}
	if f != nil {
		domains, err := h.workDomains(r.Context(), c)
		if err != nil {
			return err
		}
		f.Options["channel"], f.Options["needs"] = optionsOf(cases.Channels), domains
	}
	cursor := ""
	if r.Method == http.MethodGet {
		cursor = r.URL.Query().Get("cursor")
	}
	list, next, err := h.store.Contacts(r.Context(), c.ID, store.Page{Limit: contactPageSize, Cursor: cursor})
	if errs.Is(err, errs.KindInvalid) && cursor != "" {
		cursor = ""
		list, next, err = h.store.Contacts(r.Context(), c.ID, store.Page{Limit: contactPageSize})
	}
	if err != nil {
		return err
	}
	page.Contacts = list
	page.Next, page.First = pageLinks(r, workTab(c, "contacts"), cursor, next)
	return h.render(w, r, status, "contacts", "cases", page)
}

// contactCreate records a contact with the mentee: the case's mentor or a
// coordinator. The case's next contact due moves with it. Bad input shows
// the form again with what was typed; nothing is saved.
func (h *Web) contactCreate(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.CaseWork, fields: []string{"at", "channel", "minutes", "summary"}, multi: []string{"needs"},
		conflict: "work.conflict",
		save: func(c cases.Case, f *form) (string, error) {
			ct := cases.Contact{CaseID: c.ID, Channel: cases.Channel(f.Value("channel")), Summary: f.Value("summary"),
				Needs: f.Multi["needs"], RecordedBy: policy.Actor(r.Context()).ID}
			if f.Value("at") != "" {
				at, ok := parseWorkTime(f.Value("at"), zoneOf(r))
				if !ok {
					f.Errors["at"] = "validation.date_time"
				}
				ct.At = at
			}
			minutes, ok := parseWorkInt(f.Value("minutes"))
			if !ok {
				f.Errors["minutes"] = "validation.whole_number"
			}
			ct.Minutes = minutes
			if f.Refused() {
				// Name every other problem too, not one round trip each.
				domains, err := h.workDomains(r.Context(), c)
				if err != nil {
					return "", err
				}
				return "", f.invalid(ct.Validate(domains, c.OpenedAt, h.store.Now()))
			}
			_, err := h.store.AddContact(r.Context(), ct)
			return workTab(c, "contacts") + "?done=contact", err
		},
		show: h.renderContacts,
	})
}
