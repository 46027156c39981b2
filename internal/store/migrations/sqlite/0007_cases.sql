-- The case journey: mentees, their cases, and everything recorded along the
-- way. Sensitive text is sealed (columns ending in _sealed) under the
-- mentee's data key (mentees.data_key_id): destroying that key erases the
-- person's protected data everywhere, backups included. Lists are served by
-- the indexes below; every list query is scoped and keyset-paged.

-- A key for the blind index of name words (a data key like any other, so
-- the key file seals it); one row.
CREATE TABLE search_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    data_key_id INTEGER NOT NULL REFERENCES data_keys (id)
);

CREATE TABLE mentees (
    id                      INTEGER PRIMARY KEY,
    case_code               TEXT NOT NULL,
    data_key_id             INTEGER NOT NULL REFERENCES data_keys (id),
    full_name_sealed        BLOB NOT NULL,
    birth_year              INTEGER NOT NULL DEFAULT 0,
    gender                  TEXT NOT NULL DEFAULT '',
    languages               TEXT NOT NULL DEFAULT '[]', -- JSON array
    country                 TEXT NOT NULL DEFAULT '',
    city                    TEXT NOT NULL DEFAULT '',
    family                  TEXT NOT NULL DEFAULT '',
    children                INTEGER NOT NULL DEFAULT 0,
    occupation              TEXT NOT NULL DEFAULT '',
    contact_channels_sealed BLOB, -- safe ways to reach the person
    contact_times           TEXT NOT NULL DEFAULT '',
    referral_source         TEXT NOT NULL DEFAULT '',
    user_id                 INTEGER REFERENCES users (id), -- the portal account
    -- The sensitive history, one sealed value per part, and the parts the
    -- mentee chose to share with their mentor (JSON array), recorded by whom and when.
    persecution_sealed      BLOB,
    arrests_sealed          BLOB,
    sentence_sealed         BLOB,
    criminal_record_sealed  BLOB,
    health_sealed           BLOB,
    shared_parts            TEXT NOT NULL DEFAULT '[]',
    shared_by               INTEGER REFERENCES users (id),
    shared_at               TIMESTAMP,
    history_version         INTEGER NOT NULL DEFAULT 1,
    version                 INTEGER NOT NULL DEFAULT 1,
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX mentees_case_code ON mentees (case_code);
CREATE UNIQUE INDEX mentees_user ON mentees (user_id) WHERE user_id IS NOT NULL;

-- Blind index of the words of mentees' names (HMAC under the search key),
-- for the duplicate check without a readable name in the database.
CREATE TABLE mentee_name_words (
    word      BLOB NOT NULL,
    mentee_id INTEGER NOT NULL REFERENCES mentees (id) ON DELETE CASCADE,
    PRIMARY KEY (word, mentee_id)
);
CREATE INDEX mentee_name_words_mentee ON mentee_name_words (mentee_id);

-- Consents, each given or withdrawn with a date and who recorded it; the
-- newest of a kind is in force.
CREATE TABLE consents (
    id          INTEGER PRIMARY KEY,
    mentee_id   INTEGER NOT NULL REFERENCES mentees (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    given       BOOLEAN NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX consents_mentee ON consents (mentee_id, kind, id);

-- One mentee in one program. contact_due_at and quiet_at are the progress
-- signals, kept by every write that moves them ('9999-12-31' when they do
-- not apply, so that they sort and compare alike on both engines).
CREATE TABLE cases (
    id                  INTEGER PRIMARY KEY,
    mentee_id           INTEGER NOT NULL REFERENCES mentees (id),
    program_id          INTEGER NOT NULL REFERENCES programs (id),
    case_code           TEXT NOT NULL,
    state               TEXT NOT NULL,
    closure_reason      TEXT NOT NULL DEFAULT '',
    period              INTEGER NOT NULL DEFAULT 1,
    mentor_id           INTEGER REFERENCES users (id),
    psychologist_id     INTEGER REFERENCES users (id),
    opened_at           TIMESTAMP NOT NULL,
    state_since         TIMESTAMP NOT NULL,
    active_since        TIMESTAMP,
    last_contact_at     TIMESTAMP,
    last_request_at     TIMESTAMP,
    contact_due_at      TIMESTAMP NOT NULL,
    quiet_at            TIMESTAMP NOT NULL,
    custody_phase       TEXT NOT NULL DEFAULT '',
    expected_release    TIMESTAMP,
    facility_sealed     BLOB,
    release_plan_sealed BLOB, -- JSON of cases.ReleasePlan
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX cases_mentee_program ON cases (mentee_id, program_id);
CREATE INDEX cases_program_due ON cases (program_id, contact_due_at, id);
CREATE INDEX cases_program_state_due ON cases (program_id, state, contact_due_at, id);
CREATE INDEX cases_program_code ON cases (program_id, case_code, id);
CREATE INDEX cases_program_opened ON cases (program_id, opened_at, id);
CREATE INDEX cases_program_quiet ON cases (program_id, quiet_at, id);
CREATE INDEX cases_mentor ON cases (mentor_id, contact_due_at, id);
CREATE INDEX cases_psychologist ON cases (psychologist_id, contact_due_at, id);

CREATE TABLE case_transitions (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    period         INTEGER NOT NULL,
    from_state     TEXT NOT NULL,
    to_state       TEXT NOT NULL,
    closure_reason TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    actor_id       INTEGER REFERENCES users (id),
    at             TIMESTAMP NOT NULL
);
CREATE INDEX case_transitions_case ON case_transitions (case_id, id);

-- A mentor on a case, with history: ended_at is set when the match ends.
CREATE TABLE matches (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    mentor_id   INTEGER NOT NULL REFERENCES users (id),
    period      INTEGER NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    assigned_by INTEGER REFERENCES users (id),
    ended_at    TIMESTAMP,
    end_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX matches_case ON matches (case_id, id);
CREATE INDEX matches_mentor ON matches (mentor_id, ended_at);

-- Needs: every assessment of a domain is a row; current marks the newest.
CREATE TABLE needs (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    period      INTEGER NOT NULL,
    domain      TEXT NOT NULL,
    severity    TEXT NOT NULL,
    status      TEXT NOT NULL,
    current     BOOLEAN NOT NULL,
    previous_id INTEGER REFERENCES needs (id),
    assessed_by INTEGER REFERENCES users (id),
    assessed_at TIMESTAMP NOT NULL
);
CREATE INDEX needs_case ON needs (case_id, domain, id);
CREATE INDEX needs_current ON needs (domain, case_id) WHERE current;

CREATE TABLE plan_steps (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    period     INTEGER NOT NULL,
    title      TEXT NOT NULL,
    domain     TEXT NOT NULL DEFAULT '',
    owner      TEXT NOT NULL,
    due_on     TIMESTAMP,
    status     TEXT NOT NULL,
    done_at    TIMESTAMP,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_steps_case ON plan_steps (case_id, id);

CREATE TABLE contacts (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    at             TIMESTAMP NOT NULL,
    channel        TEXT NOT NULL,
    minutes        INTEGER NOT NULL DEFAULT 0,
    summary_sealed BLOB,
    needs          TEXT NOT NULL DEFAULT '[]', -- JSON array of domains
    recorded_by    INTEGER REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX contacts_case ON contacts (case_id, at, id);

CREATE TABLE requests (
    id                INTEGER PRIMARY KEY,
    case_id           INTEGER NOT NULL REFERENCES cases (id),
    period            INTEGER NOT NULL,
    domain            TEXT NOT NULL,
    urgency           TEXT NOT NULL,
    text_sealed       BLOB,
    status            TEXT NOT NULL,
    resolution_sealed BLOB,
    raised_by_mentee  BOOLEAN NOT NULL DEFAULT 0,
    recorded_by       INTEGER REFERENCES users (id),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    resolved_at       TIMESTAMP,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX requests_case ON requests (case_id, created_at, id);

CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    visibility  TEXT NOT NULL,
    body_sealed BLOB NOT NULL,
    author_id   INTEGER REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX notes_case ON notes (case_id, visibility, id);

-- The closing steps of each period of a case.
CREATE TABLE closings (
    case_id            INTEGER NOT NULL REFERENCES cases (id),
    period             INTEGER NOT NULL,
    readiness_asked_at TIMESTAMP,
    readiness_asked_by INTEGER REFERENCES users (id),
    agreed_at          TIMESTAMP,
    agreed_by          INTEGER REFERENCES users (id),
    agreed_in_portal   BOOLEAN NOT NULL DEFAULT 0,
    final_meeting_at   TIMESTAMP,
    final_meeting_by   INTEGER REFERENCES users (id),
    closed_at          TIMESTAMP,
    closure_reason     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, period)
);

CREATE TABLE feedback (
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    period      INTEGER NOT NULL,
    declined    BOOLEAN NOT NULL DEFAULT 0,
    support     INTEGER NOT NULL DEFAULT 0,
    mentor      INTEGER NOT NULL DEFAULT 0,
    plan        INTEGER NOT NULL DEFAULT 0,
    recommend   INTEGER NOT NULL DEFAULT 0,
    text_sealed BLOB,
    in_portal   BOOLEAN NOT NULL DEFAULT 0,
    recorded_by INTEGER REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, period)
);

CREATE TABLE outcomes (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    period      INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX outcomes_case ON outcomes (case_id, id);
CREATE INDEX outcomes_kind ON outcomes (kind, recorded_at);

CREATE TABLE follow_ups (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    period      INTEGER NOT NULL,
    months      INTEGER NOT NULL,
    due_on      TIMESTAMP NOT NULL,
    done_at     TIMESTAMP,
    work_kept   TEXT NOT NULL DEFAULT '',
    housing     TEXT NOT NULL DEFAULT '',
    rearrested  TEXT NOT NULL DEFAULT '',
    note_sealed BLOB,
    recorded_by INTEGER REFERENCES users (id),
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX follow_ups_case ON follow_ups (case_id, period, months);
CREATE INDEX follow_ups_due ON follow_ups (due_on, id) WHERE done_at IS NULL;
