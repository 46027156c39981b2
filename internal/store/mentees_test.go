package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/testdb"
)

// journey is a store with a keyring, a settable clock, two programs and
// their staff, for the tests of the case journey.
type journey struct {
	t     *testing.T
	ctx   context.Context
	s     *store.Store
	clock atomic.Int64 // unix nanoseconds

	prog, other                            program.Program
	coord, mentor, mentor2, psych, oMentor auth.User
}

var journeyStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newJourney(t *testing.T, opts store.Options) *journey {
	t.Helper()
	opts.Keyring = keyring(t)
	j := &journey{t: t, ctx: context.Background(), s: open(t, opts)}
	j.clock.Store(journeyStart.UnixNano())
	j.s.SetClock(j.now)
	p := newProgram("Volnyja")
	p.MentorCapacity = 2
	var err error
	if j.prog, err = j.s.CreateProgram(j.ctx, p); err != nil {
		t.Fatal(err)
	}
	o := newProgram("Other")
	o.Custody.Enabled = true
	if j.other, err = j.s.CreateProgram(j.ctx, o); err != nil {
		t.Fatal(err)
	}
	j.coord = mustUser(t, j.s, auth.User{Email: "coord@example.org", Name: "Cora Coordinator", Role: auth.Coordinator, Programs: []int64{j.prog.ID, j.other.ID}}, auth.StatusActive)
	j.mentor = mustUser(t, j.s, auth.User{Email: "mira@example.org", Name: "Mira Mentor", Role: auth.Mentor, Programs: []int64{j.prog.ID}}, auth.StatusActive)
	j.mentor2 = mustUser(t, j.s, auth.User{Email: "max@example.org", Role: auth.Mentor, Programs: []int64{j.prog.ID}}, auth.StatusActive)
	j.psych = mustUser(t, j.s, auth.User{Email: "psy@example.org", Name: "Pavel Psychologist", Role: auth.Psychologist, Programs: []int64{j.prog.ID}}, auth.StatusActive)
	j.oMentor = mustUser(t, j.s, auth.User{Email: "other@example.org", Name: "Olek Other", Role: auth.Mentor, Programs: []int64{j.other.ID}}, auth.StatusActive)
	return j
}

func (j *journey) now() time.Time { return time.Unix(0, j.clock.Load()).UTC() }

func (j *journey) advance(d time.Duration) { j.clock.Add(int64(d)) }

func (j *journey) fatal(err error) {
	j.t.Helper()
	if err != nil {
		j.t.Fatal(err)
	}
}

func person(code, name string, year int) cases.Mentee {
	return cases.Mentee{
		Profile: cases.Profile{
			CaseCode:        code,
			FullName:        name,
			BirthYear:       year,
			Languages:       []string{"be", "ru"},
			Country:         "LT",
			City:            "Vilnius",
			ContactChannels: "Signal, evenings only",
		},
	}
}

// intake takes a new person into the program.
func (j *journey) intake(programID int64, m cases.Mentee, state cases.State) (cases.Mentee, cases.Case) {
	j.t.Helper()
	m, c, err := j.s.CreateIntake(j.ctx, store.Intake{Mentee: m, ProgramID: programID, State: state, ActorID: j.coord.ID})
	j.fatal(err)
	return m, c
}

func (j *journey) consent(menteeID int64, given bool) {
	j.t.Helper()
	_, err := j.s.RecordConsent(j.ctx, cases.Consent{MenteeID: menteeID, Kind: cases.ConsentProcessing, Given: given, RecordedBy: j.coord.ID})
	j.fatal(err)
}

func (j *journey) assess(caseID int64, domain string, sev cases.Severity, st cases.NeedStatus) {
	j.t.Helper()
	j.fatal(j.s.AssessNeeds(j.ctx, caseID, []cases.Assessment{{Domain: domain, Severity: sev, Status: st}}, j.coord.ID))
}

func (j *journey) step(caseID int64) {
	j.t.Helper()
	_, err := j.s.AddPlanStep(j.ctx, cases.PlanStep{CaseID: caseID, Title: "Find a room", Owner: cases.OwnerMentee})
	j.fatal(err)
}

