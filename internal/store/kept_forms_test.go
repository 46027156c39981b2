package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/errs"
	"homeward/internal/store"
	"homeward/internal/testsupport"
)

// A kept form opens for its own user only, within its lifetime, and only
// as it was sealed; the text kept in the page shows nothing of it.
func TestKeptFormOpensForItsUserOnly(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		opts.Keyring = keyring(t)
		s := open(t, opts)
		clock := new(testsupport.Clock).Use(s)
		owner := testsupport.User(t, s, "owner@example.org", auth.Coordinator)
		other := testsupport.User(t, s, "other@example.org", auth.Coordinator)
		const form = "name=Kept&note=" + knownSecret
		kept, err := s.SealKeptForm(ctx, owner.ID, "/programs", form)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(kept, "Kept") || strings.Contains(kept, "programs") {
			t.Errorf("the kept text shows the form: %s", kept)
		}
		for name, who := range map[string]int64{"another user": other.ID, "nobody": 0} {
			if _, _, err := s.OpenKeptForm(ctx, who, kept); !errs.Is(err, errs.KindNotFound) {
				t.Errorf("opened by %s: %v, want refused", name, err)
			}
		}
		altered := []byte(kept)
		altered[len(altered)/2] ^= 1
		if _, _, err := s.OpenKeptForm(ctx, owner.ID, string(altered)); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("an altered kept form: %v, want refused", err)
		}
		action, got, err := s.OpenKeptForm(ctx, owner.ID, kept)
		if err != nil || action != "/programs" || got != form {
			t.Fatalf("opened by its user: %q %q %v", action, got, err)
		}
		clock.Add(13 * time.Hour)
		if _, _, err := s.OpenKeptForm(ctx, owner.ID, kept); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("a kept form of yesterday still opens")
		}
	})
}
