-- Satisfaction surveys after a ticket is closed: the links sent in the closing e-mail (signed,
-- single-use, expiring tokens; only their `jti` is kept, never the token) and the answers, at
-- most one per ticket, given through a link or on the satisfaction revisit's call.

CREATE TABLE survey_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    -- The token's `jti` claim: a random id that names this link.
    jti TEXT NOT NULL UNIQUE,
    -- The address the link was sent to.
    recipient TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    -- Set when the customer answers through it; a used link is refused.
    used_at TIMESTAMP
);
CREATE INDEX survey_links_ticket ON survey_links (ticket_id);

CREATE TABLE surveys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT NOT NULL UNIQUE REFERENCES tickets (id),
    -- Copied from the ticket, for the lists.
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    score INTEGER NOT NULL,
    comment TEXT,
    -- link | revisit
    source TEXT NOT NULL,
    link_id BIGINT UNIQUE REFERENCES survey_links (id),
    revisit_id BIGINT UNIQUE REFERENCES revisits (id),
    -- The agent who recorded a revisit's answer; NULL for the customer's own answer.
    recorded_by BIGINT REFERENCES users (id),
    answered_at TIMESTAMP NOT NULL,
    CHECK (score >= 1 AND score <= 5),
    CHECK ((source = 'link' AND link_id IS NOT NULL AND revisit_id IS NULL)
        OR (source = 'revisit' AND revisit_id IS NOT NULL AND link_id IS NULL))
);
CREATE INDEX surveys_answered ON surveys (answered_at);
CREATE INDEX surveys_customer ON surveys (customer_id, answered_at);
