package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/program"
	"homeward/internal/zone"
)

// Intake is what taking a person in creates: the mentee (or the existing
// one the duplicate check linked to) and their case in a program.
type Intake struct {
	// Mentee is ignored when ExistingMenteeID is set. Its case code left
	// empty, the program makes it from its case code pattern.
	Mentee cases.Mentee
	// ExistingMenteeID links the case to a mentee already known (the
	// duplicate check's "link"); 0 creates a new mentee.
	ExistingMenteeID int64
	ProgramID        int64
	State            cases.State // referred or intake
	ActorID          int64
	// Consents are the consents the person gave at intake, recorded with
	// the case, by the actor, in the same transaction.
	Consents []cases.ConsentKind
}

// errCodeTaken is the refusal of a case code another mentee has.
func errCodeTaken() error {
	return errs.Conflict("Another person already has this case code.", map[string]string{"case_code": "validation.case_code_taken"})
}

// errCaseExists is the refusal of a second case of one person in one program.
func errCaseExists() error {
	return errs.Conflict("This person already has a case in this program.", map[string]string{"program_id": "validation.case_exists"})
}

// CreateIntake creates the mentee (unless linked) and the case, its first
// transition and the audit entries, in one transaction. The mentee returned
// for a link is the stored profile without its sealed fields (nothing is
// opened).
func (s *Store) CreateIntake(ctx context.Context, in Intake) (cases.Mentee, cases.Case, error) {
	now := s.now()
	state := in.State
	if state == "" {
		state = cases.Referred
	}
	if state != cases.Referred && state != cases.Intake {
		return in.Mentee, cases.Case{}, errs.Invalid(map[string]string{"state": "validation.choice"})
	}
	for _, k := range in.Consents {
		if !k.Valid() {
			return in.Mentee, cases.Case{}, errs.Invalid(map[string]string{"consents": "validation.choice"})
		}
	}
	m := in.Mentee
	made := false // the program makes the case code
	if in.ExistingMenteeID == 0 {
		m.Normalize()
		made = m.CaseCode == ""
		if err := m.ValidateIntake(zone.TodayIn(ctx, now).Year(), made); err != nil {
			return m, cases.Case{}, err
		}
	}
	var caseID int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		p, err := s.programTx(ctx, tx, in.ProgramID)
		if errs.Is(err, errs.KindNotFound) {
			return errs.Invalid(map[string]string{"program_id": "validation.no_such_program"})
		} else if err != nil {
			return err
		}
		if made {
			if m.CaseCode, err = s.makeCaseCode(ctx, tx, p, now.Year()); err != nil {
				return err
			}
		}
		if in.ExistingMenteeID != 0 {
			row, err := s.menteeRow(ctx, tx, `m.id = $1`, in.ExistingMenteeID)
			if err != nil {
				return err
			}
			m = row.Mentee
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE mentee_id = $1 AND program_id = $2`, m.ID, in.ProgramID).Scan(&n); err != nil {
				return s.wrap(err, "check case")
			}
			if n > 0 {
				return errCaseExists()
			}
		} else {
			var err error
			if m, err = s.createMenteeTx(ctx, tx, m, now); err != nil {
				return err
			}
		}
		for _, k := range in.Consents {
			if _, err := tx.ExecContext(ctx, `INSERT INTO consents (mentee_id, kind, given, recorded_by, recorded_at)
				VALUES ($1, $2, TRUE, $3, $4)`, m.ID, string(k), in.ActorID, s.ts(now)); err != nil {
				return s.wrap(err, "record consent")
			}
			if err := s.appendAudit(ctx, tx, "consent.record", "mentee", m.ID, audit.OK); err != nil {
				return err
			}
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO cases (mentee_id, program_id, case_code, state, period,
			opened_at, state_since, contact_due_at, quiet_at, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 1, $5, $5, $6, $6, 1, $5, $5) RETURNING id`,
			m.ID, in.ProgramID, m.CaseCode, string(state), s.ts(now), s.ts(noDue)).Scan(&caseID)
		if isUniqueViolation(err) {
			return errCaseExists()
		}
		if err != nil {
			return s.wrap(err, "insert case")
		}
		if err := s.addTransition(ctx, tx, cases.Transition{CaseID: caseID, Period: 1, To: state, ActorID: in.ActorID, At: now}); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "case.create", "case", caseID, audit.OK)
	})
	if err != nil {
		return m, cases.Case{}, err
	}
	c, err := s.GetCase(ctx, caseID)
	return m, c, err
}

