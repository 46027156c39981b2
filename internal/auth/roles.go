package auth

import "slices"

// Role is what a user does in Homeward (DESIGN.md, Roles).
type Role string

const (
	Admin        Role = "admin"
	Coordinator  Role = "coordinator"
	Mentor       Role = "mentor"
	Psychologist Role = "psychologist"
	Mentee       Role = "mentee"
	Partner      Role = "partner"
	Viewer       Role = "viewer"
)

// Roles lists every role, in the order forms show them.
var Roles = []Role{Admin, Coordinator, Mentor, Psychologist, Mentee, Partner, Viewer}

// StaffRoles are the roles an administrator gives: every role but the
// mentee's, whose portal account the person's coordinators give.
func StaffRoles() []Role {
	var out []Role
	for _, r := range Roles {
		if r != Mentee {
			out = append(out, r)
		}
	}
	return out
}

// Valid tells whether r is a role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }
