DROP INDEX tickets_resolved_at;
ALTER TABLE tickets DROP COLUMN closed_without_answer;
ALTER TABLE tickets DROP COLUMN acceptance_reminded_at;