// makeCaseCode takes the program's next counter and makes its case code
// from the pattern, within the intake's transaction: the counter's row is
// locked until the intake commits, so two intakes never take one number.
// A code someone typed by hand earlier is passed over.
func (s *Store) makeCaseCode(ctx context.Context, tx *sql.Tx, p program.Program, year int) (string, error) {
	if p.CaseCodePattern == "" {
		return "", errs.Invalid(map[string]string{"case_code": "validation.required"})
	}
	for range 1000 {
		var n int
		if err := tx.QueryRowContext(ctx, `UPDATE programs SET case_code_next = case_code_next + 1 WHERE id = $1
			RETURNING case_code_next - 1`, p.ID).Scan(&n); err != nil {
			return "", s.wrap(err, "take case code counter")
		}
		code := p.CaseCode(year, n)
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM mentees WHERE case_code = $1`, code).Scan(&taken); err != nil {
			return "", s.wrap(err, "check case code")
		}
		if taken == 0 {
			return code, nil
		}
	}
	return "", errCodeTaken()
}

// ProposeCaseCodes are the codes the programs would make next, by program
// (none for a program without a pattern), for the intake form to offer. The
// intake takes its number only when it is saved, so the code it gets may
// be a later one when someone else took the person in meanwhile.
func (s *Store) ProposeCaseCodes(ctx context.Context, programs []program.Program) (map[int64]string, error) {
	out := map[int64]string{}
	// The programs with a pattern are few: one read of their counters.
	rows, err := s.read.QueryContext(ctx, `SELECT id, case_code_next FROM programs WHERE case_code_pattern <> ''`)
	if err != nil {
		return nil, s.wrap(err, "read case code counters")
	}
	defer rows.Close()
	next := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, s.wrap(err, "read case code counters")
		}
		next[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "read case code counters")
	}
	year := s.now().Year()
	for _, p := range programs {
		if n, ok := next[p.ID]; ok && p.CaseCodePattern != "" {
			out[p.ID] = p.CaseCode(year, n)
		}
	}
	return out, nil
}

// createMenteeTx stores a new, validated mentee with its own data key, its
// sealed fields and the blind index of its name.
func (s *Store) createMenteeTx(ctx context.Context, tx *sql.Tx, m cases.Mentee, now time.Time) (cases.Mentee, error) {
	keyID, key, err := s.newDataKey(ctx, tx)
	if err != nil {
		return m, err
	}
	// The row comes first, so that the sealed fields can be bound to its id.
	err = tx.QueryRowContext(ctx, insertMentee, append(profileValues(m.Profile), keyID, []byte{}, s.ts(now))...).Scan(&m.ID)
	if isUniqueViolation(err) {
		return m, errCodeTaken()
	}
	if err != nil {
		return m, s.wrap(err, "insert mentee")
	}
	if err := s.sealMentee(ctx, tx, key, m); err != nil {
		return m, err
	}
	if err := s.indexNameWords(ctx, tx, m.ID, m.FullName); err != nil {
		return m, err
	}
	m.Version, m.CreatedAt, m.UpdatedAt, m.UserID = 1, now, now, 0
	return m, s.appendAudit(ctx, tx, "mentee.create", "mentee", m.ID, audit.OK)
}

// sealMentee seals and stores the mentee's name, contact channels and the
// free text of the profile.
func (s *Store) sealMentee(ctx context.Context, tx *sql.Tx, key []byte, m cases.Mentee) error {
	name, channels, profile, err := s.sealMenteeFields(key, m)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE mentees SET full_name_sealed = $1, contact_channels_sealed = $2, profile_sealed = $3 WHERE id = $4`,
		name, channels, profile, m.ID)
	return s.wrap(err, "seal mentee")
}

// sealMenteeFields seals the mentee's name (never NULL), contact channels
// and profile text, bound to m.ID.
func (s *Store) sealMenteeFields(key []byte, m cases.Mentee) (name, channels, profile []byte, err error) {
	if name, err = s.sealField(key, "mentees", "full_name_sealed", m.ID, m.FullName); err != nil {
		return nil, nil, nil, err
	}
	if name == nil {
		name = []byte{}
	}
	if channels, err = s.sealField(key, "mentees", "contact_channels_sealed", m.ID, m.ContactChannels); err != nil {
		return nil, nil, nil, err
	}
	profile, err = s.sealField(key, "mentees", "profile_sealed", m.ID, sealedProfileOf(m.Profile).text())
	return name, channels, profile, err
}

