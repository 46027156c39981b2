// Package policy answers, in one place, whether an actor may do an action on
// a record. Deny by default: an action not named here is refused. Lists are
// scoped by the same rules (Programs), so they only ever hold what the actor
// may see.
//
// Glossary words: every record kind the policy decides on — Program,
// Case, Mentor, Referral — and the roles of internal/auth.
package policy

import (
	"slices"

	"homeward/internal/auth"
	"homeward/internal/errs"
)

// Action is something an actor does.
type Action string

const (
	// Any is what every signed-in user may do: their home page, their own
	// account, and lists that the store scopes to what they may see.
	Any           Action = "any"
	ProgramCreate Action = "program.create"
	ProgramView   Action = "program.view"
	ProgramEdit   Action = "program.edit"
	// ProgramStaff is reading a program's staff (its coordinators, mentors
	// and psychologists, with the mentors' places): those who assign people
	// to the program's cases, its coordinators.
	ProgramStaff Action = "program.staff"
	// UserManage is inviting, editing and disabling users, and handing out
	// their password-reset links: the admin's alone.
	UserManage Action = "user.manage"
	// AuditRead is reading the audit log: the admin's alone.
	AuditRead Action = "audit.read"
	// JobManage is seeing the background jobs that wait or failed, and
	// retrying a failed one: the admin's alone.
	JobManage Action = "job.manage"
	// OwnTimeZone is choosing one's own time zone: staff's; a mentee's
	// times are always their program's.
	OwnTimeZone Action = "own.time_zone"
	// OwnNotificationSettings is choosing how one is told of notifications
	// by e-mail: staff's; a mentee gets no notifications.
	OwnNotificationSettings Action = "own.notification_settings"

	// CaseList is seeing a list of cases, scoped by CaseScope: the
	// coordinator's programs, the mentor's and the psychologist's own cases.
	CaseList Action = "case.list"
	// CaseExport is taking the case list away as a spreadsheet (case codes,
	// never names): a coordinator, of their programs.
	CaseExport Action = "case.export"
	// ReportView is reading the outcomes report of a program and taking it
	// away as a spreadsheet: its coordinators and its viewers (funders,
	// the board). A report holds counts only; a viewer's are suppressed.
	ReportView Action = "report.view"
	// ReportExact is seeing a report's exact counts on the page: a
	// program's coordinators; exports are always suppressed.
	ReportExact Action = "report.exact"
	// MenteeCreate is taking a person in (intake): a coordinator, in one of
	// their programs.
	MenteeCreate Action = "mentee.create"
	// CaseImport is importing a program's existing cases from a
	// spreadsheet: a coordinator, of their programs.
	CaseImport Action = "case.import"
	// CaseView is reading a case and the mentee's profile.
	CaseView Action = "case.view"
	// CaseManage is the coordinator's work on a case: intake, consents,
	// needs, transitions, the match, custody, closing and follow-ups.
	CaseManage Action = "case.manage"
	// CaseWork is the daily support: contacts, requests, plan steps and
	// notes — the coordinator and the case's mentor.
	CaseWork Action = "case.work"
	// HistoryRead is reading the sealed history: the program's
	// coordinators and the case's psychologist wholly, the mentor only the
	// parts the mentee shared (HistoryParts).
	HistoryRead Action = "history.read"
	// FinalMeeting is recording the psychologist's final meeting: the case's
	// psychologist, or a coordinator on their behalf.
	FinalMeeting Action = "case.final_meeting"
	// Portal is the mentee's own portal: their plan, requests, feedback and data.
	Portal Action = "portal"

	// MentorManage is the coordinator's work with the mentors of a program:
	// the screening board, checks and notes, acceptance, training modules
	// and completions, capacity and pauses, and bulk matching. On a program
	// (Can) or on a mentor (CanMentor).
	MentorManage Action = "mentor.manage"
	// MentorView is reading a mentor's record: the program's coordinators,
	// and the mentor themself (their own record, without screening notes).
	MentorView Action = "mentor.view"
	// MentorSelf is what a mentor does on their own record: reporting a
	// training module done.
	MentorSelf Action = "mentor.self"

	// DirectoryView is reading the directory of partners and services:
	// the staff who refer people (coordinators and mentors), the
	// psychologist and the admin. It holds no mentee's data.
	DirectoryView Action = "directory.view"
	// DirectoryEdit is adding and editing organisations and services, and
	// exporting the directory: the admin and coordinators.
	DirectoryEdit Action = "directory.edit"
	// DirectoryImport is importing an HSDS file into the directory: the admin's alone.
	DirectoryImport Action = "directory.import"
	// PartnerPortal is the partner user's inbox of their organisation's referrals.
	PartnerPortal Action = "partner.portal"
	// ReferralList is a list of referrals: a coordinator's programs', a
	// mentor's own cases', a partner user's organisation's.
	ReferralList Action = "referral.list"
	// ReferralView, ReferralSend and ReferralAnswer are decided on a
	// referral (CanReferral).
	ReferralView   Action = "referral.view"
	ReferralSend   Action = "referral.send"
	ReferralAnswer Action = "referral.answer"

	// ErasureAsk is asking for the erasure of a case's person (GDPR art.
	// 17): the program's coordinators (CanCase).
	ErasureAsk Action = "erasure.ask"
	// ErasureDecide is approving (which erases the person at once) or
	// refusing an erasure request: the program's coordinators and the
	// admin, but never the one who asked (the store's two-person rule).
	// Decided on the request's case (CanCase).
	ErasureDecide Action = "erasure.decide"
	// ErasureList is the list of erasure requests waiting for a decision:
	// coordinators (their programs') and the admin (every program's).
	ErasureList Action = "erasure.list"
	// MenteeExport is taking away everything Homeward holds about a person
	// (GDPR art. 15), sealed history and staff notes included: the
	// program's coordinators (CanCase, through the person's cases).
	MenteeExport Action = "mentee.export"
	// PortalAccount is managing a mentee's portal account: inviting them,
	// making a new invitation or reset link, disabling and enabling it — the
	// coordinators of the person's programs, never the admin.
	PortalAccount Action = "mentee.portal_account"
	// RetentionList is the list of cases whose person the program's
	// retention erases within a month: the coordinators (their programs').
	RetentionList Action = "retention.list"
	// RetentionHold is putting a case on hold from the retention (a legal
	// hold) and lifting it: the program's coordinators (CanCase).
	RetentionHold Action = "retention.hold"
)

