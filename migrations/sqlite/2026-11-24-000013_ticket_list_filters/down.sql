DROP INDEX tickets_open_tier;
DROP INDEX tickets_open_breached;
