-- People who sign in, their programs, one-time links, sessions and login throttling.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL,
    email_key      TEXT NOT NULL, -- email folded to lower case in Go
    name           TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL,
    status         TEXT NOT NULL, -- invited, active, disabled
    password_hash  TEXT NOT NULL DEFAULT '',
    data_key_id    INTEGER REFERENCES data_keys (id), -- seals the second-factor secrets
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email_key);

-- The programs a user works in; every role but admin sees only these.
CREATE TABLE user_programs (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    program_id INTEGER NOT NULL REFERENCES programs (id),
    PRIMARY KEY (user_id, program_id)
);
CREATE INDEX user_programs_program ON user_programs (program_id, user_id);

-- One-time links: first-admin setup, invitations, password resets. Only the
-- token's hash is stored.
CREATE TABLE one_time_links (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL,
    purpose    TEXT NOT NULL, -- setup, invite, reset
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE UNIQUE INDEX one_time_links_token ON one_time_links (token_hash);

-- Sessions: only the token's hash is stored.
CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    token_hash    BLOB NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    TIMESTAMP NOT NULL,
    last_seen_at  TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL, -- the absolute lifetime
    address       TEXT NOT NULL DEFAULT '',
    user_agent    TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX sessions_token ON sessions (token_hash);
CREATE INDEX sessions_user ON sessions (user_id, id);

-- Failed sign-ins per account and per address, for throttling and lockout.
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY, -- "account:<email_key>" or "address:<ip>"
    failures     INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);
