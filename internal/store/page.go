package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

	"homeward/internal/errs"
)

// Page asks for one page of a list: at most Limit items after Cursor.
// Total, when set, receives how many items the list's filter matches on
// all its pages: one COUNT with the filter's conditions (not the cursor's),
// which the same indexes serve.
type Page struct {
	Limit  int
	Cursor string
	Total  *int
}

// Limits of a page.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// limit returns the page size to use, within 1..MaxLimit.
func (p Page) limit() int {
	switch {
	case p.Limit <= 0:
		return DefaultLimit
	case p.Limit > MaxLimit:
		return MaxLimit
	}
	return p.Limit
}

// cursorKey is the keyset position a cursor carries: the sort key and id of
// the last item of the previous page. Keyset pagination makes page 2,000 cost
// what page 1 costs.
type cursorKey struct {
	S  string `json:"s,omitempty"`
	ID int64  `json:"i"`
}

func encodeCursor(k cursorKey) string {
	b, _ := json.Marshal(k)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(c string) (cursorKey, error) {
	var k cursorKey
	if c == "" {
		return k, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || json.Unmarshal(b, &k) != nil || k.ID <= 0 {
		return k, errs.Invalid(map[string]string{"cursor": "validation.cursor"})
	}
	return k, nil
}

// count fills total (when asked for) with the number of rows of from that
// meet every condition of where.
func (s *Store) count(ctx context.Context, total *int, from string, where []string, args []any) error {
	if total == nil {
		return nil
	}
	q := `SELECT COUNT(*) FROM ` + from
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	return s.wrap(s.read.QueryRowContext(ctx, q, args...).Scan(total), "count")
}