// move makes a transition that must be allowed.
func (j *journey) move(caseID int64, to cases.State) cases.Case {
	j.t.Helper()
	c, err := j.s.Transition(j.ctx, store.TransitionInput{CaseID: caseID, To: to, ActorID: j.coord.ID})
	if err != nil {
		j.t.Fatalf("move case %d to %s: %v", caseID, to, err)
	}
	if c.State != to {
		j.t.Fatalf("case %d is %s after a move to %s", caseID, c.State, to)
	}
	return c
}

// waiting takes a person in up to waiting for a mentor.
func (j *journey) waiting(code, name string) cases.Case {
	j.t.Helper()
	m, c := j.intake(j.prog.ID, person(code, name, 1990), cases.Intake)
	j.consent(m.ID, true)
	j.assess(c.ID, "housing", cases.High, cases.NotStarted)
	return j.move(c.ID, cases.Waiting)
}

// active matches a waiting case to the mentor and agrees its first plan.
func (j *journey) active(c cases.Case, mentorID int64) cases.Case {
	j.t.Helper()
	_, err := j.s.Match(j.ctx, c.ID, mentorID, j.coord.ID)
	j.fatal(err)
	j.step(c.ID)
	return j.move(c.ID, cases.Active)
}

// audits counts the audit entries of an action on an object.
func (j *journey) audits(action, objectType string, id int64) int {
	j.t.Helper()
	list, _, err := j.s.ListAudit(j.ctx, store.AuditFilter{ObjectType: objectType, ObjectID: strconv.FormatInt(id, 10)}, store.Page{Limit: store.MaxLimit})
	j.fatal(err)
	n := 0
	for _, e := range list {
		if e.Action == action {
			n++
		}
	}
	return n
}

// fields asserts an error of a kind naming field with key.
func wantField(t *testing.T, what string, err error, kind errs.Kind, field, key string) {
	t.Helper()
	e := errs.As(err)
	if err == nil || e.Kind != kind || e.Fields[field] != key {
		t.Errorf("%s: %v (fields %v), want kind %d with %s=%s", what, err, e.Fields, kind, field, key)
	}
}

func TestIntakeCreatesMenteeAndCase(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		in := person(" hw-0001 ", "  Alesia   Kavalenka ", 1990)
		in.ContactTimes = "after 18:00"
		m, c := j.intake(j.prog.ID, in, "")
		if m.ID == 0 || m.CaseCode != "HW-0001" || m.FullName != "Alesia Kavalenka" || m.Version != 1 {
			t.Errorf("mentee %+v, want an id, the normalised code and name, version 1", m)
		}
		if c.MenteeID != m.ID || c.ProgramID != j.prog.ID || c.Code != "HW-0001" || c.State != cases.Referred ||
			c.Period != 1 || !c.OpenedAt.Equal(journeyStart) || !c.StateSince.Equal(journeyStart) ||
			c.ContactDueAt != nil || c.QuietAt != nil || c.MentorID != 0 || c.Version != 1 {
			t.Errorf("case %+v, want a referred case of period 1 with the code copied and no signals", c)
		}
		got, err := j.s.GetMentee(j.ctx, m.ID)
		j.fatal(err)
		if got.FullName != "Alesia Kavalenka" || got.ContactChannels != "Signal, evenings only" || got.ContactTimes != "after 18:00" ||
			got.BirthYear != 1990 || !slices.Equal(got.Languages, []string{"be", "ru"}) || got.Country != "LT" {
			t.Errorf("read back %+v", got)
		}
		tr, err := j.s.CaseTransitions(j.ctx, c.ID)
		j.fatal(err)
		if len(tr) != 1 || tr[0].From != "" || tr[0].To != cases.Referred || tr[0].ActorID != j.coord.ID ||
			tr[0].ActorName != "Cora Coordinator" || tr[0].Period != 1 || !tr[0].At.Equal(journeyStart) {
			t.Errorf("transitions %+v, want the creation by the coordinator", tr)
		}
		if j.audits("mentee.create", "mentee", m.ID) != 1 || j.audits("case.create", "case", c.ID) != 1 ||
			j.audits("mentee.profile_read", "mentee", m.ID) != 1 {
			t.Error("the creation and the read of the profile must each be audited once")
		}

		_, c2 := j.intake(j.prog.ID, person("HW-0002", "Ivan Piatrou", 0), cases.Intake)
		if c2.State != cases.Intake {
			t.Errorf("state %s, want intake", c2.State)
		}
		_, _, err = j.s.CreateIntake(j.ctx, store.Intake{Mentee: person("HW-0003", "Anna", 0), ProgramID: j.prog.ID, State: cases.Waiting})
		wantField(t, "intake straight to waiting", err, errs.KindInvalid, "state", "validation.choice")
		_, _, err = j.s.CreateIntake(j.ctx, store.Intake{Mentee: person("HW-0003", "Anna", 0), ProgramID: j.prog.ID + 100})
		wantField(t, "intake into a missing program", err, errs.KindInvalid, "program_id", "validation.no_such_program")
		bad := person("no spaces allowed", "", 1800)
		_, _, err = j.s.CreateIntake(j.ctx, store.Intake{Mentee: bad, ProgramID: j.prog.ID})
		if e := errs.As(err); e.Kind != errs.KindInvalid || e.Fields["case_code"] == "" || e.Fields["full_name"] == "" || e.Fields["birth_year"] == "" {
			t.Errorf("bad mentee: %v %v, want case code, name and birth year named", err, e.Fields)
		}
		all, _, err := j.s.ListCases(j.ctx, store.CaseFilter{Scope: store.CaseScope{ProgramIDs: []int64{j.prog.ID}}}, store.Page{})
		j.fatal(err)
		if len(all) != 2 {
			t.Errorf("%d cases after refused intakes, want 2", len(all))
		}
	})
}

