-- The audit log's chain is keyed (HMAC-SHA-256) with the audit key in the
-- key file, never in the database. key_probe recognises that key (an HMAC
-- of a fixed text under it, see audit.KeyProbe); empty means the log was
-- never keyed: its chain is the plain SHA-256 of earlier versions, until a
-- process with the audit key keys it (store.KeyAuditLog).
ALTER TABLE audit_head ADD COLUMN key_probe TEXT NOT NULL DEFAULT '';
