package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/store"
	"homeward/internal/zone"
)

// readProfile reads the profile fields body names onto p; the others keep
// their value. body has been checked (decodeStrict) against a type that
// embeds cases.Profile, so it reads. Its other fields are not the
// profile's (intakeInput's), or the caller sets them itself (version).
func readProfile(body []byte, p *cases.Profile) {
	_ = json.Unmarshal(body, p)
}

// intakeInput is the body of POST /mentees: the person, the program and
// state of their first case, and the answer to the duplicate check.
type intakeInput struct {
	cases.Profile
	ProgramID    int64       `json:"program_id"`
	State        cases.State `json:"state"`
	ConfirmNew   bool        `json:"confirm_new"`
	LinkMenteeID int64       `json:"link_mentee_id"`
	// Consents are the consents the person gave, recorded with the case.
	Consents []cases.ConsentKind `json:"consents"`
}

// menteeSummary is a mentee in the list: no name, only the case code and
// the cases the user may see.
type menteeSummary struct {
	ID       int64         `json:"id"`
	CaseCode string        `json:"case_code"`
	Cases    []menteeCaseV `json:"cases"`
}

type menteeCaseV struct {
	ID        int64       `json:"id"`
	ProgramID int64       `json:"program_id"`
	State     cases.State `json:"state"`
}

// menteeView is a mentee's profile with the cases of theirs the user may see.
type menteeView struct {
	cases.Mentee
	Cases []cases.Case `json:"cases"`
}

// intakeResult is what an intake created.
type intakeResult struct {
	Mentee cases.Mentee `json:"mentee"`
	Case   cases.Case   `json:"case"`
}

// duplicateBody is the 409 answer of an intake that found likely
// duplicates: the error and the candidates, without their names.
type duplicateBody struct {
	Error      errorDetail       `json:"error"`
	Candidates []duplicateMentee `json:"candidates"`
}

type duplicateMentee struct {
	MenteeID int64    `json:"mentee_id"`
	CaseCode string   `json:"case_code"`
	Why      []string `json:"why"`
}

