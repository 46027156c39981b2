package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"homeward/internal/audit"
	"homeward/internal/errs"
	"homeward/internal/mentors"
)

// ApplicationLimit is how many applications one address (an IPv6 address
// by its /64, AddressGroup) may send within its window; more are refused
// until the lockout ends. The public form and the API share the count.
var ApplicationLimit = Throttle{Limit: 5, Window: time.Hour, Lockout: time.Hour}

// ProgramApplicationLimit is how many applications one program takes in a
// day, from all addresses together: a crowd of addresses cannot bury its
// coordinators. Over it, applications are refused for a day.
var ProgramApplicationLimit = Throttle{Limit: 100, Window: 24 * time.Hour, Lockout: 24 * time.Hour}

// CountApplication counts one application from a client address against
// ApplicationLimit and, when the address may go ahead and programID is not
// 0, against the program's ProgramApplicationLimit, atomically (the sign-in
// throttle's table and rule, under keys of their own). It returns until when
// the application is refused (zero when it may go ahead) and whether the
// program's limit refused it. An address over its own limit uses up nothing
// of the program's; a submission that will not be stored (a machine's) is
// counted with programID 0.
func (s *Store) CountApplication(ctx context.Context, address string, programID int64) (until time.Time, program bool, err error) {
	until, err = s.CountLoginAttempt(ctx, map[string]Throttle{"apply:" + AddressGroup(address): ApplicationLimit})
	if err != nil || !until.IsZero() || programID == 0 {
		return until, false, err
	}
	until, err = s.CountLoginAttempt(ctx, map[string]Throttle{"apply-program:" + strconv.FormatInt(programID, 10): ProgramApplicationLimit})
	return until, !until.IsZero(), err
}

// mentorSealTable is the place the sealed columns of a mentor are bound to:
// the table's name when they were first sealed (migration 0008), kept so
// that values sealed then still open.
const mentorSealTable = "mentor_applications"

// sealedApplicationColumns are the mentor's sealed columns, in the order of
// sealedApplicationValues; experience tags are sealed as a JSON array.
var sealedApplicationColumns = []string{"full_name_sealed", "email_sealed", "phone_sealed",
	"motivation_sealed", "background_sealed", "lived_experience_sealed", "experience_tags_sealed"}

func sealedApplicationValues(a *mentors.Application, tags *string) []*string {
	return []*string{&a.FullName, &a.Email, &a.Phone, &a.Motivation, &a.Background, &a.LivedExperience, tags}
}

// tagsText is a tag list as sealed: "" for none, so nothing is stored.
func tagsText(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	return jsonList(tags)
}

// tagsOf reads a list sealed by tagsText.
func tagsOf(s string) ([]string, error) {
	out := []string{}
	if s == "" {
		return out, nil
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, errs.Internal(fmt.Errorf("decode sealed tags: %w", err))
	}
	return out, nil
}

// CreateMentorApplication normalises, validates and stores an application
// sent through the public form or the API, and returns its id. Whatever the
// input says, the application is new and in the program a.ProgramID names;
// the applicant's identity and what they write about themselves are sealed
// under a data key of the application's own. The audit names no one.
func (s *Store) CreateMentorApplication(ctx context.Context, a mentors.Application) (int64, error) {
	a.Normalize()
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var domains string
		// A program whose applications are not open is no program to
		// the public form.
		err := tx.QueryRowContext(ctx, `SELECT need_domains FROM programs WHERE id = $1 AND applications_open`, a.ProgramID).Scan(&domains)
		noProgram := errors.Is(err, sql.ErrNoRows)
		if err != nil && !noProgram {
			return s.wrap(err, "read program")
		}
		var choices []string
		if !noProgram {
			if err := json.Unmarshal([]byte(domains), &choices); err != nil {
				return errs.Internal(fmt.Errorf("decode need domains: %w", err))
			}
		}
		err = a.Validate(choices)
		if noProgram {
			fields := map[string]string{"program_id": "validation.program_unknown"}
			if e := errs.As(err); e.Kind == errs.KindInvalid {
				for k, v := range e.Fields {
					if k != "need_domains" { // there are no domains to judge them by
						fields[k] = v
					}
				}
			}
			return errs.Invalid(fields)
		}
		if err != nil {
			return err
		}
		keyID, key, err := s.newDataKey(ctx, tx)
		if err != nil {
			return err
		}
		now := s.ts(s.now())
		// The row comes first, so that the sealed fields can be bound to its id.
		err = tx.QueryRowContext(ctx, `INSERT INTO mentors (program_id, stage, origin, data_key_id,
			full_name_sealed, email_sealed, motivation_sealed, languages, country, city, skills, need_domains,
			hours_per_week, times, preferences, preference_tags, gender, consent_at, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $16, $16) RETURNING id`,
			a.ProgramID, string(mentors.StageNew), string(mentors.FromApplication), keyID, []byte{},
			jsonList(a.Languages), a.Country, a.City, a.Skills, jsonList(a.NeedDomains), a.HoursPerWeek,
			jsonList(a.Times), a.Preferences, jsonList(a.PreferenceTags), a.Gender, now).Scan(&id)
		if err != nil {
			return s.wrap(err, "insert mentor application")
		}
		tags := tagsText(a.ExperienceTags)
		if err := s.sealMentor(ctx, tx, key, id, sealedApplicationValues(&a, &tags)); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "mentor.apply", "mentor", id, audit.OK)
	})
	return id, err
}

