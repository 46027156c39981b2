-- The custody, mentor and contact figures of the outcomes report
-- (reports.go). The custody figures read the cases in custody and those at
-- a facility along these indexes alone, rather than looking up every case
-- of the programs in the table: a tenth to a third of the cases have a
-- custody phase.

-- The open cases in custody or after release, by program.
CREATE INDEX cases_custody ON cases (program_id, released_on, id) WHERE custody_phase <> '';
-- The people released in a period, by program.
DROP INDEX cases_released;
CREATE INDEX cases_released ON cases (program_id, released_on, mentee_id) WHERE released_on IS NOT NULL;
-- The people at each facility.
DROP INDEX cases_facility;
CREATE INDEX cases_facility ON cases (facility_id, program_id, released_on, mentee_id, id) WHERE facility_id IS NOT NULL;

-- The mentors who applied, were accepted and retired, without reading
-- every mentor's row; the training confirmed in a period, with its module
-- and mentor.
CREATE INDEX mentors_report ON mentors (program_id, origin, created_at, accepted_at, retired_at);
CREATE INDEX training_completions_confirmed ON training_completions (status, confirmed_at, module_id, mentor_id);

-- The contacts without minutes (which count their program's hours per
-- contact) of each case: on SQLite the report counts them case by case.
CREATE INDEX contacts_unrecorded_case ON contacts (case_id, at) WHERE minutes <= 0;
