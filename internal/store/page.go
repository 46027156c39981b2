package store

import (
	"encoding/base64"
	"encoding/json"

	"homeward/internal/errs"
)

// Page asks for one page of a list: at most Limit items after Cursor.
type Page struct {
	Limit  int
	Cursor string
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
