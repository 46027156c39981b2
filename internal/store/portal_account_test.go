package store_test

import (
	"bytes"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/store"
)

// A coordinator gives a person a portal account: its e-mail address is in
// no byte of the database (the SQLite file and WAL, or a pg_dump), yet
// signing in finds the account by it, in any case; an address nobody has
// finds nothing, as before. The coordinators open the address; the
// admin's user list does not show the account.
func TestAMenteeAccountDoesNotNameThePersonInTheDatabase(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		m, _ := j.intake(j.prog.ID, person("PA-1", "Alesia Portal", 1990), cases.Referred)
		const email = "Alesia.Sealed@Example.org"
		u, token, err := j.s.InviteMentee(j.ctx, m.ID, auth.User{Email: email, Name: "Alesia Account-Name", Programs: []int64{j.prog.ID}}, time.Hour)
		j.fatal(err)
		if token == "" {
			t.Fatal("no invitation link")
		}
		got, _, err := j.s.UserForLogin(j.ctx, "  alesia.sealed@example.ORG ")
		if err != nil || got.ID != u.ID || got.Role != auth.Mentee {
			t.Fatalf("sign-in lookup: %+v %v", got, err)
		}
		if _, _, err := j.s.UserForLogin(j.ctx, "alesia.sealed@example.net"); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("an unknown address: %v, want not found", err)
		}
		if _, _, err := j.s.UserForLogin(j.ctx, "mira@example.org"); err != nil {
			t.Errorf("a staff user's sign-in lookup: %v", err)
		}
		acct, err := j.s.PortalAccount(j.ctx, m.ID)
		if err != nil || acct.Email != email || acct.Status != auth.StatusInvited {
			t.Errorf("the coordinator's view of the account: %+v %v", acct, err)
		}
		// The same address cannot be given to a staff user, nor twice.
		if _, err := j.s.CreateUser(j.ctx, auth.User{Email: "alesia.sealed@example.org", Role: auth.Viewer}); !errs.Is(err, errs.KindConflict) {
			t.Errorf("a staff user with the mentee's address: %v, want a conflict", err)
		}
		m2, _ := j.intake(j.prog.ID, person("PA-2", "Other Portal", 1991), cases.Referred)
		if _, _, err := j.s.InviteMentee(j.ctx, m2.ID, auth.User{Email: "mira@example.org"}, time.Hour); !errs.Is(err, errs.KindConflict) {
			t.Errorf("a mentee with a staff user's address: %v, want a conflict", err)
		}
		list, _, err := j.s.SearchUsers(j.ctx, store.UserFilter{}, store.Page{Limit: 100})
		j.fatal(err)
		for _, x := range list {
			if x.Role == auth.Mentee {
				t.Errorf("the admin's user list shows the mentee account %+v", x)
			}
		}
		if list, _, err := j.s.SearchUsers(j.ctx, store.UserFilter{Role: auth.Mentee}, store.Page{Limit: 100}); err != nil || len(list) != 0 {
			t.Errorf("the admin's list of mentees: %+v %v", list, err)
		}
		key, err := j.s.AccountKey(j.ctx, email)
		j.fatal(err)
		if bytes.Contains(bytes.ToLower([]byte(key)), []byte("alesia")) {
			t.Errorf("the throttle names the address: %q", key)
		}
		dump := databaseBytes(t, j.s, opts)
		if !bytes.Contains(dump, []byte("mira@example.org")) {
			t.Fatal("the bytes lack a staff user's address: the test looks in the wrong place")
		}
		if bytes.Contains(bytes.ToLower(dump), []byte("alesia.sealed")) || bytes.Contains(bytes.ToLower(dump), []byte("account-name")) {
			t.Error("the mentee's e-mail address or account name is readable in the database")
		}
	})
}

