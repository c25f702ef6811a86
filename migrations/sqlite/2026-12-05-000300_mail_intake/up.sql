-- E-mail intake: every message read from a configured IMAP mailbox is one row here, whatever
-- became of it (a ticket, a reply on a ticket, the intake queue, ignored as automatic mail),
-- so a Message-ID seen before is skipped and nothing is lost or doubled.
CREATE TABLE inbound_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The Message-ID header (or a synthetic one for a message without it).
    message_id TEXT NOT NULL UNIQUE,
    -- The configured mailbox's name, the folder's UIDVALIDITY and the message's UID in it.
    mailbox TEXT NOT NULL,
    uidvalidity BIGINT NOT NULL,
    uid BIGINT NOT NULL,
    from_address TEXT NOT NULL,
    from_name TEXT,
    subject TEXT NOT NULL,
    -- The In-Reply-To and References headers (space-separated Message-IDs).
    in_reply_to TEXT,
    thread_references TEXT,
    -- When the mail server received it (IMAP INTERNALDATE), and the sender's Date header.
    received_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    body_text TEXT NOT NULL,
    raw_size BIGINT NOT NULL,
    -- ticket | reply | intake | ignored | discarded
    outcome TEXT NOT NULL,
    -- Why it was ignored or discarded; for a ticket, what was noted.
    reason TEXT,
    ticket_id BIGINT REFERENCES tickets (id),
    customer_id BIGINT REFERENCES customers (id),
    contact_id BIGINT REFERENCES contacts (id),
    -- Attachment parts refused (over the size or count limit): a JSON array of {filename, size, why}.
    refused_json TEXT,
    -- Who converted or discarded an intake message, and when.
    handled_by BIGINT REFERENCES users (id),
    handled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX inbound_messages_outcome ON inbound_messages (outcome, id);
CREATE INDEX inbound_messages_ticket ON inbound_messages (ticket_id);

-- Files that came with a ticket (from an e-mail), kept in the database so every node serves
-- them. An intake message's files wait without a ticket until it is converted.
CREATE TABLE ticket_attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT REFERENCES tickets (id),
    inbound_message_id BIGINT REFERENCES inbound_messages (id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by BIGINT REFERENCES users (id),
    CHECK (ticket_id IS NOT NULL OR inbound_message_id IS NOT NULL)
);
CREATE INDEX ticket_attachments_ticket ON ticket_attachments (ticket_id);
CREATE INDEX ticket_attachments_message ON ticket_attachments (inbound_message_id);

-- A staff reply threads on the conversation: the Message-ID it answers and the chain before it.
ALTER TABLE outbox ADD COLUMN in_reply_to TEXT;
ALTER TABLE outbox ADD COLUMN thread_references TEXT;
