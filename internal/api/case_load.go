package api

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/route"
)

// caseFromPath loads the case the path's {id} names, if the signed-in user
// may do the action on it (errs.NotFound when they may not even see it).
// It is the API's twin of the pages' caseFromPath: every case route calls
// it before it reads anything else of the case.
func (a *API) caseFromPath(r *http.Request, act policy.Action) (cases.Case, error) {
	id, err := route.PathID(r, "id", "case")
	if err != nil {
		return cases.Case{}, err
	}
	c, err := a.store.GetCase(r.Context(), id)
	if errs.Is(err, errs.KindNotFound) {
		return c, errs.NotFound("case")
	}
	if err != nil {
		return c, err
	}
	if err := policy.CheckCase(r.Context(), act, policy.RefOf(c)); err != nil {
		return cases.Case{}, err
	}
	return c, nil
}

// caseAndBody starts a write on a case: the case the path names, if the
// user may do the action on it (caseFromPath), then the body read into v
// (decode). The case is decided on first, so that a user who may not act
// on it learns nothing from the body's errors.
func (a *API) caseAndBody(w http.ResponseWriter, r *http.Request, act policy.Action, v any) (cases.Case, error) {
	c, err := a.caseFromPath(r, act)
	if err != nil {
		return c, err
	}
	return c, decode(w, r, v)
}

// menteeAccess loads the cases of the mentee id and decides as the pages'
// menteeFromPath does: the user may do the action on the mentee when they
// may do it on one of the mentee's cases, which is returned as via, with
// the cases of theirs the user may view. A mentee with no case the user may
// view is errs.NotFound, one they may view but not act on errs.Forbidden.
func (a *API) menteeAccess(r *http.Request, id int64, act policy.Action) (visible []cases.Case, via cases.Case, err error) {
	all, err := a.store.MenteeCases(r.Context(), id)
	if err != nil {
		return nil, via, err
	}
	return policy.MenteeThrough(policy.Actor(r.Context()), act, all)
}

// menteeFromPath loads the mentee the path's {id} names, if the user may do
// the action on them through one of their cases (menteeAccess).
func (a *API) menteeFromPath(r *http.Request, act policy.Action) (m cases.Mentee, visible []cases.Case, via cases.Case, err error) {
	id, err := route.PathID(r, "id", "mentee")
	if err != nil {
		return m, nil, via, err
	}
	visible, via, err = a.menteeAccess(r, id, act)
	if err != nil {
		return m, nil, via, err
	}
	m, err = a.store.GetMentee(r.Context(), id)
	return m, visible, via, err
}

// menteeIDFromPath decides on the mentee the path's {id} names as
// menteeFromPath does, without reading their profile: their id, and the
// case of theirs through which the user may do the action.
func (a *API) menteeIDFromPath(r *http.Request, act policy.Action) (id int64, via cases.Case, err error) {
	id, err = route.PathID(r, "id", "mentee")
	if err != nil {
		return 0, via, err
	}
	_, via, err = a.menteeAccess(r, id, act)
	return id, via, err
}

// actorID is the id of the request's signed-in user.
func actorID(r *http.Request) int64 { return policy.Actor(r.Context()).ID }

// versionedBody reads a body that must carry the version the client last
// read. Its shape is checked against scratch (a value of the body's type)
// before anything is read from the database; the version is read apart, so
// that null or a missing version does not pass as "the current one".
func versionedBody(w http.ResponseWriter, r *http.Request, scratch any) ([]byte, int, error) {
	body, err := readBody(w, r)
	if err != nil {
		return nil, 0, err
	}
	if err := decodeStrict(body, scratch); err != nil {
		return nil, 0, err
	}
	var v struct {
		Version *int64 `json:"version"`
	}
	_ = json.Unmarshal(body, &v)
	if v.Version == nil || *v.Version < 1 || *v.Version > math.MaxInt32 {
		return nil, 0, errs.Invalid(map[string]string{"version": "validation.version_required"})
	}
	return body, int(*v.Version), nil
}

// patch sets *to to *from when the client sent the field (from is not
// nil): a field the body leaves out keeps its value.
func patch[T any](to, from *T) {
	if from != nil {
		*to = *from
	}
}

// parseDate reads a date ("2026-05-31", or a date-time whose date is taken)
// of the named field; nil or "" is no date.
func parseDate(field string, s *string, f map[string]string) *time.Time {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil
	}
	v := strings.TrimSpace(*s)
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		t, err = time.Parse(time.RFC3339, v)
		if err != nil {
			f[field] = "validation.date"
			return nil
		}
		t = t.UTC()
		t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return &t
}

// dateString is the input form of a stored date.
func dateString(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.DateOnly)
	return &s
}

// parseTime reads a date-time in RFC 3339 of the named field; "" is the zero time.
func parseTime(field, s string, f map[string]string) time.Time {
	if strings.TrimSpace(s) == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		f[field] = "validation.api_date_time"
		return time.Time{}
	}
	return t.UTC()
}

// queryID reads a positive id from the query parameter name; "" is 0.
func queryID(r *http.Request, name string, f map[string]string) int64 {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		f[name] = "validation.whole_number"
		return 0
	}
	return id
}

// periodOf reads ?period= (a period of the case, 1 to its current one);
// without it, the case's current period.
func periodOf(r *http.Request, c cases.Case) (int, error) {
	s := r.URL.Query().Get("period")
	if s == "" {
		return c.Period, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > c.Period {
		return 0, errs.Invalid(map[string]string{"period": "validation.period"})
	}
	return n, nil
}

// invalidIf returns the fields as an errs.Invalid, or nil without any.
func invalidIf(f map[string]string) error {
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}
