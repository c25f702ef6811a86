-- Notices to a customer's contacts, each switchable per customer. A customer without a row
-- gets every notice (the defaults); the account manager or an admin switches one off.
CREATE TABLE customer_notices (
    customer_id BIGINT PRIMARY KEY REFERENCES customers (id),
    -- The acknowledgement with the ticket number at registration.
    acknowledgement BOOLEAN NOT NULL DEFAULT 1,
    -- A visit booked, moved or cancelled (with its calendar invitation).
    visit_changes BOOLEAN NOT NULL DEFAULT 1,
    -- The technician on the way, with the window.
    on_the_way BOOLEAN NOT NULL DEFAULT 1,
    -- Resolved, with the acceptance link.
    resolved BOOLEAN NOT NULL DEFAULT 1,
    updated_by BIGINT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);

-- A time-critical message (a sign-in link, the technician on the way, a visit moved or
-- cancelled on its own day) is not held back by the per-customer hourly bound.
ALTER TABLE outbox ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT 0;

-- The SEQUENCE of the visit's calendar invitation (RFC 5545): null until the first one, then
-- raised by one on each change the customer is told of.
ALTER TABLE visits ADD COLUMN invitation_sequence INTEGER;
