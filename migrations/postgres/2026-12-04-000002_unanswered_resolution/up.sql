-- A resolved ticket whose customer does not answer: reminded once after some working days
-- (acceptance_reminded_at), closed without acceptance after more (closed_without_answer). The
-- scan reads the resolved tickets from their own index.
ALTER TABLE tickets ADD COLUMN acceptance_reminded_at TIMESTAMP;
ALTER TABLE tickets ADD COLUMN closed_without_answer BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX tickets_resolved_at ON tickets (resolved_at, id) WHERE status = 'resolved';