// addTransition records one move of a case; the reason someone typed is
// sealed under the mentee's data key.
func (s *Store) addTransition(ctx context.Context, tx *sql.Tx, t cases.Transition) error {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO case_transitions (case_id, period, from_state, to_state,
		closure_reason, actor_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		t.CaseID, t.Period, string(t.From), string(t.To), string(t.ClosureReason), nullID(t.ActorID), s.ts(t.At)).Scan(&id)
	if err != nil || t.Reason == "" {
		return s.wrap(err, "record transition")
	}
	key, err := s.caseKey(ctx, tx, t.CaseID)
	if err != nil {
		return err
	}
	reason, err := s.sealField(key, "case_transitions", "reason_sealed", id, t.Reason)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE case_transitions SET reason_sealed = $1 WHERE id = $2`, reason, id)
	return s.wrap(err, "seal transition reason")
}

// nameWords folds a name into the words of its blind index: lower case
// without diacritics (foldName), split at anything that is not a letter or
// a digit, words of two runes or more, each once.
func nameWords(name string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(foldName(name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}) {
		if utf8.RuneCountInString(w) >= 2 && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// wordHashes are the blind-index entries of a name under the search key.
func wordHashes(key []byte, name string) [][]byte {
	var out [][]byte
	for _, w := range nameWords(name) {
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(w))
		out = append(out, mac.Sum(nil))
	}
	return out
}

// searchKey returns the key of the blind index of names, creating it inside
// tx the first time. Two first mentees created at once agree on one key: the
// row is inserted only if absent and read back.
func (s *Store) searchKey(ctx context.Context, tx *sql.Tx) ([]byte, error) {
	key, found, err := s.readSearchKey(ctx, tx)
	if err != nil || found {
		return key, err
	}
	keyID, _, err := s.newDataKey(ctx, tx)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_key (id, data_key_id) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, keyID); err != nil {
		return nil, s.wrap(err, "create search key")
	}
	var used int64
	if err := tx.QueryRowContext(ctx, `SELECT data_key_id FROM search_key WHERE id = 1`).Scan(&used); err != nil {
		return nil, s.wrap(err, "read search key")
	}
	if used != keyID {
		// Another transaction created it first: ours is not needed.
		if _, err := tx.ExecContext(ctx, `DELETE FROM data_keys WHERE id = $1`, keyID); err != nil {
			return nil, s.wrap(err, "drop unused key")
		}
	}
	return s.dataKey(ctx, tx, used)
}

// readSearchKey opens the search key, if one was created.
func (s *Store) readSearchKey(ctx context.Context, q queryer) ([]byte, bool, error) {
	var keyID int64
	err := q.QueryRowContext(ctx, `SELECT data_key_id FROM search_key WHERE id = 1`).Scan(&keyID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, s.wrap(err, "read search key")
	}
	key, err := s.dataKey(ctx, q, keyID)
	return key, err == nil, err
}

// indexNameWords replaces the blind index of a mentee's name: its words
// and their prefixes (indexNamePrefixes).
func (s *Store) indexNameWords(ctx context.Context, tx *sql.Tx, menteeID int64, name string) error {
	key, err := s.searchKey(ctx, tx)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM mentee_name_words WHERE mentee_id = $1`, menteeID); err != nil {
		return s.wrap(err, "clear name index")
	}
	for _, h := range wordHashes(key, name) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mentee_name_words (word, mentee_id) VALUES ($1, $2)`, h, menteeID); err != nil {
			return s.wrap(err, "index name")
		}
	}
	return s.indexNamePrefixes(ctx, tx, key, menteeID, name)
}

// menteeColumns are a mentee's columns (alias m) with its data key (alias
// dk), so that a list opens every name without a query per person.
var menteeColumns = `m.id, ` + profileColumnList("m.") + `, m.full_name_sealed, m.contact_channels_sealed, m.profile_sealed,
	COALESCE(m.user_id, 0), m.version, m.created_at, m.updated_at, m.data_key_id, COALESCE(dk.kek_id, ''), dk.sealed_key`

const menteeFrom = `mentees m LEFT JOIN data_keys dk ON dk.id = m.data_key_id`

// menteeRow is a mentee as stored: the plain profile, its sealed fields
// and its sealed data key.
type menteeRow struct {
	cases.Mentee
	nameSealed, channelsSealed, profileSealed []byte
	keyID                                     int64
	kekID                                     string
	sealedKey                                 []byte
}

func scanMentee(r scanner) (menteeRow, error) {
	var row menteeRow
	ps := profileScan{p: &row.Profile}
	err := r.Scan(append(append([]any{&row.ID}, ps.dest()...), &row.nameSealed, &row.channelsSealed, &row.profileSealed,
		&row.UserID, &row.Version, &row.CreatedAt, &row.UpdatedAt, &row.keyID, &row.kekID, &row.sealedKey)...)
	if err != nil {
		return row, err
	}
	row.CreatedAt, row.UpdatedAt = row.CreatedAt.UTC(), row.UpdatedAt.UTC()
	return row, ps.finish()
}

// menteeRow reads one mentee (without opening anything).
func (s *Store) menteeRow(ctx context.Context, q queryer, cond string, arg any) (menteeRow, error) {
	row, err := scanMentee(q.QueryRowContext(ctx, `SELECT `+menteeColumns+` FROM `+menteeFrom+` WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return row, errs.NotFound("mentee")
	}
	return row, s.wrap(err, "read mentee")
}

