package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/matching"
	"homeward/internal/mentors"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// databaseBytes closes the store and returns the bytes of its database:
// the SQLite file and WAL, or a data-only pg_dump.
func databaseBytes(t *testing.T, s *store.Store, opts store.Options) []byte {
	t.Helper()
	var dump []byte
	if opts.DatabaseURL == "" {
		s.Close()
		for _, name := range []string{store.SQLiteFile, store.SQLiteFile + "-wal"} {
			b, err := os.ReadFile(filepath.Join(opts.DataDir, name))
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			dump = append(dump, b...)
		}
		return dump
	}
	dump, err := exec.Command(testdb.Tool(t, "pg_dump"), "--data-only", "--dbname", opts.DatabaseURL).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	return dump
}

// recruiting is a journey with a program that takes applications, needs a
// background check and a signed agreement, and has one required and one
// optional training module.
type recruiting struct {
	*journey
	p                  program.Program
	required, optional mentors.Module
}

func newRecruiting(t *testing.T, opts store.Options) *recruiting {
	t.Helper()
	j := newJourney(t, opts)
	p := openProgram("Recruits")
	p.MentorChecks = []string{"background_check", "signed_agreement"}
	p.Languages = []string{"be", "ru"}
	prog, err := j.s.CreateProgram(j.ctx, p)
	j.fatal(err)
	coordAll := j.coord
	coordAll.Programs = append(coordAll.Programs, prog.ID)
	_, err = j.s.UpdateUser(j.ctx, coordAll, j.coord.UpdatedAt)
	j.fatal(err)
	r := &recruiting{journey: j, p: prog}
	r.required, err = j.s.CreateModule(j.ctx, mentors.Module{ProgramID: prog.ID, Title: "Safety and confidentiality", Required: true, Position: 1})
	j.fatal(err)
	r.optional, err = j.s.CreateModule(j.ctx, mentors.Module{ProgramID: prog.ID, Title: "Legalisation", Position: 2})
	j.fatal(err)
	return r
}

// apply sends an application to the recruiting program.
func (r *recruiting) apply(email string) int64 {
	r.t.Helper()
	a := applicationFor(r.p.ID)
	a.Email, a.NeedDomains = email, []string{"housing"}
	id, err := r.s.CreateMentorApplication(r.ctx, a)
	r.fatal(err)
	return id
}

func (r *recruiting) standing(id int64) mentors.Standing {
	r.t.Helper()
	st, err := r.s.GetMentor(r.ctx, id)
	r.fatal(err)
	return st
}

func (r *recruiting) move(id int64, to mentors.Stage) {
	r.t.Helper()
	r.fatal(r.s.MoveMentor(r.ctx, id, to, r.standing(id).Mentor.Version))
}

// check records a passed check, done a month ago, expiring on expires (nil: never).
func (r *recruiting) check(id int64, kind string, expires *time.Time) {
	r.t.Helper()
	_, err := r.s.RecordCheck(r.ctx, mentors.Check{MentorID: id, Kind: kind, Result: mentors.Passed,
		DoneOn: r.now().AddDate(0, -1, 0), ExpiresOn: expires}, r.coord.ID)
	r.fatal(err)
}

// ready takes an application all the way to a ready mentor with an active
// account, and returns the mentor and the account.
func (r *recruiting) ready(email string) (int64, auth.User) {
	r.t.Helper()
	id := r.apply(email)
	r.move(id, mentors.StageInterview)
	r.move(id, mentors.StageChecks)
	acc, err := r.s.AcceptMentor(r.ctx, id, r.standing(id).Mentor.Version, time.Hour)
	r.fatal(err)
	_, err = r.s.UseLink(r.ctx, acc.Link, nil, "$argon2id$x")
	r.fatal(err)
	year := r.now().AddDate(1, 0, 0)
	r.check(id, "background_check", &year)
	r.check(id, "signed_agreement", nil)
	r.fatal(r.s.SetCompletion(r.ctx, id, r.required.ID, mentors.Confirmed, false, r.coord.ID))
	u, err := r.s.GetUser(r.ctx, acc.UserID)
	r.fatal(err)
	if st := r.standing(id); !st.Ready {
		r.t.Fatalf("mentor %s not ready: %+v", email, st.Reasons)
	}
	return id, u
}