func TestIntakeLinksAnExistingMentee(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		m, first := j.intake(j.prog.ID, person("HW-0001", "Alesia Kavalenka", 1990), cases.Intake)
		linked, second, err := j.s.CreateIntake(j.ctx, store.Intake{ExistingMenteeID: m.ID, ProgramID: j.other.ID, ActorID: j.coord.ID})
		j.fatal(err)
		if linked.ID != m.ID || second.MenteeID != m.ID || second.Code != "HW-0001" || second.ProgramID != j.other.ID || second.ID == first.ID {
			t.Errorf("linked case %+v of %+v, want a second case of the same person", second, linked)
		}
		if linked.FullName != "" {
			t.Error("linking opened the name without need")
		}
		if n := j.audits("mentee.create", "mentee", m.ID); n != 1 {
			t.Errorf("%d mentee.create entries, want 1: a link creates no mentee", n)
		}
		list, err := j.s.MenteeCases(j.ctx, m.ID)
		j.fatal(err)
		if len(list) != 2 {
			t.Errorf("%d cases of the mentee, want 2", len(list))
		}
		_, _, err = j.s.CreateIntake(j.ctx, store.Intake{ExistingMenteeID: m.ID, ProgramID: j.prog.ID, ActorID: j.coord.ID})
		wantField(t, "second case in one program", err, errs.KindConflict, "program_id", "validation.case_exists")
		if errs.As(err).Message != "This person already has a case in this program." {
			t.Errorf("message %q", errs.As(err).Message)
		}
		_, _, err = j.s.CreateIntake(j.ctx, store.Intake{ExistingMenteeID: m.ID + 100, ProgramID: j.prog.ID})
		if !errs.Is(err, errs.KindNotFound) {
			t.Errorf("link to a missing mentee: %v, want not found", err)
		}
		if list, _ := j.s.MenteeCases(j.ctx, m.ID); len(list) != 2 {
			t.Errorf("%d cases after the refused links, want 2", len(list))
		}
	})
}

