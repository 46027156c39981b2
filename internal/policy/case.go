package policy

import (
	"context"
	"slices"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/identity"
	"homeward/internal/store"
)

// CaseRef is what the policy needs to know of a case to decide on it: its
// program and who works on it now.
type CaseRef struct {
	ProgramID      int64
	MentorID       int64 // the running match's mentor, 0 without one
	PsychologistID int64 // the assigned psychologist, 0 without one
}

// RefOf returns the policy's view of a case.
func RefOf(c cases.Case) CaseRef {
	return CaseRef{ProgramID: c.ProgramID, MentorID: c.MentorID, PsychologistID: c.PsychologistID}
}

// CanCase tells whether the user may do the action on the case. The admin
// sees no case content (separation of duties); viewers and partners never
// reach a person's record; a mentor reaches only the cases they are
// matched to now, a psychologist only those assigned to them.
func CanCase(u auth.User, a Action, c CaseRef) bool {
	if u.Status != auth.StatusActive || c.ProgramID == 0 {
		return false
	}
	coordinator := u.Role == auth.Coordinator && slices.Contains(u.Programs, c.ProgramID)
	mentor := u.Role == auth.Mentor && c.MentorID == u.ID && slices.Contains(u.Programs, c.ProgramID)
	psychologist := u.Role == auth.Psychologist && c.PsychologistID == u.ID && slices.Contains(u.Programs, c.ProgramID)
	switch a {
	case CaseView, HistoryRead:
		return coordinator || mentor || psychologist
	case CaseManage, ErasureAsk, MenteeExport, PortalAccount, RetentionHold:
		return coordinator
	case ErasureDecide:
		// The admin decides without reading the case (separation of duties).
		return coordinator || u.Role == auth.Admin
	case CaseWork:
		return coordinator || mentor
	case FinalMeeting:
		return coordinator || psychologist
	}
	return false
}

// CheckCase is CanCase as an error: errs.NotFound when the user may not even
// see the case (so its existence is not revealed), errs.Forbidden otherwise.
func CheckCase(ctx context.Context, a Action, c CaseRef) error {
	if _, ok := identity.From(ctx); !ok {
		return &errs.Error{Kind: errs.KindUnauthorized, Code: "unauthorized", Message: "Sign in first."}
	}
	u := Actor(ctx)
	if CanCase(u, a, c) {
		return nil
	}
	if !CanCase(u, CaseView, c) {
		return errs.NotFound("case")
	}
	return errs.Forbidden("You may not do this.")
}

// HistoryParts returns the parts of the sealed history the user may read on
// a case: every part for the program's coordinators and the case's
// psychologist, the shared parts for the case's mentor, none for anyone else.
func HistoryParts(u auth.User, c CaseRef, shared []cases.HistoryPart) []cases.HistoryPart {
	if !CanCase(u, HistoryRead, c) {
		return nil
	}
	if u.Role == auth.Mentor {
		var out []cases.HistoryPart
		for _, p := range cases.HistoryParts {
			if slices.Contains(shared, p) {
				out = append(out, p)
			}
		}
		return out
	}
	return slices.Clone(cases.HistoryParts)
}

// NoteVisibilities returns the note levels the user may read (and write)
// on a case: coordinators the team and mentor levels, the case's
// psychologist every level, the case's mentor the mentor level.
func NoteVisibilities(u auth.User, c CaseRef) []cases.Visibility {
	if !CanCase(u, CaseView, c) {
		return nil
	}
	switch u.Role {
	case auth.Coordinator:
		return []cases.Visibility{cases.VisibleMentor, cases.VisibleTeam}
	case auth.Psychologist:
		return []cases.Visibility{cases.VisibleMentor, cases.VisibleTeam, cases.VisiblePsychologist}
	case auth.Mentor:
		return []cases.Visibility{cases.VisibleMentor}
	}
	return nil
}

// CaseScope is the case-list scope of a user: a coordinator's programs, a
// mentor's own cases, a psychologist's assigned cases; nothing for anyone
// else (the admin included).
func CaseScope(u auth.User) store.CaseScope {
	if u.Status != auth.StatusActive {
		return store.CaseScope{None: true}
	}
	switch u.Role {
	case auth.Coordinator:
		return store.CaseScope{ProgramIDs: slices.Clone(u.Programs)}
	case auth.Mentor:
		return store.CaseScope{ProgramIDs: slices.Clone(u.Programs), MentorID: u.ID}
	case auth.Psychologist:
		return store.CaseScope{ProgramIDs: slices.Clone(u.Programs), PsychologistID: u.ID}
	}
	return store.CaseScope{None: true}
}

// ManagedPrograms returns the programs of the cases in which the user may
// do CaseManage, each once: a mentee's portal account, given by a
// coordinator, is in these.
func ManagedPrograms(u auth.User, all []cases.Case) []int64 {
	var out []int64
	for _, c := range all {
		if CanCase(u, CaseManage, RefOf(c)) && !slices.Contains(out, c.ProgramID) {
			out = append(out, c.ProgramID)
		}
	}
	return out
}

// MenteeThrough decides on a mentee through their cases (all of them): the
// user may do the action on the mentee when they may do it on one of the
// cases, which is returned as via, with the cases the user may view. A
// mentee with no case the user may view is errs.NotFound; one they may view
// but not act on errs.Forbidden.
func MenteeThrough(u auth.User, a Action, all []cases.Case) (visible []cases.Case, via cases.Case, err error) {
	found := false
	for _, c := range all {
		if !CanCase(u, CaseView, RefOf(c)) {
			continue
		}
		visible = append(visible, c)
		if !found && CanCase(u, a, RefOf(c)) {
			via, found = c, true
		}
	}
	if len(visible) == 0 {
		return nil, via, errs.NotFound("mentee")
	}
	if !found {
		return nil, via, errs.Forbidden("You may not do this.")
	}
	return visible, via, nil
}
