package web

import (
	"net/http"
	"strconv"
	"strings"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// casePsychologist assigns one of the program's psychologists to the case,
// or none (0).
func (h *Web) casePsychologist(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.CaseManage, fields: []string{"psychologist_id"}, conflict: "case.refused.changed",
		save: func(c cases.Case, f *form) (string, error) {
			userID, err := strconv.ParseInt(strings.TrimSpace(f.Value("psychologist_id")), 10, 64)
			if err != nil || userID < 0 {
				return "", errs.Invalid(map[string]string{"psychologist_id": "validation.choice"})
			}
			_, err = h.store.AssignPsychologist(r.Context(), c.ID, userID, policy.Actor(r.Context()).ID)
			return overviewAt(c, "psychologist", "psychologist"), err
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
			return h.renderOverview(w, r, status, h.reloadCase(r, c), overviewForms{Psychologist: f})
		},
	})
}