func TestCaseCodeTaken(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		j.intake(j.prog.ID, person("HW-0001", "Alesia Kavalenka", 1990), "")
		_, _, err := j.s.CreateIntake(j.ctx, store.Intake{Mentee: person("hw-0001", "Ivan Piatrou", 1980), ProgramID: j.other.ID})
		wantField(t, "taken code", err, errs.KindConflict, "case_code", "validation.case_code_taken")
		scope := store.CaseScope{ProgramIDs: []int64{j.prog.ID, j.other.ID}}
		if list, _, _ := j.s.ListCases(j.ctx, store.CaseFilter{Scope: scope}, store.Page{}); len(list) != 1 {
			t.Errorf("%d cases, want 1: the refused intake left something behind", len(list))
		}
		m2, _ := j.intake(j.prog.ID, person("HW-0002", "Ivan Piatrou", 1980), "")
		m2.Version = 1
		m2.CaseCode = "HW-0001"
		_, err = j.s.UpdateMentee(j.ctx, m2)
		wantField(t, "rename onto a taken code", err, errs.KindConflict, "case_code", "validation.case_code_taken")
	})
}

func TestFindDuplicates(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		scope := store.CaseScope{ProgramIDs: []int64{j.prog.ID}}
		none, err := j.s.FindDuplicates(j.ctx, person("HW-0001", "Alesia Kavalenka", 1990), scope)
		if err != nil || len(none) != 0 {
			t.Fatalf("before anyone exists: %v %v", none, err)
		}
		a, _ := j.intake(j.prog.ID, person("HW-0001", "Alesia Kavalenka", 1990), "")
		b, _ := j.intake(j.prog.ID, person("HW-0002", "Ivan Piatrou", 1985), "")
		c, _ := j.intake(j.prog.ID, person("HW-0003", "Alesia Novik", 0), "")
		j.intake(j.prog.ID, person("HW-0004", "Alesia Smirnova", 1970), "")                     // birth year too far
		j.intake(j.other.ID, person("OT-0001", "Alesia Kavalenka", 1990), "")                   // another program
		j.intake(j.prog.ID, person("HW-0005", "Ala Kavalenkaa", 1990), "")                      // no shared word
		found, err := j.s.FindDuplicates(j.ctx, person("X-1", "KAVALENKA alesia", 1991), scope) // words in any order and case
		j.fatal(err)
		got := map[int64]string{}
		for _, d := range found {
			got[d.Mentee.ID] = strings.Join(d.Why, ",")
			if d.Mentee.ID == a.ID && d.Mentee.FullName != "Alesia Kavalenka" {
				t.Errorf("candidate name %q, want it opened", d.Mentee.FullName)
			}
		}
		if len(got) != 2 || got[a.ID] != "name,birth_year" || got[c.ID] != "name" {
			t.Errorf("candidates %v, want %d (name, birth year) and %d (name, year unknown) only", got, a.ID, c.ID)
		}
		if j.audits("mentee.duplicate_read", "mentee", a.ID) != 1 || j.audits("mentee.duplicate_read", "mentee", b.ID) != 0 {
			t.Error("each candidate shown (and only those) must be audited")
		}

		found, err = j.s.FindDuplicates(j.ctx, person("hw-0002", "Someone Else", 0), scope)
		j.fatal(err)
		if len(found) != 1 || found[0].Mentee.ID != b.ID || strings.Join(found[0].Why, ",") != "case_code" {
			t.Errorf("by case code: %+v, want %d for its case code", found, b.ID)
		}
		// People of programs out of scope are never revealed, even by code.
		found, err = j.s.FindDuplicates(j.ctx, person("OT-0001", "Alesia Kavalenka", 1990), store.CaseScope{ProgramIDs: []int64{j.prog.ID}})
		j.fatal(err)
		for _, d := range found {
			if d.Mentee.CaseCode == "OT-0001" {
				t.Error("a person of another program was shown")
			}
		}
		if found, _ := j.s.FindDuplicates(j.ctx, person("HW-0001", "Alesia Kavalenka", 1990), store.CaseScope{None: true}); len(found) != 0 {
			t.Errorf("an empty scope found %d", len(found))
		}
		mentorScope := store.CaseScope{ProgramIDs: []int64{j.prog.ID}, MentorID: j.mentor.ID}
		if found, _ := j.s.FindDuplicates(j.ctx, person("HW-0001", "Alesia Kavalenka", 1990), mentorScope); len(found) != 0 {
			t.Errorf("a mentor without cases found %d", len(found))
		}
		// A person whose data was erased is still found by code, without a name.
		keyID, err := store.QueryStringForTest(j.ctx, j.s, `SELECT CAST(data_key_id AS TEXT) FROM mentees WHERE id = $1`, a.ID)
		j.fatal(err)
		id, _ := strconv.ParseInt(keyID, 10, 64)
		j.fatal(j.s.DestroyDataKey(j.ctx, id))
		found, err = j.s.FindDuplicates(j.ctx, person("HW-0001", "Nobody Known", 0), scope)
		if err != nil || len(found) != 1 || found[0].Mentee.ID != a.ID || found[0].Mentee.FullName != "" {
			t.Errorf("after erasure: %+v %v, want the person by code without a name", found, err)
		}
	})
}

