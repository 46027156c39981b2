-- Second factors, API tokens, and the stage a session has reached.

-- A session starts at the stage its user must pass next: 'challenge' (prove
-- a second factor), 'enrol' (set one up, required for the role) or 'full'.
-- Only a full session may use anything but the second-factor pages.
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full';
-- A passkey ceremony in progress (go-webauthn's session data as JSON),
-- bound to this session and kept until it finishes or the next one starts.
ALTER TABLE sessions ADD COLUMN ceremony TEXT NOT NULL DEFAULT '';

-- Programs may require a second factor of their mentees too.
ALTER TABLE programs ADD COLUMN mentee_second_factor BOOLEAN NOT NULL DEFAULT 0;

-- One TOTP authenticator per user. The secret is sealed under the user's
-- data key (users.data_key_id); last_step is the newest time step used, so a
-- code is never accepted twice. While enrolment is not finished the secret
-- belongs to the session that began it (session_id): no other session sees
-- it or confirms it.
CREATE TABLE totp_factors (
    user_id       INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed BLOB NOT NULL,
    confirmed_at  TIMESTAMP, -- NULL while enrolment is not finished
    last_step     INTEGER NOT NULL DEFAULT 0,
    session_id    INTEGER, -- the enrolling session, until confirmed
    created_at    TIMESTAMP NOT NULL
);

-- Recovery codes: only their hashes; each is used once.
CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL,
    used_at   TIMESTAMP
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- Passkeys (WebAuthn credentials). The credential record holds the public
-- key and counters, nothing secret.
CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    credential_id BLOB NOT NULL,
    credential    TEXT NOT NULL, -- go-webauthn's Credential as JSON
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP
);
CREATE UNIQUE INDEX passkeys_credential ON passkeys (credential_id);
CREATE INDEX passkeys_user ON passkeys (user_id, id);

-- API tokens: only the token's hash is stored.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE UNIQUE INDEX api_tokens_token ON api_tokens (token_hash);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);
