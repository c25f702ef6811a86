ALTER TABLE visits DROP COLUMN invitation_sequence;
ALTER TABLE outbox DROP COLUMN urgent;
DROP TABLE customer_notices;