func TestUpdateMentee(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		m, c := j.intake(j.prog.ID, person("HW-0001", "Alesia Kavalenka", 1990), "")
		j.advance(time.Hour)
		edit := m
		edit.FullName = "Alesia Novik"
		edit.CaseCode = "HW-0100"
		edit.ContactChannels = "Telegram"
		upd, err := j.s.UpdateMentee(j.ctx, edit)
		j.fatal(err)
		if upd.Version != 2 || !upd.UpdatedAt.Equal(j.now()) || !upd.CreatedAt.Equal(journeyStart) {
			t.Errorf("after update: %+v", upd)
		}
		got, err := j.s.GetMentee(j.ctx, m.ID)
		j.fatal(err)
		if got.FullName != "Alesia Novik" || got.ContactChannels != "Telegram" || got.CaseCode != "HW-0100" || got.Version != 2 {
			t.Errorf("read back %+v", got)
		}
		if c2, _ := j.s.GetCase(j.ctx, c.ID); c2.Code != "HW-0100" {
			t.Errorf("case code %q, want the new code copied to the case", c2.Code)
		}
		scope := store.CaseScope{ProgramIDs: []int64{j.prog.ID}}
		if found, _ := j.s.FindDuplicates(j.ctx, person("X-1", "Kavalenka", 0), scope); len(found) != 0 {
			t.Error("the old name still matches: the name index was not replaced")
		}
		if found, _ := j.s.FindDuplicates(j.ctx, person("X-1", "novik", 0), scope); len(found) != 1 {
			t.Error("the new name does not match")
		}
		if j.audits("mentee.update", "mentee", m.ID) != 1 {
			t.Error("the update is not audited")
		}
		edit.FullName = "Stale Edit" // still version 1
		_, err = j.s.UpdateMentee(j.ctx, edit)
		if !errs.Is(err, errs.KindConflict) {
			t.Errorf("stale edit: %v, want conflict", err)
		}
		if got, _ := j.s.GetMentee(j.ctx, m.ID); got.FullName != "Alesia Novik" {
			t.Errorf("the stale edit changed the name to %q", got.FullName)
		}
		gone := upd
		gone.ID += 100
		if _, err := j.s.UpdateMentee(j.ctx, gone); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("update of a missing mentee: %v", err)
		}
		upd.Version = 0
		wantField(t, "no version", func() error { _, err := j.s.UpdateMentee(j.ctx, upd); return err }(), errs.KindInvalid, "version", "validation.version_required")
		if _, err := j.s.GetMentee(j.ctx, m.ID+100); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("get of a missing mentee: %v", err)
		}
	})
}