// waitingIn takes a person into the recruiting program up to waiting.
func (r *recruiting) waitingIn(code string) cases.Case {
	r.t.Helper()
	m, c := r.intake(r.p.ID, person(code, "Person "+code, 1990), cases.Intake)
	r.consent(m.ID, true)
	r.assess(c.ID, "housing", cases.High, cases.NotStarted)
	return r.move2(c.ID, cases.Waiting)
}

func (r *recruiting) move2(caseID int64, to cases.State) cases.Case {
	return r.journey.move(caseID, to)
}

func reasonKeys(st mentors.Standing) string {
	var keys []string
	for _, x := range st.Reasons {
		keys = append(keys, strings.TrimPrefix(x.Key, "mentor.not_ready.")+":"+x.Detail)
	}
	return strings.Join(keys, " ")
}

func wantRefusal(t *testing.T, what string, err error, field, key string) {
	t.Helper()
	e := errs.As(err)
	if err == nil || e.Fields[field] != key {
		t.Errorf("%s: %v (fields %v), want %s=%s", what, err, e.Fields, field, key)
	}
}

// An application walks the whole screening: each step says what is still
// missing, and the mentor is matched only once nothing is.
func TestMentorFromApplicationToMatch(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		r := newRecruiting(t, opts)
		id := r.apply("alena@example.org")
		st := r.standing(id)
		if st.Pipeline != mentors.PipelineApplied || st.Ready || reasonKeys(st) != "stage:new module:Safety and confidentiality check_missing:background_check check_missing:signed_agreement" || st.Mentor.Name != "" {
			t.Fatalf("new application: %s %v %q name %q", st.Pipeline, st.Ready, reasonKeys(st), st.Mentor.Name)
		}
		wantRefusal(t, "new → checks", r.s.MoveMentor(r.ctx, id, mentors.StageChecks, st.Mentor.Version), "stage", "mentor.refused.move")
		_, err := r.s.AcceptMentor(r.ctx, id, st.Mentor.Version, time.Hour)
		wantRefusal(t, "accept a new one", err, "stage", "mentor.refused.accept_stage")
		r.move(id, mentors.StageInterview)
		if err := r.s.MoveMentor(r.ctx, id, mentors.StageChecks, st.Mentor.Version); !errs.Is(err, errs.KindConflict) {
			t.Errorf("a stale version moved the mentor: %v", err)
		}
		if _, err := r.s.AddMentorNote(r.ctx, id, "  ", r.coord.ID); !errs.Is(err, errs.KindInvalid) {
			t.Errorf("an empty note: %v", err)
		}
		if _, err := r.s.AddMentorNote(r.ctx, id, "Calm, listens well.", r.coord.ID); err != nil {
			t.Fatal(err)
		}
		r.move(id, mentors.StageChecks)
		if st := r.standing(id); st.Pipeline != mentors.PipelineScreening {
			t.Errorf("at checks: %s", st.Pipeline)
		}

		acc, err := r.s.AcceptMentor(r.ctx, id, r.standing(id).Mentor.Version, time.Hour)
		r.fatal(err)
		if acc.Link == "" || acc.UserID == 0 {
			t.Fatalf("acceptance %+v, want an invitation", acc)
		}
		u, err := r.s.GetUser(r.ctx, acc.UserID)
		r.fatal(err)
		if u.Role != auth.Mentor || u.Status != auth.StatusInvited || u.Email != "alena@example.org" || u.Name != "Alena Kavaliova" ||
			len(u.Programs) != 1 || u.Programs[0] != r.p.ID {
			t.Errorf("invited account %+v", u)
		}
		st = r.standing(id)
		if st.Pipeline != mentors.PipelineTraining ||
			reasonKeys(st) != "account_invited: module:Safety and confidentiality check_missing:background_check check_missing:signed_agreement" {
			t.Errorf("accepted: %s %q", st.Pipeline, reasonKeys(st))
		}
		if mine, err := r.s.MyMentors(r.ctx, acc.UserID); err != nil || len(mine) != 1 || mine[0].Mentor.ID != id {
			t.Errorf("the account's mentors: %+v %v", mine, err)
		}
		_, err = r.s.UseLink(r.ctx, acc.Link, nil, "$argon2id$x")
		r.fatal(err)

		// The mentor reports the module; only a coordinator confirms it.
		r.fatal(r.s.SetCompletion(r.ctx, id, r.required.ID, mentors.Reported, true, acc.UserID))
		if err := r.s.SetCompletion(r.ctx, id, r.required.ID, mentors.Confirmed, true, acc.UserID); !errs.Is(err, errs.KindInvalid) {
			t.Errorf("a mentor confirmed their own module: %v", err)
		}
		if err := r.s.SetCompletion(r.ctx, id, r.journey.prog.ID+1000, mentors.Confirmed, false, r.coord.ID); !errs.Is(err, errs.KindInvalid) {
			t.Errorf("a module of no program: %v", err)
		}
		year := r.now().AddDate(1, 0, 0)
		r.check(id, "background_check", &year)
		if st := r.standing(id); reasonKeys(st) != "module_reported:Safety and confidentiality check_missing:signed_agreement" {
			t.Errorf("reported and one check: %q", reasonKeys(st))
		}
		r.check(id, "signed_agreement", nil)
		r.fatal(r.s.SetCompletion(r.ctx, id, r.required.ID, mentors.Confirmed, false, r.coord.ID))
		if err := r.s.SetCompletion(r.ctx, id, r.required.ID, mentors.NotDone, true, acc.UserID); !errs.Is(err, errs.KindConflict) {
			t.Errorf("a mentor withdrew a confirmed module: %v", err)
		}
		st = r.standing(id)
		if !st.Ready || st.Pipeline != mentors.PipelineReady || st.Free() != 1 || st.TrainingDone != 1 || st.TrainingRequired != 1 {
			t.Fatalf("ready? %+v", st)
		}

		// Matched: the mentor fills their one place.
		a, b := r.waitingIn("RC-1"), r.waitingIn("RC-2")
		pool, err := r.s.MatchPool(r.ctx, r.p.ID, 0)
		r.fatal(err)
		if len(pool.Mentors) != 1 || pool.Mentors[0].Input.ID != acc.UserID || len(pool.Cases) != 2 {
			t.Fatalf("pool: %d mentors, %d cases", len(pool.Mentors), len(pool.Cases))
		}
		if _, err := r.s.Match(r.ctx, a.ID, acc.UserID, r.coord.ID); err != nil {
			t.Fatal(err)
		}
		_, err = r.s.Match(r.ctx, b.ID, acc.UserID, r.coord.ID)
		wantRefusal(t, "a full mentor", err, "mentor_id", "case.refused.capacity")
		if st := r.standing(id); st.Pipeline != mentors.PipelineActive || st.Load != 1 || st.Free() != 0 {
			t.Errorf("after the match: %+v", st)
		}
		if pool, _ := r.s.MatchPool(r.ctx, r.p.ID, 0); len(pool.Mentors) != 0 || len(pool.Cases) != 1 {
			t.Errorf("pool after the match: %d mentors, %d cases", len(pool.Mentors), len(pool.Cases))
		}
		// Their own capacity of two frees a place.
		r.fatal(r.s.SetMentorAvailability(r.ctx, id, mentors.Availability{Capacity: 2}, r.standing(id).Mentor.Version))
		if _, err := r.s.Match(r.ctx, b.ID, acc.UserID, r.coord.ID); err != nil {
			t.Errorf("with a capacity of two: %v", err)
		}
		wantRefusal(t, "retire with mentees", r.s.MoveMentor(r.ctx, id, mentors.StageRetired, r.standing(id).Mentor.Version),
			"stage", "mentor.refused.retire_load")

		// Who did what is in the audit log; reading the application is too.
		if _, err := r.s.MentorApplication(r.ctx, id); err != nil {
			t.Fatal(err)
		}
		for _, action := range []string{"mentor.apply", "mentor.stage_interview", "mentor.stage_checks", "mentor.accept",
			"mentor.check", "mentor.training_report", "mentor.training_confirm", "mentor.note_create", "mentor.read", "mentor.availability"} {
			if n := r.audits(action, "mentor", id); n == 0 {
				t.Errorf("no %s in the audit log", action)
			}
		}
	})
}

