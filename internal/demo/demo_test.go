package demo

import (
	"context"
	"reflect"
	"testing"

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
	sum, err := Fill(ctx, st, Medium, 1)
	if err != nil || sum.Programs != 12 {
		t.Fatalf("fill: %+v %v", sum, err)
	}
	if _, err := Fill(ctx, st, Small, 1); err != ErrNotEmpty {
		t.Errorf("second fill: %v, want ErrNotEmpty", err)
	}
}
