package audit

import "fmt"

// Problem describes where the chain breaks.
type Problem struct {
	Seq    int64  // the first entry that is wrong (or, for a cut tail, the first missing one)
	Kind   string // "edited", "deleted", "reordered", "cut"
	Detail string
}

func (p *Problem) Error() string {
	return fmt.Sprintf("audit log broken at entry %d (%s): %s", p.Seq, p.Kind, p.Detail)
}

// Verifier checks entries one by one, in the order of their sequence numbers.
type Verifier struct {
	want int64  // the sequence number the next entry must have
	prev string // the hash the next entry must link to
	last Head
}

// NewVerifier starts at the beginning of the log.
func NewVerifier() *Verifier { return &Verifier{want: 1, prev: Genesis} }

// Next checks one entry and returns the first problem found, if any.
func (v *Verifier) Next(e Entry) *Problem {
	if e.ComputeHash() != e.Hash {
		return &Problem{Seq: e.Seq, Kind: "edited", Detail: "its content does not match its hash"}
	}
	if e.Seq != v.want {
		if e.Seq > v.want {
			return &Problem{Seq: v.want, Kind: "deleted", Detail: fmt.Sprintf("entries %d to %d are missing", v.want, e.Seq-1)}
		}
		return &Problem{Seq: e.Seq, Kind: "reordered", Detail: fmt.Sprintf("sequence number %d appears after %d", e.Seq, v.want-1)}
	}
	if e.PrevHash != v.prev {
		return &Problem{Seq: e.Seq, Kind: "reordered", Detail: "it does not follow the entry before it: entries were moved, or one before it was replaced"}
	}
	v.want, v.prev = e.Seq+1, e.Hash
	v.last = Head{Seq: e.Seq, Hash: e.Hash}
	return nil
}

// Finish checks the end of the log against a head kept elsewhere (nil: no
// head to compare) and returns the log's own head.
func (v *Verifier) Finish(kept *Head) (Head, *Problem) {
	if kept == nil || kept.Seq == 0 {
		return v.last, nil
	}
	if v.last.Seq < kept.Seq {
		return v.last, &Problem{Seq: v.last.Seq + 1, Kind: "cut", Detail: fmt.Sprintf("the log ends at entry %d, but the kept head is entry %d: the tail was cut", v.last.Seq, kept.Seq)}
	}
	return v.last, nil
}

// CheckKept confirms that the entry at the kept head's position still has
// the kept hash; the store calls it when it passes that entry.
func CheckKept(e Entry, kept Head) *Problem {
	if e.Seq == kept.Seq && e.Hash != kept.Hash {
		return &Problem{Seq: e.Seq, Kind: "edited", Detail: "its hash differs from the kept head: the log was rewritten up to here"}
	}
	return nil
}
