-- Partners: the directory of partner organisations and their services (in
-- the terms of HSDS 3.0), shared by every program of the installation, and
-- the referrals that send a case's mentee to a service.
CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    hsds_id     TEXT NOT NULL, -- the HSDS identifier (a UUID); imports find the organisation by it
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL, -- name folded to lower case in Go, for order and search
    description TEXT NOT NULL DEFAULT '',
    website     TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    contacts    TEXT NOT NULL DEFAULT '[]', -- JSON array of partners.Contact
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX organizations_hsds ON organizations (hsds_id);
CREATE INDEX organizations_name ON organizations (name_key, id);

CREATE TABLE services (
    id                  INTEGER PRIMARY KEY,
    hsds_id             TEXT NOT NULL,
    organization_id     INTEGER NOT NULL REFERENCES organizations (id),
    name                TEXT NOT NULL,
    name_key            TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL,
    email               TEXT NOT NULL DEFAULT '',
    url                 TEXT NOT NULL DEFAULT '',
    eligibility         TEXT NOT NULL DEFAULT '',
    application_process TEXT NOT NULL DEFAULT '',
    fees                TEXT NOT NULL DEFAULT '',
    schedule            TEXT NOT NULL DEFAULT '',
    required_documents  TEXT NOT NULL DEFAULT '[]', -- JSON array of text
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX services_hsds ON services (hsds_id);
CREATE INDEX services_organization ON services (organization_id, name_key, id);
CREATE INDEX services_name ON services (status, name_key, id);

-- What the directory filters by, one row per value.
CREATE TABLE service_domains (
    service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    domain     TEXT NOT NULL,
    PRIMARY KEY (service_id, domain)
);
CREATE INDEX service_domains_domain ON service_domains (domain, service_id);
CREATE TABLE service_languages (
    service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    language   TEXT NOT NULL,
    PRIMARY KEY (service_id, language)
);
CREATE INDEX service_languages_language ON service_languages (language, service_id);
CREATE TABLE service_areas (
    service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    country    TEXT NOT NULL,
    city       TEXT NOT NULL DEFAULT '', -- '' for the whole country
    city_key   TEXT NOT NULL DEFAULT '', -- city folded to lower case in Go
    PRIMARY KEY (service_id, position)
);
CREATE INDEX service_areas_place ON service_areas (country, city_key, service_id);

-- A partner user belongs to one organisation and sees its referrals only.
ALTER TABLE users ADD COLUMN organization_id INTEGER REFERENCES organizations (id);
CREATE INDEX users_organization ON users (organization_id) WHERE organization_id IS NOT NULL;

CREATE TABLE referrals (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases (id),
    program_id      INTEGER NOT NULL REFERENCES programs (id),
    service_id      INTEGER NOT NULL REFERENCES services (id),
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    domain          TEXT NOT NULL DEFAULT '',
    message_sealed  BLOB NOT NULL,          -- what is asked, for the partner; sealed under the mentee's key
    share           TEXT NOT NULL DEFAULT '[]', -- the names of the shared fields (JSON), no values
    shared_sealed   BLOB,                   -- the shared values as sent (JSON), sealed
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    channel         TEXT NOT NULL,
    consent_given   BOOLEAN NOT NULL DEFAULT 0,
    consent_note_sealed BLOB,           -- how the mentee agreed, sealed
    consent_by      INTEGER REFERENCES users (id),
    consent_at      TIMESTAMP,
    created_by      INTEGER REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP,
    answered_at     TIMESTAMP,
    updated_at      TIMESTAMP NOT NULL,
    outcome_id      INTEGER REFERENCES outcomes (id),
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX referrals_case ON referrals (case_id, id);
-- The partner's inbox: its organisation's referrals, newest change first.
CREATE INDEX referrals_organization ON referrals (organization_id, updated_at, id);
-- Each service's results.
CREATE INDEX referrals_service ON referrals (service_id, status);
-- The coordinator's list of referrals waiting for an answer.
CREATE INDEX referrals_program_status ON referrals (program_id, status, sent_at, id);

CREATE TABLE referral_events (
    id             INTEGER PRIMARY KEY,
    referral_id    INTEGER NOT NULL REFERENCES referrals (id),
    from_status    TEXT NOT NULL,
    status         TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    message_sealed BLOB,
    side           TEXT NOT NULL, -- referrer, partner
    by_user        INTEGER REFERENCES users (id),
    at             TIMESTAMP NOT NULL
);
CREATE INDEX referral_events_referral ON referral_events (referral_id, id);

-- An outcome recorded from a referral that got help.
ALTER TABLE outcomes ADD COLUMN referral_id INTEGER REFERENCES referrals (id);
-- Days without an answer after which a sent referral is shown as waiting.
ALTER TABLE programs ADD COLUMN referral_reminder_days INTEGER NOT NULL DEFAULT 7;
