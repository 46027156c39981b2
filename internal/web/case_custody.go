package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/program"
)

// custodyFields are the fields of the custody form; the names are the
// API's field paths, so that the store's messages land on them.
var custodyFields = []string{"facility_id", "facility_detail", "expected_release", "released_on", "phase",
	"release_plan.pickup", "release_plan.first_night", "release_plan.first_appointments"}

// overviewDateLayout is how a date field is sent and shown.
const overviewDateLayout = "2006-01-02"

// custodyValues are the form's values of a stored custody phase.
func custodyValues(cu cases.Custody) map[string]string {
	v := map[string]string{
		"facility_id":                     strconv.FormatInt(cu.FacilityID, 10),
		"facility_detail":                 cu.FacilityDetail,
		"phase":                           string(cu.Phase),
		"release_plan.pickup":             cu.ReleasePlan.Pickup,
		"release_plan.first_night":        cu.ReleasePlan.FirstNight,
		"release_plan.first_appointments": cu.ReleasePlan.FirstAppointments,
	}
	if cu.ExpectedRelease != nil {
		v["expected_release"] = cu.ExpectedRelease.UTC().Format(overviewDateLayout)
	}
	if cu.ReleasedOn != nil {
		v["released_on"] = cu.ReleasedOn.UTC().Format(overviewDateLayout)
	}
	return v
}

// offeredFacilities are the facilities a case's custody form offers: those
// not archived, and the one the case points at (archived or not).
func offeredFacilities(all []program.Facility, current int64) []program.Facility {
	out := []program.Facility{}
	for _, f := range all {
		if !f.Archived || f.ID == current {
			out = append(out, f)
		}
	}
	return out
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
// the facility of the program's list and its detail, the expected and the
// actual release, the phase and the release-day plan.
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
				FacilityDetail: strings.TrimSpace(f.Value("facility_detail")),
				Phase:          cases.Phase(f.Value("phase")),
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
			if cu.ReleasedOn, ok = overviewDate(f.Value("released_on")); !ok {
				f.Errors["released_on"] = "validation.date"
			}
			if cu.Phase != cases.AfterRelease {
				// The form shows the day of release only after release.
				cu.ReleasedOn = nil
			}
			if s := strings.TrimSpace(f.Value("facility_id")); s != "" {
				id, err := strconv.ParseInt(s, 10, 64)
				if err != nil || id < 0 {
					f.Errors["facility_id"] = "validation.facility_unknown"
				}
				cu.FacilityID = id
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
