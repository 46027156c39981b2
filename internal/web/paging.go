package web

import (
	"net/http"
	"net/url"
)

// pageLinks returns the addresses of a list's next page (when next is a
// cursor) and of its first page (when the list is not on it), keeping the
// filters of the request and dropping the empty ones.
func pageLinks(r *http.Request, base, cursor, next string) (nextURL, firstURL string) {
	link := func(c string) string {
		q := url.Values{}
		for k, vs := range r.URL.Query() {
			if k != "cursor" && len(vs) > 0 && vs[0] != "" {
				q[k] = vs
			}
		}
		if c != "" {
			q.Set("cursor", c)
		}
		if len(q) == 0 {
			return base
		}
		return base + "?" + q.Encode()
	}
	if next != "" {
		nextURL = link(next)
	}
	if cursor != "" {
		firstURL = link("")
	}
	return nextURL, firstURL
}
