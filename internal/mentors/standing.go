package mentors

import "time"

// Standing is a mentor as a coordinator (or the mentor) sees them at a
// moment: ready or why not, how many mentees of how many places, where in
// the pipeline, the current checks and those about to expire, and how far
// the required training is.
type Standing struct {
	Mentor   Mentor   `json:"mentor"`
	Ready    bool     `json:"ready"`
	Reasons  []Reason `json:"reasons"`  // what keeps them from being matched; none when ready
	Load     int      `json:"load"`     // mentees supported now (matched, active, closing cases)
	Capacity int      `json:"capacity"` // places: their own or the program's
	Pipeline Pipeline `json:"pipeline"`
	Checks   []Check  `json:"checks"`   // the current check of each kind
	Expiring []Check  `json:"expiring"` // current checks valid now that expire within ExpiringWithin
	// TrainingDone of TrainingRequired required modules are confirmed.
	TrainingDone     int `json:"training_done"`
	TrainingRequired int `json:"training_required"`
}

// Free is the number of places left: 0 when full.
func (s Standing) Free() int { return max(s.Capacity-s.Load, 0) }

// Matchable tells whether a case may be given to the mentor now: ready,
// with a free place.
func (s Standing) Matchable() bool { return s.Ready && s.Free() > 0 }

// Stand computes a mentor's standing at now from the facts, their load and
// the program's default capacity.
func Stand(f Facts, load, programCapacity int, now time.Time) Standing {
	reasons := Readiness(f, now)
	st := Standing{Mentor: f.Mentor, Ready: len(reasons) == 0, Reasons: reasons, Load: load,
		Capacity: f.Mentor.CapacityIn(programCapacity), Checks: CurrentChecks(f.Checks)}
	if st.Reasons == nil {
		st.Reasons = []Reason{}
	}
	st.Pipeline = PipelineOf(f.Mentor, st.Ready, load, now)
	for _, c := range st.Checks {
		if c.Expiring(now) {
			st.Expiring = append(st.Expiring, c)
		}
	}
	if st.Checks == nil {
		st.Checks = []Check{}
	}
	if st.Expiring == nil {
		st.Expiring = []Check{}
	}
	done := map[int64]bool{}
	for _, c := range f.Completions {
		done[c.ModuleID] = c.Status == Confirmed
	}
	for _, m := range f.Modules {
		if m.Required && !m.Archived && m.ProgramID == f.Mentor.ProgramID {
			st.TrainingRequired++
			if done[m.ID] {
				st.TrainingDone++
			}
		}
	}
	return st
}
