package policy

import (
	"slices"

	"homeward/internal/auth"
	"homeward/internal/store"
)

// NotificationScope is what a user's inbox may still show: notifications
// of the cases they may open (CaseView), of the referrals they work on or
// answer (ReferralView), of the mentors they manage (MentorManage) and the
// digests of the programs they coordinate. A notification whose record the
// reader lost (a mentor unmatched from the case) leaves the inbox and the
// bell's count.
func NotificationScope(u auth.User) store.NotificationScope {
	sc := store.NotificationScope{UserID: u.ID, Cases: CaseScope(u), ReferralCases: store.CaseScope{None: true}}
	if u.Status != auth.StatusActive {
		return sc
	}
	switch u.Role {
	case auth.Coordinator:
		sc.ReferralCases = store.CaseScope{ProgramIDs: slices.Clone(u.Programs)}
		sc.MentorPrograms = slices.Clone(u.Programs)
		sc.DigestPrograms = slices.Clone(u.Programs)
	case auth.Mentor:
		sc.ReferralCases = store.CaseScope{ProgramIDs: slices.Clone(u.Programs), MentorID: u.ID}
	case auth.Partner:
		sc.PartnerID = u.PartnerID
	}
	return sc
}
