package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/matching"
	"homeward/internal/mentors"
	"homeward/internal/program"
)

// ---- The match profile of a case ----

// MatchProfile opens what a case tells matching (the mentee's wish for a
// woman or a man as mentor, other wishes and background), sealed under the mentee's data key, and audits the read.
func (s *Store) MatchProfile(ctx context.Context, caseID int64) (matching.CaseProfile, error) {
	var p matching.CaseProfile
	var sealed, sealedKey []byte
	var keyID int64
	var kekID string
	err := s.read.QueryRowContext(ctx, `SELECT c.match_profile_sealed, m.data_key_id, COALESCE(dk.kek_id, ''), dk.sealed_key
		FROM cases c JOIN mentees m ON m.id = c.mentee_id LEFT JOIN data_keys dk ON dk.id = m.data_key_id
		WHERE c.id = $1`, caseID).Scan(&sealed, &keyID, &kekID, &sealedKey)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errs.NotFound("case")
	}
	if err != nil {
		return p, s.wrap(err, "read match profile")
	}
	if p, err = s.openMatchProfile(caseID, sealed, s.keyOnce(keyID, kekID, sealedKey)); err != nil {
		return p, err
	}
	return p, s.Audit(ctx, "case.match_profile_read", "case", caseID, audit.OK)
}

// keyOnce opens a data key read with its row (openKey) the first time it is
// asked for, and gives the same key after: a row's sealed columns open with
// one unwrap.
func (s *Store) keyOnce(keyID int64, kekID string, sealedKey []byte) func() ([]byte, error) {
	var key []byte
	var err error
	return func() ([]byte, error) {
		if key == nil && err == nil {
			key, err = s.openKey(keyID, kekID, sealedKey)
		}
		return key, err
	}
}

func (s *Store) openMatchProfile(caseID int64, sealed []byte, dataKey func() ([]byte, error)) (matching.CaseProfile, error) {
	p := matching.CaseProfile{Wishes: []string{}, Background: []string{}}
	if len(sealed) == 0 {
		return p, nil
	}
	key, err := dataKey()
	if err != nil {
		return p, err
	}
	text, err := s.openField(key, sealed, "cases", "match_profile_sealed", caseID)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(text), &p); err != nil {
		return p, errs.Internal(fmt.Errorf("decode match profile: %w", err))
	}
	p.Normalize() // a wish for a "woman" or a "man" stored among the wishes is the mentor gender asked for
	return p, nil
}

