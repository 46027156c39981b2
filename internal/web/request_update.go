package web

import (
	"net/http"
	"strconv"

	"homeward/internal/cases"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// requestUpdate saves a request's status and resolution. When someone else
// saved it meanwhile, the form comes back with what was typed, a message
// saying so and the newer version, so that saving again is deliberate.
func (h *Web) requestUpdate(w http.ResponseWriter, r *http.Request) {
	c, err := h.caseFromPath(r, policy.CaseWork)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := route.PathID(r, "request", "request")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, ok := h.readWorkForm(w, r, []string{"status", "resolution", "version"})
	if !ok {
		return
	}
	version, err := strconv.Atoi(f.Value("version"))
	if err != nil || version <= 0 {
		f.Message = "validation.version_required"
		h.renderRequests(w, r, http.StatusUnprocessableEntity, c, nil, id, f)
		return
	}
	// The store refuses a request of another case as not found.
	rq := cases.Request{ID: id, CaseID: c.ID, Status: cases.RequestStatus(f.Value("status")), Resolution: f.Value("resolution"),
		Version: version}
	if _, err := h.store.UpdateRequest(r.Context(), rq); err != nil {
		if !f.apply(err, "requests.conflict") {
			h.fail(w, r, err)
			return
		}
		h.renderRequests(w, r, workStatus(err), c, nil, rq.ID, f)
		return
	}
	http.Redirect(w, r, workTab(c, "requests")+"?done=request_updated#request-"+strconv.FormatInt(rq.ID, 10), http.StatusSeeOther)
}
