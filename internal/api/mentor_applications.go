package api

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"homeward/internal/audit"
	"homeward/internal/errs"
	"homeward/internal/mentors"
)

// applicationInput is the body of a public mentor application: the form's
// fields, and the program. Anything else (a status, an id) is an unknown
// field and refused.
type applicationInput struct {
	ProgramID       int64    `json:"program_id"`
	FullName        string   `json:"full_name"`
	Email           string   `json:"email"`
	Phone           string   `json:"phone"`
	Motivation      string   `json:"motivation"`
	Languages       []string `json:"languages"`
	Country         string   `json:"country"`
	City            string   `json:"city"`
	Skills          string   `json:"skills"`
	Background      string   `json:"background"`
	NeedDomains     []string `json:"need_domains"`
	HoursPerWeek    int      `json:"hours_per_week"`
	Times           []string `json:"times"`
	LivedExperience string   `json:"lived_experience"`
	Preferences     string   `json:"preferences"`
	PreferenceTags  []string `json:"preference_tags"`
	ExperienceTags  []string `json:"experience_tags"`
	Gender          string   `json:"gender"`
	Consent         bool     `json:"consent"`
}

// mentorApplicationCreate takes a public application (no sign-in). It is
// held to the form's rules and to the same limit per client address; the
// answer says only that the application was received.
func (a *API) mentorApplicationCreate(w http.ResponseWriter, r *http.Request) error {
	var in applicationInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	app := mentors.Application{
		ProgramID: in.ProgramID, FullName: in.FullName, Email: in.Email, Phone: in.Phone,
		Motivation: in.Motivation, Languages: in.Languages, Country: in.Country, City: in.City,
		Skills: in.Skills, Background: in.Background, NeedDomains: in.NeedDomains,
		HoursPerWeek: in.HoursPerWeek, Times: in.Times, LivedExperience: in.LivedExperience,
		Preferences: in.Preferences, PreferenceTags: in.PreferenceTags, Consent: in.Consent,
		ExperienceTags: in.ExperienceTags, Gender: in.Gender,
	}
	// Check the input before counting it: a mistake does not use up the limit.
	p, err := a.store.GetProgram(r.Context(), in.ProgramID)
	switch {
	case errs.Is(err, errs.KindNotFound) || (err == nil && !p.ApplicationsOpen):
		return errs.Invalid(map[string]string{"program_id": "validation.program_unknown"})
	case err != nil:
		return err
	}
	app.Normalize()
	if err := app.Validate(p.NeedDomains); err != nil {
		return err
	}
	until, _, err := a.store.CountApplication(r.Context(), audit.ActorFrom(r.Context()).Address, p.ID)
	if err != nil {
		return err
	}
	if !until.IsZero() {
		wait := max(until.Sub(a.store.Now()), time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return writeJSON(w, http.StatusTooManyRequests, errorBody{Error: errorDetail{Code: "too_many_requests",
			Message: "Too many applications from this address or to this program; try again after the time in Retry-After (seconds)."}})
	}
	if _, err := a.store.CreateMentorApplication(r.Context(), app); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, struct {
		Status string `json:"status"`
	}{"received"})
}
