-- Seal the free text that staff type and that was still readable in the
-- database (issue 18): a mentee's city, family situation, occupation,
-- contact times and referral source (one sealed JSON object), plan-step
-- titles, outcome notes (partners' included), match end reasons and case
-- transition reasons, each under the mentee's data key, so that destroying
-- it erases them too. The readable columns stay for now, blank: the store
-- seals what older versions wrote there when it opens the database with
-- its key file (sealLegacyText) and empties them in the same transaction.
ALTER TABLE mentees ADD COLUMN profile_sealed BLOB;
ALTER TABLE plan_steps ADD COLUMN title_sealed BLOB;
ALTER TABLE outcomes ADD COLUMN note_sealed BLOB;
ALTER TABLE matches ADD COLUMN end_reason_sealed BLOB;
ALTER TABLE case_transitions ADD COLUMN reason_sealed BLOB;

-- What is left to seal, found without reading the tables at every start:
-- each index holds only rows whose readable column still has text, so once
-- the store has sealed them (and empty, it stays empty) the look is one
-- probe of an empty index.
CREATE INDEX mentees_legacy_profile ON mentees (id)
    WHERE city <> '' OR family <> '' OR occupation <> '' OR contact_times <> '' OR referral_source <> '';
CREATE INDEX plan_steps_legacy_title ON plan_steps (id) WHERE title <> '';
CREATE INDEX outcomes_legacy_note ON outcomes (id) WHERE note <> '';
CREATE INDEX matches_legacy_end_reason ON matches (id) WHERE end_reason <> '';
CREATE INDEX case_transitions_legacy_reason ON case_transitions (id) WHERE reason <> '';
