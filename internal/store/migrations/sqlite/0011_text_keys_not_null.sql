-- Text primary keys are NOT NULL, as on PostgreSQL (found by
-- schema_parity_test.go). On SQLite a primary key that is not an INTEGER
-- PRIMARY KEY accepts NULL unless declared NOT NULL, so kek_probes.kek_id
-- (0003) and login_throttle.key (0004) could hold NULL here and not on
-- PostgreSQL. SQLite cannot add NOT NULL to a column: each table is built
-- anew and its rows copied. A row with a NULL key could never be found (the
-- store reads both tables by key only) and is not copied.
CREATE TABLE kek_probes_new (
    kek_id TEXT NOT NULL PRIMARY KEY,
    probe  BLOB NOT NULL
);
INSERT INTO kek_probes_new (kek_id, probe) SELECT kek_id, probe FROM kek_probes WHERE kek_id IS NOT NULL;
DROP TABLE kek_probes;
ALTER TABLE kek_probes_new RENAME TO kek_probes;

CREATE TABLE login_throttle_new (
    key          TEXT NOT NULL PRIMARY KEY, -- "account:<email_key>" or "address:<ip>"
    failures     INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);
INSERT INTO login_throttle_new (key, failures, window_start, locked_until)
    SELECT key, failures, window_start, locked_until FROM login_throttle WHERE key IS NOT NULL;
DROP TABLE login_throttle;
ALTER TABLE login_throttle_new RENAME TO login_throttle;
