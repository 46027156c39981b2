-- Applications to mentor in a program, sent through the public form (no
-- login). Who the applicant is (name, email, phone) and what they write about
-- themselves (motivation, professional background, lived experience) is
-- sealed (columns ending in _sealed) under the application's own data key:
-- destroying that key erases it, backups included. What matching needs
-- (languages, place, skills, availability, preferences) stays readable.
CREATE TABLE mentor_applications (
    id                      INTEGER PRIMARY KEY,
    program_id              INTEGER NOT NULL REFERENCES programs (id),
    status                  TEXT NOT NULL DEFAULT 'new',
    data_key_id             INTEGER NOT NULL REFERENCES data_keys (id),
    full_name_sealed        BLOB NOT NULL,
    email_sealed            BLOB NOT NULL,
    phone_sealed            BLOB,
    motivation_sealed       BLOB NOT NULL,
    background_sealed       BLOB,
    lived_experience_sealed BLOB,
    languages               TEXT NOT NULL DEFAULT '[]', -- JSON array of ISO 639-1 codes
    country                 TEXT NOT NULL DEFAULT '',
    city                    TEXT NOT NULL DEFAULT '',
    skills                  TEXT NOT NULL DEFAULT '',
    need_domains            TEXT NOT NULL DEFAULT '[]', -- JSON array: the program's domains they can help with
    hours_per_week          INTEGER NOT NULL,
    times                   TEXT NOT NULL DEFAULT '[]', -- JSON array of mentors.Times
    preferences             TEXT NOT NULL DEFAULT '',
    preference_tags         TEXT NOT NULL DEFAULT '[]', -- JSON array of mentors.PreferenceTags
    consent_at              TIMESTAMP NOT NULL,
    version                 INTEGER NOT NULL DEFAULT 1,
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL
);
-- The screening board lists a program's applications by status, newest first.
CREATE INDEX mentor_applications_program ON mentor_applications (program_id, status, created_at, id);

-- A key for signing the public forms' hidden fields (the minimum fill time):
-- a data key like any other, so the key file seals it; one row.
CREATE TABLE form_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    data_key_id INTEGER NOT NULL REFERENCES data_keys (id)
);

-- A program opens its public application form explicitly: the form shows
-- the program's name and description to anyone.
ALTER TABLE programs ADD COLUMN applications_open BOOLEAN NOT NULL DEFAULT 0;