// SetMatchProfile seals and stores what a case tells matching.
func (s *Store) SetMatchProfile(ctx context.Context, caseID int64, p matching.CaseProfile) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, caseID)
		if err != nil {
			return err
		}
		key, err := s.dataKey(ctx, tx, ct.KeyID)
		if err != nil {
			return err
		}
		var sealed []byte
		if len(p.Wishes)+len(p.Background) > 0 || p.MentorGender != "" {
			b, _ := json.Marshal(p)
			if sealed, err = s.sealField(key, "cases", "match_profile_sealed", caseID, string(b)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET match_profile_sealed = $1 WHERE id = $2`, sealed, caseID); err != nil {
			return s.wrap(err, "store match profile")
		}
		if err := s.touchCase(ctx, tx, caseID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "case.match_profile", "case", caseID, audit.OK)
	})
}

// ---- The pool of a program: ready mentors and waiting cases ----

// PoolMentor is a mentor who may take a case now, with what matching reads
// of them.
type PoolMentor struct {
	Standing mentors.Standing
	Input    matching.Mentor // Input.ID is the mentor's account (a case's mentor_id)
}

// PoolCase is a waiting case with what matching reads of it.
type PoolCase struct {
	ID       int64
	Code     string
	OpenedAt time.Time
	Waiting  time.Time // since when it waits
	Input    matching.Case
}

// MatchPool is what matching works on in a program: the mentors who are
// ready with a free place, the waiting cases, and the program's weights and
// the hours a mentee asks of a mentor's week.
type MatchPool struct {
	Program     program.Program
	HoursNeeded float64
	Mentors     []PoolMentor
	Cases       []PoolCase
}

// MatchPool reads the program's pool at now: every mentor who is ready
// with a free place (their lived experience opened) and the waiting cases
// (caseID alone, when not 0; its wishes and background opened). Opening
// these sealed values is audited once, on the program.
func (s *Store) MatchPool(ctx context.Context, programID, caseID int64) (MatchPool, error) {
	p, err := s.GetProgram(ctx, programID)
	if err != nil {
		return MatchPool{}, err
	}
	pool := MatchPool{Program: p, HoursNeeded: matching.HoursNeeded(p.Cadence, p.HoursPerContact)}
	set, err := s.loadMentors(ctx, s.read, `m.program_id = $1 AND m.stage = 'accepted'`, programID)
	if err != nil {
		return pool, err
	}
	now := s.now()
	var rows []mentorRow
	var standings []mentors.Standing
	for _, row := range set.rows {
		if st := set.standing(row, now); st.Matchable() {
			rows, standings = append(rows, row), append(standings, st)
		}
	}
	if err := s.openMentorRows(rows, true, true); err != nil {
		return pool, err
	}
	for i, row := range rows {
		st := standings[i]
		st.Mentor.Name, st.Mentor.Profile.ExperienceTags = row.Name, row.Profile.ExperienceTags
		pool.Mentors = append(pool.Mentors, PoolMentor{Standing: st,
			Input: matching.MentorFrom(row.UserID, row.Profile, st.Capacity)})
	}
	if pool.Cases, err = s.waitingCases(ctx, programID, caseID, now); err != nil {
		return pool, err
	}
	return pool, s.Audit(ctx, "matching.pool_read", "program", programID, audit.OK)
}

// waitingCases reads the waiting cases of a program (or the one case) for
// matching, oldest waiting first: three queries.
func (s *Store) waitingCases(ctx context.Context, programID, caseID int64, now time.Time) ([]PoolCase, error) {
	cond, args := `c.program_id = $1 AND c.state = 'waiting'`, []any{programID}
	if caseID != 0 {
		cond, args = cond+` AND c.id = $2`, append(args, caseID)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT c.id, c.case_code, c.opened_at, c.state_since, c.custody_phase,
		c.match_profile_sealed, m.data_key_id, COALESCE(dk.kek_id, ''), dk.sealed_key,
		m.id, m.languages, m.country, m.profile_sealed, m.gender, m.birth_year, m.children
		FROM cases c JOIN mentees m ON m.id = c.mentee_id LEFT JOIN data_keys dk ON dk.id = m.data_key_id
		WHERE `+cond+` ORDER BY c.state_since, c.id`, args...)
	if err != nil {
		return nil, s.wrap(err, "list waiting cases")
	}
	defer rows.Close()
	var out []PoolCase
	var facts []matching.CaseFacts
	for rows.Next() {
		var pc PoolCase
		var f matching.CaseFacts
		var phase, langs, gender string
		var sealed, sealedKey, profile []byte
		var keyID, menteeID int64
		var kekID string
		if err := rows.Scan(&pc.ID, &pc.Code, &pc.OpenedAt, &pc.Waiting, &phase, &sealed, &keyID, &kekID, &sealedKey,
			&menteeID, &langs, &f.Mentee.Country, &profile, &gender, &f.Mentee.BirthYear, &f.Mentee.Children); err != nil {
			return nil, s.wrap(err, "scan waiting case")
		}
		pc.OpenedAt, pc.Waiting = pc.OpenedAt.UTC(), pc.Waiting.UTC()
		f.ID, f.InCustody, f.Mentee.Gender = pc.ID, cases.Phase(phase) == cases.InCustody, cases.Gender(gender)
		if err := json.Unmarshal([]byte(langs), &f.Mentee.Languages); err != nil {
			return nil, errs.Internal(fmt.Errorf("decode languages: %w", err))
		}
		dataKey := s.keyOnce(keyID, kekID, sealedKey)
		if f.Profile, err = s.openMatchProfile(pc.ID, sealed, dataKey); err != nil {
			return nil, err
		}
		if len(profile) > 0 { // the city, sealed with the profile's text, opened here for the score
			key, err := dataKey()
			if err != nil {
				return nil, err
			}
			if err := s.openProfile(key, profile, menteeID, &f.Mentee.Profile); err != nil {
				return nil, err
			}
		}
		out, facts = append(out, pc), append(facts, f)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list waiting cases")
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	needs, err := s.needs(ctx, `SELECT `+needColumns+` FROM needs n LEFT JOIN needs p ON p.id = n.previous_id
		JOIN cases c ON c.id = n.case_id WHERE n.current AND `+cond, args...)
	if err != nil {
		return nil, err
	}
	byCase := map[int64][]cases.Need{}
	for _, n := range needs {
		byCase[n.CaseID] = append(byCase[n.CaseID], n)
	}
	for i := range out {
		facts[i].Needs = byCase[out[i].ID]
		out[i].Input = matching.CaseFrom(facts[i], now)
	}
	return out, nil
}

// ---- Confirming matches ----

// MatchPair gives a case to a mentor (the mentor's account, as a case's
// mentor_id).
type MatchPair struct {
	CaseID   int64 `json:"case_id"`
	MentorID int64 `json:"mentor_id"`
}

// MaxPairs bounds one confirmation.
const MaxPairs = 5000

// ConfirmMatches matches every pair of a program at once, or none: each
// case must be waiting in the program, each mentor ready, and no mentor
// given more cases than their free places. Cases, then mentors, are locked
// in id order, so that two confirmations at once (on two app processes)
// run one after the other and the second sees the first's matches: a
// mentor's capacity is never exceeded. A refusal is an errs.Conflict whose
// Fields name each refused pair as "case:<id>" with a message key.
func (s *Store) ConfirmMatches(ctx context.Context, programID int64, pairs []MatchPair, actorID int64) error {
	if len(pairs) == 0 {
		return errs.Invalid(map[string]string{"pairs": "validation.required"})
	}
	if len(pairs) > MaxPairs {
		return errs.Invalid(map[string]string{"pairs": "validation.too_many"})
	}
	pairs = slices.Clone(pairs)
	slices.SortFunc(pairs, func(a, b MatchPair) int { return cmp.Compare(a.CaseID, b.CaseID) })
	bad := map[string]string{}
	for i, p := range pairs {
		if p.CaseID <= 0 || p.MentorID <= 0 {
			return errs.Invalid(map[string]string{"pairs": "validation.pairs"})
		}
		if i > 0 && pairs[i-1].CaseID == p.CaseID {
			bad[caseField(p.CaseID)] = "matching.refused.twice"
		}
	}
	if len(bad) > 0 {
		return errs.Invalid(bad)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		locked := make([]caseTx, len(pairs))
		for i, p := range pairs {
			ct, err := s.lockCase(ctx, tx, p.CaseID)
			switch {
			case errs.Is(err, errs.KindNotFound) || (err == nil && ct.ProgramID != programID):
				bad[caseField(p.CaseID)] = "matching.refused.case"
				continue
			case err != nil:
				return err
			case ct.State != cases.Waiting:
				bad[caseField(p.CaseID)] = "case.refused.match_state"
			}
			locked[i] = ct
		}
		ids := make([]int64, 0, len(pairs))
		for _, p := range pairs {
			if !slices.Contains(ids, p.MentorID) {
				ids = append(ids, p.MentorID)
			}
		}
		free, err := s.lockMentorsForMatch(ctx, tx, programID, ids)
		if err != nil {
			return err
		}
		given := map[int64]int{}
		for _, p := range pairs {
			f, ok := free[p.MentorID]
			switch {
			case !ok:
				bad[caseField(p.CaseID)] = "case.refused.mentor_not_ready"
			case given[p.MentorID] >= f:
				bad[caseField(p.CaseID)] = "case.refused.capacity"
			}
			given[p.MentorID]++
		}
		if len(bad) > 0 {
			return errs.Conflict("Some matches cannot be made as they are: see each case.", bad)
		}
		for i, p := range pairs {
			if err := s.matchTx(ctx, tx, locked[i], p.MentorID, actorID); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, "matching.confirm", "program", programID, audit.OK)
	})
}

