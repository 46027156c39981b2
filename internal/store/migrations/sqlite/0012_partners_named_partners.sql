-- A partner organisation is called a partner everywhere (the glossary):
-- the table and its columns too. HSDS's word "organization" stays in the
-- HSDS files only (internal/hsds). Renaming keeps every row, key and
-- reference (SQLite rewrites the references to a renamed table or column);
-- SQLite cannot rename an index, so each is made again under its new name.
ALTER TABLE organizations RENAME TO partners;
DROP INDEX organizations_hsds;
CREATE UNIQUE INDEX partners_hsds ON partners (hsds_id);
DROP INDEX organizations_name;
CREATE INDEX partners_name ON partners (name_key, id);

ALTER TABLE services RENAME COLUMN organization_id TO partner_id;
DROP INDEX services_organization;
CREATE INDEX services_partner ON services (partner_id, name_key, id);

ALTER TABLE users RENAME COLUMN organization_id TO partner_id;
DROP INDEX users_organization;
CREATE INDEX users_partner ON users (partner_id) WHERE partner_id IS NOT NULL;

ALTER TABLE referrals RENAME COLUMN organization_id TO partner_id;
DROP INDEX referrals_organization;
CREATE INDEX referrals_partner ON referrals (partner_id, updated_at, id);
