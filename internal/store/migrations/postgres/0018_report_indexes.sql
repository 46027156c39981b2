-- The outcomes report (reports.go) reads each of its tables along one of
-- these indexes, most of them covering what it reads. Transitions,
-- matches, outcomes and requests are written a few times in a case's
-- life, so their indexes cost little; a contact, written most often, gets
-- one more index entry (and one more where no minutes were recorded).

-- A case's program and person, looked up from the rows of a report.
CREATE INDEX cases_id_program_mentee ON cases (id, program_id, mentee_id);
-- The transitions out of and into each state over time: the cases in each
-- state at every month's end, the periods opened and closed.
CREATE INDEX case_transitions_from ON case_transitions (from_state, at, to_state, case_id, id);
CREATE INDEX case_transitions_to ON case_transitions (to_state, at, from_state, closure_reason, case_id, period);
-- A case's history, with what the report reads of each transition.
DROP INDEX case_transitions_case;
CREATE INDEX case_transitions_case ON case_transitions (case_id, id, period, from_state, to_state, at);
-- The first match of each case period; the mentors who were on a case.
CREATE INDEX matches_period ON matches (case_id, period, started_at);
DROP INDEX matches_mentor;
CREATE INDEX matches_mentor ON matches (mentor_id, ended_at, started_at, case_id);
-- The contacts of a period by channel, with their minutes; of a case, with
-- the same (which the case page lists by (at, id)); those without minutes,
-- which count their program's hours.
CREATE INDEX contacts_channel ON contacts (channel, at, minutes, case_id);
DROP INDEX contacts_case;
CREATE INDEX contacts_case ON contacts (case_id, at, id, channel, minutes);
CREATE INDEX contacts_unrecorded ON contacts (at, case_id, minutes) WHERE minutes <= 0;
-- The referrals sent in a period, and those that got help.
CREATE INDEX referrals_sent ON referrals (sent_at, program_id, domain, partner_id, id);
CREATE INDEX referral_events_got_help ON referral_events (referral_id, at) WHERE status = 'got_help';
-- The requests raised in a period.
CREATE INDEX requests_created ON requests (created_at, case_id);
-- The outcomes of a period by kind, with their person's case.
DROP INDEX outcomes_kind_occurred;
CREATE INDEX outcomes_kind_occurred ON outcomes (kind, occurred_on, case_id, after_release);
