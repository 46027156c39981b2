package web

import (
	"homeward/internal/policy"
	"homeward/internal/route"
)

// Routes is the route table of the pages. GET and HEAD never change state.
func (h *Web) Routes() []route.Route {
	return []route.Route{
		{Method: "GET", Path: "/{$}", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.home)},
		{Method: "GET", Path: "/assets/{file}", Access: route.Public, Handler: h.handle(h.asset)},
		{Method: "POST", Path: "/language", Access: route.Public, Handler: h.handle(h.setLanguage)},

		{Method: "GET", Path: "/login", Access: route.Public, Handler: h.handle(h.loginForm)},
		{Method: "POST", Path: "/login", Access: route.Public, Handler: h.handle(h.login)},
		{Method: "POST", Path: "/logout", Access: route.SigningIn, Action: policy.Any, Handler: h.handle(h.logout)},
		{Method: "GET", Path: "/login/factor", Access: route.SigningIn, Action: policy.Any, Handler: h.handle(h.factorForm)},
		{Method: "POST", Path: "/login/factor", Access: route.SigningIn, Action: policy.Any, Handler: h.handle(h.factorProve)},
		{Method: "POST", Path: "/login/passkey/options", Access: route.SigningIn, Action: policy.Any, Handler: h.handle(h.passkeyLoginOptions)},
		{Method: "POST", Path: "/login/passkey", Access: route.SigningIn, Action: policy.Any, Handler: h.handle(h.passkeyLogin)},
		{Method: "GET", Path: "/login/enrol", Access: route.SigningIn, Action: policy.Any, Handler: h.handle(h.enrolForm)},
		{Method: "GET", Path: "/link/{token}", Access: route.Public, Handler: h.handle(h.linkForm)},
		{Method: "POST", Path: "/link/{token}", Access: route.Public, Handler: h.handle(h.useLink)},

		{Method: "GET", Path: "/programs", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.programList)},
		{Method: "GET", Path: "/programs/new", Access: route.SignedIn, Action: policy.ProgramCreate, Handler: h.handle(h.programNew)},
		{Method: "POST", Path: "/programs", Access: route.SignedIn, Action: policy.ProgramCreate, Handler: h.handle(h.programCreate)},
		{Method: "GET", Path: "/programs/{id}", Access: route.SignedIn, Action: policy.ProgramView, Handler: h.handle(h.programShow)},
		{Method: "GET", Path: "/programs/{id}/edit", Access: route.SignedIn, Action: policy.ProgramEdit, Handler: h.handle(h.programEdit)},
		{Method: "POST", Path: "/programs/{id}", Access: route.SignedIn, Action: policy.ProgramEdit, Handler: h.handle(h.programUpdate)},
		// A program's facilities (prisons and remand centres): its coordinators and the admin.
		{Method: "POST", Path: "/programs/{id}/facilities", Access: route.SignedIn, Action: policy.ProgramEdit, Handler: h.handle(h.facilityCreate)},
		{Method: "POST", Path: "/facilities/{id}", Access: route.SignedIn, Action: policy.ProgramEdit, Handler: h.handle(h.facilityUpdate)},
		// Importing a program's existing cases from a spreadsheet: its coordinators.
		{Method: "GET", Path: "/programs/{id}/import", Access: route.SignedIn, Action: policy.CaseImport, Handler: h.handle(h.caseImportForm)},
		{Method: "POST", Path: "/programs/{id}/import", Access: route.SignedIn, Action: policy.CaseImport, Handler: h.handle(h.caseImport)},
		// A program's funder table: which figures of its report, in which
		// order, under which labels (its coordinators, or the admin).
		{Method: "GET", Path: "/programs/{id}/funder-table", Access: route.SignedIn, Action: policy.ProgramEdit, Handler: h.handle(h.funderForm)},
		{Method: "POST", Path: "/programs/{id}/funder-table", Access: route.SignedIn, Action: policy.ProgramEdit, Handler: h.handle(h.funderSave)},
		// The outcomes report: counts only, for the programs' coordinators
		// and viewers; the exports are always suppressed.
		{Method: "GET", Path: "/reports/outcomes", Access: route.SignedIn, Action: policy.ReportView, Handler: h.handle(h.reportShow)},
		{Method: "GET", Path: "/reports/outcomes.csv", Access: route.SignedIn, Action: policy.ReportView, Handler: h.handle(h.reportExport("csv"))},
		{Method: "GET", Path: "/reports/outcomes.xlsx", Access: route.SignedIn, Action: policy.ReportView, Handler: h.handle(h.reportExport("xlsx"))},
		// The public mentor application form of a program: no login; it shows
		// only the program's name and description and reads nothing else.
		{Method: "GET", Path: "/programs/{id}/apply", Access: route.Public, Handler: h.handle(h.applyFormPage)},
		{Method: "POST", Path: "/programs/{id}/apply", Access: route.Public, Handler: h.handle(h.applySubmit)},
		{Method: "GET", Path: "/programs/{id}/apply/done", Access: route.Public, Handler: h.handle(h.applyDonePage)},

		// The person's own account: second factors (set up while signing in
		// too), sessions, API tokens, the calendar feed.
		{Method: "GET", Path: "/account", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.account)},
		// "Confirm it is you": a fresh proof before a sensitive step (proof.go).
		{Method: "GET", Path: "/account/confirm", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.confirmForm)},
		{Method: "POST", Path: "/account/confirm", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.confirmProve)},
		{Method: "POST", Path: "/account/confirm/passkey/options", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.confirmPasskeyOptions)},
		{Method: "POST", Path: "/account/confirm/passkey", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.confirmPasskey)},
		{Method: "POST", Path: "/account/totp/begin", Access: route.SigningIn, Action: policy.Any, Handler: h.handle(h.totpBegin)},
		{Method: "POST", Path: "/account/totp", Access: route.SigningIn, Action: policy.Any, Handler: h.handle(h.totpConfirm)},
		{Method: "POST", Path: "/account/totp/remove", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.totpRemove)},
		{Method: "POST", Path: "/account/passkeys/options", Access: route.SigningIn, Action: policy.Any, Handler: h.handle(h.passkeyRegisterOptions)},
		{Method: "POST", Path: "/account/passkeys", Access: route.SigningIn, Action: policy.Any, Handler: h.handle(h.passkeyRegister)},
		{Method: "POST", Path: "/account/passkeys/{id}/remove", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.passkeyRemove)},
		{Method: "POST", Path: "/account/recovery-codes", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.recoveryCodesNew)},
		{Method: "POST", Path: "/account/sessions/{id}/end", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.sessionEnd)},
		{Method: "POST", Path: "/account/tokens", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.tokenCreate)},
		{Method: "POST", Path: "/account/tokens/{id}/revoke", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.tokenRevoke)},
		// The user's notifications (the bell's inbox): their own, and of
		// those only the ones whose record they may still see.
		{Method: "GET", Path: "/notifications", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.notificationList)},
		{Method: "POST", Path: "/notifications/read", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.notificationsRead)},
		{Method: "POST", Path: "/account/time-zone", Access: route.SignedIn, Action: policy.OwnTimeZone, Handler: h.handle(h.timeZoneSave)},
		// How the person is told of notifications by e-mail.
		{Method: "POST", Path: "/account/notification-settings", Access: route.SignedIn, Action: policy.OwnNotificationSettings, Handler: h.handle(h.notificationSettingsSave)},
		// The person's calendar feed: its secret address is made (shown
		// once) and revoked here, by those who have a case list; a
		// calendar app reads it without a session, by the address alone.
		{Method: "POST", Path: "/account/calendar-feed", Access: route.SignedIn, Action: policy.CaseList, Handler: h.handle(h.calendarFeedCreate)},
		{Method: "POST", Path: "/account/calendar-feed/revoke", Access: route.SignedIn, Action: policy.CaseList, Handler: h.handle(h.calendarFeedRevoke)},
		{Method: "GET", Path: "/calendar/{file}", Access: route.Public, Handler: h.handle(h.calendarFeed)},

		// Administration: users and the audit log, for administrators
		// (policy.UserManage, policy.AuditRead; everyone else gets 403).
		{Method: "GET", Path: "/admin/users", Access: route.SignedIn, Action: policy.UserManage, Handler: h.handle(h.userList)},
		{Method: "GET", Path: "/admin/users/new", Access: route.SignedIn, Action: policy.UserManage, Handler: h.handle(h.userNew)},
		{Method: "POST", Path: "/admin/users", Access: route.SignedIn, Action: policy.UserManage, Handler: h.handle(h.userCreate)},
		{Method: "GET", Path: "/admin/users/{id}", Access: route.SignedIn, Action: policy.UserManage, Handler: h.handle(h.userShow)},
		{Method: "POST", Path: "/admin/users/{id}", Access: route.SignedIn, Action: policy.UserManage, Handler: h.handle(h.userUpdate)},
		{Method: "POST", Path: "/admin/users/{id}/status", Access: route.SignedIn, Action: policy.UserManage, Handler: h.handle(h.userStatus)},
		{Method: "POST", Path: "/admin/users/{id}/reset-link", Access: route.SignedIn, Action: policy.UserManage, Handler: h.handle(h.userResetLink)},
		// A one-time link just shown, sent to its user by e-mail (when set up).
		{Method: "POST", Path: "/admin/users/{id}/link-mail", Access: route.SignedIn, Action: policy.UserManage, Handler: h.handle(h.linkMail)},
		{Method: "POST", Path: "/admin/users/{id}/sessions/end", Access: route.SignedIn, Action: policy.UserManage, Handler: h.handle(h.userEndSessions)},
		{Method: "GET", Path: "/admin/audit", Access: route.SignedIn, Action: policy.AuditRead, Handler: h.handle(h.auditList)},
		// The background jobs that failed or wait, and a failed one's retry.
		{Method: "GET", Path: "/admin/jobs", Access: route.SignedIn, Action: policy.JobManage, Handler: h.handle(h.jobList)},
		{Method: "POST", Path: "/admin/jobs/{id}/retry", Access: route.SignedIn, Action: policy.JobManage, Handler: h.handle(h.jobRetry)},

		// The case journey. Lists are scoped by policy.CaseScope; every
		// record route decides on the case (policy.CheckCase).
		{Method: "GET", Path: "/cases", Access: route.SignedIn, Action: policy.CaseList, Handler: h.handle(h.caseList)},
		// The case list's search by name or code: posted, so that no name is in an address.
		{Method: "POST", Path: "/cases", Access: route.SignedIn, Action: policy.CaseList, Handler: h.handle(h.caseList)},
		{Method: "GET", Path: "/cases/export", Access: route.SignedIn, Action: policy.CaseExport, Handler: h.handle(h.caseExport)},
		{Method: "GET", Path: "/mentees/new", Access: route.SignedIn, Action: policy.MenteeCreate, Handler: h.handle(h.menteeNew)},
		{Method: "POST", Path: "/mentees/check", Access: route.SignedIn, Action: policy.MenteeCreate, Handler: h.handle(h.menteeCheck)},
		{Method: "POST", Path: "/mentees", Access: route.SignedIn, Action: policy.MenteeCreate, Handler: h.handle(h.menteeCreate)},
		{Method: "GET", Path: "/mentees/{id}", Access: route.SignedIn, Action: policy.CaseView, Handler: h.handle(h.menteeShow)},
		{Method: "GET", Path: "/mentees/{id}/edit", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.menteeEdit)},
		{Method: "POST", Path: "/mentees/{id}", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.menteeUpdate)},
		{Method: "GET", Path: "/mentees/{id}/history", Access: route.SignedIn, Action: policy.HistoryRead, Handler: h.handle(h.historyShow)},
		{Method: "GET", Path: "/mentees/{id}/history/edit", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.historyEdit)},
		{Method: "POST", Path: "/mentees/{id}/history", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.historyUpdate)},
		{Method: "POST", Path: "/mentees/{id}/sharing", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.sharingUpdate)},
		{Method: "POST", Path: "/mentees/{id}/consents", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.consentRecord)},
		{Method: "POST", Path: "/mentees/{id}/portal", Access: route.SignedIn, Action: policy.PortalAccount, Handler: h.handle(h.portalInvite)},
		{Method: "POST", Path: "/mentees/{id}/portal/link", Access: route.SignedIn, Action: policy.PortalAccount, Handler: h.handle(h.portalLinkNew)},
		{Method: "POST", Path: "/mentees/{id}/portal/status", Access: route.SignedIn, Action: policy.PortalAccount, Handler: h.handle(h.portalStatus)},
		// A person's whole record (GDPR art. 15), for a coordinator: a page
		// to print, and a JSON file.
		{Method: "GET", Path: "/mentees/{id}/export", Access: route.SignedIn, Action: policy.MenteeExport, Handler: h.handle(h.menteeExportShow)},
		{Method: "GET", Path: "/mentees/{id}/export.json", Access: route.SignedIn, Action: policy.MenteeExport, Handler: h.handle(h.menteeExportJSON)},
		// A person's erasure (GDPR art. 17): a coordinator asks on the case;
		// another coordinator of the program or the admin decides, from the
		// list of waiting requests.
		{Method: "GET", Path: "/cases/{id}/erasure", Access: route.SignedIn, Action: policy.ErasureAsk, Handler: h.handle(h.erasureShow)},
		{Method: "POST", Path: "/cases/{id}/erasure", Access: route.SignedIn, Action: policy.ErasureAsk, Handler: h.handle(h.erasureAsk)},
		{Method: "GET", Path: "/erasures", Access: route.SignedIn, Action: policy.ErasureList, Handler: h.handle(h.erasureList)},
		{Method: "POST", Path: "/erasures/{id}/approve", Access: route.SignedIn, Action: policy.ErasureDecide, Handler: h.handle(h.erasureDecide(true))},
		{Method: "POST", Path: "/erasures/{id}/refuse", Access: route.SignedIn, Action: policy.ErasureDecide, Handler: h.handle(h.erasureDecide(false))},
		// Retention per program: what falls due within a month, and legal holds.
		{Method: "GET", Path: "/retention", Access: route.SignedIn, Action: policy.RetentionList, Handler: h.handle(h.retentionList)},
		{Method: "POST", Path: "/cases/{id}/retention-hold", Access: route.SignedIn, Action: policy.RetentionHold, Handler: h.handle(h.retentionHold)},
		{Method: "POST", Path: "/cases/{id}/retention-hold/lift", Access: route.SignedIn, Action: policy.RetentionHold, Handler: h.handle(h.retentionLift)},

		{Method: "GET", Path: "/cases/{id}", Access: route.SignedIn, Action: policy.CaseView, Handler: h.handle(h.caseShow)},
		{Method: "POST", Path: "/cases/{id}/transitions", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.caseTransition)},
		{Method: "POST", Path: "/cases/{id}/match", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.caseMatch)},
		{Method: "POST", Path: "/cases/{id}/match/end", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.caseMatchEnd)},
		{Method: "POST", Path: "/cases/{id}/psychologist", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.casePsychologist)},
		{Method: "POST", Path: "/cases/{id}/custody", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.caseCustody)},
		{Method: "GET", Path: "/cases/{id}/needs", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.needsForm)},
		{Method: "POST", Path: "/cases/{id}/needs", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.needsAssess)},
		{Method: "POST", Path: "/cases/{id}/plan-steps", Access: route.SignedIn, Action: policy.CaseWork, Handler: h.handle(h.planStepCreate)},
		{Method: "POST", Path: "/cases/{id}/plan-steps/{step}", Access: route.SignedIn, Action: policy.CaseWork, Handler: h.handle(h.planStepUpdate)},
		{Method: "GET", Path: "/cases/{id}/contacts", Access: route.SignedIn, Action: policy.CaseView, Handler: h.handle(h.contactList)},
		{Method: "POST", Path: "/cases/{id}/contacts", Access: route.SignedIn, Action: policy.CaseWork, Handler: h.handle(h.contactCreate)},
		{Method: "GET", Path: "/cases/{id}/requests", Access: route.SignedIn, Action: policy.CaseView, Handler: h.handle(h.requestList)},
		{Method: "POST", Path: "/cases/{id}/requests", Access: route.SignedIn, Action: policy.CaseWork, Handler: h.handle(h.requestCreate)},
		{Method: "POST", Path: "/cases/{id}/requests/{request}", Access: route.SignedIn, Action: policy.CaseWork, Handler: h.handle(h.requestUpdate)},
		{Method: "GET", Path: "/cases/{id}/notes", Access: route.SignedIn, Action: policy.CaseView, Handler: h.handle(h.noteList)},
		{Method: "POST", Path: "/cases/{id}/notes", Access: route.SignedIn, Action: policy.CaseView, Handler: h.handle(h.noteCreate)},
		{Method: "GET", Path: "/cases/{id}/closing", Access: route.SignedIn, Action: policy.CaseView, Handler: h.handle(h.closingShow)},
		{Method: "POST", Path: "/cases/{id}/closing/agreement", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.closingAgree)},
		{Method: "POST", Path: "/cases/{id}/closing/final-meeting", Access: route.SignedIn, Action: policy.FinalMeeting, Handler: h.handle(h.closingFinalMeeting)},
		{Method: "POST", Path: "/cases/{id}/feedback", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.feedbackRecord)},
		{Method: "POST", Path: "/cases/{id}/outcomes", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.outcomeCreate)},
		{Method: "POST", Path: "/cases/{id}/follow-ups/{followup}", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.followUpRecord)},

		// Mentors: the coordinator's view and screening board of a program,
		// a mentor's record and the actions on it (policy.CheckMentor before
		// anything sealed is read), training modules, matching.
		{Method: "GET", Path: "/mentors", Access: route.SignedIn, Action: policy.MentorManage, Handler: h.handle(h.mentorList)},
		{Method: "GET", Path: "/mentors/board", Access: route.SignedIn, Action: policy.MentorManage, Handler: h.handle(h.mentorBoard)},
		{Method: "GET", Path: "/mentors/{id}", Access: route.SignedIn, Action: policy.MentorView, Handler: h.handle(h.mentorShow)},
		{Method: "GET", Path: "/mentors/{id}/edit", Access: route.SignedIn, Action: policy.MentorManage, Handler: h.handle(h.mentorEdit)},
		{Method: "POST", Path: "/mentors/{id}", Access: route.SignedIn, Action: policy.MentorManage, Handler: h.handle(h.mentorUpdate)},
		{Method: "POST", Path: "/mentors/{id}/stage", Access: route.SignedIn, Action: policy.MentorManage, Handler: h.handle(h.mentorMove)},
		{Method: "POST", Path: "/mentors/{id}/accept", Access: route.SignedIn, Action: policy.MentorManage, Handler: h.handle(h.mentorAccept)},
		{Method: "POST", Path: "/mentors/{id}/invite", Access: route.SignedIn, Action: policy.MentorManage, Handler: h.handle(h.mentorInvite)},
		{Method: "POST", Path: "/mentors/{id}/notes", Access: route.SignedIn, Action: policy.MentorManage, Handler: h.handle(h.mentorNoteCreate)},
		{Method: "POST", Path: "/mentors/{id}/checks", Access: route.SignedIn, Action: policy.MentorManage, Handler: h.handle(h.mentorCheckCreate)},
		{Method: "POST", Path: "/mentors/{id}/availability", Access: route.SignedIn, Action: policy.MentorManage, Handler: h.handle(h.mentorAvailability)},
		// A coordinator confirms a module; the mentor themself reports it done.
		{Method: "POST", Path: "/mentors/{id}/training/{module}", Access: route.SignedIn, Action: policy.MentorView, Handler: h.handle(h.mentorTrainingSet)},
		{Method: "GET", Path: "/programs/{id}/training", Access: route.SignedIn, Action: policy.MentorManage, Handler: h.handle(h.trainingList)},
		{Method: "POST", Path: "/programs/{id}/training", Access: route.SignedIn, Action: policy.MentorManage, Handler: h.handle(h.moduleCreate)},
		{Method: "POST", Path: "/training-modules/{id}", Access: route.SignedIn, Action: policy.MentorManage, Handler: h.handle(h.moduleUpdate)},
		{Method: "GET", Path: "/cases/{id}/suggestions", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.matchSuggestions)},
		{Method: "POST", Path: "/cases/{id}/match-profile", Access: route.SignedIn, Action: policy.CaseManage, Handler: h.handle(h.matchProfileUpdate)},
		{Method: "GET", Path: "/programs/{id}/matching", Access: route.SignedIn, Action: policy.MentorManage, Handler: h.handle(h.matchingPreview)},
		{Method: "POST", Path: "/programs/{id}/matching", Access: route.SignedIn, Action: policy.MentorManage, Handler: h.handle(h.matchingConfirm)},

		// Partners: the directory of organisations and services (it holds
		// no mentee's data), its HSDS import and export, and referrals. A
		// referral route decides on the referral (policy.CheckReferral)
		// before anything sealed is read; a partner user reaches only their
		// organisation's referrals, and only what each shares.
		{Method: "GET", Path: "/directory", Access: route.SignedIn, Action: policy.DirectoryView, Handler: h.handle(h.directoryList)},
		{Method: "GET", Path: "/directory/export", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: h.handle(h.directoryExport)},
		{Method: "GET", Path: "/directory/import", Access: route.SignedIn, Action: policy.DirectoryImport, Handler: h.handle(h.directoryImportForm)},
		{Method: "POST", Path: "/directory/import", Access: route.SignedIn, Action: policy.DirectoryImport, Handler: h.handle(h.directoryImport)},
		{Method: "GET", Path: "/partners", Access: route.SignedIn, Action: policy.DirectoryView, Handler: h.handle(h.partnerList)},
		{Method: "GET", Path: "/partners/new", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: h.handle(h.partnerNew)},
		{Method: "POST", Path: "/partners", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: h.handle(h.partnerCreate)},
		{Method: "GET", Path: "/partners/{id}", Access: route.SignedIn, Action: policy.DirectoryView, Handler: h.handle(h.partnerShow)},
		{Method: "GET", Path: "/partners/{id}/edit", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: h.handle(h.partnerEdit)},
		{Method: "POST", Path: "/partners/{id}", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: h.handle(h.partnerUpdate)},
		{Method: "GET", Path: "/partners/{id}/services/new", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: h.handle(h.serviceNew)},
		{Method: "POST", Path: "/partners/{id}/services", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: h.handle(h.serviceCreate)},
		{Method: "GET", Path: "/services/{id}", Access: route.SignedIn, Action: policy.DirectoryView, Handler: h.handle(h.serviceShow)},
		{Method: "GET", Path: "/services/{id}/edit", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: h.handle(h.serviceEdit)},
		{Method: "POST", Path: "/services/{id}", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: h.handle(h.serviceUpdate)},
		{Method: "GET", Path: "/cases/{id}/referrals", Access: route.SignedIn, Action: policy.CaseView, Handler: h.handle(h.referralCaseList)},
		{Method: "GET", Path: "/cases/{id}/referrals/new", Access: route.SignedIn, Action: policy.CaseWork, Handler: h.handle(h.referralNew)},
		{Method: "POST", Path: "/cases/{id}/referrals", Access: route.SignedIn, Action: policy.CaseWork, Handler: h.handle(h.referralCreate)},
		// The staff's referrals, or a partner user's inbox: the handler decides by role.
		{Method: "GET", Path: "/referrals", Access: route.SignedIn, Action: policy.ReferralList, Handler: h.handle(h.referralList)},
		{Method: "GET", Path: "/referrals/{id}", Access: route.SignedIn, Action: policy.ReferralView, Handler: h.handle(h.referralShow)},
		{Method: "POST", Path: "/referrals/{id}", Access: route.SignedIn, Action: policy.ReferralSend, Handler: h.handle(h.referralSend)},
		{Method: "POST", Path: "/referrals/{id}/events", Access: route.SignedIn, Action: policy.ReferralView, Handler: h.handle(h.referralEvent)},

		// The mentee's own portal.
		{Method: "GET", Path: "/my", Access: route.SignedIn, Action: policy.Portal, Handler: h.handle(h.portalHome)},
		{Method: "POST", Path: "/my/steps/{id}/done", Access: route.SignedIn, Action: policy.Portal, Handler: h.handle(h.portalStepDone)},
		{Method: "POST", Path: "/my/requests", Access: route.SignedIn, Action: policy.Portal, Handler: h.handle(h.portalRequest)},
		{Method: "POST", Path: "/my/agreement", Access: route.SignedIn, Action: policy.Portal, Handler: h.handle(h.portalAgree)},
		{Method: "POST", Path: "/my/feedback", Access: route.SignedIn, Action: policy.Portal, Handler: h.handle(h.portalFeedback)},
		{Method: "POST", Path: "/my/data", Access: route.SignedIn, Action: policy.Portal, Handler: h.handle(h.portalData)},

		// Anything else is a page that does not exist.
		{Path: "/", Access: route.SignedIn, Action: policy.Any, Handler: h.handle(h.notFound)},
	}
}
