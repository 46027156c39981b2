-- E-mail (optional: serve --smtp-url). An e-mail carries no personal data:
-- what kind of thing happened, how many, and a link to Homeward.
--
-- notification_settings: how a user is told of each kind of notification
-- by e-mail: at_once, digest (daily at 08:00 in their time zone) or never.
-- A kind without a row takes its default (store.DefaultDelivery).
CREATE TABLE notification_settings (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    delivery TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);
-- The language a user's e-mails are written in ('' is English): the
-- language of the page where they last saved their settings.
ALTER TABLE users ADD COLUMN mail_language TEXT NOT NULL DEFAULT '';
-- mails: each e-mail sent, or refused for good, once per unique_key (a
-- notification's id, a user's digest day), so that a mail job done twice
-- sends once. purpose: notification, digest, invitation or reset; state:
-- sent or bounced (the server refused it for good: error is the SMTP
-- code, never the server's text). No address, subject or body is kept.
CREATE TABLE mails (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    unique_key TEXT NOT NULL,
    state      TEXT NOT NULL,
    error      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX mails_unique ON mails (unique_key);
-- The admin's list of e-mails, newest first, by state.
CREATE INDEX mails_state ON mails (state, id);