// Can tells whether the user may do the action on the program programID
// (0 for actions on no record, such as creating one).
func Can(u auth.User, a Action, programID int64) bool {
	if u.Status != auth.StatusActive {
		return false
	}
	mine := slices.Contains(u.Programs, programID)
	switch a {
	case Any:
		return true
	case ProgramCreate:
		return u.Role == auth.Admin
	case ProgramView:
		// A partner user works for an organisation, not in a program.
		return u.Role == auth.Admin || (mine && u.Role != auth.Partner)
	case ProgramEdit:
		return u.Role == auth.Admin || (u.Role == auth.Coordinator && mine)
	case ProgramStaff:
		return u.Role == auth.Coordinator && mine
	case UserManage:
		return u.Role == auth.Admin
	case AuditRead, JobManage:
		return u.Role == auth.Admin
	case OwnTimeZone, OwnNotificationSettings:
		return u.Role != auth.Mentee
	case CaseList:
		return u.Role == auth.Coordinator || u.Role == auth.Mentor || u.Role == auth.Psychologist
	case ReportView:
		return (u.Role == auth.Coordinator || u.Role == auth.Viewer) && (programID == 0 || mine)
	case ReportExact:
		return u.Role == auth.Coordinator && mine
	case CaseExport, MenteeCreate, CaseImport:
		return u.Role == auth.Coordinator && (programID == 0 || mine)
	case Portal:
		return u.Role == auth.Mentee
	case MentorManage:
		return u.Role == auth.Coordinator && (programID == 0 || mine)
	case DirectoryView:
		return u.Role == auth.Admin || u.Role == auth.Coordinator || u.Role == auth.Mentor || u.Role == auth.Psychologist
	case DirectoryEdit:
		return u.Role == auth.Admin || u.Role == auth.Coordinator
	case DirectoryImport:
		return u.Role == auth.Admin
	case PartnerPortal:
		return u.Role == auth.Partner && u.PartnerID != 0
	case ReferralList:
		return u.Role == auth.Coordinator || u.Role == auth.Mentor || (u.Role == auth.Partner && u.PartnerID != 0)
	case ErasureList:
		return u.Role == auth.Admin || u.Role == auth.Coordinator
	case RetentionList:
		return u.Role == auth.Coordinator
	}
	return false
}

// actions lists every action, for Known.
var actions = []Action{Any, ProgramCreate, ProgramView, ProgramEdit, ProgramStaff, UserManage, AuditRead, JobManage, OwnTimeZone,
	OwnNotificationSettings, CaseList, CaseExport, ReportView, ReportExact, MenteeCreate, CaseImport, CaseView, CaseManage, CaseWork, HistoryRead, FinalMeeting, Portal,
	MentorManage, MentorView, MentorSelf, DirectoryView, DirectoryEdit, DirectoryImport, PartnerPortal,
	ReferralList, ReferralView, ReferralSend, ReferralAnswer, ErasureAsk, ErasureDecide, ErasureList, MenteeExport, PortalAccount,
	RetentionList, RetentionHold}

// Known tells whether a is an action of this policy: a route must declare one.
func Known(a Action) bool { return slices.Contains(actions, a) }

// OnRecord tells whether the action is decided on a record (which program),
// rather than on the role alone.
func OnRecord(a Action) bool {
	switch a {
	case ProgramView, ProgramEdit, ProgramStaff, CaseView, CaseManage, CaseWork, HistoryRead, FinalMeeting,
		MentorManage, MentorView, MentorSelf, ReferralView, ReferralSend, ReferralAnswer, ErasureAsk, ErasureDecide, MenteeExport, PortalAccount,
		RetentionHold:
		return true
	}
	return false
}

// Check is Can as an error: errs.NotFound when the user may not even see the
// record (so its existence is not revealed), errs.Forbidden otherwise.
func Check(u auth.User, a Action, programID int64) error {
	if Can(u, a, programID) {
		return nil
	}
	if programID != 0 && !Can(u, ProgramView, programID) {
		return errs.NotFound("program")
	}
	return errs.Forbidden("You may not do this.")
}

// Programs returns the program ids a user's lists are limited to, and
// whether they see every program (the admin).
func Programs(u auth.User) (ids []int64, all bool) {
	if u.Role == auth.Admin {
		return nil, true
	}
	return u.Programs, false
}
