-- Facilities: the prisons and remand centres of a custody program, kept by
-- its coordinators. A case in custody points at one of its program's
-- facilities (the sealed facility_sealed stays as the facility's detail,
-- e.g. the unit), and records the day of release, so that "released in a
-- period" and "clients per facility" can be counted.
CREATE TABLE facilities (
    id         INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs (id),
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL, -- name folded to lower case in Go: one facility per name and program
    kind       TEXT NOT NULL, -- prison, remand, other (program.FacilityKinds)
    archived   BOOLEAN NOT NULL DEFAULT 0,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX facilities_program ON facilities (program_id, archived, name, id);
CREATE UNIQUE INDEX facilities_name ON facilities (program_id, name_key);

ALTER TABLE cases ADD COLUMN facility_id INTEGER REFERENCES facilities (id);
ALTER TABLE cases ADD COLUMN released_on TIMESTAMP;
CREATE INDEX cases_facility ON cases (facility_id) WHERE facility_id IS NOT NULL;
CREATE INDEX cases_released ON cases (program_id, released_on) WHERE released_on IS NOT NULL;
