-- A customer who calls again about the same fault: a new ticket names the open one it belongs
-- with (related_ticket_id) or says why it is another matter (unrelated_reason). The check at
-- registration reads the open tickets of an asset, or of a customer's site, from their own index.
ALTER TABLE tickets ADD COLUMN related_ticket_id BIGINT REFERENCES tickets (id);
ALTER TABLE tickets ADD COLUMN unrelated_reason TEXT;
CREATE INDEX tickets_open_asset ON tickets (asset_id, id) WHERE status NOT IN ('closed', 'cancelled');
CREATE INDEX tickets_open_site ON tickets (customer_id, site_id, id) WHERE status NOT IN ('closed', 'cancelled');
