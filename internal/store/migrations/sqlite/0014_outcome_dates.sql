-- An outcome's own date (a day, stored as midnight UTC), which may lie
-- before the day it was recorded; existing outcomes happened the day they
-- were recorded. after_release: the outcome came after the person's release.
ALTER TABLE outcomes ADD COLUMN occurred_on TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00.000000+00:00';
-- (The default only fills the column until the UPDATE below; every insert
-- gives the day.)
-- recorded_at is fixed-width UTC text (store.sqliteTime): its first ten
-- characters are the day.
UPDATE outcomes SET occurred_on = substr(recorded_at, 1, 10) || ' 00:00:00.000000+00:00';
ALTER TABLE outcomes ADD COLUMN after_release BOOLEAN NOT NULL DEFAULT 0;
CREATE INDEX outcomes_kind_occurred ON outcomes (kind, occurred_on);

-- A program's own outcome kinds beside the built-in ones: [{"key","label"}].
ALTER TABLE programs ADD COLUMN own_outcome_kinds TEXT NOT NULL DEFAULT '[]';
