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
	"homeward/internal/text"
	"homeward/internal/zone"
)

// CaseSort orders the case list.
type CaseSort string

const (
	SortDue    CaseSort = "due"    // next contact due first (default)
	SortCode   CaseSort = "code"   // case code
	SortOpened CaseSort = "opened" // newest period first
)

// CaseFilter narrows the case list. Scope is always applied.
type CaseFilter struct {
	Scope     CaseScope
	ProgramID int64
	State     cases.State
	MentorID  int64
	Signal    cases.Signal
	Need      string // a domain with an open need
	Code      string // case code prefix
	Sort      CaseSort
	Now       time.Time // for the signals; zero means the store's clock
	// Query is a search (the case list's search box): each of its words
	// is part of the case code or the start, three letters or more, of a
	// word of the person's name (through the blind index, name_index.go);
	// every word must match.
	Query string

	searchKey []byte // the blind index's key, for Query (set by ListCases)
}

// caseColumns are a case's columns (alias c) with the names of its mentor
// (mu) and psychologist (pu), read in the same query.
const caseColumns = `c.id, c.mentee_id, c.program_id, c.case_code, c.state, c.closure_reason, c.period,
	COALESCE(c.mentor_id, 0), COALESCE(mu.name, ''), COALESCE(mu.email, ''),
	COALESCE(c.psychologist_id, 0), COALESCE(pu.name, ''), COALESCE(pu.email, ''),
	c.opened_at, c.state_since, c.active_since, c.last_contact_at, c.last_request_at,
	c.contact_due_at, c.quiet_at, c.version, c.created_at, c.updated_at, c.urgent_requests`

// caseColumnsText are caseColumns with the times as SQLite stores them,
// for the case list (caseListColumns).
var caseColumnsText = textTimes(caseColumns, "c.opened_at", "c.state_since", "c.active_since", "c.last_contact_at",
	"c.last_request_at", "c.contact_due_at", "c.quiet_at", "c.created_at", "c.updated_at")

// caseListColumns are the columns the case list reads: on SQLite with its
// times as text, which scanCase decodes faster than the driver does.
func (s *Store) caseListColumns() string {
	if s.engine == SQLite {
		return caseColumnsText
	}
	return caseColumns
}

const caseFrom = `cases c LEFT JOIN users mu ON mu.id = c.mentor_id LEFT JOIN users pu ON pu.id = c.psychologist_id`

// getCaseQuery reads one case (GetCase; the query plan test reads it too).
const getCaseQuery = `SELECT ` + caseColumns + ` FROM ` + caseFrom + ` WHERE c.id = $1`

func scanCase(r scanner) (cases.Case, error) {
	var c cases.Case
	var state, reason, mentorEmail, psychEmail string
	var opened, since, active, lastContact, lastRequest, due, quiet, created, updated storedTime
	err := r.Scan(&c.ID, &c.MenteeID, &c.ProgramID, &c.Code, &state, &reason, &c.Period,
		&c.MentorID, &c.MentorName, &mentorEmail, &c.PsychologistID, &c.PsychologistName, &psychEmail,
		&opened, &since, &active, &lastContact, &lastRequest, &due, &quiet, &c.Version, &created, &updated, &c.UrgentRequests)
	if err != nil {
		return c, err
	}
	c.State, c.ClosureReason = cases.State(state), cases.ClosureReason(reason)
	if c.MentorName == "" {
		c.MentorName = mentorEmail
	}
	if c.PsychologistName == "" {
		c.PsychologistName = psychEmail
	}
	c.ActiveSince, c.LastContactAt, c.LastRequestAt = active.ptr(), lastContact.ptr(), lastRequest.ptr()
	c.ContactDueAt, c.QuietAt = dueOrNil(due.T), dueOrNil(quiet.T)
	c.OpenedAt, c.StateSince, c.CreatedAt, c.UpdatedAt = opened.T, since.T, created.T, updated.T
	return c, nil
}

// NeedCountCap is where the total of a case list filtered by an open need
// stops: Page.Total is NeedCountCap+1 when more cases match. Other totals
// are counted along an index alone; this one looks up each case's needs
// (at 100,000 cases, some hundreds of milliseconds for a program's 10,000).
const NeedCountCap = MaxLimit

