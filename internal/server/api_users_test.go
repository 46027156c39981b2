package server_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/store"
)

// apiUser is a user as the users API answers.
type apiUser struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Status    string    `json:"status"`
	Programs  []int64   `json:"programs"`
	PartnerID int64     `json:"partner_id"`
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

type apiLink struct {
	Purpose   string    `json:"purpose"`
	Path      string    `json:"path"`
	ExpiresAt time.Time `json:"expires_at"`
}

// auditActions lists the actions of the audit entries about a user, oldest first.
func auditActions(t *testing.T, a *app, userID int64) []string {
	t.Helper()
	entries, _, err := a.store.ListAudit(context.Background(), store.AuditFilter{ObjectType: "user"}, store.Page{Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.ObjectID == itoa(userID) {
			out = append(out, e.Action)
		}
	}
	slices.Reverse(out)
	return out
}

// The administrator invites a person through the API, finds them in the
// list, gives them another program and role, and the invited person's link
// works; every change is audited and the link is in the answer only.
func TestAPIUsersInviteListAndChange(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		j := newAPIJourney(t, a)
		other := a.program(fmt.Sprintf("Other %d", appCount.Add(1)))

		res, body := a.withBearer(j.admin.token, "POST", "/api/v1/users",
			fmt.Sprintf(`{"email":"Olena.Invited@example.org","name":"Olena K.","role":"mentor","programs":[%d]}`, j.prog.ID))
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("invite: %d %s", res.StatusCode, body)
		}
		inv := decodeJSON[struct {
			User       apiUser `json:"user"`
			Invitation apiLink `json:"invitation"`
		}](t, body)
		u := inv.User
		if u.Status != auth.StatusInvited || u.Role != "mentor" || u.Name != "Olena K." || !slices.Equal(u.Programs, []int64{j.prog.ID}) || u.Version == 0 {
			t.Errorf("invited user %+v", u)
		}
		if res.Header.Get("Location") != "/api/v1/users/"+itoa(u.ID) {
			t.Errorf("Location %q", res.Header.Get("Location"))
		}
		if inv.Invitation.Purpose != "invite" || !strings.HasPrefix(inv.Invitation.Path, "/link/hwl_") || !inv.Invitation.ExpiresAt.After(time.Now()) {
			t.Errorf("invitation %+v", inv.Invitation)
		}
		if strings.Contains(body, "password") {
			t.Errorf("the invitation's answer speaks of a password: %s", body)
		}
		if token := strings.TrimPrefix(inv.Invitation.Path, "/link/"); strings.Contains(a.logs.String(), token) {
			t.Error("the invitation token reached the log")
		}
		// The link is the invitation's: it opens for the person, not signed in.
		keep := a.session
		a.session = ""
		if res, page := a.do("GET", inv.Invitation.Path, nil); res.StatusCode != 200 || !strings.Contains(page, "You were invited") {
			t.Errorf("the invitation link: %d", res.StatusCode)
		}
		a.session = keep

		// The list finds them by a part of their name, by role and status, and pages.
		list := decodeJSON[apiList[apiUser]](t, j.call(j.admin, 200, "GET", "/api/v1/users?q=olena", ""))
		if len(list.Items) != 1 || list.Items[0].ID != u.ID {
			t.Errorf("search by name: %+v", list.Items)
		}
		list = decodeJSON[apiList[apiUser]](t, j.call(j.admin, 200, "GET", "/api/v1/users?role=mentor&status=invited", ""))
		if len(list.Items) != 1 || list.Items[0].ID != u.ID {
			t.Errorf("filter by role and status: %+v", list.Items)
		}
		list = decodeJSON[apiList[apiUser]](t, j.call(j.admin, 200, "GET", "/api/v1/users?limit=2", ""))
		if len(list.Items) != 2 || list.NextCursor == "" {
			t.Fatalf("first page: %+v", list)
		}
		seen := map[int64]bool{}
		for cursor, pages := "", 0; pages == 0 || cursor != ""; pages++ {
			page := decodeJSON[apiList[apiUser]](t, j.call(j.admin, 200, "GET", "/api/v1/users?limit=2&cursor="+cursor, ""))
			for _, x := range page.Items {
				if seen[x.ID] {
					t.Fatalf("user %d listed twice", x.ID)
				}
				seen[x.ID] = true
			}
			cursor = page.NextCursor
		}
		// Every user but the journey's mentee, whose portal account its
		// coordinators manage, not the admin.
		if n, _ := a.store.CountUsers(context.Background()); len(seen) != n-1 || seen[j.mentee.ID] {
			t.Errorf("the pages listed %d users of %d (the mentee's account: %v)", len(seen), n-1, seen[j.mentee.ID])
		}
		j.refused(j.admin, 422, "invalid", "GET", "/api/v1/users?role=overlord", "")

		// A change of role and programs with the version last read.
		body = j.call(j.admin, 200, "PATCH", "/api/v1/users/"+itoa(u.ID),
			fmt.Sprintf(`{"role":"psychologist","programs":[%d,%d],"version":%d}`, j.prog.ID, other.ID, u.Version))
		changed := decodeJSON[apiUser](t, body)
		if changed.Role != "psychologist" || !slices.Equal(changed.Programs, []int64{j.prog.ID, other.ID}) || changed.Name != "Olena K." || changed.Version == u.Version {
			t.Errorf("changed user %+v", changed)
		}
		// The old version is stale now: refused, and nothing changes.
		j.refused(j.admin, http.StatusConflict, "conflict", "PATCH", "/api/v1/users/"+itoa(u.ID), fmt.Sprintf(`{"role":"coordinator","version":%d}`, u.Version))
		e := j.refused(j.admin, 422, "invalid", "PATCH", "/api/v1/users/"+itoa(u.ID), `{"role":"coordinator"}`)
		if e.Error.Fields["version"] == "" {
			t.Errorf("a change without a version: %+v", e)
		}
		e = j.refused(j.admin, 422, "invalid", "PATCH", "/api/v1/users/"+itoa(u.ID), fmt.Sprintf(`{"email":"x@example.org","version":%d}`, changed.Version))
		if e.Error.Fields["email"] == "" {
			t.Errorf("a change of the email address: %+v", e)
		}
		got := decodeJSON[apiUser](t, j.call(j.admin, 200, "GET", "/api/v1/users/"+itoa(u.ID), ""))
		if got.Role != "psychologist" || got.Version != changed.Version || got.Email != "Olena.Invited@example.org" {
			t.Errorf("after the refused changes: %+v", got)
		}
		if acts := auditActions(t, a, u.ID); !slices.Equal(acts, []string{"user.create", "link.create_invite", "user.update", "user.sessions_end"}) {
			t.Errorf("audit of the user: %q", acts)
		}
	})
}

