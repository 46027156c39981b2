package web

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/ical"
	"homeward/internal/identity"
	"homeward/internal/policy"
	"homeward/internal/store"
)

// The calendar feed: a user's secret address (GET /calendar/{token}.ics)
// that a calendar app subscribes to, made and revoked on the account page.
// It lists the dates of the user's cases (store.CalendarEvents, scoped like
// their case list), each titled with the case code and what is due, in the
// language of the page the address was made on: never a name, nothing
// sealed.
const (
	calendarDaysBack   = 30
	calendarDaysAhead  = 180
	calendarMaxEvents  = 500
	calendarRefresh    = time.Hour
	calendarFileSuffix = ".ics"
)

// calendarFeed answers a calendar app. An unknown or revoked address, or
// one whose user may no longer sign in, is the same 404; an address that
// keeps trying unknown ones is refused for a while (store.CalendarMissLimit).
func (h *Web) calendarFeed(w http.ResponseWriter, r *http.Request) error {
	ctx, address := r.Context(), clientAddress(r)
	if until, err := h.store.CalendarMissLocked(ctx, address); err != nil {
		return err
	} else if !until.IsZero() {
		return h.calendarTooMany(w, until)
	}
	token, ok := strings.CutSuffix(r.PathValue("file"), calendarFileSuffix)
	var feed store.CalendarFeed
	var u auth.User
	err := errs.NotFound("calendar feed")
	if ok && strings.HasPrefix(token, auth.CalendarToken) {
		feed, u, err = h.store.CalendarFeedUser(ctx, token)
	}
	if errs.Is(err, errs.KindNotFound) {
		until, cerr := h.store.CountCalendarMiss(ctx, address)
		if cerr != nil {
			return cerr
		}
		if !until.IsZero() {
			return h.calendarTooMany(w, until)
		}
		return err
	}
	if err != nil {
		return err
	}
	now := h.store.Now()
	events, err := h.store.CalendarEvents(ctx, policy.CaseScope(u), now.AddDate(0, 0, -calendarDaysBack), now.AddDate(0, 0, calendarDaysAhead), now, calendarMaxEvents)
	if err != nil {
		return err
	}
	site := h.siteURL(r)
	host := "homeward"
	if su, err := url.Parse(site); err == nil && su.Hostname() != "" {
		host = su.Hostname()
	}
	p := h.bundle.Printer(feed.Language)
	cal := ical.Calendar{ProdID: "-//Homeward//Calendar feed//EN", Name: p.T("calendar.name"), Refresh: calendarRefresh}
	for _, e := range events {
		cal.Events = append(cal.Events, ical.Event{
			UID:     fmt.Sprintf("%s-%d-%d@%s", strings.ReplaceAll(string(e.Kind), "_", "-"), e.CaseID, e.RecordID, host),
			Stamp:   now,
			Start:   e.At,
			AllDay:  e.AllDay,
			Summary: p.T("calendar.event."+string(e.Kind), "code", e.CaseCode),
			URL:     site + "/cases/" + strconv.FormatInt(e.CaseID, 10),
		})
	}
	var b bytes.Buffer
	if err := cal.Encode(&b); err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/calendar; charset=utf-8")
	hd.Set("Content-Disposition", `inline; filename="homeward.ics"`)
	hd.Set("X-Robots-Tag", "noindex, nofollow")
	_, err = w.Write(b.Bytes())
	return err
}

// calendarTooMany refuses a client address that tried too many unknown
// feed addresses, with when to try again.
func (h *Web) calendarTooMany(w http.ResponseWriter, until time.Time) error {
	wait := max(until.Sub(h.store.Now()), time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	_, err := w.Write([]byte("Too many requests.\n"))
	return err
}

// siteURL is the address people open Homeward at (serve --url), or the
// one this request came to.
func (h *Web) siteURL(r *http.Request) string {
	if h.identity != nil {
		if s := strings.TrimRight(h.identity.Config().SiteURL, "/"); s != "" {
			return s
		}
	}
	scheme := "http"
	if r.TLS != nil || h.secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// calendarFeedCreate makes the person's calendar address (replacing the
// one they had) and shows it once on the account page.
func (h *Web) calendarFeedCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	c, _ := identity.From(r.Context())
	plain, _, err := h.store.CreateCalendarFeed(r.Context(), c.User.ID, h.printer(r).Lang())
	if err != nil {
		return err
	}
	p := &accountPage{NewCalendar: h.siteURL(r) + "/calendar/" + plain + calendarFileSuffix}
	return h.renderAccount(w, r, http.StatusCreated, p)
}

// calendarFeedRevoke revokes the person's calendar address.
func (h *Web) calendarFeedRevoke(w http.ResponseWriter, r *http.Request) error {
	c, _ := identity.From(r.Context())
	if err := h.store.RevokeCalendarFeed(r.Context(), c.User.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?done=calendar_revoked#calendar", http.StatusSeeOther)
	return nil
}