// A mentor with a required module missing, an expired check, a failed one
// or a pause never appears in suggestions or a bulk assignment, and is
// refused by every way of matching.
func TestMentorsNotReadyAreNeverMatched(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		r := newRecruiting(t, opts)
		good, goodUser := r.ready("good@example.org")
		expired, expiredUser := r.ready("expired@example.org")
		module, moduleUser := r.ready("module@example.org")
		failed, failedUser := r.ready("failed@example.org")
		paused, pausedUser := r.ready("paused@example.org")

		soon := r.now().Add(24 * time.Hour)
		r.check(expired, "background_check", &soon) // the newest background check counts
		r.fatal(r.s.SetCompletion(r.ctx, module, r.required.ID, mentors.NotDone, false, r.coord.ID))
		_, err := r.s.RecordCheck(r.ctx, mentors.Check{MentorID: failed, Kind: "reference", Result: mentors.Failed, DoneOn: r.now()}, r.coord.ID)
		r.fatal(err)
		until := r.now().AddDate(0, 1, 0)
		r.fatal(r.s.SetMentorAvailability(r.ctx, paused, mentors.Availability{PausedUntil: &until}, r.standing(paused).Mentor.Version))
		if st := r.standing(expired); !st.Ready || len(st.Expiring) != 1 {
			t.Errorf("a check expiring tomorrow: ready %v, expiring %v", st.Ready, st.Expiring)
		}
		r.advance(48 * time.Hour)

		want := map[int64]string{
			expired: "check_expired:background_check", module: "module:Safety and confidentiality",
			failed: "check_failed:reference", paused: "paused:" + until.Format("2006-01-02"),
		}
		for id, reason := range want {
			if st := r.standing(id); st.Ready || reasonKeys(st) != reason {
				t.Errorf("mentor %d: ready %v, reasons %q, want %q", id, st.Ready, reasonKeys(st), reason)
			}
		}
		cs := []cases.Case{r.waitingIn("NR-1"), r.waitingIn("NR-2"), r.waitingIn("NR-3")}
		pool, err := r.s.MatchPool(r.ctx, r.p.ID, 0)
		r.fatal(err)
		if len(pool.Mentors) != 1 || pool.Mentors[0].Input.ID != goodUser.ID {
			t.Fatalf("pool holds %d mentors, want only the ready one", len(pool.Mentors))
		}
		for _, u := range []auth.User{expiredUser, moduleUser, failedUser, pausedUser} {
			_, err := r.s.Match(r.ctx, cs[0].ID, u.ID, r.coord.ID)
			wantRefusal(t, "match "+u.Email, err, "mentor_id", "case.refused.mentor_not_ready")
			err = r.s.ConfirmMatches(r.ctx, r.p.ID, []store.MatchPair{{CaseID: cs[1].ID, MentorID: u.ID}}, r.coord.ID)
			wantRefusal(t, "confirm "+u.Email, err, fmt.Sprintf("case:%d", cs[1].ID), "case.refused.mentor_not_ready")
		}
		// A renewed check makes the mentor ready again.
		year := r.now().AddDate(1, 0, 0)
		r.check(expired, "background_check", &year)
		if st := r.standing(expired); !st.Ready {
			t.Errorf("renewed: %q", reasonKeys(st))
		}
		_ = good
	})
}

