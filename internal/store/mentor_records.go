package store

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/mentors"
	"homeward/internal/zone"
)

// MentorRef is what the policy needs to decide on a mentor: the program,
// and the account (0 before acceptance).
type MentorRef struct {
	ID, ProgramID, UserID int64
}

// MentorRef returns the program and account of a mentor, reading nothing sealed.
func (s *Store) MentorRef(ctx context.Context, id int64) (MentorRef, error) {
	r := MentorRef{ID: id}
	err := s.read.QueryRowContext(ctx, `SELECT program_id, COALESCE(user_id, 0) FROM mentors WHERE id = $1`, id).Scan(&r.ProgramID, &r.UserID)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errNoMentor()
	}
	return r, s.wrap(err, "read mentor")
}

// GetMentor returns a mentor's standing now. Its name is the account's
// (nothing sealed is opened): "" for an applicant, whose name is read with
// MentorApplication.
func (s *Store) GetMentor(ctx context.Context, id int64) (mentors.Standing, error) {
	set, err := s.loadMentors(ctx, s.read, `m.id = $1`, id)
	if err != nil {
		return mentors.Standing{}, err
	}
	if len(set.rows) == 0 {
		return mentors.Standing{}, errNoMentor()
	}
	return set.standing(set.rows[0], s.now()), nil
}

// MentorFilter narrows a program's mentors.
type MentorFilter struct {
	ProgramID int64
	Pipeline  mentors.Pipeline // one place of the pipeline; "" for all
	Stages    []mentors.Stage  // only these stages; none for all
	Nobody    bool             // accepted mentors who support nobody now
	Expiring  bool             // mentors with a current check expiring soon or expired
	Query     string           // a part of the account's name or email (accepted mentors)
}

// MentorOverview is a program's mentors as the coordinator's view shows them.
type MentorOverview struct {
	// Counts has every mentor of the program by place in the pipeline,
	// whatever the filter.
	Counts map[mentors.Pipeline]int
	Items  []mentors.Standing // one page of the filtered mentors, newest first
	Next   string             // the cursor of the next page, "" on the last
	Total  int                // the filtered mentors on all pages
}

// MentorOverview returns the program's mentors that pass the filter, one
// keyset page at a time, with the pipeline counts of all of them. Readiness
// depends on dates, checks and training, so it is worked out in Go over the
// program's mentors (six queries, whatever their number); the sealed names
// of the page's applicants are opened, and that read is audited once.
func (s *Store) MentorOverview(ctx context.Context, f MentorFilter, p Page) (MentorOverview, error) {
	k, err := decodeCursor(p.Cursor)
	if err != nil {
		return MentorOverview{}, err
	}
	set, err := s.loadMentors(ctx, s.read, `m.program_id = $1`, f.ProgramID)
	if err != nil {
		return MentorOverview{}, err
	}
	now := s.now()
	out := MentorOverview{Counts: map[mentors.Pipeline]int{}}
	for _, pl := range mentors.Pipelines {
		out.Counts[pl] = 0
	}
	q := nameKey(f.Query)
	var page []mentorRow
	var standings []mentors.Standing
	limit := p.limit()
	after := time.Time{}
	if p.Cursor != "" {
		if after, err = time.Parse(time.RFC3339Nano, k.S); err != nil {
			return MentorOverview{}, errs.Invalid(map[string]string{"cursor": "validation.cursor"})
		}
	}
	for _, row := range set.rows {
		st := set.standing(row, now)
		out.Counts[st.Pipeline]++
		switch {
		case f.Pipeline != "" && st.Pipeline != f.Pipeline,
			len(f.Stages) > 0 && !slices.Contains(f.Stages, row.Stage),
			f.Nobody && !(row.Stage == mentors.StageAccepted && st.Load == 0),
			f.Expiring && len(st.Expiring) == 0 && !hasReason(st.Reasons, mentors.ReasonCheckExpired),
			q != "" && !(row.UserID != 0 && containsFold(row.Name, q)):
			continue
		}
		out.Total++
		// Newest first: (applied, id) descending; the cursor is the last shown.
		if p.Cursor != "" && !(row.AppliedAt.Before(after) || (row.AppliedAt.Equal(after) && row.ID < k.ID)) {
			continue
		}
		if len(page) == limit {
			last := page[len(page)-1]
			out.Next = encodeCursor(cursorKey{S: last.AppliedAt.Format(time.RFC3339Nano), ID: last.ID})
			continue // keep counting
		}
		page = append(page, row)
		standings = append(standings, st)
	}
	if needsOpening(page, true, false) {
		if err := s.openMentorRows(page, true, false); err != nil {
			return MentorOverview{}, err
		}
		if err := s.Audit(ctx, "mentor.names_read", "program", f.ProgramID, audit.OK); err != nil {
			return MentorOverview{}, err
		}
	}
	for i := range standings {
		standings[i].Mentor.Name = page[i].Name
	}
	out.Items = standings
	if out.Items == nil {
		out.Items = []mentors.Standing{}
	}
	return out, nil
}

