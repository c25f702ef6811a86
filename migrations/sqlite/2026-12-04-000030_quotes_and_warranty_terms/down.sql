ALTER TABLE visits DROP COLUMN charge_difference_reason;
ALTER TABLE visits DROP COLUMN amount_charged;
ALTER TABLE visits DROP COLUMN quote_id;
DROP TABLE quote_items;
DROP TABLE quotes;
DROP TABLE warranty_terms;
