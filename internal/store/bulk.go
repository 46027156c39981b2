package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"homeward/internal/audit"
	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
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
type BulkCase struct {
	Mentee      cases.Mentee
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
	Outcomes  []cases.Outcome
	FollowUps []cases.FollowUp // notes are not bulk loaded
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

// jsonEach is a table of the elements of a JSON array column, as k.value.
func (s *Store) jsonEach(column string) string {
	if s.engine == Postgres {
		return "json_array_elements_text(" + column + "::json) AS k(value)"
	}
	return "json_each(" + column + ") AS k"
}

// BulkLoad stores a batch of cases with their mentees and records in one
// transaction, and writes the ids back into batch. Keep batches to a few
// hundred cases (a few thousand rows).
func (s *Store) BulkLoad(ctx context.Context, batch []BulkCase) error {
	if len(batch) == 0 {
		return nil
	}
	if s.keyring == nil {
		return ErrNoKeyring
	}
	now := s.now()
	for i := range batch {
		m := &batch[i].Mentee
		m.Normalize()
		if err := m.Validate(now.Year()); err != nil {
			return fmt.Errorf("bulk case %d: %w", i, err)
		}
		if !batch[i].Case.State.Valid() {
			return fmt.Errorf("bulk case %d: state %q", i, batch[i].Case.State)
		}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		searchKey, err := s.searchKey(ctx, tx)
		if err != nil {
			return err
		}
		// Count the rows, then reserve the ids of every table at once.
		var nNeeds, nSteps, nContacts, nRequests, nTrans, nMatches, nConsents, nOutcomes, nFollow int
		for _, b := range batch {
			for _, n := range b.Needs {
				for p := &n; p != nil; p = p.Previous {
					nNeeds++
				}
			}
			nSteps += len(b.PlanSteps)
			nContacts += len(b.Contacts)
			nRequests += len(b.Requests)
			nTrans += len(b.Transitions)
			nMatches += len(b.Matches)
			nConsents += len(b.Consents)
			nOutcomes += len(b.Outcomes)
			nFollow += len(b.FollowUps)
		}
		reserve := map[string]int{"data_keys": len(batch), "mentees": len(batch), "cases": len(batch),
			"needs": nNeeds, "plan_steps": nSteps, "contacts": nContacts, "requests": nRequests,
			"case_transitions": nTrans, "matches": nMatches, "consents": nConsents, "outcomes": nOutcomes, "follow_ups": nFollow}
		pools := map[string]*idPool{}
		for _, table := range []string{"data_keys", "mentees", "cases", "needs", "plan_steps", "contacts", "requests",
			"case_transitions", "matches", "consents", "outcomes", "follow_ups"} {
			ids, err := s.reserveIDs(ctx, tx, table, reserve[table])
			if err != nil {
				return err
			}
			p := idPool(ids)
			pools[table] = &p
		}

		keys := newRowSet("data_keys", "id", "kek_id", "sealed_key", "created_at")
		mentees := newRowSet("mentees", append([]string{"id", "data_key_id", "full_name_sealed", "contact_channels_sealed",
			"version", "created_at", "updated_at"}, profileColumns...)...)
		words := newRowSet("mentee_name_words", "word", "mentee_id")
		consents := newRowSet("consents", "id", "mentee_id", "kind", "given", "recorded_by", "recorded_at")
		caseRows := newRowSet("cases", "id", "mentee_id", "program_id", "case_code", "state", "closure_reason", "period",
			"mentor_id", "psychologist_id", "opened_at", "state_since", "active_since", "last_contact_at",
			"last_request_at", "contact_due_at", "quiet_at", "version", "created_at", "updated_at")
		trans := newRowSet("case_transitions", "id", "case_id", "period", "from_state", "to_state", "closure_reason",
			"reason", "actor_id", "at")
		matches := newRowSet("matches", "id", "case_id", "mentor_id", "period", "started_at", "assigned_by", "ended_at", "end_reason")
		needCols := []string{"id", "case_id", "period", "domain", "severity", "status", "current", "previous_id", "assessed_by", "assessed_at"}
		oldNeeds, needs := newRowSet("needs", needCols...), newRowSet("needs", needCols...)
		steps := newRowSet("plan_steps", "id", "case_id", "period", "title", "domain", "owner", "due_on", "status",
			"done_at", "version", "created_at", "updated_at")
		contacts := newRowSet("contacts", "id", "case_id", "at", "channel", "minutes", "summary_sealed", "needs",
			"recorded_by", "created_at")
		requests := newRowSet("requests", "id", "case_id", "period", "domain", "urgency", "text_sealed", "status",
			"resolution_sealed", "raised_by_mentee", "recorded_by", "created_at", "updated_at", "resolved_at", "version")
		closings := newRowSet("closings", "case_id", "period", "readiness_asked_at", "readiness_asked_by", "agreed_at",
			"agreed_by", "agreed_in_portal", "final_meeting_at", "final_meeting_by", "closed_at", "closure_reason")
		feedback := newRowSet("feedback", "case_id", "period", "declined", "support", "mentor", "plan", "recommend",
			"in_portal", "recorded_by", "recorded_at")
		outcomes := newRowSet("outcomes", "id", "case_id", "period", "kind", "note", "occurred_on", "after_release",
			"recorded_by", "recorded_at")
		follow := newRowSet("follow_ups", "id", "case_id", "period", "months", "due_on", "done_at", "work_kept",
			"housing", "rearrested", "recorded_by", "version")

		programs := map[int64]program.Program{}
		var lastCase int64
		for i := range batch {
			b := &batch[i]
			m, c := &b.Mentee, &b.Case
			keyID := pools["data_keys"].next()
			key := seal.NewKey()
			kekID, sealedKey, err := s.keyring.Wrap(key, keyID)
			if err != nil {
				return fmt.Errorf("seal data key: %w", err)
			}
			keys.add(keyID, kekID, sealedKey, s.ts(m.CreatedAt))

			m.ID = pools["mentees"].next()
			name, err := s.sealField(key, "mentees", "full_name_sealed", m.ID, m.FullName)
			if err != nil {
				return err
			}
			channels, err := s.sealField(key, "mentees", "contact_channels_sealed", m.ID, m.ContactChannels)
			if err != nil {
				return err
			}
			m.Version = 1
			m.UpdatedAt = m.CreatedAt
			mentees.add(append([]any{m.ID, keyID, name, channels, 1, s.ts(m.CreatedAt), s.ts(m.UpdatedAt)},
				profileValues(m.Profile)...)...)
			for _, h := range wordHashes(searchKey, m.FullName) {
				words.add(h, m.ID)
			}
			for j := range b.Consents {
				x := &b.Consents[j]
				x.ID, x.MenteeID = pools["consents"].next(), m.ID
				consents.add(x.ID, m.ID, string(x.Kind), x.Given, x.RecordedBy, s.ts(x.RecordedAt))
			}

			c.ID, c.MenteeID, c.Code = pools["cases"].next(), m.ID, m.CaseCode
			lastCase = c.ID
			if c.Period == 0 {
				c.Period = 1
			}
			for j := range b.Contacts {
				x := &b.Contacts[j]
				x.ID, x.CaseID = pools["contacts"].next(), c.ID
				if c.LastContactAt == nil || x.At.After(*c.LastContactAt) {
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
				if c.LastRequestAt == nil || x.CreatedAt.After(*c.LastRequestAt) {
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
				requests.add(x.ID, c.ID, c.Period, x.Domain, string(x.Urgency), text, string(x.Status), resolution,
					x.RaisedByMentee, nullID(x.RecordedBy), s.ts(x.CreatedAt), s.ts(x.UpdatedAt), s.nullTS(x.ResolvedAt), 1)
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
			c.ContactDueAt, c.QuietAt = cases.Due(p, *c)
			c.Version = 1
			caseRows.add(c.ID, m.ID, c.ProgramID, c.Code, string(c.State), string(c.ClosureReason), c.Period,
				nullID(c.MentorID), nullID(c.PsychologistID), s.ts(c.OpenedAt), s.ts(c.StateSince), s.nullTS(c.ActiveSince),
				s.nullTS(c.LastContactAt), s.nullTS(c.LastRequestAt), s.ts(dueOrNone(c.ContactDueAt)), s.ts(dueOrNone(c.QuietAt)),
				1, s.ts(c.CreatedAt), s.ts(c.UpdatedAt))
			for j := range b.Transitions {
				x := &b.Transitions[j]
				x.ID, x.CaseID = pools["case_transitions"].next(), c.ID
				trans.add(x.ID, c.ID, x.Period, string(x.From), string(x.To), string(x.ClosureReason), x.Reason,
					nullID(x.ActorID), s.ts(x.At))
			}
			for j := range b.Matches {
				x := &b.Matches[j]
				x.ID, x.CaseID = pools["matches"].next(), c.ID
				matches.add(x.ID, c.ID, x.MentorID, x.Period, s.ts(x.StartedAt), nullID(x.AssignedBy), s.nullTS(x.EndedAt), x.EndReason)
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
					set.add(n.ID, c.ID, c.Period, n.Domain, string(n.Severity), string(n.Status), k == 0, nullID(prev),
						nullID(n.AssessedBy), s.ts(n.AssessedAt))
					prev = n.ID
				}
			}
			for j := range b.PlanSteps {
				x := &b.PlanSteps[j]
				x.ID, x.CaseID, x.Version = pools["plan_steps"].next(), c.ID, 1
				if x.Period == 0 {
					x.Period = c.Period
				}
				steps.add(x.ID, c.ID, x.Period, x.Title, x.Domain, string(x.Owner), s.nullTS(x.DueOn), string(x.Status),
					s.nullTS(x.DoneAt), 1, s.ts(x.CreatedAt), s.ts(x.UpdatedAt))
			}
			if x := b.Closing; x != nil {
				x.CaseID = c.ID
				closings.add(c.ID, x.Period, s.nullTS(x.ReadinessAskedAt), nullID(x.ReadinessAskedBy), s.nullTS(x.AgreedAt),
					nullID(x.AgreedBy), x.AgreedInPortal, s.nullTS(x.FinalMeetingAt), nullID(x.FinalMeetingBy),
					s.nullTS(x.ClosedAt), string(x.ClosureReason))
			}
			if x := b.Feedback; x != nil {
				x.CaseID = c.ID
				feedback.add(c.ID, x.Period, x.Declined, int(x.Support), int(x.Mentor), int(x.Plan), int(x.Recommend),
					x.InPortal, nullID(x.RecordedBy), s.ts(x.RecordedAt))
			}
			for j := range b.Outcomes {
				x := &b.Outcomes[j]
				x.ID, x.CaseID = pools["outcomes"].next(), c.ID
				if x.OccurredOn.IsZero() {
					x.OccurredOn = cases.Day(x.RecordedAt)
				}
				outcomes.add(x.ID, c.ID, x.Period, string(x.Kind), x.Note, s.ts(x.OccurredOn), x.Released(),
					nullID(x.RecordedBy), s.ts(x.RecordedAt))
			}
			for j := range b.FollowUps {
				x := &b.FollowUps[j]
				x.ID, x.CaseID, x.Version = pools["follow_ups"].next(), c.ID, 1
				follow.add(x.ID, c.ID, x.Period, x.Months, s.ts(x.DueOn), s.nullTS(x.DoneAt), string(x.WorkKept),
					string(x.Housing), string(x.Rearrested), nullID(x.RecordedBy), 1)
			}
		}
		for _, r := range []*rowSet{keys, mentees, words, consents, caseRows, trans, matches, oldNeeds, needs, steps,
			contacts, requests, closings, feedback, outcomes, follow} {
			if err := s.insertRows(ctx, tx, r); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, "case.bulk_create", "case", lastCase, audit.OK)
	})
}

// Analyze refreshes the query planner's statistics, as after a bulk load:
// ANALYZE on both engines (and on SQLite a checkpoint that empties the
// write-ahead log the load filled).
func (s *Store) Analyze(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, `ANALYZE`); err != nil {
		return s.wrap(err, "analyze")
	}
	if s.engine == SQLite {
		if _, err := s.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return s.wrap(err, "checkpoint")
		}
	}
	return nil
}
