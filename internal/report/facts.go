package report

// Facts are the exact counts of a Query, as the store aggregates them from
// what happened in the period: transitions, matches, contacts, requests,
// referral events, outcomes, follow-ups, feedback and the mentors' records.
// They hold counts only, never a person's record; still, they are exact,
// so they go through Build (which suppresses them) before anyone sees them.
type Facts struct {
	// Entered is the people whose case opened in the period: taken in, or
	// reopened (a person entering twice counts once).
	Entered int
	// Months holds, for each of the query's Months: the people who entered
	// and who completed in it (each person in the month they first did in
	// the period, so that the months add up to Entered and to Closed's
	// completed), and the cases in each StateGroup at its end.
	Openings, Completions []int
	States                [][]int // [month][StateGroups]
	// Closed is the people whose case closed in the period, by
	// cases.ClosureReasons (completed, withdrawn, transferred, lost contact).
	Closed []int
	// EntryToMatch is the days from a period's opening to its first match,
	// for matches made in the period; MatchToClose the days from the first
	// match to the closing, for closings in the period.
	EntryToMatch, MatchToClose Spread
	// SupportedDays is the days cases were supported by a mentor within the
	// period, summed over the cases (matched, active or closing).
	SupportedDays float64
	// SupportedCases is the cases supported at some time in the period.
	SupportedCases int
	// Contacts is the contacts in the period by cases.Channels, with the
	// hours they took (minutes where recorded, the program's hours per
	// contact where not).
	Contacts     []int
	ContactHours float64
	// Requests is the requests raised in the period; RequestsBefore in the
	// period of the same length before it.
	Requests, RequestsBefore int
	// Referrals is the referrals sent in the period by need domain and
	// partner, with those that got help by the period's end.
	Referrals []ReferralCount
	// Outcomes is the people with an outcome in the period, by kind.
	Outcomes []OutcomeCount
	// FollowUps at 6 and 12 months (in that order), done in the period.
	FollowUps [2]FollowUpCount
	Mentors   MentorCount
	// TrainingHours is the hours of training modules confirmed in the period.
	TrainingHours float64
	// TrainingMentors is the mentors those hours are of.
	TrainingMentors int
	// Feedback is the ratings given in the period: [question][rating-1] for
	// FeedbackQuestions and ratings 1 to 5; Declined those who declined.
	Feedback         [][]int
	FeedbackDeclined int
	// Facilities is the people in custody at each facility while their case
	// was open in the period.
	Facilities []FacilityCount
	// InCustody and AfterRelease are the open cases of programs with a
	// custody phase at the period's end, before and after release;
	// Released the people released in the period.
	InCustody, AfterRelease, Released int
}

// Spread is a distribution of days: how many, the median and the 75th
// percentile (nearest rank: the value at rank ⌈n/2⌉ and ⌈3n/4⌉).
type Spread struct {
	N, Median, P75 int
}

// ReferralCount is the referrals sent to one partner for one need domain.
type ReferralCount struct {
	Domain      string
	PartnerID   int64
	PartnerName string
	Sent        int
	GotHelp     int
}

// OutcomeCount is the people with an outcome of one kind, and of those the
// people whose outcome came after their release.
type OutcomeCount struct {
	Kind                 string
	People, AfterRelease int
}

// FollowUpCount is the follow-ups done, and of those the ones that found
// work kept, housing kept and a re-arrest.
type FollowUpCount struct {
	Done, WorkKept, HousingKept, Rearrested int
}

// MentorCount is the mentors who applied, were accepted, finished their
// required training, supported a case and retired in the period.
type MentorCount struct {
	Applied, Accepted, Trained, Active, Retired int
}

// FacilityCount is the people at one facility.
type FacilityCount struct {
	ID     int64
	Name   string
	People int
}

// StateGroups are the columns of the cases-by-state table: being taken in
// (referred, intake), waiting for a mentor, supported (matched, active,
// closing).
var StateGroups = []string{"taken_in", "waiting", "supported"}

// FeedbackQuestions are the feedback's rated questions, as cases.Feedback
// names them.
var FeedbackQuestions = [4]string{"support", "mentor", "plan", "recommend"}

// FollowUpMonths are the follow-ups a report counts.
var FollowUpMonths = [2]int{6, 12}
