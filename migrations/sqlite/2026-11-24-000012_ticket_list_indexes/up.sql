-- The ticket lists a supervisor opens most: open tickets by due time read only the open ones
-- (without it the due-time index is walked through a year of closed tickets first), and the
-- newest tickets read from an index instead of sorting all of them.
CREATE INDEX tickets_open_due ON tickets (resolution_due_at, id) WHERE status <> 'closed';
CREATE INDEX tickets_opened ON tickets (opened_at, id);