// Bad input to an invitation is refused with the field named, and nothing
// is saved.
func TestAPIUserInviteRefusesBadInput(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	j := newAPIJourney(t, a)
	ctx := context.Background()
	before, _ := a.store.CountUsers(ctx)
	head, _ := a.store.AuditHead(ctx)
	for _, c := range []struct {
		body, field string
		status      int
	}{
		{`{"email":"not an address","role":"mentor"}`, "email", 422},
		{`{"email":"","role":"mentor"}`, "email", 422},
		{`{"email":"x@example.org","role":"overlord"}`, "role", 422},
		{`{"email":"x@example.org","role":"admin","programs":[` + itoa(j.prog.ID) + `]}`, "programs", 422},
		{`{"email":"x@example.org","role":"mentor","programs":[999999]}`, "programs", 422},
		{`{"email":"x@example.org","role":"partner"}`, "partner_id", 422},
		{`{"email":"x@example.org","role":"mentor","password":"secret"}`, "password", 422},
		{`{"email":"x@example.org","role":"mentor","version":3}`, "version", 422},
		{`{"email":"` + j.coord.Email + `","role":"mentor"}`, "email", 409},
	} {
		res, body := a.withBearer(j.admin.token, "POST", "/api/v1/users", c.body)
		e := decodeJSON[apiError](t, body)
		if res.StatusCode != c.status || e.Error.Fields[c.field] == "" {
			t.Errorf("invite %s: %d %s, want %d naming %s", c.body, res.StatusCode, body, c.status, c.field)
		}
		if msg := e.Error.Fields[c.field]; strings.HasPrefix(msg, "validation.") {
			t.Errorf("invite %s: the message is a catalogue key: %q", c.body, msg)
		}
	}
	if after, _ := a.store.CountUsers(ctx); after != before {
		t.Errorf("refused invitations saved %d users", after-before)
	}
	if h, _ := a.store.AuditHead(ctx); h.Seq != head.Seq {
		t.Errorf("refused invitations moved the audit head from %d to %d", head.Seq, h.Seq)
	}
}

