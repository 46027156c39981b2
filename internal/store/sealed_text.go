package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"homeward/internal/audit"
	"homeward/internal/cases"
	"homeward/internal/errs"
)

// sealedProfile is the free text of a mentee's profile, sealed together in
// mentees.profile_sealed: where they live, their family situation,
// occupation, when to reach them and who referred them. Each can tell who
// the person is; none is needed readable by a query (matching opens the
// city in the process, as it opens the match profile).
type sealedProfile struct {
	City           string `json:"city,omitempty"`
	Family         string `json:"family,omitempty"`
	Occupation     string `json:"occupation,omitempty"`
	ContactTimes   string `json:"contact_times,omitempty"`
	ReferralSource string `json:"referral_source,omitempty"`
}

func sealedProfileOf(p cases.Profile) sealedProfile {
	return sealedProfile{City: p.City, Family: p.Family, Occupation: p.Occupation, ContactTimes: p.ContactTimes,
		ReferralSource: p.ReferralSource}
}

// text is what is sealed: "" (nothing stored) when every field is empty.
func (sp sealedProfile) text() string {
	if sp == (sealedProfile{}) {
		return ""
	}
	b, _ := json.Marshal(sp)
	return string(b)
}

// openProfile opens a mentee's sealed profile text into p.
func (s *Store) openProfile(key, sealed []byte, menteeID int64, p *cases.Profile) error {
	txt, err := s.openField(key, sealed, "mentees", "profile_sealed", menteeID)
	if err != nil || txt == "" {
		return err
	}
	var sp sealedProfile
	if err := json.Unmarshal([]byte(txt), &sp); err != nil {
		return errs.Internal(fmt.Errorf("decode sealed profile of mentee %d: %w", menteeID, err))
	}
	p.City, p.Family, p.Occupation, p.ContactTimes, p.ReferralSource = sp.City, sp.Family, sp.Occupation, sp.ContactTimes, sp.ReferralSource
	return nil
}

// caseTexts is one sealed column of a case's rows, as read by a list: the
// rows' ids and sealed values, opened together by open.
type caseTexts struct {
	table, column string
	ids           []int64
	sealed        [][]byte
}

func (c *caseTexts) add(id int64, sealed []byte) {
	c.ids, c.sealed = append(c.ids, id), append(c.sealed, sealed)
}

// open opens every value under the case's data key and gives each to set
// (by its row's index), then audits the read as action once. With nothing
// sealed, it reads no key and writes no audit entry.
func (c *caseTexts) open(ctx context.Context, s *Store, caseID int64, action string, set func(i int, text string)) error {
	if !slices.ContainsFunc(c.sealed, func(b []byte) bool { return len(b) > 0 }) {
		return nil
	}
	key, err := s.caseKey(ctx, s.read, caseID)
	if err != nil {
		return err
	}
	for i, id := range c.ids {
		text, err := s.openField(key, c.sealed[i], c.table, c.column, id)
		if err != nil {
			return err
		}
		set(i, text)
	}
	return s.Audit(ctx, action, "case", caseID, audit.OK)
}

// legacyText is a readable column that an older version wrote and this one
// seals (migration 0030): its table, the readable column, the sealed one,
// and how a row reaches its mentee's data key.
type legacyText struct {
	table, column, sealed string
	keyOf                 string // SQL giving the row's data key id, with the row as t
}

var legacyTexts = []legacyText{
	{"plan_steps", "title", "title_sealed", `(SELECT m.data_key_id FROM cases c JOIN mentees m ON m.id = c.mentee_id WHERE c.id = t.case_id)`},
	{"outcomes", "note", "note_sealed", `(SELECT m.data_key_id FROM cases c JOIN mentees m ON m.id = c.mentee_id WHERE c.id = t.case_id)`},
	{"matches", "end_reason", "end_reason_sealed", `(SELECT m.data_key_id FROM cases c JOIN mentees m ON m.id = c.mentee_id WHERE c.id = t.case_id)`},
	{"case_transitions", "reason", "reason_sealed", `(SELECT m.data_key_id FROM cases c JOIN mentees m ON m.id = c.mentee_id WHERE c.id = t.case_id)`},
}