// caseList is a built case list query: its text and arguments, the page
// size, and the sort (for the next cursor).
type caseList struct {
	query string
	args  []any
	limit int
	sort  CaseSort
	// count is the number of cases of the filter on all pages, and its
	// arguments: the scope's and the filter's conditions without the cursor.
	count     string
	countArgs []any
}

// caseListQuery builds the query of one page of the case list. ListCases
// runs it; the query plan test explains it. Every filter is a condition an
// index of 0007_cases.sql serves together with the program, and the keyset
// condition is a range on the sort column, so that a page reads about a
// page of index entries in order. A search (Query) is checked on each case
// along that walk: the hashes of its words are looked up once in
// mentee_name_prefixes (by its primary key), so that a search that finds
// few people reads up to the program's cases, never the table.
//
// A scope of several programs with no program chosen (a coordinator of
// more than one) is read as one branch per program, each walking its
// program's index in order and stopping after a page, merged by the outer
// ORDER BY: no index yields one order across an IN list of programs, and
// the alternative is sorting every case of those programs.
func (s *Store) caseListQuery(f CaseFilter, p Page) (caseList, error) {
	bad := map[string]string{}
	if f.State != "" && !f.State.Valid() {
		bad["state"] = "validation.choice"
	}
	if f.Signal != "" && !f.Signal.Valid() {
		bad["signal"] = "validation.choice"
	}
	sort := f.Sort
	if sort == "" {
		sort = SortDue
	}
	if sort != SortDue && sort != SortCode && sort != SortOpened {
		bad["sort"] = "validation.choice"
	}
	terms, err := searchTerms(f.Query)
	if err != nil {
		for k, v := range errs.As(err).Fields {
			bad[k] = v
		}
	}
	if len(bad) > 0 {
		return caseList{}, errs.Invalid(bad)
	}
	k, err := decodeCursor(p.Cursor)
	if err != nil {
		return caseList{}, err
	}
	now := f.Now
	if now.IsZero() {
		now = s.now()
	}
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "$?", "$"+itoa(len(args))))
	}
	if f.State != "" {
		add("c.state = $?", string(f.State))
	}
	if f.MentorID != 0 {
		add("c.mentor_id = $?", f.MentorID)
	}
	switch f.Signal {
	case cases.SignalOverdue:
		add("c.contact_due_at < $?", s.ts(now))
	case cases.SignalQuiet:
		add("c.state = 'active' AND c.quiet_at <= $?", s.ts(now))
	case cases.SignalUrgent:
		where = append(where, "c.urgent_requests > 0 AND c.state <> 'closed'")
	}
	if f.Need != "" {
		add(`EXISTS (SELECT 1 FROM needs n WHERE n.current AND n.domain = $? AND n.case_id = c.id
			AND n.period = c.period AND n.severity <> 'none' AND n.status IN ('not_started', 'in_progress'))`, f.Need)
	}
	if code := strings.ToUpper(strings.TrimSpace(f.Code)); code != "" {
		add(`c.case_code LIKE $? ESCAPE '\'`, escapeLike(code)+"%")
	}
	for _, t := range terms {
		args = append(args, "%"+escapeLike(t.code)+"%")
		cond := `c.case_code LIKE $` + itoa(len(args)) + ` ESCAPE '\'`
		if len(t.words) > 0 && f.searchKey != nil {
			names := make([]string, len(t.words))
			for i, w := range t.words {
				args = append(args, prefixHash(f.searchKey, w))
				names[i] = `c.mentee_id IN (SELECT np.mentee_id FROM mentee_name_prefixes np WHERE np.prefix = $` + itoa(len(args)) + `)`
			}
			cond += ` OR (` + strings.Join(names, " AND ") + `)`
		}
		where = append(where, "("+cond+")")
	}
	// order is the sort inside a query, outer the same by result column
	// of the branches of several programs (id, then the sort column).
	var col, order, outer string
	switch sort {
	case SortDue:
		col, order, outer = "c.contact_due_at", "c.contact_due_at, c.id", "2, 1"
	case SortCode:
		col, order, outer = "c.case_code", "c.case_code, c.id", "2, 1"
	case SortOpened:
		col, order, outer = "c.opened_at", "c.opened_at DESC, c.id DESC", "2 DESC, 1 DESC"
	}
	cond, countArgs := f.Scope.where(slices.Clone(where), slices.Clone(args))
	if f.ProgramID != 0 {
		countArgs = append(countArgs, f.ProgramID)
		cond = append(cond, "c.program_id = $"+itoa(len(countArgs)))
	}
	count := `SELECT COUNT(*) FROM cases c WHERE ` + strings.Join(cond, " AND ")
	if f.Need != "" {
		// An open need is looked up case by case, so its count stops
		// after NeedCountCap of them (and says more).
		countArgs = append(countArgs, NeedCountCap+1)
		count = `SELECT COUNT(*) FROM (SELECT 1 FROM cases c WHERE ` + strings.Join(cond, " AND ") +
			` LIMIT $` + itoa(len(countArgs)) + `) capped`
	}
	if p.Cursor != "" {
		var key any = k.S
		if sort != SortCode {
			t, err := time.Parse(time.RFC3339Nano, k.S)
			if err != nil {
				return caseList{}, errs.Invalid(map[string]string{"cursor": "validation.cursor"})
			}
			key = s.ts(t)
		}
		args = append(args, key, k.ID)
		at, id := "$"+itoa(len(args)-1), "$"+itoa(len(args))
		// (col, id) after (at, id), written as a range on col that an index walks.
		if sort == SortOpened {
			where = append(where, col+" <= "+at+" AND ("+col+" < "+at+" OR c.id < "+id+")")
		} else {
			where = append(where, col+" >= "+at+" AND ("+col+" > "+at+" OR c.id > "+id+")")
		}
	}
	limit := p.limit()
	args = append(args, limit+1)
	lim := "$" + itoa(len(args))
	sc := f.Scope
	branch := func(cond []string) string {
		return `SELECT ` + s.caseListColumns() + ` FROM ` + caseFrom + ` WHERE ` + strings.Join(cond, " AND ") +
			` ORDER BY ` + order + ` LIMIT ` + lim
	}
	if sc.None || len(sc.ProgramIDs) < 2 || f.ProgramID != 0 || sc.MentorID != 0 || sc.PsychologistID != 0 {
		var cond []string
		cond, args = sc.where(cond, args)
		if f.ProgramID != 0 {
			args = append(args, f.ProgramID)
			cond = append(cond, "c.program_id = $"+itoa(len(args)))
		}
		return caseList{query: branch(append(cond, where...)), args: args, limit: limit, sort: sort, count: count, countArgs: countArgs}, nil
	}
	// Each branch walks its program's index for the ids and sort keys of a
	// page (reading no case row where the index holds its filter too), the
	// branches are merged to one page, and only that page's cases are read,
	// with their mentor's and psychologist's names: one page of rows and
	// joins instead of one per program, in a statement parsed faster.
	var parts []string
	programs := slices.Clone(sc.ProgramIDs)
	slices.Sort(programs)
	for i, pid := range slices.Compact(programs) {
		args = append(args, pid)
		cond := append([]string{"c.program_id = $" + itoa(len(args))}, where...)
		parts = append(parts, `SELECT * FROM (SELECT c.id, `+col+` AS k FROM cases c WHERE `+strings.Join(cond, " AND ")+
			` ORDER BY `+order+` LIMIT `+lim+`) b`+itoa(i))
	}
	q := `SELECT ` + s.caseListColumns() + ` FROM (` + strings.Join(parts, " UNION ALL ") + ` ORDER BY ` + outer + ` LIMIT ` + lim + `) p
		JOIN cases c ON c.id = p.id LEFT JOIN users mu ON mu.id = c.mentor_id LEFT JOIN users pu ON pu.id = c.psychologist_id
		ORDER BY ` + order
	return caseList{query: q, args: args, limit: limit, sort: sort, count: count, countArgs: countArgs}, nil
}

