-- A partner organisation is called a partner everywhere (the glossary):
-- the table and its columns too. HSDS's word "organization" stays in the
-- HSDS files only (internal/hsds). Renaming keeps every row, key and
-- reference; the indexes and constraints take the new names.
ALTER TABLE organizations RENAME TO partners;
ALTER TABLE partners RENAME CONSTRAINT organizations_pkey TO partners_pkey;
ALTER SEQUENCE organizations_id_seq RENAME TO partners_id_seq;
ALTER INDEX organizations_hsds RENAME TO partners_hsds;
ALTER INDEX organizations_name RENAME TO partners_name;

ALTER TABLE services RENAME COLUMN organization_id TO partner_id;
ALTER TABLE services RENAME CONSTRAINT services_organization_id_fkey TO services_partner_id_fkey;
ALTER INDEX services_organization RENAME TO services_partner;

ALTER TABLE users RENAME COLUMN organization_id TO partner_id;
ALTER TABLE users RENAME CONSTRAINT users_organization_id_fkey TO users_partner_id_fkey;
ALTER INDEX users_organization RENAME TO users_partner;

ALTER TABLE referrals RENAME COLUMN organization_id TO partner_id;
ALTER TABLE referrals RENAME CONSTRAINT referrals_organization_id_fkey TO referrals_partner_id_fkey;
ALTER INDEX referrals_organization RENAME TO referrals_partner;
