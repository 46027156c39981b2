package cases

import (
	"slices"
	"sort"
	"time"

	"homeward/internal/errs"
)

// Severity of a need.
type Severity string

const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	NoNeed   Severity = "none"
)

// Severities lists them from the most severe.
var Severities = []Severity{Critical, High, Medium, Low, NoNeed}

// Rank orders severities: 0 is critical, 4 none, 5 unknown.
func (s Severity) Rank() int {
	if i := slices.Index(Severities, s); i >= 0 {
		return i
	}
	return len(Severities)
}

// NeedStatus is where the work on a need is.
type NeedStatus string

const (
	NotStarted  NeedStatus = "not_started"
	InProgress  NeedStatus = "in_progress"
	Done        NeedStatus = "done"
	NotRequired NeedStatus = "not_required"
	Declined    NeedStatus = "declined"
)

// NeedStatuses lists them.
var NeedStatuses = []NeedStatus{NotStarted, InProgress, Done, NotRequired, Declined}

// Need is the assessment of one domain of a case. Every reassessment is a
// new Need; Previous is the one it replaced (nil for the first).
type Need struct {
	ID             int64      `json:"id"`
	CaseID         int64      `json:"case_id"`
	Domain         string     `json:"domain"`
	Severity       Severity   `json:"severity"`
	Status         NeedStatus `json:"status"`
	AssessedBy     int64      `json:"assessed_by"`
	AssessedByName string     `json:"assessed_by_name"`
	AssessedAt     time.Time  `json:"assessed_at"`
	Previous       *Need      `json:"previous,omitempty"`
}

// Changed tells whether the need differs from the one it replaced.
func (n Need) Changed() bool {
	return n.Previous == nil || n.Previous.Severity != n.Severity || n.Previous.Status != n.Status
}

// Open tells whether the need still asks for work.
func (n Need) Open() bool {
	return n.Severity != NoNeed && (n.Status == NotStarted || n.Status == InProgress)
}

// SortNeeds orders needs for the case page: critical first, then by
// severity, then by the order of the program's domains.
func SortNeeds(needs []Need, domains []string) {
	pos := map[string]int{}
	for i, d := range domains {
		pos[d] = i
	}
	sort.SliceStable(needs, func(i, j int) bool {
		if a, b := needs[i].Severity.Rank(), needs[j].Severity.Rank(); a != b {
			return a < b
		}
		return pos[needs[i].Domain] < pos[needs[j].Domain]
	})
}

// Assessment is one domain's severity and status as assessed.
type Assessment struct {
	Domain   string     `json:"domain"`
	Severity Severity   `json:"severity"`
	Status   NeedStatus `json:"status"`
}

// ValidateAssessments checks an assessment against the program's domains.
func ValidateAssessments(as []Assessment, domains []string) error {
	f := map[string]string{}
	seen := map[string]bool{}
	for _, a := range as {
		switch {
		case !slices.Contains(domains, a.Domain):
			f["domain"] = "validation.domain_of_program"
		case seen[a.Domain]:
			f["domain"] = "validation.repeated"
		case a.Severity.Rank() == len(Severities):
			f["severity."+a.Domain] = "validation.choice"
		case !slices.Contains(NeedStatuses, a.Status):
			f["status."+a.Domain] = "validation.choice"
		}
		seen[a.Domain] = true
	}
	if len(as) == 0 {
		f["domain"] = "validation.required"
	}
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}
