package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/mentors"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/report"
	"homeward/internal/store"
)

type homePage struct {
	Programs  int
	CanCreate bool
	// Cases is the at-a-glance view of the signed-in user's cases: for
	// coordinators, mentors and psychologists (nil for everyone else).
	Cases *homeCases
	// Mentor is a mentor's own page: their mentees, training and checks.
	Mentor *mentorHome
	// Psychologist is a psychologist's work: their cases waiting for a
	// final meeting and their latest notes.
	Psychologist *psychologistHome
	// Mentors is a coordinator's glance at their programs' mentors.
	CanMentors bool
	// Waiting counts the referrals of the user's cases sent and unanswered
	// for longer than their program's reminder days (coordinators, mentors).
	Waiting *homeCount
	// Reports are the key figures of each of a viewer's programs this
	// year, suppressed, with the way to the whole report.
	Reports []homeReport
}

// homeReport is a program's key figures on a viewer's home page: the
// first lines of its funder table.
type homeReport struct {
	Program program.Program
	Period  string
	Figures []figureView
}

// homeFigures is how many lines of a funder table the home page shows.
const homeFigures = 6

// mentorHome is what a mentor sees first: the people they support with
// their signals, the next contacts, and in each program their standing,
// training and checks.
type mentorHome struct {
	Mentees []menteeRow
	New     []menteeRow // matched, the first meeting still ahead
	Records []mentorRecord
	Done    string
}

// menteeRow is a mentee on a mentor's home page.
type menteeRow struct {
	store.MenteeGlance
	Due         string // the next contact's day, "" when none is expected
	Overdue     bool
	DaysOverdue int
}

// mentorRecord is the mentor in one program.
type mentorRecord struct {
	Standing mentors.Standing
	Program  string
	Training []mentors.ModuleProgress
}

// psychologistHome is what a psychologist sees first: the closing cases
// assigned to them whose final meeting is still to come, and the marks
// (case, level, date; not the text) of the notes they wrote last.
type psychologistHome struct {
	Waiting []store.AwaitingFinalMeeting
	Notes   []store.NoteMark
}

// psychologistHomeRows is how many waiting cases and notes the home page lists.
const psychologistHomeRows = 20

// homeCases counts the cases of the user's scope that need attention.
type homeCases struct {
	Urgent, Overdue, Quiet homeCount
}

// homeCount is a count of cases, capped: More tells that there are more
// than N (the count stops at one page of the case list).
type homeCount struct {
	N    int
	More bool
}

// home is the start page. A mentee has their own portal; staff who work on
// cases see which of theirs need attention; everyone sees the programs.
func (h *Web) home(w http.ResponseWriter, r *http.Request) error {
	u := policy.Actor(r.Context())
	if u.Role == auth.Mentee {
		http.Redirect(w, r, "/my", http.StatusSeeOther)
		return nil
	}
	if u.Role == auth.Partner {
		// A partner user's work is their organisation's referrals.
		http.Redirect(w, r, "/referrals", http.StatusSeeOther)
		return nil
	}
	n, err := h.store.CountPrograms(r.Context(), policy.ProgramScope(r.Context(), ""))
	if err != nil {
		return err
	}
	page := homePage{Programs: n, CanCreate: policy.CheckRequest(r.Context(), policy.ProgramCreate, 0) == nil,
		CanMentors: policy.Can(u, policy.MentorManage, 0)}
	if u.Role == auth.Mentor {
		if page.Mentor, err = h.mentorHome(r); err != nil {
			return err
		}
	}
	if u.Role == auth.Psychologist {
		scope := policy.CaseScope(u)
		page.Psychologist = &psychologistHome{}
		if page.Psychologist.Waiting, err = h.store.AwaitingFinalMeetings(r.Context(), scope, psychologistHomeRows); err != nil {
			return err
		}
		if page.Psychologist.Notes, err = h.store.NotesBy(r.Context(), u.ID, scope, psychologistHomeRows); err != nil {
			return err
		}
	}
	if policy.Can(u, policy.CaseList, 0) {
		scope := policy.CaseScope(u)
		page.Cases = &homeCases{}
		if page.Cases.Urgent, err = h.countCases(r.Context(), scope, cases.SignalUrgent); err == nil {
			if page.Cases.Overdue, err = h.countCases(r.Context(), scope, cases.SignalOverdue); err == nil {
				page.Cases.Quiet, err = h.countCases(r.Context(), scope, cases.SignalQuiet)
			}
		}
		if err != nil {
			return err
		}
	}
	if u.Role == auth.Coordinator || u.Role == auth.Mentor {
		since, err := h.waitingSince(r.Context(), u.Programs)
		if err != nil {
			return err
		}
		f := store.ReferralFilter{Scoped: true, ProgramIDs: u.Programs, WaitingSince: since}
		if u.Role == auth.Mentor {
			f.MentorID = u.ID
		}
		list, next, err := h.store.Referrals(r.Context(), f, store.Page{Limit: homeCountCap})
		if err != nil {
			return err
		}
		page.Waiting = &homeCount{N: len(list), More: next != ""}
	}
	if u.Role == auth.Viewer {
		if page.Reports, err = h.viewerHome(r); err != nil {
			return err
		}
	}
	return h.render(w, r, http.StatusOK, "home", "home", page)
}

