package api

import (
	"net/http"

	"homeward/internal/policy"
	"homeward/internal/route"
)

// Routes is the route table of the API. The OpenAPI document must describe
// exactly these routes (TestOpenAPIMatchesRoutes).
func (a *API) Routes() []route.Route {
	return []route.Route{
		{Method: "GET", Path: Prefix + "/openapi.json", Access: route.Public, Handler: http.HandlerFunc(a.openAPI)},

		{Method: "GET", Path: Prefix + "/programs", Access: route.SignedIn, Action: policy.Any, Handler: http.HandlerFunc(a.programList)},
		{Method: "POST", Path: Prefix + "/programs", Access: route.SignedIn, Action: policy.ProgramCreate, Handler: http.HandlerFunc(a.programCreate)},
		{Method: "GET", Path: Prefix + "/programs/{id}", Access: route.SignedIn, Action: policy.ProgramView, Handler: http.HandlerFunc(a.programGet)},
		{Method: "PATCH", Path: Prefix + "/programs/{id}", Access: route.SignedIn, Action: policy.ProgramEdit, Handler: http.HandlerFunc(a.programUpdate)},

		// The public mentor application (no sign-in), limited per client address.
		{Method: "POST", Path: Prefix + "/mentor-applications", Access: route.Public, Handler: http.HandlerFunc(a.mentorApplicationCreate)},

		// The case journey, with the pages' authorization: lists are scoped by
		// policy.CaseScope; every case route decides on the case
		// (policy.CheckCase) and every mentee route on a case of the
		// mentee's, before anything else is read.
		{Method: "GET", Path: Prefix + "/mentees", Access: route.SignedIn, Action: policy.CaseList, Handler: http.HandlerFunc(a.menteeList)},
		{Method: "POST", Path: Prefix + "/mentees", Access: route.SignedIn, Action: policy.MenteeCreate, Handler: http.HandlerFunc(a.menteeCreate)},
		{Method: "GET", Path: Prefix + "/mentees/{id}", Access: route.SignedIn, Action: policy.CaseView, Handler: http.HandlerFunc(a.menteeGet)},
		{Method: "PUT", Path: Prefix + "/mentees/{id}", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.menteeUpdate)},
		{Method: "GET", Path: Prefix + "/mentees/{id}/history", Access: route.SignedIn, Action: policy.HistoryRead, Handler: http.HandlerFunc(a.historyGet)},
		{Method: "PUT", Path: Prefix + "/mentees/{id}/history", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.historyUpdate)},
		{Method: "PUT", Path: Prefix + "/mentees/{id}/history/sharing", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.sharingUpdate)},
		{Method: "GET", Path: Prefix + "/mentees/{id}/consents", Access: route.SignedIn, Action: policy.CaseView, Handler: http.HandlerFunc(a.consentList)},
		{Method: "POST", Path: Prefix + "/mentees/{id}/consents", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.consentRecord)},

		{Method: "GET", Path: Prefix + "/cases", Access: route.SignedIn, Action: policy.CaseList, Handler: http.HandlerFunc(a.caseList)},
		{Method: "GET", Path: Prefix + "/cases/{id}", Access: route.SignedIn, Action: policy.CaseView, Handler: http.HandlerFunc(a.caseGet)},
		{Method: "PUT", Path: Prefix + "/cases/{id}/psychologist", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.casePsychologist)},
		{Method: "GET", Path: Prefix + "/cases/{id}/transitions", Access: route.SignedIn, Action: policy.CaseView, Handler: http.HandlerFunc(a.transitionList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/transitions", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.transitionCreate)},
		{Method: "GET", Path: Prefix + "/cases/{id}/needs", Access: route.SignedIn, Action: policy.CaseView, Handler: http.HandlerFunc(a.needList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/needs", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.needAssess)},
		{Method: "GET", Path: Prefix + "/cases/{id}/plan-steps", Access: route.SignedIn, Action: policy.CaseView, Handler: http.HandlerFunc(a.planStepList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/plan-steps", Access: route.SignedIn, Action: policy.CaseWork, Handler: http.HandlerFunc(a.planStepCreate)},
		{Method: "PATCH", Path: Prefix + "/cases/{id}/plan-steps/{step}", Access: route.SignedIn, Action: policy.CaseWork, Handler: http.HandlerFunc(a.planStepUpdate)},
		{Method: "GET", Path: Prefix + "/cases/{id}/contacts", Access: route.SignedIn, Action: policy.CaseView, Handler: http.HandlerFunc(a.contactList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/contacts", Access: route.SignedIn, Action: policy.CaseWork, Handler: http.HandlerFunc(a.contactCreate)},
		{Method: "GET", Path: Prefix + "/cases/{id}/requests", Access: route.SignedIn, Action: policy.CaseView, Handler: http.HandlerFunc(a.requestList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/requests", Access: route.SignedIn, Action: policy.CaseWork, Handler: http.HandlerFunc(a.requestCreate)},
		{Method: "PATCH", Path: Prefix + "/cases/{id}/requests/{request}", Access: route.SignedIn, Action: policy.CaseWork, Handler: http.HandlerFunc(a.requestUpdate)},
		{Method: "GET", Path: Prefix + "/cases/{id}/notes", Access: route.SignedIn, Action: policy.CaseView, Handler: http.HandlerFunc(a.noteList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/notes", Access: route.SignedIn, Action: policy.CaseView, Handler: http.HandlerFunc(a.noteCreate)},
		{Method: "GET", Path: Prefix + "/cases/{id}/match", Access: route.SignedIn, Action: policy.CaseView, Handler: http.HandlerFunc(a.matchGet)},
		{Method: "PUT", Path: Prefix + "/cases/{id}/match", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.matchAssign)},
		{Method: "DELETE", Path: Prefix + "/cases/{id}/match", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.matchEnd)},
		{Method: "GET", Path: Prefix + "/cases/{id}/signals", Access: route.SignedIn, Action: policy.CaseView, Handler: http.HandlerFunc(a.signalsGet)},
		{Method: "GET", Path: Prefix + "/cases/{id}/closing", Access: route.SignedIn, Action: policy.CaseView, Handler: http.HandlerFunc(a.closingGet)},
		{Method: "POST", Path: Prefix + "/cases/{id}/closing/agreement", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.closingAgree)},
		{Method: "POST", Path: Prefix + "/cases/{id}/closing/final-meeting", Access: route.SignedIn, Action: policy.FinalMeeting, Handler: http.HandlerFunc(a.closingFinalMeeting)},
		{Method: "GET", Path: Prefix + "/cases/{id}/feedback", Access: route.SignedIn, Action: policy.FinalMeeting, Handler: http.HandlerFunc(a.feedbackGet)},
		{Method: "PUT", Path: Prefix + "/cases/{id}/feedback", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.feedbackSave)},
		{Method: "GET", Path: Prefix + "/cases/{id}/outcomes", Access: route.SignedIn, Action: policy.CaseView, Handler: http.HandlerFunc(a.outcomeList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/outcomes", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.outcomeCreate)},
		{Method: "GET", Path: Prefix + "/cases/{id}/follow-ups", Access: route.SignedIn, Action: policy.FinalMeeting, Handler: http.HandlerFunc(a.followUpList)},
		{Method: "PUT", Path: Prefix + "/cases/{id}/follow-ups/{followup}", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.followUpRecord)},

		// Mentors: a program's mentors (policy.MentorManage on the program),
		// a mentor's record (policy.CheckMentor before anything sealed is
		// read), training modules, suggestions and bulk matching.
		{Method: "GET", Path: Prefix + "/mentors", Access: route.SignedIn, Action: policy.MentorManage, Handler: http.HandlerFunc(a.mentorList)},
		{Method: "GET", Path: Prefix + "/mentors/{id}", Access: route.SignedIn, Action: policy.MentorView, Handler: http.HandlerFunc(a.mentorGet)},
		{Method: "PATCH", Path: Prefix + "/mentors/{id}", Access: route.SignedIn, Action: policy.MentorManage, Handler: http.HandlerFunc(a.mentorUpdate)},
		{Method: "POST", Path: Prefix + "/mentors/{id}/acceptance", Access: route.SignedIn, Action: policy.MentorManage, Handler: http.HandlerFunc(a.mentorAccept)},
		{Method: "POST", Path: Prefix + "/mentors/{id}/invitation", Access: route.SignedIn, Action: policy.MentorManage, Handler: http.HandlerFunc(a.mentorInvite)},
		{Method: "GET", Path: Prefix + "/mentors/{id}/checks", Access: route.SignedIn, Action: policy.MentorView, Handler: http.HandlerFunc(a.mentorCheckList)},
		{Method: "POST", Path: Prefix + "/mentors/{id}/checks", Access: route.SignedIn, Action: policy.MentorManage, Handler: http.HandlerFunc(a.mentorCheckCreate)},
		{Method: "GET", Path: Prefix + "/mentors/{id}/notes", Access: route.SignedIn, Action: policy.MentorManage, Handler: http.HandlerFunc(a.mentorNoteList)},
		{Method: "POST", Path: Prefix + "/mentors/{id}/notes", Access: route.SignedIn, Action: policy.MentorManage, Handler: http.HandlerFunc(a.mentorNoteCreate)},
		{Method: "GET", Path: Prefix + "/mentors/{id}/training", Access: route.SignedIn, Action: policy.MentorView, Handler: http.HandlerFunc(a.mentorTrainingList)},
		{Method: "PUT", Path: Prefix + "/mentors/{id}/training/{module}", Access: route.SignedIn, Action: policy.MentorView, Handler: http.HandlerFunc(a.mentorTrainingSet)},
		{Method: "GET", Path: Prefix + "/training-modules", Access: route.SignedIn, Action: policy.MentorManage, Handler: http.HandlerFunc(a.moduleList)},
		{Method: "POST", Path: Prefix + "/training-modules", Access: route.SignedIn, Action: policy.MentorManage, Handler: http.HandlerFunc(a.moduleCreate)},
		{Method: "PATCH", Path: Prefix + "/training-modules/{id}", Access: route.SignedIn, Action: policy.MentorManage, Handler: http.HandlerFunc(a.moduleUpdate)},
		{Method: "GET", Path: Prefix + "/cases/{id}/match-suggestions", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.matchSuggestions)},
		{Method: "GET", Path: Prefix + "/cases/{id}/match-profile", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.matchProfileGet)},
		{Method: "PUT", Path: Prefix + "/cases/{id}/match-profile", Access: route.SignedIn, Action: policy.CaseManage, Handler: http.HandlerFunc(a.matchProfileSet)},
		{Method: "POST", Path: Prefix + "/matching/preview", Access: route.SignedIn, Action: policy.MentorManage, Handler: http.HandlerFunc(a.matchingPreview)},
		{Method: "POST", Path: Prefix + "/matching/confirm", Access: route.SignedIn, Action: policy.MentorManage, Handler: http.HandlerFunc(a.matchingConfirm)},

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
		{Method: "GET", Path: Prefix + "/partners", Access: route.SignedIn, Action: policy.DirectoryView, Handler: http.HandlerFunc(a.partnerList)},
		{Method: "POST", Path: Prefix + "/partners", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: http.HandlerFunc(a.partnerCreate)},
		{Method: "GET", Path: Prefix + "/partners/{id}", Access: route.SignedIn, Action: policy.DirectoryView, Handler: http.HandlerFunc(a.partnerGet)},
		{Method: "PATCH", Path: Prefix + "/partners/{id}", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: http.HandlerFunc(a.partnerUpdate)},
		{Method: "GET", Path: Prefix + "/services", Access: route.SignedIn, Action: policy.DirectoryView, Handler: http.HandlerFunc(a.serviceList)},
		{Method: "POST", Path: Prefix + "/services", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: http.HandlerFunc(a.serviceCreate)},
		{Method: "GET", Path: Prefix + "/services/{id}", Access: route.SignedIn, Action: policy.DirectoryView, Handler: http.HandlerFunc(a.serviceGet)},
		{Method: "PATCH", Path: Prefix + "/services/{id}", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: http.HandlerFunc(a.serviceUpdate)},
		{Method: "GET", Path: Prefix + "/directory/hsds", Access: route.SignedIn, Action: policy.DirectoryEdit, Handler: http.HandlerFunc(a.directoryExport)},
		{Method: "POST", Path: Prefix + "/directory/hsds", Access: route.SignedIn, Action: policy.DirectoryImport, Handler: http.HandlerFunc(a.directoryImport)},
		{Method: "GET", Path: Prefix + "/cases/{id}/referrals", Access: route.SignedIn, Action: policy.CaseView, Handler: http.HandlerFunc(a.caseReferralList)},
		{Method: "POST", Path: Prefix + "/cases/{id}/referrals", Access: route.SignedIn, Action: policy.CaseWork, Handler: http.HandlerFunc(a.caseReferralCreate)},
		{Method: "GET", Path: Prefix + "/referrals", Access: route.SignedIn, Action: policy.ReferralList, Handler: http.HandlerFunc(a.referralList)},
		{Method: "GET", Path: Prefix + "/referrals/{id}", Access: route.SignedIn, Action: policy.ReferralView, Handler: http.HandlerFunc(a.referralGet)},
		{Method: "PATCH", Path: Prefix + "/referrals/{id}", Access: route.SignedIn, Action: policy.ReferralSend, Handler: http.HandlerFunc(a.referralUpdate)},
		{Method: "GET", Path: Prefix + "/referrals/{id}/events", Access: route.SignedIn, Action: policy.ReferralView, Handler: http.HandlerFunc(a.referralEventList)},
		{Method: "POST", Path: Prefix + "/referrals/{id}/events", Access: route.SignedIn, Action: policy.ReferralView, Handler: http.HandlerFunc(a.referralEventCreate)},

		// Anything else under the API answers with a JSON 404.
		{Path: Prefix + "/", Access: route.SignedIn, Action: policy.Any, Handler: http.HandlerFunc(a.notFound)},
	}
}
