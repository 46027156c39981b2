package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/mentors"
	"homeward/internal/partners"
	"homeward/internal/program"
	"homeward/internal/seal"
)

// Bulk loading writes generated data at scale (the large demo, the
// benchmarks): rows of many cases in multi-row INSERTs, a transaction per
// batch. Every row is what the store's own calls would have written: each
// mentee has its own data key and sealed name, contact summaries and
// request texts are sealed, the blind index of names is kept, and the case
// signals are computed by cases.Due as every write computes them.

// Variables one statement may bind: SQLite's SQLITE_MAX_VARIABLE_NUMBER
// and PostgreSQL's protocol limit.
const (
	sqliteMaxVars   = 32766
	postgresMaxVars = 65535
	// bulkMaxRows keeps each statement of a reasonable size.
	bulkMaxRows = 1000
)

// BulkCase is one case with its mentee and what was recorded on it, for
// BulkLoad. IDs are assigned by BulkLoad and written back; the references
// between the parts (CaseID, Previous) are filled in by it too.
//
// A reopened case holds the rows of every period: the transitions say
// when each period opened (the creation, a reopening from closed), and a
// need, request, plan step, match or outcome without a period belongs to
// the period open when it was assessed, raised, planned, begun or
// recorded.
type BulkCase struct {
	Mentee cases.Mentee
	// MenteeID makes the case one of a mentee stored before (the same
	// person in another program): Mentee is then ignored, and the case
	// takes that mentee's case code and data key.
	MenteeID    int64
	Case        cases.Case // the signal columns are computed from the rest
	Consents    []cases.Consent
	Transitions []cases.Transition
	Matches     []cases.Match
	// Needs are the current assessments; a Previous chain becomes the
	// replaced rows of the need's history.
	Needs     []cases.Need
	PlanSteps []cases.PlanStep
	Contacts  []cases.Contact
	Requests  []cases.Request
	Closing   *cases.ClosingSteps
	Feedback  *cases.Feedback // ratings only: a text is not bulk loaded
	// PastClosings and PastFeedback are those of the periods before a
	// reopening (Closing and Feedback may be of any period too).
	PastClosings []cases.ClosingSteps
	PastFeedback []cases.Feedback
	Outcomes     []cases.Outcome
	FollowUps    []cases.FollowUp // notes are not bulk loaded
	// Custody is the case's custody in a program with a custody phase: a
	// facility of the program, the sealed detail and release-day plan, the
	// expected day and, after release, the day of release.
	Custody *cases.Custody
	// Referrals sent from the case, each with its timeline.
	Referrals []BulkReferral
}

// BulkReferral is a referral of a bulk case with its timeline. Events are
// its changes from the draft on, oldest first, each a move partners.Next
// allows (From is filled in); the referral's status, reason, times and
// version follow from them, and its partner and channel from the service
// as the store routes a sent referral (the portal when the partner has an
// active partner user, else Referral.Channel: phone unless email). A
// got-help event's Outcome is recorded on the case and linked to the
// referral. What it shares are profile fields (parts of the sealed history
// are not bulk loaded); the message is sealed, and event messages too.
type BulkReferral struct {
	Referral partners.Referral
	Events   []partners.Event
}

// rowSet collects the rows of one table for multi-row INSERTs.
type rowSet struct {
	table string
	cols  []string
	args  []any
}

func newRowSet(table string, cols ...string) *rowSet {
	return &rowSet{table: table, cols: cols}
}

func (r *rowSet) add(vals ...any) {
	if len(vals) != len(r.cols) {
		panic(fmt.Sprintf("bulk %s: %d values for %d columns", r.table, len(vals), len(r.cols)))
	}
	r.args = append(r.args, vals...)
}

func (r *rowSet) rows() int { return len(r.args) / len(r.cols) }

// insertRows writes the rows in statements within the engine's limit of
// bound variables.
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, r *rowSet) error {
	maxVars := sqliteMaxVars
	if s.engine == Postgres {
		maxVars = postgresMaxVars
	}
	per := min(bulkMaxRows, maxVars/len(r.cols))
	stride := len(r.cols)
	head := "INSERT INTO " + r.table + " (" + strings.Join(r.cols, ", ") + ") VALUES "
	var full string // the statement of a full batch, built once
	for start := 0; start < r.rows(); start += per {
		n := min(per, r.rows()-start)
		q := full
		if n < per || full == "" {
			q = valuesStatement(head, stride, n, s.engine == SQLite)
			if n == per {
				full = q
			}
		}
		if _, err := tx.ExecContext(ctx, q, r.args[start*stride:(start+n)*stride]...); err != nil {
			return s.wrap(err, "bulk insert into "+r.table)
		}
	}
	return nil
}

