-- The report's facts of every calendar month (UTC) that has ended, counted by the
-- report-months job (Store.RollUpReportMonths): see report_months.go.
CREATE TABLE report_months (
    program_id INTEGER NOT NULL,          -- 0: every program together (people counted once across them)
    position   INTEGER NOT NULL,          -- 2 × (year × 12 + month − 1); 2 × that − 1 for the instant the month begins
    fact       TEXT NOT NULL,
    item       TEXT NOT NULL DEFAULT '',
    mark       INTEGER NOT NULL DEFAULT -1,
    n          INTEGER NOT NULL DEFAULT 0,
    amount     REAL NOT NULL DEFAULT 0
);
CREATE INDEX report_months_program ON report_months (program_id, position);
-- The rollup holds every month that ended before both rolled_until and counted_until. A
-- change to a counted row at a time before rolled_until moves it back to that time (the
-- triggers below) and counts the move in generation. The job moves rolled_until forward
-- (and counted_until back to where its count begins) before it counts, and moves
-- counted_until forward with its rows only if generation has not moved since: a rollup
-- counted before a change is never stored.
CREATE TABLE report_months_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    rolled_until  TIMESTAMP NOT NULL,
    counted_until TIMESTAMP NOT NULL,
    generation    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO report_months_state (id, rolled_until, counted_until, generation) VALUES (1, '0001-01-01 00:00:00.000000+00:00', '0001-01-01 00:00:00.000000+00:00', 0);

-- The triggers: every change to a row that the report counts, at a time T
-- before rolled_until, moves rolled_until back to T in the change's own
-- transaction. T is the earliest time the change touches (NULL times, such
-- as a referral not sent yet, touch nothing: rolled_until > NULL is never
-- true); a change that alters how every month counts (a program's hours per
-- contact, a training module) moves it back to the year 1. A change at or
-- after rolled_until (the usual one: something happening now) matches no
-- row and writes nothing. An update fires only when a counted column
-- really changed (UPDATE OF and the WHEN); the times are fixed-width UTC
-- text, which compares and min()s as time. min(coalesce(a, b),
-- coalesce(b, a)) is the earlier of a and b that is not NULL; among more
-- times, ifnull(a, '9999-12-31') leaves a NULL out (if every time is NULL,
-- rolled_until is never later than that).

-- Transitions: at.
CREATE TRIGGER report_months_case_transitions_insert AFTER INSERT ON case_transitions
BEGIN
    UPDATE report_months_state SET rolled_until = NEW.at, generation = generation + 1
        WHERE id = 1 AND rolled_until > NEW.at;
END;
CREATE TRIGGER report_months_case_transitions_delete AFTER DELETE ON case_transitions
BEGIN
    UPDATE report_months_state SET rolled_until = OLD.at, generation = generation + 1
        WHERE id = 1 AND rolled_until > OLD.at;
END;
CREATE TRIGGER report_months_case_transitions_update
    AFTER UPDATE OF case_id, period, from_state, to_state, closure_reason, at ON case_transitions
    WHEN OLD.case_id IS NOT NEW.case_id OR OLD.period IS NOT NEW.period OR OLD.from_state IS NOT NEW.from_state
        OR OLD.to_state IS NOT NEW.to_state OR OLD.closure_reason IS NOT NEW.closure_reason OR OLD.at IS NOT NEW.at
BEGIN
    UPDATE report_months_state SET rolled_until = min(OLD.at, NEW.at), generation = generation + 1
        WHERE id = 1 AND rolled_until > min(OLD.at, NEW.at);
END;

-- Matches: started_at; ending a match counts at the time it ended.
CREATE TRIGGER report_months_matches_insert AFTER INSERT ON matches
BEGIN
    UPDATE report_months_state SET rolled_until = NEW.started_at, generation = generation + 1
        WHERE id = 1 AND rolled_until > NEW.started_at;
END;
CREATE TRIGGER report_months_matches_delete AFTER DELETE ON matches
BEGIN
    UPDATE report_months_state SET rolled_until = OLD.started_at, generation = generation + 1
        WHERE id = 1 AND rolled_until > OLD.started_at;
END;
CREATE TRIGGER report_months_matches_update AFTER UPDATE OF case_id, mentor_id, period, started_at ON matches
    WHEN OLD.case_id IS NOT NEW.case_id OR OLD.mentor_id IS NOT NEW.mentor_id OR OLD.period IS NOT NEW.period
        OR OLD.started_at IS NOT NEW.started_at
