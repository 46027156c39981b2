package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"strings"
	"unicode"
	"unicode/utf8"

	"homeward/internal/audit"
	"homeward/internal/errs"
)

// The blind index of names has two parts, both HMAC-SHA-256 under the
// search key (searchKey), so that the database never holds a readable name:
//
//   - mentee_name_words: each whole word of the name (wordHashes), for the
//     duplicate check;
//   - mentee_name_prefixes: each prefix of three letters or more of each
//     word, up to maxPrefixRunes (prefixHashes), so that the case list's
//     search finds "Kavalenka" by "kav", "kaval" or the whole word.
//
// Only prefixes are indexed, not every part of a word: a search by the
// start of a word is what people type, and every further entry a person's
// row has tells more of their name to anyone who can compare hashes.
//
// Both fold the words alike (foldName): lower case, and the letters with
// diacritics of the Latin alphabets written as their base letter ("Novák",
// "NOVAK" and "novak" are one word; so are "Алёна" and "Алена").

const (
	// minSearchRunes is the shortest part of a word that finds a person.
	minSearchRunes = 3
	// maxPrefixRunes bounds the prefixes indexed: a longer search word is
	// looked up by its first maxPrefixRunes letters.
	maxPrefixRunes = 20
	// maxSearchTerms and maxSearchRunes bound a search.
	maxSearchTerms = 6
	maxSearchRunes = 100
	// nameIndexVersion is the folding the rows of mentee_name_words and
	// mentee_name_prefixes follow; a mentee whose name_index is lower is
	// re-indexed when the store opens (backfillNameIndex).
	nameIndexVersion = 1
)

// baseLetters maps the letters with diacritics of the Latin alphabets (and
// Cyrillic ё) to the letter they are written as without them.
var baseLetters = func() map[rune]string {
	m := map[rune]string{}
	for _, g := range []struct{ base, marked string }{
		{"a", "àáâãäåāăąǎ"}, {"ae", "æ"}, {"c", "çćĉċč"}, {"d", "ďđð"},
		{"e", "èéêëēĕėęě"}, {"g", "ĝğġģ"}, {"h", "ĥħ"}, {"i", "ìíîïĩīĭįı"},
		{"j", "ĵ"}, {"k", "ķ"}, {"l", "ĺļľŀł"}, {"n", "ñńņňŉ"},
		{"o", "òóôõöøōŏőǒ"}, {"oe", "œ"}, {"r", "ŕŗř"}, {"s", "śŝşšș"}, {"ss", "ß"},
		{"t", "ţťŧț"}, {"th", "þ"}, {"u", "ùúûüũūŭůűųǔ"}, {"w", "ŵ"},
		{"y", "ýÿŷ"}, {"z", "źżž"}, {"е", "ё"},
	} {
		for _, r := range g.marked {
			m[r] = g.base
		}
	}
	return m
}()

