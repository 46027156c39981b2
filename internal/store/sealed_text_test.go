package store_test

import (
	"bytes"
	dbsql "database/sql"
	"testing"

	"homeward/internal/cases"
	"homeward/internal/store"
)

// A database an older version wrote keeps a mentee's profile text, plan
// step titles, outcome notes, match end reasons and transition reasons
// readable. Opening it with the key file seals each under its mentee's data
// key and empties the readable column: the values read back the same, and
// none is left in the database's bytes. A person already erased loses the
// readable text without it being sealed.
func TestOlderReadableTextIsSealedWhenTheStoreOpens(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		s, ctx := f.s, f.ctx
		c := f.active(t, "LG-1")
		step, err := s.AddPlanStep(ctx, cases.PlanStep{CaseID: c.ID, Title: "placeholder", Owner: cases.OwnerMentee})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.EndMatch(ctx, c.ID, "placeholder", f.coord.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddOutcome(ctx, cases.Outcome{CaseID: c.ID, Kind: cases.OtherOutcome, Note: "placeholder", RecordedBy: f.coord.ID}); err != nil {
			t.Fatal(err)
		}
		erased := f.active(t, "LG-2")
		var goneKey int64
		if err := writer(s).QueryRowContext(ctx, `SELECT data_key_id FROM mentees WHERE id = $1`, erased.MenteeID).Scan(&goneKey); err != nil {
			t.Fatal(err)
		}
		// What an older version wrote: readable columns, nothing sealed.
		legacy := []string{
			`UPDATE mentees SET profile_sealed = NULL, city = 'Legacy-City', family = 'Legacy-Family', occupation = 'Legacy-Occupation',
				contact_times = 'Legacy-Times', referral_source = 'Legacy-Source'`,
			`UPDATE plan_steps SET title_sealed = NULL, title = 'Legacy-Step'`,
			`UPDATE outcomes SET note_sealed = NULL, note = 'Legacy-Outcome'`,
			`UPDATE matches SET end_reason_sealed = NULL, end_reason = 'Legacy-Match-End'`,
			`UPDATE case_transitions SET reason_sealed = NULL, reason = 'Legacy-Move'`,
		}
		for _, q := range legacy {
			if _, err := writer(s).ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.DestroyDataKey(ctx, goneKey); err != nil {
			t.Fatal(err)
		}
		s.Close()

		o := opts
		o.Keyring = s.Keyring()
		s = open(t, o)
		m, err := s.GetMentee(ctx, c.MenteeID)
		if err != nil {
			t.Fatal(err)
		}
		if m.City != "Legacy-City" || m.Family != "Legacy-Family" || m.Occupation != "Legacy-Occupation" ||
			m.ContactTimes != "Legacy-Times" || m.ReferralSource != "Legacy-Source" {
			t.Errorf("the profile after sealing: %+v", m.Profile)
		}
		if got, err := s.GetPlanStep(ctx, c.ID, step.ID); err != nil || got.Title != "Legacy-Step" {
			t.Errorf("the plan step after sealing: %+v %v", got, err)
		}
		if outs, err := s.Outcomes(ctx, c.ID); err != nil || len(outs) != 1 || outs[0].Note != "Legacy-Outcome" {
			t.Errorf("the outcome after sealing: %+v %v", outs, err)
		}
		if ms, err := s.CaseMatches(ctx, c.ID); err != nil || len(ms) != 1 || ms[0].EndReason != "Legacy-Match-End" {
			t.Errorf("the match after sealing: %+v %v", ms, err)
		}
		if trs, err := s.CaseTransitions(ctx, c.ID); err != nil || len(trs) == 0 || trs[len(trs)-1].Reason != "Legacy-Move" {
			t.Errorf("the transitions after sealing: %+v %v", trs, err)
		}
		dump := databaseBytes(t, s, o)
		if !bytes.Contains(dump, []byte("LG-1")) {
			t.Fatal("the bytes lack the readable case code: the test looks in the wrong place")
		}
		for _, v := range []string{"Legacy-City", "Legacy-Family", "Legacy-Occupation", "Legacy-Times", "Legacy-Source",
			"Legacy-Step", "Legacy-Outcome", "Legacy-Match-End", "Legacy-Move"} {
			if bytes.Contains(dump, []byte(v)) {
				t.Errorf("%q is still readable in the database", v)
			}
		}
	})
}

// writer is the store's pool that writes ("write" on SQLite, "main" on
// PostgreSQL), for tests that must write what no store function writes.
func writer(s *store.Store) *dbsql.DB {
	if db, ok := s.Pools()["write"]; ok {
		return db
	}
	return s.Pools()["main"]
}