// menteeList lists the mentees who have a case the user may see, by case
// code. There is no store call that lists mentees, so the list is read from
// the scoped case list sorted by code: the cases of one mentee (who share
// the case code) are gathered into one item, and the page's limit counts
// cases, not mentees.
func (a *API) menteeList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	f := store.CaseFilter{Scope: policy.CaseScope(policy.Actor(r.Context())), Sort: store.SortCode,
		Code: strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("code")))}
	list, next, err := a.store.ListCases(r.Context(), f, page)
	if err != nil {
		return err
	}
	var items []menteeSummary
	for _, c := range list {
		if n := len(items); n > 0 && items[n-1].ID == c.MenteeID {
			items[n-1].Cases = append(items[n-1].Cases, menteeCaseV{ID: c.ID, ProgramID: c.ProgramID, State: c.State})
			continue
		}
		items = append(items, menteeSummary{ID: c.MenteeID, CaseCode: c.Code,
			Cases: []menteeCaseV{{ID: c.ID, ProgramID: c.ProgramID, State: c.State}}})
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

// menteeCreate takes a person in: the mentee (or a link to one already
// known) and their case. Before a new mentee is created the duplicate check
// runs; when it finds likely matches, the answer is 409 with them, and the
// client sends again with "confirm_new": true or "link_mentee_id".
func (a *API) menteeCreate(w http.ResponseWriter, r *http.Request) error {
	in := intakeInput{State: cases.Referred}
	body, err := readBody(w, r)
	if err == nil {
		err = decodeStrict(body, &in)
	}
	if err != nil {
		return err
	}
	f := map[string]string{}
	if in.ProgramID <= 0 {
		f["program_id"] = "validation.required"
	}
	if in.State != cases.Referred && in.State != cases.Intake {
		f["state"] = "validation.choice"
	}
	if in.ConfirmNew && in.LinkMenteeID != 0 {
		f["link_mentee_id"] = "validation.link_or_new"
	}
	if in.LinkMenteeID < 0 {
		f["link_mentee_id"] = "validation.no_such_mentee"
	}
	for _, k := range in.Consents {
		if !k.Valid() {
			f["consents"] = "validation.choice"
		}
	}
	if err := invalidIf(f); err != nil {
		return err
	}
	if err := policy.CheckRequest(r.Context(), policy.MenteeCreate, in.ProgramID); err != nil {
		return err
	}
	intake := store.Intake{ProgramID: in.ProgramID, State: in.State, ActorID: actorID(r), Consents: in.Consents}
	if in.LinkMenteeID != 0 {
		// Linking reaches only a mentee the user may already see: a link
		// must not open someone else's record to a new program.
		if _, _, err := a.menteeAccess(r, in.LinkMenteeID, policy.CaseView); err != nil {
			if errs.Is(err, errs.KindNotFound) || errs.Is(err, errs.KindForbidden) {
				err = errs.Invalid(map[string]string{"link_mentee_id": "validation.no_such_mentee"})
			}
			return err
		}
		intake.ExistingMenteeID = in.LinkMenteeID
	} else {
		readProfile(body, &intake.Mentee.Profile)
		intake.Mentee.Normalize()
		// Without a case code, the program makes it from its pattern (the
		// store refuses when the program has none).
		if err := intake.Mentee.ValidateIntake(zone.TodayIn(r.Context(), a.store.Now()).Year(), intake.Mentee.CaseCode == ""); err != nil {
			return err
		}
		if !in.ConfirmNew {
			found, err := a.store.FindDuplicates(r.Context(), intake.Mentee, policy.CaseScope(policy.Actor(r.Context())))
			if err != nil {
				return err
			}
			if len(found) > 0 {
				return a.duplicates(w, r, found)
			}
		}
	}
	m, c, err := a.store.CreateIntake(r.Context(), intake)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/mentees/"+strconv.FormatInt(m.ID, 10))
	return writeJSON(w, http.StatusCreated, intakeResult{Mentee: m, Case: c})
}

// duplicates answers 409 with the likely duplicates; nothing was created.
func (a *API) duplicates(w http.ResponseWriter, r *http.Request, found []cases.DuplicateCandidate) error {
	err := errs.Conflict("This person may already be known. Link to one of the candidates (link_mentee_id) or confirm a new person (confirm_new).", nil)
	e := errs.As(err)
	body := duplicateBody{Error: errorDetail{Code: "duplicate", Message: e.Message}}
	for _, d := range found {
		why := d.Why
		if why == nil {
			why = []string{}
		}
		body.Candidates = append(body.Candidates, duplicateMentee{MenteeID: d.Mentee.ID, CaseCode: d.Mentee.CaseCode, Why: why})
	}
	return writeJSON(w, errs.Status(err), body)
}

func (a *API) menteeGet(w http.ResponseWriter, r *http.Request) error {
	m, visible, _, err := a.menteeFromPath(r, policy.CaseView)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, menteeView{Mentee: m, Cases: visible})
}

// menteeUpdate changes the profile fields the body names; the body must
// carry the version last read (409 when the profile changed since).
func (a *API) menteeUpdate(w http.ResponseWriter, r *http.Request) error {
	m, _, _, err := a.menteeFromPath(r, policy.CaseManage)
	if err != nil {
		return err
	}
	type update struct {
		cases.Profile
		Version *int64 `json:"version"`
	}
	body, version, err := versionedBody(w, r, &update{})
	if err != nil {
		return err
	}
	readProfile(body, &m.Profile)
	m.Version = version
	m, err = a.store.UpdateMentee(r.Context(), m)
	if err != nil {
		return err
	}
	visible, _, err := a.menteeAccess(r, m.ID, policy.CaseView) // the case code may have changed
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, menteeView{Mentee: m, Cases: visible})
}
