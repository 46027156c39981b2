package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"homeward/internal/errs"
	"homeward/internal/mentors"
)

// rowsQueryer reads rows: the read pool, or a transaction.
type rowsQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// mentorRow is a mentor as read by loadMentors, with what opening their
// sealed name and experience tags needs.
type mentorRow struct {
	mentors.Mentor
	account    bool // an active mentor account in the program
	keyID      int64
	kekID      string
	sealedKey  []byte
	nameSealed []byte
	tagsSealed []byte
}

// mentorSet is every fact readiness needs of some mentors, read in a fixed
// number of queries whatever their number.
type mentorSet struct {
	rows        []mentorRow
	checks      map[int64][]mentors.Check
	completions map[int64][]mentors.Completion
	modules     map[int64][]mentors.Module // by program
	capacity    map[int64]int              // the program's default
	required    map[int64][]string         // the program's required checks
	load        map[[2]int64]int           // by account and program
}

const mentorSelect = `SELECT m.id, m.program_id, m.stage, m.origin, COALESCE(m.user_id, 0), COALESCE(u.status, ''),
	COALESCE(NULLIF(u.name, ''), u.email, ''),
	CASE WHEN u.role = 'mentor' AND up.user_id IS NOT NULL THEN 1 ELSE 0 END,
	m.languages, m.country, m.city, m.skills, m.need_domains, m.hours_per_week, m.times, m.preference_tags,
	m.gender, m.capacity, m.paused_until, m.accepted_at, m.retired_at, m.created_at, m.version, m.updated_at,
	m.data_key_id, COALESCE(dk.kek_id, ''), dk.sealed_key, m.full_name_sealed, m.experience_tags_sealed
	FROM mentors m LEFT JOIN users u ON u.id = m.user_id
	LEFT JOIN user_programs up ON up.user_id = m.user_id AND up.program_id = m.program_id
	LEFT JOIN data_keys dk ON dk.id = m.data_key_id`

func scanMentorRow(r scanner) (mentorRow, error) {
	var row mentorRow
	m := &row.Mentor
	var stage, origin, langs, domains, times, tags string
	var paused, accepted, retired sql.Null[time.Time]
	err := r.Scan(&m.ID, &m.ProgramID, &stage, &origin, &m.UserID, &m.UserStatus, &m.Name, &row.account,
		&langs, &m.Profile.Country, &m.Profile.City, &m.Profile.Skills, &domains, &m.Profile.HoursPerWeek, &times, &tags,
		&m.Profile.Gender, &m.Capacity, &paused, &accepted, &retired, &m.AppliedAt, &m.Version, &m.UpdatedAt,
		&row.keyID, &row.kekID, &row.sealedKey, &row.nameSealed, &row.tagsSealed)
	if err != nil {
		return row, err
	}
	m.Stage, m.Origin = mentors.Stage(stage), mentors.Origin(origin)
	m.PausedUntil, m.AcceptedAt, m.RetiredAt = nullTime(paused), nullTime(accepted), nullTime(retired)
	m.AppliedAt, m.UpdatedAt = m.AppliedAt.UTC(), m.UpdatedAt.UTC()
	for _, l := range []struct {
		src string
		dst *[]string
	}{{langs, &m.Profile.Languages}, {domains, &m.Profile.NeedDomains}, {times, &m.Profile.Times}, {tags, &m.Profile.PreferenceTags}} {
		if err := json.Unmarshal([]byte(l.src), l.dst); err != nil {
			return row, fmt.Errorf("decode list column: %w", err)
		}
	}
	m.Profile.ExperienceTags = []string{} // sealed: see openMentorRows
	return row, nil
}