// A bulk confirmation is all or nothing, and never gives a mentor more
// cases than their free places.
func TestConfirmMatchesAllOrNothing(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		r := newRecruiting(t, opts)
		a, aUser := r.ready("a@example.org") // one place: the program's default
		b, bUser := r.ready("b@example.org")
		r.fatal(r.s.SetMentorAvailability(r.ctx, b, mentors.Availability{Capacity: 2}, r.standing(b).Mentor.Version))
		c1, c2, c3 := r.waitingIn("AN-1"), r.waitingIn("AN-2"), r.waitingIn("AN-3")
		other := r.waiting("AN-X", "Other Program") // waiting in another program

		err := r.s.ConfirmMatches(r.ctx, r.p.ID, []store.MatchPair{{c1.ID, aUser.ID}, {c2.ID, aUser.ID}, {c3.ID, bUser.ID}}, r.coord.ID)
		wantRefusal(t, "two for a place of one", err, fmt.Sprintf("case:%d", c2.ID), "case.refused.capacity")
		err = r.s.ConfirmMatches(r.ctx, r.p.ID, []store.MatchPair{{c1.ID, aUser.ID}, {other.ID, bUser.ID}}, r.coord.ID)
		wantRefusal(t, "a case of another program", err, fmt.Sprintf("case:%d", other.ID), "matching.refused.case")
		err = r.s.ConfirmMatches(r.ctx, r.p.ID, []store.MatchPair{{c1.ID, aUser.ID}, {c1.ID, bUser.ID}}, r.coord.ID)
		wantRefusal(t, "a case twice", err, fmt.Sprintf("case:%d", c1.ID), "matching.refused.twice")
		for _, c := range []cases.Case{c1, c2, c3} {
			if got := r.getCase(c.ID); got.State != cases.Waiting {
				t.Fatalf("a refused confirmation matched %s", got.Code)
			}
		}
		r.fatal(r.s.ConfirmMatches(r.ctx, r.p.ID, []store.MatchPair{{c1.ID, aUser.ID}, {c2.ID, bUser.ID}, {c3.ID, bUser.ID}}, r.coord.ID))
		for c, m := range map[int64]int64{c1.ID: aUser.ID, c2.ID: bUser.ID, c3.ID: bUser.ID} {
			if got := r.getCase(c); got.State != cases.Matched || got.MentorID != m {
				t.Errorf("case %s: %s with %d, want matched with %d", got.Code, got.State, got.MentorID, m)
			}
		}
		if st := r.standing(a); st.Free() != 0 {
			t.Errorf("mentor a has %d free places", st.Free())
		}
		if n := r.audits("matching.confirm", "program", r.p.ID); n != 1 {
			t.Errorf("%d confirmations audited, want 1", n)
		}
	})
}