func TestMenteePortalAccount(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		m, _ := j.intake(j.prog.ID, person("HW-0001", "Alesia Kavalenka", 1990), "")
		other, _ := j.intake(j.prog.ID, person("HW-0002", "Ivan Piatrou", 1990), "")
		u := mustUser(t, j.s, auth.User{Email: "alesia@example.org", Role: auth.Mentee, Programs: []int64{j.prog.ID}}, auth.StatusActive)
		if _, err := j.s.MenteeByUser(j.ctx, u.ID); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("before the link: %v, want not found", err)
		}
		j.fatal(j.s.LinkMenteeUser(j.ctx, m.ID, u.ID))
		got, err := j.s.MenteeByUser(j.ctx, u.ID)
		j.fatal(err)
		if got.ID != m.ID || got.UserID != u.ID || got.FullName != "Alesia Kavalenka" {
			t.Errorf("by user: %+v", got)
		}
		if j.audits("mentee.profile_read", "mentee", m.ID) != 1 {
			t.Error("the portal's read of the profile is not audited")
		}
		wantField(t, "staff account as portal account", j.s.LinkMenteeUser(j.ctx, m.ID, j.coord.ID), errs.KindInvalid, "user_id", "validation.mentee_user")
		wantField(t, "one account for two people", j.s.LinkMenteeUser(j.ctx, other.ID, u.ID), errs.KindConflict, "user_id", "validation.mentee_user_taken")
	})
}

func TestHistoryIsSealedSharedAndAudited(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		m, _ := j.intake(j.prog.ID, person("HW-0001", "Alesia Kavalenka", 1990), "")
		h, err := j.s.HistorySharing(j.ctx, m.ID)
		j.fatal(err)
		if h.Version != 1 || len(h.Shared) != 0 || h.SharedAt != nil || h.Parts != nil {
			t.Errorf("new history %+v", h)
		}
		j.fatal(j.s.SaveHistory(j.ctx, cases.History{MenteeID: m.ID, Version: 1, Parts: map[cases.HistoryPart]string{
			cases.Persecution: "Searched at home in March 2021", cases.Health: "Back pain since detention"}}))
		if j.audits("mentee.history_write", "mentee", m.ID) != 1 {
			t.Error("the write is not audited")
		}
		got, err := j.s.MenteeHistory(j.ctx, m.ID, []cases.HistoryPart{cases.Persecution, cases.Arrests})
		j.fatal(err)
		if got.Parts[cases.Persecution] != "Searched at home in March 2021" || got.Version != 2 {
			t.Errorf("opened %+v", got)
		}
		if v, ok := got.Parts[cases.Arrests]; !ok || v != "" {
			t.Errorf("an empty part asked for: %q %v, want present and empty", v, ok)
		}
		if _, ok := got.Parts[cases.Health]; ok {
			t.Error("a part not asked for was opened")
		}
		if n := j.audits("mentee.history_read", "mentee", m.ID); n != 1 {
			t.Errorf("%d history reads audited, want 1", n)
		}
		if got, err := j.s.MenteeHistory(j.ctx, m.ID, nil); err != nil || got.Parts != nil {
			t.Errorf("no part asked: %+v %v", got, err)
		}
		if n := j.audits("mentee.history_read", "mentee", m.ID); n != 1 {
			t.Errorf("%d history reads audited after opening nothing, want still 1", n)
		}
		if _, err := j.s.MenteeHistory(j.ctx, m.ID, []cases.HistoryPart{"diary"}); !errs.Is(err, errs.KindInvalid) {
			t.Errorf("unknown part: %v", err)
		}

		// Only the parts given change; an empty text clears one.
		j.fatal(j.s.SaveHistory(j.ctx, cases.History{MenteeID: m.ID, Version: 2, Parts: map[cases.HistoryPart]string{cases.Health: ""}}))
		got, err = j.s.MenteeHistory(j.ctx, m.ID, cases.HistoryParts)
		j.fatal(err)
		if got.Parts[cases.Persecution] == "" || got.Parts[cases.Health] != "" || got.Version != 3 {
			t.Errorf("after clearing health: %+v", got)
		}
		err = j.s.SaveHistory(j.ctx, cases.History{MenteeID: m.ID, Version: 2, Parts: map[cases.HistoryPart]string{cases.Health: "stale"}})
		if !errs.Is(err, errs.KindConflict) {
			t.Errorf("stale history edit: %v, want conflict", err)
		}
		err = j.s.SaveHistory(j.ctx, cases.History{MenteeID: m.ID, Version: 3, Parts: map[cases.HistoryPart]string{cases.Health: strings.Repeat("x", cases.MaxHistory+1)}})
		wantField(t, "too long", err, errs.KindInvalid, "health", "validation.too_long")
		if err := j.s.SaveHistory(j.ctx, cases.History{MenteeID: m.ID + 100, Version: 1}); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("history of a missing mentee: %v", err)
		}

		j.advance(time.Minute)
		j.fatal(j.s.SetHistorySharing(j.ctx, m.ID, []cases.HistoryPart{cases.Health, cases.Persecution, cases.Health}, j.sharingVersion(m.ID), j.coord.ID))
		sh, err := j.s.HistorySharing(j.ctx, m.ID)
		j.fatal(err)
		if !slices.Equal(sh.Shared, []cases.HistoryPart{cases.Persecution, cases.Health}) || sh.SharedBy != j.coord.ID ||
			sh.SharedAt == nil || !sh.SharedAt.Equal(j.now()) || sh.Parts != nil {
			t.Errorf("sharing %+v", sh)
		}
		if j.audits("mentee.history_sharing", "mentee", m.ID) != 1 || j.audits("mentee.history_read", "mentee", m.ID) != 2 {
			t.Error("sharing must be audited, and reading the sharing must not count as a read of the history")
		}
		wantField(t, "unknown shared part", j.s.SetHistorySharing(j.ctx, m.ID, []cases.HistoryPart{"diary"}, j.sharingVersion(m.ID), j.coord.ID), errs.KindInvalid, "shared", "validation.choice")
	})
}