func hasReason(rs []mentors.Reason, key string) bool {
	return slices.ContainsFunc(rs, func(r mentors.Reason) bool { return r.Key == key })
}

func containsFold(s, q string) bool { return q == "" || strings.Contains(nameKey(s), q) }

// MyMentors returns the mentor records of an account (one per program), with
// their standing now.
func (s *Store) MyMentors(ctx context.Context, userID int64) ([]mentors.Standing, error) {
	set, err := s.loadMentors(ctx, s.read, `m.user_id = $1`, userID)
	if err != nil {
		return nil, err
	}
	out := []mentors.Standing{}
	for _, row := range set.rows {
		out = append(out, set.standing(row, s.now()))
	}
	return out, nil
}

// lockMentor reads a mentor for a write inside tx, locking the row on
// PostgreSQL, and checks the version the writer started from (0 skips
// the check).
func (s *Store) lockMentor(ctx context.Context, tx *sql.Tx, id int64, version int) (mentorRow, error) {
	if version < 0 || version > math.MaxInt32 {
		return mentorRow{}, errs.Invalid(map[string]string{"version": "validation.version_required"})
	}
	row, err := scanMentorRow(tx.QueryRowContext(ctx, mentorSelect+` WHERE m.id = $1`+s.forUpdate(" OF m"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return row, errNoMentor()
	}
	if err != nil {
		return row, s.wrap(err, "read mentor")
	}
	if version != 0 && row.Version != version {
		return row, errs.Conflict("Someone else changed this mentor meanwhile. Reload to see their change.", nil)
	}
	return row, nil
}

// touchMentor moves the mentor's version after a change to anything of theirs.
func (s *Store) touchMentor(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE mentors SET version = version + 1, updated_at = $1 WHERE id = $2`, s.ts(s.now()), id)
	return s.wrap(err, "touch mentor")
}

// MoveMentor moves a mentor on the screening board (mentors.CheckMove), or
// retires an accepted mentor (refused while they support someone) and
// brings a retired one back. version is the one the coordinator saw.
func (s *Store) MoveMentor(ctx context.Context, id int64, to mentors.Stage, version int) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		row, err := s.lockMentor(ctx, tx, id, version)
		if err != nil {
			return err
		}
		now := s.now()
		retired := any(nil)
		switch {
		case row.Stage == mentors.StageAccepted && to == mentors.StageRetired:
			var load int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE mentor_id = $1 AND program_id = $2
				AND state IN `+openStates, row.UserID, row.ProgramID).Scan(&load); err != nil {
				return s.wrap(err, "count mentor's cases")
			}
			if load > 0 {
				return errs.Conflict("This mentor still supports someone: end or hand over those matches first.", map[string]string{"stage": "mentor.refused.retire_load"})
			}
			retired = s.ts(now)
		case row.Stage == mentors.StageRetired && to == mentors.StageAccepted:
		default:
			if err := mentors.CheckMove(row.Stage, to); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mentors SET stage = $1, retired_at = $2, version = version + 1,
			updated_at = $3 WHERE id = $4`, string(to), retired, s.ts(now), id); err != nil {
			return s.wrap(err, "move mentor")
		}
		return s.appendAudit(ctx, tx, "mentor.stage_"+string(to), "mentor", id, audit.OK)
	})
}

// Acceptance is the result of accepting a mentor: the invitation link to
// send them (empty when they have an account already, which now also
// reaches the program).
type Acceptance struct {
	UserID int64
	Link   string
}

// AcceptMentor accepts a mentor who passed the checks stage and invites
// them: an account with the mentor role in the program, with a one-time
// link (valid for ttl) where they choose a password. A person who is a
// mentor of another program already keeps their account, which gains this
// program; an email that belongs to an account of another role is refused.
func (s *Store) AcceptMentor(ctx context.Context, id int64, version int, ttl time.Duration) (Acceptance, error) {
	defer s.usersChanged()
	var out Acceptance
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		row, err := s.lockMentor(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if row.Stage != mentors.StageChecks {
			return errs.Conflict("Only a mentor at the checks stage can be accepted.", map[string]string{"stage": "mentor.refused.accept_stage"})
		}
		key, err := s.openKey(row.keyID, row.kekID, row.sealedKey)
		if err != nil {
			return err
		}
		var nameSealed, emailSealed []byte
		if err := tx.QueryRowContext(ctx, `SELECT full_name_sealed, email_sealed FROM mentors WHERE id = $1`, id).Scan(&nameSealed, &emailSealed); err != nil {
			return s.wrap(err, "read mentor")
		}
		name, err := s.openField(key, nameSealed, mentorSealTable, "full_name_sealed", id)
		if err != nil {
			return err
		}
		email, err := s.openField(key, emailSealed, mentorSealTable, "email_sealed", id)
		if err != nil {
			return err
		}
		var uid int64
		var role, status string
		err = tx.QueryRowContext(ctx, `SELECT id, role, status FROM users WHERE email_key = $1`+s.forUpdate(""), auth.EmailKey(email)).Scan(&uid, &role, &status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			u := auth.User{Email: email, Name: name, Role: auth.Mentor}
			u.Normalize()
			if err := u.Validate(); err != nil {
				return errs.Invalid(map[string]string{"email": "validation.email"})
			}
			if u, err = s.createUserTx(ctx, tx, u); err != nil {
				return err
			}
			uid = u.ID
			if out.Link, err = s.createLinkTx(ctx, tx, LinkInvite, uid, ttl); err != nil {
				return err
			}
		case err != nil:
			return s.wrap(err, "find account")
		case role != string(auth.Mentor):
			return errs.Conflict("This email address belongs to an account with another role.", map[string]string{"stage": "mentor.refused.accept_role"})
		case status == auth.StatusDisabled:
			return errs.Conflict("This person's account is disabled.", map[string]string{"stage": "mentor.refused.accept_disabled"})
		case status == auth.StatusInvited:
			if err := s.onlyInProgram(ctx, tx, uid, row.ProgramID); err != nil {
				return err
			}
			if out.Link, err = s.createLinkTx(ctx, tx, LinkInvite, uid, ttl); err != nil {
				return err
			}
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM mentors WHERE user_id = $1 AND program_id = $2 AND id <> $3`,
			uid, row.ProgramID, id).Scan(&taken); err != nil {
			return s.wrap(err, "check mentor")
		}
		if taken {
			return errs.Conflict("This person is a mentor of the program already.", map[string]string{"stage": "mentor.refused.accept_twice"})
		}
		now := s.ts(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE mentors SET stage = 'accepted', user_id = $1, accepted_at = $2,
			version = version + 1, updated_at = $2 WHERE id = $3`, uid, now, id); err != nil {
			return s.wrap(err, "accept mentor")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_programs (user_id, program_id) VALUES ($1, $2)
			ON CONFLICT (user_id, program_id) DO NOTHING`, uid, row.ProgramID); err != nil {
			return s.wrap(err, "add mentor to program")
		}
		out.UserID = uid
		return s.appendAudit(ctx, tx, "mentor.accept", "mentor", id, audit.OK)
	})
	return out, err
}

