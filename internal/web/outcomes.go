package web

import (
	"context"
	"net/http"
	"time"

	"homeward/internal/cases"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/zone"
)

// outcomeCreate records an outcome on the case's current period (a note is
// required for "other"): its day, today unless an earlier one of the period
// is typed, and whether it came after release. A bad day shows the form
// again with what was typed.
func (h *Web) outcomeCreate(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.CaseManage, fields: []string{"kind", "note", "occurred_on", "after_release"}, conflict: "work.conflict",
		save: func(c cases.Case, f *form) (string, error) {
			released := f.Value("after_release") != ""
			o := cases.Outcome{CaseID: c.ID, Period: c.Period, Kind: cases.OutcomeKind(f.Value("kind")), Note: f.Value("note"),
				AfterRelease: &released, RecordedBy: policy.Actor(r.Context()).ID}
			if day, ok := formDate(f, "occurred_on"); ok && day != nil {
				o.OccurredOn = *day
			}
			if f.Refused() {
				// Name every other problem too, not one round trip each.
				p, err := h.store.GetProgram(r.Context(), c.ProgramID)
				if err != nil {
					return "", err
				}
				loc := zoneOf(r)
				return "", f.invalid(o.Validate(p, zone.Today(c.OpenedAt, loc), zone.Today(h.store.Now(), loc)))
			}
			_, err := h.store.AddOutcome(r.Context(), o)
			return workTab(c, "closing") + "?done=outcome#outcomes", err
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
			return h.renderClosing(w, r, status, c, closingForms{Outcome: f})
		},
	})
}

// outcomeForm fills the outcome form of a case of program p: the kinds
// (built-in, then the program's own with their labels as typed) and, on a
// new form, today (the user's) and whether the case is after release now.
func (h *Web) outcomeForm(ctx context.Context, c cases.Case, p program.Program, f *form) (*form, error) {
	if f == nil {
		f = newForm(nil)
		f.Values["occurred_on"] = zone.TodayIn(ctx, h.store.Now()).Format(time.DateOnly)
		released, err := h.store.AfterReleaseNow(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		if released {
			f.Values["after_release"] = "1"
		}
	}
	f.Options["kind"] = append(optionsOf(cases.OutcomeKinds), ownKindKeys(p)...)
	f.Labels = ownKindLabels(p)
	return f, nil
}

// ownKindKeys are the keys of the program's own outcome kinds.
func ownKindKeys(p program.Program) []string {
	out := make([]string, len(p.OwnOutcomeKinds))
	for i, k := range p.OwnOutcomeKinds {
		out[i] = k.Key
	}
	return out
}

// ownKindLabels are the labels of the program's own outcome kinds by key.
func ownKindLabels(p program.Program) map[string]string {
	out := make(map[string]string, len(p.OwnOutcomeKinds))
	for _, k := range p.OwnOutcomeKinds {
		out[k.Key] = k.Label
	}
	return out
}