func TestConsents(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		m, _ := j.intake(j.prog.ID, person("HW-0001", "Alesia Kavalenka", 1990), "")
		c, err := j.s.RecordConsent(j.ctx, cases.Consent{MenteeID: m.ID, Kind: cases.ConsentProcessing, Given: true, RecordedBy: j.coord.ID})
		j.fatal(err)
		if c.ID == 0 || !c.RecordedAt.Equal(journeyStart) || c.RecordedByName != "Cora Coordinator" {
			t.Errorf("recorded %+v", c)
		}
		j.advance(time.Hour)
		_, err = j.s.RecordConsent(j.ctx, cases.Consent{MenteeID: m.ID, Kind: cases.ConsentProcessing, Given: false, RecordedBy: j.mentor2.ID})
		j.fatal(err)
		list, err := j.s.Consents(j.ctx, m.ID)
		j.fatal(err)
		if len(list) != 2 || list[0].Given || !list[1].Given || list[0].RecordedByName != "max@example.org" || list[1].RecordedByName != "Cora Coordinator" {
			t.Errorf("consents %+v, want the withdrawal first, with names", list)
		}
		if j.audits("consent.record", "mentee", m.ID) != 2 {
			t.Error("consents are not audited")
		}
		_, err = j.s.RecordConsent(j.ctx, cases.Consent{MenteeID: m.ID, Kind: "marketing", Given: true, RecordedBy: j.coord.ID})
		wantField(t, "unknown kind", err, errs.KindInvalid, "kind", "validation.choice")
		_, err = j.s.RecordConsent(j.ctx, cases.Consent{MenteeID: m.ID + 100, Kind: cases.ConsentReporting, Given: true, RecordedBy: j.coord.ID})
		if !errs.Is(err, errs.KindNotFound) {
			t.Errorf("consent of a missing mentee: %v", err)
		}
	})
}

