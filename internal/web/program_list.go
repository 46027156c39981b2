package web

import (
	"net/http"
	"strings"

	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/store"
)

type programListPage struct {
	Query     string
	Programs  []program.Program
	Total     int
	Next      string // URL of the next page, "" on the last
	First     string // URL of the first page when not on it
	CanCreate bool
}

const programPageSize = 50

func (h *Web) programList(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	cursor := r.URL.Query().Get("cursor")
	f := policy.ProgramScope(r.Context(), q)
	items, next, err := h.store.ListPrograms(r.Context(), f, store.Page{Limit: programPageSize, Cursor: cursor})
	if errs.Is(err, errs.KindInvalid) {
		// A stale or edited cursor: start from the first page.
		cursor = ""
		items, next, err = h.store.ListPrograms(r.Context(), f, store.Page{Limit: programPageSize})
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	total, err := h.store.CountPrograms(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := programListPage{Query: q, Programs: items, Total: total, CanCreate: policy.CheckRequest(r.Context(), policy.ProgramCreate, 0) == nil}
	page.Next, page.First = pageLinks(r, "/programs", cursor, next)
	h.render(w, r, http.StatusOK, "programs", "programs", page)
}