// foldName is a name in lower case with the diacritics of baseLetters
// taken off.
func foldName(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if base, ok := baseLetters[r]; ok {
			b.WriteString(base)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// namePrefixes are the prefixes of minSearchRunes to maxPrefixRunes runes
// of each word of a name (nameWords), each once.
func namePrefixes(name string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range nameWords(name) {
		runes := []rune(w)
		for n := minSearchRunes; n <= min(len(runes), maxPrefixRunes); n++ {
			if p := string(runes[:n]); !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// prefixHash is the blind-index entry of one prefix. It is kept apart from
// the whole words' entries (wordHashes) by what is hashed.
func prefixHash(key []byte, prefix string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("prefix\x00"))
	mac.Write([]byte(prefix))
	return mac.Sum(nil)
}

// prefixHashes are the blind-index entries of a name's prefixes.
func prefixHashes(key []byte, name string) [][]byte {
	var out [][]byte
	for _, p := range namePrefixes(name) {
		out = append(out, prefixHash(key, p))
	}
	return out
}

// indexNamePrefixes replaces the prefixes of a mentee's name and records
// the folding they follow.
func (s *Store) indexNamePrefixes(ctx context.Context, tx *sql.Tx, key []byte, menteeID int64, name string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM mentee_name_prefixes WHERE mentee_id = $1`, menteeID); err != nil {
		return s.wrap(err, "clear name prefixes")
	}
	for _, h := range prefixHashes(key, name) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mentee_name_prefixes (prefix, mentee_id) VALUES ($1, $2)`, h, menteeID); err != nil {
			return s.wrap(err, "index name prefix")
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE mentees SET name_index = $1 WHERE id = $2`, nameIndexVersion, menteeID)
	return s.wrap(err, "record name index")
}

// backfillNameIndex indexes anew the names of the mentees indexed before
// the current folding (nameIndexVersion): those made before search by name
// existed get their prefixes, and every word is folded alike. It runs when
// the store opens with a keyring (the names must be opened), a batch per
// transaction, and does nothing once every mentee is current. A person
// whose data was erased keeps no entry.
func (s *Store) backfillNameIndex(ctx context.Context) error {
	if s.keyring == nil {
		return nil
	}
	for {
		n := 0
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT `+menteeColumns+` FROM `+menteeFrom+`
				WHERE m.name_index < $1 ORDER BY m.name_index, m.id LIMIT 200`, nameIndexVersion)
			if err != nil {
				return s.wrap(err, "find mentees to index")
			}
			var batch []menteeRow
			for rows.Next() {
				row, err := scanMentee(rows)
				if err != nil {
					rows.Close()
					return s.wrap(err, "scan mentee to index")
				}
				batch = append(batch, row)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return s.wrap(err, "find mentees to index")
			}
			n = len(batch)
			for _, row := range batch {
				m, err := s.open(row)
				if err != nil && errs.As(err).Code == "erased" {
					m.FullName, err = "", nil
				}
				if err != nil {
					return err
				}
				if err := s.indexNameWords(ctx, tx, m.ID, m.FullName); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || n == 0 {
			return err
		}
	}
}

// searchTerm is one word of a search: part of a case code, or the start of
// a word of the name (of each word, when it holds several, as "Jean-Pierre").
type searchTerm struct {
	code  string   // upper case, for the case code
	words []string // folded name words of minSearchRunes or more
}

// searchTerms splits a search into its words. Each must have at least
// minSearchRunes letters or digits; a search of more than maxSearchRunes
// runes or maxSearchTerms words is refused.
func searchTerms(q string) ([]searchTerm, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	if utf8.RuneCountInString(q) > maxSearchRunes || !utf8.ValidString(q) {
		return nil, errs.Invalid(map[string]string{"q": "validation.search_long"})
	}
	fields := strings.Fields(q)
	if len(fields) > maxSearchTerms {
		return nil, errs.Invalid(map[string]string{"q": "validation.search_long"})
	}
	var out []searchTerm
	for _, f := range fields {
		n := 0
		for _, r := range f {
			if unicode.IsLetter(r) || unicode.IsNumber(r) {
				n++
			}
		}
		if n < minSearchRunes {
			return nil, errs.Invalid(map[string]string{"q": "validation.search_short"})
		}
		t := searchTerm{code: strings.ToUpper(f)}
		for _, w := range nameWords(f) {
			if utf8.RuneCountInString(w) >= minSearchRunes {
				t.words = append(t.words, string([]rune(w)[:min(utf8.RuneCountInString(w), maxPrefixRunes)]))
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// MenteeNames opens the names of the mentees (for a list that shows each
// case's person beside its code): one query and one transaction of audit
// entries (mentee.name_read, one per person) for the whole list. A person
// whose data was erased is left out. The caller has decided that the user
// may read each name (policy.CaseView on one of the person's cases).
func (s *Store) MenteeNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	seen := map[int64]bool{}
	var args []any
	for _, id := range ids {
		if id != 0 && !seen[id] {
			seen[id] = true
			args = append(args, id)
		}
	}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := s.read.QueryContext(ctx, `SELECT m.id, m.full_name_sealed, m.data_key_id, COALESCE(dk.kek_id, ''), dk.sealed_key
		FROM `+menteeFrom+` WHERE m.id IN (`+placeholders(1, len(args))+`)`, args...)
	if err != nil {
		return nil, s.wrap(err, "read names")
	}
	var found []menteeRow
	for rows.Next() {
		var row menteeRow
		if err := rows.Scan(&row.ID, &row.nameSealed, &row.keyID, &row.kekID, &row.sealedKey); err != nil {
			rows.Close()
			return nil, s.wrap(err, "scan name")
		}
		found = append(found, row)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "read names")
	}
	var read []int64
	for _, row := range found {
		key, err := s.openKey(row.keyID, row.kekID, row.sealedKey)
		if err != nil && errs.As(err).Code == "erased" {
			continue
		}
		if err != nil {
			return nil, err
		}
		name, err := s.openField(key, row.nameSealed, "mentees", "full_name_sealed", row.ID)
		if err != nil {
			return nil, err
		}
		out[row.ID] = name
		read = append(read, row.ID)
	}
	if len(read) == 0 {
		return out, nil
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		return s.appendAudits(ctx, tx, "mentee.name_read", "mentee", read, audit.OK)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
