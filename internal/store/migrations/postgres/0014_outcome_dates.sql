-- An outcome's own date (a day, stored as midnight UTC), which may lie
-- before the day it was recorded; existing outcomes happened the day they
-- were recorded. after_release: the outcome came after the person's release.
ALTER TABLE outcomes ADD COLUMN occurred_on TIMESTAMPTZ NOT NULL DEFAULT '1970-01-01 00:00:00.000000+00:00';
UPDATE outcomes SET occurred_on = date_trunc('day', recorded_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
ALTER TABLE outcomes ADD COLUMN after_release BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX outcomes_kind_occurred ON outcomes (kind, occurred_on);

-- A program's own outcome kinds beside the built-in ones: [{"key","label"}].
ALTER TABLE programs ADD COLUMN own_outcome_kinds TEXT NOT NULL DEFAULT '[]';
