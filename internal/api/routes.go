package api

import (
	"homeward/internal/policy"
	"homeward/internal/route"
)

// Routes is the route table of the API. The OpenAPI document must describe
// exactly these routes (TestOpenAPIMatchesRoutes).
func (a *API) Routes() []route.Route {
	return []route.Route{
		{Method: "GET", Path: Prefix + "/openapi.json", Access: route.Public, Handler: a.handle(a.openAPI)},

		{Method: "GET", Path: Prefix + "/programs", Access: route.SignedIn, Action: policy.Any, Handler: a.handle(a.programList)},
		{Method: "POST", Path: Prefix + "/programs", Access: route.SignedIn, Action: policy.ProgramCreate, Handler: a.handle(a.programCreate)},
		{Method: "GET", Path: Prefix + "/programs/{id}", Access: route.SignedIn, Action: policy.ProgramView, Handler: a.handle(a.programGet)},
		{Method: "PATCH", Path: Prefix + "/programs/{id}", Access: route.SignedIn, Action: policy.ProgramEdit, Handler: a.handle(a.programUpdate)},
		// A program's facilities: seen with the program, kept by its coordinators and the admin.
		{Method: "GET", Path: Prefix + "/programs/{id}/facilities", Access: route.SignedIn, Action: policy.ProgramView, Handler: a.handle(a.facilityList)},
		{Method: "POST", Path: Prefix + "/programs/{id}/facilities", Access: route.SignedIn, Action: policy.ProgramEdit, Handler: a.handle(a.facilityCreate)},
		{Method: "PATCH", Path: Prefix + "/facilities/{id}", Access: route.SignedIn, Action: policy.ProgramEdit, Handler: a.handle(a.facilityUpdate)},
		// Importing a program's existing cases from a spreadsheet: its coordinators.
		{Method: "POST", Path: Prefix + "/programs/{id}/import", Access: route.SignedIn, Action: policy.CaseImport, Handler: a.handle(a.caseImport)},
		// A program's staff, for those who assign people to its cases.
		{Method: "GET", Path: Prefix + "/programs/{id}/staff", Access: route.SignedIn, Action: policy.ProgramStaff, Handler: a.handle(a.programStaffList)},

		// The user's own notifications (the inbox of the bell), those whose
		// record they may still see.
		{Method: "GET", Path: Prefix + "/notifications", Access: route.SignedIn, Action: policy.Any, Handler: a.handle(a.notificationList)},
		{Method: "POST", Path: Prefix + "/notifications/read", Access: route.SignedIn, Action: policy.Any, Handler: a.handle(a.notificationsRead)},
		// How the user is told of notifications by e-mail (staff's).
		{Method: "GET", Path: Prefix + "/account/notification-settings", Access: route.SignedIn, Action: policy.OwnNotificationSettings, Handler: a.handle(a.notificationSettingsGet)},
		{Method: "PUT", Path: Prefix + "/account/notification-settings", Access: route.SignedIn, Action: policy.OwnNotificationSettings, Handler: a.handle(a.notificationSettingsPut)},

		// Users: the administrator's (policy.UserManage; everyone else gets
		// 403). An account, never a case's content.
		{Method: "GET", Path: Prefix + "/users", Access: route.SignedIn, Action: policy.UserManage, Handler: a.handle(a.userList)},
		{Method: "POST", Path: Prefix + "/users", Access: route.SignedIn, Action: policy.UserManage, Handler: a.handle(a.userCreate)},
		{Method: "GET", Path: Prefix + "/users/{id}", Access: route.SignedIn, Action: policy.UserManage, Handler: a.handle(a.userGet)},
		{Method: "PATCH", Path: Prefix + "/users/{id}", Access: route.SignedIn, Action: policy.UserManage, Handler: a.handle(a.userUpdate)},
		{Method: "PUT", Path: Prefix + "/users/{id}/status", Access: route.SignedIn, Action: policy.UserManage, Handler: a.handle(a.userStatus)},
		{Method: "POST", Path: Prefix + "/users/{id}/link", Access: route.SignedIn, Action: policy.UserManage, Handler: a.handle(a.userLink)},
		{Method: "DELETE", Path: Prefix + "/users/{id}/sessions", Access: route.SignedIn, Action: policy.UserManage, Handler: a.handle(a.userSessionsEnd)},

		// The outcomes report: counts only, for the programs' coordinators
		// and viewers; the exports are always suppressed.
		{Method: "GET", Path: Prefix + "/reports/outcomes", Access: route.SignedIn, Action: policy.ReportView, Handler: a.handle(a.reportOutcomes)},
		{Method: "GET", Path: Prefix + "/reports/outcomes.csv", Access: route.SignedIn, Action: policy.ReportView, Handler: a.handle(a.reportExport("csv"))},
		{Method: "GET", Path: Prefix + "/reports/outcomes.xlsx", Access: route.SignedIn, Action: policy.ReportView, Handler: a.handle(a.reportExport("xlsx"))},

		// The public mentor application (no sign-in), limited per client address.
		{Method: "POST", Path: Prefix + "/mentor-applications", Access: route.Public, Handler: a.handle(a.mentorApplicationCreate)},

		// The case journey, with the pages' authorization: lists are scoped by
		// policy.CaseScope; every case route decides on the case
		// (policy.CheckCase) and every mentee route on a case of the
		// mentee's, before anything else is read.
		{Method: "GET", Path: Prefix + "/mentees", Access: route.SignedIn, Action: policy.CaseList, Handler: a.handle(a.menteeList)},
		{Method: "POST", Path: Prefix + "/mentees", Access: route.SignedIn, Action: policy.MenteeCreate, Handler: a.handle(a.menteeCreate)},
		{Method: "GET", Path: Prefix + "/mentees/{id}", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.menteeGet)},
		{Method: "PUT", Path: Prefix + "/mentees/{id}", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.menteeUpdate)},
		{Method: "GET", Path: Prefix + "/mentees/{id}/history", Access: route.SignedIn, Action: policy.HistoryRead, Handler: a.handle(a.historyGet)},
		{Method: "PUT", Path: Prefix + "/mentees/{id}/history", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.historyUpdate)},
		{Method: "PUT", Path: Prefix + "/mentees/{id}/history/sharing", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.sharingUpdate)},
		{Method: "GET", Path: Prefix + "/mentees/{id}/consents", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.consentList)},
		{Method: "POST", Path: Prefix + "/mentees/{id}/consents", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.consentRecord)},
		{Method: "POST", Path: Prefix + "/mentees/{id}/portal", Access: route.SignedIn, Action: policy.PortalAccount, Handler: a.handle(a.portalInvite)},
		{Method: "GET", Path: Prefix + "/mentees/{id}/portal", Access: route.SignedIn, Action: policy.PortalAccount, Handler: a.handle(a.portalGet)},
		{Method: "POST", Path: Prefix + "/mentees/{id}/portal/link", Access: route.SignedIn, Action: policy.PortalAccount, Handler: a.handle(a.portalLink)},
		{Method: "PUT", Path: Prefix + "/mentees/{id}/portal/status", Access: route.SignedIn, Action: policy.PortalAccount, Handler: a.handle(a.portalStatus)},
		// A person's whole record (GDPR art. 15) and erasure (art. 17, asked
		// by one coordinator, decided by another or the admin).
		{Method: "GET", Path: Prefix + "/mentees/{id}/export", Access: route.SignedIn, Action: policy.MenteeExport, Handler: a.handle(a.menteeExport)},
		{Method: "GET", Path: Prefix + "/cases/{id}/erasure", Access: route.SignedIn, Action: policy.ErasureAsk, Handler: a.handle(a.erasureLatest)},
		{Method: "POST", Path: Prefix + "/cases/{id}/erasure", Access: route.SignedIn, Action: policy.ErasureAsk, Handler: a.handle(a.erasureAsk)},
		{Method: "GET", Path: Prefix + "/erasures", Access: route.SignedIn, Action: policy.ErasureList, Handler: a.handle(a.erasureList)},
		{Method: "POST", Path: Prefix + "/erasures/{id}/approve", Access: route.SignedIn, Action: policy.ErasureDecide, Handler: a.handle(a.erasureDecide(true))},
		{Method: "POST", Path: Prefix + "/erasures/{id}/refuse", Access: route.SignedIn, Action: policy.ErasureDecide, Handler: a.handle(a.erasureDecide(false))},
		// Retention per program: what falls due within a month, and legal holds.
		{Method: "GET", Path: Prefix + "/retention", Access: route.SignedIn, Action: policy.RetentionList, Handler: a.handle(a.retentionList)},
		{Method: "PUT", Path: Prefix + "/cases/{id}/retention-hold", Access: route.SignedIn, Action: policy.RetentionHold, Handler: a.handle(a.retentionHold)},
		{Method: "DELETE", Path: Prefix + "/cases/{id}/retention-hold", Access: route.SignedIn, Action: policy.RetentionHold, Handler: a.handle(a.retentionLift)},

		{Method: "GET", Path: Prefix + "/cases", Access: route.SignedIn, Action: policy.CaseList, Handler: a.handle(a.caseList)},
		{Method: "GET", Path: Prefix + "/cases/{id}", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.caseGet)},
		{Method: "PUT", Path: Prefix + "/cases/{id}/psychologist", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.casePsychologist)},
		{Method: "GET", Path: Prefix + "/cases/{id}/custody", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.custodyGet)},
		{Method: "PUT", Path: Prefix + "/cases/{id}/custody", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.custodyPut)},
		{Method: "GET", Path: Prefix + "/cases/{id}/transitions", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.transitionList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/transitions", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.transitionCreate)},
		{Method: "GET", Path: Prefix + "/cases/{id}/needs", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.needList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/needs", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.needAssess)},
		{Method: "GET", Path: Prefix + "/cases/{id}/plan-steps", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.planStepList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/plan-steps", Access: route.SignedIn, Action: policy.CaseWork, Handler: a.handle(a.planStepCreate)},
		{Method: "PATCH", Path: Prefix + "/cases/{id}/plan-steps/{step}", Access: route.SignedIn, Action: policy.CaseWork, Handler: a.handle(a.planStepUpdate)},
		{Method: "GET", Path: Prefix + "/cases/{id}/contacts", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.contactList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/contacts", Access: route.SignedIn, Action: policy.CaseWork, Handler: a.handle(a.contactCreate)},
		{Method: "GET", Path: Prefix + "/cases/{id}/requests", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.requestList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/requests", Access: route.SignedIn, Action: policy.CaseWork, Handler: a.handle(a.requestCreate)},
		{Method: "PATCH", Path: Prefix + "/cases/{id}/requests/{request}", Access: route.SignedIn, Action: policy.CaseWork, Handler: a.handle(a.requestUpdate)},
		{Method: "GET", Path: Prefix + "/cases/{id}/notes", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.noteList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/notes", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.noteCreate)},
		{Method: "GET", Path: Prefix + "/cases/{id}/match", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.matchGet)},
		{Method: "PUT", Path: Prefix + "/cases/{id}/match", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.matchAssign)},
		{Method: "DELETE", Path: Prefix + "/cases/{id}/match", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.matchEnd)},
		{Method: "GET", Path: Prefix + "/cases/{id}/signals", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.signalsGet)},
		{Method: "GET", Path: Prefix + "/cases/{id}/closing", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.closingGet)},
		{Method: "POST", Path: Prefix + "/cases/{id}/closing/agreement", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.closingAgree)},
		{Method: "POST", Path: Prefix + "/cases/{id}/closing/final-meeting", Access: route.SignedIn, Action: policy.FinalMeeting, Handler: a.handle(a.closingFinalMeeting)},
		{Method: "GET", Path: Prefix + "/cases/{id}/feedback", Access: route.SignedIn, Action: policy.FinalMeeting, Handler: a.handle(a.feedbackGet)},
		{Method: "PUT", Path: Prefix + "/cases/{id}/feedback", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.feedbackSave)},
		{Method: "GET", Path: Prefix + "/cases/{id}/outcomes", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.outcomeList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/outcomes", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.outcomeCreate)},
		{Method: "GET", Path: Prefix + "/cases/{id}/follow-ups", Access: route.SignedIn, Action: policy.FinalMeeting, Handler: a.handle(a.followUpList)},
		{Method: "PUT", Path: Prefix + "/cases/{id}/follow-ups/{followup}", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.followUpRecord)},

		// Mentors: a program's mentors (policy.MentorManage on the program),
		// a mentor's record (policy.CheckMentor before anything sealed is
		// read), training modules, suggestions and bulk matching.
		{Method: "GET", Path: Prefix + "/mentors", Access: route.SignedIn, Action: policy.MentorManage, Handler: a.handle(a.mentorList)},
		{Method: "GET", Path: Prefix + "/mentors/{id}", Access: route.SignedIn, Action: policy.MentorView, Handler: a.handle(a.mentorGet)},
		{Method: "PATCH", Path: Prefix + "/mentors/{id}", Access: route.SignedIn, Action: policy.MentorManage, Handler: a.handle(a.mentorUpdate)},
		{Method: "POST", Path: Prefix + "/mentors/{id}/acceptance", Access: route.SignedIn, Action: policy.MentorManage, Handler: a.handle(a.mentorAccept)},
		{Method: "POST", Path: Prefix + "/mentors/{id}/invitation", Access: route.SignedIn, Action: policy.MentorManage, Handler: a.handle(a.mentorInvite)},
		{Method: "GET", Path: Prefix + "/mentors/{id}/checks", Access: route.SignedIn, Action: policy.MentorView, Handler: a.handle(a.mentorCheckList)},
		{Method: "POST", Path: Prefix + "/mentors/{id}/checks", Access: route.SignedIn, Action: policy.MentorManage, Handler: a.handle(a.mentorCheckCreate)},
		{Method: "GET", Path: Prefix + "/mentors/{id}/notes", Access: route.SignedIn, Action: policy.MentorManage, Handler: a.handle(a.mentorNoteList)},
		{Method: "POST", Path: Prefix + "/mentors/{id}/notes", Access: route.SignedIn, Action: policy.MentorManage, Handler: a.handle(a.mentorNoteCreate)},
		{Method: "GET", Path: Prefix + "/mentors/{id}/training", Access: route.SignedIn, Action: policy.MentorView, Handler: a.handle(a.mentorTrainingList)},
		{Method: "PUT", Path: Prefix + "/mentors/{id}/training/{module}", Access: route.SignedIn, Action: policy.MentorView, Handler: a.handle(a.mentorTrainingSet)},
		{Method: "GET", Path: Prefix + "/training-modules", Access: route.SignedIn, Action: policy.MentorManage, Handler: a.handle(a.moduleList)},
		{Method: "POST", Path: Prefix + "/training-modules", Access: route.SignedIn, Action: policy.MentorManage, Handler: a.handle(a.moduleCreate)},
		{Method: "PATCH", Path: Prefix + "/training-modules/{id}", Access: route.SignedIn, Action: policy.MentorManage, Handler: a.handle(a.moduleUpdate)},
		{Method: "GET", Path: Prefix + "/cases/{id}/match-suggestions", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.matchSuggestions)},
		{Method: "GET", Path: Prefix + "/cases/{id}/match-profile", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.matchProfileGet)},
		{Method: "PUT", Path: Prefix + "/cases/{id}/match-profile", Access: route.SignedIn, Action: policy.CaseManage, Handler: a.handle(a.matchProfileSet)},
		{Method: "POST", Path: Prefix + "/matching/preview", Access: route.SignedIn, Action: policy.MentorManage, Handler: a.handle(a.matchingPreview)},
		{Method: "POST", Path: Prefix + "/matching/confirm", Access: route.SignedIn, Action: policy.MentorManage, Handler: a.handle(a.matchingConfirm)},

		// Partners: the directory of organisations and services (no mentee's
		// data: policy.DirectoryView to read, DirectoryEdit to change and
		// export, DirectoryImport to import an HSDS file), and referrals.
		// A case's referrals decide on the case (policy.CheckCase); every
		// referral route decides on the referral (policy.CheckReferral)
		// before anything sealed is read, and a partner user only ever gets
		// the partner's representation. GET /referrals is the user's own
		// list (policy.ReferralList; the handler scopes it: a partner's
		// inbox, a coordinator's programs, a mentor's cases); on
		// POST /referrals/{id}/events the handler decides the side
		// (ReferralSend or ReferralAnswer).
		{Method: "GET", Path: Prefix + "/partners", Access: route.SignedIn, Action: policy.DirectoryView, Handler: a.handle(a.partnerList)},
		{Method: "POST", Path: Prefix + "/partners", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: a.handle(a.partnerCreate)},
		{Method: "GET", Path: Prefix + "/partners/{id}", Access: route.SignedIn, Action: policy.DirectoryView, Handler: a.handle(a.partnerGet)},
		{Method: "PATCH", Path: Prefix + "/partners/{id}", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: a.handle(a.partnerUpdate)},
		{Method: "GET", Path: Prefix + "/services", Access: route.SignedIn, Action: policy.DirectoryView, Handler: a.handle(a.serviceList)},
		{Method: "POST", Path: Prefix + "/services", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: a.handle(a.serviceCreate)},
		{Method: "GET", Path: Prefix + "/services/{id}", Access: route.SignedIn, Action: policy.DirectoryView, Handler: a.handle(a.serviceGet)},
		{Method: "PATCH", Path: Prefix + "/services/{id}", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: a.handle(a.serviceUpdate)},
		{Method: "GET", Path: Prefix + "/directory/hsds", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: a.handle(a.directoryExport)},
		{Method: "POST", Path: Prefix + "/directory/hsds", Access: route.SignedIn, Action: policy.DirectoryImport, Handler: a.handle(a.directoryImport)},
		{Method: "GET", Path: Prefix + "/cases/{id}/referrals", Access: route.SignedIn, Action: policy.CaseView, Handler: a.handle(a.caseReferralList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/referrals", Access: route.SignedIn, Action: policy.CaseWork, Handler: a.handle(a.caseReferralCreate)},
		{Method: "GET", Path: Prefix + "/referrals", Access: route.SignedIn, Action: policy.ReferralList, Handler: a.handle(a.referralList)},
		{Method: "GET", Path: Prefix + "/referrals/{id}", Access: route.SignedIn, Action: policy.ReferralView, Handler: a.handle(a.referralGet)},
		{Method: "PATCH", Path: Prefix + "/referrals/{id}", Access: route.SignedIn, Action: policy.ReferralSend, Handler: a.handle(a.referralUpdate)},
		{Method: "GET", Path: Prefix + "/referrals/{id}/events", Access: route.SignedIn, Action: policy.ReferralView, Handler: a.handle(a.referralEventList)},
		{Method: "POST", Path: Prefix + "/referrals/{id}/events", Access: route.SignedIn, Action: policy.ReferralView, Handler: a.handle(a.referralEventCreate)},

		// Anything else under the API answers with a JSON 404.
		{Path: Prefix + "/", Access: route.SignedIn, Action: policy.Any, Handler: a.handle(a.notFound)},
	}
}
