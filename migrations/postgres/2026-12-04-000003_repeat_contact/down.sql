DROP INDEX tickets_open_site;
DROP INDEX tickets_open_asset;
ALTER TABLE tickets DROP COLUMN unrelated_reason;
ALTER TABLE tickets DROP COLUMN related_ticket_id;