// openKey opens a data key read with its row (see menteeColumns).
func (s *Store) openKey(keyID int64, kekID string, sealed []byte) ([]byte, error) {
	if s.keyring == nil {
		return nil, ErrNoKeyring
	}
	if len(sealed) == 0 {
		return nil, errShredded()
	}
	key, err := s.keyring.Unwrap(kekID, sealed, keyID)
	if err != nil {
		return nil, errs.Internal(fmt.Errorf("open data key %d: %w", keyID, err))
	}
	return key, nil
}

// open opens the row's name, contact channels and profile text.
func (s *Store) open(row menteeRow) (cases.Mentee, error) {
	m := row.Mentee
	key, err := s.openKey(row.keyID, row.kekID, row.sealedKey)
	if err != nil {
		return m, err
	}
	if m.FullName, err = s.openField(key, row.nameSealed, "mentees", "full_name_sealed", m.ID); err != nil {
		return m, err
	}
	if m.ContactChannels, err = s.openField(key, row.channelsSealed, "mentees", "contact_channels_sealed", m.ID); err != nil {
		return m, err
	}
	return m, s.openProfile(key, row.profileSealed, m.ID, &m.Profile)
}

// FindDuplicates returns the mentees within the scope who may be the person
// m: the same case code, or a shared name word with a birth year within one
// year (or unknown). People who have no case within the scope are never
// shown. The names shown are opened, and each is audited
// (mentee.duplicate_read).
func (s *Store) FindDuplicates(ctx context.Context, m cases.Mentee, scope CaseScope) ([]cases.DuplicateCandidate, error) {
	m.Normalize()
	var hashes [][]byte
	if words := nameWords(m.FullName); len(words) > 0 {
		key, found, err := s.readSearchKey(ctx, s.read)
		if err != nil {
			return nil, err
		}
		if found {
			hashes = wordHashes(key, m.FullName)
		}
	}
	if m.CaseCode == "" && len(hashes) == 0 {
		return nil, nil
	}
	scopeWhere, args := scope.where(nil, nil)
	args = append(args, m.CaseCode)
	codeArg := "$" + itoa(len(args))
	nameMatch := "1 = 0"
	if len(hashes) > 0 {
		marks := make([]string, len(hashes))
		for i, h := range hashes {
			args = append(args, h)
			marks[i] = "$" + itoa(len(args))
		}
		args = append(args, m.BirthYear)
		year := "$" + itoa(len(args))
		nameMatch = `m.id IN (SELECT w.mentee_id FROM mentee_name_words w WHERE w.word IN (` + strings.Join(marks, ", ") + `))
			AND (m.birth_year = 0 OR ` + year + ` = 0 OR abs(m.birth_year - ` + year + `) <= 1)`
	}
	args = append(args, m.ID)
	self := "$" + itoa(len(args))
	q := `SELECT ` + menteeColumns + `, m.case_code = ` + codeArg + `, ` + nameMatch + `
		FROM ` + menteeFrom + `
		WHERE m.id <> ` + self + ` AND (m.case_code = ` + codeArg + ` OR (` + nameMatch + `))
		AND EXISTS (SELECT 1 FROM cases c WHERE c.mentee_id = m.id AND ` + strings.Join(scopeWhere, " AND ") + `)
		ORDER BY m.id LIMIT 20`
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.wrap(err, "find duplicates")
	}
	defer rows.Close()
	var out []cases.DuplicateCandidate
	var found []menteeRow
	var why [][]string
	for rows.Next() {
		var codeSame, nameSame bool
		row, err := scanMentee(scannerPlus{rows, []any{&codeSame, &nameSame}})
		if err != nil {
			return nil, s.wrap(err, "scan duplicate")
		}
		var w []string
		if codeSame {
			w = append(w, "case_code")
		}
		if nameSame {
			w = append(w, "name")
			if m.BirthYear != 0 && row.BirthYear != 0 {
				w = append(w, "birth_year")
			}
		}
		found = append(found, row)
		why = append(why, w)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "find duplicates")
	}
	rows.Close()
	for i, row := range found {
		opened, err := s.open(row)
		if err != nil && errs.As(err).Code == "erased" {
			opened, err = row.Mentee, nil // shown by its code: the name is gone for good
		}
		if err != nil {
			return nil, err
		}
		out = append(out, cases.DuplicateCandidate{Mentee: opened, Why: why[i]})
	}
	if len(out) > 0 {
		ids := make([]int64, len(out))
		for i, c := range out {
			ids[i] = c.Mentee.ID
		}
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			return s.appendAudits(ctx, tx, "mentee.duplicate_read", "mentee", ids, audit.OK)
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// scannerPlus is a row whose trailing columns, after those its reader
// scans, go into extra.
type scannerPlus struct {
	r     scanner
	extra []any
}

func (p scannerPlus) Scan(dest ...any) error { return p.r.Scan(append(dest, p.extra...)...) }

// GetMentee returns a mentee's profile with the name and contact channels
// opened; the read is audited (mentee.profile_read).
func (s *Store) GetMentee(ctx context.Context, id int64) (cases.Mentee, error) {
	return s.readMentee(ctx, `m.id = $1`, id)
}

// MenteeByUser returns the mentee whose portal account is userID, opened and
// audited as GetMentee.
func (s *Store) MenteeByUser(ctx context.Context, userID int64) (cases.Mentee, error) {
	return s.readMentee(ctx, `m.user_id = $1`, userID)
}

// MenteeCountry returns the country a mentee lives in (an ISO code, ""
// when unknown): a plain column, nothing opened.
func (s *Store) MenteeCountry(ctx context.Context, menteeID int64) (string, error) {
	var country string
	err := s.read.QueryRowContext(ctx, `SELECT country FROM mentees WHERE id = $1`, menteeID).Scan(&country)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.NotFound("mentee")
	}
	return country, s.wrap(err, "read a mentee's country")
}

