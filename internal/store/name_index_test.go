package store_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/store"
)

// codesOf lists the case codes of a search, every page of it, in order of
// code.
func codesOf(t *testing.T, s *store.Store, scope store.CaseScope, q string, limit int) []string {
	t.Helper()
	var out []string
	cursor := ""
	for {
		list, next, err := s.ListCases(context.Background(), store.CaseFilter{Scope: scope, Query: q, Sort: store.SortCode}, store.Page{Limit: limit, Cursor: cursor})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		for _, c := range list {
			out = append(out, c.Code)
		}
		if next == "" {
			return out
		}
		cursor = next
	}
}

func TestSearchCasesByName(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		j.intake(j.prog.ID, person("HW-0001", "Alesia Kavalenka", 1990), "")
		j.intake(j.prog.ID, person("HW-0002", "Jiří Novák", 1985), "")
		j.intake(j.prog.ID, person("HW-0003", "Алёна Мельник-Кавалёва", 1979), "")
		j.intake(j.prog.ID, person("VOL-2025-014", "Jean-Pierre Kavan", 0), "")
		j.intake(j.other.ID, person("OT-0001", "Alesia Kavalchuk", 1990), "") // another program
		scope := store.CaseScope{ProgramIDs: []int64{j.prog.ID}}
		for _, tc := range []struct {
			q    string
			want []string
		}{
			{"kav", []string{"HW-0001", "VOL-2025-014"}},          // the start of a word; not the other program's Kavalchuk
			{"KAVAL", []string{"HW-0001"}},                        // any case
			{"Kavalenka", []string{"HW-0001"}},                    // the whole word
			{"ales kav", []string{"HW-0001"}},                     // every word must match, in any order
			{"kav ales", []string{"HW-0001"}},                     //
			{"ales zzz", nil},                                     // one word that matches nothing finds no one
			{"alenka", nil},                                       // a part inside a word is not its start
			{"novak", []string{"HW-0002"}},                        // without the diacritics typed
			{"NOVÁK jiri", []string{"HW-0002"}},                   // with them, or some of them
			{"алена", []string{"HW-0003"}},                        // ё written as е
			{"кавалёва", []string{"HW-0003"}},                     // a word after a hyphen
			{"Мельник-Кав", []string{"HW-0003"}},                  // a hyphenated word typed as one: both parts match
			{"pierre", []string{"VOL-2025-014"}},                  //
			{"HW-000", []string{"HW-0001", "HW-0002", "HW-0003"}}, // part of a case code
			{"hw-0002", []string{"HW-0002"}},                      // a whole code, in any case
			{"VOL-2025", []string{"VOL-2025-014"}},                //
			{"2025-014", []string{"VOL-2025-014"}},                // the code's end
			{"OT-0001", nil},                                      // the other program's code is out of scope
		} {
			if got := codesOf(t, j.s, scope, tc.q, 50); !slices.Equal(got, tc.want) {
				t.Errorf("search %q found %v, want %v", tc.q, got, tc.want)
			}
		}
		// A search and the other filters narrow together, and it pages.
		if got := codesOf(t, j.s, scope, "hw-000", 1); len(got) != 3 {
			t.Errorf("paging a search one by one found %v, want the 3 cases", got)
		}
		list, _, err := j.s.ListCases(j.ctx, store.CaseFilter{Scope: scope, Query: "kav", Code: "VOL"}, store.Page{Limit: 10})
		if j.fatal(err); len(list) != 1 || list[0].Code != "VOL-2025-014" {
			t.Errorf("search with the code filter: %v", list)
		}
		// The other program's person is found in its own scope only.
		if got := codesOf(t, j.s, store.CaseScope{ProgramIDs: []int64{j.other.ID}}, "kav", 50); !slices.Equal(got, []string{"OT-0001"}) {
			t.Errorf("in the other program: %v", got)
		}
		if got := codesOf(t, j.s, store.CaseScope{ProgramIDs: []int64{j.prog.ID}, MentorID: j.mentor.ID}, "kav", 50); len(got) != 0 {
			t.Errorf("a mentor without cases found %v", got)
		}
		// Too short a word is refused with a reason, not searched.
		for _, q := range []string{"ka", "alesia ka", "a-b"} {
			_, _, err := j.s.ListCases(j.ctx, store.CaseFilter{Scope: scope, Query: q}, store.Page{Limit: 10})
			wantField(t, "search "+q, err, errs.KindInvalid, "q", "validation.search_short")
		}
		// The duplicate check folds the words alike.
		found, err := j.s.FindDuplicates(j.ctx, person("X-1", "Jiri NOVAK", 1985), scope)
		if j.fatal(err); len(found) != 1 || found[0].Mentee.CaseCode != "HW-0002" {
			t.Errorf("duplicates of Jiri Novak: %+v", found)
		}
		// A person whose data was erased is no longer found by name (nor
		// named), only by the case code.
		keyID, err := store.QueryStringForTest(j.ctx, j.s, `SELECT CAST(m.data_key_id AS TEXT) FROM mentees m WHERE m.case_code = 'HW-0001'`)
		j.fatal(err)
		id, _ := strconv.ParseInt(keyID, 10, 64)
		j.fatal(j.s.DestroyDataKey(j.ctx, id))
		if got := codesOf(t, j.s, scope, "ales", 50); len(got) != 0 {
			t.Errorf("after erasure, ales found %v", got)
		}
		list, _, err = j.s.ListCases(j.ctx, store.CaseFilter{Scope: scope, Query: "hw-0001"}, store.Page{Limit: 10})
		if j.fatal(err); len(list) != 1 {
			t.Fatalf("after erasure, the code found %v", list)
		}
		if names, err := j.s.MenteeNames(j.ctx, []int64{list[0].MenteeID}); err != nil || len(names) != 0 {
			t.Errorf("after erasure, the names opened: %v %v", names, err)
		}
	})
}

