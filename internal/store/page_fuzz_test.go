package store

import (
	"strings"
	"testing"

	"homeward/internal/errs"
)

// A cursor comes back from a client, so it is outside input: whatever it
// holds, decoding it gives a key that encodes to a cursor for the same key,
// or the error that names the cursor field.
func FuzzDecodeCursor(f *testing.F) {
	for _, k := range []cursorKey{{ID: 1}, {S: "2026-03-01T10:00:00Z", ID: 42}, {S: "ж\"\\", ID: 1 << 62}} {
		f.Add(encodeCursor(k))
	}
	for _, c := range []string{"", "eyJpIjowfQ", "not base64!", "e30", "eyJzIjoxLCJpIjoxfQ", "eyJpIjotMX0", "W10"} {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, c string) {
		k, err := decodeCursor(c)
		if err != nil {
			e := errs.As(err)
			if e.Kind != errs.KindInvalid || e.Fields["cursor"] == "" || len(e.Fields) != 1 {
				t.Fatalf("cursor %q: error %#v, want invalid naming the cursor", c, e)
			}
			return
		}
		if c == "" {
			if k != (cursorKey{}) {
				t.Fatalf("no cursor gave key %+v", k)
			}
			return
		}
		if k.ID <= 0 {
			t.Fatalf("cursor %q gave id %d", c, k.ID)
		}
		again := encodeCursor(k)
		if strings.ContainsAny(again, "+/=") {
			t.Fatalf("cursor %q is not URL-safe", again)
		}
		back, err := decodeCursor(again)
		if err != nil || back != k {
			t.Fatalf("cursor %q: key %+v encodes to %q, which decodes to %+v, %v", c, k, again, back, err)
		}
	})
}
