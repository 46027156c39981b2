package web

import (
	"net/http"
	"strconv"

	"homeward/internal/cases"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// requestsPage is a case's requests tab: the requests newest first, each
// with the form to update it, and the form to record a new one, for those
// who may.
type requestsPage struct {
	Header   caseHeader
	Requests []requestRow
	New      *form // nil when the user may not record requests
	Done     string
}

// requestRow is a request with its update form (nil when the user may not
// update it).
type requestRow struct {
	cases.Request
	Form *form
}

// requestList shows the requests of a case (their text opened, which the
// store audits).
func (h *Web) requestList(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	return h.renderRequests(w, r, http.StatusOK, c, nil, 0, nil)
}

// renderRequests shows the requests tab with the form for a new request
// (as typed when refused, or empty when f is nil) and, when an update was
// refused, the update form of request editing as typed.
func (h *Web) renderRequests(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form, editing int64, edit *form) error {
	hd, err := h.headerFor(r, c, "requests")
	if err != nil {
		return err
	}
	page := requestsPage{Header: hd, Done: workDoneOf(r)}
	open := page.Header.CanWork && c.State.Open() // a closed case takes no requests
	if f == nil && open {
		f = newForm(nil)
		f.Values["urgency"] = string(cases.Normal)
	}
	page.New = f
	if f != nil {
		domains, err := h.workDomains(r.Context(), c)
		if err != nil {
			return err
		}
		f.Options["domain"], f.Options["urgency"] = domains, optionsOf(cases.Urgencies)
	}
	list, err := h.store.Requests(r.Context(), c.ID)
	if err != nil {
		return err
	}
	for _, rq := range list {
		row := requestRow{Request: rq}
		if open || (rq.ID == editing && edit != nil) {
			row.Form = requestForm(rq)
			if rq.ID == editing && edit != nil {
				if edit.conflicted("requests.conflict") {
					// Sending again is a deliberate choice over the newer version.
					edit.Values["version"] = strconv.Itoa(rq.Version)
				}
				edit.ID, edit.Options = row.Form.ID, row.Form.Options
				row.Form = edit
			}
		}
		page.Requests = append(page.Requests, row)
	}
	return h.render(w, r, status, "requests", "cases", page)
}

// requestForm is the update form of a request as stored.
func requestForm(rq cases.Request) *form {
	f := newForm(nil)
	f.ID = "r" + strconv.FormatInt(rq.ID, 10) + "-"
	f.Options["status"] = optionsOf(cases.RequestStatuses)
	f.Values["status"], f.Values["resolution"] = string(rq.Status), rq.Resolution
	f.Values["version"] = strconv.Itoa(rq.Version)
	return f
}

// requestCreate records a request the mentee raised with their mentor or
// a coordinator: its domain, urgency and text. It starts open.
func (h *Web) requestCreate(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.CaseWork, fields: []string{"domain", "urgency", "text"}, conflict: "work.conflict",
		save: func(c cases.Case, f *form) (string, error) {
			rq := cases.Request{CaseID: c.ID, Domain: f.Value("domain"), Urgency: cases.Urgency(f.Value("urgency")),
				Text: f.Value("text"), Status: cases.RequestOpen, RecordedBy: policy.Actor(r.Context()).ID}
			_, err := h.store.AddRequest(r.Context(), rq)
			return workTab(c, "requests") + "?done=request", err
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
			return h.renderRequests(w, r, status, c, f, 0, nil)
		},
	})
}

// requestUpdate saves a request's status and resolution. When someone else
// saved it meanwhile, the form comes back with what was typed, a message
// saying so and the newer version, so that saving again is deliberate.
func (h *Web) requestUpdate(w http.ResponseWriter, r *http.Request) error {
	var id int64
	return h.postOnCase(w, r, casePost{
		action: policy.CaseWork, fields: []string{"status", "resolution", "version"}, conflict: "requests.conflict",
		save: func(c cases.Case, f *form) (string, error) {
			var err error
			if id, err = route.PathID(r, "request", "request"); err != nil {
				return "", err
			}
			version, err := f.version()
			if err != nil {
				return "", err
			}
			// The store refuses a request of another case as not found.
			rq := cases.Request{ID: id, CaseID: c.ID, Status: cases.RequestStatus(f.Value("status")), Resolution: f.Value("resolution"),
				Version: version}
			_, err = h.store.UpdateRequest(r.Context(), rq)
			return workTab(c, "requests") + "?done=request_updated#request-" + strconv.FormatInt(id, 10), err
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
			return h.renderRequests(w, r, status, c, nil, id, f)
		},
	})
}
