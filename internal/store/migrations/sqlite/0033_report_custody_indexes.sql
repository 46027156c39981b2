-- The custody figures of the outcomes report (reports.go) read the cases
-- in custody and those at a facility along these indexes alone, rather
-- than looking up every case of the programs in the table: a tenth to a
-- third of the cases have a custody phase.

-- The open cases in custody or after release, by program.
CREATE INDEX cases_custody ON cases (program_id, released_on, id) WHERE custody_phase <> '';
-- The people released in a period, by program.
DROP INDEX cases_released;
CREATE INDEX cases_released ON cases (program_id, released_on, mentee_id) WHERE released_on IS NOT NULL;
-- The people at each facility.
DROP INDEX cases_facility;
CREATE INDEX cases_facility ON cases (facility_id, program_id, released_on, mentee_id, id) WHERE facility_id IS NOT NULL;
