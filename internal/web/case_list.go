package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/store"
)

// caseListPage is the case list: the coordinator's programs, the mentor's
// and the psychologist's own cases, filtered, sorted and paged.
type caseListPage struct {
	Role auth.Role
	// Search is the search box as typed: each word part of a case code or
	// the start of a word of a person's name. It is sent by post only, so
	// that no name ends up in an address (the history, a bookmark); the
	// other filters stay in the address. SearchError is why it was refused
	// (a message key); a search pages by posting the same form again, to
	// SearchNext (the next page's cursor), or back to the first page.
	Search, SearchError, SearchNext string
	SearchFirst                     bool
	// The filters as chosen (an unknown value filters nothing).
	Program, Mentor     int64
	State, Signal, Need string
	Code, Sort          string
	Filtered            bool
	Programs            []program.Program // the user's programs, to choose from
	States              []cases.State
	Signals             []cases.Signal
	Sorts               []store.CaseSort
	Mentors             []store.MentorChoice // mentors of the chosen program (coordinators)
	Needs               []string             // need domains of the chosen program, or of all the user's
	Rows                []caseRow
	CanIntake           bool       // "Take a person in"
	CanExport           bool       // the list as a spreadsheet (coordinators)
	Query               url.Values // the filters, for the export links
	ShowProgram         bool       // more than one program: the list names each case's
	listPager
}

// caseRow is a listed case with what its signals say now.
type caseRow struct {
	cases.Case
	ProgramName string
	Due         string // the next contact's date, "" when none is expected
	Overdue     bool
	DaysOverdue int
	Quiet       bool // ask about completion
}

const casePageSize = 50

// caseSorts are the orders the list offers, the default first.
var caseSorts = []store.CaseSort{store.SortDue, store.SortCode, store.SortOpened}