// ListCases returns one keyset page of the scoped, filtered, sorted cases,
// and the cursor of the next page ("" at the end).
func (s *Store) ListCases(ctx context.Context, f CaseFilter, p Page) ([]cases.Case, string, error) {
	if strings.TrimSpace(f.Query) != "" {
		key, found, err := s.readSearchKey(ctx, s.read)
		if err != nil {
			return nil, "", err
		}
		if found {
			f.searchKey = key
		}
	}
	l, err := s.caseListQuery(f, p)
	if err != nil {
		return nil, "", err
	}
	if p.Total != nil {
		// The list's text varies with its filter, sort, search and scope;
		// each shape is one of the statements a connection keeps, the
		// least used finalized past the bound (sqlite_conn.go).
		if err := s.read.QueryRowContext(ctx, l.count, l.countArgs...).Scan(p.Total); err != nil {
			return nil, "", s.wrap(err, "count cases")
		}
	}
	rows, err := s.read.QueryContext(ctx, l.query, l.args...)
	if err != nil {
		return nil, "", s.wrap(err, "list cases")
	}
	defer rows.Close()
	var out []cases.Case
	var dues []time.Time // the stored sort key, noDue included
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, "", s.wrap(err, "scan case")
		}
		out = append(out, c)
		dues = append(dues, dueOrNone(c.ContactDueAt))
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.wrap(err, "list cases")
	}
	next := ""
	if len(out) > l.limit {
		out = out[:l.limit]
		last := out[l.limit-1]
		k := cursorKey{ID: last.ID}
		switch l.sort {
		case SortDue:
			k.S = dues[l.limit-1].UTC().Format(time.RFC3339Nano)
		case SortCode:
			k.S = last.Code
		case SortOpened:
			k.S = last.OpenedAt.UTC().Format(time.RFC3339Nano)
		}
		next = encodeCursor(k)
	}
	return out, next, nil
}

