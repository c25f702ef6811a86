-- The open-ticket lists a supervisor filters by breach or by tier count their total and read
-- their page from the open tickets of that breach state or tier only, in due-time order,
-- instead of walking every open ticket.
CREATE INDEX tickets_open_breached ON tickets (breached, resolution_due_at, id) WHERE status <> 'closed';
CREATE INDEX tickets_open_tier ON tickets (ladder_tier, resolution_due_at, id) WHERE status <> 'closed';
