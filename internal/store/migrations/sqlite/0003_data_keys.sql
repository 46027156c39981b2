-- Data keys: one per record whose fields are sealed (a mentee, a case, a
-- user's second factor). Each is stored sealed by a key-encryption key that
-- never enters the database (internal/seal). Destroying a record's data key
-- empties sealed_key: its fields are then unreadable for good, backups
-- included (crypto-shredding).
CREATE TABLE data_keys (
    id           INTEGER PRIMARY KEY,
    kek_id       TEXT NOT NULL,
    sealed_key   BLOB,
    created_at   TIMESTAMP NOT NULL,
    destroyed_at TIMESTAMP
);
-- Rotation walks the keys still sealed by an older key-encryption key.
CREATE INDEX data_keys_kek ON data_keys (kek_id, id);

-- One value sealed by each key-encryption key, so that a process started with
-- a different key file (another node's, a fresh one) is refused before it
-- seals anything the others cannot open.
CREATE TABLE kek_probes (
    kek_id TEXT PRIMARY KEY,
    probe  BLOB NOT NULL
);