// MenteeIDByUser returns the id of the mentee whose portal account is
// userID, opening and auditing nothing (errs.NotFound when none is linked).
func (s *Store) MenteeIDByUser(ctx context.Context, userID int64) (int64, error) {
	var id int64
	err := s.read.QueryRowContext(ctx, `SELECT id FROM mentees WHERE user_id = $1`, userID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errs.NotFound("mentee")
	}
	return id, s.wrap(err, "find the mentee of an account")
}

func (s *Store) readMentee(ctx context.Context, cond string, arg any) (cases.Mentee, error) {
	row, err := s.menteeRow(ctx, s.read, cond, arg)
	if err != nil {
		return cases.Mentee{}, err
	}
	m, err := s.open(row)
	if err != nil {
		return cases.Mentee{}, err
	}
	if err := s.Audit(ctx, "mentee.profile_read", "mentee", m.ID, audit.OK); err != nil {
		return cases.Mentee{}, err
	}
	return m, nil
}

// UpdateMentee saves an edited profile; m.Version must be the version the
// editor started from (errs.Conflict otherwise). A new case code is copied
// to the mentee's cases.
func (s *Store) UpdateMentee(ctx context.Context, m cases.Mentee) (cases.Mentee, error) {
	m.Normalize()
	if err := m.Validate(zone.TodayIn(ctx, s.now()).Year()); err != nil {
		return m, err
	}
	if err := checkVersion(m.Version); err != nil {
		return m, err
	}
	now := s.now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		row, err := s.menteeRow(ctx, tx, `m.id = $1`+s.forUpdate(" OF m"), m.ID)
		if err != nil {
			return err
		}
		if row.Version != m.Version {
			return errs.Conflict("Someone else changed this person's profile while you were editing it. Reload to see their change, then edit again.", nil)
		}
		key, err := s.openKey(row.keyID, row.kekID, row.sealedKey)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, updateMentee, append(profileValues(m.Profile), s.ts(now), m.ID)...)
		if isUniqueViolation(err) {
			return errCodeTaken()
		}
		if err != nil {
			return s.wrap(err, "update mentee")
		}
		if err := s.sealMentee(ctx, tx, key, m); err != nil {
			return err
		}
		if row.CaseCode != m.CaseCode {
			if _, err := tx.ExecContext(ctx, `UPDATE cases SET case_code = $1 WHERE mentee_id = $2`, m.CaseCode, m.ID); err != nil {
				return s.wrap(err, "copy case code")
			}
		}
		if err := s.indexNameWords(ctx, tx, m.ID, m.FullName); err != nil {
			return err
		}
		m.Version, m.UpdatedAt, m.CreatedAt, m.UserID = row.Version+1, now, row.CreatedAt, row.UserID
		return s.appendAudit(ctx, tx, "mentee.update", "mentee", m.ID, audit.OK)
	})
	return m, err
}

// forUpdate is a row lock clause on PostgreSQL (SQLite has one writer).
func (s *Store) forUpdate(of string) string {
	if s.engine == Postgres {
		return " FOR UPDATE" + of
	}
	return ""
}

// LinkMenteeUser makes userID (a mentee user) the mentee's portal account.
func (s *Store) LinkMenteeUser(ctx context.Context, menteeID, userID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var role string
		err := tx.QueryRowContext(ctx, `SELECT role FROM users WHERE id = $1`, userID).Scan(&role)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && role != "mentee") {
			return errs.Invalid(map[string]string{"user_id": "validation.mentee_user"})
		}
		if err != nil {
			return s.wrap(err, "check user")
		}
		res, err := tx.ExecContext(ctx, `UPDATE mentees SET user_id = $1 WHERE id = $2`, userID, menteeID)
		if isUniqueViolation(err) {
			return errs.Conflict("This account is already the portal account of another person.", map[string]string{"user_id": "validation.mentee_user_taken"})
		}
		if err != nil {
			return s.wrap(err, "link mentee user")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("mentee")
		}
		return s.appendAudit(ctx, tx, "mentee.link_user", "mentee", menteeID, audit.OK)
	})
}