// GetCase returns a case (without its sealed custody fields) with the
// mentor's and psychologist's names.
func (s *Store) GetCase(ctx context.Context, id int64) (cases.Case, error) {
	c, err := scanCase(s.read.QueryRowContext(ctx, getCaseQuery, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.NotFound("case")
	}
	return c, s.wrap(err, "get case")
}

// MenteeCases returns every case of a mentee, newest first.
func (s *Store) MenteeCases(ctx context.Context, menteeID int64) ([]cases.Case, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+caseColumns+` FROM `+caseFrom+`
		WHERE c.mentee_id = $1 ORDER BY c.opened_at DESC, c.id DESC`, menteeID)
	if err != nil {
		return nil, s.wrap(err, "list mentee cases")
	}
	defer rows.Close()
	var out []cases.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, s.wrap(err, "scan case")
		}
		out = append(out, c)
	}
	return out, s.wrap(rows.Err(), "list mentee cases")
}

// CaseCustody opens the case's custody phase (the facility's detail and
// the release-day plan are sealed; the read is audited as
// case.custody_read), with the name of the facility it points at.
func (s *Store) CaseCustody(ctx context.Context, caseID int64) (cases.Custody, error) {
	var cu cases.Custody
	var phase string
	var release, released sql.Null[time.Time]
	var facility, plan []byte
	var k menteeKey
	err := s.read.QueryRowContext(ctx, `SELECT c.custody_phase, c.expected_release, c.released_on, COALESCE(c.facility_id, 0),
		COALESCE(f.name, ''), COALESCE(f.archived, false), c.facility_sealed, c.release_plan_sealed,
		m.data_key_id, COALESCE(dk.kek_id, ''), dk.sealed_key
		FROM cases c JOIN mentees m ON m.id = c.mentee_id LEFT JOIN data_keys dk ON dk.id = m.data_key_id
		LEFT JOIN facilities f ON f.id = c.facility_id
		WHERE c.id = $1`, caseID).Scan(
		&phase, &release, &released, &cu.FacilityID, &cu.FacilityName, &cu.FacilityArchived, &facility, &plan, &k.id, &k.kek, &k.sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return cu, errs.NotFound("case")
	}
	if err != nil {
		return cu, s.wrap(err, "read custody")
	}
	cu.Phase, cu.ExpectedRelease, cu.ReleasedOn = cases.Phase(phase), nullTime(release), nullTime(released)
	if len(facility) > 0 || len(plan) > 0 {
		key, err := s.openKey(k.id, k.kek, k.sealed)
		if err != nil {
			return cu, err
		}
		if cu.FacilityDetail, err = s.openField(key, facility, "cases", "facility_sealed", caseID); err != nil {
			return cu, err
		}
		planJSON, err := s.openField(key, plan, "cases", "release_plan_sealed", caseID)
		if err != nil {
			return cu, err
		}
		if planJSON != "" {
			if err := json.Unmarshal([]byte(planJSON), &cu.ReleasePlan); err != nil {
				return cu, errs.Internal(fmt.Errorf("decode release plan: %w", err))
			}
		}
	}
	if err := s.Audit(ctx, "case.custody_read", "case", caseID, audit.OK); err != nil {
		return cases.Custody{}, err
	}
	return cu, nil
}

