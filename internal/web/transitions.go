package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/store"
)

// caseTransition moves a case to another state. A move the case's journey
// does not allow yet comes back on the overview with what must happen
// first, and with what was typed.
func (h *Web) caseTransition(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.CaseManage, fields: []string{"to", "reason", "closure_reason", "outcome_note"}, multi: []string{"outcomes"},
		conflict: "case.refused.changed",
		save: func(c cases.Case, f *form) (string, error) {
			tr := store.TransitionInput{CaseID: c.ID, To: cases.State(f.Value("to")),
				Reason: strings.TrimSpace(f.Value("reason")), ActorID: policy.Actor(r.Context()).ID}
			if f.Value("to") == "" {
				f.Errors["to"] = "validation.required"
			}
			if tr.To == cases.Closed {
				tr.ClosureReason = cases.ClosureReason(f.Value("closure_reason"))
				p, err := h.store.GetProgram(r.Context(), c.ProgramID)
				if err != nil {
					return "", err
				}
				tr.Outcomes = closureOutcomes(f, p)
			}
			if f.Refused() {
				return "", f.invalid(nil)
			}
			_, err := h.store.Transition(r.Context(), tr)
			return overviewAt(c, "moved", "state"), err
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
			return h.renderOverview(w, r, status, h.reloadCase(r, c), overviewForms{Move: f})
		},
	})
}

// closureOutcomes are the outcomes ticked on the transition form, each
// checked as kinds of program p; a note typed for another outcome ticks
// "other".
func closureOutcomes(f *form, p program.Program) []cases.Outcome {
	note := strings.TrimSpace(f.Value("outcome_note"))
	if note != "" && !slices.Contains(f.Multi["outcomes"], string(cases.OtherOutcome)) {
		f.Multi["outcomes"] = append(f.Multi["outcomes"], string(cases.OtherOutcome))
	}
	var out []cases.Outcome
	for _, k := range f.Multi["outcomes"] {
		o := cases.Outcome{Kind: cases.OutcomeKind(k)}
		if o.Kind == cases.OtherOutcome {
			o.Note = note
		}
		if err := o.Validate(p, time.Time{}, time.Time{}); err != nil {
			e := errs.As(err)
			if v := e.Fields["kind"]; v != "" {
				f.Errors["outcomes"] = v
			}
			if v := e.Fields["note"]; v != "" {
				f.Errors["outcome_note"] = v
			}
			continue
		}
		out = append(out, o)
	}
	return out
}
