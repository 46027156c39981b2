package audit

import "fmt"

// Problem describes where the chain breaks.
type Problem struct {
	Seq int64 // the first entry that is wrong (or, for a cut tail, the first missing one)
	// Kind is "edited", "deleted", "reordered", "cut" (entries missing at
	// the end), "head" (entries after the end the audit_head row names) or
	// "unkeyed" (a log never keyed with the audit key, or one rewritten
	// without it, since its database says so).
	Kind   string
	Detail string
}

func (p *Problem) Error() string {
	return fmt.Sprintf("audit log broken at entry %d (%s): %s", p.Seq, p.Kind, p.Detail)
}

// Verifier checks entries one by one, in the order of their sequence numbers.
type Verifier struct {
	key      []byte // nil: the plain chain of a log never keyed
	notKeyed bool
	want     int64  // the sequence number the next entry must have
	prev     string // the hash the next entry must link to
	last     Head
	kept     map[int64][]Head
	keptMax  Head
}

// NewVerifier starts at the beginning of the log. With a key, every entry's
// hash must be keyed with it; a nil key checks the plain chain.
func NewVerifier(key []byte) *Verifier {
	return &Verifier{key: key, want: 1, prev: Genesis, last: Head{Hash: Genesis}, kept: map[int64][]Head{}}
}

// NotKeyed tells the verifier that the database says the log was never
// keyed: a plain hash where a keyed one belongs is then reported as
// "unkeyed" rather than "edited".
func (v *Verifier) NotKeyed() { v.notKeyed = true }

// Keep adds heads kept elsewhere (`audit head`, a head log): the entry at
// each one's position must still have its hash, and the log must reach it.
func (v *Verifier) Keep(heads ...Head) {
	for _, h := range heads {
		if h.Seq == 0 {
			continue
		}
		v.kept[h.Seq] = append(v.kept[h.Seq], h)
		if h.Seq > v.keptMax.Seq {
			v.keptMax = h
		}
	}
}

// Next checks one entry and returns the first problem found, if any.
func (v *Verifier) Next(e Entry) *Problem {
	if e.ComputeHash(v.key) != e.Hash {
		switch {
		case v.key != nil && e.ComputeHash(nil) == e.Hash && v.notKeyed:
			return &Problem{Seq: e.Seq, Kind: "unkeyed", Detail: "its hash is not keyed with the audit key, and the database says the log was never keyed: run homeward audit key if it never was; otherwise it was rewritten by someone without the key"}
		case v.key != nil && e.ComputeHash(nil) == e.Hash:
			return &Problem{Seq: e.Seq, Kind: "edited", Detail: "its hash is a plain SHA-256, not keyed with the audit key: it was rewritten by someone without the key"}
		}
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
	for _, h := range v.kept[e.Seq] {
		if h.Hash != e.Hash {
			return &Problem{Seq: e.Seq, Kind: "edited", Detail: "its hash differs from a head kept elsewhere: the log was rewritten up to here"}
		}
	}
	v.want, v.prev = e.Seq+1, e.Hash
	v.last = Head{Seq: e.Seq, Hash: e.Hash}
	return nil
}

// Finish checks the end of the log against the audit_head row (which every
// append moves in the same transaction) and against the heads kept
// elsewhere, and returns the log's own head.
func (v *Verifier) Finish(row Head) (Head, *Problem) {
	if v.keptMax.Seq > v.last.Seq {
		return v.last, &Problem{Seq: v.last.Seq + 1, Kind: "cut", Detail: fmt.Sprintf("the log ends at entry %d, but a head kept elsewhere is entry %d: the tail was cut", v.last.Seq, v.keptMax.Seq)}
	}
	switch {
	case row.Seq > v.last.Seq:
		return v.last, &Problem{Seq: v.last.Seq + 1, Kind: "cut", Detail: fmt.Sprintf("the log ends at entry %d, but the audit_head row names entry %d: the tail was cut", v.last.Seq, row.Seq)}
	case row.Seq < v.last.Seq:
		return v.last, &Problem{Seq: row.Seq + 1, Kind: "head", Detail: fmt.Sprintf("the audit_head row names entry %d, but the log goes on to entry %d: the head was moved back", row.Seq, v.last.Seq)}
	case row.Hash != v.last.Hash:
		return v.last, &Problem{Seq: v.last.Seq, Kind: "edited", Detail: "its hash differs from the audit_head row's"}
	}
	return v.last, nil
}