// valuesStatement is head followed by n groups of stride placeholders:
// $1, $2, … on PostgreSQL; plain ? on SQLite, whose numbered parameters
// are looked up in a list that makes binding thousands of them quadratic.
func valuesStatement(head string, stride, n int, anonymous bool) string {
	var b strings.Builder
	b.Grow(len(head) + n*stride*7)
	b.WriteString(head)
	k := 1
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range stride {
			if j > 0 {
				b.WriteString(", ")
			}
			if anonymous {
				b.WriteByte('?')
				continue
			}
			b.WriteByte('$')
			b.WriteString(itoa(k))
			k++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// reserveIDs returns n new ids of a table inside tx: from the identity's
// sequence on PostgreSQL, after the largest id on SQLite (whose one writer
// holds the write lock for the whole transaction).
func (s *Store) reserveIDs(ctx context.Context, tx *sql.Tx, table string, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, n)
	if s.engine == Postgres {
		rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
		if err != nil {
			return nil, s.wrap(err, "reserve ids of "+table)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, s.wrap(err, "reserve ids of "+table)
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return nil, s.wrap(err, "reserve ids of "+table)
		}
		slices.Sort(ids)
		return ids, nil
	}
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM `+table).Scan(&last); err != nil {
		return nil, s.wrap(err, "reserve ids of "+table)
	}
	for i := range n {
		ids = append(ids, last+1+int64(i))
	}
	return ids, nil
}

// idPool hands out reserved ids in order.
type idPool []int64

func (p *idPool) next() int64 {
	id := (*p)[0]
	*p = (*p)[1:]
	return id
}

// BulkUsers stores users in one transaction: active, in their programs,
// without a password (they sign in only after a reset link). Their ids are
// written back. For generated staff at scale; CreateUser is the way in
// otherwise.
func (s *Store) BulkUsers(ctx context.Context, users []auth.User) error {
	defer s.usersChanged()
	if len(users) == 0 {
		return nil
	}
	for i := range users {
		users[i].Normalize()
		if err := users[i].Validate(); err != nil {
			return err
		}
	}
	now := s.now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		ids, err := s.reserveIDs(ctx, tx, "users", len(users))
		if err != nil {
			return err
		}
		u := newRowSet("users", "id", "email", "email_key", "name", "name_key", "role", "status", "created_at", "updated_at")
		up := newRowSet("user_programs", "user_id", "program_id")
		for i := range users {
			x := &users[i]
			x.ID, x.Status, x.CreatedAt, x.UpdatedAt = ids[i], auth.StatusActive, now, now
			u.add(x.ID, x.Email, auth.EmailKey(x.Email), x.Name, nameKey(x.Name), string(x.Role), x.Status, s.ts(now), s.ts(now))
			for _, p := range x.Programs {
				up.add(x.ID, p)
			}
		}
		for _, r := range []*rowSet{u, up} {
			if err := s.insertRows(ctx, tx, r); err != nil {
				if isUniqueViolation(err) || errs.Is(err, errs.KindConflict) {
					return errs.Conflict("A user with this email address already exists.", map[string]string{"email": "validation.email_taken"})
				}
				return err
			}
		}
		// Generated mentors are ready: a mentor record in each program, with
		// the program's checks passed (valid for three years).
		for _, x := range users {
			if x.Role != auth.Mentor {
				continue
			}
			if err := s.ensureMentors(ctx, tx, x.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO mentor_checks (mentor_id, kind, result, done_on, expires_on, recorded_at)
				SELECT m.id, k.value, 'passed', $2, $3, $2 FROM mentors m JOIN programs p ON p.id = m.program_id,
				`+s.jsonEach("p.mentor_checks")+` WHERE m.user_id = $1`, x.ID, s.ts(dateOnly(now)), s.ts(dateOnly(now).AddDate(3, 0, 0))); err != nil {
				return s.wrap(err, "record generated checks")
			}
		}
		return s.appendAudit(ctx, tx, "user.bulk_create", "user", ids[len(ids)-1], audit.OK)
	})
}

// BulkMentor is a generated mentor of one program with their history, for
// BulkMentors: how they came (an application sent on AppliedAt, or an
// account an administrator made), the checks of their screening, the day
// they were accepted with their account, the training modules confirmed
// and the day they retired.
type BulkMentor struct {
	ProgramID int64
	Stage     mentors.Stage
	Origin    mentors.Origin
	// Application is what an applicant sent (sealed: name, email,
	// motivation…) and their profile for matching; of a mentor made from
	// an account, only the profile counts.
	Application mentors.Application
	AppliedAt   time.Time
	// Account is the mentor's account once accepted (active, in the
	// program, without a password: a reset link lets them in), made by
	// BulkMentors on AcceptedAt; empty for one never accepted. Its ID is
	// written back.
	Account    auth.User
	AcceptedAt *time.Time
	RetiredAt  *time.Time
	Checks     []mentors.Check
	// Completions are the training modules of the program they completed
	// (confirmed by a coordinator, or reported by them).
	Completions []mentors.Completion
	ID          int64 // written back
}

