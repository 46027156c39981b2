-- Calendar feeds: a user's secret, revocable address of an iCalendar feed
-- of the dates of their cases (GET /calendar/{token}.ics, see
-- internal/web/calendar_feeds.go). Only the token's hash is stored, as for
-- API tokens, so a stolen database holds no working address. A user has at
-- most one feed that works; making a new one revokes the old. language is
-- the language the events are titled in: the account page's when the feed
-- was made (a calendar app sends no cookie).
CREATE TABLE calendar_feeds (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   BLOB NOT NULL,
    language     TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE UNIQUE INDEX calendar_feeds_token ON calendar_feeds (token_hash);
CREATE UNIQUE INDEX calendar_feeds_user ON calendar_feeds (user_id) WHERE revoked_at IS NULL;

-- The feed's dates, each read over a window of days: plan steps by due
-- day, final meetings by when they were held, expected releases of the
-- cases in custody by program.
CREATE INDEX plan_steps_due ON plan_steps (due_on, case_id) WHERE due_on IS NOT NULL;
CREATE INDEX closings_final_meeting ON closings (final_meeting_at, case_id) WHERE final_meeting_at IS NOT NULL;
CREATE INDEX cases_expected_release ON cases (program_id, expected_release) WHERE expected_release IS NOT NULL AND custody_phase = 'in_custody';