// sealMentor seals the values of the mentor's sealed columns (in the order
// of sealedApplicationColumns; nil leaves a column as it is) inside tx.
func (s *Store) sealMentor(ctx context.Context, tx *sql.Tx, key []byte, id int64, values []*string) error {
	var sealed []any
	set := ""
	for i, v := range values {
		if v == nil {
			continue
		}
		b, err := s.sealField(key, mentorSealTable, sealedApplicationColumns[i], id, *v)
		if err != nil {
			return err
		}
		if b == nil && i < 4 { // the columns of 0008 that may not be NULL
			b = []byte{}
		}
		sealed = append(sealed, b)
		if set != "" {
			set += ", "
		}
		set += fmt.Sprintf("%s = $%d", sealedApplicationColumns[i], len(sealed))
	}
	sealed = append(sealed, id)
	_, err := tx.ExecContext(ctx, `UPDATE mentors SET `+set+fmt.Sprintf(` WHERE id = $%d`, len(sealed)), sealed...)
	return s.wrap(err, "seal mentor")
}

// MentorApplication returns what a mentor sent (or, for a mentor made from
// an account, what is known of them) with the sealed fields opened, and
// audits the read. Who may call it is the caller's decision (the policy of
// mentor records).
func (s *Store) MentorApplication(ctx context.Context, id int64) (mentors.Application, error) {
	var a mentors.Application
	var langs, domains, times, tags, expTags string
	var keyID int64
	var kekID string
	var sealedKey []byte
	vals := make([][]byte, len(sealedApplicationColumns))
	dest := []any{&a.ID, &a.ProgramID, &langs, &a.Country, &a.City, &a.Skills, &domains,
		&a.HoursPerWeek, &times, &a.Preferences, &tags, &a.ConsentAt, &a.CreatedAt, &keyID, &kekID, &sealedKey}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	dest = append(dest, &a.Gender)
	err := s.read.QueryRowContext(ctx, `SELECT a.id, a.program_id, a.languages, a.country, a.city,
		a.skills, a.need_domains, a.hours_per_week, a.times, a.preferences, a.preference_tags, a.consent_at,
		a.created_at, a.data_key_id, COALESCE(dk.kek_id, ''), dk.sealed_key,
		a.full_name_sealed, a.email_sealed, a.phone_sealed, a.motivation_sealed, a.background_sealed, a.lived_experience_sealed,
		a.experience_tags_sealed, a.gender
		FROM mentors a LEFT JOIN data_keys dk ON dk.id = a.data_key_id WHERE a.id = $1`, id).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.NotFound("mentor")
	}
	if err != nil {
		return a, s.wrap(err, "read mentor application")
	}
	a.Consent = true // nothing is stored without it
	a.ConsentAt, a.CreatedAt = a.ConsentAt.UTC(), a.CreatedAt.UTC()
	for _, l := range []struct {
		src string
		dst *[]string
	}{{langs, &a.Languages}, {domains, &a.NeedDomains}, {times, &a.Times}, {tags, &a.PreferenceTags}} {
		if err := json.Unmarshal([]byte(l.src), l.dst); err != nil {
			return a, errs.Internal(fmt.Errorf("decode list column: %w", err))
		}
	}
	key, err := s.openKey(keyID, kekID, sealedKey)
	if err != nil {
		return a, err
	}
	for i, v := range sealedApplicationValues(&a, &expTags) {
		if *v, err = s.openField(key, vals[i], mentorSealTable, sealedApplicationColumns[i], a.ID); err != nil {
			return mentors.Application{}, err
		}
	}
	if a.ExperienceTags, err = tagsOf(expTags); err != nil {
		return mentors.Application{}, err
	}
	if err := s.Audit(ctx, "mentor.read", "mentor", a.ID, audit.OK); err != nil {
		return mentors.Application{}, err
	}
	return a, nil
}

// FormKey returns the key that signs the public forms' hidden fields,
// creating it the first time. It is a data key like any other, so the key
// file seals it, and every app process finds the same one. Two first
// requests at once agree on one key: the row is inserted only if absent and
// read back.
func (s *Store) FormKey(ctx context.Context) ([]byte, error) {
	key, found, err := s.readFormKey(ctx, s.read)
	if err != nil || found {
		return key, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		k, found, err := s.readFormKey(ctx, tx)
		if err != nil || found {
			key = k
			return err
		}
		keyID, _, err := s.newDataKey(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO form_key (id, data_key_id) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, keyID); err != nil {
			return s.wrap(err, "create form key")
		}
		var used int64
		if err := tx.QueryRowContext(ctx, `SELECT data_key_id FROM form_key WHERE id = 1`).Scan(&used); err != nil {
			return s.wrap(err, "read form key")
		}
		if used != keyID {
			// Another process created it first: ours is not needed.
			if _, err := tx.ExecContext(ctx, `DELETE FROM data_keys WHERE id = $1`, keyID); err != nil {
				return s.wrap(err, "drop unused key")
			}
		}
		key, err = s.dataKey(ctx, tx, used)
		return err
	})
	return key, err
}

// readFormKey opens the form key, if one was created.
func (s *Store) readFormKey(ctx context.Context, q queryer) ([]byte, bool, error) {
	var keyID int64
	err := q.QueryRowContext(ctx, `SELECT data_key_id FROM form_key WHERE id = 1`).Scan(&keyID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, s.wrap(err, "read form key")
	}
	key, err := s.dataKey(ctx, q, keyID)
	return key, err == nil, err
}