// InviteMentee gives a mentee a portal account: an invited user of the
// mentee role in the programs given, linked to the mentee, and the token of
// their one-time invitation link, all in one transaction (so that no
// account is ever left unlinked). A mentee who has a portal account already
// is errs.Conflict on fields.email (portal_access.error.exists); an email
// address another user has, errs.Conflict on it too (validation.email_taken).
func (s *Store) InviteMentee(ctx context.Context, menteeID int64, u auth.User, ttl time.Duration) (auth.User, string, error) {
	defer s.usersChanged()
	u.Role = auth.Mentee
	u.Normalize()
	if err := u.Validate(); err != nil {
		return u, "", err
	}
	var token string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var linked sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT user_id FROM mentees WHERE id = $1`+s.forUpdate(""), menteeID).Scan(&linked)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("mentee")
		}
		if err != nil {
			return s.wrap(err, "lock mentee")
		}
		if linked.Valid {
			return errs.Conflict("This person has a portal account already.", map[string]string{"email": "portal_access.error.exists"})
		}
		if u, err = s.createUserTx(ctx, tx, u); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mentees SET user_id = $1 WHERE id = $2`, u.ID, menteeID); err != nil {
			return s.wrap(err, "link mentee user")
		}
		if err := s.appendAudit(ctx, tx, "mentee.link_user", "mentee", menteeID, audit.OK); err != nil {
			return err
		}
		token, err = s.createLinkTx(ctx, tx, LinkInvite, u.ID, ttl)
		return err
	})
	if err != nil {
		return u, "", err
	}
	return u, token, nil
}

// historyColumn is the sealed column of a part (the part is valid).
func historyColumn(p cases.HistoryPart) string { return string(p) + "_sealed" }

