package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/partners"
	"homeward/internal/report"
	"homeward/internal/store"
)

// The markers an erased person's record is written with: each must be gone
// from the database's bytes after the erasure.
var erasureMarkers = map[string]string{
	"name":       "Quorvexa Zintrabelle",
	"code":       "QZM-7731",
	"city":       "Xylopolis",
	"occupation": "Zithercraftsman",
	"step":       "Plantitle Qwzzkx",
	"outcome":    "Outcomenote Vvqxz",
	"reason":     "Movereason Kkqzx",
	"end":        "Endreason Jjqzx",
	"email":      "quorvexa.zintrabelle@example.org",
}

// controlMarker is the case code of another person, who is not erased: a
// value readable by design, it must stay, so that the search looks where
// the values are.
const controlMarker = "CTRL-0001"

// An approved erasure removes the person's every value from the live
// database — the file and its WAL on SQLite, a dump on PostgreSQL — while
// the reports count the same; the asker cannot approve it; the portal
// account is gone and the partners' copies erased.
func TestErasureLeavesNoValueAndTheSameReport(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		coord2 := mustUser(t, j.s, auth.User{Email: "coord2@example.org", Name: "Second Coordinator", Role: auth.Coordinator, Programs: []int64{j.prog.ID}}, auth.StatusActive)
		svc, _, partner := j.partnerDirectory()

		in := person(erasureMarkers["code"], erasureMarkers["name"], 1988)
		in.City, in.Occupation = erasureMarkers["city"], erasureMarkers["occupation"]
		m, c := j.intake(j.prog.ID, in, cases.Intake)
		j.consent(m.ID, true)
		j.assess(c.ID, "housing", cases.High, cases.NotStarted)
		j.move(c.ID, cases.Waiting)
		_, err := j.s.Match(j.ctx, c.ID, j.mentor.ID, j.coord.ID)
		j.fatal(err)
		_, err = j.s.AddPlanStep(j.ctx, cases.PlanStep{CaseID: c.ID, Title: erasureMarkers["step"], Owner: cases.OwnerMentee})
		j.fatal(err)
		j.move(c.ID, cases.Active)
		j.advance(24 * time.Hour)
		_, err = j.s.AddContact(j.ctx, cases.Contact{CaseID: c.ID, At: j.now(), Channel: cases.Call, Minutes: 30, Summary: "Sealed summary", RecordedBy: j.mentor.ID})
		j.fatal(err)
		_, err = j.s.AddOutcome(j.ctx, cases.Outcome{CaseID: c.ID, Kind: cases.HousingSecured, Note: erasureMarkers["outcome"], RecordedBy: j.coord.ID})
		j.fatal(err)
		_, err = j.s.EndMatch(j.ctx, c.ID, erasureMarkers["end"], j.coord.ID)
		j.fatal(err)
		_, err = j.s.Match(j.ctx, c.ID, j.mentor2.ID, j.coord.ID)
		j.fatal(err)
		j.move(c.ID, cases.Active)
		_, err = j.s.Transition(j.ctx, store.TransitionInput{CaseID: c.ID, To: cases.Closing, Reason: erasureMarkers["reason"], ActorID: j.coord.ID})
		j.fatal(err)
		r, err := j.s.CreateReferral(j.ctx, partners.Referral{CaseID: c.ID, ServiceID: svc.ID, Domain: "legal_debt", Message: "Sealed message",
			Share: []partners.Field{partners.FullName, partners.Location}, ConsentGiven: true, CreatedBy: j.coord.ID, ConsentBy: j.coord.ID}, true)
		j.fatal(err)
		portal, _, err := j.s.InviteMentee(j.ctx, m.ID, auth.User{Email: erasureMarkers["email"], Name: erasureMarkers["name"], Programs: []int64{j.prog.ID}}, time.Hour)
		j.fatal(err)
		_, err = j.s.AddRequest(j.ctx, cases.Request{CaseID: c.ID, Domain: "housing", Urgency: cases.Normal, Text: "Sealed request", RaisedByMentee: true, RecordedBy: portal.ID})
		j.fatal(err)
		if _, err := j.s.CountLoginAttempt(j.ctx, map[string]store.Throttle{"account:" + erasureMarkers["email"]: {Limit: 5, Window: time.Hour, Lockout: time.Hour}}); err != nil {
			t.Fatal(err)
		}

		// Another person, who stays.
		other := j.waiting(controlMarker, "Control Person")
		_, err = j.s.AddPlanStep(j.ctx, cases.PlanStep{CaseID: other.ID, Title: controlMarker, Owner: cases.OwnerMentee})
		j.fatal(err)

		_, err = j.s.AddNote(j.ctx, cases.Note{CaseID: c.ID, Visibility: cases.VisiblePsychologist, Body: "Sealed staff note", AuthorID: j.psych.ID})
		j.fatal(err)
		head, err := j.s.ExportMentee(j.ctx, m.ID)
		j.fatal(err)
		one, err := j.s.ExportCase(j.ctx, c)
		j.fatal(err)
		exported, _ := json.Marshal([]any{head, one})
		for _, want := range []string{erasureMarkers["name"], erasureMarkers["email"], erasureMarkers["step"], erasureMarkers["outcome"],
			erasureMarkers["end"], erasureMarkers["reason"], "Sealed summary", "Sealed request", "Sealed staff note", "Sealed message", "Signal, evenings only"} {
			if !bytes.Contains(exported, []byte(want)) {
				t.Errorf("the export lacks %q", want)
			}
		}
		if j.audits("mentee.export_all", "mentee", m.ID) != 1 || j.audits("case.notes_read", "case", c.ID) == 0 {
			t.Error("the export and its reads of sealed values are audited")
		}

		q := report.Query{ProgramIDs: []int64{j.prog.ID}, From: journeyStart.AddDate(0, -1, 0), To: j.now().AddDate(0, 0, 1)}
		before, err := j.s.OutcomeFacts(j.ctx, q)
		j.fatal(err)

		_, err = j.s.AskErasure(j.ctx, c.ID, "because", j.coord.ID)
		if !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("a reason not on the list: %v", err)
		}
		req, err := j.s.AskErasure(j.ctx, c.ID, cases.ErasurePersonAsked, j.coord.ID)
		j.fatal(err)
		if _, err := j.s.AskErasure(j.ctx, c.ID, cases.ErasurePersonAsked, coord2.ID); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("a second request while one waits: %v", err)
		}
		if _, err := j.s.ApproveErasure(j.ctx, req.ID, j.coord.ID); !errs.Is(err, errs.KindForbidden) {
			t.Fatalf("the asker approving: %v", err)
		}
		if got, err := j.s.GetMentee(j.ctx, m.ID); err != nil || got.FullName != erasureMarkers["name"] {
			t.Fatalf("a refused approval changed the person: %+v %v", got, err)
		}
		list, _, err := j.s.ErasureRequests(j.ctx, store.ErasureFilter{ProgramIDs: []int64{j.prog.ID}}, store.Page{})
		j.fatal(err)
		if len(list) != 1 || list[0].ID != req.ID || list[0].CaseCode != erasureMarkers["code"] {
			t.Fatalf("waiting requests %+v", list)
		}
		if list, _, _ := j.s.ErasureRequests(j.ctx, store.ErasureFilter{ProgramIDs: []int64{j.other.ID}}, store.Page{}); len(list) != 0 {
			t.Fatalf("another program's list holds %+v", list)
		}

		done, err := j.s.ApproveErasure(j.ctx, req.ID, coord2.ID)
		j.fatal(err)
		if done.Status != cases.ErasureDone || done.DecidedBy != coord2.ID || done.DecidedAt == nil {
			t.Fatalf("the approved request %+v", done)
		}
		if _, err := j.s.ApproveErasure(j.ctx, req.ID, coord2.ID); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("approving twice: %v", err)
		}

		after, err := j.s.OutcomeFacts(j.ctx, q)
		j.fatal(err)
		if !reflect.DeepEqual(before, after) {
			t.Errorf("the report changed with the erasure:\nbefore %+v\nafter  %+v", before, after)
		}
		if _, err := j.s.ExportMentee(j.ctx, m.ID); errs.As(err).Code != "erased" {
			t.Errorf("exporting the erased person: %v", err)
		}
		if _, err := j.s.GetMentee(j.ctx, m.ID); errs.As(err).Code != "erased" {
			t.Errorf("reading the erased person: %v", err)
		}
		if erased, err := j.s.MenteeErased(j.ctx, m.ID); err != nil || !erased {
			t.Errorf("erased: %v %v", erased, err)
		}
		if _, err := j.s.GetUser(j.ctx, portal.ID); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("the portal account: %v", err)
		}
		if _, err := j.s.AskErasure(j.ctx, c.ID, cases.ErasurePersonAsked, coord2.ID); errs.As(err).Code != "erased" {
			t.Errorf("asking to erase an erased person: %v", err)
		}
		got, err := j.s.GetReferral(j.ctx, r.ID)
		if err == nil && (got.Status != partners.Withdrawn || len(got.Shared) != 0) {
			t.Errorf("the partner's referral %s shares %v", got.Status, got.Shared)
		}
		inbox, _, err := j.s.Referrals(j.ctx, store.ReferralFilter{PartnerID: partner.PartnerID}, store.Page{})
		j.fatal(err)
		for _, in := range inbox {
			if in.ID == r.ID && in.Status != partners.Withdrawn {
				t.Errorf("the partner's inbox shows the referral %s", in.Status)
			}
		}
		ec, err := j.s.GetCase(j.ctx, c.ID)
		j.fatal(err)
		if ec.Code != cases.ErasedCode(c.ID) || ec.State == "" {
			t.Errorf("the erased case %+v keeps its row, with a neutral code", ec)
		}
		if j.audits("mentee.erase", "mentee", m.ID) != 1 || j.audits("erasure.approve", "erasure_request", req.ID) != 1 {
			t.Error("the erasure is audited once, by ids")
		}

		wantGone(t, opts, j.s, controlMarker)
	})
}