// The secrets of a person — the name, the safe contact channels, the
// history, the custody facility and release plan — leave no plaintext in
// the database, and every read of the history is in the audit.
func TestNoPlaintextOfAPersonInTheDatabase(t *testing.T) {
	t.Parallel()
	secrets := []string{"Alesia", "Kavalenka", "alesia", "kavalenka", "+370 600 11223",
		"Searched at home", "Colony number four", "Uncle Mikalai"}
	fill := func(t *testing.T, j *journey) {
		m := person("HW-0001", "Alesia Kavalenka", 1990)
		m.ContactChannels = "Signal +370 600 11223"
		m, c := j.intake(j.other.ID, m, "")
		j.fatal(j.s.SaveHistory(j.ctx, cases.History{MenteeID: m.ID, Version: 1, Parts: map[cases.HistoryPart]string{
			cases.Arrests: "Searched at home in March 2021"}}))
		j.fatal(j.s.SaveCustody(j.ctx, c.ID, cases.Custody{FacilityDetail: "Colony number four", Phase: cases.InCustody,
			ReleasePlan: cases.ReleasePlan{Pickup: "Uncle Mikalai"}}, j.coord.ID))
		for range 3 {
			h, err := j.s.MenteeHistory(j.ctx, m.ID, []cases.HistoryPart{cases.Arrests})
			j.fatal(err)
			if h.Parts[cases.Arrests] != "Searched at home in March 2021" {
				t.Fatalf("history read back as %q", h.Parts[cases.Arrests])
			}
		}
		if n := j.audits("mentee.history_read", "mentee", m.ID); n != 3 {
			t.Errorf("%d history reads in the audit, want 3", n)
		}
		if _, err := j.s.CaseCustody(j.ctx, c.ID); err != nil || j.audits("case.custody_read", "case", c.ID) != 1 {
			t.Errorf("custody read %v, or not audited", err)
		}
	}
	check := func(t *testing.T, where string, b []byte) {
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %q in clear", where, s)
			}
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		j := newJourney(t, store.Options{DataDir: dir})
		fill(t, j)
		j.s.Close()
		b, err := os.ReadFile(filepath.Join(dir, store.SQLiteFile))
		j.fatal(err)
		if !bytes.Contains(b, []byte("HW-0001")) {
			t.Fatal("the database file does not hold the case: the test looks in the wrong place")
		}
		check(t, store.SQLiteFile, b)
		if b, err := os.ReadFile(filepath.Join(dir, store.SQLiteFile+"-wal")); err == nil {
			check(t, "the WAL", b)
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		url := testdb.Postgres(t)
		j := newJourney(t, store.Options{DatabaseURL: url})
		fill(t, j)
		dump, err := exec.Command(testdb.Tool(t, "pg_dump"), "--data-only", "--dbname", url).Output()
		j.fatal(err)
		if !bytes.Contains(dump, []byte("HW-0001")) {
			t.Fatal("the dump does not hold the case: the test looks in the wrong place")
		}
		check(t, "the dump", dump)
	})
}

// The first two people taken in at the same moment on two app processes
// create the search key once and both index their names under it.
func TestFirstMenteesAtOnceShareOneSearchKeyOnPostgres(t *testing.T) {
	t.Parallel()
	for round := range 2 {
		url := testdb.Postgres(t)
		j := newJourney(t, store.Options{DatabaseURL: url})
		second := open(t, store.Options{DatabaseURL: url, Keyring: j.s.Keyring()})
		start := make(chan struct{})
		errc := make(chan error, 2)
		for i, s := range []*store.Store{j.s, second} {
			go func() {
				<-start
				_, _, err := s.CreateIntake(j.ctx, store.Intake{Mentee: person("HW-000"+strconv.Itoa(i), "Alesia Person"+strconv.Itoa(i), 1990),
					ProgramID: j.prog.ID, ActorID: j.coord.ID})
				errc <- err
			}()
		}
		close(start)
		for range 2 {
			if err := <-errc; err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		found, err := j.s.FindDuplicates(j.ctx, person("X-1", "alesia", 0), store.CaseScope{ProgramIDs: []int64{j.prog.ID}})
		j.fatal(err)
		if len(found) != 2 {
			t.Errorf("round %d: %d people found by their shared name, want 2 (one search key)", round, len(found))
		}
		keys, err := store.QueryStringForTest(j.ctx, j.s, `SELECT CAST((SELECT count(*) FROM data_keys) - (SELECT count(*) FROM mentees) - (SELECT count(*) FROM mentors) AS TEXT)`)
		j.fatal(err)
		if keys != "1" {
			t.Errorf("round %d: %s data keys besides the mentees', want 1 (the search key, no stray one)", round, keys)
		}
	}
}