// Disabling ends the user's sessions and API tokens; an invited person
// cannot be enabled, an administrator can neither disable nor demote
// themselves, a disabled account gets no link; a new link and signing out
// everywhere work as on the user's page.
func TestAPIUserStatusLinksAndSessions(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		j := newAPIJourney(t, a)
		mentor := j.mentor
		status := func(id int64) string { return "/api/v1/users/" + itoa(id) + "/status" }
		j.call(j.admin, 200, "GET", "/api/v1/users/"+itoa(mentor.ID), "")
		if res, _ := a.withBearer(mentor.token, "GET", "/api/v1/cases", ""); res.StatusCode != 200 {
			t.Fatalf("the mentor's token before: %d", res.StatusCode)
		}
		got := decodeJSON[apiUser](t, j.call(j.admin, 200, "PUT", status(mentor.ID), `{"status":"disabled"}`))
		if got.Status != auth.StatusDisabled {
			t.Errorf("disabled: %+v", got)
		}
		if res, _ := a.withBearer(mentor.token, "GET", "/api/v1/cases", ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("a disabled mentor's token still works: %d", res.StatusCode)
		}
		e := j.refused(j.admin, http.StatusConflict, "conflict", "POST", "/api/v1/users/"+itoa(mentor.ID)+"/link", "")
		if e.Error.Fields["status"] == "" {
			t.Errorf("a link for a disabled account: %+v", e)
		}
		got = decodeJSON[apiUser](t, j.call(j.admin, 200, "PUT", status(mentor.ID), `{"status":"active"}`))
		if got.Status != auth.StatusActive {
			t.Errorf("enabled: %+v", got)
		}
		j.refused(j.admin, 422, "invalid", "PUT", status(mentor.ID), `{"status":"invited"}`)

		// A password-reset link for an active account, shown once.
		link := decodeJSON[apiLink](t, j.call(j.admin, http.StatusCreated, "POST", "/api/v1/users/"+itoa(mentor.ID)+"/link", ""))
		if link.Purpose != "reset" || !strings.HasPrefix(link.Path, "/link/hwl_") {
			t.Errorf("reset link %+v", link)
		}

		// An invited person: a new invitation link, and no enabling.
		inv := decodeJSON[struct {
			User apiUser `json:"user"`
		}](t, j.call(j.admin, http.StatusCreated, "POST", "/api/v1/users", `{"email":"invited-status@example.org","role":"viewer"}`))
		e = j.refused(j.admin, http.StatusConflict, "conflict", "PUT", status(inv.User.ID), `{"status":"active"}`)
		if e.Error.Fields["status"] == "" {
			t.Errorf("enabling an invited person: %+v", e)
		}
		link = decodeJSON[apiLink](t, j.call(j.admin, http.StatusCreated, "POST", "/api/v1/users/"+itoa(inv.User.ID)+"/link", ""))
		if link.Purpose != "invite" {
			t.Errorf("a new link for an invited person: %+v", link)
		}

		// The administrator's own account.
		e = j.refused(j.admin, 422, "invalid", "PUT", status(j.admin.ID), `{"status":"disabled"}`)
		if e.Error.Fields["status"] == "" {
			t.Errorf("disabling oneself: %+v", e)
		}
		me := decodeJSON[apiUser](t, j.call(j.admin, 200, "GET", "/api/v1/users/"+itoa(j.admin.ID), ""))
		e = j.refused(j.admin, 422, "invalid", "PATCH", "/api/v1/users/"+itoa(j.admin.ID), fmt.Sprintf(`{"role":"coordinator","version":%d}`, me.Version))
		if e.Error.Fields["role"] == "" {
			t.Errorf("demoting oneself: %+v", e)
		}

		// Signing out everywhere: the sessions end and the tokens stop working.
		coordToken := j.coord.token
		if _, err := a.store.CreateSession(context.Background(), j.coord.ID, time.Hour, "192.0.2.9", "test"); err != nil {
			t.Fatal(err)
		}
		ended := decodeJSON[struct {
			Ended int `json:"ended"`
		}](t, j.call(j.admin, 200, "DELETE", "/api/v1/users/"+itoa(j.coord.ID)+"/sessions", ""))
		if ended.Ended < 1 {
			t.Errorf("sessions ended: %d", ended.Ended)
		}
		if res, _ := a.withBearer(coordToken, "GET", "/api/v1/cases", ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("the coordinator's token still works after signing out everywhere: %d", res.StatusCode)
		}
		if acts := auditActions(t, a, mentor.ID); !slices.Contains(acts, "user.disabled") || !slices.Contains(acts, "user.active") {
			t.Errorf("audit of the mentor: %q", acts)
		}
		j.call(j.admin, 404, "GET", "/api/v1/users/999999", "")
	})
}