// findPGDump is pg_dump's path, "" when it is not installed.
func findPGDump() string {
	if p, err := exec.LookPath("pg_dump"); err == nil {
		return p
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump")
	if len(dirs) > 0 {
		return dirs[len(dirs)-1]
	}
	return ""
}

// wantGone checks that no marker is in the database's bytes, and that the
// control value is (the search looks where values are).
func wantGone(t *testing.T, opts store.Options, s *store.Store, control string) {
	t.Helper()
	ctx := context.Background()
	var hay [][]byte
	if opts.DatabaseURL == "" {
		if err := store.ExecForTest(ctx, s, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{store.SQLiteFile, store.SQLiteFile + "-wal"} {
			b, err := os.ReadFile(filepath.Join(opts.DataDir, name))
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			hay = append(hay, b)
		}
	} else {
		// Every value of every text and bytea column, and a pg_dump where
		// pg_dump is installed.
		all, err := store.AllTextForTest(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(all, []byte(control)) {
			t.Fatal("the control value is not in the tables' text: the test looks in the wrong place")
		}
		hay = append(hay, all)
		if pgDump := findPGDump(); pgDump != "" {
			dump, err := exec.Command(pgDump, "--data-only", "--dbname", opts.DatabaseURL).Output()
			if err != nil {
				t.Fatalf("pg_dump: %v", err)
			}
			if !bytes.Contains(dump, []byte(control)) {
				t.Fatal("the control value is not in the dump: the test looks in the wrong place")
			}
			hay = append(hay, dump)
		}
	}
	all := bytes.Join(hay, nil)
	if !bytes.Contains(all, []byte(control)) {
		t.Fatal("the control value is not in the database's bytes: the test looks in the wrong place")
	}
	for what, v := range erasureMarkers {
		for _, form := range []string{v, strings.ToLower(v), strings.ToUpper(v)} {
			if bytes.Contains(all, []byte(form)) {
				t.Errorf("the erased person's %s (%q) is still in the database's bytes", what, form)
			}
		}
	}
}

// A refused erasure leaves the person as they were and may be asked again;
// the administrator's direct erasure closes the request that waits.
func TestErasureRefusedThenDoneDirectly(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		coord2 := mustUser(t, j.s, auth.User{Email: "coord2@example.org", Role: auth.Coordinator, Programs: []int64{j.prog.ID}}, auth.StatusActive)
		admin := mustUser(t, j.s, auth.User{Email: "admin@example.org", Role: auth.Admin}, auth.StatusActive)
		c := j.waiting("RF-0001", "Refused Person")
		req, err := j.s.AskErasure(j.ctx, c.ID, cases.ErasureNoLongerNeeded, j.coord.ID)
		j.fatal(err)
		if _, err := j.s.RefuseErasure(j.ctx, req.ID, j.coord.ID); !errs.Is(err, errs.KindForbidden) {
			t.Fatalf("the asker refusing: %v", err)
		}
		refused, err := j.s.RefuseErasure(j.ctx, req.ID, coord2.ID)
		j.fatal(err)
		if refused.Status != cases.ErasureRefused || refused.DecidedBy != coord2.ID {
			t.Fatalf("refused: %+v", refused)
		}
		if m, err := j.s.GetMentee(j.ctx, c.MenteeID); err != nil || m.FullName != "Refused Person" {
			t.Fatalf("after a refusal: %+v %v", m, err)
		}
		if _, err := j.s.ApproveErasure(j.ctx, req.ID, coord2.ID); !errs.Is(err, errs.KindConflict) {
			t.Fatalf("approving a refused request: %v", err)
		}
		again, err := j.s.AskErasure(j.ctx, c.ID, cases.ErasureLegalDuty, coord2.ID)
		j.fatal(err)
		done, err := j.s.EraseDirectly(j.ctx, c.ID, cases.ErasurePersonAsked, admin.ID)
		j.fatal(err)
		if done.ID != again.ID || done.Status != cases.ErasureDone || done.DecidedBy != admin.ID || done.Reason != cases.ErasureLegalDuty {
			t.Fatalf("the direct erasure did not close the waiting request: %+v (waiting %d)", done, again.ID)
		}
		if _, err := j.s.GetMentee(j.ctx, c.MenteeID); errs.As(err).Code != "erased" {
			t.Fatalf("after the direct erasure: %v", err)
		}
		if list, _, err := j.s.ErasureRequests(j.ctx, store.ErasureFilter{All: true}, store.Page{}); err != nil || len(list) != 0 {
			t.Fatalf("still waiting: %+v %v", list, err)
		}
		if j.audits("erasure.refuse", "erasure_request", req.ID) != 1 || j.audits("erasure.direct", "erasure_request", again.ID) != 1 {
			t.Error("the refusal and the direct erasure are audited")
		}
	})
}