// A database an older version wrote keeps a mentee account's address
// readable. Opening it with the key file seals the address, replaces its
// lookup key with the keyed hash and leaves the address in no byte of the
// database; signing in with it still works.
func TestAnOlderMenteeAddressIsSealedWhenTheStoreOpens(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		m, _ := j.intake(j.prog.ID, person("PO-1", "Olga Older", 1985), cases.Referred)
		u, _, err := j.s.InviteMentee(j.ctx, m.ID, auth.User{Email: "placeholder@example.org"}, time.Hour)
		j.fatal(err)
		// What an older version wrote: the address readable, nothing sealed.
		if _, err := writer(j.s).ExecContext(j.ctx, `UPDATE users SET email = 'Olga.Older@Example.org', email_key = 'olga.older@example.org',
			email_sealed = NULL, name = 'Olga Older-Account', name_key = 'olga older-account' WHERE id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		ring := j.s.Keyring()
		j.s.Close()
		o := opts
		o.Keyring = ring
		s := open(t, o)
		got, _, err := s.UserForLogin(j.ctx, "olga.older@example.org")
		if err != nil || got.ID != u.ID {
			t.Fatalf("sign-in lookup after sealing: %+v %v", got, err)
		}
		if acct, err := s.PortalAccount(j.ctx, m.ID); err != nil || acct.Email != "Olga.Older@Example.org" {
			t.Errorf("the account after sealing: %+v %v", acct, err)
		}
		dump := databaseBytes(t, s, o)
		if !bytes.Contains(dump, []byte("mira@example.org")) {
			t.Fatal("the bytes lack a staff user's address: the test looks in the wrong place")
		}
		if bytes.Contains(bytes.ToLower(dump), []byte("olga.older")) || bytes.Contains(bytes.ToLower(dump), []byte("older-account")) {
			t.Error("the older mentee address or account name is readable in the database")
		}
	})
}

// A coordinator makes a new invitation link while the person has not set a
// password, a reset link once they have, and none while the account is
// disabled; disabling ends the person's links, enabling brings the account
// back as it was.
func TestCoordinatorsManageAPortalAccount(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		m, _ := j.intake(j.prog.ID, person("PM-1", "Marta Managed", 1992), cases.Referred)
		if _, _, err := j.s.PortalLink(j.ctx, m.ID, time.Hour); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("a link without an account: %v, want not found", err)
		}
		u, first, err := j.s.InviteMentee(j.ctx, m.ID, auth.User{Email: "marta@example.org"}, time.Hour)
		j.fatal(err)
		purpose, again, err := j.s.PortalLink(j.ctx, m.ID, time.Hour)
		if err != nil || purpose != store.LinkInvite {
			t.Fatalf("a new link while invited: %q %v", purpose, err)
		}
		if _, err := j.s.CheckLink(j.ctx, first); err == nil {
			t.Error("the first invitation still works after a new one")
		}
		j.fatal(j.s.SetPortalStatus(j.ctx, m.ID, auth.StatusDisabled))
		if _, err := j.s.CheckLink(j.ctx, again); err == nil {
			t.Error("the invitation works on a disabled account")
		}
		if _, _, err := j.s.PortalLink(j.ctx, m.ID, time.Hour); !errs.Is(err, errs.KindConflict) {
			t.Errorf("a link for a disabled account: %v, want a conflict", err)
		}
		j.fatal(j.s.SetPortalStatus(j.ctx, m.ID, auth.StatusActive))
		if got, err := j.s.GetUser(j.ctx, u.ID); err != nil || got.Status != auth.StatusInvited {
			t.Errorf("enabled before any password: %+v %v, want invited", got, err)
		}
		_, token, err := j.s.PortalLink(j.ctx, m.ID, time.Hour)
		j.fatal(err)
		if _, err := j.s.UseLink(j.ctx, token, nil, "$argon2id$x"); err != nil {
			t.Fatal(err)
		}
		purpose, _, err = j.s.PortalLink(j.ctx, m.ID, time.Hour)
		if err != nil || purpose != store.LinkReset {
			t.Errorf("a new link once active: %q %v, want reset", purpose, err)
		}
		j.fatal(j.s.SetPortalStatus(j.ctx, m.ID, auth.StatusDisabled))
		j.fatal(j.s.SetPortalStatus(j.ctx, m.ID, auth.StatusActive))
		if got, err := j.s.GetUser(j.ctx, u.ID); err != nil || got.Status != auth.StatusActive {
			t.Errorf("enabled again: %+v %v, want active", got, err)
		}
		if _, err := j.s.UpdateUser(j.ctx, auth.User{ID: u.ID, Role: auth.Viewer}, time.Now()); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("editing a mentee account as staff's: %v, want not found", err)
		}
	})
}
