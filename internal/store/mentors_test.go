package store_test

import (
	"context"
	"homeward/internal/program"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"homeward/internal/errs"
	"homeward/internal/mentors"
	"homeward/internal/store"
)

func applicationFor(programID int64) mentors.Application {
	return mentors.Application{
		ProgramID: programID, FullName: " Alena  Kavaliova ", Email: "alena@example.org", Phone: "+370 600 12345",
		Motivation: "Someone waited for me when I came out.", Languages: []string{"BE", "ru"}, Country: "lt", City: "Vilnius",
		Skills: "Accounting, CVs", Background: "Bookkeeper for 12 years.", NeedDomains: []string{"employment"},
		HoursPerWeek: 4, Times: []string{"weekday_evenings", "weekends"}, LivedExperience: "Two years in Zhodzina.",
		Preferences: "Women after release", PreferenceTags: []string{"women", "political_prisoners"}, Consent: true,
	}
}

func TestMentorApplicationIsStoredSealedAndNew(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		opts.Keyring = keyring(t)
		s := open(t, opts)
		p, err := s.CreateProgram(ctx, openProgram("Applications"))
		if err != nil {
			t.Fatal(err)
		}
		in := applicationFor(p.ID)
		in.ID = 999 // not the applicant's to choose
		id, err := s.CreateMentorApplication(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.MentorApplication(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != id || got.ProgramID != p.ID {
			t.Errorf("stored id %d program %d, want %d in %d", got.ID, got.ProgramID, id, p.ID)
		}
		if st, err := s.GetMentor(ctx, id); err != nil || st.Mentor.Stage != mentors.StageNew || st.Pipeline != mentors.PipelineApplied {
			t.Errorf("stored as %+v (%v), want a new applicant", st.Mentor, err)
		}
		if got.FullName != "Alena Kavaliova" || got.Email != in.Email || got.Phone != in.Phone || got.Motivation != in.Motivation ||
			got.Background != in.Background || got.LivedExperience != in.LivedExperience {
			t.Errorf("sealed fields did not round-trip: %+v", got)
		}
		if strings.Join(got.Languages, ",") != "be,ru" || got.Country != "LT" || got.City != "Vilnius" || got.HoursPerWeek != 4 ||
			strings.Join(got.Times, ",") != "weekday_evenings,weekends" || strings.Join(got.NeedDomains, ",") != "employment" ||
			strings.Join(got.PreferenceTags, ",") != "women,political_prisoners" || got.Preferences != in.Preferences || got.Skills != in.Skills {
			t.Errorf("open fields did not round-trip: %+v", got)
		}
		if !got.Consent || got.ConsentAt.IsZero() || !got.ConsentAt.Equal(got.CreatedAt) {
			t.Errorf("consent %v at %v (created %v)", got.Consent, got.ConsentAt, got.CreatedAt)
		}
		// The columns hold no plaintext of the sealed fields.
		for _, col := range []string{"full_name_sealed", "email_sealed", "lived_experience_sealed"} {
			v, err := store.QueryStringForTest(ctx, s, `SELECT `+col+` FROM mentors WHERE id = $1`, id)
			if err != nil || v == "" || strings.Contains(v, "Alena") || strings.Contains(v, "alena@") || strings.Contains(v, "Zhodzina") {
				t.Errorf("%s = %q (%v), want sealed bytes", col, v, err)
			}
		}
		entries, _, err := s.ListAudit(ctx, store.AuditFilter{ObjectType: "mentor", ObjectID: strconv.FormatInt(id, 10)}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		if strings.Join(actions, ",") != "mentor.read,mentor.apply" {
			t.Errorf("audit %v, want the create and the read", actions)
		}

		// Crypto-shredding: with the data key gone the sealed fields are gone.
		keyID, err := store.QueryStringForTest(ctx, s, `SELECT CAST(data_key_id AS TEXT) FROM mentors WHERE id = $1`, id)
		if err != nil {
			t.Fatal(err)
		}
		k, _ := strconv.ParseInt(keyID, 10, 64)
		if err := s.DestroyDataKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MentorApplication(ctx, id); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("read after the key was destroyed: %v, want not found (erased)", err)
		}
	})
}

