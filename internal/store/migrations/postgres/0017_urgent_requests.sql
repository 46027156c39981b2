-- A case's open urgent requests ("right away"), counted on the case so that
-- the case list filters and the home pages count them by an index: the
-- store keeps the count whenever a request is added or changes status.
ALTER TABLE cases ADD COLUMN urgent_requests INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET urgent_requests = (SELECT COUNT(*) FROM requests r
    WHERE r.case_id = cases.id AND r.urgency = 'urgent' AND r.status IN ('open', 'in_progress'));
CREATE INDEX cases_program_urgent ON cases (program_id, contact_due_at, id) WHERE urgent_requests > 0;