// validParts checks a list of parts and returns it in page order, each once.
func validParts(parts []cases.HistoryPart, field string) ([]cases.HistoryPart, error) {
	for _, p := range parts {
		if !p.Valid() {
			return nil, errs.Invalid(map[string]string{field: "validation.choice"})
		}
	}
	var out []cases.HistoryPart
	for _, p := range cases.HistoryParts {
		if slices.Contains(parts, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// historyRow reads a mentee's sharing and history version, and with sealed
// the sealed parts and the data key.
func (s *Store) historyRow(ctx context.Context, q queryer, menteeID int64, lock string) (cases.History, map[cases.HistoryPart][]byte, menteeKey, error) {
	h := cases.History{MenteeID: menteeID}
	sealed := map[cases.HistoryPart][]byte{}
	var k menteeKey
	cols := make([]string, len(cases.HistoryParts))
	dest := make([]any, len(cases.HistoryParts))
	vals := make([][]byte, len(cases.HistoryParts))
	for i, p := range cases.HistoryParts {
		cols[i] = "m." + historyColumn(p)
		dest[i] = &vals[i]
	}
	var shared string
	var sharedAt sql.Null[time.Time]
	dest = append(dest, &shared, &h.SharedBy, &sharedAt, &h.Version, &k.id, &k.kek, &k.sealed)
	err := q.QueryRowContext(ctx, `SELECT `+strings.Join(cols, ", ")+`, m.shared_parts, COALESCE(m.shared_by, 0),
		m.shared_at, m.history_version, m.data_key_id, COALESCE(dk.kek_id, ''), dk.sealed_key
		FROM `+menteeFrom+` WHERE m.id = $1`+lock, menteeID).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return h, nil, k, errs.NotFound("mentee")
	}
	if err != nil {
		return h, nil, k, s.wrap(err, "read history")
	}
	for i, p := range cases.HistoryParts {
		sealed[p] = vals[i]
	}
	if err := json.Unmarshal([]byte(shared), &h.Shared); err != nil {
		return h, nil, k, errs.Internal(fmt.Errorf("decode shared parts: %w", err))
	}
	if h.Shared == nil {
		h.Shared = []cases.HistoryPart{}
	}
	h.SharedAt = nullTime(sharedAt)
	return h, sealed, k, nil
}

// menteeKey is a mentee's sealed data key as read.
type menteeKey struct {
	id     int64
	kek    string
	sealed []byte
}

// MenteeHistory opens the given parts of the mentee's sealed history and
// records the read in the audit (mentee.history_read). Parts not asked for
// stay sealed and are absent from the result; with no part asked for,
// nothing is opened nor audited.
func (s *Store) MenteeHistory(ctx context.Context, menteeID int64, parts []cases.HistoryPart) (cases.History, error) {
	parts, err := validParts(parts, "parts")
	if err != nil {
		return cases.History{}, err
	}
	h, sealed, k, err := s.historyRow(ctx, s.read, menteeID, "")
	if err != nil || len(parts) == 0 {
		return h, err
	}
	key, err := s.openKey(k.id, k.kek, k.sealed)
	if err != nil {
		return cases.History{}, err
	}
	h.Parts = map[cases.HistoryPart]string{}
	for _, p := range parts {
		if h.Parts[p], err = s.openField(key, sealed[p], "mentees", historyColumn(p), menteeID); err != nil {
			return cases.History{}, err
		}
	}
	if err := s.Audit(ctx, "mentee.history_read", "mentee", menteeID, audit.OK); err != nil {
		return cases.History{}, err
	}
	return h, nil
}

// HistorySharing returns which parts of the history the mentee shared with
// their mentor, who recorded it and when, and the history's version,
// without opening any part.
func (s *Store) HistorySharing(ctx context.Context, menteeID int64) (cases.History, error) {
	h, _, _, err := s.historyRow(ctx, s.read, menteeID, "")
	return h, err
}

// SaveHistory seals and stores the parts in h.Parts (a part absent from the
// map is left as it is; an empty text clears it). h.Version must be the
// history version the editor started from.
func (s *Store) SaveHistory(ctx context.Context, h cases.History) error {
	parts := make(map[cases.HistoryPart]string, len(h.Parts))
	for p, v := range h.Parts {
		parts[p] = strings.TrimSpace(v)
	}
	h.Parts = parts
	if err := h.Validate(); err != nil {
		return err
	}
	if err := checkVersion(h.Version); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		cur, _, k, err := s.historyRow(ctx, tx, h.MenteeID, s.forUpdate(" OF m"))
		if err != nil {
			return err
		}
		if cur.Version != h.Version {
			return errs.Conflict("Someone else changed this history while you were editing it. Reload to see their change, then edit again.", nil)
		}
		key, err := s.openKey(k.id, k.kek, k.sealed)
		if err != nil {
			return err
		}
		set, args := []string{}, []any{}
		for _, p := range cases.HistoryParts {
			v, ok := h.Parts[p]
			if !ok {
				continue
			}
			sealed, err := s.sealField(key, "mentees", historyColumn(p), h.MenteeID, v)
			if err != nil {
				return err
			}
			args = append(args, sealed)
			set = append(set, historyColumn(p)+" = $"+itoa(len(args)))
		}
		args = append(args, s.ts(s.now()), h.MenteeID)
		set = append(set, "history_version = history_version + 1", "updated_at = $"+itoa(len(args)-1))
		if _, err := tx.ExecContext(ctx, `UPDATE mentees SET `+strings.Join(set, ", ")+` WHERE id = $`+itoa(len(args)), args...); err != nil {
			return s.wrap(err, "save history")
		}
		return s.appendAudit(ctx, tx, "mentee.history_write", "mentee", h.MenteeID, audit.OK)
	})
}

// SetHistorySharing records which parts the mentee chose to share with
// their mentor, who recorded it and when.
//
// version is the history version the choice was made on (History.Version
// of HistorySharing): when the history or its sharing changed meanwhile —
// a match ended and withdrew it, say — the choice is refused, so that a
// form left open cannot share with the next mentor what was meant for the
// last one.
func (s *Store) SetHistorySharing(ctx context.Context, menteeID int64, shared []cases.HistoryPart, version int, actorID int64) error {
	shared, err := validParts(shared, "shared")
	if err != nil {
		return err
	}
	if err := checkVersion(version); err != nil {
		return err
	}
	b, _ := json.Marshal(append([]cases.HistoryPart{}, shared...))
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE mentees SET shared_parts = $1, shared_by = $2, shared_at = $3,
			history_version = history_version + 1 WHERE id = $4 AND history_version = $5`,
			string(b), nullID(actorID), s.ts(s.now()), menteeID, version)
		if err != nil {
			return s.wrap(err, "set history sharing")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists bool
			if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM mentees WHERE id = $1`, menteeID).Scan(&exists); err != nil {
				return s.wrap(err, "set history sharing")
			}
			if !exists {
				return errs.NotFound("mentee")
			}
			return errs.Conflict("The history or what is shared of it changed while you were choosing (a match may have ended). Look again and record the person's choice anew.",
				map[string]string{"shared": "history.sharing_stale"})
		}
		return s.appendAudit(ctx, tx, "mentee.history_sharing", "mentee", menteeID, audit.OK)
	})
}

