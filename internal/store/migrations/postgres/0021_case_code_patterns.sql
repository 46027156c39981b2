-- A program's case code pattern (e.g. VOL-{year}-{n:3}; '' when
-- coordinators type every code) and its counter: the {n} of the next
-- intake, taken and raised in the intake's transaction, so that it never
-- repeats.
ALTER TABLE programs ADD COLUMN case_code_pattern TEXT NOT NULL DEFAULT '';
ALTER TABLE programs ADD COLUMN case_code_next INTEGER NOT NULL DEFAULT 1;
