package web

import (
	"net/http"
	"strconv"
	"strings"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/text"
)

// caseMatch assigns a mentor of the program to a waiting case. A mentor
// with no free place is refused with a message saying so.
func (h *Web) caseMatch(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.CaseManage, fields: []string{"mentor_id"}, conflict: "case.refused.changed",
		save: func(c cases.Case, f *form) (string, error) {
			mentorID, err := strconv.ParseInt(strings.TrimSpace(f.Value("mentor_id")), 10, 64)
			if err != nil || mentorID <= 0 {
				return "", errs.Invalid(map[string]string{"mentor_id": "case.match.choose"})
			}
			_, err = h.store.Match(r.Context(), c.ID, mentorID, policy.Actor(r.Context()).ID)
			return overviewAt(c, "matched", "match"), err
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
			return h.renderOverview(w, r, status, h.reloadCase(r, c), overviewForms{Match: f})
		},
	})
}

// caseMatchEnd ends the running match; the case waits for another mentor
// and the mentor's place frees.
func (h *Web) caseMatchEnd(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.CaseManage, fields: []string{"reason"}, conflict: "case.refused.changed",
		save: func(c cases.Case, f *form) (string, error) {
			reason := strings.TrimSpace(f.Value("reason"))
			if text.Check(f.Errors, "reason", reason, true, true, cases.MaxReason); f.Refused() {
				return "", f.invalid(nil)
			}
			_, err := h.store.EndMatch(r.Context(), c.ID, reason, policy.Actor(r.Context()).ID)
			return overviewAt(c, "match_ended", "match"), err
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
			return h.renderOverview(w, r, status, h.reloadCase(r, c), overviewForms{EndMatch: f})
		},
	})
}
