package web

import (
	"net/http"
	"strconv"
	"strings"

	"homeward/internal/policy"
)

// casePsychologist assigns one of the program's psychologists to the case,
// or none (0).
func (h *Web) casePsychologist(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, []string{"psychologist_id"})
	if err != nil {
		return err
	}
	userID, perr := strconv.ParseInt(strings.TrimSpace(f.Value("psychologist_id")), 10, 64)
	if perr != nil || userID < 0 {
		f.Errors["psychologist_id"] = "validation.choice"
	} else {
		if _, err = h.store.AssignPsychologist(r.Context(), c.ID, userID, policy.Actor(r.Context()).ID); err == nil {
			http.Redirect(w, r, overviewAt(c, "psychologist", "psychologist"), http.StatusSeeOther)
			return nil
		}
		if !f.refuse(err, "case.refused.changed") {
			return err
		}
	}
	return h.renderOverview(w, r, refusedStatus(err), h.reloadCase(r, c), overviewForms{Psychologist: f})
}