BEGIN
    UPDATE report_months_state SET rolled_until = min(OLD.started_at, NEW.started_at), generation = generation + 1
        WHERE id = 1 AND rolled_until > min(OLD.started_at, NEW.started_at);
END;
CREATE TRIGGER report_months_matches_update_ended AFTER UPDATE OF ended_at ON matches
    WHEN OLD.ended_at IS NOT NEW.ended_at
BEGIN
    UPDATE report_months_state
        SET rolled_until = min(coalesce(OLD.ended_at, NEW.ended_at), coalesce(NEW.ended_at, OLD.ended_at)),
            generation = generation + 1
        WHERE id = 1 AND rolled_until > min(coalesce(OLD.ended_at, NEW.ended_at), coalesce(NEW.ended_at, OLD.ended_at));
END;

-- Contacts: at (a contact's summary and who recorded it are not counted).
CREATE TRIGGER report_months_contacts_insert AFTER INSERT ON contacts
BEGIN
    UPDATE report_months_state SET rolled_until = NEW.at, generation = generation + 1
        WHERE id = 1 AND rolled_until > NEW.at;
END;
CREATE TRIGGER report_months_contacts_delete AFTER DELETE ON contacts
BEGIN
    UPDATE report_months_state SET rolled_until = OLD.at, generation = generation + 1
        WHERE id = 1 AND rolled_until > OLD.at;
END;
CREATE TRIGGER report_months_contacts_update AFTER UPDATE OF case_id, channel, minutes, at ON contacts
    WHEN OLD.case_id IS NOT NEW.case_id OR OLD.channel IS NOT NEW.channel OR OLD.minutes IS NOT NEW.minutes
        OR OLD.at IS NOT NEW.at
BEGIN
    UPDATE report_months_state SET rolled_until = min(OLD.at, NEW.at), generation = generation + 1
        WHERE id = 1 AND rolled_until > min(OLD.at, NEW.at);
END;

-- Referrals: sent_at (NULL until sent).
CREATE TRIGGER report_months_referrals_insert AFTER INSERT ON referrals
BEGIN
    UPDATE report_months_state SET rolled_until = NEW.sent_at, generation = generation + 1
        WHERE id = 1 AND rolled_until > NEW.sent_at;
END;
CREATE TRIGGER report_months_referrals_delete AFTER DELETE ON referrals
BEGIN
    UPDATE report_months_state SET rolled_until = OLD.sent_at, generation = generation + 1
        WHERE id = 1 AND rolled_until > OLD.sent_at;
END;
CREATE TRIGGER report_months_referrals_update AFTER UPDATE OF sent_at, domain, partner_id, program_id, case_id ON referrals
    WHEN OLD.sent_at IS NOT NEW.sent_at OR OLD.domain IS NOT NEW.domain OR OLD.partner_id IS NOT NEW.partner_id
        OR OLD.program_id IS NOT NEW.program_id OR OLD.case_id IS NOT NEW.case_id
BEGIN
    UPDATE report_months_state
        SET rolled_until = min(coalesce(OLD.sent_at, NEW.sent_at), coalesce(NEW.sent_at, OLD.sent_at)),
            generation = generation + 1
        WHERE id = 1 AND rolled_until > min(coalesce(OLD.sent_at, NEW.sent_at), coalesce(NEW.sent_at, OLD.sent_at));
END;

-- Referral events: at.
CREATE TRIGGER report_months_referral_events_insert AFTER INSERT ON referral_events
BEGIN
    UPDATE report_months_state SET rolled_until = NEW.at, generation = generation + 1
        WHERE id = 1 AND rolled_until > NEW.at;
END;
CREATE TRIGGER report_months_referral_events_delete AFTER DELETE ON referral_events
BEGIN
    UPDATE report_months_state SET rolled_until = OLD.at, generation = generation + 1
        WHERE id = 1 AND rolled_until > OLD.at;
END;
CREATE TRIGGER report_months_referral_events_update AFTER UPDATE OF referral_id, status, at ON referral_events
    WHEN OLD.referral_id IS NOT NEW.referral_id OR OLD.status IS NOT NEW.status OR OLD.at IS NOT NEW.at
BEGIN
    UPDATE report_months_state SET rolled_until = min(OLD.at, NEW.at), generation = generation + 1
        WHERE id = 1 AND rolled_until > min(OLD.at, NEW.at);
END;

-- Outcomes: occurred_on.
CREATE TRIGGER report_months_outcomes_insert AFTER INSERT ON outcomes
BEGIN
    UPDATE report_months_state SET rolled_until = NEW.occurred_on, generation = generation + 1
        WHERE id = 1 AND rolled_until > NEW.occurred_on;
END;
CREATE TRIGGER report_months_outcomes_delete AFTER DELETE ON outcomes
BEGIN
    UPDATE report_months_state SET rolled_until = OLD.occurred_on, generation = generation + 1
        WHERE id = 1 AND rolled_until > OLD.occurred_on;
END;
CREATE TRIGGER report_months_outcomes_update AFTER UPDATE OF case_id, kind, after_release, occurred_on ON outcomes
    WHEN OLD.case_id IS NOT NEW.case_id OR OLD.kind IS NOT NEW.kind OR OLD.after_release IS NOT NEW.after_release
        OR OLD.occurred_on IS NOT NEW.occurred_on
BEGIN
    UPDATE report_months_state SET rolled_until = min(OLD.occurred_on, NEW.occurred_on), generation = generation + 1
        WHERE id = 1 AND rolled_until > min(OLD.occurred_on, NEW.occurred_on);
END;

-- Follow-ups: done_at (NULL while planned).
CREATE TRIGGER report_months_follow_ups_insert AFTER INSERT ON follow_ups
BEGIN
    UPDATE report_months_state SET rolled_until = NEW.done_at, generation = generation + 1
        WHERE id = 1 AND rolled_until > NEW.done_at;
END;
CREATE TRIGGER report_months_follow_ups_delete AFTER DELETE ON follow_ups
BEGIN
    UPDATE report_months_state SET rolled_until = OLD.done_at, generation = generation + 1
        WHERE id = 1 AND rolled_until > OLD.done_at;
END;
CREATE TRIGGER report_months_follow_ups_update
    AFTER UPDATE OF case_id, months, done_at, work_kept, housing, rearrested ON follow_ups
    WHEN OLD.case_id IS NOT NEW.case_id OR OLD.months IS NOT NEW.months OR OLD.done_at IS NOT NEW.done_at
        OR OLD.work_kept IS NOT NEW.work_kept OR OLD.housing IS NOT NEW.housing OR OLD.rearrested IS NOT NEW.rearrested
BEGIN
    UPDATE report_months_state
        SET rolled_until = min(coalesce(OLD.done_at, NEW.done_at), coalesce(NEW.done_at, OLD.done_at)),
            generation = generation + 1
        WHERE id = 1 AND rolled_until > min(coalesce(OLD.done_at, NEW.done_at), coalesce(NEW.done_at, OLD.done_at));
END;

-- Feedback: recorded_at.
CREATE TRIGGER report_months_feedback_insert AFTER INSERT ON feedback
BEGIN
    UPDATE report_months_state SET rolled_until = NEW.recorded_at, generation = generation + 1
        WHERE id = 1 AND rolled_until > NEW.recorded_at;
END;
CREATE TRIGGER report_months_feedback_delete AFTER DELETE ON feedback
BEGIN
    UPDATE report_months_state SET rolled_until = OLD.recorded_at, generation = generation + 1
        WHERE id = 1 AND rolled_until > OLD.recorded_at;
END;
CREATE TRIGGER report_months_feedback_update
    AFTER UPDATE OF case_id, recorded_at, declined, support, mentor, plan, recommend ON feedback
    WHEN OLD.case_id IS NOT NEW.case_id OR OLD.recorded_at IS NOT NEW.recorded_at OR OLD.declined IS NOT NEW.declined
        OR OLD.support IS NOT NEW.support OR OLD.mentor IS NOT NEW.mentor OR OLD.plan IS NOT NEW.plan
        OR OLD.recommend IS NOT NEW.recommend
BEGIN
    UPDATE report_months_state SET rolled_until = min(OLD.recorded_at, NEW.recorded_at), generation = generation + 1
        WHERE id = 1 AND rolled_until > min(OLD.recorded_at, NEW.recorded_at);
END;

-- Mentors: applied (created_at), accepted_at, retired_at. The aggregate
-- min() skips NULLs.
CREATE TRIGGER report_months_mentors_insert AFTER INSERT ON mentors
BEGIN
    UPDATE report_months_state
        SET rolled_until = min(NEW.created_at, ifnull(NEW.accepted_at, '9999-12-31'), ifnull(NEW.retired_at, '9999-12-31')),
            generation = generation + 1
        WHERE id = 1 AND rolled_until > min(NEW.created_at, ifnull(NEW.accepted_at, '9999-12-31'), ifnull(NEW.retired_at, '9999-12-31'));
END;
CREATE TRIGGER report_months_mentors_delete AFTER DELETE ON mentors
BEGIN
    UPDATE report_months_state
        SET rolled_until = min(OLD.created_at, ifnull(OLD.accepted_at, '9999-12-31'), ifnull(OLD.retired_at, '9999-12-31')),
            generation = generation + 1
        WHERE id = 1 AND rolled_until > min(OLD.created_at, ifnull(OLD.accepted_at, '9999-12-31'), ifnull(OLD.retired_at, '9999-12-31'));
END;
CREATE TRIGGER report_months_mentors_update AFTER UPDATE OF program_id, origin, created_at ON mentors
    WHEN OLD.program_id IS NOT NEW.program_id OR OLD.origin IS NOT NEW.origin OR OLD.created_at IS NOT NEW.created_at
BEGIN
    UPDATE report_months_state
        SET rolled_until = min(OLD.created_at, ifnull(OLD.accepted_at, '9999-12-31'), ifnull(OLD.retired_at, '9999-12-31'),
                NEW.created_at, ifnull(NEW.accepted_at, '9999-12-31'), ifnull(NEW.retired_at, '9999-12-31')),
            generation = generation + 1
        WHERE id = 1 AND rolled_until > min(OLD.created_at, ifnull(OLD.accepted_at, '9999-12-31'), ifnull(OLD.retired_at, '9999-12-31'),
                NEW.created_at, ifnull(NEW.accepted_at, '9999-12-31'), ifnull(NEW.retired_at, '9999-12-31'));
END;
CREATE TRIGGER report_months_mentors_update_accepted AFTER UPDATE OF accepted_at ON mentors
    WHEN OLD.accepted_at IS NOT NEW.accepted_at
BEGIN
    UPDATE report_months_state
        SET rolled_until = min(coalesce(OLD.accepted_at, NEW.accepted_at), coalesce(NEW.accepted_at, OLD.accepted_at)),
            generation = generation + 1
        WHERE id = 1 AND rolled_until > min(coalesce(OLD.accepted_at, NEW.accepted_at), coalesce(NEW.accepted_at, OLD.accepted_at));
END;
CREATE TRIGGER report_months_mentors_update_retired AFTER UPDATE OF retired_at ON mentors
    WHEN OLD.retired_at IS NOT NEW.retired_at
BEGIN
    UPDATE report_months_state
        SET rolled_until = min(coalesce(OLD.retired_at, NEW.retired_at), coalesce(NEW.retired_at, OLD.retired_at)),
            generation = generation + 1
        WHERE id = 1 AND rolled_until > min(coalesce(OLD.retired_at, NEW.retired_at), coalesce(NEW.retired_at, OLD.retired_at));
END;

-- Training completions: confirmed_at (NULL until confirmed).
CREATE TRIGGER report_months_training_completions_insert AFTER INSERT ON training_completions
BEGIN
    UPDATE report_months_state SET rolled_until = NEW.confirmed_at, generation = generation + 1
        WHERE id = 1 AND rolled_until > NEW.confirmed_at;
END;
CREATE TRIGGER report_months_training_completions_delete AFTER DELETE ON training_completions
BEGIN
    UPDATE report_months_state SET rolled_until = OLD.confirmed_at, generation = generation + 1
        WHERE id = 1 AND rolled_until > OLD.confirmed_at;
END;
CREATE TRIGGER report_months_training_completions_update
    AFTER UPDATE OF confirmed_at, status, module_id, mentor_id ON training_completions
    WHEN OLD.confirmed_at IS NOT NEW.confirmed_at OR OLD.status IS NOT NEW.status OR OLD.module_id IS NOT NEW.module_id
        OR OLD.mentor_id IS NOT NEW.mentor_id
BEGIN
    UPDATE report_months_state
        SET rolled_until = min(coalesce(OLD.confirmed_at, NEW.confirmed_at), coalesce(NEW.confirmed_at, OLD.confirmed_at)),
            generation = generation + 1
        WHERE id = 1
            AND rolled_until > min(coalesce(OLD.confirmed_at, NEW.confirmed_at), coalesce(NEW.confirmed_at, OLD.confirmed_at));
END;

-- Training modules (which completions count, and their hours): everything.
CREATE TRIGGER report_months_training_modules_insert AFTER INSERT ON training_modules
BEGIN
    UPDATE report_months_state SET rolled_until = '0001-01-01 00:00:00.000000+00:00', generation = generation + 1
        WHERE id = 1 AND rolled_until > '0001-01-01 00:00:00.000000+00:00';
END;
CREATE TRIGGER report_months_training_modules_delete AFTER DELETE ON training_modules
BEGIN
    UPDATE report_months_state SET rolled_until = '0001-01-01 00:00:00.000000+00:00', generation = generation + 1
        WHERE id = 1 AND rolled_until > '0001-01-01 00:00:00.000000+00:00';
END;
CREATE TRIGGER report_months_training_modules_update AFTER UPDATE OF program_id, required, archived, hours ON training_modules
    WHEN OLD.program_id IS NOT NEW.program_id OR OLD.required IS NOT NEW.required OR OLD.archived IS NOT NEW.archived
        OR OLD.hours IS NOT NEW.hours
BEGIN
    UPDATE report_months_state SET rolled_until = '0001-01-01 00:00:00.000000+00:00', generation = generation + 1
        WHERE id = 1 AND rolled_until > '0001-01-01 00:00:00.000000+00:00';
END;

-- Programs (the hours a contact without minutes counts, whether custody is
-- counted): everything. A new program has nothing counted yet.
CREATE TRIGGER report_months_programs_delete AFTER DELETE ON programs
BEGIN
    UPDATE report_months_state SET rolled_until = '0001-01-01 00:00:00.000000+00:00', generation = generation + 1
        WHERE id = 1 AND rolled_until > '0001-01-01 00:00:00.000000+00:00';
END;
CREATE TRIGGER report_months_programs_update AFTER UPDATE OF hours_per_contact, custody_enabled ON programs
    WHEN OLD.hours_per_contact IS NOT NEW.hours_per_contact OR OLD.custody_enabled IS NOT NEW.custody_enabled
BEGIN
    UPDATE report_months_state SET rolled_until = '0001-01-01 00:00:00.000000+00:00', generation = generation + 1
        WHERE id = 1 AND rolled_until > '0001-01-01 00:00:00.000000+00:00';
END;

-- Cases: which program and person the case's rows count for, and its
-- custody. A change of program or person, or a custody phase set or
-- cleared (in custody and after release both count as a custody phase),
-- counts from the case's beginning (its creation or its first transition,
-- whichever is earlier: a case imported with its history began before it
-- was created); a release date set, moved or cleared from the earlier of
-- the two dates. A case is updated at every contact and change of state:
-- only these columns fire, and only when they change so. The people per
-- facility are counted from the rows, not the months: a facility fires
-- nothing. A new case counts only by its release date (its history comes
-- with its own rows).
CREATE TRIGGER report_months_cases_update
    AFTER UPDATE OF program_id, mentee_id, custody_phase ON cases
    WHEN OLD.program_id IS NOT NEW.program_id OR OLD.mentee_id IS NOT NEW.mentee_id
        OR (OLD.custody_phase = '') IS NOT (NEW.custody_phase = '')
