package web

import (
	"net/http"
	"strings"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
)

// custodyFields are the fields of the custody form; the names are the
// API's field paths, so that the store's messages land on them.
var custodyFields = []string{"facility", "expected_release", "phase",
	"release_plan.pickup", "release_plan.first_night", "release_plan.first_appointments"}

// overviewDateLayout is how a date field is sent and shown.
const overviewDateLayout = "2006-01-02"

// custodyValues are the form's values of a stored custody phase.
func custodyValues(cu cases.Custody) map[string]string {
	v := map[string]string{
		"facility":                        cu.Facility,
		"phase":                           string(cu.Phase),
		"release_plan.pickup":             cu.ReleasePlan.Pickup,
		"release_plan.first_night":        cu.ReleasePlan.FirstNight,
		"release_plan.first_appointments": cu.ReleasePlan.FirstAppointments,
	}
	if cu.ExpectedRelease != nil {
		v["expected_release"] = cu.ExpectedRelease.UTC().Format(overviewDateLayout)
	}
	return v
}

// overviewDate reads a date field: "" is no date; ok is false for anything
// that is not a date.
func overviewDate(s string) (*time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	d, err := time.Parse(overviewDateLayout, s)
	if err != nil || d.Year() < 1900 || d.Year() > 2200 {
		return nil, false
	}
	return &d, true
}

// caseCustody saves the custody phase of a case in a program that has one:
// the facility, the expected release, the phase and the release-day plan.
func (h *Web) caseCustody(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.CaseManage, fields: custodyFields, conflict: "case.refused.changed",
		save: func(c cases.Case, f *form) (string, error) {
			p, err := h.store.GetProgram(r.Context(), c.ProgramID)
			if err != nil {
				return "", err
			}
			if !p.Custody.Enabled {
				// The overview has no custody section: it says so above.
				return "", errs.Conflict("This program has no custody phase.", map[string]string{"custody": "case.custody.none"})
			}
			cu := cases.Custody{
				Facility: strings.TrimSpace(f.Value("facility")),
				Phase:    cases.Phase(f.Value("phase")),
				ReleasePlan: cases.ReleasePlan{
					Pickup:            strings.TrimSpace(f.Value("release_plan.pickup")),
					FirstNight:        strings.TrimSpace(f.Value("release_plan.first_night")),
					FirstAppointments: strings.TrimSpace(f.Value("release_plan.first_appointments")),
				},
			}
			var ok bool
			if cu.ExpectedRelease, ok = overviewDate(f.Value("expected_release")); !ok {
				f.Errors["expected_release"] = "validation.date"
			}
			if cu.Phase != "" && !cu.Phase.Valid() {
				f.Errors["phase"] = "validation.choice"
			}
			if f.Refused() {
				return "", f.invalid(nil)
			}
			return overviewAt(c, "custody", "custody"), h.store.SaveCustody(r.Context(), c.ID, cu, policy.Actor(r.Context()).ID)
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
			return h.renderOverview(w, r, status, h.reloadCase(r, c), overviewForms{Custody: f})
		},
	})
}