func TestMentorApplicationRefusals(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		opts.Keyring = keyring(t)
		s := open(t, opts)
		p, err := s.CreateProgram(ctx, openProgram("Refusals"))
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name   string
			change func(*mentors.Application)
			fields []string
		}{
			{"no such program", func(a *mentors.Application) { a.ProgramID = p.ID + 100 }, []string{"program_id"}},
			{"no such program and bad input", func(a *mentors.Application) { a.ProgramID = -1; a.Email = "x" }, []string{"email", "program_id"}},
			{"a domain the program lacks", func(a *mentors.Application) { a.NeedDomains = []string{"digital_skills"} }, []string{"need_domains"}},
			{"no consent", func(a *mentors.Application) { a.Consent = false }, []string{"consent"}},
		}
		for _, c := range cases {
			a := applicationFor(p.ID)
			c.change(&a)
			_, err := s.CreateMentorApplication(ctx, a)
			e := errs.As(err)
			if e.Kind != errs.KindInvalid || strings.Join(e.FieldNames(), ",") != strings.Join(c.fields, ",") {
				t.Errorf("%s: %v %v, want invalid %v", c.name, err, e.Fields, c.fields)
			}
		}
		n, err := store.QueryStringForTest(ctx, s, `SELECT CAST(count(*) AS TEXT) FROM mentors`)
		if err != nil || n != "0" {
			t.Errorf("%s applications stored after refusals (%v)", n, err)
		}
		n, err = store.QueryStringForTest(ctx, s, `SELECT CAST(count(*) AS TEXT) FROM data_keys`)
		if err != nil || n != "0" {
			t.Errorf("%s data keys left by refused applications (%v)", n, err)
		}
	})
}

func TestApplicationsPerAddressAreLimited(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		for i := range store.ApplicationLimit.Limit {
			if until, _, err := s.CountApplication(ctx, "192.0.2.7", 1); err != nil || !until.IsZero() {
				t.Fatalf("application %d refused until %v (%v)", i+1, until, err)
			}
		}
		until, program, err := s.CountApplication(ctx, "192.0.2.7", 1)
		if err != nil || !until.Equal(now.Add(store.ApplicationLimit.Lockout)) || program {
			t.Fatalf("application %d: until %v (%v), want refused for the lockout", store.ApplicationLimit.Limit+1, until, err)
		}
		if until, _, _ := s.CountApplication(ctx, "192.0.2.8", 1); !until.IsZero() {
			t.Error("another address is refused too")
		}
		// Signing in from the address is a count of its own.
		if until, _ := s.CountLoginAttempt(ctx, map[string]store.Throttle{"address:192.0.2.7": {Limit: 30, Window: time.Hour, Lockout: time.Hour}}); !until.IsZero() {
			t.Error("applications locked sign-ins from the address")
		}
		now = now.Add(store.ApplicationLimit.Lockout + time.Minute)
		if until, _, _ := s.CountApplication(ctx, "192.0.2.7", 1); !until.IsZero() {
			t.Errorf("still refused after the lockout, until %v", until)
		}
	})
}

func TestFormKeyIsCreatedOnceAndShared(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		opts.Keyring = keyring(t)
		s := open(t, opts)
		keys := make([][]byte, 4)
		var wg sync.WaitGroup
		errc := make(chan error, len(keys))
		for i := range keys {
			wg.Go(func() {
				k, err := s.FormKey(ctx)
				keys[i] = k
				errc <- err
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		for i, k := range keys {
			if len(k) < 32 || string(k) != string(keys[0]) {
				t.Fatalf("key %d differs or is short: %d bytes", i, len(k))
			}
		}
		again, err := s.FormKey(ctx)
		if err != nil || string(again) != string(keys[0]) {
			t.Errorf("a later call returned another key (%v)", err)
		}
		n, err := store.QueryStringForTest(ctx, s, `SELECT CAST(count(*) AS TEXT) FROM data_keys`)
		if err != nil || n != "1" {
			t.Errorf("%s data keys after concurrent first calls, want 1 (%v)", n, err)
		}
	})
}

// openProgram is a program whose public application form is open.
func openProgram(name string) program.Program {
	p := newProgram(name)
	p.ApplicationsOpen = true
	return p
}
