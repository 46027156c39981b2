package web

import (
	"net/http"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// retentionPage lists the closed cases whose person the program's
// retention erases within a month, soonest first, each with its hold (a
// legal hold, with a reason from a short list) or the form to put it on.
type retentionPage struct {
	Cases   []retentionRow
	Reasons []cases.HoldReason
	Done    string
	Alert   string // a refused hold, said why
	Backups backupsGone
	More    bool // more are due within the month than the list shows
}

// retentionRow is a due case as the list shows it.
type retentionRow struct {
	cases.RetentionDue
	ProgramName string
	HeldByName  string
}

// retentionShown is how many due cases the list shows at most.
const retentionShown = 500

var retentionDone = map[string]string{
	"held":   "retention.done.held",
	"lifted": "retention.done.lifted",
}

func (h *Web) retentionList(w http.ResponseWriter, r *http.Request) error {
	return h.renderRetention(w, r, http.StatusOK, "")
}

func (h *Web) renderRetention(w http.ResponseWriter, r *http.Request, status int, alert string) error {
	ctx := r.Context()
	ids, _ := policy.Programs(policy.Actor(ctx))
	list, err := h.store.RetentionDue(ctx, store.RetentionFilter{ProgramIDs: ids}, h.store.Now().AddDate(0, 1, 0), retentionShown+1)
	if err != nil {
		return err
	}
	more := len(list) > retentionShown
	if more {
		list = list[:retentionShown]
	}
	programs, err := h.programNameIndex(r)
	if err != nil {
		return err
	}
	var holders []int64
	for _, d := range list {
		if d.Hold != nil {
			holders = append(holders, d.Hold.HeldBy)
		}
	}
	names, err := h.store.UserNames(ctx, holders)
	if err != nil {
		return err
	}
	page := retentionPage{Reasons: cases.HoldReasons, Done: retentionDone[r.URL.Query().Get("done")], Alert: alert,
		Backups: h.backupsGone(h.store.Now()), More: more}
	for _, d := range list {
		row := retentionRow{RetentionDue: d, ProgramName: programs[d.ProgramID]}
		if d.Hold != nil {
			row.HeldByName = names[d.Hold.HeldBy]
		}
		page.Cases = append(page.Cases, row)
	}
	return h.render(w, r, status, "retention", "retention", page)
}

// retentionHold puts a case on hold from the retention, with a reason
// from the list; without one the list is shown again, saying so.
func (h *Web) retentionHold(w http.ResponseWriter, r *http.Request) error {
	return h.postOnCase(w, r, casePost{
		action: policy.RetentionHold, fields: []string{"reason"}, conflict: "retention.conflict",
		save: func(c cases.Case, f *form) (string, error) {
			return "/retention?done=held", h.store.HoldRetention(r.Context(), c.ID, cases.HoldReason(f.Value("reason")), policy.Actor(r.Context()).ID)
		},
		show: func(w http.ResponseWriter, r *http.Request, status int, _ cases.Case, f *form) error {
			alert := "retention.reason_needed"
			if len(f.Messages) > 0 { // the case changed meanwhile (its person erased)
				alert = f.Messages[0]
			}
			return h.renderRetention(w, r, status, alert)
		},
	})
}

// retentionLift lifts a case's hold.
func (h *Web) retentionLift(w http.ResponseWriter, r *http.Request) error {
	c, err := h.caseFromPath(r, policy.RetentionHold)
	if err != nil {
		return err
	}
	// Lifted already (a second tab, a double click): the list as it is now.
	if err := h.store.LiftRetentionHold(r.Context(), c.ID, policy.Actor(r.Context()).ID); err != nil && !errs.Is(err, errs.KindNotFound) {
		return err
	}
	http.Redirect(w, r, "/retention?done=lifted", http.StatusSeeOther)
	return nil
}
