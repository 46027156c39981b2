CREATE TABLE report_months (
    program_id INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    fact       TEXT NOT NULL,
    item       TEXT NOT NULL DEFAULT '',
    mark       INTEGER NOT NULL DEFAULT -1,
    n          INTEGER NOT NULL DEFAULT 0,
    amount     REAL NOT NULL DEFAULT 0
);
CREATE INDEX report_months_program ON report_months (program_id, position);
CREATE TABLE report_months_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    rolled_until  TIMESTAMP NOT NULL,
    counted_until TIMESTAMP NOT NULL,
    generation    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO report_months_state (id, rolled_until, counted_until, generation) VALUES (1, '0001-01-01 00:00:00.000000+00:00', '0001-01-01 00:00:00.000000+00:00', 0);
