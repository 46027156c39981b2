-- Mentors: an application sent through the public form is the first stage
-- of a Mentor, one person in one program. The table of applications becomes
-- the table of mentors; the sealed columns of 0008 keep the place they were
-- sealed under ("mentor_applications", see store.mentorSealTable).
ALTER TABLE mentor_applications RENAME TO mentors;
ALTER TABLE mentors RENAME COLUMN status TO stage;
DROP INDEX mentor_applications_program;
-- application: the public form; account: an administrator made a mentor
-- account in the program (name and email are the account's).
ALTER TABLE mentors ADD COLUMN origin TEXT NOT NULL DEFAULT 'application';
-- The account, from the moment the mentor is accepted (invited).
ALTER TABLE mentors ADD COLUMN user_id INTEGER REFERENCES users (id);
ALTER TABLE mentors ADD COLUMN gender TEXT NOT NULL DEFAULT '';
-- What the mentor has lived through (JSON array of mentors.ExperienceTags), sealed.
ALTER TABLE mentors ADD COLUMN experience_tags_sealed BLOB;
-- The mentor's own number of mentees at once; 0 takes the program's.
ALTER TABLE mentors ADD COLUMN capacity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mentors ADD COLUMN paused_until TIMESTAMP;
ALTER TABLE mentors ADD COLUMN accepted_at TIMESTAMP;
ALTER TABLE mentors ADD COLUMN retired_at TIMESTAMP;
-- The board and the coordinator's view list a program's mentors by stage.
CREATE INDEX mentors_program_stage ON mentors (program_id, stage, created_at, id);
-- One mentor per account and program; the account's home page finds them.
CREATE UNIQUE INDEX mentors_user_program ON mentors (user_id, program_id) WHERE user_id IS NOT NULL;

-- Interview and screening notes, sealed under the mentor's data key.
CREATE TABLE mentor_notes (
    id          INTEGER PRIMARY KEY,
    mentor_id   INTEGER NOT NULL REFERENCES mentors (id),
    body_sealed BLOB NOT NULL,
    author_id   INTEGER REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX mentor_notes_mentor ON mentor_notes (mentor_id, id);

-- Checks (background check, reference, signed agreement…); the newest of a
-- kind counts. expires_on NULL: it does not expire.
CREATE TABLE mentor_checks (
    id          INTEGER PRIMARY KEY,
    mentor_id   INTEGER NOT NULL REFERENCES mentors (id),
    kind        TEXT NOT NULL,
    result      TEXT NOT NULL,
    done_on     TIMESTAMP NOT NULL,
    expires_on  TIMESTAMP,
    recorded_by INTEGER REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX mentor_checks_mentor ON mentor_checks (mentor_id, kind, done_on, id);

-- Training modules of a program, and mentors' completions of them.
CREATE TABLE training_modules (
    id          INTEGER PRIMARY KEY,
    program_id  INTEGER NOT NULL REFERENCES programs (id),
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    required    BOOLEAN NOT NULL DEFAULT 1,
    archived    BOOLEAN NOT NULL DEFAULT 0,
    position    INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX training_modules_program ON training_modules (program_id, position, id);

CREATE TABLE training_completions (
    mentor_id    INTEGER NOT NULL REFERENCES mentors (id),
    module_id    INTEGER NOT NULL REFERENCES training_modules (id),
    status       TEXT NOT NULL, -- reported, confirmed
    reported_at  TIMESTAMP,
    confirmed_by INTEGER REFERENCES users (id),
    confirmed_at TIMESTAMP,
    PRIMARY KEY (mentor_id, module_id)
);
CREATE INDEX training_completions_module ON training_completions (module_id, mentor_id);

-- Program settings of matching. Programs made before this migration require
-- no check, so that their mentors stay matchable until a coordinator
-- chooses; new programs start with a background check and a signed agreement.
ALTER TABLE programs ADD COLUMN mentor_checks TEXT NOT NULL DEFAULT '[]';
ALTER TABLE programs ADD COLUMN hours_per_contact REAL NOT NULL DEFAULT 1.5;
ALTER TABLE programs ADD COLUMN match_weights TEXT NOT NULL DEFAULT '{"language":3,"place":1,"availability":2,"skills":3,"preferences":2,"lived_experience":1}';

-- What a mentee wishes of a mentor and what they lived through (JSON of
-- store.matchProfile), sealed under the mentee's data key.
ALTER TABLE cases ADD COLUMN match_profile_sealed BLOB;
-- The waiting cases of a program, for matching.
CREATE INDEX cases_program_state_opened ON cases (program_id, state, opened_at, id);
