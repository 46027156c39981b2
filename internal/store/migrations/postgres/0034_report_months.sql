-- The report's facts of every calendar month (UTC) that has ended, counted by the
-- report-months job (Store.RollUpReportMonths): see report_months.go.
CREATE TABLE report_months (
    program_id BIGINT NOT NULL,           -- 0: every program together (people counted once across them)
    position   BIGINT NOT NULL,           -- 2 × (year × 12 + month − 1); 2 × that − 1 for the instant the month begins
    fact       TEXT NOT NULL,
    item       TEXT NOT NULL DEFAULT '',
    mark       BIGINT NOT NULL DEFAULT -1,
    n          BIGINT NOT NULL DEFAULT 0,
    amount     DOUBLE PRECISION NOT NULL DEFAULT 0
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
    rolled_until  TIMESTAMPTZ NOT NULL,
    counted_until TIMESTAMPTZ NOT NULL,
    generation    BIGINT NOT NULL DEFAULT 0
);
INSERT INTO report_months_state (id, rolled_until, counted_until, generation) VALUES (1, '0001-01-01 00:00:00+00', '0001-01-01 00:00:00+00', 0);

-- The triggers: every change to a row that the report counts, at a time t
-- before rolled_until, moves rolled_until back to t in the change's own
-- transaction. t is the earliest time the change touches (NULL times, such
-- as a referral not sent yet, touch nothing; least() and min() skip NULLs);
-- a change that alters how every month counts (a program's hours per
-- contact, a training module) moves it back to the year 1. A change at or
-- after rolled_until (the usual one: something happening now) matches no
-- row: it neither writes nor locks the state. Inserts and deletes fire once
-- per statement, with the earliest time of all its rows (a bulk load calls
-- the function once); an update fires per row, and only when a counted
-- column really changed (UPDATE OF and the WHEN), so other updates never
-- call a function.
CREATE FUNCTION report_months_move(t TIMESTAMPTZ) RETURNS void LANGUAGE sql AS $$
    UPDATE report_months_state SET rolled_until = t, generation = generation + 1
        WHERE id = 1 AND rolled_until > t
$$;

