-- A mentee's portal account does not name the person (issue 18): its
-- e-mail address is sealed under the account's data key (email_sealed),
-- email is left empty, and email_key holds a keyed hash of the address
-- (HMAC under a key derived from the search key, which the database only
-- holds sealed), through which signing in finds the account. Staff keep
-- their readable address. The store seals what older versions wrote when
-- it opens the database with its key file (sealLegacyMenteeEmails).
ALTER TABLE users ADD COLUMN email_sealed BLOB;

-- Mentee accounts whose address is still readable (written before this
-- migration), found at each start without reading the whole users table.
CREATE INDEX users_legacy_mentee_email ON users (role, id) WHERE role = 'mentee' AND email <> '';
