package demo

import (
	"fmt"

	"homeward/internal/program"
)

// demoFacilities are the prisons of the custody program: the project of
// the source documents worked with clients in five Czech prisons.
var demoFacilities = []program.Facility{
	{Name: "Vazební věznice Praha-Pankrác", Kind: program.Remand},
	{Name: "Věznice Plzeň-Bory", Kind: program.Prison},
	{Name: "Věznice Rýnovice", Kind: program.Prison},
	{Name: "Věznice Kuřim", Kind: program.Prison},
	{Name: "Věznice Heřmanice", Kind: program.Prison},
}

// addFacilities gives every modelled program with a custody phase its
// facilities.
func (j *journey) addFacilities() error {
	j.facilities = map[int64][]program.Facility{}
	for _, p := range j.programs {
		if !p.Custody.Enabled {
			continue
		}
		for _, f := range demoFacilities {
			f.ProgramID = p.ID
			saved, err := j.st.CreateFacility(j.ctx, f)
			if err != nil {
				return fmt.Errorf("demo facility %q: %w", f.Name, err)
			}
			j.facilities[p.ID] = append(j.facilities[p.ID], saved)
		}
	}
	return nil
}
