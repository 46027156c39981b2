package cases

import (
	"slices"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/text"
)

// Visibility is who may read a note.
type Visibility string

const (
	// VisibleTeam: the program's coordinators and the case's psychologist.
	VisibleTeam Visibility = "team"
	// VisibleMentor: the team and the case's mentor.
	VisibleMentor Visibility = "mentor"
	// VisiblePsychologist: the case's psychologist only.
	VisiblePsychologist Visibility = "psychologist"
)

// Visibilities lists them, widest first.
var Visibilities = []Visibility{VisibleMentor, VisibleTeam, VisiblePsychologist}

// Note is a sealed note on a case with a visibility level.
type Note struct {
	ID         int64      `json:"id"`
	CaseID     int64      `json:"case_id"`
	Visibility Visibility `json:"visibility"`
	Body       string     `json:"body"`
	AuthorID   int64      `json:"author_id"`
	AuthorName string     `json:"author_name"`
	CreatedAt  time.Time  `json:"created_at"`
}

// Validate checks the note.
func (n *Note) Validate() error {
	f := map[string]string{}
	if !slices.Contains(Visibilities, n.Visibility) {
		f["visibility"] = "validation.choice"
	}
	n.Body = strings.TrimSpace(n.Body)
	text.Check(f, "body", n.Body, true, true, MaxLong)
	if len(f) > 0 {
		return errs.Invalid(f)
	}
	return nil
}
