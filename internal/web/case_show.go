package web

import (
	"cmp"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/i18n"
	"homeward/internal/mentors"
	"homeward/internal/policy"
	"homeward/internal/program"
)

// overviewPage is a case's overview: its signals, needs and plan first, then
// its state, match, psychologist and custody phase, each with the form of
// what the signed-in user may do there.
type overviewPage struct {
	Header  caseHeader
	Program program.Program
	Today   time.Time
	Done    string // the notice of an action just done, as a catalogue key
	Alert   string // why an action was refused, when no form shows it

	Signals overviewSignals
	Needs   []cases.Need
	// Steps are the plan steps of the current period; Earlier those of the
	// periods before a reopening.
	Steps, Earlier []cases.PlanStep
	FirstPlanSteps int
	// Transitions are the latest moves of the case, oldest first;
	// EarlierTransitions those before them, folded away.
	Transitions, EarlierTransitions []cases.Transition
	Matches                         []cases.Match
	// Last is the last match of a closed case's period, nil otherwise.
	Last          *cases.Match
	Running       *cases.Match // the match running now
	Mentors       []overviewPerson
	Psychologists []overviewPerson
	Custody       *cases.Custody // programs with a custody phase
	// Facilities are the facilities the custody form offers: the
	// program's, but archived ones only where the case points at it.
	Facilities []program.Facility

	// The choices of the forms.
	Next           []cases.State
	ClosureReasons []cases.ClosureReason
	OutcomeKinds   []cases.OutcomeKind
	Owners         []cases.Owner
	StepStatuses   []cases.StepStatus
	Phases         []cases.Phase

	// The forms, as stored or as typed when refused.
	Move, Match, EndMatch, Psychologist, CustodyForm, Step *form
	// Close is the closing form: folded under "Close this case" until the
	// coordinator opens it (or comes from the closing tab to close), and
	// open with what was typed when a closing was refused. CanClose tells
	// that the case may move to closed now.
	Close            *form
	CanClose, Closes bool
	// Moves are the states the move form offers: Next but closed, which
	// has its own form.
	Moves []cases.State
	// StepErr is why the status change of a step was refused.
	StepErr map[int64]string
}

// overviewSignals are the progress signals at the top of the overview.
type overviewSignals struct {
	Progress   cases.Progress
	QuietWeeks int    // weeks without a new request, when Progress.Quiet
	Weeks      int    // weeks of the chart
	Requests   int    // requests of the period
	Trend      string // early, falling, rising or steady (case.trend.…)
	Chart      template.HTML
}

// overviewPerson is a mentor or a psychologist to choose from.
type overviewPerson struct {
	ID             int64
	Name           string
	Load, Capacity int // a mentor's open cases in the program, and the most they take
	Full           bool
	NotReady       bool // a mentor whose training or checks are not complete
	// Reason is the first of what keeps a mentor who is not ready from
	// being matched; nil when ready or without a mentor record.
	Reason *mentors.Reason
}

// overviewForms are the overview's forms that come back refused, and the
// notice of an action just done; the others start from what is stored.
type overviewForms struct {
	Done, Alert                                        string
	Move, Match, EndMatch, Psychologist, Custody, Step *form
	StepErr                                            map[int64]string
}

// overviewDone are the notices the overview shows after an action (?done=…).
var overviewDone = map[string]string{
	"moved":          "case.done.moved",
	"matched":        "case.done.matched",
	"match_ended":    "case.done.match_ended",
	"psychologist":   "case.done.psychologist",
	"custody":        "case.done.custody",
	"needs":          "case.done.needs",
	"needs_same":     "case.done.needs_same",
	"step_added":     "case.done.step_added",
	"step_saved":     "case.done.step_saved",
	"step_unchanged": "case.done.step_unchanged",
}

func (h *Web) caseShow(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	return h.renderOverview(w, r, http.StatusOK, c, overviewForms{Done: overviewDone[r.URL.Query().Get("done")]})
}

// renderOverview shows a case's overview with the given forms (those not
// given start from what is stored).
func (h *Web) renderOverview(w http.ResponseWriter, r *http.Request, status int, c cases.Case, forms overviewForms) error {
	pg, err := h.overviewOf(r, c, forms)
	if err != nil {
		return err
	}
	return h.render(w, r, status, "case", "cases", pg)
}

// overviewOf gathers the overview of a case for the request's user.
func (h *Web) overviewOf(r *http.Request, c cases.Case, forms overviewForms) (*overviewPage, error) {
	ctx := r.Context()
	now := h.store.Now().In(zoneOf(r)) // today is the user's
	hd, err := h.headerFor(r, c, "overview")
	if err != nil {
		return nil, err
	}
	pg := &overviewPage{
		Header: hd, Done: forms.Done, Alert: forms.Alert, StepErr: forms.StepErr,
		Today:          time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC),
		FirstPlanSteps: cases.FirstPlanSteps,
		Next:           cases.Next(c.State), ClosureReasons: cases.ClosureReasons, OutcomeKinds: cases.OutcomeKinds,
		Owners: cases.Owners, StepStatuses: cases.StepStatuses, Phases: cases.Phases,
	}
	if pg.Program, err = h.store.GetProgram(ctx, c.ProgramID); err != nil {
		return nil, err
	}
	times, err := h.store.RequestTimes(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	pg.Signals = overviewSignalsOf(h.printer(r), pg.Program, c, times, now)
	if pg.Needs, err = h.store.CurrentNeeds(ctx, c.ID); err != nil {
		return nil, err
	}
	steps, err := h.store.PlanSteps(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, st := range steps {
		if st.Period == c.Period {
			pg.Steps = append(pg.Steps, st)
		} else {
			pg.Earlier = append(pg.Earlier, st)
		}
	}
	if pg.Transitions, err = h.store.CaseTransitions(ctx, c.ID); err != nil {
		return nil, err
	}
	if pg.Matches, err = h.store.CaseMatches(ctx, c.ID); err != nil {
		return nil, err
	}
	for i := range pg.Matches {
		if m := &pg.Matches[i]; m.EndedAt == nil && m.MentorID == c.MentorID && c.MentorID != 0 {
			pg.Running = m
		}
		if m := &pg.Matches[i]; c.State == cases.Closed && m.Period == c.Period && m.EndedAt != nil &&
			(pg.Last == nil || m.StartedAt.After(pg.Last.StartedAt)) {
			pg.Last = m // a closed case names the mentor who supported it last
		}
	}
	if !policy.CanCase(policy.Actor(ctx), policy.FinalMeeting, policy.RefOf(c)) {
		// The mentor sees the case's history of their own period only:
		// why earlier matches ended and how an earlier period closed are
		// the team's to know, not the next mentor's.
		pg.Transitions = slices.DeleteFunc(pg.Transitions, func(t cases.Transition) bool { return t.Period != c.Period })
		pg.Matches = slices.DeleteFunc(pg.Matches, func(m cases.Match) bool { return m.MentorID != c.MentorID || m.Period != c.Period })
	}
	if n := len(pg.Transitions); n > latestTransitions {
		pg.EarlierTransitions, pg.Transitions = pg.Transitions[:n-latestTransitions], pg.Transitions[n-latestTransitions:]
	}
	if pg.Header.CanManage {
		if c.State == cases.Waiting {
			mentors, err := h.store.ProgramMentors(ctx, c.ProgramID)
			if err != nil {
				return nil, err
			}
			for _, m := range mentors {
				p := overviewPerson{ID: m.User.ID, Name: overviewName(m.User),
					Load: m.Load, Capacity: m.Capacity, Full: m.Load >= m.Capacity, NotReady: !m.Ready}
				if p.NotReady && len(m.Reasons) > 0 {
					p.Reason = &m.Reasons[0]
				}
				pg.Mentors = append(pg.Mentors, p)
			}
			// Those who may take the case first; the others, greyed, say why not.
			slices.SortStableFunc(pg.Mentors, func(a, b overviewPerson) int {
				off := func(p overviewPerson) int {
					if p.NotReady || p.Full {
						return 1
					}
					return 0
				}
				return cmp.Compare(off(a), off(b))
			})
		}
		staff, err := h.store.ProgramStaff(ctx, c.ProgramID, auth.Psychologist)
		if err != nil {
			return nil, err
		}
		for _, u := range staff {
			pg.Psychologists = append(pg.Psychologists, overviewPerson{ID: u.ID, Name: overviewName(u)})
		}
	}
	if pg.Program.Custody.Enabled {
		cu, err := h.store.CaseCustody(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		pg.Custody = &cu
		all, err := h.store.Facilities(ctx, c.ProgramID)
		if err != nil {
			return nil, err
		}
		pg.Facilities = offeredFacilities(all, cu.FacilityID)
	}

	pg.Move = overviewFormOr(forms.Move, nil)
	pg.Close = newForm(nil)
	if forms.Move != nil && forms.Move.Is("to", cases.Closed) {
		pg.Close, pg.Move = forms.Move, newForm(nil)
	}
	pg.CanClose = c.State != cases.Closed && slices.Contains(pg.Next, cases.Closed)
	pg.Closes = pg.CanClose && (pg.Close.Refused() || r.URL.Query().Get("close") == "1")
	for _, st := range pg.Next {
		if st != cases.Closed || !pg.CanClose {
			pg.Moves = append(pg.Moves, st)
		}
	}
	pg.Match = overviewFormOr(forms.Match, nil)
	pg.EndMatch = overviewFormOr(forms.EndMatch, nil)
	pg.Psychologist = overviewFormOr(forms.Psychologist, map[string]string{"psychologist_id": strconv.FormatInt(c.PsychologistID, 10)})
	pg.Step = overviewFormOr(forms.Step, map[string]string{"owner": string(cases.OwnerMentee)})
	if pg.Custody != nil {
		pg.CustodyForm = overviewFormOr(forms.Custody, custodyValues(*pg.Custody))
	} else if pg.Alert == "" {
		pg.Alert = forms.Custody.unshown()
	}
	return pg, nil
}

// overviewFormOr is the refused form f, or a fresh one with the stored values.
func overviewFormOr(f *form, values map[string]string) *form {
	if f != nil {
		return f
	}
	return newForm(values)
}

// overviewName is how a staff member is named on a case: their name, or their
// email address when they gave none.
func overviewName(u auth.User) string { return cmp.Or(u.Name, u.Email) }

const overviewWeek = 7 * 24 * time.Hour

// latestTransitions is how many of a case's moves its overview shows
// unfolded: the latest ones.
const latestTransitions = 3

// overviewSignalsOf computes the signals and draws the chart of requests
// per week, in the language of p.
func overviewSignalsOf(p *i18n.Printer, prog program.Program, c cases.Case, times []time.Time, now time.Time) overviewSignals {
	pr := cases.ProgressOf(c, times, now)
	s := overviewSignals{Progress: pr, Weeks: len(pr.RequestsPerWeek)}
	for _, n := range pr.RequestsPerWeek {
		s.Requests += n
	}
	if pr.Quiet && pr.QuietSince != nil {
		s.QuietWeeks = prog.QuietWeeks + int(now.Sub(*pr.QuietSince)/overviewWeek)
	}
	s.Trend = overviewTrend(pr)
	s.Chart = weeklyChart(pr.RequestsPerWeek, pr.Trend, chartText{
		Title: p.T("case.chart.title"),
		Desc: p.N("case.chart.desc", s.Weeks, "requests", s.Requests) + " " +
			p.T("case.chart.trend", "trend", p.T("case.trend."+s.Trend)),
		XAxis: p.T("case.chart.x_axis"),
		YAxis: p.T("case.chart.y_axis"),
		Bar: func(wk, n int) string {
			return p.T("case.chart.week", "week", wk) + ": " + p.N("case.chart.requests", n)
		},
	})
	return s
}

// overviewTrend names the trend of the requests (case.trend.…): falling is
// progress; with fewer than three weeks it is too early to tell.
func overviewTrend(pr cases.Progress) string {
	switch {
	case len(pr.RequestsPerWeek) < 3:
		return "early"
	case pr.Falling:
		return "falling"
	case pr.Trend > 0.05:
		return "rising"
	}
	return "steady"
}

// overviewAt is the path of a case's overview with a notice and an anchor.
func overviewAt(c cases.Case, done, anchor string) string {
	p := "/cases/" + strconv.FormatInt(c.ID, 10)
	if done != "" {
		p += "?done=" + done
	}
	if anchor != "" {
		p += "#" + anchor
	}
	return p
}

// reloadCase reads the case again after a refused action, so that the page
// shows it as it is now.
func (h *Web) reloadCase(r *http.Request, c cases.Case) cases.Case {
	if fresh, err := h.store.GetCase(r.Context(), c.ID); err == nil {
		return fresh
	}
	return c
}