func caseField(id int64) string { return "case:" + fmt.Sprint(id) }

// lockMentorsForMatch locks the accounts (in id order, on PostgreSQL) of
// the mentors of a program, reads their standing inside tx, and returns the
// free places of those who are ready, by account. A mentor who is not an
// active mentor of the program, or not ready, is absent.
func (s *Store) lockMentorsForMatch(ctx context.Context, tx *sql.Tx, programID int64, userIDs []int64) (map[int64]int, error) {
	ids := slices.Clone(userIDs)
	slices.Sort(ids)
	args := []any{programID}
	ph := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		ph[i] = "$" + itoa(len(args))
	}
	in := strings.Join(ph, ", ")
	rows, err := tx.QueryContext(ctx, `SELECT u.id FROM users u JOIN user_programs up ON up.user_id = u.id AND up.program_id = $1
		WHERE u.id IN (`+in+`) AND u.role = 'mentor' AND u.status = 'active' ORDER BY u.id`+s.forUpdate(" OF u"), args...)
	if err != nil {
		return nil, s.wrap(err, "lock mentors")
	}
	for rows.Next() {
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "lock mentors")
	}
	set, err := s.loadMentors(ctx, tx, `m.program_id = $1 AND m.user_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	out := map[int64]int{}
	now := s.now()
	for _, row := range set.rows {
		if st := set.standing(row, now); st.Ready {
			out[row.UserID] = st.Free()
		}
	}
	return out, nil
}