// Only the administrator manages users through the API: every other role
// is refused (403), and a refusal changes nothing.
func TestAPIUsersAreTheAdministratorsOnly(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	j := newAPIJourney(t, a)
	target := j.mentor2
	ctx := context.Background()
	for _, p := range []apiPerson{j.coord, j.mentor, j.psych, j.mentee, j.viewer, j.partner} {
		head, _ := a.store.AuditHead(ctx)
		for _, c := range []struct{ method, path, body string }{
			{"GET", "/api/v1/users", ""},
			{"POST", "/api/v1/users", `{"email":"sneaky@example.org","role":"admin"}`},
			{"GET", "/api/v1/users/" + itoa(target.ID), ""},
			{"PATCH", "/api/v1/users/" + itoa(target.ID), fmt.Sprintf(`{"role":"admin","programs":[],"version":%d}`, target.UpdatedAt.UnixMicro())},
			{"PUT", "/api/v1/users/" + itoa(target.ID) + "/status", `{"status":"disabled"}`},
			{"POST", "/api/v1/users/" + itoa(target.ID) + "/link", ""},
			{"DELETE", "/api/v1/users/" + itoa(target.ID) + "/sessions", ""},
			{"GET", "/api/v1/users/999999", ""},
		} {
			j.refused(p, http.StatusForbidden, "forbidden", c.method, c.path, c.body)
		}
		if h, _ := a.store.AuditHead(ctx); h.Seq != head.Seq {
			t.Errorf("refused requests as %s moved the audit head", p.Role)
		}
	}
	if u, _ := a.store.GetUser(ctx, target.ID); u.Role != auth.Mentor || u.Status != auth.StatusActive {
		t.Errorf("the target after the refusals: %+v", u)
	}
}

// A program's coordinators list its staff and assign a psychologist by the
// id the list gives; nobody else reads the list.
func TestAPIProgramStaff(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		j := newAPIJourney(t, a)
		ctx := context.Background()
		other := a.program(fmt.Sprintf("Elsewhere %d", appCount.Add(1)))
		stranger, _ := a.signedIn(fmt.Sprintf("stranger-%d@example.org", appCount.Add(1)), auth.Coordinator, other.ID)
		strangerP := apiPerson{User: stranger, token: j.token(stranger.ID)}
		// An inactive psychologist of the program is not offered.
		gone, _ := a.signedIn(fmt.Sprintf("gone-%d@example.org", appCount.Add(1)), auth.Psychologist, j.prog.ID)
		if err := a.store.SetUserStatus(ctx, gone.ID, auth.StatusDisabled); err != nil {
			t.Fatal(err)
		}
		_, c := j.matched("STAFF-1", "Iryna Staff", j.mentor)

		type member struct {
			ID       int64  `json:"id"`
			Name     string `json:"name"`
			Role     string `json:"role"`
			Load     *int   `json:"load"`
			Capacity *int   `json:"capacity"`
			Full     *bool  `json:"full"`
			Ready    *bool  `json:"ready"`
		}
		staff := decodeJSON[apiList[member]](t, j.call(j.coord, 200, "GET", fmt.Sprintf("/api/v1/programs/%d/staff", j.prog.ID), "")).Items
		byID := map[int64]member{}
		var roles []string
		for _, m := range staff {
			byID[m.ID] = m
			roles = append(roles, m.Role)
		}
		if !slices.Equal(roles, []string{"coordinator", "mentor", "mentor", "psychologist"}) {
			t.Errorf("staff: %+v", staff)
		}
		if m := byID[j.psych.ID]; m.Role != "psychologist" || m.Name != j.psych.Email || m.Load != nil {
			t.Errorf("the psychologist: %+v", m)
		}
		if m := byID[j.mentor.ID]; m.Role != "mentor" || m.Load == nil || *m.Load != 1 || m.Capacity == nil || *m.Capacity != 1 || m.Full == nil || !*m.Full || m.Ready == nil {
			t.Errorf("the matched mentor: %+v", m)
		}
		if m := byID[j.mentor2.ID]; m.Role != "mentor" || *m.Load != 0 || *m.Full {
			t.Errorf("the free mentor: %+v", m)
		}
		if _, ok := byID[gone.ID]; ok {
			t.Error("a disabled psychologist is offered")
		}
		for _, p := range []apiPerson{j.mentee, j.viewer, j.partner} {
			if _, ok := byID[p.ID]; ok {
				t.Errorf("the %s is listed as staff", p.Role)
			}
		}
		// The list's id is what the case takes.
		psychs := decodeJSON[apiList[member]](t, j.call(j.coord, 200, "GET", fmt.Sprintf("/api/v1/programs/%d/staff?role=psychologist", j.prog.ID), "")).Items
		if len(psychs) != 1 || psychs[0].ID != j.psych.ID {
			t.Fatalf("psychologists: %+v", psychs)
		}
		got := decodeJSON[apiCase](t, j.call(j.coord, 200, "PUT", apiCasePath(c.ID, "/psychologist"), fmt.Sprintf(`{"psychologist_id":%d}`, psychs[0].ID)))
		if got.PsychologistID != j.psych.ID {
			t.Errorf("assigned psychologist: %+v", got)
		}
		j.refused(j.coord, 422, "invalid", "GET", fmt.Sprintf("/api/v1/programs/%d/staff?role=mentee", j.prog.ID), "")

		// Refusals: another program's coordinator learns nothing (404); the
		// program's other members and the admin may not (403).
		j.refused(strangerP, 404, "not_found", "GET", fmt.Sprintf("/api/v1/programs/%d/staff", j.prog.ID), "")
		j.refused(j.coord, 404, "not_found", "GET", fmt.Sprintf("/api/v1/programs/%d/staff", other.ID), "")
		j.refused(j.coord, 404, "not_found", "GET", "/api/v1/programs/999999/staff", "")
		for _, p := range []apiPerson{j.mentor, j.psych, j.mentee, j.viewer, j.admin} {
			j.refused(p, 403, "forbidden", "GET", fmt.Sprintf("/api/v1/programs/%d/staff", j.prog.ID), "")
		}
	})
}

