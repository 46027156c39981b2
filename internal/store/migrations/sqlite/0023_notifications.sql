-- Notifications: what a user is told in the app (the bell and the inbox).
-- A notification holds ids, never copies of sealed text or names: its kind,
-- the record it links to (object_type: case, referral, mentor or program,
-- and object_id) and the program. Whether the reader may still see the
-- record is decided when the inbox is read, so a notification of a case
-- the reader lost disappears from their inbox.
--
-- unique_key makes writing idempotent per recipient: an event's key names
-- the event (urgent_request:request:42), a daily signal's the day
-- (contact_overdue:case:7:2026-12-06), so a job that runs twice writes once.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   INTEGER NOT NULL,
    program_id  INTEGER NOT NULL REFERENCES programs (id),
    unique_key  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP
);
CREATE UNIQUE INDEX notifications_unique ON notifications (user_id, unique_key);
-- The inbox, newest first, and the bell's unread count.
CREATE INDEX notifications_inbox ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL;
