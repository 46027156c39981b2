-- Time zones (IANA names, e.g. "Europe/Prague"): a program's, which its
-- people's times are shown in unless they chose their own, and a user's own
-- ('' follows their program's). Every instant stays stored in UTC; the zone
-- only decides how times are shown and how typed times are read.
ALTER TABLE programs ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
