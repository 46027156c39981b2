package store_test

import (
	"testing"
	"time"

	"homeward/internal/cases"
	"homeward/internal/errs"
	"homeward/internal/program"
	"homeward/internal/store"
)

// A program's facilities: added, renamed, archived and restored, each
// audited; bad input and a taken name refused; stale versions conflict.
func TestFacilities(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts)
		pankrac, err := j.s.CreateFacility(j.ctx, program.Facility{ProgramID: j.other.ID, Name: "  Věznice   Pankrác ", Kind: program.Remand})
		j.fatal(err)
		if pankrac.Name != "Věznice Pankrác" || pankrac.Kind != program.Remand || pankrac.Version != 1 || pankrac.Archived {
			t.Errorf("created %+v", pankrac)
		}
		bory, err := j.s.CreateFacility(j.ctx, program.Facility{ProgramID: j.other.ID, Name: "Věznice Bory", Kind: program.Prison})
		j.fatal(err)
		_, err = j.s.CreateFacility(j.ctx, program.Facility{ProgramID: j.other.ID, Name: "věznice bory", Kind: program.Prison})
		wantField(t, "a taken name", err, errs.KindInvalid, "name", "validation.facility_taken")
		// Letters beyond ASCII fold alike on both engines (in Go, not SQL).
		_, err = j.s.CreateFacility(j.ctx, program.Facility{ProgramID: j.other.ID, Name: "VĚZNICE BORY", Kind: program.Prison})
		wantField(t, "a taken name in capitals", err, errs.KindInvalid, "name", "validation.facility_taken")
		_, err = j.s.CreateFacility(j.ctx, program.Facility{ProgramID: j.other.ID, Name: " ", Kind: "jail"})
		wantField(t, "no name", err, errs.KindInvalid, "name", "validation.required")
		wantField(t, "a bad kind", err, errs.KindInvalid, "kind", "validation.choice")
		if _, err := j.s.CreateFacility(j.ctx, program.Facility{ProgramID: j.other.ID + 100, Name: "Nowhere", Kind: program.Prison}); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("a facility of a missing program: %v", err)
		}
		// The same name in another program is another facility.
		_, err = j.s.CreateFacility(j.ctx, program.Facility{ProgramID: j.prog.ID, Name: "Věznice Bory", Kind: program.Prison})
		j.fatal(err)

		bory.Name, bory.Archived = "Věznice Plzeň-Bory", true
		bory, err = j.s.UpdateFacility(j.ctx, bory)
		j.fatal(err)
		if bory.Name != "Věznice Plzeň-Bory" || !bory.Archived || bory.Version != 2 {
			t.Errorf("updated %+v", bory)
		}
		stale := bory
		stale.Version = 1
		if _, err := j.s.UpdateFacility(j.ctx, stale); !errs.Is(err, errs.KindConflict) {
			t.Errorf("a stale update: %v", err)
		}
		pankrac.Name = "Věznice Plzeň-Bory"
		_, err = j.s.UpdateFacility(j.ctx, pankrac)
		wantField(t, "renamed to a taken name", err, errs.KindInvalid, "name", "validation.facility_taken")
		if _, err := j.s.UpdateFacility(j.ctx, program.Facility{ID: bory.ID + 100, Name: "X", Kind: program.OtherFacility, Version: 1}); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("a missing facility: %v", err)
		}
		list, err := j.s.Facilities(j.ctx, j.other.ID)
		j.fatal(err)
		if len(list) != 2 || list[0].ID != pankrac.ID || list[1].ID != bory.ID {
			t.Errorf("list %+v, want Pankrác then the archived Bory", list)
		}
		if j.audits("facility.create", "facility", pankrac.ID) != 1 || j.audits("facility.update", "facility", bory.ID) != 1 {
			t.Error("facility writes must be audited")
		}
	})
}

