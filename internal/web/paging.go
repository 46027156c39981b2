package web

import (
	"net/http"
	"net/url"
	"strconv"
)

// pageLinks returns the addresses of a list's next page (when next is a
// cursor) and of its first page (when the list is not on it), keeping the
// filters of the request and dropping the empty ones.
func pageLinks(r *http.Request, base, cursor, next string) (nextURL, firstURL string) {
	return links(r, base, cursor, next, 0)
}

// links is pageLinks with the number of the next page in its address (none
// when nextPage is 0).
func links(r *http.Request, base, cursor, next string, nextPage int) (nextURL, firstURL string) {
	link := func(c string, page int) string {
		q := url.Values{}
		for k, vs := range r.URL.Query() {
			if k != "cursor" && k != "page" && len(vs) > 0 && vs[0] != "" {
				q[k] = vs
			}
		}
		if c != "" {
			q.Set("cursor", c)
		}
		if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		if len(q) == 0 {
			return base
		}
		return base + "?" + q.Encode()
	}
	if next != "" {
		nextURL = link(next, nextPage)
	}
	if cursor != "" {
		firstURL = link("", 0)
	}
	return nextURL, firstURL
}

// listPager is a list page's way on: the links to the first and the next
// page, the list's total (what its filter matches on all pages) and which
// page of how many this is.
type listPager struct {
	Next, First string
	Noun        string // the plural catalogue key of the total ("list.total.cases")
	Total       int
	More        bool // there are more than Total: a count that stopped (Page and Pages unknown)
	// Page is 0 when not known: a cursor reached without a page number
	// (an address made elsewhere). The cursor decides what is shown; the
	// number only says where that is.
	Page, Pages int
}

// pager makes the pager of a list page of size items per page at cursor,
// whose next page starts at next, over total items. The page number
// travels in the links (?page=), as the cursor does.
func pager(r *http.Request, base, cursor, next string, total, size int, noun string) listPager {
	p := listPager{Noun: noun, Total: total, Pages: max(1, (total+size-1)/size)}
	if cursor == "" {
		p.Page = 1
	} else if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 1 {
		p.Page = min(n, p.Pages)
	}
	nextPage := 0
	if p.Page > 0 {
		nextPage = p.Page + 1
	}
	p.Next, p.First = links(r, base, cursor, next, nextPage)
	return p
}

// Paging is the pager itself, for the list_total partial.
func (p listPager) Paging() listPager { return p }
