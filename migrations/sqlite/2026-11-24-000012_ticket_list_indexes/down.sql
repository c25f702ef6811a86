DROP INDEX tickets_opened;
DROP INDEX tickets_open_due;
