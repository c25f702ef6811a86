-- Request kinds (enquiry, fault, complaint, suggestion) and a clock per tier: the hotline and
-- remote tiers' time limits, the on-site departure limit, and what passing a tier's limit does.

-- SLA policy rows may name a kind, and leave any part of their key open (NULL = any); the most
-- specific matching row wins.
ALTER TABLE sla_policies DROP CONSTRAINT sla_policies_customer_tier_priority_region_class_key;
ALTER TABLE sla_policies ALTER COLUMN customer_tier DROP NOT NULL;
ALTER TABLE sla_policies ALTER COLUMN priority DROP NOT NULL;
ALTER TABLE sla_policies ALTER COLUMN region_class DROP NOT NULL;
ALTER TABLE sla_policies ADD COLUMN kind TEXT;
ALTER TABLE sla_policies ADD COLUMN hotline_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sla_policies ADD COLUMN remote_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sla_policies ADD COLUMN departure_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sla_policies ADD COLUMN hotline_action TEXT NOT NULL DEFAULT 'climb';
ALTER TABLE sla_policies ADD COLUMN remote_action TEXT NOT NULL DEFAULT 'alert';
-- The shipped rules: a tier holds a request at most four times its response target and never
-- more than 24 hours; a technician sets off within half the arrival limit.
UPDATE sla_policies SET
    hotline_minutes = LEAST(4 * response_minutes, 1440, resolution_minutes),
    remote_minutes = LEAST(4 * response_minutes, 1440, resolution_minutes),
    departure_minutes = GREATEST(arrival_minutes / 2, 1);
ALTER TABLE sla_policies ALTER COLUMN hotline_minutes DROP DEFAULT;
ALTER TABLE sla_policies ALTER COLUMN remote_minutes DROP DEFAULT;
ALTER TABLE sla_policies ALTER COLUMN departure_minutes DROP DEFAULT;
ALTER TABLE sla_policies ALTER COLUMN hotline_action DROP DEFAULT;
ALTER TABLE sla_policies ALTER COLUMN remote_action DROP DEFAULT;
CREATE UNIQUE INDEX sla_policies_key ON sla_policies (
    COALESCE(kind, ''), COALESCE(customer_tier, ''), COALESCE(priority, ''), COALESCE(region_class, '')
);

ALTER TABLE tickets ADD COLUMN kind TEXT NOT NULL DEFAULT 'fault';
ALTER TABLE tickets ADD COLUMN hotline_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN remote_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN departure_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN hotline_action TEXT NOT NULL DEFAULT 'alert';
ALTER TABLE tickets ADD COLUMN remote_action TEXT NOT NULL DEFAULT 'alert';
ALTER TABLE tickets ADD COLUMN remote_at TIMESTAMP;
ALTER TABLE tickets ADD COLUMN remote_paused_seconds BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN hotline_due_at TIMESTAMP;
ALTER TABLE tickets ADD COLUMN remote_due_at TIMESTAMP;
ALTER TABLE tickets ADD COLUMN departure_due_at TIMESTAMP;
ALTER TABLE tickets ADD COLUMN departed_at TIMESTAMP;
ALTER TABLE tickets ADD COLUMN hotline_breached_at TIMESTAMP;
ALTER TABLE tickets ADD COLUMN remote_breached_at TIMESTAMP;
ALTER TABLE tickets ADD COLUMN departure_breached_at TIMESTAMP;
-- Tickets registered before have no tier limits (0 minutes, no tier clocks) until their
-- targets are taken again (a new priority, site, kind or customer tier).

-- The open-ticket list filtered by kind, in due-time order.
CREATE INDEX tickets_open_kind ON tickets (kind, resolution_due_at, id) WHERE status <> 'closed';
