DROP INDEX tickets_open_kind;
ALTER TABLE tickets
    DROP COLUMN departure_breached_at,
    DROP COLUMN remote_breached_at,
    DROP COLUMN hotline_breached_at,
    DROP COLUMN departed_at,
    DROP COLUMN departure_due_at,
    DROP COLUMN remote_due_at,
    DROP COLUMN hotline_due_at,
    DROP COLUMN remote_paused_seconds,
    DROP COLUMN remote_at,
    DROP COLUMN remote_action,
    DROP COLUMN hotline_action,
    DROP COLUMN departure_minutes,
    DROP COLUMN remote_minutes,
    DROP COLUMN hotline_minutes,
    DROP COLUMN kind;

DROP INDEX sla_policies_key;
DELETE FROM sla_policies
WHERE kind IS NOT NULL OR customer_tier IS NULL OR priority IS NULL OR region_class IS NULL;
ALTER TABLE sla_policies
    DROP COLUMN kind,
    DROP COLUMN hotline_minutes,
    DROP COLUMN remote_minutes,
    DROP COLUMN departure_minutes,
    DROP COLUMN hotline_action,
    DROP COLUMN remote_action,
    ALTER COLUMN customer_tier SET NOT NULL,
    ALTER COLUMN priority SET NOT NULL,
    ALTER COLUMN region_class SET NOT NULL,
    ADD CONSTRAINT sla_policies_customer_tier_priority_region_class_key UNIQUE (customer_tier, priority, region_class);