// BulkMentors stores generated mentors with their histories in one
// transaction (at most a few thousand at once) and writes their ids and
// their accounts' ids back. An accepted or retired mentor has an account;
// the others have none. For the mentors of generated cases; the screening
// board's calls are the way in otherwise.
func (s *Store) BulkMentors(ctx context.Context, list []BulkMentor) error {
	defer s.usersChanged()
	if len(list) == 0 {
		return nil
	}
	if s.keyring == nil {
		return ErrNoKeyring
	}
	now := s.now()
	accounts := 0
	for i := range list {
		m := &list[i]
		if err := m.check(now); err != nil {
			return fmt.Errorf("bulk mentor %d: %w", i, err)
		}
		if m.AcceptedAt != nil {
			accounts++
		}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		keyIDs, err := s.reserveIDs(ctx, tx, "data_keys", len(list))
		if err != nil {
			return err
		}
		mentorIDs, err := s.reserveIDs(ctx, tx, "mentors", len(list))
		if err != nil {
			return err
		}
		userIDs, err := s.reserveIDs(ctx, tx, "users", accounts)
		if err != nil {
			return err
		}
		users := idPool(userIDs)
		keys := newRowSet("data_keys", "id", "kek_id", "sealed_key", "created_at")
		u := newRowSet("users", "id", "email", "email_key", "name", "name_key", "role", "status", "created_at", "updated_at")
		up := newRowSet("user_programs", "user_id", "program_id")
		rows := newRowSet("mentors", append([]string{"id", "program_id", "stage", "origin", "user_id", "data_key_id"},
			append(slices.Clone(sealedApplicationColumns), "languages", "country", "city", "skills", "need_domains",
				"hours_per_week", "times", "preferences", "preference_tags", "gender", "consent_at", "accepted_at",
				"retired_at", "version", "created_at", "updated_at")...)...)
		checks := newRowSet("mentor_checks", "mentor_id", "kind", "result", "done_on", "expires_on", "recorded_by", "recorded_at")
		done := newRowSet("training_completions", "mentor_id", "module_id", "status", "reported_at", "confirmed_by", "confirmed_at")
		domains := map[int64][]string{}
		modules := map[int64]int64{} // module → its program
		for i := range list {
			m := &list[i]
			a := &m.Application
			a.Normalize()
			if _, ok := domains[m.ProgramID]; !ok {
				p, err := s.programTx(ctx, tx, m.ProgramID)
				if err != nil {
					return err
				}
				domains[m.ProgramID] = p.NeedDomains
			}
			if m.Origin == mentors.FromApplication {
				a.Consent = true
				if err := a.Validate(domains[m.ProgramID]); err != nil {
					return fmt.Errorf("bulk mentor %d: %w (%v)", i, err, errs.As(err).Fields)
				}
			}
			m.ID = mentorIDs[i]
			key := seal.NewKey()
			kekID, sealedKey, err := s.keyring.Wrap(key, keyIDs[i])
			if err != nil {
				return fmt.Errorf("seal data key: %w", err)
			}
			keys.add(keyIDs[i], kekID, sealedKey, s.ts(m.AppliedAt))
			// A mentor made from an account keeps the sealed columns empty.
			sealed := make([]any, len(sealedApplicationColumns))
			sent, tags := *a, tagsText(a.ExperienceTags)
			if m.Origin != mentors.FromApplication {
				sent, tags = mentors.Application{}, ""
			}
			for k, v := range sealedApplicationValues(&sent, &tags) {
				b, err := s.sealField(key, mentorSealTable, sealedApplicationColumns[k], m.ID, *v)
				if err != nil {
					return err
				}
				if b == nil && k < 4 { // the columns of 0008 that may not be NULL
					b = []byte{}
				}
				sealed[k] = b
			}
			var userID any
			if m.AcceptedAt != nil {
				x := &m.Account
				x.Role, x.Programs = auth.Mentor, []int64{m.ProgramID}
				x.Normalize()
				if err := x.Validate(); err != nil {
					return fmt.Errorf("bulk mentor %d: %w", i, err)
				}
				x.ID, x.Status, x.CreatedAt, x.UpdatedAt = users.next(), auth.StatusActive, *m.AcceptedAt, *m.AcceptedAt
				u.add(x.ID, x.Email, auth.EmailKey(x.Email), x.Name, nameKey(x.Name), string(x.Role), x.Status, s.ts(x.CreatedAt), s.ts(x.UpdatedAt))
				up.add(x.ID, m.ProgramID)
				userID = x.ID
			}
			hours := max(1, a.HoursPerWeek)
			updated := m.AppliedAt
			for _, t := range []*time.Time{m.AcceptedAt, m.RetiredAt} {
				if t != nil && t.After(updated) {
					updated = *t
				}
			}
			rows.add(append(append([]any{m.ID, m.ProgramID, string(m.Stage), string(m.Origin), userID, keyIDs[i]}, sealed...),
				jsonList(a.Languages), a.Country, a.City, a.Skills, jsonList(a.NeedDomains), hours, jsonList(a.Times),
				a.Preferences, jsonList(a.PreferenceTags), a.Gender, s.ts(m.AppliedAt), s.nullTS(m.AcceptedAt),
				s.nullTS(m.RetiredAt), 1, s.ts(m.AppliedAt), s.ts(updated))...)
			for _, c := range m.Checks {
				checks.add(m.ID, c.Kind, string(c.Result), s.ts(cases.Day(c.DoneOn)), s.nullTS(dayOf(c.ExpiresOn)), nullID(c.RecordedBy), s.ts(c.RecordedAt))
			}
			for _, c := range m.Completions {
				prog, ok := modules[c.ModuleID]
				if !ok {
					err := tx.QueryRowContext(ctx, `SELECT program_id FROM training_modules WHERE id = $1`, c.ModuleID).Scan(&prog)
					if err != nil && !errors.Is(err, sql.ErrNoRows) {
						return s.wrap(err, "read module")
					}
					modules[c.ModuleID] = prog
				}
				if prog != m.ProgramID {
					return fmt.Errorf("bulk mentor %d: module %d is not of the program", i, c.ModuleID)
				}
				done.add(m.ID, c.ModuleID, string(c.Status), s.nullTS(c.ReportedAt), nullID(c.ConfirmedBy), s.nullTS(c.ConfirmedAt))
			}
		}
		for _, r := range []*rowSet{keys, u, up, rows, checks, done} {
			if err := s.insertRows(ctx, tx, r); err != nil {
				if r == u && (isUniqueViolation(err) || errs.Is(err, errs.KindConflict)) {
					return errs.Conflict("A user with this email address already exists.", map[string]string{"email": "validation.email_taken"})
				}
				return err
			}
		}
		return s.appendAudit(ctx, tx, "mentor.bulk_create", "mentor", mentorIDs[len(mentorIDs)-1], audit.OK)
	})
}

// check tells what is wrong with a bulk mentor's history at now: a stage
// and an origin that exist, an account exactly when accepted (or retired),
// dates in the order of the lifecycle and none ahead, checks that could be
// recorded, completions confirmed or reported.
func (m *BulkMentor) check(now time.Time) error {
	if !slices.Contains(mentors.Stages, m.Stage) {
		return fmt.Errorf("stage %q", m.Stage)
	}
	if m.Origin != mentors.FromApplication && m.Origin != mentors.FromAccount {
		return fmt.Errorf("origin %q", m.Origin)
	}
	accepted := m.Stage == mentors.StageAccepted || m.Stage == mentors.StageRetired
	switch {
	case m.AppliedAt.IsZero() || m.AppliedAt.After(now):
		return errors.New("applied on no day, or ahead")
	case accepted != (m.AcceptedAt != nil):
		return errors.New("accepted without the day, or a day of acceptance at another stage")
	case m.Origin == mentors.FromAccount && !accepted:
		return errors.New("a mentor made from an account is accepted")
	case m.AcceptedAt != nil && (m.AcceptedAt.Before(m.AppliedAt) || m.AcceptedAt.After(now)):
		return errors.New("accepted before applying, or ahead")
	case (m.Stage == mentors.StageRetired) != (m.RetiredAt != nil):
		return errors.New("retired without the day, or a day of retirement at another stage")
	case m.RetiredAt != nil && (m.RetiredAt.Before(*m.AcceptedAt) || m.RetiredAt.After(now)):
		return errors.New("retired before being accepted, or ahead")
	}
	for _, c := range m.Checks {
		if err := c.Validate(c.RecordedAt); err != nil || c.RecordedAt.After(now) {
			return fmt.Errorf("check %s on %s: %v", c.Kind, c.DoneOn.Format(time.DateOnly), err)
		}
	}
	for _, c := range m.Completions {
		switch {
		case c.Status == mentors.Confirmed && c.ConfirmedAt != nil && !c.ConfirmedAt.After(now):
		case c.Status == mentors.Reported && c.ReportedAt != nil && !c.ReportedAt.After(now):
		default:
			return fmt.Errorf("training module %d: %s without its day, or ahead", c.ModuleID, c.Status)
		}
	}
	return nil
}

// dayOf is the day of t, or nil.
func dayOf(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	d := cases.Day(*t)
	return &d
}

