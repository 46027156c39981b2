-- When the session last proved its person: the password and the second
-- factor (or the password alone for a person without one) at sign-in or on
-- the "confirm it is you" page. Creating API tokens, changing second
-- factors, new recovery codes, a person's export and approving an erasure
-- ask for a proof within the last ten minutes. Sessions from before have
-- none, so they are asked.
ALTER TABLE sessions ADD COLUMN proved_at TIMESTAMP;