// A case's custody points at a facility of its program's list; an archived
// facility stays where it was chosen and is refused elsewhere; the release
// day follows the phase and lies within the case's life.
func TestCustodyFacilityAndRelease(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		j := newJourney(t, opts) // j.other has a custody phase
		kurim, err := j.s.CreateFacility(j.ctx, program.Facility{ProgramID: j.other.ID, Name: "Věznice Kuřim", Kind: program.Prison})
		j.fatal(err)
		old, err := j.s.CreateFacility(j.ctx, program.Facility{ProgramID: j.other.ID, Name: "Věznice Rýnovice", Kind: program.Prison})
		j.fatal(err)
		elsewhere, err := j.s.CreateFacility(j.ctx, program.Facility{ProgramID: j.prog.ID, Name: "Věznice Heřmanice", Kind: program.Prison})
		j.fatal(err)
		_, c := j.intake(j.other.ID, person("OT-0001", "Ivan Piatrou", 1980), "")
		_, d := j.intake(j.other.ID, person("OT-0002", "Hanna Sidorava", 1985), "")

		err = j.s.SaveCustody(j.ctx, c.ID, cases.Custody{Phase: cases.InCustody, FacilityID: elsewhere.ID}, j.coord.ID)
		wantField(t, "a facility of another program", err, errs.KindInvalid, "facility_id", "validation.facility_unknown")
		err = j.s.SaveCustody(j.ctx, c.ID, cases.Custody{Phase: cases.InCustody, FacilityID: old.ID + 100}, j.coord.ID)
		wantField(t, "an unknown facility", err, errs.KindInvalid, "facility_id", "validation.facility_unknown")

		j.fatal(j.s.SaveCustody(j.ctx, c.ID, cases.Custody{Phase: cases.InCustody, FacilityID: old.ID, FacilityDetail: "Unit B"}, j.coord.ID))
		old.Archived = true
		_, err = j.s.UpdateFacility(j.ctx, old)
		j.fatal(err)
		// Kept on the case that points at it, refused on another.
		j.fatal(j.s.SaveCustody(j.ctx, c.ID, cases.Custody{Phase: cases.InCustody, FacilityID: old.ID, FacilityDetail: "Unit C"}, j.coord.ID))
		got, err := j.s.CaseCustody(j.ctx, c.ID)
		j.fatal(err)
		if got.FacilityID != old.ID || got.FacilityName != "Věznice Rýnovice" || !got.FacilityArchived || got.FacilityDetail != "Unit C" || got.ReleasedOn != nil {
			t.Errorf("custody at an archived facility %+v", got)
		}
		err = j.s.SaveCustody(j.ctx, d.ID, cases.Custody{Phase: cases.InCustody, FacilityID: old.ID}, j.coord.ID)
		wantField(t, "an archived facility on another case", err, errs.KindInvalid, "facility_id", "validation.facility_archived")

		// Release: today by default, kept while the phase stays, cleared
		// when the phase goes back.
		j.advance(10 * 24 * time.Hour)
		today := cases.Day(j.now())
		j.fatal(j.s.SaveCustody(j.ctx, d.ID, cases.Custody{Phase: cases.InCustody, FacilityID: kurim.ID}, j.coord.ID))
		j.fatal(j.s.SaveCustody(j.ctx, d.ID, cases.Custody{Phase: cases.AfterRelease, FacilityID: kurim.ID}, j.coord.ID))
		got, err = j.s.CaseCustody(j.ctx, d.ID)
		j.fatal(err)
		if got.ReleasedOn == nil || !got.ReleasedOn.Equal(today) || got.FacilityName != "Věznice Kuřim" {
			t.Errorf("released by default %+v, want %s", got, today)
		}
		earlier := today.AddDate(0, 0, -3)
		j.fatal(j.s.SaveCustody(j.ctx, d.ID, cases.Custody{Phase: cases.AfterRelease, FacilityID: kurim.ID, ReleasedOn: &earlier}, j.coord.ID))
		j.advance(24 * time.Hour)
		j.fatal(j.s.SaveCustody(j.ctx, d.ID, cases.Custody{Phase: cases.AfterRelease, FacilityID: kurim.ID}, j.coord.ID))
		if got, _ := j.s.CaseCustody(j.ctx, d.ID); got.ReleasedOn == nil || !got.ReleasedOn.Equal(earlier) {
			t.Errorf("a kept release day %+v, want %s", got.ReleasedOn, earlier)
		}
		before := cases.Day(d.CreatedAt).AddDate(0, 0, -1)
		err = j.s.SaveCustody(j.ctx, d.ID, cases.Custody{Phase: cases.AfterRelease, ReleasedOn: &before}, j.coord.ID)
		wantField(t, "released before the case", err, errs.KindInvalid, "released_on", "validation.released_on_before_case")
		future := cases.Day(j.now()).AddDate(0, 0, 1)
		err = j.s.SaveCustody(j.ctx, d.ID, cases.Custody{Phase: cases.AfterRelease, ReleasedOn: &future}, j.coord.ID)
		wantField(t, "released in the future", err, errs.KindInvalid, "released_on", "validation.released_on_future")
		err = j.s.SaveCustody(j.ctx, d.ID, cases.Custody{Phase: cases.InCustody, ReleasedOn: &earlier}, j.coord.ID)
		wantField(t, "released while in custody", err, errs.KindInvalid, "released_on", "validation.released_on_phase")
		j.fatal(j.s.SaveCustody(j.ctx, d.ID, cases.Custody{Phase: cases.InCustody}, j.coord.ID))
		if got, _ := j.s.CaseCustody(j.ctx, d.ID); got.ReleasedOn != nil || got.FacilityID != 0 || got.FacilityName != "" {
			t.Errorf("back in custody, no facility %+v", got)
		}
	})
}