// BulkService is a service of the directory that referrals of generated
// cases may go to: its need domains and countries, and who answers for its
// partner in the portal (an active partner user; 0 when staff record the
// partner's answers).
type BulkService struct {
	ID, PartnerID int64
	Name          string
	Domains       []string
	Countries     []string
	PartnerUser   int64
}

// BulkServices lists the active services of the directory, by id.
func (s *Store) BulkServices(ctx context.Context) ([]BulkService, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT v.id, v.partner_id, v.name, COALESCE((SELECT min(u.id) FROM users u
		WHERE u.partner_id = v.partner_id AND `+activePartner+`), 0) FROM services v WHERE v.status = $1 ORDER BY v.id`, string(partners.Active))
	if err != nil {
		return nil, s.wrap(err, "list services")
	}
	var out []BulkService
	at := map[int64]int{}
	for rows.Next() {
		var v BulkService
		if err := rows.Scan(&v.ID, &v.PartnerID, &v.Name, &v.PartnerUser); err != nil {
			rows.Close()
			return nil, s.wrap(err, "list services")
		}
		at[v.ID] = len(out)
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list services")
	}
	for _, q := range []struct {
		query string
		dst   func(*BulkService) *[]string
	}{
		{`SELECT service_id, domain FROM service_domains ORDER BY service_id, domain`, func(v *BulkService) *[]string { return &v.Domains }},
		{`SELECT DISTINCT service_id, country FROM service_areas ORDER BY service_id, country`, func(v *BulkService) *[]string { return &v.Countries }},
	} {
		rows, err := s.read.QueryContext(ctx, q.query)
		if err != nil {
			return nil, s.wrap(err, "list services")
		}
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, s.wrap(err, "list services")
			}
			if k, ok := at[id]; ok {
				l := q.dst(&out[k])
				*l = append(*l, v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.wrap(err, "list services")
		}
	}
	return out, nil
}

// jsonEach is a table of the elements of a JSON array column, as k.value.
func (s *Store) jsonEach(column string) string {
	if s.engine == Postgres {
		return "json_array_elements_text(" + column + "::json) AS k(value)"
	}
	return "json_each(" + column + ") AS k"
}

// BulkLoad stores a batch of cases with their mentees and records in one
// transaction, and writes the ids back into batch. Keep batches to a few
// hundred cases (a few thousand rows). Each row obeys what the store's own
// calls check: a case's outcomes fall within their period and come after
// release only once the person was released, its referrals move as
// partners.Next allows to services of the directory, its custody points at
// a facility of its program.
func (s *Store) BulkLoad(ctx context.Context, batch []BulkCase) error {
	if len(batch) == 0 {
		return nil
	}
	if s.keyring == nil {
		return ErrNoKeyring
	}
	now := s.now()
	for i := range batch {
		b := &batch[i]
		if b.MenteeID == 0 {
			m := &b.Mentee
			m.Normalize()
			if err := m.Validate(now.Year()); err != nil {
				return fmt.Errorf("bulk case %d: %w", i, err)
			}
		}
		if !b.Case.State.Valid() {
			return fmt.Errorf("bulk case %d: state %q", i, b.Case.State)
		}
		for j := range b.Referrals {
			if err := checkReferralEvents(b.Referrals[j].Events); err != nil {
				return fmt.Errorf("bulk case %d, referral %d: %w", i, j, err)
			}
		}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.bulkLoadTx(ctx, tx, batch, now) })
}

// bulkLoadTx is BulkLoad's work within tx, on a batch it checked (an
// import runs it within its own transaction).
func (s *Store) bulkLoadTx(ctx context.Context, tx *sql.Tx, batch []BulkCase, now time.Time) error {
	{ // the transaction's body as it was written inside BulkLoad
		searchKey, err := s.searchKey(ctx, tx)
		if err != nil {
			return err
		}
		// Count the rows, then reserve the ids of every table at once.
		reserve := map[string]int{}
		for _, b := range batch {
			if b.MenteeID == 0 {
				reserve["data_keys"]++
				reserve["mentees"]++
			}
			reserve["cases"]++
			for _, n := range b.Needs {
				for p := &n; p != nil; p = p.Previous {
					reserve["needs"]++
				}
			}
			reserve["plan_steps"] += len(b.PlanSteps)
			reserve["contacts"] += len(b.Contacts)
			reserve["requests"] += len(b.Requests)
			reserve["case_transitions"] += len(b.Transitions)
			reserve["matches"] += len(b.Matches)
			reserve["consents"] += len(b.Consents)
			reserve["outcomes"] += len(b.Outcomes)
			reserve["follow_ups"] += len(b.FollowUps)
			reserve["referrals"] += len(b.Referrals)
			for _, r := range b.Referrals {
				reserve["referral_events"] += len(r.Events)
				for _, e := range r.Events {
					if e.Outcome != nil && e.Status == partners.GotHelp {
						reserve["outcomes"]++
					}
				}
			}
		}
		pools := map[string]*idPool{}
		for _, table := range []string{"data_keys", "mentees", "cases", "needs", "plan_steps", "contacts", "requests",
			"case_transitions", "matches", "consents", "outcomes", "follow_ups", "referrals", "referral_events"} {
			ids, err := s.reserveIDs(ctx, tx, table, reserve[table])
			if err != nil {
				return err
			}
			p := idPool(ids)
			pools[table] = &p
		}

		keys := newRowSet("data_keys", "id", "kek_id", "sealed_key", "created_at")
		mentees := newRowSet("mentees", append([]string{"id", "data_key_id", "full_name_sealed", "contact_channels_sealed",
			"profile_sealed", "version", "created_at", "updated_at", "name_index"}, profileColumns...)...)
		words := newRowSet("mentee_name_words", "word", "mentee_id")
		prefixes := newRowSet("mentee_name_prefixes", "prefix", "mentee_id")
		consents := newRowSet("consents", "id", "mentee_id", "kind", "given", "recorded_by", "recorded_at")
		caseRows := newRowSet("cases", "id", "mentee_id", "program_id", "case_code", "state", "closure_reason", "period",
			"mentor_id", "psychologist_id", "opened_at", "state_since", "active_since", "last_contact_at",
			"last_request_at", "contact_due_at", "quiet_at", "custody_phase", "expected_release", "facility_sealed",
			"release_plan_sealed", "facility_id", "released_on", "version", "created_at", "updated_at", "urgent_requests")
		trans := newRowSet("case_transitions", "id", "case_id", "period", "from_state", "to_state", "closure_reason",
			"reason_sealed", "actor_id", "at")
		matches := newRowSet("matches", "id", "case_id", "mentor_id", "period", "started_at", "assigned_by", "ended_at", "end_reason_sealed")
		needCols := []string{"id", "case_id", "period", "domain", "severity", "status", "current", "previous_id", "assessed_by", "assessed_at"}
		oldNeeds, needs := newRowSet("needs", needCols...), newRowSet("needs", needCols...)
		steps := newRowSet("plan_steps", "id", "case_id", "period", "title", "title_sealed", "domain", "owner", "due_on", "status",
			"done_at", "version", "created_at", "updated_at")
		contacts := newRowSet("contacts", "id", "case_id", "at", "channel", "minutes", "summary_sealed", "needs",
			"recorded_by", "created_at")
		requests := newRowSet("requests", "id", "case_id", "period", "domain", "urgency", "text_sealed", "status",
			"resolution_sealed", "raised_by_mentee", "recorded_by", "created_at", "updated_at", "resolved_at", "version")
		closings := newRowSet("closings", "case_id", "period", "readiness_asked_at", "readiness_asked_by", "agreed_at",
			"agreed_by", "agreed_in_portal", "final_meeting_at", "final_meeting_by", "closed_at", "closure_reason")
		feedback := newRowSet("feedback", "case_id", "period", "declined", "support", "mentor", "plan", "recommend",
			"in_portal", "recorded_by", "recorded_at")
		outcomes := newRowSet("outcomes", "id", "case_id", "period", "kind", "note_sealed", "occurred_on", "after_release",
			"recorded_by", "recorded_at", "referral_id")
		follow := newRowSet("follow_ups", "id", "case_id", "period", "months", "due_on", "done_at", "work_kept",
			"housing", "rearrested", "recorded_by", "version")
		referrals := newRowSet("referrals", "id", "case_id", "program_id", "service_id", "partner_id", "domain",
			"message_sealed", "share", "shared_sealed", "status", "reason", "channel", "consent_given", "consent_note_sealed",
			"consent_by", "consent_at", "created_by", "created_at", "sent_at", "answered_at", "updated_at", "version")
		events := newRowSet("referral_events", "id", "referral_id", "from_status", "status", "reason", "message_sealed",
			"side", "by_user", "at")

		programs := map[int64]program.Program{}
		routes := map[int64]serviceRoute{}
		facilities := map[int64]int64{} // facility → its program
		var helped []any                // referrals whose got-help outcome is linked back
		var lastCase int64
		for i := range batch {
			b := &batch[i]
			m, c := &b.Mentee, &b.Case
			var key []byte
			if b.MenteeID != 0 {
				row, err := s.menteeRow(ctx, tx, "m.id = $1", b.MenteeID)
				if err != nil {
					return fmt.Errorf("bulk case %d: %w", i, err)
				}
				if *m, err = s.open(row); err != nil {
					return err
				}
				if key, err = s.openKey(row.keyID, row.kekID, row.sealedKey); err != nil {
					return err
				}
			} else {
				keyID := pools["data_keys"].next()
				key = seal.NewKey()
				kekID, sealedKey, err := s.keyring.Wrap(key, keyID)
				if err != nil {
					return fmt.Errorf("seal data key: %w", err)
				}
				keys.add(keyID, kekID, sealedKey, s.ts(m.CreatedAt))

				m.ID = pools["mentees"].next()
				name, channels, profile, err := s.sealMenteeFields(key, *m)
				if err != nil {
					return err
				}
				m.Version = 1
				m.UpdatedAt = m.CreatedAt
				mentees.add(append([]any{m.ID, keyID, name, channels, profile, 1, s.ts(m.CreatedAt), s.ts(m.UpdatedAt), nameIndexVersion},
					profileValues(m.Profile)...)...)
				for _, h := range wordHashes(searchKey, m.FullName) {
					words.add(h, m.ID)
				}
				for _, h := range prefixHashes(searchKey, m.FullName) {
					prefixes.add(h, m.ID)
				}
			}
			for j := range b.Consents {
				x := &b.Consents[j]
				x.ID, x.MenteeID = pools["consents"].next(), m.ID
				consents.add(x.ID, m.ID, string(x.Kind), x.Given, x.RecordedBy, s.ts(x.RecordedAt))
			}
			p, ok := programs[c.ProgramID]
			if !ok {
				prog, err := s.programTx(ctx, tx, c.ProgramID)
				if err != nil {
					return err
				}
				p = prog
				programs[c.ProgramID] = p
			}

			c.ID, c.MenteeID, c.Code = pools["cases"].next(), m.ID, m.CaseCode
			lastCase = c.ID
			// The periods: each opens with the creation or a reopening.
			var opens []time.Time
			for j := range b.Transitions {
				x := &b.Transitions[j]
				if x.From == "" || x.From == cases.Closed {
					opens = append(opens, x.At)
				}
				if x.Period == 0 {
					x.Period = max(1, len(opens))
				}
			}
			periodAt := func(t time.Time) int {
				n := 0
				for _, o := range opens {
					if !o.After(t) {
						n++
					}
				}
				return max(1, n)
			}
			if c.Period == 0 {
				c.Period = max(1, len(opens))
			}
			// The signals count the current period only (a reopening
			// forgets the last contact and request).
			var current time.Time
			if len(opens) > 1 {
				current = opens[len(opens)-1]
			}
			for j := range b.Contacts {
				x := &b.Contacts[j]
				x.ID, x.CaseID = pools["contacts"].next(), c.ID
				if !x.At.Before(current) && (c.LastContactAt == nil || x.At.After(*c.LastContactAt)) {
					at := x.At
					c.LastContactAt = &at
				}
				summary, err := s.sealField(key, "contacts", "summary_sealed", x.ID, x.Summary)
				if err != nil {
					return err
				}
				contacts.add(x.ID, c.ID, s.ts(x.At), string(x.Channel), x.Minutes, summary, jsonList(x.Needs),
					nullID(x.RecordedBy), s.ts(x.CreatedAt))
			}
			for j := range b.Requests {
				x := &b.Requests[j]
				x.ID, x.CaseID = pools["requests"].next(), c.ID
				if !x.CreatedAt.Before(current) && (c.LastRequestAt == nil || x.CreatedAt.After(*c.LastRequestAt)) {
					at := x.CreatedAt
					c.LastRequestAt = &at
				}
				text, err := s.sealField(key, "requests", "text_sealed", x.ID, x.Text)
				if err != nil {
					return err
				}
				resolution, err := s.sealField(key, "requests", "resolution_sealed", x.ID, x.Resolution)
				if err != nil {
					return err
				}
				x.Version = 1
				requests.add(x.ID, c.ID, periodAt(x.CreatedAt), x.Domain, string(x.Urgency), text, string(x.Status), resolution,
					x.RaisedByMentee, nullID(x.RecordedBy), s.ts(x.CreatedAt), s.ts(x.UpdatedAt), s.nullTS(x.ResolvedAt), 1)
			}
			custody, err := s.bulkCustody(ctx, tx, key, facilities, p, *c, b.Custody, now)
			if err != nil {
				return fmt.Errorf("bulk case %s: %w", c.Code, err)
			}
			c.ContactDueAt, c.QuietAt = cases.Due(p, *c)
			c.Version = 1
			caseRows.add(append([]any{c.ID, m.ID, c.ProgramID, c.Code, string(c.State), string(c.ClosureReason), c.Period,
				nullID(c.MentorID), nullID(c.PsychologistID), s.ts(c.OpenedAt), s.ts(c.StateSince), s.nullTS(c.ActiveSince),
				s.nullTS(c.LastContactAt), s.nullTS(c.LastRequestAt), s.ts(dueOrNone(c.ContactDueAt)), s.ts(dueOrNone(c.QuietAt))},
				append(custody, 1, s.ts(c.CreatedAt), s.ts(c.UpdatedAt), urgentOf(b.Requests))...)...)
			for j := range b.Transitions {
				x := &b.Transitions[j]
				x.ID, x.CaseID = pools["case_transitions"].next(), c.ID
				reason, err := s.sealField(key, "case_transitions", "reason_sealed", x.ID, x.Reason)
				if err != nil {
					return err
				}
				trans.add(x.ID, c.ID, x.Period, string(x.From), string(x.To), string(x.ClosureReason), reason,
					nullID(x.ActorID), s.ts(x.At))
			}
			for j := range b.Matches {
				x := &b.Matches[j]
				x.ID, x.CaseID = pools["matches"].next(), c.ID
				if x.Period == 0 {
					x.Period = periodAt(x.StartedAt)
				}
				reason, err := s.sealField(key, "matches", "end_reason_sealed", x.ID, x.EndReason)
				if err != nil {
					return err
				}
				matches.add(x.ID, c.ID, x.MentorID, x.Period, s.ts(x.StartedAt), nullID(x.AssignedBy), s.nullTS(x.EndedAt), reason)
			}
			for j := range b.Needs {
				// The oldest assessment first, so that each row's previous_id exists.
				var chain []*cases.Need
				for n := &b.Needs[j]; n != nil; n = n.Previous {
					chain = append(chain, n)
				}
				var prev int64
				for k := len(chain) - 1; k >= 0; k-- {
					n := chain[k]
					n.ID, n.CaseID = pools["needs"].next(), c.ID
					set := oldNeeds
					if k == 0 {
						set = needs
					}
					set.add(n.ID, c.ID, periodAt(n.AssessedAt), n.Domain, string(n.Severity), string(n.Status), k == 0, nullID(prev),
						nullID(n.AssessedBy), s.ts(n.AssessedAt))
					prev = n.ID
				}
			}
			for j := range b.PlanSteps {
				x := &b.PlanSteps[j]
				x.ID, x.CaseID, x.Version = pools["plan_steps"].next(), c.ID, 1
				if x.Period == 0 {
					x.Period = periodAt(x.CreatedAt)
				}
				title, err := s.sealField(key, "plan_steps", "title_sealed", x.ID, x.Title)
				if err != nil {
					return err
				}
				steps.add(x.ID, c.ID, x.Period, "", title, x.Domain, string(x.Owner), s.nullTS(x.DueOn), string(x.Status),
					s.nullTS(x.DoneAt), 1, s.ts(x.CreatedAt), s.ts(x.UpdatedAt))
			}
			for _, x := range append(slices.Clone(b.PastClosings), derefOr(b.Closing)...) {
				closings.add(c.ID, x.Period, s.nullTS(x.ReadinessAskedAt), nullID(x.ReadinessAskedBy), s.nullTS(x.AgreedAt),
					nullID(x.AgreedBy), x.AgreedInPortal, s.nullTS(x.FinalMeetingAt), nullID(x.FinalMeetingBy),
					s.nullTS(x.ClosedAt), string(x.ClosureReason))
			}
			if b.Closing != nil {
				b.Closing.CaseID = c.ID
			}
			for _, x := range append(slices.Clone(b.PastFeedback), derefOr(b.Feedback)...) {
				feedback.add(c.ID, x.Period, x.Declined, int(x.Support), int(x.Mentor), int(x.Plan), int(x.Recommend),
					x.InPortal, nullID(x.RecordedBy), s.ts(x.RecordedAt))
			}
			if b.Feedback != nil {
				b.Feedback.CaseID = c.ID
			}
			// An outcome lies within its period, and after release only once
			// the person was released.
			outcome := func(x *cases.Outcome, referral int64) error {
				x.ID, x.CaseID = pools["outcomes"].next(), c.ID
				if x.Period == 0 {
					x.Period = periodAt(x.RecordedAt)
				}
				opened := c.OpenedAt
				if x.Period <= len(opens) {
					opened = opens[x.Period-1]
				}
				if err := x.Validate(p, opened, x.RecordedAt); err != nil {
					return fmt.Errorf("bulk case %s, outcome %s: %w (%v)", c.Code, x.Kind, err, errs.As(err).Fields)
				}
				if x.OccurredOn.IsZero() {
					x.OccurredOn = cases.Day(x.RecordedAt)
				}
				released := b.Custody != nil && b.Custody.ReleasedOn != nil && !x.OccurredOn.Before(cases.Day(*b.Custody.ReleasedOn))
				if x.AfterRelease == nil {
					x.AfterRelease = &released
				} else if *x.AfterRelease && !released {
					return fmt.Errorf("bulk case %s: an outcome after release on %s, before any release", c.Code, x.OccurredOn.Format(time.DateOnly))
				}
				note, err := s.sealField(key, "outcomes", "note_sealed", x.ID, x.Note)
				if err != nil {
					return err
				}
				outcomes.add(x.ID, c.ID, x.Period, string(x.Kind), note, s.ts(x.OccurredOn), x.Released(),
					nullID(x.RecordedBy), s.ts(x.RecordedAt), nullID(referral))
				return nil
			}
			for j := range b.Outcomes {
				if err := outcome(&b.Outcomes[j], 0); err != nil {
					return err
				}
			}
			for j := range b.FollowUps {
				x := &b.FollowUps[j]
				x.ID, x.CaseID, x.Version = pools["follow_ups"].next(), c.ID, 1
				if x.Period == 0 {
					x.Period = c.Period
				}
				follow.add(x.ID, c.ID, x.Period, x.Months, s.ts(x.DueOn), s.nullTS(x.DoneAt), string(x.WorkKept),
					string(x.Housing), string(x.Rearrested), nullID(x.RecordedBy), 1)
			}
			for j := range b.Referrals {
				br := &b.Referrals[j]
				r := &br.Referral
				r.ID, r.CaseID, r.ProgramID, r.CaseCode = pools["referrals"].next(), c.ID, c.ProgramID, c.Code
				route, ok := routes[r.ServiceID]
				if !ok {
					if route, err = s.serviceRoute(ctx, tx, r.ServiceID); err != nil {
						return fmt.Errorf("bulk case %s: %w", c.Code, err)
					}
					routes[r.ServiceID] = route
				}
				r.PartnerID = route.partner
				switch {
				case route.portal:
					r.Channel = partners.Portal
				case r.Channel != partners.Email:
					r.Channel = partners.Phone
				}
				r.Normalize()
				if err := r.Validate(p.NeedDomains); err != nil {
					return fmt.Errorf("bulk case %s, referral: %w (%v)", c.Code, err, errs.As(err).Fields)
				}
				var from partners.Status
				for k := range br.Events {
					e := &br.Events[k]
					e.ID, e.ReferralID, e.From = pools["referral_events"].next(), r.ID, from
					from = e.Status
					switch {
					case e.Status == partners.Sent && e.From == partners.Draft:
						at := e.At
						r.SentAt, r.ConsentAt, r.ConsentGiven = &at, &at, true
					case e.Side == partners.SidePartner && r.AnsweredAt == nil:
						at := e.At
						r.AnsweredAt = &at
					}
					if e.Outcome != nil && e.Status == partners.GotHelp {
						o := e.Outcome
						o.RecordedBy, o.RecordedAt = e.ByUser, e.At
						if err := outcome(o, r.ID); err != nil {
							return err
						}
						r.OutcomeID = o.ID
						helped = append(helped, r.ID)
					}
					msg, err := s.sealField(key, "referral_events", "message_sealed", e.ID, e.Message)
					if err != nil {
						return err
					}
					events.add(e.ID, r.ID, string(e.From), string(e.Status), string(e.Reason), msg, string(e.Side),
						nullID(e.ByUser), s.ts(e.At))
				}
				first, last := br.Events[0], br.Events[len(br.Events)-1]
				r.Status, r.Reason, r.Version = last.Status, last.Reason, len(br.Events)
				r.CreatedAt, r.UpdatedAt = first.At, last.At
				if r.CreatedBy == 0 {
					r.CreatedBy = first.ByUser
				}
				message, err := s.sealField(key, "referrals", "message_sealed", r.ID, r.Message)
				if err != nil {
					return err
				}
				var shared, note []byte
				consentBy := any(nil)
				if r.SentAt != nil {
					if r.Shared, err = profileShared(*m, r.Share); err != nil {
						return fmt.Errorf("bulk case %s, referral: %w", c.Code, err)
					}
					b, _ := json.Marshal(r.Shared)
					if shared, err = s.sealField(key, "referrals", "shared_sealed", r.ID, string(b)); err != nil {
						return err
					}
					if note, err = s.sealField(key, "referrals", "consent_note_sealed", r.ID, r.ConsentNote); err != nil {
						return err
					}
					consentBy = nullID(r.ConsentBy)
				}
				referrals.add(r.ID, c.ID, c.ProgramID, r.ServiceID, r.PartnerID, r.Domain, message, shareJSON(r.Share), shared,
					string(r.Status), string(r.Reason), string(r.Channel), r.ConsentGiven, note, consentBy, s.nullTS(r.ConsentAt),
					nullID(r.CreatedBy), s.ts(r.CreatedAt), s.nullTS(r.SentAt), s.nullTS(r.AnsweredAt), s.ts(r.UpdatedAt), r.Version)
			}
		}
		for _, r := range []*rowSet{keys, mentees, words, prefixes, consents, caseRows, trans, matches, oldNeeds, needs, steps,
			contacts, requests, closings, feedback, referrals, events, outcomes, follow} {
			if err := s.insertRows(ctx, tx, r); err != nil {
				return err
			}
		}
		// A referral and its outcome point at each other: the referral was
		// written first, so it learns its outcome now.
		for lo := 0; lo < len(helped); lo += bulkMaxRows {
			ids := helped[lo:min(lo+bulkMaxRows, len(helped))]
			if _, err := tx.ExecContext(ctx, `UPDATE referrals SET outcome_id = (SELECT o.id FROM outcomes o
				WHERE o.case_id = referrals.case_id AND o.referral_id = referrals.id) WHERE id IN (`+placeholders(1, len(ids))+`)`,
				ids...); err != nil {
				return s.wrap(err, "link referral outcomes")
			}
		}
		return s.appendAudit(ctx, tx, "case.bulk_create", "case", lastCase, audit.OK)
	}
}

// derefOr is the value x points at as a list of one, or none.
func derefOr[T any](x *T) []T {
	if x == nil {
		return nil
	}
	return []T{*x}
}

// checkReferralEvents checks a bulk referral's timeline: it begins as a
// draft, each move is one its side may make from where the referral
// stands, and time does not run back.
func checkReferralEvents(events []partners.Event) error {
	if len(events) == 0 || events[0].Status != partners.Draft || events[0].Side != partners.SideReferrer {
		return errors.New("a referral begins as the referrer's draft")
	}
	for k := 1; k < len(events); k++ {
		prev, e := events[k-1], events[k]
		if !slices.Contains(partners.Next(prev.Status, e.Side), e.Status) {
			return fmt.Errorf("the %s cannot move a referral from %s to %s", e.Side, prev.Status, e.Status)
		}
		if e.At.Before(prev.At) {
			return fmt.Errorf("the move to %s comes before the one to %s", e.Status, prev.Status)
		}
	}
	return nil
}

// serviceRoute is where a referral to a service goes: its partner, and
// whether through the portal (the partner has an active partner user).
type serviceRoute struct {
	partner int64
	portal  bool
}

// serviceRoute reads the route of an active service (as referralRoute).
func (s *Store) serviceRoute(ctx context.Context, tx *sql.Tx, serviceID int64) (serviceRoute, error) {
	var r serviceRoute
	var status partners.ServiceStatus
	var users int
	err := tx.QueryRowContext(ctx, `SELECT v.partner_id, v.status, `+partnerUsersOf("v.partner_id")+`
		FROM services v WHERE v.id = $1`, serviceID).Scan(&r.partner, &status, &users)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("no service %d in the directory", serviceID)
	}
	if err != nil {
		return r, s.wrap(err, "read service")
	}
	if status != partners.Active {
		return r, fmt.Errorf("service %d takes no referrals (%s)", serviceID, status)
	}
	r.portal = users > 0
	return r, nil
}

// profileShared is the values of a referral's shared profile fields, as
// referralSnapshot reads them when a referral is sent.
func profileShared(m cases.Mentee, share []partners.Field) (map[partners.Field]string, error) {
	out := map[partners.Field]string{}
	for _, f := range share {
		v, ok := profileShare(m, f)
		if !ok {
			return nil, fmt.Errorf("%s: only profile fields are shared by bulk referrals", f)
		}
		if v != "" || f != partners.BirthYear {
			out[f] = v
		}
	}
	return out, nil
}

// bulkCustody checks a bulk case's custody and returns the values of its
// columns, from custody_phase to released_on (all empty without one).
func (s *Store) bulkCustody(ctx context.Context, tx *sql.Tx, key []byte, facilities map[int64]int64, p program.Program,
	c cases.Case, cu *cases.Custody, now time.Time) ([]any, error) {
	if cu == nil {
		return []any{"", nil, nil, nil, nil, nil}, nil
	}
	if !p.Custody.Enabled {
		return nil, errors.New("custody in a program without a custody phase")
	}
	if cu.Phase != "" && !cu.Phase.Valid() {
		return nil, fmt.Errorf("custody phase %q", cu.Phase)
	}
	var facility, released, expected any
	if cu.FacilityID != 0 {
		prog, ok := facilities[cu.FacilityID]
		if !ok {
			err := tx.QueryRowContext(ctx, `SELECT program_id FROM facilities WHERE id = $1`, cu.FacilityID).Scan(&prog)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, s.wrap(err, "read facility")
			}
			facilities[cu.FacilityID] = prog
		}
		if prog != c.ProgramID {
			return nil, fmt.Errorf("facility %d is not one of its program's", cu.FacilityID)
		}
		facility = cu.FacilityID
	}
	if cu.ReleasedOn != nil {
		if cu.Phase != cases.AfterRelease {
			return nil, errors.New("a day of release before the phase after release")
		}
		if k := cases.CheckReleasedOn(*cu.ReleasedOn, c.CreatedAt, now); k != "" {
			return nil, fmt.Errorf("released on %s: %s", cu.ReleasedOn.Format(time.DateOnly), k)
		}
		released = s.ts(cases.Day(*cu.ReleasedOn))
	}
	if cu.ExpectedRelease != nil {
		expected = s.ts(cases.Day(*cu.ExpectedRelease))
	}
	detail, err := s.sealField(key, "cases", "facility_sealed", c.ID, strings.TrimSpace(cu.FacilityDetail))
	if err != nil {
		return nil, err
	}
	var plan []byte
	if cu.ReleasePlan != (cases.ReleasePlan{}) {
		b, _ := json.Marshal(cu.ReleasePlan)
		if plan, err = s.sealField(key, "cases", "release_plan_sealed", c.ID, string(b)); err != nil {
			return nil, err
		}
	}
	return []any{string(cu.Phase), expected, detail, plan, facility, released}, nil
}

// Loading lets commits stop waiting for the disk while a new database is
// filled with generated data (the demo): on SQLite the writer goes from
// synchronous FULL to NORMAL, with which a commit in WAL mode is synced at
// the next checkpoint — a power cut may lose the last commits, never the
// database's consistency. done brings FULL back and checkpoints, so that
// everything written is on disk when it returns. PostgreSQL is left as it
// is.
func (s *Store) Loading(ctx context.Context) (done func(context.Context) error, err error) {
	if s.engine != SQLite {
		return func(context.Context) error { return nil }, nil
	}
	if _, err := s.write.ExecContext(ctx, `PRAGMA synchronous = NORMAL`); err != nil {
		return nil, s.wrap(err, "loading")
	}
	return func(ctx context.Context) error {
		if _, err := s.write.ExecContext(ctx, `PRAGMA synchronous = FULL`); err != nil {
			return s.wrap(err, "loading done")
		}
		if _, err := s.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return s.wrap(err, "checkpoint")
		}
		return nil
	}, nil
}

// Analyze refreshes the query planner's statistics, as after a bulk load:
// ANALYZE on both engines (and on SQLite a checkpoint that empties the
// write-ahead log the load filled).
func (s *Store) Analyze(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, `ANALYZE`); err != nil {
		return s.wrap(err, "analyze")
	}
	if s.engine == SQLite {
		if err := s.dropSampleStatistics(ctx); err != nil {
			return err
		}
		if _, err := s.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return s.wrap(err, "checkpoint")
		}
	}
	return nil
}

// urgentOf counts the open urgent requests, as countUrgent keeps them.
func urgentOf(rs []cases.Request) int {
	n := 0
	for _, r := range rs {
		if r.Urgency == cases.Urgent && (r.Status == cases.RequestOpen || r.Status == cases.RequestInProgress) {
			n++
		}
	}
	return n
}