// InviteMentorAgain makes a new invitation link for an accepted mentor who
// has not used theirs yet (the earlier link stops working).
func (s *Store) InviteMentorAgain(ctx context.Context, id int64, ttl time.Duration) (string, error) {
	var link string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		row, err := s.lockMentor(ctx, tx, id, 0)
		if err != nil {
			return err
		}
		if row.UserID == 0 || row.UserStatus != auth.StatusInvited {
			return errs.Conflict("This mentor has no unused invitation.", map[string]string{"stage": "mentor.refused.invite"})
		}
		if err := s.onlyInProgram(ctx, tx, row.UserID, row.ProgramID); err != nil {
			return err
		}
		link, err = s.createLinkTx(ctx, tx, LinkInvite, row.UserID, ttl)
		return err
	})
	return link, err
}

// onlyInProgram refuses an invitation link that a program's coordinator
// would hand over for an account that is in other programs too: whoever
// holds the link takes the account, and with it what the other programs
// show it, so only an admin issues that one (users' reset link).
func (s *Store) onlyInProgram(ctx context.Context, tx *sql.Tx, userID, programID int64) error {
	var others bool
	if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM user_programs WHERE user_id = $1 AND program_id <> $2`,
		userID, programID).Scan(&others); err != nil {
		return s.wrap(err, "programs of the account")
	}
	if others {
		return errs.Conflict("This person's account is in other programs too: an administrator sends their invitation.",
			map[string]string{"stage": "mentor.refused.invite_elsewhere"})
	}
	return nil
}

// SetMentorAvailability sets a mentor's own capacity (0: the program's)
// and pause (nil resumes). version is the one the coordinator saw.
func (s *Store) SetMentorAvailability(ctx context.Context, id int64, a mentors.Availability, version int) error {
	if a.PausedUntil != nil {
		t := a.PausedUntil.UTC()
		a.PausedUntil = &t
	}
	if err := a.Validate(zone.TodayIn(ctx, s.now())); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		row, err := s.lockMentor(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if row.Stage != mentors.StageAccepted {
			return errs.Conflict("Only an accepted mentor has places to set.", map[string]string{"capacity": "mentor.refused.availability_stage"})
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mentors SET capacity = $1, paused_until = $2, version = version + 1,
			updated_at = $3 WHERE id = $4`, a.Capacity, s.nullTS(a.PausedUntil), s.ts(s.now()), id); err != nil {
			return s.wrap(err, "set availability")
		}
		return s.appendAudit(ctx, tx, "mentor.availability", "mentor", id, audit.OK)
	})
}