// loadMentors reads the mentors that cond (on the mentors table aliased m,
// with args) selects, newest first, and everything their readiness needs:
// their checks and completions, their programs' modules and settings, and
// their loads. Six queries, whatever the number of mentors.
func (s *Store) loadMentors(ctx context.Context, q rowsQueryer, cond string, args ...any) (mentorSet, error) {
	set := mentorSet{checks: map[int64][]mentors.Check{}, completions: map[int64][]mentors.Completion{},
		modules: map[int64][]mentors.Module{}, capacity: map[int64]int{}, required: map[int64][]string{},
		load: map[[2]int64]int{}}
	each := func(what, query string, scan func(*sql.Rows) error) error {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return s.wrap(err, what)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return s.wrap(err, what)
			}
		}
		return s.wrap(rows.Err(), what)
	}
	err := each("list mentors", mentorSelect+` WHERE `+cond+` ORDER BY m.created_at DESC, m.id DESC`, func(r *sql.Rows) error {
		row, err := scanMentorRow(r)
		set.rows = append(set.rows, row)
		return err
	})
	if err != nil || len(set.rows) == 0 {
		return set, err
	}
	of := `(SELECT m.id FROM mentors m WHERE ` + cond + `)`
	programs := `(SELECT m.program_id FROM mentors m WHERE ` + cond + `)`
	err = each("list mentor checks", `SELECT c.id, c.mentor_id, c.kind, c.result, c.done_on, c.expires_on,
		COALESCE(c.recorded_by, 0), COALESCE(NULLIF(u.name, ''), u.email, ''), c.recorded_at
		FROM mentor_checks c LEFT JOIN users u ON u.id = c.recorded_by WHERE c.mentor_id IN `+of+`
		ORDER BY c.mentor_id, c.done_on, c.id`, func(r *sql.Rows) error {
		c, err := scanCheck(r)
		set.checks[c.MentorID] = append(set.checks[c.MentorID], c)
		return err
	})
	if err != nil {
		return set, err
	}
	err = each("list completions", `SELECT tc.mentor_id, tc.module_id, tc.status, tc.reported_at,
		COALESCE(tc.confirmed_by, 0), COALESCE(NULLIF(u.name, ''), u.email, ''), tc.confirmed_at
		FROM training_completions tc LEFT JOIN users u ON u.id = tc.confirmed_by WHERE tc.mentor_id IN `+of,
		func(r *sql.Rows) error {
			c, err := scanCompletion(r)
			set.completions[c.MentorID] = append(set.completions[c.MentorID], c)
			return err
		})
	if err != nil {
		return set, err
	}
	err = each("list modules", `SELECT `+moduleColumns+` FROM training_modules WHERE program_id IN `+programs+`
		ORDER BY program_id, position, id`, func(r *sql.Rows) error {
		m, err := scanModule(r)
		set.modules[m.ProgramID] = append(set.modules[m.ProgramID], m)
		return err
	})
	if err != nil {
		return set, err
	}
	err = each("read programs", `SELECT id, mentor_capacity, mentor_checks FROM programs WHERE id IN `+programs,
		func(r *sql.Rows) error {
			var id int64
			var capacity int
			var checks string
			if err := r.Scan(&id, &capacity, &checks); err != nil {
				return err
			}
			var kinds []string
			if err := json.Unmarshal([]byte(checks), &kinds); err != nil {
				return err
			}
			set.capacity[id], set.required[id] = capacity, kinds
			return nil
		})
	if err != nil {
		return set, err
	}
	err = each("count mentors' cases", `SELECT c.mentor_id, c.program_id, count(*) FROM cases c
		WHERE c.state IN `+openStates+` AND c.mentor_id IN (SELECT m.user_id FROM mentors m WHERE `+cond+`)
		GROUP BY c.mentor_id, c.program_id`, func(r *sql.Rows) error {
		var user, prog int64
		var n int
		err := r.Scan(&user, &prog, &n)
		set.load[[2]int64{user, prog}] = n
		return err
	})
	return set, err
}

// facts are what Readiness needs of one mentor of the set.
func (set mentorSet) facts(row mentorRow) mentors.Facts {
	return mentors.Facts{Mentor: row.Mentor, Account: row.account, RequiredChecks: set.required[row.ProgramID],
		Checks: set.checks[row.ID], Modules: set.modules[row.ProgramID], Completions: set.completions[row.ID]}
}

// standing is one mentor's standing at now.
func (set mentorSet) standing(row mentorRow, now time.Time) mentors.Standing {
	load := 0
	if row.UserID != 0 {
		load = set.load[[2]int64{row.UserID, row.ProgramID}]
	}
	return mentors.Stand(set.facts(row), load, set.capacity[row.ProgramID], now)
}

// openMentorRows opens the sealed names (of mentors without an account
// name) and, when tags, the experience tags of the rows, in place.
func (s *Store) openMentorRows(rows []mentorRow, names, tags bool) error {
	for i := range rows {
		r := &rows[i]
		if !(names && r.Name == "") && !(tags && len(r.tagsSealed) > 0) {
			continue
		}
		key, err := s.openKey(r.keyID, r.kekID, r.sealedKey)
		if err != nil {
			return err
		}
		if names && r.Name == "" {
			if r.Name, err = s.openField(key, r.nameSealed, mentorSealTable, "full_name_sealed", r.ID); err != nil {
				return err
			}
		}
		if tags && len(r.tagsSealed) > 0 {
			text, err := s.openField(key, r.tagsSealed, mentorSealTable, "experience_tags_sealed", r.ID)
			if err != nil {
				return err
			}
			if r.Profile.ExperienceTags, err = tagsOf(text); err != nil {
				return err
			}
		}
	}
	return nil
}

// needsOpening tells whether opening the rows' names or tags reads sealed data.
func needsOpening(rows []mentorRow, names, tags bool) bool {
	for _, r := range rows {
		if (names && r.Name == "") || (tags && len(r.tagsSealed) > 0) {
			return true
		}
	}
	return false
}

func scanCheck(r scanner) (mentors.Check, error) {
	var c mentors.Check
	var result string
	var expires sql.Null[time.Time]
	err := r.Scan(&c.ID, &c.MentorID, &c.Kind, &result, &c.DoneOn, &expires, &c.RecordedBy, &c.RecordedByName, &c.RecordedAt)
	c.Result, c.ExpiresOn = mentors.CheckResult(result), nullTime(expires)
	c.DoneOn, c.RecordedAt = c.DoneOn.UTC(), c.RecordedAt.UTC()
	return c, err
}

func scanCompletion(r scanner) (mentors.Completion, error) {
	var c mentors.Completion
	var status string
	var reported, confirmed sql.Null[time.Time]
	err := r.Scan(&c.MentorID, &c.ModuleID, &status, &reported, &c.ConfirmedBy, &c.ConfirmedByName, &confirmed)
	c.Status, c.ReportedAt, c.ConfirmedAt = mentors.CompletionStatus(status), nullTime(reported), nullTime(confirmed)
	return c, err
}

// errNoMentor is the answer for a mentor that does not exist.
func errNoMentor() error { return errs.NotFound("mentor") }
