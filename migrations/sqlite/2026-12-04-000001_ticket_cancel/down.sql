DROP INDEX tickets_open_due;
DROP INDEX tickets_open_breached;
DROP INDEX tickets_open_tier;
CREATE INDEX tickets_open_due ON tickets (resolution_due_at, id) WHERE status <> 'closed';
CREATE INDEX tickets_open_breached ON tickets (breached, resolution_due_at, id) WHERE status <> 'closed';
CREATE INDEX tickets_open_tier ON tickets (ladder_tier, resolution_due_at, id) WHERE status <> 'closed';
