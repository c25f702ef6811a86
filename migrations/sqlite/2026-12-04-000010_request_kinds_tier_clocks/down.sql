DROP INDEX tickets_open_kind;
ALTER TABLE tickets DROP COLUMN departure_breached_at;
ALTER TABLE tickets DROP COLUMN remote_breached_at;
ALTER TABLE tickets DROP COLUMN hotline_breached_at;
ALTER TABLE tickets DROP COLUMN departed_at;
ALTER TABLE tickets DROP COLUMN departure_due_at;
ALTER TABLE tickets DROP COLUMN remote_due_at;
ALTER TABLE tickets DROP COLUMN hotline_due_at;
ALTER TABLE tickets DROP COLUMN remote_paused_seconds;
ALTER TABLE tickets DROP COLUMN remote_at;
ALTER TABLE tickets DROP COLUMN remote_action;
ALTER TABLE tickets DROP COLUMN hotline_action;
ALTER TABLE tickets DROP COLUMN departure_minutes;
ALTER TABLE tickets DROP COLUMN remote_minutes;
ALTER TABLE tickets DROP COLUMN hotline_minutes;
ALTER TABLE tickets DROP COLUMN kind;

CREATE TABLE sla_policies_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_tier TEXT NOT NULL,
    priority TEXT NOT NULL,
    region_class TEXT NOT NULL,
    response_minutes INTEGER NOT NULL,
    arrival_minutes INTEGER NOT NULL,
    resolution_minutes INTEGER NOT NULL,
    clock_mode TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (customer_tier, priority, region_class)
);
INSERT INTO sla_policies_old (id, customer_tier, priority, region_class, response_minutes,
    arrival_minutes, resolution_minutes, clock_mode, updated_at)
SELECT id, customer_tier, priority, region_class, response_minutes, arrival_minutes,
    resolution_minutes, clock_mode, updated_at
FROM sla_policies
WHERE kind IS NULL AND customer_tier IS NOT NULL AND priority IS NOT NULL AND region_class IS NOT NULL;
DROP TABLE sla_policies;
ALTER TABLE sla_policies_old RENAME TO sla_policies;
