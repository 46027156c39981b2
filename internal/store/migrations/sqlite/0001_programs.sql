-- Programs: a mentoring program and the settings its cases follow.
CREATE TABLE programs (
    id                     INTEGER PRIMARY KEY,
    name                   TEXT    NOT NULL,
    -- name folded to lower case in Go: unique, searched, and the sort and
    -- keyset key of the list, compared byte-wise on both engines.
    name_key               TEXT NOT NULL,
    description            TEXT    NOT NULL DEFAULT '',
    languages              TEXT    NOT NULL DEFAULT '[]', -- JSON array of ISO 639-1 codes
    countries              TEXT    NOT NULL DEFAULT '[]', -- JSON array of ISO 3166-1 alpha-2 codes
    mentor_capacity        INTEGER NOT NULL DEFAULT 1,
    cadence_first_weeks    INTEGER NOT NULL,
    cadence_first_per_week REAL    NOT NULL,
    cadence_later_per_week REAL    NOT NULL,
    quiet_weeks            INTEGER NOT NULL,
    duration_min_months    INTEGER NOT NULL,
    duration_max_months    INTEGER NOT NULL,
    custody_enabled        BOOLEAN NOT NULL DEFAULT 0,
    custody_months_before  INTEGER NOT NULL,
    custody_months_after   INTEGER NOT NULL,
    need_domains           TEXT    NOT NULL, -- JSON array of domain keys
    version                INTEGER NOT NULL DEFAULT 1,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL
);
-- Serves uniqueness, the list's order and its keyset pagination.
CREATE UNIQUE INDEX programs_name_key ON programs (name_key);
