package demo

import (
	"context"
	"reflect"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/store"
)

func TestDemoIsDeterministicAndValid(t *testing.T) {
	for _, size := range []Size{Small, Medium, Large} {
		a, b := Programs(size, 7), Programs(size, 7)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: the same seed gave different data", size)
		}
		if len(a) != programCount[size] {
			t.Errorf("%s: %d programs, want %d", size, len(a), programCount[size])
		}
		for _, p := range a {
			p.Normalize()
			if err := p.Validate(); err != nil {
				t.Errorf("%s: demo program %q is invalid: %v", size, p.Name, err)
			}
		}
	}
	if reflect.DeepEqual(Programs(Medium, 1), Programs(Medium, 2)) {
		t.Errorf("different seeds gave the same data")
	}
}

func TestFillOnlyAnEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := Fill(ctx, st, auth.NewHasher(), Medium, 1)
	if err != nil || sum.Programs != 12 || len(sum.Users) != len(auth.Roles) {
		t.Fatalf("fill: %+v %v", sum, err)
	}
	for _, c := range sum.Users {
		u, _, err := st.UserForLogin(ctx, c.Email)
		if err != nil || u.Role != c.Role || u.Status != auth.StatusActive || len(c.Password) < auth.MinPassword {
			t.Errorf("demo user %s: %+v %v", c.Email, u, err)
		}
		if c.Email != string(c.Role)+"@demo.homeward.test" {
			t.Errorf("demo user %q does not follow ROLE@demo.homeward.test", c.Email)
		}
	}
	if _, err := Fill(ctx, st, auth.NewHasher(), Small, 1); err != ErrNotEmpty {
		t.Errorf("second fill: %v, want ErrNotEmpty", err)
	}
}
