-- The outbox: every e-mail is a row written in the business transaction that causes it; the
-- relay sends it later, retrying with backoff, and never twice (a lease marks the rows a relay
-- is sending).

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    -- The Message-ID header, `<uuid@domain>`, the same on every attempt.
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    customer_id BIGINT REFERENCES customers (id),
    ticket_id BIGINT REFERENCES tickets (id),
    -- A JSON array of addresses, each checked when the row was written.
    recipients_json TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    -- pending | sent | dead
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    -- Set while a relay is sending the row: who and until when.
    lease_token TEXT,
    lease_until TIMESTAMP,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_customer_sent ON outbox (customer_id, sent_at);
CREATE INDEX outbox_ticket ON outbox (ticket_id);

CREATE TABLE outbox_attachments (
    id BIGSERIAL PRIMARY KEY,
    outbox_id BIGINT NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content BYTEA NOT NULL,
    UNIQUE (outbox_id, position)
);
