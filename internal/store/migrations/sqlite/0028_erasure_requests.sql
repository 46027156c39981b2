-- Erasure (GDPR art. 17): a coordinator of a case's program asks for the
-- person to be erased, with a reason from a short list (a code, no text);
-- another coordinator of the program or the admin approves or refuses it.
-- Approving erases the person in the same transaction (store/erasure.go):
-- their data key is destroyed, their readable fields blanked, their portal
-- account deleted; the case rows stay, as anonymous statistics. A request
-- holds ids and codes only. One request of a person waits at a time.
CREATE TABLE erasure_requests (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    mentee_id  INTEGER NOT NULL REFERENCES mentees (id),
    program_id INTEGER NOT NULL REFERENCES programs (id),
    reason     TEXT NOT NULL,
    status     TEXT NOT NULL, -- pending, done, refused
    asked_by   INTEGER REFERENCES users (id),
    asked_at   TIMESTAMP NOT NULL,
    decided_by INTEGER REFERENCES users (id),
    decided_at TIMESTAMP,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX erasure_requests_waiting ON erasure_requests (mentee_id) WHERE status = 'pending';
-- The approvers' list: a program's requests by status, oldest first.
CREATE INDEX erasure_requests_program ON erasure_requests (program_id, status, asked_at, id);
CREATE INDEX erasure_requests_status ON erasure_requests (status, asked_at, id);
-- A person's requests, newest first (the erasure page, the export).
CREATE INDEX erasure_requests_mentee ON erasure_requests (mentee_id, id);
-- When the person was erased (NULL while not).
ALTER TABLE mentees ADD COLUMN erased_at TIMESTAMP;
