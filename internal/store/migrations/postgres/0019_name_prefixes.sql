-- Search by name (the case list's search box): a blind index of the
-- prefixes of three letters or more of each word of a mentee's name, HMAC
-- under the search key as mentee_name_words, so that part of a word finds
-- the person without a readable name in the database. Both indexes fold
-- case and the common diacritics (store/name_index.go); name_index is the
-- version of that folding a mentee's rows follow, and the store re-indexes
-- the mentees below the current one when it opens (0 = made before this).
CREATE TABLE mentee_name_prefixes (
    prefix    BYTEA NOT NULL,
    mentee_id BIGINT NOT NULL REFERENCES mentees (id) ON DELETE CASCADE,
    PRIMARY KEY (prefix, mentee_id)
);
CREATE INDEX mentee_name_prefixes_mentee ON mentee_name_prefixes (mentee_id);
ALTER TABLE mentees ADD COLUMN name_index INTEGER NOT NULL DEFAULT 0;
CREATE INDEX mentees_name_index ON mentees (name_index, id);