// A coordinator gives a mentee a portal account through the API, as the
// profile's form does: the account is linked to the person, in the
// program, and its link is in the answer once; a second one is refused.
func TestAPIPortalInvite(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		j := newAPIJourney(t, a)
		ctx := context.Background()
		m, _ := j.matched("PORTAL-1", "Anna Portal", j.mentor)
		path := apiMenteePath(m.ID, "/portal")

		before, _ := a.store.CountUsers(ctx)
		e := j.refused(j.coord, 422, "invalid", "POST", path, `{"email":"not an address"}`)
		if e.Error.Fields["email"] == "" {
			t.Errorf("a bad email address: %+v", e)
		}
		e = j.refused(j.coord, http.StatusConflict, "conflict", "POST", path, fmt.Sprintf(`{"email":%q}`, j.mentor.Email))
		if e.Error.Fields["email"] == "" {
			t.Errorf("a taken email address: %+v", e)
		}
		j.refused(j.mentor, 403, "forbidden", "POST", path, `{"email":"by-mentor@example.org"}`)
		j.refused(j.admin, 404, "not_found", "POST", path, `{"email":"by-admin@example.org"}`)
		if after, _ := a.store.CountUsers(ctx); after != before {
			t.Fatalf("refused portal invitations saved %d users", after-before)
		}

		inv := decodeJSON[struct {
			UserID         int64     `json:"user_id"`
			InvitationPath string    `json:"invitation_path"`
			ExpiresAt      time.Time `json:"expires_at"`
		}](t, j.call(j.coord, http.StatusCreated, "POST", path, `{"email":"anna.portal@example.org"}`))
		if !strings.HasPrefix(inv.InvitationPath, "/link/hwl_") || inv.UserID == 0 {
			t.Fatalf("portal invitation %+v", inv)
		}
		mentee, err := a.store.GetMentee(ctx, m.ID)
		if err != nil || mentee.UserID != inv.UserID {
			t.Fatalf("the mentee is linked to %d, want %d (%v)", mentee.UserID, inv.UserID, err)
		}
		u, err := a.store.GetUser(ctx, inv.UserID)
		if err != nil || u.Role != auth.Mentee || u.Status != auth.StatusInvited || !slices.Equal(u.Programs, []int64{j.prog.ID}) {
			t.Errorf("portal user %+v %v", u, err)
		}
		e = j.refused(j.coord, http.StatusConflict, "conflict", "POST", path, `{"email":"second@example.org"}`)
		if e.Error.Fields["email"] == "" {
			t.Errorf("a second portal account: %+v", e)
		}
		if _, _, err := a.store.UserForLogin(ctx, "second@example.org"); err == nil {
			t.Error("the refused second account was saved")
		}
	})
}
