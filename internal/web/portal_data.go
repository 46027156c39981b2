package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"homeward/internal/cases"
	"homeward/internal/route"
	"homeward/internal/store"
	"homeward/internal/zone"
)

// menteeExport is the head of the file "Download my data" gives: the
// person's own data (GDPR art. 15) as Homeward keeps it. The cases follow,
// one at a time, as the file is written.
type menteeExport struct {
	Format     string          `json:"format"`
	ExportedAt time.Time       `json:"exported_at"`
	Times      string          `json:"times"`
	NotDone    []string        `json:"not_included"`
	Profile    cases.Mentee    `json:"profile"`
	Consents   []cases.Consent `json:"consents"`
}

// exportCase is one case of the person with everything recorded on it that
// is theirs to see.
type exportCase struct {
	Case        cases.Case           `json:"case"`
	Transitions []cases.Transition   `json:"transitions"`
	Needs       []cases.Need         `json:"needs"` // every assessment, newest first
	PlanSteps   []cases.PlanStep     `json:"plan_steps"`
	Contacts    []cases.Contact      `json:"contacts"`
	Requests    []cases.Request      `json:"requests"`
	Closing     []cases.ClosingSteps `json:"closing"` // one for each period that began closing
	Feedback    []cases.Feedback     `json:"feedback"`
	Outcomes    []cases.Outcome      `json:"outcomes"`
	FollowUps   []cases.FollowUp     `json:"follow_ups"`
}

// exportTimes says how the file's times and days are written: in UTC
// whatever the person's zone, as the offset at the end of each time says.
const exportTimes = "Times are in UTC (the Z at their end), not on your clock; days, such as an outcome's, are days as they were typed."

// exportNotIncluded says what the file leaves out, and why.
var exportNotIncluded = []string{
	"Staff notes: the internal notes that coordinators, mentors and psychologists write about the work, each with its own visibility level, are not part of this file.",
	"The sensitive history and the details of custody are kept sealed; ask your coordinator if you want a copy of them.",
}

// portalData sends the person's own data as a JSON file, and records the
// export in the audit. It is written as it is read, case by case.
func (h *Web) portalData(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	own, err := h.portalOf(r)
	if err != nil {
		return err
	}
	own.Mentee, err = h.store.GetMentee(ctx, own.Mentee.ID)
	if err != nil {
		return err
	}
	consents, err := h.store.Consents(ctx, own.Mentee.ID)
	if err != nil {
		return err
	}
	if err := h.store.Audit(ctx, "mentee.export", "mentee", own.Mentee.ID, "ok"); err != nil {
		return err
	}
	now := h.store.Now().UTC()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	// Named by the person's today, as they will look for it.
	w.Header().Set("Content-Disposition", `attachment; filename="my-data-`+zone.Today(now, zoneOf(r)).Format(time.DateOnly)+`.json"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)

	// The head is one object; the cases are appended to it as a list. The
	// head's closing brace is replaced by the list, so the file is one
	// JSON object.
	head, err := json.Marshal(menteeExport{Format: "homeward.mentee-export.v1", ExportedAt: now, Times: exportTimes,
		NotDone: exportNotIncluded, Profile: own.Mentee, Consents: orEmpty(consents)})
	if err != nil {
		h.abortExport(r, err)
	}
	write := func(b []byte) {
		if _, err := w.Write(b); err != nil {
			h.abortExport(r, err)
		}
	}
	write(head[:len(head)-1])
	write([]byte(`,"cases":[`))
	enc := json.NewEncoder(w)
	for i, c := range own.Cases {
		one, err := h.exportCaseOf(ctx, c)
		if err != nil {
			h.abortExport(r, err)
		}
		if i > 0 {
			write([]byte(","))
		}
		if err := enc.Encode(one); err != nil {
			h.abortExport(r, err)
		}
	}
	write([]byte("]}\n"))
	return nil
}

// abortExport ends a download that failed half-way: the answer is already
// under way, so the connection is cut, and the person's browser reports an
// unfinished download rather than keeping half a file.
func (h *Web) abortExport(r *http.Request, err error) {
	h.log.Error("data export failed", "request_id", route.InfoFrom(r.Context()).RequestID, "err", err)
	panic(http.ErrAbortHandler)
}

// exportCaseOf reads everything of one case that goes into the export.
func (h *Web) exportCaseOf(ctx context.Context, c cases.Case) (exportCase, error) {
	out := exportCase{Case: c}
	var err error
	if out.Transitions, err = h.store.CaseTransitions(ctx, c.ID); err != nil {
		return out, err
	}
	if out.Needs, err = h.store.NeedHistory(ctx, c.ID); err != nil {
		return out, err
	}
	if out.PlanSteps, err = h.store.PlanSteps(ctx, c.ID); err != nil {
		return out, err
	}
	page := store.Page{Limit: store.MaxLimit}
	for {
		list, next, err := h.store.Contacts(ctx, c.ID, page)
		if err != nil {
			return out, err
		}
		out.Contacts = append(out.Contacts, list...)
		if next == "" {
			break
		}
		page.Cursor = next
	}
	if out.Requests, err = h.store.Requests(ctx, c.ID); err != nil {
		return out, err
	}
	for period := 1; period <= c.Period; period++ {
		steps, err := h.store.ClosingOf(ctx, c.ID, period)
		if err != nil {
			return out, err
		}
		if steps.ReadinessAskedAt != nil || steps.ClosedAt != nil {
			out.Closing = append(out.Closing, steps)
		}
		fb, err := h.store.FeedbackOf(ctx, c.ID, period)
		if err != nil {
			return out, err
		}
		if fb != nil {
			out.Feedback = append(out.Feedback, *fb)
		}
	}
	if out.Outcomes, err = h.store.Outcomes(ctx, c.ID); err != nil {
		return out, err
	}
	if out.FollowUps, err = h.store.FollowUps(ctx, c.ID); err != nil {
		return out, err
	}
	out.Transitions, out.Needs, out.PlanSteps = orEmpty(out.Transitions), orEmpty(out.Needs), orEmpty(out.PlanSteps)
	out.Contacts, out.Requests, out.Closing = orEmpty(out.Contacts), orEmpty(out.Requests), orEmpty(out.Closing)
	out.Feedback, out.Outcomes, out.FollowUps = orEmpty(out.Feedback), orEmpty(out.Outcomes), orEmpty(out.FollowUps)
	return out, nil
}

// orEmpty makes a nil list an empty one, so that the file shows [] rather
// than null for "none".
func orEmpty[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
