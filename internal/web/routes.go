package web

import (
	"net/http"

	"homeward/internal/policy"
	"homeward/internal/route"
)

// Routes is the route table of the pages. GET and HEAD never change state.
func (h *Web) Routes() []route.Route {
	return []route.Route{
		{Method: "GET", Path: "/{$}", Access: route.SignedIn, Action: policy.Any, Handler: http.HandlerFunc(h.home)},
		{Method: "GET", Path: "/assets/{file}", Access: route.Public, Handler: http.HandlerFunc(h.asset)},
		{Method: "POST", Path: "/language", Access: route.Public, Handler: http.HandlerFunc(h.setLanguage)},

		{Method: "GET", Path: "/login", Access: route.Public, Handler: http.HandlerFunc(h.loginForm)},
		{Method: "POST", Path: "/login", Access: route.Public, Handler: http.HandlerFunc(h.login)},
		{Method: "POST", Path: "/logout", Access: route.SigningIn, Action: policy.Any, Handler: http.HandlerFunc(h.logout)},
		{Method: "GET", Path: "/login/factor", Access: route.SigningIn, Action: policy.Any, Handler: http.HandlerFunc(h.factorForm)},
		{Method: "POST", Path: "/login/factor", Access: route.SigningIn, Action: policy.Any, Handler: http.HandlerFunc(h.factorProve)},
		{Method: "POST", Path: "/login/passkey/options", Access: route.SigningIn, Action: policy.Any, Handler: http.HandlerFunc(h.passkeyLoginOptions)},
		{Method: "POST", Path: "/login/passkey", Access: route.SigningIn, Action: policy.Any, Handler: http.HandlerFunc(h.passkeyLogin)},
		{Method: "GET", Path: "/login/enrol", Access: route.SigningIn, Action: policy.Any, Handler: http.HandlerFunc(h.enrolForm)},
		{Method: "GET", Path: "/link/{token}", Access: route.Public, Handler: http.HandlerFunc(h.linkForm)},
		{Method: "POST", Path: "/link/{token}", Access: route.Public, Handler: http.HandlerFunc(h.useLink)},

		{Method: "GET", Path: "/programs", Access: route.SignedIn, Action: policy.Any, Handler: http.HandlerFunc(h.programList)},
		{Method: "GET", Path: "/programs/new", Access: route.SignedIn, Action: policy.ProgramCreate, Handler: http.HandlerFunc(h.programNew)},
		{Method: "POST", Path: "/programs", Access: route.SignedIn, Action: policy.ProgramCreate, Handler: http.HandlerFunc(h.programCreate)},
		{Method: "GET", Path: "/programs/{id}", Access: route.SignedIn, Action: policy.ProgramView, Handler: http.HandlerFunc(h.programShow)},
		{Method: "GET", Path: "/programs/{id}/edit", Access: route.SignedIn, Action: policy.ProgramEdit, Handler: http.HandlerFunc(h.programEdit)},
		{Method: "POST", Path: "/programs/{id}", Access: route.SignedIn, Action: policy.ProgramEdit, Handler: http.HandlerFunc(h.programUpdate)},

		// The person's own account: second factors (set up while signing in
		// too), sessions, API tokens.
		{Method: "GET", Path: "/account", Access: route.SignedIn, Action: policy.Any, Handler: http.HandlerFunc(h.account)},
		{Method: "POST", Path: "/account/totp/begin", Access: route.SigningIn, Action: policy.Any, Handler: http.HandlerFunc(h.totpBegin)},
		{Method: "POST", Path: "/account/totp", Access: route.SigningIn, Action: policy.Any, Handler: http.HandlerFunc(h.totpConfirm)},
		{Method: "POST", Path: "/account/totp/remove", Access: route.SignedIn, Action: policy.Any, Handler: http.HandlerFunc(h.totpRemove)},
		{Method: "POST", Path: "/account/passkeys/options", Access: route.SigningIn, Action: policy.Any, Handler: http.HandlerFunc(h.passkeyRegisterOptions)},
		{Method: "POST", Path: "/account/passkeys", Access: route.SigningIn, Action: policy.Any, Handler: http.HandlerFunc(h.passkeyRegister)},
		{Method: "POST", Path: "/account/passkeys/{id}/remove", Access: route.SignedIn, Action: policy.Any, Handler: http.HandlerFunc(h.passkeyRemove)},
		{Method: "POST", Path: "/account/recovery-codes", Access: route.SignedIn, Action: policy.Any, Handler: http.HandlerFunc(h.recoveryCodesNew)},
		{Method: "POST", Path: "/account/sessions/{id}/end", Access: route.SignedIn, Action: policy.Any, Handler: http.HandlerFunc(h.sessionEnd)},
		{Method: "POST", Path: "/account/tokens", Access: route.SignedIn, Action: policy.Any, Handler: http.HandlerFunc(h.tokenCreate)},
		{Method: "POST", Path: "/account/tokens/{id}/revoke", Access: route.SignedIn, Action: policy.Any, Handler: http.HandlerFunc(h.tokenRevoke)},

		// Administration: users and the audit log, for administrators
		// (policy.UserManage, policy.AuditRead; everyone else gets 403).
		{Method: "GET", Path: "/admin/users", Access: route.SignedIn, Action: policy.UserManage, Handler: http.HandlerFunc(h.userList)},
		{Method: "GET", Path: "/admin/users/new", Access: route.SignedIn, Action: policy.UserManage, Handler: http.HandlerFunc(h.userNew)},
		{Method: "POST", Path: "/admin/users", Access: route.SignedIn, Action: policy.UserManage, Handler: http.HandlerFunc(h.userCreate)},
		{Method: "GET", Path: "/admin/users/{id}", Access: route.SignedIn, Action: policy.UserManage, Handler: http.HandlerFunc(h.userShow)},
		{Method: "POST", Path: "/admin/users/{id}", Access: route.SignedIn, Action: policy.UserManage, Handler: http.HandlerFunc(h.userUpdate)},
		{Method: "POST", Path: "/admin/users/{id}/status", Access: route.SignedIn, Action: policy.UserManage, Handler: http.HandlerFunc(h.userStatus)},
		{Method: "POST", Path: "/admin/users/{id}/reset-link", Access: route.SignedIn, Action: policy.UserManage, Handler: http.HandlerFunc(h.userResetLink)},
		{Method: "POST", Path: "/admin/users/{id}/sessions/end", Access: route.SignedIn, Action: policy.UserManage, Handler: http.HandlerFunc(h.userEndSessions)},
		{Method: "GET", Path: "/admin/audit", Access: route.SignedIn, Action: policy.AuditRead, Handler: http.HandlerFunc(h.auditList)},

		// Anything else is a page that does not exist.
		{Path: "/", Access: route.SignedIn, Action: policy.Any, Handler: http.HandlerFunc(h.notFound)},
	}
}