// sealLegacyText seals, under each mentee's data key, the free text that a
// version before migration 0030 kept readable, and empties the readable
// columns, in batches of one transaction each. It runs when the store opens
// with its key file; once done, each of its queries finds nothing. A row
// whose data key was destroyed (an erased person) loses the readable text
// without sealing it: nobody could open it again anyway.
func (s *Store) sealLegacyText(ctx context.Context) error {
	if s.keyring == nil {
		return nil
	}
	const batch = 500
	for {
		n, err := s.sealLegacyProfiles(ctx, batch)
		if err != nil {
			return err
		}
		if n < batch {
			break
		}
	}
	for _, lt := range legacyTexts {
		for {
			n, err := s.sealLegacyColumn(ctx, lt, batch)
			if err != nil {
				return err
			}
			if n < batch {
				break
			}
		}
	}
	return nil
}

// sealLegacyProfiles seals up to limit mentees' readable profile text.
func (s *Store) sealLegacyProfiles(ctx context.Context, limit int) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, data_key_id, city, family, occupation, contact_times, referral_source
			FROM mentees WHERE city <> '' OR family <> '' OR occupation <> '' OR contact_times <> '' OR referral_source <> ''
			ORDER BY id LIMIT $1`, limit)
		if err != nil {
			return s.wrap(err, "read readable profiles")
		}
		type legacy struct {
			id, keyID int64
			p         cases.Profile
		}
		var list []legacy
		for rows.Next() {
			var l legacy
			if err := rows.Scan(&l.id, &l.keyID, &l.p.City, &l.p.Family, &l.p.Occupation, &l.p.ContactTimes, &l.p.ReferralSource); err != nil {
				rows.Close()
				return s.wrap(err, "read readable profile")
			}
			list = append(list, l)
		}
		if err := rows.Close(); err != nil {
			return s.wrap(err, "read readable profiles")
		}
		for _, l := range list {
			var sealed []byte
			key, err := s.dataKey(ctx, tx, l.keyID)
			switch {
			case errs.Is(err, errs.KindNotFound): // erased: its key was destroyed
			case err != nil:
				return err
			default:
				if sealed, err = s.sealField(key, "mentees", "profile_sealed", l.id, sealedProfileOf(l.p).text()); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE mentees SET profile_sealed = $1, city = '', family = '', occupation = '',
				contact_times = '', referral_source = '' WHERE id = $2`, sealed, l.id); err != nil {
				return s.wrap(err, "seal readable profile")
			}
		}
		n = len(list)
		return nil
	})
	return n, err
}

// sealLegacyColumn seals up to limit rows of one readable column.
func (s *Store) sealLegacyColumn(ctx context.Context, lt legacyText, limit int) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT t.id, `+lt.keyOf+`, t.`+lt.column+` FROM `+lt.table+` t
			WHERE t.`+lt.column+` <> '' ORDER BY t.id LIMIT $1`, limit)
		if err != nil {
			return s.wrap(err, "read readable "+lt.table)
		}
		type legacy struct {
			id, keyID int64
			text      string
		}
		var list []legacy
		for rows.Next() {
			var l legacy
			if err := rows.Scan(&l.id, &l.keyID, &l.text); err != nil {
				rows.Close()
				return s.wrap(err, "read readable "+lt.table)
			}
			list = append(list, l)
		}
		if err := rows.Close(); err != nil {
			return s.wrap(err, "read readable "+lt.table)
		}
		for _, l := range list {
			var sealed []byte
			key, err := s.dataKey(ctx, tx, l.keyID)
			switch {
			case errs.Is(err, errs.KindNotFound): // its key was destroyed
			case err != nil:
				return err
			default:
				if sealed, err = s.sealField(key, lt.table, lt.sealed, l.id, l.text); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE `+lt.table+` SET `+lt.sealed+` = $1, `+lt.column+` = '' WHERE id = $2`, sealed, l.id); err != nil {
				return s.wrap(err, "seal readable "+lt.table)
			}
		}
		n = len(list)
		return nil
	})
	return n, err
}