// UpdateMentorProfile stores what matching reads of a mentor (the
// experience tags sealed), checked against the program's need domains.
func (s *Store) UpdateMentorProfile(ctx context.Context, id int64, p mentors.Profile, version int) error {
	p.Normalize()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		row, err := s.lockMentor(ctx, tx, id, version)
		if err != nil {
			return err
		}
		prog, err := s.programTx(ctx, tx, row.ProgramID)
		if err != nil {
			return err
		}
		if err := p.Validate(prog.NeedDomains); err != nil {
			return err
		}
		key, err := s.openKey(row.keyID, row.kekID, row.sealedKey)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mentors SET languages = $1, country = $2, city = $3, skills = $4,
			need_domains = $5, hours_per_week = $6, times = $7, preference_tags = $8, gender = $9,
			version = version + 1, updated_at = $10 WHERE id = $11`,
			jsonList(p.Languages), p.Country, p.City, p.Skills, jsonList(p.NeedDomains), p.HoursPerWeek,
			jsonList(p.Times), jsonList(p.PreferenceTags), p.Gender, s.ts(s.now()), id); err != nil {
			return s.wrap(err, "update mentor profile")
		}
		tags := tagsText(p.ExperienceTags)
		values := make([]*string, len(sealedApplicationColumns))
		values[len(values)-1] = &tags
		if err := s.sealMentor(ctx, tx, key, id, values); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "mentor.profile", "mentor", id, audit.OK)
	})
}

// ensureMentors gives a mentor account a mentor record in each of its
// programs that has none (origin "account", accepted): an administrator who
// makes a mentor account in a program makes them a mentor there. Inside tx.
//
// Without a keyring (a maintenance command) the records wait: the next
// start of serve makes them (backfillMentors).
func (s *Store) ensureMentors(ctx context.Context, tx *sql.Tx, userID int64) error {
	if s.keyring == nil {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT up.program_id FROM user_programs up JOIN users u ON u.id = up.user_id
		WHERE up.user_id = $1 AND u.role = 'mentor'
		AND NOT EXISTS (SELECT 1 FROM mentors m WHERE m.user_id = up.user_id AND m.program_id = up.program_id)
		ORDER BY up.program_id`, userID)
	if err != nil {
		return s.wrap(err, "find programs without a mentor record")
	}
	var programs []int64
	for rows.Next() {
		var p int64
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return s.wrap(err, "find programs without a mentor record")
		}
		programs = append(programs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s.wrap(err, "find programs without a mentor record")
	}
	for _, p := range programs {
		keyID, _, err := s.newDataKey(ctx, tx)
		if err != nil {
			return err
		}
		now := s.ts(s.now())
		var id int64
		// Name and email are the account's; the sealed columns stay empty.
		if err := tx.QueryRowContext(ctx, `INSERT INTO mentors (program_id, stage, origin, user_id, data_key_id,
			full_name_sealed, email_sealed, motivation_sealed, hours_per_week, consent_at, accepted_at, version,
			created_at, updated_at) VALUES ($1, 'accepted', 'account', $2, $3, $4, $4, $4, 1, $5, $5, 1, $5, $5) RETURNING id`,
			p, userID, keyID, []byte{}, now).Scan(&id); err != nil {
			return s.wrap(err, "add mentor record")
		}
		if err := s.appendAudit(ctx, tx, "mentor.from_account", "mentor", id, audit.OK); err != nil {
			return err
		}
	}
	return nil
}

// backfillMentors gives every mentor account made before mentor records
// existed its records (ensureMentors); run after migrating, when a keyring
// can seal the records' data keys.
func (s *Store) backfillMentors(ctx context.Context) error {
	if s.keyring == nil {
		return nil
	}
	rows, err := s.read.QueryContext(ctx, `SELECT DISTINCT up.user_id FROM user_programs up JOIN users u ON u.id = up.user_id
		WHERE u.role = 'mentor' AND NOT EXISTS (SELECT 1 FROM mentors m WHERE m.user_id = up.user_id AND m.program_id = up.program_id)
		ORDER BY up.user_id`)
	if err != nil {
		return s.wrap(err, "find mentor accounts without records")
	}
	var users []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return s.wrap(err, "find mentor accounts without records")
		}
		users = append(users, id)
	}
	rows.Close()
	for _, id := range users {
		if err := s.inTx(ctx, func(tx *sql.Tx) error { return s.ensureMentors(ctx, tx, id) }); err != nil {
			return err
		}
	}
	return s.wrap(rows.Err(), "find mentor accounts without records")
}
