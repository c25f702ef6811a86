ALTER TABLE outbox DROP COLUMN thread_references;
ALTER TABLE outbox DROP COLUMN in_reply_to;
DROP TABLE ticket_attachments;
DROP TABLE inbound_messages;
