-- Text primary keys are NOT NULL, as on PostgreSQL (found by
-- schema_parity_test.go). On SQLite a primary key that is not an INTEGER
-- PRIMARY KEY accepts NULL unless declared NOT NULL; the SQLite migration of
-- this number rebuilds kek_probes (0003) and login_throttle (0004) with
-- their keys NOT NULL. On PostgreSQL a primary key is NOT NULL already:
-- these statements change nothing and say the same.
ALTER TABLE kek_probes ALTER COLUMN kek_id SET NOT NULL;
ALTER TABLE login_throttle ALTER COLUMN key SET NOT NULL;
