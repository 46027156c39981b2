package web

import (
	"strings"

	"homeward/internal/matching"
)

// scoreLine is one item of an explained score as a page shows it: Kind
// says how its Parts are named (language codes, a place, hours, need
// domains, tags, lived experience).
type scoreLine struct {
	Key          string
	Kind         string
	Points, Max  float64
	Parts        []string
	Have, Need   string // availability: the mentor's hours for one more mentee, and a mentee's
	Blocking     bool
	Earned, None bool // all points; no points
}

// scoreLines explains a score item by item. Lived experience is sealed on
// both sides: only coordinators, who may read both, see these pages.
func scoreLines(e matching.Explained) []scoreLine {
	out := make([]scoreLine, 0, len(e.Items))
	for _, it := range e.Items {
		l := scoreLine{Key: it.Key, Kind: strings.TrimPrefix(it.Key, "match.item."), Points: it.Points, Max: it.Max,
			Blocking: it.Blocking, Earned: it.Max > 0 && it.Points >= it.Max, None: it.Points == 0}
		switch l.Kind {
		case "availability":
			l.Have, l.Need, _ = strings.Cut(it.Detail, "/")
		default:
			if it.Detail != "" {
				l.Parts = strings.Split(it.Detail, ",")
			}
		}
		out = append(out, l)
	}
	return out
}
