package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"homeward/internal/cases"
	"homeward/internal/zone"
)

// The case's work pages (contacts, requests, notes, the closing) share
// what follows: how they read times and numbers, their notices and tabs.

// workTimeLayouts are the ways a browser sends a datetime-local field.
var workTimeLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"}

// workTimeInput is a time as a datetime-local field shows it, on the clock
// of the user's zone loc.
func workTimeInput(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(workTimeLayouts[0])
}

// parseWorkTime reads a datetime-local field as a time on the clock of the
// user's zone loc, and returns the instant in UTC. A time the change of the
// clocks skips or repeats is read by zone.Wall's rule (the offset before
// the change: a skipped time moves on by the gap, a repeated one is the
// first).
func parseWorkTime(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range workTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return zone.Wall(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), loc).UTC(), true
		}
	}
	return time.Time{}, false
}

// parseWorkInt reads an optional whole number; "" is 0.
func parseWorkInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// workDone are the notices the work pages show after an action (?done=…).
var workDone = map[string]string{
	"contact":         "work.done.contact",
	"request":         "work.done.request",
	"request_updated": "work.done.request_updated",
	"note":            "work.done.note",
	"agreement":       "work.done.agreement",
	"final_meeting":   "work.done.final_meeting",
	"feedback":        "work.done.feedback",
	"outcome":         "work.done.outcome",
	"follow_up":       "work.done.follow_up",
}

// workDoneOf is the notice a page shows after an action, or "".
func workDoneOf(r *http.Request) string {
	if r.Method != http.MethodGet {
		return ""
	}
	return workDone[r.URL.Query().Get("done")]
}

// workTab is the address of one of a case's pages.
func workTab(c cases.Case, tab string) string {
	return "/cases/" + strconv.FormatInt(c.ID, 10) + "/" + tab
}

// workDomains returns the need domains of the case's program.
func (h *Web) workDomains(ctx context.Context, c cases.Case) ([]string, error) {
	p, err := h.store.GetProgram(ctx, c.ProgramID)
	if err != nil {
		return nil, err
	}
	return p.NeedDomains, nil
}