-- Transitions: at.
CREATE FUNCTION report_months_changed_case_transitions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM report_months_move((SELECT min(at) FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM report_months_move((SELECT min(at) FROM old_rows));
    ELSE
        PERFORM report_months_move(least(OLD.at, NEW.at));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_months_case_transitions_insert AFTER INSERT ON case_transitions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_case_transitions();
CREATE TRIGGER report_months_case_transitions_delete AFTER DELETE ON case_transitions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_case_transitions();
CREATE TRIGGER report_months_case_transitions_update
    AFTER UPDATE OF case_id, period, from_state, to_state, closure_reason, at ON case_transitions FOR EACH ROW
    WHEN ((OLD.case_id, OLD.period, OLD.from_state, OLD.to_state, OLD.closure_reason, OLD.at)
        IS DISTINCT FROM (NEW.case_id, NEW.period, NEW.from_state, NEW.to_state, NEW.closure_reason, NEW.at))
    EXECUTE FUNCTION report_months_changed_case_transitions();

-- Matches: started_at; ending a match counts at the time it ended (the
-- trigger on ended_at passes 'ended_at').
CREATE FUNCTION report_months_changed_matches() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM report_months_move((SELECT min(started_at) FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM report_months_move((SELECT min(started_at) FROM old_rows));
    ELSIF TG_NARGS > 0 AND TG_ARGV[0] = 'ended_at' THEN
        PERFORM report_months_move(least(OLD.ended_at, NEW.ended_at));
    ELSE
        PERFORM report_months_move(least(OLD.started_at, NEW.started_at));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_months_matches_insert AFTER INSERT ON matches
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_matches();
CREATE TRIGGER report_months_matches_delete AFTER DELETE ON matches
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_matches();
CREATE TRIGGER report_months_matches_update AFTER UPDATE OF case_id, mentor_id, period, started_at ON matches FOR EACH ROW
    WHEN ((OLD.case_id, OLD.mentor_id, OLD.period, OLD.started_at)
        IS DISTINCT FROM (NEW.case_id, NEW.mentor_id, NEW.period, NEW.started_at))
    EXECUTE FUNCTION report_months_changed_matches();
CREATE TRIGGER report_months_matches_update_ended AFTER UPDATE OF ended_at ON matches FOR EACH ROW
    WHEN (OLD.ended_at IS DISTINCT FROM NEW.ended_at)
    EXECUTE FUNCTION report_months_changed_matches('ended_at');

-- Contacts: at (a contact's summary and who recorded it are not counted).
CREATE FUNCTION report_months_changed_contacts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM report_months_move((SELECT min(at) FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM report_months_move((SELECT min(at) FROM old_rows));
    ELSE
        PERFORM report_months_move(least(OLD.at, NEW.at));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_months_contacts_insert AFTER INSERT ON contacts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_contacts();
CREATE TRIGGER report_months_contacts_delete AFTER DELETE ON contacts
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_contacts();
CREATE TRIGGER report_months_contacts_update AFTER UPDATE OF case_id, channel, minutes, at ON contacts FOR EACH ROW
    WHEN ((OLD.case_id, OLD.channel, OLD.minutes, OLD.at) IS DISTINCT FROM (NEW.case_id, NEW.channel, NEW.minutes, NEW.at))
    EXECUTE FUNCTION report_months_changed_contacts();

-- Referrals: sent_at (NULL until sent).
CREATE FUNCTION report_months_changed_referrals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM report_months_move((SELECT min(sent_at) FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM report_months_move((SELECT min(sent_at) FROM old_rows));
    ELSE
        PERFORM report_months_move(least(OLD.sent_at, NEW.sent_at));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_months_referrals_insert AFTER INSERT ON referrals
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_referrals();
CREATE TRIGGER report_months_referrals_delete AFTER DELETE ON referrals
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_referrals();
CREATE TRIGGER report_months_referrals_update
    AFTER UPDATE OF sent_at, domain, partner_id, program_id, case_id ON referrals FOR EACH ROW
    WHEN ((OLD.sent_at, OLD.domain, OLD.partner_id, OLD.program_id, OLD.case_id)
        IS DISTINCT FROM (NEW.sent_at, NEW.domain, NEW.partner_id, NEW.program_id, NEW.case_id))
    EXECUTE FUNCTION report_months_changed_referrals();

-- Referral events: at.
CREATE FUNCTION report_months_changed_referral_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM report_months_move((SELECT min(at) FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM report_months_move((SELECT min(at) FROM old_rows));
    ELSE
        PERFORM report_months_move(least(OLD.at, NEW.at));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_months_referral_events_insert AFTER INSERT ON referral_events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_referral_events();
CREATE TRIGGER report_months_referral_events_delete AFTER DELETE ON referral_events
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_referral_events();
CREATE TRIGGER report_months_referral_events_update AFTER UPDATE OF referral_id, status, at ON referral_events FOR EACH ROW
    WHEN ((OLD.referral_id, OLD.status, OLD.at) IS DISTINCT FROM (NEW.referral_id, NEW.status, NEW.at))
    EXECUTE FUNCTION report_months_changed_referral_events();

-- Outcomes: occurred_on.
CREATE FUNCTION report_months_changed_outcomes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM report_months_move((SELECT min(occurred_on) FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM report_months_move((SELECT min(occurred_on) FROM old_rows));
    ELSE
        PERFORM report_months_move(least(OLD.occurred_on, NEW.occurred_on));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_months_outcomes_insert AFTER INSERT ON outcomes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_outcomes();
CREATE TRIGGER report_months_outcomes_delete AFTER DELETE ON outcomes
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_outcomes();
CREATE TRIGGER report_months_outcomes_update AFTER UPDATE OF case_id, kind, after_release, occurred_on ON outcomes FOR EACH ROW
    WHEN ((OLD.case_id, OLD.kind, OLD.after_release, OLD.occurred_on)
        IS DISTINCT FROM (NEW.case_id, NEW.kind, NEW.after_release, NEW.occurred_on))
    EXECUTE FUNCTION report_months_changed_outcomes();

-- Follow-ups: done_at (NULL while planned).
CREATE FUNCTION report_months_changed_follow_ups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM report_months_move((SELECT min(done_at) FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM report_months_move((SELECT min(done_at) FROM old_rows));
    ELSE
        PERFORM report_months_move(least(OLD.done_at, NEW.done_at));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_months_follow_ups_insert AFTER INSERT ON follow_ups
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_follow_ups();
CREATE TRIGGER report_months_follow_ups_delete AFTER DELETE ON follow_ups
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_follow_ups();
CREATE TRIGGER report_months_follow_ups_update
    AFTER UPDATE OF case_id, months, done_at, work_kept, housing, rearrested ON follow_ups FOR EACH ROW
    WHEN ((OLD.case_id, OLD.months, OLD.done_at, OLD.work_kept, OLD.housing, OLD.rearrested)
        IS DISTINCT FROM (NEW.case_id, NEW.months, NEW.done_at, NEW.work_kept, NEW.housing, NEW.rearrested))
    EXECUTE FUNCTION report_months_changed_follow_ups();

-- Feedback: recorded_at.
CREATE FUNCTION report_months_changed_feedback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM report_months_move((SELECT min(recorded_at) FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM report_months_move((SELECT min(recorded_at) FROM old_rows));
    ELSE
        PERFORM report_months_move(least(OLD.recorded_at, NEW.recorded_at));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_months_feedback_insert AFTER INSERT ON feedback
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_feedback();
CREATE TRIGGER report_months_feedback_delete AFTER DELETE ON feedback
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_feedback();
CREATE TRIGGER report_months_feedback_update
    AFTER UPDATE OF case_id, recorded_at, declined, support, mentor, plan, recommend ON feedback FOR EACH ROW
    WHEN ((OLD.case_id, OLD.recorded_at, OLD.declined, OLD.support, OLD.mentor, OLD.plan, OLD.recommend)
        IS DISTINCT FROM (NEW.case_id, NEW.recorded_at, NEW.declined, NEW.support, NEW.mentor, NEW.plan, NEW.recommend))
    EXECUTE FUNCTION report_months_changed_feedback();

-- Mentors: applied (created_at), accepted_at, retired_at. The triggers on
-- accepted_at and retired_at pass the column.
CREATE FUNCTION report_months_changed_mentors() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM report_months_move((SELECT min(least(created_at, accepted_at, retired_at)) FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM report_months_move((SELECT min(least(created_at, accepted_at, retired_at)) FROM old_rows));
    ELSIF TG_NARGS > 0 AND TG_ARGV[0] = 'accepted_at' THEN
        PERFORM report_months_move(least(OLD.accepted_at, NEW.accepted_at));
    ELSIF TG_NARGS > 0 AND TG_ARGV[0] = 'retired_at' THEN
        PERFORM report_months_move(least(OLD.retired_at, NEW.retired_at));
    ELSE
        PERFORM report_months_move(least(OLD.created_at, OLD.accepted_at, OLD.retired_at,
            NEW.created_at, NEW.accepted_at, NEW.retired_at));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_months_mentors_insert AFTER INSERT ON mentors
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_mentors();
CREATE TRIGGER report_months_mentors_delete AFTER DELETE ON mentors
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_mentors();
CREATE TRIGGER report_months_mentors_update AFTER UPDATE OF program_id, origin, created_at ON mentors FOR EACH ROW
    WHEN ((OLD.program_id, OLD.origin, OLD.created_at) IS DISTINCT FROM (NEW.program_id, NEW.origin, NEW.created_at))
    EXECUTE FUNCTION report_months_changed_mentors();
CREATE TRIGGER report_months_mentors_update_accepted AFTER UPDATE OF accepted_at ON mentors FOR EACH ROW
    WHEN (OLD.accepted_at IS DISTINCT FROM NEW.accepted_at)
    EXECUTE FUNCTION report_months_changed_mentors('accepted_at');
CREATE TRIGGER report_months_mentors_update_retired AFTER UPDATE OF retired_at ON mentors FOR EACH ROW
    WHEN (OLD.retired_at IS DISTINCT FROM NEW.retired_at)
    EXECUTE FUNCTION report_months_changed_mentors('retired_at');

-- Training completions: confirmed_at (NULL until confirmed).
CREATE FUNCTION report_months_changed_training_completions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM report_months_move((SELECT min(confirmed_at) FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM report_months_move((SELECT min(confirmed_at) FROM old_rows));
    ELSE
        PERFORM report_months_move(least(OLD.confirmed_at, NEW.confirmed_at));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_months_training_completions_insert AFTER INSERT ON training_completions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_training_completions();
CREATE TRIGGER report_months_training_completions_delete AFTER DELETE ON training_completions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_training_completions();
CREATE TRIGGER report_months_training_completions_update
    AFTER UPDATE OF confirmed_at, status, module_id, mentor_id ON training_completions FOR EACH ROW
    WHEN ((OLD.confirmed_at, OLD.status, OLD.module_id, OLD.mentor_id)
        IS DISTINCT FROM (NEW.confirmed_at, NEW.status, NEW.module_id, NEW.mentor_id))
    EXECUTE FUNCTION report_months_changed_training_completions();

-- Training modules (which completions count, and their hours) and programs
-- (the hours a contact without minutes counts, whether custody is counted):
-- everything, when a row changed (a statement trigger also fires for no
-- row). A new program has nothing counted yet.
CREATE FUNCTION report_months_changed_everything() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT 1 FROM new_rows) THEN
            PERFORM report_months_move('0001-01-01 00:00:00+00');
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM old_rows) THEN
            PERFORM report_months_move('0001-01-01 00:00:00+00');
        END IF;
    ELSE
        PERFORM report_months_move('0001-01-01 00:00:00+00');
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_months_training_modules_insert AFTER INSERT ON training_modules
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_everything();
CREATE TRIGGER report_months_training_modules_delete AFTER DELETE ON training_modules
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_everything();
CREATE TRIGGER report_months_training_modules_update
    AFTER UPDATE OF program_id, required, archived, hours ON training_modules FOR EACH ROW
    WHEN ((OLD.program_id, OLD.required, OLD.archived, OLD.hours) IS DISTINCT FROM (NEW.program_id, NEW.required, NEW.archived, NEW.hours))
    EXECUTE FUNCTION report_months_changed_everything();
CREATE TRIGGER report_months_programs_delete AFTER DELETE ON programs
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_everything();
CREATE TRIGGER report_months_programs_update AFTER UPDATE OF hours_per_contact, custody_enabled ON programs FOR EACH ROW
    WHEN ((OLD.hours_per_contact, OLD.custody_enabled) IS DISTINCT FROM (NEW.hours_per_contact, NEW.custody_enabled))
    EXECUTE FUNCTION report_months_changed_everything();

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
CREATE FUNCTION report_months_changed_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM report_months_move((SELECT min(least(o.created_at, o.released_on,
            (SELECT min(t.at) FROM case_transitions t WHERE t.case_id = o.id))) FROM old_rows o));
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM report_months_move((SELECT min(n.released_on) FROM new_rows n));
    ELSIF TG_ARGV[0] = 'released_on' THEN
        PERFORM report_months_move(least(OLD.released_on, NEW.released_on));
    ELSE
        PERFORM report_months_move(least(OLD.created_at, NEW.created_at,
            (SELECT min(t.at) FROM case_transitions t WHERE t.case_id = OLD.id)));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_months_cases_update
    AFTER UPDATE OF program_id, mentee_id, custody_phase ON cases FOR EACH ROW
    WHEN ((OLD.program_id, OLD.mentee_id, OLD.custody_phase = '')
        IS DISTINCT FROM (NEW.program_id, NEW.mentee_id, NEW.custody_phase = ''))
    EXECUTE FUNCTION report_months_changed_cases('case');
CREATE TRIGGER report_months_cases_update_released
    AFTER UPDATE OF released_on ON cases FOR EACH ROW
    WHEN (OLD.released_on IS DISTINCT FROM NEW.released_on)
    EXECUTE FUNCTION report_months_changed_cases('released_on');
CREATE TRIGGER report_months_cases_insert AFTER INSERT ON cases
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_cases();
CREATE TRIGGER report_months_cases_delete AFTER DELETE ON cases
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_months_changed_cases();