func (j *journey) getCase(id int64) cases.Case {
	j.t.Helper()
	c, err := j.s.GetCase(j.ctx, id)
	j.fatal(err)
	return c
}

// Two coordinators confirm at the same moment on two app processes (two
// stores on one PostgreSQL database), each giving a different case to the
// same mentor with one free place: exactly one confirmation wins.
func TestConcurrentConfirmationsOnTwoProcessesRespectCapacity(t *testing.T) {
	t.Parallel()
	url := testdb.Postgres(t)
	r := newRecruiting(t, store.Options{DatabaseURL: url})
	second, err := store.Open(r.ctx, store.Options{DatabaseURL: url, Keyring: r.s.Keyring()})
	r.fatal(err)
	t.Cleanup(func() { second.Close() })
	second.SetClock(r.now)
	for round := range 5 {
		_, u := r.ready(fmt.Sprintf("race%d@example.org", round))
		ids := [2]int64{r.waitingIn(fmt.Sprintf("RA-%d-1", round)).ID, r.waitingIn(fmt.Sprintf("RA-%d-2", round)).ID}
		start := make(chan struct{})
		errc := make(chan error, 2)
		var wg sync.WaitGroup
		for i, s := range []*store.Store{r.s, second} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				var err error
				if i == 0 {
					err = s.ConfirmMatches(r.ctx, r.p.ID, []store.MatchPair{{CaseID: ids[0], MentorID: u.ID}}, r.coord.ID)
				} else {
					_, err = s.Match(r.ctx, ids[1], u.ID, r.coord.ID)
				}
				errc <- err
			}()
		}
		close(start)
		wg.Wait()
		close(errc)
		ok, full := 0, 0
		for err := range errc {
			e := errs.As(err)
			switch {
			case err == nil:
				ok++
			case e.Fields["mentor_id"] == "case.refused.capacity" || e.Fields[fmt.Sprintf("case:%d", ids[0])] == "case.refused.capacity":
				full++
			default:
				t.Errorf("round %d: %v", round, err)
			}
		}
		if ok != 1 || full != 1 {
			t.Fatalf("round %d: %d matches and %d refusals, want exactly one of each", round, ok, full)
		}
		// And two bulk confirmations at once.
		_, v := r.ready(fmt.Sprintf("bulk%d@example.org", round))
		more := [2]int64{r.waitingIn(fmt.Sprintf("RB-%d-1", round)).ID, r.waitingIn(fmt.Sprintf("RB-%d-2", round)).ID}
		start = make(chan struct{})
		errc = make(chan error, 2)
		for i, s := range []*store.Store{r.s, second} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errc <- s.ConfirmMatches(r.ctx, r.p.ID, []store.MatchPair{{CaseID: more[i], MentorID: v.ID}}, r.coord.ID)
			}()
		}
		close(start)
		wg.Wait()
		close(errc)
		ok = 0
		for err := range errc {
			if err == nil {
				ok++
			} else if !errs.Is(err, errs.KindConflict) {
				t.Errorf("round %d, bulk: %v", round, err)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d bulk confirmations won, want 1", round, ok)
		}
	}
}

