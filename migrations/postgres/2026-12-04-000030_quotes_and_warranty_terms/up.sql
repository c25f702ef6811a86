-- Warranty terms per product model (seed 003: the charge is told to the customer beforehand; work
-- under warranty is free): an asset with no warranty end of its own is under warranty for
-- `months` counted from its acceptance or its purchase.
CREATE TABLE warranty_terms (
    id BIGSERIAL PRIMARY KEY,
    model TEXT NOT NULL UNIQUE,
    months INTEGER NOT NULL,
    counted_from TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A quote for paid work on a visit, told to the customer before the work (seed 003:
-- "收费标准合理公正，并提前向客户说明"), and the customer's answer: who, when, how.
CREATE TABLE quotes (
    id BIGSERIAL PRIMARY KEY,
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    ticket_id BIGINT REFERENCES tickets (id),
    status TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount DOUBLE PRECISION NOT NULL,
    made_by BIGINT NOT NULL REFERENCES users (id),
    made_at TIMESTAMP NOT NULL,
    answered_by TEXT,
    answered_at TIMESTAMP,
    answered_via TEXT,
    answer_recorded_by BIGINT REFERENCES users (id),
    answer_recorded_at TIMESTAMP,
    decline_reason TEXT
);
CREATE INDEX quotes_visit ON quotes (visit_id, id);
CREATE INDEX quotes_made_at ON quotes (made_at);
CREATE INDEX quotes_answer_recorded_at ON quotes (answer_recorded_at);
-- One quote open (proposed, or approved) per visit at a time.
CREATE UNIQUE INDEX quotes_one_open ON quotes (visit_id) WHERE status IN ('proposed', 'approved');

CREATE TABLE quote_items (
    id BIGSERIAL PRIMARY KEY,
    quote_id BIGINT NOT NULL REFERENCES quotes (id),
    position INTEGER NOT NULL,
    description TEXT NOT NULL,
    quantity DOUBLE PRECISION NOT NULL,
    unit_price DOUBLE PRECISION NOT NULL,
    amount DOUBLE PRECISION NOT NULL
);
CREATE INDEX quote_items_quote ON quote_items (quote_id, position);

-- At completion: the approved quote, the amount finally charged, and why it differs from the
-- quote. `quote_amount` keeps the approved quote's amount (before, the price told at completion,
-- which was also the amount charged).
ALTER TABLE visits ADD COLUMN quote_id BIGINT REFERENCES quotes (id);
ALTER TABLE visits ADD COLUMN amount_charged DOUBLE PRECISION;
ALTER TABLE visits ADD COLUMN charge_difference_reason TEXT;
UPDATE visits SET amount_charged = quote_amount WHERE quote_amount IS NOT NULL;
