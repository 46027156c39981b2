package api

import (
	"net/http"
	"strconv"

	"homeward/internal/errs"
	"homeward/internal/store"
)

// list is the shape of every list: {"items":[…],"next_cursor":"…"}.
// next_cursor is empty on the last page.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func newList[T any](items []T, next string) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, NextCursor: next}
}

// pageOf reads ?limit= (default 50, 1 to 500) and ?cursor=.
func pageOf(r *http.Request) (store.Page, error) {
	p := store.Page{Limit: store.DefaultLimit, Cursor: r.URL.Query().Get("cursor")}
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > store.MaxLimit {
			return p, errs.Invalid(map[string]string{"limit": "validation.limit"})
		}
		p.Limit = n
	}
	return p, nil
}
