-- Request kinds (enquiry, fault, complaint, suggestion) and a clock per tier: the hotline and
-- remote tiers' time limits, the on-site departure limit, and what passing a tier's limit does.

-- SLA policy rows may name a kind, and leave any part of their key open (NULL = any); the most
-- specific matching row wins. Rebuilt, as SQLite cannot drop NOT NULL.
CREATE TABLE sla_policies_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT,
    customer_tier TEXT,
    priority TEXT,
    region_class TEXT,
    response_minutes INTEGER NOT NULL,
    hotline_minutes INTEGER NOT NULL,
    remote_minutes INTEGER NOT NULL,
    departure_minutes INTEGER NOT NULL,
    arrival_minutes INTEGER NOT NULL,
    resolution_minutes INTEGER NOT NULL,
    clock_mode TEXT NOT NULL,
    hotline_action TEXT NOT NULL,
    remote_action TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- The shipped rules: a tier holds a request at most four times its response target and never
-- more than 24 hours; a technician sets off within half the arrival limit.
INSERT INTO sla_policies_new (id, kind, customer_tier, priority, region_class, response_minutes,
    hotline_minutes, remote_minutes, departure_minutes, arrival_minutes, resolution_minutes,
    clock_mode, hotline_action, remote_action, updated_at)
SELECT id, NULL, customer_tier, priority, region_class, response_minutes,
    MIN(MIN(4 * response_minutes, 1440), resolution_minutes),
    MIN(MIN(4 * response_minutes, 1440), resolution_minutes),
    MAX(arrival_minutes / 2, 1), arrival_minutes, resolution_minutes,
    clock_mode, 'climb', 'alert', updated_at
FROM sla_policies;
DROP TABLE sla_policies;
ALTER TABLE sla_policies_new RENAME TO sla_policies;
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
