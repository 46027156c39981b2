package store_test

import (
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/store"
	"homeward/internal/zone"
)

// At 23:30 UTC on 10 March, a release on 11 March is today for a
// coordinator in Prague and tomorrow for one in New York; a release with
// no day given is on the recorder's today.
func TestReleaseDayIsTheRecordersToday(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		f := newWorkFixture(t, opts)
		p := f.prog
		p.Custody.Enabled = true
		var err error
		if f.prog, err = f.s.UpdateProgram(f.ctx, p); err != nil {
			t.Fatal(err)
		}
		c := f.intake(t, "OZ-0003")
		f.now = time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
		eleventh := time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)
		prague := zone.WithLocation(f.ctx, zone.Of("Europe/Prague"))
		newYork := zone.WithLocation(f.ctx, zone.Of("America/New_York"))

		err = f.s.SaveCustody(newYork, c.ID, cases.Custody{Phase: cases.AfterRelease, ReleasedOn: &eleventh}, f.coord.ID)
		wantField(t, "released on 11 March in New York", err, errs.KindInvalid, "released_on", "validation.released_on_future")
		if err := f.s.SaveCustody(prague, c.ID, cases.Custody{Phase: cases.AfterRelease, ReleasedOn: &eleventh}, f.coord.ID); err != nil {
			t.Fatalf("released on 11 March refused in Prague, where it is today: %v", err)
		}
		if err := f.s.SaveCustody(f.ctx, c.ID, cases.Custody{Phase: cases.InCustody}, f.coord.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SaveCustody(prague, c.ID, cases.Custody{Phase: cases.AfterRelease}, f.coord.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := f.s.CaseCustody(f.ctx, c.ID); err != nil || got.ReleasedOn == nil || !got.ReleasedOn.Equal(eleventh) {
			t.Errorf("released with no day given in Prague: %v, %v; want 11 March", got.ReleasedOn, err)
		}
	})
}
