DROP TABLE outbox_attachments;
DROP TABLE outbox;
