ALTER TABLE audit_events DROP COLUMN actor_contact_id;
DROP TABLE portal_links;
