package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"homeward/internal/errs"
)

// A posted form is outside input: whatever its body and address hold,
// reading it takes each field exactly as url.ParseQuery reads the body (the
// address's query never mixes in), the ticked boxes once each in the order
// sent; a body over the limit is too large, and a body or address that is
// not a form is invalid input, never a failure of ours.
func FuzzReadForm(f *testing.F) {
	for _, c := range []struct{ body, query string }{
		{"name=Ona&email=ona%40example.org&version=3", ""},
		{"kind=data_processing&given=on", "tab=consents"},
		{"figure=a&figure=b&figure=a&figure=", "x=1"},
		{"body=%E2%9C%93+line%0D%0Aline", "name=from-the-address"},
		{"=&&=x&a", ""},
		{"\xff=\xfe", ""},
	} {
		f.Add(c.body, c.query, false)
	}
	f.Add("name=x", "", true)
	f.Fuzz(func(t *testing.T, body, query string, over bool) {
		if over {
			body += "&pad=" + strings.Repeat("a", maxFormBytes)
		}
		r := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: "/form", RawQuery: query},
			Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: io.NopCloser(strings.NewReader(body))}
		want, bodyErr := url.ParseQuery(body)
		_, queryErr := url.ParseQuery(query)
		names := append(slices.Sorted(func(yield func(string) bool) {
			for k := range want {
				if !yield(k) {
					return
				}
			}
		}), "never-sent")
		fm, err := readForm(httptest.NewRecorder(), r, names, names...)
		switch {
		case len(body) > maxFormBytes:
			if !errs.Is(err, errs.KindTooLarge) {
				t.Fatalf("a body of %d bytes: %v, want too large", len(body), err)
			}
			return
		case bodyErr != nil || queryErr != nil:
			if !errs.Is(err, errs.KindInvalid) {
				t.Fatalf("body %q, query %q: %#v, want invalid input (%v, %v)", body, query, errs.As(err), bodyErr, queryErr)
			}
			return
		case err != nil:
			t.Fatalf("body %q, query %q: %v", body, query, err)
		}
		for _, name := range names {
			if got := fm.Value(name); got != want.Get(name) {
				t.Fatalf("body %q: %q is %q, want %q", body, name, got, want.Get(name))
			}
			var ticked []string
			for _, v := range want[name] {
				if !slices.Contains(ticked, v) {
					ticked = append(ticked, v)
				}
			}
			if got := fm.Multi[name]; !slices.Equal(got, ticked) {
				t.Fatalf("body %q: boxes of %q are %q, want %q", body, name, got, ticked)
			}
		}
	})
}