func (h *Web) caseList(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodPost {
		if err := parseForm(w, r, maxFormBytes); err != nil {
			return err
		}
	}
	page, f, err := h.caseListFilter(r)
	if err != nil {
		return err
	}
	if r.Method == http.MethodPost && page.Search == "" {
		// Nothing to search for: the filters go in the address, as ever.
		to := "/cases"
		if len(page.Query) > 0 {
			to += "?" + page.Query.Encode()
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	u := policy.Actor(r.Context())
	if u.Role == auth.Coordinator {
		// Mentors to filter by: those of the chosen program (or of the only one).
		pid := page.Program
		if pid == 0 && len(page.Programs) == 1 {
			pid = page.Programs[0].ID
		}
		if pid != 0 {
			if page.Mentors, err = h.store.ProgramMentors(r.Context(), pid); err != nil {
				return err
			}
		}
	}
	programs := page.Programs

	cursor := r.URL.Query().Get("cursor")
	if r.Method == http.MethodPost {
		cursor = r.PostForm.Get("cursor")
	}
	var total int // the filter's cases on all pages
	list, next, err := h.store.ListCases(r.Context(), f, store.Page{Limit: casePageSize, Cursor: cursor, Total: &total})
	if key := errs.As(err).Fields["q"]; errs.Is(err, errs.KindInvalid) && key != "" {
		// A search too short (or long) to look for: say why, keep it typed.
		page.SearchError = key
		return h.render(w, r, http.StatusUnprocessableEntity, "cases", "cases", page)
	}
	if errs.Is(err, errs.KindInvalid) && cursor != "" {
		// A stale or edited cursor: start from the first page.
		cursor = ""
		list, next, err = h.store.ListCases(r.Context(), f, store.Page{Limit: casePageSize, Total: &total})
	}
	if err != nil {
		return err
	}
	var readable []int64 // the people whose names the user may read
	for _, c := range list {
		if policy.CanCase(u, policy.CaseView, policy.RefOf(c)) {
			readable = append(readable, c.MenteeID)
		}
	}
	people, err := h.store.MenteeNames(r.Context(), readable)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, p := range programs {
		names[p.ID] = p.Name
	}
	now := h.store.Now().In(zoneOf(r))
	for _, c := range list {
		if policy.CanCase(u, policy.CaseView, policy.RefOf(c)) {
			c.MenteeName = people[c.MenteeID]
		}
		page.Rows = append(page.Rows, rowOf(c, names[c.ProgramID], now))
	}
	page.listPager = pager(r, "/cases", cursor, next, total, casePageSize, "list.total.cases")
	if page.Search != "" {
		// A search pages by posting its form again, so that no name is in
		// an address: no links, and the page number only on the first.
		page.Next, page.First = "", ""
		page.SearchNext, page.SearchFirst = next, cursor != ""
	}
	if f.Need != "" && total > store.NeedCountCap {
		page.Total, page.More, page.Page, page.Pages = store.NeedCountCap, true, 0, 0
	}
	return h.render(w, r, http.StatusOK, "cases", "cases", page)
}

// ExportHref is the address of the list, as filtered and ordered, as a
// spreadsheet of the format (csv or xlsx).
func (p caseListPage) ExportHref(format string) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	q.Set("format", format)
	return "/cases/export?" + q.Encode()
}

// caseListFilter reads the list's filters (readFilters) and makes the
// store's filter of them, scoped to what the user may see. A GET reads
// them from the address; a post (the search) from its form, which must
// have been parsed.
func (h *Web) caseListFilter(r *http.Request) (caseListPage, store.CaseFilter, error) {
	u := policy.Actor(r.Context())
	if err := policy.CheckRequest(r.Context(), policy.CaseList, 0); err != nil {
		return caseListPage{}, store.CaseFilter{}, err
	}
	programs, _, err := h.store.ListPrograms(r.Context(), policy.ProgramScope(r.Context(), ""), store.Page{Limit: store.MaxLimit})
	if err != nil {
		return caseListPage{}, store.CaseFilter{}, err
	}
	page := caseListPage{Role: u.Role, Programs: programs, States: cases.States, Signals: cases.Signals, Sorts: caseSorts,
		CanIntake: policy.Can(u, policy.MenteeCreate, 0) && len(programs) > 0, ShowProgram: len(programs) > 1,
		CanExport: policy.Can(u, policy.CaseExport, 0)}
	values := r.URL.Query()
	if r.Method == http.MethodPost {
		values = r.PostForm
		page.Search = strings.TrimSpace(values.Get("q"))
	}
	page.readFilters(values, u)
	page.Query = url.Values{}
	for k, vs := range values {
		if k != "cursor" && k != "q" && len(vs) > 0 && vs[0] != "" {
			page.Query[k] = vs
		}
	}
	page.Filtered = page.Filtered || page.Search != ""
	f := store.CaseFilter{Scope: policy.CaseScope(u), ProgramID: page.Program, State: cases.State(page.State),
		MentorID: page.Mentor, Signal: cases.Signal(page.Signal), Need: page.Need, Code: page.Code, Query: page.Search,
		Sort: store.CaseSort(page.Sort)}
	return page, f, nil
}

// readFilters reads the list's filters from the query. A value that is not
// one of the choices (an edited or stale address) filters nothing.
func (p *caseListPage) readFilters(q url.Values, u auth.User) {
	if id, err := strconv.ParseInt(q.Get("program"), 10, 64); err == nil && slices.ContainsFunc(p.Programs, func(x program.Program) bool { return x.ID == id }) {
		p.Program = id
	}
	if s := cases.State(q.Get("state")); s.Valid() {
		p.State = string(s)
	}
	if u.Role == auth.Coordinator {
		if id, err := strconv.ParseInt(q.Get("mentor"), 10, 64); err == nil && id > 0 {
			p.Mentor = id
		}
	}
	if s := cases.Signal(q.Get("signal")); s.Valid() {
		p.Signal = string(s)
	}
	for _, pr := range p.Programs {
		if p.Program != 0 && pr.ID != p.Program {
			continue
		}
		for _, d := range pr.NeedDomains {
			if !slices.Contains(p.Needs, d) {
				p.Needs = append(p.Needs, d)
			}
		}
	}
	if slices.Contains(p.Needs, q.Get("need")) {
		p.Need = q.Get("need")
	}
	if code := strings.ToUpper(strings.TrimSpace(q.Get("code"))); len(code) <= cases.MaxCodeRune {
		p.Code = code
	}
	p.Sort = string(store.SortDue)
	if s := store.CaseSort(q.Get("sort")); slices.Contains(caseSorts, s) {
		p.Sort = string(s)
	}
	p.Filtered = p.Program != 0 || p.State != "" || p.Mentor != 0 || p.Signal != "" || p.Need != "" || p.Code != ""
}

// rowOf is a case as the list shows it at now; its next contact is shown
// as the day it falls on in now's zone.
func rowOf(c cases.Case, programName string, now time.Time) caseRow {
	row := caseRow{Case: c, ProgramName: programName}
	if c.ContactDueAt != nil && c.State.SupportedByMentor() {
		row.Due = c.ContactDueAt.In(now.Location()).Format(time.DateOnly)
		if now.After(*c.ContactDueAt) {
			row.Overdue = true
			row.DaysOverdue = int(now.Sub(*c.ContactDueAt) / (24 * time.Hour))
		}
	}
	row.Quiet = c.QuietAt != nil && c.State == cases.Active && !now.Before(*c.QuietAt)
	return row
}
