package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/mentors"
	"homeward/internal/program"
	"homeward/internal/store"
)

// checkNewcomer asserts what a newcomer looks at first reads true:
// referrals sent over the cases' histories and answered after they were
// sent, people whose gender agrees with their names and whose family texts
// agree with their gender and children, and in every program a ready
// mentor with a free place and applicants on the screening board.
func checkNewcomer(t *testing.T, st *store.Store, programs []program.Program, list []cases.Case) {
	t.Run("referrals", func(t *testing.T) { checkReferralTimes(t, st, list) })
	t.Run("mentors", func(t *testing.T) { checkMentorsWaiting(t, st, programs) })
	t.Run("people", func(t *testing.T) { checkPeople(t, st, programs, list) })
}

// checkReferralTimes: the hand-made referrals were sent at their own
// moments over the cases' histories, none in the hour the demo was made,
// and every referral was answered after it was sent.
func checkReferralTimes(t *testing.T, st *store.Store, list []cases.Case) {
	ctx := context.Background()
	byID := map[int64]cases.Case{}
	for _, c := range list {
		byID[c.ID] = c
	}
	now := st.Now()
	minutes := map[time.Time]int{}
	handMade := 0
	cursor := ""
	for {
		page, next, err := st.Referrals(ctx, store.ReferralFilter{}, store.Page{Limit: store.MaxLimit, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page {
			if r.SentAt == nil {
				continue
			}
			sent := r.SentAt.UTC()
			if r.AnsweredAt != nil && !r.AnsweredAt.After(sent) {
				t.Errorf("referral %d of %s answered at %v, not after it was sent at %v", r.ID, r.CaseCode, r.AnsweredAt, sent)
			}
			if c, ok := byID[r.CaseID]; ok && sent.Before(c.CreatedAt) {
				t.Errorf("referral %d sent at %v, before its case %s was opened at %v", r.ID, sent, c.Code, c.CreatedAt)
			}
			if strings.HasPrefix(r.CaseCode, "H") {
				continue
			}
			handMade++
			minutes[sent.Truncate(time.Minute)]++
			if now.Sub(sent) < time.Hour {
				t.Errorf("referral %d of %s was sent at %v, in the hour the demo was made", r.ID, r.CaseCode, sent)
			}
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if handMade < 5 {
		t.Fatalf("%d hand-made referrals sent", handMade)
	}
	for m, n := range minutes {
		if n > 2 {
			t.Errorf("%d of %d hand-made referrals were sent in the same minute, %v", n, handMade, m)
		}
	}
}

// checkMentorsWaiting: every program has a mentor ready with a free place
// (the matching pool is not empty) and applicants on the screening board.
func checkMentorsWaiting(t *testing.T, st *store.Store, programs []program.Program) {
	ctx := context.Background()
	for _, p := range programs {
		pool, err := st.MatchPool(ctx, p.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(pool.Mentors) == 0 {
			t.Errorf("%s: no mentor is ready with a free place", p.Name)
		}
		for _, m := range pool.Mentors {
			if !m.Standing.Ready || m.Standing.Free() == 0 || m.Standing.TrainingDone < m.Standing.TrainingRequired {
				t.Errorf("%s: mentor %d in the pool is not ready with a free place: %+v", p.Name, m.Standing.Mentor.ID, m.Standing)
			}
		}
		o, err := st.MentorOverview(ctx, store.MentorFilter{ProgramID: p.ID, Stages: mentors.ScreeningStages}, store.Page{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Items) == 0 {
			t.Errorf("%s: nobody on the screening board", p.Name)
		}
	}
}

// nameGender is the gender a first name of the demo says, told from its
// ending (a woman's ends in -a, -я or -e), bar a few men's names; "" for
// an account named by its role.
func nameGender(full string) cases.Gender {
	first, _, _ := strings.Cut(full, " ")
	switch first {
	case "Demo", "":
		return ""
	case "Ilya", "Илья", "Mykola", "Микола":
		return cases.Male
	}
	r := []rune(first)
	switch r[len(r)-1] {
	case 'a', 'á', 'e', 'а', 'я':
		return cases.Female
	}
	return cases.Male
}

// notAbout are words that, in a text about a person, cannot be about a
// person of the gender.
var notAbout = map[cases.Gender][]string{
	cases.Male:   {"her husband", "lives with his father", "at her request", "She ", " she ", "women's"},
	cases.Female: {"his wife", "lives with his mother", "He ", " he "},
}

// childrenSaid are phrases of a family text and the children they count.
var childrenSaid = map[string]int{"no children": 0, "two children": 2, "Two teenage children": 2, "one son": 1,
	"one adult daughter": 1, "a baby": 1, "and daughter": 1}

// checkPeople: the journeys' people and a sample of the generated ones
// have names of their gender and family texts that agree with it and with
// their children; every mentor's profile gender agrees with their name.
func checkPeople(t *testing.T, st *store.Store, programs []program.Program, list []cases.Case) {
	ctx := context.Background()
	seen := map[int64]bool{}
	checked := 0
	for k, c := range list {
		if seen[c.MenteeID] || !journeyCase(c) && k%10 != 0 { // every name read is audited: a sample of the generated ones
			continue
		}
		seen[c.MenteeID] = true
		m, err := st.GetMentee(ctx, c.MenteeID)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		if g := nameGender(m.FullName); m.Gender != "" && g != m.Gender {
			t.Errorf("%s: %q is %s", c.Code, m.FullName, m.Gender)
		}
		for _, w := range notAbout[m.Gender] {
			if strings.Contains(m.Family, w) {
				t.Errorf("%s (%s): the family %q says %q", c.Code, m.Gender, m.Family, w)
			}
		}
		for phrase, n := range childrenSaid {
			if strings.Contains(m.Family, phrase) && m.Children != n {
				t.Errorf("%s: the family %q, yet %d children", c.Code, m.Family, m.Children)
			}
		}
	}
	if checked < 40 {
		t.Errorf("only %d people checked", checked)
	}
	named := 0
	for _, p := range programs {
		cursor := ""
		for {
			o, err := st.MentorOverview(ctx, store.MentorFilter{ProgramID: p.ID}, store.Page{Limit: store.MaxLimit, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range o.Items {
				g := nameGender(s.Mentor.Name)
				if g == "" {
					continue
				}
				named++
				if s.Mentor.Profile.Gender != "" && s.Mentor.Profile.Gender != string(g) {
					t.Errorf("%s: mentor %q gives the gender %s", p.Name, s.Mentor.Name, s.Mentor.Profile.Gender)
				}
			}
			if cursor = o.Next; cursor == "" {
				break
			}
		}
	}
	if named < 20 {
		t.Errorf("only %d mentors checked", named)
	}
}

// The test's own reading of names and texts agrees with the generator's:
// every name the demo gives is read as the gender it was given for, and
// every family text fits the people it is given to.
func TestNamesAndFamiliesAgree(t *testing.T) {
	t.Parallel()
	for _, ns := range []nameSet{belarusianLatin, belarusianCyrillic, russianCyrillic, russianLatin, ukrainianCyrillic, ukrainianLatin, czech} {
		for _, n := range ns.male {
			if nameGender(n) != cases.Male || genderOf(n+" X") != cases.Male {
				t.Errorf("%s is a man's name", n)
			}
		}
		for _, n := range ns.female {
			if nameGender(n) != cases.Female || genderOf(n+" X") != cases.Female {
				t.Errorf("%s is a woman's name", n)
			}
		}
	}
	for _, n := range append(slicesOf(applicants), mentorNames...) {
		if g := genderOf(n); g == "" || g != nameGender(n) {
			t.Errorf("the volunteer %s: the generator says %q", n, g)
		}
	}
	for _, f := range families {
		for _, g := range []cases.Gender{cases.Male, cases.Female} {
			if f.gender != "" && f.gender != g {
				continue
			}
			for _, w := range notAbout[g] {
				if strings.Contains(f.text, w) {
					t.Errorf("%q is given to a %s and says %q", f.text, g, w)
				}
			}
		}
	}
	// A program for women takes only women.
	women := 0
	for _, p := range Programs(Large, 1) {
		if w := strings.HasPrefix(p.Name, womensTheme); w != communityOf(p).women {
			t.Errorf("%s: a program for women %v, its people all women %v", p.Name, w, communityOf(p).women)
		} else if w {
			women++
		}
	}
	if women == 0 {
		t.Error("the large demo has no program for women")
	}
	for _, r := range append(transferReasons, partnerMessages()...) {
		for _, w := range append(notAbout[cases.Male], notAbout[cases.Female]...) {
			if strings.Contains(r, w) {
				t.Errorf("%q, given to anyone, says %q", r, w)
			}
		}
	}
}

func slicesOf(list []struct {
	name, email string
	stage       mentors.Stage
	lang        []string
	then        string
}) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.name)
	}
	return out
}

// partnerMessages are the partners' answers of the hand-made referrals,
// which go to anyone's case.
func partnerMessages() []string {
	var out []string
	for _, d := range demoReferrals {
		for _, m := range referralPath(d.end, d.reason) {
			out = append(out, m.message)
		}
		out = append(out, d.message)
	}
	return out
}