// viewerHome reads the key figures of the viewer's programs this year:
// a suppressed report of each program.
func (h *Web) viewerHome(r *http.Request) ([]homeReport, error) {
	available, err := h.reportPrograms(r.Context())
	if err != nil {
		return nil, err
	}
	t := report.T(h.printer(r).T)
	var out []homeReport
	for _, p := range available {
		o, _, _, err := h.outcomes(r.Context(), url.Values{"program_id": {strconv.FormatInt(p.ID, 10)}, "preset": {"this_year"}}, available, false)
		if err != nil {
			return nil, err
		}
		hr := homeReport{Program: p, Period: t("report.period_is", "from", o.Query.From.Format(time.DateOnly), "to", o.Query.To.Format(time.DateOnly))}
		for _, row := range o.FunderTable(p) {
			if !row.Known {
				continue
			}
			v := figureView{Name: row.Figure.Name(t), Value: row.Figure.Value.Text(row.Figure.Unit, t), Hidden: row.Figure.Value.Kind != report.Shown}
			if row.Line.Label != "" {
				v.Name = row.Line.Label
			}
			if hr.Figures = append(hr.Figures, v); len(hr.Figures) == homeFigures {
				break
			}
		}
		out = append(out, hr)
	}
	return out, nil
}

// mentorHome reads a mentor's home page: three queries and one per program.
func (h *Web) mentorHome(r *http.Request) (*mentorHome, error) {
	ctx := r.Context()
	u := policy.Actor(ctx)
	glances, err := h.store.MentorMentees(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	now := h.store.Now()
	home := &mentorHome{}
	if r.URL.Query().Get("done") == "training" {
		home.Done = "home.mentor.training_reported"
	}
	for _, g := range glances {
		row := menteeRow{MenteeGlance: g}
		if d := g.Case.ContactDueAt; d != nil {
			row.Due = d.In(zoneOf(r)).Format("2006-01-02")
			if now.After(*d) {
				row.Overdue, row.DaysOverdue = true, int(now.Sub(*d).Hours()/24)
			}
		}
		if g.Case.State == cases.Matched {
			home.New = append(home.New, row)
		}
		home.Mentees = append(home.Mentees, row)
	}
	records, err := h.store.MyMentors(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for _, st := range records {
		if !slices.Contains(u.Programs, st.Mentor.ProgramID) {
			continue
		}
		p, err := h.store.GetProgram(ctx, st.Mentor.ProgramID)
		if err != nil {
			return nil, err
		}
		tr, err := h.store.MentorTraining(ctx, st.Mentor.ID)
		if err != nil {
			return nil, err
		}
		home.Records = append(home.Records, mentorRecord{Standing: st, Program: p.Name, Training: tr})
	}
	return home, nil
}

// homeCountCap is where a count on the home page stops ("500+"): one
// page of the case list, which its indexes answer without a full scan.
const homeCountCap = store.MaxLimit

// countCases counts the cases in scope that show a signal, up to the cap.
func (h *Web) countCases(ctx context.Context, scope store.CaseScope, s cases.Signal) (homeCount, error) {
	list, next, err := h.store.ListCases(ctx, store.CaseFilter{Scope: scope, Signal: s}, store.Page{Limit: homeCountCap})
	if err != nil {
		return homeCount{}, err
	}
	return homeCount{N: len(list), More: next != ""}, nil
}
