package mentors

import (
	"slices"
	"time"
)

// Reason is one thing that keeps a mentor from being matched: Key is a
// message key of the i18n catalogues, Detail what it is about (a stage, a
// module's title, a check's kind, a date as 2006-01-02).
type Reason struct {
	Key    string `json:"key"`
	Detail string `json:"detail,omitempty"`
}

// Reason keys.
const (
	ReasonStage           = "mentor.not_ready.stage"            // not accepted (Detail: the stage)
	ReasonAccountInvited  = "mentor.not_ready.account_invited"  // the invitation is not used yet
	ReasonAccount         = "mentor.not_ready.account"          // no active mentor account in the program
	ReasonPaused          = "mentor.not_ready.paused"           // Detail: until
	ReasonModule          = "mentor.not_ready.module"           // a required module not done (Detail: title)
	ReasonModuleReported  = "mentor.not_ready.module_reported"  // reported, not confirmed yet (Detail: title)
	ReasonCheckMissing    = "mentor.not_ready.check_missing"    // Detail: kind
	ReasonCheckFailed     = "mentor.not_ready.check_failed"     // Detail: kind
	ReasonCheckExpired    = "mentor.not_ready.check_expired"    // Detail: kind
	ReasonAccountDisabled = "mentor.not_ready.account_disabled" // the account is disabled
)

// Facts are what Readiness decides on.
type Facts struct {
	Mentor Mentor
	// Account tells whether the mentor's account is an active mentor of the
	// program (role mentor, member of the program); UserStatus is on Mentor.
	Account        bool
	RequiredChecks []string // the program's required check kinds
	Checks         []Check  // every check of the mentor
	Modules        []Module // the program's modules
	Completions    []Completion
}

// Readiness lists what keeps the mentor from being matched at now, in the
// order a coordinator would deal with it; none means ready. A mentor is
// ready when accepted, with an active account in the program, not paused,
// with every required module's completion confirmed, a current check of
// every required kind, and every current check passed and unexpired.
// Capacity is apart: a ready mentor may have no free place. A mentor still
// in screening (new, interview, checks) also hears what training and checks
// are left, so that a coordinator sees before accepting what is missing; a
// rejected or retired one only their stage.
func Readiness(f Facts, now time.Time) []Reason {
	m := f.Mentor
	switch m.Stage {
	case StageAccepted:
	case StageRejected, StageRetired:
		return []Reason{{Key: ReasonStage, Detail: string(m.Stage)}}
	default:
		return append([]Reason{{Key: ReasonStage, Detail: string(m.Stage)}}, preparation(f, now)...)
	}
	var out []Reason
	switch {
	case m.UserID == 0 || m.UserStatus == "invited":
		out = append(out, Reason{Key: ReasonAccountInvited})
	case m.UserStatus == "disabled":
		out = append(out, Reason{Key: ReasonAccountDisabled})
	case !f.Account:
		out = append(out, Reason{Key: ReasonAccount})
	}
	if m.Paused(now) {
		out = append(out, Reason{Key: ReasonPaused, Detail: m.PausedUntil.UTC().Format(time.DateOnly)})
	}
	return append(out, preparation(f, now)...)
}

// preparation lists the required training not confirmed and the checks
// missing, failed or expired.
func preparation(f Facts, now time.Time) []Reason {
	var out []Reason
	m := f.Mentor
	done := map[int64]CompletionStatus{}
	for _, c := range f.Completions {
		done[c.ModuleID] = c.Status
	}
	for _, mod := range f.Modules {
		if !mod.Required || mod.Archived || mod.ProgramID != m.ProgramID {
			continue
		}
		switch done[mod.ID] {
		case Confirmed:
		case Reported:
			out = append(out, Reason{Key: ReasonModuleReported, Detail: mod.Title})
		default:
			out = append(out, Reason{Key: ReasonModule, Detail: mod.Title})
		}
	}
	current := CurrentChecks(f.Checks)
	for _, k := range CheckKinds {
		i := slices.IndexFunc(current, func(c Check) bool { return c.Kind == k })
		switch {
		case i < 0:
			if slices.Contains(f.RequiredChecks, k) {
				out = append(out, Reason{Key: ReasonCheckMissing, Detail: k})
			}
		case current[i].Result != Passed:
			out = append(out, Reason{Key: ReasonCheckFailed, Detail: k})
		case current[i].Expired(now):
			out = append(out, Reason{Key: ReasonCheckExpired, Detail: k})
		}
	}
	return out
}
