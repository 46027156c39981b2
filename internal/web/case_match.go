package web

import (
	"net/http"
	"strconv"
	"strings"

	"homeward/internal/cases"
	"homeward/internal/policy"
	"homeward/internal/text"
)

// caseMatch assigns a mentor of the program to a waiting case. A mentor
// with no free place is refused with a message saying so.
func (h *Web) caseMatch(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, []string{"mentor_id"})
	if err != nil {
		return err
	}
	mentorID, perr := strconv.ParseInt(strings.TrimSpace(f.Value("mentor_id")), 10, 64)
	if perr != nil || mentorID <= 0 {
		f.Errors["mentor_id"] = "case.match.choose"
	} else {
		if _, err = h.store.Match(r.Context(), c.ID, mentorID, policy.Actor(r.Context()).ID); err == nil {
			http.Redirect(w, r, overviewAt(c, "matched", "match"), http.StatusSeeOther)
			return nil
		}
		if !f.refuse(err, "case.refused.changed") {
			return err
		}
	}
	return h.renderOverview(w, r, refusedStatus(err), h.reloadCase(r, c), overviewForms{Match: f})
}

// caseMatchEnd ends the running match; the case waits for another mentor
// and the mentor's place frees.
func (h *Web) caseMatchEnd(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	f, err := readForm(w, r, []string{"reason"})
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(f.Value("reason"))
	text.Check(f.Errors, "reason", reason, true, true, cases.MaxReason)
	if len(f.Errors) == 0 {
		if _, err = h.store.EndMatch(r.Context(), c.ID, reason, policy.Actor(r.Context()).ID); err == nil {
			http.Redirect(w, r, overviewAt(c, "match_ended", "match"), http.StatusSeeOther)
			return nil
		}
		if !f.refuse(err, "case.refused.changed") {
			return err
		}
	}
	return h.renderOverview(w, r, refusedStatus(err), h.reloadCase(r, c), overviewForms{EndMatch: f})
}