// RecordConsent records a consent given or withdrawn, by c.RecordedBy, now.
func (s *Store) RecordConsent(ctx context.Context, c cases.Consent) (cases.Consent, error) {
	f := map[string]string{}
	if !c.Kind.Valid() {
		f["kind"] = "validation.choice"
	}
	if c.RecordedBy == 0 {
		f["recorded_by"] = "validation.required"
	}
	if len(f) > 0 {
		return c, errs.Invalid(f)
	}
	c.RecordedAt = s.now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM mentees WHERE id = $1`, c.MenteeID).Scan(&n); err != nil {
			return s.wrap(err, "check mentee")
		}
		if n == 0 {
			return errs.NotFound("mentee")
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO consents (mentee_id, kind, given, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.MenteeID, string(c.Kind), c.Given, c.RecordedBy, s.ts(c.RecordedAt)).Scan(&c.ID)
		if err != nil {
			return s.wrap(err, "record consent")
		}
		if c.Kind == cases.ConsentPartners && !c.Given {
			if err := s.withdrawSharingTx(ctx, tx, c.MenteeID, c.RecordedBy); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, "consent.record", "mentee", c.MenteeID, audit.OK)
	})
	if err != nil {
		return c, err
	}
	names, err := s.UserNames(ctx, []int64{c.RecordedBy})
	c.RecordedByName = names[c.RecordedBy]
	return c, err
}

// Consents returns every consent record of a mentee, newest first, with the
// names of who recorded them.
func (s *Store) Consents(ctx context.Context, menteeID int64) ([]cases.Consent, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, mentee_id, kind, given, recorded_by, recorded_at
		FROM consents WHERE mentee_id = $1 ORDER BY recorded_at DESC, id DESC`, menteeID)
	if err != nil {
		return nil, s.wrap(err, "list consents")
	}
	defer rows.Close()
	var out []cases.Consent
	var ids []int64
	for rows.Next() {
		var c cases.Consent
		var kind string
		if err := rows.Scan(&c.ID, &c.MenteeID, &kind, &c.Given, &c.RecordedBy, &c.RecordedAt); err != nil {
			return nil, s.wrap(err, "scan consent")
		}
		c.Kind, c.RecordedAt = cases.ConsentKind(kind), c.RecordedAt.UTC()
		out = append(out, c)
		ids = append(ids, c.RecordedBy)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list consents")
	}
	rows.Close()
	names, err := s.UserNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].RecordedByName = names[out[i].RecordedBy]
	}
	return out, nil
}

// The mentee's profile as stored: the readable columns of cases.Profile, in
// one order for every insert, update and read (and the bulk load). A new
// readable field of the profile is added here and in a migration, nowhere
// else in the store. The sealed fields, the name and the contact channels,
// have columns of their own, and the free text of the profile (city, family,
// occupation, contact times, referral source) is sealed together in
// profile_sealed (sealMentee, sealedProfile).
var profileColumns = []string{"case_code", "birth_year", "gender", "languages", "country", "children"}

// profileValues are p's values of profileColumns, as query arguments.
func profileValues(p cases.Profile) []any {
	return []any{p.CaseCode, p.BirthYear, string(p.Gender), jsonList(p.Languages), p.Country, p.Children}
}

// profileScan reads profileColumns into p; finish decodes what is stored
// encoded.
type profileScan struct {
	p             *cases.Profile
	gender, langs string
}

func (ps *profileScan) dest() []any {
	p := ps.p
	return []any{&p.CaseCode, &p.BirthYear, &ps.gender, &ps.langs, &p.Country, &p.Children}
}

func (ps *profileScan) finish() error {
	ps.p.Gender = cases.Gender(ps.gender)
	if err := json.Unmarshal([]byte(ps.langs), &ps.p.Languages); err != nil {
		return fmt.Errorf("decode languages: %w", err)
	}
	return nil
}

// profileColumnList is profileColumns with a table alias, comma-separated.
func profileColumnList(alias string) string {
	cols := make([]string, len(profileColumns))
	for i, c := range profileColumns {
		cols[i] = alias + c
	}
	return strings.Join(cols, ", ")
}

// insertMentee and updateMentee take profileValues first, then what
// follows them in the statement.
var (
	insertMentee = func() string {
		n := len(profileColumns)
		return `INSERT INTO mentees (` + profileColumnList("") + `, data_key_id, full_name_sealed, version, created_at, updated_at)
		VALUES (` + placeholders(1, n) + `, $` + itoa(n+1) + `, $` + itoa(n+2) + `, 1, $` + itoa(n+3) + `, $` + itoa(n+3) + `) RETURNING id`
	}()
	updateMentee = func() string {
		set := make([]string, len(profileColumns))
		for i, c := range profileColumns {
			set[i] = c + " = $" + itoa(i+1)
		}
		n := len(profileColumns)
		return `UPDATE mentees SET ` + strings.Join(set, ", ") + `, version = version + 1, updated_at = $` + itoa(n+1) +
			` WHERE id = $` + itoa(n+2)
	}()
)

// placeholders is "$from, …, $(from+n-1)".
func placeholders(from, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = "$" + itoa(from+i)
	}
	return strings.Join(ph, ", ")
}