// SaveCustody stores the custody phase of a case in a program with one.
// The facility is one of the case's program (an archived one only where
// the case points at it already), or none. The release day belongs to the
// phase after release: when the phase moves there it is the day given, or
// today; while it stays there, the day given or the one stored; any other
// phase has none. A release day lies within the case's life
// (cases.CheckReleasedOn).
func (s *Store) SaveCustody(ctx context.Context, caseID int64, cu cases.Custody, actorID int64) error {
	cu.FacilityDetail = strings.TrimSpace(cu.FacilityDetail)
	rp := &cu.ReleasePlan
	rp.Pickup, rp.FirstNight, rp.FirstAppointments = strings.TrimSpace(rp.Pickup), strings.TrimSpace(rp.FirstNight), strings.TrimSpace(rp.FirstAppointments)
	f := map[string]string{}
	if cu.Phase != "" && !cu.Phase.Valid() {
		f["phase"] = "validation.choice"
	}
	if cu.FacilityID < 0 {
		f["facility_id"] = "validation.facility_unknown"
	}
	if cu.ReleasedOn != nil && cu.Phase.Valid() && cu.Phase != cases.AfterRelease {
		f["released_on"] = "validation.released_on_phase"
	}
	text.Check(f, "facility_detail", cu.FacilityDetail, false, false, cases.MaxShort)
	text.Check(f, "release_plan.pickup", rp.Pickup, false, true, cases.MaxLong)
	text.Check(f, "release_plan.first_night", rp.FirstNight, false, true, cases.MaxLong)
	text.Check(f, "release_plan.first_appointments", rp.FirstAppointments, false, true, cases.MaxLong)
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, caseID)
		if err != nil {
			return err
		}
		p, err := s.programTx(ctx, tx, ct.ProgramID)
		if err != nil {
			return err
		}
		if !p.Custody.Enabled {
			return errs.Invalid(map[string]string{"phase": "validation.custody_disabled"})
		}
		var prevPhase string
		var prevFacility int64
		var prevReleased sql.Null[time.Time]
		if err := tx.QueryRowContext(ctx, `SELECT custody_phase, COALESCE(facility_id, 0), released_on FROM cases WHERE id = $1`,
			caseID).Scan(&prevPhase, &prevFacility, &prevReleased); err != nil {
			return s.wrap(err, "read custody")
		}
		var facilityID any
		if cu.FacilityID != 0 {
			var programID int64
			var archived bool
			err := tx.QueryRowContext(ctx, `SELECT program_id, archived FROM facilities WHERE id = $1`, cu.FacilityID).Scan(&programID, &archived)
			switch {
			case errors.Is(err, sql.ErrNoRows) || (err == nil && programID != ct.ProgramID):
				return errs.Invalid(map[string]string{"facility_id": "validation.facility_unknown"})
			case err != nil:
				return s.wrap(err, "read facility")
			case archived && cu.FacilityID != prevFacility:
				return errs.Invalid(map[string]string{"facility_id": "validation.facility_archived"})
			}
			facilityID = cu.FacilityID
		}
		var released any
		if cu.Phase == cases.AfterRelease {
			// Days are the recorder's: today and the day the case was
			// opened, in their zone.
			loc := zone.LocationFrom(ctx)
			today := zone.Today(s.now(), loc)
			day := cu.ReleasedOn
			switch {
			case day != nil:
			case cases.Phase(prevPhase) == cases.AfterRelease:
				day = nullTime(prevReleased)
			default:
				day = &today
			}
			if day != nil {
				if key := cases.CheckReleasedOn(*day, zone.Today(ct.CreatedAt, loc), today); key != "" {
					return errs.Invalid(map[string]string{"released_on": key})
				}
				released = s.ts(cases.Day(*day))
			}
		}
		key, err := s.dataKey(ctx, tx, ct.KeyID)
		if err != nil {
			return err
		}
		detail, err := s.sealField(key, "cases", "facility_sealed", caseID, cu.FacilityDetail)
		if err != nil {
			return err
		}
		var plan []byte
		if *rp != (cases.ReleasePlan{}) {
			b, _ := json.Marshal(rp)
			if plan, err = s.sealField(key, "cases", "release_plan_sealed", caseID, string(b)); err != nil {
				return err
			}
		}
		var release any
		if cu.ExpectedRelease != nil {
			release = s.ts(cases.Day(*cu.ExpectedRelease))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET custody_phase = $1, expected_release = $2, facility_sealed = $3,
			release_plan_sealed = $4, facility_id = $5, released_on = $6 WHERE id = $7`,
			string(cu.Phase), release, detail, plan, facilityID, released, caseID); err != nil {
			return s.wrap(err, "save custody")
		}
		if err := s.touchCase(ctx, tx, caseID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "case.custody_write", "case", caseID, audit.OK)
	})
}

// TransitionInput asks for a case to move to another state.
type TransitionInput struct {
	CaseID        int64
	To            cases.State
	ClosureReason cases.ClosureReason // when To is closed
	Reason        string
	Outcomes      []cases.Outcome // recorded with a closure
	ActorID       int64
}

// caseFacts gathers what cases.CheckTransition decides on, inside tx.
func (s *Store) caseFacts(ctx context.Context, tx *sql.Tx, ct caseTx) (cases.Facts, error) {
	var f cases.Facts
	var given bool
	err := tx.QueryRowContext(ctx, `SELECT given FROM consents WHERE mentee_id = $1 AND kind = $2
		ORDER BY recorded_at DESC, id DESC LIMIT 1`, ct.MenteeID, string(cases.ConsentProcessing)).Scan(&given)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return f, s.wrap(err, "read consent")
	}
	f.ProcessingConsent = err == nil && given
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM needs WHERE case_id = $1 AND period = $2 AND current`,
		ct.ID, ct.Period).Scan(&f.NeedsAssessed); err != nil {
		return f, s.wrap(err, "count needs")
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM plan_steps WHERE case_id = $1 AND period = $2`,
		ct.ID, ct.Period).Scan(&f.PlanSteps); err != nil {
		return f, s.wrap(err, "count plan steps")
	}
	f.HasMentor = ct.MentorID != 0
	if err := s.closingFacts(ctx, tx, ct.ID, ct.Period, &f); err != nil {
		return f, err
	}
	return f, nil
}

// Transition moves a case when cases.CheckTransition allows it on the
// facts read inside the transaction, records who, when and why, and does
// what the move implies: closing ends the match and frees the mentor's
// capacity, a completed closure schedules the follow-ups, reopening starts
// a new period. It returns the case as stored.
func (s *Store) Transition(ctx context.Context, tr TransitionInput) (cases.Case, error) {
	reason := strings.TrimSpace(tr.Reason)
	bad := map[string]string{}
	text.Check(bad, "reason", reason, false, true, cases.MaxReason)
	if len(tr.Outcomes) > 0 && tr.To != cases.Closed {
		bad["outcomes"] = "validation.outcomes_with_closure"
	}
	if len(bad) > 0 {
		return cases.Case{}, errs.Invalid(bad)
	}
	closure := tr.ClosureReason
	if tr.To != cases.Closed {
		closure = ""
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, tr.CaseID)
		if err != nil {
			return err
		}
		facts, err := s.caseFacts(ctx, tx, ct)
		if err != nil {
			return err
		}
		if err := cases.CheckTransition(ct.State, tr.To, tr.ClosureReason, reason, facts); err != nil {
			return err
		}
		now := s.now()
		c, from := ct.Case, ct.State
		switch {
		case from == cases.Closed && tr.To == cases.Intake: // reopen: a new period, history kept
			c.Period++
			c.OpenedAt = now
			c.MentorID, c.ActiveSince, c.LastContactAt, c.LastRequestAt = 0, nil, nil, nil
		case tr.To == cases.Closed:
			if err := s.endMatches(ctx, tx, c.ID, "closed: "+string(closure), now); err != nil {
				return err
			}
			c.MentorID = 0 // the mentor's capacity frees
			if err := s.resetSharing(ctx, tx, c.MenteeID); err != nil {
				return err
			}
			for _, o := range tr.Outcomes {
				o.CaseID, o.Period, o.RecordedBy = c.ID, c.Period, tr.ActorID
				if _, err := s.addOutcomeTx(ctx, tx, o); err != nil {
					return err
				}
			}
			if err := s.closePeriod(ctx, tx, c.ID, c.Period, closure, now); err != nil {
				return err
			}
		case tr.To == cases.Closing:
			if err := s.askReadiness(ctx, tx, c.ID, c.Period, tr.ActorID); err != nil {
				return err
			}
		}
		c.State, c.StateSince, c.ClosureReason = tr.To, now, closure
		_, err = tx.ExecContext(ctx, `UPDATE cases SET state = $1, state_since = $2, closure_reason = $3, period = $4,
			opened_at = $5, mentor_id = $6, active_since = $7, last_contact_at = $8, last_request_at = $9,
			version = version + 1, updated_at = $2 WHERE id = $10`,
			string(c.State), s.ts(now), string(closure), c.Period, s.ts(c.OpenedAt), nullID(c.MentorID),
			s.nullTS(c.ActiveSince), s.nullTS(c.LastContactAt), s.nullTS(c.LastRequestAt), c.ID)
		if err != nil {
			return s.wrap(err, "move case")
		}
		if err := s.refreshSignals(ctx, tx, c); err != nil {
			return err
		}
		if err := s.addTransition(ctx, tx, cases.Transition{CaseID: c.ID, Period: c.Period, From: from, To: tr.To,
			ClosureReason: closure, Reason: reason, ActorID: tr.ActorID, At: now}); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, "case.transition", "case", c.ID, audit.OK)
	})
	if err != nil {
		return cases.Case{}, err
	}
	return s.GetCase(ctx, tr.CaseID)
}

// CaseTransitions returns every transition of a case, oldest first, with
// the names of who made them and the reasons opened (audited as
// case.transitions_read when there is a reason to open).
func (s *Store) CaseTransitions(ctx context.Context, caseID int64) ([]cases.Transition, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT t.id, t.case_id, t.period, t.from_state, t.to_state, t.closure_reason,
		t.reason_sealed, COALESCE(t.actor_id, 0), COALESCE(u.name, ''), COALESCE(u.email, ''), t.at
		FROM case_transitions t LEFT JOIN users u ON u.id = t.actor_id WHERE t.case_id = $1 ORDER BY t.id`, caseID)
	if err != nil {
		return nil, s.wrap(err, "list transitions")
	}
	defer rows.Close()
	var out []cases.Transition
	reasons := caseTexts{table: "case_transitions", column: "reason_sealed"}
	for rows.Next() {
		var t cases.Transition
		var from, to, reason, email string
		var typed []byte
		if err := rows.Scan(&t.ID, &t.CaseID, &t.Period, &from, &to, &reason, &typed, &t.ActorID, &t.ActorName, &email, &t.At); err != nil {
			return nil, s.wrap(err, "scan transition")
		}
		t.From, t.To, t.ClosureReason, t.At = cases.State(from), cases.State(to), cases.ClosureReason(reason), t.At.UTC()
		if t.ActorName == "" {
			t.ActorName = email
		}
		out = append(out, t)
		reasons.add(t.ID, typed)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list transitions")
	}
	rows.Close()
	return out, reasons.open(ctx, s, caseID, "case.transitions_read", func(i int, r string) { out[i].Reason = r })
}