// An administrator's mentor account in a program is a mentor there, and
// gains a record in each program added later.
func TestMentorAccountsGetRecords(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		mine, err := j.s.MyMentors(j.ctx, j.mentor.ID)
		j.fatal(err)
		if len(mine) != 1 || mine[0].Mentor.Origin != mentors.FromAccount || mine[0].Mentor.Stage != mentors.StageAccepted ||
			mine[0].Mentor.Name != "Mira Mentor" || !mine[0].Ready {
			t.Fatalf("records %+v", mine)
		}
		u := j.mentor
		u.Programs = []int64{j.prog.ID, j.other.ID}
		_, err = j.s.UpdateUser(j.ctx, u, j.mentor.UpdatedAt)
		j.fatal(err)
		if mine, _ = j.s.MyMentors(j.ctx, j.mentor.ID); len(mine) != 2 {
			t.Errorf("%d records after a second program", len(mine))
		}
		if mine, _ = j.s.MyMentors(j.ctx, j.coord.ID); len(mine) != 0 {
			t.Errorf("a coordinator has %d mentor records", len(mine))
		}
	})
}

// Screening notes, experience tags and a case's match profile leave no
// plaintext in the database bytes.
func TestMentorSealedFieldsLeaveNoPlaintext(t *testing.T) {
	t.Parallel()
	const note = "NOTE-was held in Akrestsina for a month"
	const plain = "PLAIN-skills on purpose"
	engines(t, func(t *testing.T, opts store.Options) {
		r := newRecruiting(t, opts)
		id := r.apply("sealed@example.org")
		_, err := r.s.AddMentorNote(r.ctx, id, note, r.coord.ID)
		r.fatal(err)
		p := r.standing(id).Mentor.Profile
		p.Skills, p.ExperienceTags = plain, []string{"political_persecution", "homelessness"}
		r.fatal(r.s.UpdateMentorProfile(r.ctx, id, p, r.standing(id).Mentor.Version))
		c := r.waitingIn("SE-1")
		r.fatal(r.s.SetMatchProfile(r.ctx, c.ID, matching.CaseProfile{MentorGender: "female", Wishes: []string{"lived_experience"}, Background: []string{"refugee", "substance_use"}}))

		notes, err := r.s.MentorNotes(r.ctx, id)
		if err != nil || len(notes) != 1 || notes[0].Body != note {
			t.Fatalf("notes %+v %v", notes, err)
		}
		app, err := r.s.MentorApplication(r.ctx, id)
		if err != nil || strings.Join(app.ExperienceTags, ",") != "political_persecution,homelessness" {
			t.Fatalf("experience %v %v", app.ExperienceTags, err)
		}
		prof, err := r.s.MatchProfile(r.ctx, c.ID)
		if err != nil || strings.Join(prof.Background, ",") != "refugee,substance_use" || strings.Join(prof.Wishes, ",") != "lived_experience" || prof.MentorGender != "female" {
			t.Fatalf("match profile %+v %v", prof, err)
		}
		if r.audits("mentor.notes_read", "mentor", id) != 1 || r.audits("case.match_profile_read", "case", c.ID) != 1 {
			t.Error("the reads of sealed values are not audited once each")
		}
		dump := databaseBytes(t, r.s, opts)
		if !bytes.Contains(dump, []byte(plain)) {
			t.Fatal("the bytes do not hold the plain skills: the test looks in the wrong place")
		}
		for _, sec := range []string{note[:16], "political_persecution", "homelessness", `"refugee"`, `"mentor_gender"`} {
			if bytes.Contains(dump, []byte(sec)) {
				t.Errorf("the database holds %q in clear", sec)
			}
		}
	})
}

