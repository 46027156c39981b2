package web

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/policy"
)

// contactCreate records a contact with the mentee: the case's mentor or a
// coordinator. The case's next contact due moves with it. Bad input shows
// the form again with what was typed; nothing is saved.
func (h *Web) contactCreate(w http.ResponseWriter, r *http.Request) {
	c, err := h.caseFromPath(r, policy.CaseWork)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, ok := h.readWorkForm(w, r, []string{"at", "channel", "minutes", "summary"}, "needs")
	if !ok {
		return
	}
	ct := cases.Contact{CaseID: c.ID, Channel: cases.Channel(f.Value("channel")), Summary: f.Value("summary"),
		Needs: f.Multi["needs"], RecordedBy: policy.Actor(r.Context()).ID}
	if f.Value("at") != "" {
		at, ok := parseWorkTime(f.Value("at"))
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
	if len(f.Errors) > 0 {
		// Name every other problem too, not one round trip each.
		domains, err := h.workDomains(r.Context(), c)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if err := ct.Validate(domains, h.store.Now()); err != nil {
			f.apply(err, "work.conflict")
		}
		h.renderContacts(w, r, http.StatusUnprocessableEntity, c, f)
		return
	}
	if _, err := h.store.AddContact(r.Context(), ct); err != nil {
		if !f.apply(err, "work.conflict") {
			h.fail(w, r, err)
			return
		}
		h.renderContacts(w, r, workStatus(err), c, f)
		return
	}
	http.Redirect(w, r, workTab(c, "contacts")+"?done=contact", http.StatusSeeOther)
}
