package program

import (
	"slices"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/text"
)

// FacilityKind is what kind of place a facility is.
type FacilityKind string

const (
	Prison FacilityKind = "prison"
	Remand FacilityKind = "remand" // a remand centre (pre-trial detention)
	// OtherFacility is any other place of custody.
	OtherFacility FacilityKind = "other"
)

// FacilityKinds lists every kind, in the order forms offer them.
var FacilityKinds = []FacilityKind{Prison, Remand, OtherFacility}

// Valid tells whether k is a facility kind.
func (k FacilityKind) Valid() bool { return slices.Contains(FacilityKinds, k) }

// MaxFacilityName is the longest name of a facility, in characters.
const MaxFacilityName = 200

// Facility is a prison or remand centre of a program with a custody phase,
// kept by the program's coordinators. A case in custody points at one; an
// archived facility is no longer offered, and stays on the cases that
// point at it. Its name is the program's word for a public place, not a
// person's data: it is not sealed (a case's detail, e.g. the unit, is).
type Facility struct {
	ID        int64        `json:"id"`
	ProgramID int64        `json:"program_id"`
	Name      string       `json:"name"`
	Kind      FacilityKind `json:"kind"`
	Archived  bool         `json:"archived"`
	Version   int          `json:"version"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// Normalize folds the name's spaces.
func (f *Facility) Normalize() { f.Name = strings.Join(strings.Fields(f.Name), " ") }

// Validate checks the facility's fields.
func (f *Facility) Validate() error {
	m := map[string]string{}
	text.Check(m, "name", f.Name, true, false, MaxFacilityName)
	if !f.Kind.Valid() {
		m["kind"] = "validation.choice"
	}
	if len(m) > 0 {
		return errs.Invalid(m)
	}
	return nil
}