func TestMenteeNames(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		a, _ := j.intake(j.prog.ID, person("HW-0001", "Alesia Kavalenka", 1990), "")
		b, _ := j.intake(j.prog.ID, person("HW-0002", "Ivan Piatrou", 1985), "")
		c, _ := j.intake(j.prog.ID, person("HW-0003", "Not Asked", 1985), "")
		names, err := j.s.MenteeNames(j.ctx, []int64{a.ID, b.ID, a.ID})
		j.fatal(err)
		if len(names) != 2 || names[a.ID] != "Alesia Kavalenka" || names[b.ID] != "Ivan Piatrou" {
			t.Errorf("names %v", names)
		}
		if j.audits("mentee.name_read", "mentee", a.ID) != 1 || j.audits("mentee.name_read", "mentee", b.ID) != 1 ||
			j.audits("mentee.name_read", "mentee", c.ID) != 0 {
			t.Error("each name opened (and only those) must be audited once")
		}
	})
}

// A database whose mentees were indexed before search by name existed is
// indexed when the store opens: its people are found by part of a name.
func TestNameIndexBackfill(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		opts.Keyring = keyring(t)
		s := open(t, opts)
		p, err := s.CreateProgram(ctx, newProgram("Volnyja"))
		if err != nil {
			t.Fatal(err)
		}
		coord := mustUser(t, s, auth.User{Email: "coord@example.org", Role: auth.Coordinator, Programs: []int64{p.ID}}, auth.StatusActive)
		for _, m := range []cases.Mentee{person("HW-0001", "Alesia Kavalenka", 1990), person("HW-0002", "Jiří Novák", 1985)} {
			if _, _, err := s.CreateIntake(ctx, store.Intake{Mentee: m, ProgramID: p.ID, ActorID: coord.ID}); err != nil {
				t.Fatal(err)
			}
		}
		// As before 0019: no prefixes, and whole words folded without the
		// diacritics taken off (Novák's word "novák" is not "novak").
		for _, q := range []string{`DELETE FROM mentee_name_prefixes`, `DELETE FROM mentee_name_words`, `UPDATE mentees SET name_index = 0`} {
			if err := store.ExecForTest(ctx, s, q); err != nil {
				t.Fatal(err)
			}
		}
		scope := store.CaseScope{ProgramIDs: []int64{p.ID}}
		if got := codesOf(t, s, scope, "kaval", 50); len(got) != 0 {
			t.Fatalf("before the backfill the search found %v: the test does not start from an old index", got)
		}
		s.Close()
		s = open(t, opts)
		if got := codesOf(t, s, scope, "kaval", 50); !slices.Equal(got, []string{"HW-0001"}) {
			t.Errorf("after reopening, kaval found %v", got)
		}
		if got := codesOf(t, s, scope, "novak", 50); !slices.Equal(got, []string{"HW-0002"}) {
			t.Errorf("after reopening, novak found %v", got)
		}
		found, err := s.FindDuplicates(ctx, person("X-1", "Alesia Kavalenka", 1990), scope)
		if err != nil || len(found) != 1 {
			t.Errorf("the duplicate check after the backfill: %+v %v", found, err)
		}
		// Reopening again has nothing left to do and changes nothing.
		s.Close()
		s = open(t, opts)
		if got := codesOf(t, s, scope, "ales", 50); !slices.Equal(got, []string{"HW-0001"}) {
			t.Errorf("after a second reopening, ales found %v", got)
		}
	})
}
