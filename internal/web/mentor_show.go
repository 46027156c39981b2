package web

import (
	"cmp"
	"net/http"
	"strconv"
	"time"

	"homeward/internal/cases"
	"homeward/internal/mentors"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/zone"
)

// mentorPage is a mentor's record: for the program's coordinators the
// application (sealed, read with an audit entry), stage moves, notes,
// checks, training, places and pause, and the mentees now; for the mentor
// themself their own standing, checks and training.
type mentorPage struct {
	Standing  mentors.Standing
	Program   program.Program
	App       mentors.Application // coordinators only
	Notes     []mentors.Note      // coordinators only
	Checks    []mentors.Check     // every check, newest first
	Training  []mentors.ModuleProgress
	Mentees   []cases.Case // the cases the mentor supports now (coordinators)
	Moves     []mentors.Stage
	CanManage bool
	Self      bool
	// CanAccept: at the checks stage; CanInvite: accepted, invitation unused.
	CanAccept, CanInvite, CanRetire, CanReturn bool
	Done                                       string // the notice of an action just done
	Link                                       string // an invitation link, shown once
	// Forms that come back refused.
	Stage, Note, Check, Availability, TrainingForm *form
	CheckKinds                                     []string
	CheckResults                                   []mentors.CheckResult
	// Today is the user's, the last day a check may be done on; a pause
	// ends on a later day, from Tomorrow.
	Today, Tomorrow string
}

// mentorDone are the notices after an action (?done=…).
var mentorDone = map[string]string{
	"moved": "mentor.done.moved", "note": "mentor.done.note", "check": "mentor.done.check",
	"training": "mentor.done.training", "availability": "mentor.done.availability", "profile": "mentor.done.profile",
}

func (h *Web) mentorShow(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.mentorFromPath(r, policy.MentorView)
	if err != nil {
		return err
	}
	return h.renderMentor(w, r, http.StatusOK, ref, mentorPage{Done: mentorDone[r.URL.Query().Get("done")]})
}

// renderMentor shows the mentor's page with the given forms and notices.
func (h *Web) renderMentor(w http.ResponseWriter, r *http.Request, status int, ref store.MentorRef, pg mentorPage) error {
	ctx := r.Context()
	u := policy.Actor(ctx)
	st, err := h.store.GetMentor(ctx, ref.ID)
	if err != nil {
		return err
	}
	pg.Standing = st
	pg.CanManage = policy.CanMentor(u, policy.MentorManage, ref)
	pg.Self = policy.CanMentor(u, policy.MentorSelf, ref)
	if pg.Program, err = h.store.GetProgram(ctx, ref.ProgramID); err != nil {
		return err
	}
	if pg.Checks, err = h.store.MentorChecks(ctx, ref.ID); err == nil {
		pg.Training, err = h.store.MentorTraining(ctx, ref.ID)
	}
	if err != nil {
		return err
	}
	if pg.CanManage {
		// The application and the notes are sealed: opening them is audited.
		if pg.App, err = h.store.MentorApplication(ctx, ref.ID); err == nil {
			pg.Notes, err = h.store.MentorNotes(ctx, ref.ID)
		}
		if err == nil && st.Mentor.UserID != 0 {
			pg.Mentees, _, err = h.store.ListCases(ctx, store.CaseFilter{Scope: policy.CaseScope(u), ProgramID: ref.ProgramID,
				MentorID: st.Mentor.UserID}, store.Page{Limit: store.MaxLimit})
			pg.Mentees = openOnly(pg.Mentees)
		}
		if err != nil {
			return err
		}
		pg.Standing.Mentor.Name = cmp.Or(st.Mentor.Name, pg.App.FullName)
		pg.Moves = mentors.Moves(st.Mentor.Stage)
		pg.CanAccept = st.Mentor.Stage == mentors.StageChecks
		pg.CanInvite = st.Mentor.Stage == mentors.StageAccepted && st.Mentor.UserStatus == "invited"
		pg.CanRetire = st.Mentor.Stage == mentors.StageAccepted
		pg.CanReturn = st.Mentor.Stage == mentors.StageRetired
	}
	for _, f := range []**form{&pg.Stage, &pg.Note, &pg.Check, &pg.Availability, &pg.TrainingForm} {
		if *f == nil {
			*f = newForm(nil)
		}
	}
	if pg.Availability.Values["capacity"] == "" && !pg.Availability.Refused() {
		if st.Mentor.Capacity > 0 {
			pg.Availability.Values["capacity"] = strconv.Itoa(st.Mentor.Capacity)
		}
		if st.Mentor.PausedUntil != nil {
			pg.Availability.Values["paused_until"] = st.Mentor.PausedUntil.Format("2006-01-02")
		}
	}
	pg.CheckKinds, pg.CheckResults = mentors.CheckKinds, mentors.CheckResults
	today := zone.Today(h.store.Now(), zoneOf(r)) // the user's, as the store checks
	pg.Today, pg.Tomorrow = today.Format(time.DateOnly), today.AddDate(0, 0, 1).Format(time.DateOnly)
	return h.render(w, r, status, "mentor", "mentors", pg)
}

// openOnly keeps the cases a mentor supports now (matched, active, closing).
func openOnly(list []cases.Case) []cases.Case {
	var out []cases.Case
	for _, c := range list {
		if c.State == cases.Matched || c.State == cases.Active || c.State == cases.Closing {
			out = append(out, c)
		}
	}
	return out
}
