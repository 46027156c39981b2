-- The administration's user list: filtered by role or by status, in email
-- order, one keyset page at a time. (The audit viewer's filters are served
-- by the indexes of 0002: actor, object, and time.)
-- The name folded to lower case in Go (as programs.name_key), searched
-- together with email_key.
ALTER TABLE users ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX users_role ON users (role, email_key);
CREATE INDEX users_status ON users (status, email_key);