BEGIN
    UPDATE report_months_state
        SET rolled_until = min(OLD.created_at, NEW.created_at,
                ifnull((SELECT min(at) FROM case_transitions WHERE case_id = OLD.id), '9999-12-31')),
            generation = generation + 1
        WHERE id = 1 AND rolled_until > min(OLD.created_at, NEW.created_at,
                ifnull((SELECT min(at) FROM case_transitions WHERE case_id = OLD.id), '9999-12-31'));
END;
CREATE TRIGGER report_months_cases_update_released AFTER UPDATE OF released_on ON cases
    WHEN OLD.released_on IS NOT NEW.released_on
BEGIN
    UPDATE report_months_state
        SET rolled_until = min(ifnull(OLD.released_on, '9999-12-31'), ifnull(NEW.released_on, '9999-12-31')),
            generation = generation + 1
        WHERE id = 1 AND rolled_until > min(ifnull(OLD.released_on, '9999-12-31'), ifnull(NEW.released_on, '9999-12-31'));
END;
CREATE TRIGGER report_months_cases_insert AFTER INSERT ON cases
    WHEN NEW.released_on IS NOT NULL
BEGIN
    UPDATE report_months_state SET rolled_until = NEW.released_on, generation = generation + 1
        WHERE id = 1 AND rolled_until > NEW.released_on;
END;
CREATE TRIGGER report_months_cases_delete AFTER DELETE ON cases
BEGIN
    UPDATE report_months_state
        SET rolled_until = min(OLD.created_at, ifnull(OLD.released_on, '9999-12-31'),
                ifnull((SELECT min(at) FROM case_transitions WHERE case_id = OLD.id), '9999-12-31')),
            generation = generation + 1
        WHERE id = 1 AND rolled_until > min(OLD.created_at, ifnull(OLD.released_on, '9999-12-31'),
                ifnull((SELECT min(at) FROM case_transitions WHERE case_id = OLD.id), '9999-12-31'));
END;