// A coordinator never gets an invitation link for an account that is in
// another program too: whoever holds the link takes the account there.
func TestMentorInvitationOnlyForAccountsOfTheProgram(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		r := newRecruiting(t, opts)
		both, err := r.s.CreateUser(r.ctx, auth.User{Email: "two.programs@example.org", Role: auth.Mentor,
			Programs: []int64{r.p.ID, r.other.ID}})
		r.fatal(err)
		mine, err := r.s.MyMentors(r.ctx, both.ID)
		r.fatal(err)
		var here int64
		for _, m := range mine {
			if m.Mentor.ProgramID == r.p.ID {
				here = m.Mentor.ID
			}
		}
		if here == 0 {
			t.Fatalf("no record in the program: %+v", mine)
		}
		_, err = r.s.InviteMentorAgain(r.ctx, here, time.Hour)
		wantRefusal(t, "invite an account of two programs", err, "stage", "mentor.refused.invite_elsewhere")

		// An application with that person's address, accepted: no link either.
		id := r.apply("two.programs@example.org")
		r.move(id, mentors.StageInterview)
		r.move(id, mentors.StageChecks)
		_, err = r.s.AcceptMentor(r.ctx, id, r.standing(id).Mentor.Version, time.Hour)
		wantRefusal(t, "accept an application of an account of two programs", err, "stage", "mentor.refused.invite_elsewhere")

		// An account of this program only gets its link.
		one, err := r.s.CreateUser(r.ctx, auth.User{Email: "one.program@example.org", Role: auth.Mentor, Programs: []int64{r.p.ID}})
		r.fatal(err)
		if mine, err = r.s.MyMentors(r.ctx, one.ID); err != nil || len(mine) != 1 {
			t.Fatalf("records of a one-program account: %v %v", mine, err)
		}
		if link, err := r.s.InviteMentorAgain(r.ctx, mine[0].Mentor.ID, time.Hour); err != nil || link == "" {
			t.Errorf("invite an account of the program only: %q %v", link, err)
		}
	})
}

// A mentor taken out of a program no longer sees its cases on their home page.
func TestMentorHomeOnlyInTheirPrograms(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		r := newRecruiting(t, opts)
		_, u := r.ready("home.scope@example.org")
		c := r.waitingIn("HS-1")
		_, err := r.s.Match(r.ctx, c.ID, u.ID, r.coord.ID)
		r.fatal(err)
		if got, err := r.s.MentorMentees(r.ctx, u.ID); err != nil || len(got) != 1 || got[0].Case.ID != c.ID {
			t.Fatalf("home of the matched mentor: %+v %v", got, err)
		}
		u.Programs = []int64{r.other.ID}
		if _, err := r.s.UpdateUser(r.ctx, u, u.UpdatedAt); err != nil {
			t.Fatalf("take the mentor out of the program: %v", err)
		}
		if got, err := r.s.MentorMentees(r.ctx, u.ID); err != nil || len(got) != 0 {
			t.Errorf("home after leaving the program: %d cases, %v", len(got), err)
		}
	})
}
