package web

import (
	"net/http"
	"strconv"
	"time"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/identity"
	"homeward/internal/policy"
	"homeward/internal/route"
	"homeward/internal/store"
)

// erasurePage is a case's erasure page (GDPR art. 17): what erasing the
// person does, the newest request and its decision, and the form to ask
// for it, with a reason chosen from a short list.
type erasurePage struct {
	Header  caseHeader
	Latest  *cases.ErasureRequest
	Names   map[int64]string // who asked and decided
	Erased  bool
	Form    *form // nil while a request waits, and once the person is erased
	Done    string
	Backups backupsGone
}

// backupsGone says by which day an erasure reaches every backup too: the
// day it was done (or today, for one not yet done) plus the backup
// retention and at most one key rotation (seal.Epochs.ErasureComplete).
// Without scheduled rotation there is no such day, and the page says so.
type backupsGone struct {
	Scheduled bool
	Day       string // YYYY-MM-DD, UTC
}

func (h *Web) backupsGone(erasedAt time.Time) backupsGone {
	day, ok := h.epochs.ErasureComplete(erasedAt)
	if !ok {
		return backupsGone{}
	}
	return backupsGone{Scheduled: true, Day: day.Format(time.DateOnly)}
}

// erasureDone are the notices after an erasure action (?done=…).
var erasureDone = map[string]string{
	"asked":    "erasure.done.asked",
	"approved": "erasure.done.approved",
	"refused":  "erasure.done.refused",
	"decided":  "erasure.done.decided",
}

func (h *Web) erasureShow(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.ErasureAsk)
	if err != nil {
		return err
	}
	return h.renderErasure(w, r, http.StatusOK, c, nil)
}

func (h *Web) renderErasure(w http.ResponseWriter, r *http.Request, status int, c cases.Case, f *form) error {
	ctx := r.Context()
	hd, err := h.headerFor(r, c, "erasure")
	if err != nil {
		return err
	}
	page := erasurePage{Header: hd, Done: erasureDone[r.URL.Query().Get("done")]}
	if page.Erased, err = h.store.MenteeErased(ctx, c.MenteeID); err != nil {
		return err
	}
	if page.Latest, err = h.store.LatestErasure(ctx, c.MenteeID); err != nil {
		return err
	}
	if page.Latest != nil {
		if page.Names, err = h.store.UserNames(ctx, []int64{page.Latest.AskedBy, page.Latest.DecidedBy}); err != nil {
			return err
		}
	}
	erasedAt := h.store.Now()
	if page.Erased && page.Latest != nil && page.Latest.Status == cases.ErasureDone && page.Latest.DecidedAt != nil {
		erasedAt = *page.Latest.DecidedAt
	}
	page.Backups = h.backupsGone(erasedAt)
	if !page.Erased && (page.Latest == nil || page.Latest.Status != cases.ErasurePending) {
		if f == nil {
			f = newForm(nil)
		}
		for _, reason := range cases.ErasureReasons {
			f.Options["reason"] = append(f.Options["reason"], string(reason))
		}
		page.Form = f
	}
	return h.render(w, r, status, "erasure", "cases", page)
}

// erasureAsk records a coordinator's request to erase the case's person;
// another coordinator of the program or the admin decides it.
func (h *Web) erasureAsk(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.ErasureAsk, fields: []string{"reason"}, conflict: "erasure.conflict",
		save: func(c cases.Case, f *form) (string, error) {
			_, err := h.store.AskErasure(r.Context(), c.ID, cases.ErasureReason(f.Value("reason")), policy.Actor(r.Context()).ID)
			return erasurePath(c.ID) + "?done=asked", err
		},
		show: h.renderErasure,
	})
}

// erasurePath is the address of a case's erasure page.
func erasurePath(caseID int64) string { return "/cases/" + strconv.FormatInt(caseID, 10) + "/erasure" }

// erasuresPage is the list of erasure requests waiting for a decision in
// the user's programs (every program's, for the admin).
type erasuresPage struct {
	Requests []erasureRow
	Next     string
	Done     string
	Backups  backupsGone // for an erasure approved today
}

// erasureRow is a waiting request as the list shows it.
type erasureRow struct {
	cases.ErasureRequest
	ProgramName string
	AskedByName string
	CanView     bool // the user may open the case
	Own         bool // the user asked for it, and so may not decide it
}

func (h *Web) erasureList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := policy.Actor(ctx)
	ids, all := policy.Programs(u)
	list, next, err := h.store.ErasureRequests(ctx, store.ErasureFilter{ProgramIDs: ids, All: all},
		store.Page{Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	programs, err := h.programNameIndex(r)
	if err != nil {
		return err
	}
	askers := make([]int64, 0, len(list))
	for _, e := range list {
		askers = append(askers, e.AskedBy)
	}
	names, err := h.store.UserNames(ctx, askers)
	if err != nil {
		return err
	}
	page := erasuresPage{Next: next, Done: erasureDone[r.URL.Query().Get("done")], Backups: h.backupsGone(h.store.Now())}
	for _, e := range list {
		ref := policy.CaseRef{ProgramID: e.ProgramID}
		page.Requests = append(page.Requests, erasureRow{ErasureRequest: e, ProgramName: programs[e.ProgramID],
			AskedByName: names[e.AskedBy], CanView: policy.CanCase(u, policy.CaseView, ref), Own: e.AskedBy == u.ID})
	}
	return h.render(w, r, http.StatusOK, "erasures", "erasures", page)
}

// erasureDecide approves (erasing the person at once) or refuses a waiting
// request, decided on its case: the program's coordinators other than the
// one who asked, or the admin.
func (h *Web) erasureDecide(approve bool) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		e, err := h.erasureFromPath(r)
		if err != nil {
			return err
		}
		u := policy.Actor(ctx)
		done := "refused"
		if approve {
			// Approving erases a person for good: a fresh proof first.
			c, _ := identity.From(ctx)
			if err := h.identity.RequireFreshProof(c); err != nil {
				return err
			}
			done = "approved"
			_, err = h.store.ApproveErasure(ctx, e.ID, u.ID)
		} else {
			_, err = h.store.RefuseErasure(ctx, e.ID, u.ID)
		}
		if errs.Is(err, errs.KindConflict) {
			// Decided meanwhile (by another coordinator, or the retention):
			// the list says so and shows it as it is now.
			done, err = "decided", nil
		}
		if err != nil {
			return err
		}
		next := "/erasures?done=" + done
		if u.Role != auth.Admin {
			next = erasurePath(e.CaseID) + "?done=" + done
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
}

// erasureFromPath loads the erasure request the path's {id} names, if the
// user may decide it (errs.NotFound when they may not even see its case).
func (h *Web) erasureFromPath(r *http.Request) (cases.ErasureRequest, error) {
	id, err := route.PathID(r, "id", "erasure request")
	if err != nil {
		return cases.ErasureRequest{}, err
	}
	e, err := h.store.GetErasureRequest(r.Context(), id)
	if err != nil {
		return e, err
	}
	c, err := h.store.GetCase(r.Context(), e.CaseID)
	if err != nil {
		return e, err
	}
	return e, policy.CheckCase(r.Context(), policy.ErasureDecide, policy.RefOf(c))
}