// lockStaff checks that userID is an active user of the role in the program
// (errs.Invalid on field otherwise) and locks their row on PostgreSQL, so
// that checks of their load run one after the other.
func (s *Store) lockStaff(ctx context.Context, tx *sql.Tx, userID, programID int64, role auth.Role, field, key string) error {
	var got, status string
	err := tx.QueryRowContext(ctx, `SELECT u.role, u.status FROM users u
		JOIN user_programs up ON up.user_id = u.id AND up.program_id = $2 WHERE u.id = $1`+s.forUpdate(" OF u"),
		userID, programID).Scan(&got, &status)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (got != string(role) || status != auth.StatusActive)) {
		return errs.Invalid(map[string]string{field: key})
	}
	return s.wrap(err, "check "+string(role))
}

// AssignPsychologist assigns a psychologist of the case's program (0 removes).
func (s *Store) AssignPsychologist(ctx context.Context, caseID, userID, actorID int64) (cases.Case, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ct, err := s.lockCase(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if userID != 0 {
			if err := s.lockStaff(ctx, tx, userID, ct.ProgramID, auth.Psychologist, "psychologist_id", "validation.psychologist_not_in_program"); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET psychologist_id = $1, version = version + 1, updated_at = $2 WHERE id = $3`,
			nullID(userID), s.ts(s.now()), caseID); err != nil {
			return s.wrap(err, "assign psychologist")
		}
		return s.appendAudit(ctx, tx, "case.psychologist", "case", caseID, audit.OK)
	})
	if err != nil {
		return cases.Case{}, err
	}
	return s.GetCase(ctx, caseID)
}

// MentorChoice is a mentor of a program with their open cases in it.
type MentorChoice struct {
	User     auth.User
	Load     int  // open (matched, active, closing) cases in the program
	Capacity int  // their places: their own or the program's
	Ready    bool // mentors.Readiness found nothing missing
	// Reasons are what keeps a mentor who is not ready from being matched
	// (mentors.Readiness); none for a mentor without a record in the program.
	Reasons []mentors.Reason
}

// Full tells whether the mentor has no free place.
func (m MentorChoice) Full() bool { return m.Load >= m.Capacity }

// staffQuery lists a program's active users of a role ($1 program, $2 role)
// by name, with extra columns.
func staffQuery(extra string) string {
	return `SELECT u.id, u.email, u.name, u.role, u.status, u.created_at, u.updated_at` + extra + `
		FROM users u JOIN user_programs up ON up.user_id = u.id AND up.program_id = $1
		WHERE u.role = $2 AND u.status = 'active' ORDER BY u.name_key, u.email_key, u.id`
}

func scanStaff(r scanner, extra ...any) (auth.User, error) {
	var u auth.User
	var role string
	err := r.Scan(append([]any{&u.ID, &u.Email, &u.Name, &role, &u.Status, &u.CreatedAt, &u.UpdatedAt}, extra...)...)
	u.Role, u.CreatedAt, u.UpdatedAt = auth.Role(role), u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, err
}

// ProgramMentors returns the active mentor accounts of a program, by name,
// with their load, places and readiness (from their mentor records).
func (s *Store) ProgramMentors(ctx context.Context, programID int64) ([]MentorChoice, error) {
	if _, err := s.GetProgram(ctx, programID); err != nil {
		return nil, err
	}
	users, err := s.ProgramStaff(ctx, programID, auth.Mentor)
	if err != nil {
		return nil, err
	}
	set, err := s.loadMentors(ctx, s.read, `m.program_id = $1 AND m.user_id IS NOT NULL`, programID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	standing := map[int64]mentors.Standing{}
	for _, row := range set.rows {
		standing[row.UserID] = set.standing(row, now)
	}
	out := []MentorChoice{}
	for _, u := range users {
		st, ok := standing[u.ID]
		out = append(out, MentorChoice{User: u, Load: st.Load, Capacity: st.Capacity, Ready: ok && st.Ready, Reasons: st.Reasons})
	}
	return out, nil
}

// ProgramStaff returns the active users of a role in a program, by name.
func (s *Store) ProgramStaff(ctx context.Context, programID int64, role auth.Role) ([]auth.User, error) {
	rows, err := s.read.QueryContext(ctx, staffQuery(""), programID, string(role))
	if err != nil {
		return nil, s.wrap(err, "list staff")
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		u, err := scanStaff(rows)
		if err != nil {
			return nil, s.wrap(err, "scan staff")
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list staff")
	}
	rows.Close()
	return out, s.addPrograms(ctx, out)
}
